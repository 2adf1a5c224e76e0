//! Building a [`Client`]: the credential, where JumpCloud is, the default
//! organization, timeouts, retries, client-side limits and caps.

use std::num::NonZeroU32;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use http::HeaderValue;
use reqwest::Url;

use crate::client::Shared;
use crate::credentials::{ApiKey, ClientSecret, Credentials};
use crate::limits::Limits;
use crate::pagination::DEFAULT_PREFETCH;
use crate::{Client, Error, OrgId, RetryPolicy};

/// The user agent every request carries.
pub const USER_AGENT_VALUE: &str = concat!("jumpcloud-graph/", env!("CARGO_PKG_VERSION"));

/// The largest success body read by default: 16 MiB. A full page of 100
/// traversal results with long paths is well under 1 MiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;

/// Where an organization's data lives; each region has its own API host
/// and its own service-account token host.
///
/// A credential from one region is unknown to the others: an EU
/// organization's key sent to the US host is answered 401 "api key user not
/// found". Parsed from `us`, `eu` or `in`, in any case.
///
/// ```
/// use jumpcloud_graph::Region;
///
/// let region: Region = "EU".parse()?;
/// assert_eq!(region.base_url(), "https://console.eu.jumpcloud.com/api/v2");
/// assert_eq!(region.token_url(), "https://admin-oauth.id.eu.jumpcloud.com/oauth2/token");
/// # Ok::<(), jumpcloud_graph::Error>(())
/// ```
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

    /// The region's OAuth token endpoint for service accounts. The US and
    /// EU hosts are JumpCloud's published ones
    /// (`admin-oauth.id.jumpcloud.com`, `admin-oauth.id.eu.jumpcloud.com`);
    /// the IN host (`admin-oauth.id.in.jumpcloud.com`) is inferred from
    /// that pattern: override it with
    /// [`ClientBuilder::token_url`] if yours differs.
    pub fn token_url(self) -> &'static str {
        match self {
            Region::Us => "https://admin-oauth.id.jumpcloud.com/oauth2/token",
            Region::Eu => "https://admin-oauth.id.eu.jumpcloud.com/oauth2/token",
            Region::In => "https://admin-oauth.id.in.jumpcloud.com/oauth2/token",
        }
    }

    /// The region's short name: `us`, `eu` or `in`.
    pub fn name(self) -> &'static str {
        match self {
            Region::Us => "us",
            Region::Eu => "eu",
            Region::In => "in",
        }
    }
}

impl std::fmt::Display for Region {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Region {
    type Err = Error;
    fn from_str(name: &str) -> Result<Self, Error> {
        match name.trim().to_ascii_lowercase().as_str() {
            "us" => Ok(Region::Us),
            "eu" => Ok(Region::Eu),
            "in" => Ok(Region::In),
            _ => Err(Error::invalid(
                "region",
                format!(
                    "{:?}: expected us, eu or in",
                    name.chars().take(32).collect::<String>()
                ),
            )),
        }
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
/// The credential is exactly one of an API key ([`api_key`](Self::api_key))
/// or a service account ([`service_account`](Self::service_account)).
///
/// ```no_run
/// use std::time::Duration;
/// use jumpcloud_graph::{Client, ClientBuilder, Region, RetryPolicy};
///
/// // JUMPCLOUD_CLIENT_ID/JUMPCLOUD_CLIENT_SECRET or JUMPCLOUD_API_KEY,
/// // JUMPCLOUD_REGION, JUMPCLOUD_ORG_ID, ...
/// let client = ClientBuilder::from_env()?
///     .timeout(Duration::from_secs(60))
///     .retry(RetryPolicy::default().with_max_attempts(6))
///     .max_in_flight(8)
///     .build()?;
///
/// // Or explicitly:
/// let client = Client::builder()
///     .service_account("my-client-id", "my-client-secret-from-the-console")
///     .region(Region::Eu)
///     .org_id("5e3b7a1c9d2f4a0011223344")
///     .build()?;
/// # Ok::<(), jumpcloud_graph::Error>(())
/// ```
#[derive(Debug)]
pub struct ClientBuilder {
    api_key: Option<ApiKey>,
    service_account: Option<(String, ClientSecret)>,
    token_url: Option<String>,
    scope: String,
    location: Location,
    org_id: Option<String>,
    timeout: Duration,
    connect_timeout: Duration,
    user_agent: Option<String>,
    http: Option<reqwest::ClientBuilder>,
    retry: RetryPolicy,
    rate_limit: Option<u32>,
    max_in_flight: Option<usize>,
    adaptive_rate: bool,
    allow_insecure_http: bool,
    max_response_bytes: usize,
    prefetch: usize,
    name_cache: (usize, Duration),
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            api_key: None,
            service_account: None,
            token_url: None,
            scope: "api".into(),
            location: Location::Region(Region::Us),
            org_id: None,
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            user_agent: None,
            http: None,
            retry: RetryPolicy::default(),
            rate_limit: None,
            max_in_flight: None,
            adaptive_rate: true,
            allow_insecure_http: false,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            prefetch: DEFAULT_PREFETCH,
            name_cache: (
                crate::name_cache::DEFAULT_CAPACITY,
                crate::name_cache::DEFAULT_TTL,
            ),
        }
    }
}

impl ClientBuilder {
    /// A builder with the defaults: US region, 30 s timeout per attempt,
    /// 10 s connect timeout, [`RetryPolicy::default`], 4 pages prefetched,
    /// 16 MiB response cap, no fixed client-side limits, the
    /// [adaptive rate](Self::adaptive_rate) on, no credential yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads the environment, each variable when set and not empty:
    ///
    /// | variable | setting |
    /// |---|---|
    /// | `JUMPCLOUD_CLIENT_ID`, `JUMPCLOUD_CLIENT_SECRET` | [`service_account`](Self::service_account) (both or neither; preferred over the API key) |
    /// | `JUMPCLOUD_API_KEY` | [`api_key`](Self::api_key), when no service account is set |
    /// | `JUMPCLOUD_REGION` | [`region`](Self::region): `us`, `eu` or `in` |
    /// | `JUMPCLOUD_BASE_URL` | [`base_url`](Self::base_url) (wins over the region) |
    /// | `JUMPCLOUD_TOKEN_URL` | [`token_url`](Self::token_url) |
    /// | `JUMPCLOUD_ORG_ID` | [`org_id`](Self::org_id) |
    ///
    /// # Errors
    ///
    /// An invalid-input error for a region that is not `us`, `eu` or `in`,
    /// or for a client id without a secret (or the reverse).
    pub fn from_env() -> Result<Self, Error> {
        Self::new().with_vars(|name| std::env::var(name).ok())
    }

    fn with_vars(mut self, var: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let var = |name: &str| var(name).filter(|v| !v.trim().is_empty());
        match (var("JUMPCLOUD_CLIENT_ID"), var("JUMPCLOUD_CLIENT_SECRET")) {
            (Some(id), Some(secret)) => self = self.service_account(id.trim(), secret),
            (None, None) => {
                if let Some(key) = var("JUMPCLOUD_API_KEY") {
                    self = self.api_key(key);
                }
            }
            (Some(_), None) | (None, Some(_)) => {
                return Err(Error::invalid(
                    "service account",
                    "set both JUMPCLOUD_CLIENT_ID and JUMPCLOUD_CLIENT_SECRET, or neither",
                ));
            }
        }
        if let Some(region) = var("JUMPCLOUD_REGION") {
            self = self.region(region.parse()?);
        }
        if let Some(url) = var("JUMPCLOUD_BASE_URL") {
            self = self.base_url(url);
        }
        if let Some(url) = var("JUMPCLOUD_TOKEN_URL") {
            self = self.token_url(url);
        }
        if let Some(org) = var("JUMPCLOUD_ORG_ID") {
            self = self.org_id(org);
        }
        Ok(self)
    }

    /// An administrator's API key (the admin console, API Settings), sent as
    /// `x-api-key`. Held as a secret. Give either this or a service
    /// account, not both.
    pub fn api_key(mut self, key: impl Into<ApiKey>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// A service account's OAuth 2.0 client credentials (the admin console,
    /// Service Accounts). The secret is held as a secret. Give either this
    /// or an API key.
    ///
    /// The bearer token:
    ///
    /// - is fetched on the first request, **once** however many requests
    ///   (of this client and its clones) wait for it, and shared by them;
    /// - is kept at least 30 seconds and at most a day, whatever the token
    ///   response's `expires_in` says (missing or unreadable: an hour);
    /// - is refreshed a minute (or a tenth of its lifetime) before it
    ///   expires: the first request in that window waits for the new one,
    ///   the others go on with the old one; a failed refresh is no error
    ///   while the old token lasts;
    /// - after a 401, is dropped and fetched afresh, and the refused
    ///   request is sent once more, whatever its retry policy; a second 401
    ///   is the error.
    ///
    /// When the token endpoint fails:
    ///
    /// - one fetch asks it **at most twice**: 408, 429, 500, 502, 503, 504,
    ///   timeouts and transport failures are retried once, with the backoff and
    ///   `Retry-After` handling of this client's [`retry`](Self::retry)
    ///   policy, each attempt within its [`timeout`](Self::timeout);
    ///   anything else (`invalid_client`, a 200 that is not a token) is
    ///   not retried;
    /// - every request waiting on that fetch gets its failure, and so does
    ///   every request that needs a token in the **5 seconds** after it,
    ///   without asking again; the first one after that starts a new
    ///   fetch. So however many requests the client makes, a failing
    ///   endpoint gets at most 2 requests per failure, then none for 5
    ///   seconds;
    /// - the request fails at once with that error (its own retry policy
    ///   does not start another fetch). Its `Display` starts with "could
    ///   not fetch the service account's token", and a refusal keeps its
    ///   [`hint`](crate::ApiError::hint).
    ///
    /// A request's wait for a token is part of its attempt: it counts
    /// against the attempt's timeout (the client's, or the request's own
    /// `.timeout(..)`) and the retry policy's deadline. When that runs out
    /// first, the attempt is a timeout (retried like one, joining the same
    /// fetch), and the fetch goes on for the others.
    ///
    /// ```
    /// use std::time::Duration;
    /// use jumpcloud_graph::Client;
    ///
    /// let client = Client::builder()
    ///     .service_account("my-client-id", "my-client-secret-from-the-console")
    ///     // Each token attempt, like each API attempt, within 10 s.
    ///     .timeout(Duration::from_secs(10))
    ///     .build()?;
    /// # Ok::<(), jumpcloud_graph::Error>(())
    /// ```
    pub fn service_account(
        mut self,
        client_id: impl Into<String>,
        client_secret: impl Into<ClientSecret>,
    ) -> Self {
        self.service_account = Some((client_id.into(), client_secret.into()));
        self
    }

    /// The token endpoint for a service account (default: the region's,
    /// [`Region::token_url`]; with a custom [`base_url`](Self::base_url) it
    /// must be given). Same rules as the base URL: https, or plain http on
    /// loopback only.
    pub fn token_url(mut self, url: impl Into<String>) -> Self {
        self.token_url = Some(url.into());
        self
    }

    /// The scope a service account asks for (default `api`).
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = scope.into();
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
    /// server that stalls mid-body fails with a timeout. A request's own
    /// `.timeout(..)` replaces it, longer or shorter.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The time to establish a connection (default 10 s).
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

    /// Builds the HTTP client from this `reqwest::ClientBuilder` (its proxy,
    /// TLS roots, pool settings) instead of a default one.
    ///
    /// Some settings are always replaced: redirects are turned off (a
    /// redirect would carry the credential to another origin; JumpCloud's
    /// API never redirects, so a 3xx is reported as an error naming its
    /// `Location`), the connect timeout is this builder's, and with the
    /// default `tls-ring` feature the TLS configuration is this crate's
    /// (rustls, ring, the platform's roots; use the `tls-aws-lc` feature
    /// instead to keep the builder's own TLS settings). Timeouts per attempt
    /// are set on each request, so a client-wide
    /// `reqwest::ClientBuilder::timeout` never caps them.
    ///
    /// reqwest is a public dependency through this method: a reqwest major
    /// version change is a major version change of this crate.
    pub fn http_client(mut self, builder: reqwest::ClientBuilder) -> Self {
        self.http = Some(builder);
        self
    }

    /// The retry policy for reads and for `ensure_*` writes (default
    /// [`RetryPolicy::default`]); [`RetryPolicy::none`] turns retries off.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// At most this many requests start in any one-second window, across
    /// all clones of the client (no burst beyond it). Off by default. The
    /// [adaptive rate](Self::adaptive_rate) stays within it.
    pub fn rate_limit(mut self, per_second: u32) -> Self {
        self.rate_limit = Some(per_second);
        self
    }

    /// Learns the request rate the server accepts from its 429s (on by
    /// default; `false` turns it off). JumpCloud publishes no rate limit
    /// (about 200 requests a minute per key is reported, unverified), so
    /// none is assumed:
    ///
    /// - requests start unthrottled (or at the [`rate_limit`](Self::rate_limit)
    ///   ceiling, which always applies);
    /// - a 429 paces the requests of its organization at 0.7 times the rate
    ///   they were sent at, once per round trip (429s for requests sent
    ///   before the slowdown do not slow down further), down to one a
    ///   minute at the slowest; a `Retry-After` also holds every request
    ///   of that organization back until it has passed (at most a minute);
    /// - while the pace is what holds requests back, each success raises
    ///   it by 3% a second of the rate before the slowdown, so it probes
    ///   the limit again after about ten seconds.
    ///
    /// It is shared by every clone of the client, per organization: one
    /// pace for the credential's own org, and one for each organization a
    /// multi-tenant credential sends in `x-org-id`. The 429 itself is
    /// retried as the [`retry`](Self::retry) policy says. Against a
    /// budget refilled at a steady rate, 429s stay at a few percent of the
    /// requests and throughput near the budget. [`Client::stats`] tells
    /// how many requests were sent, how many were answered 429, and the
    /// current pace.
    ///
    /// ```
    /// use jumpcloud_graph::Client;
    ///
    /// // A job that must not wait: fail fast on 429s instead.
    /// let client = Client::builder()
    ///     .api_key("my-api-key-from-the-admin-console")
    ///     .adaptive_rate(false)
    ///     .build()?;
    /// assert_eq!(client.stats().adaptive_rate, None);
    /// # Ok::<(), jumpcloud_graph::Error>(())
    /// ```
    pub fn adaptive_rate(mut self, enabled: bool) -> Self {
        self.adaptive_rate = enabled;
        self
    }

    /// At most this many requests in flight at once, across all clones of
    /// the client and all streams. Off by default.
    pub fn max_in_flight(mut self, requests: usize) -> Self {
        self.max_in_flight = Some(requests);
        self
    }

    /// How many page requests a list has in flight at once after its first
    /// page (default 4); lists can override it with their own `prefetch`.
    /// `1` reads one page at a time.
    pub fn prefetch(mut self, pages: usize) -> Self {
        self.prefetch = pages;
        self
    }

    /// The largest success body the client reads, in bytes (default 16
    /// MiB). A larger one ends the request with a decode error and is not
    /// read further. Error bodies are read only as far as an error's
    /// excerpt needs (4 KiB).
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = bytes;
        self
    }

    /// The name resolver's cache ([`Client::names`](crate::Client::names)):
    /// at most `capacity` objects (default 10,000; the oldest go first),
    /// each trusted for `ttl` (default 10 minutes). Shared by the client's
    /// clones. `capacity` 0 or a zero `ttl` turns caching off.
    pub fn name_cache(mut self, capacity: usize, ttl: Duration) -> Self {
        self.name_cache = (capacity, ttl);
        self
    }

    /// Accepts plain `http://` base and token URLs on non-loopback hosts,
    /// sending the credential unencrypted. Off by default.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Checks the configuration and builds the client.
    ///
    /// # Errors
    ///
    /// An invalid-input error naming the setting: no credential or two of
    /// them, a credential that cannot be real (under 16 characters,
    /// whitespace or control characters), an unusable base or token URL, a
    /// zero timeout, limit, prefetch or size cap, an invalid organization
    /// id. Nothing is sent.
    pub fn build(mut self) -> Result<Client, Error> {
        let base_url = self.checked_base_url()?;
        let (credentials, token_url) = self.checked_credentials()?;
        let org_id = self.org_id.as_deref().map(OrgId::parse).transpose()?;
        let limits = self.checked_limits()?;
        let prefetch = crate::pagination::prefetch(self.prefetch)?;
        if self.max_response_bytes == 0 {
            return Err(Error::invalid(
                "max response bytes",
                "the response size cap must be above zero",
            ));
        }
        let user_agent = self.user_agent_header()?;
        let http = self.build_http_client()?;
        let (token_host, token_path) = match &token_url {
            Some(url) => (host_of(url), path_of(url)),
            None => (String::new(), String::new()),
        };
        Ok(Client {
            shared: Arc::new(Shared {
                http,
                host: host_of(&base_url),
                base_url,
                org_id,
                retry: self.retry,
                timeout: self.timeout,
                limits,
                credentials,
                max_response_bytes: self.max_response_bytes,
                prefetch,
                user_agent,
                token_host,
                token_path,
                names: crate::name_cache::NameCache::new(self.name_cache.0, self.name_cache.1),
            }),
        })
    }

    /// The region's base URL, or the custom one if it is usable.
    fn checked_base_url(&self) -> Result<String, Error> {
        match &self.location {
            Location::Region(region) => Ok(region.base_url().to_string()),
            Location::Custom(url) => check_url(url, "base url", self.allow_insecure_http),
        }
    }

    /// Exactly one credential, checked; for a service account, its token
    /// URL too.
    fn checked_credentials(&self) -> Result<(Credentials, Option<String>), Error> {
        match (&self.api_key, &self.service_account) {
            (Some(_), Some(_)) => Err(Error::invalid(
                "credentials",
                "both an API key and a service account were given; a client uses exactly \
                 one (ClientBuilder::from_env prefers the service account)",
            )),
            (None, None) => Err(Error::invalid(
                "credentials",
                "no credential: call ClientBuilder::api_key (the admin console, API \
                 Settings) or ClientBuilder::service_account (Service Accounts), or set \
                 JUMPCLOUD_API_KEY or JUMPCLOUD_CLIENT_ID/JUMPCLOUD_CLIENT_SECRET and use \
                 ClientBuilder::from_env",
            )),
            (Some(key), None) => Ok((Credentials::api_key(key.clone())?, None)),
            (None, Some((id, secret))) => {
                let token_url = self.checked_token_url()?;
                let credentials = Credentials::service_account(
                    id.clone(),
                    secret,
                    token_url.clone(),
                    self.scope.clone(),
                )?;
                Ok((credentials, Some(token_url)))
            }
        }
    }

    /// The token URL given, or the region's; a custom base URL needs one.
    fn checked_token_url(&self) -> Result<String, Error> {
        match (&self.token_url, &self.location) {
            (Some(url), _) => check_url(url, "token url", self.allow_insecure_http),
            (None, Location::Region(region)) => Ok(region.token_url().to_string()),
            (None, Location::Custom(_)) => Err(Error::invalid(
                "token url",
                "a custom base URL needs ClientBuilder::token_url for a service \
                 account (or JUMPCLOUD_TOKEN_URL)",
            )),
        }
    }

    /// The timeouts above zero, and the client-side limits.
    fn checked_limits(&self) -> Result<Limits, Error> {
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
        Ok(Limits::new(rate, self.max_in_flight, self.adaptive_rate))
    }

    /// `User-Agent`: the caller's product token, then this crate's.
    fn user_agent_header(&self) -> Result<HeaderValue, Error> {
        let user_agent = match &self.user_agent {
            Some(product) => format!("{product} {USER_AGENT_VALUE}"),
            None => USER_AGENT_VALUE.to_string(),
        };
        HeaderValue::from_str(&user_agent).map_err(|_| {
            Error::invalid(
                "user agent",
                format!(
                    "{:?} is not a header value",
                    user_agent.chars().take(64).collect::<String>()
                ),
            )
        })
    }

    /// The HTTP client: the caller's builder or a default one, never
    /// following redirects, with this builder's connect timeout and (with
    /// `tls-ring`) this crate's TLS.
    fn build_http_client(&mut self) -> Result<reqwest::Client, Error> {
        let http = self
            .http
            .take()
            .unwrap_or_default()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(self.connect_timeout);
        #[cfg(feature = "tls-ring")]
        let http = http.tls_backend_preconfigured(crate::tls::ring_config()?);
        http.build()
            .map_err(|e| Error::invalid("http client", e.to_string()))
    }
}

impl Client {
    /// A builder with the defaults; see [`ClientBuilder`].
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }
}

fn path_of(url: &str) -> String {
    Url::parse(url)
        .map(|u| u.path().to_string())
        .unwrap_or_default()
}

fn host_of(url: &str) -> String {
    Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_default()
}

/// Accepts `https://host[:port]/path`, or `http://` on loopback (or
/// anywhere, when allowed); returns it without a trailing slash.
fn check_url(raw: &str, field: &'static str, allow_insecure_http: bool) -> Result<String, Error> {
    let shown: String = raw.chars().take(200).collect();
    let bad = |reason: String| Error::invalid(field, format!("{shown:?}: {reason}"));
    let url = Url::parse(raw.trim()).map_err(|e| bad(e.to_string()))?;
    let host = url.host_str().ok_or_else(|| bad("it has no host".into()))?;
    match url.scheme() {
        "https" => {}
        "http" if allow_insecure_http || is_loopback(host) => {}
        "http" => {
            return Err(bad(
                "plain http would send the credential unencrypted; use https, a loopback host, \
                 or ClientBuilder::allow_insecure_http(true)"
                    .into(),
            ));
        }
        other => return Err(bad(format!("the scheme must be https, not {other}"))),
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("the URL cannot have a query or a fragment".into()));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("the URL cannot carry credentials".into()));
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

    const KEY: &str = "0123456789abcdef0123456789abcdef01234567";

    fn field(result: Result<Client, Error>) -> &'static str {
        match result {
            Err(error) => error.field().unwrap_or("(not invalid input)"),
            Ok(_) => "(built)",
        }
    }

    #[test]
    fn a_missing_or_unusable_key_is_reported() {
        assert_eq!(field(Client::builder().build()), "credentials");
        for bad in [
            "  ",
            "k",
            "a\nbcdefghijklmnopqrstu",
            "short-but-real?",
            "spaces in a key 1234",
        ] {
            assert_eq!(
                field(Client::builder().api_key(bad).build()),
                "api key",
                "{bad:?}"
            );
        }
    }

    #[test]
    fn two_credentials_are_refused() {
        let both = Client::builder()
            .api_key(KEY)
            .service_account("client-id", KEY)
            .build();
        assert_eq!(field(both), "credentials");
    }

    #[test]
    fn from_env_prefers_the_service_account() {
        let vars = |name: &str| match name {
            "JUMPCLOUD_CLIENT_ID" => Some("client-id".to_string()),
            "JUMPCLOUD_CLIENT_SECRET" | "JUMPCLOUD_API_KEY" => Some(KEY.to_string()),
            "JUMPCLOUD_REGION" => Some("eu".to_string()),
            _ => None,
        };
        let client = ClientBuilder::new()
            .with_vars(vars)
            .unwrap()
            .build()
            .unwrap();
        assert!(format!("{client:?}").contains("ServiceAccount"));
        assert!(format!("{client:?}").contains("admin-oauth.id.eu.jumpcloud.com"));
        let half = |name: &str| (name == "JUMPCLOUD_CLIENT_ID").then(|| "id".to_string());
        assert_eq!(
            ClientBuilder::new().with_vars(half).unwrap_err().field(),
            Some("service account")
        );
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
                field(Client::builder().api_key(KEY).base_url(url).build()),
                "base url",
                "{url}"
            );
        }
    }

    #[test]
    fn a_service_account_on_a_custom_host_needs_a_token_url() {
        let builder = || {
            Client::builder()
                .service_account("client-id", KEY)
                .base_url("http://127.0.0.1:9/api/v2")
        };
        assert_eq!(field(builder().build()), "token url");
        assert_eq!(
            field(
                builder()
                    .token_url("http://example.com/oauth2/token")
                    .build()
            ),
            "token url"
        );
        assert!(
            builder()
                .token_url("http://127.0.0.1:9/oauth2/token")
                .build()
                .is_ok()
        );
    }

    #[test]
    fn plain_http_is_accepted_on_loopback_or_when_allowed() {
        for url in [
            "http://127.0.0.1:8080/api/v2",
            "http://localhost/api/v2/",
            "http://[::1]:9/api/v2",
        ] {
            let client = Client::builder()
                .api_key(KEY)
                .base_url(url)
                .build()
                .unwrap();
            assert!(!client.base_url().ends_with('/'));
        }
        let client = Client::builder()
            .api_key(KEY)
            .base_url("http://example.com/api/v2")
            .allow_insecure_http(true)
            .build();
        assert!(client.is_ok());
    }

    #[test]
    fn zero_limits_and_timeouts_are_reported() {
        let builder = || Client::builder().api_key(KEY);
        assert_eq!(field(builder().timeout(Duration::ZERO).build()), "timeout");
        assert_eq!(field(builder().rate_limit(0).build()), "rate limit");
        assert_eq!(field(builder().max_in_flight(0).build()), "max in flight");
        assert_eq!(field(builder().prefetch(0).build()), "prefetch");
        assert_eq!(
            field(builder().max_response_bytes(0).build()),
            "max response bytes"
        );
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
        assert_eq!("IN".parse::<Region>().unwrap(), Region::In);
        assert!("mars".parse::<Region>().is_err());
    }

    #[test]
    fn no_secret_shows_in_debug_output() {
        let builder = Client::builder().api_key(KEY);
        assert!(!format!("{builder:?}").contains(KEY));
        let client = builder.build().unwrap();
        assert!(!format!("{client:?}").contains(KEY));
        let account = Client::builder().service_account("client-id", KEY);
        assert!(!format!("{account:?}").contains(KEY));
        assert!(!format!("{:?}", account.build().unwrap()).contains(KEY));
    }
}
