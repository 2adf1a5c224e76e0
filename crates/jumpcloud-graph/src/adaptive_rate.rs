//! Adaptive rate limiting: the request rate a server accepts, learned from
//! its 429s, because JumpCloud publishes no limit (about 200 requests a
//! minute per key is reported, unverified) and a long job must neither
//! hammer it nor crawl.
//!
//! One [`RateController`] per organization sent (`x-org-id`; `None` is the
//! credential's own org), shared by every clone of a client. It starts
//! unthrottled. On a 429 it paces requests at 0.7 times the rate they were
//! being sent at (measured over the last second when it was unthrottled),
//! or the rate the server accepted them at over the last second when that
//! is lower, at most once per round trip (a 429 for a request sent before the last
//! decrease says nothing new), and holds every start back until a
//! `Retry-After` has passed (at most a minute). While pacing is what holds
//! requests back, each success raises the rate by 3% of the rate before
//! the last decrease per second of traffic, so the rate climbs back over
//! about ten seconds and probes the limit again: additive increase,
//! multiplicative decrease, as TCP does with its window. Against a budget
//! refilled at a steady rate this keeps 429s to a few percent of requests
//! and the throughput within about 10% of the budget.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::time::Instant;

use crate::OrgId;

/// The factor a 429 multiplies the rate by.
const DECREASE: f64 = 0.7;
/// How much each second of paced successes adds, as a share of the rate
/// before the last decrease.
const INCREASE_PER_SECOND: f64 = 0.03;
/// The slowest pace: one request a minute.
const MIN_PER_SECOND: f64 = 1.0 / 60.0;
/// The longest a `Retry-After` holds requests back.
const MAX_PAUSE: Duration = Duration::from_secs(60);
/// The window the unthrottled sending rate is measured over.
const MEASURE: Duration = Duration::from_secs(1);
/// The shortest span a rate is computed over, so that a few requests in
/// the first milliseconds do not read as thousands a second.
const MIN_MEASURE: Duration = Duration::from_millis(100);
/// The most starts remembered for measuring.
const MAX_MEASURED: usize = 100_000;
/// The most organizations with a controller of their own; requests for
/// more share the credential's own org's.
const MAX_ORGS: usize = 4_096;

/// Locks a mutex, carrying on if a panic poisoned it: every critical
/// section here leaves the state consistent.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The controllers of one client, by organization.
#[derive(Debug)]
pub(crate) struct AdaptiveRates {
    ceiling: Option<f64>,
    by_org: Mutex<HashMap<Option<OrgId>, Arc<RateController>>>,
}

impl AdaptiveRates {
    /// Controllers that never go above `ceiling` requests a second (the
    /// client's fixed `rate_limit`, when set).
    pub(crate) fn new(ceiling: Option<f64>) -> Self {
        Self {
            ceiling,
            by_org: Mutex::new(HashMap::new()),
        }
    }

    /// The controller for requests sent with this `x-org-id`.
    pub(crate) fn controller(&self, org: Option<&OrgId>) -> Arc<RateController> {
        let mut by_org = lock(&self.by_org);
        let key = if by_org.len() >= MAX_ORGS && !by_org.contains_key(&org.cloned()) {
            None
        } else {
            org.cloned()
        };
        Arc::clone(
            by_org
                .entry(key)
                .or_insert_with(|| Arc::new(RateController::new(self.ceiling))),
        )
    }

    /// The learned rate for this organization, `None` while unthrottled.
    pub(crate) fn rate(&self, org: Option<&OrgId>) -> Option<f64> {
        let by_org = lock(&self.by_org);
        by_org
            .get(&org.cloned())
            .and_then(|controller| lock(&controller.state).rate)
    }
}

/// The pace of one organization's requests.
#[derive(Debug)]
pub(crate) struct RateController {
    ceiling: Option<f64>,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    /// Requests a second, once a 429 has been seen.
    rate: Option<f64>,
    /// The rate before the last decrease: the increase step's unit.
    before_decrease: f64,
    /// When the next paced request may start.
    next_start: Instant,
    /// No request starts before this (a `Retry-After`).
    paused_until: Option<Instant>,
    /// When the rate was last decreased.
    decreased_at: Option<Instant>,
    /// Recent starts, while unthrottled, to measure the rate by.
    starts: VecDeque<Instant>,
    /// Recent successes: the rate the server accepted.
    successes: VecDeque<Instant>,
}

/// A start granted by [`RateController::start`]: when, and whether pacing
/// held it back (only then does a success raise the rate).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Start {
    at: Instant,
    paced: bool,
}

impl RateController {
    fn new(ceiling: Option<f64>) -> Self {
        Self {
            ceiling,
            state: Mutex::new(State {
                rate: None,
                before_decrease: 0.0,
                next_start: Instant::now(),
                paused_until: None,
                decreased_at: None,
                starts: VecDeque::new(),
                successes: VecDeque::new(),
            }),
        }
    }

    /// Waits until a request may start: after any pause, and at the
    /// learned pace.
    pub(crate) async fn start(&self) -> Start {
        let mut paced = false;
        loop {
            let (wait, reserved) = {
                let mut state = lock(&self.state);
                let now = Instant::now();
                match state.paused_until {
                    Some(until) if until > now => (until - now, false),
                    _ => match state.slot(now) {
                        Duration::ZERO => return Start { at: now, paced },
                        wait => (wait, true),
                    },
                }
            };
            paced |= reserved;
            tokio::time::sleep(wait).await;
            // A slot reserved before a pause began is given up: the loop
            // waits for the pause, then reserves another.
            let now = Instant::now();
            if reserved
                && lock(&self.state)
                    .paused_until
                    .is_none_or(|until| until <= now)
            {
                return Start { at: now, paced };
            }
        }
    }

    /// A 429 for the request started at `start`, with the server's
    /// `Retry-After` if it sent one.
    pub(crate) fn rate_limited(&self, start: Start, retry_after: Option<Duration>) {
        let mut state = lock(&self.state);
        let now = Instant::now();
        if state.decreased_at.is_none_or(|at| start.at > at) {
            let sent = match state.rate {
                Some(rate) => rate,
                None => measured(&mut state.starts, now),
            };
            // What the server accepted lately is the better guess at its
            // budget, when it is lower (after a burst, it is).
            let accepted = measured(&mut state.successes, now);
            let current = if state.successes.is_empty() {
                sent
            } else {
                sent.min(accepted)
            };
            let rate = self.capped((current * DECREASE).max(MIN_PER_SECOND));
            state.before_decrease = current.max(rate);
            state.rate = Some(rate);
            state.decreased_at = Some(now);
            state.starts.clear();
            tracing::debug!(rate, "rate limited: slowing down");
        }
        if let Some(wait) = retry_after {
            let until = now + wait.min(MAX_PAUSE);
            state.paused_until = Some(state.paused_until.map_or(until, |old| old.max(until)));
        }
    }

    /// A success for the request started at `start`.
    pub(crate) fn succeeded(&self, start: Start) {
        let mut state = lock(&self.state);
        let now = Instant::now();
        remember(&mut state.successes, now);
        if !start.paced {
            return;
        }
        if let Some(rate) = state.rate {
            let raised = rate + INCREASE_PER_SECOND * state.before_decrease / rate;
            state.rate = Some(self.capped(raised));
        }
    }

    fn capped(&self, rate: f64) -> f64 {
        self.ceiling.map_or(rate, |ceiling| rate.min(ceiling))
    }
}

impl State {
    /// Reserves the next start: how long to wait for it (zero: now).
    fn slot(&mut self, now: Instant) -> Duration {
        let Some(rate) = self.rate else {
            remember(&mut self.starts, now);
            return Duration::ZERO;
        };
        let slot = self.next_start.max(now);
        let gap = Duration::try_from_secs_f64(1.0 / rate).unwrap_or(Duration::from_secs(60));
        self.next_start = slot + gap;
        slot - now
    }
}

/// Remembers an instant for [`measured`], forgetting the oldest beyond
/// [`MAX_MEASURED`].
fn remember(instants: &mut VecDeque<Instant>, now: Instant) {
    if instants.len() >= MAX_MEASURED {
        instants.pop_front();
    }
    instants.push_back(now);
}

/// Events a second over the last [`MEASURE`] (those older are forgotten).
fn measured(instants: &mut VecDeque<Instant>, now: Instant) -> f64 {
    while instants
        .front()
        .is_some_and(|at| now.saturating_duration_since(*at) > MEASURE)
    {
        instants.pop_front();
    }
    let span = instants
        .front()
        .map_or(MEASURE, |first| now.saturating_duration_since(*first))
        .clamp(MIN_MEASURE, MEASURE);
    (instants.len() as f64 / span.as_secs_f64()).max(MIN_PER_SECOND)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Starts `n` requests one after another; how long they took.
    async fn run(controller: &RateController, n: usize) -> (Duration, Vec<Start>) {
        let began = Instant::now();
        let mut starts = Vec::new();
        for _ in 0..n {
            starts.push(controller.start().await);
        }
        (began.elapsed(), starts)
    }

    #[tokio::test(start_paused = true)]
    async fn unthrottled_until_a_429_then_slower_then_faster_again() {
        let controller = RateController::new(None);
        let (took, starts) = run(&controller, 100).await;
        assert_eq!(took, Duration::ZERO, "no pacing before a 429");
        // 100 requests in (at least) 100 ms: 1,000 a second measured.
        controller.rate_limited(starts[99], None);
        let slowed = lock(&controller.state).rate.unwrap_or_default();
        assert!((699.0..=701.0).contains(&slowed), "{slowed}");
        // A 429 for a request sent before the decrease changes nothing.
        controller.rate_limited(starts[50], None);
        assert_eq!(lock(&controller.state).rate, Some(slowed));
        // Paced successes raise it again.
        let (took, starts) = run(&controller, 700).await;
        assert!(took >= Duration::from_millis(900), "{took:?}");
        for start in starts {
            controller.succeeded(start);
        }
        let raised = lock(&controller.state).rate.unwrap_or_default();
        assert!(raised > slowed * 1.02, "{slowed} -> {raised}");
    }

    #[tokio::test(start_paused = true)]
    async fn retry_after_holds_every_start_back_up_to_a_minute() {
        let controller = RateController::new(None);
        let (_, starts) = run(&controller, 1).await;
        controller.rate_limited(starts[0], Some(Duration::from_secs(5)));
        let began = Instant::now();
        controller.start().await;
        assert_eq!(began.elapsed(), Duration::from_secs(5));
        controller.rate_limited(starts[0], Some(Duration::from_secs(86_400)));
        let began = Instant::now();
        controller.start().await;
        assert_eq!(began.elapsed(), MAX_PAUSE);
    }

    #[tokio::test(start_paused = true)]
    async fn the_rate_stays_within_the_ceiling_and_above_the_floor() {
        let controller = RateController::new(Some(2.0));
        let (_, starts) = run(&controller, 50).await;
        controller.rate_limited(starts[49], None);
        assert_eq!(lock(&controller.state).rate, Some(2.0));
        for _ in 0..40 {
            let (_, starts) = run(&controller, 1).await;
            controller.rate_limited(starts[0], None);
        }
        assert_eq!(lock(&controller.state).rate, Some(MIN_PER_SECOND));
    }

    #[test]
    fn organizations_have_controllers_of_their_own() {
        let rates = AdaptiveRates::new(None);
        let org = OrgId::parse("5e3b7a1c9d2f4a0011223344").ok();
        let mine = rates.controller(None);
        let theirs = rates.controller(org.as_ref());
        assert!(!Arc::ptr_eq(&mine, &theirs));
        assert!(Arc::ptr_eq(&theirs, &rates.controller(org.as_ref())));
    }
}
