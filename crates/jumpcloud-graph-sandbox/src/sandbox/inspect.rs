//! Inspecting a running sandbox: its counters, request log, outbox, and
//! the live edges as the API's writes left them.

use super::Sandbox;
use crate::fixture::Fixture;
use crate::model::{Org, OrgEdge};
use crate::state::{self, RecordedRequest, SentEmail, Stats};

impl Sandbox {
    /// Request, fault, token and connection counters.
    pub fn stats(&self) -> Stats {
        self.shared.stats()
    }

    /// Zeroes the counters and forgets the request log; `max_in_flight`
    /// and `max_connections_open` restart from the current values.
    pub fn reset_stats(&self) {
        self.shared.reset_stats();
    }

    /// Every API and token request since the start (or the last
    /// [`Sandbox::reset_stats`]), in arrival order; at most the latest
    /// 100,000. Credentials, tokens and bodies are never recorded;
    /// [`RecordedRequest::credential`] says which kind was sent.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.requests()
    }

    /// The emails sent with `POST /users/{id}/emails`, in order.
    pub fn outbox(&self) -> Vec<SentEmail> {
        self.shared.outbox()
    }

    /// The live edges of an org (by handle or id), including writes made
    /// through the API; empty for an unknown org.
    pub fn edges(&self, org: &str) -> Vec<OrgEdge> {
        state::lock(&self.shared.live)
            .fixture()
            .org(org)
            .map(Org::edges)
            .unwrap_or_default()
    }

    /// The orgs, keys and service accounts as the API's writes left them
    /// (every write, including those that association lag still hides from
    /// traversals): a fixture to save with [`Fixture::to_yaml`] and serve
    /// again later, so that a sandbox's state outlives it.
    pub fn live_fixture(&self) -> Fixture {
        state::lock(&self.shared.live).fixture().clone()
    }

    /// The live edges that start at one object (a user's memberships and
    /// direct bindings), by org and object handle or id.
    pub fn edges_from(&self, org: &str, object: &str) -> Vec<OrgEdge> {
        state::lock(&self.shared.live)
            .fixture()
            .org(org)
            .map(|org| org.edges_from(object))
            .unwrap_or_default()
    }
}
