//! The sandbox survives careless and hostile callers: fault specs and
//! latencies it cannot honour are refused up front, oversized bodies get
//! 413, and half-sent requests cannot hold connections open for ever.

use crate::common;

use std::time::{Duration, SystemTime};

use common::{ACME_KEY, get, http, id};
use jumpcloud_graph_sandbox::{Fault, FaultRule, Fixture, FixtureError, RetryAfter, Sandbox};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn systems_path() -> String {
    format!("/users/{}/systems", id("ada"))
}

async fn admin_put(sandbox: &Sandbox, path: &str, body: &str) -> (u16, String) {
    let response = http()
        .put(format!("{}/__sandbox/{path}", sandbox.root_url()))
        .body(body.to_owned())
        .send()
        .await
        .expect("the admin endpoint answers");
    let status = response.status().as_u16();
    (status, response.text().await.unwrap_or_default())
}

#[tokio::test]
async fn admin_refuses_fault_specs_it_cannot_honour() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    for spec in [
        "429,retry-after-date=300000000000",
        "429,retry-after-date=18446744073709551615",
        "429,every=0",
        "503,at=0|2",
        "503,first=0",
    ] {
        let (status, body) = admin_put(&sandbox, "faults", spec).await;
        assert_eq!(status, 400, "{spec}: {body}");
        assert!(body.contains("invalid fault"), "{spec}: {body}");
    }
    // Nothing was installed: requests are still answered normally.
    assert_eq!(get(&sandbox, &systems_path()).await.status(), 200);
}

#[tokio::test]
async fn a_far_retry_after_date_set_from_rust_is_capped_not_a_panic() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    sandbox.set_faults(FaultRule::always(
        Fault::status(429).retry_after(RetryAfter::HttpDate(u64::MAX)),
    ));
    let response = get(&sandbox, &systems_path()).await;
    assert_eq!(response.status(), 429);
    let value = response.headers()["retry-after"]
        .to_str()
        .expect("ASCII")
        .to_owned();
    let at = httpdate::parse_http_date(&value).expect("an HTTP date");
    assert!(at > SystemTime::now(), "{value}");
    // A second request is served too: nothing panicked.
    assert_eq!(get(&sandbox, &systems_path()).await.status(), 429);
}

#[tokio::test]
async fn admin_refuses_a_latency_above_the_cap() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    for body in ["18446744073709551615", "60001", "-1", "soon"] {
        let (status, text) = admin_put(&sandbox, "latency", body).await;
        assert_eq!(status, 400, "{body}: {text}");
    }
    assert_eq!(admin_put(&sandbox, "latency", "60000").await.0, 204);
    assert_eq!(admin_put(&sandbox, "latency", "0").await.0, 204);
    assert_eq!(get(&sandbox, &systems_path()).await.status(), 200);
}

#[tokio::test]
async fn a_body_over_two_mebibytes_is_413() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let mut body = br#"{"op":"add","type":"system","id":""#.to_vec();
    body.resize(2 * 1024 * 1024 + 1, b' ');
    for path in ["associations", "emails"] {
        let response = http()
            .post(format!("{}/users/{}/{path}", sandbox.base_url(), id("ada")))
            .header("x-api-key", ACME_KEY)
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
            .await
            .expect("the sandbox answers");
        assert_eq!(response.status(), 413, "{path}");
        let error: Value = response.json().await.expect("a JSON body");
        assert!(
            error["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("Payload Too Large")),
            "{error}"
        );
    }
}

/// Connects and sends a request line and one header, never the blank line
/// that ends the head.
async fn half_sent_request(sandbox: &Sandbox) -> TcpStream {
    let mut stream = TcpStream::connect(sandbox.addr())
        .await
        .expect("the sandbox accepts");
    let head = format!(
        "GET /api/v2{} HTTP/1.1\r\nhost: sandbox\r\n",
        systems_path()
    );
    stream
        .write_all(head.as_bytes())
        .await
        .expect("the head is sent");
    stream
}

/// Reads until the server closes the connection (whatever it answered).
async fn closed(mut stream: TcpStream) -> Vec<u8> {
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    answer
}

#[tokio::test(start_paused = true)]
async fn a_half_sent_request_is_closed_after_the_default_header_timeout() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let started = tokio::time::Instant::now();
    let stream = half_sent_request(&sandbox).await;
    // On the paused clock an hour passes at once if nothing else happens.
    let answer = tokio::time::timeout(Duration::from_secs(3600), closed(stream))
        .await
        .expect("the sandbox closed the connection within the hour");
    let waited = started.elapsed();
    assert!(
        (Duration::from_secs(1)..=Duration::from_secs(60)).contains(&waited),
        "closed after {waited:?}"
    );
    assert!(answer.is_empty(), "{}", String::from_utf8_lossy(&answer));
}

#[tokio::test(start_paused = true)]
async fn the_header_read_timeout_is_configurable() {
    let sandbox = Sandbox::builder()
        .header_read_timeout(Some(Duration::from_secs(5)))
        .start()
        .await
        .expect("started");
    let started = tokio::time::Instant::now();
    let stream = half_sent_request(&sandbox).await;
    tokio::time::timeout(Duration::from_secs(3600), closed(stream))
        .await
        .expect("closed within the hour");
    let waited = started.elapsed();
    assert!(
        (Duration::from_secs(5)..Duration::from_secs(6)).contains(&waited),
        "closed after {waited:?}"
    );
    assert_eq!(sandbox.stats().header_read_timeouts, 1);
}

/// A complete request on a raw connection, which asks to be closed after
/// the answer.
async fn whole_request(sandbox: &Sandbox) -> TcpStream {
    let mut stream = TcpStream::connect(sandbox.addr())
        .await
        .expect("the kernel accepts");
    let request = format!(
        "GET /api/v2{} HTTP/1.1\r\nhost: sandbox\r\nx-api-key: {ACME_KEY}\r\nconnection: close\r\n\r\n",
        systems_path()
    );
    stream
        .write_all(request.as_bytes())
        .await
        .expect("the request is sent");
    stream
}

/// Whether the sandbox still holds `stream` open without answering: on the
/// paused clock, the second passes only once nothing else can happen.
async fn still_waiting(stream: &mut TcpStream) -> bool {
    let mut byte = [0u8; 1];
    tokio::time::timeout(Duration::from_secs(1), stream.read(&mut byte))
        .await
        .is_err()
}

/// Whether the sandbox closed `stream` without answering.
async fn closed_unanswered(stream: &mut TcpStream) -> bool {
    let mut rest = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(1), stream.read_to_end(&mut rest)).await;
    // A connection closed with an unread head may be reset rather than
    // closed: either way, nothing was answered.
    matches!(read, Ok(Ok(0)) | Ok(Err(_))) && rest.is_empty()
}

#[tokio::test(start_paused = true)]
async fn connections_past_the_cap_wait_while_every_slot_serves_a_request() {
    let sandbox = Sandbox::builder()
        .max_connections(2)
        .start()
        .await
        .expect("started");
    let hold = sandbox.hold_responses();
    let first = whole_request(&sandbox).await;
    let second = whole_request(&sandbox).await;
    sandbox.wait_for_in_flight(2).await;
    let mut third = whole_request(&sandbox).await;

    // A connection serving a request is never given up for a new one: had
    // the sandbox accepted the third, it would be in flight by then.
    assert!(still_waiting(&mut third).await, "served past the cap");
    let stats = sandbox.stats();
    assert_eq!((stats.connections_open, stats.in_flight), (2, 2));

    drop(hold);
    for stream in [first, second, third] {
        let answer = closed(stream).await;
        let answer = String::from_utf8_lossy(&answer);
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    }
    let stats = sandbox.stats();
    assert_eq!(
        (stats.max_connections_open, stats.connections_evicted),
        (2, 0)
    );
}

/// The connections of a flood: `n` half-sent requests, in connection order.
async fn flood(sandbox: &Sandbox, n: usize) -> Vec<TcpStream> {
    let mut streams = Vec::with_capacity(n);
    for _ in 0..n {
        streams.push(half_sent_request(sandbox).await);
    }
    streams
}

/// How many slots the flood tests give the sandbox; their floods are three
/// times as many connections.
const FLOOD_SLOTS: usize = 4;

async fn sandbox_with_flood_slots() -> Sandbox {
    Sandbox::builder()
        .max_connections(FLOOD_SLOTS)
        .start()
        .await
        .expect("started")
}

/// Sends a whole request while `flood` holds every slot, and checks that it
/// is answered at once, that each new connection took the slot of the one
/// that had waited longest (the oldest are closed unanswered, the newest
/// still held), and that no head timed out.
async fn answered_while_flooded(sandbox: &Sandbox, mut flood: Vec<TcpStream>) {
    let stream = whole_request(sandbox).await;
    // On the paused clock, the second of this timeout passes only once
    // nothing else can happen.
    let answer = tokio::time::timeout(Duration::from_secs(1), closed(stream))
        .await
        .expect("answered while the flood's connections are open");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let (oldest, newest) = flood.split_at_mut(2 * FLOOD_SLOTS + 1);
    for stream in oldest {
        assert!(closed_unanswered(stream).await, "an old one is still open");
    }
    for stream in newest {
        assert!(still_waiting(stream).await, "a new one was closed");
    }
    let stats = sandbox.stats();
    assert_eq!(stats.header_read_timeouts, 0);
    assert_eq!(stats.connections_evicted, 2 * FLOOD_SLOTS as u64 + 1);
}

#[tokio::test(start_paused = true)]
async fn a_request_is_answered_while_half_sent_requests_hold_every_slot() {
    let sandbox = sandbox_with_flood_slots().await;
    let flood = flood(&sandbox, 3 * FLOOD_SLOTS).await;
    // Fails on the old code, which left the request in the backlog until a
    // half-sent one timed out (30 s).
    answered_while_flooded(&sandbox, flood).await;
}

#[tokio::test(start_paused = true)]
async fn a_request_is_answered_while_half_sent_bodies_hold_every_slot() {
    let sandbox = sandbox_with_flood_slots().await;
    let edges = sandbox.edges_from("acme", "ada");
    let mut flood = Vec::new();
    for _ in 0..3 * FLOOD_SLOTS {
        let mut stream = TcpStream::connect(sandbox.addr()).await.expect("accepted");
        let head = format!(
            "POST /api/v2/users/{}/associations HTTP/1.1\r\nhost: sandbox\r\nx-api-key: {ACME_KEY}\r\n\
             content-type: application/json\r\ncontent-length: 100\r\n\r\n{{\"op\":\"add\",",
            id("ada")
        );
        stream.write_all(head.as_bytes()).await.expect("sent");
        flood.push(stream);
    }
    // Fails on the old code: a request whose body never completes held its
    // slot for ever (there is no body timeout).
    answered_while_flooded(&sandbox, flood).await;
    // No half-sent write was applied.
    assert_eq!(sandbox.edges_from("acme", "ada"), edges);
}

/// Writes `size` bytes of nothing (a sparse file) to a fresh temporary file.
fn sparse_file(name: &str, size: u64) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("sandbox-hardening-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let path = dir.join(name);
    let file = std::fs::File::create(&path).expect("created");
    file.set_len(size).expect("sized");
    path
}

#[test]
fn a_fixture_file_over_the_size_limit_is_refused_before_it_is_read() {
    assert_eq!(Fixture::MAX_YAML_BYTES, 16 * 1024 * 1024);
    let path = sparse_file("huge.yaml", Fixture::MAX_YAML_BYTES as u64 + 1);
    let error = Fixture::from_path(&path).expect_err("over the limit");
    let _ = std::fs::remove_file(&path);
    // Fails on the old code, which read it whole and failed on its YAML.
    assert!(error.to_string().contains("16 MiB"), "{error}");
    // A terabyte of nothing is refused as fast: it is never read.
    let path = sparse_file("terabyte.yaml", 1 << 40);
    let error = Fixture::from_path(&path).expect_err("over the limit");
    let _ = std::fs::remove_file(&path);
    assert!(matches!(error, FixtureError::TooLarge { .. }), "{error}");
}

#[test]
fn yaml_aliases_cannot_expand_a_small_fixture_past_the_limit() {
    // 1 MiB, named once and repeated by 40 aliases: 41 MiB once expanded,
    // from a file of just over 1 MiB.
    let blob = "x".repeat(1 << 20);
    let mut yaml = String::from(
        "orgs:\n  - handle: a\n    id: \"650000000000000000000001\"\n    name: A\n    users:\n",
    );
    for i in 0..41 {
        let note = if i == 0 {
            format!("&blob {blob}")
        } else {
            "*blob".to_owned()
        };
        yaml.push_str(&format!(
            "      u{i}: {{ id: \"6510000000000000000000{i:02}\", note: {note} }}\n"
        ));
    }
    yaml.push_str("keys: [{ key: a-key-0123456789abcdef, org: a }]\n");
    assert!(yaml.len() < 2 << 20);
    // Fails on the old code, which expanded every alias.
    let Err(error) = Fixture::from_yaml_str(&yaml) else {
        panic!("loaded, every alias expanded");
    };
    assert!(error.to_string().contains("alias"), "{error}");
}

#[test]
fn a_fixture_with_a_few_aliases_still_loads() {
    let yaml = r#"
orgs:
  - handle: a
    id: "650000000000000000000001"
    name: A
    users:
      ann: { id: "651000000000000000000001", username: ann }
    systems:
      box: { id: "653000000000000000000001", hostname: box }
      tub: { id: "653000000000000000000002", hostname: tub }
    bindings:
      - { from: ann, to: box, attributes: &root { sudo: { enabled: true, withoutPassword: true } } }
      - { from: ann, to: tub, attributes: *root }
keys: [{ key: a-key-0123456789abcdef, org: a }]
"#;
    let fixture = Fixture::from_yaml_str(yaml).expect("loads");
    assert_eq!(fixture.orgs()[0].edges_from("ann").len(), 2);
}

#[tokio::test]
async fn settings_out_of_range_stop_the_start_and_leave_setters_unchanged() {
    for builder in [
        Sandbox::builder().latency(Duration::from_secs(61)),
        Sandbox::builder().max_connections(0),
        Sandbox::builder().header_read_timeout(Some(Duration::ZERO)),
        Sandbox::builder().token_lifetime(Duration::MAX),
    ] {
        let error = builder.start().await.expect_err("out of range");
        assert!(
            error.to_string().contains("invalid sandbox setting"),
            "{error}"
        );
        assert!(error.addr().is_none());
    }
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let error = sandbox
        .set_latency(Duration::from_secs(u64::MAX))
        .expect_err("above the cap");
    assert_eq!(error.setting(), "latency");
    // The refused latency was not installed: this answers (rather than
    // waiting for ever, which the timeout turns into a failure).
    let answered = tokio::time::timeout(Duration::from_secs(30), get(&sandbox, &systems_path()))
        .await
        .expect("answered without the refused latency");
    assert_eq!(answered.status(), 200);
}
