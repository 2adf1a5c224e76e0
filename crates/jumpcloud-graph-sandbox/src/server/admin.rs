//! The admin endpoints under `/__sandbox`, for driving a standalone sandbox
//! from outside: stats, the request log, the outbox, the live edges, and the
//! switches for faults, latency, association lag and tokens. Settings are
//! checked as the Rust API checks them: a value the sandbox cannot honour is
//! 400 and changes nothing.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};

use super::body::RequestBody;
use super::{ADMIN_PREFIX, BODY_LIMIT};
use crate::errors::ApiError;
use crate::faults::{FaultPlan, FaultRule, FaultSpecError};
use crate::settings;
use crate::state::{Shared, lock};

type SharedState = State<Arc<Shared>>;

pub(crate) fn router(shared: Arc<Shared>) -> Router {
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
        .route("/edges", get(edges))
        .route(
            "/faults",
            put(put_faults).delete(|State(s): SharedState| async move {
                s.set_faults(FaultPlan::new());
                StatusCode::NO_CONTENT
            }),
        )
        .route("/latency", put(put_latency))
        .route("/association-lag", put(put_association_lag))
        .route("/token-lifetime", put(put_token_lifetime))
        .route(
            "/tokens/expire",
            post(|State(s): SharedState| async move {
                s.expire_tokens();
                StatusCode::NO_CONTENT
            }),
        )
        .route(
            "/tokens/revoke",
            post(|State(s): SharedState| async move {
                s.revoke_tokens();
                StatusCode::NO_CONTENT
            }),
        );
    Router::new()
        .nest(ADMIN_PREFIX, admin)
        .fallback(|| async { ApiError::not_found("no such admin endpoint") })
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(shared)
}

async fn edges(State(shared): SharedState, RawQuery(raw): RawQuery) -> Response {
    let org = form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .find(|(k, _)| k == "org")
        .map(|(_, v)| v.into_owned());
    let live = lock(&shared.live);
    let fixture = live.fixture();
    let org = match org {
        Some(handle) => fixture.org(&handle),
        None => Some(fixture.first_org()),
    };
    match org {
        Some(org) => axum::Json(org.edges()).into_response(),
        None => ApiError::not_found("no such org").into_response(),
    }
}

async fn put_faults(State(shared): SharedState, body: Result<RequestBody, ApiError>) -> Response {
    let plan = text(body).and_then(|text| {
        parse_fault_lines(&text).map_err(|e| ApiError::bad_request(e.to_string()))
    });
    match plan {
        Ok(plan) => {
            shared.set_faults(plan);
            StatusCode::NO_CONTENT.into_response()
        }
        Err(error) => error.into_response(),
    }
}

async fn put_latency(State(shared): SharedState, body: Result<RequestBody, ApiError>) -> Response {
    match milliseconds(body, settings::check_latency) {
        Ok(latency) => {
            shared.set_latency(latency);
            StatusCode::NO_CONTENT.into_response()
        }
        Err(error) => error.into_response(),
    }
}

async fn put_association_lag(
    State(shared): SharedState,
    body: Result<RequestBody, ApiError>,
) -> Response {
    match milliseconds(body, settings::check_association_lag) {
        Ok(lag) => {
            lock(&shared.live).set_association_lag(lag);
            StatusCode::NO_CONTENT.into_response()
        }
        Err(error) => error.into_response(),
    }
}

/// A body of whole milliseconds, within the setting's range.
fn milliseconds(
    body: Result<RequestBody, ApiError>,
    check: fn(Duration) -> Result<Duration, settings::SettingError>,
) -> Result<Duration, ApiError> {
    let text = text(body)?;
    let ms = text
        .trim()
        .parse::<u64>()
        .map_err(|_| ApiError::bad_request("the body must be a whole number of milliseconds"))?;
    check(Duration::from_millis(ms)).map_err(|e| ApiError::bad_request(e.to_string()))
}

async fn put_token_lifetime(
    State(shared): SharedState,
    body: Result<RequestBody, ApiError>,
) -> Response {
    let lifetime = text(body).and_then(|text| {
        let seconds = text
            .trim()
            .parse::<u64>()
            .map_err(|_| ApiError::bad_request("the body must be a whole number of seconds"))?;
        settings::check_token_lifetime(Duration::from_secs(seconds))
            .map_err(|e| ApiError::bad_request(e.to_string()))
    });
    match lifetime {
        Ok(lifetime) => {
            lock(&shared.tokens).set_lifetime(lifetime);
            StatusCode::NO_CONTENT.into_response()
        }
        Err(error) => error.into_response(),
    }
}

fn text(body: Result<RequestBody, ApiError>) -> Result<String, ApiError> {
    let RequestBody(bytes) = body?;
    String::from_utf8(bytes.to_vec()).map_err(|_| ApiError::bad_request("the body is not UTF-8"))
}

/// A fault plan as the admin endpoint takes it: one rule per line (the
/// `--fault` syntax), an optional `seed=<n>` line, blank lines and `#`
/// comments.
#[derive(Debug, thiserror::Error)]
pub(crate) enum FaultLinesError {
    #[error("invalid seed {0:?}")]
    Seed(String),
    #[error(transparent)]
    Rule(#[from] FaultSpecError),
}

pub(crate) fn parse_fault_lines(text: &str) -> Result<FaultPlan, FaultLinesError> {
    let mut plan = FaultPlan::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(seed) = line.strip_prefix("seed=") {
            let seed = seed
                .parse::<u64>()
                .map_err(|_| FaultLinesError::Seed(seed.to_owned()))?;
            plan = plan.seed(seed);
            continue;
        }
        plan = plan.rule(line.parse::<FaultRule>()?);
    }
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fault_lines_take_a_seed_comments_and_rules() {
        let plan =
            parse_fault_lines("# flaky\nseed=7\n429,every=3\n\nreset,first=1\n").expect("valid");
        let rules = FaultPlan::parse(["429,every=3", "reset,first=1"]).expect("valid");
        assert_eq!(plan, rules.seed(7));
        assert!(parse_fault_lines("nonsense").is_err());
        assert!(parse_fault_lines("seed=-1").is_err());
        assert!(parse_fault_lines("429,every=0").is_err());
    }
}
