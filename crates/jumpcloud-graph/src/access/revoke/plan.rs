//! The plan: the fewest edges whose removal leaves no path to the object,
//! and what the steps this crate can run would leave.

use std::collections::HashMap;
use std::fmt;
use std::time::Duration;

use super::super::explain::Explanation;
use super::super::hitting::{Problem, Solution};
use super::super::precedence::{self, SudoDecision};
use super::super::warning::plural;
use super::{RevokeStep, is_executable, join};
use crate::{
    AccessReport, AccessWarning, Edge, GrantPath, GraphNode, NodeId, RemovalOperation, Sudo,
    TraversalKind, User,
};

/// What remains when some edges are gone.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Remaining {
    pub(super) paths: Vec<GrantPath>,
    pub(super) sudo: SudoDecision,
    pub(super) collateral: Vec<GraphNode>,
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
/// Access ends when every path loses an edge, and the plan takes as few
/// edges as that needs. The paths' edges form a graph from the user to the
/// object, and the fewest edges that separate the two are a minimum cut,
/// found exactly by a maximum flow in polynomial time whatever the number
/// of paths (`O(E·√E)` over `E` distinct edges). JumpCloud lists *every*
/// path, so hitting every listed path and cutting that graph are the same
/// problem; the plan checks this (the flow must split into that many
/// listed, edge-disjoint paths) instead of assuming it. A server that
/// leaves paths out is handled by an exact search within a budget; when it
/// runs out the plan cuts every path but may not be the smallest
/// ([`is_smallest`](Self::is_smallest),
/// [`AccessWarning::SearchTooLarge`]).
///
/// Among the smallest sets the plan prefers, in order: the most edges this
/// crate can remove itself; the fewest other objects the user loses
/// (computed from the user's own traversals); the fewest edges shared with
/// other users; the edges met first on the paths. The first preference is
/// exact by a weighted minimum cut; the rest are decided by an exact
/// branch-and-bound search over the smallest sets, in independent parts,
/// within a budget of a few milliseconds. Past it the weighted cut stands,
/// which estimates collateral edge by edge:
/// [`is_exact`](Self::is_exact) is then false, with
/// [`AccessWarning::PreferenceEstimated`], and the plan is still a
/// smallest one.
///
/// Collateral is what *this* user loses. A step that
/// [affects other users](RevokeStep::affects_other_users) changes the
/// access of every member of a group, which one user's graph cannot show.
///
/// # JSON
///
/// `{"user": node, "target": {"id", "type" | null}, "traversal":
/// "systems", "bound": bool, "smallest": bool, "exact": bool, "paths":
/// [path, ..], "sudo_now": sudo, "steps": [step, ..], "collateral": [node,
/// ..], "after_executable_steps": {"remaining_paths": [path, ..],
/// "still_granted": bool, "effective_sudo": sudo, "deciding_path": index
/// | null, "collateral": [node, ..]}, "warnings": [warning, ..]}`;
/// `deciding_path` indexes `remaining_paths`.
#[derive(Clone, Debug)]
pub struct RevokePlan {
    pub(super) user: User,
    pub(super) kind: TraversalKind,
    pub(super) target: NodeId,
    pub(super) explanation: Option<Explanation>,
    pub(super) steps: Vec<RevokeStep>,
    pub(super) smallest: bool,
    pub(super) exact: bool,
    pub(super) collateral: Vec<GraphNode>,
    pub(super) after: Remaining,
    pub(super) warnings: Vec<AccessWarning>,
    pub(super) verify_timeout: Duration,
}

/// The distinct edges on an object's paths, as a hitting-set problem.
struct Candidates<'a> {
    edges: Vec<&'a Edge>,
    /// Nodes by number (the user is 0).
    nodes: HashMap<&'a GraphNode, usize>,
    /// Edges by their ends' numbers.
    index: HashMap<(usize, usize), usize>,
    problem: Problem,
    /// Problem path -> the explanation's path.
    path_of: Vec<usize>,
    /// Paths without edges (left out of the problem).
    empty: usize,
    /// The user's other objects in `problem.others`.
    other_nodes: Vec<GraphNode>,
}

impl<'a> Candidates<'a> {
    /// Numbers the edges in first-seen order and their ends (the user is
    /// node 0).
    fn new(user: &'a GraphNode, paths: &'a [GrantPath]) -> Self {
        let mut candidates = Candidates {
            edges: Vec::new(),
            nodes: HashMap::from([(user, 0)]),
            index: HashMap::new(),
            problem: Problem::default(),
            path_of: Vec::new(),
            empty: 0,
            other_nodes: Vec::new(),
        };
        for (p, path) in paths.iter().enumerate() {
            if path.edges().is_empty() {
                candidates.empty += 1;
                continue;
            }
            let mut on_path: Vec<usize> = Vec::new();
            let mut previous: Option<(&GraphNode, usize)> = None;
            for edge in path.edges() {
                let (e, to) = candidates.number(edge, previous);
                previous = Some((edge.to(), to));
                if !on_path.contains(&e) {
                    on_path.push(e);
                }
            }
            candidates.problem.paths.push(on_path);
            candidates.path_of.push(p);
        }
        let problem = &mut candidates.problem;
        problem.executable = candidates
            .edges
            .iter()
            .map(|e| is_executable(e, user))
            .collect();
        problem.affects_others = candidates.edges.iter().map(|e| e.from() != user).collect();
        candidates
    }

    /// The edge's number and its head's; `previous` is the last head on
    /// the path and its number (on a chain it is this edge's tail, which
    /// then needs no lookup).
    fn number(&mut self, edge: &'a Edge, previous: Option<(&GraphNode, usize)>) -> (usize, usize) {
        let mut node = |n: &'a GraphNode| {
            let count = self.nodes.len();
            *self.nodes.entry(n).or_insert(count)
        };
        let from = match previous {
            Some((node, number)) if node == edge.from() => number,
            _ => node(edge.from()),
        };
        let ends = (from, node(edge.to()));
        let next = self.edges.len();
        let e = *self.index.entry(ends).or_insert(next);
        if e == next {
            self.edges.push(edge);
            self.problem.ends.push(ends);
        }
        (e, ends.1)
    }

    /// The candidate edges on a path (the others are skipped), looking up
    /// each node once as the path goes.
    fn find_on(&self, path: &GrantPath) -> Vec<usize> {
        let mut found = Vec::new();
        let mut previous: Option<(&GraphNode, Option<usize>)> = None;
        for edge in path.edges() {
            let from = match previous {
                Some((node, number)) if node == edge.from() => number,
                _ => self.nodes.get(edge.from()).copied(),
            };
            let to = self.nodes.get(edge.to()).copied();
            previous = Some((edge.to(), to));
            if let (Some(from), Some(to)) = (from, to)
                && let Some(&e) = self.index.get(&(from, to))
            {
                found.push(e);
            }
        }
        found
    }

    /// Adds the user's other objects that these edges could take away:
    /// those whose every path holds at least one of them.
    fn add_others(&mut self, report: &AccessReport, target: &GraphNode) {
        for entry in report.all() {
            if entry.node() == target || entry.paths().is_empty() {
                continue;
            }
            let mapped: Vec<Vec<usize>> = entry
                .paths()
                .iter()
                .map(|path| self.find_on(path))
                .collect();
            if mapped.iter().all(|path| !path.is_empty()) {
                self.problem.others.push(mapped);
                self.other_nodes.push(entry.node().clone());
            }
        }
    }

    /// The other objects the chosen edges take away together.
    fn lost_by(&self, chosen: &[usize]) -> Vec<GraphNode> {
        let mut mask = vec![false; self.edges.len()];
        for &e in chosen {
            mask[e] = true;
        }
        self.problem
            .lost(&mask)
            .into_iter()
            .map(|i| self.other_nodes[i].clone())
            .collect()
    }

    /// The steps for the chosen edges: executable ones first (what apply
    /// runs), then the rest, each in first-seen order.
    fn steps(&self, solution: &Solution) -> Vec<RevokeStep> {
        let mut paths_cut: Vec<Vec<usize>> = vec![Vec::new(); self.edges.len()];
        for (path, &p) in self.problem.paths.iter().zip(&self.path_of) {
            for &e in path {
                paths_cut[e].push(p);
            }
        }
        let lost_alone = &solution.lost_alone;
        let mut chosen = solution.edges.clone();
        chosen.sort_by_key(|&e| (!self.problem.executable[e], e));
        chosen
            .into_iter()
            .map(|e| RevokeStep {
                edge: self.edges[e].clone(),
                executable: self.problem.executable[e],
                affects_other_users: self.problem.affects_others[e],
                operation: RemovalOperation::for_edge(self.edges[e]),
                paths_cut: std::mem::take(&mut paths_cut[e]),
                collateral: lost_alone[e]
                    .iter()
                    .map(|&i| self.other_nodes[i].clone())
                    .collect(),
            })
            .collect()
    }
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
            return Self::unbound(user, kind, target);
        };
        let user_node = user.node();
        let mut candidates = Candidates::new(&user_node, explanation.paths());
        candidates.add_others(report, explanation.node());
        let solution = candidates.problem.solve();
        let steps = candidates.steps(&solution);
        let executable: Vec<usize> = solution
            .edges
            .iter()
            .copied()
            .filter(|&e| candidates.problem.executable[e])
            .collect();
        let after = remaining(explanation.paths(), &candidates, &executable);
        let collateral = candidates.lost_by(&solution.edges);
        let warnings = plan_warnings(&explanation, &candidates, &solution, &steps, &after);
        Self {
            user,
            kind,
            target,
            explanation: Some(explanation),
            steps,
            smallest: solution.smallest,
            exact: solution.exact,
            collateral,
            after,
            warnings,
            verify_timeout: Self::DEFAULT_VERIFY_TIMEOUT,
        }
    }

    /// The empty plan of an object the user does not reach.
    fn unbound(user: User, kind: TraversalKind, target: NodeId) -> Self {
        Self {
            user,
            kind,
            target,
            explanation: None,
            steps: Vec::new(),
            smallest: true,
            exact: true,
            collateral: Vec::new(),
            after: Remaining {
                paths: Vec::new(),
                sudo: precedence::decide([]),
                collateral: Vec::new(),
            },
            warnings: Vec::new(),
            verify_timeout: Self::DEFAULT_VERIFY_TIMEOUT,
        }
    }
}

/// What the executable steps alone leave.
fn remaining(paths: &[GrantPath], candidates: &Candidates<'_>, executable: &[usize]) -> Remaining {
    let mut removed = vec![false; candidates.edges.len()];
    for &e in executable {
        removed[e] = true;
    }
    let paths: Vec<GrantPath> = paths
        .iter()
        .filter(|path| !candidates.find_on(path).iter().any(|&e| removed[e]))
        .cloned()
        .collect();
    Remaining {
        sudo: precedence::decide(&paths),
        paths,
        collateral: candidates.lost_by(executable),
    }
}

/// Paths without edges; a plan not known to be smallest or best; access
/// that remains after the executable steps and sudo that would rise; then
/// the explanation's own warnings.
fn plan_warnings(
    explanation: &Explanation,
    candidates: &Candidates<'_>,
    solution: &Solution,
    steps: &[RevokeStep],
    after: &Remaining,
) -> Vec<AccessWarning> {
    let mut warnings = Vec::new();
    if candidates.empty > 0 {
        warnings.push(AccessWarning::EmptyPaths {
            count: candidates.empty,
        });
    }
    let (edges, paths) = (candidates.edges.len(), candidates.problem.paths.len());
    if !solution.smallest {
        warnings.push(AccessWarning::SearchTooLarge { edges, paths });
    } else if !solution.exact {
        warnings.push(AccessWarning::PreferenceEstimated { edges, paths });
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
    warnings
}

impl RevokePlan {
    /// How long [`apply`](Self::apply) waits, by default, for JumpCloud to
    /// show its removals: 2 minutes.
    pub const DEFAULT_VERIFY_TIMEOUT: Duration = Duration::from_secs(120);
    /// The longest verify timeout: a day.
    pub const MAX_VERIFY_TIMEOUT: Duration = Duration::from_secs(24 * 3600);

    /// How long [`apply`](Self::apply) may keep reading the object again
    /// after its writes, waiting for JumpCloud to show the removals
    /// (default [`DEFAULT_VERIFY_TIMEOUT`](Self::DEFAULT_VERIFY_TIMEOUT);
    /// longer than [`MAX_VERIFY_TIMEOUT`](Self::MAX_VERIFY_TIMEOUT) is taken
    /// as that). Zero reads the object once, right after the writes, as
    /// does a plan whose removals show at once.
    ///
    /// ```no_run
    /// # async fn demo(plan: jumpcloud_graph::RevokePlan) -> Result<(), jumpcloud_graph::Error> {
    /// use std::time::Duration;
    /// use jumpcloud_graph::Verification;
    ///
    /// let done = plan.with_verify_timeout(Duration::from_secs(600)).apply().await?;
    /// if done.verification() == Verification::NotYetVisible {
    ///     println!("JumpCloud still shows the removed edges after {:?}", done.waited());
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn with_verify_timeout(mut self, timeout: Duration) -> Self {
        self.verify_timeout = timeout.min(Self::MAX_VERIFY_TIMEOUT);
        self
    }

    /// How long [`apply`](Self::apply) may wait for JumpCloud to show its
    /// removals ([`with_verify_timeout`](Self::with_verify_timeout)).
    pub fn verify_timeout(&self) -> Duration {
        self.verify_timeout
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

    /// Whether the plan is known to have the fewest steps that cut every
    /// path. Always true when the server lists every path (JumpCloud's
    /// contract, checked for each plan); false only for a listing that
    /// leaves paths out and is too large to search
    /// ([`AccessWarning::SearchTooLarge`]).
    pub fn is_smallest(&self) -> bool {
        self.smallest
    }

    /// Whether the choice among the smallest plans is known to be the best
    /// by every preference (most executable steps, least collateral, fewest
    /// edges shared with other users, edges met first). False when the
    /// search ran out of budget and the weighted cut's estimate stands
    /// ([`AccessWarning::PreferenceEstimated`]; the plan is still a smallest
    /// one), or when the plan is not known to be smallest
    /// ([`is_smallest`](Self::is_smallest)).
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

    /// The index of [`deciding_path_after_apply`](Self::deciding_path_after_apply)
    /// in [`remaining_paths`](Self::remaining_paths).
    pub(super) fn deciding_index_after_apply(&self) -> Option<usize> {
        self.after.sudo.deciding
    }

    /// The other objects the user loses with only the executable steps.
    pub fn collateral_of_apply(&self) -> &[GraphNode] {
        &self.after.collateral
    }

    /// What to know before running the plan: access remains after the
    /// executable steps (naming the edges left to an administrator); sudo
    /// would rise; the client's rules disagree with the server;
    /// the user's global sudo flag is not visible; the plan is not known to
    /// be the smallest or the best among the smallest.
    pub fn warnings(&self) -> &[AccessWarning] {
        &self.warnings
    }
}

impl fmt::Display for RevokePlan {
    /// Several lines: the object and its sudo now, each step, what remains
    /// after the executable steps, and the warnings.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(explanation) = &self.explanation else {
            return write!(
                f,
                "{} does not reach {} among the user's {}: nothing to revoke",
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
