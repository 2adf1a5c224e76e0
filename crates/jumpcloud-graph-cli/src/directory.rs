//! Names: from the command line to ids, and from ids to names in output.
//!
//! In the sandbox the fixture knows every object, so users and objects may
//! be named by their fixture handle (`ada`, `web-01`) or a display field
//! (`Ada's MacBook Pro`, `ada@acme.example`), and tables show handles next
//! to ids. Against JumpCloud the user graph returns ids and types only:
//! users are found by email or username and objects by name through the
//! client's lookups (`api_names.rs`), and tables show the names the
//! resolver found (none with `--no-names`).

use jumpcloud_graph::{GraphNode, GraphType, NameSource, ObjectId, Resolved};
use jumpcloud_graph_sandbox::{Kind, Object, Org};

use crate::error::CliError;

/// The object fields a name may match, besides the fixture handle.
const NAME_FIELDS: &[&str] = &[
    "username",
    "email",
    "hostname",
    "displayName",
    "name",
    "displayLabel",
];

/// Where names come from.
#[derive(Clone)]
pub enum Directory {
    /// The sandbox's org, as its fixture describes it.
    Sandbox(Box<Org>),
    /// JumpCloud: what the resolver has named so far (`None` before any
    /// lookup, and with `--no-names`).
    Api(Option<Resolved>),
}

impl NameSource for Directory {
    fn name_of(&self, node: &GraphNode) -> Option<String> {
        self.name(node)
    }
}

impl Directory {
    /// The user `text` names.
    pub fn user(&self, text: &str) -> Result<ObjectId, CliError> {
        self.resolve(text, "user", &|kind| *kind == GraphType::User)
    }

    /// The object `text` names, among objects whose type `accepts` allows
    /// (`what` names them in errors, e.g. `systems`).
    pub fn object(
        &self,
        text: &str,
        what: &str,
        accepts: &dyn Fn(&GraphType) -> bool,
    ) -> Result<ObjectId, CliError> {
        self.resolve(text, what, accepts)
    }

    fn resolve(
        &self,
        text: &str,
        what: &str,
        accepts: &dyn Fn(&GraphType) -> bool,
    ) -> Result<ObjectId, CliError> {
        let trimmed = text.trim();
        if let Ok(id) = ObjectId::parse(trimmed) {
            return Ok(id);
        }
        let Directory::Sandbox(org) = self else {
            return Err(CliError::Usage(format!(
                "{text:?} is not an id: against JumpCloud, give an id (24 hex digits), a \
                 name, or for a user an email or username"
            )));
        };
        let candidates: Vec<&Object> = org
            .objects()
            .filter(|o| accepts(&graph_type(o.kind())))
            .collect();
        let tiers: [&dyn Fn(&Object) -> bool; 3] = [
            &|o| o.handle() == trimmed,
            &|o| o.handle().eq_ignore_ascii_case(trimmed),
            &|o| {
                NAME_FIELDS.iter().any(|field| {
                    o.field(field)
                        .and_then(|v| v.as_str())
                        .is_some_and(|v| v.eq_ignore_ascii_case(trimmed))
                })
            },
        ];
        for matches in tiers {
            let found: Vec<&&Object> = candidates.iter().filter(|o| matches(o)).collect();
            match found.as_slice() {
                [] => continue,
                [one] => return ObjectId::parse(one.id()).map_err(CliError::from),
                many => {
                    let names: Vec<&str> = many.iter().map(|o| o.handle()).collect();
                    return Err(CliError::Usage(format!(
                        "{text:?} names several {what} in the sandbox org: {}",
                        names.join(", ")
                    )));
                }
            }
        }
        // Say whether the name exists as something else.
        if let Some(other) = org.object(trimmed) {
            return Err(CliError::Usage(format!(
                "{text:?} is a {} in the sandbox org, not one of the {what}",
                other.kind().as_str()
            )));
        }
        if let Some(digits) = almost_an_id(trimmed) {
            return Err(CliError::Usage(format!(
                "{text:?} is not an id: ids are 24 hex digits, this has {digits}"
            )));
        }
        let mut known: Vec<&str> = candidates.iter().map(|o| o.handle()).collect();
        known.sort_unstable();
        let closest = match closest(trimmed, &known) {
            Some(name) => format!("did you mean {name:?}? "),
            None => String::new(),
        };
        let listed = if known.len() > 12 {
            format!("{}, ... ({} in all)", known[..12].join(", "), known.len())
        } else {
            known.join(", ")
        };
        Err(CliError::Usage(format!(
            "no {what} named {text:?} in the sandbox org {} ({closest}known: {listed})",
            org.name()
        )))
    }

    /// The fixture name of a node in the sandbox; the looked-up name
    /// against JumpCloud.
    pub fn name(&self, node: &GraphNode) -> Option<String> {
        match self {
            Directory::Sandbox(_) => self.name_of_id(&node.id().to_string()),
            Directory::Api(resolved) => resolved.as_ref()?.get(node).map(str::to_owned),
        }
    }

    /// The fixture name of an id, in the sandbox.
    pub fn name_of_id(&self, id: &str) -> Option<String> {
        match self {
            Directory::Sandbox(org) => org.object(id).map(|o| o.handle().to_string()),
            Directory::Api(_) => None,
        }
    }

    /// Whether names are known (tables then show a NAME column).
    pub fn has_names(&self) -> bool {
        matches!(self, Directory::Sandbox(_) | Directory::Api(Some(_)))
    }

    /// Keeps what the resolver found, for tables (against JumpCloud; the
    /// sandbox's tables show fixture names).
    pub fn learn(&mut self, resolved: &Resolved) {
        if let Directory::Api(known) = self {
            *known = Some(resolved.clone());
        }
    }

    /// Every user of the sandbox org, by id; `None` against JumpCloud.
    pub fn all_users(&self) -> Option<Vec<String>> {
        match self {
            Directory::Sandbox(org) => Some(
                org.objects_of(Kind::User)
                    .map(|u| u.id().to_string())
                    .collect(),
            ),
            Directory::Api(_) => None,
        }
    }
}

/// The client's type for a sandbox kind (the same wire names).
fn graph_type(kind: Kind) -> GraphType {
    GraphType::from_wire(kind.as_str())
}

/// How many hex digits `text` has when it looks like a mistyped id (hex
/// only, 12 digits or more, not 24): an id of the wrong length is named as
/// such rather than as an unknown name.
fn almost_an_id(text: &str) -> Option<usize> {
    let digits = text.len();
    let hex = text.bytes().all(|b| b.is_ascii_hexdigit());
    (hex && digits >= 12 && digits != 24).then_some(digits)
}

/// The known name closest to `text` by edit distance (case, `-`, `_` and
/// spaces ignored), when it is close enough to be a typo: at most a third
/// of the name's length, and at least one edit allowed.
fn closest<'a>(text: &str, known: &[&'a str]) -> Option<&'a str> {
    let squash = |s: &str| -> Vec<char> {
        s.chars()
            .filter(|c| !matches!(c, '-' | '_' | ' '))
            .flat_map(char::to_lowercase)
            .collect()
    };
    let wanted = squash(text);
    known
        .iter()
        .map(|name| (edit_distance(&wanted, &squash(name)), *name))
        .filter(|(distance, name)| *distance <= (name.chars().count() / 3).max(1))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, name)| name)
}

/// Levenshtein distance between two strings of characters.
fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous[j] + usize::from(ca != cb);
            current.push(substitute.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typo_suggests_the_closest_name() {
        let known = ["db-01", "web-01", "ada-macbook"];
        assert_eq!(closest("web01", &known), Some("web-01"));
        assert_eq!(closest("WEB-02", &known), Some("web-01"));
        assert_eq!(closest("ada-macbok", &known), Some("ada-macbook"));
        assert_eq!(closest("printer", &known), None);
        assert_eq!(closest("", &known), None);
    }

    #[test]
    fn hex_of_the_wrong_length_is_a_mistyped_id() {
        assert_eq!(almost_an_id("65300000000000000000004"), Some(23));
        assert_eq!(almost_an_id("6530000000000000000000045"), Some(25));
        assert_eq!(almost_an_id("web-01"), None);
        assert_eq!(almost_an_id("deadbeef"), None);
    }
}
