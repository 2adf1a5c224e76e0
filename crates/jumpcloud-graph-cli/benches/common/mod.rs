//! What the benchmarks share: waiting for a `jcgraph` process while
//! sampling its peak memory.

use std::process::{Child, ExitStatus};
use std::time::Duration;

/// A finished `jcgraph`: its status, stderr and peak resident memory.
pub struct Finished {
    /// How it exited.
    pub status: ExitStatus,
    /// What it wrote to stderr (piped).
    pub stderr: String,
    /// Its peak resident memory in KiB, sampled while it ran (Linux).
    pub peak_kib: Option<u64>,
}

/// Waits for `child`, sampling its peak memory every `every`.
pub fn wait_sampling(mut child: Child, every: Duration) -> Finished {
    let mut peak_kib = None;
    let status = loop {
        if let Some(status) = child.try_wait().expect("jcgraph runs") {
            break status;
        }
        peak_kib = peak_of(child.id()).or(peak_kib);
        std::thread::sleep(every);
    };
    let stderr = child
        .wait_with_output()
        .map(|o| String::from_utf8_lossy(&o.stderr).into_owned())
        .unwrap_or_default();
    Finished {
        status,
        stderr,
        peak_kib,
    }
}

/// The peak resident memory of a process, from `/proc` (Linux).
fn peak_of(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
}
