//! [`ApiError`]: what an error response from JumpCloud (or the token
//! endpoint) said, read leniently from whatever shape it came in. The
//! likely cause of a refusal is added by `hints.rs`.

use std::fmt;
use std::time::Duration;

use crate::printable::{EXCERPT_CHARS, body_excerpt, excerpt};
use crate::retry::parse_retry_after;

/// How many bytes of an error body are read; the rest is never fetched.
pub(crate) const ERROR_BODY_READ: usize = 4096;

/// An error status from JumpCloud, with what its body said.
///
/// JumpCloud's error bodies come in several shapes (`{"message"}`,
/// `{"error","message"}`, `{"code","message","status"}`, OAuth's
/// `{"error","error_description"}`, HTML from a gateway, or nothing); the
/// fields are filled from whichever arrived. Every text is scrubbed of
/// credentials.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    status: u16,
    message: Option<String>,
    error: Option<String>,
    code: Option<i64>,
    body: String,
    method: &'static str,
    path: String,
    retry_after: Option<Duration>,
    request_id: Option<String>,
    location: Option<String>,
    hint: Option<String>,
}

impl ApiError {
    /// Reads an error response to `method path` as JumpCloud sends it,
    /// leniently, never failing; what cannot be read is left out. `scrub` is
    /// applied to every text taken from the response before it is cut.
    pub(crate) fn parse(
        status: u16,
        headers: &http::HeaderMap,
        body: &[u8],
        (method, path): (&'static str, &str),
        scrub: &dyn Fn(&str) -> String,
    ) -> Self {
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(|v| excerpt(&scrub(v), 256))
        };
        let json: Option<serde_json::Value> = serde_json::from_slice(body).ok();
        let field = |name: &str| {
            json.as_ref()
                .and_then(|j| j.get(name))
                .and_then(serde_json::Value::as_str)
                .map(|text| excerpt(&scrub(text), EXCERPT_CHARS))
        };
        let code = json.as_ref().and_then(|j| j.get("code")).and_then(|c| {
            c.as_i64()
                .or_else(|| c.as_str().and_then(|s| s.trim().parse().ok()))
        });
        Self {
            status,
            message: field("message").or_else(|| field("error_description")),
            error: field("error"),
            code,
            body: body_excerpt(body, scrub),
            method,
            path: path.to_string(),
            retry_after: headers
                .get(http::header::RETRY_AFTER)
                .and_then(|value| parse_retry_after(value, std::time::SystemTime::now())),
            request_id: header("x-request-id"),
            location: header("location"),
            hint: None,
        }
    }

    pub(crate) fn with_hint(mut self, hint: Option<String>) -> Self {
        self.hint = hint;
        self
    }

    /// The HTTP status, e.g. `404`.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The body's `message` (or OAuth's `error_description`), when it had one.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// The body's `error`, when it had one (e.g. `Unauthorized`, `invalid_client`).
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// The body's `code`, when it had one.
    pub fn code(&self) -> Option<i64> {
        self.code
    }

    /// The start of the raw body (at most 512 characters, scrubbed).
    pub fn body(&self) -> &str {
        &self.body
    }

    /// The request's method, e.g. `GET`.
    pub fn method(&self) -> &'static str {
        self.method
    }

    /// The request's path below the base URL, without the query string.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// How long the server asked to wait before retrying (`Retry-After`).
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }

    /// The server's request id (`x-request-id`), for support tickets.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// Where a redirect pointed (`Location`); the client never follows one.
    pub fn location(&self) -> Option<&str> {
        self.location.as_deref()
    }

    /// The likely cause, for refusals where one can be guessed (401, 403).
    pub fn hint(&self) -> Option<&str> {
        self.hint.as_deref()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}: JumpCloud answered {}",
            self.method, self.path, self.status
        )?;
        let reason = http::StatusCode::from_u16(self.status)
            .ok()
            .and_then(|s| s.canonical_reason());
        let said = self
            .message
            .as_deref()
            .or(self.error.as_deref())
            .or_else(|| Some(self.body.as_str()).filter(|b| !b.is_empty()));
        match (said, reason) {
            // "401: Unauthorized: api key user not found", not
            // "401 Unauthorized: Unauthorized: api key user not found".
            (Some(said), Some(reason)) if said.starts_with(reason) => write!(f, ": {said}")?,
            (Some(said), Some(reason)) => write!(f, " {reason}: {said}")?,
            (Some(said), None) => write!(f, ": {said}")?,
            (None, Some(reason)) => write!(f, " {reason}")?,
            (None, None) => {}
        }
        if let Some(location) = &self.location {
            write!(
                f,
                " (a redirect to {location:?}, which this client never follows)"
            )?;
        }
        if let Some(hint) = &self.hint {
            write!(f, " ({hint})")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oauth_error_bodies_fill_message_and_error() {
        let body =
            br#"{"error":"invalid_client","error_description":"Client authentication failed"}"#;
        let api = ApiError::parse(
            401,
            &http::HeaderMap::new(),
            body,
            ("POST", "/oauth2/token"),
            &|t| t.to_string(),
        );
        assert_eq!(api.error(), Some("invalid_client"));
        assert_eq!(api.message(), Some("Client authentication failed"));
    }
}
