//! The API key never appears in any log line, `Debug` output or error
//! message across the sandbox's faults. In a test binary of its own: a
//! thread-local tracing subscriber only sees everything when no other test
//! runs beside it.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use jumpcloud_graph::{AssociationTarget, RetryPolicy};
use jumpcloud_graph_sandbox::{Fault, FaultPlan, FaultRule, Fixture, RetryAfter, Sandbox};

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

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test]
async fn the_api_key_never_appears_in_logs_or_errors_across_the_sandbox_faults() {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::FULL)
        .with_ansi(false)
        .with_writer(captured.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let faults = [
        Fault::status(429).retry_after(RetryAfter::Seconds(0)),
        Fault::status(503),
        Fault::ConnectionReset,
        Fault::ConnectionClosed,
        Fault::HtmlErrorPage { status: 502 },
        Fault::EmptyBody,
        Fault::WrongContentType,
        Fault::TruncatedBody,
        Fault::StalledBody,
    ];
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let key = sandbox.api_key().to_string();
    let client = sandbox.client_with(|b| {
        b.timeout(Duration::from_millis(300))
            .retry(RetryPolicy::none())
    });
    let ada = client.user(sandbox.fixture()["acme"].id_of("ada")).unwrap();
    let mut shown = Vec::new();
    for fault in faults {
        sandbox.set_faults(FaultPlan::new().rule(FaultRule::always(fault)));
        let error = ada.systems().try_collect().await.unwrap_err();
        shown.push(format!("{error} {error:?}"));
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
    shown.push(format!("{error} {error:?} {client:?} {ada:?}"));
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
    shown.push(format!("{error} {error:?} {wrong:?}"));

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("jumpcloud_graph.request"), "{logs}");
    for secret in [key.as_str(), "wrong-key-1234"] {
        assert!(!logs.contains(secret), "{secret} in the logs:\n{logs}");
        for text in &shown {
            assert!(!text.contains(secret), "{secret} in: {text}");
        }
    }
}
