//! One edge of a revoke plan: what removes it, and what else goes with it.

use std::fmt;

use super::join;
use crate::{Edge, GraphNode, RemovalOperation};

/// One edge to remove, made by [`User::revoke_plan`](crate::User::revoke_plan).
///
/// # JSON
///
/// `{"edge": edge, "executable": bool, "affects_other_users": bool,
/// "operation": operation, "paths_cut": [index, ..], "collateral": [node,
/// ..]}`; `paths_cut` indexes the plan's `paths`.
#[derive(Clone, Debug, PartialEq)]
pub struct RevokeStep {
    pub(super) edge: Edge,
    pub(super) executable: bool,
    pub(super) affects_other_users: bool,
    pub(super) operation: RemovalOperation,
    pub(super) paths_cut: Vec<usize>,
    pub(super) collateral: Vec<GraphNode>,
}

impl RevokeStep {
    /// The edge to remove.
    pub fn edge(&self) -> &Edge {
        &self.edge
    }

    /// Whether [`RevokePlan::apply`](crate::RevokePlan::apply) removes it:
    /// a direct association of the user, removed with
    /// [`User::ensure_dissociated`](crate::User::ensure_dissociated)
    /// (`graph_userAssociationsPost`). Other edges (group memberships,
    /// group bindings) need operations outside this crate; see
    /// [`operation`](Self::operation).
    pub fn is_executable(&self) -> bool {
        self.executable
    }

    /// Whether removing the edge changes what other users reach too: a
    /// group's binding or a device group's member is shared by every member
    /// of the group. Which users that is cannot be seen from one user's
    /// graph.
    pub fn affects_other_users(&self) -> bool {
        self.affects_other_users
    }

    /// The JumpCloud operation that removes the edge (for an executable
    /// step, the one [`RevokePlan::apply`](crate::RevokePlan::apply) sends).
    pub fn operation(&self) -> &RemovalOperation {
        &self.operation
    }

    /// The paths (indexes into [`RevokePlan::paths`](crate::RevokePlan::paths))
    /// this edge cuts.
    pub fn paths_cut(&self) -> &[usize] {
        &self.paths_cut
    }

    /// The other objects the user loses with this edge alone: those, among
    /// everything the user reaches (all nine traversals and the user's
    /// groups), whose every path goes through it. The objects lost by the
    /// whole plan are [`RevokePlan::collateral`](crate::RevokePlan::collateral).
    pub fn collateral(&self) -> &[GraphNode] {
        &self.collateral
    }
}

impl fmt::Display for RevokeStep {
    /// `[apply] operation` or `[admin] operation`, then what else the user
    /// loses with it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let who = if self.executable { "apply" } else { "admin" };
        write!(f, "[{who}] {}", self.operation)?;
        if !self.collateral.is_empty() {
            f.write_str("; the user also loses ")?;
            join(f, &self.collateral)?;
        }
        Ok(())
    }
}
