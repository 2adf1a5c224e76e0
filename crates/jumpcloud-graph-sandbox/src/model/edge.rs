//! Edges: what an edge means ([`EdgeRole`], from the kinds it joins), an
//! edge as the public API shows it ([`OrgEdge`]), why an edge can be
//! refused, and the rules its attributes must obey.

use serde::Serialize;
use serde_json::Value;

use super::{Attributes, Kind, ObjectRef};

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

/// A direct edge of an [`Org`](super::Org)'s graph. Memberships point from the member
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

/// Empty attributes are stored (and sent) as `null`, as JumpCloud does.
pub(super) fn normalise(attributes: Option<Attributes>) -> Option<Attributes> {
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
}
