//! A hostile server against the client: redirects, absurd `Retry-After`
//! values, huge bodies, oversized pages. Nothing panics, nothing waits
//! forever, no credential leaves its origin, memory stays bounded.

use crate::common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::{API_KEY, USER, client_for, object_id, raw_server, stream_body, system};
use jumpcloud_graph::{AssociationTarget, Client, RetryPolicy};
use serde_json::json;
use tokio::io::AsyncWriteExt;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A server that answers everything with `template`.
async fn answering(template: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(template)
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn a_redirect_is_never_followed_so_the_key_never_reaches_another_host() {
    let elsewhere = answering(
        ResponseTemplate::new(200)
            .insert_header("x-total-count", "0")
            .set_body_json(json!([])),
    )
    .await;
    for status in [301, 302, 303, 307, 308] {
        let origin = answering(
            ResponseTemplate::new(status)
                .insert_header("location", format!("{}/api/v2/elsewhere", elsewhere.uri())),
        )
        .await;
        // The default HTTP client, and one built from the caller's builder.
        for client in [
            client_for(&origin, |b| b),
            client_for(&origin, |b| b.http_client(reqwest::Client::builder())),
        ] {
            let user = client.user(USER).unwrap();
            let read = user.systems().try_collect().await.unwrap_err();
            let write = user
                .associate(AssociationTarget::System, object_id(1).as_str())
                .unwrap()
                .await
                .unwrap_err();
            for error in [read, write] {
                assert_eq!(error.status(), Some(status), "{error}");
                let location = error.api().unwrap().location().unwrap().to_string();
                assert!(location.ends_with("/api/v2/elsewhere"), "{location}");
                assert!(error.to_string().contains("never follows"), "{error}");
                assert!(!error.is_retryable());
            }
        }
    }
    // Fails on the old code: reqwest followed 301/307 with x-api-key, and
    // a 307 re-sent the POST body.
    assert!(elsewhere.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_huge_retry_after_after_a_slow_attempt_does_not_panic() {
    // Fails on the old code: `elapsed + wait` overflowed and panicked
    // ("overflow when adding durations"). The attempt must take a second or
    // more: `Duration::MAX` is u64::MAX seconds plus 999,999,999 ns, so a
    // shorter attempt fits beside a u64::MAX-second wait. The old code timed
    // attempts with std's clock, so the delay is real, not a paused clock.
    let server = answering(
        ResponseTemplate::new(429)
            .insert_header("retry-after", "18446744073709551615")
            .set_delay(Duration::from_millis(1100)),
    )
    .await;
    let client = client_for(&server, |b| b);
    let error = common::systems_of(&client).await.unwrap_err();
    assert!(error.is_rate_limited());
    assert_eq!(error.retry_after(), Some(Duration::from_secs(u64::MAX)));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_retry_after_longer_than_the_max_wait_ends_the_retries_even_without_a_deadline() {
    let server =
        answering(ResponseTemplate::new(429).insert_header("retry-after", "1000000000")).await;
    let client = client_for(&server, |b| {
        b.retry(RetryPolicy::default().with_deadline(None))
    });
    // Fails on the old code by sleeping for 31 years (caught by the guard).
    let outcome = tokio::time::timeout(
        Duration::from_secs(30),
        client.user(USER).unwrap().systems().try_collect(),
    )
    .await
    .expect("the client gave up at once instead of sleeping");
    let error = outcome.unwrap_err();
    assert!(error.is_rate_limited());
    assert_eq!(
        error.retry_after(),
        Some(Duration::from_secs(1_000_000_000))
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_per_request_timeout_longer_than_the_clients_wins() {
    let server = answering(
        ResponseTemplate::new(200)
            .insert_header("x-total-count", "1")
            .set_body_json(json!([system(1)]))
            .set_delay(Duration::from_millis(400)),
    )
    .await;
    let client = client_for(&server, |b| {
        b.timeout(Duration::from_millis(100))
            .retry(RetryPolicy::none())
    });
    let user = client.user(USER).unwrap();
    assert!(user.systems().try_collect().await.unwrap_err().is_timeout());
    // Fails on the old code: the reqwest client-wide 100 ms timeout won.
    let systems = user
        .systems()
        .timeout(Duration::from_secs(10))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(systems.len(), 1);
}

#[tokio::test]
async fn a_huge_success_body_is_refused_without_being_read_whole() {
    let written = Arc::new(AtomicUsize::new(0));
    let counter = written.clone();
    let addr = raw_server(move |_, stream| {
        let counter = counter.clone();
        async move {
            let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-total-count: 1";
            stream_body(stream, head, 100 << 20, b' ', counter).await;
        }
    })
    .await;
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url(format!("http://{addr}/api/v2"))
        .retry(RetryPolicy::none())
        .max_response_bytes(1 << 20)
        .build()
        .unwrap();
    let error = common::systems_of(&client).await.unwrap_err();
    assert!(error.is_decode(), "{error:?}");
    let cause = std::error::Error::source(&error).unwrap().to_string();
    assert!(cause.contains("larger than"), "{cause}");
    // Fails on the old code, which read all 100 MiB: the client stopped
    // after about its cap (plus what sat in socket buffers).
    let sent = written.load(Ordering::SeqCst);
    assert!(
        sent < 32 << 20,
        "{sent} bytes were sent before the client hung up"
    );
}

#[tokio::test]
async fn a_declared_content_length_over_the_cap_is_refused_before_reading() {
    let addr = raw_server(|_, mut stream| async move {
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 104857600\r\n\r\n[";
        let _ = stream.write_all(head.as_bytes()).await;
        // Then nothing: a client that waited for the body would time out.
        std::future::pending::<()>().await;
    })
    .await;
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url(format!("http://{addr}/api/v2"))
        .retry(RetryPolicy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let error = common::systems_of(&client).await.unwrap_err();
    assert!(error.is_decode(), "{error:?}");
}

#[tokio::test]
async fn a_huge_error_body_is_read_only_as_far_as_the_excerpt_needs() {
    let written = Arc::new(AtomicUsize::new(0));
    let counter = written.clone();
    let addr = raw_server(move |_, stream| {
        let counter = counter.clone();
        async move {
            stream_body(
                stream,
                "HTTP/1.1 500 Internal Server Error",
                100 << 20,
                b'e',
                counter,
            )
            .await;
        }
    })
    .await;
    let client = common::client_at(addr);
    let error = common::systems_of(&client).await.unwrap_err();
    assert_eq!(error.status(), Some(500));
    assert!(error.body().unwrap().chars().count() <= 513);
    let sent = written.load(Ordering::SeqCst);
    assert!(
        sent < 16 << 20,
        "{sent} bytes were sent before the client hung up"
    );
}

#[tokio::test]
async fn a_page_with_more_items_than_requested_is_refused() {
    let server = answering(
        ResponseTemplate::new(200)
            .insert_header("x-total-count", "101")
            .set_body_json((0..101).map(system).collect::<Vec<_>>()),
    )
    .await;
    let client = client_for(&server, |b| b);
    let error = common::systems_of(&client).await.unwrap_err();
    assert!(error.is_decode(), "{error:?}");
    let cause = std::error::Error::source(&error).unwrap().to_string();
    assert!(
        cause.contains("more than the 100 items requested"),
        "{cause}"
    );
    let smaller = client
        .user(USER)
        .unwrap()
        .systems()
        .page_size(10)
        .try_collect()
        .await
        .unwrap_err();
    assert!(smaller.is_decode());
}

#[tokio::test]
async fn a_redirect_for_the_token_is_not_followed_either() {
    let elsewhere = answering(ResponseTemplate::new(200).set_body_json(
        json!({"access_token": "stolen-token-0123456789", "token_type": "bearer", "expires_in": 3600}),
    ))
    .await;
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(307)
                .insert_header("location", format!("{}/oauth2/token", elsewhere.uri())),
        )
        .mount(&server)
        .await;
    let client = Client::builder()
        .service_account("client-id", "a-client-secret-of-length")
        .base_url(format!("{}/api/v2", server.uri()))
        .token_url(format!("{}/oauth2/token", server.uri()))
        .build()
        .unwrap();
    let error = common::systems_of(&client).await.unwrap_err();
    assert_eq!(error.status(), Some(307));
    assert!(elsewhere.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn server_text_is_shown_with_its_control_characters_escaped() {
    // Fails on the old code: error messages and the `Display` of types and
    // ids the server made up carried escape sequences and newlines raw to
    // whatever terminal or log prints them.
    let denied = answering(ResponseTemplate::new(403).set_body_json(json!({
        "message": "denied \u{1b}[2J\u{1b}]0;pwned\u{7}\nFAKE LOG LINE",
        "error": "Forbidden\u{1b}[31m",
    })))
    .await;
    let error = common::systems_of(&client_for(&denied, |b| b))
        .await
        .unwrap_err();
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains(['\u{1b}', '\u{7}', '\n']), "{shown}");
    assert!(shown.contains("\\u{1b}[2J"), "{shown}");

    let odd = answering(
        ResponseTemplate::new(200)
            .insert_header("x-total-count", "1")
            .set_body_json(json!([{
                "id": object_id(1),
                "type": "system\u{1b}[31m",
                "paths": [[
                    {"to": {"id": "odd\u{1b}[2J", "type": "user_group\u{7}"}},
                    {"to": {"id": object_id(1), "type": "system"}}
                ]]
            }])),
    )
    .await;
    let items = common::systems_of(&client_for(&odd, |b| b)).await.unwrap();
    let path = &items[0].paths()[0];
    let shown = format!("{} {path} {}", items[0].kind(), path.edges()[0].to().id());
    assert!(!shown.contains(['\u{1b}', '\u{7}']), "{shown}");
    assert_eq!(shown.matches("\\u{").count(), 4, "{shown}");
    // As data, the values are kept as sent.
    let group = path.edges()[0].to();
    assert_eq!(group.id().as_sent(), "odd\u{1b}[2J");
    assert_eq!(serde_json::to_value(group).unwrap()["id"], "odd\u{1b}[2J");
}

#[tokio::test]
async fn server_text_cannot_reorder_or_hide_what_is_printed_around_it() {
    // Beyond controls: bidirectional overrides and isolates, zero-width
    // characters and line separators in an error message or a made-up type
    // are shown escaped too, as jcgraph shows them.
    let tricks = ['\u{202e}', '\u{2066}', '\u{200b}', '\u{2028}', '\u{feff}'];
    let denied = answering(ResponseTemplate::new(403).set_body_json(json!({
        "message": "denied \u{202e}txt.exe\u{2066} zero\u{200b}width\u{2028}next",
        "error": "Forbidden\u{feff}",
    })))
    .await;
    let error = common::systems_of(&client_for(&denied, |b| b))
        .await
        .unwrap_err();
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains(tricks), "{shown:?}");
    assert!(shown.contains("\\u{202e}txt.exe"), "{shown}");

    let odd = answering(
        ResponseTemplate::new(200)
            .insert_header("x-total-count", "1")
            .set_body_json(json!([{
                "id": object_id(1),
                "type": "system\u{202e}",
                "paths": [[{"to": {"id": object_id(1), "type": "system"}}]]
            }])),
    )
    .await;
    let items = common::systems_of(&client_for(&odd, |b| b)).await.unwrap();
    let shown = items[0].kind().to_string();
    assert_eq!(shown, "system\\u{202e}");
    // As data, kept as sent.
    assert_eq!(
        serde_json::to_value(items[0].kind()).unwrap(),
        "system\u{202e}"
    );
}

#[tokio::test]
async fn lookups_name_only_what_was_asked_cut_long_names_and_display_them_escaped() {
    let asked = object_id(1);
    let long = format!("\u{1b}[2J{}", "x".repeat(100_000));
    let body = json!({"totalCount": 3, "results": [
        {"_id": asked, "displayName": long},
        {"_id": object_id(2), "displayName": "not asked for"},
        {"displayName": "no id"},
    ]});
    let server = answering(ResponseTemplate::new(200).set_body_json(body)).await;
    let client = client_for(&server, |b| b);
    let node = jumpcloud_graph::GraphNode::new(
        jumpcloud_graph::NodeId::from_server(&asked),
        jumpcloud_graph::GraphType::System,
    );
    let other = jumpcloud_graph::GraphNode::new(
        jumpcloud_graph::NodeId::from_server(&object_id(2)),
        jumpcloud_graph::GraphType::System,
    );
    let resolved = client.names().resolve([&node]).await;
    assert_eq!(resolved.len(), 1, "only the asked node");
    assert!(resolved.get(&other).is_none());
    assert!(
        client.names().cached(&other).is_none(),
        "nothing cached for it"
    );
    let name = resolved.get(&node).unwrap();
    assert_eq!(name.chars().count(), 257, "256 characters and the ellipsis");
    let shown = node.display_with(&resolved).to_string();
    assert!(!shown.contains('\u{1b}'), "{shown:.40}");
    assert!(shown.starts_with("system \\u{1b}[2J"), "{shown:.40}");
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

/// A users' list whose records cannot all be read as users (an id that is
/// not an ObjectID, a record without one) ends in a pagination error, not
/// in a list that silently lacks them: a review would skip those users.
#[tokio::test]
async fn a_users_list_with_unreadable_records_is_an_error_not_a_shorter_list() {
    let body = json!({"totalCount": 3, "results": [
        {"_id": object_id(1), "username": "ada"},
        {"_id": "not-an-object-id", "username": "grace"},
        {"username": "no id"},
    ]});
    let server = answering(ResponseTemplate::new(200).set_body_json(body)).await;
    let client = client_for(&server, |b| b);
    let error = client.names().users().await.unwrap_err();
    assert!(error.is_pagination(), "{error}");
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}
