//! No credential ever shows: not in a log line (every level, spans
//! included), not in an error's `Display`, `Debug` or cause chain, not in
//! a client's `Debug`. A hostile server echoes credentials back, whole and
//! in pieces, in bodies, headers and redirects; the rule checked is that no
//! 8 consecutive characters of any secret get through.
//!
//! One test in this binary: a thread-local tracing subscriber only sees
//! everything when no other test runs beside it.

mod common;

use std::time::Duration;

use common::{API_KEY, USER, assert_no_fragment, capture_tracing, client_for, object_id, system};
use jumpcloud_graph::{AssociationTarget, Client, Error, RetryPolicy};
use jumpcloud_graph_sandbox::{Fault, FaultPlan, FaultRule, Fixture, RetryAfter, Sandbox};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const CLIENT_SECRET: &str = "svc-secret-Zq7Lm2Xw9Rt4Vb6Nc8Pd";
const TOKEN: &str = "tok-Hh3Jk5Ll7Mm9Nn2Pp4Qq6Rr8Ss0Tt";
/// A token shorter than the 8-character windows: scrubbed whole.
const SHORT_TOKEN: &str = "t0k-7ch";

/// An error as a caller could print it: `Display`, `Debug` and every cause.
fn shown(error: &Error) -> String {
    let mut text = format!("{error} {error:?}");
    let mut cause = std::error::Error::source(error);
    while let Some(c) = cause {
        text.push_str(&format!(" | {c} {c:?}"));
        cause = c.source();
    }
    text
}

/// Responses that echo the key, one per request in turn.
fn echoing_faults() -> Vec<ResponseTemplate> {
    let head = &API_KEY[..10];
    vec![
        ResponseTemplate::new(401).set_body_json(
            json!({"error": "Unauthorized", "message": format!("Unauthorized: api key {API_KEY} not found")}),
        ),
        ResponseTemplate::new(429).insert_header("retry-after", "0"),
        ResponseTemplate::new(500).set_body_string(format!("stack trace mentioning {API_KEY}")),
        ResponseTemplate::new(502).set_body_raw(b"<html>502</html>".to_vec(), "text/html"),
        // The key straddles the 512-character excerpt.
        ResponseTemplate::new(400).set_body_string(format!("{}{API_KEY}", "x".repeat(500))),
        // The key straddles the 4 KiB that are read of an error body.
        ResponseTemplate::new(400).set_body_string(format!("{}{API_KEY}", "y".repeat(4090))),
        // The key in the request id, and pieces of it in the body.
        ResponseTemplate::new(503)
            .insert_header("x-request-id", API_KEY)
            .set_body_string(format!("partial {head} and {}", &API_KEY[4..])),
        // A redirect whose Location carries the key.
        ResponseTemplate::new(307).insert_header("location", format!("http://127.0.0.1:9/?key={API_KEY}")),
        ResponseTemplate::new(200).set_body_string(format!("[{{\"id\": \"{API_KEY}")),
        ResponseTemplate::new(200).set_body_json(json!([{"id": 7, "type": API_KEY, "paths": []}])),
        ResponseTemplate::new(200).set_delay(Duration::from_secs(30)),
        ResponseTemplate::new(200).insert_header("x-total-count", "1").set_body_json(json!([system(1)])),
    ]
}

/// Every read and write against a server echoing the key.
async fn wiremock_faults(errors: &mut Vec<String>) {
    let server = MockServer::start().await;
    let faults = echoing_faults();
    let count = faults.len();
    for (i, fault) in faults.into_iter().enumerate() {
        Mock::given(method("GET"))
            .respond_with(fault)
            .up_to_n_times(1)
            .with_priority(u8::try_from(i + 1).unwrap())
            .mount(&server)
            .await;
    }
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503).set_body_string(API_KEY))
        .mount(&server)
        .await;
    let client = client_for(&server, |b| {
        b.timeout(Duration::from_millis(300))
            .retry(RetryPolicy::none())
    });
    let user = client.user(USER).unwrap();
    for _ in 0..count {
        if let Err(error) = user.systems().try_collect().await {
            errors.push(shown(&error));
        }
    }
    let write = user
        .associate(AssociationTarget::System, object_id(1).as_str())
        .unwrap()
        .await;
    errors.extend(write.err().as_ref().map(shown));
    errors.extend(user.send_activation_email().await.err().as_ref().map(shown));
    errors.push(format!(
        "{client:?} {user:?} {:?}",
        Client::builder().api_key(API_KEY)
    ));
    // Each request did carry the key, so its absence above means something.
    let requests = server.received_requests().await.unwrap();
    assert!(requests.iter().all(|r| r.headers["x-api-key"] == API_KEY));
}

/// A transport error whose cause (reqwest's, quoting the URL) would carry
/// the key: the cause chain is scrubbed too.
async fn transport_cause(errors: &mut Vec<String>) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url(format!("http://127.0.0.1:{port}/{API_KEY}/api/v2"))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let error = common::systems_of(&client).await.unwrap_err();
    assert!(error.is_transport());
    assert!(
        std::error::Error::source(&error).is_some(),
        "the cause is kept, scrubbed"
    );
    errors.push(shown(&error));
}

/// The sandbox's socket-level faults.
async fn sandbox_faults(errors: &mut Vec<String>) -> String {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let key = sandbox.api_key().to_string();
    let client = sandbox.client_with(|b| {
        b.timeout(Duration::from_millis(300))
            .retry(RetryPolicy::none())
    });
    let ada = client.user(sandbox.fixture()["acme"].id_of("ada")).unwrap();
    for fault in [
        Fault::status(429).retry_after(RetryAfter::Seconds(0)),
        Fault::status(503),
        Fault::ConnectionReset,
        Fault::ConnectionClosed,
        Fault::HtmlErrorPage { status: 502 },
        Fault::EmptyBody,
        Fault::WrongContentType,
        Fault::TruncatedBody,
        Fault::StalledBody,
    ] {
        sandbox.set_faults(FaultPlan::new().rule(FaultRule::always(fault)));
        errors.push(shown(&ada.systems().try_collect().await.unwrap_err()));
    }
    sandbox.set_faults(
        FaultPlan::new()
            .rule(FaultRule::always(Fault::LostResponse { status: None }).method("POST")),
    );
    let laptops = sandbox.fixture()["acme"].id_of("laptops");
    let error = ada
        .associate(AssociationTarget::SystemGroup, laptops)
        .unwrap()
        .await
        .unwrap_err();
    errors.push(format!("{} {client:?} {ada:?}", shown(&error)));
    let wrong = sandbox.client_with(|b| {
        b.api_key("wrong-key-1234-abcdef")
            .retry(RetryPolicy::none())
    });
    let error = wrong
        .user(ada.id())
        .unwrap()
        .systems()
        .try_collect()
        .await
        .unwrap_err();
    errors.push(format!("{} {wrong:?}", shown(&error)));
    key
}

/// A service account against a token endpoint and an API that echo the
/// secret, the Basic header and the token back.
async fn token_flow(errors: &mut Vec<String>) -> String {
    let server = MockServer::start().await;
    let basic = {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(format!("client-id:{CLIENT_SECRET}"))
    };
    Mock::given(method("POST"))
        .and(path("/oauth2/token"))
        .respond_with(
            ResponseTemplate::new(401)
                .insert_header("x-request-id", CLIENT_SECRET)
                .set_body_json(json!({"error": "invalid_client",
                    "error_description": format!("bad Basic {basic} for {CLIENT_SECRET}")})),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/oauth2/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"access_token": TOKEN, "token_type": "bearer", "expires_in": 3600}),
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(403)
                .set_body_json(json!({"message": format!("token {TOKEN} lacks a scope")})),
        )
        .mount(&server)
        .await;
    let client = Client::builder()
        .service_account("client-id", CLIENT_SECRET)
        .base_url(format!("{}/api/v2", server.uri()))
        .token_url(format!("{}/oauth2/token", server.uri()))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let user = client.user(USER).unwrap();
    let error = user.systems().try_collect().await.unwrap_err();
    errors.push(format!("{} {client:?}", shown(&error)));
    // Past the five seconds a failed token fetch is remembered.
    tokio::time::pause();
    tokio::time::advance(std::time::Duration::from_secs(6)).await;
    tokio::time::resume();
    let error = user.systems().try_collect().await.unwrap_err();
    assert_eq!(error.status(), Some(403), "{error}");
    errors.push(format!("{} {client:?}", shown(&error)));
    basic
}

/// A token endpoint that issues a 7-character token, and an API that
/// echoes it back.
async fn short_token_flow(errors: &mut Vec<String>) {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth2/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"access_token": SHORT_TOKEN, "token_type": "bearer", "expires_in": 3600}),
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(403)
                .insert_header("x-request-id", SHORT_TOKEN)
                .set_body_json(json!({"message": format!("token {SHORT_TOKEN} lacks a scope")})),
        )
        .mount(&server)
        .await;
    let client = Client::builder()
        .service_account("client-id", CLIENT_SECRET)
        .base_url(format!("{}/api/v2", server.uri()))
        .token_url(format!("{}/oauth2/token", server.uri()))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let error = client
        .user(USER)
        .unwrap()
        .systems()
        .try_collect()
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(403), "{error}");
    errors.push(format!("{} {client:?}", shown(&error)));
    // The token was sent, so its absence from the error means something.
    let requests = server.received_requests().await.unwrap();
    assert!(requests.iter().any(|r| {
        r.headers
            .get("authorization")
            .is_some_and(|v| v == format!("Bearer {SHORT_TOKEN}").as_str())
    }));
}

#[tokio::test]
async fn no_credential_appears_in_any_log_line_debug_output_or_error() {
    let (captured, _guard) = capture_tracing();
    let mut errors = Vec::new();
    wiremock_faults(&mut errors).await;
    transport_cause(&mut errors).await;
    let sandbox_key = sandbox_faults(&mut errors).await;
    let basic = token_flow(&mut errors).await;
    short_token_flow(&mut errors).await;

    let logs = captured.text();
    assert!(
        logs.contains("jumpcloud_graph.request"),
        "spans were captured:\n{logs}"
    );
    assert!(
        logs.contains("attempt=1") && logs.contains("status=401"),
        "{logs}"
    );
    assert!(errors.len() >= 25, "errors were produced: {errors:#?}");
    let secrets = [
        API_KEY,
        sandbox_key.as_str(),
        "wrong-key-1234-abcdef",
        CLIENT_SECRET,
        basic.as_str(),
        TOKEN,
    ];
    for secret in secrets {
        assert_no_fragment(&logs, secret, "the logs");
        for text in &errors {
            assert_no_fragment(text, secret, "an error");
        }
    }
    for text in errors.iter().chain([&logs]) {
        assert!(!text.contains(SHORT_TOKEN), "a short token leaked:\n{text}");
    }
}
