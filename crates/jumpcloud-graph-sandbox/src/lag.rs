//! Association lag. JumpCloud processes association changes asynchronously
//! (its status page recorded delays of hours): a write is answered at once,
//! but traversals show it only later. The sandbox models this with a second
//! copy of the orgs, what traversals see, which each write reaches a fixed
//! lag after it was made, in the order the writes were made. So what a
//! traversal sees is always the orgs as some prefix of the writes left
//! them, never a mix.
//!
//! The copy exists only while writes are pending: once the last one is
//! visible, both copies are equal and the second is dropped.

use std::collections::VecDeque;
use std::sync::Arc;

use tokio::time::Instant;

use crate::fixture::Fixture;
use crate::model::{Attributes, EdgeError, Org};

/// One change to a direct edge, as `POST /users/{id}/associations` asks.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum EdgeWrite {
    /// Adds the edge `from` → `to`.
    Add {
        from: String,
        to: String,
        attributes: Option<Attributes>,
    },
    /// Replaces the attributes of the edge `from` → `to`.
    Update {
        from: String,
        to: String,
        attributes: Option<Attributes>,
    },
    /// Removes the edge `from` → `to`.
    Remove { from: String, to: String },
}

impl EdgeWrite {
    /// Makes the change in `org`.
    pub(crate) fn apply(&self, org: &mut Org) -> Result<(), EdgeError> {
        match self {
            EdgeWrite::Add {
                from,
                to,
                attributes,
            } => org.insert_edge(from, to, attributes.clone()),
            EdgeWrite::Update {
                from,
                to,
                attributes,
            } => org.update_edge(from, to, attributes.clone()),
            EdgeWrite::Remove { from, to } => org.remove_edge(from, to),
        }
    }
}

/// A write traversals do not show yet.
#[derive(Debug)]
struct Pending {
    /// When traversals may show it (once every earlier write is shown).
    due: Instant,
    org_id: String,
    write: EdgeWrite,
}

/// What traversals see while writes are pending, and those writes in the
/// order they were made.
#[derive(Debug)]
pub(crate) struct Lagged {
    visible: Arc<Fixture>,
    pending: VecDeque<Pending>,
}

impl Lagged {
    /// Traversals see `visible` (the orgs before the first pending write).
    pub(crate) fn new(visible: Arc<Fixture>) -> Self {
        Lagged {
            visible,
            pending: VecDeque::new(),
        }
    }

    /// The orgs as traversals see them.
    pub(crate) fn visible(&self) -> &Arc<Fixture> {
        &self.visible
    }

    /// Queues a write, already made in the live orgs, to show at `due`.
    pub(crate) fn push(&mut self, due: Instant, org_id: &str, write: EdgeWrite) {
        self.pending.push_back(Pending {
            due,
            org_id: org_id.to_owned(),
            write,
        });
    }

    /// Shows every write due by `now`, in order (a write waits for the
    /// ones before it); returns the ids of the orgs that changed.
    pub(crate) fn catch_up(&mut self, now: Instant) -> Vec<String> {
        let mut changed: Vec<String> = Vec::new();
        while self.pending.front().is_some_and(|next| next.due <= now) {
            let Some(next) = self.pending.pop_front() else {
                break;
            };
            // Copies the orgs only while a traversal computes from them.
            let applied = Arc::make_mut(&mut self.visible)
                .org_mut(&next.org_id)
                .map(|org| next.write.apply(org));
            // The live orgs accepted this write after the same writes, so
            // the copy accepts it too; a refusal would be a sandbox bug.
            if !matches!(applied, Some(Ok(()))) {
                tracing::warn!(org = %next.org_id, write = ?next.write, "a lagged write could not be shown");
            }
            if !changed.contains(&next.org_id) {
                changed.push(next.org_id);
            }
        }
        changed
    }

    /// Whether every write is shown (the copy equals the live orgs).
    pub(crate) fn is_settled(&self) -> bool {
        self.pending.is_empty()
    }
}
