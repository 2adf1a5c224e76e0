//! Each error case the sandbox reproduces, with JumpCloud's status and body.

use crate::common;

use common::{ACME_KEY, get, get_with, http, id, json, post};
use jumpcloud_graph_sandbox::{Fixture, Sandbox};
use serde_json::{Value, json};

async fn demo() -> Sandbox {
    Sandbox::start(Fixture::demo()).await
}

/// Status and the raw body text, after checking the body is JSON.
async fn error(response: reqwest::Response) -> (u16, Value) {
    assert_eq!(response.headers()["content-type"], "application/json");
    let (status, _, body) = json(response).await;
    (status, body)
}

#[tokio::test]
async fn limit_above_100_is_400_with_jumpclouds_message() {
    let sandbox = demo().await;
    let response = get(&sandbox, &format!("/users/{}/systems?limit=101", id("ada"))).await;
    assert_eq!(
        error(response).await,
        (
            400,
            json!({"message": "Bad Request: request parameter \"limit\" exceeds maximum value of 100"})
        )
    );
}

#[tokio::test]
async fn limit_that_is_not_a_positive_integer_is_400() {
    let sandbox = demo().await;
    for limit in ["abc", "0", "-5", "2.5"] {
        let response = get(
            &sandbox,
            &format!("/users/{}/memberof?limit={limit}", id("ada")),
        )
        .await;
        let (status, body) = error(response).await;
        assert_eq!(status, 400, "limit={limit}");
        assert!(
            body["message"]
                .as_str()
                .unwrap_or_default()
                .contains("\"limit\""),
            "{body}"
        );
    }
}

#[tokio::test]
async fn negative_skip_is_400() {
    let sandbox = demo().await;
    let response = get(&sandbox, &format!("/users/{}/systems?skip=-1", id("ada"))).await;
    let (status, body) = error(response).await;
    assert_eq!(status, 400);
    assert_eq!(
        body["message"],
        "Bad Request: request parameter \"skip\" is below minimum value of 0"
    );
}

#[tokio::test]
async fn malformed_user_id_is_400() {
    let sandbox = demo().await;
    let response = get(&sandbox, "/users/123456/systems").await;
    assert_eq!(
        error(response).await,
        (
            400,
            json!({"message": "Bad Request: invalid object id \"123456\""})
        )
    );
}

#[tokio::test]
async fn unknown_user_is_404() {
    let sandbox = demo().await;
    for operation in [
        "systems",
        "memberof",
        "directories",
        "associations?targets=system",
    ] {
        let response = get(
            &sandbox,
            &format!("/users/651000000000000000000999/{operation}"),
        )
        .await;
        let (status, body) = error(response).await;
        assert_eq!(status, 404, "{operation}");
        assert!(
            body["message"]
                .as_str()
                .unwrap_or_default()
                .starts_with("Not Found: ")
        );
    }
}

#[tokio::test]
async fn user_of_another_org_is_404() {
    let sandbox = demo().await;
    let response = get(&sandbox, &format!("/users/{}/systems", id("hank"))).await;
    assert_eq!(response.status(), 404);
}

#[tokio::test]
async fn missing_api_key_is_401_with_jumpclouds_body() {
    let sandbox = demo().await;
    let response = get_with(
        &sandbox,
        &format!("/users/{}/systems", id("ada")),
        None,
        None,
    )
    .await;
    assert_eq!(response.status(), 401);
    assert_eq!(response.headers()["content-type"], "application/json");
    assert_eq!(
        response.text().await.expect("body"),
        r#"{"error":"Unauthorized","message":"Unauthorized: api key user not found"}"#
    );
}

#[tokio::test]
async fn wrong_api_key_is_401_with_jumpclouds_body() {
    let sandbox = demo().await;
    let response = get_with(
        &sandbox,
        &format!("/users/{}/systems", id("ada")),
        Some("not-a-key"),
        None,
    )
    .await;
    assert_eq!(
        error(response).await,
        (
            401,
            json!({"error": "Unauthorized", "message": "Unauthorized: api key user not found"})
        )
    );
}

#[tokio::test]
async fn malformed_filter_and_unknown_operator_are_400() {
    let sandbox = demo().await;
    for filter in ["hostname", "hostname:eq", "hostname:like:web", ":eq:x"] {
        let response = http()
            .get(format!(
                "{}/users/{}/systems",
                sandbox.base_url(),
                id("ada")
            ))
            .header("x-api-key", ACME_KEY)
            .query(&[("filter", filter)])
            .send()
            .await
            .expect("answer");
        let (status, body) = error(response).await;
        assert_eq!(status, 400, "filter={filter}");
        assert!(
            body["message"]
                .as_str()
                .unwrap_or_default()
                .contains("filter"),
            "{body}"
        );
    }
}

#[tokio::test]
async fn associations_without_targets_is_400() {
    let sandbox = demo().await;
    let response = get(&sandbox, &format!("/users/{}/associations", id("ada"))).await;
    assert_eq!(
        error(response).await,
        (
            400,
            json!({"message": "Bad Request: request parameter \"targets\" is required"})
        )
    );
}

#[tokio::test]
async fn associations_with_an_invalid_target_type_is_400() {
    let sandbox = demo().await;
    for targets in ["user_group", "system,user", "systems"] {
        let response = get(
            &sandbox,
            &format!("/users/{}/associations?targets={targets}", id("ada")),
        )
        .await;
        let (status, body) = error(response).await;
        assert_eq!(status, 400, "targets={targets}");
        assert!(
            body["message"]
                .as_str()
                .unwrap_or_default()
                .contains("invalid value")
        );
    }
}

/// `POST /users/{ada}/associations` with `body`.
async fn associate(sandbox: &Sandbox, body: Value) -> (u16, Value) {
    error(post(sandbox, &format!("/users/{}/associations", id("ada")), body).await).await
}

#[tokio::test]
async fn post_with_an_invalid_target_type_is_400() {
    let sandbox = demo().await;
    let (status, body) = associate(
        &sandbox,
        json!({"op": "add", "type": "user_group", "id": id("ops")}),
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("invalid type")
    );
}

#[tokio::test]
async fn post_with_a_malformed_object_id_is_400() {
    let sandbox = demo().await;
    let (status, body) = associate(
        &sandbox,
        json!({"op": "add", "type": "system", "id": "123456"}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["message"], "Bad Request: invalid object id \"123456\"");
}

#[tokio::test]
async fn post_with_an_invalid_op_or_body_is_400() {
    let sandbox = demo().await;
    for body in [
        json!({"op": "bind", "type": "system", "id": id("db-01")}),
        json!({"type": "system", "id": id("db-01")}),
        json!({"op": "add", "id": id("db-01")}),
        json!({"op": "add", "type": "system"}),
        json!({"op": "add", "type": "system", "id": id("db-01"), "attributes": "sudo"}),
        json!(["not", "an", "object"]),
    ] {
        let (status, _) = associate(&sandbox, body.clone()).await;
        assert_eq!(status, 400, "{body}");
    }
    let response = http()
        .post(format!(
            "{}/users/{}/associations",
            sandbox.base_url(),
            id("ada")
        ))
        .header("x-api-key", ACME_KEY)
        .body("{not json")
        .send()
        .await
        .expect("answer");
    assert_eq!(error(response).await.0, 400);
}

#[tokio::test]
async fn post_for_an_unknown_target_object_is_404() {
    let sandbox = demo().await;
    let (status, _) = associate(
        &sandbox,
        json!({"op": "add", "type": "system", "id": "653000000000000000000999"}),
    )
    .await;
    assert_eq!(status, 404);
    // An existing object of another type is not a system either.
    let (status, _) = associate(
        &sandbox,
        json!({"op": "add", "type": "system", "id": id("slack")}),
    )
    .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn adding_an_existing_edge_is_409() {
    let sandbox = demo().await;
    let (status, body) = associate(
        &sandbox,
        json!({"op": "add", "type": "system", "id": id("web-01")}),
    )
    .await;
    assert_eq!(status, 409);
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .starts_with("Conflict: ")
    );
}

#[tokio::test]
async fn removing_or_updating_a_missing_edge_is_404() {
    let sandbox = demo().await;
    for op in ["remove", "update"] {
        let (status, _) = associate(
            &sandbox,
            json!({"op": op, "type": "system", "id": id("db-01")}),
        )
        .await;
        assert_eq!(status, 404, "{op}");
    }
}

#[tokio::test]
async fn sudo_without_password_but_not_enabled_is_400() {
    let sandbox = demo().await;
    let (status, body) = associate(
        &sandbox,
        json!({
            "op": "add", "type": "system", "id": id("db-01"),
            "attributes": {"sudo": {"enabled": false, "withoutPassword": true}}
        }),
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("withoutPassword")
    );
    assert!(
        sandbox
            .edges_from("acme", "ada")
            .iter()
            .all(|edge| edge.to.id != id("db-01")),
        "a rejected add changes nothing"
    );
}

#[tokio::test]
async fn email_with_a_missing_or_unknown_type_is_400() {
    let sandbox = demo().await;
    for body in [
        json!({}),
        json!({"emailType": "welcome"}),
        json!({"emailType": 1}),
    ] {
        let response = post(
            &sandbox,
            &format!("/users/{}/emails", id("ken")),
            body.clone(),
        )
        .await;
        assert_eq!(error(response).await.0, 400, "{body}");
    }
    assert!(sandbox.outbox().is_empty());
}

#[tokio::test]
async fn email_to_an_unknown_user_is_404() {
    let sandbox = demo().await;
    let response = post(
        &sandbox,
        "/users/651000000000000000000999/emails",
        json!({"emailType": "activation"}),
    )
    .await;
    assert_eq!(error(response).await.0, 404);
}

#[tokio::test]
async fn unknown_route_is_404_json() {
    let sandbox = demo().await;
    for path in [
        "/users",
        "/systems",
        &format!("/users/{}/policies", id("ada")),
    ] {
        let response = get(&sandbox, path).await;
        let (status, body) = error(response).await;
        assert_eq!(status, 404, "{path}");
        assert!(body["message"].is_string());
    }
}

#[tokio::test]
async fn wrong_method_is_405_json() {
    let sandbox = demo().await;
    let response = http()
        .delete(format!(
            "{}/users/{}/systems",
            sandbox.base_url(),
            id("ada")
        ))
        .header("x-api-key", ACME_KEY)
        .send()
        .await
        .expect("answer");
    assert_eq!(error(response).await.0, 405);
}
