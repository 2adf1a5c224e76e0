//! Client-side limits on request rate and on requests in flight, shared by
//! every clone of a client.
//!
//! The rate limit is a sliding window: **at most n requests start in any
//! one-second window**, which is what "n requests per second" means to a
//! reader (a token bucket with a burst of n lets 2n through in the first
//! second). A request waits for its place in the window first and only then
//! for a slot among the requests in flight, so slots never sit idle behind
//! a rate wait.

use std::collections::VecDeque;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

/// The limits one client (and its clones) observes.
#[derive(Clone, Default)]
pub(crate) struct Limits {
    rate: Option<Arc<RateWindow>>,
    in_flight: Option<Arc<Semaphore>>,
    max_in_flight: Option<usize>,
}

/// The start times of the latest requests, at most `per_second` of them.
struct RateWindow {
    per_second: NonZeroU32,
    starts: Mutex<VecDeque<Instant>>,
}

const WINDOW: Duration = Duration::from_secs(1);

impl RateWindow {
    /// Waits until a request may start without making `per_second + 1`
    /// starts fall within one second, and records its start.
    async fn acquire(&self) {
        loop {
            let wait = {
                let mut starts = self
                    .starts
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                let now = Instant::now();
                while starts
                    .front()
                    .is_some_and(|start| now.saturating_duration_since(*start) >= WINDOW)
                {
                    starts.pop_front();
                }
                if starts.len() < self.per_second.get() as usize {
                    starts.push_back(now);
                    return;
                }
                // The oldest start leaves the window first.
                match starts.front() {
                    Some(oldest) => (*oldest + WINDOW).saturating_duration_since(now),
                    None => Duration::ZERO,
                }
            };
            tokio::time::sleep(wait).await;
        }
    }
}

impl Limits {
    pub(crate) fn new(per_second: Option<NonZeroU32>, max_in_flight: Option<usize>) -> Self {
        Self {
            rate: per_second.map(|per_second| {
                Arc::new(RateWindow {
                    per_second,
                    starts: Mutex::new(VecDeque::new()),
                })
            }),
            in_flight: max_in_flight.map(|n| Arc::new(Semaphore::new(n))),
            max_in_flight,
        }
    }

    /// Waits for the rate window, then for a slot among the requests in
    /// flight; the slot is released when the returned value is dropped.
    pub(crate) async fn acquire(&self) -> Option<OwnedSemaphorePermit> {
        if let Some(rate) = &self.rate {
            rate.acquire().await;
        }
        match &self.in_flight {
            // The semaphore is never closed, so acquiring cannot fail.
            Some(slots) => slots.clone().acquire_owned().await.ok(),
            None => None,
        }
    }
}

impl std::fmt::Debug for Limits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Limits")
            .field("per_second", &self.rate.as_ref().map(|r| r.per_second))
            .field("max_in_flight", &self.max_in_flight)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn at_most_n_requests_start_in_any_one_second_window() {
        let limits = Limits::new(NonZeroU32::new(10), None);
        let origin = Instant::now();
        let mut starts = Vec::new();
        for _ in 0..35 {
            limits.acquire().await;
            starts.push(origin.elapsed());
        }
        for (i, start) in starts.iter().enumerate() {
            let in_window = starts[i..]
                .iter()
                .take_while(|later| **later - *start < WINDOW)
                .count();
            assert!(
                in_window <= 10,
                "{in_window} starts within 1 s of {start:?}"
            );
        }
        // And no slower than that: 35 requests take just over 3 s.
        assert!(starts[34] < Duration::from_millis(3100), "{:?}", starts[34]);
    }
}
