//! `cargo bench -p jumpcloud-graph-cli --bench review_cost`: the review's
//! own cost. `jcgraph --org FILE review --users FILE > /dev/null` in
//! sandbox mode (the org served inside the process, no latency, no
//! budget), so what is measured is jcgraph's and the in-process sandbox's
//! work: fetching, decoding, explaining, naming and writing each user.
//!
//! The org is the sandbox's generated default at 1,000 users (10,000
//! systems, one user bound to all of them; a user reaches about 940
//! objects), saved as a fixture. Each binary reviews its first 200 users
//! and all 1,000 (memory must not grow with the users), three rounds.
//!
//! `JCG_BASELINE_JCGRAPH=PATH` runs another `jcgraph` build too, round by
//! round with this one (side by side in one run, so both see the same
//! machine), and prints the ratio of their medians; the goal is 3x the
//! throughput of the code before the review work (see CONTRIBUTING.md
//! "Benchmarks" for how to build that baseline). `JCG_BENCH_QUICK=1` makes
//! it a smoke run (one round, 50 and 200 users).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use jumpcloud_graph_sandbox::{Fixture, GeneratorConfig, Kind};

mod common;

/// One binary's run over some users.
struct Run {
    binary: &'static str,
    users: usize,
    wall: Duration,
    peak_kib: Option<u64>,
}

fn main() {
    let quick = std::env::var_os("JCG_BENCH_QUICK").is_some();
    let (sizes, rounds) = if quick {
        ([50, 200], 1)
    } else {
        ([200, 1_000], 3)
    };
    let dir = std::env::temp_dir().join(format!("jcgraph-review-cost-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a directory");
    let (org, users) = save_org(&dir);
    let mut binaries = vec![("current", PathBuf::from(env!("CARGO_BIN_EXE_jcgraph")))];
    if let Some(baseline) = std::env::var_os("JCG_BASELINE_JCGRAPH") {
        binaries.push(("baseline", PathBuf::from(baseline)));
    }
    let mut runs = Vec::new();
    for _ in 0..rounds {
        for size in sizes {
            let list = dir.join(format!("users-{size}.txt"));
            std::fs::write(&list, users[..size.min(users.len())].join("\n")).expect("a list");
            for (name, binary) in &binaries {
                runs.push(review(name, binary, &org, &list, size));
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    report(&runs, &sizes);
}

/// Writes the generated org as a fixture; returns its path and user ids.
fn save_org(dir: &Path) -> (PathBuf, Vec<String>) {
    let fixture = Fixture::generated(GeneratorConfig {
        users: 1_000,
        ..GeneratorConfig::default()
    });
    let users = fixture
        .first_org()
        .objects_of(Kind::User)
        .map(|user| user.id().to_string())
        .collect();
    let path = dir.join("org.yaml");
    std::fs::write(&path, fixture.to_yaml().expect("the org as YAML")).expect("the org file");
    (path, users)
}

/// One review to /dev/null; panics unless it succeeds.
fn review(binary: &'static str, path: &Path, org: &Path, list: &Path, users: usize) -> Run {
    let started = Instant::now();
    let child = Command::new(path)
        .arg("--org")
        .arg(org)
        .arg("review")
        .arg("--users")
        .arg(list)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("jcgraph starts");
    let finished = common::wait_sampling(child, Duration::from_millis(20));
    let wall = started.elapsed();
    assert!(
        finished.status.success(),
        "{binary} failed: {}",
        finished.stderr
    );
    Run {
        binary,
        users,
        wall,
        peak_kib: finished.peak_kib,
    }
}

/// The median users a second of one binary at one size.
fn median_rate(runs: &[Run], binary: &str, users: usize) -> Option<f64> {
    let mut rates: Vec<f64> = runs
        .iter()
        .filter(|r| r.binary == binary && r.users == users)
        .map(|r| r.users as f64 / r.wall.as_secs_f64().max(0.001))
        .collect();
    rates.sort_by(f64::total_cmp);
    rates.get(rates.len() / 2).copied()
}

fn report(runs: &[Run], sizes: &[usize; 2]) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "\njcgraph --org FILE review > /dev/null (sandbox mode), every run:\n"
    );
    let _ = writeln!(out, "| binary | users | wall s | users/s | peak RSS MiB |");
    let _ = writeln!(out, "|---|---:|---:|---:|---:|");
    for r in runs {
        let _ = writeln!(
            out,
            "| {} | {} | {:.2} | {:.0} | {} |",
            r.binary,
            r.users,
            r.wall.as_secs_f64(),
            r.users as f64 / r.wall.as_secs_f64().max(0.001),
            r.peak_kib
                .map_or_else(|| "n/a".into(), |k| format!("{:.0}", k as f64 / 1024.0))
        );
    }
    let largest = sizes[1];
    if let (Some(current), Some(baseline)) = (
        median_rate(runs, "current", largest),
        median_rate(runs, "baseline", largest),
    ) {
        let _ = writeln!(
            out,
            "\nmedian at {largest} users: current {current:.0} users/s, baseline {baseline:.0} \
             users/s: {:.2}x (goal over the code before the review work: 3x)",
            current / baseline.max(0.001)
        );
    }
    let peak = |users: usize| {
        runs.iter()
            .filter(|r| r.binary == "current" && r.users == users)
            .filter_map(|r| r.peak_kib)
            .max()
    };
    if let (Some(small), Some(large)) = (peak(sizes[0]), peak(largest)) {
        let _ = writeln!(
            out,
            "memory (current): {:.0} MiB at {} users, {:.0} MiB at {largest} ({:.2}x for {:.0}x the users)",
            small as f64 / 1024.0,
            sizes[0],
            large as f64 / 1024.0,
            large as f64 / small.max(1) as f64,
            largest as f64 / sizes[0] as f64
        );
    }
}
