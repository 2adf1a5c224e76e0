//! Figures out of samples, and the tables the benchmark prints.

use std::time::Duration;

use crate::rss::Growth;
use crate::variants::{DEFAULT_PREFETCH, Variant};

/// One timed read.
#[derive(Clone, Copy, Debug)]
pub struct Sample {
    pub elapsed: Duration,
    /// The CPU time the client's threads used (see [`crate::cpu`]).
    pub cpu: Option<Duration>,
    /// The most requests in flight at the server during the read.
    pub peak_in_flight: usize,
}

/// A variant at one latency, over all its runs.
pub struct Row {
    pub variant: Variant,
    pub latency: Duration,
    pages: usize,
    times: Vec<Duration>,
    cpu: Vec<Duration>,
    peak: usize,
}

impl Row {
    pub fn new(variant: Variant, latency: Duration, pages: usize, samples: Vec<Sample>) -> Self {
        let mut times: Vec<Duration> = samples.iter().map(|s| s.elapsed).collect();
        times.sort();
        let mut cpu: Vec<Duration> = samples.iter().filter_map(|s| s.cpu).collect();
        cpu.sort();
        let peak = samples.iter().map(|s| s.peak_in_flight).max().unwrap_or(0);
        Self {
            variant,
            latency,
            pages,
            times,
            cpu,
            peak,
        }
    }

    pub fn min(&self) -> Duration {
        self.times[0]
    }

    pub fn median(&self) -> Duration {
        median(&self.times)
    }

    /// The median CPU time of the client, when the platform tells it.
    pub fn cpu_median(&self) -> Option<Duration> {
        (!self.cpu.is_empty()).then(|| median(&self.cpu))
    }

    pub fn peak_in_flight(&self) -> usize {
        self.peak
    }

    /// The latency bound: the first page, then the rest `depth` at a time.
    pub fn bound(&self) -> Option<Duration> {
        (!self.latency.is_zero()).then(|| {
            let rounds = 1 + self.pages.saturating_sub(1).div_ceil(self.variant.depth());
            self.latency * u32::try_from(rounds).unwrap_or(u32::MAX)
        })
    }
}

/// The median of sorted, non-empty `times`.
fn median(times: &[Duration]) -> Duration {
    let n = times.len();
    if n % 2 == 1 {
        times[n / 2]
    } else {
        (times[n / 2 - 1] + times[n / 2]) / 2
    }
}

/// Three streams on one client at once.
pub struct Concurrent {
    pub limit: Option<usize>,
    pub streams: usize,
    pub prefetch: usize,
    pub elapsed: Duration,
    pub peak: usize,
    pub pages: usize,
    pub latency: Duration,
}

impl Concurrent {
    /// The latency bound: each stream's own, or the client's limit over
    /// all pages, whichever is longer.
    pub fn bound(&self) -> Duration {
        let per_stream = self.pages / self.streams.max(1);
        let stream_rounds = 1 + per_stream.saturating_sub(1).div_ceil(self.prefetch);
        let limit_rounds = self.limit.map_or(0, |n| self.pages.div_ceil(n));
        let rounds = stream_rounds.max(limit_rounds);
        self.latency * u32::try_from(rounds).unwrap_or(u32::MAX)
    }
}

/// What was measured, for the header.
pub struct Context {
    pub quick: bool,
    pub items: usize,
    pub pages: usize,
    pub page_bytes: usize,
    pub fast_runs: usize,
    pub slow_runs: usize,
    pub large_items: usize,
    /// The 1-minute load average before and after.
    pub load: [String; 2],
    /// The clients' Tokio runtime.
    pub runtime: &'static str,
}

fn ms(duration: Duration) -> String {
    format!("{:.1}", duration.as_secs_f64() * 1e3)
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64()
}

fn verdict(ok: bool) -> &'static str {
    if ok { "met" } else { "MISSED" }
}

fn find(rows: &[Row], variant: Variant, latency: Duration) -> Option<&Row> {
    rows.iter()
        .find(|row| row.variant == variant && row.latency == latency)
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

pub fn print(
    context: &Context,
    rows: &[Row],
    decoding: &[crate::decode::Decoding],
    concurrent: &[Concurrent],
    growth: &[Growth],
) {
    println!();
    println!(
        "## Streaming {} items ({} pages of {:.0} KiB){}",
        context.items,
        context.pages,
        context.page_bytes as f64 / 1024.0,
        match (context.quick, cfg!(debug_assertions)) {
            (_, true) => " (debug build: a smoke run, the figures mean nothing)",
            (true, false) => " (quick run: few samples)",
            (false, false) => "",
        }
    );
    println!();
    println!(
        "{} interleaved runs at 0 ms, {} at 20 ms; {}; clients on Tokio's {}; load average {} before, {} after.",
        context.fast_runs,
        context.slow_runs,
        machine(),
        context.runtime,
        context.load[0],
        context.load[1],
    );
    println!();
    println!(
        "| latency | variant | min ms | median ms | ÷ raw (min) | ÷ raw (median) | client CPU ms (median) | CPU ÷ raw | bound ms | ÷ bound (min) | ÷ bound (median) | peak in flight |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for row in rows {
        let baseline = find(rows, row.variant.baseline(), row.latency)
            .filter(|baseline| baseline.variant != row.variant);
        let (raw_min, raw_median) = match baseline {
            Some(b) => (
                format!("{:.2}", ratio(row.min(), b.min())),
                format!("{:.2}", ratio(row.median(), b.median())),
            ),
            None => ("1".into(), "1".into()),
        };
        let cpu = row.cpu_median().map_or("?".into(), ms);
        let cpu_raw = match (row.cpu_median(), baseline.and_then(Row::cpu_median)) {
            (Some(cpu), Some(raw)) => format!("{:.2}", ratio(cpu, raw)),
            (Some(_), None) => "1".into(),
            _ => "?".into(),
        };
        let (bound, bound_min, bound_median) = match row.bound() {
            Some(bound) => (
                ms(bound),
                format!("{:.2}", ratio(row.min(), bound)),
                format!("{:.2}", ratio(row.median(), bound)),
            ),
            None => ("–".into(), "–".into(), "–".into()),
        };
        println!(
            "| {} ms | {} | {} | {} | {raw_min} | {raw_median} | {cpu} | {cpu_raw} | {bound} | {bound_min} | {bound_median} | {} |",
            row.latency.as_millis(),
            row.variant.label(),
            ms(row.min()),
            ms(row.median()),
            row.peak_in_flight(),
        );
    }
    println!();
    println!(
        "÷ raw: against the raw loop with as many pages in flight (sequential for the transport and the generated client). \
         Client CPU: the CPU time of every thread but the server's, which waiting for a busy CPU does not inflate. \
         Bound: latency x (1 + ceil(remaining pages / pages in flight))."
    );

    println!(
        "Peak in flight: the most requests the server held at once (at 0 ms it answers each without yielding, so it never holds two)."
    );

    println!();
    println!(
        "## Decoding alone: the same {} pages from memory, no I/O",
        context.pages
    );
    println!();
    println!("| decoder | min ms | median ms | ÷ raw (min) | MB/s (min) |");
    println!("|---|---:|---:|---:|---:|");
    let raw = decoding.first().map(|d| d.min);
    for d in decoding {
        println!(
            "| {} | {} | {} | {:.2} | {:.0} |",
            d.name,
            ms(d.min),
            ms(d.median),
            raw.map_or(1.0, |raw| ratio(d.min, raw)),
            d.bytes as f64 / d.min.as_secs_f64() / 1e6,
        );
    }

    println!();
    println!("## Concurrent streams, one client");
    println!();
    println!(
        "| streams | prefetch | client max_in_flight | latency | time ms | bound ms | peak in flight at the server |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    for c in concurrent {
        println!(
            "| {} | {} | {} | {} ms | {} | {} | {} |",
            c.streams,
            c.prefetch,
            c.limit.map_or("none".into(), |n| n.to_string()),
            c.latency.as_millis(),
            ms(c.elapsed),
            ms(c.bound()),
            c.peak,
        );
    }

    println!();
    println!(
        "## Peak RSS growth streaming {} items ({} pages), fresh process each",
        context.large_items,
        context.large_items / 100
    );
    println!();
    println!("| variant | time ms | RSS before MiB | peak growth MiB |");
    println!("|---|---:|---:|---:|");
    for g in growth {
        println!(
            "| {} | {} | {:.1} | {:.1}{} |",
            g.variant.label(),
            ms(g.elapsed),
            mib(g.baseline_kib),
            mib(g.growth_kib()),
            if g.reset { "" } else { " (peak not reset)" },
        );
    }

    println!();
    println!("## Goals");
    println!();
    goals(rows, concurrent, growth);
}

fn goals(rows: &[Row], concurrent: &[Concurrent], growth: &[Growth]) {
    let slow = Duration::from_millis(20);
    if let (Some(facade), Some(raw)) = (
        find(rows, Variant::Facade(Some(1)), Duration::ZERO),
        find(rows, Variant::Raw(1), Duration::ZERO),
    ) {
        let r = ratio(facade.min(), raw.min());
        let cpu = match (facade.cpu_median(), raw.cpu_median()) {
            (Some(f), Some(r)) => format!(" (client CPU time, median: {:.2})", ratio(f, r)),
            _ => String::new(),
        };
        println!(
            "- facade `prefetch(1)` ÷ raw loop, no latency, by minimum: {r:.2}{cpu} (goal ≤ 1.15): {}",
            verdict(r <= 1.15)
        );
    }
    for (variant, name) in [
        (Variant::Facade(Some(8)), "`prefetch(8)`".to_string()),
        (
            Variant::Facade(None),
            format!("default ({DEFAULT_PREFETCH})"),
        ),
    ] {
        if let Some(row) = find(rows, variant, slow)
            && let Some(bound) = row.bound()
        {
            let (median, min) = (ratio(row.median(), bound), ratio(row.min(), bound));
            println!(
                "- facade {name} at 20 ms ÷ its latency bound ({} ms): median {median:.2}, min {min:.2} (goal ≤ 1.3): {}",
                ms(bound),
                verdict(median <= 1.3)
            );
        }
    }
    let facade_rows: Vec<&Row> = rows
        .iter()
        .filter(|row| matches!(row.variant, Variant::Facade(_)))
        .collect();
    let within = facade_rows
        .iter()
        .all(|row| row.peak_in_flight() <= row.variant.depth());
    let peaks: Vec<String> = facade_rows
        .iter()
        .map(|row| {
            format!(
                "{} at {} ms: {}",
                row.variant.label(),
                row.latency.as_millis(),
                row.peak_in_flight()
            )
        })
        .collect();
    println!(
        "- never more than n pages in flight per stream (server peak): {} (goal ≤ n): {}",
        peaks.join("; "),
        verdict(within)
    );
    if let Some(limited) = concurrent.iter().find(|c| c.limit.is_some()) {
        let limit = limited.limit.unwrap_or(0);
        let contrast = concurrent
            .iter()
            .find(|c| c.limit.is_none())
            .map_or(String::new(), |c| {
                format!(" (without the limit: {})", c.peak)
            });
        println!(
            "- `max_in_flight({limit})` across {} streams at `prefetch({})`: peak {}{contrast} (goal ≤ {limit}): {}",
            limited.streams,
            limited.prefetch,
            limited.peak,
            verdict(limited.peak <= limit)
        );
    }
    if let Some(g) = growth.iter().find(|g| g.variant == Variant::Facade(None)) {
        let growth_mib = mib(g.growth_kib());
        println!(
            "- RSS growth streaming {} items one by one, default settings: {growth_mib:.1} MiB (goal ≤ 8 MiB): {}",
            g.items,
            verdict(growth_mib <= 8.0)
        );
    }
}

/// The 1-minute load average, from /proc/loadavg.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|load| load.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".into())
}

/// The CPU model and the number of CPUs, from /proc.
fn machine() -> String {
    let cpus = std::thread::available_parallelism().map_or(0, usize::from);
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find_map(|line| line.strip_prefix("model name")?.split(':').nth(1))
                .map(|model| model.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    format!("{cpus} CPUs, {model}")
}
