//! The one path every request takes: the credential, client-side limits,
//! the timeout, one tracing span per attempt, retries, and the mapping of
//! whatever happened into [`Error`]. Operation code only says which request
//! to build.

use std::time::Duration;

use bytes::Bytes;
use futures::FutureExt;
use futures::future::BoxFuture;
use tokio::time::Instant;
use tracing::Instrument;

use crate::credentials::{Authorization, Endpoint};
use crate::limits::Lane;
use crate::options::Checked;
use crate::transport::{Call, Reply};
use crate::{Client, Error, RetryPolicy};

impl Client {
    /// Sends `request` (built by the generated client) as `call`, retrying
    /// as the policy allows.
    ///
    /// A 401 on a request sent with a service account's token is special:
    /// the token is dropped and the request sent once more with a fresh
    /// one, whatever the policy (a token can be revoked or expire early); a
    /// second 401 is the error. A token fetch that failed ends the call at
    /// once with its error: it had its own retry, and sending again would
    /// only meet the same failure, which is shared for a few seconds.
    pub(crate) async fn execute(
        &self,
        call: &Call,
        request: reqwest::Request,
        options: &Checked,
    ) -> Result<Reply, Error> {
        let policy = match (&options.retry, call.idempotent) {
            (Some(policy), _) => policy.clone(),
            (None, true) => self.shared.retry.clone(),
            (None, false) => RetryPolicy::none(),
        };
        let timeout = options.timeout.unwrap_or(self.shared.timeout);
        let started = Instant::now();
        let mut number: u32 = 0;
        let mut refreshed = false;
        loop {
            number = number.saturating_add(1);
            let span = tracing::info_span!(
                "jumpcloud_graph.request",
                operation = call.operation,
                method = call.method,
                path = %call.path,
                attempt = number,
                status = tracing::field::Empty,
                elapsed_ms = tracing::field::Empty,
            );
            let (outcome, auth) = match self
                .attempt(call, &request, options, &policy, timeout, started)
                .instrument(span.clone())
                .await
            {
                Ok(sent) => sent,
                Err(no_token) => return Err(no_token),
            };
            let error = match outcome {
                Ok(reply) => return Ok(reply),
                Err(error) => error,
            };
            if error.is_unauthorized()
                && !refreshed
                && auth
                    .as_ref()
                    .is_some_and(|auth| self.shared.credentials.refused(auth))
            {
                refreshed = true;
                tracing::debug!(parent: &span, "token refused; sending again with a fresh one");
                continue;
            }
            // The refresh above does not count against the policy.
            let counted = number - u32::from(refreshed);
            if counted >= policy.max_attempts() || !error.is_retryable() {
                return Err(error.after_attempts(number, started.elapsed()));
            }
            let wait = error
                .retry_after()
                .unwrap_or_else(|| policy.backoff(counted));
            if !policy.allows_wait(started.elapsed(), wait) {
                tracing::warn!(parent: &span, error = %error, wait_ms = millis(wait),
                    "not retrying: the wait would pass the retry policy's max wait or deadline");
                return Err(error.after_attempts(number, started.elapsed()));
            }
            tracing::warn!(parent: &span, error = %error, wait_ms = millis(wait), "retrying");
            tokio::time::sleep(wait).await;
        }
    }

    /// One attempt: the credential, the limits, the request within the
    /// timeout, and the span's fields; the limits learn how it was
    /// answered (a 429 slows the organization's requests down). `Err` when
    /// no token could be had: the call ends with that error.
    async fn attempt(
        &self,
        call: &Call,
        request: &reqwest::Request,
        options: &Checked,
        policy: &RetryPolicy,
        timeout: Duration,
        started: Instant,
    ) -> Result<(Result<Reply, Error>, Option<Authorization>), Error> {
        let span = tracing::Span::current();
        // The credential first: fetching a token takes a slot of its own,
        // so holding one here could deadlock with max_in_flight(1).
        let waiting = Instant::now();
        let auth = match self
            .authorize_within(call, attempt_limit(policy, timeout, started))
            .await
        {
            Ok(auth) => auth,
            Err(Wait::Failed(error)) => return Err(error),
            Err(Wait::TimedOut(error)) => return Ok((Err(error), None)),
        };
        let lane = match call.endpoint {
            Endpoint::Api => Lane::Api(options.org.as_ref()),
            Endpoint::Token => Lane::Token,
        };
        let permit = self.shared.limits.acquire(lane).await;
        // The wait for a token came out of this attempt's time.
        let limit = attempt_limit(policy, timeout.saturating_sub(waiting.elapsed()), started);
        let attempt_started = Instant::now();
        let outcome = match tokio::time::timeout(
            limit,
            self.send_attempt(call, request, auth.as_ref(), limit),
        )
        .await
        {
            Ok(outcome) => outcome,
            Err(_) => Err(Error::timeout(call.request(), limit)),
        };
        let (status, retry_after) = match &outcome {
            Ok(reply) => (Some(reply.status), None),
            Err(error) => (error.status(), error.retry_after()),
        };
        self.shared.limits.answered(&permit, status, retry_after);
        drop(permit);
        span.record("elapsed_ms", millis(attempt_started.elapsed()));
        match &outcome {
            Ok(reply) => {
                span.record("status", reply.status);
                tracing::debug!("request succeeded");
            }
            Err(error) => {
                if let Some(status) = error.status() {
                    span.record("status", status);
                }
                tracing::debug!(error = %error, "request failed");
            }
        }
        Ok((outcome, auth))
    }

    /// The credential for a call to the API, waited for at most `limit`
    /// (a token fetch goes on for the other callers when one gives up).
    async fn authorize_within(
        &self,
        call: &Call,
        limit: Duration,
    ) -> Result<Option<Authorization>, Wait> {
        if call.endpoint == Endpoint::Token {
            return Ok(None);
        }
        let send_token = |request, attempts| self.send_token_request(request, attempts);
        match tokio::time::timeout(limit, self.shared.credentials.authorize(&send_token)).await {
            Ok(Ok(auth)) => Ok(Some(auth)),
            Ok(Err(error)) => Err(Wait::Failed(error)),
            Err(_) => Err(Wait::TimedOut(
                Error::timeout(self.token_request(), limit).fetching_token(),
            )),
        }
    }

    /// The token request, as errors name it.
    pub(crate) fn token_request(&self) -> crate::error::Request {
        crate::error::Request {
            method: "POST",
            path: self.shared.token_path.clone(),
        }
    }

    /// Sends a service account's token request (built by `token.rs`) to
    /// the token endpoint, never with another credential: at most
    /// `attempts` times, with the client's backoff, `Retry-After`
    /// handling, timeout and deadline. The body of the answer, when it is
    /// a success.
    fn send_token_request(
        &self,
        request: reqwest::Request,
        attempts: u32,
    ) -> BoxFuture<'static, Result<Bytes, Error>> {
        let client = self.clone();
        async move {
            let call = Call {
                operation: "oauth2_token",
                method: "POST",
                path: client.shared.token_path.clone(),
                idempotent: true,
                endpoint: Endpoint::Token,
            };
            let options = Checked {
                retry: Some(client.shared.retry.clone().with_max_attempts(attempts)),
                ..Checked::default()
            };
            let reply = client.execute(&call, request, &options).await?;
            Ok(reply.body)
        }
        .boxed()
    }
}

/// Why an attempt has no credential.
enum Wait {
    /// The token fetch failed: the call ends.
    Failed(Error),
    /// The attempt's time ran out while the fetch went on: like any
    /// timeout, the policy may try again (and join the same fetch).
    TimedOut(Error),
}

/// The time one attempt may take: its timeout, within what is left of the
/// policy's deadline (at least a millisecond).
fn attempt_limit(policy: &RetryPolicy, timeout: Duration, started: Instant) -> Duration {
    let left = policy
        .deadline()
        .map(|deadline| deadline.saturating_sub(started.elapsed()));
    left.map_or(timeout, |left| timeout.min(left))
        .max(Duration::from_millis(1))
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// `x-total-count`, when present and a number.
pub(crate) fn total_count(headers: &http::HeaderMap) -> Option<u64> {
    let value = headers.get("x-total-count")?;
    let parsed = value.to_str().ok().and_then(|v| v.trim().parse().ok());
    if parsed.is_none() {
        tracing::warn!("ignoring an x-total-count that is not a number");
    }
    parsed
}
