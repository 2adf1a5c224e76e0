//! Service accounts: OAuth 2.0 client credentials, a token cache shared by
//! clones, refreshed ahead of expiry and after a 401, single-flight, and
//! token endpoint failures mapped like any other.

use crate::common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::{ORG, USER, system};
use futures::future::join_all;
use jumpcloud_graph::{Client, RetryPolicy};
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const CLIENT_ID: &str = "6f0c1a2b-service-account";
const SECRET: &str = "a-service-account-secret-0123";

/// Hands out `tok-1`, `tok-2`, ... one per request, valid `lifetime` s.
struct Tokens {
    issued: AtomicUsize,
    lifetime: u64,
}

impl Respond for Tokens {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.issued.fetch_add(1, Ordering::SeqCst) + 1;
        ResponseTemplate::new(200).set_body_json(
            json!({"access_token": format!("tok-{n}"), "token_type": "bearer", "expires_in": self.lifetime}),
        )
    }
}

fn tokens(lifetime: u64) -> Tokens {
    Tokens {
        issued: AtomicUsize::new(0),
        lifetime,
    }
}

/// One system for any bearer token the test accepts.
fn systems_page() -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("x-total-count", "1")
        .set_body_json(json!([system(1)]))
}

/// Answers every API read with [`systems_page`].
async fn mount_systems(server: &MockServer) {
    Mock::given(method("GET"))
        .respond_with(systems_page())
        .mount(server)
        .await;
}

fn client_for(
    server: &MockServer,
    configure: impl FnOnce(jumpcloud_graph::ClientBuilder) -> jumpcloud_graph::ClientBuilder,
) -> Client {
    configure(
        Client::builder()
            .service_account(CLIENT_ID, SECRET)
            .base_url(format!("{}/api/v2", server.uri()))
            .token_url(format!("{}/oauth2/token", server.uri()))
            .retry(common::fast_retries()),
    )
    .build()
    .unwrap()
}

async fn count(server: &MockServer, wanted_path: &str) -> usize {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == wanted_path)
        .count()
}

fn bearer(request: &Request) -> String {
    request.headers["authorization"]
        .to_str()
        .unwrap()
        .to_string()
}

async fn api_bearers(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path().starts_with("/api/v2"))
        .map(bearer)
        .collect()
}

const TOKEN: &str = "/oauth2/token";

async fn mount_tokens(server: &MockServer, tokens: Tokens) {
    Mock::given(method("POST"))
        .and(path(TOKEN))
        .respond_with(tokens)
        .mount(server)
        .await;
}

#[tokio::test]
async fn the_token_request_has_the_real_shape_and_api_calls_carry_the_bearer() {
    let server = MockServer::start().await;
    mount_tokens(&server, tokens(3600)).await;
    mount_systems(&server).await;
    let client = client_for(&server, |b| b.org_id(ORG));
    common::systems_of(&client).await.unwrap();

    let requests = server.received_requests().await.unwrap();
    let token = &requests[0];
    assert_eq!(token.method.as_str(), "POST");
    assert_eq!(token.url.path(), TOKEN);
    use base64::Engine as _;
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT_ID}:{SECRET}"));
    assert_eq!(bearer(token), format!("Basic {basic}"));
    assert_eq!(
        token.headers["content-type"],
        "application/x-www-form-urlencoded"
    );
    assert_eq!(
        std::str::from_utf8(&token.body).unwrap(),
        "grant_type=client_credentials&scope=api"
    );
    let api = &requests[1];
    assert_eq!(bearer(api), "Bearer tok-1");
    assert!(api.headers.get("x-api-key").is_none());
    assert_eq!(api.headers["x-org-id"], ORG, "x-org-id rules stay the same");
}

#[tokio::test]
async fn a_hundred_concurrent_callers_cause_one_token_request() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(
                    json!({"access_token": "tok-1", "token_type": "bearer", "expires_in": 3600}),
                )
                .set_delay(Duration::from_millis(50)),
        )
        .mount(&server)
        .await;
    mount_systems(&server).await;
    let client = client_for(&server, |b| b);
    let calls = (0..100).map(|_| {
        let client = client.clone();
        async move { common::systems_of(&client).await }
    });
    for outcome in join_all(calls).await {
        assert_eq!(outcome.unwrap().len(), 1);
    }
    assert_eq!(count(&server, TOKEN).await, 1);
    assert!(
        api_bearers(&server)
            .await
            .iter()
            .all(|b| b == "Bearer tok-1")
    );
}

#[tokio::test]
async fn the_token_is_refreshed_ahead_of_expiry_and_fetched_again_after_it() {
    let server = MockServer::start().await;
    mount_tokens(&server, tokens(3600)).await;
    mount_systems(&server).await;
    let client = client_for(&server, |b| b);
    let user = client.user(USER).unwrap();
    user.systems().try_collect().await.unwrap();
    user.systems().try_collect().await.unwrap();
    assert_eq!(count(&server, TOKEN).await, 1, "cached");

    // Within a minute of expiry (a tenth of 3600 s is more than 60 s): the
    // clock is moved, not waited for.
    tokio::time::pause();
    tokio::time::advance(Duration::from_secs(3600 - 59)).await;
    tokio::time::resume();
    user.systems().try_collect().await.unwrap();
    assert_eq!(count(&server, TOKEN).await, 2, "refreshed ahead of expiry");

    tokio::time::pause();
    tokio::time::advance(Duration::from_secs(3601)).await;
    tokio::time::resume();
    user.systems().try_collect().await.unwrap();
    assert_eq!(count(&server, TOKEN).await, 3, "fetched again after expiry");
    assert_eq!(
        api_bearers(&server).await,
        [
            "Bearer tok-1",
            "Bearer tok-1",
            "Bearer tok-2",
            "Bearer tok-3"
        ]
    );
}

#[tokio::test]
async fn a_401_refreshes_the_token_once_and_sends_the_request_again() {
    let server = MockServer::start().await;
    mount_tokens(&server, tokens(3600)).await;
    Mock::given(method("GET"))
        .and(header("authorization", "Bearer tok-1"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({"message": "Unauthorized: token revoked"})),
        )
        .mount(&server)
        .await;
    mount_systems(&server).await;
    // Even with retries off: the refresh is not a retry of the policy.
    let client = client_for(&server, |b| b.retry(RetryPolicy::none()));
    let systems = common::systems_of(&client).await.unwrap();
    assert_eq!(systems.len(), 1);
    assert_eq!(count(&server, TOKEN).await, 2);
    assert_eq!(api_bearers(&server).await, ["Bearer tok-1", "Bearer tok-2"]);
}

#[tokio::test]
async fn a_second_401_is_the_error() {
    let server = MockServer::start().await;
    mount_tokens(&server, tokens(3600)).await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"message": "Unauthorized"})))
        .mount(&server)
        .await;
    let client = client_for(&server, |b| b);
    let error = common::systems_of(&client).await.unwrap_err();
    assert!(error.is_unauthorized());
    assert!(
        error.api().unwrap().hint().unwrap().contains("fresh one"),
        "{error}"
    );
    assert_eq!(count(&server, TOKEN).await, 2);
    assert_eq!(api_bearers(&server).await.len(), 2);
}

/// The token endpoint fails `times` times with `fault`, then issues tokens.
async fn failing_token_endpoint(fault: ResponseTemplate, times: u64) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN))
        .respond_with(fault)
        .up_to_n_times(times)
        .with_priority(1)
        .mount(&server)
        .await;
    mount_tokens(&server, tokens(3600)).await;
    mount_systems(&server).await;
    server
}

#[tokio::test]
async fn token_endpoint_rate_limits_and_server_errors_are_retried_like_reads() {
    for fault in [
        ResponseTemplate::new(429).insert_header("retry-after", "0"),
        ResponseTemplate::new(500),
        ResponseTemplate::new(503).set_body_raw(b"<html>down</html>".to_vec(), "text/html"),
    ] {
        let server = failing_token_endpoint(fault, 1).await;
        let client = client_for(&server, |b| b);
        common::systems_of(&client).await.unwrap();
        assert_eq!(count(&server, TOKEN).await, 2);
    }
}

/// What every error from a failed token fetch says first.
const FETCH_FAILED: &str = "could not fetch the service account's token";

#[tokio::test]
async fn a_persistent_html_error_from_the_token_endpoint_is_an_error_after_the_retries() {
    let server = failing_token_endpoint(
        ResponseTemplate::new(502).set_body_raw(b"<html>bad gateway</html>".to_vec(), "text/html"),
        100,
    )
    .await;
    let client = client_for(&server, |b| b);
    let error = common::systems_of(&client).await.unwrap_err();
    assert_eq!(error.status(), Some(502));
    assert_eq!(error.path(), Some(TOKEN));
    assert_eq!(count(&server, TOKEN).await, 2, "one fetch, retried once");
    assert_eq!(error.attempts(), 2, "the token fetch's attempts");
    assert!(error.to_string().starts_with(FETCH_FAILED), "{error}");
    assert!(
        api_bearers(&server).await.is_empty(),
        "no API request without a token"
    );
}

#[tokio::test]
async fn a_hostile_token_endpoint_is_asked_at_most_twice_per_call() {
    let garbage = ResponseTemplate::new(200).set_body_raw(b"<html>ok</html>".to_vec(), "text/html");
    for (name, fault, asked) in [
        ("503 forever", ResponseTemplate::new(503), 2),
        (
            "no answer within the client's timeout",
            ResponseTemplate::new(200).set_delay(Duration::from_secs(30)),
            2,
        ),
        (
            "429 with a huge Retry-After",
            ResponseTemplate::new(429).insert_header("retry-after", "86400"),
            1,
        ),
        (
            "400 invalid_client",
            ResponseTemplate::new(400).set_body_json(json!({"error": "invalid_client"})),
            1,
        ),
        ("200 with garbage", garbage, 1),
    ] {
        let server = failing_token_endpoint(fault, 1000).await;
        let client = client_for(&server, |b| b.timeout(Duration::from_millis(200)));
        let error = common::systems_of(&client).await.unwrap_err();
        assert_eq!(count(&server, TOKEN).await, asked, "{name}: {error}");
        assert!(
            error.to_string().starts_with(FETCH_FAILED),
            "{name}: {error}"
        );
        assert!(api_bearers(&server).await.is_empty(), "{name}");
    }
}

#[tokio::test]
async fn twenty_concurrent_callers_share_one_failed_fetch_and_its_failure_for_five_seconds() {
    let server = failing_token_endpoint(ResponseTemplate::new(503), 1000).await;
    let client = client_for(&server, |b| b);
    let calls = (0..20).map(|_| {
        let client = client.clone();
        async move { common::systems_of(&client).await }
    });
    let outcomes = join_all(calls).await;
    assert_eq!(
        count(&server, TOKEN).await,
        2,
        "at most 2 per failure window"
    );
    for outcome in outcomes {
        let error = outcome.unwrap_err();
        assert_eq!(error.status(), Some(503), "{error}");
        assert!(error.to_string().starts_with(FETCH_FAILED), "{error}");
    }

    // A call within five seconds of the failure gets it without asking.
    tokio::time::pause();
    tokio::time::advance(Duration::from_secs(4)).await;
    tokio::time::resume();
    let error = common::systems_of(&client).await.unwrap_err();
    assert_eq!(error.status(), Some(503));
    assert_eq!(count(&server, TOKEN).await, 2, "the failure is shared");

    // After that, a call asks again.
    tokio::time::pause();
    tokio::time::advance(Duration::from_millis(1100)).await;
    tokio::time::resume();
    common::systems_of(&client).await.unwrap_err();
    assert_eq!(
        count(&server, TOKEN).await,
        4,
        "asked again once it expired"
    );
}

#[tokio::test]
async fn invalid_client_is_not_retried_and_hints_at_the_secret_and_region() {
    let server = failing_token_endpoint(
        ResponseTemplate::new(401).set_body_json(
            json!({"error": "invalid_client", "error_description": "Client authentication failed"}),
        ),
        100,
    )
    .await;
    let client = client_for(&server, |b| b);
    let error = common::systems_of(&client).await.unwrap_err();
    assert!(error.is_unauthorized());
    assert_eq!(error.api().unwrap().error(), Some("invalid_client"));
    let hint = error.api().unwrap().hint().unwrap();
    assert!(
        hint.contains("client id") && hint.contains("Region::Eu"),
        "{hint}"
    );
    assert!(error.to_string().starts_with(FETCH_FAILED), "{error}");
    assert_eq!(count(&server, TOKEN).await, 1);
    assert!(
        api_bearers(&server).await.is_empty(),
        "no API request without a token"
    );
}

#[tokio::test]
async fn a_token_response_that_is_not_a_token_is_a_decode_error() {
    for body in [
        json!({"token_type": "bearer"}),
        json!({"access_token": "has spaces in it", "token_type": "bearer"}),
        json!({"access_token": "tok", "token_type": "mac"}),
    ] {
        let server =
            failing_token_endpoint(ResponseTemplate::new(200).set_body_json(body), 100).await;
        let error = client_for(&server, |b| b)
            .user(USER)
            .unwrap()
            .systems()
            .try_collect()
            .await
            .unwrap_err();
        assert!(error.is_decode(), "{error}");
    }
}

#[tokio::test]
async fn a_token_fetch_does_not_deadlock_with_one_request_in_flight() {
    let server = MockServer::start().await;
    mount_tokens(&server, tokens(3600)).await;
    mount_systems(&server).await;
    let client = client_for(&server, |b| b.max_in_flight(1));
    let outcome = tokio::time::timeout(
        Duration::from_secs(30),
        client.user(USER).unwrap().systems().try_collect(),
    )
    .await
    .expect("no deadlock");
    assert_eq!(outcome.unwrap().len(), 1);
}

#[tokio::test]
async fn clones_share_the_token() {
    let server = MockServer::start().await;
    mount_tokens(&server, tokens(3600)).await;
    mount_systems(&server).await;
    let client = client_for(&server, |b| b);
    let clone = client.clone();
    common::systems_of(&client).await.unwrap();
    common::systems_of(&clone).await.unwrap();
    assert_eq!(count(&server, TOKEN).await, 1);
}

#[tokio::test]
async fn both_credentials_or_neither_are_refused_before_any_request() {
    let server = MockServer::start().await;
    let both = Client::builder()
        .api_key("an-api-key-of-some-length")
        .service_account(CLIENT_ID, SECRET)
        .base_url(format!("{}/api/v2", server.uri()))
        .build()
        .unwrap_err();
    assert_eq!(both.field(), Some("credentials"));
    let neither = Client::builder().build().unwrap_err();
    assert_eq!(neither.field(), Some("credentials"));
    assert!(server.received_requests().await.unwrap().is_empty());
}

/// Hands out a token per request whose `expires_in` is whatever JSON value
/// the test gives, hostile ones included.
struct TokensExpiringIn(serde_json::Value);

impl Respond for TokensExpiringIn {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        ResponseTemplate::new(200).set_body_json(
            json!({"access_token": "tok-hostile", "token_type": "bearer", "expires_in": self.0}),
        )
    }
}

#[tokio::test]
async fn a_hostile_expires_in_neither_costs_a_token_per_request_nor_lasts_forever() {
    for (expires_in, lives) in [
        // Too short to be real: kept at least 30 s, not fetched per request.
        (json!(0), Duration::from_secs(30)),
        (json!(-5), Duration::from_secs(30)),
        (json!("soon"), Duration::from_secs(3600)),
        (json!(null), Duration::from_secs(3600)),
        // Too long: used for a day at most, and no arithmetic overflows.
        (json!(u64::MAX), Duration::from_secs(24 * 60 * 60)),
        (json!(1e300), Duration::from_secs(24 * 60 * 60)),
    ] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(TOKEN))
            .respond_with(TokensExpiringIn(expires_in.clone()))
            .mount(&server)
            .await;
        mount_systems(&server).await;
        let client = client_for(&server, |b| b);
        let user = client.user(USER).unwrap();
        for _ in 0..3 {
            user.systems().try_collect().await.unwrap();
        }
        assert_eq!(count(&server, TOKEN).await, 1, "{expires_in}: cached");

        // Past the longest it may live: fetched again.
        tokio::time::pause();
        tokio::time::advance(lives + Duration::from_secs(1)).await;
        tokio::time::resume();
        user.systems().try_collect().await.unwrap();
        assert_eq!(count(&server, TOKEN).await, 2, "{expires_in}: expired");
    }
}

/// A token endpoint that answers only after `delay` (wiremock's own clock,
/// which a paused tokio clock does not move).
async fn slow_token_endpoint(delay: Duration) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(
                    json!({"access_token": "tok-late", "token_type": "bearer", "expires_in": 3600}),
                )
                .set_delay(delay),
        )
        .mount(&server)
        .await;
    mount_systems(&server).await;
    server
}

/// A token endpoint that sends its headers and the start of a body, then
/// nothing more.
async fn stalled_token_body() -> String {
    let addr = common::raw_server(|_head, mut stream| async move {
        use tokio::io::AsyncWriteExt;
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"access_token\":";
        if stream.write_all(head.as_bytes()).await.is_ok() {
            std::future::pending::<()>().await;
        }
    })
    .await;
    format!("http://{addr}{TOKEN}")
}

/// Asserts that `error`, which came `elapsed` after the call started, is a
/// timeout of the token fetch within `bound`.
fn assert_token_timeout(error: &jumpcloud_graph::Error, elapsed: Duration, bound: Duration) {
    assert!(elapsed <= bound, "{elapsed:?} > {bound:?}: {error}");
    assert!(error.is_timeout(), "{error}");
    assert!(error.to_string().starts_with(FETCH_FAILED), "{error}");
}

#[tokio::test(start_paused = true)]
async fn a_request_timeout_and_a_retry_deadline_cover_the_token_fetch() {
    let slow = slow_token_endpoint(Duration::from_secs(8)).await;
    let stalled = stalled_token_body().await;
    for token_url in [format!("{}{TOKEN}", slow.uri()), stalled] {
        // The per-request timeout, without retries.
        let client = client_for(&slow, |b| b.token_url(&token_url));
        let user = client.user(USER).unwrap();
        let started = tokio::time::Instant::now();
        let error = user
            .systems()
            .timeout(Duration::from_millis(500))
            .retry(RetryPolicy::none())
            .try_collect()
            .await
            .unwrap_err();
        assert_token_timeout(&error, started.elapsed(), Duration::from_millis(510));

        // The policy's deadline, with the client's 30 s timeout.
        let client = client_for(&slow, |b| b.token_url(&token_url));
        let user = client.user(USER).unwrap();
        let started = tokio::time::Instant::now();
        let error = user
            .systems()
            .retry(RetryPolicy::default().with_deadline(Some(Duration::from_secs(1))))
            .try_collect()
            .await
            .unwrap_err();
        assert_token_timeout(&error, started.elapsed(), Duration::from_millis(1010));
    }
}

/// A token endpoint that answers its `n`-th request with `tok-gated-n`,
/// but only once the test adds a permit to `gate`; `arrived` is notified
/// as each request comes in, and `requests` counts them.
struct GatedTokens {
    url: String,
    requests: std::sync::Arc<AtomicUsize>,
    gate: std::sync::Arc<tokio::sync::Semaphore>,
    arrived: std::sync::Arc<tokio::sync::Notify>,
}

async fn gated_token_endpoint() -> GatedTokens {
    let requests = std::sync::Arc::new(AtomicUsize::new(0));
    let gate = std::sync::Arc::new(tokio::sync::Semaphore::new(0));
    let arrived = std::sync::Arc::new(tokio::sync::Notify::new());
    let (counted, gated, arrival) = (requests.clone(), gate.clone(), arrived.clone());
    let addr = common::raw_server(move |_head, mut stream| {
        let n = counted.fetch_add(1, Ordering::SeqCst) + 1;
        arrival.notify_one();
        let gate = gated.clone();
        async move {
            use tokio::io::AsyncWriteExt;
            if let Ok(permit) = gate.acquire().await {
                permit.forget();
            }
            let body = format!(
                r#"{{"access_token":"tok-gated-{n}","token_type":"bearer","expires_in":3600}}"#
            );
            let answer = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(answer.as_bytes()).await;
        }
    })
    .await;
    GatedTokens {
        url: format!("http://{addr}{TOKEN}"),
        requests,
        gate,
        arrived,
    }
}

#[tokio::test]
async fn a_caller_whose_time_runs_out_neither_cancels_nor_restarts_the_fetch() {
    let tokens = gated_token_endpoint().await;
    let server = MockServer::start().await;
    mount_systems(&server).await;
    let client = client_for(&server, |b| b.token_url(&tokens.url));
    let user = client.user(USER).unwrap();

    // Each of its 4 attempts waits 50 ms for the one fetch, and gives up.
    let error = user
        .systems()
        .timeout(Duration::from_millis(50))
        .try_collect()
        .await
        .unwrap_err();
    assert!(error.is_timeout(), "{error}");
    assert!(error.to_string().starts_with(FETCH_FAILED), "{error}");
    assert_eq!(error.attempts(), 4);

    // The fetch went on: once the endpoint answers, the next call has the
    // token it brought, and the endpoint was asked once in all.
    tokens.gate.add_permits(1);
    assert_eq!(user.systems().try_collect().await.unwrap().len(), 1);
    assert_eq!(tokens.requests.load(Ordering::SeqCst), 1);
    assert_eq!(api_bearers(&server).await, ["Bearer tok-gated-1"]);
}

#[tokio::test]
async fn while_one_request_waits_for_a_refresh_the_others_use_the_old_token() {
    let tokens = gated_token_endpoint().await;
    let server = MockServer::start().await;
    mount_systems(&server).await;
    let client = client_for(&server, |b| b.token_url(&tokens.url));
    tokens.gate.add_permits(1);
    common::systems_of(&client).await.unwrap();
    // The first request's arrival, already notified.
    tokens.arrived.notified().await;

    tokio::time::pause();
    tokio::time::advance(Duration::from_secs(3600 - 59)).await;
    tokio::time::resume();
    // The first request in the token's last minute starts the refresh and
    // waits for it; the endpoint holds its answer.
    let refreshing = tokio::spawn({
        let client = client.clone();
        async move { common::systems_of(&client).await }
    });
    tokens.arrived.notified().await;
    // Meanwhile another request goes out with the old token.
    common::systems_of(&client).await.unwrap();
    tokens.gate.add_permits(1);
    refreshing.await.unwrap().unwrap();
    assert_eq!(tokens.requests.load(Ordering::SeqCst), 2);
    assert_eq!(
        api_bearers(&server).await,
        [
            "Bearer tok-gated-1",
            "Bearer tok-gated-1",
            "Bearer tok-gated-2"
        ]
    );
}

#[tokio::test]
async fn a_failed_refresh_keeps_the_old_token_and_is_not_retried_for_five_seconds() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN))
        .respond_with(tokens(3600))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(TOKEN))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    mount_systems(&server).await;
    let client = client_for(&server, |b| b);
    let user = client.user(USER).unwrap();
    user.systems().try_collect().await.unwrap();
    assert_eq!(count(&server, TOKEN).await, 1);

    // Within the token's last minute: the refresh fails (twice asked),
    // the call goes on with the old token.
    tokio::time::pause();
    tokio::time::advance(Duration::from_secs(3600 - 59)).await;
    tokio::time::resume();
    user.systems().try_collect().await.unwrap();
    assert_eq!(count(&server, TOKEN).await, 3);
    // For five seconds the failure stands: the old token, no request.
    user.systems().try_collect().await.unwrap();
    assert_eq!(count(&server, TOKEN).await, 3);
    // Then the refresh is tried again.
    tokio::time::pause();
    tokio::time::advance(Duration::from_secs(5)).await;
    tokio::time::resume();
    user.systems().try_collect().await.unwrap();
    assert_eq!(count(&server, TOKEN).await, 5);
    assert!(
        api_bearers(&server)
            .await
            .iter()
            .all(|b| b == "Bearer tok-1")
    );
}
