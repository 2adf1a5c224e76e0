//! Peak memory while streaming 100,000 items, each variant in a fresh
//! child process (the bench binary itself, run with `--rss-child`), so
//! that the other rows' allocations and the server's pages are not
//! counted.
//!
//! The child builds its client, reads one page to open the connection and
//! start the runtime's threads, resets the peak (`/proc/self/clear_refs`),
//! notes `VmRSS`, streams the whole list item by item, and reports how far
//! `VmHWM` (the peak resident set) rose above that.

use std::process::Command;
use std::time::{Duration, Instant};

use crate::fixture::LARGE_USER;
use crate::variants::{Clients, Variant};

/// The first argument that makes the binary a child.
pub const CHILD_ARG: &str = "--rss-child";

/// What a child measured.
#[derive(Clone, Debug)]
pub struct Growth {
    pub variant: Variant,
    pub items: usize,
    pub elapsed: Duration,
    pub baseline_kib: u64,
    pub peak_kib: u64,
    /// Whether the peak could be reset after the warm-up; if not, the
    /// peak includes it.
    pub reset: bool,
}

impl Growth {
    pub fn growth_kib(&self) -> u64 {
        self.peak_kib.saturating_sub(self.baseline_kib)
    }
}

/// The variants measured, by their command-line names.
pub const VARIANTS: &[(&str, Variant)] = &[
    ("raw", Variant::Raw(1)),
    ("facade-prefetch-1", Variant::Facade(Some(1))),
    ("facade-default", Variant::Facade(None)),
    ("facade-prefetch-8", Variant::Facade(Some(8))),
];

/// Runs one child per variant against the server at `base_url`.
pub fn measure_all(base_url: &str) -> Vec<Growth> {
    let exe = std::env::current_exe().expect("the bench binary's path");
    VARIANTS
        .iter()
        .map(|(name, variant)| {
            let output = Command::new(&exe)
                .args([CHILD_ARG, name, base_url])
                .output()
                .expect("the bench binary runs as a child");
            let stdout = String::from_utf8_lossy(&output.stdout);
            assert!(
                output.status.success(),
                "the {name} child failed: {}\n{stdout}\n{}",
                output.status,
                String::from_utf8_lossy(&output.stderr)
            );
            parse(*variant, &stdout).unwrap_or_else(|| panic!("unreadable child output: {stdout}"))
        })
        .collect()
}

fn parse(variant: Variant, line: &str) -> Option<Growth> {
    let field = |name: &str| -> Option<u64> {
        line.split_whitespace()
            .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))?
            .parse()
            .ok()
    };
    Some(Growth {
        variant,
        items: usize::try_from(field("items")?).ok()?,
        elapsed: Duration::from_micros(field("micros")?),
        baseline_kib: field("baseline_kib")?,
        peak_kib: field("peak_kib")?,
        reset: field("reset")? == 1,
    })
}

/// The child: `--rss-child <variant> <base url>`.
pub fn child(args: &[String]) {
    let [name, base_url] = args else {
        panic!("usage: {CHILD_ARG} <variant> <base url>");
    };
    let variant = VARIANTS
        .iter()
        .find(|(known, _)| known == name)
        .map(|(_, variant)| *variant)
        .unwrap_or_else(|| panic!("unknown variant {name}"));
    let runtime = crate::client_runtime();
    runtime.block_on(async {
        let clients = Clients::new(base_url);
        // One page through the same client first: the connection, the
        // runtime's threads and the allocator's first arenas are not what
        // streaming costs.
        clients.first_page(variant, LARGE_USER).await;
        let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
        let baseline_kib = status_kib("VmRSS");
        let started = Instant::now();
        let items = clients.run(variant, LARGE_USER).await;
        let elapsed = started.elapsed();
        let peak_kib = status_kib("VmHWM");
        println!(
            "items={items} micros={} baseline_kib={baseline_kib} peak_kib={peak_kib} reset={}",
            elapsed.as_micros(),
            u8::from(reset)
        );
    });
}

/// A `kB` field of `/proc/self/status`.
fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status (Linux)");
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|value| value.trim().strip_suffix("kB")?.trim().parse().ok())
        .unwrap_or_else(|| panic!("{field} in /proc/self/status"))
}
