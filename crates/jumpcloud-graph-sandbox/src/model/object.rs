//! Objects: an org's users, groups, systems and the rest ([`Object`]), and
//! how an edge names one of its ends ([`ObjectRef`]).

use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;

use super::edge::normalise;
use super::{Attributes, Kind};

/// One object of an org: a user, a group, a system, an application, a
/// directory or a RADIUS server.
///
/// Its fields and attributes are shared, not copied, between its clones:
/// every traversal result keeps a clone of each object it reaches.
#[derive(Clone, Debug, PartialEq)]
pub struct Object {
    id: String,
    kind: Kind,
    handle: String,
    fields: Arc<Attributes>,
    attributes: Option<Arc<Attributes>>,
}

impl Object {
    pub(crate) fn new(id: String, kind: Kind, handle: String, fields: Attributes) -> Self {
        Object {
            id,
            kind,
            handle,
            fields: Arc::new(fields),
            attributes: None,
        }
    }

    /// The object with its own graph attributes (empty ones are none).
    pub(crate) fn with_attributes(mut self, attributes: Option<Attributes>) -> Self {
        self.attributes = normalise(attributes).map(Arc::new);
        self
    }

    /// The ObjectID (24 hex digits).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The kind of object.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The readable name a fixture uses for this object (e.g. `ada`,
    /// `web-01`); not part of the API.
    pub fn handle(&self) -> &str {
        &self.handle
    }

    /// The object's own fields (`username`, `email`, `hostname`, `name`, ...),
    /// which `filter` and `sort` can use.
    pub fn fields(&self) -> &serde_json::Map<String, Value> {
        &self.fields
    }

    /// One of the object's own fields.
    pub fn field(&self, name: &str) -> Option<&Value> {
        self.fields.get(name)
    }

    /// The object's own graph attributes, which traversals send as
    /// `to.attributes` on every edge that reaches the object: a user
    /// group's `sudo` (its group-level setting, "for all associated device
    /// groups"), `ldapGroups`, `posixGroups`, custom keys. `None` (sent as
    /// `null`) when it has none, as for most objects.
    pub fn attributes(&self) -> Option<&serde_json::Map<String, Value>> {
        self.attributes.as_deref()
    }

    /// The value `filter` and `sort` see for `field`: `id` (also spelt `_id`
    /// and `object_id`), `type`, or one of the object's own fields.
    pub(crate) fn query_value(&self, field: &str) -> Option<Value> {
        match field {
            "id" | "_id" | "object_id" => Some(Value::String(self.id.clone())),
            "type" => Some(Value::String(self.kind.as_str().to_owned())),
            other => self.fields.get(other).cloned(),
        }
    }

    /// A reference to this object, as edges hold them.
    pub(crate) fn to_ref(&self) -> ObjectRef {
        ObjectRef {
            id: self.id.clone(),
            kind: self.kind,
        }
    }
}

/// An object's identity as an edge end: its id and kind.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct ObjectRef {
    /// The ObjectID.
    pub id: String,
    /// The kind of object.
    #[serde(rename = "type")]
    pub kind: Kind,
}
