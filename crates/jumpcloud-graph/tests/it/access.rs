//! Explanations, revoke plans, applying them, and access reports, on the
//! sandbox's demo org and on small orgs made for one case each.

use crate::common;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::{USER, object_id};

use jumpcloud_graph::{
    AccessWarning, Assumption, Client, Ensured, ErrorKind, Explanation, Grant, GraphNode,
    Precedence, RetryPolicy, RevokePlan, StepStatus, Sudo, TraversalKind, User, Verification,
};
use jumpcloud_graph_sandbox::{Fault, FaultPlan, FaultRule, Fixture, RecordedRequest, Sandbox};
use serde_json::json;
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A sandbox over `fixture`, and a handle on one of its users by handle.
async fn start(fixture: Fixture) -> Sandbox {
    Sandbox::start(fixture).await
}

fn user(sandbox: &Sandbox, org: &str, handle: &str) -> User {
    sandbox
        .client()
        .user(sandbox.fixture()[org].id_of(handle))
        .unwrap()
}

/// `who`'s explanation of `object` (handles in `org`), which must be bound.
async fn explain(
    sandbox: &Sandbox,
    org: &str,
    who: &str,
    kind: TraversalKind,
    object: &str,
) -> Explanation {
    user(sandbox, org, who)
        .explain(kind, sandbox.fixture()[org].id_of(object))
        .await
        .unwrap()
        .expect("bound")
}

/// `who`'s plan to revoke `object` (handles in `org`).
async fn plan(
    sandbox: &Sandbox,
    org: &str,
    who: &str,
    kind: TraversalKind,
    object: &str,
) -> RevokePlan {
    user(sandbox, org, who)
        .revoke_plan(kind, sandbox.fixture()[org].id_of(object))
        .await
        .unwrap()
}

/// The handle of a node in `org`, or its id.
fn handle(sandbox: &Sandbox, org: &str, node: &GraphNode) -> String {
    let id = node.id().to_string();
    sandbox.fixture()[org]
        .object(&id)
        .map_or(id, |o| o.handle().to_string())
}

/// `from -> to` by handles.
fn edge_name(sandbox: &Sandbox, org: &str, from: &GraphNode, to: &GraphNode) -> String {
    format!(
        "{} -> {}",
        handle(sandbox, org, from),
        handle(sandbox, org, to)
    )
}

fn steps(sandbox: &Sandbox, org: &str, plan: &RevokePlan) -> Vec<(String, bool)> {
    plan.steps()
        .iter()
        .map(|s| {
            (
                edge_name(sandbox, org, s.edge().from(), s.edge().to()),
                s.is_executable(),
            )
        })
        .collect()
}

fn handles(sandbox: &Sandbox, org: &str, nodes: &[GraphNode]) -> Vec<String> {
    nodes.iter().map(|n| handle(sandbox, org, n)).collect()
}

/// Explains `system` for `user_id` from a server that answers the
/// systems traversal with `body` (one page).
async fn explain_served(
    server: &MockServer,
    body: serde_json::Value,
    user_id: &str,
    system: &str,
) -> Explanation {
    Mock::given(method("GET"))
        .and(path_regex(r"/systems$"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-total-count", "1")
                .set_body_json(body),
        )
        .mount(server)
        .await;
    let client = Client::builder()
        .api_key("test-api-key-7f3e9a2c41d8")
        .base_url(format!("{}/api/v2", server.uri()))
        .build()
        .unwrap();
    client
        .user(user_id)
        .unwrap()
        .explain(TraversalKind::System, system)
        .await
        .unwrap()
        .expect("bound")
}

fn has(warnings: &[AccessWarning], name: &str) -> bool {
    warnings.iter().any(|w| w.name() == name)
}

/// The live edges from a user, as `from -> to` by handles.
fn live_edges(sandbox: &Sandbox, org: &str, user: &str) -> BTreeSet<String> {
    let fixture = sandbox.fixture();
    let name = |id: &str| {
        fixture[org]
            .object(id)
            .map_or(id.to_string(), |o| o.handle().to_string())
    };
    sandbox
        .edges_from(org, user)
        .into_iter()
        .map(|e| format!("{} -> {}", name(&e.from.id), name(&e.to.id)))
        .collect()
}

/// An org where one user reaches system `s` through ten paths: directly
/// (no sudo), through five user groups (g1 passwordless), through two
/// device groups bound to the user (sg1 with a password, sg2 without sudo),
/// and through two user groups bound to those device groups.
const TEN_PATHS: &str = r#"
orgs:
  - handle: o
    id: "650000000000000000000001"
    name: Ten paths
    users: { u: { id: "651000000000000000000001" } }
    user_groups:
      g1: { id: "652000000000000000000001" }
      g2: { id: "652000000000000000000002" }
      g3: { id: "652000000000000000000003" }
      g4: { id: "652000000000000000000004" }
      g5: { id: "652000000000000000000005" }
      g6: { id: "652000000000000000000006" }
      g7: { id: "652000000000000000000007" }
    systems:
      s: { id: "653000000000000000000001" }
      t: { id: "653000000000000000000002" }
    system_groups:
      sg1: { id: "654000000000000000000001" }
      sg2: { id: "654000000000000000000002" }
    members:
      g1: [u]
      g2: [u]
      g3: [u]
      g4: [u]
      g5: [u]
      g6: [u]
      g7: [u]
      sg1: [s]
      sg2: [s, t]
    bindings:
      - { from: u, to: s }
      - { from: g1, to: s, attributes: { sudo: { enabled: true, withoutPassword: true } } }
      - { from: g2, to: s }
      - { from: g3, to: s }
      - { from: g4, to: s }
      - { from: g5, to: s }
      - { from: u, to: sg1, attributes: { sudo: { enabled: true, withoutPassword: false } } }
      - { from: u, to: sg2, attributes: { sudo: { enabled: false, withoutPassword: false } } }
      - { from: g6, to: sg1 }
      - { from: g7, to: sg2 }
keys: [{ key: jc-sandbox-ten-paths-admin, org: o }]
"#;

// ---------------------------------------------------------------- explain

#[tokio::test]
async fn a_direct_only_binding_is_explained_by_its_one_path() {
    let sandbox = start(Fixture::demo()).await;
    let ex = explain(
        &sandbox,
        "acme",
        "katherine",
        TraversalKind::System,
        "katherine-surface",
    )
    .await;
    assert_eq!(ex.paths().len(), 1);
    assert_eq!(ex.paths()[0].kind(), Grant::Direct);
    assert_eq!(ex.paths()[0].sudo(), None);
    // No path carries sudo: disabled, decided by no path, as the server says.
    assert_eq!(ex.effective_sudo(), Sudo::Disabled);
    assert!(ex.deciding_path().is_none());
    assert!(ex.agrees_with_server());
    assert!(has(ex.warnings(), "global_sudo_not_visible"));
}

#[tokio::test]
async fn a_group_only_binding_is_decided_by_the_group() {
    let sandbox = start(Fixture::demo()).await;
    let ex = explain(&sandbox, "acme", "linus", TraversalKind::System, "web-01").await;
    assert_eq!(ex.paths().len(), 1);
    assert!(
        matches!(ex.paths()[0].kind(), Grant::UserGroup(g) if handle(&sandbox, "acme", &g) == "ops")
    );
    assert_eq!(ex.effective_sudo(), Sudo::WithoutPassword);
    assert_eq!(ex.deciding_index(), Some(0));
    assert!(ex.agrees_with_server());
}

#[tokio::test]
async fn ada_on_web01_direct_binding_decides_over_two_group_paths() {
    let sandbox = start(Fixture::demo()).await;
    let ex = explain(&sandbox, "acme", "ada", TraversalKind::System, "web-01").await;
    let shapes: Vec<(Precedence, Option<Sudo>)> = ex
        .paths()
        .iter()
        .map(|p| (Precedence::of(&p.kind()), p.sudo()))
        .collect();
    assert_eq!(
        shapes,
        [
            (Precedence::Direct, Some(Sudo::WithPassword)),
            (Precedence::UserGroup, Some(Sudo::WithoutPassword)),
            (
                Precedence::UserGroupThenSystemGroup,
                Some(Sudo::WithPassword)
            ),
        ]
    );
    assert_eq!(ex.effective_sudo(), Sudo::WithPassword);
    assert_eq!(ex.deciding_path().map(|p| p.kind()), Some(Grant::Direct));
    assert_eq!(ex.compiled_sudo(), Some(Sudo::WithPassword));
    assert_eq!(
        ex.compiled_attributes().posix_groups()[0].name,
        "engineering"
    );
    assert!(ex.agrees_with_server());
}

#[tokio::test]
async fn a_system_group_reached_through_a_user_group_is_explained() {
    let sandbox = start(Fixture::demo()).await;
    let ex = explain(
        &sandbox,
        "acme",
        "ada",
        TraversalKind::SystemGroup,
        "production-servers",
    )
    .await;
    assert_eq!(ex.paths().len(), 1);
    assert!(
        matches!(ex.paths()[0].kind(), Grant::UserGroup(g) if handle(&sandbox, "acme", &g) == "engineering")
    );
    assert_eq!(ex.effective_sudo(), Sudo::WithPassword);
}

#[tokio::test]
async fn an_object_granted_by_ten_paths_is_decided_by_the_strongest_path_with_sudo() {
    let sandbox = start(Fixture::from_yaml_str(TEN_PATHS).unwrap()).await;
    let ex = explain(&sandbox, "o", "u", TraversalKind::System, "s").await;
    assert_eq!(ex.paths().len(), 10);
    // The direct path carries no sudo, so the user's own device-group
    // bindings decide: sg1 (with a password) over sg2 (none), and both
    // over g1's passwordless binding.
    assert_eq!(ex.effective_sudo(), Sudo::WithPassword);
    let deciding = ex.deciding_path().expect("a path decides");
    assert!(matches!(deciding.kind(), Grant::SystemGroup(g) if handle(&sandbox, "o", &g) == "sg1"));
    assert!(ex.agrees_with_server());
}

/// An org where user u is a member of group g, whose own setting (its
/// group-level sudo) is passwordless, and of group h, whose own setting is
/// off; both are bound to device group sg with sudo that asks for a
/// password. sg holds s1, which u reaches only through the groups, and s2,
/// to which u is also bound directly with a password. u is also a member of
/// group d (passwordless setting), bound to device s3 directly with a
/// password.
const GROUP_SETTING: &str = r#"
orgs:
  - handle: o
    id: "650000000000000000000001"
    name: Group-level sudo
    users: { u: { id: "651000000000000000000001" } }
    user_groups:
      g: { id: "652000000000000000000001", attributes: { sudo: { enabled: true, withoutPassword: true } } }
      h: { id: "652000000000000000000002", attributes: { sudo: { enabled: false, withoutPassword: false } } }
      d: { id: "652000000000000000000003", attributes: { sudo: { enabled: true, withoutPassword: true } } }
    systems:
      s1: { id: "653000000000000000000001" }
      s2: { id: "653000000000000000000002" }
      s3: { id: "653000000000000000000003" }
    system_groups: { sg: { id: "654000000000000000000001" } }
    members: { g: [u], h: [u], d: [u], sg: [s1, s2] }
    bindings:
      - { from: g, to: sg, attributes: { sudo: { enabled: true, withoutPassword: false } } }
      - { from: h, to: sg, attributes: { sudo: { enabled: true, withoutPassword: false } } }
      - { from: u, to: s2, attributes: { sudo: { enabled: true, withoutPassword: false } } }
      - { from: d, to: s3, attributes: { sudo: { enabled: true, withoutPassword: false } } }
keys: [{ key: jc-sandbox-group-setting-admin, org: o }]
"#;

#[tokio::test]
async fn a_group_level_setting_supersedes_its_device_group_binding() {
    // Fails before issue 21: the group's own setting was not read, so the
    // path through g was reported with the binding's sudo (with a password).
    let sandbox = start(Fixture::from_yaml_str(GROUP_SETTING).unwrap()).await;
    let ex = explain(&sandbox, "o", "u", TraversalKind::System, "s1").await;
    let shapes: Vec<(String, Option<Sudo>, Option<String>)> = ex
        .paths()
        .iter()
        .map(|p| {
            let group = p.kind().user_group().map(|g| handle(&sandbox, "o", g));
            let set_by = p.sudo_group().map(|g| handle(&sandbox, "o", g));
            (group.unwrap_or_default(), p.sudo(), set_by)
        })
        .collect();
    assert_eq!(
        shapes,
        [
            // g's passwordless setting supersedes its binding's password.
            (
                "g".to_string(),
                Some(Sudo::WithoutPassword),
                Some("g".to_string())
            ),
            // h's setting is off: its binding decides.
            ("h".to_string(), Some(Sudo::WithPassword), None),
        ]
    );
    assert_eq!(ex.effective_sudo(), Sudo::WithoutPassword);
    assert!(
        ex.to_string()
            .contains("(the group-level setting of user_group 652000000000000000000001)")
    );
    // The sandbox compiles the same, by its own implementation of the rule.
    assert_eq!(ex.compiled_sudo(), Some(Sudo::WithoutPassword));
    assert!(ex.agrees_with_server(), "{ex}");
    // Two paths of equal rank with different sudo, one through a group
    // whose setting is off: both rules are assumptions.
    assert_eq!(
        ex.assumptions(),
        [
            Assumption::MostPermissiveAmongEquals,
            Assumption::GroupSettingOffIsUnset
        ]
    );
}

#[tokio::test]
async fn a_group_level_setting_applies_to_the_groups_own_device_bindings() {
    let sandbox = start(Fixture::from_yaml_str(GROUP_SETTING).unwrap()).await;
    let ex = explain(&sandbox, "o", "u", TraversalKind::System, "s3").await;
    assert_eq!(ex.effective_sudo(), Sudo::WithoutPassword);
    assert!(ex.agrees_with_server(), "{ex}");
    assert_eq!(ex.assumptions(), [Assumption::GroupSettingOnDeviceBinds]);
}

#[tokio::test]
async fn a_group_level_setting_in_a_recorded_body_decides_its_path() {
    // The shape JumpCloud sends: the group's own sudo on the group node
    // (`to.attributes`), the binding's on the edge, no `from`. Fails before
    // issue 21, which read the binding's sudo only (with a password) and so
    // reported a disagreement with compiledAttributes.
    let server = MockServer::start().await;
    let user_id = "5f1b0c2e9c1a4b0012345678";
    let (group, device_group, system) = (
        "64b000000000000000000009",
        "64b00000000000000000000a",
        "64b000000000000000000003",
    );
    let sudo = |without: bool| json!({"sudo": {"enabled": true, "withoutPassword": without}});
    let body = json!([{
        "compiledAttributes": sudo(true),
        "id": system,
        "paths": [[
            {"attributes": null, "to": {"attributes": sudo(true), "id": group, "type": "user_group"}},
            {"attributes": sudo(false), "to": {"attributes": null, "id": device_group, "type": "system_group"}},
            {"attributes": null, "to": {"attributes": null, "id": system, "type": "system"}}
        ]],
        "type": "system"
    }]);
    let ex = explain_served(&server, body, user_id, system).await;
    assert_eq!(ex.effective_sudo(), Sudo::WithoutPassword);
    let deciding = ex.deciding_path().expect("a path decides");
    assert_eq!(
        deciding.sudo_group().map(|g| g.id().to_string()),
        Some(group.to_string())
    );
    assert!(ex.agrees_with_server(), "{ex}");
    assert!(
        ex.assumptions().is_empty(),
        "documented: {:?}",
        ex.assumptions()
    );
}

#[tokio::test]
async fn a_plan_warns_that_sudo_would_rise_to_a_group_level_setting() {
    // Fails before issue 21: after the direct binding goes, the path through
    // g remains, and g's own passwordless setting (not its binding's
    // password) decides it.
    let sandbox = start(Fixture::from_yaml_str(GROUP_SETTING).unwrap()).await;
    let plan = plan(&sandbox, "o", "u", TraversalKind::System, "s2").await;
    assert_eq!(plan.sudo_now(), Sudo::WithPassword);
    assert_eq!(plan.sudo_after_apply(), Sudo::WithoutPassword);
    assert!(plan.warnings().iter().any(|w| matches!(
        w,
        AccessWarning::SudoWouldRise {
            from: Sudo::WithPassword,
            to: Sudo::WithoutPassword,
            ..
        }
    )));
    // And the rise happens.
    let done = plan.apply().await.unwrap();
    assert_eq!(done.effective_sudo(), Sudo::WithoutPassword);
    assert!(done.matches_prediction(), "{done}");
}

#[tokio::test]
async fn an_object_not_bound_is_none_and_its_plan_is_empty() {
    let sandbox = start(Fixture::demo()).await;
    let ken = user(&sandbox, "acme", "ken");
    let web = sandbox.fixture()["acme"].id_of("web-01");
    assert!(
        ken.explain(TraversalKind::System, web)
            .await
            .unwrap()
            .is_none()
    );
    let plan = ken.revoke_plan(TraversalKind::System, web).await.unwrap();
    assert!(!plan.is_bound());
    assert!(plan.steps().is_empty() && plan.warnings().is_empty());
    let done = plan.apply().await.unwrap();
    assert!(!done.still_granted() && done.matches_prediction());
}

#[tokio::test]
async fn a_bad_id_is_refused_before_any_request() {
    let server = MockServer::start().await;
    let client = Client::builder()
        .api_key("test-api-key-7f3e9a2c41d8")
        .base_url(format!("{}/api/v2", server.uri()))
        .build()
        .unwrap();
    let user = client.user("5f1b0c2e9c1a4b0012345678").unwrap();
    let error = user
        .explain(TraversalKind::System, "web-01")
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidInput);
    assert_eq!(error.field(), Some("object id"));
    let error = user
        .revoke_plan(TraversalKind::System, "web-01")
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidInput);
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_server_that_compiles_other_sudo_is_reported_not_second_guessed() {
    let server = MockServer::start().await;
    let user_id = "5f1b0c2e9c1a4b0012345678";
    let system = "64b000000000000000000003";
    let group = "64b000000000000000000009";
    let sudo = |without: bool| json!({"sudo": {"enabled": true, "withoutPassword": without}});
    // The direct binding asks for a password; the server nevertheless
    // compiled passwordless sudo (as a group-first rule would).
    let body = json!([{
        "id": system,
        "type": "system",
        "compiledAttributes": sudo(true),
        "paths": [
            [{"attributes": sudo(false), "to": {"id": system, "type": "system"}}],
            [
                {"attributes": null, "to": {"id": group, "type": "user_group"}},
                {"attributes": sudo(true), "to": {"id": system, "type": "system"}}
            ]
        ]
    }]);
    let ex = explain_served(&server, body, user_id, system).await;
    assert_eq!(ex.effective_sudo(), Sudo::WithPassword);
    assert_eq!(ex.compiled_sudo(), Some(Sudo::WithoutPassword));
    assert!(!ex.agrees_with_server());
    assert!(ex.warnings().iter().any(|w| matches!(
        w,
        AccessWarning::PrecedenceDisagrees {
            client: Sudo::WithPassword,
            server: Some(Sudo::WithoutPassword),
            ..
        }
    )));
    assert!(
        ex.to_string()
            .contains("compiledAttributes say without-password")
    );
    // A direct binding over a user group's is documented: the warning says
    // the server departs from the documented rules, not from an assumption.
    assert!(ex.assumptions().is_empty(), "{:?}", ex.assumptions());
    assert!(
        ex.to_string()
            .contains("rests on JumpCloud's documented rules alone"),
        "{ex}"
    );
}

/// A user reaching `s` through group g1 (sudo with a password) and through
/// group `a` nested in group `b` (passwordless): a shape JumpCloud's
/// documentation does not rank.
const NESTED: &str = r#"
orgs:
  - handle: o
    id: "650000000000000000000001"
    name: Nested
    users: { u: { id: "651000000000000000000001" } }
    user_groups:
      g1: { id: "652000000000000000000001" }
      a: { id: "652000000000000000000002" }
      b: { id: "652000000000000000000003" }
    systems: { s: { id: "653000000000000000000001" } }
    members: { g1: [u], a: [u], b: [a] }
    bindings:
      - { from: g1, to: s, attributes: { sudo: { enabled: true, withoutPassword: false } } }
      - { from: b, to: s, attributes: { sudo: { enabled: true, withoutPassword: true } } }
keys: [{ key: jc-sandbox-nested-admin, org: o }]
"#;

#[tokio::test]
async fn nested_groups_rank_last_and_the_disagreement_with_the_server_is_reported() {
    let sandbox = start(Fixture::from_yaml_str(NESTED).unwrap()).await;
    let ex = explain(&sandbox, "o", "u", TraversalKind::System, "s").await;
    let kinds: Vec<Precedence> = ex
        .paths()
        .iter()
        .map(|p| Precedence::of(&p.kind()))
        .collect();
    assert!(kinds.contains(&Precedence::Other), "{kinds:?}");
    // The documented order says nothing about nested groups, so g1 decides
    // here; the sandbox ranks the nested path with g1 and takes the more
    // permissive sudo. The explanation says so instead of guessing.
    assert_eq!(ex.effective_sudo(), Sudo::WithPassword);
    assert_eq!(ex.compiled_sudo(), Some(Sudo::WithoutPassword));
    assert!(!ex.agrees_with_server());
    // The disagreement points at the assumption it rests on, in the README.
    let named = ex.warnings().iter().find_map(|w| match w {
        AccessWarning::PrecedenceDisagrees { assumptions, .. } => Some(assumptions.clone()),
        _ => None,
    });
    assert_eq!(named, Some(vec![Assumption::OtherShapesLast]));
    let warning = ex
        .warnings()
        .iter()
        .find(|w| w.name() == "precedence_disagrees")
        .map(|w| serde_json::to_value(w).unwrap());
    let warning = warning.expect("the warning");
    assert_eq!(warning["assumptions"], json!(["other_shapes_last"]));
    assert_eq!(warning["readme_section"], "What explanations assume");
    assert!(
        ex.to_string()
            .contains("relied on other_shapes_last (README: \"What explanations assume\")"),
        "{ex}"
    );

    let plan = plan(&sandbox, "o", "u", TraversalKind::System, "s").await;
    assert_eq!(plan.steps().len(), 2);
    assert!(plan.steps().iter().all(|step| !step.is_executable()));
    assert!(has(plan.warnings(), "precedence_disagrees"));
    // Whatever edge cuts the nested path, its operation is one JumpCloud
    // documents or an honest description.
    for step in plan.steps() {
        let op = step.operation();
        assert_eq!(op.is_documented(), op.path().is_some());
        assert!(!op.description().is_empty());
    }
}

// ---------------------------------------------------------------- plans

#[tokio::test]
async fn a_direct_only_plan_is_one_executable_step_and_apply_ends_access() {
    let sandbox = start(Fixture::demo()).await;
    let plan = plan(
        &sandbox,
        "acme",
        "katherine",
        TraversalKind::System,
        "katherine-surface",
    )
    .await;
    assert_eq!(
        steps(&sandbox, "acme", &plan),
        [("katherine -> katherine-surface".to_string(), true)]
    );
    let step = &plan.steps()[0];
    assert_eq!(
        step.operation().operation_id(),
        Some("graph_userAssociationsPost")
    );
    assert_eq!(
        step.operation().body(),
        Some(
            &json!({"op": "remove", "type": "system", "id": sandbox.fixture()["acme"].id_of("katherine-surface")})
        )
    );
    assert!(!step.affects_other_users());
    assert!(step.collateral().is_empty());
    assert!(!plan.still_granted_after_apply());
    assert!(!has(plan.warnings(), "access_remains"));

    let before = live_edges(&sandbox, "acme", "katherine");
    // The futures are Send and 'static: a plan can be applied on another task.
    let done = tokio::spawn(async move { plan.apply().await })
        .await
        .unwrap()
        .unwrap();
    let after = live_edges(&sandbox, "acme", "katherine");
    let gone: Vec<&String> = before.difference(&after).collect();
    assert_eq!(gone, ["katherine -> katherine-surface"]);
    assert!(!done.still_granted());
    assert_eq!(done.effective_sudo(), Sudo::Disabled);
    assert_eq!(done.removed().count(), 1);
    assert!(done.is_complete());
    assert!(done.matches_prediction());
    assert!(done.warnings().is_empty(), "{:?}", done.warnings());
}

#[tokio::test]
async fn a_group_only_plan_leaves_the_least_collateral_step_to_an_admin() {
    let sandbox = start(Fixture::demo()).await;
    let plan = plan(&sandbox, "acme", "linus", TraversalKind::System, "web-01").await;
    // Removing Linus from Ops would also take the laptops; unbinding Ops
    // from web-01 takes nothing else from him.
    assert_eq!(
        steps(&sandbox, "acme", &plan),
        [("ops -> web-01".to_string(), false)]
    );
    let op = plan.steps()[0].operation();
    assert_eq!(op.operation_id(), Some("graph_userGroupAssociationsPost"));
    assert_eq!(op.method(), Some("POST"));
    assert_eq!(
        op.path(),
        Some(
            format!(
                "/usergroups/{}/associations",
                sandbox.fixture()["acme"].id_of("ops")
            )
            .as_str()
        )
    );
    assert!(plan.steps()[0].affects_other_users());
    assert!(plan.still_granted_after_apply());
    assert!(has(plan.warnings(), "access_remains"));

    let before = live_edges(&sandbox, "acme", "linus");
    let done = plan.apply().await.unwrap();
    assert_eq!(live_edges(&sandbox, "acme", "linus"), before);
    assert_eq!(done.removed().count(), 0);
    assert!(done.still_granted());
    assert_eq!(done.left_to_admin().len(), 1);
    assert!(done.matches_prediction());
}

#[tokio::test]
async fn ada_on_web01_plan_cuts_three_paths_and_warns_that_sudo_would_rise() {
    let sandbox = start(Fixture::demo()).await;
    let plan = plan(&sandbox, "acme", "ada", TraversalKind::System, "web-01").await;
    assert!(plan.is_exact());
    assert_eq!(
        steps(&sandbox, "acme", &plan),
        [
            ("ada -> web-01".to_string(), true),
            ("ops -> web-01".to_string(), false),
            ("production-servers -> web-01".to_string(), false),
        ]
    );
    let ops = plan.steps()[2].operation();
    assert_eq!(ops.operation_id(), Some("graph_systemGroupMembersPost"));
    assert_eq!(
        ops.body(),
        Some(
            &json!({"op": "remove", "type": "system", "id": sandbox.fixture()["acme"].id_of("web-01")})
        )
    );
    // The whole plan takes nothing else from Ada.
    assert!(plan.collateral().is_empty());
    assert_eq!(plan.sudo_now(), Sudo::WithPassword);
    assert_eq!(plan.sudo_after_apply(), Sudo::WithoutPassword);
    assert!(matches!(
        plan.deciding_path_after_apply().map(|p| p.kind()),
        Some(Grant::UserGroup(_))
    ));
    assert_eq!(plan.remaining_paths().len(), 2);
    let remains = plan.warnings().iter().find_map(|w| match w {
        AccessWarning::AccessRemains { left_to_admin, .. } => Some(left_to_admin.len()),
        _ => None,
    });
    assert_eq!(remains, Some(2));
    assert!(plan.warnings().iter().any(|w| matches!(
        w,
        AccessWarning::SudoWouldRise {
            from: Sudo::WithPassword,
            to: Sudo::WithoutPassword,
            ..
        }
    )));
    assert!(has(plan.warnings(), "global_sudo_not_visible"));

    let before = live_edges(&sandbox, "acme", "ada");
    let done = plan.apply().await.unwrap();
    let after = live_edges(&sandbox, "acme", "ada");
    let gone: Vec<&String> = before.difference(&after).collect();
    assert_eq!(gone, ["ada -> web-01"]);
    assert!(after.is_subset(&before));
    // The sudo rise the plan predicted happened.
    assert!(done.still_granted());
    assert_eq!(done.effective_sudo(), Sudo::WithoutPassword);
    assert_eq!(done.remaining_paths().len(), 2);
    assert!(done.matches_prediction());
    assert!(done.warnings().iter().any(|w| matches!(
        w,
        AccessWarning::SudoRose {
            from: Sudo::WithPassword,
            to: Sudo::WithoutPassword,
            ..
        }
    )));

    // Applying again finds the edge already gone and changes nothing.
    let again = plan.apply().await.unwrap();
    assert_eq!(again.already_absent().count(), 1);
    assert_eq!(again.removed().count(), 0);
    assert!(again.is_complete());
    assert_eq!(live_edges(&sandbox, "acme", "ada"), after);
}

#[tokio::test]
async fn a_system_group_through_a_user_group_is_unbound_from_the_group() {
    let sandbox = start(Fixture::demo()).await;
    let plan = plan(
        &sandbox,
        "acme",
        "ada",
        TraversalKind::SystemGroup,
        "production-servers",
    )
    .await;
    // Leaving Engineering would also take GitHub, LDAP and db-01;
    // unbinding Engineering from the group takes db-01 only.
    assert_eq!(
        steps(&sandbox, "acme", &plan),
        [("engineering -> production-servers".to_string(), false)]
    );
    assert_eq!(
        handles(&sandbox, "acme", plan.steps()[0].collateral()),
        ["db-01"]
    );
    assert_eq!(handles(&sandbox, "acme", plan.collateral()), ["db-01"]);
    assert_eq!(
        plan.steps()[0].operation().body(),
        Some(
            &json!({"op": "remove", "type": "system_group", "id": sandbox.fixture()["acme"].id_of("production-servers")})
        )
    );
}

#[tokio::test]
async fn an_object_granted_by_ten_paths_needs_eight_steps() {
    let sandbox = start(Fixture::from_yaml_str(TEN_PATHS).unwrap()).await;
    let plan = plan(&sandbox, "o", "u", TraversalKind::System, "s").await;
    assert!(plan.is_exact());
    // The direct binding, s's two device-group memberships (which cut
    // four paths), and each of five group bindings; in the order the edges
    // first appear on the paths, which the server sorts by precedence.
    assert_eq!(
        steps(&sandbox, "o", &plan),
        [
            ("u -> s".to_string(), true),
            ("sg1 -> s".to_string(), false),
            ("sg2 -> s".to_string(), false),
            ("g1 -> s".to_string(), false),
            ("g2 -> s".to_string(), false),
            ("g3 -> s".to_string(), false),
            ("g4 -> s".to_string(), false),
            ("g5 -> s".to_string(), false),
        ]
    );
    assert_eq!(plan.steps()[1].paths_cut().len(), 2);
    assert_eq!(plan.steps()[2].paths_cut().len(), 2);
    assert!(plan.collateral().is_empty());
    // Without the direct binding (which has no sudo) sg1 still decides.
    assert_eq!(plan.sudo_after_apply(), Sudo::WithPassword);
    assert!(!has(plan.warnings(), "sudo_would_rise"));

    let done = plan.apply().await.unwrap();
    assert_eq!(done.remaining_paths().len(), 9);
    assert!(done.matches_prediction());
}

#[tokio::test]
async fn the_plan_displays_its_steps_and_warnings() {
    let sandbox = start(Fixture::demo()).await;
    let ada = user(&sandbox, "acme", "ada");
    let web = sandbox.fixture()["acme"].id_of("web-01");
    let text = ada
        .revoke_plan(TraversalKind::System, web)
        .await
        .unwrap()
        .to_string();
    for needle in [
        "3 steps",
        "[apply] remove the direct association",
        "[admin] unbind user_group 652000000000000000000002",
        "POST /systemgroups/654000000000000000000001/members",
        "sudo would rise from with-password to without-password",
    ] {
        assert!(text.contains(needle), "{needle:?} not in\n{text}");
    }
}

// ------------------------------------------------------ active directory

/// The demo with Finance bound to the Active Directory domain too, so that
/// Katherine reaches it directly and through her group.
fn demo_with_finance_bound_to_the_domain() -> Fixture {
    let yaml = Fixture::demo_yaml().replacen(
        "      - from: finance\n",
        "      - from: finance\n        to: acme-ad\n      - from: finance\n",
        1,
    );
    assert_ne!(yaml, Fixture::demo_yaml(), "the edit must apply");
    Fixture::from_yaml_str(&yaml).unwrap()
}

#[tokio::test]
async fn an_active_directory_bound_directly_is_explained_and_revoked_by_apply() {
    let sandbox = start(Fixture::demo()).await;
    let katherine = user(&sandbox, "acme", "katherine");
    let listed = katherine.active_directories().try_collect().await.unwrap();
    assert_eq!(
        handles(&sandbox, "acme", &[listed[0].node().clone()]),
        ["acme-ad"]
    );
    assert_eq!(listed.len(), 1);

    let ex = explain(
        &sandbox,
        "acme",
        "katherine",
        TraversalKind::ActiveDirectory,
        "acme-ad",
    )
    .await;
    assert_eq!(ex.paths().len(), 1);
    assert_eq!(ex.paths()[0].kind(), Grant::Direct);
    assert_eq!(ex.effective_sudo(), Sudo::Disabled);
    // Not a device: the user's global sudo flag does not concern it.
    assert!(ex.warnings().is_empty(), "{:?}", ex.warnings());

    let plan = plan(
        &sandbox,
        "acme",
        "katherine",
        TraversalKind::ActiveDirectory,
        "acme-ad",
    )
    .await;
    assert_eq!(plan.kind(), TraversalKind::ActiveDirectory);
    // active_directory is a user association target: the direct edge is
    // removed by the user's own associations POST.
    assert_eq!(
        steps(&sandbox, "acme", &plan),
        [("katherine -> acme-ad".to_string(), true)]
    );
    let op = plan.steps()[0].operation();
    assert_eq!(op.operation_id(), Some("graph_userAssociationsPost"));
    assert_eq!(
        op.body(),
        Some(
            &json!({"op": "remove", "type": "active_directory", "id": sandbox.fixture()["acme"].id_of("acme-ad")})
        )
    );
    assert!(plan.steps()[0].collateral().is_empty());
    assert!(!plan.still_granted_after_apply());

    let done = plan.apply().await.unwrap();
    assert!(!done.still_granted());
    assert!(done.matches_prediction());
    assert!(!live_edges(&sandbox, "acme", "katherine").contains("katherine -> acme-ad"));
    assert!(
        katherine
            .active_directories()
            .try_collect()
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn an_active_directory_reached_through_a_group_leaves_that_path_to_an_admin() {
    let sandbox = start(demo_with_finance_bound_to_the_domain()).await;
    let ex = explain(
        &sandbox,
        "acme",
        "katherine",
        TraversalKind::ActiveDirectory,
        "acme-ad",
    )
    .await;
    let kinds: Vec<String> = ex.paths().iter().map(|p| p.kind().to_string()).collect();
    assert_eq!(ex.paths()[0].kind(), Grant::Direct);
    assert!(
        matches!(ex.paths()[1].kind(), Grant::UserGroup(g) if handle(&sandbox, "acme", &g) == "finance"),
        "{kinds:?}"
    );

    let plan = plan(
        &sandbox,
        "acme",
        "katherine",
        TraversalKind::ActiveDirectory,
        "acme-ad",
    )
    .await;
    // Removing Katherine from Finance would also take Microsoft 365;
    // unbinding Finance from the domain takes nothing else from her.
    assert_eq!(
        steps(&sandbox, "acme", &plan),
        [
            ("katherine -> acme-ad".to_string(), true),
            ("finance -> acme-ad".to_string(), false),
        ]
    );
    let admin = &plan.steps()[1];
    assert!(admin.affects_other_users());
    assert_eq!(
        admin.operation().operation_id(),
        Some("graph_userGroupAssociationsPost")
    );
    assert_eq!(
        admin.operation().body(),
        Some(
            &json!({"op": "remove", "type": "active_directory", "id": sandbox.fixture()["acme"].id_of("acme-ad")})
        )
    );
    assert!(plan.still_granted_after_apply());
    assert!(has(plan.warnings(), "access_remains"));

    let done = plan.apply().await.unwrap();
    assert_eq!(done.removed().count(), 1);
    assert!(done.still_granted());
    assert_eq!(done.left_to_admin().len(), 1);
    assert!(done.matches_prediction());
}

#[tokio::test]
async fn the_access_report_lists_an_active_directory_once_under_both_traversals() {
    let sandbox = start(Fixture::demo()).await;
    let report = user(&sandbox, "acme", "katherine")
        .access_report()
        .await
        .unwrap();
    let ad = report
        .objects()
        .iter()
        .find(|o| handle(&sandbox, "acme", o.node()) == "acme-ad")
        .unwrap();
    assert_eq!(
        report.listed_by(ad.node()),
        [TraversalKind::Directory, TraversalKind::ActiveDirectory]
    );
    assert_eq!(report.of_kind(TraversalKind::ActiveDirectory).count(), 1);
    // Listed by two traversals, reported once.
    assert_eq!(report.objects().len(), 6);
}

// ---------------------------------------------------------------- reports

#[tokio::test]
async fn the_access_report_lists_every_object_once_with_its_sudo() {
    let sandbox = start(Fixture::demo()).await;
    let ada = user(&sandbox, "acme", "ada");
    let report = ada.access_report().await.unwrap();
    let objects: Vec<String> = report
        .objects()
        .iter()
        .map(|o| handle(&sandbox, "acme", o.node()))
        .collect();
    assert_eq!(
        objects,
        [
            // applications, directories (the G Suite and LDAP listed again
            // by their own traversals appear once), RADIUS, systems, groups
            "slack",
            "github",
            "acme-workspace",
            "acme-ldap",
            "office-wifi",
            "ada-macbook",
            "grace-thinkpad",
            "katherine-surface",
            "web-01",
            "db-01",
            "linus-framework",
            "production-servers",
            "laptops",
        ]
    );
    let groups: Vec<String> = report
        .groups()
        .iter()
        .map(|o| handle(&sandbox, "acme", o.node()))
        .collect();
    assert_eq!(groups, ["engineering", "ops", "everyone"]);
    let sudo = |h: &str| {
        report
            .of_kind(TraversalKind::System)
            .find(|o| handle(&sandbox, "acme", o.node()) == h)
            .map(|o| o.effective_sudo())
    };
    assert_eq!(sudo("ada-macbook"), Some(Sudo::WithoutPassword));
    assert_eq!(sudo("web-01"), Some(Sudo::WithPassword));
    // Through Ops's Laptops binding (with a password), superseded by Ops's
    // own passwordless setting.
    assert_eq!(sudo("grace-thinkpad"), Some(Sudo::WithoutPassword));
    assert_eq!(report.disagreements().count(), 0);
    assert!(has(report.warnings(), "global_sudo_not_visible"));
    let ldap = report
        .objects()
        .iter()
        .find(|o| handle(&sandbox, "acme", o.node()) == "acme-ldap")
        .unwrap();
    assert_eq!(
        report.listed_by(ldap.node()),
        [TraversalKind::Directory, TraversalKind::LdapServer]
    );
    assert_eq!(report.of_kind(TraversalKind::LdapServer).count(), 1);
}

#[tokio::test]
async fn the_access_report_fetches_its_ten_lists_at_once() {
    let sandbox = start(Fixture::demo()).await;
    let ada = user(&sandbox, "acme", "ada");
    let hold = sandbox.hold_responses();
    let report = tokio::spawn(ada.access_report());
    // All ten first pages (nine traversals and memberof) are in flight
    // together before any is answered.
    sandbox.wait_for_in_flight(10).await;
    drop(hold);
    let report = report.await.unwrap().unwrap();
    assert_eq!(report.objects().len(), 13);
}

#[tokio::test]
async fn the_access_report_stays_within_max_in_flight() {
    let sandbox = start(Fixture::demo()).await;
    let client = sandbox.client_with(|b| b.max_in_flight(2));
    let ada = client.user(sandbox.fixture()["acme"].id_of("ada")).unwrap();
    let report = ada.access_report().await.unwrap();
    assert_eq!(report.objects().len(), 13);
    let stats = sandbox.stats();
    // One page each of the nine traversals and memberof.
    assert_eq!(stats.requests_total, 10);
    assert!(stats.max_in_flight <= 2, "{stats:?}");
}

#[tokio::test]
async fn explain_all_explains_every_object_of_one_kind_from_one_traversal() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let ada = sandbox
        .client()
        .user(sandbox.fixture()["acme"].id_of("ada"))
        .unwrap();
    let all = ada.explain_all(TraversalKind::System).await.unwrap();
    assert_eq!(sandbox.stats().requests_total, 1, "one traversal");
    assert_eq!(all.len(), 6);
    for explained in &all {
        let one = ada
            .explain(TraversalKind::System, explained.id())
            .await
            .unwrap()
            .expect("bound");
        assert_eq!(one.effective_sudo(), explained.effective_sudo());
        assert_eq!(one.paths().len(), explained.paths().len());
        assert_eq!(one.deciding_index(), explained.deciding_index());
    }
}

// ---------------------------------------------------------------- apply

#[tokio::test(start_paused = true)]
async fn a_spurious_404_on_a_dissociate_leaves_the_step_unverified_not_already_absent() {
    let sandbox = start(Fixture::demo()).await;
    let plan = plan(&sandbox, "acme", "ada", TraversalKind::System, "web-01").await;
    let before = live_edges(&sandbox, "acme", "ada");
    // JumpCloud answers 404 to the removal, yet the edge stays.
    sandbox.set_faults(
        FaultPlan::new().rule(
            FaultRule::always(Fault::status(404))
                .method("POST")
                .path_contains("/associations"),
        ),
    );
    let done = plan.apply().await.unwrap();
    assert_eq!(live_edges(&sandbox, "acme", "ada"), before);
    // Only a re-read may call an edge absent: the re-traversal still shows
    // the direct binding.
    assert_eq!(done.already_absent().count(), 0, "{done}");
    let step = &done.steps()[0];
    assert_eq!(step.status(), StepStatus::Unverified);
    assert_eq!(step.answer(), Some(Ensured::AlreadyAbsent));
    assert!(!done.is_complete());
    assert!(done.still_granted());
    assert_eq!(done.remaining_paths().len(), 3);
    assert!(!done.matches_prediction());
    assert!(has(done.warnings(), "unexpected_outcome"));
    assert!(
        done.to_string()
            .starts_with("removed 0 edges, 1 unverified"),
        "{done}"
    );
    // Re-read until the verify deadline, in case the 404 was only ahead of
    // a lagging graph.
    assert_eq!(done.verification(), Verification::NotYetVisible);
    assert!(done.waited() >= RevokePlan::DEFAULT_VERIFY_TIMEOUT);
}

#[tokio::test(start_paused = true)]
async fn a_removal_answered_but_not_yet_visible_is_unverified() {
    let sandbox = start(Fixture::demo()).await;
    let plan = plan(&sandbox, "acme", "ada", TraversalKind::System, "web-01").await;
    // JumpCloud accepts the removal (204) but the graph does not change
    // yet, as under association lag.
    sandbox.set_faults(
        FaultPlan::new().rule(
            FaultRule::always(Fault::status(204))
                .method("POST")
                .path_contains("/associations"),
        ),
    );
    let done = plan.apply().await.unwrap();
    let step = &done.steps()[0];
    assert_eq!(step.status(), StepStatus::Unverified);
    assert_eq!(step.answer(), Some(Ensured::Removed));
    assert_eq!(done.removed().count(), 0);
    assert!(done.still_granted());
    assert_eq!(done.verification(), Verification::NotYetVisible);
}

/// A user bound to system s directly and to two device groups that hold
/// it: three steps this crate runs itself.
const THREE_STEPS: &str = r#"
orgs:
  - handle: o
    id: "650000000000000000000001"
    name: Three steps
    users: { u: { id: "651000000000000000000001" } }
    systems: { s: { id: "653000000000000000000001" } }
    system_groups:
      sg1: { id: "654000000000000000000001" }
      sg2: { id: "654000000000000000000002" }
    members: { sg1: [s], sg2: [s] }
    bindings:
      - { from: u, to: s }
      - { from: u, to: sg1 }
      - { from: u, to: sg2 }
keys: [{ key: jc-sandbox-three-steps-admin, org: o }]
"#;

/// A sandbox over [`THREE_STEPS`], and u's plan for s through a client
/// that does not retry.
async fn three_step_plan() -> (Sandbox, RevokePlan) {
    let sandbox = start(Fixture::from_yaml_str(THREE_STEPS).unwrap()).await;
    let client = sandbox.client_with(|b| b.retry(RetryPolicy::none()));
    let u = client.user(sandbox.fixture()["o"].id_of("u")).unwrap();
    let plan = u
        .revoke_plan(TraversalKind::System, sandbox.fixture()["o"].id_of("s"))
        .await
        .unwrap();
    (sandbox, plan)
}

#[tokio::test]
async fn a_step_that_fails_returns_the_outcome_so_far_with_the_error() {
    let (sandbox, plan) = three_step_plan().await;
    assert_eq!(plan.executable_steps().count(), 3);
    // The first removal goes through, the second gets 503.
    sandbox
        .set_faults(FaultPlan::new().rule(FaultRule::at([2], Fault::status(503)).method("POST")));
    let failed = plan.apply().await.unwrap_err();
    assert_eq!(failed.error().status(), Some(503));
    assert!(
        failed
            .to_string()
            .starts_with("revoke step 2 of 3 failed: "),
        "{failed}"
    );
    let outcome = failed.outcome();
    let statuses: Vec<StepStatus> = outcome.steps().iter().map(|s| s.status()).collect();
    assert_eq!(
        statuses,
        [
            StepStatus::Removed,
            StepStatus::Failed,
            StepStatus::NotAttempted
        ]
    );
    assert!(outcome.steps()[1].error().unwrap().contains("503"));
    // The re-read ran after the failure: the first edge is verified gone,
    // the other two still grant the device.
    assert!(outcome.was_reread());
    assert!(outcome.still_granted());
    assert_eq!(outcome.remaining_paths().len(), 2);
    assert_eq!(live_edges(&sandbox, "o", "u").len(), 2);
    assert!(!outcome.matches_prediction());
    assert!(!has(outcome.warnings(), "unexpected_outcome"));
    // `?` keeps working where only an Error fits.
    let error: jumpcloud_graph::Error = failed.into();
    assert_eq!(error.status(), Some(503));

    // Applying again finishes the job.
    sandbox.clear_faults();
    let done = plan.apply().await.unwrap();
    let statuses: Vec<StepStatus> = done.steps().iter().map(|s| s.status()).collect();
    assert_eq!(
        statuses,
        [
            StepStatus::AlreadyAbsent,
            StepStatus::Removed,
            StepStatus::Removed
        ]
    );
    assert!(!done.still_granted() && done.is_complete());
}

#[tokio::test]
async fn a_failed_re_read_leaves_every_answered_step_unverified() {
    let (sandbox, plan) = three_step_plan().await;
    sandbox.set_faults(
        FaultPlan::new().rule(
            FaultRule::always(Fault::status(503))
                .method("GET")
                .path_contains("/systems"),
        ),
    );
    let failed = plan.apply().await.unwrap_err();
    assert!(
        failed
            .to_string()
            .starts_with("the re-read after the revoke's writes failed")
    );
    let outcome = failed.outcome();
    assert!(!outcome.was_reread());
    assert_eq!(outcome.unverified().count(), 3);
    assert!(outcome.still_granted(), "nothing shows access gone");
    assert!(
        outcome
            .to_string()
            .contains("whether access remains is unknown"),
        "{outcome}"
    );
    // The writes themselves went through.
    assert!(live_edges(&sandbox, "o", "u").is_empty());
}

// ------------------------------------------------- apply under association lag

/// A demo sandbox whose traversals show a write `lag` after it.
async fn lagging(lag: Duration) -> Sandbox {
    Sandbox::builder()
        .association_lag(lag)
        .start()
        .await
        .unwrap()
}

/// Katherine's plan for her Surface (one direct path: one step, after
/// which she no longer reaches it).
async fn katherine_surface(sandbox: &Sandbox) -> RevokePlan {
    let plan = plan(
        sandbox,
        "acme",
        "katherine",
        TraversalKind::System,
        "katherine-surface",
    )
    .await;
    assert_eq!(plan.executable_steps().count(), 1);
    assert!(!plan.still_granted_after_apply());
    plan
}

/// The requests since the last `reset_stats`, as `METHOD last-path-segment`.
fn sent(sandbox: &Sandbox) -> Vec<String> {
    sandbox
        .requests()
        .iter()
        .map(|r: &RecordedRequest| {
            let last = r.path.rsplit('/').next().unwrap_or_default();
            format!("{} {last}", r.method)
        })
        .collect()
}

#[tokio::test(start_paused = true)]
async fn under_association_lag_apply_reads_again_until_the_removal_shows() {
    let sandbox = lagging(Duration::from_secs(3)).await;
    let plan = katherine_surface(&sandbox).await;
    sandbox.reset_stats();
    let done = plan.apply().await.unwrap();
    // Right after the write the traversal still shows the binding; apply
    // waits until it does not, rather than calling access "still granted".
    assert_eq!(done.verification(), Verification::Verified);
    assert!(!done.still_granted(), "{done}");
    assert_eq!(done.removed().count(), 1);
    assert!(done.is_complete() && done.matches_prediction(), "{done}");
    assert!(!has(done.warnings(), "unexpected_outcome"), "{done}");
    let waited = done.waited();
    assert!(
        (Duration::from_secs(3)..=Duration::from_secs(7)).contains(&waited),
        "{waited:?}"
    );
    // Waits of 0.5-1 s, then 1-2 s, then 2-4 s: three or four re-reads,
    // each one traversal of the plan's kind, nothing else.
    let rereads = done.rereads();
    assert!((3..=4).contains(&rereads), "{rereads} re-reads");
    let mut expected = vec!["POST associations".to_string()];
    expected.extend((0..rereads).map(|_| "GET systems".to_string()));
    assert_eq!(sent(&sandbox), expected);
    assert!(done.to_string().contains("; verified after "), "{done}");
}

#[tokio::test(start_paused = true)]
async fn a_removal_not_visible_by_the_deadline_is_reported_with_the_time_waited() {
    let sandbox = lagging(Duration::from_secs(3600)).await;
    let timeout = Duration::from_secs(30);
    let plan = katherine_surface(&sandbox)
        .await
        .with_verify_timeout(timeout);
    assert_eq!(plan.verify_timeout(), timeout);
    sandbox.reset_stats();
    let started = tokio::time::Instant::now();
    let done = plan.apply().await.unwrap();
    assert_eq!(done.verification(), Verification::NotYetVisible);
    assert_eq!(done.steps()[0].status(), StepStatus::Unverified);
    assert_eq!(done.steps()[0].answer(), Some(Ensured::Removed));
    assert!(done.still_granted() && !done.is_complete());
    // The last re-read starts at the deadline, and none after it.
    let waited = done.waited();
    assert!(
        timeout <= waited && waited < timeout + Duration::from_secs(1),
        "{waited:?}"
    );
    assert!(started.elapsed() < timeout + Duration::from_secs(1));
    // Waits of at least 0.5, 1, 2, 4, 8, 8, .. s: at most 9 re-reads in 30 s.
    assert!((2..=9).contains(&done.rereads()), "{}", done.rereads());
    assert_eq!(sent(&sandbox).len() as u32, 1 + done.rereads());
    assert!(
        done.to_string().contains("not yet visible after 30.0 s"),
        "{done}"
    );
    // The write was made: once the lag has passed, applying again finds
    // the edge gone (404) and verifies at once.
    tokio::time::advance(Duration::from_secs(3600)).await;
    let again = plan.apply().await.unwrap();
    assert_eq!(again.verification(), Verification::Verified);
    assert_eq!(again.already_absent().count(), 1);
    assert_eq!((again.rereads(), again.waited()), (1, Duration::ZERO));
}

#[tokio::test(start_paused = true)]
async fn a_zero_verify_timeout_reads_once_and_the_timeout_is_capped() {
    let sandbox = lagging(Duration::from_secs(60)).await;
    let plan = katherine_surface(&sandbox).await;
    assert_eq!(plan.verify_timeout(), RevokePlan::DEFAULT_VERIFY_TIMEOUT);
    let capped = plan.clone().with_verify_timeout(Duration::MAX);
    assert_eq!(capped.verify_timeout(), RevokePlan::MAX_VERIFY_TIMEOUT);
    let done = plan
        .with_verify_timeout(Duration::ZERO)
        .apply()
        .await
        .unwrap();
    assert_eq!(done.verification(), Verification::NotYetVisible);
    assert_eq!((done.rereads(), done.waited()), (1, Duration::ZERO));
}

#[tokio::test(start_paused = true)]
async fn dropping_apply_stops_its_polling() {
    let sandbox = lagging(Duration::from_secs(3600)).await;
    let plan = katherine_surface(&sandbox).await;
    sandbox.reset_stats();
    let cut = tokio::time::timeout(Duration::from_secs(10), plan.apply()).await;
    assert!(cut.is_err(), "still waiting after 10 s");
    let requests = sandbox.stats().requests_total;
    assert!(requests >= 2, "a write and a re-read at least: {requests}");
    tokio::time::advance(Duration::from_secs(600)).await;
    tokio::task::yield_now().await;
    assert_eq!(sandbox.stats().requests_total, requests, "nothing polls on");
}

/// A server whose traversal of the user's systems lists system S with both
/// paths (user -> S, user -> G -> S) on its first call, and from then on
/// with only one of them, alternately: it never shows both removed edges
/// gone at once. Every other list is empty; every write is accepted. Its
/// traversal calls are counted.
async fn flip_flopping_server(calls: Arc<AtomicUsize>) -> std::net::SocketAddr {
    use tokio::io::AsyncWriteExt;
    let (user, system, group) = (USER, object_id(1), object_id(2));
    let direct = json!([{"attributes": null, "to": {"id": system, "type": "system"}}]);
    let via_group = json!([
        {"attributes": null, "to": {"id": group, "type": "system_group"}},
        {"attributes": null, "to": {"id": system, "type": "system"}}
    ]);
    let body = move |paths: Vec<&serde_json::Value>| {
        json!([{"id": system, "type": "system", "compiledAttributes": null, "paths": paths}])
            .to_string()
    };
    let bodies = [
        body(vec![&direct, &via_group]),
        body(vec![&direct]),
        body(vec![&via_group]),
    ];
    let systems = format!("/api/v2/users/{user}/systems");
    common::raw_server(move |head, mut stream| {
        let answer = if head.starts_with("POST ") {
            "HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n".to_string()
        } else {
            let list = if head
                .split(' ')
                .nth(1)
                .is_some_and(|p| p.starts_with(&systems))
            {
                let n = calls.fetch_add(1, Ordering::SeqCst);
                bodies[if n == 0 { 0 } else { 1 + n % 2 }].clone()
            } else {
                "[]".to_string()
            };
            format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-total-count: {}\r\n\
                 content-length: {}\r\nconnection: close\r\n\r\n{list}",
                usize::from(list != "[]"),
                list.len()
            )
        };
        async move {
            let _ = stream.write_all(answer.as_bytes()).await;
        }
    })
    .await
}

#[tokio::test(start_paused = true)]
async fn a_server_that_flip_flops_cannot_keep_apply_past_the_deadline() {
    let calls = Arc::new(AtomicUsize::new(0));
    let addr = flip_flopping_server(calls.clone()).await;
    let user = common::client_at(addr).user(USER).unwrap();
    let plan = user
        .revoke_plan(TraversalKind::System, object_id(1))
        .await
        .unwrap();
    assert_eq!(plan.executable_steps().count(), 2, "{plan}");
    let started = tokio::time::Instant::now();
    let done = plan.apply().await.unwrap();
    let elapsed = started.elapsed();
    assert_eq!(done.verification(), Verification::NotYetVisible, "{done}");
    // One step shows gone, the other not, in every re-read: never verified.
    assert_eq!(done.unverified().count(), 1, "{done}");
    assert_eq!(done.remaining_paths().len(), 1);
    let deadline = RevokePlan::DEFAULT_VERIFY_TIMEOUT;
    assert!(
        deadline <= elapsed && elapsed < deadline + Duration::from_secs(1),
        "{elapsed:?}"
    );
    // Waits of at least 0.5, 1, 2, 4, 8, 8, .. s: at most 20 re-reads in
    // 2 minutes, each one traversal.
    assert!((2..=20).contains(&done.rereads()), "{}", done.rereads());
    assert_eq!(calls.load(Ordering::SeqCst), 1 + done.rereads() as usize);
}
