//! The client: cheap to clone, shared configuration and limits.

use std::sync::Arc;
use std::time::Duration;

use jumpcloud_graph_openapi as openapi;

use crate::config::ApiKey;
use crate::limits::Limits;
use crate::{ClientBuilder, Error, ObjectId, OrgId, RetryPolicy, User};

/// A JumpCloud v2 user-graph client.
///
/// Cloning is cheap and clones share the connection pool, the retry policy
/// and the client-side limits. Start from [`Client::builder`], then take a
/// [`User`] handle with [`Client::user`].
///
/// ```no_run
/// # async fn demo() -> Result<(), jumpcloud_graph::Error> {
/// use futures::TryStreamExt;
/// use jumpcloud_graph::Client;
///
/// let client = Client::builder().api_key("my-api-key").build()?;
/// let user = client.user("5f1b0c2e9c1a4b0012345678")?;
/// let systems: Vec<_> = user.systems().try_collect().await?;
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
    pub(crate) low: openapi::Client,
    pub(crate) base_url: String,
    pub(crate) host: String,
    pub(crate) org_id: Option<OrgId>,
    pub(crate) retry: RetryPolicy,
    pub(crate) timeout: Duration,
    pub(crate) limits: Limits,
    pub(crate) api_key: ApiKey,
}

impl Client {
    /// A builder with the defaults; see [`ClientBuilder`].
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// A handle on one user. The id must be an ObjectID (24 hexadecimal
    /// digits); anything else is [`Error::InvalidInput`] and nothing is sent.
    ///
    /// ```
    /// # let client = jumpcloud_graph::Client::builder().api_key("k").build()?;
    /// assert!(client.user("5f1b0c2e9c1a4b0012345678").is_ok());
    /// assert!(client.user("jdoe").is_err());
    /// # Ok::<(), jumpcloud_graph::Error>(())
    /// ```
    pub fn user<I>(&self, id: I) -> Result<User, Error>
    where
        I: TryInto<ObjectId>,
        I::Error: Into<Error>,
    {
        let id = id.try_into().map_err(|e| match e.into() {
            Error::InvalidInput { reason, .. } => Error::InvalidInput {
                field: "user id",
                reason,
            },
            other => other,
        })?;
        Ok(User::new(self.clone(), id))
    }

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

    /// The generated low-level client underneath, for anything this facade
    /// does not cover. It carries the API key and user agent, but not the
    /// facade's retries, limits or error mapping.
    pub fn low_level(&self) -> &openapi::Client {
        &self.shared.low
    }
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.shared.base_url)
            .field("org_id", &self.shared.org_id)
            .field("timeout", &self.shared.timeout)
            .field("retry", &self.shared.retry)
            .field("limits", &self.shared.limits)
            .field("api_key", &self.shared.api_key)
            .finish()
    }
}
