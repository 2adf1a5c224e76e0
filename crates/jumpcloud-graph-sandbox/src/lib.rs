//! An in-memory JumpCloud organisation that serves JumpCloud's v2 user-graph
//! API over real HTTP, on loopback: for tests (the way wiremock is used, but
//! with a real graph behind it), for demos, and as the quickstart's default.
//!
//! # A guided tour
//!
//! ## Start a sandbox and call it
//!
//! [`Sandbox::start`] binds `127.0.0.1` on a port the OS chooses and serves
//! until the [`Sandbox`] is dropped. Any HTTP client works; send the key in
//! `x-api-key`, as with JumpCloud.
//!
//! ```
//! use jumpcloud_graph_sandbox::{Fixture, Sandbox};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let sandbox = Sandbox::start(Fixture::demo()).await;
//! let ada = sandbox.fixture()["acme"].id_of("ada");
//!
//! let response = reqwest::Client::new()
//!     .get(format!("{}/users/{ada}/systems?limit=100", sandbox.base_url()))
//!     .header("x-api-key", sandbox.api_key())
//!     .send()
//!     .await?;
//! assert_eq!(response.headers()["x-total-count"], "6");
//! let systems: serde_json::Value = response.json().await?;
//! assert_eq!(systems[3]["paths"].as_array().map(Vec::len), Some(3)); // web-01
//! # Ok(())
//! # }
//! ```
//!
//! ## The demo org
//!
//! [`Fixture::demo`] is `fixtures/demo-org.yaml`, embedded. Acme Robotics has
//! five people (`ada`, `grace`, `linus`, `katherine`, and `ken`, who is not
//! activated yet), four user groups, six machines, two applications, one
//! directory of each kind and an office Wi-Fi RADIUS server. Ada reaches
//! `web-01` three ways: directly (sudo with a password), through Ops
//! (passwordless sudo) and through Engineering's binding to the
//! "Production servers" system group. A second org, Globex, and the
//! multi-tenant key `jc-sandbox-msp-admin` show `x-org-id` handling. Keys:
//! `jc-sandbox-acme-admin` (what [`Sandbox::api_key`] returns),
//! `jc-sandbox-globex-admin`, `jc-sandbox-msp-admin`.
//!
//! Your own fixtures are YAML in the same format ([`Fixture::from_yaml_str`],
//! [`Fixture::from_path`]); large orgs come from the deterministic generator
//! ([`Fixture::generated`] with a [`GeneratorConfig`]).
//!
//! ## What the sandbox serves
//!
//! All twelve operations of `openapi/jumpcloud-user-graph.yaml`, under
//! `/api/v2`, with the fragment's JSON shapes:
//!
//! * the eight traversals (`/users/{id}/systems`, `/systemgroups`,
//!   `/applications`, `/directories`, `/gsuites`, `/office365s`,
//!   `/ldapservers`, `/radiusservers`) list every object the user reaches,
//!   with **every** path that grants it (user → object, user → user group →
//!   object, user → system group ∋ system, user → user group → system group ∋
//!   system) and `compiledAttributes` merged over the paths: a direct binding
//!   supersedes a user group's, as JumpCloud documents (the full rule is on
//!   the crate's `graph::compile_attributes`, summarised below);
//! * `memberof` lists the user's groups (with `filter` and `sort`);
//!   `associations` lists and changes direct edges only; `emails` records
//!   activation emails in an outbox ([`Sandbox::outbox`]).
//!
//! Lists are ordered by id, take `limit` (1 to 100, default 10) and `skip`,
//! carry `x-total-count`, and take `filter=<field>:<op>:<value>` (repeated
//! filters are AND-ed; ops `eq ne gt ge lt le search in`). Errors are
//! JumpCloud's: 400 for `limit` above 100 (`"Bad Request: request parameter
//! \"limit\" exceeds maximum value of 100"`), a malformed ObjectID, a bad
//! filter or body; 401 `{"error":"Unauthorized","message":"Unauthorized: api
//! key user not found"}` for a missing or wrong key, and `"Unauthorized: no
//! organization selected"` for a multi-tenant key without `x-org-id`; 404 for
//! an unknown user, target, edge or org; 409 for adding an existing edge.
//!
//! `compiledAttributes`, in short: each path's attributes are its edges'
//! (nearest the object wins); for each key, the path of highest precedence
//! that has it decides (direct, then user → system group, then user group →
//! object, then user group → system group); among equals, `sudo` is the most
//! permissive and other keys come from the first path.
//!
//! ## Faults and latency
//!
//! A [`FaultPlan`] makes chosen requests fail in chosen ways, deterministically:
//! statuses (408, 429 with or without `Retry-After`, 5xx), dropped or reset
//! connections, HTML gateway pages, empty or non-JSON 200s, truncated or
//! stalled bodies, short pages, and lost responses to applied writes.
//!
//! ```
//! use jumpcloud_graph_sandbox::{Fault, FaultRule, RetryAfter, Sandbox};
//! use std::time::Duration;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let sandbox = Sandbox::builder()
//!     .latency(Duration::from_millis(5))
//!     .faults(FaultRule::every_nth(3, Fault::status(429).retry_after(RetryAfter::Seconds(1))))
//!     .start()
//!     .await?;
//! // ... exercise a client ...
//! sandbox.clear_faults();
//! assert_eq!(sandbox.stats().faults_injected, 0);
//! # Ok(())
//! # }
//! ```
//!
//! [`Sandbox::stats`] counts requests, faults and the most requests in flight
//! at once (to test concurrency limits); [`Sandbox::requests`] logs each
//! request (never its key); [`Sandbox::hold_responses`] and
//! [`Sandbox::wait_for_in_flight`] line up concurrent requests without sleeps.
//!
//! ## The standalone binary
//!
//! `cargo run -p jumpcloud-graph-sandbox -- --port 8080` serves the demo org
//! and prints the base URL, the keys and a `curl` line; `--org FILE`,
//! `--generate-users N`, `--latency-ms`, `--fault '429,every=3,retry-after=2'`
//! and `--seed` configure it (see `--help`). A running sandbox is driven from
//! outside through `/__sandbox/stats`, `/__sandbox/requests`,
//! `/__sandbox/outbox`, `/__sandbox/edges?org=...`, `PUT /__sandbox/faults`
//! (one rule per line) and `PUT /__sandbox/latency` (milliseconds).

mod errors;
mod faults;
mod fixture;
mod generate;
mod graph;
mod model;
mod query;
mod server;
mod state;
mod wire;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub use crate::faults::{Fault, FaultPlan, FaultRule, FaultSpecError, RetryAfter, Trigger};
pub use crate::fixture::{Fixture, FixtureError};
pub use crate::generate::GeneratorConfig;
pub use crate::model::{
    ApiKey, Attributes, Edge, EdgeRole, KeyScope, Kind, Object, ObjectRef, Org, UnknownKind,
    is_object_id,
};
pub use crate::state::{RecordedRequest, ResponseHold, SentEmail, Stats};

use crate::state::Shared;

/// A running sandbox: an HTTP server on loopback serving a copy of a
/// [`Fixture`], plus the handles a test needs to steer and inspect it.
///
/// Dropping it stops the server (open connections are cut);
/// [`Sandbox::shutdown`] stops it gracefully.
pub struct Sandbox {
    shared: Arc<Shared>,
    addr: SocketAddr,
    fixture: Fixture,
    server: Option<JoinHandle<()>>,
}

impl Sandbox {
    /// Starts a sandbox serving `fixture` on `127.0.0.1` and a port the OS
    /// chooses, with no latency and no faults.
    ///
    /// Must be called within a Tokio runtime, which will run the server.
    ///
    /// # Panics
    ///
    /// Only if loopback cannot be bound (no free port, or no network stack);
    /// use [`Sandbox::try_start`] to get that as an error.
    pub async fn start(fixture: impl Into<Fixture>) -> Sandbox {
        match Sandbox::try_start(fixture).await {
            Ok(sandbox) => sandbox,
            Err(error) => panic!("the JumpCloud sandbox could not start: {error}"),
        }
    }

    /// Starts a sandbox like [`Sandbox::start`], returning binding failures.
    ///
    /// # Errors
    ///
    /// [`StartError`] when loopback cannot be bound.
    pub async fn try_start(fixture: impl Into<Fixture>) -> Result<Sandbox, StartError> {
        Sandbox::builder().fixture(fixture).start().await
    }

    /// A builder for a sandbox with a chosen port, latency or faults.
    pub fn builder() -> SandboxBuilder {
        SandboxBuilder::default()
    }

    /// The API's base URL, e.g. `http://127.0.0.1:53211/api/v2`, to use where
    /// `https://console.jumpcloud.com/api/v2` would go.
    pub fn base_url(&self) -> String {
        format!("{}{}", self.root_url(), server::API_PREFIX)
    }

    /// The server's root URL, e.g. `http://127.0.0.1:53211`; the admin
    /// endpoints live under `/__sandbox` there.
    pub fn root_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The key to send as `x-api-key`: the first org's single-tenant admin key
    /// (the demo's `jc-sandbox-acme-admin`), or the fixture's first key if
    /// that org has none.
    pub fn api_key(&self) -> &str {
        self.fixture.default_key()
    }

    /// A [`jumpcloud_graph::Client`] for this sandbox, with
    /// [`api_key`](Self::api_key) and the client's defaults.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), jumpcloud_graph::Error> {
    /// use jumpcloud_graph_sandbox::{Fixture, Sandbox};
    ///
    /// let sandbox = Sandbox::start(Fixture::demo()).await;
    /// let ada = sandbox.client().user(sandbox.fixture()["acme"].id_of("ada"))?;
    /// let systems = ada.systems().try_collect().await?;
    /// assert_eq!(systems.len(), 6);
    /// # Ok(())
    /// # }
    /// ```
    pub fn client(&self) -> jumpcloud_graph::Client {
        self.client_with(|builder| builder)
    }

    /// A client for this sandbox, configured further by `configure` (an
    /// organization, another key, retries, limits, timeouts).
    ///
    /// # Panics
    ///
    /// If `configure` makes the configuration invalid (an empty key, a
    /// zero timeout); the sandbox's own URL and key are always valid.
    pub fn client_with(
        &self,
        configure: impl FnOnce(jumpcloud_graph::ClientBuilder) -> jumpcloud_graph::ClientBuilder,
    ) -> jumpcloud_graph::Client {
        let builder = jumpcloud_graph::Client::builder()
            .api_key(self.api_key())
            .base_url(self.base_url());
        match configure(builder).build() {
            Ok(client) => client,
            Err(error) => panic!("invalid sandbox client configuration: {error}"),
        }
    }

    /// The fixture the sandbox started with: org, object and key ids for
    /// tests. Writes made through the API are not reflected here; see
    /// [`Sandbox::edges`].
    pub fn fixture(&self) -> &Fixture {
        &self.fixture
    }

    /// Replaces the fault plan; its rules start counting requests from 1.
    pub fn set_faults(&self, plan: impl Into<FaultPlan>) {
        self.shared.set_faults(plan.into());
    }

    /// Removes every fault.
    pub fn clear_faults(&self) {
        self.shared.set_faults(FaultPlan::new());
    }

    /// Sets the delay before every API request is answered (0 for none).
    pub fn set_latency(&self, latency: Duration) {
        self.shared.set_latency(latency);
    }

    /// Request, fault and concurrency counters.
    pub fn stats(&self) -> Stats {
        self.shared.stats()
    }

    /// Zeroes the counters and forgets the request log; `max_in_flight`
    /// restarts from the requests in flight now.
    pub fn reset_stats(&self) {
        self.shared.reset_stats();
    }

    /// Every API request since the start (or the last
    /// [`Sandbox::reset_stats`]), in arrival order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.requests()
    }

    /// The emails sent with `POST /users/{id}/emails`, in order.
    pub fn outbox(&self) -> Vec<SentEmail> {
        self.shared.outbox()
    }

    /// The live edges of an org (by handle or id), including writes made
    /// through the API; empty for an unknown org.
    pub fn edges(&self, org: &str) -> Vec<Edge> {
        state::lock(&self.shared.graph)
            .org(org)
            .map(Org::edges)
            .unwrap_or_default()
    }

    /// The live edges that start at one object (a user's memberships and
    /// direct bindings), by org and object handle or id.
    pub fn edges_from(&self, org: &str, object: &str) -> Vec<Edge> {
        state::lock(&self.shared.graph)
            .org(org)
            .map(|org| org.edges_from(object))
            .unwrap_or_default()
    }

    /// Holds every API request that arrives (counted as in flight) until the
    /// returned value is dropped.
    pub fn hold_responses(&self) -> ResponseHold {
        self.shared.hold()
    }

    /// Resolves once at least `n` API requests are in flight.
    pub async fn wait_for_in_flight(&self, n: usize) {
        self.shared.wait_for_in_flight(n).await;
    }

    /// Stops accepting connections and gives open ones a moment to finish.
    pub async fn shutdown(mut self) {
        self.shared.shutdown.send_replace(true);
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.shared.shutdown.send_replace(true);
        if let Some(server) = self.server.take() {
            server.abort();
        }
    }
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox")
            .field("base_url", &self.base_url())
            .finish_non_exhaustive()
    }
}

/// Configures a [`Sandbox`] before it starts. Every setting has a default:
/// the demo fixture, `127.0.0.1`, an OS-chosen port, no latency, no faults.
#[derive(Debug, Default)]
pub struct SandboxBuilder {
    fixture: Option<Fixture>,
    ip: Option<IpAddr>,
    port: u16,
    latency: Duration,
    faults: FaultPlan,
}

impl SandboxBuilder {
    /// The orgs and keys to serve (default: [`Fixture::demo`]).
    pub fn fixture(mut self, fixture: impl Into<Fixture>) -> Self {
        self.fixture = Some(fixture.into());
        self
    }

    /// The port to listen on (default 0: the OS chooses).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// The address to listen on (default `127.0.0.1`). The sandbox has no
    /// real security; keep it on loopback unless you know why not.
    pub fn ip(mut self, ip: IpAddr) -> Self {
        self.ip = Some(ip);
        self
    }

    /// The delay before every API request is answered (default none).
    pub fn latency(mut self, latency: Duration) -> Self {
        self.latency = latency;
        self
    }

    /// The faults to inject from the first request (default none).
    pub fn faults(mut self, faults: impl Into<FaultPlan>) -> Self {
        self.faults = faults.into();
        self
    }

    /// Binds the address and starts serving on the current Tokio runtime.
    ///
    /// # Errors
    ///
    /// [`StartError`] when the address cannot be bound.
    pub async fn start(self) -> Result<Sandbox, StartError> {
        let wanted = SocketAddr::new(
            self.ip.unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST)),
            self.port,
        );
        let listener = TcpListener::bind(wanted)
            .await
            .map_err(|source| StartError {
                addr: wanted,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| StartError {
            addr: wanted,
            source,
        })?;
        let fixture = self.fixture.unwrap_or_else(Fixture::demo);
        let shared = Shared::new(fixture.clone(), self.latency, self.faults);
        let server = tokio::spawn(server::serve(listener, Arc::clone(&shared)));
        tracing::info!(%addr, "JumpCloud sandbox listening");
        Ok(Sandbox {
            shared,
            addr,
            fixture,
            server: Some(server),
        })
    }
}

/// The sandbox could not listen on its address.
#[derive(Debug, thiserror::Error)]
#[error("cannot listen on {addr}: {source}")]
pub struct StartError {
    addr: SocketAddr,
    source: std::io::Error,
}

impl StartError {
    /// The address that could not be bound.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}
