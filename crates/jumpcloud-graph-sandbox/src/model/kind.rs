//! Object kinds: [`Kind`], JumpCloud's graph `type`, with the groups of
//! kinds the API speaks of (what a user can be bound to, what `/directories`
//! lists).

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

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
    pub(crate) fn is_user_target(self) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

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
}
