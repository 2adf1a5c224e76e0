//! What a user can be bound to: the association targets, the traversal
//! kinds, and the graph types found in results.
//!
//! JumpCloud adds target and graph types every year (`idp_routing_policy` in
//! 2024, `password_manager_item` in 2025), so the enums are open: a value
//! this version does not know decodes as `Other(..)` instead of failing the
//! page it arrived in.

use std::fmt;
use std::str::FromStr;

use jumpcloud_graph_openapi::types;

use crate::Error;

/// Defines an open string enum: known variants with their wire names, an
/// `Other(String)` catch-all, parsing that never fails, and serde as a
/// plain string.
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
            /// A value this version of the crate does not know, kept verbatim.
            Other(String),
        }

        impl $name {
            /// Every value this version knows, in wire-name order.
            pub const KNOWN: &'static [$name] = &[$($name::$variant),+];

            /// The wire name, e.g. `system_group`.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $wire, )+
                    $name::Other(other) => other,
                }
            }

            /// Maps a wire name to its variant; unknown names become `Other`.
            pub fn from_wire(wire: &str) -> Self {
                match wire {
                    $( $wire => $name::$variant, )+
                    other => $name::Other(other.to_string()),
                }
            }

            /// Whether this is a value this version of the crate knows.
            pub fn is_known(&self) -> bool {
                !matches!(self, $name::Other(_))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = std::convert::Infallible;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok(Self::from_wire(s))
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let wire = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                Ok(Self::from_wire(&wire))
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
    /// assert_eq!(
    ///     AssociationTarget::from_wire("quantum_device"),
    ///     AssociationTarget::Other("quantum_device".into())
    /// );
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
    /// The generated client's value for this target. `Other` cannot be sent:
    /// the generated client only knows the spec's values.
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
}

/// The eight traversals of `/users/{id}/...`: everything of one kind bound
/// to a user, directly or through groups.
///
/// Each has its own method on [`User`](crate::User) (`systems()`,
/// `applications()`, ...); [`User::traverse`](crate::User::traverse) takes
/// the kind as a value.
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
}

impl TraversalKind {
    /// All eight kinds.
    pub const ALL: [TraversalKind; 8] = [
        TraversalKind::Application,
        TraversalKind::Directory,
        TraversalKind::GSuite,
        TraversalKind::LdapServer,
        TraversalKind::Office365,
        TraversalKind::RadiusServer,
        TraversalKind::System,
        TraversalKind::SystemGroup,
    ];

    /// The last path segment, e.g. `systemgroups`.
    pub fn path_segment(self) -> &'static str {
        match self {
            TraversalKind::Application => "applications",
            TraversalKind::Directory => "directories",
            TraversalKind::GSuite => "gsuites",
            TraversalKind::LdapServer => "ldapservers",
            TraversalKind::Office365 => "office365s",
            TraversalKind::RadiusServer => "radiusservers",
            TraversalKind::System => "systems",
            TraversalKind::SystemGroup => "systemgroups",
        }
    }

    /// JumpCloud's operationId, e.g. `graph_userTraverseSystemGroup`.
    pub fn operation_id(self) -> &'static str {
        match self {
            TraversalKind::Application => "graph_userTraverseApplication",
            TraversalKind::Directory => "graph_userTraverseDirectory",
            TraversalKind::GSuite => "graph_userTraverseGSuite",
            TraversalKind::LdapServer => "graph_userTraverseLdapServer",
            TraversalKind::Office365 => "graph_userTraverseOffice365",
            TraversalKind::RadiusServer => "graph_userTraverseRadiusServer",
            TraversalKind::System => "graph_userTraverseSystem",
            TraversalKind::SystemGroup => "graph_userTraverseSystemGroup",
        }
    }
}

impl fmt::Display for TraversalKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.path_segment())
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
        let error = AssociationTarget::Other("quantum".into())
            .to_wire_target()
            .unwrap_err();
        assert!(matches!(
            error,
            Error::InvalidInput {
                field: "association target",
                ..
            }
        ));
    }

    #[test]
    fn open_enums_round_trip_through_serde() {
        for wire in ["system", "user_group", "something_new"] {
            let parsed: GraphType = serde_json::from_value(serde_json::json!(wire)).unwrap();
            assert_eq!(serde_json::to_value(&parsed).unwrap(), wire);
            assert_eq!(parsed.is_known(), wire != "something_new");
        }
    }
}
