//! The fault matrix against a mock server: for each failure JumpCloud or
//! the network can produce, what the client does (success after N attempts,
//! or which typed error) and how many requests the server saw. Faults that
//! need a real socket (resets, stalled bodies, lost write responses) are in
//! the workspace tests against the sandbox.

use crate::common;

use std::time::{Duration, SystemTime};

use common::{USER, object_id, setup, system};
use jumpcloud_graph::{AssociationTarget, Client, Ensured, Error, RetryPolicy};
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// What the client should end with.
#[derive(Debug)]
enum Expect {
    /// Success after this many requests.
    Success(usize),
    /// This error after this many requests.
    Failure(fn(&Error) -> bool, usize),
}

/// Serves `fault` for the first `times` requests, then a good one-item page.
async fn faulty_server(fault: ResponseTemplate, times: u64) -> (MockServer, Client) {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .respond_with(fault)
        .up_to_n_times(times)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-total-count", "1")
                .set_body_json(json!([system(1)])),
        )
        .mount(&server)
        .await;
    (server, client)
}

async fn run_read(name: &str, fault: ResponseTemplate, times: u64, expect: Expect) {
    let (server, client) = faulty_server(fault, times).await;
    let outcome = common::systems_of(&client).await;
    let requests = server.received_requests().await.unwrap().len();
    match (expect, outcome) {
        (Expect::Success(expected), Ok(items)) => {
            assert_eq!(items.len(), 1, "{name}");
            assert_eq!(requests, expected, "{name}: requests");
        }
        (Expect::Failure(check, expected), Err(error)) => {
            assert!(check(&error), "{name}: unexpected error {error:?}");
            assert_eq!(requests, expected, "{name}: requests");
        }
        (expect, outcome) => panic!("{name}: expected {expect:?}, got {outcome:?}"),
    }
}

fn status(code: u16) -> ResponseTemplate {
    ResponseTemplate::new(code).set_body_json(json!({"message": format!("injected {code}")}))
}

#[tokio::test]
async fn transient_statuses_succeed_on_the_second_attempt() {
    for code in [408, 429, 500, 502, 503, 504] {
        run_read(&format!("{code} once"), status(code), 1, Expect::Success(2)).await;
    }
}

#[tokio::test]
async fn a_transient_status_that_persists_fails_after_every_attempt() {
    let attempts = common::fast_retries().max_attempts() as usize;
    run_read(
        "503 always",
        status(503),
        100,
        Expect::Failure(|e| e.status().is_some_and(|s| s == 503), attempts),
    )
    .await;
}

#[tokio::test]
async fn permanent_statuses_are_not_retried() {
    for code in [400, 401, 403, 404, 409] {
        run_read(
            &format!("{code}"),
            status(code),
            100,
            Expect::Failure(|e| e.api().is_some(), 1),
        )
        .await;
    }
}

#[tokio::test]
async fn retry_after_in_seconds_is_honoured() {
    run_read(
        "429 Retry-After: 0",
        status(429).insert_header("retry-after", "0"),
        1,
        Expect::Success(2),
    )
    .await;
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_honoured() {
    let past = httpdate::fmt_http_date(SystemTime::now() - Duration::from_secs(5));
    run_read(
        "429 Retry-After: <date>",
        status(429).insert_header("retry-after", past),
        1,
        Expect::Success(2),
    )
    .await;
}

#[tokio::test]
async fn a_retry_after_beyond_the_deadline_ends_the_retries() {
    run_read(
        "429 Retry-After: 3600",
        status(429).insert_header("retry-after", "3600"),
        1,
        Expect::Failure(
            |e| e.is_rate_limited() && e.retry_after() == Some(Duration::from_secs(3600)),
            1,
        ),
    )
    .await;
}

#[tokio::test]
async fn a_rate_limit_without_retry_after_backs_off_and_succeeds() {
    run_read(
        "429 twice",
        ResponseTemplate::new(429),
        2,
        Expect::Success(3),
    )
    .await;
}

#[tokio::test]
async fn an_html_error_page_is_retried_as_its_status() {
    let page = ResponseTemplate::new(502)
        .insert_header("content-type", "text/html")
        .set_body_string("<html><h1>502 Bad Gateway</h1></html>");
    run_read("HTML 502", page, 1, Expect::Success(2)).await;
}

#[tokio::test]
async fn undecodable_success_bodies_are_decode_errors_without_retries() {
    let is_decode = |e: &Error| e.is_decode();
    run_read(
        "empty 200",
        ResponseTemplate::new(200),
        100,
        Expect::Failure(is_decode, 1),
    )
    .await;
    run_read(
        "truncated JSON",
        ResponseTemplate::new(200).set_body_raw(
            br#"[{"id":"64b0000000000000000"#.to_vec(),
            "application/json",
        ),
        100,
        Expect::Failure(is_decode, 1),
    )
    .await;
    run_read(
        "HTML with 200",
        ResponseTemplate::new(200).set_body_raw(b"<html>maintenance</html>".to_vec(), "text/html"),
        100,
        Expect::Failure(is_decode, 1),
    )
    .await;
}

#[tokio::test]
async fn json_under_a_wrong_content_type_is_still_read() {
    let body = serde_json::to_vec(&json!([system(1)])).unwrap();
    let wrong = ResponseTemplate::new(200)
        .insert_header("x-total-count", "1")
        .set_body_raw(body, "text/plain");
    run_read("JSON as text/plain", wrong, 100, Expect::Success(1)).await;
}

#[tokio::test]
async fn a_slow_response_times_out_and_is_retried() {
    let (server, _) = faulty_server(status(200).set_delay(Duration::from_secs(30)), 1).await;
    let client = common::client_for(&server, |b| b.timeout(Duration::from_millis(200)));
    let items = common::systems_of(&client).await.unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_response_that_never_comes_is_a_timeout_error() {
    let (server, _) = faulty_server(status(200).set_delay(Duration::from_secs(30)), 100).await;
    let client = common::client_for(&server, |b| {
        b.timeout(Duration::from_millis(200))
            .retry(RetryPolicy::none())
    });
    let error = common::systems_of(&client).await.unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
    assert!(error.is_retryable());
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

/// Serves `fault` to every POST the first `times` times, then 204.
async fn faulty_writes(fault: ResponseTemplate, times: u64) -> (MockServer, Client) {
    let (server, client) = setup().await;
    Mock::given(method("POST"))
        .respond_with(fault)
        .up_to_n_times(times)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    (server, client)
}

#[tokio::test]
async fn a_plain_associate_is_not_repeated_after_a_503() {
    let (server, client) = faulty_writes(status(503), 1).await;
    let user = client.user(USER).unwrap();
    let error = user
        .associate(AssociationTarget::System, object_id(1).as_str())
        .unwrap()
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(503));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn plain_dissociate_and_email_are_not_repeated_after_a_503() {
    let (server, client) = faulty_writes(status(503), 2).await;
    let user = client.user(USER).unwrap();
    assert!(
        user.dissociate(AssociationTarget::System, object_id(1).as_str())
            .unwrap()
            .await
            .is_err()
    );
    assert!(user.send_activation_email().await.is_err());
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_write_opted_into_retries_is_repeated() {
    let (server, client) = faulty_writes(status(503), 1).await;
    let user = client.user(USER).unwrap();
    user.associate(AssociationTarget::System, object_id(1).as_str())
        .unwrap()
        .retry(common::fast_retries())
        .await
        .unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn ensure_associated_retries_after_a_503() {
    let (server, client) = faulty_writes(status(503), 1).await;
    let user = client.user(USER).unwrap();
    let outcome = user
        .ensure_associated(AssociationTarget::System, object_id(1).as_str())
        .unwrap()
        .await
        .unwrap();
    assert_eq!(outcome, Ensured::Created);
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

/// A server that answers the first GET with `first`, then empty pages.
async fn first_then_empty(first: ResponseTemplate) -> MockServer {
    let (server, _) = setup().await;
    Mock::given(method("GET"))
        .respond_with(first)
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn a_429_paces_the_organization_it_came_from_for_every_clone() {
    // Another organization's 429 leaves the default org unthrottled.
    let server = first_then_empty(status(429).insert_header("retry-after", "0")).await;
    let client = common::client_for(&server, |b| b.org_id(common::ORG));
    assert_eq!(client.stats().adaptive_rate, None, "unthrottled at first");
    let user = client.user(USER).unwrap();
    let other = user.systems().org_id(common::OTHER_ORG).try_collect().await;
    assert!(other.is_ok(), "retried after the 429: {other:?}");
    let stats = client.stats();
    assert_eq!((stats.requests, stats.rate_limited), (2, 1));
    assert_eq!(stats.adaptive_rate, None, "the default org was not limited");

    // A 429 in the default org paces it, for every clone.
    let server = first_then_empty(status(429)).await;
    let client = common::client_for(&server, |b| b);
    common::systems_of(&client.clone()).await.expect("a page");
    let paced = client.stats().adaptive_rate.expect("a pace after a 429");
    assert!(paced > 0.0, "{paced}");
    assert_eq!(client.stats().rate_limited, 1);

    // Off means off.
    let server = first_then_empty(status(429)).await;
    let off = common::client_for(&server, |b| b.adaptive_rate(false));
    common::systems_of(&off).await.expect("a page");
    assert_eq!(off.stats().rate_limited, 1);
    assert_eq!(off.stats().adaptive_rate, None);
}
