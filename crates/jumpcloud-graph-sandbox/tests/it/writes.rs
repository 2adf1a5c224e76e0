//! Writes (`POST associations`, `POST emails`) and what reads see
//! afterwards, at once or, under association lag, later.

use crate::common;

use std::time::Duration;

use common::{get, id, ids, item, json, post};
use jumpcloud_graph_sandbox::{
    EdgeRole, Fixture, Kind, Sandbox, SandboxBuilder, SentEmail, StartError,
};
use serde_json::{Value, json};

async fn associate(sandbox: &Sandbox, user: &str, body: Value) -> u16 {
    post(sandbox, &format!("/users/{}/associations", id(user)), body)
        .await
        .status()
        .as_u16()
}

async fn list(sandbox: &Sandbox, user: &str, operation: &str) -> Value {
    json(get(sandbox, &format!("/users/{}/{operation}", id(user))).await)
        .await
        .2
}

#[tokio::test]
async fn added_binding_is_listed_and_traversed() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let status = associate(
        &sandbox,
        "ken",
        json!({
            "op": "add", "type": "system", "id": id("db-01"),
            "attributes": {"sudo": {"enabled": true, "withoutPassword": false}}
        }),
    )
    .await;
    assert_eq!(status, 204);
    let associations = list(&sandbox, "ken", "associations?targets=system").await;
    assert_eq!(
        associations,
        json!([{
            "attributes": {"sudo": {"enabled": true, "withoutPassword": false}},
            "to": {"attributes": null, "id": id("db-01"), "type": "system"}
        }])
    );
    let systems = list(&sandbox, "ken", "systems").await;
    assert_eq!(ids(&systems), [id("db-01")]);
    assert_eq!(
        item(&systems, &id("db-01"))["paths"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
}

#[tokio::test]
async fn update_replaces_the_attributes_reads_see() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    // Ada's direct web-01 binding asks for a password; make it passwordless.
    let status = associate(
        &sandbox,
        "ada",
        json!({
            "op": "update", "type": "system", "id": id("web-01"),
            "attributes": {"sudo": {"enabled": true, "withoutPassword": true}}
        }),
    )
    .await;
    assert_eq!(status, 204);
    let systems = list(&sandbox, "ada", "systems?limit=100").await;
    assert_eq!(
        item(&systems, &id("web-01"))["compiledAttributes"]["sudo"],
        json!({"enabled": true, "withoutPassword": true})
    );
    // Without attributes, update clears them: the edge becomes plain.
    assert_eq!(
        associate(
            &sandbox,
            "ada",
            json!({"op": "update", "type": "system", "id": id("web-01")})
        )
        .await,
        204
    );
    let associations = list(&sandbox, "ada", "associations?targets=system").await;
    assert_eq!(
        item_to(&associations, &id("web-01"))["attributes"],
        Value::Null
    );
}

fn item_to<'a>(list: &'a Value, id: &str) -> &'a Value {
    list.as_array()
        .into_iter()
        .flatten()
        .find(|edge| edge["to"]["id"] == id)
        .unwrap_or_else(|| panic!("{id} not in {list}"))
}

#[tokio::test]
async fn removed_binding_leaves_only_group_paths() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    assert_eq!(
        associate(
            &sandbox,
            "ada",
            json!({"op": "remove", "type": "system", "id": id("web-01")})
        )
        .await,
        204
    );
    let systems = list(&sandbox, "ada", "systems?limit=100").await;
    let web = item(&systems, &id("web-01"));
    assert_eq!(web["paths"].as_array().map(Vec::len), Some(2));
    // Without the direct binding, Ops's passwordless sudo is the best user
    // group grant.
    assert_eq!(
        web["compiledAttributes"]["sudo"],
        json!({"enabled": true, "withoutPassword": true})
    );
    // Removing it again is 404.
    assert_eq!(
        associate(
            &sandbox,
            "ada",
            json!({"op": "remove", "type": "system", "id": id("web-01")})
        )
        .await,
        404
    );
}

#[tokio::test]
async fn binding_a_system_group_creates_exactly_one_edge() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let body = json!({"op": "add", "type": "system_group", "id": id("production-servers")});
    assert_eq!(associate(&sandbox, "ken", body.clone()).await, 204);
    assert_eq!(associate(&sandbox, "ken", body).await, 409);
    let edges: Vec<_> = sandbox
        .edges_from("acme", "ken")
        .into_iter()
        .filter(|edge| edge.to.kind == Kind::SystemGroup)
        .collect();
    assert_eq!(edges.len(), 1);
    assert_eq!(edges[0].role(), EdgeRole::Binding);
    // Ken now reaches both production servers through the group.
    let systems = list(&sandbox, "ken", "systems").await;
    assert_eq!(ids(&systems), [id("web-01"), id("db-01")]);
    assert_eq!(
        systems[0]["paths"][0][0]["to"],
        json!({"attributes": null, "id": id("production-servers"), "type": "system_group"})
    );
}

#[tokio::test]
async fn writes_change_the_live_graph_not_the_starting_fixture() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let before = sandbox.edges("acme").len();
    let body = json!({"op": "add", "type": "application", "id": id("github")});
    assert_eq!(associate(&sandbox, "ken", body).await, 204);
    assert_eq!(sandbox.edges("acme").len(), before + 1);
    assert_eq!(sandbox.fixture()["acme"].edges().len(), before);
    assert_eq!(sandbox.edges("globex"), sandbox.fixture()["globex"].edges());
}

/// How many paths `user`'s systems traversal shows to `system` (handles).
async fn paths_to(sandbox: &Sandbox, user: &str, system: &str) -> usize {
    let systems = list(sandbox, user, "systems?limit=100").await;
    item(&systems, &id(system))["paths"]
        .as_array()
        .map_or(0, Vec::len)
}

#[tokio::test(start_paused = true)]
async fn under_association_lag_traversals_show_a_write_only_once_it_is_due() {
    let sandbox = Sandbox::builder()
        .association_lag(Duration::from_secs(3))
        .start()
        .await
        .expect("started");
    assert_eq!(paths_to(&sandbox, "ada", "web-01").await, 3);
    let remove = json!({"op": "remove", "type": "system", "id": id("web-01")});
    assert_eq!(associate(&sandbox, "ada", remove.clone()).await, 204);
    // The write itself is checked and seen at once: by the association
    // list, a second removal (404), the live edges and the live fixture.
    let associations = list(&sandbox, "ada", "associations?targets=system").await;
    assert!(
        !ids_to(&associations).contains(&id("web-01")),
        "{associations}"
    );
    assert_eq!(associate(&sandbox, "ada", remove).await, 404);
    let live = sandbox.live_fixture();
    assert_eq!(live["acme"].edges(), sandbox.edges("acme"));
    assert_eq!(
        live["acme"].edges().len() + 1,
        sandbox.fixture()["acme"].edges().len()
    );
    // Traversals show it 3 s later, not before.
    tokio::time::advance(Duration::from_millis(2999)).await;
    assert_eq!(paths_to(&sandbox, "ada", "web-01").await, 3);
    tokio::time::advance(Duration::from_millis(1)).await;
    assert_eq!(paths_to(&sandbox, "ada", "web-01").await, 2);
}

#[tokio::test(start_paused = true)]
async fn the_association_lag_is_checked_and_can_change_at_runtime() {
    let too_long = SandboxBuilder::MAX_ASSOCIATION_LAG + Duration::from_millis(1);
    let refused = Sandbox::builder().association_lag(too_long).start().await;
    assert!(
        matches!(refused, Err(StartError::Setting(_))),
        "{refused:?}"
    );
    let sandbox = Sandbox::start(Fixture::demo()).await;
    assert!(sandbox.set_association_lag(too_long).is_err());
    let admin = format!("{}/__sandbox/association-lag", sandbox.root_url());
    for (body, status) in [("86400001", 400), ("soon", 400), ("60000", 204)] {
        let response = common::http()
            .put(&admin)
            .body(body)
            .send()
            .await
            .expect("answers");
        assert_eq!(response.status(), status, "{body}");
    }
    let remove = json!({"op": "remove", "type": "system", "id": id("web-01")});
    assert_eq!(associate(&sandbox, "ada", remove).await, 204);
    tokio::time::advance(Duration::from_secs(59)).await;
    assert_eq!(paths_to(&sandbox, "ada", "web-01").await, 3);
    // A write made without lag still shows only after the earlier one.
    sandbox
        .set_association_lag(Duration::ZERO)
        .expect("in range");
    let remove = json!({"op": "remove", "type": "system", "id": id("ada-macbook")});
    assert_eq!(associate(&sandbox, "ada", remove).await, 204);
    assert_eq!(paths_to(&sandbox, "ada", "ada-macbook").await, 2);
    tokio::time::advance(Duration::from_secs(1)).await;
    assert_eq!(paths_to(&sandbox, "ada", "web-01").await, 2);
    assert_eq!(paths_to(&sandbox, "ada", "ada-macbook").await, 1);
}

fn ids_to(list: &Value) -> Vec<String> {
    list.as_array()
        .into_iter()
        .flatten()
        .filter_map(|edge| edge["to"]["id"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn activation_email_lands_in_the_outbox() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let response = post(
        &sandbox,
        &format!("/users/{}/emails", id("ken")),
        json!({"emailType": "activation"}),
    )
    .await;
    assert_eq!(response.status(), 204);
    assert_eq!(response.text().await.ok().as_deref(), Some(""));
    let sent: Vec<(String, String, String)> = sandbox
        .outbox()
        .into_iter()
        .map(|email: SentEmail| (email.org_id, email.user_id, email.email_type))
        .collect();
    assert_eq!(
        sent,
        [(
            common::ACME_ORG.to_owned(),
            id("ken"),
            "activation".to_owned()
        )]
    );
}
