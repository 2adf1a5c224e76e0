//! Typed identifiers, validated before any request is sent.

use std::fmt;
use std::str::FromStr;

use crate::Error;

/// A JumpCloud object id (users, systems, groups, ...): a MongoDB ObjectID
/// of 24 hexadecimal digits. Stored in lower case.
///
/// ```
/// use jumpcloud_graph::ObjectId;
///
/// let id: ObjectId = "5F1B0C2E9C1A4B0012345678".parse()?;
/// assert_eq!(id.as_str(), "5f1b0c2e9c1a4b0012345678");
/// assert!("not-an-id".parse::<ObjectId>().unwrap_err().to_string().contains("24 hexadecimal"));
/// # Ok::<(), jumpcloud_graph::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectId(String);

impl ObjectId {
    /// Validates `id`: exactly 24 hexadecimal digits, either case.
    pub fn parse(id: &str) -> Result<Self, Error> {
        Self::parse_as(id, "object id")
    }

    /// Like [`parse`](Self::parse), naming the field in the error.
    pub(crate) fn parse_as(id: &str, field: &'static str) -> Result<Self, Error> {
        if id.len() == 24 && id.bytes().all(|b| b.is_ascii_hexdigit()) {
            Ok(Self(id.to_ascii_lowercase()))
        } else {
            Err(Error::invalid(
                field,
                format!("{id:?} is not an ObjectID (24 hexadecimal digits)"),
            ))
        }
    }

    /// The id as sent on the wire.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ObjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for ObjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ObjectId({})", self.0)
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
        id.clone()
    }
}

impl AsRef<str> for ObjectId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// An organization id for the `x-org-id` header, which multi-tenant
/// administrators must send. It is found in the console's settings.
///
/// Validated to be a non-empty run of ASCII letters, digits, `-` or `_`, so
/// that it is a valid header value; the server checks the rest.
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
pub struct OrgId(String);

impl OrgId {
    /// Validates `id`.
    pub fn parse(id: &str) -> Result<Self, Error> {
        let valid = !id.is_empty()
            && id.len() <= 128
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if valid {
            Ok(Self(id.to_string()))
        } else {
            Err(Error::invalid(
                "organization id",
                format!("{id:?} is not an organization id (letters, digits, '-' or '_')"),
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
        ] {
            let error = ObjectId::parse(bad).unwrap_err();
            assert!(
                matches!(
                    error,
                    Error::InvalidInput {
                        field: "object id",
                        ..
                    }
                ),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn object_ids_are_normalised_to_lower_case() {
        let id = ObjectId::parse("ABCDEF0123456789ABCDEF01").unwrap();
        assert_eq!(id.as_str(), "abcdef0123456789abcdef01");
        assert_eq!(id, ObjectId::parse("abcdef0123456789abcdef01").unwrap());
    }

    #[test]
    fn org_ids_reject_header_breaking_characters() {
        for bad in ["", "a b", "a\nb", "a:b", "ä"] {
            assert!(OrgId::parse(bad).is_err(), "{bad:?}");
        }
        assert!(OrgId::parse("5e3b7a1c9d2f4a0011223344").is_ok());
    }
}
