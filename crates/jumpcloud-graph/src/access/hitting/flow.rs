//! Maximum flow and minimum cut (Dinic's algorithm) on the graph formed by
//! the paths' edges, and the decomposition of a unit flow into routes: the
//! polynomial core of the revoke plan.
//!
//! Everything is iterative (a hostile server can send a path of any
//! length, so nothing recurses per node), and capacities saturate.

use std::collections::VecDeque;

/// A capacity that no cut of real edges reaches.
pub(crate) const INFINITE: u128 = u128::MAX / 4;

const UNREACHED: usize = usize::MAX;

/// A flow network: arcs in pairs (`a` forward, `a ^ 1` its residual twin).
#[derive(Clone, Debug)]
pub(crate) struct Network {
    /// Arc indices leaving each node.
    out: Vec<Vec<usize>>,
    /// Each arc's head.
    head: Vec<usize>,
    /// Each arc's residual capacity.
    residual: Vec<u128>,
    /// Each forward arc's capacity as added (0 for residual twins).
    capacity: Vec<u128>,
}

impl Network {
    /// A network of `nodes` nodes and no arcs.
    pub(crate) fn new(nodes: usize) -> Self {
        Self {
            out: vec![Vec::new(); nodes],
            head: Vec::new(),
            residual: Vec::new(),
            capacity: Vec::new(),
        }
    }

    /// Adds an arc and returns its index (always even).
    pub(crate) fn arc(&mut self, from: usize, to: usize, capacity: u128) -> usize {
        let index = self.head.len();
        self.out[from].push(index);
        self.head.push(to);
        self.residual.push(capacity);
        self.capacity.push(capacity);
        self.out[to].push(index + 1);
        self.head.push(from);
        self.residual.push(0);
        self.capacity.push(0);
        index
    }

    /// The flow on a forward arc.
    pub(crate) fn flow(&self, arc: usize) -> u128 {
        self.capacity[arc].saturating_sub(self.residual[arc])
    }

    /// Pushes a maximum flow from `source` to `sink`; returns its value
    /// (saturating).
    pub(crate) fn max_flow(&mut self, source: usize, sink: usize) -> u128 {
        let mut total: u128 = 0;
        while let Some(level) = self.levels(source, sink) {
            total = total.saturating_add(self.blocking_flow(source, sink, &level));
        }
        total
    }

    /// Breadth-first distances from `source` over arcs with residual
    /// capacity; `None` once `sink` is out of reach.
    fn levels(&self, source: usize, sink: usize) -> Option<Vec<usize>> {
        let mut level = vec![UNREACHED; self.out.len()];
        level[source] = 0;
        let mut queue = VecDeque::from([source]);
        while let Some(node) = queue.pop_front() {
            for &arc in &self.out[node] {
                let next = self.head[arc];
                if self.residual[arc] > 0 && level[next] == UNREACHED {
                    level[next] = level[node] + 1;
                    queue.push_back(next);
                }
            }
        }
        (level[sink] != UNREACHED).then_some(level)
    }

    /// Augments along shortest paths until none is left in the level graph
    /// (an iterative depth-first search with a current-arc pointer per
    /// node, so each arc is passed over at most once per phase).
    fn blocking_flow(&mut self, source: usize, sink: usize, level: &[usize]) -> u128 {
        let mut level = level.to_vec();
        let mut next_arc = vec![0usize; self.out.len()];
        let mut route: Vec<usize> = Vec::new();
        let mut total: u128 = 0;
        let mut node = source;
        loop {
            if node == sink {
                let pushed = route
                    .iter()
                    .map(|&arc| self.residual[arc])
                    .min()
                    .unwrap_or(0);
                for &arc in &route {
                    self.residual[arc] -= pushed;
                    self.residual[arc ^ 1] = self.residual[arc ^ 1].saturating_add(pushed);
                }
                total = total.saturating_add(pushed);
                route.clear();
                node = source;
                continue;
            }
            let admissible = self.out[node][next_arc[node]..].iter().position(|&arc| {
                self.residual[arc] > 0 && level[self.head[arc]] == level[node].wrapping_add(1)
            });
            match admissible {
                Some(skip) => {
                    next_arc[node] += skip;
                    let arc = self.out[node][next_arc[node]];
                    route.push(arc);
                    node = self.head[arc];
                }
                None => {
                    // A dead end: no shortest path goes through `node`.
                    next_arc[node] = self.out[node].len();
                    level[node] = UNREACHED;
                    let Some(arc) = route.pop() else {
                        return total;
                    };
                    node = self.head[arc ^ 1];
                    next_arc[node] += 1;
                }
            }
        }
    }

    /// The nodes reachable from `source` over residual capacity: after a
    /// maximum flow, the source side of a minimum cut (the one closest to
    /// the source).
    pub(crate) fn source_side(&self, source: usize) -> Vec<bool> {
        let mut seen = vec![false; self.out.len()];
        seen[source] = true;
        let mut stack = vec![source];
        while let Some(node) = stack.pop() {
            for &arc in &self.out[node] {
                let next = self.head[arc];
                if self.residual[arc] > 0 && !seen[next] {
                    seen[next] = true;
                    stack.push(next);
                }
            }
        }
        seen
    }

    /// Splits a maximum flow of whole units into routes from `source` to
    /// `sink`, each as the forward arcs it takes, without repeated nodes
    /// (cycles of flow are dropped). Every unit of flow gives one route, so
    /// the routes are pairwise arc-disjoint where arcs carry one unit.
    pub(crate) fn routes(&self, source: usize, sink: usize) -> Vec<Vec<usize>> {
        let mut left: Vec<u128> = (0..self.head.len())
            .map(|arc| if arc % 2 == 0 { self.flow(arc) } else { 0 })
            .collect();
        let mut position = vec![UNREACHED; self.out.len()];
        let mut next_arc = vec![0usize; self.out.len()];
        let mut routes = Vec::new();
        loop {
            let mut nodes = vec![source];
            let mut arcs: Vec<usize> = Vec::new();
            position[source] = 0;
            let mut node = source;
            while node != sink {
                let carrying = self.out[node][next_arc[node]..]
                    .iter()
                    .position(|&arc| left[arc] > 0);
                let Some(skip) = carrying else {
                    break; // no flow left from here (only at the source)
                };
                next_arc[node] += skip;
                let arc = self.out[node][next_arc[node]];
                left[arc] -= 1;
                node = self.head[arc];
                if position[node] != UNREACHED {
                    // A cycle: drop it.
                    let back = position[node];
                    for dropped in nodes.drain(back + 1..) {
                        position[dropped] = UNREACHED;
                    }
                    arcs.truncate(back);
                } else {
                    position[node] = nodes.len();
                    nodes.push(node);
                    arcs.push(arc);
                }
            }
            for &visited in &nodes {
                position[visited] = UNREACHED;
            }
            if node != sink {
                return routes;
            }
            routes.push(arcs);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_disjoint_routes_and_a_bottleneck() {
        // 0 -> 1 -> 3, 0 -> 2 -> 3, and 1 -> 2.
        let mut network = Network::new(4);
        for (from, to) in [(0, 1), (0, 2), (1, 3), (2, 3), (1, 2)] {
            network.arc(from, to, 1);
        }
        assert_eq!(network.max_flow(0, 3), 2);
        assert_eq!(network.routes(0, 3).len(), 2);
        let side = network.source_side(0);
        assert_eq!(side, [true, false, false, false]);
    }

    #[test]
    fn a_long_chain_does_not_recurse() {
        let n = 200_000;
        let mut network = Network::new(n);
        for i in 0..n - 1 {
            network.arc(i, i + 1, 1);
        }
        assert_eq!(network.max_flow(0, n - 1), 1);
        assert_eq!(network.routes(0, n - 1)[0].len(), n - 1);
    }

    #[test]
    fn weighted_capacities_pick_the_lighter_cut() {
        // Two arcs in series: the lighter one is the cut.
        let mut network = Network::new(3);
        let heavy = network.arc(0, 1, 10);
        let light = network.arc(1, 2, 3);
        assert_eq!(network.max_flow(0, 2), 3);
        let side = network.source_side(0);
        assert!(side[1] && !side[2]);
        assert_eq!((network.flow(heavy), network.flow(light)), (3, 3));
    }
}
