//! Traversal: everything of some kinds a user reaches, with every path that
//! grants it and the attributes compiled over those paths. One engine serves
//! the nine traversal operations and `memberof`; a [`Traversal`] says which
//! kinds it lists and which steps it may take.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::model::{Attributes, Kind, Object, Org};

/// Paths longer than this are not followed. JumpCloud's graph has at most
/// four edges on a path (user → user group → system group → system); the
/// bound only matters for fixtures with nested groups.
const MAX_PATH_EDGES: usize = 16;

/// What a traversal lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Traversal {
    /// `/applications`
    Applications,
    /// `/directories`: Active Directory, G Suite, LDAP and Office 365.
    Directories,
    /// `/gsuites`
    GSuites,
    /// `/ldapservers`
    LdapServers,
    /// `/office365s`
    Office365s,
    /// `/radiusservers`
    RadiusServers,
    /// `/systems`: directly, through system groups and through user groups.
    Systems,
    /// `/systemgroups`
    SystemGroups,
    /// `/activedirectories`
    ActiveDirectories,
    /// `/memberof`: the user groups the user belongs to (memberships only).
    MemberOf,
}

impl Traversal {
    /// The kinds this traversal lists.
    pub(crate) fn targets(self) -> &'static [Kind] {
        match self {
            Traversal::Applications => &[Kind::Application],
            Traversal::Directories => &Kind::DIRECTORIES,
            Traversal::GSuites => &[Kind::GSuite],
            Traversal::LdapServers => &[Kind::LdapServer],
            Traversal::Office365s => &[Kind::Office365],
            Traversal::RadiusServers => &[Kind::RadiusServer],
            Traversal::Systems => &[Kind::System],
            Traversal::SystemGroups => &[Kind::SystemGroup],
            Traversal::ActiveDirectories => &[Kind::ActiveDirectory],
            Traversal::MemberOf => &[Kind::UserGroup],
        }
    }

    /// Whether a step into an object of `kind` can lead to something this
    /// traversal lists. User groups lead everywhere; system groups only to
    /// systems and system groups; everything else is a leaf.
    fn steps_into(self, kind: Kind) -> bool {
        if self == Traversal::MemberOf {
            return kind == Kind::UserGroup;
        }
        self.targets().contains(&kind)
            || kind == Kind::UserGroup
            || (kind == Kind::SystemGroup
                && self
                    .targets()
                    .iter()
                    .any(|k| matches!(k, Kind::System | Kind::SystemGroup)))
    }
}

/// Where a path's grant comes from, highest precedence first; see
/// [`compile_attributes`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Precedence {
    /// user → object.
    Direct,
    /// user → system group (→ nested groups) → system.
    UserSystemGroup,
    /// user → user group (→ nested groups) → object.
    UserGroup,
    /// user → user group → system group → system.
    UserGroupSystemGroup,
}

/// One edge of a path, oriented away from the user: where it leads and the
/// edge's own attributes. (Where it starts is the previous hop's `to`, or
/// the user.)
#[derive(Clone, Debug)]
pub(crate) struct Hop<'a> {
    pub(crate) to: &'a Object,
    pub(crate) attributes: Option<&'a Attributes>,
}

/// A chain of edges from the user to a reached object.
#[derive(Clone, Debug)]
pub(crate) struct Path<'a> {
    pub(crate) hops: Vec<Hop<'a>>,
}

impl Path<'_> {
    /// The path's precedence: by its first edge, and whether it passes
    /// through a system group on the way.
    pub(crate) fn precedence(&self) -> Precedence {
        let through_system_group = self
            .hops
            .iter()
            .take(self.hops.len().saturating_sub(1))
            .any(|hop| hop.to.kind() == Kind::SystemGroup);
        match self.hops.first().map(|hop| hop.to.kind()) {
            _ if self.hops.len() <= 1 => Precedence::Direct,
            Some(Kind::UserGroup) if through_system_group => Precedence::UserGroupSystemGroup,
            Some(Kind::UserGroup) => Precedence::UserGroup,
            _ => Precedence::UserSystemGroup,
        }
    }

    /// The attributes this path grants; see [`compile_attributes`], rule 1.
    fn attributes(&self) -> Attributes {
        let mut merged = Attributes::new();
        let mut group_setting = false;
        for hop in &self.hops {
            for (key, value) in hop.attributes.into_iter().flatten() {
                // "Permissions set at the user group level supersede any
                // permissions previously set on the user group's bind to a
                // device group."
                if key == SUDO && group_setting {
                    continue;
                }
                merged.insert(key.clone(), value.clone());
            }
            for (key, value) in hop.to.attributes().into_iter().flatten() {
                if key != SUDO {
                    merged.insert(key.clone(), value.clone());
                } else if hop.to.kind() == Kind::UserGroup && sudo_enabled(value) {
                    group_setting = true;
                    merged.insert(key.clone(), value.clone());
                }
            }
        }
        merged
    }

    /// Orders paths: by precedence, then shorter first, then by the ids along
    /// the way, so responses are stable.
    fn sort_key(&self) -> (Precedence, usize, Vec<&str>) {
        (
            self.precedence(),
            self.hops.len(),
            self.hops.iter().map(|hop| hop.to.id()).collect(),
        )
    }
}

/// An object the user reaches, with every path that reaches it.
#[derive(Clone, Debug)]
pub(crate) struct Reached<'a> {
    pub(crate) object: &'a Object,
    pub(crate) paths: Vec<Path<'a>>,
}

impl Reached<'_> {
    /// The attributes compiled over all paths; see [`compile_attributes`].
    pub(crate) fn compiled_attributes(&self) -> Option<Attributes> {
        compile_attributes(&self.paths)
    }
}

/// Every object of the traversal's kinds that `user` reaches, ordered by id,
/// each with all its paths (ordered by precedence, length, then ids).
///
/// Every simple path is enumerated: a path never visits an object twice (the
/// on-path set is the cycle guard), so a fixture whose groups contain each
/// other still terminates, and each distinct route is reported once.
pub(crate) fn traverse<'a>(
    org: &'a Org,
    user: &'a Object,
    traversal: Traversal,
) -> Vec<Reached<'a>> {
    let mut walk = Walk {
        org,
        traversal,
        stack: Vec::new(),
        user: user.id(),
        found: BTreeMap::new(),
    };
    walk.visit(user);
    walk.found
        .into_values()
        .map(|mut reached| {
            reached
                .paths
                .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
            reached
        })
        .collect()
}

struct Walk<'a> {
    org: &'a Org,
    traversal: Traversal,
    stack: Vec<Hop<'a>>,
    /// The user's id: with the stack, what the path has visited (at most
    /// `MAX_PATH_EDGES` hops, so a scan beats hashing every id).
    user: &'a str,
    found: BTreeMap<&'a str, Reached<'a>>,
}

impl<'a> Walk<'a> {
    fn visit(&mut self, node: &'a Object) {
        if self.stack.len() >= MAX_PATH_EDGES {
            return;
        }
        for (next, attributes) in self.steps(node) {
            if self.on_path(next.id()) {
                continue;
            }
            self.stack.push(Hop {
                to: next,
                attributes,
            });
            if self.traversal.targets().contains(&next.kind()) {
                self.found
                    .entry(next.id())
                    .or_insert_with(|| Reached {
                        object: next,
                        paths: Vec::new(),
                    })
                    .paths
                    .push(Path {
                        hops: self.stack.clone(),
                    });
            }
            self.visit(next);
            self.stack.pop();
        }
    }

    /// Whether the path being walked has visited `id` (the cycle guard).
    fn on_path(&self, id: &str) -> bool {
        id == self.user || self.stack.iter().any(|hop| hop.to.id() == id)
    }

    /// The objects one step away from `node`, away from the user, with the
    /// attributes of the edge between: a user or user group steps along its
    /// memberships and bindings; a system group steps to its members;
    /// everything else is a leaf.
    fn steps(&self, node: &'a Object) -> Vec<(&'a Object, Option<&'a Attributes>)> {
        let org = self.org;
        let candidates: Vec<(&'a Object, Option<&'a Attributes>)> = match node.kind() {
            Kind::User | Kind::UserGroup => org.out_edges(node.id()).collect(),
            // Memberships are stored member → group; the path walks them
            // group → member.
            Kind::SystemGroup => org
                .in_edges(node.id())
                .filter(|(member, _)| matches!(member.kind(), Kind::System | Kind::SystemGroup))
                .collect(),
            _ => Vec::new(),
        };
        candidates
            .into_iter()
            .filter(|(next, _)| self.traversal.steps_into(next.kind()))
            .collect()
    }
}

/// Compiles the attributes of an object reached over several paths into one
/// `compiledAttributes` map (`None`, sent as `null`, when no path carries
/// any). One rule, JumpCloud's where its documentation speaks ("Set
/// Admin/Sudo Permissions": "Permissions that are granted directly on a
/// user supersede permissions granted at a user group level" and
/// "Permissions set at the user group level supersede any permissions
/// previously set on the user group's bind to a device group"), and the
/// rules listed under "What explanations assume" (README.md, in full in
/// docs/client.md) where it does not:
///
/// 1. A path's attributes are everything it carries, walked from the user
///    outwards: each edge's attributes, then the own attributes of the
///    object the edge reaches (a user group's `ldapGroups`, custom keys);
///    on a key conflict the later one, nearest the object, wins. `sudo`
///    differs: an object's own `sudo` counts only on a user group and only
///    when enabled (the group-level setting; one that is off is no
///    setting), and once a path has passed such a group, the `sudo` of the
///    binds after it no longer counts (the group level supersedes them).
/// 2. Paths are ranked by [`Precedence`]: user → object first, then user →
///    system group, then user group → object, then user group → system
///    group (the first rank is documented, the order within each pair is
///    assumed). Nested groups, which JumpCloud's API does not create, rank
///    by their first edge here; the client ranks them last, so a fixture
///    with nested groups shows a disagreement on purpose.
/// 3. For each attribute key, the highest-ranked path that has the key
///    decides its value. A path that lacks a key (e.g. a direct binding with
///    no `sudo`) does not take the key away.
/// 4. Among paths of equal rank, `sudo` is the most permissive of them
///    (`enabled` OR-ed, `withoutPassword` OR-ed); any other key takes the
///    value of the first such path in path order.
pub(crate) fn compile_attributes(paths: &[Path<'_>]) -> Option<Attributes> {
    let mut ranked: Vec<(Precedence, Attributes)> = paths
        .iter()
        .map(|path| (path.precedence(), path.attributes()))
        .collect();
    // Stable: paths of equal rank keep their order.
    ranked.sort_by_key(|(rank, _)| *rank);

    let mut compiled = Attributes::new();
    let mut decided_at: BTreeMap<String, Precedence> = BTreeMap::new();
    for (rank, attributes) in ranked {
        for (key, value) in attributes {
            match decided_at.get(&key) {
                None => {
                    decided_at.insert(key.clone(), rank);
                    compiled.insert(key, value);
                }
                Some(decided) if *decided == rank && key == SUDO => {
                    if let Some(current) = compiled.get_mut(&key) {
                        *current = most_permissive_sudo(current, &value);
                    }
                }
                Some(_) => {}
            }
        }
    }
    (!compiled.is_empty()).then_some(compiled)
}

/// The key of sudo rights in graph attributes.
const SUDO: &str = "sudo";

/// Whether a `sudo` value grants sudo (`{"enabled": true, ..}`).
fn sudo_enabled(value: &Value) -> bool {
    value.get("enabled").and_then(Value::as_bool) == Some(true)
}

/// `sudo` granted by either of two equally ranked paths.
fn most_permissive_sudo(a: &Value, b: &Value) -> Value {
    let flag = |v: &Value, name: &str| v.get(name).and_then(Value::as_bool).unwrap_or(false);
    match (a.as_object(), b.as_object()) {
        (Some(_), Some(_)) => serde_json::json!({
            "enabled": flag(a, "enabled") || flag(b, "enabled"),
            "withoutPassword": flag(a, "withoutPassword") || flag(b, "withoutPassword"),
        }),
        _ => a.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::Fixture;
    use serde_json::json;

    fn ids(reached: &[Reached<'_>]) -> Vec<String> {
        reached
            .iter()
            .map(|r| r.object.handle().to_owned())
            .collect()
    }

    #[test]
    fn systems_of_ada_include_every_route() {
        let fixture = Fixture::demo();
        let org = &fixture["acme"];
        let reached = traverse(org, &org["ada"], Traversal::Systems);
        assert_eq!(
            ids(&reached),
            [
                "ada-macbook",
                "grace-thinkpad",
                "katherine-surface",
                "web-01",
                "db-01",
                "linus-framework"
            ]
        );
        let web = reached
            .iter()
            .find(|r| r.object.handle() == "web-01")
            .expect("web-01 reached");
        let routes: Vec<Vec<&str>> = web
            .paths
            .iter()
            .map(|p| p.hops.iter().map(|h| h.to.handle()).collect())
            .collect();
        assert_eq!(
            routes,
            [
                vec!["web-01"],
                vec!["ops", "web-01"],
                vec!["engineering", "production-servers", "web-01"],
            ]
        );
    }

    #[test]
    fn direct_sudo_supersedes_more_permissive_group_sudo() {
        let fixture = Fixture::demo();
        let org = &fixture["acme"];
        let reached = traverse(org, &org["ada"], Traversal::Systems);
        let web = reached
            .iter()
            .find(|r| r.object.handle() == "web-01")
            .expect("web-01 reached");
        let compiled = web.compiled_attributes().expect("attributes");
        assert_eq!(
            compiled.get("sudo"),
            Some(&json!({"enabled": true, "withoutPassword": false}))
        );
        assert_eq!(
            compiled.get("posixGroups"),
            Some(&json!([{"id": 5001, "name": "engineering"}]))
        );
    }

    #[test]
    fn user_group_outranks_user_group_through_system_group() {
        let fixture = Fixture::demo();
        let org = &fixture["acme"];
        // Linus reaches web-01 only through Ops (passwordless), and his own
        // laptop directly.
        let reached = traverse(org, &org["linus"], Traversal::Systems);
        let web = reached
            .iter()
            .find(|r| r.object.handle() == "web-01")
            .expect("web-01 reached");
        assert_eq!(
            web.compiled_attributes()
                .and_then(|a| a.get("sudo").cloned()),
            Some(json!({"enabled": true, "withoutPassword": true}))
        );
    }

    #[test]
    fn memberof_only_follows_memberships() {
        let fixture = Fixture::demo();
        let org = &fixture["acme"];
        let reached = traverse(org, &org["ada"], Traversal::MemberOf);
        assert_eq!(ids(&reached), ["engineering", "ops", "everyone"]);
        assert!(
            reached
                .iter()
                .all(|r| r.paths.len() == 1 && r.paths[0].hops.len() == 1)
        );
    }

    #[test]
    fn equal_rank_sudo_is_the_most_permissive() {
        let yaml = r#"
orgs:
  - handle: o
    id: "650000000000000000000001"
    name: O
    users: { u: { id: "651000000000000000000001" } }
    user_groups:
      a: { id: "652000000000000000000001" }
      b: { id: "652000000000000000000002" }
    systems: { s: { id: "653000000000000000000001" } }
    members: { a: [u], b: [u] }
    bindings:
      - { from: a, to: s, attributes: { sudo: { enabled: true, withoutPassword: false }, note: from-a } }
      - { from: b, to: s, attributes: { sudo: { enabled: true, withoutPassword: true }, note: from-b } }
keys: [{ key: k, org: o }]
"#;
        let fixture = Fixture::from_yaml_str(yaml).expect("valid");
        let org = fixture.first_org();
        let reached = traverse(org, &org["u"], Traversal::Systems);
        let compiled = reached[0].compiled_attributes().expect("attributes");
        assert_eq!(
            compiled.get("sudo"),
            Some(&json!({"enabled": true, "withoutPassword": true}))
        );
        assert_eq!(compiled.get("note"), Some(&json!("from-a")));
    }

    /// u is in g (own sudo `group`) and h (own sudo off), both bound to
    /// system group x (binding sudo `bind`) holding s; h also carries a
    /// custom key of its own.
    fn group_setting_org(group: &str, bind: &str) -> Fixture {
        let yaml = format!(
            r#"
orgs:
  - handle: o
    id: "650000000000000000000001"
    name: O
    users: {{ u: {{ id: "651000000000000000000001" }} }}
    user_groups:
      g: {{ id: "652000000000000000000001", attributes: {{ sudo: {group} }} }}
      h:
        id: "652000000000000000000002"
        attributes: {{ sudo: {{ enabled: false, withoutPassword: false }}, "acme:tier": 2 }}
    systems: {{ s: {{ id: "653000000000000000000001" }} }}
    system_groups: {{ x: {{ id: "654000000000000000000001" }} }}
    members: {{ g: [u], h: [u], x: [s] }}
    bindings:
      - {{ from: g, to: x, attributes: {{ sudo: {bind} }} }}
      - {{ from: h, to: x, attributes: {{ sudo: {bind} }} }}
keys: [{{ key: k, org: o }}]
"#
        );
        Fixture::from_yaml_str(&yaml).expect("valid")
    }

    const PASSWORDLESS: &str = "{ enabled: true, withoutPassword: true }";
    const WITH_PASSWORD: &str = "{ enabled: true, withoutPassword: false }";

    #[test]
    fn a_group_level_setting_supersedes_its_bindings_sudo() {
        let sudo = |without: bool| json!({"enabled": true, "withoutPassword": without});
        // (g's setting, the bindings' sudo) -> (g's path, h's path, compiled).
        for (group, bind, expected) in [
            // More permissive than g's binding: it wins; h's setting is off,
            // so h's binding counts.
            (PASSWORDLESS, WITH_PASSWORD, [true, false, true]),
            // Less permissive: it still wins over g's binding ("supersede",
            // not "the most permissive"); the two equal paths then give the
            // most permissive.
            (WITH_PASSWORD, PASSWORDLESS, [false, true, true]),
        ] {
            let fixture = group_setting_org(group, bind);
            let org = fixture.first_org();
            let reached = traverse(org, &org["u"], Traversal::Systems);
            let paths: Vec<Attributes> = reached[0].paths.iter().map(Path::attributes).collect();
            let compiled = reached[0].compiled_attributes().expect("attributes");
            let context = format!("group {group}, binding {bind}");
            assert_eq!(paths[0].get("sudo"), Some(&sudo(expected[0])), "{context}");
            assert_eq!(paths[1].get("sudo"), Some(&sudo(expected[1])), "{context}");
            assert_eq!(compiled.get("sudo"), Some(&sudo(expected[2])), "{context}");
            // A node's own custom key is compiled.
            assert_eq!(compiled.get("acme:tier"), Some(&json!(2)), "{context}");
        }
    }

    #[test]
    fn nested_groups_that_contain_each_other_terminate() {
        let yaml = r#"
orgs:
  - handle: o
    id: "650000000000000000000001"
    name: O
    users: { u: { id: "651000000000000000000001" } }
    user_groups:
      a: { id: "652000000000000000000001" }
      b: { id: "652000000000000000000002" }
    systems: { s: { id: "653000000000000000000001" } }
    members: { a: [u, b], b: [a] }
    bindings: [{ from: b, to: s }]
keys: [{ key: k, org: o }]
"#;
        let fixture = Fixture::from_yaml_str(yaml).expect("valid");
        let org = fixture.first_org();
        let reached = traverse(org, &org["u"], Traversal::Systems);
        assert_eq!(ids(&reached), ["s"]);
        let routes: Vec<Vec<&str>> = reached[0]
            .paths
            .iter()
            .map(|p| p.hops.iter().map(|h| h.to.handle()).collect())
            .collect();
        assert_eq!(routes, [vec!["a", "b", "s"]]);
    }
}
