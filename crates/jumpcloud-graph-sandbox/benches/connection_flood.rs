//! How long a whole request waits while a flood of half-sent requests
//! (slow-loris clients: a request line and one header, never the blank line)
//! tries to hold the sandbox's connection slots: 300 and 10,000 of them
//! against the default 256 slots and 30 s header read timeout.
//!
//! `cargo bench -p jumpcloud-graph-sandbox --bench connection_flood`
//!
//! A plain `main` (no harness). Each round starts a sandbox, starts the
//! flood (every connection at once, as fast as the kernel takes them), waits
//! until the flood is connected or 5 s have passed, then times three whole
//! requests in turn on fresh connections, from `connect` to the end of the
//! answer, with the flood still held open. A request not answered within
//! 120 s counts as 120 s. Needs about 10,300 file descriptors.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use jumpcloud_graph_sandbox::{Fixture, Sandbox};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::watch;

const FLOODS: [usize; 2] = [300, 10_000];
const SAMPLES: usize = 3;
const SETTLE: Duration = Duration::from_secs(5);
const GIVE_UP: Duration = Duration::from_secs(120);

#[tokio::main]
async fn main() {
    println!(
        "| flood | connected before the first request | whole request, ms (each of {SAMPLES}) |"
    );
    println!("|---:|---:|---|");
    for size in FLOODS {
        let sandbox = Sandbox::start(Fixture::demo()).await;
        let addr = sandbox.addr();
        let path = format!(
            "/api/v2/users/{}/systems",
            sandbox.fixture().first_org().id_of("ada")
        );
        let (stop, stopped) = watch::channel(false);
        let connected = Arc::new(AtomicUsize::new(0));
        for _ in 0..size {
            tokio::spawn(hold_half_sent(
                addr,
                path.clone(),
                Arc::clone(&connected),
                stopped.clone(),
            ));
        }
        let started = Instant::now();
        while connected.load(Ordering::SeqCst) < size && started.elapsed() < SETTLE {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let before = connected.load(Ordering::SeqCst);
        let mut waits = Vec::new();
        for _ in 0..SAMPLES {
            let wait = whole_request(addr, &path, sandbox.api_key()).await;
            waits.push(format!("{:.1}", wait.as_secs_f64() * 1000.0));
        }
        println!("| {size} | {before} | {} |", waits.join(", "));
        let _ = stop.send(true);
        sandbox.shutdown().await;
    }
}

/// Connects, sends half a request head, and holds the connection until told
/// to stop (or the sandbox closes it).
async fn hold_half_sent(
    addr: SocketAddr,
    path: String,
    connected: Arc<AtomicUsize>,
    mut stop: watch::Receiver<bool>,
) {
    let Ok(mut stream) = TcpStream::connect(addr).await else {
        return;
    };
    connected.fetch_add(1, Ordering::SeqCst);
    let head = format!("GET {path} HTTP/1.1\r\nhost: sandbox\r\n");
    let _ = stream.write_all(head.as_bytes()).await;
    let _ = stop.wait_for(|stop| *stop).await;
}

/// The time from connecting to the end of the answer of one whole request.
async fn whole_request(addr: SocketAddr, path: &str, key: &str) -> Duration {
    let started = Instant::now();
    let exchange = async {
        let mut stream = TcpStream::connect(addr).await.ok()?;
        let request = format!(
            "GET {path} HTTP/1.1\r\nhost: sandbox\r\nx-api-key: {key}\r\nconnection: close\r\n\r\n"
        );
        stream.write_all(request.as_bytes()).await.ok()?;
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).await.ok()?;
        answer.starts_with(b"HTTP/1.1 200").then_some(())
    };
    match tokio::time::timeout(GIVE_UP, exchange).await {
        Ok(Some(())) => started.elapsed(),
        Ok(None) => panic!("the whole request was not answered 200"),
        Err(_) => GIVE_UP,
    }
}
