//! Revoke plans are minimal: on random small orgs from the sandbox's
//! generator, every plan cuts every path, and no set of edges that cuts
//! every path is smaller, more executable at the same size, or loses fewer
//! other objects at the same size and executability (checked by brute force
//! over every subset of the edges). Applying a plan removes exactly its
//! executable edges, and the re-traversal shows what the plan predicted.

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

/// Checks one plan against the brute force; returns whether it was checked.
fn check_plan(user: &User, target: &Explanation, report: &AccessReport, plan: &RevokePlan) -> bool {
    assert!(plan.is_exact());
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
    let Some((size, exec, lost)) = brute_force(&user.node(), target, report) else {
        return false;
    };
    let node = target.node();
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
