//! Response bodies straight into the facade's types, in one pass.
//!
//! The generated crate stays the reference for the wire format; decoding
//! here skips its intermediate types because the facade needs something
//! else from the same bytes: ids as 12 bytes, graph types as open enums,
//! attributes typed where JumpCloud defines them. The decoder accepts
//! everything the generated types accept and yields the same content (a
//! test compares them on random instances of every schema and on the known
//! traps); it is more lenient in one place on purpose: an id that is not an
//! ObjectID is kept (as a [`NodeId`]) instead of failing the page.
//!
//! It also keeps what the generated types drop: whether an optional value
//! came as `null` or not at all, and every key it does not model (see
//! [`BoundObject::other`]). The wire objects are read key by key, by hand,
//! because serde's `flatten` would buffer every item to find the unknown
//! keys, and straight into the result types: each edge's missing `from`
//! is filled from the edge before while the path is read.
//!
//! A page is decoded with its requested size in hand: a page that holds
//! more items than were asked for is refused as soon as the extra item is
//! seen, so a hostile server cannot make the client build a huge page.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;

use crate::error::{Request, ScrubbedCause};
use crate::model::{Association, BoundObject, Edge, GrantPath, GraphNode, OtherKeys};
use crate::printable::{EXCERPT_CHARS, body_excerpt};
use crate::{Attributes, Error, GraphType, NodeId};

/// A wire object read key by key (see [`read_object`]), given what the
/// reader needs from around it, straight into the facade's type.
pub(crate) trait ReadObject: Sized {
    /// What the reader needs: the node a path's edge starts at when the
    /// server leaves `from` out, or nothing.
    type Context;
    /// What the object is, for errors.
    const EXPECTING: &'static str;
    fn read<'de, A: MapAccess<'de>>(map: A, context: &Self::Context) -> Result<Self, A::Error>;
}

/// An item of a list response: read given the user every path starts at.
pub(crate) trait Decode: ReadObject<Context = GraphNode> {}

impl<T: ReadObject<Context = GraphNode>> Decode for T {}

/// Reads a `T` from a JSON object, given its context.
struct ObjectSeed<'c, T: ReadObject>(&'c T::Context, PhantomData<T>);

impl<'c, T: ReadObject> ObjectSeed<'c, T> {
    fn new(context: &'c T::Context) -> Self {
        Self(context, PhantomData)
    }
}

impl<T: ReadObject> Clone for ObjectSeed<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: ReadObject> Copy for ObjectSeed<'_, T> {}

impl<'de, T: ReadObject> DeserializeSeed<'de> for ObjectSeed<'_, T> {
    type Value = T;
    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, T: ReadObject> Visitor<'de> for ObjectSeed<'_, T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::read(map, self.0)
    }
}

/// A key of a wire object: a field the decoder reads, or another key.
enum Key<F> {
    Known(F),
    Other(String),
}

/// Reads a key, telling the decoder's fields (`field`) from the rest.
struct KeySeed<'a, Field>(&'a Field);

impl<'de, F, Field: Fn(&str) -> Option<F>> DeserializeSeed<'de> for KeySeed<'_, Field> {
    type Value = Key<F>;
    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Key<F>, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<F, Field: Fn(&str) -> Option<F>> Visitor<'_> for KeySeed<'_, Field> {
    type Value = Key<F>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E>(self, key: &str) -> Result<Key<F>, E> {
        Ok(match (self.0)(key) {
            Some(field) => Key::Known(field),
            None => Key::Other(key.to_owned()),
        })
    }

    fn visit_string<E>(self, key: String) -> Result<Key<F>, E> {
        Ok(match (self.0)(&key) {
            Some(field) => Key::Known(field),
            None => Key::Other(key),
        })
    }
}

/// Reads a wire object: each of the decoder's fields through `read`, every
/// other key kept, in one pass.
fn read_object<'de, A: MapAccess<'de>, F>(
    mut map: A,
    field: impl Fn(&str) -> Option<F>,
    mut read: impl FnMut(F, &mut A) -> Result<(), A::Error>,
) -> Result<OtherKeys, A::Error> {
    let mut other = OtherKeys::default();
    while let Some(key) = map.next_key_seed(KeySeed(&field))? {
        match key {
            Key::Known(field) => read(field, &mut map)?,
            Key::Other(key) => {
                let raw: Box<RawValue> = map.next_value()?;
                other.insert(key, kept(&raw));
            }
        }
    }
    Ok(other)
}

/// An unknown key's value as JSON. serde_json's depth limit stays on,
/// counted from the value (skipping it, as the generated types do, has no
/// limit); a value nested 128 levels or more is kept as its JSON text, a
/// string, rather than failing the page or building a value too deep to
/// drop.
fn kept(raw: &RawValue) -> Value {
    serde_json::from_str(raw.get()).unwrap_or_else(|_| Value::String(raw.get().to_owned()))
}

/// Puts a field's `value` into `slot`, once: a repeated field is an error,
/// as with derived decoders (and the generated types).
fn once<T, E: serde::de::Error>(
    slot: &mut Option<T>,
    name: &'static str,
    value: Result<T, E>,
) -> Result<(), E> {
    let value = value?;
    if slot.is_some() {
        return Err(E::duplicate_field(name));
    }
    *slot = Some(value);
    Ok(())
}

fn required<T, E: serde::de::Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
    slot.ok_or_else(|| E::missing_field(name))
}

/// A node (`to`, `from`): `GraphObject`.
struct WireNode {
    id: NodeId,
    kind: GraphType,
    attributes: Attributes,
    other: OtherKeys,
}

impl<'de> Deserialize<'de> for WireNode {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        ObjectSeed::<Self>::new(&()).deserialize(deserializer)
    }
}

enum NodeField {
    Id,
    Type,
    Attributes,
}

impl ReadObject for WireNode {
    type Context = ();
    const EXPECTING: &'static str = "a graph object";

    fn read<'de, A: MapAccess<'de>>(map: A, _: &()) -> Result<Self, A::Error> {
        let (mut id, mut kind, mut attributes) = (None, None, None);
        let field = |key: &str| match key {
            "id" => Some(NodeField::Id),
            "type" => Some(NodeField::Type),
            "attributes" => Some(NodeField::Attributes),
            _ => None,
        };
        let other = read_object(map, field, |field, map| match field {
            NodeField::Id => once(&mut id, "id", map.next_value()),
            NodeField::Type => once(&mut kind, "type", map.next_value()),
            NodeField::Attributes => once(&mut attributes, "attributes", map.next_value()),
        })?;
        Ok(WireNode {
            id: required(id, "id")?,
            kind: required(kind, "type")?,
            attributes: attributes.unwrap_or_else(Attributes::absent),
            other,
        })
    }
}

enum EdgeField {
    From,
    To,
    Attributes,
}

/// A path edge or an association (`GraphConnection`); the context is the
/// node a missing `from` is filled with.
impl ReadObject for Edge {
    type Context = GraphNode;
    const EXPECTING: &'static str = "a graph connection";

    fn read<'de, A: MapAccess<'de>>(map: A, context: &GraphNode) -> Result<Self, A::Error> {
        let (mut from, mut to, mut attributes) = (None, None, None);
        let field = |key: &str| match key {
            "from" => Some(EdgeField::From),
            "to" => Some(EdgeField::To),
            "attributes" => Some(EdgeField::Attributes),
            _ => None,
        };
        let other = read_object(map, field, |field, map| match field {
            EdgeField::From => once(&mut from, "from", map.next_value::<Option<WireNode>>()),
            EdgeField::To => once(&mut to, "to", map.next_value::<WireNode>()),
            EdgeField::Attributes => once(&mut attributes, "attributes", map.next_value()),
        })?;
        let to = required(to, "to")?;
        // `from: null` reads as no `from`, as in the generated types.
        let (from, from_attributes, from_other) = match from.flatten() {
            Some(node) => (
                GraphNode::new(node.id, node.kind),
                node.attributes,
                node.other,
            ),
            None => (context.clone(), Attributes::absent(), OtherKeys::default()),
        };
        Ok(Edge {
            from,
            to: GraphNode::new(to.id, to.kind),
            attributes: attributes.unwrap_or_else(Attributes::absent),
            from_attributes,
            to_attributes: to.attributes,
            other,
            from_other,
            to_other: to.other,
        })
    }
}

impl ReadObject for Association {
    type Context = GraphNode;
    const EXPECTING: &'static str = Edge::EXPECTING;

    fn read<'de, A: MapAccess<'de>>(map: A, user: &GraphNode) -> Result<Self, A::Error> {
        Edge::read(map, user).map(|edge| Association { edge })
    }
}

/// One path: its edges, each missing `from` filled with the end of the
/// edge before (the user for the first).
#[derive(Clone, Copy)]
struct PathSeed<'c>(&'c GraphNode);

impl<'de> DeserializeSeed<'de> for PathSeed<'_> {
    type Value = GrantPath;
    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<GrantPath, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for PathSeed<'_> {
    type Value = GrantPath;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a path (an array of graph connections)")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<GrantPath, A::Error> {
        let mut edges: Vec<Edge> = Vec::new();
        loop {
            let context = edges.last().map_or(self.0, |edge| &edge.to);
            match seq.next_element_seed(ObjectSeed::<Edge>::new(context))? {
                Some(edge) => edges.push(edge),
                None => return Ok(GrantPath { edges }),
            }
        }
    }
}

enum BoundField {
    Id,
    Type,
    CompiledAttributes,
    Paths,
    ExternalId,
    SyncStatus,
}

impl BoundField {
    fn of(key: &str) -> Option<Self> {
        Some(match key {
            "id" => BoundField::Id,
            "type" => BoundField::Type,
            "compiledAttributes" => BoundField::CompiledAttributes,
            "paths" => BoundField::Paths,
            "externalId" => BoundField::ExternalId,
            "syncStatus" => BoundField::SyncStatus,
            _ => return None,
        })
    }
}

/// A traversal or `memberof` item (`GraphObjectWithPaths`); the context is
/// the user every path starts at.
impl ReadObject for BoundObject {
    type Context = GraphNode;
    const EXPECTING: &'static str = "a graph object with paths";

    fn read<'de, A: MapAccess<'de>>(map: A, user: &GraphNode) -> Result<Self, A::Error> {
        let (mut id, mut kind, mut compiled, mut paths) = (None, None, None, None);
        let (mut external_id, mut sync_status) = (None, None);
        let paths_seed = ArraySeed {
            limit: None,
            seed: PathSeed(user),
        };
        let other = read_object(map, BoundField::of, |field, map| match field {
            BoundField::Id => once(&mut id, "id", map.next_value()),
            BoundField::Type => once(&mut kind, "type", map.next_value()),
            BoundField::CompiledAttributes => {
                once(&mut compiled, "compiledAttributes", map.next_value())
            }
            BoundField::Paths => once(&mut paths, "paths", map.next_value_seed(paths_seed)),
            BoundField::ExternalId => once(&mut external_id, "externalId", map.next_value()),
            BoundField::SyncStatus => once(&mut sync_status, "syncStatus", map.next_value()),
        })?;
        Ok(BoundObject {
            node: GraphNode::new(required::<NodeId, _>(id, "id")?, required(kind, "type")?),
            compiled_attributes: compiled.unwrap_or_else(Attributes::absent),
            paths: required(paths, "paths")?,
            external_id,
            sync_status,
            other,
        })
    }
}

/// One traversal item from its wire JSON, as a page's decoder reads it
/// (for tests that build items by hand).
#[cfg(test)]
pub(crate) fn bound_object_from_json(
    wire: Value,
    user: &GraphNode,
) -> Result<BoundObject, serde_json::Error> {
    ObjectSeed::<BoundObject>::new(user).deserialize(wire)
}

/// A JSON array, each element read by `seed`; of at most `limit` elements
/// when there is a limit.
#[derive(Clone, Copy)]
struct ArraySeed<S> {
    limit: Option<usize>,
    seed: S,
}

impl<'de, S: DeserializeSeed<'de> + Copy> DeserializeSeed<'de> for ArraySeed<S> {
    type Value = Vec<S::Value>;
    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, S: DeserializeSeed<'de> + Copy> Visitor<'de> for ArraySeed<S> {
    type Value = Vec<S::Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.limit {
            Some(limit) => write!(f, "a JSON array of at most {limit} items"),
            None => f.write_str("a JSON array"),
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let limit = self.limit.unwrap_or(usize::MAX);
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(limit));
        while let Some(item) = seq.next_element_seed(self.seed)? {
            if items.len() == limit {
                return Err(serde::de::Error::custom(format_args!(
                    "the page holds more than the {limit} items requested"
                )));
            }
            items.push(item);
        }
        Ok(items)
    }
}

/// Decodes a list page: a JSON array of at most `limit` items.
/// `scrub` cleans any text quoted from the body into the error.
pub(crate) fn decode_page<T: Decode>(
    body: &[u8],
    limit: usize,
    user: &GraphNode,
    request: &Request,
    scrub: &dyn Fn(&str) -> String,
) -> Result<Vec<T>, Error> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    ArraySeed {
        limit: Some(limit),
        seed: ObjectSeed::<T>::new(user),
    }
    .deserialize(&mut deserializer)
    .and_then(|items| deserializer.end().map(|()| items))
    .map_err(|error| decode_error(error, body, request, scrub))
}

/// The error for a body that could not be decoded. serde_json's message is
/// kept as the source when it quotes nothing secret; otherwise a scrubbed
/// copy of it stands in.
fn decode_error(
    error: serde_json::Error,
    body: &[u8],
    request: &Request,
    scrub: &dyn Fn(&str) -> String,
) -> Error {
    let message = error.to_string();
    let scrubbed = scrub(&message);
    let cause: Box<dyn std::error::Error + Send + Sync> = if scrubbed == message {
        Box::new(error)
    } else {
        ScrubbedCause::text(scrubbed)
    };
    let head = &body[..body.len().min(EXCERPT_CHARS * 4)];
    let body = body_excerpt(head, scrub);
    Error::decode(request.clone(), body, cause)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ObjectId;

    fn decoded<T: Decode>(body: &str) -> Vec<T> {
        let user = crate::model::user_node(ObjectId::parse("651000000000000000000001").unwrap());
        let request = Request {
            method: "GET",
            path: "(test)".into(),
        };
        decode_page(body.as_bytes(), 10, &user, &request, &|t| t.to_string()).unwrap()
    }

    #[test]
    fn an_item_without_unknown_keys_allocates_nothing_for_them() {
        // The empty `other` is one null pointer, and decoding leaves it so
        // at every level (item, edge, `from`, `to`): no map is built until
        // a key the crate does not model arrives (`OtherKeys::default()` is
        // `None`; an allocated but empty map would not equal it).
        assert_eq!(
            std::mem::size_of::<OtherKeys>(),
            std::mem::size_of::<usize>()
        );
        let items: Vec<BoundObject> = decoded(
            r#"[{"id": "653000000000000000000004", "type": "system", "compiledAttributes": null,
                 "paths": [[{"attributes": {}, "to": {"id": "652000000000000000000002", "type": "user_group", "attributes": null}},
                            {"from": {"id": "652000000000000000000002", "type": "user_group"},
                             "to": {"id": "653000000000000000000004", "type": "system"}}]]}]"#,
        );
        assert_eq!(items[0].other, OtherKeys::default());
        for edge in &items[0].paths[0].edges {
            for other in [&edge.other, &edge.from_other, &edge.to_other] {
                assert_eq!(other, &OtherKeys::default());
            }
        }
        let associations: Vec<Association> =
            decoded(r#"[{"to": {"id": "653000000000000000000004", "type": "system"}}]"#);
        assert_eq!(associations[0].edge.other, OtherKeys::default());
        assert_eq!(associations[0].edge.to_other, OtherKeys::default());
    }
}
