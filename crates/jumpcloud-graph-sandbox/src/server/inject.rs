//! How each injected fault answers a request, one function per kind:
//! statuses, dropped connections, gateway pages, odd 200s, stalled bodies,
//! and the faults that serve the request first and then spoil or lose the
//! answer. Adding a kind of fault adds an arm to [`answer`] (the compiler
//! asks for it).

use std::future::Future;
use std::io;
use std::sync::Arc;
use std::time::SystemTime;

use axum::body::{Body, Bytes};
use axum::http::response::Parts;
use axum::http::{HeaderValue, Response, StatusCode, header};
use axum::response::IntoResponse;
use http_body_util::BodyExt;

use crate::errors::ApiError;
use crate::faults::{Fault, RetryAfter};
use crate::state::Shared;

/// What the sandbox does with a request, once decided.
pub(super) enum Outcome {
    Respond(Response<Body>),
    /// Drop the connection; `reset` sends a TCP RST instead of a FIN.
    Drop {
        reset: bool,
    },
}

/// The outcome of a request given `fault`. `serve` is the real answer, only
/// awaited by the faults that serve the request (a write is then applied).
pub(super) async fn answer(
    fault: &Fault,
    shared: &Arc<Shared>,
    serve: impl Future<Output = Response<Body>>,
) -> Outcome {
    match fault {
        Fault::Status {
            status,
            retry_after,
        } => Outcome::Respond(status_answer(*status, *retry_after)),
        Fault::ConnectionReset => Outcome::Drop { reset: true },
        Fault::ConnectionClosed => Outcome::Drop { reset: false },
        Fault::HtmlErrorPage { status } => Outcome::Respond(html_error_page(*status)),
        Fault::EmptyBody => Outcome::Respond(json_200(Body::empty())),
        Fault::WrongContentType => Outcome::Respond(
            (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                "OK\n",
            )
                .into_response(),
        ),
        Fault::StalledBody => Outcome::Respond(stalled_body(shared)),
        Fault::TruncatedBody => Outcome::Respond(truncated(serve.await).await),
        Fault::ShortPage => Outcome::Respond(short_page(serve.await).await),
        Fault::LostResponse { status } => {
            // Serve the request in full (a write is applied), then lose it.
            drop(collect(serve.await).await);
            match status {
                None => Outcome::Drop { reset: true },
                Some(code) => {
                    Outcome::Respond(ApiError::status(status_or_500(*code)).into_response())
                }
            }
        }
    }
}

/// A final status: a 1xx is not a final answer, and anything unusable
/// becomes a 500.
fn status_or_500(code: u16) -> StatusCode {
    StatusCode::from_u16(code)
        .ok()
        .filter(|status| !status.is_informational())
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// A JumpCloud-style error body with that status, and `Retry-After` when
/// given.
fn status_answer(status: u16, retry_after: Option<RetryAfter>) -> Response<Body> {
    let mut response = ApiError::status(status_or_500(status)).into_response();
    if let Some(retry_after) = retry_after
        && let Ok(value) = HeaderValue::from_str(&retry_after.header_value(SystemTime::now()))
    {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

/// The answer to a request over the per-key rate limit: JumpCloud's error
/// style with its reason (`{"error": "Too Many Requests", "message": "Too
/// Many Requests"}`, the sandbox's choice: no 429 body from JumpCloud is on
/// record) and `Retry-After` in seconds.
pub(super) fn rate_limited(retry_after_secs: u64) -> Response<Body> {
    let mut response = ApiError::status(StatusCode::TOO_MANY_REQUESTS).into_response();
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
    response
}

/// The `text/html` page a gateway in front of the API sends.
fn html_error_page(status: u16) -> Response<Body> {
    let status = status_or_500(status);
    let title = format!(
        "{} {}",
        status.as_u16(),
        status.canonical_reason().unwrap_or("Error")
    );
    let page = format!(
        "<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    );
    (status, [(header::CONTENT_TYPE, "text/html")], page).into_response()
}

/// 200 with JSON headers and this body.
fn json_200(body: Body) -> Response<Body> {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response()
}

/// 200, JSON headers and `[`, then nothing until the sandbox stops.
fn stalled_body(shared: &Arc<Shared>) -> Response<Body> {
    let opening =
        futures_util::stream::once(async { Ok::<_, io::Error>(Bytes::from_static(b"[")) });
    let shared = Arc::clone(shared);
    let never = futures_util::stream::once(async move {
        shared.shutting_down().await;
        Err(io::Error::other("the sandbox stopped"))
    });
    json_200(Body::from_stream(futures_util::StreamExt::chain(
        opening, never,
    )))
}

/// The real answer with its body cut in half.
async fn truncated(served: Response<Body>) -> Response<Body> {
    let (parts, bytes) = collect(served).await;
    let cut = bytes.slice(..bytes.len() / 2);
    rebuild(parts, cut)
}

/// The real answer without the last item of its list (a 200 list only: a
/// v2 array, or a v1 list's `results`), its total unchanged.
async fn short_page(served: Response<Body>) -> Response<Body> {
    let (parts, bytes) = collect(served).await;
    if parts.status != StatusCode::OK {
        return rebuild(parts, bytes);
    }
    let mut body = match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Ok(body) => body,
        Err(_) => return rebuild(parts, bytes),
    };
    let items = match &mut body {
        serde_json::Value::Array(items) => Some(items),
        serde_json::Value::Object(list) => match list.get_mut("results") {
            Some(serde_json::Value::Array(items)) => Some(items),
            _ => None,
        },
        _ => None,
    };
    let popped = items.and_then(Vec::pop).is_some();
    let shortened = if popped {
        serde_json::to_vec(&body).map(Bytes::from).unwrap_or(bytes)
    } else {
        bytes
    };
    rebuild(parts, shortened)
}

async fn collect(response: Response<Body>) -> (Parts, Bytes) {
    let (parts, body) = response.into_parts();
    let bytes = body
        .collect()
        .await
        .map(|collected| collected.to_bytes())
        .unwrap_or_default();
    (parts, bytes)
}

/// A response with new body bytes; hyper sets `content-length` from them.
fn rebuild(mut parts: Parts, body: Bytes) -> Response<Body> {
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(body))
}
