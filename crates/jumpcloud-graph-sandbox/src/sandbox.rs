//! The handle a test holds: [`Sandbox`], started by [`SandboxBuilder`], with
//! the URLs and credentials to use and the switches that steer a running
//! sandbox.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::credentials::OAuthClient;
use crate::faults::FaultPlan;
use crate::fixture::Fixture;
use crate::live::LiveGraph;
use crate::model::{Org, OrgEdge};
use crate::server::{self, ConnectionLimits};
use crate::settings::{self, SettingError};
use crate::state::{self, RecordedRequest, ResponseHold, SentEmail, Shared, Stats};
use crate::tokens::TokenStore;

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

    /// A builder for a sandbox with a chosen port, latency, faults or
    /// limits.
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

    /// The service accounts' token endpoint, e.g.
    /// `http://127.0.0.1:53211/oauth2/token`, to use where
    /// `https://admin-oauth.id.jumpcloud.com/oauth2/token` would go.
    pub fn token_url(&self) -> String {
        format!("{}{}", self.root_url(), server::TOKEN_PATH)
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

    /// The first org's single-tenant service account (the demo's
    /// `jc-sandbox-acme-automation`), if it has one: its client id and
    /// secret buy tokens at [`token_url`](Self::token_url).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use jumpcloud_graph_sandbox::{Fixture, Sandbox};
    ///
    /// let sandbox = Sandbox::start(Fixture::demo()).await;
    /// let account = sandbox.service_account().expect("the demo has one");
    /// let token: serde_json::Value = reqwest::Client::new()
    ///     .post(sandbox.token_url())
    ///     .basic_auth(account.client_id(), Some(account.client_secret()))
    ///     .header("content-type", "application/x-www-form-urlencoded")
    ///     .body("grant_type=client_credentials&scope=api")
    ///     .send()
    ///     .await?
    ///     .json()
    ///     .await?;
    /// assert_eq!(token["token_type"], "bearer");
    /// assert_eq!(token["expires_in"], 3600);
    ///
    /// let ada = sandbox.fixture()["acme"].id_of("ada");
    /// let response = reqwest::Client::new()
    ///     .get(format!("{}/users/{ada}/systems", sandbox.base_url()))
    ///     .bearer_auth(token["access_token"].as_str().unwrap_or_default())
    ///     .send()
    ///     .await?;
    /// assert_eq!(response.status(), 200);
    /// # Ok(())
    /// # }
    /// ```
    pub fn service_account(&self) -> Option<&OAuthClient> {
        self.fixture.service_account(self.fixture.first_org().id())
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
        build(configure(builder))
    }

    /// A client for this sandbox that authenticates as the first org's
    /// service account ([`service_account`](Self::service_account)) with
    /// OAuth client credentials at [`token_url`](Self::token_url), the way a
    /// real integration does; `configure` as for
    /// [`client_with`](Self::client_with). `None` when the fixture has no
    /// such service account.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), jumpcloud_graph::Error> {
    /// use jumpcloud_graph_sandbox::{Fixture, Sandbox};
    ///
    /// let sandbox = Sandbox::start(Fixture::demo()).await;
    /// let client = sandbox.service_account_client(|b| b).expect("the demo has one");
    /// let ada = client.user(sandbox.fixture()["acme"].id_of("ada"))?;
    /// assert_eq!(ada.systems().try_collect().await?.len(), 6);
    /// assert_eq!(sandbox.stats().tokens_issued, 1);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// If `configure` makes the configuration invalid.
    pub fn service_account_client(
        &self,
        configure: impl FnOnce(jumpcloud_graph::ClientBuilder) -> jumpcloud_graph::ClientBuilder,
    ) -> Option<jumpcloud_graph::Client> {
        let account = self.service_account()?;
        let builder = jumpcloud_graph::Client::builder()
            .service_account(account.client_id(), account.client_secret())
            .base_url(self.base_url())
            .token_url(self.token_url());
        Some(build(configure(builder)))
    }

    /// The fixture the sandbox started with: org, object and key ids for
    /// tests. Writes made through the API are not reflected here; see
    /// [`Sandbox::edges`].
    pub fn fixture(&self) -> &Fixture {
        &self.fixture
    }

    /// Replaces the fault plan; its rules start counting requests from 1.
    /// Token requests count like API requests (their path is
    /// `/oauth2/token`).
    pub fn set_faults(&self, plan: impl Into<FaultPlan>) {
        self.shared.set_faults(plan.into());
    }

    /// Removes every fault.
    pub fn clear_faults(&self) {
        self.shared.set_faults(FaultPlan::new());
    }

    /// Sets the delay before every API and token request is answered (zero
    /// for none).
    ///
    /// # Errors
    ///
    /// [`SettingError`] above [`SandboxBuilder::MAX_LATENCY`]; the latency
    /// is then unchanged.
    pub fn set_latency(&self, latency: Duration) -> Result<(), SettingError> {
        self.shared.set_latency(settings::check_latency(latency)?);
        Ok(())
    }

    /// Sets the lifetime of tokens issued from now on (tokens already
    /// issued keep theirs).
    ///
    /// # Errors
    ///
    /// [`SettingError`] below a second or above
    /// [`SandboxBuilder::MAX_TOKEN_LIFETIME`]; the lifetime is then
    /// unchanged.
    pub fn set_token_lifetime(&self, lifetime: Duration) -> Result<(), SettingError> {
        let lifetime = settings::check_token_lifetime(lifetime)?;
        state::lock(&self.shared.tokens).set_lifetime(lifetime);
        Ok(())
    }

    /// Ends the lifetime of every token issued so far: API requests that
    /// present one get 401 (`"Unauthorized: token expired"`) until the
    /// client fetches a new token.
    pub fn expire_tokens(&self) {
        self.shared.expire_tokens();
    }

    /// Revokes every token issued so far: API requests that present one get
    /// 401 (`"Unauthorized: invalid token"`).
    pub fn revoke_tokens(&self) {
        self.shared.revoke_tokens();
    }

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

    /// The live edges that start at one object (a user's memberships and
    /// direct bindings), by org and object handle or id.
    pub fn edges_from(&self, org: &str, object: &str) -> Vec<OrgEdge> {
        state::lock(&self.shared.live)
            .fixture()
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
/// the demo fixture, `127.0.0.1`, an OS-chosen port, no latency, no faults,
/// a [`DEFAULT_HEADER_READ_TIMEOUT`](Self::DEFAULT_HEADER_READ_TIMEOUT),
/// [`DEFAULT_MAX_CONNECTIONS`](Self::DEFAULT_MAX_CONNECTIONS), tokens that
/// live [`DEFAULT_TOKEN_LIFETIME`](Self::DEFAULT_TOKEN_LIFETIME), and the
/// traversal cache on. Settings out of range make
/// [`start`](Self::start) fail with [`StartError::Setting`].
#[derive(Debug)]
pub struct SandboxBuilder {
    fixture: Option<Fixture>,
    ip: Option<IpAddr>,
    port: u16,
    latency: Duration,
    faults: FaultPlan,
    header_read_timeout: Option<Duration>,
    max_connections: usize,
    token_lifetime: Duration,
    traversal_cache: bool,
}

impl Default for SandboxBuilder {
    fn default() -> Self {
        SandboxBuilder {
            fixture: None,
            ip: None,
            port: 0,
            latency: Duration::ZERO,
            faults: FaultPlan::new(),
            header_read_timeout: Some(settings::DEFAULT_HEADER_READ_TIMEOUT),
            max_connections: settings::DEFAULT_MAX_CONNECTIONS,
            token_lifetime: settings::DEFAULT_TOKEN_LIFETIME,
            traversal_cache: true,
        }
    }
}

impl SandboxBuilder {
    /// The most latency a request can be given: a minute.
    pub const MAX_LATENCY: Duration = settings::MAX_LATENCY;
    /// How long a client has to send a request's head, by default: 30 s.
    pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = settings::DEFAULT_HEADER_READ_TIMEOUT;
    /// How many connections may be open at once, by default: 256.
    pub const DEFAULT_MAX_CONNECTIONS: usize = settings::DEFAULT_MAX_CONNECTIONS;
    /// How long a token lives, by default: an hour, as JumpCloud's do.
    pub const DEFAULT_TOKEN_LIFETIME: Duration = settings::DEFAULT_TOKEN_LIFETIME;
    /// The longest token lifetime: a day.
    pub const MAX_TOKEN_LIFETIME: Duration = settings::MAX_TOKEN_LIFETIME;
    /// The largest request body: 2 MiB. Larger ones get 413.
    pub const BODY_LIMIT: usize = server::BODY_LIMIT;

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

    /// The delay before every API and token request is answered (default
    /// none; at most [`MAX_LATENCY`](Self::MAX_LATENCY)).
    pub fn latency(mut self, latency: Duration) -> Self {
        self.latency = latency;
        self
    }

    /// The faults to inject from the first request (default none).
    pub fn faults(mut self, faults: impl Into<FaultPlan>) -> Self {
        self.faults = faults.into();
        self
    }

    /// How long a client has to send a request's head (the request line and
    /// headers), counted from when the connection starts waiting for one;
    /// then the connection is closed without an answer. This also closes
    /// keep-alive connections idle that long.
    /// Default [`DEFAULT_HEADER_READ_TIMEOUT`](Self::DEFAULT_HEADER_READ_TIMEOUT);
    /// `None` for no limit; at most an hour.
    pub fn header_read_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.header_read_timeout = timeout;
        self
    }

    /// How many TCP connections may be open at once (default
    /// [`DEFAULT_MAX_CONNECTIONS`](Self::DEFAULT_MAX_CONNECTIONS); from 1
    /// to 65,536). When every slot is taken, a new connection takes the
    /// slot of the connection that has waited longest for a request (idle
    /// between requests, or still sending a request's head or body), which
    /// is closed without an answer (counted in
    /// [`Stats::connections_evicted`](crate::Stats::connections_evicted));
    /// a request that has fully arrived is always answered. So a flood of
    /// half-sent requests cannot keep a whole one waiting. Only while every
    /// connection is answering a request do new ones wait, in the kernel's
    /// backlog, until one is done.
    pub fn max_connections(mut self, max: usize) -> Self {
        self.max_connections = max;
        self
    }

    /// How long tokens issued at `POST /oauth2/token` live (default
    /// [`DEFAULT_TOKEN_LIFETIME`](Self::DEFAULT_TOKEN_LIFETIME); from a
    /// second to [`MAX_TOKEN_LIFETIME`](Self::MAX_TOKEN_LIFETIME)). Time is
    /// tokio's, so a test on a paused clock can advance past it.
    pub fn token_lifetime(mut self, lifetime: Duration) -> Self {
        self.token_lifetime = lifetime;
        self
    }

    /// Whether traversals are cached per (org, user, traversal) between
    /// pages (default on). Every write forgets its org's cached traversals;
    /// turning the cache off is only useful to compare against it.
    pub fn traversal_cache(mut self, enabled: bool) -> Self {
        self.traversal_cache = enabled;
        self
    }

    /// Binds the address and starts serving on the current Tokio runtime.
    ///
    /// # Errors
    ///
    /// [`StartError::Setting`] for a setting out of range,
    /// [`StartError::Bind`] when the address cannot be bound.
    pub async fn start(self) -> Result<Sandbox, StartError> {
        // Tests reach the sandbox with any HTTP client; see the `rustls`
        // dependency for why a default provider must exist.
        if rustls::crypto::CryptoProvider::get_default().is_none() {
            let _ = rustls::crypto::ring::default_provider().install_default();
        }
        let latency = settings::check_latency(self.latency)?;
        let limits = ConnectionLimits {
            header_read_timeout: settings::check_header_read_timeout(self.header_read_timeout)?,
            max_connections: settings::check_max_connections(self.max_connections)?,
        };
        let token_lifetime = settings::check_token_lifetime(self.token_lifetime)?;
        let wanted = SocketAddr::new(
            self.ip.unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST)),
            self.port,
        );
        let bind_error = |source| StartError::Bind {
            addr: wanted,
            source,
        };
        let listener = TcpListener::bind(wanted).await.map_err(bind_error)?;
        let addr = listener.local_addr().map_err(bind_error)?;
        let fixture = self.fixture.unwrap_or_else(Fixture::demo);
        let shared = Shared::new(
            LiveGraph::new(fixture.clone(), self.traversal_cache),
            TokenStore::new(token_lifetime),
            latency,
            self.faults,
        );
        let server = tokio::spawn(server::serve(listener, Arc::clone(&shared), limits));
        tracing::info!(%addr, "JumpCloud sandbox listening");
        Ok(Sandbox {
            shared,
            addr,
            fixture,
            server: Some(server),
        })
    }
}

/// The sandbox could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// What went wrong.
        source: std::io::Error,
    },
    /// A setting is out of range.
    #[error(transparent)]
    Setting(#[from] SettingError),
}

impl StartError {
    /// The address that could not be bound, for a [`StartError::Bind`].
    pub fn addr(&self) -> Option<SocketAddr> {
        match self {
            StartError::Bind { addr, .. } => Some(*addr),
            StartError::Setting(_) => None,
        }
    }
}

/// Builds a client the caller configured; an invalid configuration is the
/// caller's bug (see the `# Panics` sections).
fn build(builder: jumpcloud_graph::ClientBuilder) -> jumpcloud_graph::Client {
    match builder.build() {
        Ok(client) => client,
        Err(error) => panic!("invalid sandbox client configuration: {error}"),
    }
}
