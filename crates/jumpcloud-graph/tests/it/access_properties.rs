//! Revoke plans are minimal: on random small orgs from the sandbox's
//! generator, every plan cuts every path, and no set of edges that cuts
//! every path is smaller, more executable at the same size, or loses fewer
//! other objects at the same size and executability (checked by brute force
//! over every subset of the edges). Applying a plan removes exactly its
//! executable edges, and the re-traversal shows what the plan predicted.
//! On larger random orgs (nested groups, device groups, up to a few hundred
//! paths per object) and on shapes that used to exhaust the search, every
//! plan has exactly as many steps as the maximum flow of its paths' graph
//! (an independent Edmonds-Karp), which is the fewest that can cut them.

use std::cmp::Reverse;
use std::collections::BTreeSet;

use jumpcloud_graph::{
    AccessReport, AssociationTarget, Explanation, GrantPath, GraphNode, GraphType, RevokePlan,
    Sudo, TraversalKind, User,
};
use jumpcloud_graph_sandbox::{Fixture, GeneratorConfig, Sandbox};
use proptest::prelude::*;

type Key = (GraphNode, GraphNode);

/// Above this many distinct edges the brute force is skipped (2^16 subsets).
const MAX_BRUTE_FORCE_EDGES: usize = 16;

fn keys(path: &GrantPath) -> Vec<Key> {
    path.edges()
        .iter()
        .map(|e| (e.from().clone(), e.to().clone()))
        .collect()
}

/// The brute-force optimum for `target`: (size, executable, other objects
/// lost), minimised as (size, most executable, fewest lost); `None` when
/// the target has too many edges to enumerate.
fn brute_force(
    user: &GraphNode,
    target: &Explanation,
    report: &AccessReport,
) -> Option<(usize, usize, usize)> {
    let mut edges: Vec<Key> = Vec::new();
    for path in target.paths() {
        for key in keys(path) {
            if !edges.contains(&key) {
                edges.push(key);
            }
        }
    }
    if edges.len() > MAX_BRUTE_FORCE_EDGES {
        return None;
    }
    // What the SDK itself can remove: the user's own direct association.
    let executable = |(from, to): &Key| {
        from == user
            && *to.kind() != GraphType::UserGroup
            && AssociationTarget::for_type(to.kind()).is_some()
    };
    let others: Vec<&Explanation> = report
        .all()
        .filter(|o| o.node() != target.node() && !o.paths().is_empty())
        .collect();
    let mut best: Option<(usize, Reverse<usize>, usize)> = None;
    for mask in 0u32..(1u32 << edges.len()) {
        let chosen: Vec<&Key> = edges
            .iter()
            .enumerate()
            .filter(|(i, _)| mask & (1 << i) != 0)
            .map(|(_, k)| k)
            .collect();
        let cut = |path: &GrantPath| keys(path).iter().any(|k| chosen.contains(&k));
        if !target.paths().iter().all(cut) {
            continue;
        }
        let lost = others.iter().filter(|o| o.paths().iter().all(cut)).count();
        let score = (
            chosen.len(),
            Reverse(chosen.iter().filter(|k| executable(k)).count()),
            lost,
        );
        if best.as_ref().is_none_or(|b| score < *b) {
            best = Some(score);
        }
    }
    best.map(|(size, Reverse(exec), lost)| (size, exec, lost))
}

/// Asserts that each of the target's paths holds one of the plan's steps.
fn assert_cuts_every_path(target: &Explanation, plan: &RevokePlan) {
    let steps: Vec<Key> = plan
        .steps()
        .iter()
        .map(|s| (s.edge().from().clone(), s.edge().to().clone()))
        .collect();
    for path in target.paths() {
        assert!(
            keys(path).iter().any(|k| steps.contains(k)),
            "{path} is not cut by the plan"
        );
    }
}

/// Checks one plan against the brute force; returns whether it was checked.
fn check_plan(user: &User, target: &Explanation, report: &AccessReport, plan: &RevokePlan) -> bool {
    assert_cuts_every_path(target, plan);
    let Some((size, exec, lost)) = brute_force(&user.node(), target, report) else {
        return false;
    };
    let node = target.node();
    assert!(plan.is_exact(), "the plan for {node} is exact");
    assert_eq!(plan.steps().len(), size, "size of the plan for {node}");
    assert_eq!(
        plan.executable_steps().count(),
        exec,
        "executable steps of the plan for {node}"
    );
    assert_eq!(
        plan.collateral().len(),
        lost,
        "collateral of the plan for {node}"
    );
    true
}

fn live_edges(sandbox: &Sandbox, user: &str) -> BTreeSet<(String, String)> {
    sandbox
        .edges_from(GeneratorConfig::ORG, user)
        .into_iter()
        .map(|e| (e.from.id, e.to.id))
        .collect()
}

async fn plans_are_minimal_and_apply_as_predicted(
    seed: u64,
    user_index: usize,
    device_groups: Vec<(usize, Option<Sudo>)>,
) {
    let config = GeneratorConfig {
        seed,
        users: 6,
        systems: 6,
        user_groups: 4,
        system_groups: 2,
        applications: 2,
        fan_out_user_systems: 0,
        direct_binding_every: 2,
    };
    let sandbox = Sandbox::start(Fixture::generated(config)).await;
    let user_id = sandbox.fixture()[GeneratorConfig::ORG]
        .id_of(&format!("user-{user_index}"))
        .to_string();
    let user = sandbox.client().user(&user_id).unwrap();
    // The generator binds users to devices only; bind this one to some
    // device groups too, so that executable edges compete with others.
    for (index, sudo) in device_groups {
        let group = sandbox.fixture()[GeneratorConfig::ORG].id_of(&format!("system-group-{index}"));
        let mut bind = user
            .ensure_associated(AssociationTarget::SystemGroup, group)
            .unwrap();
        if let Some(sudo) = sudo {
            bind = bind.sudo(sudo);
        }
        bind.await.unwrap();
    }
    let report = user.access_report().await.unwrap();
    // The documented precedence agrees with the sandbox's compiledAttributes.
    assert_eq!(report.disagreements().count(), 0, "{report}");

    let mut checked = 0;
    for kind in [
        TraversalKind::System,
        TraversalKind::SystemGroup,
        TraversalKind::Application,
    ] {
        for target in report.of_kind(kind) {
            let id = target.id().object_id().unwrap();
            let plan = user.revoke_plan(kind, id).await.unwrap();
            if check_plan(&user, target, &report, &plan) {
                checked += 1;
            }
        }
    }
    assert!(checked > 0 || report.objects().is_empty());

    // Apply the plan of the first system (if any) and compare.
    let Some(system) = report.of_kind(TraversalKind::System).next() else {
        return;
    };
    let id = system.id().object_id().unwrap();
    let plan = user.revoke_plan(TraversalKind::System, id).await.unwrap();
    let before = live_edges(&sandbox, &user_id);
    let done = plan.apply().await.unwrap();
    assert!(done.is_complete(), "{done}");
    let after = live_edges(&sandbox, &user_id);
    let gone: BTreeSet<(String, String)> = before.difference(&after).cloned().collect();
    let executable: BTreeSet<(String, String)> = plan
        .executable_steps()
        .map(|s| {
            (
                s.edge().from().id().to_string(),
                s.edge().to().id().to_string(),
            )
        })
        .collect();
    assert_eq!(gone, executable);
    assert!(after.is_subset(&before));
    assert!(done.matches_prediction(), "{plan}\n{done}");
    assert_eq!(done.still_granted(), plan.still_granted_after_apply());
    assert_eq!(done.effective_sudo(), plan.sudo_after_apply());
    assert_eq!(done.remaining_paths().len(), plan.remaining_paths().len());
}

fn sudo() -> impl Strategy<Value = Sudo> {
    prop_oneof![
        Just(Sudo::Disabled),
        Just(Sudo::WithPassword),
        Just(Sudo::WithoutPassword)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn revoke_plans_are_minimal_on_random_orgs(
        seed in 0u64..1_000_000,
        user_index in 0usize..6,
        device_groups in proptest::collection::vec((0usize..2, proptest::option::of(sudo())), 0..3),
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(plans_are_minimal_and_apply_as_predicted(seed, user_index, device_groups));
    }
}

// ------------------------------------------------- larger orgs: max-flow

/// A fixture written out as YAML: one org `o` with user `u` and the
/// objects, memberships and bindings added to it.
#[derive(Default)]
struct OrgYaml {
    user_groups: usize,
    systems: usize,
    system_groups: usize,
    applications: usize,
    /// Group handle -> member handles.
    members: Vec<(String, Vec<String>)>,
    /// (from, to, sudo).
    bindings: Vec<(String, String, Option<Sudo>)>,
}

impl OrgYaml {
    /// The user in `groups` groups, each bound to all of `systems` systems.
    fn groups_bound_to(groups: usize, systems: usize) -> Self {
        let mut org = OrgYaml {
            user_groups: groups,
            systems,
            ..OrgYaml::default()
        };
        for g in 0..groups {
            org.member(&format!("g{g}"), "u");
            for s in 0..systems {
                org.bind(&format!("g{g}"), &format!("s{s}"), None);
            }
        }
        org
    }

    fn member(&mut self, group: &str, member: &str) {
        match self.members.iter_mut().find(|(g, _)| g == group) {
            Some((_, list)) => list.push(member.to_string()),
            None => self
                .members
                .push((group.to_string(), vec![member.to_string()])),
        }
    }

    fn bind(&mut self, from: &str, to: &str, sudo: Option<Sudo>) {
        self.bindings.push((from.to_string(), to.to_string(), sudo));
    }

    fn yaml(&self) -> String {
        let section = |name: &str, prefix: &str, code: &str, n: usize| {
            let mut text = format!("    {name}:\n");
            for i in 0..n {
                text.push_str(&format!(
                    "      {prefix}{i}: {{ id: \"{code}{i:021x}\" }}\n"
                ));
            }
            if n == 0 {
                text = format!("    {name}: {{}}\n");
            }
            text
        };
        let mut yaml = String::from(
            "orgs:\n  - handle: o\n    id: \"650000000000000000000001\"\n    name: Generated\n    \
             users: { u: { id: \"651000000000000000000001\" } }\n",
        );
        yaml.push_str(&section("user_groups", "g", "652", self.user_groups));
        yaml.push_str(&section("systems", "s", "653", self.systems));
        yaml.push_str(&section("system_groups", "sg", "654", self.system_groups));
        yaml.push_str(&section("applications", "app", "655", self.applications));
        yaml.push_str("    members:\n");
        for (group, list) in &self.members {
            yaml.push_str(&format!("      {group}: [{}]\n", list.join(", ")));
        }
        if self.members.is_empty() {
            yaml.truncate(yaml.len() - "    members:\n".len());
        }
        yaml.push_str("    bindings:\n");
        for (from, to, sudo) in &self.bindings {
            let attributes = match sudo {
                None => String::new(),
                Some(sudo) => format!(
                    ", attributes: {{ sudo: {{ enabled: {}, withoutPassword: {} }} }}",
                    *sudo != Sudo::Disabled,
                    *sudo == Sudo::WithoutPassword
                ),
            };
            yaml.push_str(&format!(
                "      - {{ from: {from}, to: {to}{attributes} }}\n"
            ));
        }
        yaml.push_str("keys: [{ key: jc-sandbox-generated-admin, org: o }]\n");
        yaml
    }
}

/// The union graph of a target's paths: every distinct edge once, as
/// adjacency between numbered nodes (0 is the user), and the nodes the
/// paths end at.
struct Union {
    arcs: Vec<(usize, usize)>,
    nodes: usize,
    ends: BTreeSet<usize>,
    paths: BTreeSet<BTreeSet<usize>>,
}

impl Union {
    fn of(user: &GraphNode, paths: &[GrantPath]) -> Self {
        let mut nodes: Vec<GraphNode> = vec![user.clone()];
        let mut number = |node: &GraphNode| match nodes.iter().position(|n| n == node) {
            Some(i) => i,
            None => {
                nodes.push(node.clone());
                nodes.len() - 1
            }
        };
        let mut arcs: Vec<(usize, usize)> = Vec::new();
        let mut ends = BTreeSet::new();
        let mut sets = BTreeSet::new();
        for path in paths {
            let mut set = BTreeSet::new();
            for edge in path.edges() {
                let arc = (number(edge.from()), number(edge.to()));
                let index = arcs.iter().position(|a| *a == arc).unwrap_or_else(|| {
                    arcs.push(arc);
                    arcs.len() - 1
                });
                set.insert(index);
            }
            if let Some(last) = path.edges().last() {
                ends.insert(number(last.to()));
            }
            sets.insert(set);
        }
        let count = nodes.len();
        Union {
            arcs,
            nodes: count,
            ends,
            paths: sets,
        }
    }

    /// The maximum number of edge-disjoint routes from the user to the ends
    /// (Edmonds-Karp with unit capacities, the ends joined to one sink):
    /// by max-flow min-cut, the fewest edges that cut the union graph.
    fn min_cut(&self) -> usize {
        let sink = self.nodes;
        let mut capacity: Vec<Vec<i64>> = vec![vec![0; self.nodes + 1]; self.nodes + 1];
        for &(from, to) in &self.arcs {
            capacity[from][to] += 1;
        }
        for &end in &self.ends {
            capacity[end][sink] = i64::MAX / 4;
        }
        let mut flow = 0;
        loop {
            let mut parent = vec![usize::MAX; self.nodes + 1];
            parent[0] = 0;
            let mut queue = std::collections::VecDeque::from([0usize]);
            while let Some(at) = queue.pop_front() {
                for next in 0..=self.nodes {
                    if parent[next] == usize::MAX && capacity[at][next] > 0 {
                        parent[next] = at;
                        queue.push_back(next);
                    }
                }
            }
            if parent[sink] == usize::MAX {
                return flow;
            }
            let mut at = sink;
            while at != 0 {
                let before = parent[at];
                capacity[before][at] -= 1;
                capacity[at][before] += 1;
                at = before;
            }
            flow += 1;
        }
    }

    /// Whether every simple route from the user to an end is one of the
    /// listed paths (then cutting the union graph and hitting every listed
    /// path are the same thing); `None` past `limit` routes.
    fn routes_are_listed(&self, limit: usize) -> Option<bool> {
        fn walk(
            union: &Union,
            at: usize,
            on_path: &mut Vec<usize>,
            used: &mut BTreeSet<usize>,
            seen: &mut usize,
            limit: usize,
        ) -> Option<bool> {
            if union.ends.contains(&at) && !used.is_empty() {
                *seen += 1;
                if *seen > limit {
                    return None;
                }
                if !union.paths.contains(used) {
                    return Some(false);
                }
            }
            for (i, &(from, to)) in union.arcs.iter().enumerate() {
                if from != at || on_path.contains(&to) {
                    continue;
                }
                on_path.push(to);
                used.insert(i);
                let listed = walk(union, to, on_path, used, seen, limit);
                used.remove(&i);
                on_path.pop();
                if listed != Some(true) {
                    return listed;
                }
            }
            Some(true)
        }
        walk(self, 0, &mut vec![0], &mut BTreeSet::new(), &mut 0, limit)
    }
}

/// Checks a plan against the max-flow value of its target's union graph:
/// every listed path is cut, and the plan has exactly as many steps as
/// the minimum cut when every route of the union graph is listed (as
/// JumpCloud promises, and the sandbox does); never more in any case.
fn check_against_max_flow(user: &GraphNode, target: &Explanation, plan: &RevokePlan) {
    assert_cuts_every_path(target, plan);
    let union = Union::of(user, target.paths());
    let min_cut = union.min_cut();
    let node = target.node();
    assert!(
        plan.steps().len() <= min_cut,
        "the plan for {node} has {} steps, more than the max-flow min cut of {min_cut}",
        plan.steps().len()
    );
    if union.routes_are_listed(100_000) == Some(true) {
        assert!(plan.is_smallest(), "the plan for {node} is known smallest");
        assert_eq!(
            plan.steps().len(),
            min_cut,
            "size of the plan for {node} against the max-flow min cut:\n{plan}"
        );
    }
}

/// A sandbox serving `yaml`, its user `u`, and u's access report.
async fn start_org(yaml: &str) -> (Sandbox, User, AccessReport) {
    let sandbox = Sandbox::start(Fixture::from_yaml_str(yaml).unwrap()).await;
    let user = sandbox
        .client()
        .user(sandbox.fixture()["o"].id_of("u"))
        .unwrap();
    let report = user.access_report().await.unwrap();
    (sandbox, user, report)
}

/// Plans every system, system group and application of `u` in `yaml`, and
/// checks each against the max flow (and the brute force when small);
/// returns the plans.
async fn plan_everything(yaml: &str) -> Vec<RevokePlan> {
    let (_sandbox, user, report) = start_org(yaml).await;
    let mut plans = Vec::new();
    for kind in [
        TraversalKind::System,
        TraversalKind::SystemGroup,
        TraversalKind::Application,
    ] {
        for target in report.of_kind(kind) {
            let id = target.id().object_id().unwrap();
            let plan = user.revoke_plan(kind, id).await.unwrap();
            check_against_max_flow(&user.node(), target, &plan);
            check_plan(&user, target, &report, &plan);
            plans.push(plan);
        }
    }
    plans
}

#[tokio::test]
async fn fourteen_groups_bound_to_a_device_get_a_smallest_exact_plan() {
    let org = OrgYaml::groups_bound_to(14, 1);
    let plans = plan_everything(&org.yaml()).await;
    assert_eq!(plans.len(), 1);
    assert!(plans[0].is_exact(), "{}", plans[0]);
}

#[tokio::test]
async fn eight_paths_with_150_devices_behind_the_same_groups_get_a_smallest_exact_plan() {
    // s0 is the device; 150 others stand behind the same groups.
    let org = OrgYaml::groups_bound_to(8, 151);
    let (sandbox, user, report) = start_org(&org.yaml()).await;
    let s0 = sandbox.fixture()["o"].id_of("s0");
    let target = report
        .of_kind(TraversalKind::System)
        .find(|o| o.id().to_string() == s0)
        .unwrap();
    let plan = user.revoke_plan(TraversalKind::System, s0).await.unwrap();
    check_against_max_flow(&user.node(), target, &plan);
    assert!(check_plan(&user, target, &report, &plan), "brute-forced");
}

/// A random org around one user: nested user groups, device groups,
/// direct and group bindings with sudo, several ways to most objects.
fn random_org(seed: u64) -> OrgYaml {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut org = OrgYaml {
        user_groups: rng.usize(4..24),
        systems: rng.usize(2..8),
        system_groups: rng.usize(1..7),
        applications: rng.usize(0..3),
        ..OrgYaml::default()
    };
    let sudo = |rng: &mut fastrand::Rng| match rng.u8(0..4) {
        0 => None,
        1 => Some(Sudo::Disabled),
        2 => Some(Sudo::WithPassword),
        _ => Some(Sudo::WithoutPassword),
    };
    let density = rng.f64() * 0.5 + 0.15;
    for g in 0..org.user_groups {
        if rng.f64() < 0.7 {
            org.member(&format!("g{g}"), "u");
        }
        for h in (g + 1)..org.user_groups {
            if rng.f64() < density / 3.0 {
                org.member(&format!("g{h}"), &format!("g{g}"));
            }
        }
    }
    for sg in 0..org.system_groups {
        for s in 0..org.systems {
            if rng.f64() < density {
                org.member(&format!("sg{sg}"), &format!("s{s}"));
            }
        }
    }
    let mut sources: Vec<String> = (0..org.user_groups).map(|g| format!("g{g}")).collect();
    sources.push("u".to_string());
    for from in &sources {
        for s in 0..org.systems {
            if rng.f64() < density {
                let attributes = sudo(&mut rng);
                org.bind(from, &format!("s{s}"), attributes);
            }
        }
        for sg in 0..org.system_groups {
            if rng.f64() < density {
                let attributes = sudo(&mut rng);
                org.bind(from, &format!("sg{sg}"), attributes);
            }
        }
        for a in 0..org.applications {
            if rng.f64() < density {
                org.bind(from, &format!("app{a}"), None);
            }
        }
    }
    org
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn revoke_plans_of_larger_random_orgs_are_as_small_as_the_max_flow_min_cut(seed in 0u64..u64::MAX) {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(plan_everything(&random_org(seed).yaml()));
    }
}
