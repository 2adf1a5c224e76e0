//! Starting a sandbox: [`SandboxBuilder`], its settings and their
//! defaults, and [`StartError`].

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;

use super::Sandbox;
use crate::faults::FaultPlan;
use crate::fixture::Fixture;
use crate::live::LiveGraph;
use crate::server::{self, ConnectionLimits};
use crate::settings::{self, SettingError};
use crate::state::Shared;
use crate::tokens::TokenStore;

/// Configures a [`Sandbox`] before it starts. Every setting has a default:
/// the demo fixture, `127.0.0.1`, an OS-chosen port, no latency, no faults,
/// a [`DEFAULT_HEADER_READ_TIMEOUT`](Self::DEFAULT_HEADER_READ_TIMEOUT),
/// [`DEFAULT_MAX_CONNECTIONS`](Self::DEFAULT_MAX_CONNECTIONS), tokens that
/// live [`DEFAULT_TOKEN_LIFETIME`](Self::DEFAULT_TOKEN_LIFETIME), no
/// association lag, and the traversal cache on. Settings out of range make
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
    association_lag: Duration,
    traversal_cache: bool,
    rate_limit_per_key: Option<u32>,
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
            association_lag: Duration::ZERO,
            traversal_cache: true,
            rate_limit_per_key: None,
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
    /// The longest association lag: a day.
    pub const MAX_ASSOCIATION_LAG: Duration = settings::MAX_ASSOCIATION_LAG;
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

    /// How long an association change takes to show in traversals (default
    /// none; at most [`MAX_ASSOCIATION_LAG`](Self::MAX_ASSOCIATION_LAG)), as
    /// JumpCloud processes association changes asynchronously, sometimes
    /// for hours. A `POST /users/{id}/associations` is checked and answered
    /// at once, and the association list and further writes see it at once;
    /// the traversals show it `lag` later, and only after
    /// every earlier write (so they always show the orgs as some prefix of
    /// the writes left them). Time is tokio's, so a test on a paused clock
    /// can advance past it.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use std::time::Duration;
    /// use jumpcloud_graph::{AssociationTarget, ObjectId};
    /// use jumpcloud_graph_sandbox::Sandbox;
    ///
    /// let sandbox = Sandbox::builder()
    ///     .association_lag(Duration::from_secs(3))
    ///     .start()
    ///     .await?;
    /// let acme = &sandbox.fixture()["acme"];
    /// let ada = sandbox.client().user(acme.id_of("ada"))?;
    /// let web = ObjectId::try_from(acme.id_of("web-01"))?;
    /// ada.dissociate(AssociationTarget::System, web)?.await?;
    /// // Still three paths to web-01, the direct one included, for 3 s.
    /// let systems = ada.systems().try_collect().await?;
    /// let web01 = systems.iter().find(|s| *s.id() == web);
    /// assert_eq!(web01.map(|s| s.paths().len()), Some(3));
    /// # Ok(())
    /// # }
    /// ```
    pub fn association_lag(mut self, lag: Duration) -> Self {
        self.association_lag = lag;
        self
    }

    /// Whether traversals are cached per (org, user, traversal) between
    /// pages (default on). Every write forgets its org's cached traversals;
    /// turning the cache off is only useful to compare against it.
    pub fn traversal_cache(mut self, enabled: bool) -> Self {
        self.traversal_cache = enabled;
        self
    }

    /// At most `per_minute` API requests a minute per credential (an admin's
    /// API key, or the service account a bearer token belongs to); more are
    /// answered 429 `{"error":"Too Many Requests","message":"Too Many
    /// Requests"}` with `Retry-After` in whole seconds, until the budget
    /// refills. Default: no limit; from 1 to 1,000,000.
    ///
    /// It is a token bucket per credential: tokens added continuously at
    /// `per_minute / 60` a second, at most one second's worth (and at least
    /// one) held, so a burst is a second's budget and the sustained rate is
    /// exactly `per_minute`. Only credentials the fixture knows are counted
    /// (others are refused with 401 anyway); the token route is not limited.
    /// Requests over the limit are counted in
    /// [`Stats::rate_limited`](crate::Stats::rate_limited) and logged with
    /// status 429; they get no injected fault. Time is tokio's, so a test
    /// on a paused clock refills the budget by advancing it.
    ///
    /// JumpCloud reportedly allows about 200 requests a minute per key
    /// (unverified): this lets a client's handling of such a limit be
    /// tested without assuming the number.
    ///
    /// ```
    /// use jumpcloud_graph_sandbox::Sandbox;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let sandbox = Sandbox::builder().rate_limit_per_key(120).start().await?;
    /// let ada = sandbox.fixture()["acme"].id_of("ada");
    /// let http = reqwest::Client::new();
    /// let get = || {
    ///     http.get(format!("{}/users/{ada}/systems", sandbox.base_url()))
    ///         .header("x-api-key", sandbox.api_key())
    ///         .send()
    /// };
    /// assert_eq!(get().await?.status(), 200);
    /// assert_eq!(get().await?.status(), 200); // two a second
    /// let refused = get().await?;
    /// assert_eq!(refused.status(), 429);
    /// assert_eq!(refused.headers()["retry-after"], "1");
    /// assert_eq!(sandbox.stats().rate_limited, 1);
    /// # Ok(())
    /// # }
    /// ```
    pub fn rate_limit_per_key(mut self, per_minute: u32) -> Self {
        self.rate_limit_per_key = Some(per_minute);
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
            rate_limit_per_key: self
                .rate_limit_per_key
                .map(settings::check_rate_limit_per_key)
                .transpose()?,
        };
        let token_lifetime = settings::check_token_lifetime(self.token_lifetime)?;
        let association_lag = settings::check_association_lag(self.association_lag)?;
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
        let mut live = LiveGraph::new(fixture.clone(), self.traversal_cache);
        live.set_association_lag(association_lag);
        let shared = Shared::new(live, TokenStore::new(token_lifetime), latency, self.faults);
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
