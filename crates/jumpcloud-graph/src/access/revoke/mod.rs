//! Taking an object away from a user completely: the plan ([`plan`]), its
//! steps ([`step`]), applying it, waiting for JumpCloud to show the
//! removals, and what that did ([`apply`], [`verify`], [`outcome`]), and
//! their JSON shapes.

mod apply;
#[cfg(feature = "serde")]
mod json;
mod outcome;
mod plan;
mod step;
mod verify;

use std::fmt;

pub use outcome::{AppliedStep, RevokeError, RevokeOutcome, StepStatus};
pub use plan::RevokePlan;
pub use step::RevokeStep;
pub use verify::Verification;

use crate::{AssociationTarget, Edge, GrantPath, GraphNode};

/// An edge by its ends, oriented away from the user.
pub(crate) type EdgeKey = (GraphNode, GraphNode);

pub(crate) fn key(edge: &Edge) -> EdgeKey {
    (edge.from().clone(), edge.to().clone())
}

/// Whether this crate can remove the edge: a direct association of the
/// user with an association target, both ids ObjectIDs.
fn is_executable(edge: &Edge, user: &GraphNode) -> bool {
    edge.from() == user
        && AssociationTarget::for_type(edge.to().kind()).is_some()
        && edge.to().id().is_object_id()
}

/// The edges of a path, for comparing paths by their edges only.
fn path_key(path: &GrantPath) -> Vec<EdgeKey> {
    path.edges().iter().map(key).collect()
}

/// Whether two lists hold the same paths, by their edges, in any order.
fn same_paths(a: &[GrantPath], b: &[GrantPath]) -> bool {
    let mut a: Vec<Vec<EdgeKey>> = a.iter().map(path_key).collect();
    let mut b: Vec<Vec<EdgeKey>> = b.iter().map(path_key).collect();
    a.sort();
    b.sort();
    a == b
}

/// `a, b, c`.
fn join(f: &mut fmt::Formatter<'_>, nodes: &[GraphNode]) -> fmt::Result {
    for (i, node) in nodes.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{node}")?;
    }
    Ok(())
}
