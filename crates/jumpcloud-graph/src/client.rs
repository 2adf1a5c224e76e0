//! The client: cheap to clone, shared configuration and limits.
//!
//! [`Client`]'s methods live with what they make or do, so that this file
//! needs nothing above the transport: [`Client::builder`] in `config.rs`,
//! [`Client::user`] in `user.rs`, the request path (credential, limits,
//! retries) in `execute.rs` and `transport.rs`.

use std::sync::Arc;
use std::time::Duration;

use http::HeaderValue;

use crate::credentials::Credentials;
use crate::limits::{ClientStats, Limits};
use crate::{OrgId, RetryPolicy};

/// A JumpCloud v2 user-graph client.
///
/// Cloning is cheap and clones share the connection pool, the retry policy,
/// the client-side limits and a service account's token. Start from
/// [`Client::builder`], then take a [`User`](crate::User) handle with [`Client::user`].
///
/// ```no_run
/// # async fn demo() -> Result<(), jumpcloud_graph::Error> {
/// use jumpcloud_graph::ClientBuilder;
///
/// let client = ClientBuilder::from_env()?.build()?;
/// let user = client.user("5f1b0c2e9c1a4b0012345678")?;
/// let systems = user.systems().try_collect().await?;
/// println!("{} systems", systems.len());
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) shared: Arc<Shared>,
}

/// What all clones of a client share.
pub(crate) struct Shared {
    pub(crate) http: reqwest::Client,
    pub(crate) base_url: String,
    pub(crate) host: String,
    pub(crate) org_id: Option<OrgId>,
    pub(crate) retry: RetryPolicy,
    pub(crate) timeout: Duration,
    pub(crate) limits: Limits,
    pub(crate) credentials: Credentials,
    pub(crate) max_response_bytes: usize,
    pub(crate) prefetch: usize,
    pub(crate) user_agent: HeaderValue,
    pub(crate) token_host: String,
    pub(crate) token_path: String,
    /// The name resolver's cache.
    pub(crate) names: crate::name_cache::NameCache,
}

impl Client {
    /// The base URL requests go to, e.g. `https://console.jumpcloud.com/api/v2`.
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }

    /// The default organization sent as `x-org-id`, if any.
    pub fn org_id(&self) -> Option<&OrgId> {
        self.shared.org_id.as_ref()
    }

    /// The retry policy for reads and `ensure_*` writes.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.shared.retry
    }

    /// What this client and its clones have sent so far (requests, 429s)
    /// and the pace adaptive rate limiting holds the default organization
    /// to; see [`ClientStats`].
    ///
    /// ```no_run
    /// # async fn demo(client: jumpcloud_graph::Client) -> Result<(), jumpcloud_graph::Error> {
    /// let user = client.user("5f1b0c2e9c1a4b0012345678")?;
    /// user.access_report().await?;
    /// assert!(client.stats().requests >= 10);
    /// # Ok(())
    /// # }
    /// ```
    pub fn stats(&self) -> ClientStats {
        self.shared.limits.stats(self.shared.org_id.as_ref())
    }
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.shared.base_url)
            .field("org_id", &self.shared.org_id)
            .field("credentials", &self.shared.credentials)
            .field("timeout", &self.shared.timeout)
            .field("retry", &self.shared.retry)
            .field("limits", &self.shared.limits)
            .field("prefetch", &self.shared.prefetch)
            .field("max_response_bytes", &self.shared.max_response_bytes)
            .finish()
    }
}
