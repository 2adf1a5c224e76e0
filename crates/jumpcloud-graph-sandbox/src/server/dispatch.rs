//! What happens to a request once its head has arrived: admin requests go
//! straight to the admin router; API and token requests are numbered and
//! logged, held while a test holds responses, delayed by the latency, and
//! then answered, or given their fault (how each fault answers is
//! `inject.rs`'s).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderValue, Request, Response, header};
use http_body_util::BodyExt;
use tower::ServiceExt;

use super::auth::credential_kind;
use super::inject::{self, Outcome};
use super::rate_limit::{Admission, KeyRateLimit};
use super::{ADMIN_PREFIX, API_ROOT};
use crate::faults::Fault;
use crate::state::{InFlight, RequestLine, Shared};

/// The error a request's service returns to make hyper drop the connection
/// without answering.
#[derive(Debug, thiserror::Error)]
#[error("connection dropped by an injected fault")]
pub(crate) struct DropConnection;

/// The routers a connection hands its requests to.
#[derive(Clone)]
pub(crate) struct Routers {
    /// The API and the token route: counted, logged, delayed and faulted.
    pub(crate) api: Router,
    /// The admin endpoints: none of that.
    pub(crate) admin: Router,
    /// The per-key rate limit on API requests, if any.
    pub(crate) rate_limit: Option<Arc<KeyRateLimit>>,
}

/// Answers one request: admin requests directly; API and token requests
/// after they are numbered and logged, held, delayed, and given their fault.
pub(crate) async fn handle(
    shared: Arc<Shared>,
    routers: Routers,
    reset: Arc<AtomicBool>,
    request: Request<Body>,
) -> Result<Response<Body>, DropConnection> {
    let Routers {
        api,
        admin,
        rate_limit,
    } = routers;
    if request.uri().path().starts_with(ADMIN_PREFIX) {
        return Ok(call(admin, request).await);
    }
    let x_org_id = request
        .headers()
        .get("x-org-id")
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned());
    let arrival = shared.arrive(&RequestLine {
        method: request.method().as_str(),
        path: request.uri().path(),
        query: request.uri().query(),
        x_org_id: x_org_id.as_deref(),
        credential: credential_kind(request.headers()),
    });
    // Counted when it arrives, as a gateway in front of the API would: the
    // user graph and the v1 and v2 lookups against one budget.
    let admission = match &rate_limit {
        Some(limit) if is_api(request.uri().path()) => {
            limit.admit(&shared, request.headers(), tokio::time::Instant::now())
        }
        _ => Admission::Admit,
    };
    shared.wait_while_held().await;
    if !arrival.latency.is_zero() {
        tokio::time::sleep(arrival.latency).await;
    }
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let outcome = match (admission, &arrival.fault) {
        (Admission::Refuse { retry_after_secs }, _) => {
            shared.rate_limited();
            Outcome::Respond(inject::rate_limited(retry_after_secs))
        }
        (Admission::Admit, None) => Outcome::Respond(call(api, request).await),
        (Admission::Admit, Some(fault)) => inject::answer(fault, &shared, call(api, request)).await,
    };
    let fault = arrival.fault.as_ref().map(Fault::to_string);
    match outcome {
        Outcome::Respond(response) => {
            let status = response.status().as_u16();
            shared.finish(arrival.number, Some(status));
            tracing::debug!(number = arrival.number, %method, %path, status, fault, "answered");
            Ok(with_guard(response, arrival.guard))
        }
        Outcome::Drop { reset: send_reset } => {
            shared.finish(arrival.number, None);
            tracing::debug!(number = arrival.number, %method, %path, fault, "dropped connection");
            reset.store(send_reset, Ordering::SeqCst);
            Err(DropConnection)
        }
    }
}

/// Whether `path` is under the API root (v1 or v2), where the per-key
/// budget applies; the token route and the admin endpoints are not.
fn is_api(path: &str) -> bool {
    path.strip_prefix(API_ROOT)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

async fn call(router: Router, request: Request<Body>) -> Response<Body> {
    match router.oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

/// Keeps the request counted as in flight until its body is done.
fn with_guard(mut response: Response<Body>, guard: InFlight) -> Response<Body> {
    // The wrapper hides the body's size from hyper; state it explicitly so
    // that complete answers keep a `content-length` (only a stalled body,
    // whose size is unknown, goes out chunked).
    if let Some(length) = hyper::body::Body::size_hint(response.body()).exact() {
        response
            .headers_mut()
            .entry(header::CONTENT_LENGTH)
            .or_insert_with(|| HeaderValue::from(length));
    }
    response.map(|body| {
        Body::new(body.map_frame(move |frame| {
            let _counted_until_dropped = &guard;
            frame
        }))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_covers_v1_and_v2_and_nothing_beside_them() {
        for counted in [
            "/api",
            "/api/v2/users/1/systems",
            "/api/systemusers",
            "/api/search/systems",
        ] {
            assert!(is_api(counted), "{counted}");
        }
        for free in ["/oauth2/token", "/__sandbox/stats", "/apis", "/", ""] {
            assert!(!is_api(free), "{free}");
        }
    }
}
