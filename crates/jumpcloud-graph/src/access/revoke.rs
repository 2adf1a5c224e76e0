//! Taking an object away from a user completely: the plan, and applying it.

use std::collections::HashMap;
use std::fmt;

use super::explain::Explanation;
use super::hitting::Problem;
use super::precedence::{self, SudoDecision};
use super::warning::plural;
use super::{AccessReport, AccessWarning, RemovalOperation};
use crate::{
    AssociationTarget, Edge, Ensured, Error, GrantPath, GraphNode, GraphType, NodeId, ObjectId,
    Sudo, TraversalKind, User,
};

/// An edge by its ends, oriented away from the user.
type EdgeKey = (GraphNode, GraphNode);

fn key(edge: &Edge) -> EdgeKey {
    (edge.from().clone(), edge.to().clone())
}

/// One edge to remove, made by [`User::revoke_plan`](crate::User::revoke_plan).
///
/// # JSON
///
/// `{"edge": edge, "executable": bool, "affects_other_users": bool,
/// "operation": operation, "paths_cut": [index, ..], "collateral": [node,
/// ..]}`; `paths_cut` indexes the plan's `paths`.
#[derive(Clone, Debug, PartialEq)]
pub struct RevokeStep {
    edge: Edge,
    executable: bool,
    affects_other_users: bool,
    operation: RemovalOperation,
    paths_cut: Vec<usize>,
    collateral: Vec<GraphNode>,
}

impl RevokeStep {
    /// The edge to remove.
    pub fn edge(&self) -> &Edge {
        &self.edge
    }

    /// Whether [`RevokePlan::apply`] removes it: a direct association of
    /// the user, removed with
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
    /// step, the one [`RevokePlan::apply`] sends).
    pub fn operation(&self) -> &RemovalOperation {
        &self.operation
    }

    /// The paths (indexes into [`RevokePlan::paths`]) this edge cuts.
    pub fn paths_cut(&self) -> &[usize] {
        &self.paths_cut
    }

    /// The other objects the user loses with this edge alone: those, among
    /// everything the user reaches (all nine traversals and the user's
    /// groups), whose every path goes through it. The objects lost by the
    /// whole plan are [`RevokePlan::collateral`].
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

fn join(f: &mut fmt::Formatter<'_>, nodes: &[GraphNode]) -> fmt::Result {
    for (i, node) in nodes.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{node}")?;
    }
    Ok(())
}

/// What remains when some edges are gone.
#[derive(Clone, Debug, PartialEq)]
struct Remaining {
    paths: Vec<GrantPath>,
    sudo: SudoDecision,
    collateral: Vec<GraphNode>,
}

/// A complete revoke of one object from one user: a smallest set of edges
/// whose removal leaves no path granting it, made by
/// [`User::revoke_plan`](crate::User::revoke_plan).
///
/// ```no_run
/// # async fn demo(user: jumpcloud_graph::User) -> Result<(), jumpcloud_graph::Error> {
/// use jumpcloud_graph::TraversalKind;
///
/// let plan = user.revoke_plan(TraversalKind::System, "653000000000000000000004").await?;
/// for step in plan.steps() {
///     println!("{step}"); // [apply] ... or [admin] POST /usergroups/…/members {…}
/// }
/// for warning in plan.warnings() {
///     println!("warning: {warning}"); // access remains; sudo would rise
/// }
/// let done = plan.apply().await?; // only the executable steps
/// if done.still_granted() {
///     println!("still granted ({} paths), sudo {}", done.remaining_paths().len(), done.effective_sudo());
/// }
/// # Ok(())
/// # }
/// ```
///
/// # How the steps are chosen
///
/// Access ends when every path loses an edge: the plan is a minimum
/// hitting set over the paths' edges, found by an exact search (a user's
/// paths to one object are few), with a greedy fallback and
/// [`AccessWarning::SearchTooLarge`] if a server ever sends too many. Among
/// the smallest sets it prefers, in order: the most edges this crate can
/// remove itself; the fewest other objects the user loses (computed from
/// the user's own traversals); the fewest edges shared with other users;
/// the edges met first on the paths.
///
/// Collateral is what *this* user loses. A step that
/// [affects other users](RevokeStep::affects_other_users) changes the
/// access of every member of a group, which one user's graph cannot show.
///
/// # JSON
///
/// `{"user": node, "target": {"id", "type" | null}, "traversal":
/// "systems", "bound": bool, "exact": bool, "paths": [path, ..],
/// "sudo_now": sudo, "steps": [step, ..], "collateral": [node, ..],
/// "after_executable_steps": {"remaining_paths": [path, ..],
/// "still_granted": bool, "effective_sudo": sudo, "deciding_path": index
/// | null, "collateral": [node, ..]}, "warnings": [warning, ..]}`;
/// `deciding_path` indexes `remaining_paths`.
#[derive(Clone, Debug)]
pub struct RevokePlan {
    user: User,
    kind: TraversalKind,
    target: NodeId,
    explanation: Option<Explanation>,
    steps: Vec<RevokeStep>,
    exact: bool,
    collateral: Vec<GraphNode>,
    after: Remaining,
    warnings: Vec<AccessWarning>,
}

impl RevokePlan {
    /// Plans the revoke of `target` (listed by the `kind` traversal) from
    /// the user, over the user's access report.
    pub(crate) fn new(
        user: User,
        kind: TraversalKind,
        target: NodeId,
        report: &AccessReport,
    ) -> Self {
        let explanation = report
            .of_kind(kind)
            .find(|entry| *entry.id() == target)
            .map(|entry| Explanation::new(entry.user().clone(), entry.object().clone(), true));
        let Some(explanation) = explanation else {
            return Self {
                user,
                kind,
                target,
                explanation: None,
                steps: Vec::new(),
                exact: true,
                collateral: Vec::new(),
                after: Remaining {
                    paths: Vec::new(),
                    sudo: precedence::decide([]),
                    collateral: Vec::new(),
                },
                warnings: Vec::new(),
            };
        };
        let user_node = user.node();
        let paths = explanation.paths();

        // The distinct edges on the paths, numbered in first-seen order.
        let mut index: HashMap<EdgeKey, usize> = HashMap::new();
        let mut edges: Vec<&Edge> = Vec::new();
        let mut cut_paths: Vec<Vec<usize>> = Vec::new();
        let mut path_of: Vec<usize> = Vec::new(); // problem path -> explanation path
        let mut empty = 0usize;
        for (p, path) in paths.iter().enumerate() {
            if path.edges().is_empty() {
                empty += 1;
                continue;
            }
            let mut on_path: Vec<usize> = Vec::new();
            for edge in path.edges() {
                let next = edges.len();
                let e = *index.entry(key(edge)).or_insert(next);
                if e == next {
                    edges.push(edge);
                }
                if !on_path.contains(&e) {
                    on_path.push(e);
                }
            }
            cut_paths.push(on_path);
            path_of.push(p);
        }

        // The user's other objects that these edges could take away.
        let mut others: Vec<Vec<Vec<usize>>> = Vec::new();
        let mut other_nodes: Vec<GraphNode> = Vec::new();
        for entry in report.all() {
            if entry.node() == explanation.node() || entry.paths().is_empty() {
                continue;
            }
            let mapped: Vec<Vec<usize>> = entry
                .paths()
                .iter()
                .map(|path| {
                    path.edges()
                        .iter()
                        .filter_map(|edge| index.get(&key(edge)).copied())
                        .collect()
                })
                .collect();
            if mapped.iter().all(|path: &Vec<usize>| !path.is_empty()) {
                others.push(mapped);
                other_nodes.push(entry.node().clone());
            }
        }

        let problem = Problem {
            paths: cut_paths,
            executable: edges.iter().map(|e| is_executable(e, &user_node)).collect(),
            affects_others: edges.iter().map(|e| *e.from() != user_node).collect(),
            others,
        };
        let solution = problem.solve();

        let lost_by = |chosen: &[usize]| -> Vec<GraphNode> {
            let mut mask = vec![false; edges.len()];
            for &e in chosen {
                mask[e] = true;
            }
            problem
                .lost(&mask)
                .into_iter()
                .map(|i| other_nodes[i].clone())
                .collect()
        };
        let mut chosen = solution.edges.clone();
        // Executable steps first (what apply runs), then the rest.
        chosen.sort_by_key(|&e| (!problem.executable[e], e));
        let steps: Vec<RevokeStep> = chosen
            .iter()
            .map(|&e| RevokeStep {
                edge: edges[e].clone(),
                executable: problem.executable[e],
                affects_other_users: problem.affects_others[e],
                operation: RemovalOperation::for_edge(edges[e]),
                paths_cut: problem
                    .paths
                    .iter()
                    .zip(&path_of)
                    .filter(|(path, _)| path.contains(&e))
                    .map(|(_, &p)| p)
                    .collect(),
                collateral: lost_by(&[e]),
            })
            .collect();
        let executable: Vec<usize> = chosen
            .iter()
            .copied()
            .filter(|&e| problem.executable[e])
            .collect();
        let removed: Vec<EdgeKey> = executable.iter().map(|&e| key(edges[e])).collect();
        let remaining: Vec<GrantPath> = paths
            .iter()
            .filter(|path| !path.edges().iter().any(|edge| removed.contains(&key(edge))))
            .cloned()
            .collect();
        let after = Remaining {
            sudo: precedence::decide(&remaining),
            paths: remaining,
            collateral: lost_by(&executable),
        };

        let mut warnings = Vec::new();
        if empty > 0 {
            warnings.push(AccessWarning::EmptyPaths { count: empty });
        }
        if !solution.exact {
            warnings.push(AccessWarning::SearchTooLarge {
                edges: edges.len(),
                paths: problem.paths.len(),
            });
        }
        if !after.paths.is_empty() {
            warnings.push(AccessWarning::AccessRemains {
                left_to_admin: steps
                    .iter()
                    .filter(|s| !s.executable)
                    .map(|s| s.edge.clone())
                    .collect(),
            });
            if after.sudo.sudo > explanation.effective_sudo() {
                warnings.push(AccessWarning::SudoWouldRise {
                    from: explanation.effective_sudo(),
                    to: after.sudo.sudo,
                });
            }
        }
        warnings.extend(explanation.warnings().iter().cloned());
        let collateral = lost_by(&chosen);
        Self {
            user,
            kind,
            target,
            explanation: Some(explanation),
            steps,
            exact: solution.exact,
            collateral,
            after,
            warnings,
        }
    }

    /// The user.
    pub fn user(&self) -> &User {
        &self.user
    }

    /// The traversal that lists the object.
    pub fn kind(&self) -> TraversalKind {
        self.kind
    }

    /// The object's id.
    pub fn target_id(&self) -> &NodeId {
        &self.target
    }

    /// The object as a node, when the user reaches it.
    pub fn target(&self) -> Option<&GraphNode> {
        self.explanation.as_ref().map(Explanation::node)
    }

    /// Whether the user reaches the object now (otherwise the plan is empty).
    pub fn is_bound(&self) -> bool {
        self.explanation.is_some()
    }

    /// Why the user reaches the object now, when it does.
    pub fn explanation(&self) -> Option<&Explanation> {
        self.explanation.as_ref()
    }

    /// The paths that grant the object now.
    pub fn paths(&self) -> &[GrantPath] {
        self.explanation
            .as_ref()
            .map(Explanation::paths)
            .unwrap_or_default()
    }

    /// The effective sudo now (see [`Explanation::effective_sudo`]).
    pub fn sudo_now(&self) -> Sudo {
        self.explanation
            .as_ref()
            .map_or(Sudo::Disabled, Explanation::effective_sudo)
    }

    /// The edges to remove: the executable ones first, then those left to
    /// an administrator.
    pub fn steps(&self) -> &[RevokeStep] {
        &self.steps
    }

    /// The steps [`apply`](Self::apply) runs.
    pub fn executable_steps(&self) -> impl Iterator<Item = &RevokeStep> {
        self.steps.iter().filter(|s| s.executable)
    }

    /// The steps left to an administrator, with their operations.
    pub fn admin_steps(&self) -> impl Iterator<Item = &RevokeStep> {
        self.steps.iter().filter(|s| !s.executable)
    }

    /// Whether the plan is known to be the smallest (false only after the
    /// greedy fallback; see [`AccessWarning::SearchTooLarge`]).
    pub fn is_exact(&self) -> bool {
        self.exact
    }

    /// The other objects the user loses when every step is carried out.
    pub fn collateral(&self) -> &[GraphNode] {
        &self.collateral
    }

    /// The paths that still grant the object after only the executable
    /// steps (what [`apply`](Self::apply) leaves).
    pub fn remaining_paths(&self) -> &[GrantPath] {
        &self.after.paths
    }

    /// Whether the object is still granted after only the executable steps.
    pub fn still_granted_after_apply(&self) -> bool {
        !self.after.paths.is_empty()
    }

    /// The effective sudo after only the executable steps.
    pub fn sudo_after_apply(&self) -> Sudo {
        self.after.sudo.sudo
    }

    /// The path that would decide sudo after only the executable steps.
    pub fn deciding_path_after_apply(&self) -> Option<&GrantPath> {
        self.after
            .sudo
            .deciding
            .and_then(|i| self.after.paths.get(i))
    }

    /// The other objects the user loses with only the executable steps.
    pub fn collateral_of_apply(&self) -> &[GraphNode] {
        &self.after.collateral
    }

    /// What to know before running the plan: access remains after the
    /// executable steps (naming the edges left to an administrator); sudo
    /// would rise; the documented precedence disagrees with the server;
    /// the user's global sudo flag is not visible; the search was too large.
    pub fn warnings(&self) -> &[AccessWarning] {
        &self.warnings
    }

    /// Runs the executable steps, in order, with
    /// [`User::ensure_dissociated`](crate::User::ensure_dissociated) (a
    /// step already undone counts as done), never the others; then
    /// traverses again and reports what was removed, what still grants the
    /// object, and the effective sudo now.
    ///
    /// # Errors
    ///
    /// The first failing request's error. Steps before it stay done;
    /// applying the plan again is safe.
    pub async fn apply(&self) -> Result<RevokeOutcome, Error> {
        let mut removed = Vec::new();
        let mut already_absent = Vec::new();
        for step in self.executable_steps() {
            let to = step.edge.to();
            let target = AssociationTarget::for_type(to.kind()).ok_or_else(|| {
                Error::invalid("revoke step", format!("{to} is not an association target"))
            })?;
            let id = ObjectId::try_from(to.id())?;
            match self.user.ensure_dissociated(target, id)?.await? {
                Ensured::AlreadyAbsent => already_absent.push(step.clone()),
                _ => removed.push(step.clone()),
            }
        }
        let after = super::find_bound(&self.user, self.kind, &self.target).await?;
        Ok(RevokeOutcome::new(self, removed, already_absent, after))
    }
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

fn same_paths(a: &[GrantPath], b: &[GrantPath]) -> bool {
    let mut a: Vec<Vec<EdgeKey>> = a.iter().map(path_key).collect();
    let mut b: Vec<Vec<EdgeKey>> = b.iter().map(path_key).collect();
    a.sort();
    b.sort();
    a == b
}

impl fmt::Display for RevokePlan {
    /// Several lines: the object and its sudo now, each step, what remains
    /// after the executable steps, and the warnings.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(explanation) = &self.explanation else {
            return write!(
                f,
                "{} does not reach {} through {}: nothing to revoke",
                self.user.node(),
                self.target,
                self.kind
            );
        };
        write!(
            f,
            "revoke {} from {}: {} granting it now, sudo {}; {}",
            explanation.node(),
            explanation.user(),
            plural(self.paths().len(), "path", "paths"),
            self.sudo_now(),
            plural(self.steps.len(), "step", "steps"),
        )?;
        for (i, step) in self.steps.iter().enumerate() {
            write!(f, "\n  {}. {step}", i + 1)?;
        }
        if self.still_granted_after_apply() {
            write!(
                f,
                "\n  after apply: still granted through {}, sudo {}",
                plural(self.after.paths.len(), "path", "paths"),
                self.after.sudo.sudo
            )?;
        } else {
            f.write_str("\n  after apply: no longer granted")?;
        }
        if !self.collateral.is_empty() {
            f.write_str("\n  the whole plan also takes away ")?;
            join(f, &self.collateral)?;
        }
        for warning in &self.warnings {
            write!(f, "\n  warning: {warning}")?;
        }
        Ok(())
    }
}

/// What [`RevokePlan::apply`] did and found.
///
/// # JSON
///
/// `{"target": {"id", "type" | null}, "removed": [step, ..],
/// "already_absent": [step, ..], "left_to_admin": [step, ..],
/// "still_granted": bool, "remaining_paths": [path, ..], "effective_sudo":
/// sudo, "deciding_path": index | null, "matches_prediction": bool,
/// "warnings": [warning, ..]}`.
#[derive(Clone, Debug, PartialEq)]
pub struct RevokeOutcome {
    target: NodeId,
    target_kind: Option<GraphType>,
    removed: Vec<RevokeStep>,
    already_absent: Vec<RevokeStep>,
    left_to_admin: Vec<RevokeStep>,
    after: Option<Explanation>,
    matches_prediction: bool,
    warnings: Vec<AccessWarning>,
}

impl RevokeOutcome {
    fn new(
        plan: &RevokePlan,
        removed: Vec<RevokeStep>,
        already_absent: Vec<RevokeStep>,
        after: Option<Explanation>,
    ) -> Self {
        let left_to_admin: Vec<RevokeStep> = plan.admin_steps().cloned().collect();
        let remaining = after.as_ref().map(Explanation::paths).unwrap_or_default();
        let sudo = after
            .as_ref()
            .map_or(Sudo::Disabled, Explanation::effective_sudo);
        let matches_prediction =
            same_paths(remaining, plan.remaining_paths()) && sudo == plan.sudo_after_apply();
        let mut warnings = Vec::new();
        if let Some(after) = &after {
            warnings.push(AccessWarning::AccessRemains {
                left_to_admin: left_to_admin.iter().map(|s| s.edge.clone()).collect(),
            });
            if sudo > plan.sudo_now() {
                warnings.push(AccessWarning::SudoRose {
                    from: plan.sudo_now(),
                    to: sudo,
                });
            }
            warnings.extend(
                after
                    .warnings()
                    .iter()
                    .filter(|w| !matches!(w, AccessWarning::GlobalSudoNotVisible))
                    .cloned(),
            );
        }
        if !matches_prediction {
            warnings.push(AccessWarning::UnexpectedOutcome {
                predicted_paths: plan.remaining_paths().len(),
                remaining_paths: remaining.len(),
                predicted_sudo: plan.sudo_after_apply(),
                sudo,
            });
        }
        Self {
            target: plan.target.clone(),
            target_kind: plan.target().map(|node| node.kind().clone()),
            removed,
            already_absent,
            left_to_admin,
            after,
            matches_prediction,
            warnings,
        }
    }

    /// The executable steps that removed an edge.
    pub fn removed(&self) -> &[RevokeStep] {
        &self.removed
    }

    /// The executable steps whose edge was already gone (JumpCloud answered
    /// 404).
    pub fn already_absent(&self) -> &[RevokeStep] {
        &self.already_absent
    }

    /// The steps left to an administrator (never run by this crate).
    pub fn left_to_admin(&self) -> &[RevokeStep] {
        &self.left_to_admin
    }

    /// Whether the object is still granted, by the re-traversal.
    pub fn still_granted(&self) -> bool {
        self.after.is_some()
    }

    /// The paths that still grant the object.
    pub fn remaining_paths(&self) -> &[GrantPath] {
        self.after
            .as_ref()
            .map(Explanation::paths)
            .unwrap_or_default()
    }

    /// The effective sudo now ([`Sudo::Disabled`] when no longer granted).
    pub fn effective_sudo(&self) -> Sudo {
        self.after
            .as_ref()
            .map_or(Sudo::Disabled, Explanation::effective_sudo)
    }

    /// Why the object is still granted, when it is.
    pub fn explanation(&self) -> Option<&Explanation> {
        self.after.as_ref()
    }

    /// Whether the re-traversal shows what the plan predicted: the same
    /// remaining paths (by their edges) and the same effective sudo.
    pub fn matches_prediction(&self) -> bool {
        self.matches_prediction
    }

    /// Access remains (with the edges left to an administrator); sudo rose;
    /// the outcome differs from the plan; the documented precedence
    /// disagrees with the server.
    pub fn warnings(&self) -> &[AccessWarning] {
        &self.warnings
    }
}

impl fmt::Display for RevokeOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "removed {}, {} already gone, {} left to an administrator; ",
            plural(self.removed.len(), "edge", "edges"),
            self.already_absent.len(),
            self.left_to_admin.len(),
        )?;
        match &self.after {
            Some(after) => write!(
                f,
                "still granted through {}, sudo {}",
                plural(after.paths().len(), "path", "paths"),
                after.effective_sudo()
            )?,
            None => f.write_str("no longer granted")?,
        }
        for warning in &self.warnings {
            write!(f, "\n  warning: {warning}")?;
        }
        Ok(())
    }
}

#[cfg(feature = "serde")]
mod json {
    use serde::ser::{Serialize, SerializeMap, Serializer};

    use super::{RevokeOutcome, RevokePlan, RevokeStep};
    use crate::NodeId;

    impl Serialize for RevokeStep {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut map = serializer.serialize_map(Some(6))?;
            map.serialize_entry("edge", &self.edge)?;
            map.serialize_entry("executable", &self.executable)?;
            map.serialize_entry("affects_other_users", &self.affects_other_users)?;
            map.serialize_entry("operation", &self.operation)?;
            map.serialize_entry("paths_cut", &self.paths_cut)?;
            map.serialize_entry("collateral", &self.collateral)?;
            map.end()
        }
    }

    /// `{"id", "type"}`, the type `null` when the object is not reached.
    struct Target<'a>(&'a NodeId, Option<&'a crate::GraphType>);

    impl Serialize for Target<'_> {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut map = serializer.serialize_map(Some(2))?;
            map.serialize_entry("id", self.0)?;
            map.serialize_entry("type", &self.1)?;
            map.end()
        }
    }

    struct After<'a>(&'a RevokePlan);

    impl Serialize for After<'_> {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let plan = self.0;
            let mut map = serializer.serialize_map(Some(5))?;
            map.serialize_entry("remaining_paths", plan.remaining_paths())?;
            map.serialize_entry("still_granted", &plan.still_granted_after_apply())?;
            map.serialize_entry("effective_sudo", &plan.sudo_after_apply())?;
            map.serialize_entry("deciding_path", &plan.after.sudo.deciding)?;
            map.serialize_entry("collateral", plan.collateral_of_apply())?;
            map.end()
        }
    }

    impl Serialize for RevokePlan {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut map = serializer.serialize_map(Some(12))?;
            map.serialize_entry("user", &self.user.node())?;
            map.serialize_entry(
                "target",
                &Target(&self.target, self.target().map(|node| node.kind())),
            )?;
            map.serialize_entry("traversal", &self.kind)?;
            map.serialize_entry("bound", &self.is_bound())?;
            map.serialize_entry("exact", &self.exact)?;
            map.serialize_entry("paths", self.paths())?;
            map.serialize_entry("sudo_now", &self.sudo_now())?;
            map.serialize_entry("steps", &self.steps)?;
            map.serialize_entry("collateral", &self.collateral)?;
            map.serialize_entry("after_executable_steps", &After(self))?;
            map.serialize_entry("warnings", &self.warnings)?;
            map.end()
        }
    }

    impl Serialize for RevokeOutcome {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut map = serializer.serialize_map(Some(10))?;
            let kind = self.target_kind.as_ref();
            map.serialize_entry("target", &Target(&self.target, kind))?;
            map.serialize_entry("removed", &self.removed)?;
            map.serialize_entry("already_absent", &self.already_absent)?;
            map.serialize_entry("left_to_admin", &self.left_to_admin)?;
            map.serialize_entry("still_granted", &self.still_granted())?;
            map.serialize_entry("remaining_paths", self.remaining_paths())?;
            map.serialize_entry("effective_sudo", &self.effective_sudo())?;
            map.serialize_entry(
                "deciding_path",
                &self.after.as_ref().and_then(|after| after.deciding_index()),
            )?;
            map.serialize_entry("matches_prediction", &self.matches_prediction)?;
            map.serialize_entry("warnings", &self.warnings)?;
            map.end()
        }
    }
}
