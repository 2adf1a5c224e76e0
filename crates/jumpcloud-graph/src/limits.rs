//! Client-side limits on request rate and on requests in flight, shared by
//! every clone of a client, and the counters [`ClientStats`] reports.
//!
//! Three limits apply, in this order: the adaptive rate (learned from 429s,
//! `adaptive_rate.rs`), the fixed rate limit, and the requests in flight.
//!
//! The rate limit is a sliding window: **at most n requests start in any
//! one-second window**, which is what "n requests per second" means to a
//! reader (a token bucket with a burst of n lets 2n through in the first
//! second). A request waits for its place in the window first and only then
//! for a slot among the requests in flight, so slots never sit idle behind
//! a rate wait.

use std::collections::VecDeque;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

use crate::OrgId;
use crate::adaptive_rate::{AdaptiveRates, RateController, Start};

/// The limits one client (and its clones) observes.
#[derive(Clone, Default)]
pub(crate) struct Limits {
    rate: Option<Arc<RateWindow>>,
    in_flight: Option<Arc<Semaphore>>,
    max_in_flight: Option<usize>,
    adaptive: Option<Arc<AdaptiveRates>>,
    counters: Arc<Counters>,
}

/// What has been sent, for [`ClientStats`].
#[derive(Debug, Default)]
struct Counters {
    requests: AtomicU64,
    rate_limited: AtomicU64,
}

/// Which requests a permit is for: the API (in one organization, as sent
/// in `x-org-id`), or a service account's token endpoint, whose 429s say
/// nothing about the API's budget.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Lane<'a> {
    /// The API, with this `x-org-id` (or none).
    Api(Option<&'a OrgId>),
    /// The token endpoint.
    Token,
}

/// A request's place within the limits: its slot among the requests in
/// flight (released when this is dropped) and its start under the adaptive
/// rate, which [`Limits::answered`] reports back to.
pub(crate) struct Permit {
    _slot: Option<OwnedSemaphorePermit>,
    adaptive: Option<(Arc<RateController>, Start)>,
}

/// What a client (and its clones) has sent so far, and the rate it has
/// learned; from [`Client::stats`](crate::Client::stats).
///
/// ```no_run
/// # async fn demo(client: jumpcloud_graph::Client) {
/// let stats = client.stats();
/// println!(
///     "{} requests, {} answered 429, pace {}",
///     stats.requests,
///     stats.rate_limited,
///     stats.adaptive_rate.map_or("unthrottled".into(), |r| format!("{r:.1}/s"))
/// );
/// # }
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct ClientStats {
    /// Requests sent: every attempt, retries and a service account's token
    /// requests included.
    pub requests: u64,
    /// Answers with status 429 (Too Many Requests), token endpoint included.
    pub rate_limited: u64,
    /// The pace, in requests a second, that adaptive rate limiting holds
    /// requests to the client's default organization to (see
    /// [`ClientBuilder::adaptive_rate`](crate::ClientBuilder::adaptive_rate));
    /// `None` while no 429 has been seen, or when it is off.
    pub adaptive_rate: Option<f64>,
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
    pub(crate) fn new(
        per_second: Option<NonZeroU32>,
        max_in_flight: Option<usize>,
        adaptive: bool,
    ) -> Self {
        let ceiling = per_second.map(|n| f64::from(n.get()));
        Self {
            rate: per_second.map(|per_second| {
                Arc::new(RateWindow {
                    per_second,
                    starts: Mutex::new(VecDeque::new()),
                })
            }),
            in_flight: max_in_flight.map(|n| Arc::new(Semaphore::new(n))),
            max_in_flight,
            adaptive: adaptive.then(|| Arc::new(AdaptiveRates::new(ceiling))),
            counters: Arc::default(),
        }
    }

    /// Waits for the adaptive rate (API requests), then the rate window,
    /// then a slot among the requests in flight, and counts the request;
    /// the slot is released when the returned value is dropped.
    pub(crate) async fn acquire(&self, lane: Lane<'_>) -> Permit {
        let adaptive = match (&self.adaptive, lane) {
            (Some(rates), Lane::Api(org)) => {
                let controller = rates.controller(org);
                let start = controller.start().await;
                Some((controller, start))
            }
            _ => None,
        };
        if let Some(rate) = &self.rate {
            rate.acquire().await;
        }
        let slot = match &self.in_flight {
            // The semaphore is never closed, so acquiring cannot fail.
            Some(slots) => slots.clone().acquire_owned().await.ok(),
            None => None,
        };
        self.counters.requests.fetch_add(1, Ordering::Relaxed);
        Permit {
            _slot: slot,
            adaptive,
        }
    }

    /// Reports how the request of `permit` was answered: its status (none
    /// for a transport failure or a timeout) and `Retry-After`.
    pub(crate) fn answered(
        &self,
        permit: &Permit,
        status: Option<u16>,
        retry_after: Option<Duration>,
    ) {
        if status == Some(429) {
            self.counters.rate_limited.fetch_add(1, Ordering::Relaxed);
        }
        let Some((controller, start)) = &permit.adaptive else {
            return;
        };
        match status {
            Some(429) => controller.rate_limited(*start, retry_after),
            Some(status) if (200..300).contains(&status) => controller.succeeded(*start),
            _ => {}
        }
    }

    /// The counters, and the learned rate for `org`.
    pub(crate) fn stats(&self, org: Option<&OrgId>) -> ClientStats {
        ClientStats {
            requests: self.counters.requests.load(Ordering::Relaxed),
            rate_limited: self.counters.rate_limited.load(Ordering::Relaxed),
            adaptive_rate: self.adaptive.as_ref().and_then(|rates| rates.rate(org)),
        }
    }
}

impl std::fmt::Debug for Limits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Limits")
            .field("per_second", &self.rate.as_ref().map(|r| r.per_second))
            .field("max_in_flight", &self.max_in_flight)
            .field("adaptive", &self.adaptive.is_some())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn at_most_n_requests_start_in_any_one_second_window() {
        let limits = Limits::new(NonZeroU32::new(10), None, true);
        let origin = Instant::now();
        let mut starts = Vec::new();
        for _ in 0..35 {
            limits.acquire(Lane::Token).await;
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
