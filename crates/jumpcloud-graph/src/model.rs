//! Results: what a user is bound to, and through which paths.
//!
//! JumpCloud answers a traversal with each bound object and every path of
//! edges that grants it; `from` is often omitted on edges because it is
//! clear from context. These types fill it in (the first edge starts at the
//! user, each later edge at the previous edge's end), so every edge here
//! knows both ends.

use std::collections::BTreeSet;

use jumpcloud_graph_openapi::types;
use serde_json::{Map, Value};

use crate::{Attributes, Error, GraphType, ObjectId, Sudo};

/// One object in the graph: its id and type.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GraphNode {
    id: ObjectId,
    kind: GraphType,
}

impl GraphNode {
    /// A node from its parts.
    pub fn new(id: ObjectId, kind: GraphType) -> Self {
        Self { id, kind }
    }

    /// The object's id.
    pub fn id(&self) -> &ObjectId {
        &self.id
    }

    /// The object's type.
    pub fn kind(&self) -> &GraphType {
        &self.kind
    }

    fn from_wire(object: types::GraphObject) -> Result<Self, String> {
        Ok(Self {
            id: ObjectId::parse(&object.id).map_err(|e| e.to_string())?,
            kind: GraphType::from_wire(&object.type_),
        })
    }
}

impl std::fmt::Display for GraphNode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.kind, self.id)
    }
}

/// One edge of a path: a membership or a binding, with its attributes.
#[derive(Clone, Debug, PartialEq)]
pub struct Edge {
    from: GraphNode,
    to: GraphNode,
    attributes: Attributes,
}

impl Edge {
    /// Where the edge starts (filled from context when the server omitted it).
    pub fn from(&self) -> &GraphNode {
        &self.from
    }

    /// Where the edge ends.
    pub fn to(&self) -> &GraphNode {
        &self.to
    }

    /// The edge's own attributes (e.g. sudo on a group's device binding).
    pub fn attributes(&self) -> &Attributes {
        &self.attributes
    }

    fn from_wire(edge: types::GraphConnection, context: &GraphNode) -> Result<Self, String> {
        let from = match edge.from {
            Some(from) => GraphNode::from_wire(from)?,
            None => context.clone(),
        };
        Ok(Self {
            from,
            to: GraphNode::from_wire(edge.to)?,
            attributes: attributes(edge.attributes),
        })
    }
}

/// One chain of edges from the user to a bound object.
///
/// All paths together are what would have to be cut to take the object
/// away from the user.
#[derive(Clone, Debug, PartialEq)]
pub struct GrantPath {
    edges: Vec<Edge>,
}

impl GrantPath {
    /// The edges, from the user to the object.
    pub fn edges(&self) -> &[Edge] {
        &self.edges
    }

    /// A one-edge path: the user is bound to the object itself.
    pub fn is_direct(&self) -> bool {
        self.edges.len() == 1
    }

    /// The objects the path passes through (its groups), in order.
    pub fn via(&self) -> impl Iterator<Item = &GraphNode> {
        let hops = self.edges.len().saturating_sub(1);
        self.edges[..hops].iter().map(Edge::to)
    }
}

/// How a user comes to be bound to an object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Grant {
    /// Only by a direct binding.
    Direct,
    /// Only through the listed groups.
    ViaGroups(Vec<GraphNode>),
    /// Both directly and through the listed groups.
    DirectAndViaGroups(Vec<GraphNode>),
}

/// An object bound to a user, directly or through groups, as returned by
/// the traversals (`systems()`, `applications()`, ...) and `member_of()`.
///
/// ```
/// # fn show(bound: jumpcloud_graph::BoundObject) {
/// use jumpcloud_graph::Grant;
///
/// match bound.grant() {
///     Grant::Direct => println!("{} is bound directly", bound.id()),
///     Grant::ViaGroups(groups) | Grant::DirectAndViaGroups(groups) => {
///         for group in groups {
///             println!("{} comes through {group}", bound.id());
///         }
///     }
/// }
/// println!("sudo: {:?}", bound.sudo());
/// # }
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct BoundObject {
    node: GraphNode,
    compiled_attributes: Attributes,
    paths: Vec<GrantPath>,
    external_id: Option<String>,
}

impl BoundObject {
    /// The bound object's id.
    pub fn id(&self) -> &ObjectId {
        self.node.id()
    }

    /// The bound object's type.
    pub fn kind(&self) -> &GraphType {
        self.node.kind()
    }

    /// The bound object as a node.
    pub fn node(&self) -> &GraphNode {
        &self.node
    }

    /// The attributes JumpCloud compiled over all paths
    /// (`compiledAttributes`): what the user effectively gets.
    pub fn attributes(&self) -> &Attributes {
        &self.compiled_attributes
    }

    /// Effective sudo rights on this object, when the attributes say.
    pub fn sudo(&self) -> Option<Sudo> {
        self.compiled_attributes.sudo()
    }

    /// Every path that grants the binding.
    pub fn paths(&self) -> &[GrantPath] {
        &self.paths
    }

    /// Whether one of the paths is a direct binding.
    pub fn is_direct(&self) -> bool {
        self.paths.iter().any(GrantPath::is_direct)
    }

    /// The distinct objects the indirect paths pass through (user groups,
    /// system groups), in first-seen order.
    pub fn via_groups(&self) -> Vec<GraphNode> {
        let mut seen = BTreeSet::new();
        self.paths
            .iter()
            .flat_map(GrantPath::via)
            .filter(|node| seen.insert((*node).clone()))
            .cloned()
            .collect()
    }

    /// Direct, through groups (naming them), or both.
    pub fn grant(&self) -> Grant {
        let groups = self.via_groups();
        match (self.is_direct(), groups.is_empty()) {
            (true, true) => Grant::Direct,
            (true, false) => Grant::DirectAndViaGroups(groups),
            (false, _) => Grant::ViaGroups(groups),
        }
    }

    /// The id of the synced resource, when JumpCloud sends it.
    pub fn external_id(&self) -> Option<&str> {
        self.external_id.as_deref()
    }

    /// Decodes a traversal or `memberof` response body (a JSON array) as
    /// the client does, e.g. a response saved earlier. `user` is where the
    /// paths start. Malformed input is [`Error::Decode`], never a panic.
    ///
    /// ```
    /// use jumpcloud_graph::{BoundObject, ObjectId};
    ///
    /// let user = ObjectId::parse("5f1b0c2e9c1a4b0012345678")?;
    /// let body = br#"[{"id":"64b000000000000000000003","type":"system","compiledAttributes":null,
    ///                  "paths":[[{"to":{"id":"64b000000000000000000003","type":"system"}}]]}]"#;
    /// let page = BoundObject::decode_page(&user, body)?;
    /// assert!(page[0].is_direct());
    /// assert!(BoundObject::decode_page(&user, b"{").is_err());
    /// # Ok::<(), jumpcloud_graph::Error>(())
    /// ```
    pub fn decode_page(user: &ObjectId, body: &[u8]) -> Result<Vec<Self>, Error> {
        decode_page(user, body, Self::from_wire)
    }

    pub(crate) fn from_wire(
        user: &GraphNode,
        object: types::GraphObjectWithPaths,
    ) -> Result<Self, String> {
        let node = GraphNode {
            id: ObjectId::parse(&object.id).map_err(|e| e.to_string())?,
            kind: GraphType::from_wire(&object.type_),
        };
        let paths = object
            .paths
            .into_iter()
            .map(|edges| {
                let mut context = user.clone();
                let edges = edges
                    .into_iter()
                    .map(|edge| {
                        let edge = Edge::from_wire(edge, &context)?;
                        context = edge.to.clone();
                        Ok(edge)
                    })
                    .collect::<Result<Vec<_>, String>>()?;
                Ok(GrantPath { edges })
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(Self {
            node,
            compiled_attributes: attributes(object.compiled_attributes),
            paths,
            external_id: object.external_id,
        })
    }
}

/// A direct association of a user, as listed by `associations(..)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Association {
    edge: Edge,
}

impl Association {
    /// The associated object.
    pub fn target(&self) -> &GraphNode {
        self.edge.to()
    }

    /// The association's attributes (e.g. sudo on a device binding).
    pub fn attributes(&self) -> &Attributes {
        self.edge.attributes()
    }

    /// Sudo rights the association grants, when it says.
    pub fn sudo(&self) -> Option<Sudo> {
        self.edge.attributes().sudo()
    }

    /// The association as an edge from the user.
    pub fn edge(&self) -> &Edge {
        &self.edge
    }

    /// Decodes an `associations` response body (a JSON array) as the client
    /// does. Malformed input is [`Error::Decode`], never a panic.
    pub fn decode_page(user: &ObjectId, body: &[u8]) -> Result<Vec<Self>, Error> {
        decode_page(user, body, Self::from_wire)
    }

    pub(crate) fn from_wire(
        user: &GraphNode,
        edge: types::GraphConnection,
    ) -> Result<Self, String> {
        Ok(Self {
            edge: Edge::from_wire(edge, user)?,
        })
    }
}

/// Decodes a JSON array of wire items and converts each.
fn decode_page<W: serde::de::DeserializeOwned, T>(
    user: &ObjectId,
    body: &[u8],
    convert: fn(&GraphNode, W) -> Result<T, String>,
) -> Result<Vec<T>, Error> {
    let decode_error = |message: String| Error::Decode {
        method: "GET".into(),
        path: "(response body)".into(),
        message,
        body: crate::error::excerpt(body, &|text| text.to_string()),
    };
    let raw: Vec<W> = serde_json::from_slice(body).map_err(|e| decode_error(e.to_string()))?;
    let user = GraphNode::new(user.clone(), GraphType::User);
    raw.into_iter()
        .map(|item| convert(&user, item).map_err(decode_error))
        .collect()
}

fn attributes(raw: Option<types::GraphAttributes>) -> Attributes {
    raw.map(|a| Attributes::from_map(Map::<String, Value>::from(a)))
        .unwrap_or_default()
}

/// Items a paginated list can tell apart, so that a page repeated by the
/// server is never yielded twice.
pub(crate) trait Keyed {
    /// What identifies the item within its list.
    fn key(&self) -> GraphNode;
}

impl Keyed for BoundObject {
    fn key(&self) -> GraphNode {
        self.node.clone()
    }
}

impl Keyed for Association {
    fn key(&self) -> GraphNode {
        self.edge.to.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn user() -> GraphNode {
        GraphNode::new(
            ObjectId::parse("64b000000000000000000000").unwrap(),
            GraphType::User,
        )
    }

    fn bound(value: Value) -> BoundObject {
        BoundObject::from_wire(&user(), serde_json::from_value(value).unwrap()).unwrap()
    }

    #[test]
    fn missing_from_is_filled_from_context() {
        let object = bound(json!({
            "id": "64b000000000000000000003", "type": "system", "compiledAttributes": null,
            "paths": [[
                {"to": {"id": "64b000000000000000000001", "type": "user_group"}},
                {"to": {"id": "64b000000000000000000003", "type": "system"}}
            ]]
        }));
        let edges = object.paths()[0].edges();
        assert_eq!(edges[0].from(), &user());
        assert_eq!(edges[1].from(), edges[0].to());
    }

    #[test]
    fn a_binding_direct_and_through_two_groups_names_both_groups() {
        let object = bound(json!({
            "id": "64b000000000000000000003", "type": "system",
            "compiledAttributes": {"sudo": {"enabled": true, "withoutPassword": false}},
            "paths": [
                [{"to": {"id": "64b000000000000000000003", "type": "system"}}],
                [{"to": {"id": "64b000000000000000000001", "type": "user_group"}},
                 {"to": {"id": "64b000000000000000000003", "type": "system"}}],
                [{"to": {"id": "64b000000000000000000002", "type": "user_group"}},
                 {"to": {"id": "64b000000000000000000009", "type": "system_group"}},
                 {"to": {"id": "64b000000000000000000003", "type": "system"}}]
            ]
        }));
        assert!(object.is_direct());
        let Grant::DirectAndViaGroups(groups) = object.grant() else {
            panic!("expected direct and via groups");
        };
        let ids: Vec<&str> = groups.iter().map(|g| g.id().as_str()).collect();
        assert_eq!(
            ids,
            [
                "64b000000000000000000001",
                "64b000000000000000000002",
                "64b000000000000000000009"
            ]
        );
        assert_eq!(object.sudo(), Some(Sudo::WithPassword));
    }

    #[test]
    fn a_malformed_id_from_the_server_is_an_error_not_a_panic() {
        let raw: types::GraphObjectWithPaths =
            serde_json::from_value(json!({"id": "nope", "type": "system", "paths": []})).unwrap();
        assert!(
            BoundObject::from_wire(&user(), raw)
                .unwrap_err()
                .contains("\"nope\"")
        );
    }
}
