//! The state a running sandbox shares between its connections and its
//! handle: the live graph, the issued tokens, the fault plan and latency,
//! the request log and stats (with the in-flight and connection counters),
//! and the email outbox.

use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde::Serialize;
use tokio::sync::watch;

use crate::faults::{Fault, FaultPlan, FaultState};
use crate::live::LiveGraph;
use crate::tokens::TokenStore;

/// Locks a mutex, carrying on if a panicking thread poisoned it: every
/// critical section leaves the data consistent, so the data is still good.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Counters since the sandbox started (or since
/// [`Sandbox::reset_stats`](crate::Sandbox::reset_stats)).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Stats {
    /// API and token requests received (admin requests are not counted).
    pub requests_total: u64,
    /// Requests being answered now.
    pub in_flight: usize,
    /// The most requests that were being answered at once.
    pub max_in_flight: usize,
    /// Requests that got a fault.
    pub faults_injected: u64,
    /// Requests per fault, keyed by the fault's text (e.g. `"429"`,
    /// `"reset"`, `"429,retry-after=2"`).
    pub by_fault: BTreeMap<String, u64>,
    /// Tokens issued at `POST /oauth2/token`.
    pub tokens_issued: u64,
    /// Requests answered 429 by the per-key rate limit
    /// ([`SandboxBuilder::rate_limit_per_key`](crate::SandboxBuilder::rate_limit_per_key));
    /// injected 429s are counted in `by_fault` instead.
    pub rate_limited: u64,
    /// TCP connections open now.
    pub connections_open: usize,
    /// The most connections that were open at once (never more than
    /// [`SandboxBuilder::max_connections`](crate::SandboxBuilder::max_connections)).
    pub max_connections_open: usize,
    /// Connections closed because a request's head did not arrive within
    /// [`SandboxBuilder::header_read_timeout`](crate::SandboxBuilder::header_read_timeout).
    pub header_read_timeouts: u64,
    /// Connections closed without an answer to give their slot to a new
    /// connection, when every slot was taken: each had waited longest for
    /// a request (see
    /// [`SandboxBuilder::max_connections`](crate::SandboxBuilder::max_connections)).
    pub connections_evicted: u64,
}

/// The kind of credential a request carried (never the credential itself).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CredentialKind {
    /// An `x-api-key` header.
    ApiKey,
    /// `Authorization: Bearer ...`, a service account's token.
    Bearer,
    /// `Authorization: Basic ...`, a service account's id and secret (the
    /// token route).
    Basic,
}

/// One request as the sandbox received it: an API request or a token
/// request. Credentials, tokens and bodies are never recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// The request's number in arrival order, from 1, over the sandbox's life.
    pub number: u64,
    /// The HTTP method.
    pub method: String,
    /// The path, e.g. `/api/v2/users/651000000000000000000001/systems`.
    pub path: String,
    /// The raw query string, if any.
    pub query: Option<String>,
    /// The `x-org-id` header, if sent.
    pub x_org_id: Option<String>,
    /// The kind of credential sent, if any (`x-api-key` wins when several
    /// are).
    pub credential: Option<CredentialKind>,
    /// The status answered; `None` while in flight or when the connection
    /// was dropped instead.
    pub status: Option<u16>,
    /// The injected fault's text, if any.
    pub fault: Option<String>,
}

/// An email the sandbox "sent" (`POST /users/{id}/emails`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SentEmail {
    /// The org of the user.
    pub org_id: String,
    /// The user the email went to.
    pub user_id: String,
    /// The `emailType` (only `activation` exists).
    pub email_type: String,
}

/// How many requests the log keeps: the oldest go first, so that a
/// long-running sandbox under load does not grow without bound.
pub(crate) const MAX_RECORDED: usize = 100_000;

#[derive(Default)]
struct Log {
    next_number: u64,
    /// The number of `requests[0]`, so that a finishing request finds its
    /// record even after [`Shared::reset_stats`] cleared older ones.
    first_number: u64,
    /// The most recent [`MAX_RECORDED`] requests.
    requests: VecDeque<RecordedRequest>,
    requests_total: u64,
    faults_injected: u64,
    by_fault: BTreeMap<String, u64>,
    tokens_issued: u64,
    rate_limited: u64,
    header_read_timeouts: u64,
    connections_evicted: u64,
}

pub(crate) struct Shared {
    pub(crate) live: Mutex<LiveGraph>,
    pub(crate) tokens: Mutex<TokenStore>,
    faults: Mutex<FaultState>,
    latency: Mutex<Duration>,
    log: Mutex<Log>,
    outbox: Mutex<Vec<SentEmail>>,
    in_flight: watch::Sender<usize>,
    max_in_flight: AtomicUsize,
    connections: watch::Sender<usize>,
    max_connections: AtomicUsize,
    holds: watch::Sender<usize>,
    pub(crate) shutdown: watch::Sender<bool>,
}

/// Counts a connection as open until dropped.
pub(crate) struct OpenConnection {
    shared: Arc<Shared>,
}

impl Drop for OpenConnection {
    fn drop(&mut self) {
        self.shared
            .connections
            .send_modify(|n| *n = n.saturating_sub(1));
    }
}

/// What the sandbox decided when a request arrived.
pub(crate) struct Arrival {
    pub(crate) number: u64,
    pub(crate) fault: Option<Fault>,
    pub(crate) latency: Duration,
    pub(crate) guard: InFlight,
}

/// Counts a request as in flight until dropped (when its response body is
/// finished or abandoned, or its connection dropped).
pub(crate) struct InFlight {
    shared: Arc<Shared>,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.shared
            .in_flight
            .send_modify(|n| *n = n.saturating_sub(1));
    }
}

/// The request line a fault decision and the log need.
pub(crate) struct RequestLine<'a> {
    pub(crate) method: &'a str,
    pub(crate) path: &'a str,
    pub(crate) query: Option<&'a str>,
    pub(crate) x_org_id: Option<&'a str>,
    pub(crate) credential: Option<CredentialKind>,
}

impl Shared {
    pub(crate) fn new(
        live: LiveGraph,
        tokens: TokenStore,
        latency: Duration,
        faults: FaultPlan,
    ) -> Arc<Shared> {
        Arc::new(Shared {
            live: Mutex::new(live),
            tokens: Mutex::new(tokens),
            faults: Mutex::new(FaultState::new(faults)),
            latency: Mutex::new(latency),
            log: Mutex::new(Log {
                next_number: 1,
                first_number: 1,
                ..Log::default()
            }),
            outbox: Mutex::new(Vec::new()),
            in_flight: watch::Sender::new(0),
            max_in_flight: AtomicUsize::new(0),
            connections: watch::Sender::new(0),
            max_connections: AtomicUsize::new(0),
            holds: watch::Sender::new(0),
            shutdown: watch::Sender::new(false),
        })
    }

    /// Numbers, logs and counts an arriving request and decides its fault,
    /// all under one lock so that numbers and decisions follow arrival order.
    pub(crate) fn arrive(self: &Arc<Self>, line: &RequestLine<'_>) -> Arrival {
        let mut log = lock(&self.log);
        let number = log.next_number;
        log.next_number += 1;
        log.requests_total += 1;
        let fault = lock(&self.faults).decide(line.method, line.path);
        let fault_name = fault.as_ref().map(Fault::to_string);
        if let Some(name) = &fault_name {
            log.faults_injected += 1;
            *log.by_fault.entry(name.clone()).or_default() += 1;
        }
        if log.requests.len() >= MAX_RECORDED {
            log.requests.pop_front();
            log.first_number += 1;
        }
        log.requests.push_back(RecordedRequest {
            number,
            method: line.method.to_owned(),
            path: line.path.to_owned(),
            query: line.query.map(str::to_owned),
            x_org_id: line.x_org_id.map(str::to_owned),
            credential: line.credential,
            status: None,
            fault: fault_name,
        });
        drop(log);

        let mut now = 0;
        self.in_flight.send_modify(|n| {
            *n += 1;
            now = *n;
        });
        self.max_in_flight.fetch_max(now, Ordering::SeqCst);
        Arrival {
            number,
            fault,
            latency: *lock(&self.latency),
            guard: InFlight {
                shared: Arc::clone(self),
            },
        }
    }

    /// Records the status a request was answered with.
    pub(crate) fn finish(&self, number: u64, status: Option<u16>) {
        let mut log = lock(&self.log);
        if let Some(index) = number.checked_sub(log.first_number)
            && let Some(record) = log.requests.get_mut(index as usize)
        {
            record.status = status;
        }
    }

    pub(crate) fn set_faults(&self, plan: FaultPlan) {
        *lock(&self.faults) = FaultState::new(plan);
    }

    pub(crate) fn set_latency(&self, latency: Duration) {
        *lock(&self.latency) = latency;
    }

    pub(crate) fn stats(&self) -> Stats {
        let log = lock(&self.log);
        Stats {
            requests_total: log.requests_total,
            in_flight: *self.in_flight.borrow(),
            max_in_flight: self.max_in_flight.load(Ordering::SeqCst),
            faults_injected: log.faults_injected,
            by_fault: log.by_fault.clone(),
            tokens_issued: log.tokens_issued,
            rate_limited: log.rate_limited,
            connections_open: *self.connections.borrow(),
            max_connections_open: self.max_connections.load(Ordering::SeqCst),
            header_read_timeouts: log.header_read_timeouts,
            connections_evicted: log.connections_evicted,
        }
    }

    pub(crate) fn reset_stats(&self) {
        let mut log = lock(&self.log);
        log.requests_total = 0;
        log.faults_injected = 0;
        log.by_fault.clear();
        log.requests.clear();
        log.tokens_issued = 0;
        log.rate_limited = 0;
        log.header_read_timeouts = 0;
        log.connections_evicted = 0;
        log.first_number = log.next_number;
        self.max_in_flight
            .store(*self.in_flight.borrow(), Ordering::SeqCst);
        self.max_connections
            .store(*self.connections.borrow(), Ordering::SeqCst);
    }

    /// Ends the lifetime of every token issued so far.
    pub(crate) fn expire_tokens(&self) {
        lock(&self.tokens).expire_all(tokio::time::Instant::now());
    }

    /// Revokes every token issued so far.
    pub(crate) fn revoke_tokens(&self) {
        lock(&self.tokens).revoke_all();
    }

    /// Counts a token issued.
    pub(crate) fn token_issued(&self) {
        lock(&self.log).tokens_issued += 1;
    }

    /// Counts a request refused by the per-key rate limit.
    pub(crate) fn rate_limited(&self) {
        lock(&self.log).rate_limited += 1;
    }

    /// Counts a connection closed for a slow request head.
    pub(crate) fn header_read_timed_out(&self) {
        lock(&self.log).header_read_timeouts += 1;
    }

    /// Counts a connection closed to give its slot to a new one.
    pub(crate) fn connection_evicted(&self) {
        lock(&self.log).connections_evicted += 1;
    }

    /// Counts a connection as open until the returned value is dropped.
    pub(crate) fn open_connection(self: &Arc<Self>) -> OpenConnection {
        let mut now = 0;
        self.connections.send_modify(|n| {
            *n += 1;
            now = *n;
        });
        self.max_connections.fetch_max(now, Ordering::SeqCst);
        OpenConnection {
            shared: Arc::clone(self),
        }
    }

    pub(crate) fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.log).requests.iter().cloned().collect()
    }

    pub(crate) fn send_email(&self, email: SentEmail) {
        lock(&self.outbox).push(email);
    }

    pub(crate) fn outbox(&self) -> Vec<SentEmail> {
        lock(&self.outbox).clone()
    }

    /// Resolves once at least `n` requests are in flight.
    pub(crate) async fn wait_for_in_flight(&self, n: usize) {
        let mut receiver = self.in_flight.subscribe();
        // The sender lives as long as `self`, so this cannot fail.
        let _ = receiver.wait_for(|current| *current >= n).await;
    }

    /// Starts holding responses; see [`ResponseHold`].
    pub(crate) fn hold(self: &Arc<Self>) -> ResponseHold {
        self.holds.send_modify(|n| *n += 1);
        ResponseHold {
            shared: Arc::clone(self),
        }
    }

    /// Waits while any [`ResponseHold`] exists.
    pub(crate) async fn wait_while_held(&self) {
        let mut receiver = self.holds.subscribe();
        let _ = receiver.wait_for(|holds| *holds == 0).await;
    }

    /// Resolves when the sandbox is shutting down.
    pub(crate) async fn shutting_down(&self) {
        let mut receiver = self.shutdown.subscribe();
        let _ = receiver.wait_for(|stopping| *stopping).await;
    }
}

/// While this value exists, requests that arrive wait (counted as in flight)
/// before they are answered; dropping it lets them all go. With
/// [`Sandbox::wait_for_in_flight`](crate::Sandbox::wait_for_in_flight) this
/// lets a test line up concurrent requests without sleeping.
#[must_use = "requests are only held while the ResponseHold exists"]
pub struct ResponseHold {
    shared: Arc<Shared>,
}

impl Drop for ResponseHold {
    fn drop(&mut self) {
        self.shared.holds.send_modify(|n| *n = n.saturating_sub(1));
    }
}

impl std::fmt::Debug for ResponseHold {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ResponseHold")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::Fixture;

    #[test]
    fn the_request_log_keeps_the_latest_requests() {
        let shared = Shared::new(
            LiveGraph::new(Fixture::demo(), true),
            TokenStore::new(Duration::from_secs(60)),
            Duration::ZERO,
            FaultPlan::new(),
        );
        let line = RequestLine {
            method: "GET",
            path: "/api/v2/users",
            query: None,
            x_org_id: None,
            credential: None,
        };
        let mut last = 0;
        for _ in 0..MAX_RECORDED + 5 {
            last = shared.arrive(&line).number;
        }
        shared.finish(last, Some(200));
        let requests = shared.requests();
        assert_eq!(requests.len(), MAX_RECORDED);
        assert_eq!(requests[0].number, 6);
        assert_eq!(
            requests.last().map(|r| (r.number, r.status)),
            Some((last, Some(200)))
        );
        assert_eq!(shared.stats().requests_total, (MAX_RECORDED + 5) as u64);
    }
}
