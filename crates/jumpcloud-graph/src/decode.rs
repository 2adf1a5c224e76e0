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
//! A page is decoded with its requested size in hand: a page that holds
//! more items than were asked for is refused as soon as the extra item is
//! seen, so a hostile server cannot make the client build a huge page.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{DeserializeSeed, SeqAccess, Visitor};

use crate::error::{Request, ScrubbedCause};
use crate::model::{Association, BoundObject, Edge, GrantPath, GraphNode};
use crate::printable::{EXCERPT_CHARS, body_excerpt};
use crate::{Attributes, Error, GraphType, NodeId};

#[derive(Deserialize)]
struct WireNode {
    id: NodeId,
    #[serde(rename = "type")]
    kind: GraphType,
    #[serde(default)]
    attributes: Attributes,
}

#[derive(Deserialize)]
struct WireEdge {
    #[serde(default)]
    from: Option<WireNode>,
    to: WireNode,
    #[serde(default)]
    attributes: Attributes,
}

#[derive(Deserialize)]
pub(crate) struct WireBound {
    id: NodeId,
    #[serde(rename = "type")]
    kind: GraphType,
    #[serde(rename = "compiledAttributes", default)]
    compiled_attributes: Attributes,
    paths: Vec<Vec<WireEdge>>,
    #[serde(rename = "externalId", default)]
    external_id: Option<String>,
    #[serde(rename = "syncStatus", default)]
    sync_status: Option<serde_json::Value>,
}

impl WireEdge {
    /// The edge, its missing `from` filled with `context`.
    fn into_edge(self, context: &GraphNode) -> Edge {
        let (from, from_attributes) = match self.from {
            Some(node) => (GraphNode::new(node.id, node.kind), node.attributes),
            None => (context.clone(), Attributes::default()),
        };
        Edge {
            from,
            to: GraphNode::new(self.to.id, self.to.kind),
            attributes: self.attributes,
            from_attributes,
            to_attributes: self.to.attributes,
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

#[derive(Deserialize)]
pub(crate) struct WireAssociation(WireEdge);

impl Decode for Association {
    type Wire = WireAssociation;
    fn from_wire(wire: WireAssociation, user: &GraphNode) -> Self {
        Association {
            edge: wire.0.into_edge(user),
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
