//! Who the client is: an administrator's API key (`x-api-key`) or a
//! service account (OAuth 2.0 client credentials, `Authorization: Bearer`).
//!
//! Credentials are applied to each request as it is sent, not baked into
//! default headers, so a bearer token can be fetched lazily, shared by all
//! clones of a client, refreshed ahead of expiry and replaced after a 401.
//! Every secret (key, client secret, the Basic header, tokens) feeds the
//! [`Scrubber`] that cleans every text the client keeps.

use std::sync::{Mutex, RwLock};
use std::time::Duration;

use base64::Engine as _;
use http::header::{AUTHORIZATION, HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};
use tokio::time::Instant;

use crate::secrets::{Scrubber, check_secret};
use crate::{Client, Error};

/// An administrator's API key, held as a secret: `Debug` shows
/// `[redacted]`, and it has no `Display`. It only leaves the process in the
/// `x-api-key` header.
///
/// Keys shorter than 16 characters, or with whitespace or control
/// characters, are refused when the client is built (JumpCloud's keys have
/// 40 characters).
#[derive(Clone)]
pub struct ApiKey(SecretString);

impl ApiKey {
    /// Wraps `key`.
    pub fn new(key: impl Into<String>) -> Self {
        Self(SecretString::from(key.into()))
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

/// A service account's client secret, held as a secret like [`ApiKey`].
#[derive(Clone)]
pub struct ClientSecret(SecretString);

impl ClientSecret {
    /// Wraps `secret`.
    pub fn new(secret: impl Into<String>) -> Self {
        Self(SecretString::from(secret.into()))
    }
}

impl std::fmt::Debug for ClientSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ClientSecret([redacted])")
    }
}

impl From<String> for ClientSecret {
    fn from(secret: String) -> Self {
        Self::new(secret)
    }
}

impl From<&str> for ClientSecret {
    fn from(secret: &str) -> Self {
        Self::new(secret)
    }
}

/// What a request is sent with.
pub(crate) enum Credentials {
    ApiKey {
        header: HeaderValue,
        scrubber: Scrubber,
    },
    ServiceAccount(Box<TokenSource>),
}

/// The credential header one attempt carries, and for tokens which token
/// it was, so that a 401 invalidates that token and no newer one.
pub(crate) struct Authorization {
    pub(crate) name: HeaderName,
    pub(crate) value: HeaderValue,
    generation: Option<u64>,
}

/// Which server an error came from, for hints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Endpoint {
    /// The v2 API.
    Api,
    /// The OAuth token endpoint.
    Token,
}

impl Credentials {
    pub(crate) fn api_key(key: ApiKey) -> Result<Self, Error> {
        let exposed = key.0.expose_secret();
        check_secret(exposed).map_err(|reason| {
            Error::invalid(
                "api key",
                format!(
                    "the API key cannot be a JumpCloud key: {reason}; find yours in the admin \
                     console under API Settings"
                ),
            )
        })?;
        let mut header = HeaderValue::from_str(exposed)
            .map_err(|_| Error::invalid("api key", "the API key cannot be a header value"))?;
        header.set_sensitive(true);
        Ok(Credentials::ApiKey {
            header,
            scrubber: Scrubber::new([exposed]),
        })
    }

    pub(crate) fn service_account(source: TokenSource) -> Self {
        Credentials::ServiceAccount(Box::new(source))
    }

    /// `text` with no 8 consecutive characters of any secret in it.
    pub(crate) fn scrub(&self, text: &str) -> String {
        match self {
            Credentials::ApiKey { scrubber, .. } => scrubber.scrub(text),
            Credentials::ServiceAccount(source) => source.scrub(text),
        }
    }

    /// The header for one attempt, fetching or refreshing a token if needed.
    pub(crate) async fn authorize(&self, client: &Client) -> Result<Authorization, Error> {
        match self {
            Credentials::ApiKey { header, .. } => Ok(Authorization {
                name: HeaderName::from_static("x-api-key"),
                value: header.clone(),
                generation: None,
            }),
            // Boxed: fetching a token goes through the client's request
            // path, which calls back here.
            Credentials::ServiceAccount(source) => Box::pin(source.bearer(client)).await,
        }
    }

    /// Called when an attempt sent with `used` got a 401. Returns whether
    /// sending again with a fresh credential may help (a token, not a key).
    pub(crate) fn refused(&self, used: &Authorization) -> bool {
        match (self, used.generation) {
            (Credentials::ServiceAccount(source), Some(generation)) => {
                source.invalidate(generation);
                true
            }
            _ => false,
        }
    }

    /// The likely cause of a refusal, when one can be guessed.
    pub(crate) fn hint(
        &self,
        endpoint: Endpoint,
        status: u16,
        error: Option<&str>,
        message: Option<&str>,
        host: &str,
    ) -> Option<String> {
        let said = format!(
            "{} {}",
            error.unwrap_or_default(),
            message.unwrap_or_default()
        )
        .to_ascii_lowercase();
        let regions = "EU organizations use Region::Eu, IN organizations Region::In";
        match (endpoint, status, self) {
            (Endpoint::Token, 400 | 401, _) if said.contains("invalid_client") => Some(format!(
                "{host} refused the client id or secret: check both in the console under \
                 Service Accounts, and the region (service accounts exist in one region; \
                 {regions})"
            )),
            (Endpoint::Token, 400, _) if said.contains("invalid_scope") => Some(
                "the token endpoint refused the scope: JumpCloud's admin API scope is `api`".into(),
            ),
            (Endpoint::Token, 401 | 403, _) => Some(format!(
                "{host} refused the service account: check the client id, the secret and the \
                 region ({regions})"
            )),
            (Endpoint::Api, 401, _) if said.contains("no organization selected") => Some(
                "this credential belongs to a multi-tenant administrator: set an organization id \
                 with ClientBuilder::org_id, or per request with .org_id(..)"
                    .into(),
            ),
            (Endpoint::Api, 401, Credentials::ApiKey { .. })
                if said.contains("api key user not found") =>
            {
                Some(format!(
                    "{host} does not know this API key: check the key, and the region ({regions}; \
                     console.eu.jumpcloud.com, console.in.jumpcloud.com)"
                ))
            }
            (Endpoint::Api, 401, Credentials::ApiKey { .. }) => Some(
                "the API key was refused: check it in the console under API Settings; \
                 multi-tenant keys also need an organization id"
                    .into(),
            ),
            (Endpoint::Api, 401, Credentials::ServiceAccount(_)) => Some(
                "the service account's token was refused even after a fresh one was fetched: \
                 check the account's role and that it belongs to this region and organization"
                    .into(),
            ),
            (Endpoint::Api, 403, _) if said.contains("organization selection not allowed") => {
                Some("this route refuses x-org-id: send the request with .without_org_id()".into())
            }
            _ => None,
        }
    }
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credentials::ApiKey { .. } => f.write_str("ApiKey([redacted])"),
            Credentials::ServiceAccount(source) => f
                .debug_struct("ServiceAccount")
                .field("client_id", &source.client_id)
                .field("token_url", &source.token_url)
                .field("scope", &source.scope)
                .field("client_secret", &"[redacted]")
                .finish(),
        }
    }
}

/// How long a token is used at most, and at least, whatever the server's
/// `expires_in` says: a hostile `0` must not cause a token fetch per
/// request, nor a huge value a token kept forever.
const MIN_TOKEN_LIFETIME: Duration = Duration::from_secs(30);
const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);
/// Lifetime assumed when the server does not say (JumpCloud's is an hour).
const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(60 * 60);
/// The largest token accepted, in bytes.
const MAX_TOKEN_BYTES: usize = 16 * 1024;
/// How many past tokens stay in the scrubber.
const REMEMBERED_TOKENS: usize = 4;

/// OAuth 2.0 client credentials for a service account, and the token cache
/// all clones of a client share.
pub(crate) struct TokenSource {
    client_id: String,
    token_url: String,
    scope: String,
    basic: HeaderValue,
    secret_scrubber: Scrubber,
    state: Mutex<TokenState>,
    /// Held while a token is fetched: at most one fetch at a time.
    fetching: tokio::sync::Mutex<()>,
    scrubber: RwLock<Scrubber>,
}

#[derive(Default)]
struct TokenState {
    current: Option<Token>,
    generation: u64,
    past: Vec<SecretString>,
}

#[derive(Clone)]
struct Token {
    header: HeaderValue,
    generation: u64,
    refresh_at: Instant,
    expires_at: Instant,
}

impl TokenSource {
    pub(crate) fn new(
        client_id: String,
        secret: ClientSecret,
        token_url: String,
        scope: String,
    ) -> Result<Self, Error> {
        if client_id.trim().is_empty() || !client_id.chars().all(|c| c.is_ascii_graphic()) {
            return Err(Error::invalid(
                "client id",
                "a service account's client id is visible ASCII without spaces",
            ));
        }
        if client_id.contains(':') {
            return Err(Error::invalid(
                "client id",
                "a client id cannot contain ':' (it separates id and secret in the Basic header)",
            ));
        }
        let exposed = secret.0.expose_secret();
        check_secret(exposed).map_err(|reason| {
            Error::invalid(
                "client secret",
                format!("the client secret cannot be a JumpCloud secret: {reason}"),
            )
        })?;
        if scope.is_empty() || !scope.chars().all(|c| c.is_ascii_graphic() || c == ' ') {
            return Err(Error::invalid(
                "scope",
                "a scope is visible ASCII, e.g. `api`",
            ));
        }
        let encoded =
            base64::engine::general_purpose::STANDARD.encode(format!("{client_id}:{exposed}"));
        let mut basic = HeaderValue::from_str(&format!("Basic {encoded}"))
            .map_err(|_| Error::invalid("client secret", "it cannot be sent in a header"))?;
        basic.set_sensitive(true);
        let secret_scrubber = Scrubber::new([exposed, encoded.as_str()]);
        Ok(Self {
            client_id,
            token_url,
            scope,
            basic,
            scrubber: RwLock::new(secret_scrubber.clone()),
            secret_scrubber,
            state: Mutex::new(TokenState::default()),
            fetching: tokio::sync::Mutex::new(()),
        })
    }

    fn scrub(&self, text: &str) -> String {
        read(&self.scrubber).scrub(text)
    }

    /// A token to send: the cached one while it is fresh; a refresh (by one
    /// caller, the others keep using the old token) once it is within the
    /// margin of its expiry; a fetch that every caller waits for when there
    /// is none or it expired.
    async fn bearer(&self, client: &Client) -> Result<Authorization, Error> {
        let now = Instant::now();
        let current = lock(&self.state).current.clone();
        if let Some(token) = &current {
            if now < token.refresh_at {
                return Ok(token.authorization());
            }
            if now < token.expires_at {
                // Refresh ahead of expiry unless someone already is.
                // A failed early refresh is not an error yet: the old token
                // is still good, and the next caller tries again.
                return match self.fetching.try_lock() {
                    Ok(_guard) => match self.fetch(client).await {
                        Ok(fresh) => Ok(fresh),
                        Err(error) => {
                            tracing::warn!(error = %error,
                                "could not refresh the service account's token ahead of expiry");
                            Ok(token.authorization())
                        }
                    },
                    Err(_) => Ok(token.authorization()),
                };
            }
        }
        let _guard = self.fetching.lock().await;
        // Someone else may have fetched while this caller waited.
        if let Some(token) = &lock(&self.state).current
            && Instant::now() < token.expires_at
            && current
                .as_ref()
                .is_none_or(|old| old.generation != token.generation)
        {
            return Ok(token.authorization());
        }
        self.fetch(client).await
    }

    /// Forgets the token of `generation` after a 401 (a newer one stays).
    fn invalidate(&self, generation: u64) {
        let mut state = lock(&self.state);
        if state
            .current
            .as_ref()
            .is_some_and(|token| token.generation == generation)
        {
            state.current = None;
        }
    }

    /// Fetches a token (the caller holds `fetching`).
    async fn fetch(&self, client: &Client) -> Result<Authorization, Error> {
        let answer = client
            .request_token(&self.token_url, &self.basic, &self.scope)
            .await?;
        let token = self.accept(answer.body.as_ref(), client)?;
        Ok(token.authorization())
    }

    /// Reads a token response and caches the token.
    fn accept(&self, body: &[u8], client: &Client) -> Result<Token, Error> {
        let request = crate::error::Request {
            method: "POST",
            path: client.shared.token_path.clone(),
        };
        let bad = |reason: String| {
            Error::decode(
                request.clone(),
                String::new(),
                crate::error::ScrubbedCause::text(reason),
            )
        };
        let json: serde_json::Value = serde_json::from_slice(body)
            .map_err(|_| bad("the token response is not JSON".into()))?;
        let access = json
            .get("access_token")
            .and_then(serde_json::Value::as_str)
            .ok_or_else(|| bad("the token response has no access_token".into()))?;
        if access.is_empty()
            || access.len() > MAX_TOKEN_BYTES
            || !access.chars().all(|c| c.is_ascii_graphic())
        {
            return Err(bad(
                "the access_token is empty, too long, or not a header value".into(),
            ));
        }
        if let Some(kind) = json.get("token_type").and_then(serde_json::Value::as_str)
            && !kind.eq_ignore_ascii_case("bearer")
        {
            return Err(bad(format!(
                "the token type is {:?}, not bearer",
                crate::error::excerpt(&self.scrub(kind), 32)
            )));
        }
        let lifetime = json
            .get("expires_in")
            .and_then(|v| {
                v.as_u64()
                    // A negative lifetime is an expired token: the shortest
                    // lifetime below. `as` saturates a huge float.
                    .or_else(|| {
                        v.as_f64()
                            .filter(|f| f.is_finite())
                            .map(|f| f.max(0.0) as u64)
                    })
                    .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
            })
            .map_or(DEFAULT_TOKEN_LIFETIME, Duration::from_secs)
            .clamp(MIN_TOKEN_LIFETIME, MAX_TOKEN_LIFETIME);
        // Refresh ahead of expiry by 60 s or a tenth of the lifetime.
        let margin = (lifetime / 10).min(Duration::from_secs(60));
        let mut header = HeaderValue::from_str(&format!("Bearer {access}"))
            .map_err(|_| bad("the access_token is not a header value".into()))?;
        header.set_sensitive(true);
        let now = Instant::now();
        let mut state = lock(&self.state);
        state.generation = state.generation.saturating_add(1);
        let token = Token {
            header,
            generation: state.generation,
            refresh_at: now + (lifetime - margin),
            expires_at: now + lifetime,
        };
        state.current = Some(token.clone());
        state.past.push(SecretString::from(access.to_string()));
        if state.past.len() > REMEMBERED_TOKENS {
            state.past.remove(0);
        }
        let mut scrubber = self.secret_scrubber.clone();
        for past in &state.past {
            scrubber.add(past.expose_secret());
        }
        *self
            .scrubber
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = scrubber;
        Ok(token)
    }
}

impl Token {
    fn authorization(&self) -> Authorization {
        Authorization {
            name: AUTHORIZATION,
            value: self.header.clone(),
            generation: Some(self.generation),
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
