//! Identifiers: [`ObjectId`] (what you send, 12 bytes, checked before any
//! request), [`NodeId`] (what the server sends back, kept even when it is
//! not an ObjectID) and [`OrgId`] (the `x-org-id` header).

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use crate::Error;

/// A JumpCloud object id (users, systems, groups, ...): a MongoDB ObjectID,
/// 24 hexadecimal digits on the wire, held as its 12 bytes.
///
/// It is `Copy` and cheap to hash; it prints in lower case, whatever case
/// it was parsed from.
///
/// ```
/// use jumpcloud_graph::ObjectId;
///
/// let id: ObjectId = "5F1B0C2E9C1A4B0012345678".parse()?;
/// assert_eq!(id.to_string(), "5f1b0c2e9c1a4b0012345678");
/// assert!("not-an-id".parse::<ObjectId>().unwrap_err().to_string().contains("24 hexadecimal"));
/// # Ok::<(), jumpcloud_graph::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectId([u8; 12]);

impl ObjectId {
    /// Validates `id`: exactly 24 hexadecimal digits, either case.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) naming
    /// the `object id` field.
    pub fn parse(id: &str) -> Result<Self, Error> {
        Self::parse_as(id, "object id")
    }

    /// Like [`parse`](Self::parse), naming the field in the error.
    pub(crate) fn parse_as(id: &str, field: &'static str) -> Result<Self, Error> {
        Self::from_hex(id).ok_or_else(|| {
            Error::invalid(
                field,
                format!(
                    "{:?} is not an ObjectID (24 hexadecimal digits)",
                    shorten(id)
                ),
            )
        })
    }

    /// The id from its 24 hex digits, or `None`.
    pub(crate) fn from_hex(id: &str) -> Option<Self> {
        let bytes = id.as_bytes();
        if bytes.len() != 24 {
            return None;
        }
        let mut out = [0u8; 12];
        for (slot, pair) in out.iter_mut().zip(bytes.chunks_exact(2)) {
            *slot = (hex_value(pair[0])? << 4) | hex_value(pair[1])?;
        }
        Some(Self(out))
    }

    /// The id from its 12 bytes.
    pub const fn from_bytes(bytes: [u8; 12]) -> Self {
        Self(bytes)
    }

    /// The id's 12 bytes.
    pub const fn to_bytes(self) -> [u8; 12] {
        self.0
    }
}

fn hex_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

/// At most 64 characters of what the caller passed, for error messages.
fn shorten(text: &str) -> &str {
    match text.char_indices().nth(64) {
        Some((cut, _)) => &text[..cut],
        None => text,
    }
}

impl ObjectId {
    /// The 24 lowercase hex digits, on the stack.
    fn hex(&self) -> [u8; 24] {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut text = [0u8; 24];
        for (pair, byte) in text.chunks_exact_mut(2).zip(self.0) {
            pair[0] = DIGITS[usize::from(byte >> 4)];
            pair[1] = DIGITS[usize::from(byte & 0x0f)];
        }
        text
    }
}

impl fmt::Display for ObjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Only ASCII hex digits were written.
        f.write_str(std::str::from_utf8(&self.hex()).map_err(|_| fmt::Error)?)
    }
}

impl fmt::Debug for ObjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ObjectId({self})")
    }
}

impl FromStr for ObjectId {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        Self::parse(s)
    }
}

impl TryFrom<&str> for ObjectId {
    type Error = Error;
    fn try_from(s: &str) -> Result<Self, Error> {
        Self::parse(s)
    }
}

impl TryFrom<&String> for ObjectId {
    type Error = Error;
    fn try_from(s: &String) -> Result<Self, Error> {
        Self::parse(s)
    }
}

impl TryFrom<String> for ObjectId {
    type Error = Error;
    fn try_from(s: String) -> Result<Self, Error> {
        Self::parse(&s)
    }
}

impl From<&ObjectId> for ObjectId {
    fn from(id: &ObjectId) -> Self {
        *id
    }
}

impl TryFrom<&NodeId> for ObjectId {
    type Error = Error;
    /// The ObjectID inside a server-sent id; a non-canonical id is
    /// [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput).
    fn try_from(id: &NodeId) -> Result<Self, Error> {
        id.object_id().ok_or_else(|| {
            Error::invalid(
                "object id",
                format!(
                    "{:?} is not an ObjectID (24 hexadecimal digits)",
                    id.to_string()
                ),
            )
        })
    }
}

impl TryFrom<NodeId> for ObjectId {
    type Error = Error;
    fn try_from(id: NodeId) -> Result<Self, Error> {
        ObjectId::try_from(&id)
    }
}

/// The id of an object in a response: an [`ObjectId`] almost always, but
/// kept as the server's text when it is not one.
///
/// JumpCloud's ids are ObjectIDs; a server that sends something else for
/// one object (a legacy or synced record, say) should not cost the caller
/// the rest of the page, so such an id is kept verbatim instead of failing
/// the page. [`object_id`](Self::object_id) says which it is; only an
/// ObjectID can be sent back in a write.
///
/// ```
/// use jumpcloud_graph::{NodeId, ObjectId};
///
/// let id = NodeId::from_server("5F1B0C2E9C1A4B0012345678");
/// assert_eq!(id.object_id(), Some("5f1b0c2e9c1a4b0012345678".parse::<ObjectId>()?));
/// let odd = NodeId::from_server("legacy-7");
/// assert_eq!(odd.object_id(), None);
/// assert_eq!(odd.to_string(), "legacy-7");
/// # Ok::<(), jumpcloud_graph::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(Repr);

#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Repr {
    Object(ObjectId),
    Other(Box<str>),
}

impl NodeId {
    /// An id as the server sent it: an ObjectID when it is 24 hex digits
    /// (either case), otherwise the text itself.
    pub fn from_server(id: &str) -> Self {
        match ObjectId::from_hex(id) {
            Some(object) => Self(Repr::Object(object)),
            None => Self(Repr::Other(id.into())),
        }
    }

    /// The ObjectID, when the server sent one.
    pub fn object_id(&self) -> Option<ObjectId> {
        match &self.0 {
            Repr::Object(id) => Some(*id),
            Repr::Other(_) => None,
        }
    }

    /// The id as the server sent it (an ObjectID in lowercase hex).
    /// `Display` escapes control characters in an id that is not an
    /// ObjectID; this does not.
    ///
    /// ```
    /// use jumpcloud_graph::NodeId;
    ///
    /// let odd = NodeId::from_server("legacy\u{1b}[2J");
    /// assert_eq!(odd.as_sent(), "legacy\u{1b}[2J");
    /// assert_eq!(odd.to_string(), "legacy\\u{1b}[2J");
    /// ```
    pub fn as_sent(&self) -> Cow<'_, str> {
        match &self.0 {
            Repr::Object(id) => Cow::Owned(id.to_string()),
            Repr::Other(text) => Cow::Borrowed(text),
        }
    }

    /// Whether the server sent an ObjectID (24 hex digits).
    pub fn is_object_id(&self) -> bool {
        matches!(self.0, Repr::Object(_))
    }
}

impl From<ObjectId> for NodeId {
    fn from(id: ObjectId) -> Self {
        Self(Repr::Object(id))
    }
}

impl PartialEq<ObjectId> for NodeId {
    fn eq(&self, other: &ObjectId) -> bool {
        self.object_id() == Some(*other)
    }
}

impl PartialEq<NodeId> for ObjectId {
    fn eq(&self, other: &NodeId) -> bool {
        other == self
    }
}

/// The id; one that is not an ObjectID is shown with control characters
/// escaped (a hostile server cannot drive a terminal through it), while
/// serde and [`as_sent`](NodeId::as_sent) keep it verbatim.
impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Object(id) => id.fmt(f),
            Repr::Other(text) => crate::printable::write_printable(f, text),
        }
    }
}

impl fmt::Debug for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Object(id) => write!(f, "NodeId({id})"),
            Repr::Other(text) => write!(f, "NodeId({text:?})"),
        }
    }
}

impl<'de> serde::Deserialize<'de> for NodeId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = NodeId;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object id string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<NodeId, E> {
                Ok(NodeId::from_server(v))
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for NodeId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.0 {
            Repr::Object(id) => id.serialize(serializer),
            Repr::Other(text) => serializer.serialize_str(text),
        }
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for ObjectId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Without the formatting machinery: ids are most of a report's JSON.
        let hex = self.hex();
        let text = std::str::from_utf8(&hex).map_err(serde::ser::Error::custom)?;
        serializer.serialize_str(text)
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for ObjectId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        ObjectId::from_hex(&text)
            .ok_or_else(|| serde::de::Error::custom("expected an ObjectID (24 hexadecimal digits)"))
    }
}

/// An organization id for the `x-org-id` header, which multi-tenant
/// administrators must send. It is found in the console's settings.
///
/// Validated to be 1 to 128 ASCII letters, digits, `-` or `_`, so that it
/// is a valid header value; the server checks the rest.
///
/// ```
/// use jumpcloud_graph::OrgId;
///
/// let org = OrgId::parse("5e3b7a1c9d2f4a0011223344")?;
/// assert_eq!(org.to_string(), "5e3b7a1c9d2f4a0011223344");
/// assert!(OrgId::parse("not an id").is_err());
/// # Ok::<(), jumpcloud_graph::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OrgId(Box<str>);

impl OrgId {
    /// Validates `id`.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) naming
    /// the `organization id` field.
    pub fn parse(id: &str) -> Result<Self, Error> {
        let valid = !id.is_empty()
            && id.len() <= 128
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if valid {
            Ok(Self(id.into()))
        } else {
            Err(Error::invalid(
                "organization id",
                format!(
                    "{:?} is not an organization id (letters, digits, '-' or '_')",
                    shorten(id)
                ),
            ))
        }
    }

    /// The id as sent in `x-org-id`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OrgId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for OrgId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OrgId({})", self.0)
    }
}

impl FromStr for OrgId {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        Self::parse(s)
    }
}

impl TryFrom<&str> for OrgId {
    type Error = Error;
    fn try_from(s: &str) -> Result<Self, Error> {
        Self::parse(s)
    }
}

impl TryFrom<String> for OrgId {
    type Error = Error;
    fn try_from(s: String) -> Result<Self, Error> {
        Self::parse(&s)
    }
}

impl From<&OrgId> for OrgId {
    fn from(id: &OrgId) -> Self {
        id.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_ids_must_be_24_hex_digits() {
        for bad in [
            "",
            "123456",
            "5f1b0c2e9c1a4b001234567",
            "5f1b0c2e9c1a4b00123456789",
            "5f1b0c2e9c1a4b001234567g",
            "5f1b0c2e 9c1a4b0012345678",
            "５f1b0c2e9c1a4b001234567",
        ] {
            let error = ObjectId::parse(bad).unwrap_err();
            assert_eq!(error.field(), Some("object id"), "{bad:?}");
        }
    }

    #[test]
    fn object_ids_are_twelve_bytes_and_print_in_lower_case() {
        assert_eq!(std::mem::size_of::<ObjectId>(), 12);
        let id = ObjectId::parse("ABCDEF0123456789ABCDEF01").unwrap();
        assert_eq!(id.to_string(), "abcdef0123456789abcdef01");
        assert_eq!(id, ObjectId::parse("abcdef0123456789abcdef01").unwrap());
        assert_eq!(ObjectId::from_bytes(id.to_bytes()), id);
    }

    #[test]
    fn node_ids_keep_what_is_not_an_object_id() {
        let id = NodeId::from_server("not-an-object-id");
        assert!(!id.is_object_id());
        assert_eq!(id.to_string(), "not-an-object-id");
        assert!(ObjectId::try_from(&id).is_err());
        let canonical = NodeId::from_server("64B000000000000000000003");
        assert_eq!(canonical.to_string(), "64b000000000000000000003");
        assert_eq!(
            canonical,
            ObjectId::parse("64b000000000000000000003").unwrap()
        );
    }

    #[test]
    fn org_ids_reject_header_breaking_characters() {
        for bad in ["", "a b", "a\nb", "a:b", "ä"] {
            assert!(OrgId::parse(bad).is_err(), "{bad:?}");
        }
        assert!(OrgId::parse("5e3b7a1c9d2f4a0011223344").is_ok());
    }

    #[test]
    fn error_messages_quote_at_most_64_characters_of_the_input() {
        let long = "x".repeat(10_000);
        assert!(ObjectId::parse(&long).unwrap_err().to_string().len() < 200);
    }
}
