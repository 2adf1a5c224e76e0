//! The transport seam: the generated crate builds each request, this
//! module sends it.
//!
//! Every operation's request is built by the generated crate's
//! `requests` functions exactly as the spec says (URL, query encoding,
//! headers, JSON body), the same request its progenitor client would send
//! (a test compares them for every operation). From there the facade owns
//! the wire: it adds the credential to each attempt (so a token can be
//! refreshed between attempts), sets the attempt's timeout on the request
//! itself (no client-wide timeout can cap a per-request one), never follows
//! a redirect (a 3xx is an error naming its `Location`, so a credential
//! never reaches another origin), reads a success body only up to
//! [`max_response_bytes`](crate::ClientBuilder::max_response_bytes) and an
//! error body only as far as the error's excerpt needs, and decodes the
//! bytes once into its own types.

use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http::HeaderMap;

use crate::api_error::{ApiError, ERROR_BODY_READ};
use crate::credentials::{Authorization, Endpoint};
use crate::error::{Request, ScrubbedCause};
use crate::ops::{Operation, RequestError};
use crate::{Client, Error, ObjectId};

/// What is being called, for spans, errors and the retry decision.
#[derive(Clone, Debug)]
pub(crate) struct Call {
    /// JumpCloud's operationId (or `oauth2_token`).
    pub(crate) operation: &'static str,
    /// The HTTP method.
    pub(crate) method: &'static str,
    /// The path below the base URL, without the query string.
    pub(crate) path: String,
    /// Whether repeating the request is harmless, so the client's retry
    /// policy applies without the caller opting in.
    pub(crate) idempotent: bool,
    /// Which server is called.
    pub(crate) endpoint: Endpoint,
}

impl Call {
    /// The call for `operation` on one user's path.
    pub(crate) fn on_user(operation: Operation, user: ObjectId, idempotent: bool) -> Self {
        Self {
            operation: operation.operation_id,
            method: operation.method,
            path: operation.path.replace("{user_id}", &user.to_string()),
            idempotent,
            endpoint: Endpoint::Api,
        }
    }
}

/// A response as it came back: status, headers, and the body, complete for
/// a success and at most [`ERROR_BODY_READ`] bytes for an error.
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

impl Client {
    /// The error for a request the generated builder could not build (a
    /// base URL or header value it cannot use): invalid input, nothing sent.
    pub(crate) fn request_error(&self, error: &RequestError) -> Error {
        Error::invalid("request", self.scrub(&error.to_string()))
    }

    /// Sends one attempt of `request` with `auth` and reads the response.
    pub(crate) async fn send_attempt(
        &self,
        call: &Call,
        request: &reqwest::Request,
        auth: Option<&Authorization>,
        timeout: Duration,
    ) -> Result<Reply, Error> {
        let mut request = request.try_clone().ok_or_else(|| {
            Error::invalid("request", "a request with a streaming body cannot be sent")
        })?;
        let headers = request.headers_mut();
        headers.insert(http::header::USER_AGENT, self.shared.user_agent.clone());
        if let Some(auth) = auth {
            headers.insert(auth.name.clone(), auth.value.clone());
        }
        *request.timeout_mut() = Some(timeout);
        let response = self
            .shared
            .http
            .execute(request)
            .await
            .map_err(|error| self.transport_error(call, &error, timeout))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        if response.status().is_success() {
            let cap = self.shared.max_response_bytes;
            let body = read_body(response, cap, true)
                .await
                .map_err(|failure| self.body_failure(call, failure, cap, timeout))?;
            return Ok(Reply {
                status,
                headers,
                body,
            });
        }
        // An error, or a redirect this client does not follow: the body is
        // only needed for the excerpt.
        let body = if response.status().is_redirection() {
            Bytes::new()
        } else {
            read_body(response, ERROR_BODY_READ, false)
                .await
                .unwrap_or_default()
        };
        Err(self.api_error(call, status, &headers, &body))
    }

    /// The error for a non-success status.
    pub(crate) fn api_error(
        &self,
        call: &Call,
        status: u16,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Error {
        let api = ApiError::parse(status, headers, body, (call.method, &call.path), &|text| {
            self.scrub(text)
        });
        let hint = crate::hints::hint(
            &self.shared.credentials,
            call.endpoint,
            status,
            api.error(),
            api.message(),
            call.host(self),
        );
        Error::from_api(api.with_hint(hint))
    }

    /// `timeout` is the attempt's (the request's own, or the client's).
    fn transport_error(&self, call: &Call, error: &reqwest::Error, timeout: Duration) -> Error {
        if error.is_timeout() {
            return Error::timeout(call.request(), timeout);
        }
        // reqwest's messages quote the URL; the credential is never in it,
        // but every text from the stack is scrubbed all the same, and the
        // original error is not kept as a source, because its Display could
        // not be scrubbed.
        let cause = ScrubbedCause::chain(error, &|text| self.scrub(text))
            .map(|cause| cause as Box<dyn std::error::Error + Send + Sync>);
        Error::transport(call.request(), cause)
    }

    fn body_failure(
        &self,
        call: &Call,
        failure: BodyFailure,
        cap: usize,
        timeout: Duration,
    ) -> Error {
        match failure {
            BodyFailure::Transport(error) => self.transport_error(call, &error, timeout),
            BodyFailure::TooLarge => Error::decode(
                call.request(),
                String::new(),
                ScrubbedCause::text(format!(
                    "the response body is larger than the {cap} bytes this client reads \
                     (ClientBuilder::max_response_bytes)"
                )),
            ),
        }
    }

    /// `text` with no 8 consecutive characters of a credential in it.
    pub(crate) fn scrub(&self, text: &str) -> String {
        self.shared.credentials.scrub(text)
    }
}

impl Call {
    pub(crate) fn request(&self) -> Request {
        Request {
            method: self.method,
            path: self.path.clone(),
        }
    }

    fn host<'a>(&self, client: &'a Client) -> &'a str {
        match self.endpoint {
            Endpoint::Api => &client.shared.host,
            Endpoint::Token => &client.shared.token_host,
        }
    }
}

enum BodyFailure {
    Transport(reqwest::Error),
    TooLarge,
}

/// Reads a body up to `cap` bytes. With `strict`, a longer body (by its
/// `Content-Length` or by what arrives) is [`BodyFailure::TooLarge`] and the
/// connection is dropped; otherwise the body is cut at `cap` and the rest
/// is never read.
async fn read_body(
    mut response: reqwest::Response,
    cap: usize,
    strict: bool,
) -> Result<Bytes, BodyFailure> {
    if strict
        && response
            .content_length()
            .is_some_and(|length| length > cap as u64)
    {
        return Err(BodyFailure::TooLarge);
    }
    let initial = response
        .content_length()
        .map_or(8 * 1024, |length| length.min(cap as u64) as usize);
    let mut body = BytesMut::with_capacity(initial);
    while let Some(chunk) = response.chunk().await.map_err(BodyFailure::Transport)? {
        if body.len().saturating_add(chunk.len()) > cap {
            if strict {
                return Err(BodyFailure::TooLarge);
            }
            body.extend_from_slice(&chunk[..cap - body.len()]);
            break;
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}
