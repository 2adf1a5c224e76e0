//! The hitting-set solver on hand-made and random instances, against brute
//! force where small.

use proptest::prelude::*;

use super::*;

/// A problem from paths given as node chains (node 0 is the user); edges
/// are numbered as first seen.
fn chains(paths: &[&[usize]]) -> Problem {
    let mut problem = Problem::default();
    for chain in paths {
        let mut path = Vec::new();
        for pair in chain.windows(2) {
            let ends = (pair[0], pair[1]);
            let e = match problem.ends.iter().position(|&x| x == ends) {
                Some(e) => e,
                None => {
                    problem.ends.push(ends);
                    problem.ends.len() - 1
                }
            };
            if !path.contains(&e) {
                path.push(e);
            }
        }
        problem.paths.push(path);
    }
    problem.executable = vec![false; problem.ends.len()];
    problem.affects_others = vec![false; problem.ends.len()];
    problem
}

/// The edge from `from` to `to`.
fn edge(problem: &Problem, from: usize, to: usize) -> usize {
    problem.ends.iter().position(|&e| e == (from, to)).unwrap()
}

/// The best score of any hitting set, by trying them all.
fn brute_force(problem: &Problem) -> Score {
    let n = problem.ends.len();
    assert!(n <= 18);
    let mut best: Option<Score> = None;
    for mask in 0u32..(1 << n) {
        let edges: Vec<usize> = (0..n).filter(|e| mask & (1 << e) != 0).collect();
        if !problem.is_hit_by(&edges) {
            continue;
        }
        let score = score_of(problem, &edges);
        if best.as_ref().is_none_or(|b| score < *b) {
            best = Some(score);
        }
    }
    best.unwrap()
}

fn score_of(problem: &Problem, edges: &[usize]) -> Score {
    let mut chosen = vec![false; problem.ends.len()];
    for &e in edges {
        chosen[e] = true;
    }
    (
        edges.len(),
        edges.iter().filter(|&&e| !problem.executable[e]).count(),
        problem.lost(&chosen).len(),
        edges.iter().filter(|&&e| problem.affects_others[e]).count(),
        edges.to_vec(),
    )
}

#[test]
fn no_paths_need_no_edges() {
    let solution = chains(&[]).solve();
    assert_eq!(solution.edges, Vec::<usize>::new());
    assert!(solution.smallest && solution.exact);
}

#[test]
fn a_shared_edge_beats_one_edge_per_path() {
    // Two paths through the same membership 0 -> 1.
    let p = chains(&[&[0, 1, 9], &[0, 1, 2, 9]]);
    assert_eq!(p.solve().edges, [edge(&p, 0, 1)]);
}

#[test]
fn executable_edges_are_preferred_among_the_smallest() {
    let mut p = chains(&[&[0, 1, 9]]);
    let binding = edge(&p, 1, 9);
    p.executable[binding] = true;
    assert_eq!(p.solve().edges, [edge(&p, 1, 9)]);
}

#[test]
fn less_collateral_is_preferred_among_equally_executable() {
    // The first edge is also the only way to another object.
    let mut p = chains(&[&[0, 1, 9]]);
    p.others = vec![vec![vec![edge(&p, 0, 1)]]];
    assert_eq!(p.solve().edges, [edge(&p, 1, 9)]);
}

#[test]
fn ten_disjoint_paths_need_ten_edges_and_stay_exact() {
    let paths: Vec<Vec<usize>> = (1..=10).map(|i| vec![0, i, 99]).collect();
    let refs: Vec<&[usize]> = paths.iter().map(Vec::as_slice).collect();
    let solution = chains(&refs).solve();
    assert_eq!(solution.edges.len(), 10);
    assert!(solution.smallest && solution.exact);
}

#[test]
fn fourteen_groups_lose_their_bindings_not_their_members() {
    // The user in 14 groups, each bound to the object; leaving a group
    // would also lose the group itself.
    let paths: Vec<Vec<usize>> = (1..=14).map(|g| vec![0, g, 99]).collect();
    let refs: Vec<&[usize]> = paths.iter().map(Vec::as_slice).collect();
    let mut p = chains(&refs);
    p.others = (1..=14).map(|g| vec![vec![edge(&p, 0, g)]]).collect();
    let solution = p.solve();
    let bindings: Vec<usize> = (1..=14).map(|g| edge(&p, g, 99)).collect();
    assert_eq!(solution.edges, bindings);
    assert!(solution.smallest && solution.exact);
}

#[test]
fn a_hitting_set_of_the_listed_paths_can_be_smaller_than_the_union_cut() {
    // Both listed paths use 2 -> 3, but their union also holds the route
    // 0 -> 1 -> 4 that no path lists: cutting the union takes two edges,
    // hitting the two paths takes one.
    let p = chains(&[&[0, 1, 2, 3, 4], &[0, 2, 3, 1, 4]]);
    let solution = p.solve();
    assert_eq!(solution.edges, [edge(&p, 2, 3)]);
    assert!(solution.smallest && solution.exact);
}

#[test]
fn a_tiny_budget_keeps_a_smallest_set_and_says_the_choice_is_estimated() {
    let paths: Vec<Vec<usize>> = (2..12).map(|i| vec![0, 1, i, 99]).collect();
    let refs: Vec<&[usize]> = paths.iter().map(Vec::as_slice).collect();
    let p = chains(&refs);
    let solution = p.solve_within(3);
    assert!(solution.smallest && !solution.exact);
    assert_eq!(solution.edges, [edge(&p, 0, 1)]);
}

#[test]
fn ten_thousand_single_edge_paths_are_decided_without_search() {
    let n = 10_000;
    let mut p = Problem {
        paths: (0..n).map(|i| vec![i]).collect(),
        ends: (0..n).map(|i| (0, i + 1)).collect(),
        ..Problem::default()
    };
    p.executable = vec![false; n];
    p.affects_others = vec![false; n];
    let solution = p.solve();
    assert_eq!(solution.edges.len(), n);
    assert!(solution.smallest && solution.exact);
}

#[test]
fn a_grid_of_ten_thousand_paths_gets_a_smallest_set() {
    // 100 user groups, each bound to 100 device groups holding the device:
    // the smallest cuts are the 100 memberships or the 100 device-group
    // members.
    let mut paths = Vec::new();
    for g in 1..=100 {
        for sg in 101..=200 {
            paths.push(vec![0, g, sg, 999]);
        }
    }
    let refs: Vec<&[usize]> = paths.iter().map(Vec::as_slice).collect();
    let p = chains(&refs);
    let solution = p.solve();
    assert_eq!(solution.edges.len(), 100);
    assert!(solution.smallest);
    assert!(p.is_hit_by(&solution.edges));
}

/// Random chains through a small graph of `nodes` nodes, from 0 to the
/// last node, with random executability, sharing and other objects.
fn random_problem() -> impl Strategy<Value = Problem> {
    let chain = proptest::collection::vec(1usize..7, 0..4);
    (
        proptest::collection::vec(chain, 1..9),
        proptest::collection::vec(any::<(bool, bool)>(), 18),
        proptest::collection::vec(proptest::collection::vec(any::<u16>(), 1..3), 0..5),
    )
        .prop_filter_map("at most 18 edges", |(middles, flags, others)| {
            let paths: Vec<Vec<usize>> = middles
                .into_iter()
                .map(|middle| {
                    let mut chain = vec![0];
                    chain.extend(middle);
                    chain.push(9);
                    chain
                })
                .collect();
            let refs: Vec<&[usize]> = paths.iter().map(Vec::as_slice).collect();
            let mut p = chains(&refs);
            let n = p.ends.len();
            if n > 18 {
                return None;
            }
            p.executable = flags[..n].iter().map(|f| f.0).collect();
            p.affects_others = flags[..n].iter().map(|f| f.1).collect();
            p.others = others
                .into_iter()
                .map(|object| {
                    object
                        .into_iter()
                        .map(|bits| {
                            (0..n)
                                .filter(|e| (u32::from(bits) >> e) & 1 != 0)
                                .take(3)
                                .collect::<Vec<_>>()
                        })
                        .filter(|path: &Vec<usize>| !path.is_empty())
                        .collect::<Vec<_>>()
                })
                .filter(|object: &Vec<Vec<usize>>| !object.is_empty())
                .collect();
            Some(p)
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn solutions_match_brute_force(p in random_problem()) {
        let solution = p.solve();
        prop_assert!(p.is_hit_by(&solution.edges));
        prop_assert!(solution.smallest && solution.exact);
        prop_assert_eq!(score_of(&p, &solution.edges), brute_force(&p));
    }
}
