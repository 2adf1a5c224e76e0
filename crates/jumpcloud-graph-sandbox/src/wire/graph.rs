//! The graph's JSON: `GraphObject`, `GraphConnection` and
//! `GraphObjectWithPaths`, as the traversals and the associations list send
//! them. How a path or an edge looks on the wire is decided here and only
//! here.
//!
//! The shape is the one real JumpCloud bodies have (traffic recorded
//! against console.jumpcloud.com in 2021, JupiterOne/graph-jumpcloud's
//! `fetchApplications` recording; see `tests/it/contract/`): every edge has
//! exactly `attributes` and `to`, never `from` (the spec allows leaving it
//! out "if it is clear from context", and JumpCloud always does); every
//! `to` has exactly `attributes`, `id` and `type`, its `attributes` being
//! the node's own (a user group's `sudo`, `ldapGroups`, custom keys) or
//! `null`; an item has `compiledAttributes` (`null` when no path carries
//! any), `id`, `paths` and `type`.

use serde::Serialize;

use crate::graph::{Path, Reached};
use crate::model::{Attributes, Object};

/// `GraphObject`: an edge's end, with the object's own attributes (`null`
/// when it has none).
#[derive(Serialize)]
pub(crate) struct GraphObject<'a> {
    pub(crate) attributes: Option<&'a Attributes>,
    pub(crate) id: &'a str,
    #[serde(rename = "type")]
    pub(crate) kind: &'static str,
}

impl<'a> From<&'a Object> for GraphObject<'a> {
    fn from(object: &'a Object) -> Self {
        GraphObject {
            attributes: object.attributes(),
            id: object.id(),
            kind: object.kind().as_str(),
        }
    }
}

/// `GraphConnection`: one edge, `attributes` (`null` when the edge has
/// none) and `to`. `from` is never sent: the first edge of a path starts at
/// the user, each later one where the previous ended, and an association
/// starts at the user of the request.
#[derive(Serialize)]
pub(crate) struct GraphConnection<'a> {
    pub(crate) attributes: Option<&'a Attributes>,
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
        .map(|hop| GraphConnection {
            attributes: hop.attributes,
            to: GraphObject::from(hop.to),
        })
        .collect()
}
