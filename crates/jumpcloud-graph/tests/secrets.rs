//! The API key never appears in logs, `Debug` output or error messages:
//! all tracing output (every level) and every error's `Display` and `Debug`
//! are captured across a run of faults and searched for the key.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{API_KEY, USER, client_for, object_id, system};
use jumpcloud_graph::{AssociationTarget, Client, RetryPolicy};
use serde_json::json;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::fmt::format::FmtSpan;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A tracing writer into a shared buffer.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// Every response a fault run serves, one per request in turn.
fn faults() -> Vec<ResponseTemplate> {
    vec![
        ResponseTemplate::new(401).set_body_json(
            json!({"error": "Unauthorized", "message": format!("Unauthorized: api key {API_KEY} not found")}),
        ),
        ResponseTemplate::new(429).insert_header("retry-after", "0"),
        ResponseTemplate::new(500).set_body_string(format!("stack trace mentioning {API_KEY}")),
        ResponseTemplate::new(502).set_body_raw(b"<html>502</html>".to_vec(), "text/html"),
        ResponseTemplate::new(503),
        ResponseTemplate::new(504),
        ResponseTemplate::new(200).set_body_string(format!("[{{\"id\": \"{API_KEY}")),
        ResponseTemplate::new(200).set_body_json(json!([{"id": API_KEY, "type": "system", "paths": []}])),
        ResponseTemplate::new(200).set_delay(Duration::from_secs(30)),
        ResponseTemplate::new(200).insert_header("x-total-count", "1").set_body_json(json!([system(1)])),
    ]
}

async fn exercise(client: &Client, shown: &mut Vec<String>) {
    let user = client.user(USER).unwrap();
    for _ in 0..faults().len() {
        if let Err(error) = user.systems().try_collect().await {
            shown.push(format!("{error} {error:?}"));
        }
    }
    for error in [
        user.associate(AssociationTarget::System, object_id(1).as_str())
            .unwrap()
            .await
            .err(),
        user.send_activation_email().await.err(),
        client.user("not-an-id").err(),
        Client::builder()
            .api_key(API_KEY)
            .base_url("http://example.com")
            .build()
            .err(),
    ]
    .into_iter()
    .flatten()
    {
        shown.push(format!("{error} {error:?}"));
    }
    shown.push(format!("{client:?} {user:?}"));
    shown.push(format!("{:?}", Client::builder().api_key(API_KEY)));
}

#[tokio::test]
async fn the_api_key_appears_in_no_log_line_debug_output_or_error() {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::FULL)
        .with_ansi(false)
        .with_writer(captured.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = MockServer::start().await;
    for (i, fault) in faults().into_iter().enumerate() {
        Mock::given(method("GET"))
            .respond_with(fault)
            .up_to_n_times(1)
            .with_priority(u8::try_from(i + 1).unwrap())
            .mount(&server)
            .await;
    }
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let client = client_for(&server, |b| {
        b.timeout(Duration::from_millis(300))
            .retry(RetryPolicy::none())
    });

    let mut shown = Vec::new();
    exercise(&client, &mut shown).await;

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("jumpcloud_graph.request"),
        "spans were captured:\n{logs}"
    );
    assert!(
        logs.contains("attempt=1") && logs.contains("status=401"),
        "{logs}"
    );
    assert!(
        !logs.contains(API_KEY),
        "the key leaked into the logs:\n{logs}"
    );
    assert!(shown.len() >= 12, "errors were produced: {shown:#?}");
    for text in &shown {
        assert!(!text.contains(API_KEY), "the key leaked: {text}");
    }
    // Each request did carry the key, so its absence above means something.
    let requests = server.received_requests().await.unwrap();
    assert!(requests.iter().all(|r| r.headers["x-api-key"] == API_KEY));
}
