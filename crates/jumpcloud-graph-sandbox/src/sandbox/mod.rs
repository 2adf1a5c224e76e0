//! The handle a test holds: [`Sandbox`], started by [`SandboxBuilder`]
//! (`builder.rs`), with the URLs to use here and, beside it, the clients and
//! credentials of a running sandbox (`clients.rs`), the switches that steer
//! it (`steer.rs`) and what a test can inspect (`inspect.rs`).

mod builder;
mod clients;
mod inspect;
mod steer;

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::task::JoinHandle;

use crate::fixture::Fixture;
use crate::server;
use crate::state::Shared;

pub use builder::{SandboxBuilder, StartError};
pub use clients::ClientForError;

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

    /// The v1 API's base URL, e.g. `http://127.0.0.1:53211/api`, to use where
    /// `https://console.jumpcloud.com/api` would go: the v1 directory lookups
    /// (users, systems, applications, RADIUS servers by id or name) live
    /// there.
    pub fn v1_base_url(&self) -> String {
        format!("{}{}", self.root_url(), server::V1_PREFIX)
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

    /// The fixture the sandbox started with: org, object and key ids for
    /// tests. Writes made through the API are not reflected here; see
    /// [`Sandbox::edges`].
    pub fn fixture(&self) -> &Fixture {
        &self.fixture
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
