//! The API router: one route per entry of the operations table, each with
//! the handler its operationId names, plus the token route at the root.
//! This is the only place routes of the API are registered.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::Method;
use axum::routing::{MethodFilter, MethodRouter, on, post};

use super::api;
// The table `cargo xtask generate` writes from the fragment: the facade
// calls the same operations the sandbox serves.
use super::{API_PREFIX, BODY_LIMIT, TOKEN_PATH, oauth};
use crate::errors::ApiError;
use crate::graph::Traversal;
use crate::state::Shared;
use jumpcloud_graph_openapi::Operation;
use jumpcloud_graph_openapi::operations::ALL as OPERATIONS;

type Handler = MethodRouter<Arc<Shared>>;

/// The handler of an operation, for the given method; `None` for an
/// operationId the sandbox does not know.
fn handler(operation_id: &str, method: MethodFilter) -> Option<Handler> {
    let traversal = |traversal: Traversal| Some(api::traversal(method, traversal));
    match operation_id {
        "graph_userAssociationsList" => Some(on(method, api::list_associations)),
        "graph_userAssociationsPost" => Some(on(method, api::post_associations)),
        "graph_userMemberOf" => traversal(Traversal::MemberOf),
        "graph_userTraverseActiveDirectory" => traversal(Traversal::ActiveDirectories),
        "graph_userTraverseApplication" => traversal(Traversal::Applications),
        "graph_userTraverseDirectory" => traversal(Traversal::Directories),
        "graph_userTraverseGSuite" => traversal(Traversal::GSuites),
        "graph_userTraverseLdapServer" => traversal(Traversal::LdapServers),
        "graph_userTraverseOffice365" => traversal(Traversal::Office365s),
        "graph_userTraverseRadiusServer" => traversal(Traversal::RadiusServers),
        "graph_userTraverseSystem" => traversal(Traversal::Systems),
        "graph_userTraverseSystemGroup" => traversal(Traversal::SystemGroups),
        "users_sendEmails" => Some(on(method, api::send_emails)),
        _ => None,
    }
}

fn method_filter(operation: &Operation) -> Option<MethodFilter> {
    let method = Method::from_bytes(operation.method.to_ascii_uppercase().as_bytes()).ok()?;
    MethodFilter::try_from(method).ok()
}

/// Every (operationId, method, path template) the API serves, in table
/// order; see [`crate::served_operations`].
pub(crate) fn served_operations() -> Vec<(&'static str, &'static str, &'static str)> {
    OPERATIONS
        .iter()
        .filter(|operation| {
            method_filter(operation)
                .and_then(|method| handler(operation.operation_id, method))
                .is_some()
        })
        .map(|operation| (operation.operation_id, operation.method, operation.path))
        .collect()
}

/// The router of the API (under `/api/v2`) and the token route.
///
/// An entry whose operationId has no handler answers 501; an entry whose
/// method is not HTTP, or that repeats a method on a path, is left out with
/// a warning rather than taking the sandbox down.
pub(crate) fn api_router(shared: Arc<Shared>) -> Router {
    let mut paths: BTreeMap<&'static str, (Handler, Vec<MethodFilter>)> = BTreeMap::new();
    for operation in OPERATIONS {
        let Some(method) = method_filter(operation) else {
            tracing::warn!(?operation, "not an HTTP method; operation left out");
            continue;
        };
        let route = handler(operation.operation_id, method).unwrap_or_else(|| {
            let operation_id = operation.operation_id;
            on(method, move || async move {
                ApiError::not_implemented(operation_id)
            })
        });
        let (methods, seen) = paths
            .entry(operation.path)
            .or_insert_with(|| (MethodRouter::new(), Vec::new()));
        if seen.contains(&method) {
            tracing::warn!(?operation, "method repeated on a path; operation left out");
            continue;
        }
        seen.push(method);
        *methods = std::mem::take(methods).merge(route);
    }
    let api = paths
        .into_iter()
        .fold(Router::new(), |router, (path, (methods, _))| {
            router.route(path, methods)
        });
    Router::new()
        .nest(API_PREFIX, api)
        .route(TOKEN_PATH, post(oauth::token))
        .fallback(|| async { ApiError::not_found("no such operation") })
        .method_not_allowed_fallback(|| async { ApiError::method_not_allowed() })
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(shared)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_of_the_table_has_a_handler() {
        let served = served_operations();
        assert_eq!(served.len(), OPERATIONS.len());
        assert_eq!(served.len(), 13);
    }
}
