//! The exact choice among hitting sets of one part of the problem: a
//! branch-and-bound search from a known good set, with bounds that only
//! grow as edges are added, within a work budget.

use super::{Part, Problem, Score, sorted};

/// The deepest the search recurses (edges chosen by branching, beyond
/// those forced by one-edge paths). A part that needs more is left to the
/// weighted cut: its search could not finish within the budget anyway.
const MAX_DEPTH: usize = 512;

/// Running totals of the chosen edges, as [`Score`] counts them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
struct Tally {
    fixed: usize,
    lost: usize,
    shared: usize,
}

/// The search over one [`Part`], in local edge numbers (the part's edges
/// in ascending order, so local order is global order).
pub(super) struct Search {
    /// Local edge -> edge of the problem.
    global: Vec<usize>,
    /// The part's distinct paths, as local edges.
    paths: Vec<Vec<usize>>,
    fixed: Vec<bool>,
    shared: Vec<bool>,
    /// Local edge -> the other objects' paths (numbered) that hold it.
    occurrences: Vec<Vec<usize>>,
    /// Other objects' path -> its object.
    owner: Vec<usize>,
    /// Per other object: its paths, and how many identical objects it
    /// stands for.
    needed: Vec<usize>,
    weight: Vec<usize>,
    /// Per other path: chosen edges on it; per object: paths cut.
    hits: Vec<usize>,
    cut: Vec<usize>,
    in_set: Vec<bool>,
    forbidden: Vec<bool>,
    stamp: Vec<u64>,
    round: u64,
    chosen: Vec<usize>,
    tally: Tally,
    known_min: Option<usize>,
    best: Option<Score>,
    work: usize,
    budget: usize,
    aborted: bool,
}

impl Search {
    /// A search over `part`; `known_min` is the part's proven smallest
    /// size, when there is one.
    pub(super) fn new(
        problem: &Problem,
        part: &Part,
        local: &[usize],
        known_min: Option<usize>,
        budget: usize,
    ) -> Self {
        let to_local = |path: &Vec<usize>| -> Vec<usize> {
            sorted(&path.iter().map(|&e| local[e]).collect::<Vec<_>>())
        };
        let mut paths: Vec<Vec<usize>> = part
            .paths
            .iter()
            .map(|&p| to_local(&problem.paths[p]))
            .collect();
        paths.sort();
        paths.dedup();
        // Identical other objects count once, with their number.
        let mut all: Vec<Vec<Vec<usize>>> = part
            .others
            .iter()
            .map(|&o| {
                let mut object: Vec<Vec<usize>> = problem.others[o].iter().map(to_local).collect();
                object.sort();
                object.dedup();
                object
            })
            .collect();
        all.sort();
        let mut objects: Vec<(Vec<Vec<usize>>, usize)> = Vec::new();
        for object in all {
            match objects.last_mut() {
                Some((last, count)) if *last == object => *count += 1,
                _ => objects.push((object, 1)),
            }
        }
        let n = part.edges.len();
        let mut search = Self {
            fixed: part.edges.iter().map(|&e| !problem.executable[e]).collect(),
            shared: part
                .edges
                .iter()
                .map(|&e| problem.affects_others[e])
                .collect(),
            global: part.edges.clone(),
            paths,
            occurrences: vec![Vec::new(); n],
            owner: Vec::new(),
            needed: Vec::new(),
            weight: Vec::new(),
            hits: Vec::new(),
            cut: vec![0; objects.len()],
            in_set: vec![false; n],
            forbidden: vec![false; n],
            stamp: vec![0; n],
            round: 0,
            chosen: Vec::new(),
            tally: Tally::default(),
            known_min,
            best: None,
            work: 0,
            budget,
            aborted: false,
        };
        for (o, (object, weight)) in objects.into_iter().enumerate() {
            search.needed.push(object.len());
            search.weight.push(weight);
            for path in object {
                let number = search.owner.len();
                search.owner.push(o);
                search.hits.push(0);
                for e in path {
                    search.occurrences[e].push(number);
                }
            }
        }
        search
    }

    /// The work spent so far.
    pub(super) fn work(&self) -> usize {
        self.work
    }

    /// Searches from `start` (edges of the problem, a hitting set of the
    /// part); returns the best set found, as edges of the problem, and
    /// whether the search was complete.
    pub(super) fn run(&mut self, start: &[usize]) -> (Vec<usize>, bool) {
        // The part's edges are ascending, so a binary search finds each.
        let start: Vec<usize> = start
            .iter()
            .filter_map(|e| self.global.binary_search(e).ok())
            .collect();
        if self.hits_every_path(&start) {
            for &e in &start {
                self.push(e);
            }
            self.best = Some(self.score());
            for &e in start.iter().rev() {
                self.pop(e);
            }
        } else {
            self.known_min = None;
        }
        // Edges that are a path on their own are in every hitting set.
        let forced: Vec<usize> = self
            .paths
            .iter()
            .filter(|path| path.len() == 1)
            .map(|path| path[0])
            .collect();
        for e in forced {
            if !self.in_set[e] {
                self.push(e);
            }
        }
        let depth_needed = self.best.as_ref().map_or(self.paths.len(), |best| best.0);
        if depth_needed.saturating_sub(self.chosen.len()) > MAX_DEPTH {
            self.aborted = true;
        } else {
            self.descend(0);
        }
        let best = self.best.as_ref().map_or_else(Vec::new, |best| {
            best.4.iter().map(|&e| self.global[e]).collect()
        });
        (best, !self.aborted)
    }

    fn hits_every_path(&self, edges: &[usize]) -> bool {
        self.paths
            .iter()
            .all(|path| path.iter().any(|e| edges.contains(e)))
    }

    fn score(&self) -> Score {
        let mut edges = self.chosen.clone();
        edges.sort_unstable();
        (
            self.chosen.len(),
            self.tally.fixed,
            self.tally.lost,
            self.tally.shared,
            edges,
        )
    }

    /// Whether sets that add edges to the chosen ones, with at least
    /// `size_floor` edges, all rank below the best: every count only grows
    /// as edges are added.
    fn cannot_beat_best(&self, size_floor: usize) -> bool {
        self.best.as_ref().is_some_and(|best| {
            (
                size_floor,
                self.tally.fixed,
                self.tally.lost,
                self.tally.shared,
            ) > (best.0, best.1, best.2, best.3)
        })
    }

    fn push(&mut self, e: usize) {
        self.in_set[e] = true;
        self.chosen.push(e);
        self.tally.fixed += usize::from(self.fixed[e]);
        self.tally.shared += usize::from(self.shared[e]);
        self.work = self.work.saturating_add(self.occurrences[e].len());
        for &path in &self.occurrences[e] {
            self.hits[path] += 1;
            if self.hits[path] == 1 {
                let object = self.owner[path];
                self.cut[object] += 1;
                if self.cut[object] == self.needed[object] {
                    self.tally.lost += self.weight[object];
                }
            }
        }
    }

    fn pop(&mut self, e: usize) {
        for &path in &self.occurrences[e] {
            self.hits[path] -= 1;
            if self.hits[path] == 0 {
                let object = self.owner[path];
                if self.cut[object] == self.needed[object] {
                    self.tally.lost -= self.weight[object];
                }
                self.cut[object] -= 1;
            }
        }
        self.tally.fixed -= usize::from(self.fixed[e]);
        self.tally.shared -= usize::from(self.shared[e]);
        self.chosen.pop();
        self.in_set[e] = false;
    }

    /// One node: branch on the uncut path with the fewest edges still
    /// allowed, forbidding each edge in the branches after its own, so each
    /// set is reached at most once and every minimal hitting set is reached.
    fn descend(&mut self, depth: usize) {
        self.work = self.work.saturating_add(1);
        let Some(scan) = self.scan() else {
            return; // an uncut path with no edge left to choose
        };
        if self.work > self.budget || depth > MAX_DEPTH {
            self.aborted = true;
            return;
        }
        let Some(branch) = scan.branch else {
            let score = self.score();
            if self.best.as_ref().is_none_or(|best| score < *best) {
                self.best = Some(score);
            }
            return;
        };
        let floor = (self.chosen.len() + scan.disjoint).max(self.known_min.unwrap_or(0));
        if self.cannot_beat_best(floor) {
            return;
        }
        let choices: Vec<usize> = self.paths[branch]
            .iter()
            .copied()
            .filter(|&e| !self.forbidden[e])
            .collect();
        let mut forbidden_here = Vec::new();
        for e in choices {
            self.push(e);
            self.descend(depth + 1);
            self.pop(e);
            if self.aborted {
                break;
            }
            self.forbidden[e] = true;
            forbidden_here.push(e);
        }
        for e in forbidden_here {
            self.forbidden[e] = false;
        }
    }

    /// Reads the uncut paths once: the one to branch on (fewest allowed
    /// edges), and how many of them are pairwise disjoint in their allowed
    /// edges (a lower bound on the edges still needed). `None` when an
    /// uncut path has no allowed edge.
    fn scan(&mut self) -> Option<Scan> {
        self.round += 1;
        let mut scan = Scan::default();
        let mut fewest = usize::MAX;
        for (p, path) in self.paths.iter().enumerate() {
            self.work = self.work.saturating_add(path.len());
            if path.iter().any(|&e| self.in_set[e]) {
                continue;
            }
            let allowed = path.iter().filter(|&&e| !self.forbidden[e]).count();
            if allowed == 0 {
                return None;
            }
            let round = self.round;
            let stamp = &mut self.stamp;
            let forbidden = &self.forbidden;
            if !path.iter().any(|&e| !forbidden[e] && stamp[e] == round) {
                scan.disjoint += 1;
                for &e in path {
                    stamp[e] = round;
                }
            }
            if allowed < fewest {
                fewest = allowed;
                scan.branch = Some(p);
            }
        }
        Some(scan)
    }
}

/// What one pass over the uncut paths found.
#[derive(Default)]
struct Scan {
    branch: Option<usize>,
    disjoint: usize,
}
