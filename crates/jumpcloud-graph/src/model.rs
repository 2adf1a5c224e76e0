//! Results: what a user is bound to, and through which paths.
//!
//! JumpCloud answers a traversal with each bound object and every path of
//! edges that grants it; `from` is often omitted on edges because it is
//! clear from context. These types fill it in (the first edge starts at the
//! user, each later edge at the previous edge's end), so every edge here
//! knows both ends, and they keep every fact the server sent: the edges'
//! attributes, the attributes of the nodes the edges reach (a group's
//! `ldapGroups`, custom keys), `compiledAttributes`, `externalId` and
//! `syncStatus`, whether each optional value came as a value, `null` or
//! not at all, and every key this crate does not model.
//!
//! **Keys this crate does not model** (a field JumpCloud adds next year)
//! are kept, as sent, at every level of a result: the item
//! ([`BoundObject::other`]; an association's is its edge's), each edge
//! ([`Edge::other`]) and the nodes at either end of it
//! ([`Edge::from_other`], [`Edge::to_other`]); inside attributes and
//! `syncStatus` everything is kept anyway. Known fields win: `other` holds
//! only keys the crate does not read, so a key is never in both, and a key
//! a later release models moves from `other` to its own accessor. A value
//! nested 128 levels or more (serde_json's limit, which stays on, counted
//! from the value) is kept as its JSON text, a string, rather than failing
//! the page (the generated types skip such keys without reading them).
//! What is kept is bounded by the response body cap
//! ([`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes),
//! 16 MiB by default), as attribute values are: decoded JSON takes up to
//! about 26 times its text (measured for an array of single digits). An
//! item without unknown keys allocates nothing for them.
//!
//! Traversals return ids and types, not names: the client's resolver
//! ([`Client::names`](crate::Client::names)) looks names up, and
//! `display_with` shows them from any [`NameSource`].

mod name_source;

use std::fmt;

use serde_json::{Map, Value};

use crate::attributes::empty_map;
use crate::printable::write_printable;
use crate::{Attributes, GraphType, NodeId, ObjectId, Sudo};

pub(crate) use name_source::NameTable;
#[cfg(feature = "serde")]
pub use name_source::WithNames;
#[cfg(feature = "serde")]
pub(crate) use name_source::with_names_in_json;
pub use name_source::{NameFn, NameSource, NameWarning, Resolved};

/// The keys of a wire object this crate does not model, as sent. Empty
/// (the usual case) it is one null pointer and allocates nothing.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct OtherKeys(Option<Box<Map<String, Value>>>);

impl OtherKeys {
    /// Keeps `value` under `key` (a repeated key keeps its last value, as
    /// serde_json's own maps do).
    pub(crate) fn insert(&mut self, key: String, value: Value) {
        self.0.get_or_insert_default().insert(key, value);
    }

    /// The keys, as a JSON object (empty when there are none).
    pub(crate) fn as_map(&self) -> &Map<String, Value> {
        self.0.as_deref().unwrap_or_else(|| empty_map())
    }

    #[cfg(feature = "serde")]
    pub(crate) fn is_empty(&self) -> bool {
        self.0.as_deref().is_none_or(Map::is_empty)
    }
}

/// One object in the graph: its id and type.
///
/// With the `serde` feature it serializes as `{"id": "64b…", "type":
/// "system"}`, the wire's own shape, and deserializes from it.
///
/// Inside a result that carries names (`with_names`), a named node also
/// has `"name"`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Deserialize))]
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
    /// Displays the node as `type name` when `names` knows it (the
    /// resolver's [`Resolved`](crate::Resolved), a map, a [`NameFn`]),
    /// otherwise as `type id`. Control and invisible characters in a name
    /// are shown escaped.
    ///
    /// ```
    /// use std::collections::HashMap;
    /// use jumpcloud_graph::{GraphNode, GraphType, NameFn, ObjectId};
    ///
    /// let web = GraphNode::new(ObjectId::parse("653000000000000000000004")?, GraphType::System);
    /// let names = HashMap::from([(web.clone(), "web-01".to_string())]);
    /// assert_eq!(web.display_with(&names).to_string(), "system web-01");
    /// let none = NameFn(|_: &GraphNode| None);
    /// assert_eq!(web.display_with(&none).to_string(), web.to_string());
    /// # Ok::<(), jumpcloud_graph::Error>(())
    /// ```
    pub fn display_with<'a, N>(&'a self, names: &'a N) -> impl fmt::Display + 'a
    where
        N: NameSource + ?Sized,
    {
        Named {
            nodes: vec![self],
            names,
        }
    }
}

/// Nodes joined by ` -> `, each shown with its name when known.
struct Named<'a, N: ?Sized> {
    nodes: Vec<&'a GraphNode>,
    names: &'a N,
}

impl<N: NameSource + ?Sized> fmt::Display for Named<'_, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, node) in self.nodes.iter().enumerate() {
            if i > 0 {
                f.write_str(" -> ")?;
            }
            match self.names.name_of(node) {
                Some(name) => {
                    write!(f, "{} ", node.kind)?;
                    write_printable(f, &name)?;
                }
                None => write!(f, "{node}")?,
            }
        }
        Ok(())
    }
}

/// One edge of a path: a membership or a binding, with its attributes.
///
/// What the server sent about the edge and about the nodes at its ends is
/// kept: their attributes (each knows whether it came as an object, `null`
/// or not at all: [`Attributes::presence`]) and the keys this crate does
/// not model.
#[derive(Clone, Debug, PartialEq)]
pub struct Edge {
    pub(crate) from: GraphNode,
    pub(crate) to: GraphNode,
    pub(crate) attributes: Attributes,
    pub(crate) from_attributes: Attributes,
    pub(crate) to_attributes: Attributes,
    pub(crate) other: OtherKeys,
    pub(crate) from_other: OtherKeys,
    pub(crate) to_other: OtherKeys,
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

    /// The node's own attributes, as the server sent them on the node the
    /// edge reaches (`to.attributes`: e.g. a user group's `ldapGroups`,
    /// its group-wide `sudo` and custom keys).
    pub fn to_attributes(&self) -> &Attributes {
        &self.to_attributes
    }

    /// The attributes the server sent on the node the edge starts at
    /// (`from.attributes`); [absent](crate::Presence::Absent) when it did
    /// not send that node.
    pub fn from_attributes(&self) -> &Attributes {
        &self.from_attributes
    }

    /// The keys of the edge this crate does not model, as sent (empty when
    /// none; [`BoundObject::other`] says which keys are kept).
    pub fn other(&self) -> &Map<String, Value> {
        self.other.as_map()
    }

    /// The keys of the node the edge reaches (`to`) other than `id`, `type`
    /// and `attributes`, as sent.
    pub fn to_other(&self) -> &Map<String, Value> {
        self.to_other.as_map()
    }

    /// The keys of the node the edge starts at (`from`, when the server
    /// sent it) other than `id`, `type` and `attributes`, as sent.
    pub fn from_other(&self) -> &Map<String, Value> {
        self.from_other.as_map()
    }
}

impl fmt::Display for Edge {
    /// `from -> to`, e.g. `user 5f1b… -> user_group 64b…`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} -> {}", self.from, self.to)
    }
}

impl Edge {
    /// Displays the edge with names where `names` knows them, e.g.
    /// `user ada -> user_group Ops` (see [`GraphNode::display_with`]).
    pub fn display_with<'a, N>(&'a self, names: &'a N) -> impl fmt::Display + 'a
    where
        N: NameSource + ?Sized,
    {
        Named {
            nodes: vec![&self.from, &self.to],
            names,
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
    /// Displays the path with names where `names` knows them, e.g.
    /// `user ada -> user_group Ops -> system web-01` (traversals return ids
    /// only; [`Client::names`](crate::Client::names) looks names up).
    ///
    /// ```
    /// # fn show(path: &jumpcloud_graph::GrantPath, names: std::collections::HashMap<String, String>) {
    /// println!("{}", path.display_with(&names));
    /// # }
    /// ```
    pub fn display_with<'a, N>(&'a self, names: &'a N) -> impl fmt::Display + 'a
    where
        N: NameSource + ?Sized,
    {
        Named {
            nodes: self.nodes().collect(),
            names,
        }
    }

    /// Every node of the path, from the user to the object.
    pub fn nodes(&self) -> impl Iterator<Item = &GraphNode> {
        self.edges
            .first()
            .map(|first| &first.from)
            .into_iter()
            .chain(self.edges.iter().map(|edge| &edge.to))
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
    /// Absent (`None`), `null` (`Some(None)`) or the string.
    pub(crate) external_id: Option<Option<String>>,
    /// Absent (`None`) or the value as sent, `null` included.
    pub(crate) sync_status: Option<Value>,
    pub(crate) other: OtherKeys,
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
    /// (`compiledAttributes`): what the user effectively gets. Their
    /// [`presence`](Attributes::presence) says whether the server sent an
    /// object, `null` or nothing.
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

    /// The id of the synced resource, when JumpCloud sends one (`None` for
    /// `null` too; the JSON shape keeps the difference).
    pub fn external_id(&self) -> Option<&str> {
        self.external_id.as_ref().and_then(Option::as_deref)
    }

    /// The sync status, as JumpCloud sent it (`Some(Value::Null)` for
    /// `null`), when it sent the key.
    pub fn sync_status(&self) -> Option<&Value> {
        self.sync_status.as_ref()
    }

    /// The keys of the item this crate does not model, as sent: a field
    /// JumpCloud added after this release, say. Empty when there are none.
    ///
    /// Known fields win: a key the crate reads (`id`, `type`, `paths`,
    /// `compiledAttributes`, `externalId`, `syncStatus`) is never here, and
    /// a key a later release models moves from here to its own accessor.
    /// Edges and their nodes keep theirs too ([`Edge::other`],
    /// [`Edge::to_other`], [`Edge::from_other`]).
    ///
    /// ```
    /// # fn show(bound: jumpcloud_graph::BoundObject) {
    /// if let Some(risk) = bound.other().get("riskScore") {
    ///     println!("{}: risk {risk}", bound.id());
    /// }
    /// # }
    /// ```
    pub fn other(&self) -> &Map<String, Value> {
        self.other.as_map()
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

    /// The keys of the association this crate does not model, as sent (its
    /// edge's [`Edge::other`]).
    pub fn other(&self) -> &Map<String, Value> {
        self.edge.other()
    }
}

/// The user a result belongs to, as the node every path starts at.
pub(crate) fn user_node(user: ObjectId) -> GraphNode {
    GraphNode::new(user, GraphType::User)
}

/// The JSON shapes of the results (the `serde` feature). Field names are
/// snake_case; ids are strings; graph types their wire names; attributes
/// the wire value, as sent (an object, `null`, or no key when the server
/// sent none); keys the crate does not model under `other` (`from_other`,
/// `to_other` for an edge's nodes), only when there are some, so they never
/// meet the crate's own keys. The shapes are part of the API: a change is a
/// breaking change, and the snapshot tests in `tests/it/access_json.rs`
/// hold them.
#[cfg(feature = "serde")]
mod json {
    use serde::de::Error as _;
    use serde::ser::SerializeMap;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::{Association, BoundObject, Edge, Grant, GrantPath, GraphNode, OtherKeys};
    use crate::{Attributes, Presence};

    /// `key: attributes` as sent: no entry when the server sent none.
    fn attributes_as_sent<M: SerializeMap>(
        map: &mut M,
        key: &'static str,
        attributes: &Attributes,
    ) -> Result<(), M::Error> {
        match attributes.presence() {
            Presence::Absent => Ok(()),
            Presence::Null | Presence::Object => map.serialize_entry(key, attributes),
        }
    }

    /// `key: {..}` with the keys the crate does not model, when any.
    fn other_keys<M: SerializeMap>(
        map: &mut M,
        key: &'static str,
        other: &OtherKeys,
    ) -> Result<(), M::Error> {
        if other.is_empty() {
            return Ok(());
        }
        map.serialize_entry(key, other.as_map())
    }

    impl Serialize for Edge {
        /// `{"from": node, "to": node}`, then `attributes`,
        /// `from_attributes` and `to_attributes` as the server sent them
        /// (an object, `null`, or no key), then `other`, `from_other` and
        /// `to_other` when the edge or its nodes had keys this crate does
        /// not model.
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut map = serializer.serialize_map(None)?;
            map.serialize_entry("from", &self.from)?;
            map.serialize_entry("to", &self.to)?;
            attributes_as_sent(&mut map, "attributes", &self.attributes)?;
            attributes_as_sent(&mut map, "from_attributes", &self.from_attributes)?;
            attributes_as_sent(&mut map, "to_attributes", &self.to_attributes)?;
            other_keys(&mut map, "other", &self.other)?;
            other_keys(&mut map, "from_other", &self.from_other)?;
            other_keys(&mut map, "to_other", &self.to_other)?;
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
        /// `{"id", "type", "compiled_attributes": {..} | null, "sudo":
        /// ..|null, "paths": [path, ..]}`, `compiled_attributes` left out
        /// when the server sent none; plus `external_id` and `sync_status`
        /// (`null` included) when the server sent them, and `other` when
        /// the item had keys this crate does not model.
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut map = serializer.serialize_map(None)?;
            map.serialize_entry("id", self.id())?;
            map.serialize_entry("type", self.kind())?;
            attributes_as_sent(&mut map, "compiled_attributes", &self.compiled_attributes)?;
            map.serialize_entry("sudo", &self.sudo())?;
            map.serialize_entry("paths", &self.paths)?;
            if let Some(external_id) = &self.external_id {
                map.serialize_entry("external_id", external_id)?;
            }
            if let Some(sync_status) = &self.sync_status {
                map.serialize_entry("sync_status", sync_status)?;
            }
            other_keys(&mut map, "other", &self.other)?;
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
