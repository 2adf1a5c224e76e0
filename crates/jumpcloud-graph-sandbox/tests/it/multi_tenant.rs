//! Multi-tenant behaviour: which org a key acts in, `x-org-id`, and which
//! credential `Sandbox::client_for` picks for an org.

use crate::common;

use common::{
    ACME_KEY, ACME_ORG, GLOBEX_KEY, GLOBEX_ORG, MSP_KEY, generated, get_with, id, ids, json,
};
use jumpcloud_graph_sandbox::{ClientForError, CredentialKind, Fixture, Sandbox};
use serde_json::json;

#[tokio::test]
async fn multi_tenant_key_without_x_org_id_is_401_no_organization_selected() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let response = get_with(
        &sandbox,
        &format!("/users/{}/systems", id("ada")),
        Some(MSP_KEY),
        None,
    )
    .await;
    let (status, _, body) = json(response).await;
    assert_eq!(
        (status, body),
        (
            401,
            json!({"error": "Unauthorized", "message": "Unauthorized: no organization selected"})
        )
    );
}

#[tokio::test]
async fn multi_tenant_key_acts_in_the_org_it_selects() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let acme = get_with(
        &sandbox,
        &format!("/users/{}/systems", id("ada")),
        Some(MSP_KEY),
        Some(ACME_ORG),
    )
    .await;
    let (status, count, _) = json(acme).await;
    assert_eq!((status, count), (200, Some(6)));
    let globex = get_with(
        &sandbox,
        &format!("/users/{}/systems", id("hank")),
        Some(MSP_KEY),
        Some(GLOBEX_ORG),
    )
    .await;
    let (status, _, body) = json(globex).await;
    assert_eq!((status, ids(&body)), (200, vec![id("volcano-01")]));
}

#[tokio::test]
async fn user_of_another_org_is_404_in_the_selected_org() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let response = get_with(
        &sandbox,
        &format!("/users/{}/systems", id("ada")),
        Some(MSP_KEY),
        Some(GLOBEX_ORG),
    )
    .await;
    assert_eq!(response.status(), 404);
}

#[tokio::test]
async fn single_tenant_key_may_name_its_own_org() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let path = format!("/users/{}/memberof", id("ada"));
    let without = json(get_with(&sandbox, &path, Some(ACME_KEY), None).await).await;
    let with = json(get_with(&sandbox, &path, Some(ACME_KEY), Some(ACME_ORG)).await).await;
    assert_eq!(without.0, 200);
    assert_eq!(without, with);
}

#[tokio::test]
async fn org_the_key_cannot_reach_is_404() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let path = format!("/users/{}/systems", id("hank"));
    let single = get_with(&sandbox, &path, Some(ACME_KEY), Some(GLOBEX_ORG)).await;
    assert_eq!(single.status(), 404);
    let unknown = get_with(
        &sandbox,
        &path,
        Some(MSP_KEY),
        Some("650000000000000000000099"),
    )
    .await;
    assert_eq!(unknown.status(), 404);
    let globex_admin = get_with(&sandbox, &path, Some(GLOBEX_KEY), None).await;
    assert_eq!(globex_admin.status(), 200);
}

#[tokio::test]
async fn malformed_x_org_id_is_400() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let response = get_with(
        &sandbox,
        &format!("/users/{}/systems", id("ada")),
        Some(MSP_KEY),
        Some("acme"),
    )
    .await;
    let (status, _, body) = json(response).await;
    assert_eq!(status, 400);
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("x-org-id")
    );
}

#[tokio::test]
async fn writes_through_a_multi_tenant_key_land_in_the_selected_org() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let client = generated(&sandbox, MSP_KEY);
    let response = client
        .graph_user_associations_post()
        .user_id(id("hank"))
        .x_org_id(GLOBEX_ORG)
        .body(jumpcloud_graph_openapi::types::GraphOperationUser {
            attributes: None,
            id: id("volcano-01"),
            op: jumpcloud_graph_openapi::types::GraphOperationUserOp::Add,
            type_: jumpcloud_graph_openapi::types::GraphOperationUserType::System,
        })
        .send()
        .await
        .expect("204");
    assert_eq!(response.status(), 204);
    assert_eq!(sandbox.edges_from("globex", "hank").len(), 2);
    assert_eq!(sandbox.edges("acme"), sandbox.fixture()["acme"].edges());
    let recorded = sandbox.requests();
    assert_eq!(recorded[0].x_org_id.as_deref(), Some(GLOBEX_ORG));
}

/// `alpha` with its own key, `beta` reached only by the second of two
/// multi-tenant keys (the first reaches only `alpha`), `gamma` only by a
/// multi-tenant service account, `delta` by nothing, and `omega` by a key
/// too short for the client (15 characters; real ones are longer).
const REACH: &str = r#"
orgs:
  - handle: alpha
    id: "6500000000000000000000a1"
    name: Alpha
    users:
      ann: { id: "6510000000000000000000a1", username: ann }
  - handle: beta
    id: "6500000000000000000000b1"
    name: Beta
    users:
      bob: { id: "6510000000000000000000b1", username: bob }
    systems:
      box: { id: "6530000000000000000000b1", hostname: box }
    bindings:
      - { from: bob, to: box }
  - handle: gamma
    id: "6500000000000000000000c1"
    name: Gamma
    users:
      cy: { id: "6510000000000000000000c1", username: cy }
    systems:
      cube: { id: "6530000000000000000000c1", hostname: cube }
    bindings:
      - { from: cy, to: cube }
  - handle: delta
    id: "6500000000000000000000d1"
    name: Delta
  - handle: omega
    id: "6500000000000000000000e1"
    name: Omega
keys:
  - { key: alpha-admin-key-0123456789, org: alpha }
  - { key: msp-one-key-0123456789ab, orgs: [alpha] }
  - { key: msp-two-key-0123456789ab, orgs: [alpha, beta] }
  - { key: short-omega-key, org: omega }
service_accounts:
  - { client_id: msp-bot-0123456789ab, client_secret: msp-bot-secret-0123456789, orgs: [gamma] }
"#;

/// The systems `user` of `org` reaches through `client`, by handle.
async fn systems_of(
    sandbox: &Sandbox,
    client: &jumpcloud_graph::Client,
    org: &str,
    user: &str,
) -> Vec<String> {
    let org = &sandbox.fixture()[org];
    let user = client.user(org.id_of(user)).expect("a valid id");
    let systems = user
        .systems()
        .try_collect()
        .await
        .expect("the user's systems");
    systems
        .iter()
        .map(|system| org[system.id().to_string().as_str()].handle().to_owned())
        .collect()
}

#[tokio::test]
async fn client_for_an_org_uses_its_own_key_without_x_org_id() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let client = sandbox.client_for("globex").expect("globex has a key");
    assert_eq!(
        systems_of(&sandbox, &client, "globex", "hank").await,
        ["volcano-01"]
    );
    let recorded = sandbox.requests();
    assert_eq!(recorded[0].credential, Some(CredentialKind::ApiKey));
    assert_eq!(recorded[0].x_org_id, None);
}

#[tokio::test]
async fn client_for_an_org_without_its_own_key_uses_a_multi_tenant_key_that_reaches_it() {
    let sandbox = Sandbox::start(Fixture::from_yaml_str(REACH).expect("valid")).await;
    let client = sandbox.client_for("beta").expect("msp-two reaches beta");
    assert_eq!(systems_of(&sandbox, &client, "beta", "bob").await, ["box"]);
    let recorded = sandbox.requests();
    assert_eq!(recorded[0].credential, Some(CredentialKind::ApiKey));
    assert_eq!(
        recorded[0].x_org_id.as_deref(),
        Some("6500000000000000000000b1")
    );
}

#[tokio::test]
async fn client_for_an_org_only_a_service_account_reaches_uses_its_tokens() {
    let sandbox = Sandbox::start(Fixture::from_yaml_str(REACH).expect("valid")).await;
    let client = sandbox.client_for("gamma").expect("msp-bot reaches gamma");
    assert_eq!(systems_of(&sandbox, &client, "gamma", "cy").await, ["cube"]);
    assert_eq!(sandbox.stats().tokens_issued, 1);
    let api_call = sandbox.requests().pop().expect("the traversal");
    assert_eq!(api_call.credential, Some(CredentialKind::Bearer));
    assert_eq!(
        api_call.x_org_id.as_deref(),
        Some("6500000000000000000000c1")
    );
}

#[tokio::test]
async fn client_for_an_org_nothing_reaches_or_no_org_is_an_error() {
    let sandbox = Sandbox::start(Fixture::from_yaml_str(REACH).expect("valid")).await;
    let unreached = sandbox
        .client_for("delta")
        .expect_err("no credential reaches delta");
    assert!(
        matches!(&unreached, ClientForError::NoCredential { org } if org == "delta"),
        "{unreached:?}"
    );
    assert!(unreached.to_string().contains("\"delta\""), "{unreached}");
    let unknown = sandbox
        .client_builder_for("epsilon")
        .expect_err("no such org");
    assert!(
        matches!(&unknown, ClientForError::UnknownOrg { org, .. } if org == "epsilon"),
        "{unknown:?}"
    );
    assert!(
        unknown
            .to_string()
            .contains("\"epsilon\" (its orgs: alpha, beta, gamma, delta, omega)"),
        "{unknown}"
    );
    assert_eq!(sandbox.stats().requests_total, 0);
}

#[tokio::test]
async fn client_for_an_org_whose_key_the_client_refuses_is_an_error_not_a_panic() {
    let sandbox = Sandbox::start(Fixture::from_yaml_str(REACH).expect("valid")).await;
    let refused = sandbox.client_for("omega").expect_err("a 15-character key");
    assert!(matches!(refused, ClientForError::Client(_)), "{refused:?}");
    assert!(sandbox.client_builder_for("omega").is_ok());
}

#[tokio::test]
async fn lookups_follow_the_same_org_rules() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let users = |key: &'static str, org: Option<&'static str>| {
        let mut request = common::http()
            .get(format!("{}/systemusers", sandbox.v1_base_url()))
            .header("x-api-key", key);
        if let Some(org) = org {
            request = request.header("x-org-id", org);
        }
        async move { json(request.send().await.expect("answers")).await }
    };
    let (status, _, body) = users(MSP_KEY, None).await;
    assert_eq!(status, 401);
    assert_eq!(body["message"], "Unauthorized: no organization selected");
    let (status, _, globex) = users(MSP_KEY, Some(GLOBEX_ORG)).await;
    assert_eq!((status, globex["totalCount"].clone()), (200, json!(1)));
    assert_eq!(globex["results"][0]["email"], "hank@globex.example");
    let (status, _, _) = users(GLOBEX_KEY, Some(ACME_ORG)).await;
    assert_eq!(status, 404, "an org the key cannot reach");
    let groups = get_with(&sandbox, "/usergroups", Some(GLOBEX_KEY), None).await;
    let (status, total, body) = json(groups).await;
    assert_eq!((status, total), (200, Some(1)));
    assert_eq!(body[0]["name"], "Henchmen");
}
