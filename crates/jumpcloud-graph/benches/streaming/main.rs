//! Streaming benchmarks: the facade against a raw reqwest + serde loop and
//! the generated client, on a static page server.
//!
//! ```sh
//! cargo bench -p jumpcloud-graph                             # the full run (about two minutes)
//! JCG_BENCH_QUICK=1 cargo bench -p jumpcloud-graph           # fewer runs, for a smoke test
//! cargo bench -p jumpcloud-graph --bench streaming -- --quick  # the same
//! ```
//!
//! (`cargo bench -p jumpcloud-graph -- --quick` would also hand `--quick`
//! to the library's test harness, which refuses it.)
//!
//! A plain `main` (`harness = false`) that prints Markdown tables:
//!
//! - every variant reading 10,000 items (100 pages of 100) at 0 and 20 ms
//!   of server latency, the runs interleaved (run 1 of every variant, then
//!   run 2, ...) so that drift on a busy machine hits all alike, with the
//!   minimum and the median, the ratio to the raw loop at the same depth,
//!   the ratio to the latency bound (first page + ceil(remaining pages /
//!   n) x latency), and the most requests the server saw in flight;
//! - three concurrent streams at `prefetch(8)` on a client with
//!   `max_in_flight(4)`, and the same without the limit for contrast;
//! - the peak RSS growth while streaming 100,000 items, each variant in a
//!   fresh child process;
//! - the issue's goals, each with its figure and whether it is met.
//!
//! Speed goals are reported, never asserted (a loaded machine is not a
//! regression); the item counts, the request counts and the in-flight
//! limits are checked, and a violation makes the run fail.
//!
//! For profiling: `JCG_BENCH_RUNTIME=current` runs the clients on a
//! current-thread runtime; `<bench binary> --serve` only serves (and
//! prints its base URL), and `<bench binary> --rss-child <variant> <url>`
//! streams 100,000 items once (`raw`, `facade-prefetch-1`,
//! `facade-default`, `facade-prefetch-8`), e.g. under `perf record`,
//! `valgrind --tool=callgrind` or `heaptrack`.

mod cpu;
mod decode;
mod fixture;
mod report;
mod rss;
mod server;
mod variants;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use fixture::{LARGE_USER, Listing, PAGE, USER};
use report::{Row, Sample};
use server::Server;
use variants::{Clients, Variant};

/// The items the timed rows read.
const ITEMS: usize = 10_000;
/// The items the memory rows stream.
const LARGE_ITEMS: usize = 100_000;
/// The latency of the slow rows.
const LATENCY: Duration = Duration::from_millis(20);
/// Only serve (for profiling the child processes by hand).
const SERVE_ARG: &str = "--serve";

/// How much to measure.
struct Plan {
    quick: bool,
    /// Interleaved runs at 0 ms.
    fast_runs: usize,
    /// Interleaved runs at 20 ms.
    slow_runs: usize,
}

impl Plan {
    fn from_args(args: &[String]) -> Self {
        let env_quick = std::env::var("JCG_BENCH_QUICK").is_ok_and(|v| !v.is_empty() && v != "0");
        // `cargo bench` passes `--bench`; without it the binary runs as a
        // test (`cargo test --benches`), where a smoke run is enough.
        let quick = env_quick
            || args.iter().any(|a| a == "--quick")
            || !args.iter().any(|a| a == "--bench");
        if quick {
            Self {
                quick,
                fast_runs: 3,
                slow_runs: 1,
            }
        } else {
            Self {
                quick,
                fast_runs: 21,
                slow_runs: 5,
            }
        }
    }
}

/// The runtime every client runs on: Tokio's default multi-threaded one,
/// as `#[tokio::main]` builds it, or with `JCG_BENCH_RUNTIME=current` a
/// single-threaded one (where a page's task and its reader share a
/// thread, which tells the cost of handing pages between threads apart).
pub fn client_runtime() -> tokio::runtime::Runtime {
    let mut builder = if current_thread() {
        tokio::runtime::Builder::new_current_thread()
    } else {
        tokio::runtime::Builder::new_multi_thread()
    };
    builder.enable_all().build().expect("a Tokio runtime")
}

fn current_thread() -> bool {
    std::env::var("JCG_BENCH_RUNTIME").is_ok_and(|v| v == "current")
}

fn main() {
    // The raw reqwest baselines are built before any jumpcloud-graph client;
    // under the default `tls-ring` feature reqwest needs a default provider.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some(rss::CHILD_ARG) {
        rss::child(&args[1..]);
        return;
    }
    let plan = Plan::from_args(&args);

    let started = Instant::now();
    let large = Listing::generate(LARGE_ITEMS);
    let small = large.prefix(ITEMS);
    let page_bytes = small.page_bytes();
    let server = Server::start(HashMap::from([
        (USER.to_string(), small.clone()),
        (LARGE_USER.to_string(), large),
    ]));
    eprintln!(
        "fixture: {LARGE_ITEMS} items generated in {:.1} s; pages of {PAGE} items average {:.1} KiB",
        started.elapsed().as_secs_f64(),
        page_bytes as f64 / 1024.0
    );
    if args.iter().any(|a| a == SERVE_ARG) {
        // For profilers (see the module docs): serve until killed.
        println!("{}", server.base_url());
        loop {
            std::thread::park();
        }
    }
    let load_before = report::load_average();
    let decoding = decode::measure(&small, if plan.quick { 5 } else { 30 });

    let runtime = client_runtime();
    let clients = Arc::new(runtime.block_on(async { Clients::new(&server.base_url()) }));
    let fast = [
        Variant::Transport,
        Variant::Raw(1),
        Variant::Raw(4),
        Variant::Raw(8),
        Variant::Generated,
        Variant::Facade(Some(1)),
        Variant::Facade(None),
        Variant::Facade(Some(8)),
    ];
    let mut rows = timed_rows(
        &runtime,
        &server,
        &clients,
        Duration::ZERO,
        &fast,
        plan.fast_runs,
    );
    rows.extend(timed_rows(
        &runtime,
        &server,
        &clients,
        LATENCY,
        &fast[1..],
        plan.slow_runs,
    ));
    let mut violations: Vec<String> = rows
        .iter()
        .filter(|row| {
            matches!(row.variant, Variant::Facade(_)) && row.peak_in_flight() > row.variant.depth()
        })
        .map(|row| {
            format!(
                "{} at {} ms had {} requests in flight at the server",
                row.variant.label(),
                row.latency.as_millis(),
                row.peak_in_flight()
            )
        })
        .collect();

    eprintln!("three concurrent streams ...");
    server.set_latency(LATENCY);
    let limited = runtime.block_on(concurrent_streams(&server, Some(4)));
    let unlimited = runtime.block_on(concurrent_streams(&server, None));
    if limited.peak > 4 {
        violations.push(format!(
            "max_in_flight(4): {} requests in flight at the server",
            limited.peak
        ));
    }

    eprintln!("peak RSS, {LARGE_ITEMS} items per child process ...");
    server.set_latency(Duration::ZERO);
    let growth = rss::measure_all(&server.base_url());
    for g in &growth {
        assert_eq!(g.items, LARGE_ITEMS, "{} lost items", g.variant.label());
    }

    let context = report::Context {
        quick: plan.quick,
        items: ITEMS,
        pages: ITEMS / PAGE,
        page_bytes,
        fast_runs: plan.fast_runs,
        slow_runs: plan.slow_runs,
        large_items: LARGE_ITEMS,
        load: [load_before, report::load_average()],
        runtime: if current_thread() {
            "current-thread runtime"
        } else {
            "multi-thread runtime"
        },
    };
    report::print(&context, &rows, &decoding, &[limited, unlimited], &growth);
    if !violations.is_empty() {
        for violation in &violations {
            eprintln!("VIOLATION: {violation}");
        }
        std::process::exit(1);
    }
}

/// Every variant at one latency, `runs` times, interleaved: run 1 of each,
/// then run 2, ... so that drift on a busy machine hits all alike.
fn timed_rows(
    runtime: &tokio::runtime::Runtime,
    server: &Server,
    clients: &Arc<Clients>,
    latency: Duration,
    variants: &[Variant],
    runs: usize,
) -> Vec<Row> {
    let pages = ITEMS / PAGE;
    server.set_latency(latency);
    // One unrecorded run each: connections opened, caches warm.
    for variant in variants {
        measure(runtime, server, clients, *variant, pages);
    }
    let mut samples: Vec<Vec<Sample>> = vec![Vec::new(); variants.len()];
    for run in 0..runs {
        eprintln!("{} ms: run {}/{runs}", latency.as_millis(), run + 1);
        // Rotated, so no variant always follows the same one.
        for i in 0..variants.len() {
            let k = (i + run) % variants.len();
            samples[k].push(measure(runtime, server, clients, variants[k], pages));
        }
    }
    variants
        .iter()
        .zip(samples)
        .map(|(variant, samples)| Row::new(*variant, latency, pages, samples))
        .collect()
}

/// One timed read of the whole list, on a worker thread like any task.
fn measure(
    runtime: &tokio::runtime::Runtime,
    server: &Server,
    clients: &Arc<Clients>,
    variant: Variant,
    pages: usize,
) -> Sample {
    server.reset_peak();
    let requests = server.requests();
    let clients = clients.clone();
    let cpu = cpu::client_time();
    let task = runtime.spawn(async move {
        let started = Instant::now();
        let items = clients.run(variant, USER).await;
        (items, started.elapsed())
    });
    let (items, elapsed) = runtime.block_on(task).expect("the measured task completes");
    let cpu = cpu::client_time()
        .zip(cpu)
        .map(|(after, before)| after.saturating_sub(before));
    assert_eq!(items, ITEMS, "{} lost or repeated items", variant.label());
    let sent = server.requests() - requests;
    assert_eq!(
        sent,
        pages as u64,
        "{} sent {sent} requests",
        variant.label()
    );
    Sample {
        elapsed,
        cpu,
        peak_in_flight: server.peak_in_flight(),
    }
}

/// Three streams at `prefetch(8)` at once, on one client with
/// `max_in_flight(limit)`.
async fn concurrent_streams(server: &Server, limit: Option<usize>) -> report::Concurrent {
    let client = variants::facade_client(&server.base_url(), |builder| match limit {
        Some(n) => builder.max_in_flight(n),
        None => builder,
    });
    // Warm: open the connections first.
    variants::facade(&client, USER, Some(8)).await;
    server.reset_peak();
    let started = Instant::now();
    let (a, b, c) = tokio::join!(
        variants::facade(&client, USER, Some(8)),
        variants::facade(&client, USER, Some(8)),
        variants::facade(&client, USER, Some(8)),
    );
    assert_eq!([a, b, c], [ITEMS; 3], "a stream lost items");
    report::Concurrent {
        limit,
        streams: 3,
        prefetch: 8,
        elapsed: started.elapsed(),
        peak: server.peak_in_flight(),
        pages: 3 * (ITEMS / PAGE),
        latency: LATENCY,
    }
}
