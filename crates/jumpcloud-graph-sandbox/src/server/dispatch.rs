//! What happens to a request once its head has arrived: admin requests go
//! straight to the admin router; API and token requests are numbered and
//! logged, held while a test holds responses, delayed by the latency, and
//! then answered, or given their fault. How each fault behaves is here
//! (`inject`), one arm per kind.

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::SystemTime;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, Request, Response, StatusCode, header};
use axum::response::IntoResponse;
use http_body_util::BodyExt;
use tower::ServiceExt;

use super::ADMIN_PREFIX;
use super::auth::credential_kind;
use crate::errors::ApiError;
use crate::faults::Fault;
use crate::state::{InFlight, RequestLine, Shared};

/// The error a request's service returns to make hyper drop the connection
/// without answering.
#[derive(Debug, thiserror::Error)]
#[error("connection dropped by an injected fault")]
pub(crate) struct DropConnection;

/// What the sandbox does with a request, once decided.
enum Outcome {
    Respond(Response<Body>),
    /// Drop the connection; `reset` sends a TCP RST instead of a FIN.
    Drop {
        reset: bool,
    },
}

/// The routers a connection hands its requests to.
#[derive(Clone)]
pub(crate) struct Routers {
    /// The API and the token route: counted, logged, delayed and faulted.
    pub(crate) api: Router,
    /// The admin endpoints: none of that.
    pub(crate) admin: Router,
}

/// Answers one request: admin requests directly; API and token requests
/// after they are numbered and logged, held, delayed, and given their fault.
pub(crate) async fn handle(
    shared: Arc<Shared>,
    routers: Routers,
    reset: Arc<AtomicBool>,
    request: Request<Body>,
) -> Result<Response<Body>, DropConnection> {
    let Routers { api, admin } = routers;
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
    shared.wait_while_held().await;
    if !arrival.latency.is_zero() {
        tokio::time::sleep(arrival.latency).await;
    }
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let outcome = match &arrival.fault {
        None => Outcome::Respond(call(api, request).await),
        Some(fault) => inject(fault, &shared, api, request).await,
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

async fn inject(
    fault: &Fault,
    shared: &Arc<Shared>,
    api: Router,
    request: Request<Body>,
) -> Outcome {
    // A 1xx is not a final answer; anything unusable becomes a 500.
    let status_or_500 = |code: u16| {
        StatusCode::from_u16(code)
            .ok()
            .filter(|status| !status.is_informational())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    };
    match fault {
        Fault::Status {
            status,
            retry_after,
        } => {
            let mut response = ApiError::status(status_or_500(*status)).into_response();
            if let Some(retry_after) = retry_after
                && let Ok(value) =
                    HeaderValue::from_str(&retry_after.header_value(SystemTime::now()))
            {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            Outcome::Respond(response)
        }
        Fault::ConnectionReset => Outcome::Drop { reset: true },
        Fault::ConnectionClosed => Outcome::Drop { reset: false },
        Fault::HtmlErrorPage { status } => {
            let status = status_or_500(*status);
            let title = format!(
                "{} {}",
                status.as_u16(),
                status.canonical_reason().unwrap_or("Error")
            );
            let page = format!(
                "<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
            );
            Outcome::Respond((status, [(header::CONTENT_TYPE, "text/html")], page).into_response())
        }
        Fault::EmptyBody => Outcome::Respond(
            (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "application/json")],
                Body::empty(),
            )
                .into_response(),
        ),
        Fault::WrongContentType => Outcome::Respond(
            (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                "OK\n",
            )
                .into_response(),
        ),
        Fault::StalledBody => {
            let opening =
                futures_util::stream::once(async { Ok::<_, io::Error>(Bytes::from_static(b"[")) });
            let shared = Arc::clone(shared);
            let never = futures_util::stream::once(async move {
                shared.shutting_down().await;
                Err(io::Error::other("the sandbox stopped"))
            });
            let body = Body::from_stream(futures_util::StreamExt::chain(opening, never));
            Outcome::Respond(
                (
                    StatusCode::OK,
                    [(header::CONTENT_TYPE, "application/json")],
                    body,
                )
                    .into_response(),
            )
        }
        Fault::TruncatedBody => {
            let (parts, bytes) = collect(call(api, request).await).await;
            let cut = bytes.slice(..bytes.len() / 2);
            Outcome::Respond(rebuild(parts, cut))
        }
        Fault::ShortPage => {
            let (parts, bytes) = collect(call(api, request).await).await;
            let shortened = match serde_json::from_slice::<serde_json::Value>(&bytes) {
                Ok(serde_json::Value::Array(mut items))
                    if parts.status == StatusCode::OK && !items.is_empty() =>
                {
                    items.pop();
                    serde_json::to_vec(&items).map(Bytes::from).unwrap_or(bytes)
                }
                _ => bytes,
            };
            Outcome::Respond(rebuild(parts, shortened))
        }
        Fault::LostResponse { status } => {
            // Serve the request in full (a write is applied), then lose it.
            drop(collect(call(api, request).await).await);
            match status {
                None => Outcome::Drop { reset: true },
                Some(code) => {
                    Outcome::Respond(ApiError::status(status_or_500(*code)).into_response())
                }
            }
        }
    }
}

async fn collect(response: Response<Body>) -> (axum::http::response::Parts, Bytes) {
    let (parts, body) = response.into_parts();
    let bytes = body
        .collect()
        .await
        .map(|collected| collected.to_bytes())
        .unwrap_or_default();
    (parts, bytes)
}

/// A response with new body bytes; hyper sets `content-length` from them.
fn rebuild(mut parts: axum::http::response::Parts, body: Bytes) -> Response<Body> {
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(body))
}
