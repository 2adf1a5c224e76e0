//! The one path every request takes: client-side limits, the timeout, one
//! tracing span per attempt, retries, and the mapping of whatever happened
//! into [`Error`]. Operation code only says which generated call to make.

use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use jumpcloud_graph_openapi::{self as openapi, ResponseValue};
use reqwest::header::HeaderMap;
use reqwest::{Response, StatusCode};
use tracing::Instrument;

use crate::error::{ApiError, excerpt};
use crate::options::{Checked, OrgChoice};
use crate::{Client, Error, RetryPolicy};

/// What is being called, for spans, errors and the retry decision.
#[derive(Clone, Debug)]
pub(crate) struct Call {
    /// JumpCloud's operationId.
    pub(crate) operation: &'static str,
    /// The HTTP method.
    pub(crate) method: &'static str,
    /// The path below the base URL, without the query string.
    pub(crate) path: String,
    /// Whether repeating the request is harmless, so the client's retry
    /// policy applies without the caller opting in.
    pub(crate) idempotent: bool,
}

/// A successful response.
pub(crate) struct Reply<T> {
    pub(crate) status: StatusCode,
    pub(crate) body: T,
    pub(crate) headers: HeaderMap,
}

/// Success bodies; an empty body is acceptable for operations whose success
/// carries none, whatever 2xx status the server chose.
pub(crate) trait SuccessBody: Sized {
    fn from_any_success() -> Option<Self>;
}

impl SuccessBody for () {
    fn from_any_success() -> Option<Self> {
        Some(())
    }
}

impl<T> SuccessBody for Vec<T> {
    fn from_any_success() -> Option<Self> {
        None
    }
}

/// One attempt: the generated call, given the low-level client and the
/// `x-org-id` to send.
pub(crate) type Attempt<T> = BoxFuture<'static, Result<ResponseValue<T>, openapi::Error<()>>>;

impl Client {
    /// Sends `call` through `attempt`, retrying as the policy allows.
    pub(crate) async fn execute<T, F>(
        &self,
        call: &Call,
        options: &Checked,
        mut attempt: F,
    ) -> Result<Reply<T>, Error>
    where
        T: SuccessBody + Send + 'static,
        F: FnMut(openapi::Client, Option<String>) -> Attempt<T>,
    {
        let policy = match (&options.retry, call.idempotent) {
            (Some(policy), _) => policy.clone(),
            (None, true) => self.shared.retry.clone(),
            (None, false) => RetryPolicy::none(),
        };
        let org = match &options.org {
            OrgChoice::ClientDefault => self.shared.org_id.as_ref().map(|o| o.to_string()),
            OrgChoice::Use(org) => Some(org.to_string()),
            OrgChoice::Omit => None,
        };
        let timeout = options.timeout.unwrap_or(self.shared.timeout);
        let started = Instant::now();
        let mut number = 0;
        loop {
            number += 1;
            let left = policy
                .deadline()
                .map(|d| d.saturating_sub(started.elapsed()));
            let limit = left.map_or(timeout, |left| {
                timeout.min(left).max(Duration::from_millis(1))
            });
            let span = tracing::info_span!(
                "jumpcloud_graph.request",
                operation = call.operation,
                method = call.method,
                path = %call.path,
                attempt = number,
                status = tracing::field::Empty,
                elapsed_ms = tracing::field::Empty,
            );
            let permit = self.shared.limits.acquire().instrument(span.clone()).await;
            let attempt_started = Instant::now();
            let sent = attempt(self.shared.low.clone(), org.clone());
            let outcome = async {
                match tokio::time::timeout(limit, async { self.interpret(call, sent.await).await })
                    .await
                {
                    Ok(outcome) => outcome,
                    Err(_) => Err(timeout_error(call, limit)),
                }
            }
            .instrument(span.clone())
            .await;
            drop(permit);

            let elapsed = attempt_started.elapsed();
            span.record("elapsed_ms", elapsed.as_millis() as u64);
            match &outcome {
                Ok(reply) => {
                    span.record("status", reply.status.as_u16());
                    tracing::debug!(parent: &span, "request succeeded");
                }
                Err(error) => {
                    if let Some(status) = error.status() {
                        span.record("status", status.as_u16());
                    }
                    tracing::debug!(parent: &span, error = %error, "request failed");
                }
            }
            let error = match outcome {
                Ok(reply) => return Ok(reply),
                Err(error) => error,
            };
            if number >= policy.max_attempts() || !error.is_retryable() {
                return Err(error);
            }
            let wait = error
                .retry_after()
                .unwrap_or_else(|| policy.backoff(number));
            if policy
                .deadline()
                .is_some_and(|d| started.elapsed() + wait >= d)
            {
                tracing::warn!(parent: &span, error = %error, wait_ms = wait.as_millis() as u64,
                    "not retrying: the wait would pass the retry deadline");
                return Err(error);
            }
            tracing::warn!(parent: &span, error = %error, wait_ms = wait.as_millis() as u64,
                "retrying");
            tokio::time::sleep(wait).await;
        }
    }

    /// Maps the generated client's outcome to a reply or an [`Error`].
    async fn interpret<T: SuccessBody>(
        &self,
        call: &Call,
        result: Result<ResponseValue<T>, openapi::Error<()>>,
    ) -> Result<Reply<T>, Error> {
        use openapi::Error as Generated;
        match result {
            Ok(value) => Ok(Reply {
                status: value.status(),
                headers: value.headers().clone(),
                body: value.into_inner(),
            }),
            Err(Generated::UnexpectedResponse(response)) => {
                let status = response.status();
                match T::from_any_success().filter(|_| status.is_success()) {
                    Some(body) => Ok(Reply {
                        status,
                        headers: response.headers().clone(),
                        body,
                    }),
                    None => Err(self.api_error(call, response).await),
                }
            }
            Err(Generated::ErrorResponse(value)) => Err(Error::Api(Box::new(ApiError {
                status: value.status(),
                message: None,
                error: None,
                code: None,
                body: String::new(),
                method: call.method.into(),
                path: call.path.clone(),
                retry_after: None,
                request_id: None,
                hint: None,
            }))),
            Err(Generated::InvalidResponsePayload(bytes, error)) => Err(Error::Decode {
                method: call.method.into(),
                path: call.path.clone(),
                message: self.scrub(&error.to_string()),
                body: self.excerpt(&bytes),
            }),
            Err(Generated::CommunicationError(error) | Generated::ResponseBodyError(error)) => {
                Err(self.transport_error(call, error))
            }
            Err(Generated::InvalidRequest(reason)) => Err(Error::InvalidInput {
                field: "request",
                reason,
            }),
            Err(other) => Err(Error::Transport {
                method: call.method.into(),
                path: call.path.clone(),
                message: self.scrub(&other.to_string()),
                source: None,
            }),
        }
    }

    /// Reads an error response leniently (see [`ApiError::from_response_parts`]).
    async fn api_error(&self, call: &Call, response: Response) -> Error {
        let status = response.status();
        let headers = response.headers().clone();
        // A body that cannot be read still leaves the status to report.
        let bytes = response.bytes().await.unwrap_or_default();
        let mut api = ApiError::parse(status, &headers, &bytes, &|text| self.scrub(text));
        api.method = call.method.into();
        api.path = call.path.clone();
        api.hint = self.hint(status, api.message.as_deref().or(api.error.as_deref()));
        Error::Api(Box::new(api))
    }

    /// The likely cause of a refusal, where one can be guessed.
    fn hint(&self, status: StatusCode, message: Option<&str>) -> Option<String> {
        let message = message.unwrap_or_default().to_ascii_lowercase();
        let host = self.shared.host.as_str();
        match status {
            StatusCode::UNAUTHORIZED if message.contains("no organization selected") => Some(
                "this API key belongs to a multi-tenant administrator: set an organization id \
                 with ClientBuilder::org_id, or per request with .org_id(..)"
                    .into(),
            ),
            StatusCode::UNAUTHORIZED if message.contains("api key user not found") => {
                Some(format!(
                    "{host} does not know this API key: check the key, and the region \
                 (EU organizations use Region::Eu, console.eu.jumpcloud.com; \
                 IN organizations use Region::In, console.in.jumpcloud.com)"
                ))
            }
            StatusCode::UNAUTHORIZED => Some(
                "the API key was refused: check it in the console under API Settings; \
                 multi-tenant keys also need an organization id"
                    .into(),
            ),
            StatusCode::FORBIDDEN if message.contains("organization selection not allowed") => {
                Some("this route refuses x-org-id: send the request with .without_org_id()".into())
            }
            _ => None,
        }
    }

    fn transport_error(&self, call: &Call, error: reqwest::Error) -> Error {
        if error.is_timeout() {
            return timeout_error(call, self.shared.timeout);
        }
        // The URL in reqwest's message carries no secret; scrub anyway so no
        // future change can leak the key through an error.
        let mut message = self.scrub(&error.to_string());
        let mut source: Option<&dyn std::error::Error> = std::error::Error::source(&error);
        while let Some(cause) = source {
            message.push_str(": ");
            message.push_str(&self.scrub(&cause.to_string()));
            source = cause.source();
        }
        Error::Transport {
            method: call.method.into(),
            path: call.path.clone(),
            message,
            source: Some(Box::new(error)),
        }
    }

    /// The start of a body, as text, with the API key removed.
    fn excerpt(&self, bytes: &[u8]) -> String {
        excerpt(bytes, &|text| self.scrub(text))
    }

    /// `text` with every occurrence of the API key replaced.
    fn scrub(&self, text: &str) -> String {
        self.shared.api_key.scrub(text)
    }
}

fn timeout_error(call: &Call, after: Duration) -> Error {
    Error::Timeout {
        method: call.method.into(),
        path: call.path.clone(),
        after,
    }
}

/// `x-total-count`, when present and a number.
pub(crate) fn total_count(headers: &HeaderMap) -> Option<u64> {
    let value = headers.get("x-total-count")?;
    let parsed = value.to_str().ok().and_then(|v| v.trim().parse().ok());
    if parsed.is_none() {
        tracing::warn!(value = ?value, "ignoring an x-total-count that is not a number");
    }
    parsed
}
