//! Shared fixtures for the facade's wiremock tests.
#![allow(dead_code, missing_docs)]

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use jumpcloud_graph::{Client, RetryPolicy};
use serde_json::{Value, json};
use wiremock::{MockServer, Request, Respond, ResponseTemplate};

pub const API_KEY: &str = "test-api-key-7f3e9a2c41d8";
pub const USER: &str = "5f1b0c2e9c1a4b0012345678";
pub const ORG: &str = "5e3b7a1c9d2f4a0011223344";
pub const OTHER_ORG: &str = "5e3b7a1c9d2f4a0099887766";

/// Retries that do not slow tests down.
pub fn fast_retries() -> RetryPolicy {
    RetryPolicy::default().with_backoff(Duration::from_millis(1), Duration::from_millis(5))
}

/// A mock server and a client pointed at it.
pub async fn setup() -> (MockServer, Client) {
    let server = MockServer::start().await;
    let client = client_for(&server, |b| b);
    (server, client)
}

/// A client for `server`, configured further by `configure`.
pub fn client_for(
    server: &MockServer,
    configure: impl FnOnce(jumpcloud_graph::ClientBuilder) -> jumpcloud_graph::ClientBuilder,
) -> Client {
    configure(
        Client::builder()
            .api_key(API_KEY)
            .base_url(format!("{}/api/v2", server.uri()))
            .retry(fast_retries()),
    )
    .build()
    .expect("valid test client")
}

/// The `n`-th test object id.
pub fn object_id(n: u64) -> String {
    format!(
        "{:024x}",
        0x64b0_0000_0000_0000_0000_0000u128 + u128::from(n)
    )
}

/// A traversal result for system `n`, bound directly.
pub fn system(n: u64) -> Value {
    json!({
        "id": object_id(n),
        "type": "system",
        "compiledAttributes": null,
        "paths": [[{"attributes": null, "to": {"id": object_id(n), "type": "system"}}]]
    })
}

/// Reads `skip` and `limit` from a request's query.
pub fn skip_and_limit(request: &Request) -> (usize, usize) {
    let mut skip = 0;
    let mut limit = 10;
    for (key, value) in request.url.query_pairs() {
        match key.as_ref() {
            "skip" => skip = value.parse().unwrap(),
            "limit" => limit = value.parse().unwrap(),
            _ => {}
        }
    }
    (skip, limit)
}

/// How a [`PagedList`] reports its total.
pub enum Total {
    /// `x-total-count` with the list's length.
    Header,
    /// No `x-total-count`.
    Absent,
    /// `x-total-count` taken, request by request, from this list (the last
    /// value repeats).
    Sequence(Vec<usize>),
}

/// Serves a list with `limit`/`skip` like JumpCloud, with optional quirks.
pub struct PagedList {
    pub items: Vec<Value>,
    pub total: Total,
    /// Requests at this skip get only this many items (a short page).
    pub short_page: Option<(usize, usize)>,
    /// The request with this 0-based number fails with this status.
    pub fail_request: Option<(usize, u16)>,
    /// Ignore `skip` and always serve the first page.
    pub ignore_skip: bool,
    /// Requests at this skip fail with this status.
    pub fail_on_skip: Option<(usize, u16)>,
    /// Serve at most this many items per page, whatever `limit` says.
    pub page_cap: Option<usize>,
    /// Indexes of items deleted once the first request was answered.
    pub delete_after_first_request: Vec<usize>,
    /// Requests at this skip answer `[]` the first this-many times
    /// (`usize::MAX`: always), then the items (a page gone missing).
    pub empty_at: Vec<(usize, usize)>,
    requests: AtomicUsize,
    pub log: Mutex<Vec<(usize, usize)>>,
}

impl PagedList {
    pub fn new(items: Vec<Value>) -> Self {
        Self {
            items,
            total: Total::Header,
            short_page: None,
            fail_request: None,
            ignore_skip: false,
            page_cap: None,
            fail_on_skip: None,
            delete_after_first_request: Vec::new(),
            empty_at: Vec::new(),
            requests: AtomicUsize::new(0),
            log: Mutex::new(Vec::new()),
        }
    }

    pub fn systems(count: u64) -> Self {
        Self::new((0..count).map(system).collect())
    }
}

impl Respond for PagedList {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let number = self.requests.fetch_add(1, Ordering::SeqCst);
        let (skip, limit) = skip_and_limit(request);
        let asked_before = {
            let mut log = self.log.lock().unwrap();
            log.push((skip, limit));
            log.iter().filter(|(s, _)| *s == skip).count() - 1
        };
        let emptied = self
            .empty_at
            .iter()
            .any(|(at, times)| *at == skip && asked_before < *times);
        if let Some((fail, status)) = self.fail_request
            && fail == number
        {
            return ResponseTemplate::new(status).set_body_json(json!({"message": "injected"}));
        }
        if let Some((at, status)) = self.fail_on_skip
            && at == skip
        {
            return ResponseTemplate::new(status).set_body_json(json!({"message": "injected"}));
        }
        let items: Vec<&Value> = self
            .items
            .iter()
            .enumerate()
            .filter(|(i, _)| number == 0 || !self.delete_after_first_request.contains(i))
            .map(|(_, item)| item)
            .collect();
        let skip = if self.ignore_skip { 0 } else { skip };
        let limit = self.page_cap.map_or(limit, |cap| limit.min(cap));
        let mut end = (skip + limit).min(items.len());
        if let Some((at, keep)) = self.short_page
            && at == skip
        {
            end = (skip + keep).min(end);
        }
        let page: Vec<&Value> = if emptied {
            Vec::new()
        } else {
            items.get(skip..end).unwrap_or_default().to_vec()
        };
        let mut response = ResponseTemplate::new(200).set_body_json(page);
        let total = match &self.total {
            Total::Header => Some(items.len()),
            Total::Absent => None,
            Total::Sequence(values) => Some(values[number.min(values.len() - 1)]),
        };
        if let Some(total) = total {
            response = response.insert_header("x-total-count", total.to_string());
        }
        response
    }
}

/// A tracing writer into a shared buffer, to search every log line.
#[derive(Clone, Default)]
pub struct Captured(std::sync::Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
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

impl Captured {
    /// Everything logged so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

/// Captures every tracing event and span (all levels) on this thread until
/// the guard is dropped. A thread-local subscriber only sees everything
/// when no other test runs beside it, so tests using it live in a binary
/// of their own.
pub fn capture_tracing() -> (Captured, tracing::subscriber::DefaultGuard) {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::FULL)
        .with_ansi(false)
        .with_writer(captured.clone())
        .finish();
    (captured, tracing::subscriber::set_default(subscriber))
}

/// Fails when `text` holds 8 consecutive characters of `secret`.
pub fn assert_no_fragment(text: &str, secret: &str, what: &str) {
    for window in secret.as_bytes().windows(8) {
        let window = std::str::from_utf8(window).unwrap();
        assert!(
            !text.contains(window),
            "{what}: {window:?} of a secret leaked:\n{text}"
        );
    }
}

/// A one-connection-at-a-time HTTP/1.1 server on loopback for what wiremock
/// cannot do (stream huge bodies, count what was written): `respond` gets
/// the request head and writes the whole response itself.
pub async fn raw_server<F, Fut>(respond: F) -> std::net::SocketAddr
where
    F: Fn(String, tokio::net::TcpStream) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    use tokio::io::AsyncReadExt;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let respond = std::sync::Arc::new(respond);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let respond = respond.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    match stream.read(&mut byte).await {
                        Ok(1) => head.push(byte[0]),
                        _ => return,
                    }
                }
                respond(String::from_utf8_lossy(&head).into_owned(), stream).await;
            });
        }
    });
    addr
}

/// Writes `total` bytes of `fill` as a chunked body after `head` (the status
/// line and headers, without the final blank line), adding each chunk to
/// `written` until the client goes away.
pub async fn stream_body(
    mut stream: tokio::net::TcpStream,
    head: &str,
    total: usize,
    fill: u8,
    written: std::sync::Arc<AtomicUsize>,
) {
    use tokio::io::AsyncWriteExt;
    let head = format!("{head}\r\ntransfer-encoding: chunked\r\n\r\n");
    if stream.write_all(head.as_bytes()).await.is_err() {
        return;
    }
    let chunk = vec![fill; 64 * 1024];
    let mut sent = 0;
    while sent < total {
        let n = chunk.len().min(total - sent);
        let frame = format!("{n:x}\r\n");
        if stream.write_all(frame.as_bytes()).await.is_err()
            || stream.write_all(&chunk[..n]).await.is_err()
            || stream.write_all(b"\r\n").await.is_err()
        {
            return;
        }
        sent += n;
        written.fetch_add(n, Ordering::SeqCst);
    }
    let _ = stream.write_all(b"0\r\n\r\n").await;
}

/// The test user's systems, through `client`.
pub async fn systems_of(
    client: &Client,
) -> Result<Vec<jumpcloud_graph::BoundObject>, jumpcloud_graph::Error> {
    client.user(USER)?.systems().try_collect().await
}

/// A client for a server at `addr` (plain http on loopback), no retries.
pub fn client_at(addr: std::net::SocketAddr) -> Client {
    Client::builder()
        .api_key(API_KEY)
        .base_url(format!("http://{addr}/api/v2"))
        .retry(RetryPolicy::none())
        .build()
        .expect("valid test client")
}
