//! The HTTP side: the axum router of the twelve operations, the admin
//! endpoints, and the connection loop that injects latency and faults.
//!
//! Connections are served with hyper directly rather than `axum::serve`,
//! because some faults live below the router: dropping or resetting a
//! connection without an answer (the service returns an error, and hyper
//! closes the connection), and a body that never completes.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequestParts, Path, RawQuery, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Request, Response, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{MethodRouter, get, post};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;
use tower::ServiceExt;

use crate::errors::ApiError;
use crate::faults::{Fault, FaultPlan};
use crate::graph::{self, Traversal};
use crate::model::{KeyScope, Object, Org, is_object_id};
use crate::query::{Accepts, ListQuery};
use crate::state::{InFlight, RequestLine, SentEmail, Shared, lock};
use crate::wire::{self, AssociationOp, AssociationRequest, GraphConnection, GraphObjectWithPaths};

/// Where the API lives, as on console.jumpcloud.com.
pub(crate) const API_PREFIX: &str = "/api/v2";
/// Where the admin endpoints live: outside the API, never counted or
/// faulted, and not authenticated (the sandbox only listens on loopback).
pub(crate) const ADMIN_PREFIX: &str = "/__sandbox";
/// How long open connections get to finish when the sandbox stops.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

type SharedState = State<Arc<Shared>>;

// ---------------------------------------------------------------------------
// The twelve operations.

fn api_router(shared: Arc<Shared>) -> Router {
    let users = Router::new()
        .route(
            "/users/{user_id}/associations",
            get(list_associations).post(post_associations),
        )
        .route("/users/{user_id}/memberof", traversal(Traversal::MemberOf))
        .route(
            "/users/{user_id}/applications",
            traversal(Traversal::Applications),
        )
        .route(
            "/users/{user_id}/directories",
            traversal(Traversal::Directories),
        )
        .route("/users/{user_id}/gsuites", traversal(Traversal::GSuites))
        .route(
            "/users/{user_id}/ldapservers",
            traversal(Traversal::LdapServers),
        )
        .route(
            "/users/{user_id}/office365s",
            traversal(Traversal::Office365s),
        )
        .route(
            "/users/{user_id}/radiusservers",
            traversal(Traversal::RadiusServers),
        )
        .route("/users/{user_id}/systems", traversal(Traversal::Systems))
        .route(
            "/users/{user_id}/systemgroups",
            traversal(Traversal::SystemGroups),
        )
        .route("/users/{user_id}/emails", post(send_emails));
    Router::new()
        .nest(API_PREFIX, users)
        .fallback(|| async { ApiError::not_found("no such operation") })
        .method_not_allowed_fallback(|| async { ApiError::method_not_allowed() })
        .with_state(shared)
}

/// A request on `/users/{user_id}/...` that passed authentication: the org
/// it acts in and the (well-formed) user id.
struct UserRequest {
    org_id: String,
    user_id: String,
}

impl FromRequestParts<Arc<Shared>> for UserRequest {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, shared: &Arc<Shared>) -> Result<Self, ApiError> {
        let org_id = authorize(shared, &parts.headers)?;
        let Path(user_id) = Path::<String>::from_request_parts(parts, shared)
            .await
            .map_err(|rejection| ApiError::bad_request(rejection.body_text()))?;
        if !is_object_id(&user_id) {
            return Err(ApiError::bad_request(format!(
                "invalid object id \"{user_id}\""
            )));
        }
        Ok(UserRequest {
            org_id,
            user_id: user_id.to_ascii_lowercase(),
        })
    }
}

/// Checks `x-api-key` and picks the org, as JumpCloud does: an unknown key
/// is 401; a single-tenant key acts in its org (`x-org-id` optional, and must
/// be that org); a multi-tenant key needs `x-org-id` (401 without it); a
/// malformed `x-org-id` is 400 and an org the key cannot reach is 404.
fn authorize(shared: &Shared, headers: &HeaderMap) -> Result<String, ApiError> {
    let graph = lock(&shared.graph);
    let key = headers
        .get("x-api-key")
        .and_then(|value| value.to_str().ok())
        .and_then(|sent| graph.keys().iter().find(|key| key.key() == sent))
        .ok_or_else(ApiError::api_key_not_found)?;
    let org_header = headers
        .get("x-org-id")
        // A header that is not even ASCII is malformed, not absent.
        .map(|value| value.to_str().map_or("(not ASCII)", str::trim))
        .filter(|value| !value.is_empty());
    match (org_header, key.scope()) {
        (None, KeyScope::SingleTenant(org_id)) => Ok(org_id.clone()),
        (None, KeyScope::MultiTenant(_)) => Err(ApiError::no_organization_selected()),
        (Some(org_id), _) if !is_object_id(org_id) => Err(ApiError::bad_request(format!(
            "invalid x-org-id \"{org_id}\": not an organization id"
        ))),
        (Some(org_id), _) => {
            let org_id = org_id.to_ascii_lowercase();
            if key.can_access(&org_id) && graph.org(&org_id).is_some() {
                Ok(org_id)
            } else {
                Err(ApiError::not_found(format!(
                    "organization {org_id} not found"
                )))
            }
        }
    }
}

/// The org a request acts in. `authorize` checked it exists; orgs are never
/// removed, so this only fails if that changes.
fn find_org<'a>(graph: &'a crate::Fixture, org_id: &str) -> Result<&'a Org, ApiError> {
    graph
        .org(org_id)
        .ok_or_else(|| ApiError::not_found(format!("organization {org_id} not found")))
}

fn find_user<'a>(org: &'a Org, user_id: &str) -> Result<&'a Object, ApiError> {
    org.object_by_id(user_id)
        .filter(|object| object.kind() == crate::Kind::User)
        .ok_or_else(|| ApiError::not_found(format!("user {user_id} not found")))
}

/// `GET /users/{id}/associations`: the user's direct bindings to objects of
/// the `targets` kinds.
async fn list_associations(
    State(shared): SharedState,
    request: UserRequest,
    RawQuery(raw): RawQuery,
) -> Result<Response<Body>, ApiError> {
    let query = ListQuery::parse(
        raw.as_deref(),
        Accepts {
            targets: true,
            ..Accepts::default()
        },
    )?;
    let graph = lock(&shared.graph);
    let org = find_org(&graph, &request.org_id)?;
    let user = find_user(org, &request.user_id)?;
    let edges: Vec<_> = org
        .out_edges(user.id())
        .filter(|(target, _)| query.targets.contains(&target.kind()))
        .collect();
    let (total, page) = query.apply(edges, |(o, _)| o.id(), |(o, _), field| o.query_value(field));
    let items: Vec<GraphConnection<'_>> = page
        .into_iter()
        .map(|(target, attributes)| GraphConnection {
            attributes,
            from: None,
            to: target.into(),
        })
        .collect();
    Ok(wire::list_response(total, &items))
}

/// `POST /users/{id}/associations`: add, remove or update one direct edge.
async fn post_associations(
    State(shared): SharedState,
    request: UserRequest,
    body: Result<Bytes, BytesRejection>,
) -> Result<StatusCode, ApiError> {
    let body = body.map_err(|rejection| ApiError::bad_request(rejection.body_text()))?;
    let operation = AssociationRequest::parse(&body)?;
    let mut graph = lock(&shared.graph);
    let org = graph
        .org_mut(&request.org_id)
        .ok_or_else(|| ApiError::not_found("organization not found"))?;
    let user_id = find_user(org, &request.user_id)?.id().to_owned();
    let target_id = operation.id.to_ascii_lowercase();
    let kind = operation.kind;
    org.object_by_id(&target_id)
        .filter(|target| target.kind() == kind)
        .ok_or_else(|| ApiError::not_found(format!("{kind} {target_id} not found")))?;
    let result = match operation.op {
        AssociationOp::Add => org.insert_edge(&user_id, &target_id, operation.attributes),
        AssociationOp::Update => org.update_edge(&user_id, &target_id, operation.attributes),
        AssociationOp::Remove => org.remove_edge(&user_id, &target_id),
    };
    result.map_err(|error| match error {
        crate::model::EdgeError::Exists => ApiError::conflict(format!(
            "Already Exists: user {user_id} is already associated with {kind} {target_id}"
        )),
        crate::model::EdgeError::Missing => ApiError::not_found(format!(
            "user {user_id} is not associated with {kind} {target_id}"
        )),
        other => ApiError::bad_request(other.to_string()),
    })?;
    Ok(StatusCode::NO_CONTENT)
}

/// The eight traversals and `memberof`, which differ only in what they
/// list (and `memberof` also sorts).
fn traversal(traversal: Traversal) -> MethodRouter<Arc<Shared>> {
    get(
        move |State(shared): SharedState, request: UserRequest, RawQuery(raw): RawQuery| async move {
            traverse(&shared, &request, raw.as_deref(), traversal)
        },
    )
}

fn traverse(
    shared: &Shared,
    request: &UserRequest,
    raw_query: Option<&str>,
    traversal: Traversal,
) -> Result<Response<Body>, ApiError> {
    let query = ListQuery::parse(
        raw_query,
        Accepts {
            filter: true,
            sort: traversal == Traversal::MemberOf,
            targets: false,
        },
    )?;
    let graph = lock(&shared.graph);
    let org = find_org(&graph, &request.org_id)?;
    let user = find_user(org, &request.user_id)?;
    let reached = graph::traverse(org, user, traversal);
    let (total, page) = query.apply(
        reached,
        |r| r.object.id(),
        |r, field| r.object.query_value(field),
    );
    let items: Vec<GraphObjectWithPaths<'_>> = page.iter().map(Into::into).collect();
    Ok(wire::list_response(total, &items))
}

/// `POST /users/{id}/emails`: records the email in the outbox.
async fn send_emails(
    State(shared): SharedState,
    request: UserRequest,
    body: Result<Bytes, BytesRejection>,
) -> Result<StatusCode, ApiError> {
    let body = body.map_err(|rejection| ApiError::bad_request(rejection.body_text()))?;
    let email_type = wire::parse_email_type(&body)?;
    {
        let graph = lock(&shared.graph);
        find_user(find_org(&graph, &request.org_id)?, &request.user_id)?;
    }
    shared.send_email(SentEmail {
        org_id: request.org_id,
        user_id: request.user_id,
        email_type,
    });
    Ok(StatusCode::NO_CONTENT)
}

// ---------------------------------------------------------------------------
// Admin endpoints, for driving a standalone sandbox from outside.

fn admin_router(shared: Arc<Shared>) -> Router {
    let admin = Router::new()
        .route(
            "/stats",
            get(|State(s): SharedState| async move { axum::Json(s.stats()) }),
        )
        .route(
            "/stats/reset",
            post(|State(s): SharedState| async move {
                s.reset_stats();
                StatusCode::NO_CONTENT
            }),
        )
        .route(
            "/requests",
            get(|State(s): SharedState| async move { axum::Json(s.requests()) }),
        )
        .route(
            "/outbox",
            get(|State(s): SharedState| async move { axum::Json(s.outbox()) }),
        )
        .route(
            "/edges",
            get(
                |State(s): SharedState, RawQuery(raw): RawQuery| async move {
                    let org = form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
                        .find(|(k, _)| k == "org")
                        .map(|(_, v)| v.into_owned());
                    let graph = lock(&s.graph);
                    let org = match org {
                        Some(handle) => graph.org(&handle),
                        None => Some(graph.first_org()),
                    };
                    match org {
                        Some(org) => axum::Json(org.edges()).into_response(),
                        None => ApiError::not_found("no such org").into_response(),
                    }
                },
            ),
        )
        .route(
            "/faults",
            axum::routing::put(|State(s): SharedState, body: String| async move {
                match parse_fault_lines(&body) {
                    Ok(plan) => {
                        s.set_faults(plan);
                        StatusCode::NO_CONTENT.into_response()
                    }
                    Err(message) => ApiError::bad_request(message).into_response(),
                }
            })
            .delete(|State(s): SharedState| async move {
                s.set_faults(FaultPlan::new());
                StatusCode::NO_CONTENT
            }),
        )
        .route(
            "/latency",
            axum::routing::put(|State(s): SharedState, body: String| async move {
                match body.trim().parse::<u64>() {
                    Ok(ms) => {
                        s.set_latency(Duration::from_millis(ms));
                        StatusCode::NO_CONTENT.into_response()
                    }
                    Err(_) => {
                        ApiError::bad_request("the body must be a whole number of milliseconds")
                            .into_response()
                    }
                }
            }),
        );
    Router::new()
        .nest(ADMIN_PREFIX, admin)
        .fallback(|| async { ApiError::not_found("no such admin endpoint") })
        .with_state(shared)
}

/// The admin `PUT /__sandbox/faults` body: one rule per line (the `--fault`
/// syntax), an optional `seed=<n>` line, blank lines and `#` comments.
pub(crate) fn parse_fault_lines(text: &str) -> Result<FaultPlan, String> {
    let mut plan = FaultPlan::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(seed) = line.strip_prefix("seed=") {
            let seed = seed
                .parse::<u64>()
                .map_err(|_| format!("invalid seed {seed:?}"))?;
            plan = plan.seed(seed);
            continue;
        }
        plan = plan.rule(
            line.parse()
                .map_err(|e: crate::FaultSpecError| e.to_string())?,
        );
    }
    Ok(plan)
}

// ---------------------------------------------------------------------------
// Serving connections, with latency and faults.

/// Accepts connections until the sandbox shuts down, then gives open
/// connections [`SHUTDOWN_GRACE`] to finish.
pub(crate) async fn serve(listener: TcpListener, shared: Arc<Shared>) {
    let api = api_router(Arc::clone(&shared));
    let admin = admin_router(Arc::clone(&shared));
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(serve_connection(
                        stream,
                        Arc::clone(&shared),
                        api.clone(),
                        admin.clone(),
                    ));
                }
                Err(error) => {
                    // Typically out of file descriptors: give connections a
                    // moment to close rather than spinning.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            () = shared.shutting_down() => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    let drained = async { while connections.join_next().await.is_some() {} };
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, drained).await;
}

async fn serve_connection(stream: TcpStream, shared: Arc<Shared>, api: Router, admin: Router) {
    // Small JSON answers should not wait for Nagle's algorithm.
    let _ = stream.set_nodelay(true);
    let reset = Arc::new(AtomicBool::new(false));
    let io = TokioIo::new(Connection {
        stream,
        reset: Arc::clone(&reset),
    });
    let service_shared = Arc::clone(&shared);
    let service = hyper::service::service_fn(move |request: Request<Incoming>| {
        handle(
            Arc::clone(&service_shared),
            api.clone(),
            admin.clone(),
            Arc::clone(&reset),
            request,
        )
    });
    let connection = hyper::server::conn::http1::Builder::new().serve_connection(io, service);
    let mut connection = std::pin::pin!(connection);
    tokio::select! {
        _ = connection.as_mut() => {}
        () = shared.shutting_down() => {
            connection.as_mut().graceful_shutdown();
            let _ = tokio::time::timeout(SHUTDOWN_GRACE, connection).await;
        }
    }
}

/// The error a request's service returns to make hyper drop the connection
/// without answering.
#[derive(Debug, thiserror::Error)]
#[error("connection dropped by an injected fault")]
struct DropConnection;

/// What the sandbox does with a request, once decided.
enum Outcome {
    Respond(Response<Body>),
    /// Drop the connection; `reset` sends a TCP RST instead of a FIN.
    Drop {
        reset: bool,
    },
}

async fn handle(
    shared: Arc<Shared>,
    api: Router,
    admin: Router,
    reset: Arc<AtomicBool>,
    request: Request<Incoming>,
) -> Result<Response<Body>, DropConnection> {
    let request = request.map(Body::new);
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

/// A TCP connection that, when a fault asks for it, is reset (RST) instead
/// of closed (FIN) when hyper drops it.
struct Connection {
    stream: TcpStream,
    reset: Arc<AtomicBool>,
}

impl Drop for Connection {
    fn drop(&mut self) {
        if self.reset.load(Ordering::SeqCst) {
            let _ = self.stream.set_zero_linger();
        }
    }
}

impl AsyncRead for Connection {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Connection {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fault_lines_take_a_seed_comments_and_rules() {
        let plan =
            parse_fault_lines("# flaky\nseed=7\n429,every=3\n\nreset,first=1\n").expect("valid");
        assert_eq!(plan.seed_value(), 7);
        assert_eq!(plan.rules().len(), 2);
        assert!(parse_fault_lines("nonsense").is_err());
    }
}
