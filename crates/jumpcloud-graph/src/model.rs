//! Results: what a user is bound to, and through which paths.
//!
//! JumpCloud answers a traversal with each bound object and every path of
//! edges that grants it; `from` is often omitted on edges because it is
//! clear from context. These types fill it in (the first edge starts at the
//! user, each later edge at the previous edge's end), so every edge here
//! knows both ends, and they keep every fact the server sent: the edges'
//! attributes, the attributes of the nodes the edges reach (a group's
//! `ldapGroups`, custom keys), `compiledAttributes`, `externalId` and
//! `syncStatus`.
//!
//! Traversals return ids and types, not names: JumpCloud's v1 and v2
//! object endpoints (`/systemusers/{id}`, `/systems/{id}`,
//! `/usergroups/{id}`, `/systemgroups/{id}`, ...) give names; they are
//! outside this crate's thirteen operations.

use std::fmt;

use crate::{Attributes, GraphType, NodeId, ObjectId, Sudo};

/// One object in the graph: its id and type.
///
/// With the `serde` feature it serializes as `{"id": "64b…", "type":
/// "system"}`, the wire's own shape, and deserializes from it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct GraphNode {
    id: NodeId,
    #[cfg_attr(feature = "serde", serde(rename = "type"))]
    kind: GraphType,
}

impl GraphNode {
    /// A node from its parts.
    pub fn new(id: impl Into<NodeId>, kind: GraphType) -> Self {
        Self {
            id: id.into(),
            kind,
        }
    }

    /// The object's id.
    pub fn id(&self) -> &NodeId {
        &self.id
    }

    /// The object's type.
    pub fn kind(&self) -> &GraphType {
        &self.kind
    }
}

impl fmt::Display for GraphNode {
    /// `type id`, e.g. `system 64b000000000000000000003`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.kind, self.id)
    }
}

impl GraphNode {
    /// Displays the node as `type name` when `name` knows it (e.g. from your
    /// own lookup of `/systems/{id}`), otherwise as `type id`.
    ///
    /// ```
    /// use jumpcloud_graph::{GraphNode, GraphType, ObjectId};
    ///
    /// let web = GraphNode::new(ObjectId::parse("653000000000000000000004")?, GraphType::System);
    /// let named = web.display_with(|_| Some("web-01".to_string())).to_string();
    /// assert_eq!(named, "system web-01");
    /// assert_eq!(web.display_with(|_| None).to_string(), web.to_string());
    /// # Ok::<(), jumpcloud_graph::Error>(())
    /// ```
    pub fn display_with<F>(&self, name: F) -> impl fmt::Display
    where
        F: Fn(&GraphNode) -> Option<String>,
    {
        Named {
            nodes: std::iter::once(self).collect(),
            name,
        }
    }
}

/// Nodes joined by ` -> `, each shown with its name when known.
struct Named<'a, F> {
    nodes: Vec<&'a GraphNode>,
    name: F,
}

impl<F: Fn(&GraphNode) -> Option<String>> fmt::Display for Named<'_, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, node) in self.nodes.iter().enumerate() {
            if i > 0 {
                f.write_str(" -> ")?;
            }
            match (self.name)(node) {
                Some(name) => write!(f, "{} {name}", node.kind)?,
                None => write!(f, "{node}")?,
            }
        }
        Ok(())
    }
}

/// One edge of a path: a membership or a binding, with its attributes.
#[derive(Clone, Debug, PartialEq)]
pub struct Edge {
    pub(crate) from: GraphNode,
    pub(crate) to: GraphNode,
    pub(crate) attributes: Attributes,
    pub(crate) from_attributes: Attributes,
    pub(crate) to_attributes: Attributes,
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

    /// The attributes the server sent on the node the edge reaches (e.g. a
    /// user group's `ldapGroups` and custom keys).
    pub fn to_attributes(&self) -> &Attributes {
        &self.to_attributes
    }

    /// The attributes the server sent on the node the edge starts at, when
    /// it sent that node.
    pub fn from_attributes(&self) -> &Attributes {
        &self.from_attributes
    }
}

impl fmt::Display for Edge {
    /// `from -> to`, e.g. `user 5f1b… -> user_group 64b…`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} -> {}", self.from, self.to)
    }
}

impl Edge {
    /// Displays the edge with names where `name` knows them, e.g.
    /// `user ada -> user_group Ops` (see [`GraphNode::display_with`]).
    pub fn display_with<F>(&self, name: F) -> impl fmt::Display
    where
        F: Fn(&GraphNode) -> Option<String>,
    {
        Named {
            nodes: vec![&self.from, &self.to],
            name,
        }
    }
}

/// How one path grants an object to a user.
///
/// ```
/// # fn show(bound: jumpcloud_graph::BoundObject) {
/// use jumpcloud_graph::Grant;
///
/// for path in bound.paths() {
///     match path.kind() {
///         Grant::Direct => println!("bound directly"),
///         Grant::UserGroup(group) => println!("through user group {}", group.id()),
///         Grant::SystemGroup(group) => println!("through system group {}", group.id()),
///         Grant::UserGroupThenSystemGroup { user_group, system_group } => {
///             println!("through {} then {}", user_group.id(), system_group.id())
///         }
///         other => println!("{other}"),
///     }
/// }
/// # }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Grant {
    /// The user is bound to the object itself.
    Direct,
    /// The user is a member of this user group, which is bound to the object.
    UserGroup(GraphNode),
    /// The user is bound to this system group, and the object (a device) is
    /// a member of it.
    SystemGroup(GraphNode),
    /// The user is a member of a user group bound to a system group that
    /// holds the object.
    UserGroupThenSystemGroup {
        /// The user group the user belongs to.
        user_group: GraphNode,
        /// The system group the user group is bound to.
        system_group: GraphNode,
    },
    /// Any other shape: the nodes between the user and the object, in order.
    Hops(Vec<GraphNode>),
    /// A path the server sent with no edges at all: it shows no way the
    /// object is granted (a revoke plan reports it as
    /// [`AccessWarning::EmptyPaths`](crate::AccessWarning::EmptyPaths)).
    Empty,
}

impl Grant {
    /// Whether the path is a direct binding.
    pub fn is_direct(&self) -> bool {
        matches!(self, Grant::Direct)
    }

    /// The user group the path goes through first, if it starts with one.
    pub fn user_group(&self) -> Option<&GraphNode> {
        match self {
            Grant::UserGroup(group)
            | Grant::UserGroupThenSystemGroup {
                user_group: group, ..
            } => Some(group),
            _ => None,
        }
    }

    /// A stable name for the shape: `direct`, `user_group`, `system_group`,
    /// `user_group_then_system_group`, `hops`, `empty`.
    pub fn name(&self) -> &'static str {
        match self {
            Grant::Direct => "direct",
            Grant::UserGroup(_) => "user_group",
            Grant::SystemGroup(_) => "system_group",
            Grant::UserGroupThenSystemGroup { .. } => "user_group_then_system_group",
            Grant::Hops(_) => "hops",
            Grant::Empty => "empty",
        }
    }

    fn classify(via: &[&GraphNode]) -> Grant {
        match via {
            [] => Grant::Direct,
            [group] if *group.kind() == GraphType::UserGroup => Grant::UserGroup((*group).clone()),
            [group] if *group.kind() == GraphType::SystemGroup => {
                Grant::SystemGroup((*group).clone())
            }
            [user_group, system_group]
                if *user_group.kind() == GraphType::UserGroup
                    && *system_group.kind() == GraphType::SystemGroup =>
            {
                Grant::UserGroupThenSystemGroup {
                    user_group: (*user_group).clone(),
                    system_group: (*system_group).clone(),
                }
            }
            hops => Grant::Hops(hops.iter().map(|node| (*node).clone()).collect()),
        }
    }
}

impl fmt::Display for Grant {
    /// `direct`, `via user_group 64b…`, `via user_group 64b… then
    /// system_group 64c…`, `via policy_group 64d… -> user_group 64e…`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Grant::Direct => f.write_str("direct"),
            Grant::UserGroup(group) | Grant::SystemGroup(group) => write!(f, "via {group}"),
            Grant::UserGroupThenSystemGroup {
                user_group,
                system_group,
            } => write!(f, "via {user_group} then {system_group}"),
            Grant::Empty => f.write_str("an empty path"),
            Grant::Hops(hops) => {
                f.write_str("via ")?;
                for (i, hop) in hops.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" -> ")?;
                    }
                    write!(f, "{hop}")?;
                }
                Ok(())
            }
        }
    }
}

/// One chain of edges from the user to a bound object.
///
/// All paths together are what would have to be cut to take the object
/// away from the user.
#[derive(Clone, Debug, PartialEq)]
pub struct GrantPath {
    pub(crate) edges: Vec<Edge>,
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

    /// How this path grants the object.
    pub fn kind(&self) -> Grant {
        if self.edges.is_empty() {
            return Grant::Empty;
        }
        let via: Vec<&GraphNode> = self.via().collect();
        Grant::classify(&via)
    }
}

impl GrantPath {
    /// Displays the path with names where `name` knows them, e.g.
    /// `user ada -> user_group Ops -> system web-01` (traversals return ids
    /// only; see [`GraphNode::display_with`]).
    ///
    /// ```
    /// # fn show(path: &jumpcloud_graph::GrantPath, names: std::collections::HashMap<jumpcloud_graph::NodeId, String>) {
    /// println!("{}", path.display_with(|node| names.get(node.id()).cloned()));
    /// # }
    /// ```
    pub fn display_with<F>(&self, name: F) -> impl fmt::Display
    where
        F: Fn(&GraphNode) -> Option<String>,
    {
        let nodes = self
            .edges
            .first()
            .map(|first| &first.from)
            .into_iter()
            .chain(self.edges.iter().map(|edge| &edge.to))
            .collect();
        Named { nodes, name }
    }
}

impl fmt::Display for GrantPath {
    /// Every node from the user to the object, e.g.
    /// `user 5f1b… -> user_group 64b… -> system 64c…`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(first) = self.edges.first() else {
            return f.write_str("(empty path)");
        };
        write!(f, "{}", first.from)?;
        for edge in &self.edges {
            write!(f, " -> {}", edge.to)?;
        }
        Ok(())
    }
}

/// An object bound to a user, directly or through groups, as returned by
/// the traversals (`systems()`, `applications()`, ...) and `member_of()`.
///
/// ```
/// # fn show(bound: jumpcloud_graph::BoundObject) {
/// println!("{} {}: sudo {:?}", bound.kind(), bound.id(), bound.sudo());
/// for path in bound.paths() {
///     println!("  {}: {path}", path.kind());
/// }
/// # }
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct BoundObject {
    pub(crate) node: GraphNode,
    pub(crate) compiled_attributes: Attributes,
    pub(crate) paths: Vec<GrantPath>,
    pub(crate) external_id: Option<String>,
    pub(crate) sync_status: Option<serde_json::Value>,
}

impl BoundObject {
    /// The bound object's id.
    pub fn id(&self) -> &NodeId {
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

    /// Effective sudo rights on this object, as JumpCloud compiled them,
    /// when the attributes say. (The user's global sudo flag, a v1 user
    /// field, can grant more.)
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

    /// Whether one of the paths goes through a group.
    pub fn is_indirect(&self) -> bool {
        self.paths.iter().any(|path| path.edges.len() > 1)
    }

    /// How each path grants the object, in path order.
    pub fn grants(&self) -> Vec<Grant> {
        self.paths.iter().map(GrantPath::kind).collect()
    }

    /// The distinct user groups the paths start with (the groups whose
    /// membership grants the object), in first-seen order.
    pub fn user_groups(&self) -> Vec<&GraphNode> {
        let mut groups: Vec<&GraphNode> = Vec::new();
        for path in &self.paths {
            if let Some(first) = path.via().next()
                && *first.kind() == GraphType::UserGroup
                && !groups.contains(&first)
            {
                groups.push(first);
            }
        }
        groups
    }

    /// The id of the synced resource, when JumpCloud sends it.
    pub fn external_id(&self) -> Option<&str> {
        self.external_id.as_deref()
    }

    /// The sync status, as JumpCloud sent it, when it did.
    pub fn sync_status(&self) -> Option<&serde_json::Value> {
        self.sync_status.as_ref()
    }
}

/// A direct association of a user, as listed by `associations(..)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Association {
    pub(crate) edge: Edge,
}

impl Association {
    /// The associated object.
    pub fn target(&self) -> &GraphNode {
        self.edge.to()
    }

    /// The associated object's id.
    pub fn id(&self) -> &NodeId {
        self.edge.to().id()
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
}

/// The user a result belongs to, as the node every path starts at.
pub(crate) fn user_node(user: ObjectId) -> GraphNode {
    GraphNode::new(user, GraphType::User)
}

/// The JSON shapes of the results (the `serde` feature). Field names are
/// snake_case; ids are strings; graph types their wire names; attributes
/// the wire object. The shapes are part of the API: a change is a breaking
/// change, and the snapshot tests in `tests/it/access_json.rs` hold them.
#[cfg(feature = "serde")]
mod json {
    use serde::de::Error as _;
    use serde::ser::SerializeMap;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::{Association, BoundObject, Edge, Grant, GrantPath, GraphNode};

    impl Serialize for Edge {
        /// `{"from": node, "to": node, "attributes": {..}}`, plus
        /// `from_attributes` / `to_attributes` when the server sent
        /// attributes on those nodes.
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut map = serializer.serialize_map(None)?;
            map.serialize_entry("from", &self.from)?;
            map.serialize_entry("to", &self.to)?;
            map.serialize_entry("attributes", &self.attributes)?;
            if !self.from_attributes.is_empty() {
                map.serialize_entry("from_attributes", &self.from_attributes)?;
            }
            if !self.to_attributes.is_empty() {
                map.serialize_entry("to_attributes", &self.to_attributes)?;
            }
            map.end()
        }
    }

    impl Serialize for Grant {
        /// `{"kind": "direct"}`, `{"kind": "user_group", "user_group":
        /// node}`, `{"kind": "system_group", "system_group": node}`,
        /// `{"kind": "user_group_then_system_group", "user_group": node,
        /// "system_group": node}`, `{"kind": "hops", "hops": [node, ..]}` or
        /// `{"kind": "empty"}`.
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut map = serializer.serialize_map(None)?;
            map.serialize_entry("kind", self.name())?;
            match self {
                Grant::Direct | Grant::Empty => {}
                Grant::UserGroup(group) => map.serialize_entry("user_group", group)?,
                Grant::SystemGroup(group) => map.serialize_entry("system_group", group)?,
                Grant::UserGroupThenSystemGroup {
                    user_group,
                    system_group,
                } => {
                    map.serialize_entry("user_group", user_group)?;
                    map.serialize_entry("system_group", system_group)?;
                }
                Grant::Hops(hops) => map.serialize_entry("hops", hops)?,
            }
            map.end()
        }
    }

    /// [`Grant`]'s JSON object, read back.
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct WireGrant {
        kind: String,
        #[serde(default)]
        user_group: Option<GraphNode>,
        #[serde(default)]
        system_group: Option<GraphNode>,
        #[serde(default)]
        hops: Option<Vec<GraphNode>>,
    }

    impl<'de> Deserialize<'de> for Grant {
        /// The shape [`Serialize`] writes; anything else is an error.
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            let wire = WireGrant::deserialize(deserializer)?;
            let grant = match (
                wire.kind.as_str(),
                wire.user_group,
                wire.system_group,
                wire.hops,
            ) {
                ("direct", None, None, None) => Grant::Direct,
                ("user_group", Some(group), None, None) => Grant::UserGroup(group),
                ("system_group", None, Some(group), None) => Grant::SystemGroup(group),
                ("user_group_then_system_group", Some(user_group), Some(system_group), None) => {
                    Grant::UserGroupThenSystemGroup {
                        user_group,
                        system_group,
                    }
                }
                ("hops", None, None, Some(hops)) => Grant::Hops(hops),
                ("empty", None, None, None) => Grant::Empty,
                (kind, ..) => {
                    return Err(D::Error::custom(format_args!(
                        "a grant of kind {kind:?} with the wrong fields; expected direct, \
                         user_group, system_group, user_group_then_system_group or hops \
                         with their own fields"
                    )));
                }
            };
            Ok(grant)
        }
    }

    impl Serialize for GrantPath {
        /// `{"grant": grant, "sudo": "with-password" | .. | null, "edges":
        /// [edge, ..]}`.
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut map = serializer.serialize_map(Some(3))?;
            map.serialize_entry("grant", &self.kind())?;
            map.serialize_entry("sudo", &self.sudo())?;
            map.serialize_entry("edges", &self.edges)?;
            map.end()
        }
    }

    impl Serialize for BoundObject {
        /// `{"id", "type", "compiled_attributes": {..}, "sudo": ..|null,
        /// "paths": [path, ..]}`, plus `external_id` and `sync_status` when
        /// the server sent them.
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut map = serializer.serialize_map(None)?;
            map.serialize_entry("id", self.id())?;
            map.serialize_entry("type", self.kind())?;
            map.serialize_entry("compiled_attributes", &self.compiled_attributes)?;
            map.serialize_entry("sudo", &self.sudo())?;
            map.serialize_entry("paths", &self.paths)?;
            if let Some(external_id) = &self.external_id {
                map.serialize_entry("external_id", external_id)?;
            }
            if let Some(sync_status) = &self.sync_status {
                map.serialize_entry("sync_status", sync_status)?;
            }
            map.end()
        }
    }

    impl Serialize for Association {
        /// The association's edge (see [`Edge`]).
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            self.edge.serialize(serializer)
        }
    }
}
