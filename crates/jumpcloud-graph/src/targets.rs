//! What a user can be bound to: the association targets, the traversal
//! kinds, and the graph types found in results.
//!
//! JumpCloud adds target and graph types every year (`idp_routing_policy` in
//! 2024, `password_manager_item` in 2025), so the enums are open: a value
//! this version does not know decodes as `Unknown(..)` instead of failing the
//! page it arrived in.

use std::fmt;
use std::str::FromStr;

use jumpcloud_graph_openapi::types;

use crate::Error;

/// A value JumpCloud sent that this version of the crate does not know,
/// kept verbatim.
///
/// It cannot be constructed, only received (or parsed with `from_wire` /
/// `FromStr`), so code cannot match on a string that will silently stop
/// matching when a later version learns the value as a variant of its own.
/// Compare with [`as_str`](Self::as_str) where you must.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnknownValue(Box<str>);

impl UnknownValue {
    /// The value as the server sent it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The value with control characters escaped (a hostile server cannot
/// drive a terminal through it); [`as_str`](Self::as_str) has it verbatim.
impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::printable::write_printable(f, &self.0)
    }
}

/// Defines an open string enum: known variants with their wire names, an
/// `Unknown(UnknownValue)` catch-all, parsing that never fails, and serde as
/// a plain string.
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => $wire:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this version of the crate does not know.
            Unknown(UnknownValue),
        }

        impl $name {
            /// Every value this version knows, in wire-name order.
            pub const KNOWN: &'static [$name] = &[$($name::$variant),+];

            /// The wire name, e.g. `system_group`.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $wire, )+
                    $name::Unknown(other) => other.as_str(),
                }
            }

            /// Maps a wire name to its variant; unknown names become
            /// `Unknown`.
            pub fn from_wire(wire: &str) -> Self {
                match wire {
                    $( $wire => $name::$variant, )+
                    other => $name::Unknown(UnknownValue(other.into())),
                }
            }

            /// Whether this is a value this version of the crate knows.
            pub fn is_known(&self) -> bool {
                !matches!(self, $name::Unknown(_))
            }
        }

        /// The wire name; an unknown one with its control characters
        /// escaped ([`as_str`](Self::as_str) has it verbatim).
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                crate::printable::write_printable(f, self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = std::convert::Infallible;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok(Self::from_wire(s))
            }
        }

        #[cfg(feature = "serde")]
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Visitor;
                impl serde::de::Visitor<'_> for Visitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str("a string")
                    }
                    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<$name, E> {
                        Ok($name::from_wire(v))
                    }
                }
                deserializer.deserialize_str(Visitor)
            }
        }
    };
}

open_enum! {
    /// What a user can be directly associated with
    /// (`POST /users/{id}/associations`, `GET ...?targets=`).
    ///
    /// ```
    /// use jumpcloud_graph::AssociationTarget;
    ///
    /// assert_eq!(AssociationTarget::SystemGroup.as_str(), "system_group");
    /// assert_eq!(AssociationTarget::from_wire("system"), AssociationTarget::System);
    /// // A target added by JumpCloud after this release still parses.
    /// let newer = AssociationTarget::from_wire("quantum_device");
    /// assert!(!newer.is_known());
    /// assert_eq!(newer.as_str(), "quantum_device");
    /// ```
    pub enum AssociationTarget {
        /// An Active Directory instance.
        ActiveDirectory => "active_directory",
        /// An SSO application.
        Application => "application",
        /// A Google Workspace (G Suite) instance.
        GSuite => "g_suite",
        /// An identity provider routing policy.
        IdpRoutingPolicy => "idp_routing_policy",
        /// A JumpCloud LDAP server.
        LdapServer => "ldap_server",
        /// A Microsoft 365 (Office 365) instance.
        Office365 => "office_365",
        /// A password manager item.
        PasswordManagerItem => "password_manager_item",
        /// A RADIUS server.
        RadiusServer => "radius_server",
        /// A device (system).
        System => "system",
        /// A device group (system group).
        SystemGroup => "system_group",
    }
}

open_enum! {
    /// The type of an object in JumpCloud's graph, as found in results.
    ///
    /// ```
    /// use jumpcloud_graph::GraphType;
    ///
    /// assert_eq!(GraphType::from_wire("user_group"), GraphType::UserGroup);
    /// assert!(!GraphType::from_wire("a_type_from_2030").is_known());
    /// ```
    pub enum GraphType {
        /// An Active Directory instance.
        ActiveDirectory => "active_directory",
        /// An SSO application.
        Application => "application",
        /// A command.
        Command => "command",
        /// A Google Workspace (G Suite) instance.
        GSuite => "g_suite",
        /// An identity provider routing policy.
        IdpRoutingPolicy => "idp_routing_policy",
        /// A JumpCloud LDAP server.
        LdapServer => "ldap_server",
        /// A Microsoft 365 (Office 365) instance.
        Office365 => "office_365",
        /// A device policy.
        Policy => "policy",
        /// A group of device policies.
        PolicyGroup => "policy_group",
        /// A RADIUS server.
        RadiusServer => "radius_server",
        /// A password manager item.
        PasswordManagerItem => "password_manager_item",
        /// A device (system).
        System => "system",
        /// A device group (system group).
        SystemGroup => "system_group",
        /// A user.
        User => "user",
        /// A user group.
        UserGroup => "user_group",
    }
}

impl GraphType {
    /// Whether objects of this type group others (user and system groups),
    /// i.e. whether a path through one is an indirect binding.
    pub fn is_group(&self) -> bool {
        matches!(
            self,
            GraphType::UserGroup | GraphType::SystemGroup | GraphType::PolicyGroup
        )
    }
}

impl AssociationTarget {
    /// The generated client's value for this target. An unknown target
    /// cannot be sent: the generated client only knows the spec's values.
    pub(crate) fn to_wire_target(
        &self,
    ) -> Result<types::GraphUserAssociationsListTargetsItem, Error> {
        types::GraphUserAssociationsListTargetsItem::try_from(self.as_str())
            .map_err(|_| self.unsupported())
    }

    /// The generated client's value for this target in a write.
    pub(crate) fn to_wire_operation_type(&self) -> Result<types::GraphOperationUserType, Error> {
        types::GraphOperationUserType::try_from(self.as_str()).map_err(|_| self.unsupported())
    }

    fn unsupported(&self) -> Error {
        Error::invalid(
            "association target",
            format!(
                "{:?} is not a target this version of jumpcloud-graph can send; \
                 known targets: {}",
                self.as_str(),
                Self::KNOWN
                    .iter()
                    .map(|t| t.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
    }

    /// Whether sudo attributes apply to a binding to this target (systems
    /// and system groups only).
    pub fn takes_sudo(&self) -> bool {
        matches!(
            self,
            AssociationTarget::System | AssociationTarget::SystemGroup
        )
    }

    /// The target that binds a user directly to an object of `kind`, if a
    /// user can be bound to such objects at all.
    ///
    /// ```
    /// use jumpcloud_graph::{AssociationTarget, GraphType};
    ///
    /// assert_eq!(AssociationTarget::for_type(&GraphType::System), Some(AssociationTarget::System));
    /// assert_eq!(AssociationTarget::for_type(&GraphType::UserGroup), None);
    /// ```
    pub fn for_type(kind: &GraphType) -> Option<AssociationTarget> {
        let target = AssociationTarget::from_wire(kind.as_str());
        target.is_known().then_some(target)
    }
}

/// The nine traversals of `/users/{id}/...`: everything of one kind bound
/// to a user, directly or through groups.
///
/// Each has its own method on [`User`](crate::User) (`systems()`,
/// `applications()`, ...); [`User::traverse`](crate::User::traverse) takes
/// the kind as a value. Parsed from its [name](Self::name) (`systems`,
/// `system-groups`, ...), the path segment (`systemgroups`) or the object
/// type (`system_group`), in any case.
///
/// ```
/// use jumpcloud_graph::TraversalKind;
///
/// let kind: TraversalKind = "system-groups".parse()?;
/// assert_eq!(kind, TraversalKind::SystemGroup);
/// assert_eq!("systemgroups".parse::<TraversalKind>()?, kind);
/// assert_eq!(kind.to_string(), "system-groups");
/// let ad: TraversalKind = "active_directory".parse()?;
/// assert_eq!(ad, TraversalKind::ActiveDirectory);
/// assert_eq!(ad.to_string(), "active-directories");
/// assert!("printers".parse::<TraversalKind>().is_err());
/// # Ok::<(), jumpcloud_graph::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum TraversalKind {
    /// `/applications`: SSO applications.
    Application,
    /// `/directories`: Active Directory, G Suite, Office 365 and LDAP.
    Directory,
    /// `/gsuites`: Google Workspace instances.
    GSuite,
    /// `/ldapservers`: JumpCloud LDAP servers.
    LdapServer,
    /// `/office365s`: Microsoft 365 instances.
    Office365,
    /// `/radiusservers`: RADIUS servers.
    RadiusServer,
    /// `/systems`: devices.
    System,
    /// `/systemgroups`: device groups.
    SystemGroup,
    /// `/activedirectories`: Active Directory instances (which
    /// `/directories` lists too).
    ActiveDirectory,
}

impl TraversalKind {
    /// All nine kinds, in the order an
    /// [`AccessReport`](crate::AccessReport) reads them.
    pub const ALL: [TraversalKind; 9] = [
        TraversalKind::Application,
        TraversalKind::Directory,
        TraversalKind::GSuite,
        TraversalKind::LdapServer,
        TraversalKind::Office365,
        TraversalKind::RadiusServer,
        TraversalKind::System,
        TraversalKind::SystemGroup,
        TraversalKind::ActiveDirectory,
    ];

    /// A short, stable name: `applications`, `directories`, `gsuites`,
    /// `ldap-servers`, `office365s`, `radius-servers`, `systems`,
    /// `system-groups`, `active-directories`.
    pub fn name(self) -> &'static str {
        match self {
            TraversalKind::Application => "applications",
            TraversalKind::Directory => "directories",
            TraversalKind::GSuite => "gsuites",
            TraversalKind::LdapServer => "ldap-servers",
            TraversalKind::Office365 => "office365s",
            TraversalKind::RadiusServer => "radius-servers",
            TraversalKind::System => "systems",
            TraversalKind::SystemGroup => "system-groups",
            TraversalKind::ActiveDirectory => "active-directories",
        }
    }

    /// Whether an object of type `kind` can be a result of this traversal
    /// (`directories` returns four types).
    pub fn returns(self, kind: &GraphType) -> bool {
        match self {
            TraversalKind::Application => *kind == GraphType::Application,
            TraversalKind::Directory => matches!(
                kind,
                GraphType::ActiveDirectory
                    | GraphType::GSuite
                    | GraphType::Office365
                    | GraphType::LdapServer
            ),
            TraversalKind::GSuite => *kind == GraphType::GSuite,
            TraversalKind::LdapServer => *kind == GraphType::LdapServer,
            TraversalKind::Office365 => *kind == GraphType::Office365,
            TraversalKind::RadiusServer => *kind == GraphType::RadiusServer,
            TraversalKind::System => *kind == GraphType::System,
            TraversalKind::SystemGroup => *kind == GraphType::SystemGroup,
            TraversalKind::ActiveDirectory => *kind == GraphType::ActiveDirectory,
        }
    }

    /// The operation this traversal calls.
    pub(crate) fn operation(self) -> crate::ops::Operation {
        use crate::ops::operations as op;
        match self {
            TraversalKind::Application => op::GRAPH_USER_TRAVERSE_APPLICATION,
            TraversalKind::Directory => op::GRAPH_USER_TRAVERSE_DIRECTORY,
            TraversalKind::GSuite => op::GRAPH_USER_TRAVERSE_G_SUITE,
            TraversalKind::LdapServer => op::GRAPH_USER_TRAVERSE_LDAP_SERVER,
            TraversalKind::Office365 => op::GRAPH_USER_TRAVERSE_OFFICE365,
            TraversalKind::RadiusServer => op::GRAPH_USER_TRAVERSE_RADIUS_SERVER,
            TraversalKind::System => op::GRAPH_USER_TRAVERSE_SYSTEM,
            TraversalKind::SystemGroup => op::GRAPH_USER_TRAVERSE_SYSTEM_GROUP,
            TraversalKind::ActiveDirectory => op::GRAPH_USER_TRAVERSE_ACTIVE_DIRECTORY,
        }
    }
}

impl fmt::Display for TraversalKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for TraversalKind {
    type Err = Error;
    fn from_str(text: &str) -> Result<Self, Error> {
        let wanted: String = text
            .trim()
            .chars()
            .filter(|c| !matches!(c, '-' | '_' | ' '))
            .flat_map(char::to_lowercase)
            .collect();
        TraversalKind::ALL
            .into_iter()
            .find(|kind| {
                let name: String = kind.name().chars().filter(|c| *c != '-').collect();
                name == wanted || singular(&name) == singular(&wanted)
            })
            .ok_or_else(|| {
                Error::invalid(
                    "traversal kind",
                    format!(
                        "{:?}: expected one of {}",
                        text.chars().take(64).collect::<String>(),
                        TraversalKind::ALL.map(TraversalKind::name).join(", ")
                    ),
                )
            })
    }
}

/// A plural name made singular the way the kinds' names need:
/// `directories` → `directory`, `systems` → `system`.
fn singular(name: &str) -> String {
    match name.strip_suffix("ies") {
        Some(stem) => format!("{stem}y"),
        None => name.strip_suffix('s').unwrap_or(name).to_string(),
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for TraversalKind {
    /// The [`name`](TraversalKind::name), e.g. `"systems"`.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for TraversalKind {
    /// Any spelling [`FromStr`] accepts.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse()
            .map_err(|error: Error| serde::de::Error::custom(error))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_target_maps_to_the_generated_enums() {
        for target in AssociationTarget::KNOWN {
            assert_eq!(
                target.to_wire_target().unwrap().to_string(),
                target.as_str()
            );
            assert_eq!(
                target.to_wire_operation_type().unwrap().to_string(),
                target.as_str()
            );
        }
        assert_eq!(AssociationTarget::KNOWN.len(), 10);
        assert_eq!(GraphType::KNOWN.len(), 15);
    }

    #[test]
    fn an_unknown_target_cannot_be_sent() {
        let error = AssociationTarget::from_wire("quantum")
            .to_wire_target()
            .unwrap_err();
        assert_eq!(error.field(), Some("association target"));
    }

    #[test]
    fn open_enums_decode_any_string() {
        for wire in ["system", "user_group", "something_new"] {
            let parsed: GraphType = serde_json::from_value(serde_json::json!(wire)).unwrap();
            assert_eq!(parsed.as_str(), wire);
            assert_eq!(parsed.is_known(), wire != "something_new");
        }
    }

    #[test]
    fn traversal_kinds_parse_from_every_spelling() {
        for kind in TraversalKind::ALL {
            assert_eq!(kind.name().parse::<TraversalKind>().unwrap(), kind);
            assert_eq!(
                kind.operation()
                    .path
                    .rsplit('/')
                    .next()
                    .unwrap()
                    .parse::<TraversalKind>()
                    .unwrap(),
                kind
            );
            assert_eq!(
                kind.name().to_uppercase().parse::<TraversalKind>().unwrap(),
                kind
            );
        }
        assert_eq!(
            "system_group".parse::<TraversalKind>().unwrap(),
            TraversalKind::SystemGroup
        );
        assert_eq!(
            "directory".parse::<TraversalKind>().unwrap(),
            TraversalKind::Directory
        );
        assert_eq!(
            "ldap_server".parse::<TraversalKind>().unwrap(),
            TraversalKind::LdapServer
        );
        for text in [
            "active-directories",
            "activedirectories",
            "active_directory",
            "Active Directory",
        ] {
            assert_eq!(
                text.parse::<TraversalKind>().unwrap(),
                TraversalKind::ActiveDirectory,
                "{text}"
            );
        }
        assert_eq!(
            "directories".parse::<TraversalKind>().unwrap(),
            TraversalKind::Directory
        );
        assert!("".parse::<TraversalKind>().is_err());
    }
}
