//! Building a [`Client`]: the API key, where JumpCloud is, the default
//! organization, timeouts, retries and client-side limits.

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use jumpcloud_graph_openapi::{self as openapi, RequestDefaults};
use reqwest::Url;
use reqwest::header::{HeaderValue, USER_AGENT};
use secrecy::{ExposeSecret, SecretString};

use crate::client::Shared;
use crate::limits::Limits;
use crate::{Client, Error, OrgId, RetryPolicy};

/// The user agent every request carries.
pub const USER_AGENT_VALUE: &str = concat!("jumpcloud-graph/", env!("CARGO_PKG_VERSION"));

/// Where an organization's data lives; each region has its own API host.
///
/// A key from one region is unknown to the others: an EU organization's key
/// sent to the US host is answered 401 "api key user not found".
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Region {
    /// `https://console.jumpcloud.com/api/v2` (the default).
    #[default]
    Us,
    /// `https://console.eu.jumpcloud.com/api/v2`.
    Eu,
    /// `https://console.in.jumpcloud.com/api/v2`.
    In,
}

impl Region {
    /// The region's v2 API base URL.
    pub fn base_url(self) -> &'static str {
        match self {
            Region::Us => "https://console.jumpcloud.com/api/v2",
            Region::Eu => "https://console.eu.jumpcloud.com/api/v2",
            Region::In => "https://console.in.jumpcloud.com/api/v2",
        }
    }

    /// From `us`, `eu` or `in` (any case).
    pub fn parse(name: &str) -> Result<Self, Error> {
        match name.trim().to_ascii_lowercase().as_str() {
            "us" => Ok(Region::Us),
            "eu" => Ok(Region::Eu),
            "in" => Ok(Region::In),
            other => Err(Error::invalid(
                "region",
                format!("{other:?}: expected us, eu or in"),
            )),
        }
    }
}

/// An API key, held as a secret: `Debug` shows `[redacted]`, and it has no
/// `Display`. It only leaves the process in the `x-api-key` header.
#[derive(Clone)]
pub struct ApiKey(SecretString);

impl ApiKey {
    /// Wraps `key`.
    pub fn new(key: impl Into<String>) -> Self {
        Self(SecretString::from(key.into()))
    }

    /// `text` with every occurrence of the key replaced by `[redacted]`.
    pub(crate) fn scrub(&self, text: &str) -> String {
        let key = self.0.expose_secret();
        if key.is_empty() {
            text.to_string()
        } else {
            text.replace(key, "[redacted]")
        }
    }
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApiKey([redacted])")
    }
}

impl From<String> for ApiKey {
    fn from(key: String) -> Self {
        Self::new(key)
    }
}

impl From<&str> for ApiKey {
    fn from(key: &str) -> Self {
        Self::new(key)
    }
}

#[derive(Clone, Debug)]
enum Location {
    Region(Region),
    Custom(String),
}

/// Configures and builds a [`Client`]. Every setter takes one concept;
/// [`build`](Self::build) checks them all and says what is wrong.
///
/// ```no_run
/// use std::time::Duration;
/// use jumpcloud_graph::{Client, Region, RetryPolicy};
///
/// let client = Client::builder()
///     .api_key(std::env::var("JUMPCLOUD_API_KEY").unwrap_or_default())
///     .region(Region::Eu)
///     .org_id("5e3b7a1c9d2f4a0011223344")
///     .timeout(Duration::from_secs(60))
///     .retry(RetryPolicy::default().with_max_attempts(6))
///     .max_in_flight(8)
///     .build()?;
/// # Ok::<(), jumpcloud_graph::Error>(())
/// ```
#[derive(Debug)]
pub struct ClientBuilder {
    api_key: Option<ApiKey>,
    location: Location,
    org_id: Option<String>,
    timeout: Duration,
    connect_timeout: Duration,
    user_agent: Option<String>,
    http: Option<reqwest::Client>,
    retry: RetryPolicy,
    rate_limit: Option<u32>,
    max_in_flight: Option<usize>,
    allow_insecure_http: bool,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            api_key: None,
            location: Location::Region(Region::Us),
            org_id: None,
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            user_agent: None,
            http: None,
            retry: RetryPolicy::default(),
            rate_limit: None,
            max_in_flight: None,
            allow_insecure_http: false,
        }
    }
}

impl ClientBuilder {
    /// A builder with the defaults: US region, 30 s request timeout, 10 s
    /// connect timeout, [`RetryPolicy::default`], no client-side limits.
    pub fn new() -> Self {
        Self::default()
    }

    /// A builder configured from the environment: `JUMPCLOUD_API_KEY`,
    /// `JUMPCLOUD_REGION` (`us`, `eu`, `in`), `JUMPCLOUD_BASE_URL` (wins over
    /// the region) and `JUMPCLOUD_ORG_ID`, each when set and not empty.
    pub fn from_env() -> Result<Self, Error> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let mut builder = Self::new();
        if let Some(key) = var("JUMPCLOUD_API_KEY") {
            builder = builder.api_key(key);
        }
        if let Some(region) = var("JUMPCLOUD_REGION") {
            builder = builder.region(Region::parse(&region)?);
        }
        if let Some(url) = var("JUMPCLOUD_BASE_URL") {
            builder = builder.base_url(url);
        }
        if let Some(org) = var("JUMPCLOUD_ORG_ID") {
            builder = builder.org_id(org);
        }
        Ok(builder)
    }

    /// The API key (required). Find it in the admin console under API
    /// Settings. Held as a secret.
    pub fn api_key(mut self, key: impl Into<ApiKey>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// The region whose host to call (default [`Region::Us`]).
    pub fn region(mut self, region: Region) -> Self {
        self.location = Location::Region(region);
        self
    }

    /// A custom base URL instead of a region, e.g. a proxy or the sandbox:
    /// `https://host/api/v2`. Plain `http://` is accepted only for loopback
    /// hosts unless [`allow_insecure_http`](Self::allow_insecure_http).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.location = Location::Custom(url.into());
        self
    }

    /// The organization sent as `x-org-id` on every request, which
    /// multi-tenant administrators need. Requests can override or omit it.
    pub fn org_id(mut self, org: impl Into<String>) -> Self {
        self.org_id = Some(org.into());
        self
    }

    /// The time one attempt may take, headers and body (default 30 s). A
    /// server that stalls mid-body fails with [`Error::Timeout`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The time to establish a connection (default 10 s). Ignored with a
    /// caller-supplied [`http_client`](Self::http_client).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// A product token put before this crate's in `User-Agent`, e.g.
    /// `my-sync/2.1` gives `my-sync/2.1 jumpcloud-graph/0.1.0`.
    pub fn user_agent(mut self, product: impl Into<String>) -> Self {
        self.user_agent = Some(product.into());
        self
    }

    /// Sends requests with this `reqwest::Client` (its proxy, TLS and pool
    /// settings) instead of building one. The API key and user agent are
    /// still added to each request; the request timeout still applies.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// The retry policy for reads and for `ensure_*` writes (default
    /// [`RetryPolicy::default`]); [`RetryPolicy::none`] turns retries off.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// At most this many requests per second, across all clones of the
    /// client (bursts up to the same number). Off by default.
    pub fn rate_limit(mut self, per_second: u32) -> Self {
        self.rate_limit = Some(per_second);
        self
    }

    /// At most this many requests in flight at once, across all clones of
    /// the client. Off by default.
    pub fn max_in_flight(mut self, requests: usize) -> Self {
        self.max_in_flight = Some(requests);
        self
    }

    /// Accepts a plain `http://` base URL on a non-loopback host, sending
    /// the API key unencrypted. Off by default.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Checks the configuration and builds the client. Fails with
    /// [`Error::InvalidInput`] naming the setting: no API key, an unusable
    /// base URL, a zero timeout or limit, an invalid organization id.
    pub fn build(self) -> Result<Client, Error> {
        let api_key = self.api_key.ok_or_else(|| {
            Error::invalid(
                "api key",
                "no API key: call ClientBuilder::api_key (the key is in the admin console \
                 under API Settings), or set JUMPCLOUD_API_KEY with ClientBuilder::from_env",
            )
        })?;
        let exposed = api_key.0.expose_secret();
        if exposed.trim().is_empty() {
            return Err(Error::invalid("api key", "the API key is empty"));
        }
        let base_url = match &self.location {
            Location::Region(region) => region.base_url().to_string(),
            Location::Custom(url) => check_base_url(url, self.allow_insecure_http)?,
        };
        let host = Url::parse(&base_url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
            .unwrap_or_default();
        let org_id = self.org_id.as_deref().map(OrgId::parse).transpose()?;
        if self.timeout.is_zero() {
            return Err(Error::invalid(
                "timeout",
                "the request timeout must be above zero",
            ));
        }
        if self.connect_timeout.is_zero() {
            return Err(Error::invalid(
                "connect timeout",
                "the connect timeout must be above zero",
            ));
        }
        let rate = self
            .rate_limit
            .map(|n| {
                NonZeroU32::new(n)
                    .ok_or_else(|| Error::invalid("rate limit", "at least one request per second"))
            })
            .transpose()?;
        if self.max_in_flight == Some(0) {
            return Err(Error::invalid(
                "max in flight",
                "at least one request in flight",
            ));
        }

        let user_agent = match &self.user_agent {
            Some(product) => format!("{product} {USER_AGENT_VALUE}"),
            None => USER_AGENT_VALUE.to_string(),
        };
        let user_agent = HeaderValue::from_str(&user_agent).map_err(|_| {
            Error::invalid(
                "user agent",
                format!("{user_agent:?} is not a header value"),
            )
        })?;
        let defaults = RequestDefaults::new()
            .with_api_key(exposed)
            .map_err(|_| {
                Error::invalid(
                    "api key",
                    "the API key contains characters a header cannot carry",
                )
            })?
            .with_header(USER_AGENT, user_agent);

        let http = match self.http {
            Some(client) => client,
            None => reqwest::Client::builder()
                .timeout(self.timeout)
                .connect_timeout(self.connect_timeout)
                .build()
                .map_err(|e| Error::invalid("http client", e.to_string()))?,
        };
        let low = openapi::Client::new_with_client(&base_url, http, defaults);
        Ok(Client {
            shared: Arc::new(Shared {
                low,
                base_url,
                host,
                org_id,
                retry: self.retry,
                timeout: self.timeout,
                limits: Limits::new(rate, self.max_in_flight),
                api_key,
            }),
        })
    }
}

/// Accepts `https://host[:port]/path`, or `http://` on loopback (or
/// anywhere, when allowed); returns it without a trailing slash.
fn check_base_url(raw: &str, allow_insecure_http: bool) -> Result<String, Error> {
    let bad = |reason: String| Error::invalid("base url", format!("{raw:?}: {reason}"));
    let url = Url::parse(raw.trim()).map_err(|e| bad(e.to_string()))?;
    let host = url.host_str().ok_or_else(|| bad("it has no host".into()))?;
    match url.scheme() {
        "https" => {}
        "http" if allow_insecure_http || is_loopback(host) => {}
        "http" => {
            return Err(bad(
                "plain http would send the API key unencrypted; use https, a loopback host, \
                 or ClientBuilder::allow_insecure_http(true)"
                    .into(),
            ));
        }
        other => return Err(bad(format!("the scheme must be https, not {other}"))),
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("a base URL cannot have a query or a fragment".into()));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("a base URL cannot carry credentials".into()));
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
}

fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(result: Result<Client, Error>) -> &'static str {
        match result {
            Err(Error::InvalidInput { field, .. }) => field,
            other => panic!("expected invalid input, got {other:?}"),
        }
    }

    #[test]
    fn a_missing_key_is_reported() {
        assert_eq!(field(Client::builder().build()), "api key");
        assert_eq!(field(Client::builder().api_key("  ").build()), "api key");
        assert_eq!(field(Client::builder().api_key("a\nb").build()), "api key");
    }

    #[test]
    fn unusable_base_urls_are_reported() {
        for url in [
            "not a url",
            "ftp://example.com/api/v2",
            "http://example.com/api/v2",
            "https://example.com/api/v2?x=1",
            "https://user:pw@example.com/api/v2",
        ] {
            assert_eq!(
                field(Client::builder().api_key("k").base_url(url).build()),
                "base url",
                "{url}"
            );
        }
    }

    #[test]
    fn plain_http_is_accepted_on_loopback_or_when_allowed() {
        for url in [
            "http://127.0.0.1:8080/api/v2",
            "http://localhost/api/v2/",
            "http://[::1]:9/api/v2",
        ] {
            let client = Client::builder()
                .api_key("k")
                .base_url(url)
                .build()
                .unwrap();
            assert!(!client.base_url().ends_with('/'));
        }
        let client = Client::builder()
            .api_key("k")
            .base_url("http://example.com/api/v2")
            .allow_insecure_http(true)
            .build();
        assert!(client.is_ok());
    }

    #[test]
    fn zero_limits_and_timeouts_are_reported() {
        let builder = || Client::builder().api_key("k");
        assert_eq!(field(builder().timeout(Duration::ZERO).build()), "timeout");
        assert_eq!(field(builder().rate_limit(0).build()), "rate limit");
        assert_eq!(field(builder().max_in_flight(0).build()), "max in flight");
        assert_eq!(
            field(builder().org_id("bad org").build()),
            "organization id"
        );
    }

    #[test]
    fn regions_have_their_own_hosts() {
        assert_eq!(
            Region::Eu.base_url(),
            "https://console.eu.jumpcloud.com/api/v2"
        );
        assert_eq!(Region::parse("IN").unwrap(), Region::In);
        assert!(Region::parse("mars").is_err());
    }

    #[test]
    fn the_key_never_shows_in_debug_output() {
        let builder = Client::builder().api_key("super-secret-key");
        assert!(!format!("{builder:?}").contains("super-secret-key"));
        let client = builder.build().unwrap();
        assert!(!format!("{client:?}").contains("super-secret-key"));
    }
}
