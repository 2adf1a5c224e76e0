//! The rules explanations follow where JumpCloud's documentation is silent,
//! and which of them one decision relied on.

use std::collections::BTreeSet;
use std::fmt;

use super::precedence::{self, Precedence, SudoDecision};
use crate::{Grant, GrantPath, Sudo};

/// A rule that [`Explanation`](crate::Explanation)s (and so revoke plans
/// and access reports) follow although JumpCloud does not document it. Each
/// is named in the README's section "What explanations assume"
/// ([`Assumption::README_SECTION`]), and listed with the behaviour it
/// implies in the section of that title in `docs/client.md`.
///
/// JumpCloud documents two rules ("Set Admin/Sudo Permissions",
/// <https://jumpcloud.com/support/set-admin-sudo-permissions>): "Permissions
/// that are granted directly on a user supersede permissions granted at a
/// user group level", and "Permissions set at the user group level
/// supersede any permissions previously set on the user group's bind to a
/// device group". Everything else that decides sudo is one of these.
///
/// When the client's sudo disagrees with the server's `compiledAttributes`,
/// [`AccessWarning::PrecedenceDisagrees`](crate::AccessWarning) names the
/// assumptions the client's answer relied on; when it names none, the
/// server departs from the documented rules themselves.
///
/// ```
/// use jumpcloud_graph::Assumption;
///
/// assert_eq!(Assumption::MostPermissiveAmongEquals.name(), "most_permissive_among_equals");
/// assert_eq!(Assumption::README_SECTION, "What explanations assume");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Assumption {
    /// The user's binding to the device outranks the user's binding to a
    /// device group holding it ([`Precedence::Direct`] before
    /// [`Precedence::SystemGroup`]).
    DeviceBeforeDeviceGroup,
    /// The user's binding to a device group counts as "granted directly on
    /// a user", so it outranks every path through a user group, a user
    /// group's binding to the device included ([`Precedence::SystemGroup`]
    /// before [`Precedence::UserGroup`]).
    UserDeviceGroupBindIsDirect,
    /// A user group's binding to the device outranks a user group's binding
    /// to a device group holding it ([`Precedence::UserGroup`] before
    /// [`Precedence::UserGroupThenSystemGroup`]).
    GroupDeviceBeforeGroupDeviceGroup,
    /// Paths of other shapes (nested groups, [`Grant::Hops`]) rank after
    /// the four documented shapes ([`Precedence::Other`]).
    OtherShapesLast,
    /// Among the strongest paths that carry sudo, the most permissive sudo
    /// wins.
    MostPermissiveAmongEquals,
    /// A path without a sudo attribute never decides (it takes nothing
    /// away); a path whose sudo is present but off (`enabled: false`) does
    /// decide, and so can take sudo away.
    NoSudoNeverDecides,
    /// A user group's own setting applies to devices bound to the group
    /// directly too, replacing that binding's sudo (JumpCloud documents it
    /// "for all associated device groups").
    GroupSettingOnDeviceBinds,
    /// A user group's own `sudo` that is off (`enabled: false`) is no
    /// setting: the group's bindings decide.
    GroupSettingOffIsUnset,
}

impl Assumption {
    /// Every assumption, in a stable order.
    pub const ALL: [Assumption; 8] = [
        Assumption::DeviceBeforeDeviceGroup,
        Assumption::UserDeviceGroupBindIsDirect,
        Assumption::GroupDeviceBeforeGroupDeviceGroup,
        Assumption::OtherShapesLast,
        Assumption::MostPermissiveAmongEquals,
        Assumption::NoSudoNeverDecides,
        Assumption::GroupSettingOnDeviceBinds,
        Assumption::GroupSettingOffIsUnset,
    ];

    /// The title of the README section that lists every assumption.
    pub const README_SECTION: &'static str = "What explanations assume";

    /// A stable name, as the README lists it: `device_before_device_group`,
    /// `user_device_group_bind_is_direct`,
    /// `group_device_before_group_device_group`, `other_shapes_last`,
    /// `most_permissive_among_equals`, `no_sudo_never_decides`,
    /// `group_setting_on_device_binds`, `group_setting_off_is_unset`.
    pub fn name(self) -> &'static str {
        match self {
            Assumption::DeviceBeforeDeviceGroup => "device_before_device_group",
            Assumption::UserDeviceGroupBindIsDirect => "user_device_group_bind_is_direct",
            Assumption::GroupDeviceBeforeGroupDeviceGroup => {
                "group_device_before_group_device_group"
            }
            Assumption::OtherShapesLast => "other_shapes_last",
            Assumption::MostPermissiveAmongEquals => "most_permissive_among_equals",
            Assumption::NoSudoNeverDecides => "no_sudo_never_decides",
            Assumption::GroupSettingOnDeviceBinds => "group_setting_on_device_binds",
            Assumption::GroupSettingOffIsUnset => "group_setting_off_is_unset",
        }
    }
}

impl fmt::Display for Assumption {
    /// The [`name`](Assumption::name).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Assumption {
    /// The [`name`](Assumption::name).
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

/// The assumptions `decision` over `paths` relied on: those that, read
/// otherwise, could have given another sudo.
pub(crate) fn relied_on(paths: &[GrantPath], decision: &SudoDecision) -> Vec<Assumption> {
    let mut found = BTreeSet::new();
    let best = decision
        .deciding
        .and_then(|i| paths.get(i))
        .map(|path| Precedence::of(&path.kind()));
    for path in paths {
        let (rank, sudo) = (Precedence::of(&path.kind()), path.sudo());
        if rank == Precedence::Other && sudo.is_some() {
            found.insert(Assumption::OtherShapesLast);
        }
        if precedence::has_group_setting_off(path) {
            found.insert(Assumption::GroupSettingOffIsUnset);
        }
        if matches!(path.kind(), Grant::UserGroup(_)) && path.sudo_group().is_some() {
            found.insert(Assumption::GroupSettingOnDeviceBinds);
        }
        match (best, sudo) {
            (None, _) => {
                found.insert(Assumption::NoSudoNeverDecides);
            }
            (Some(best), None) if rank <= best => {
                found.insert(Assumption::NoSudoNeverDecides);
            }
            (Some(best), Some(sudo)) if sudo != decision.sudo => {
                found.extend(if rank == best {
                    Some(Assumption::MostPermissiveAmongEquals)
                } else {
                    order(best, rank)
                });
            }
            _ => {}
        }
    }
    if decision.deciding.is_some() && decision.sudo == Sudo::Disabled {
        found.insert(Assumption::NoSudoNeverDecides);
    }
    found.into_iter().collect()
}

/// The assumption that ranks `stronger` before `weaker`; `None` where
/// JumpCloud documents it (the user's own bindings before user groups').
fn order(stronger: Precedence, weaker: Precedence) -> Option<Assumption> {
    use Precedence::{Direct, Other, SystemGroup, UserGroup, UserGroupThenSystemGroup};
    match (stronger, weaker) {
        (_, Other) => Some(Assumption::OtherShapesLast),
        (Direct, SystemGroup) => Some(Assumption::DeviceBeforeDeviceGroup),
        (SystemGroup, UserGroup | UserGroupThenSystemGroup) => {
            Some(Assumption::UserDeviceGroupBindIsDirect)
        }
        (UserGroup, UserGroupThenSystemGroup) => {
            Some(Assumption::GroupDeviceBeforeGroupDeviceGroup)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    //! One case per rule: what the documented rules decide without any
    //! assumption, and for each assumption a case it decides, with the
    //! behaviour the README states for it.

    use serde_json::{Value, json};

    use super::*;
    use crate::decode::bound_object_from_json;
    use crate::{GraphNode, GraphType, ObjectId};

    const PW: Option<Sudo> = Some(Sudo::WithPassword);
    const NO_PW: Option<Sudo> = Some(Sudo::WithoutPassword);
    const OFF: Option<Sudo> = Some(Sudo::Disabled);

    /// One hop as the wire sends it: the kind of node reached, a number
    /// for its id, the edge's sudo and the node's own sudo.
    type Hop = (&'static str, u8, Option<Sudo>, Option<Sudo>);

    fn attributes(sudo: Option<Sudo>) -> Value {
        sudo.map_or(Value::Null, |sudo| {
            json!({"sudo": {
                "enabled": sudo != Sudo::Disabled,
                "withoutPassword": sudo == Sudo::WithoutPassword
            }})
        })
    }

    fn id(n: u8) -> String {
        format!("64b0000000000000000000{n:02x}")
    }

    /// The effective sudo over `paths` (in the recorded wire shape, all
    /// ending at device 99) and the assumptions it relied on.
    fn decide(paths: &[&[Hop]]) -> (Sudo, Vec<Assumption>) {
        let paths: Vec<Value> = paths
            .iter()
            .map(|hops| {
                let edges = hops.iter().map(|&(kind, n, edge, node)| {
                    json!({"attributes": attributes(edge),
                           "to": {"attributes": attributes(node), "id": id(n), "type": kind}})
                });
                Value::Array(edges.collect())
            })
            .collect();
        let wire =
            json!({"compiledAttributes": null, "id": id(99), "paths": paths, "type": "system"});
        let user = GraphNode::new(
            ObjectId::parse("5f1b0c2e9c1a4b0012345678").unwrap(),
            GraphType::User,
        );
        let bound = bound_object_from_json(wire, &user).unwrap();
        let decision = precedence::decide(bound.paths());
        (decision.sudo, relied_on(bound.paths(), &decision))
    }

    const DEVICE: &str = "system";
    const DEVICE_GROUP: &str = "system_group";
    const USER_GROUP: &str = "user_group";

    #[test]
    fn the_documented_rules_need_no_assumption() {
        // "Permissions that are granted directly on a user supersede
        // permissions granted at a user group level."
        let direct: &[Hop] = &[(DEVICE, 99, PW, None)];
        let group: &[Hop] = &[(USER_GROUP, 1, None, None), (DEVICE, 99, NO_PW, None)];
        assert_eq!(decide(&[direct, group]), (Sudo::WithPassword, vec![]));
        // "Permissions set at the user group level supersede any
        // permissions previously set on the user group's bind to a device
        // group."
        let setting: &[Hop] = &[
            (USER_GROUP, 1, None, PW),
            (DEVICE_GROUP, 2, NO_PW, None),
            (DEVICE, 99, None, None),
        ];
        assert_eq!(decide(&[setting]), (Sudo::WithPassword, vec![]));
    }

    #[test]
    fn device_before_device_group() {
        let direct: &[Hop] = &[(DEVICE, 99, PW, None)];
        let device_group: &[Hop] = &[(DEVICE_GROUP, 2, NO_PW, None), (DEVICE, 99, None, None)];
        assert_eq!(
            decide(&[device_group, direct]),
            (
                Sudo::WithPassword,
                vec![Assumption::DeviceBeforeDeviceGroup]
            )
        );
    }

    #[test]
    fn user_device_group_bind_is_direct() {
        let device_group: &[Hop] = &[(DEVICE_GROUP, 2, PW, None), (DEVICE, 99, None, None)];
        let group: &[Hop] = &[(USER_GROUP, 1, None, None), (DEVICE, 99, NO_PW, None)];
        assert_eq!(
            decide(&[group, device_group]),
            (
                Sudo::WithPassword,
                vec![Assumption::UserDeviceGroupBindIsDirect]
            )
        );
    }

    #[test]
    fn group_device_before_group_device_group() {
        let group: &[Hop] = &[(USER_GROUP, 1, None, None), (DEVICE, 99, PW, None)];
        let through: &[Hop] = &[
            (USER_GROUP, 1, None, None),
            (DEVICE_GROUP, 2, NO_PW, None),
            (DEVICE, 99, None, None),
        ];
        assert_eq!(
            decide(&[through, group]),
            (
                Sudo::WithPassword,
                vec![Assumption::GroupDeviceBeforeGroupDeviceGroup]
            )
        );
    }

    #[test]
    fn other_shapes_last() {
        let group: &[Hop] = &[(USER_GROUP, 1, None, None), (DEVICE, 99, PW, None)];
        let nested: &[Hop] = &[
            (USER_GROUP, 3, None, None),
            (USER_GROUP, 4, None, None),
            (DEVICE, 99, NO_PW, None),
        ];
        assert_eq!(
            decide(&[nested, group]),
            (Sudo::WithPassword, vec![Assumption::OtherShapesLast])
        );
        // Group settings on a nested path: the group nearest the device.
        let settings: &[Hop] = &[
            (USER_GROUP, 3, None, PW),
            (USER_GROUP, 4, None, NO_PW),
            (DEVICE, 99, OFF, None),
        ];
        assert_eq!(
            decide(&[settings]),
            (Sudo::WithoutPassword, vec![Assumption::OtherShapesLast])
        );
    }

    #[test]
    fn most_permissive_among_equals() {
        let one: &[Hop] = &[(USER_GROUP, 1, None, None), (DEVICE, 99, PW, None)];
        let other: &[Hop] = &[(USER_GROUP, 3, None, None), (DEVICE, 99, NO_PW, None)];
        assert_eq!(
            decide(&[one, other]),
            (
                Sudo::WithoutPassword,
                vec![Assumption::MostPermissiveAmongEquals]
            )
        );
    }

    #[test]
    fn no_sudo_never_decides() {
        // A direct binding without sudo takes nothing away...
        let bare: &[Hop] = &[(DEVICE, 99, None, None)];
        let group: &[Hop] = &[(USER_GROUP, 1, None, None), (DEVICE, 99, NO_PW, None)];
        assert_eq!(
            decide(&[bare, group]),
            (Sudo::WithoutPassword, vec![Assumption::NoSudoNeverDecides])
        );
        // ... but one whose sudo is off does.
        let off: &[Hop] = &[(DEVICE, 99, OFF, None)];
        assert_eq!(
            decide(&[off, group]),
            (Sudo::Disabled, vec![Assumption::NoSudoNeverDecides])
        );
        // No sudo anywhere: disabled, decided by nothing.
        assert_eq!(
            decide(&[bare]),
            (Sudo::Disabled, vec![Assumption::NoSudoNeverDecides])
        );
    }

    #[test]
    fn group_setting_on_device_binds() {
        let group: &[Hop] = &[(USER_GROUP, 1, None, NO_PW), (DEVICE, 99, PW, None)];
        assert_eq!(
            decide(&[group]),
            (
                Sudo::WithoutPassword,
                vec![Assumption::GroupSettingOnDeviceBinds]
            )
        );
    }

    #[test]
    fn group_setting_off_is_unset() {
        let through: &[Hop] = &[
            (USER_GROUP, 1, None, OFF),
            (DEVICE_GROUP, 2, PW, None),
            (DEVICE, 99, None, None),
        ];
        assert_eq!(
            decide(&[through]),
            (Sudo::WithPassword, vec![Assumption::GroupSettingOffIsUnset])
        );
    }

    /// The section of `document` titled [`Assumption::README_SECTION`],
    /// up to the next section.
    fn section_of(document: &'static str) -> &'static str {
        let heading = format!("## {}", Assumption::README_SECTION);
        let start = document
            .find(&heading)
            .expect("the document has the section");
        let section = &document[start + heading.len()..];
        &section[..section.find("\n## ").unwrap_or(section.len())]
    }

    #[test]
    fn the_readme_lists_every_assumption_in_its_section() {
        let section = section_of(include_str!("../../../../README.md"));
        for assumption in Assumption::ALL {
            assert!(
                section.contains(&format!("`{assumption}`")),
                "the README's \"{}\" does not list `{assumption}`",
                Assumption::README_SECTION
            );
        }
    }

    #[test]
    fn the_client_docs_give_every_assumption_a_row_in_their_section() {
        let section = section_of(include_str!("../../../../docs/client.md"));
        for assumption in Assumption::ALL {
            assert!(
                section.contains(&format!("| `{assumption}` |")),
                "docs/client.md's \"{}\" has no row for `{assumption}`",
                Assumption::README_SECTION
            );
        }
    }
}
