//! The org graph's vocabulary: object kinds (`kind.rs`), objects
//! (`object.rs`), edges and the rules every edge must obey (`edge.rs`), and
//! orgs, which hold them (`org.rs`), whether they come from a fixture, the
//! generator or a `POST associations`. How a user reaches objects over
//! these edges is the `graph` module's.

mod edge;
mod kind;
mod object;
mod org;

use serde_json::Value;

pub(crate) use edge::{EdgeError, validate_attributes};
pub use edge::{EdgeRole, OrgEdge};
pub use kind::{Kind, UnknownKind};
pub use object::{Object, ObjectRef};
pub use org::Org;

/// Free-form graph attributes (`sudo`, `ldapGroups`, `posixGroups`,
/// `radius`, customer-defined keys), as JumpCloud sends them; also an
/// object's own fields. Not exported: the client has its own, typed
/// `Attributes`, and the public signatures spell out the JSON map.
pub(crate) type Attributes = serde_json::Map<String, Value>;

/// Whether `s` is a MongoDB ObjectID as JumpCloud uses them: 24 hex digits.
pub(crate) fn is_object_id(s: &str) -> bool {
    s.len() == 24 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_ids_are_24_hex_digits() {
        assert!(is_object_id("5f1b0c2e9c1a4b0012345678"));
        assert!(is_object_id("5F1B0C2E9C1A4B0012345678"));
        assert!(!is_object_id("5f1b0c2e9c1a4b001234567"));
        assert!(!is_object_id("5f1b0c2e9c1a4b001234567g"));
        assert!(!is_object_id("123456"));
    }
}
