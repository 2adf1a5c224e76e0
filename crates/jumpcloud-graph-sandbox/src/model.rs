//! The org graph's vocabulary: object kinds, objects, edges and orgs, plus
//! the rules every edge must obey, whether it comes from a fixture, the
//! generator or a `POST associations`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::ops::Index;
use std::str::FromStr;

use serde::Serialize;
use serde_json::Value;

/// Free-form graph attributes (`sudo`, `ldapGroups`, `posixGroups`,
/// `radius`, customer-defined keys), as JumpCloud sends them; also an
/// object's own fields. Not exported: the client has its own, typed
/// `Attributes`, and the public signatures spell out the JSON map.
pub(crate) type Attributes = serde_json::Map<String, Value>;

/// The kind of a graph object; its string form is JumpCloud's graph `type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Kind {
    /// A person (`user`).
    User,
    /// A group of users (`user_group`).
    UserGroup,
    /// A device: laptop or server (`system`).
    System,
    /// A group of systems (`system_group`).
    SystemGroup,
    /// An SSO application (`application`).
    Application,
    /// An Active Directory domain (`active_directory`).
    ActiveDirectory,
    /// A Google Workspace instance (`g_suite`).
    #[serde(rename = "g_suite")]
    GSuite,
    /// A Microsoft 365 instance (`office_365`).
    #[serde(rename = "office_365")]
    Office365,
    /// JumpCloud's hosted LDAP (`ldap_server`).
    LdapServer,
    /// A RADIUS server, e.g. office Wi-Fi (`radius_server`).
    RadiusServer,
    /// An identity-provider routing policy (`idp_routing_policy`).
    IdpRoutingPolicy,
    /// A shared password-manager item (`password_manager_item`).
    PasswordManagerItem,
}

impl Kind {
    /// Every kind the sandbox knows.
    pub const ALL: [Kind; 12] = [
        Kind::User,
        Kind::UserGroup,
        Kind::System,
        Kind::SystemGroup,
        Kind::Application,
        Kind::ActiveDirectory,
        Kind::GSuite,
        Kind::Office365,
        Kind::LdapServer,
        Kind::RadiusServer,
        Kind::IdpRoutingPolicy,
        Kind::PasswordManagerItem,
    ];

    /// The ten kinds a user (or a user group) can be bound to directly: the
    /// `targets` of `GET /users/{id}/associations` and the `type` of its POST,
    /// in the order the spec lists them.
    pub const USER_TARGETS: [Kind; 10] = [
        Kind::ActiveDirectory,
        Kind::Application,
        Kind::GSuite,
        Kind::IdpRoutingPolicy,
        Kind::LdapServer,
        Kind::Office365,
        Kind::PasswordManagerItem,
        Kind::RadiusServer,
        Kind::System,
        Kind::SystemGroup,
    ];

    /// The four kinds `GET /users/{id}/directories` lists.
    pub const DIRECTORIES: [Kind; 4] = [
        Kind::ActiveDirectory,
        Kind::GSuite,
        Kind::LdapServer,
        Kind::Office365,
    ];

    /// JumpCloud's graph type string, e.g. `"system_group"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::User => "user",
            Kind::UserGroup => "user_group",
            Kind::System => "system",
            Kind::SystemGroup => "system_group",
            Kind::Application => "application",
            Kind::ActiveDirectory => "active_directory",
            Kind::GSuite => "g_suite",
            Kind::Office365 => "office_365",
            Kind::LdapServer => "ldap_server",
            Kind::RadiusServer => "radius_server",
            Kind::IdpRoutingPolicy => "idp_routing_policy",
            Kind::PasswordManagerItem => "password_manager_item",
        }
    }

    /// Whether a user can be bound to this kind directly.
    pub fn is_user_target(self) -> bool {
        Kind::USER_TARGETS.contains(&self)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error of parsing a [`Kind`] from a string that is not a graph type.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown graph type {0:?}")]
pub struct UnknownKind(pub String);

impl FromStr for Kind {
    type Err = UnknownKind;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Kind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == s)
            .ok_or_else(|| UnknownKind(s.to_owned()))
    }
}

/// Whether `s` is a MongoDB ObjectID as JumpCloud uses them: 24 hex digits.
pub fn is_object_id(s: &str) -> bool {
    s.len() == 24 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// One object of an org: a user, a group, a system, an application, a
/// directory or a RADIUS server.
#[derive(Clone, Debug, PartialEq)]
pub struct Object {
    id: String,
    kind: Kind,
    handle: String,
    fields: Attributes,
}

impl Object {
    pub(crate) fn new(id: String, kind: Kind, handle: String, fields: Attributes) -> Self {
        Object {
            id,
            kind,
            handle,
            fields,
        }
    }

    /// The ObjectID (24 hex digits).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The kind of object.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The readable name a fixture uses for this object (e.g. `ada`,
    /// `web-01`); not part of the API.
    pub fn handle(&self) -> &str {
        &self.handle
    }

    /// The object's own fields (`username`, `email`, `hostname`, `name`, ...),
    /// which `filter` and `sort` can use.
    pub fn fields(&self) -> &serde_json::Map<String, Value> {
        &self.fields
    }

    /// One of the object's own fields.
    pub fn field(&self, name: &str) -> Option<&Value> {
        self.fields.get(name)
    }

    /// The value `filter` and `sort` see for `field`: `id` (also spelt `_id`
    /// and `object_id`), `type`, or one of the object's own fields.
    pub(crate) fn query_value(&self, field: &str) -> Option<Value> {
        match field {
            "id" | "_id" | "object_id" => Some(Value::String(self.id.clone())),
            "type" => Some(Value::String(self.kind.as_str().to_owned())),
            other => self.fields.get(other).cloned(),
        }
    }

    /// A reference to this object, as edges hold them.
    pub fn to_ref(&self) -> ObjectRef {
        ObjectRef {
            id: self.id.clone(),
            kind: self.kind,
        }
    }
}

/// An object's identity as an edge end: its id and kind.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct ObjectRef {
    /// The ObjectID.
    pub id: String,
    /// The kind of object.
    #[serde(rename = "type")]
    pub kind: Kind,
}

/// What an edge means, which follows from the kinds it joins.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum EdgeRole {
    /// `from` is a member of the group `to`: user → user group, system →
    /// system group, or a group inside a group of its own kind.
    Membership,
    /// `from` (a user or user group) is bound to `to`, one of
    /// [`Kind::USER_TARGETS`]; bindings carry the attributes.
    Binding,
}

impl EdgeRole {
    /// The role of an edge `from` → `to`, or `None` when JumpCloud's graph
    /// has no such edge.
    ///
    /// Group-in-group memberships are not something JumpCloud's API creates;
    /// the sandbox accepts them from fixtures so that traversal can be shown
    /// to survive a cycle.
    pub fn of(from: Kind, to: Kind) -> Option<EdgeRole> {
        match (from, to) {
            (Kind::User, Kind::UserGroup)
            | (Kind::System, Kind::SystemGroup)
            | (Kind::UserGroup, Kind::UserGroup)
            | (Kind::SystemGroup, Kind::SystemGroup) => Some(EdgeRole::Membership),
            (Kind::User | Kind::UserGroup, target) if target.is_user_target() => {
                Some(EdgeRole::Binding)
            }
            _ => None,
        }
    }
}

/// A direct edge of an [`Org`]'s graph. Memberships point from the member
/// to the group; bindings from the user or user group to what it is bound
/// to. (Named apart from the client's `Edge`, a hop of a path, so that both
/// crates can be glob-imported together.)
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct OrgEdge {
    /// The member, or the bound user / user group.
    pub from: ObjectRef,
    /// The group, or the object bound to.
    pub to: ObjectRef,
    /// The edge's attributes; `None` when it has none.
    pub attributes: Option<serde_json::Map<String, Value>>,
}

impl OrgEdge {
    /// Whether this edge is a membership or a binding.
    pub fn role(&self) -> EdgeRole {
        // Edges are only stored after `EdgeRole::of` accepted them.
        EdgeRole::of(self.from.kind, self.to.kind).unwrap_or(EdgeRole::Binding)
    }
}

/// Why an edge could not be added, changed or removed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub(crate) enum EdgeError {
    #[error("no object {0:?}")]
    UnknownObject(String),
    #[error("a {from} cannot be joined to a {to}")]
    NotAllowed { from: Kind, to: Kind },
    #[error("an object cannot be joined to itself")]
    SelfLoop,
    #[error("the edge already exists")]
    Exists,
    #[error("no such edge")]
    Missing,
    #[error("invalid attributes: {0}")]
    Attributes(String),
}

/// One JumpCloud organisation: its objects and the edges between them.
#[derive(Clone, Debug)]
pub struct Org {
    id: String,
    handle: String,
    name: String,
    objects: BTreeMap<String, Object>,
    handles: HashMap<String, String>,
    /// from id → to id → attributes: lookups by `&str` allocate nothing,
    /// which matters when one user has 10,000 edges.
    edges: BTreeMap<String, BTreeMap<String, Option<Attributes>>>,
    /// to id → from ids, for walking system-group memberships backwards.
    inn: HashMap<String, BTreeSet<String>>,
}

impl Org {
    pub(crate) fn new(handle: String, id: String, name: String) -> Self {
        Org {
            id,
            handle,
            name,
            objects: BTreeMap::new(),
            handles: HashMap::new(),
            edges: BTreeMap::new(),
            inn: HashMap::new(),
        }
    }

    /// The org's id, which `x-org-id` carries.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The fixture's readable name for the org (e.g. `acme`).
    pub fn handle(&self) -> &str {
        &self.handle
    }

    /// The org's display name (e.g. `Acme Robotics`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The object with this handle or id.
    pub fn object(&self, handle_or_id: &str) -> Option<&Object> {
        match self.handles.get(handle_or_id) {
            Some(id) => self.objects.get(id),
            None => self.objects.get(handle_or_id),
        }
    }

    /// The object with this id (ids only, never handles: request paths
    /// carry ids).
    pub(crate) fn object_by_id(&self, id: &str) -> Option<&Object> {
        self.objects.get(id)
    }

    /// The id of the object with this handle (or id).
    ///
    /// # Panics
    ///
    /// When the org has no such object: this is a test helper, where a typo
    /// should fail loudly.
    pub fn id_of(&self, handle: &str) -> &str {
        self[handle].id()
    }

    /// Every object, ordered by id.
    pub fn objects(&self) -> impl Iterator<Item = &Object> {
        self.objects.values()
    }

    /// The objects of one kind, ordered by id.
    pub fn objects_of(&self, kind: Kind) -> impl Iterator<Item = &Object> {
        self.objects.values().filter(move |o| o.kind == kind)
    }

    /// Every edge, ordered by (from id, to id).
    pub fn edges(&self) -> Vec<OrgEdge> {
        self.edges
            .keys()
            .flat_map(|from| self.edges_from(from))
            .collect()
    }

    /// The edges that start at the object with this handle or id, e.g. a
    /// user's memberships and direct bindings.
    pub fn edges_from(&self, handle_or_id: &str) -> Vec<OrgEdge> {
        let Some(from) = self.object(handle_or_id) else {
            return Vec::new();
        };
        self.edges
            .get(&from.id)
            .into_iter()
            .flatten()
            .filter_map(|(to, attributes)| {
                Some(OrgEdge {
                    from: from.to_ref(),
                    to: self.objects.get(to)?.to_ref(),
                    attributes: attributes.clone(),
                })
            })
            .collect()
    }

    /// The attributes of the edge `from` → `to` (ids): `None` when there is
    /// no such edge, `Some(None)` when it has no attributes.
    pub(crate) fn edge_attributes(&self, from: &str, to: &str) -> Option<Option<&Attributes>> {
        self.edges.get(from)?.get(to).map(Option::as_ref)
    }

    /// The objects `id` has an edge to, with the edge's attributes, ordered
    /// by id.
    pub(crate) fn out_edges(
        &self,
        id: &str,
    ) -> impl Iterator<Item = (&Object, Option<&Attributes>)> {
        self.edges
            .get(id)
            .into_iter()
            .flatten()
            .filter_map(|(to, attributes)| Some((self.objects.get(to)?, attributes.as_ref())))
    }

    /// The objects that have an edge to `id`, ordered by id.
    pub(crate) fn in_neighbours(&self, id: &str) -> impl Iterator<Item = &Object> {
        self.inn
            .get(id)
            .into_iter()
            .flatten()
            .filter_map(|other| self.objects.get(other))
    }

    /// Adds an object; the id and the handle must be new to the org.
    pub(crate) fn insert_object(&mut self, object: Object) -> Result<(), String> {
        if !is_object_id(&object.id) {
            return Err(format!(
                "{:?} has id {:?}, which is not an ObjectID (24 hex digits)",
                object.handle, object.id
            ));
        }
        if self.objects.contains_key(&object.id) {
            return Err(format!("the id {:?} is used twice", object.id));
        }
        if self.handles.contains_key(&object.handle) {
            return Err(format!("the handle {:?} is used twice", object.handle));
        }
        self.handles
            .insert(object.handle.clone(), object.id.clone());
        self.objects.insert(object.id.clone(), object);
        Ok(())
    }

    /// Adds the edge `from` → `to` (ids), checking that JumpCloud's graph
    /// allows it and that its attributes are valid.
    pub(crate) fn insert_edge(
        &mut self,
        from: &str,
        to: &str,
        attributes: Option<Attributes>,
    ) -> Result<(), EdgeError> {
        self.check_edge(from, to)?;
        validate_attributes(attributes.as_ref()).map_err(EdgeError::Attributes)?;
        let targets = self.edges.entry(from.to_owned()).or_default();
        if targets.contains_key(to) {
            return Err(EdgeError::Exists);
        }
        targets.insert(to.to_owned(), normalise(attributes));
        self.inn
            .entry(to.to_owned())
            .or_default()
            .insert(from.to_owned());
        Ok(())
    }

    /// Replaces the attributes of the existing edge `from` → `to`.
    pub(crate) fn update_edge(
        &mut self,
        from: &str,
        to: &str,
        attributes: Option<Attributes>,
    ) -> Result<(), EdgeError> {
        validate_attributes(attributes.as_ref()).map_err(EdgeError::Attributes)?;
        let slot = self
            .edges
            .get_mut(from)
            .and_then(|targets| targets.get_mut(to))
            .ok_or(EdgeError::Missing)?;
        *slot = normalise(attributes);
        Ok(())
    }

    /// Removes the edge `from` → `to`.
    pub(crate) fn remove_edge(&mut self, from: &str, to: &str) -> Result<(), EdgeError> {
        self.edges
            .get_mut(from)
            .and_then(|targets| targets.remove(to))
            .ok_or(EdgeError::Missing)?;
        if let Some(set) = self.inn.get_mut(to) {
            set.remove(from);
        }
        Ok(())
    }

    fn check_edge(&self, from: &str, to: &str) -> Result<EdgeRole, EdgeError> {
        let from_object = self
            .objects
            .get(from)
            .ok_or_else(|| EdgeError::UnknownObject(from.to_owned()))?;
        let to_object = self
            .objects
            .get(to)
            .ok_or_else(|| EdgeError::UnknownObject(to.to_owned()))?;
        if from == to {
            return Err(EdgeError::SelfLoop);
        }
        EdgeRole::of(from_object.kind, to_object.kind).ok_or(EdgeError::NotAllowed {
            from: from_object.kind,
            to: to_object.kind,
        })
    }
}

impl Index<&str> for Org {
    type Output = Object;

    /// The object with this handle or id; panics when there is none (a test
    /// helper, where a typo should fail loudly).
    fn index(&self, handle_or_id: &str) -> &Object {
        match self.object(handle_or_id) {
            Some(object) => object,
            None => panic!(
                "org {:?} has no object with handle or id {handle_or_id:?}",
                self.handle
            ),
        }
    }
}

/// Empty attributes are stored (and sent) as `null`, as JumpCloud does.
fn normalise(attributes: Option<Attributes>) -> Option<Attributes> {
    attributes.filter(|a| !a.is_empty())
}

/// Checks graph attributes the way JumpCloud does: free-form, except that a
/// `sudo` attribute must be `{"enabled": bool, "withoutPassword": bool}` and
/// `withoutPassword` requires `enabled`.
pub(crate) fn validate_attributes(attributes: Option<&Attributes>) -> Result<(), String> {
    let Some(sudo) = attributes.and_then(|a| a.get("sudo")) else {
        return Ok(());
    };
    let Some(sudo) = sudo.as_object() else {
        return Err("\"sudo\" must be an object".to_owned());
    };
    let flag = |name: &str| match sudo.get(name) {
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err(format!("\"sudo.{name}\" must be a boolean")),
        None => Err(format!("\"sudo.{name}\" is required")),
    };
    let enabled = flag("enabled")?;
    let without_password = flag("withoutPassword")?;
    if without_password && !enabled {
        return Err("\"sudo.withoutPassword\" requires \"sudo.enabled\" to be true".to_owned());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn attrs(value: Value) -> Attributes {
        value.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn kind_round_trips_through_its_graph_type() {
        for kind in Kind::ALL {
            assert_eq!(kind.as_str().parse::<Kind>(), Ok(kind));
            assert_eq!(
                serde_json::to_value(kind).ok(),
                Some(Value::String(kind.as_str().to_owned()))
            );
        }
        assert!("user_groups".parse::<Kind>().is_err());
    }

    #[test]
    fn object_ids_are_24_hex_digits() {
        assert!(is_object_id("5f1b0c2e9c1a4b0012345678"));
        assert!(is_object_id("5F1B0C2E9C1A4B0012345678"));
        assert!(!is_object_id("5f1b0c2e9c1a4b001234567"));
        assert!(!is_object_id("5f1b0c2e9c1a4b001234567g"));
        assert!(!is_object_id("123456"));
    }

    #[test]
    fn edge_roles_follow_jumpclouds_graph() {
        assert_eq!(
            EdgeRole::of(Kind::User, Kind::UserGroup),
            Some(EdgeRole::Membership)
        );
        assert_eq!(
            EdgeRole::of(Kind::UserGroup, Kind::SystemGroup),
            Some(EdgeRole::Binding)
        );
        assert_eq!(EdgeRole::of(Kind::System, Kind::User), None);
        assert_eq!(EdgeRole::of(Kind::User, Kind::User), None);
        assert_eq!(EdgeRole::of(Kind::SystemGroup, Kind::Application), None);
    }

    #[test]
    fn sudo_without_password_requires_enabled() {
        let bad = attrs(json!({"sudo": {"enabled": false, "withoutPassword": true}}));
        assert!(validate_attributes(Some(&bad)).is_err());
        let good = attrs(json!({"sudo": {"enabled": true, "withoutPassword": true}}));
        assert!(validate_attributes(Some(&good)).is_ok());
        let partial = attrs(json!({"sudo": {"enabled": true}}));
        assert!(validate_attributes(Some(&partial)).is_err());
        let free_form = attrs(json!({"acme:costCenter": "R&D"}));
        assert!(validate_attributes(Some(&free_form)).is_ok());
    }

    #[test]
    fn edges_are_added_updated_and_removed_once() {
        let mut org = Org::new("o".into(), "650000000000000000000001".into(), "O".into());
        let user = Object::new(
            "651000000000000000000001".into(),
            Kind::User,
            "u".into(),
            Attributes::new(),
        );
        let system = Object::new(
            "653000000000000000000001".into(),
            Kind::System,
            "s".into(),
            Attributes::new(),
        );
        let (u, s) = (user.id.clone(), system.id.clone());
        assert!(org.insert_object(user).is_ok());
        assert!(org.insert_object(system).is_ok());
        assert_eq!(org.insert_edge(&u, &s, None), Ok(()));
        assert_eq!(org.insert_edge(&u, &s, None), Err(EdgeError::Exists));
        assert_eq!(
            org.insert_edge(&s, &u, None),
            Err(EdgeError::NotAllowed {
                from: Kind::System,
                to: Kind::User
            })
        );
        let sudo = attrs(json!({"sudo": {"enabled": true, "withoutPassword": false}}));
        assert_eq!(org.update_edge(&u, &s, Some(sudo.clone())), Ok(()));
        assert_eq!(org.edge_attributes(&u, &s), Some(Some(&sudo)));
        assert_eq!(org.remove_edge(&u, &s), Ok(()));
        assert_eq!(org.remove_edge(&u, &s), Err(EdgeError::Missing));
        assert_eq!(org.out_edges(&u).count(), 0);
    }
}
