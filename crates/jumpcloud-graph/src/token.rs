//! A service account's bearer token: fetched once for every caller, kept
//! until shortly before it expires, and when the token endpoint fails,
//! that one failure shared by every caller for a few seconds.
//!
//! A hostile or broken token endpoint must not multiply requests: a fetch
//! is tried at most twice (its own policy), runs once however many callers
//! wait (single flight, failures included), and after it fails no new one
//! starts for [`FAILURE_SHARED_FOR`]. The fetch runs in a task of its own,
//! so a caller whose timeout or deadline ends its wait (which those bound)
//! neither cancels it for the others nor starts another.
//!
//! The token request is built here (Basic credentials, the form body) and
//! sent through the client's request path, which the caller hands in as a
//! [`SendToken`] function: its timeouts, limits, backoff and `Retry-After`
//! handling apply to the token endpoint too, without this module knowing
//! the client.

use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use bytes::Bytes;
use futures::FutureExt as _;
use futures::future::{BoxFuture, Shared};
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use secrecy::{ExposeSecret, SecretString};
use tokio::time::Instant;

use crate::Error;
use crate::error::{Request, ScrubbedCause};
use crate::printable::excerpt;
use crate::secrets::{Scrubber, check_secret};

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
/// How many attempts one fetch makes: the first and one retry.
const FETCH_ATTEMPTS: u32 = 2;
/// How long a failed fetch is the answer for every caller that needs a
/// token, without asking the endpoint again.
pub(crate) const FAILURE_SHARED_FOR: Duration = Duration::from_secs(5);

/// What a fetch ends with, for every caller waiting on it.
type Outcome = Result<Bearer, Arc<Error>>;

/// Sends the token request (the `POST` this module builds) through the
/// client's request path, at most the given number of times, and returns
/// the response body of a success.
pub(crate) type SendToken<'a> =
    dyn Fn(reqwest::Request, u32) -> BoxFuture<'static, Result<Bytes, Error>> + Send + Sync + 'a;

/// A bearer token's `Authorization` header, and which token it was, so
/// that a 401 invalidates that token and no newer one.
#[derive(Clone)]
pub(crate) struct Bearer {
    pub(crate) header: HeaderValue,
    pub(crate) generation: u64,
}

/// OAuth 2.0 client credentials for a service account, and the token cache
/// all clones of a client share.
pub(crate) struct TokenSource {
    client_id: String,
    token_url: String,
    /// The token request, as errors name it.
    request: Request,
    scope: String,
    basic: HeaderValue,
    secret_scrubber: Scrubber,
    state: Mutex<TokenState>,
    scrubber: RwLock<Scrubber>,
}

#[derive(Default)]
struct TokenState {
    current: Option<Token>,
    generation: u64,
    past: Vec<SecretString>,
    /// The fetch in flight, which every caller that needs a token joins.
    fetch: Option<InFlight>,
    /// How many fetches were started, to tell them apart.
    fetches: u64,
    /// The last fetch's failure, while it is shared.
    failure: Option<Failure>,
}

struct InFlight {
    id: u64,
    outcome: Shared<BoxFuture<'static, Outcome>>,
}

struct Failure {
    error: Arc<Error>,
    until: Instant,
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
        exposed: &str,
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
        use base64::Engine as _;
        let encoded =
            base64::engine::general_purpose::STANDARD.encode(format!("{client_id}:{exposed}"));
        let mut basic = HeaderValue::from_str(&format!("Basic {encoded}"))
            .map_err(|_| Error::invalid("client secret", "it cannot be sent in a header"))?;
        basic.set_sensitive(true);
        let secret_scrubber = Scrubber::new([exposed, encoded.as_str()]);
        let path = reqwest::Url::parse(&token_url)
            .map(|url| url.path().to_string())
            .unwrap_or_default();
        Ok(Self {
            client_id,
            token_url,
            request: Request {
                method: "POST",
                path,
            },
            scope,
            basic,
            scrubber: RwLock::new(secret_scrubber.clone()),
            secret_scrubber,
            state: Mutex::new(TokenState::default()),
        })
    }

    pub(crate) fn scrub(&self, text: &str) -> String {
        read(&self.scrubber).scrub(text)
    }

    /// A token to send: the cached one while it is fresh. Within the
    /// margin before its expiry, the first caller starts a refresh and
    /// waits for it (falling back on the old token if it fails); the others
    /// keep using the old token. With none, or an expired one, every caller
    /// waits for the one fetch in flight, or gets the failure of the last
    /// one while it is shared.
    pub(crate) async fn bearer(self: &Arc<Self>, send: &SendToken<'_>) -> Result<Bearer, Error> {
        let (outcome, fallback) = {
            let mut state = lock(&self.state);
            let now = Instant::now();
            let usable = state
                .current
                .as_ref()
                .filter(|token| now < token.expires_at)
                .map(|token| (token.bearer(), token.refresh_at <= now));
            match usable {
                Some((fresh, false)) => return Ok(fresh),
                Some((old, true)) => {
                    if state.fetch.is_some() || state.failed_recently(now) {
                        return Ok(old);
                    }
                    (self.start_fetch(send, &mut state)?, Some(old))
                }
                None => {
                    if let Some(failure) = state.shared_failure(now) {
                        return Err(failure);
                    }
                    match &state.fetch {
                        Some(fetch) => (fetch.outcome.clone(), None),
                        None => (self.start_fetch(send, &mut state)?, None),
                    }
                }
            }
        };
        match (outcome.await, fallback) {
            (Ok(fresh), _) => Ok(fresh),
            (Err(error), Some(old)) => {
                tracing::warn!(error = %error,
                    "could not refresh the service account's token ahead of expiry; using the old one");
                Ok(old)
            }
            (Err(error), None) => Err(error.duplicate()),
        }
    }

    /// Starts a fetch in a task of its own and records it as in flight.
    fn start_fetch(
        self: &Arc<Self>,
        send: &SendToken<'_>,
        state: &mut TokenState,
    ) -> Result<Shared<BoxFuture<'static, Outcome>>, Error> {
        let runtime = tokio::runtime::Handle::try_current().map_err(|_| {
            Error::invalid(
                "runtime",
                "a service account's token is fetched on a Tokio runtime; none is running",
            )
        })?;
        state.fetches = state.fetches.wrapping_add(1);
        let id = state.fetches;
        let answer = match self.token_request() {
            Ok(request) => send(request, FETCH_ATTEMPTS),
            Err(error) => futures::future::ready(Err(error)).boxed(),
        };
        let task = runtime.spawn(fetch_and_record(self.clone(), answer, id));
        let request = self.request.clone();
        let outcome = async move {
            task.await.unwrap_or_else(|_| {
                let cause = ScrubbedCause::text(
                    "the token fetch ended without an answer (its runtime shut down)".into(),
                );
                Err(Arc::new(
                    Error::transport(request, Some(cause)).fetching_token(),
                ))
            })
        }
        .boxed()
        .shared();
        state.fetch = Some(InFlight {
            id,
            outcome: outcome.clone(),
        });
        Ok(outcome)
    }

    /// The token request: client credentials in a Basic header, the grant
    /// and scope in a form body.
    fn token_request(&self) -> Result<reqwest::Request, Error> {
        let url = reqwest::Url::parse(&self.token_url)
            .map_err(|_| Error::invalid("token url", "the token URL is not a URL"))?;
        let mut request = reqwest::Request::new(reqwest::Method::POST, url);
        let headers = request.headers_mut();
        headers.insert(AUTHORIZATION, self.basic.clone());
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        );
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        let body: String = form_urlencoded::Serializer::new(String::new())
            .append_pair("grant_type", "client_credentials")
            .append_pair("scope", &self.scope)
            .finish();
        *request.body_mut() = Some(body.into());
        Ok(request)
    }

    /// Forgets the token of `generation` after a 401 (a newer one stays).
    pub(crate) fn invalidate(&self, generation: u64) {
        let mut state = lock(&self.state);
        if state
            .current
            .as_ref()
            .is_some_and(|token| token.generation == generation)
        {
            state.current = None;
        }
    }

    /// Ends fetch `id`: no longer in flight, and its failure shared.
    fn record(&self, id: u64, outcome: Result<Bearer, Error>) -> Outcome {
        let mut state = lock(&self.state);
        if state.fetch.as_ref().is_some_and(|fetch| fetch.id == id) {
            state.fetch = None;
        }
        match outcome {
            Ok(fresh) => {
                state.failure = None;
                Ok(fresh)
            }
            Err(error) => {
                let error = Arc::new(error.fetching_token());
                state.failure = Some(Failure {
                    error: error.clone(),
                    until: Instant::now() + FAILURE_SHARED_FOR,
                });
                Err(error)
            }
        }
    }

    /// Reads a token response and caches the token.
    fn accept(&self, body: &[u8]) -> Result<Token, Error> {
        let bad = |reason: String| {
            Error::decode(
                self.request.clone(),
                String::new(),
                ScrubbedCause::text(reason),
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
                excerpt(&self.scrub(kind), 32)
            )));
        }
        let lifetime = lifetime(json.get("expires_in"));
        let mut header = HeaderValue::from_str(&format!("Bearer {access}"))
            .map_err(|_| bad("the access_token is not a header value".into()))?;
        header.set_sensitive(true);
        Ok(self.cache(header, access, lifetime))
    }

    /// Makes `header` the current token and adds `access` to the scrubber.
    fn cache(&self, header: HeaderValue, access: &str, lifetime: Duration) -> Token {
        // Refresh ahead of expiry by 60 s or a tenth of the lifetime.
        let margin = (lifetime / 10).min(Duration::from_secs(60));
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
        token
    }
}

impl TokenState {
    /// Whether the last fetch failed less than [`FAILURE_SHARED_FOR`] ago.
    fn failed_recently(&self, now: Instant) -> bool {
        self.failure
            .as_ref()
            .is_some_and(|failure| now < failure.until)
    }

    /// The last fetch's failure, for one more caller, while it is shared.
    fn shared_failure(&self, now: Instant) -> Option<Error> {
        self.failure
            .as_ref()
            .filter(|failure| now < failure.until)
            .map(|failure| failure.error.duplicate())
    }
}

/// The task one fetch runs in: it waits for the token endpoint's `answer`,
/// then records the outcome, so the cache is updated even when no caller
/// waits any more.
async fn fetch_and_record(
    source: Arc<TokenSource>,
    answer: BoxFuture<'static, Result<Bytes, Error>>,
    id: u64,
) -> Outcome {
    // Should the task be dropped unfinished (its runtime shut down), the
    // fetch is no longer in flight: the next caller starts another.
    let _ends = EndsFetch {
        source: &source,
        id,
    };
    let outcome = match answer.await {
        Ok(body) => source.accept(&body).map(|token| token.bearer()),
        Err(error) => Err(error),
    };
    source.record(id, outcome)
}

/// Clears fetch `id` from the state when dropped.
struct EndsFetch<'a> {
    source: &'a TokenSource,
    id: u64,
}

impl Drop for EndsFetch<'_> {
    fn drop(&mut self) {
        let mut state = lock(&self.source.state);
        if state
            .fetch
            .as_ref()
            .is_some_and(|fetch| fetch.id == self.id)
        {
            state.fetch = None;
        }
    }
}

/// A token's lifetime from `expires_in`, whatever the server sent there.
fn lifetime(expires_in: Option<&serde_json::Value>) -> Duration {
    expires_in
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
        .clamp(MIN_TOKEN_LIFETIME, MAX_TOKEN_LIFETIME)
}

impl Token {
    fn bearer(&self) -> Bearer {
        Bearer {
            header: self.header.clone(),
            generation: self.generation,
        }
    }
}

impl std::fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServiceAccount")
            .field("client_id", &self.client_id)
            .field("token_url", &self.token_url)
            .field("scope", &self.scope)
            .field("client_secret", &"[redacted]")
            .finish()
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
