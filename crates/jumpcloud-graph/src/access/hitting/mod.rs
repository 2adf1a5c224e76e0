//! The fewest edges that cut every path to an object, and the best such
//! set by the plan's preferences.
//!
//! # The size: a minimum cut
//!
//! Every listed path runs from the user to the object, so the union of the
//! paths' edges is a graph, and any set of edges that separates the user
//! from the object in it cuts every path. The fewest such edges are a
//! minimum s–t edge cut, which a maximum flow finds in polynomial time
//! ([`flow`]: Dinic's algorithm, `O(E·√E)` over `E` distinct edges with
//! unit capacities; iterative, so no path length can exhaust the stack).
//!
//! Hitting every *listed* path can take fewer edges than cutting the union
//! graph, when the union graph holds a route the server did not list (two
//! listed paths that cross make a third; see the unit tests). JumpCloud
//! lists every path, and then the two problems are the same; this is
//! checked rather than assumed: the unit maximum flow splits into as many
//! edge-disjoint routes as the cut has edges, and when each route is a
//! listed path, those listed paths need one edge each, so no hitting set
//! is smaller than the cut. Without that certificate (a server that leaves
//! paths out) the size is found by the exact search below, starting from
//! the cut (always a valid hitting set); its budget may run out, and then
//! the plan is not known to be the smallest ([`Solution::smallest`]):
//! hitting an arbitrary family of paths with fewest edges is NP-hard.
//!
//! # The choice among the smallest: a weighted cut, then a search
//!
//! Among sets of the smallest size the plan prefers the most edges this
//! crate removes itself, then the fewest other objects lost, then the
//! fewest edges shared with other users, then the edges met first
//! ([`Score`]). A second maximum flow, with capacities weighted so that
//! size counts first, then edges this crate cannot remove, then each
//! edge's own collateral, then sharing, finds a smallest cut with the most
//! executable edges exactly; collateral it only estimates edge by edge (an
//! object is lost when *each* of its paths is cut, which no edge weight
//! expresses). That cut is the starting point of an exact branch-and-bound
//! search ([`search`]) over the problem's independent parts (edges that no
//! path or other object links), smallest parts first; a part with one path
//! is decided directly. Every count in [`Score`] only grows as edges are
//! added, and pairwise disjoint uncut paths bound the edges still needed,
//! which prunes most branches. The search spends at most [`BUDGET`]; past
//! it, the best set found so far stands: still a smallest set with the most
//! executable edges (when certified), but maybe not the least collateral
//! ([`Solution::exact`] is false).

mod flow;
mod search;

use flow::{INFINITE, Network};
use search::Search;

/// Units of work (search nodes, path entries scanned, counters updated)
/// the exact search may spend on one plan: about two milliseconds.
pub(crate) const BUDGET: usize = 500_000;

/// A hitting-set instance over candidate edges numbered in the order they
/// were first seen on the paths (the final tie-break).
#[derive(Clone, Debug, Default)]
pub(crate) struct Problem {
    /// The paths to cut, each as the distinct candidate edges on it, in
    /// path order; each path is a chain (an edge's tail is the previous
    /// edge's head).
    pub(crate) paths: Vec<Vec<usize>>,
    /// Each candidate edge's tail and head, as node numbers.
    pub(crate) ends: Vec<(usize, usize)>,
    /// Whether this crate can remove each candidate edge itself.
    pub(crate) executable: Vec<bool>,
    /// Whether removing each candidate edge changes access of other users.
    pub(crate) affects_others: Vec<bool>,
    /// The user's other objects that candidate edges could take away, each
    /// as its paths (as candidate edges); an object is lost when each of its
    /// paths holds a chosen edge.
    pub(crate) others: Vec<Vec<Vec<usize>>>,
}

/// The chosen edges, ascending; whether they are known to be as few as
/// possible; whether they are known to be the best by the whole [`Score`];
/// and, for every candidate edge, the other objects it takes away alone
/// ([`Problem::lost_alone`], computed once for both).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Solution {
    pub(crate) edges: Vec<usize>,
    pub(crate) smallest: bool,
    pub(crate) exact: bool,
    pub(crate) lost_alone: Vec<Vec<usize>>,
}

/// How a hitting set ranks, smaller first: fewest edges; fewest edges this
/// crate cannot remove; fewest other objects lost; fewest edges that
/// affect other users; then the earliest edges (ascending indices compared
/// in order).
pub(crate) type Score = (usize, usize, usize, usize, Vec<usize>);

impl Problem {
    fn edge_count(&self) -> usize {
        self.executable.len()
    }

    /// The objects in `others` (by index) that the chosen edges take away.
    pub(crate) fn lost(&self, chosen: &[bool]) -> Vec<usize> {
        self.others
            .iter()
            .enumerate()
            .filter(|(_, paths)| cut_all(paths, chosen))
            .map(|(i, _)| i)
            .collect()
    }

    /// For each candidate edge, the objects in `others` it takes away on
    /// its own: those whose every path holds it.
    pub(crate) fn lost_alone(&self) -> Vec<Vec<usize>> {
        let n = self.edge_count();
        let mut lost = vec![Vec::new(); n];
        // Per edge: paths of the current object holding it, and the last
        // such path (so an edge twice on one path counts once).
        let mut count = vec![0usize; n];
        let mut last_path = vec![usize::MAX; n];
        for (object, paths) in self.others.iter().enumerate() {
            let mut touched: Vec<usize> = Vec::new();
            for (p, path) in paths.iter().enumerate() {
                for &e in path {
                    if last_path[e] != p {
                        last_path[e] = p;
                        if count[e] == 0 {
                            touched.push(e);
                        }
                        count[e] += 1;
                    }
                }
            }
            for e in touched {
                if count[e] == paths.len() {
                    lost[e].push(object);
                }
                count[e] = 0;
                last_path[e] = usize::MAX;
            }
        }
        lost
    }

    /// Whether every path holds one of the edges.
    #[cfg(test)]
    pub(crate) fn is_hit_by(&self, edges: &[usize]) -> bool {
        let mut chosen = vec![false; self.edge_count()];
        for &e in edges {
            if let Some(slot) = chosen.get_mut(e) {
                *slot = true;
            }
        }
        cut_all(&self.paths, &chosen)
    }

    /// The best hitting set, within [`BUDGET`].
    pub(crate) fn solve(&self) -> Solution {
        self.solve_within(BUDGET)
    }

    /// [`solve`](Self::solve) with another budget (for tests).
    pub(crate) fn solve_within(&self, budget: usize) -> Solution {
        let lost_alone = self.lost_alone();
        if self.paths.is_empty() {
            return Solution {
                edges: Vec::new(),
                smallest: true,
                exact: true,
                lost_alone,
            };
        }
        let cut = self.min_cut(&lost_alone);
        let (parts, local) = self.parts();
        let mut edges: Vec<usize> = Vec::new();
        let mut complete = true;
        let mut spent = 0usize;
        for part in &parts {
            if let [path] = part.paths[..] {
                edges.push(self.best_of_one_path(path, &lost_alone));
                continue;
            }
            let start: Vec<usize> = part
                .edges
                .iter()
                .copied()
                .filter(|&e| cut.in_cut[e])
                .collect();
            let known_min = cut.certified.then_some(start.len());
            let left = budget.saturating_sub(spent);
            let mut search = Search::new(self, part, &local, known_min, left);
            let (best, done) = search.run(&start);
            spent = spent.saturating_add(search.work());
            complete &= done;
            edges.extend(best);
        }
        edges.sort_unstable();
        let mut solution = Solution {
            smallest: cut.certified || complete,
            exact: complete,
            edges,
            lost_alone,
        };
        self.cover_unhit(&mut solution);
        solution
    }

    /// The best edge of a part with one path: any one edge cuts it, and
    /// what it takes away is what it takes alone.
    fn best_of_one_path(&self, path: usize, lost_alone: &[Vec<usize>]) -> usize {
        let rank = |&e: &usize| {
            (
                !self.executable[e],
                lost_alone[e].len(),
                self.affects_others[e],
                e,
            )
        };
        self.paths[path]
            .iter()
            .copied()
            .min_by_key(rank)
            .unwrap_or_default()
    }

    /// A last guard: a path the chosen edges miss (never expected: every
    /// path is a route of the cut graph) gets its first edge, and the
    /// solution loses its claims.
    fn cover_unhit(&self, solution: &mut Solution) {
        let mut chosen = vec![false; self.edge_count()];
        for &e in &solution.edges {
            chosen[e] = true;
        }
        for path in &self.paths {
            if !path.iter().any(|&e| chosen[e])
                && let Some(&first) = path.first()
            {
                chosen[first] = true;
                solution.edges.push(first);
                solution.smallest = false;
                solution.exact = false;
            }
        }
        solution.edges.sort_unstable();
    }

    /// Splits the candidate edges into parts that can be decided apart:
    /// edges share a part when a path or another object's paths hold both.
    fn parts(&self) -> (Vec<Part>, Vec<usize>) {
        let n = self.edge_count();
        let mut sets = DisjointSets::new(n);
        for path in &self.paths {
            for pair in path.windows(2) {
                sets.join(pair[0], pair[1]);
            }
        }
        for paths in &self.others {
            let mut edges = paths.iter().flatten();
            if let Some(&first) = edges.next() {
                for &e in edges {
                    sets.join(first, e);
                }
            }
        }
        // Parts numbered by their first edge; each edge's place in its part.
        let mut part_of_root = vec![usize::MAX; n];
        let mut parts: Vec<Part> = Vec::new();
        let mut local = vec![0usize; n];
        let mut part_of = vec![0usize; n];
        for e in 0..n {
            let root = sets.root(e);
            if part_of_root[root] == usize::MAX {
                part_of_root[root] = parts.len();
                parts.push(Part::default());
            }
            let p = part_of_root[root];
            part_of[e] = p;
            local[e] = parts[p].edges.len();
            parts[p].edges.push(e);
        }
        for (i, path) in self.paths.iter().enumerate() {
            if let Some(&e) = path.first() {
                parts[part_of[e]].paths.push(i);
            }
        }
        for (i, paths) in self.others.iter().enumerate() {
            if let Some(&e) = paths.iter().flatten().next() {
                parts[part_of[e]].others.push(i);
            }
        }
        // Small parts first, so one huge part cannot starve the others of
        // the budget.
        parts.sort_by_key(|part| (part.paths.len(), part.edges.first().copied()));
        (parts, local)
    }
}

/// Edges, paths and other objects (by index into the [`Problem`]) that are
/// decided together.
#[derive(Clone, Debug, Default)]
pub(crate) struct Part {
    pub(crate) edges: Vec<usize>,
    pub(crate) paths: Vec<usize>,
    pub(crate) others: Vec<usize>,
}

/// A minimum cut of the union graph, and whether it is certified minimum
/// for the listed paths too.
struct Cut {
    in_cut: Vec<bool>,
    certified: bool,
}

impl Problem {
    /// The minimum cut of least weight (see the module docs), and whether
    /// a unit flow splits into as many listed paths as it has edges.
    fn min_cut(&self, lost_alone: &[Vec<usize>]) -> Cut {
        let (mut unit, unit_arcs, source, sink) = self.network(|_| 1);
        let size = unit.max_flow(source, sink);
        let certified = self.routes_are_listed(&unit, &unit_arcs, source, sink);
        let weights = self.weights(lost_alone);
        let (mut weighted, _, source, sink) = self.network(|e| weights[e]);
        weighted.max_flow(source, sink);
        let side = weighted.source_side(source);
        let mut in_cut: Vec<bool> = (0..self.edge_count())
            .map(|e| side[self.ends[e].0] && !side[self.ends[e].1])
            .collect();
        let chosen = in_cut.iter().filter(|&&c| c).count() as u128;
        if chosen != size {
            // Only when the weights saturated: the unit cut is smallest.
            let side = unit.source_side(source);
            in_cut = (0..self.edge_count())
                .map(|e| side[self.ends[e].0] && !side[self.ends[e].1])
                .collect();
        }
        Cut { in_cut, certified }
    }

    /// The union graph with a source joined to every path's first node and
    /// every path's last node joined to a sink; returns the network, the
    /// arc of each candidate edge, the source and the sink.
    fn network(&self, capacity: impl Fn(usize) -> u128) -> (Network, Vec<usize>, usize, usize) {
        let nodes = self
            .ends
            .iter()
            .map(|&(from, to)| from.max(to) + 1)
            .max()
            .unwrap_or(0);
        let (source, sink) = (nodes, nodes + 1);
        let mut network = Network::new(nodes + 2);
        let arcs: Vec<usize> = self
            .ends
            .iter()
            .enumerate()
            .map(|(e, &(from, to))| network.arc(from, to, capacity(e)))
            .collect();
        let mut start = vec![false; nodes];
        let mut end = vec![false; nodes];
        for path in &self.paths {
            if let (Some(&first), Some(&last)) = (path.first(), path.last()) {
                start[self.ends[first].0] = true;
                end[self.ends[last].1] = true;
            }
        }
        for node in 0..nodes {
            if start[node] {
                network.arc(source, node, INFINITE);
            }
            if end[node] {
                network.arc(node, sink, INFINITE);
            }
        }
        (network, arcs, source, sink)
    }

    /// Whether each route of the unit flow is, edge for edge, a listed
    /// path: then that many listed paths are edge-disjoint and no hitting
    /// set has fewer edges than the flow.
    fn routes_are_listed(
        &self,
        unit: &Network,
        arcs: &[usize],
        source: usize,
        sink: usize,
    ) -> bool {
        // Arcs of candidate edges are the first ones added, in edge order.
        let edge_of = |arc: usize| (arc / 2 < arcs.len()).then_some(arc / 2);
        let mut listed: Vec<Vec<usize>> = self.paths.iter().map(|path| sorted(path)).collect();
        listed.sort_unstable();
        unit.routes(source, sink).iter().all(|route| {
            let edges: Vec<usize> = route.iter().filter_map(|&arc| edge_of(arc)).collect();
            listed.binary_search(&sorted(&edges)).is_ok()
        })
    }

    /// Capacities that rank cuts as [`Score`] does, as far as it counts
    /// edge by edge: size first, then edges this crate cannot remove, then
    /// the objects each edge takes away alone (an estimate of collateral),
    /// then edges shared with other users. Each weight exceeds the most the
    /// lower ones can add up to over any cut.
    fn weights(&self, lost_alone: &[Vec<usize>]) -> Vec<u128> {
        let n = self.edge_count() as u128;
        let alone: Vec<u128> = lost_alone.iter().map(|l| l.len() as u128).collect();
        let alone_total: u128 = alone.iter().fold(0, |sum, &a| sum.saturating_add(a));
        let shared_weight: u128 = 1;
        let lost_weight = n.saturating_add(1);
        let lower = lost_weight.saturating_mul(alone_total).saturating_add(n);
        let fixed_weight = lower.saturating_add(1);
        let size_weight = fixed_weight
            .saturating_mul(n)
            .saturating_add(lower)
            .saturating_add(1);
        (0..self.edge_count())
            .map(|e| {
                size_weight
                    .saturating_add(fixed_weight * u128::from(!self.executable[e]))
                    .saturating_add(lost_weight.saturating_mul(alone[e]))
                    .saturating_add(shared_weight * u128::from(self.affects_others[e]))
            })
            .collect()
    }
}

/// `items` sorted, without repeats.
fn sorted(items: &[usize]) -> Vec<usize> {
    let mut items = items.to_vec();
    items.sort_unstable();
    items.dedup();
    items
}

/// Whether each path holds a chosen edge.
fn cut_all(paths: &[Vec<usize>], chosen: &[bool]) -> bool {
    paths.iter().all(|path| {
        path.iter()
            .any(|&e| chosen.get(e).copied().unwrap_or(false))
    })
}

/// Union-find over edge numbers, with path halving.
struct DisjointSets {
    parent: Vec<usize>,
}

impl DisjointSets {
    fn new(n: usize) -> Self {
        Self {
            parent: (0..n).collect(),
        }
    }

    fn root(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    fn join(&mut self, a: usize, b: usize) {
        let (a, b) = (self.root(a), self.root(b));
        if a != b {
            self.parent[a.max(b)] = a.min(b);
        }
    }
}

#[cfg(test)]
mod tests;
