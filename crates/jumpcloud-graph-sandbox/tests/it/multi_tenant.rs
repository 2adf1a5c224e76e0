//! Multi-tenant behaviour: which org a key acts in, and `x-org-id`.

use crate::common;

use common::{
    ACME_KEY, ACME_ORG, GLOBEX_KEY, GLOBEX_ORG, MSP_KEY, generated, get_with, id, ids, json,
};
use jumpcloud_graph_sandbox::{Fixture, Sandbox};
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
