//! Access: why a user reaches an object and with what sudo
//! ([`Explanation`]), everything the user reaches ([`AccessReport`]), and
//! how to take an object away completely ([`RevokePlan`],
//! [`RevokeOutcome`]).
//!
//! Built on the traversals alone: each traversal result lists every path
//! that grants the object, and JumpCloud's spec says those paths are "all
//! grouping and/or associations that would have to be removed to
//! deprovision" it. Cutting one edge of every path is therefore enough, and
//! anything less leaves access.

mod assumption;
mod explain;
mod hitting;
mod operation;
mod precedence;
mod report;
mod revoke;
mod warning;

pub use assumption::Assumption;
pub use explain::Explanation;
pub use operation::RemovalOperation;
pub use precedence::Precedence;
pub use report::AccessReport;
pub use revoke::{
    AppliedStep, RevokeError, RevokeOutcome, RevokePlan, RevokeStep, StepStatus, Verification,
};
pub use warning::AccessWarning;

use futures::TryStreamExt;

use crate::{Error, NodeId, TraversalKind, User};

/// Every object of `kind` bound to `user`, explained.
pub(crate) async fn explain_all(
    user: &User,
    kind: TraversalKind,
) -> Result<Vec<Explanation>, Error> {
    let node = user.node();
    let bound = user.traverse(kind).try_collect().await?;
    Ok(bound
        .into_iter()
        .map(|bound| Explanation::new(node.clone(), bound, true))
        .collect())
}

/// Streams the `kind` traversal until the object `id` is found, and
/// explains it; `None` when the traversal does not list it. (Traversals
/// take a `filter`, but JumpCloud does not document filtering them by id,
/// so the stream is read instead; it stops at the match.)
pub(crate) async fn find_bound(
    user: &User,
    kind: TraversalKind,
    id: &NodeId,
) -> Result<Option<Explanation>, Error> {
    let mut items = user.traverse(kind).stream();
    while let Some(bound) = items.try_next().await? {
        if bound.id() == id {
            return Ok(Some(Explanation::new(user.node(), bound, true)));
        }
    }
    Ok(None)
}
