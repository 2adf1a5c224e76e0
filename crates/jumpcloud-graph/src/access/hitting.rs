//! The smallest set of edges that cuts every path to an object: an exact
//! hitting-set search within a work budget, and a greedy fallback beyond it.
//!
//! The paths to one object are few in practice (JumpCloud's paths have at
//! most three edges, and a user rarely reaches a device more than a handful
//! of ways), so the exact search is cheap; the budget only matters for a
//! hostile or extraordinary server, where the search gives way to a greedy
//! choice instead of running away.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Paths longer than this many are not searched exactly (the search
/// recurses once per chosen edge, and a plan can need one edge per path).
const MAX_EXACT_PATHS: usize = 64;

/// Units of work (search nodes plus the entries read to score a leaf) the
/// exact search may spend before falling back to the greedy choice.
pub(crate) const BUDGET: usize = 250_000;

/// A hitting-set instance over `n` candidate edges, numbered in the order
/// they were first seen on the paths (the final tie-break).
#[derive(Clone, Debug, Default)]
pub(crate) struct Problem {
    /// The paths to cut, each as the distinct candidate edges on it.
    pub(crate) paths: Vec<Vec<usize>>,
    /// Whether this crate can remove each candidate edge itself.
    pub(crate) executable: Vec<bool>,
    /// Whether removing each candidate edge changes access of other users.
    pub(crate) affects_others: Vec<bool>,
    /// The user's other objects that candidate edges could take away, each
    /// as its paths (as candidate edges); an object is lost when each of its
    /// paths holds a chosen edge.
    pub(crate) others: Vec<Vec<Vec<usize>>>,
}

/// The chosen edges, ascending, and whether the search was exact.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Solution {
    pub(crate) edges: Vec<usize>,
    pub(crate) exact: bool,
}

/// How a hitting set ranks: smaller is better. Fewest edges; then most
/// executable; then fewest other objects lost; then fewest edges that
/// affect other users; then the earliest edges.
type Score = (usize, Reverse<usize>, usize, usize, Vec<usize>);

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

    fn score(&self, edges: &[usize]) -> Score {
        let mut chosen = vec![false; self.edge_count()];
        for &e in edges {
            chosen[e] = true;
        }
        let mut sorted = edges.to_vec();
        sorted.sort_unstable();
        (
            edges.len(),
            Reverse(edges.iter().filter(|&&e| self.executable[e]).count()),
            self.lost(&chosen).len(),
            edges.iter().filter(|&&e| self.affects_others[e]).count(),
            sorted,
        )
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

    /// The best hitting set: exact within [`BUDGET`], greedy beyond.
    pub(crate) fn solve(&self) -> Solution {
        self.solve_within(BUDGET)
    }

    /// [`solve`](Self::solve) with another budget (for tests).
    pub(crate) fn solve_within(&self, budget: usize) -> Solution {
        if self.paths.is_empty() {
            return Solution {
                edges: Vec::new(),
                exact: true,
            };
        }
        if self.paths.len() <= MAX_EXACT_PATHS {
            let mut search = Search {
                problem: self,
                budget,
                work: 0,
                best: None,
                chosen: Vec::new(),
                in_set: vec![false; self.edge_count()],
                forbidden: vec![false; self.edge_count()],
                aborted: false,
            };
            search.run();
            if !search.aborted
                && let Some(score) = search.best
            {
                return Solution {
                    edges: score.4,
                    exact: true,
                };
            }
        }
        Solution {
            edges: self.greedy(),
            exact: false,
        }
    }

    /// A hitting set by repeatedly taking the edge that cuts the most
    /// remaining paths (ties as in [`Score`], with each edge's collateral
    /// counted alone), then dropping any edge the others make redundant.
    /// Every path has at least one edge (the caller leaves empty paths
    /// out), so each round cuts at least one path; every edge enters the
    /// heap at most once per path it is on, so the loop always ends.
    fn greedy(&self) -> Vec<usize> {
        let n = self.edge_count();
        let mut paths_of: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (p, path) in self.paths.iter().enumerate() {
            for &e in path {
                if paths_of[e].last() != Some(&p) {
                    paths_of[e].push(p);
                }
            }
        }
        let mut alone_lost = vec![0usize; n];
        for paths in &self.others {
            let Some(first) = paths.first() else { continue };
            for &e in first {
                if paths.iter().all(|path| path.contains(&e)) {
                    alone_lost[e] += 1;
                }
            }
        }
        let mut cuts: Vec<usize> = paths_of.iter().map(Vec::len).collect();
        let mut hit = vec![false; self.paths.len()];
        let mut chosen: Vec<usize> = Vec::new();
        // A lazy max-heap: an edge's count of uncut paths only falls, so an
        // entry whose count is stale is pushed again with the new count.
        let rank = |e: usize, cuts: usize| {
            (
                cuts,
                self.executable[e],
                Reverse(alone_lost[e]),
                Reverse(self.affects_others[e]),
                Reverse(e),
            )
        };
        let mut heap: BinaryHeap<_> = (0..n)
            .filter(|&e| cuts[e] > 0)
            .map(|e| rank(e, cuts[e]))
            .collect();
        while let Some((count, _, _, _, Reverse(e))) = heap.pop() {
            if count != cuts[e] {
                if cuts[e] > 0 {
                    heap.push(rank(e, cuts[e]));
                }
                continue;
            }
            chosen.push(e);
            for &p in &paths_of[e] {
                if !hit[p] {
                    hit[p] = true;
                    for &other in &self.paths[p] {
                        cuts[other] = cuts[other].saturating_sub(1);
                    }
                }
            }
        }
        // Drop edges the rest make redundant, latest first: an edge is
        // redundant when each of its paths holds another chosen edge.
        let mut holders = vec![0usize; self.paths.len()];
        for &e in &chosen {
            for &p in &paths_of[e] {
                holders[p] += 1;
            }
        }
        let mut kept = vec![true; chosen.len()];
        for i in (0..chosen.len()).rev() {
            let e = chosen[i];
            if paths_of[e].iter().all(|&p| holders[p] >= 2) {
                kept[i] = false;
                for &p in &paths_of[e] {
                    holders[p] -= 1;
                }
            }
        }
        let mut chosen: Vec<usize> = chosen
            .into_iter()
            .zip(kept)
            .filter_map(|(e, keep)| keep.then_some(e))
            .collect();
        chosen.sort_unstable();
        chosen
    }
}

/// Whether each path holds a chosen edge.
fn cut_all(paths: &[Vec<usize>], chosen: &[bool]) -> bool {
    paths.iter().all(|path| {
        path.iter()
            .any(|&e| chosen.get(e).copied().unwrap_or(false))
    })
}

/// The exact search: branch on an uncut path's edges (the path with the
/// fewest choices), and forbid the edges of earlier branches in later ones,
/// so each set of edges is reached at most once; every minimal hitting set
/// is reached, so the best of the smallest is found.
struct Search<'a> {
    problem: &'a Problem,
    budget: usize,
    work: usize,
    best: Option<Score>,
    chosen: Vec<usize>,
    in_set: Vec<bool>,
    forbidden: Vec<bool>,
    aborted: bool,
}

impl Search<'_> {
    fn run(&mut self) {
        self.work += 1;
        if self.aborted || self.work > self.budget {
            self.aborted = true;
            return;
        }
        let best_len = self.best.as_ref().map(|score| score.0);
        // The uncut path with the fewest edges still allowed.
        let mut branch: Option<Vec<usize>> = None;
        for path in &self.problem.paths {
            if path.iter().any(|&e| self.in_set[e]) {
                continue;
            }
            let allowed: Vec<usize> = path
                .iter()
                .copied()
                .filter(|&e| !self.forbidden[e])
                .collect();
            if branch.as_ref().is_none_or(|b| allowed.len() < b.len()) {
                branch = Some(allowed);
            }
        }
        let Some(branch) = branch else {
            // Every path is cut: a candidate.
            self.work += self.problem.others.iter().map(Vec::len).sum::<usize>();
            let score = self.problem.score(&self.chosen);
            if self.best.as_ref().is_none_or(|best| score < *best) {
                self.best = Some(score);
            }
            return;
        };
        if best_len.is_some_and(|len| self.chosen.len() >= len) {
            return; // one more edge would make it larger than the best
        }
        let mut forbidden_here = Vec::new();
        for e in branch {
            self.chosen.push(e);
            self.in_set[e] = true;
            self.run();
            self.in_set[e] = false;
            self.chosen.pop();
            self.forbidden[e] = true;
            forbidden_here.push(e);
            if self.aborted {
                break;
            }
        }
        for e in forbidden_here {
            self.forbidden[e] = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(paths: Vec<Vec<usize>>, n: usize) -> Problem {
        Problem {
            paths,
            executable: vec![false; n],
            affects_others: vec![false; n],
            others: Vec::new(),
        }
    }

    #[test]
    fn no_paths_need_no_edges() {
        let solution = problem(Vec::new(), 0).solve();
        assert_eq!(solution.edges, Vec::<usize>::new());
        assert!(solution.exact);
    }

    #[test]
    fn a_shared_edge_beats_one_edge_per_path() {
        // Two paths through the same membership (edge 0).
        let solution = problem(vec![vec![0, 1], vec![0, 2]], 3).solve();
        assert_eq!(solution.edges, [0]);
    }

    #[test]
    fn executable_edges_are_preferred_among_the_smallest() {
        let mut p = problem(vec![vec![0, 1]], 2);
        p.executable[1] = true;
        assert_eq!(p.solve().edges, [1]);
    }

    #[test]
    fn less_collateral_is_preferred_among_equally_executable() {
        // Edge 0 is also the only way to another object; edge 1 is not.
        let mut p = problem(vec![vec![0, 1]], 2);
        p.others = vec![vec![vec![0]]];
        assert_eq!(p.solve().edges, [1]);
    }

    #[test]
    fn ten_disjoint_paths_need_ten_edges_and_stay_exact() {
        let paths: Vec<Vec<usize>> = (0..10).map(|i| vec![2 * i, 2 * i + 1]).collect();
        let solution = problem(paths, 20).solve();
        assert_eq!(solution.edges.len(), 10);
        assert!(solution.exact);
    }

    #[test]
    fn a_tiny_budget_falls_back_to_a_greedy_set_that_still_cuts_everything() {
        let paths: Vec<Vec<usize>> = (0..10).map(|i| vec![2 * i, 2 * i + 1, 20]).collect();
        let p = problem(paths, 21);
        let solution = p.solve_within(3);
        assert!(!solution.exact);
        assert!(p.is_hit_by(&solution.edges));
        assert_eq!(solution.edges, [20]);
    }

    #[test]
    fn many_paths_go_greedy_without_recursing_deeply() {
        let n = 10_000;
        let paths: Vec<Vec<usize>> = (0..n).map(|i| vec![i]).collect();
        let p = problem(paths, n);
        let solution = p.solve();
        assert!(!solution.exact);
        assert_eq!(solution.edges.len(), n);
    }
}
