//! JumpCloud's error bodies, parsed leniently into one error type whose
//! predicates answer the caller's questions.

use crate::common;

use std::time::Duration;

use common::{API_KEY, USER, client_for};
use jumpcloud_graph::{Error, RetryPolicy};

use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn fail_with(template: ResponseTemplate) -> Error {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(template)
        .mount(&server)
        .await;
    let client = client_for(&server, |b| b.retry(RetryPolicy::none()));
    common::systems_of(&client).await.unwrap_err()
}

#[tokio::test]
async fn a_message_only_body() {
    let error =
        fail_with(ResponseTemplate::new(404).set_body_json(json!({"message": "Not Found"}))).await;
    let api = error.api().expect("an API error");
    assert_eq!(api.message(), Some("Not Found"));
    assert!(error.is_not_found());
    assert_eq!(api.method(), "GET");
    assert_eq!(api.path(), format!("/users/{USER}/systems"));
    assert!(
        error
            .to_string()
            .contains(&format!("GET /users/{USER}/systems")),
        "{error}"
    );
}

#[tokio::test]
async fn an_error_and_message_body() {
    let error = fail_with(
        ResponseTemplate::new(409)
            .set_body_json(json!({"error": "Conflict", "message": "Conflict: already exists"})),
    )
    .await;
    let api = error.api().unwrap();
    assert_eq!(api.error(), Some("Conflict"));
    assert_eq!(api.message(), Some("Conflict: already exists"));
    assert!(error.is_conflict());
}

#[tokio::test]
async fn a_code_message_status_body() {
    let error = fail_with(ResponseTemplate::new(400).set_body_json(
        json!({"code": 400, "message": "Bad Request: request parameter \"limit\" exceeds maximum value of 100", "status": "BAD_REQUEST"}),
    ))
    .await;
    let api = error.api().unwrap();
    assert_eq!(api.code(), Some(400));
    assert!(
        api.message()
            .unwrap()
            .contains("exceeds maximum value of 100")
    );
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn an_html_gateway_page() {
    let error = fail_with(
        ResponseTemplate::new(502)
            .insert_header("content-type", "text/html")
            .set_body_string("<html><body><h1>502 Bad Gateway</h1></body></html>"),
    )
    .await;
    let api = error.api().unwrap();
    assert_eq!(api.message(), None);
    assert!(api.body().contains("502 Bad Gateway"));
    assert!(error.is_retryable());
}

#[tokio::test]
async fn an_empty_body() {
    let error = fail_with(ResponseTemplate::new(503)).await;
    let api = error.api().unwrap();
    assert_eq!(api.status(), 503);
    assert_eq!(api.body(), "");
    assert!(error.is_retryable());
}

#[tokio::test]
async fn a_rate_limit_carries_retry_after() {
    let error = fail_with(
        ResponseTemplate::new(429)
            .insert_header("retry-after", "7")
            .insert_header("x-request-id", "req-123"),
    )
    .await;
    assert!(error.is_rate_limited());
    assert_eq!(error.retry_after(), Some(Duration::from_secs(7)));
    assert_eq!(error.api().unwrap().request_id(), Some("req-123"));
}

#[tokio::test]
async fn an_unknown_key_on_this_host_hints_at_the_region() {
    let error = fail_with(ResponseTemplate::new(401).set_body_json(
        json!({"error": "Unauthorized", "message": "Unauthorized: api key user not found"}),
    ))
    .await;
    assert!(error.is_unauthorized());
    let hint = error.api().unwrap().hint().unwrap().to_string();
    assert!(
        hint.contains("region") && hint.contains("Region::Eu"),
        "{hint}"
    );
    assert!(error.to_string().contains("Region::Eu"));
}

#[tokio::test]
async fn a_missing_organization_hints_at_the_org_id() {
    let error = fail_with(
        ResponseTemplate::new(401)
            .set_body_json(json!({"message": "Unauthorized: no organization selected"})),
    )
    .await;
    let hint = error.api().unwrap().hint().unwrap().to_string();
    assert!(
        hint.contains("multi-tenant") && hint.contains("org_id"),
        "{hint}"
    );
}

#[tokio::test]
async fn another_refusal_hints_at_the_key() {
    let error = fail_with(ResponseTemplate::new(401).set_body_string("nope")).await;
    assert!(error.api().unwrap().hint().unwrap().contains("API key"));
}

#[tokio::test]
async fn an_echoed_api_key_is_scrubbed_from_the_error() {
    let error = fail_with(
        ResponseTemplate::new(401)
            .set_body_json(json!({"message": format!("Unauthorized: key {API_KEY} unknown")})),
    )
    .await;
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains(API_KEY), "{shown}");
    assert!(shown.contains("[redacted]"));
}

#[tokio::test]
async fn a_success_with_an_undecodable_body_is_a_decode_error() {
    for template in [
        ResponseTemplate::new(200).set_body_string(r#"[{"id": "64b0000000"#),
        ResponseTemplate::new(200).set_body_string(""),
        ResponseTemplate::new(200)
            .insert_header("content-type", "text/plain")
            .set_body_string("hello"),
    ] {
        let error = fail_with(template).await;
        assert!(error.is_decode(), "{error:?}");
        assert!(!error.is_retryable());
    }
}

#[tokio::test]
async fn an_id_that_is_not_an_object_id_is_kept_with_the_rest_of_the_page() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-total-count", "2")
                .set_body_json(json!([
                    {"id": "legacy-7", "type": "system", "paths": []},
                    common::system(1),
                ])),
        )
        .mount(&server)
        .await;
    let client = client_for(&server, |b| b.retry(RetryPolicy::none()));
    let systems = common::systems_of(&client).await.unwrap();
    assert_eq!(systems.len(), 2);
    assert_eq!(systems[0].id().to_string(), "legacy-7");
    assert!(!systems[0].id().is_object_id());
    assert!(systems[1].id().is_object_id());
}

#[tokio::test]
async fn a_decode_error_names_the_request_and_keeps_the_serde_cause() {
    let error = fail_with(ResponseTemplate::new(200).set_body_string("[{\"id\": 7}]")).await;
    assert!(error.is_decode());
    assert_eq!(
        error.path(),
        Some(format!("/users/{USER}/systems").as_str())
    );
    let cause = std::error::Error::source(&error).expect("a cause");
    assert!(cause.is::<serde_json::Error>(), "{cause:?}");
    assert!(
        !error.to_string().contains(&cause.to_string()),
        "the cause is printed once"
    );
}

#[tokio::test]
async fn a_refused_connection_is_a_retryable_transport_error() {
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = jumpcloud_graph::Client::builder()
        .api_key(API_KEY)
        .base_url(format!("http://127.0.0.1:{port}/api/v2"))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let error = common::systems_of(&client).await.unwrap_err();
    assert!(error.is_transport(), "{error:?}");
    assert!(error.is_retryable());
    assert!(!error.to_string().contains(API_KEY));
}
