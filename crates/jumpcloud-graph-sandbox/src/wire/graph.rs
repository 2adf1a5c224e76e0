//! The graph's JSON: `GraphObject`, `GraphConnection` and
//! `GraphObjectWithPaths`, as the traversals and the associations list send
//! them. How a path or an edge looks on the wire is decided here and only
//! here.

use serde::Serialize;

use crate::graph::{Path, Reached};
use crate::model::{Attributes, Object};

/// `GraphObject`: an edge end. `attributes` is left out, as JumpCloud does
/// on path edges.
#[derive(Serialize)]
pub(crate) struct GraphObject<'a> {
    pub(crate) id: &'a str,
    #[serde(rename = "type")]
    pub(crate) kind: &'static str,
}

impl<'a> From<&'a Object> for GraphObject<'a> {
    fn from(object: &'a Object) -> Self {
        GraphObject {
            id: object.id(),
            kind: object.kind().as_str(),
        }
    }
}

/// `GraphConnection`: one edge. `attributes` is `null` when the edge has
/// none; `from` is left out where it is clear from context (the first edge of
/// a path, and the user's own associations), as JumpCloud does.
#[derive(Serialize)]
pub(crate) struct GraphConnection<'a> {
    pub(crate) attributes: Option<&'a Attributes>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) from: Option<GraphObject<'a>>,
    pub(crate) to: GraphObject<'a>,
}

/// `GraphObjectWithPaths`: a traversal result.
#[derive(Serialize)]
pub(crate) struct GraphObjectWithPaths<'a> {
    #[serde(rename = "compiledAttributes")]
    pub(crate) compiled_attributes: Option<Attributes>,
    pub(crate) id: &'a str,
    pub(crate) paths: Vec<Vec<GraphConnection<'a>>>,
    #[serde(rename = "type")]
    pub(crate) kind: &'static str,
}

impl<'a> From<&Reached<'a>> for GraphObjectWithPaths<'a> {
    fn from(reached: &Reached<'a>) -> Self {
        GraphObjectWithPaths {
            compiled_attributes: reached.compiled_attributes(),
            id: reached.object.id(),
            paths: reached.paths.iter().map(path).collect(),
            kind: reached.object.kind().as_str(),
        }
    }
}

fn path<'a>(path: &Path<'a>) -> Vec<GraphConnection<'a>> {
    path.hops
        .iter()
        .enumerate()
        .map(|(i, hop)| GraphConnection {
            attributes: hop.attributes,
            from: (i > 0).then(|| GraphObject::from(hop.from)),
            to: GraphObject::from(hop.to),
        })
        .collect()
}
