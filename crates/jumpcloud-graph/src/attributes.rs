//! Graph attributes: what an edge (or the union of a user's paths to an
//! object) grants, such as sudo on a device or LDAP groups.
//!
//! The wire form is a free-form JSON object mixing known keys with
//! customer-defined ones, and may be `null`. Known keys become typed fields;
//! everything else, and any known key whose value has an unexpected shape,
//! is kept verbatim in [`Attributes::other`], so nothing is ever dropped.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::Error;

/// Administrator rights a binding grants on a device.
///
/// One type that cannot express "without password" without "enabled",
/// which JumpCloud's `{"enabled", "withoutPassword"}` pair can.
///
/// ```
/// use jumpcloud_graph::Sudo;
///
/// assert_eq!(Sudo::from_flags(true, true)?, Sudo::WithoutPassword);
/// assert!(Sudo::from_flags(false, true).is_err());
/// # Ok::<(), jumpcloud_graph::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Sudo {
    /// No sudo (`enabled: false`).
    Disabled,
    /// Sudo that asks for the user's password.
    WithPassword,
    /// Passwordless sudo.
    WithoutPassword,
}

impl Sudo {
    /// From JumpCloud's two flags; `without_password` without `enabled` is
    /// [`Error::InvalidInput`].
    pub fn from_flags(enabled: bool, without_password: bool) -> Result<Self, Error> {
        match (enabled, without_password) {
            (false, false) => Ok(Sudo::Disabled),
            (true, false) => Ok(Sudo::WithPassword),
            (true, true) => Ok(Sudo::WithoutPassword),
            (false, true) => Err(Error::invalid(
                "sudo",
                "withoutPassword requires enabled (sudo without password needs sudo)",
            )),
        }
    }

    /// The `enabled` flag.
    pub fn enabled(self) -> bool {
        !matches!(self, Sudo::Disabled)
    }

    /// The `withoutPassword` flag.
    pub fn without_password(self) -> bool {
        matches!(self, Sudo::WithoutPassword)
    }
}

/// The wire form of sudo, as `{"enabled": bool, "withoutPassword": bool}`.
#[derive(Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SudoWire {
    enabled: bool,
    without_password: bool,
}

/// An LDAP group provisioned through a binding.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LdapGroup {
    /// The group's name.
    pub name: String,
}

/// A POSIX group provisioned on a device through a binding.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PosixGroup {
    /// The group id.
    pub id: i64,
    /// The group name.
    pub name: String,
}

/// A RADIUS reply attribute returned in Access-Accept messages.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RadiusReply {
    /// The attribute's name.
    pub name: String,
    /// The attribute's value.
    pub value: String,
}

#[derive(Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct RadiusWire {
    reply: Vec<RadiusReply>,
}

/// The attributes of a binding, typed where JumpCloud defines them.
///
/// ```
/// use jumpcloud_graph::{Attributes, Sudo};
/// use serde_json::json;
///
/// let attributes = Attributes::from_json(json!({
///     "sudo": {"enabled": true, "withoutPassword": false},
///     "ldapGroups": [{"name": "engineers"}],
///     "acme:costCenter": "R&D"
/// }));
/// assert_eq!(attributes.sudo(), Some(Sudo::WithPassword));
/// assert_eq!(attributes.ldap_groups()[0].name, "engineers");
/// assert_eq!(attributes.other()["acme:costCenter"], "R&D");
/// // Nothing is lost on the way back.
/// assert_eq!(attributes.to_json()["acme:costCenter"], "R&D");
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Attributes {
    sudo: Option<Sudo>,
    ldap_groups: Option<Vec<LdapGroup>>,
    posix_groups: Option<Vec<PosixGroup>>,
    radius_reply: Option<Vec<RadiusReply>>,
    samba_enabled: Option<bool>,
    other: Map<String, Value>,
}

impl Attributes {
    /// No attributes.
    pub fn new() -> Self {
        Self::default()
    }

    /// From the wire value: an object, or `null` (no attributes). A value of
    /// any other shape is kept under the key `""` in [`other`](Self::other)
    /// rather than dropped.
    pub fn from_json(value: Value) -> Self {
        match value {
            Value::Null => Self::default(),
            Value::Object(map) => Self::from_map(map),
            other => {
                let mut attributes = Self::default();
                attributes.other.insert(String::new(), other);
                attributes
            }
        }
    }

    /// From a wire object. A known key is typed only when its value has
    /// exactly the documented shape; otherwise it stays in `other`.
    pub fn from_map(map: Map<String, Value>) -> Self {
        let mut attributes = Self::default();
        for (key, value) in map {
            let kept = match key.as_str() {
                "sudo" => typed::<SudoWire>(&value)
                    .and_then(|w| Sudo::from_flags(w.enabled, w.without_password).ok())
                    .map(|sudo| attributes.sudo = Some(sudo)),
                "ldapGroups" => typed(&value).map(|v| attributes.ldap_groups = Some(v)),
                "posixGroups" => typed(&value).map(|v| attributes.posix_groups = Some(v)),
                "radius" => {
                    typed::<RadiusWire>(&value).map(|r| attributes.radius_reply = Some(r.reply))
                }
                "sambaEnabled" => typed(&value).map(|v| attributes.samba_enabled = Some(v)),
                _ => None,
            };
            if kept.is_none() {
                attributes.other.insert(key, value);
            }
        }
        attributes
    }

    /// The wire object (`{}` when empty): typed fields and `other` merged.
    pub fn to_map(&self) -> Map<String, Value> {
        let mut map = self.other.clone();
        if let Some(sudo) = self.sudo {
            let wire = SudoWire {
                enabled: sudo.enabled(),
                without_password: sudo.without_password(),
            };
            map.insert("sudo".into(), to_value(&wire));
        }
        if let Some(groups) = &self.ldap_groups {
            map.insert("ldapGroups".into(), to_value(groups));
        }
        if let Some(groups) = &self.posix_groups {
            map.insert("posixGroups".into(), to_value(groups));
        }
        if let Some(reply) = &self.radius_reply {
            map.insert(
                "radius".into(),
                to_value(&RadiusWire {
                    reply: reply.clone(),
                }),
            );
        }
        if let Some(samba) = self.samba_enabled {
            map.insert("sambaEnabled".into(), Value::Bool(samba));
        }
        map
    }

    /// The wire value, as a JSON object.
    pub fn to_json(&self) -> Value {
        Value::Object(self.to_map())
    }

    /// Whether there are no attributes at all.
    pub fn is_empty(&self) -> bool {
        self.sudo.is_none()
            && self.ldap_groups.is_none()
            && self.posix_groups.is_none()
            && self.radius_reply.is_none()
            && self.samba_enabled.is_none()
            && self.other.is_empty()
    }

    /// Sudo rights, when the attributes say anything about them.
    pub fn sudo(&self) -> Option<Sudo> {
        self.sudo
    }

    /// LDAP groups provisioned through the binding (empty when none).
    pub fn ldap_groups(&self) -> &[LdapGroup] {
        self.ldap_groups.as_deref().unwrap_or_default()
    }

    /// POSIX groups provisioned through the binding (empty when none).
    pub fn posix_groups(&self) -> &[PosixGroup] {
        self.posix_groups.as_deref().unwrap_or_default()
    }

    /// RADIUS reply attributes (empty when none).
    pub fn radius_reply(&self) -> &[RadiusReply] {
        self.radius_reply.as_deref().unwrap_or_default()
    }

    /// Whether Samba attributes are enabled, when the attributes say.
    pub fn samba_enabled(&self) -> Option<bool> {
        self.samba_enabled
    }

    /// Every other key: customer-defined attributes, keys newer than this
    /// crate, and known keys whose values had an unexpected shape.
    pub fn other(&self) -> &Map<String, Value> {
        &self.other
    }

    /// Sets sudo rights (for writes).
    pub fn with_sudo(mut self, sudo: Sudo) -> Self {
        self.sudo = Some(sudo);
        self
    }
}

/// Decodes `value` as `T` only if nothing is lost: re-encoding must give
/// the same JSON back.
fn typed<T: serde::de::DeserializeOwned + Serialize>(value: &Value) -> Option<T> {
    let parsed: T = serde_json::from_value(value.clone()).ok()?;
    (serde_json::to_value(&parsed).ok()? == *value).then_some(parsed)
}

fn to_value<T: Serialize>(value: &T) -> Value {
    // Serializing these plain structs cannot fail.
    serde_json::to_value(value).unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn null_means_no_attributes() {
        assert!(Attributes::from_json(Value::Null).is_empty());
    }

    #[test]
    fn known_keys_are_typed() {
        let attributes = Attributes::from_json(json!({
            "sudo": {"enabled": true, "withoutPassword": true},
            "posixGroups": [{"id": 5000, "name": "devs"}],
            "radius": {"reply": [{"name": "Filter-Id", "value": "staff"}]},
            "sambaEnabled": true
        }));
        assert_eq!(attributes.sudo(), Some(Sudo::WithoutPassword));
        assert_eq!(attributes.posix_groups()[0].id, 5000);
        assert_eq!(attributes.radius_reply()[0].value, "staff");
        assert_eq!(attributes.samba_enabled(), Some(true));
        assert!(attributes.other().is_empty());
    }

    #[test]
    fn known_keys_with_unexpected_shapes_are_kept_not_dropped() {
        let raw = json!({
            "sudo": {"enabled": false, "withoutPassword": true},
            "ldapGroups": [{"name": "a", "gid": 7}],
            "radius": {"reply": [], "extra": 1},
            "sambaEnabled": "yes"
        });
        let attributes = Attributes::from_json(raw.clone());
        assert_eq!(attributes.sudo(), None);
        assert!(attributes.ldap_groups().is_empty());
        assert_eq!(attributes.other().len(), 4);
        assert_eq!(attributes.to_json(), raw);
    }

    #[test]
    fn attributes_round_trip_losslessly() {
        let raw = json!({
            "sudo": {"enabled": true, "withoutPassword": false},
            "ldapGroups": [{"name": "engineers"}],
            "acme:costCenter": {"code": 42},
        });
        assert_eq!(Attributes::from_json(raw.clone()).to_json(), raw);
    }

    #[test]
    fn sudo_flags_map_to_the_three_levels() {
        for sudo in [Sudo::Disabled, Sudo::WithPassword, Sudo::WithoutPassword] {
            assert_eq!(
                Sudo::from_flags(sudo.enabled(), sudo.without_password()).unwrap(),
                sudo
            );
        }
    }
}
