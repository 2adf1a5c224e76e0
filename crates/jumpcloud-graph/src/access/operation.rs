//! The JumpCloud operation that removes one edge of the graph.

use std::fmt;

use serde_json::{Value, json};

use crate::ops::operations::GRAPH_USER_ASSOCIATIONS_POST as ASSOCIATIONS_POST;
use crate::{AssociationTarget, Edge, GraphNode, GraphType};

/// The JumpCloud v2 operation that removes one edge: its operationId,
/// method, path (relative to the API's base URL, e.g.
/// `https://console.jumpcloud.com/api/v2`) and JSON body, and a sentence
/// for people. Edges of shapes JumpCloud's API has no documented operation
/// for (nested groups) have only the sentence.
///
/// ```
/// # fn show(step: &jumpcloud_graph::RevokeStep) {
/// let op = step.operation();
/// if let (Some(method), Some(path), Some(body)) = (op.method(), op.path(), op.body()) {
///     println!("{method} {path} {body}"); // e.g. POST /usergroups/652…/members {"op":"remove",…}
/// } else {
///     println!("{}", op.description());
/// }
/// # }
/// ```
///
/// # JSON
///
/// `{"operation_id": "graph_userGroupMembersPost" | null, "method": "POST"
/// | null, "path": "/usergroups/652…/members" | null, "body": {..} | null,
/// "description": "..."}`.
#[derive(Clone, Debug, PartialEq)]
pub struct RemovalOperation {
    operation_id: Option<&'static str>,
    method: Option<&'static str>,
    path: Option<String>,
    body: Option<Value>,
    description: String,
}

impl RemovalOperation {
    /// The operation that removes `edge` (oriented away from the user, as
    /// on a path).
    pub(crate) fn for_edge(edge: &Edge) -> Self {
        let (from, to) = (edge.from(), edge.to());
        if !from.id().is_object_id() || !to.id().is_object_id() {
            // Never build a request path from an id the server sent that
            // is not an ObjectID.
            return Self::described(format!(
                "remove the edge {from} -> {to} (an id that is not an ObjectID: no operation \
                 is built for it)"
            ));
        }
        let target = AssociationTarget::for_type(to.kind());
        match (from.kind(), to.kind(), target) {
            (GraphType::User, GraphType::UserGroup, _) => Self::post(
                "graph_userGroupMembersPost",
                format!("/usergroups/{}/members", to.id()),
                remove("user", from),
                format!("remove {from} from {to}"),
            ),
            // The one removal among the fragment's operations: its id and
            // path come from the generated table.
            (GraphType::User, _, Some(target)) => Self::post(
                ASSOCIATIONS_POST.operation_id,
                ASSOCIATIONS_POST
                    .path
                    .replace("{user_id}", &from.id().to_string()),
                remove(target.as_str(), to),
                format!("remove the direct association of {from} with {to}"),
            ),
            (GraphType::UserGroup, GraphType::UserGroup, _) => Self::described(format!(
                "remove {from} from {to} (a group inside a group: JumpCloud's v2 API \
                 documents no operation for it)"
            )),
            (GraphType::UserGroup, _, Some(target)) => Self::post(
                "graph_userGroupAssociationsPost",
                format!("/usergroups/{}/associations", from.id()),
                remove(target.as_str(), to),
                format!("unbind {from} from {to} (every member of the group loses this binding)"),
            ),
            (GraphType::SystemGroup, GraphType::System, _) => Self::post(
                "graph_systemGroupMembersPost",
                format!("/systemgroups/{}/members", from.id()),
                remove("system", to),
                format!(
                    "remove {to} from {from} (everyone bound to the device group loses the \
                     device through it)"
                ),
            ),
            _ => Self::described(format!(
                "remove the edge {from} -> {to} (no documented JumpCloud operation for this shape)"
            )),
        }
    }

    fn post(operation_id: &'static str, path: String, body: Value, description: String) -> Self {
        Self {
            operation_id: Some(operation_id),
            method: Some("POST"),
            path: Some(path),
            body: Some(body),
            description,
        }
    }

    fn described(description: String) -> Self {
        Self {
            operation_id: None,
            method: None,
            path: None,
            body: None,
            description,
        }
    }

    /// JumpCloud's operationId, e.g. `graph_userGroupMembersPost`.
    pub fn operation_id(&self) -> Option<&str> {
        self.operation_id
    }

    /// The HTTP method (`POST`).
    pub fn method(&self) -> Option<&str> {
        self.method
    }

    /// The path, relative to the v2 base URL, e.g.
    /// `/usergroups/652000000000000000000002/members`.
    pub fn path(&self) -> Option<&str> {
        self.path.as_deref()
    }

    /// The JSON body, e.g. `{"op": "remove", "type": "user", "id": "651…"}`.
    pub fn body(&self) -> Option<&Value> {
        self.body.as_ref()
    }

    /// What the operation does, in a sentence.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// Whether JumpCloud documents an operation for this edge (method, path
    /// and body are known).
    pub fn is_documented(&self) -> bool {
        self.method.is_some()
    }
}

/// `{"op": "remove", "type": kind, "id": node}`.
fn remove(kind: &str, node: &GraphNode) -> Value {
    json!({"op": "remove", "type": kind, "id": node.id().to_string()})
}

impl fmt::Display for RemovalOperation {
    /// The description, then `(POST /path {body})` when documented.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.description)?;
        if let (Some(method), Some(path)) = (self.method, &self.path) {
            write!(f, " ({method} {path}")?;
            if let Some(body) = &self.body {
                write!(f, " {body}")?;
            }
            f.write_str(")")?;
        }
        Ok(())
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for RemovalOperation {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(5))?;
        map.serialize_entry("operation_id", &self.operation_id)?;
        map.serialize_entry("method", &self.method)?;
        map.serialize_entry("path", &self.path)?;
        map.serialize_entry("body", &self.body)?;
        map.serialize_entry("description", &self.description)?;
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Attributes, NodeId};

    fn node(id: &str, kind: GraphType) -> GraphNode {
        GraphNode::new(NodeId::from_server(id), kind)
    }

    fn edge(from: GraphNode, to: GraphNode) -> Edge {
        Edge {
            from,
            to,
            attributes: Attributes::new(),
            from_attributes: Attributes::new(),
            to_attributes: Attributes::new(),
            other: Default::default(),
            from_other: Default::default(),
            to_other: Default::default(),
        }
    }

    const U: &str = "651000000000000000000001";
    const G: &str = "652000000000000000000002";
    const H: &str = "652000000000000000000003";
    const S: &str = "653000000000000000000004";
    const SG: &str = "654000000000000000000001";
    const APP: &str = "655000000000000000000001";

    fn op(from: GraphNode, to: GraphNode) -> RemovalOperation {
        RemovalOperation::for_edge(&edge(from, to))
    }

    #[test]
    fn each_documented_shape_gets_its_operation() {
        let user = || node(U, GraphType::User);
        let group = || node(G, GraphType::UserGroup);
        let system = || node(S, GraphType::System);
        let cases = [
            (
                op(user(), group()),
                "graph_userGroupMembersPost",
                format!("/usergroups/{G}/members"),
                json!({"op": "remove", "type": "user", "id": U}),
            ),
            (
                op(user(), system()),
                "graph_userAssociationsPost",
                format!("/users/{U}/associations"),
                json!({"op": "remove", "type": "system", "id": S}),
            ),
            (
                op(group(), node(APP, GraphType::Application)),
                "graph_userGroupAssociationsPost",
                format!("/usergroups/{G}/associations"),
                json!({"op": "remove", "type": "application", "id": APP}),
            ),
            (
                op(node(SG, GraphType::SystemGroup), system()),
                "graph_systemGroupMembersPost",
                format!("/systemgroups/{SG}/members"),
                json!({"op": "remove", "type": "system", "id": S}),
            ),
        ];
        for (op, id, path, body) in cases {
            assert_eq!(op.operation_id(), Some(id));
            assert_eq!(op.method(), Some("POST"));
            assert_eq!(op.path(), Some(path.as_str()));
            assert_eq!(op.body(), Some(&body));
            assert!(op.to_string().contains(&path));
        }
    }

    #[test]
    fn undocumented_shapes_and_odd_ids_get_a_description_only() {
        for op in [
            op(node(G, GraphType::UserGroup), node(H, GraphType::UserGroup)),
            op(
                node(SG, GraphType::SystemGroup),
                node(SG, GraphType::SystemGroup),
            ),
            op(
                node(U, GraphType::User),
                node("../../x y", GraphType::System),
            ),
        ] {
            assert!(!op.is_documented());
            assert_eq!((op.method(), op.path(), op.body()), (None, None, None));
            assert!(op.description().starts_with("remove"), "{op}");
        }
    }
}
