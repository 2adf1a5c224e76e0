//! One error type for everything the client can fail at, with predicates so
//! callers never match on status codes or strings.

use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::Value;

use crate::retry::parse_retry_after;

/// Everything a call can fail with.
///
/// Each variant answers a question a caller has: was my input wrong
/// ([`InvalidInput`](Error::InvalidInput), raised before any request is
/// sent), did JumpCloud say no ([`Api`](Error::Api)), did the network fail
/// ([`Transport`](Error::Transport), [`Timeout`](Error::Timeout)), or did the
/// server send something this client cannot read ([`Decode`](Error::Decode),
/// [`PaginationStalled`](Error::PaginationStalled)). None of them ever
/// contains the API key.
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
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input was rejected before any request was sent.
    #[error("invalid {field}: {reason}")]
    InvalidInput {
        /// What was wrong, e.g. `user id` or `page size`.
        field: &'static str,
        /// Why, in words.
        reason: String,
    },
    /// JumpCloud answered with an error status.
    #[error("{0}")]
    Api(Box<ApiError>),
    /// The request or its response could not travel: connection refused or
    /// reset, TLS failure, the body cut off mid-way.
    #[error("{method} {path}: transport error: {message}")]
    Transport {
        /// The request's method.
        method: String,
        /// The request's path, without the query string.
        path: String,
        /// What failed, from the HTTP stack.
        message: String,
        /// The underlying error.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
    /// No complete response arrived within the timeout.
    #[error("{method} {path}: no complete response within {after:?}")]
    Timeout {
        /// The request's method.
        method: String,
        /// The request's path, without the query string.
        path: String,
        /// The timeout that expired.
        after: Duration,
    },
    /// The server answered with success but a body this client cannot read.
    #[error("{method} {path}: undecodable response ({message}); body starts with {body:?}")]
    Decode {
        /// The request's method.
        method: String,
        /// The request's path, without the query string.
        path: String,
        /// What is wrong with the body.
        message: String,
        /// The start of the body (at most 512 bytes).
        body: String,
    },
    /// A paginated list stopped making progress: the server kept returning
    /// pages without any item not seen before, so the stream ended instead
    /// of looping forever.
    #[error(
        "{path}: pagination stalled at skip {skip}: {pages} pages in a row brought no new item"
    )]
    PaginationStalled {
        /// The list's path.
        path: String,
        /// The offset of the last page requested.
        skip: u64,
        /// How many pages in a row brought nothing new.
        pages: u32,
    },
}

/// An error status from JumpCloud, with what its body said.
///
/// JumpCloud's error bodies come in several shapes (`{"message"}`,
/// `{"error","message"}`, `{"code","message","status"}`, HTML from a
/// gateway, or nothing); the fields are filled from whichever arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The body's `message`, when it had one.
    pub message: Option<String>,
    /// The body's `error`, when it had one (e.g. `Unauthorized`).
    pub error: Option<String>,
    /// The body's `code`, when it had one.
    pub code: Option<i64>,
    /// The start of the raw body (at most 512 bytes, the API key removed).
    pub body: String,
    /// The request's method.
    pub method: String,
    /// The request's path, without the query string.
    pub path: String,
    /// How long the server asked to wait before retrying (`Retry-After`).
    pub retry_after: Option<Duration>,
    /// The server's request id (`x-request-id`), for support tickets.
    pub request_id: Option<String>,
    /// The likely cause, for statuses where one can be guessed (401).
    pub hint: Option<String>,
}

impl ApiError {
    /// Reads an error response as JumpCloud sends it, leniently: JSON with
    /// `message`, `error` and `code` in any combination, an HTML page from a
    /// gateway, or nothing. Never fails; what cannot be read is left out,
    /// and the start of the body is kept in [`body`](Self::body).
    ///
    /// `method` and `path` are left empty; the client fills them in.
    ///
    /// ```
    /// use jumpcloud_graph::ApiError;
    /// use reqwest::{StatusCode, header::HeaderMap};
    ///
    /// let body = br#"{"error":"Unauthorized","message":"Unauthorized: api key user not found"}"#;
    /// let error = ApiError::from_response_parts(StatusCode::UNAUTHORIZED, &HeaderMap::new(), body);
    /// assert_eq!(error.error.as_deref(), Some("Unauthorized"));
    /// let html = ApiError::from_response_parts(StatusCode::BAD_GATEWAY, &HeaderMap::new(), b"<html>..</html>");
    /// assert_eq!(html.message, None);
    /// ```
    pub fn from_response_parts(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Self {
        Self::parse(status, headers, body, &|text| text.to_string())
    }

    /// [`from_response_parts`](Self::from_response_parts), passing every
    /// text taken from the body through `scrub`.
    pub(crate) fn parse(
        status: StatusCode,
        headers: &HeaderMap,
        body: &[u8],
        scrub: &dyn Fn(&str) -> String,
    ) -> Self {
        let retry_after = headers
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|value| parse_retry_after(value, SystemTime::now()));
        let request_id = headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let json: Option<Value> = serde_json::from_slice(body).ok();
        let field = |name: &str| {
            json.as_ref()
                .and_then(|j| j.get(name))
                .and_then(Value::as_str)
                .map(scrub)
        };
        let code = json.as_ref().and_then(|j| j.get("code")).and_then(|c| {
            c.as_i64()
                .or_else(|| c.as_str().and_then(|s| s.trim().parse().ok()))
        });
        Self {
            status,
            message: field("message"),
            error: field("error"),
            code,
            body: excerpt(body, scrub),
            method: String::new(),
            path: String::new(),
            retry_after,
            request_id,
            hint: None,
        }
    }
}

/// How much of a body errors quote.
pub(crate) const EXCERPT_BYTES: usize = 512;

/// The start of a body, as text, passed through `scrub`.
pub(crate) fn excerpt(bytes: &[u8], scrub: &dyn Fn(&str) -> String) -> String {
    let cut = bytes.len().min(EXCERPT_BYTES);
    scrub(String::from_utf8_lossy(&bytes[..cut]).trim())
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}: JumpCloud answered {}",
            self.method, self.path, self.status
        )?;
        match (&self.message, &self.error) {
            (Some(message), _) => write!(f, ": {message}")?,
            (None, Some(error)) => write!(f, ": {error}")?,
            (None, None) if !self.body.is_empty() => write!(f, ": {:?}", self.body)?,
            (None, None) => {}
        }
        if let Some(hint) = &self.hint {
            write!(f, " ({hint})")?;
        }
        Ok(())
    }
}

impl Error {
    pub(crate) fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        Error::InvalidInput {
            field,
            reason: reason.into(),
        }
    }

    /// The HTTP status, when JumpCloud answered with an error.
    pub fn status(&self) -> Option<StatusCode> {
        self.api().map(|api| api.status)
    }

    /// The API error details, when JumpCloud answered with an error.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(api) => Some(api),
            _ => None,
        }
    }

    /// How long the server asked to wait before retrying, if it said.
    pub fn retry_after(&self) -> Option<Duration> {
        self.api().and_then(|api| api.retry_after)
    }

    /// 404: the user or object does not exist (or, for a removal, the
    /// association does not).
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(StatusCode::NOT_FOUND)
    }

    /// 409: the association already exists.
    pub fn is_conflict(&self) -> bool {
        self.status() == Some(StatusCode::CONFLICT)
    }

    /// 429: too many requests.
    pub fn is_rate_limited(&self) -> bool {
        self.status() == Some(StatusCode::TOO_MANY_REQUESTS)
    }

    /// 401: the key was refused; [`ApiError::hint`] says the likely cause.
    pub fn is_unauthorized(&self) -> bool {
        self.status() == Some(StatusCode::UNAUTHORIZED)
    }

    /// Whether the same request may succeed if sent again: 408, 429, 500,
    /// 502, 503, 504, transport failures and timeouts.
    ///
    /// This says nothing about whether repeating is *safe*: the client only
    /// repeats reads, and writes whose outcome makes a repeat harmless.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(api) => is_retryable_status(api.status),
            Error::Transport { .. } | Error::Timeout { .. } => true,
            _ => false,
        }
    }
}

/// The statuses worth a second attempt.
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429 | 500 | 502 | 503 | 504)
}

impl From<std::convert::Infallible> for Error {
    fn from(never: std::convert::Infallible) -> Self {
        match never {}
    }
}
