//! One error type for everything the client can fail at, with predicates
//! and accessors so callers never match on status codes or strings.
//!
//! [`Error`] follows reqwest's convention: its `Display` says what failed at
//! this layer (the request, the status, what the server said), and
//! [`source`](std::error::Error::source) carries the underlying cause, so
//! `anyhow`/`eyre` print each cause once. It is one pointer wide, so
//! `Result<T, Error>` stays small.

use std::fmt;
use std::time::Duration;

use crate::api_error::ApiError;
use crate::printable::excerpt;

/// What kind of failure an [`Error`] is; see [`Error::kind`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input was rejected before any request was sent.
    InvalidInput,
    /// JumpCloud (or the token endpoint) answered with an error status, or
    /// with a redirect, which this client never follows.
    Api,
    /// The request or its response could not travel: connection refused or
    /// reset, TLS failure, the body cut off mid-way.
    Transport,
    /// No complete response arrived within the timeout.
    Timeout,
    /// The server answered with success but a body this client cannot or
    /// will not read (malformed, larger than the size cap, or a page with
    /// more items than were asked for).
    Decode,
    /// A paginated list could not be read completely: the server kept
    /// answering without progress, or, while its own count said more
    /// existed, repeated items or left a page empty with items after it.
    Pagination,
    /// A lookup by email, username or name matched no object or several
    /// ([`Error::matches`] lists them): nothing was chosen.
    NoUniqueMatch,
}

/// Everything a call can fail with.
///
/// Each kind answers a question a caller has: was my input wrong
/// ([`is_invalid_input`](Self::is_invalid_input), raised before any
/// request), did JumpCloud say no ([`api`](Self::api),
/// [`status`](Self::status)), did the network fail
/// ([`is_transport`](Self::is_transport), [`is_timeout`](Self::is_timeout)),
/// or did the server send something this client cannot read
/// ([`is_decode`](Self::is_decode), [`is_pagination`](Self::is_pagination)).
/// No error ever contains a credential: every text that came from the
/// server is scrubbed of the API key, client secret and tokens before it is
/// stored.
///
/// ```
/// # fn check(error: jumpcloud_graph::Error) {
/// if error.is_not_found() {
///     println!("no such user");
/// } else if error.is_retryable() {
///     println!("try again later: {error}");
/// }
/// # }
/// ```
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    repr: Repr,
    attempts: u32,
    elapsed: Duration,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
    /// Whether it was the service account's token that could not be had.
    fetching_token: bool,
}

/// What [`Error`]'s `Display` says first when a token fetch failed.
const FETCHING_TOKEN: &str = "could not fetch the service account's token";

#[derive(Clone)]
enum Repr {
    InvalidInput {
        field: &'static str,
        reason: String,
    },
    Api(ApiError),
    Transport {
        request: Request,
    },
    Timeout {
        request: Request,
        after: Duration,
    },
    Decode {
        request: Request,
        body: String,
    },
    Stalled {
        path: String,
        skip: u64,
        pages: u32,
    },
    Incomplete {
        path: String,
        expected: u64,
        yielded: u64,
        /// Where a page came back empty twice while later pages held
        /// items; `None` when pages repeated items instead.
        empty_at: Option<u64>,
    },
    NoUniqueMatch {
        /// What was looked for, e.g. `user with email`.
        what: &'static str,
        value: String,
        /// Each match as `name (id)`; empty when none matched.
        matches: Vec<String>,
    },
}

/// The request an error is about.
#[derive(Clone, Debug)]
pub(crate) struct Request {
    pub(crate) method: &'static str,
    pub(crate) path: String,
}

/// A cause whose text was scrubbed of credentials; it stands in for an
/// underlying error (reqwest's, say) whose own text could carry one.
#[derive(Debug)]
pub(crate) struct ScrubbedCause {
    message: String,
    source: Option<Box<ScrubbedCause>>,
}

impl ScrubbedCause {
    /// The chain of `error`'s causes, each scrubbed; `None` when empty.
    pub(crate) fn chain(
        error: &dyn std::error::Error,
        scrub: &dyn Fn(&str) -> String,
    ) -> Option<Box<ScrubbedCause>> {
        let mut messages = Vec::new();
        let mut next: Option<&dyn std::error::Error> = Some(error);
        while let Some(cause) = next {
            messages.push(crate::printable::printable(&scrub(&cause.to_string())).into_owned());
            next = cause.source();
        }
        messages.into_iter().rev().fold(None, |source, message| {
            Some(Box::new(ScrubbedCause { message, source }))
        })
    }

    pub(crate) fn text(message: String) -> Box<ScrubbedCause> {
        Box::new(ScrubbedCause {
            message,
            source: None,
        })
    }
}

impl fmt::Display for ScrubbedCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ScrubbedCause {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|cause| cause as &(dyn std::error::Error + 'static))
    }
}

impl Error {
    fn new(repr: Repr) -> Self {
        Self {
            inner: Box::new(Inner {
                repr,
                attempts: 1,
                elapsed: Duration::ZERO,
                source: None,
                fetching_token: false,
            }),
        }
    }

    pub(crate) fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        Self::new(Repr::InvalidInput {
            field,
            reason: reason.into(),
        })
    }

    pub(crate) fn from_api(api: ApiError) -> Self {
        Self::new(Repr::Api(api))
    }

    pub(crate) fn transport(
        request: Request,
        cause: Option<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        let mut error = Self::new(Repr::Transport { request });
        error.inner.source = cause;
        error
    }

    pub(crate) fn timeout(request: Request, after: Duration) -> Self {
        Self::new(Repr::Timeout { request, after })
    }

    pub(crate) fn decode(
        request: Request,
        body: String,
        cause: Box<dyn std::error::Error + Send + Sync>,
    ) -> Self {
        let mut error = Self::new(Repr::Decode { request, body });
        error.inner.source = Some(cause);
        error
    }

    pub(crate) fn no_unique_match(what: &'static str, value: &str, matches: Vec<String>) -> Self {
        Self::new(Repr::NoUniqueMatch {
            what,
            value: value.to_owned(),
            matches,
        })
    }

    pub(crate) fn stalled(path: String, skip: u64, pages: u32) -> Self {
        Self::new(Repr::Stalled { path, skip, pages })
    }

    /// A list that ended short of its total after pages that only
    /// repeated items (a server ignoring `skip`).
    pub(crate) fn incomplete(path: String, expected: u64, yielded: u64) -> Self {
        Self::new(Repr::Incomplete {
            path,
            expected,
            yielded,
            empty_at: None,
        })
    }

    /// A list that ended short of its total with a page, at `skip`, that
    /// came back empty twice while later pages held items.
    pub(crate) fn gap(path: String, expected: u64, yielded: u64, skip: u64) -> Self {
        Self::new(Repr::Incomplete {
            path,
            expected,
            yielded,
            empty_at: Some(skip),
        })
    }

    /// Records how many attempts the call made and how long they took.
    pub(crate) fn after_attempts(mut self, attempts: u32, elapsed: Duration) -> Self {
        self.inner.attempts = attempts;
        self.inner.elapsed = elapsed;
        self
    }

    /// Marks the error as the failure of a service-account token fetch,
    /// which `Display` then says first.
    pub(crate) fn fetching_token(mut self) -> Self {
        self.inner.fetching_token = true;
        self
    }

    /// A copy for another caller waiting on the same failure: the same
    /// kind, details, attempts and cause chain (its texts, already
    /// scrubbed, are copied as they print).
    pub(crate) fn duplicate(&self) -> Self {
        let source = self.inner.source.as_deref().and_then(|source| {
            ScrubbedCause::chain(source, &str::to_string)
                .map(|cause| cause as Box<dyn std::error::Error + Send + Sync>)
        });
        Self {
            inner: Box::new(Inner {
                repr: self.inner.repr.clone(),
                attempts: self.inner.attempts,
                elapsed: self.inner.elapsed,
                source,
                fetching_token: self.inner.fetching_token,
            }),
        }
    }

    /// The field and reason of an invalid-input error.
    pub(crate) fn invalid_parts(&self) -> Option<(&'static str, String)> {
        match &self.inner.repr {
            Repr::InvalidInput { field, reason } => Some((field, reason.clone())),
            _ => None,
        }
    }

    /// Renames the field of an invalid-input error.
    pub(crate) fn for_field(mut self, name: &'static str) -> Self {
        if let Repr::InvalidInput { field, .. } = &mut self.inner.repr {
            *field = name;
        }
        self
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        match &self.inner.repr {
            Repr::InvalidInput { .. } => ErrorKind::InvalidInput,
            Repr::Api(_) => ErrorKind::Api,
            Repr::Transport { .. } => ErrorKind::Transport,
            Repr::Timeout { .. } => ErrorKind::Timeout,
            Repr::Decode { .. } => ErrorKind::Decode,
            Repr::Stalled { .. } | Repr::Incomplete { .. } => ErrorKind::Pagination,
            Repr::NoUniqueMatch { .. } => ErrorKind::NoUniqueMatch,
        }
    }

    /// The API error details, when JumpCloud answered with an error status.
    pub fn api(&self) -> Option<&ApiError> {
        match &self.inner.repr {
            Repr::Api(api) => Some(api),
            _ => None,
        }
    }

    /// The HTTP status, when JumpCloud answered with an error status.
    pub fn status(&self) -> Option<u16> {
        self.api().map(ApiError::status)
    }

    /// For invalid input: which setting or argument was wrong, e.g.
    /// `user id`, `page size`, `api key`.
    pub fn field(&self) -> Option<&'static str> {
        match &self.inner.repr {
            Repr::InvalidInput { field, .. } => Some(field),
            _ => None,
        }
    }

    /// The request's method, when the error is about a request.
    pub fn method(&self) -> Option<&'static str> {
        match &self.inner.repr {
            Repr::Api(api) => Some(api.method()),
            Repr::Transport { request }
            | Repr::Timeout { request, .. }
            | Repr::Decode { request, .. } => Some(request.method),
            _ => None,
        }
    }

    /// The request's path below the base URL, when the error is about a
    /// request or a list.
    pub fn path(&self) -> Option<&str> {
        match &self.inner.repr {
            Repr::Api(api) => Some(api.path()),
            Repr::Transport { request }
            | Repr::Timeout { request, .. }
            | Repr::Decode { request, .. } => Some(&request.path),
            Repr::Stalled { path, .. } | Repr::Incomplete { path, .. } => Some(path),
            Repr::InvalidInput { .. } | Repr::NoUniqueMatch { .. } => None,
        }
    }

    /// The start of the response body (scrubbed), for API and decode errors.
    pub fn body(&self) -> Option<&str> {
        match &self.inner.repr {
            Repr::Api(api) => Some(api.body()),
            Repr::Decode { body, .. } => Some(body),
            _ => None,
        }
    }

    /// How long the server asked to wait before retrying, if it said.
    pub fn retry_after(&self) -> Option<Duration> {
        self.api().and_then(ApiError::retry_after)
    }

    /// How many attempts were made (1 when the call was not retried).
    pub fn attempts(&self) -> u32 {
        self.inner.attempts
    }

    /// How long all attempts and waits took.
    pub fn elapsed(&self) -> Duration {
        self.inner.elapsed
    }

    /// The input was rejected before any request was sent.
    pub fn is_invalid_input(&self) -> bool {
        self.kind() == ErrorKind::InvalidInput
    }

    /// 404: the user or object does not exist (or, for a removal, the
    /// association does not); also a lookup by email, username or name
    /// that matched nothing ([`ErrorKind::NoUniqueMatch`]).
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404) || self.matches().is_some_and(<[String]>::is_empty)
    }

    /// For a lookup by email, username or name that matched no object or
    /// several ([`ErrorKind::NoUniqueMatch`]): each match as `name (id)`,
    /// empty when none matched.
    pub fn matches(&self) -> Option<&[String]> {
        match &self.inner.repr {
            Repr::NoUniqueMatch { matches, .. } => Some(matches),
            _ => None,
        }
    }

    /// 409: the association already exists.
    pub fn is_conflict(&self) -> bool {
        self.status() == Some(409)
    }

    /// 429: too many requests.
    pub fn is_rate_limited(&self) -> bool {
        self.status() == Some(429)
    }

    /// 401: the credential was refused; [`ApiError::hint`] says the likely
    /// cause.
    pub fn is_unauthorized(&self) -> bool {
        self.status() == Some(401)
    }

    /// The request failed in transit (connection, TLS, a body cut off).
    pub fn is_transport(&self) -> bool {
        self.kind() == ErrorKind::Transport
    }

    /// No complete response arrived within the timeout.
    pub fn is_timeout(&self) -> bool {
        self.kind() == ErrorKind::Timeout
    }

    /// A success response whose body could not be read.
    pub fn is_decode(&self) -> bool {
        self.kind() == ErrorKind::Decode
    }

    /// A list that could not be read completely (stalled or incomplete).
    pub fn is_pagination(&self) -> bool {
        self.kind() == ErrorKind::Pagination
    }

    /// Whether the same request may succeed if sent again: 408, 429, 500,
    /// 502, 503, 504, transport failures and timeouts.
    ///
    /// This says nothing about whether repeating is *safe*: the client only
    /// repeats reads, and writes whose outcome makes a repeat harmless.
    pub fn is_retryable(&self) -> bool {
        match &self.inner.repr {
            Repr::Api(api) => is_retryable_status(api.status()),
            Repr::Transport { .. } | Repr::Timeout { .. } => true,
            _ => false,
        }
    }
}

/// The statuses worth a second attempt.
pub(crate) fn is_retryable_status(status: u16) -> bool {
    matches!(status, 408 | 429 | 500 | 502 | 503 | 504)
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.inner.fetching_token {
            write!(f, "{FETCHING_TOKEN}: ")?;
        }
        match &self.inner.repr {
            Repr::InvalidInput { field, reason } => write!(f, "invalid {field}: {reason}")?,
            Repr::Api(api) => api.fmt(f)?,
            Repr::Transport { request } => write!(
                f,
                "{} {}: the request failed in transit",
                request.method, request.path
            )?,
            Repr::Timeout { request, after } => write!(
                f,
                "{} {}: no complete response within {after:?}",
                request.method, request.path
            )?,
            Repr::Decode { request, body } => {
                write!(
                    f,
                    "{} {}: the response body could not be read",
                    request.method, request.path
                )?;
                if !body.is_empty() {
                    write!(f, " (it starts with {:?})", excerpt(body, 120))?;
                }
            }
            Repr::Stalled { path, skip, pages } => write!(
                f,
                "{path}: pagination stalled at skip {skip}: {pages} pages in a row brought no new item"
            )?,
            Repr::Incomplete {
                path,
                expected,
                yielded,
                empty_at,
            } => {
                write!(
                    f,
                    "{path}: the list ended with {yielded} of the {expected} items the server counted \
                     (x-total-count), and "
                )?;
                match empty_at {
                    None => f.write_str(
                        "pages repeated items already seen (does the server ignore `skip`?)",
                    )?,
                    Some(skip) => write!(
                        f,
                        "the page at skip {skip} came back empty twice while later pages held items"
                    )?,
                }
            }
            Repr::NoUniqueMatch {
                what,
                value,
                matches,
            } => match matches.as_slice() {
                [] => write!(f, "no {what} {:?}", excerpt(value, 120))?,
                many => write!(
                    f,
                    "{} {what} {:?}: {}",
                    many.len(),
                    excerpt(value, 120),
                    excerpt(&many.join(", "), 400)
                )?,
            },
        }
        if self.inner.attempts > 1 {
            write!(
                f,
                " (after {} attempts over {:.1?})",
                self.inner.attempts, self.inner.elapsed
            )?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("Error");
        debug.field("kind", &self.kind());
        if self.inner.fetching_token {
            debug.field("context", &FETCHING_TOKEN);
        }
        match &self.inner.repr {
            Repr::InvalidInput { field, reason } => {
                debug.field("field", field).field("reason", reason);
            }
            Repr::Api(api) => {
                debug.field("api", api);
            }
            Repr::Transport { request } => {
                debug.field("request", request);
            }
            Repr::Timeout { request, after } => {
                debug.field("request", request).field("after", after);
            }
            Repr::Decode { request, body } => {
                debug.field("request", request).field("body", body);
            }
            Repr::Stalled { path, skip, pages } => {
                debug
                    .field("path", path)
                    .field("skip", skip)
                    .field("pages", pages);
            }
            Repr::Incomplete {
                path,
                expected,
                yielded,
                empty_at,
            } => {
                debug
                    .field("path", path)
                    .field("expected", expected)
                    .field("yielded", yielded)
                    .field("empty_at", empty_at);
            }
            Repr::NoUniqueMatch {
                what,
                value,
                matches,
            } => {
                debug
                    .field("what", what)
                    .field("value", value)
                    .field("matches", matches);
            }
        }
        if self.inner.attempts > 1 {
            debug
                .field("attempts", &self.inner.attempts)
                .field("elapsed", &self.inner.elapsed);
        }
        if let Some(source) = &self.inner.source {
            debug.field("source", &source.to_string());
        }
        debug.finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner
            .source
            .as_deref()
            .map(|source| source as &(dyn std::error::Error + 'static))
    }
}

impl From<std::convert::Infallible> for Error {
    fn from(never: std::convert::Infallible) -> Self {
        match never {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> Request {
        Request {
            method: "GET",
            path: "/users/x/systems".into(),
        }
    }

    #[test]
    fn an_error_is_one_pointer_wide() {
        assert_eq!(std::mem::size_of::<Error>(), std::mem::size_of::<usize>());
        assert!(std::mem::size_of::<Result<(), Error>>() <= 8);
    }

    #[test]
    fn a_401_message_does_not_repeat_the_reason() {
        let body = br#"{"error":"Unauthorized","message":"Unauthorized: api key user not found"}"#;
        let request = request();
        let api = ApiError::parse(
            401,
            &http::HeaderMap::new(),
            body,
            (request.method, &request.path),
            &|t| t.to_string(),
        );
        let text = Error::from_api(api).to_string();
        assert_eq!(
            text,
            "GET /users/x/systems: JumpCloud answered 401: Unauthorized: api key user not found"
        );
    }

    #[test]
    fn retried_errors_say_how_many_attempts_over_how_long() {
        let error = Error::timeout(request(), Duration::from_secs(1))
            .after_attempts(4, Duration::from_millis(3200));
        assert!(
            error.to_string().ends_with("(after 4 attempts over 3.2s)"),
            "{error}"
        );
        assert_eq!(error.attempts(), 4);
    }

    #[test]
    fn display_names_this_layer_and_source_carries_the_cause() {
        let cause = ScrubbedCause::text("connection reset by peer".into());
        let error = Error::transport(request(), Some(cause));
        let display = error.to_string();
        assert!(!display.contains("reset"), "{display}");
        let source = std::error::Error::source(&error).unwrap().to_string();
        assert_eq!(source, "connection reset by peer");
    }
}
