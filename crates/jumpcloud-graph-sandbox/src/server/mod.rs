//! The HTTP side, one room each: the router built from the generated
//! operations tables (`routes.rs`), the handlers of the thirteen user-graph
//! operations (`api.rs`) and of the directory lookups (`lookups.rs`), authentication (`auth.rs`), the token route
//! (`oauth.rs`), request bodies (`body.rs`), the admin endpoints
//! (`admin.rs`), what happens to each request (`dispatch.rs`) and how an
//! injected fault answers it (`inject.rs`), the per-key rate limit
//! (`rate_limit.rs`), the connection loop with its
//! limits (`connection.rs`), its slots and which connection gives one up
//! when they run out (`slots.rs`), and when a connection counts as
//! answering a request (`answering.rs`).

mod admin;
mod answering;
mod api;
mod auth;
mod body;
mod connection;
mod dispatch;
mod inject;
mod lookups;
mod oauth;
mod rate_limit;
mod routes;
mod slots;

pub(crate) use connection::{ConnectionLimits, serve};
pub use routes::ServedOperation;
pub(crate) use routes::served_operations;

/// Where both of JumpCloud's APIs live, as on console.jumpcloud.com.
pub(crate) const API_ROOT: &str = "/api";
/// Where the v2 API (the user graph, the v2 lookups) lives.
pub(crate) const API_PREFIX: &str = "/api/v2";
/// Where the v1 API (the v1 lookups) lives.
pub(crate) const V1_PREFIX: &str = "/api";
/// Where service accounts get tokens: at the root, as on
/// `admin-oauth.id.jumpcloud.com`.
pub(crate) const TOKEN_PATH: &str = "/oauth2/token";
/// Where the admin endpoints live: outside the API, never counted or
/// faulted, and not authenticated (the sandbox only listens on loopback).
pub(crate) const ADMIN_PREFIX: &str = "/__sandbox";
/// The largest request body (axum's default): larger ones are 413.
pub(crate) const BODY_LIMIT: usize = 2 * 1024 * 1024;
