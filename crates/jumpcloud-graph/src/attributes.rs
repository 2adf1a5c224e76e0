//! Graph attributes: what an edge (or the union of a user's paths to an
//! object) grants, such as sudo on a device or LDAP groups.
//!
//! The wire form is a free-form JSON object mixing known keys with
//! customer-defined ones, and may be `null` or left out. Known keys become
//! typed fields; everything else, and any known key whose value has an
//! unexpected shape, is kept verbatim in [`Attributes::other`], and
//! [`Attributes::presence`] remembers whether an object, `null` or nothing
//! came, so nothing is ever dropped.

use serde_json::{Map, Value, json};

use crate::Error;

/// Administrator rights a binding grants on a device.
///
/// One type that cannot express "without password" without "enabled",
/// which JumpCloud's `{"enabled", "withoutPassword"}` pair can. Ordered by
/// what it allows: `Disabled < WithPassword < WithoutPassword`.
///
/// ```
/// use jumpcloud_graph::Sudo;
///
/// assert_eq!(Sudo::from_flags(true, true)?, Sudo::WithoutPassword);
/// assert!(Sudo::from_flags(false, true).is_err());
/// # Ok::<(), jumpcloud_graph::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
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
    /// [invalid input](crate::ErrorKind::InvalidInput).
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

    /// A stable name: `disabled`, `with-password`, `without-password`.
    pub fn name(self) -> &'static str {
        match self {
            Sudo::Disabled => "disabled",
            Sudo::WithPassword => "with-password",
            Sudo::WithoutPassword => "without-password",
        }
    }
}

impl std::fmt::Display for Sudo {
    /// The [`name`](Sudo::name).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Sudo {
    type Err = Error;
    /// From a [`name`](Sudo::name), with `_` or `-`, in any case.
    fn from_str(text: &str) -> Result<Self, Error> {
        let wanted = text.trim().to_ascii_lowercase().replace('_', "-");
        [Sudo::Disabled, Sudo::WithPassword, Sudo::WithoutPassword]
            .into_iter()
            .find(|sudo| sudo.name() == wanted)
            .ok_or_else(|| {
                Error::invalid(
                    "sudo",
                    format!(
                        "{:?}: expected disabled, with-password or without-password",
                        text.chars().take(64).collect::<String>()
                    ),
                )
            })
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Sudo {
    /// The [`name`](Sudo::name): `"disabled"`, `"with-password"` or
    /// `"without-password"`.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Sudo {
    /// A [`name`](Sudo::name), as [`FromStr`](std::str::FromStr) reads it.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(|_| {
            serde::de::Error::custom("expected disabled, with-password or without-password")
        })
    }
}

/// An LDAP group provisioned through a binding.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct LdapGroup {
    /// The group's name.
    pub name: String,
}

impl LdapGroup {
    /// An LDAP group by name.
    pub fn new(name: impl Into<String>) -> Self {
        Self { name: name.into() }
    }
}

/// A POSIX group provisioned on a device through a binding.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct PosixGroup {
    /// The group id.
    pub id: i64,
    /// The group name.
    pub name: String,
}

impl PosixGroup {
    /// A POSIX group by id and name.
    pub fn new(id: i64, name: impl Into<String>) -> Self {
        Self {
            id,
            name: name.into(),
        }
    }
}

/// A RADIUS reply attribute returned in Access-Accept messages.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct RadiusReply {
    /// The attribute's name.
    pub name: String,
    /// The attribute's value.
    pub value: String,
}

impl RadiusReply {
    /// A reply attribute.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            value: value.into(),
        }
    }
}

/// The attributes of a binding, typed where JumpCloud defines them.
///
/// Known keys are typed only when their value has exactly the documented
/// shape (`sudo` as `{"enabled": bool, "withoutPassword": bool}` with a
/// possible combination, `ldapGroups` as `[{"name"}]`, `posixGroups` as
/// `[{"id", "name"}]`, `radius` as `{"reply": [{"name", "value"}]}`,
/// `sambaEnabled` as a bool); anything else stays in [`other`](Self::other)
/// as it came, so writing the attributes back loses nothing. With the
/// `serde` feature they serialize as the wire value.
///
/// The server may send an object, `null`, or leave the key out;
/// [`presence`](Self::presence) says which, and the result types serialize
/// exactly that (an object, `null`, or no key). Reading them, all three
/// without keys are simply empty: [`sudo`](Self::sudo) is `None`,
/// [`is_empty`](Self::is_empty) is true. Equality compares the presence
/// too: `null` is not `{}`.
///
/// ```
/// use jumpcloud_graph::{Attributes, Presence, Sudo};
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
///
/// let null = Attributes::from_json(json!(null));
/// assert_eq!(null.presence(), Presence::Null);
/// assert!(null.is_empty() && null != Attributes::new());
/// assert_eq!(null.to_json(), json!(null));
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Attributes {
    // Most attributes on the wire are `null` or `{}`: those cost nothing.
    inner: Option<Box<Typed>>,
    presence: Presence,
}

/// Whether the server sent a JSON value for a key it may leave out, and
/// which kind: the three states `null`, `{}` and no key are told apart.
///
/// ```
/// use jumpcloud_graph::{Attributes, Presence};
/// use serde_json::json;
///
/// assert_eq!(Attributes::absent().presence(), Presence::Absent);
/// assert_eq!(Attributes::from_json(json!(null)).presence(), Presence::Null);
/// assert_eq!(Attributes::from_json(json!({})).presence(), Presence::Object);
/// assert_eq!(Attributes::new().presence(), Presence::Object);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Presence {
    /// The key was not sent.
    Absent,
    /// The key was sent as `null`.
    Null,
    /// The key was sent with an object (perhaps `{}`). A value of another
    /// kind counts as an object holding it under the key `""` (see
    /// [`Attributes::from_json`]).
    #[default]
    Object,
}

/// An empty JSON object, for accessors of maps that were never filled.
pub(crate) fn empty_map() -> &'static Map<String, Value> {
    static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
    EMPTY.get_or_init(Map::new)
}

#[derive(Clone, Debug, Default, PartialEq)]
struct Typed {
    sudo: Option<Sudo>,
    ldap_groups: Option<Vec<LdapGroup>>,
    posix_groups: Option<Vec<PosixGroup>>,
    radius_reply: Option<Vec<RadiusReply>>,
    samba_enabled: Option<bool>,
    other: Map<String, Value>,
}

impl Typed {
    /// Takes one key of the wire object: typed when it is a known key with
    /// exactly the documented shape, kept verbatim in `other` otherwise.
    fn accept(&mut self, key: String, value: Value) {
        let kept = match key.as_str() {
            "sudo" => sudo_from(value).map(|sudo| self.sudo = Some(sudo)),
            "ldapGroups" => records(value, |o| {
                (o.len() == 1).then_some(())?;
                Some(LdapGroup::new(string(o.get("name"))?))
            })
            .map(|groups| self.ldap_groups = Some(groups)),
            "posixGroups" => records(value, |o| {
                (o.len() == 2).then_some(())?;
                let id = o.get("id")?.as_i64()?;
                Some(PosixGroup::new(id, string(o.get("name"))?))
            })
            .map(|groups| self.posix_groups = Some(groups)),
            "radius" => radius_from(value).map(|reply| self.radius_reply = Some(reply)),
            "sambaEnabled" => match value {
                Value::Bool(enabled) => {
                    self.samba_enabled = Some(enabled);
                    Ok(())
                }
                other => Err(other),
            },
            _ => Err(value),
        };
        if let Err(value) = kept {
            self.other.insert(key, value);
        }
    }

    fn into_attributes(self) -> Attributes {
        Attributes {
            inner: (self != Typed::default()).then(|| Box::new(self)),
            presence: Presence::Object,
        }
    }
}

/// `{"reply": [{"name", "value"}, ...]}` as the replies, or the value back.
fn radius_from(value: Value) -> Result<Vec<RadiusReply>, Value> {
    let Value::Object(mut o) = value else {
        return Err(value);
    };
    if o.len() != 1 {
        return Err(Value::Object(o));
    }
    let Some(reply) = o.remove("reply") else {
        return Err(Value::Object(o));
    };
    records(reply, |r| {
        (r.len() == 2).then_some(())?;
        Some(RadiusReply::new(
            string(r.get("name"))?,
            string(r.get("value"))?,
        ))
    })
    .map_err(|reply| {
        o.insert("reply".into(), reply);
        Value::Object(o)
    })
}

impl Attributes {
    /// No attributes: the empty object `{}`.
    pub fn new() -> Self {
        Self::default()
    }

    /// The attributes of a key the server left out: empty, with
    /// [`Presence::Absent`].
    pub fn absent() -> Self {
        Self {
            inner: None,
            presence: Presence::Absent,
        }
    }

    /// From the wire value: an object, or `null` (no attributes, with
    /// [`Presence::Null`]). A value of any other shape is kept under the key
    /// `""` in [`other`](Self::other) rather than dropped.
    pub fn from_json(value: Value) -> Self {
        match value {
            Value::Null => Self {
                inner: None,
                presence: Presence::Null,
            },
            Value::Object(map) => Self::from_map(map),
            other => {
                let mut map = Map::new();
                map.insert(String::new(), other);
                Self::from_map(map)
            }
        }
    }

    /// From a wire object. A known key is typed only when its value has
    /// exactly the documented shape; otherwise it stays in `other`.
    pub fn from_map(map: Map<String, Value>) -> Self {
        let mut typed = Typed::default();
        for (key, value) in map {
            typed.accept(key, value);
        }
        typed.into_attributes()
    }

    /// The wire object (`{}` when empty, `null` or absent): typed fields and
    /// `other` merged.
    pub fn to_map(&self) -> Map<String, Value> {
        let Some(typed) = &self.inner else {
            return Map::new();
        };
        let mut map = typed.other.clone();
        if let Some(sudo) = typed.sudo {
            map.insert(
                "sudo".into(),
                json!({"enabled": sudo.enabled(), "withoutPassword": sudo.without_password()}),
            );
        }
        if let Some(groups) = &typed.ldap_groups {
            let groups = groups.iter().map(|g| json!({"name": g.name})).collect();
            map.insert("ldapGroups".into(), Value::Array(groups));
        }
        if let Some(groups) = &typed.posix_groups {
            let groups = groups
                .iter()
                .map(|g| json!({"id": g.id, "name": g.name}))
                .collect();
            map.insert("posixGroups".into(), Value::Array(groups));
        }
        if let Some(reply) = &typed.radius_reply {
            let reply: Vec<Value> = reply
                .iter()
                .map(|r| json!({"name": r.name, "value": r.value}))
                .collect();
            map.insert("radius".into(), json!({ "reply": reply }));
        }
        if let Some(samba) = typed.samba_enabled {
            map.insert("sambaEnabled".into(), Value::Bool(samba));
        }
        map
    }

    /// The wire value: the object, or `null` when the server sent `null`
    /// or nothing (see [`presence`](Self::presence)).
    pub fn to_json(&self) -> Value {
        match self.presence {
            Presence::Object => Value::Object(self.to_map()),
            Presence::Null | Presence::Absent => Value::Null,
        }
    }

    /// Whether the server sent an object, `null`, or nothing at all.
    pub fn presence(&self) -> Presence {
        self.presence
    }

    /// Whether there are no attributes at all (`{}`, `null` or absent).
    pub fn is_empty(&self) -> bool {
        self.inner
            .as_deref()
            .is_none_or(|typed| *typed == Typed::default())
    }

    /// Sudo rights, when the attributes say anything about them.
    pub fn sudo(&self) -> Option<Sudo> {
        self.inner.as_ref().and_then(|t| t.sudo)
    }

    /// LDAP groups provisioned through the binding (empty when none).
    pub fn ldap_groups(&self) -> &[LdapGroup] {
        self.inner
            .as_ref()
            .and_then(|t| t.ldap_groups.as_deref())
            .unwrap_or_default()
    }

    /// POSIX groups provisioned through the binding (empty when none).
    pub fn posix_groups(&self) -> &[PosixGroup] {
        self.inner
            .as_ref()
            .and_then(|t| t.posix_groups.as_deref())
            .unwrap_or_default()
    }

    /// RADIUS reply attributes (empty when none).
    pub fn radius_reply(&self) -> &[RadiusReply] {
        self.inner
            .as_ref()
            .and_then(|t| t.radius_reply.as_deref())
            .unwrap_or_default()
    }

    /// Whether Samba attributes are enabled, when the attributes say.
    pub fn samba_enabled(&self) -> Option<bool> {
        self.inner.as_ref().and_then(|t| t.samba_enabled)
    }

    /// Every other key: customer-defined attributes, keys newer than this
    /// crate, and known keys whose values had an unexpected shape.
    pub fn other(&self) -> &Map<String, Value> {
        match &self.inner {
            Some(typed) => &typed.other,
            None => empty_map(),
        }
    }

    /// Sets sudo rights (for writes); the attributes become an object.
    pub fn with_sudo(mut self, sudo: Sudo) -> Self {
        self.inner.get_or_insert_with(Default::default).sudo = Some(sudo);
        self.presence = Presence::Object;
        self
    }
}

fn sudo_from(value: Value) -> Result<Sudo, Value> {
    let flags = match &value {
        Value::Object(o) if o.len() == 2 => o
            .get("enabled")
            .and_then(Value::as_bool)
            .zip(o.get("withoutPassword").and_then(Value::as_bool)),
        _ => None,
    };
    match flags.and_then(|(enabled, without)| Sudo::from_flags(enabled, without).ok()) {
        Some(sudo) => Ok(sudo),
        None => Err(value),
    }
}

/// An array whose every element is an object `read` accepts, or the value
/// back untouched.
fn records<T>(
    value: Value,
    read: impl Fn(&Map<String, Value>) -> Option<T>,
) -> Result<Vec<T>, Value> {
    let Value::Array(items) = value else {
        return Err(value);
    };
    let typed: Option<Vec<T>> = items
        .iter()
        .map(|item| match item {
            Value::Object(o) => read(o),
            _ => None,
        })
        .collect();
    typed.ok_or(Value::Array(items))
}

fn string(value: Option<&Value>) -> Option<String> {
    value.and_then(Value::as_str).map(str::to_string)
}

impl<'de> serde::Deserialize<'de> for Attributes {
    /// The wire value: an object, `null`, or (kept under `""`) anything else.
    /// An object is read key by key straight into the typed fields, without
    /// building it as a JSON value first.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(AttributesVisitor)
    }
}

struct AttributesVisitor;

impl AttributesVisitor {
    fn not_an_object<E>(value: Value) -> Result<Attributes, E> {
        Ok(Attributes::from_json(value))
    }
}

impl<'de> serde::de::Visitor<'de> for AttributesVisitor {
    type Value = Attributes;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("graph attributes (an object or null)")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Attributes, A::Error> {
        let mut typed = Typed::default();
        while let Some(key) = map.next_key::<String>()? {
            let value: Value = map.next_value()?;
            typed.accept(key, value);
        }
        Ok(typed.into_attributes())
    }

    fn visit_unit<E>(self) -> Result<Attributes, E> {
        Ok(Attributes::from_json(Value::Null))
    }

    fn visit_none<E>(self) -> Result<Attributes, E> {
        Ok(Attributes::from_json(Value::Null))
    }

    fn visit_some<D: serde::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Attributes, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_bool<E>(self, v: bool) -> Result<Attributes, E> {
        Self::not_an_object(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Attributes, E> {
        Self::not_an_object(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Attributes, E> {
        Self::not_an_object(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Attributes, E> {
        Self::not_an_object(Value::from(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Attributes, E> {
        Self::not_an_object(Value::String(v.to_string()))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Attributes, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Value>()? {
            items.push(item);
        }
        Self::not_an_object(Value::Array(items))
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Attributes {
    /// The wire value: the object, or `null` when the server sent `null` or
    /// nothing (a lone value has no key to leave out; the result types
    /// leave the key out for [`Presence::Absent`]).
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.presence {
            Presence::Object => self.to_map().serialize(serializer),
            Presence::Null | Presence::Absent => serializer.serialize_unit(),
        }
    }
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
    fn null_empty_and_absent_are_told_apart() {
        let null: Attributes = serde_json::from_str("null").unwrap();
        let empty: Attributes = serde_json::from_str("{}").unwrap();
        assert_eq!(null.presence(), Presence::Null);
        assert_eq!(empty.presence(), Presence::Object);
        assert_eq!(Attributes::absent().presence(), Presence::Absent);
        assert_ne!(null, empty);
        assert_ne!(null, Attributes::absent());
        assert_eq!(empty, Attributes::new());
        assert_eq!(null.to_json(), Value::Null);
        assert_eq!(empty.to_json(), json!({}));
        for attributes in [null, empty, Attributes::absent()] {
            assert!(attributes.is_empty() && attributes.sudo().is_none());
            assert!(attributes.to_map().is_empty());
        }
        let granted = Attributes::absent().with_sudo(Sudo::WithPassword);
        assert_eq!(granted.presence(), Presence::Object);
        assert_eq!(granted.to_json()["sudo"]["enabled"], true);
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
