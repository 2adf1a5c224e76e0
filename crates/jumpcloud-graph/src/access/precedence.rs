//! Which path decides a user's sudo on a device when several grant it, and
//! what one path grants on its own.

use std::fmt;

use crate::{Edge, Grant, GrantPath, GraphNode, GraphType, Sudo};

/// How much a path's sudo counts when several paths grant the same object,
/// strongest first (`Direct < SystemGroup < ...` in `Ord`).
///
/// JumpCloud documents one part of the order ("Set Admin/Sudo
/// Permissions", <https://jumpcloud.com/support/set-admin-sudo-permissions>):
/// "Permissions that are granted directly on a user supersede permissions
/// granted at a user group level". So the user's own bindings (to the
/// device, or to a device group holding it) beat every path through a user
/// group. (Its other sentence, "Permissions set at the user group level
/// supersede any permissions previously set on the user group's bind to a
/// device group", is about one path: a user group's own setting against its
/// binding's, see [`GrantPath::sudo`].)
///
/// The rest of the order is assumed, each part listed in the README's
/// "What explanations assume" ([`Assumption`](crate::Assumption)): the
/// user's binding to the device before the user's binding to a device group
/// ([`DeviceBeforeDeviceGroup`](crate::Assumption::DeviceBeforeDeviceGroup));
/// a user's binding to a device group counts as granted directly on the
/// user ([`UserDeviceGroupBindIsDirect`](crate::Assumption::UserDeviceGroupBindIsDirect));
/// a user group's binding to the device before its binding to a device
/// group ([`GroupDeviceBeforeGroupDeviceGroup`](crate::Assumption::GroupDeviceBeforeGroupDeviceGroup));
/// paths of other shapes (nested groups, [`Grant::Hops`]) last
/// ([`OtherShapesLast`](crate::Assumption::OtherShapesLast)). Wherever the
/// result disagrees with the server's `compiledAttributes`, the
/// [`Explanation`](crate::Explanation) says so and names the assumptions it
/// relied on ([`AccessWarning::PrecedenceDisagrees`](crate::AccessWarning)).
///
/// ```
/// use jumpcloud_graph::{Grant, Precedence};
///
/// assert_eq!(Precedence::of(&Grant::Direct), Precedence::Direct);
/// assert!(Precedence::Direct < Precedence::UserGroup);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Precedence {
    /// The user is bound to the object itself.
    Direct,
    /// The user is bound to a device group that holds the device.
    SystemGroup,
    /// A user group of the user is bound to the object.
    UserGroup,
    /// A user group of the user is bound to a device group holding the device.
    UserGroupThenSystemGroup,
    /// Any other shape (nested groups): not ordered by JumpCloud's
    /// documentation, so it ranks last.
    Other,
}

impl Precedence {
    /// The rank of a path of this shape.
    pub fn of(grant: &Grant) -> Precedence {
        match grant {
            Grant::Direct => Precedence::Direct,
            Grant::SystemGroup(_) => Precedence::SystemGroup,
            Grant::UserGroup(_) => Precedence::UserGroup,
            Grant::UserGroupThenSystemGroup { .. } => Precedence::UserGroupThenSystemGroup,
            Grant::Hops(_) | Grant::Empty => Precedence::Other,
        }
    }

    /// A stable name: `direct`, `system_group`, `user_group`,
    /// `user_group_then_system_group`, `other`.
    pub fn name(self) -> &'static str {
        match self {
            Precedence::Direct => "direct",
            Precedence::SystemGroup => "system_group",
            Precedence::UserGroup => "user_group",
            Precedence::UserGroupThenSystemGroup => "user_group_then_system_group",
            Precedence::Other => "other",
        }
    }
}

impl fmt::Display for Precedence {
    /// The [`name`](Precedence::name).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Precedence {
    /// The [`name`](Precedence::name).
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

/// The effective sudo over some paths, and which of them decides it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct SudoDecision {
    /// The effective sudo (`Disabled` when no path says).
    pub(crate) sudo: Sudo,
    /// The index of the deciding path among those given, if one says.
    pub(crate) deciding: Option<usize>,
}

/// Decides sudo over `paths`: among the paths that carry sudo
/// ([`GrantPath::sudo`]), those of the strongest [`Precedence`]; among
/// them, the most permissive sudo; among equals, the first path. A path
/// without sudo does not take sudo away.
pub(crate) fn decide<'a>(paths: impl IntoIterator<Item = &'a GrantPath>) -> SudoDecision {
    let mut best: Option<(Precedence, Sudo, usize)> = None;
    for (index, path) in paths.into_iter().enumerate() {
        let Some(sudo) = path.sudo() else { continue };
        let rank = Precedence::of(&path.kind());
        let better = match best {
            None => true,
            Some((best_rank, best_sudo, _)) => {
                rank < best_rank || (rank == best_rank && sudo > best_sudo)
            }
        };
        if better {
            best = Some((rank, sudo, index));
        }
    }
    match best {
        Some((_, sudo, index)) => SudoDecision {
            sudo,
            deciding: Some(index),
        },
        None => SudoDecision {
            sudo: Sudo::Disabled,
            deciding: None,
        },
    }
}

impl GrantPath {
    /// The sudo this path alone grants, or `None` when nothing on it says:
    /// the own setting of the user group nearest the object that has one
    /// enabled (its group-level setting), otherwise the sudo attribute of
    /// the edge nearest the object that has one (a binding's sudo, not a
    /// membership's).
    ///
    /// A user group's own `sudo` attribute is its setting "for all
    /// associated device groups"; the server sends it on the group's node,
    /// as the `to.attributes` of the edge that reaches the group
    /// ([`Edge::to_attributes`]). JumpCloud ("Set Admin/Sudo Permissions",
    /// <https://jumpcloud.com/support/set-admin-sudo-permissions>):
    /// "Permissions set at the user group level supersede any permissions
    /// previously set on the user group's bind to a device group." So it
    /// replaces the sudo of the bindings after the group, whichever of the
    /// two is more permissive. A group setting that is off (`enabled:
    /// false`) is taken as no setting
    /// ([`GroupSettingOffIsUnset`](crate::Assumption::GroupSettingOffIsUnset)),
    /// and the setting is taken to apply to devices bound to the group
    /// directly too
    /// ([`GroupSettingOnDeviceBinds`](crate::Assumption::GroupSettingOnDeviceBinds)).
    pub fn sudo(&self) -> Option<Sudo> {
        self.sudo_and_group().map(|(sudo, _)| sudo)
    }

    /// The user group whose own setting decides this path's sudo
    /// ([`sudo`](Self::sudo)), when one does.
    pub fn sudo_group(&self) -> Option<&GraphNode> {
        self.sudo_and_group().and_then(|(_, group)| group)
    }

    fn sudo_and_group(&self) -> Option<(Sudo, Option<&GraphNode>)> {
        let mut nearest_edge = None;
        // From the object back to the user: a group's setting supersedes
        // the bindings after it, which are the edges already passed.
        for edge in self.edges.iter().rev() {
            if let Some(sudo) = group_setting(edge) {
                return Some((sudo, Some(&edge.to)));
            }
            if nearest_edge.is_none() {
                nearest_edge = edge.attributes.sudo();
            }
        }
        nearest_edge.map(|sudo| (sudo, None))
    }
}

/// The group-level setting of the node `edge` reaches: its own `sudo`
/// when it is a user group and the setting is on.
fn group_setting(edge: &Edge) -> Option<Sudo> {
    if *edge.to.kind() != GraphType::UserGroup {
        return None;
    }
    edge.to_attributes
        .sudo()
        .filter(|sudo| *sudo != Sudo::Disabled)
}

/// Whether `path` passes a user group whose own `sudo` is present but off.
pub(crate) fn has_group_setting_off(path: &GrantPath) -> bool {
    path.edges.iter().any(|edge| {
        *edge.to.kind() == GraphType::UserGroup && edge.to_attributes.sudo() == Some(Sudo::Disabled)
    })
}
