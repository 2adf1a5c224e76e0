//! Where `display_with` and `with_names` read names from: the resolver's
//! answer and cache (their impls are in `names/`), your own maps, or a
//! function. Here, beside [`GraphNode`], so the result types need nothing
//! above them.

use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasher;
use std::sync::Arc;

use crate::{Error, GraphNode, NodeId};

/// Anything that can name a node: [`Resolved`](crate::Resolved) (what
/// [`Names::resolve`](crate::Names::resolve) found), [`Names`](crate::Names) (its cache), maps keyed by
/// [`GraphNode`], [`NodeId`] or the id's text, and [`NameFn`] around a
/// function.
///
/// ```
/// use std::collections::HashMap;
/// use jumpcloud_graph::{GraphNode, GraphType, NameSource, ObjectId};
///
/// let web = GraphNode::new(ObjectId::parse("653000000000000000000004")?, GraphType::System);
/// let names = HashMap::from([("653000000000000000000004".to_string(), "web-01".to_string())]);
/// assert_eq!(names.name_of(&web).as_deref(), Some("web-01"));
/// assert_eq!(web.display_with(&names).to_string(), "system web-01");
/// # Ok::<(), jumpcloud_graph::Error>(())
/// ```
pub trait NameSource {
    /// The name of `node`, when known.
    fn name_of(&self, node: &GraphNode) -> Option<String>;
}

impl<T: NameSource + ?Sized> NameSource for &T {
    fn name_of(&self, node: &GraphNode) -> Option<String> {
        (**self).name_of(node)
    }
}

impl<T: NameSource> NameSource for Option<T> {
    fn name_of(&self, node: &GraphNode) -> Option<String> {
        self.as_ref().and_then(|source| source.name_of(node))
    }
}

/// Maps of names by node, by id, or by the id's text.
macro_rules! map_sources {
    ($($map:ident<$key:ty $(, $hasher:ident)?>: |$node:ident| $lookup:expr;)*) => {$(
        impl<$($hasher: BuildHasher)?> NameSource for $map<$key, String $(, $hasher)?> {
            fn name_of(&self, $node: &GraphNode) -> Option<String> {
                self.get(&*$lookup).cloned()
            }
        }
    )*};
}

map_sources! {
    HashMap<GraphNode, S>: |node| node;
    HashMap<NodeId, S>: |node| node.id();
    HashMap<String, S>: |node| node.id().as_sent();
    BTreeMap<GraphNode>: |node| node;
    BTreeMap<NodeId>: |node| node.id();
    BTreeMap<String>: |node| node.id().as_sent();
}

/// A function as a [`NameSource`]:
/// `path.display_with(&NameFn(|node| lookup(node)))`.
///
/// ```
/// use jumpcloud_graph::{GraphNode, GraphType, NameFn, ObjectId};
///
/// let web = GraphNode::new(ObjectId::parse("653000000000000000000004")?, GraphType::System);
/// let shown = web.display_with(&NameFn(|_: &GraphNode| Some("web-01".to_string())));
/// assert_eq!(shown.to_string(), "system web-01");
/// # Ok::<(), jumpcloud_graph::Error>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct NameFn<F>(pub F);

impl<F: Fn(&GraphNode) -> Option<String>> NameSource for NameFn<F> {
    fn name_of(&self, node: &GraphNode) -> Option<String> {
        (self.0)(node)
    }
}

/// Names as results carry them (the resolver's answer, shared by every
/// explanation of a report).
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct NameTable(pub(crate) Arc<HashMap<GraphNode, Arc<str>>>);

impl NameSource for NameTable {
    fn name_of(&self, node: &GraphNode) -> Option<String> {
        self.0.get(node).map(|name| name.to_string())
    }
}

impl NameTable {
    /// The name of `node`, when known.
    pub(crate) fn get(&self, node: &GraphNode) -> Option<&str> {
        self.0.get(node).map(AsRef::as_ref)
    }
}

#[cfg(feature = "serde")]
std::thread_local! {
    /// The names of the result being serialized on this thread, if it
    /// carries any: serializing is synchronous, so a node reads them here
    /// rather than every result type threading them through its shape.
    static SERIALIZING_WITH: std::cell::RefCell<Option<NameTable>> =
        const { std::cell::RefCell::new(None) };
}

/// Runs `serialize` with `names` in effect for every [`GraphNode`] it
/// serializes (restored afterwards, also on a panic).
#[cfg(feature = "serde")]
pub(crate) fn with_names_in_json<R>(names: Option<&NameTable>, serialize: impl FnOnce() -> R) -> R {
    struct Restore(Option<NameTable>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let previous = self.0.take();
            SERIALIZING_WITH.with(|current| *current.borrow_mut() = previous);
        }
    }
    let Some(names) = names else {
        return serialize();
    };
    let previous = SERIALIZING_WITH.with(|current| current.borrow_mut().replace(names.clone()));
    let _restore = Restore(previous);
    serialize()
}

#[cfg(feature = "serde")]
impl serde::Serialize for GraphNode {
    /// `{"id", "type"}`, and `"name"` inside a result that carries names.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let name = SERIALIZING_WITH.with(|current| {
            current
                .borrow()
                .as_ref()
                .and_then(|names| names.0.get(self).map(Arc::clone))
        });
        let mut map = serializer.serialize_map(Some(2 + usize::from(name.is_some())))?;
        map.serialize_entry("id", self.id())?;
        map.serialize_entry("type", self.kind())?;
        if let Some(name) = name {
            map.serialize_entry("name", &*name)?;
        }
        map.end()
    }
}

/// The names a [`Names::resolve`](crate::Names::resolve) found, and why some are missing.
#[derive(Clone, Debug, Default)]
pub struct Resolved {
    pub(crate) names: NameTable,
    warnings: Vec<NameWarning>,
}

impl Resolved {
    /// The name of `node`, when known.
    pub fn get(&self, node: &GraphNode) -> Option<&str> {
        self.names.get(node)
    }

    /// Every named node and its name.
    pub fn iter(&self) -> impl Iterator<Item = (&GraphNode, &str)> {
        self.names
            .0
            .iter()
            .map(|(node, name)| (node, name.as_ref()))
    }

    /// How many nodes are named.
    pub fn len(&self) -> usize {
        self.names.0.len()
    }

    /// Whether no node is named.
    pub fn is_empty(&self) -> bool {
        self.names.0.is_empty()
    }

    /// The names, as results carry them.
    pub(crate) fn table(&self) -> &NameTable {
        &self.names
    }

    /// The lookups that failed, one per operation: their nodes stay ids.
    pub fn warnings(&self) -> &[NameWarning] {
        &self.warnings
    }

    /// Notes a failed request for `nodes` nodes; a later failure of the
    /// same operation adds its nodes to the first one's warning.
    pub(crate) fn warn(&mut self, operation: &'static str, nodes: usize, error: &Error) {
        match self.warnings.iter_mut().find(|w| w.operation == operation) {
            Some(warning) => warning.nodes = warning.nodes.saturating_add(nodes),
            None => self.warnings.push(NameWarning {
                operation,
                nodes,
                reason: error.to_string(),
            }),
        }
    }
}

/// A lookup that failed (after the client's retries): the nodes it was for
/// are shown by id.
#[derive(Clone, Debug)]
pub struct NameWarning {
    operation: &'static str,
    nodes: usize,
    reason: String,
}

impl NameWarning {
    /// JumpCloud's operationId of the lookup, e.g. `search_systems_post`.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// How many nodes stay unnamed because of it.
    pub fn nodes(&self) -> usize {
        self.nodes
    }

    /// The error, as [`Error`]'s `Display` said it.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl std::fmt::Display for NameWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} could not be named ({} failed: {}); shown by id",
            if self.nodes == 1 {
                "1 object".to_owned()
            } else {
                format!("{} objects", self.nodes)
            },
            self.operation,
            self.reason
        )
    }
}

impl NameSource for Resolved {
    fn name_of(&self, node: &GraphNode) -> Option<String> {
        self.get(node).map(str::to_owned)
    }
}

/// Any result serialized with `names`: every node the resolver named gets
/// `"name"` beside its `"id"` and `"type"`, at any depth (for results
/// without their own `with_names`: lists of [`BoundObject`](crate::BoundObject)s
/// and [`Association`](crate::Association)s, a [`RevokePlan`](crate::RevokePlan)).
///
/// ```no_run
/// # async fn demo(user: jumpcloud_graph::User) -> Result<(), jumpcloud_graph::Error> {
/// use jumpcloud_graph::WithNames;
///
/// let groups = user.member_of().try_collect().await?;
/// let nodes = groups.iter().flat_map(|g| g.paths()).flat_map(|p| p.nodes());
/// let names = user.client().names().resolve(nodes).await;
/// println!("{}", serde_json::to_string(&WithNames::new(&groups, &names)).unwrap_or_default());
/// # Ok(())
/// # }
/// ```
#[cfg(feature = "serde")]
#[derive(Clone, Copy, Debug)]
pub struct WithNames<'a, T: ?Sized> {
    value: &'a T,
    names: &'a Resolved,
}

#[cfg(feature = "serde")]
impl<'a, T: ?Sized> WithNames<'a, T> {
    /// `value`, to be serialized with `names`.
    pub fn new(value: &'a T, names: &'a Resolved) -> Self {
        Self { value, names }
    }
}

#[cfg(feature = "serde")]
impl<T: serde::Serialize + ?Sized> serde::Serialize for WithNames<'_, T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        with_names_in_json(Some(self.names.table()), || {
            self.value.serialize(serializer)
        })
    }
}
