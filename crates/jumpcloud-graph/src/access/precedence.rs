//! Which path decides a user's sudo on a device when several grant it.

use std::fmt;

use crate::{Grant, GrantPath, Sudo};

/// How much a path's sudo counts when several paths grant the same object,
/// strongest first (`Direct < SystemGroup < ...` in `Ord`).
///
/// JumpCloud documents the order ("Set Admin/Sudo Permissions",
/// <https://jumpcloud.com/support/set-admin-sudo-permissions>):
/// "Permissions that are granted directly on a user supersede permissions
/// granted at a User Group level", and "Permissions set at the User Group
/// level supersede any permissions previously set on the User Group's bind
/// to a Device Group". So a binding of the user (to the device, or to a
/// device group holding it) beats a user group's binding to the device,
/// which beats a user group's binding to a device group.
///
/// JumpCloud does not say how the user's binding to the device itself
/// compares with the user's binding to a device group; this crate ranks the
/// more specific binding (the device) first, as the sandbox does. Paths of
/// other shapes (nested groups, [`Grant::Hops`]) are not covered by the
/// documentation and rank last. Wherever this order disagrees with the
/// server's `compiledAttributes`, the [`Explanation`](crate::Explanation)
/// says so ([`AccessWarning::PrecedenceDisagrees`](crate::AccessWarning)).
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
