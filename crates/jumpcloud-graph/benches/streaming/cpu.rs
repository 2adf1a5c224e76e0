//! The CPU time the clients use, from the scheduler's per-thread
//! accounting (`/proc/self/task/*/schedstat`, nanoseconds on a CPU), all
//! threads of the process except the server's.
//!
//! On a shared machine wall time includes waiting for a CPU; this does
//! not, so it compares the variants' work even when the machine is busy.

use std::time::Duration;

use crate::server::THREAD_NAME;

/// The CPU time used so far by every thread but the server's; `None` off
/// Linux or without schedstat.
pub fn client_time() -> Option<Duration> {
    let mut total: u64 = 0;
    for task in std::fs::read_dir("/proc/self/task").ok()? {
        let path = task.ok()?.path();
        // A thread that ended between the listing and the read is skipped.
        let Ok(name) = std::fs::read_to_string(path.join("comm")) else {
            continue;
        };
        if name.trim_end() == THREAD_NAME {
            continue;
        }
        let Ok(stat) = std::fs::read_to_string(path.join("schedstat")) else {
            continue;
        };
        total = total.saturating_add(stat.split_whitespace().next()?.parse().ok()?);
    }
    Some(Duration::from_nanos(total))
}
