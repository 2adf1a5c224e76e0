//! `cargo bench -p jumpcloud-graph-cli --bench review`: `jcgraph review`
//! of a generated org, against the sandbox over HTTP at JumpCloud-like
//! latency (150 ms a request) and a per-key budget, as the real thing
//! runs: the release `jcgraph` binary, `--out FILE`, `--concurrency 32`.
//!
//! It reports the wall time against the bound that concurrency and budget
//! set (goal: within 1.3x), the requests per user, the share answered 429,
//! and jcgraph's peak memory at two sizes (flat in the number of users).
//! Every user must be in the output once; anything else fails the run.
//!
//! Sizes: 200 and 1,000 users by default (about half a minute);
//! `JCG_BENCH_FULL=1` runs 1,000 and 10,000 (about three minutes);
//! `JCG_BENCH_QUICK=1` 50 and 200 (a smoke run). The goal is judged at the
//! larger size.

use std::collections::{BTreeSet, HashMap};
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use jumpcloud_graph_sandbox::{Fixture, GeneratorConfig, Kind, Sandbox};

mod common;

/// The latency of every request.
const LATENCY: Duration = Duration::from_millis(150);
/// The per-key budget, requests a minute: 400 a second.
const BUDGET_PER_MINUTE: u32 = 24_000;
/// Users reviewed at once: with four lists each (the generated org has no
/// directories or RADIUS servers), up to 128 requests in flight, about twice
/// what the budget allows at this latency, so that the budget binds.
const CONCURRENCY: usize = 32;

/// One run's figures.
struct Figures {
    users: usize,
    wall: Duration,
    requests: u64,
    rate_limited: u64,
    peak_kib: Option<u64>,
    bound: Duration,
}

fn main() {
    let sizes = match (
        std::env::var("JCG_BENCH_FULL"),
        std::env::var("JCG_BENCH_QUICK"),
    ) {
        (Ok(_), _) => [1_000, 10_000],
        (_, Ok(_)) => [50, 200],
        _ => [200, 1_000],
    };
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let mut figures = Vec::new();
    for users in sizes {
        figures.push(run(&runtime, users));
    }
    report(&figures);
}

/// The generated org: `users` users, each reaching about a hundred
/// objects (two pages of devices).
fn org(users: usize) -> GeneratorConfig {
    GeneratorConfig {
        users,
        systems: 1_000,
        user_groups: 50,
        system_groups: 20,
        applications: 10,
        fan_out_user_systems: 0,
        direct_binding_every: 10,
        ..GeneratorConfig::default()
    }
}

/// Reviews an org of `users` users once; panics when the output is not
/// every user once.
fn run(runtime: &tokio::runtime::Runtime, users: usize) -> Figures {
    let sandbox = runtime
        .block_on(
            Sandbox::builder()
                .fixture(Fixture::generated(org(users)))
                .latency(LATENCY)
                .rate_limit_per_key(BUDGET_PER_MINUTE)
                .start(),
        )
        .expect("the sandbox starts");
    let dir = std::env::temp_dir().join(format!("jcgraph-review-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a directory");
    let ids: Vec<String> = sandbox
        .fixture()
        .first_org()
        .objects_of(Kind::User)
        .map(|user| user.id().to_string())
        .collect();
    let list = dir.join("users.txt");
    std::fs::write(&list, ids.join("\n")).expect("the users list");
    let out = dir.join("review.ndjson");
    let _ = std::fs::remove_file(&out);
    let started = Instant::now();
    let child = Command::new(env!("CARGO_BIN_EXE_jcgraph"))
        .args([
            "review",
            "--concurrency",
            &CONCURRENCY.to_string(),
            "--users",
        ])
        .arg(&list)
        .arg("--out")
        .arg(&out)
        .env("JUMPCLOUD_API_KEY", sandbox.api_key())
        .env("JUMPCLOUD_BASE_URL", sandbox.base_url())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("jcgraph starts");
    let finished = common::wait_sampling(child, Duration::from_millis(50));
    let wall = started.elapsed();
    assert!(
        finished.status.success(),
        "jcgraph failed: {}",
        finished.stderr
    );
    check_every_user_once(&out, ids.len());
    let stats = sandbox.stats();
    let _ = std::fs::remove_dir_all(&dir);
    let answered = stats.requests_total - stats.rate_limited;
    Figures {
        users,
        wall,
        requests: stats.requests_total,
        rate_limited: stats.rate_limited,
        peak_kib: finished.peak_kib,
        bound: bound(answered, round_trips(&sandbox.requests())),
    }
}

/// The round trips each user's review needs at the least, summed over the
/// users: its lists are fetched at once, their pages one after another, so
/// a user takes as many round trips as its longest list has pages (read
/// from the sandbox's request log; 429s are not pages).
fn round_trips(requests: &[jumpcloud_graph_sandbox::RecordedRequest]) -> u64 {
    let mut pages: HashMap<(&str, &str), u64> = HashMap::new();
    for request in requests.iter().filter(|r| r.status == Some(200)) {
        let mut parts = request.path.rsplitn(3, '/');
        let (Some(list), Some(user), Some(rest)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        if rest.ends_with("/users") {
            *pages.entry((user, list)).or_default() += 1;
        }
    }
    let mut longest: HashMap<&str, u64> = HashMap::new();
    for ((user, _), n) in pages {
        let most = longest.entry(user).or_default();
        *most = (*most).max(n);
    }
    longest.values().sum()
}

/// The least time the review can take: the budget's (every request but a
/// second's burst at the budget's rate) or the concurrency's (the users'
/// round trips, `CONCURRENCY` users at once), whichever is longer.
fn bound(answered: u64, round_trips: u64) -> Duration {
    let per_second = f64::from(BUDGET_PER_MINUTE) / 60.0;
    let budget = (answered as f64 - per_second).max(0.0) / per_second;
    let concurrency = round_trips as f64 / CONCURRENCY as f64 * LATENCY.as_secs_f64();
    Duration::from_secs_f64(budget.max(concurrency))
}

/// The output holds a header and each input line once.
fn check_every_user_once(out: &std::path::Path, users: usize) {
    let text = std::fs::read_to_string(out).expect("the review file");
    let mut lines: BTreeSet<u64> = BTreeSet::new();
    for line in text.lines().skip(1) {
        let value: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
        assert!(value.get("error").is_none(), "a user failed: {line}");
        let number = value["line"].as_u64().expect("a line number");
        assert!(lines.insert(number), "line {number} twice");
    }
    assert_eq!(lines.len(), users, "every user once");
}

fn report(figures: &[Figures]) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "\njcgraph review against the sandbox: {} ms a request, {BUDGET_PER_MINUTE} requests \
         a minute per key, --concurrency {CONCURRENCY}\n",
        LATENCY.as_millis()
    );
    let _ = writeln!(
        out,
        "| users | wall s | bound s | ÷ bound | requests/user | 429s | peak RSS MiB |"
    );
    let _ = writeln!(out, "|---:|---:|---:|---:|---:|---:|---:|");
    for f in figures {
        let _ = writeln!(
            out,
            "| {} | {:.1} | {:.1} | {:.2} | {:.2} | {} ({:.1}%) | {} |",
            f.users,
            f.wall.as_secs_f64(),
            f.bound.as_secs_f64(),
            f.wall.as_secs_f64() / f.bound.as_secs_f64().max(0.001),
            f.requests as f64 / f.users as f64,
            f.rate_limited,
            100.0 * f.rate_limited as f64 / f.requests.max(1) as f64,
            f.peak_kib.map_or_else(
                || "n/a".to_string(),
                |k| format!("{:.1}", k as f64 / 1024.0)
            )
        );
    }
    // The goal is for the largest size: at a few hundred users, starting
    // the process and the first round trips weigh more than the budget.
    let largest = figures.last().map_or(0.0, |f| {
        f.wall.as_secs_f64() / f.bound.as_secs_f64().max(0.001)
    });
    let _ = writeln!(
        out,
        "\ngoal: within 1.3x of the bound at the largest size: {:.2} ({})",
        largest,
        if largest <= 1.3 { "met" } else { "missed" }
    );
    if let [small, large] = figures
        && let (Some(a), Some(b)) = (small.peak_kib, large.peak_kib)
    {
        let _ = writeln!(
            out,
            "memory: {:.1} MiB at {} users, {:.1} MiB at {} users ({:.2}x for {:.0}x the users)",
            a as f64 / 1024.0,
            small.users,
            b as f64 / 1024.0,
            large.users,
            b as f64 / a.max(1) as f64,
            large.users as f64 / small.users as f64
        );
    }
}
