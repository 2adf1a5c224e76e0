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
//! keys; here an item without them costs what it did with derived decoders.
//!
//! A page is decoded with its requested size in hand: a page that holds
//! more items than were asked for is refused as soon as the extra item is
//! seen, so a hostile server cannot make the client build a huge page.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{DeserializeSeed, Error as _, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;

use crate::error::{Request, ScrubbedCause};
use crate::model::{Association, BoundObject, Edge, GrantPath, GraphNode, OtherKeys};
use crate::printable::{EXCERPT_CHARS, body_excerpt};
use crate::{Attributes, Error, GraphType, NodeId};

/// A node (`to`, `from`): `GraphObject`.
struct WireNode {
    id: NodeId,
    kind: GraphType,
    attributes: Attributes,
    other: OtherKeys,
}

/// A path edge or an association: `GraphConnection`.
pub(crate) struct WireEdge {
    from: Option<WireNode>,
    to: WireNode,
    attributes: Attributes,
    other: OtherKeys,
}

/// A traversal or `memberof` item: `GraphObjectWithPaths`.
pub(crate) struct WireBound {
    id: NodeId,
    kind: GraphType,
    compiled_attributes: Attributes,
    paths: Vec<Vec<WireEdge>>,
    external_id: Option<Option<String>>,
    sync_status: Option<Value>,
    other: OtherKeys,
}

/// A key of a wire object: a field the decoder reads, or another key.
enum Key<F> {
    Known(F),
    Other(String),
}

/// Reads a key, telling the decoder's fields (`field`) from the rest.
struct KeySeed<F>(fn(&str) -> Option<F>);

impl<'de, F> DeserializeSeed<'de> for KeySeed<F> {
    type Value = Key<F>;
    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Key<F>, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<F> Visitor<'_> for KeySeed<F> {
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
    field: fn(&str) -> Option<F>,
    mut read: impl FnMut(F, &mut A) -> Result<(), A::Error>,
) -> Result<OtherKeys, A::Error> {
    let mut other = OtherKeys::default();
    while let Some(key) = map.next_key_seed(KeySeed(field))? {
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

/// Reads a field's value into `slot`, once: a repeated field is an error,
/// as with derived decoders (and the generated types).
fn once<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    slot: &mut Option<T>,
    map: &mut A,
    name: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(A::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

fn required<T, E: serde::de::Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
    slot.ok_or_else(|| E::missing_field(name))
}

/// A wire object read key by key (see [`read_object`]).
trait WireObject: Sized {
    /// What the object is, for errors.
    const EXPECTING: &'static str;
    fn read<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

struct ObjectVisitor<T>(PhantomData<T>);

impl<'de, T: WireObject> Visitor<'de> for ObjectVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::read(map)
    }
}

macro_rules! deserialize_wire_object {
    ($($wire:ty),+) => {$(
        impl<'de> Deserialize<'de> for $wire {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_map(ObjectVisitor::<Self>(PhantomData))
            }
        }
    )+};
}

deserialize_wire_object!(WireNode, WireEdge, WireBound);

enum NodeField {
    Id,
    Type,
    Attributes,
}

impl WireObject for WireNode {
    const EXPECTING: &'static str = "a graph object";

    fn read<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error> {
        let (mut id, mut kind, mut attributes) = (None, None, None);
        let field = |key: &str| match key {
            "id" => Some(NodeField::Id),
            "type" => Some(NodeField::Type),
            "attributes" => Some(NodeField::Attributes),
            _ => None,
        };
        let other = read_object(map, field, |field, map| match field {
            NodeField::Id => once(&mut id, map, "id"),
            NodeField::Type => once(&mut kind, map, "type"),
            NodeField::Attributes => once(&mut attributes, map, "attributes"),
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

impl WireObject for WireEdge {
    const EXPECTING: &'static str = "a graph connection";

    fn read<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error> {
        let (mut from, mut to, mut attributes) = (None, None, None);
        let field = |key: &str| match key {
            "from" => Some(EdgeField::From),
            "to" => Some(EdgeField::To),
            "attributes" => Some(EdgeField::Attributes),
            _ => None,
        };
        let other = read_object(map, field, |field, map| match field {
            EdgeField::From => once(&mut from, map, "from"),
            EdgeField::To => once(&mut to, map, "to"),
            EdgeField::Attributes => once(&mut attributes, map, "attributes"),
        })?;
        Ok(WireEdge {
            // `from: null` reads as no `from`, as in the generated types.
            from: from.flatten(),
            to: required(to, "to")?,
            attributes: attributes.unwrap_or_else(Attributes::absent),
            other,
        })
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

impl WireObject for WireBound {
    const EXPECTING: &'static str = "a graph object with paths";

    fn read<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error> {
        let (mut id, mut kind, mut compiled, mut paths) = (None, None, None, None);
        let (mut external_id, mut sync_status) = (None, None);
        let other = read_object(map, BoundField::of, |field, map| match field {
            BoundField::Id => once(&mut id, map, "id"),
            BoundField::Type => once(&mut kind, map, "type"),
            BoundField::CompiledAttributes => once(&mut compiled, map, "compiledAttributes"),
            BoundField::Paths => once(&mut paths, map, "paths"),
            BoundField::ExternalId => once(&mut external_id, map, "externalId"),
            BoundField::SyncStatus => once(&mut sync_status, map, "syncStatus"),
        })?;
        Ok(WireBound {
            id: required(id, "id")?,
            kind: required(kind, "type")?,
            compiled_attributes: compiled.unwrap_or_else(Attributes::absent),
            paths: required(paths, "paths")?,
            external_id,
            sync_status,
            other,
        })
    }
}

impl WireEdge {
    /// The edge, its missing `from` filled with `context`.
    fn into_edge(self, context: &GraphNode) -> Edge {
        let (from, from_attributes, from_other) = match self.from {
            Some(node) => (
                GraphNode::new(node.id, node.kind),
                node.attributes,
                node.other,
            ),
            None => (context.clone(), Attributes::absent(), OtherKeys::default()),
        };
        Edge {
            from,
            to: GraphNode::new(self.to.id, self.to.kind),
            attributes: self.attributes,
            from_attributes,
            to_attributes: self.to.attributes,
            other: self.other,
            from_other,
            to_other: self.to.other,
        }
    }
}

impl WireBound {
    pub(crate) fn into_bound(self, user: &GraphNode) -> BoundObject {
        let paths = self
            .paths
            .into_iter()
            .map(|edges| {
                let mut context = user.clone();
                let edges = edges
                    .into_iter()
                    .map(|wire| {
                        let edge = wire.into_edge(&context);
                        context = edge.to.clone();
                        edge
                    })
                    .collect();
                GrantPath { edges }
            })
            .collect();
        BoundObject {
            node: GraphNode::new(self.id, self.kind),
            compiled_attributes: self.compiled_attributes,
            paths,
            external_id: self.external_id,
            sync_status: self.sync_status,
            other: self.other,
        }
    }
}

/// An item of a list response, decoded from its wire form.
pub(crate) trait Decode: Sized {
    /// The wire form.
    type Wire: for<'de> Deserialize<'de>;
    /// The item, given the user every path starts at.
    fn from_wire(wire: Self::Wire, user: &GraphNode) -> Self;
}

impl Decode for BoundObject {
    type Wire = WireBound;
    fn from_wire(wire: WireBound, user: &GraphNode) -> Self {
        wire.into_bound(user)
    }
}

impl Decode for Association {
    type Wire = WireEdge;
    fn from_wire(wire: WireEdge, user: &GraphNode) -> Self {
        Association {
            edge: wire.into_edge(user),
        }
    }
}

/// A JSON array of at most `limit` elements.
struct LimitedSeq<W> {
    limit: usize,
    wire: PhantomData<W>,
}

impl<'de, W: Deserialize<'de>> DeserializeSeed<'de> for LimitedSeq<W> {
    type Value = Vec<W>;
    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Vec<W>, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, W: Deserialize<'de>> Visitor<'de> for LimitedSeq<W> {
    type Value = Vec<W>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a JSON array of at most {} items", self.limit)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<W>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(self.limit));
        while let Some(item) = seq.next_element()? {
            if items.len() == self.limit {
                return Err(serde::de::Error::custom(format_args!(
                    "the page holds more than the {} items requested",
                    self.limit
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
    let wire = LimitedSeq::<T::Wire> {
        limit,
        wire: PhantomData,
    }
    .deserialize(&mut deserializer)
    .and_then(|items| deserializer.end().map(|()| items))
    .map_err(|error| decode_error(error, body, request, scrub))?;
    Ok(wire.into_iter().map(|w| T::from_wire(w, user)).collect())
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
