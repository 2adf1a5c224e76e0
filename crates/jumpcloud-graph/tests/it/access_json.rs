//! The JSON shapes of the results are stable: snapshots of an explanation,
//! a revoke plan, an outcome (complete, and stopped by a failed step) and
//! an access report on the demo org (whose ids are fixed), a bound object
//! with every wire state (`null`, `{}`, absent, keys the crate does not
//! model), and round trips of the types that deserialize.

use jumpcloud_graph::{
    AssociationTarget, Grant, GraphNode, GraphType, ObjectId, RetryPolicy, Sudo, TraversalKind,
    User,
};
use jumpcloud_graph_sandbox::{Fault, FaultPlan, FaultRule, Fixture, Sandbox};
use serde_json::json;

fn user(sandbox: &Sandbox, handle: &str) -> User {
    sandbox
        .client()
        .user(sandbox.fixture()["acme"].id_of(handle))
        .unwrap()
}

#[tokio::test]
async fn explanation_of_ada_on_web01() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let web = sandbox.fixture()["acme"].id_of("web-01");
    let ex = user(&sandbox, "ada")
        .explain(TraversalKind::System, web)
        .await
        .unwrap()
        .expect("bound");
    insta::assert_json_snapshot!("explanation_ada_web01", ex);
}

#[tokio::test]
async fn revoke_plan_and_outcome_of_ada_on_web01() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let web = sandbox.fixture()["acme"].id_of("web-01");
    let plan = user(&sandbox, "ada")
        .revoke_plan(TraversalKind::System, web)
        .await
        .unwrap();
    insta::assert_json_snapshot!("revoke_plan_ada_web01", plan);
    let done = plan.apply().await.unwrap();
    insta::assert_json_snapshot!("revoke_outcome_ada_web01", done);
}

#[tokio::test]
async fn access_report_of_katherine() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let report = user(&sandbox, "katherine").access_report().await.unwrap();
    insta::assert_json_snapshot!("access_report_katherine", report);
}

#[test]
fn sudo_round_trips_as_its_name() {
    for sudo in [Sudo::Disabled, Sudo::WithPassword, Sudo::WithoutPassword] {
        let value = serde_json::to_value(sudo).unwrap();
        assert_eq!(value, json!(sudo.name()));
        assert_eq!(serde_json::from_value::<Sudo>(value).unwrap(), sudo);
    }
    assert!(serde_json::from_value::<Sudo>(json!("root")).is_err());
}

#[test]
fn grants_round_trip_in_every_shape() {
    let node = |n: u8, kind: GraphType| GraphNode::new(ObjectId::from_bytes([n; 12]), kind);
    let grants = [
        Grant::Direct,
        Grant::UserGroup(node(1, GraphType::UserGroup)),
        Grant::SystemGroup(node(2, GraphType::SystemGroup)),
        Grant::UserGroupThenSystemGroup {
            user_group: node(1, GraphType::UserGroup),
            system_group: node(2, GraphType::SystemGroup),
        },
        Grant::Hops(vec![
            node(3, GraphType::PolicyGroup),
            node(1, GraphType::UserGroup),
        ]),
    ];
    for grant in grants {
        let value = serde_json::to_value(&grant).unwrap();
        assert_eq!(value["kind"], grant.name());
        assert_eq!(serde_json::from_value::<Grant>(value).unwrap(), grant);
    }
    assert_eq!(
        serde_json::to_value(Grant::UserGroup(node(1, GraphType::UserGroup))).unwrap(),
        json!({"kind": "user_group", "user_group": {"id": "010101010101010101010101", "type": "user_group"}})
    );
    // A kind with another kind's fields is refused.
    let wrong = json!({"kind": "direct", "user_group": {"id": "010101010101010101010101", "type": "user_group"}});
    assert!(serde_json::from_value::<Grant>(wrong).is_err());
}

#[test]
fn nodes_and_traversal_kinds_round_trip() {
    let node = GraphNode::new(ObjectId::from_bytes([7; 12]), GraphType::System);
    let value = serde_json::to_value(&node).unwrap();
    assert_eq!(
        value,
        json!({"id": "070707070707070707070707", "type": "system"})
    );
    assert_eq!(serde_json::from_value::<GraphNode>(value).unwrap(), node);
    for kind in TraversalKind::ALL {
        let value = serde_json::to_value(kind).unwrap();
        assert_eq!(value, json!(kind.name()));
        assert_eq!(
            serde_json::from_value::<TraversalKind>(value).unwrap(),
            kind
        );
    }
}

#[tokio::test]
async fn revoke_outcome_of_a_step_that_failed() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let acme = &sandbox.fixture()["acme"];
    let client = sandbox.client_with(|b| b.retry(RetryPolicy::none()));
    let katherine = client.user(acme.id_of("katherine")).unwrap();
    // Katherine also reaches her laptop through the Laptops device group:
    // two steps this crate runs, of which the second gets 503.
    katherine
        .ensure_associated(AssociationTarget::SystemGroup, acme.id_of("laptops"))
        .unwrap()
        .await
        .unwrap();
    let plan = katherine
        .revoke_plan(TraversalKind::System, acme.id_of("katherine-surface"))
        .await
        .unwrap();
    assert_eq!(plan.executable_steps().count(), 2);
    sandbox
        .set_faults(FaultPlan::new().rule(FaultRule::at([2], Fault::status(503)).method("POST")));
    let failed = plan.apply().await.unwrap_err();
    insta::assert_json_snapshot!("revoke_outcome_failed_katherine_surface", failed.outcome());
}

#[tokio::test]
async fn a_report_with_names_carries_name_on_every_named_node_and_nothing_else_changes() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let client = sandbox.client();
    let report = user(&sandbox, "ada").access_report().await.unwrap();
    let plain = serde_json::to_value(&report).unwrap();
    let names = client.names().resolve(report.nodes()).await;
    assert!(names.warnings().is_empty(), "{:?}", names.warnings());
    let named = report.with_names(&names);
    let value = serde_json::to_value(&named).unwrap();
    assert_eq!(value["user"]["name"], "ada");
    let name_of = |list: &str, id: &str| {
        value[list]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["object"]["id"] == id)
            .map(|e| e["object"]["name"].clone())
    };
    assert_eq!(
        name_of("objects", "653000000000000000000004"),
        Some(json!("web-01 (nginx)"))
    );
    assert_eq!(
        name_of("groups", "652000000000000000000001"),
        Some(json!("Engineering"))
    );
    assert_eq!(
        name_of("groups", "652000000000000000000002"),
        Some(json!("Ops"))
    );
    // Path nodes are named too, attributes are left alone.
    let text = value.to_string();
    assert!(
        text.contains(r#""id":"652000000000000000000002","name":"Ops""#),
        "{text}"
    );
    let web = named
        .all()
        .find(|e| e.id().to_string() == "653000000000000000000004")
        .unwrap();
    assert_eq!(web.name(), Some("web-01 (nginx)"));
    // Without the names, the JSON is exactly as before.
    let mut stripped = value.clone();
    strip_names(&mut stripped);
    assert_eq!(stripped, plain);
}

/// Removes every `name` key that sits beside an `id` and a `type`.
fn strip_names(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Array(items) => items.iter_mut().for_each(strip_names),
        serde_json::Value::Object(map) => {
            if map.contains_key("id") && map.contains_key("type") {
                map.remove("name");
            }
            map.values_mut().for_each(strip_names);
        }
        _ => {}
    }
}

#[test]
fn a_bound_object_keeps_every_wire_state_and_unknown_key() {
    // The shapes of `null`, `{}` and absent, and of keys the crate does not
    // model, at every level (the item, an edge, its `from` and `to`).
    let body = json!([{
        "id": "653000000000000000000004", "type": "system",
        "compiledAttributes": {"sudo": {"enabled": true, "withoutPassword": false}},
        "externalId": null, "riskScore": 7,
        "paths": [[
            {"attributes": null, "addedBy": "scim",
             "to": {"id": "652000000000000000000002", "type": "user_group",
                    "attributes": {"ldapGroups": [{"name": "ops"}]}, "memberCount": 12}},
            {"attributes": {"sudo": {"enabled": true, "withoutPassword": false}},
             "from": {"id": "652000000000000000000002", "type": "user_group", "attributes": null, "memberCount": 12},
             "to": {"id": "653000000000000000000004", "type": "system", "attributes": {}}}
        ], [
            {"to": {"id": "653000000000000000000004", "type": "system"}}
        ]]
    }]);
    let user = ObjectId::parse("651000000000000000000001").unwrap();
    let items =
        jumpcloud_graph::fuzzing::decode_bound_objects(user, body.to_string().as_bytes(), 100)
            .unwrap();
    insta::assert_json_snapshot!("bound_object_every_wire_state", items[0]);
}

#[tokio::test]
async fn any_result_serializes_with_names_and_without_them_afterwards() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let ada = user(&sandbox, "ada");
    let groups = ada.member_of().try_collect().await.unwrap();
    let plain = serde_json::to_value(&groups).unwrap();
    let nodes = groups
        .iter()
        .flat_map(|g| g.paths())
        .flat_map(|p| p.nodes());
    let names = sandbox.client().names().resolve(nodes).await;
    let named = serde_json::to_value(jumpcloud_graph::WithNames::new(&groups, &names)).unwrap();
    let edge = &named[1]["paths"][0]["edges"][0];
    assert_eq!(edge["to"]["name"], "Ops", "{named}");
    assert_eq!(edge["from"]["name"], "ada", "{named}");
    let mut stripped = named.clone();
    strip_names(&mut stripped);
    assert_eq!(stripped, plain);
    // The names were in effect only for that value.
    assert_eq!(serde_json::to_value(&groups).unwrap(), plain);
}
