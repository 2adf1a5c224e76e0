//! The API router: one route per entry of the operations table, each with
//! the handler its operationId names in [`SERVED`], plus the token route at
//! the root. This is the only place routes of the API are registered.

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

/// What serves an operation.
#[derive(Clone, Copy, Debug)]
enum Serves {
    /// `GET /users/{id}/associations`.
    ListAssociations,
    /// `POST /users/{id}/associations`.
    PostAssociations,
    /// One of the nine traversals, or `memberof`.
    Traversal(Traversal),
    /// `POST /users/{id}/emails`.
    SendEmails,
}

/// Every operationId the sandbox serves, and what serves it. An operation
/// of the generated table missing here answers 501.
const SERVED: &[(&str, Serves)] = &[
    ("graph_userAssociationsList", Serves::ListAssociations),
    ("graph_userAssociationsPost", Serves::PostAssociations),
    ("graph_userMemberOf", Serves::Traversal(Traversal::MemberOf)),
    (
        "graph_userTraverseActiveDirectory",
        Serves::Traversal(Traversal::ActiveDirectories),
    ),
    (
        "graph_userTraverseApplication",
        Serves::Traversal(Traversal::Applications),
    ),
    (
        "graph_userTraverseDirectory",
        Serves::Traversal(Traversal::Directories),
    ),
    (
        "graph_userTraverseGSuite",
        Serves::Traversal(Traversal::GSuites),
    ),
    (
        "graph_userTraverseLdapServer",
        Serves::Traversal(Traversal::LdapServers),
    ),
    (
        "graph_userTraverseOffice365",
        Serves::Traversal(Traversal::Office365s),
    ),
    (
        "graph_userTraverseRadiusServer",
        Serves::Traversal(Traversal::RadiusServers),
    ),
    (
        "graph_userTraverseSystem",
        Serves::Traversal(Traversal::Systems),
    ),
    (
        "graph_userTraverseSystemGroup",
        Serves::Traversal(Traversal::SystemGroups),
    ),
    ("users_sendEmails", Serves::SendEmails),
];

/// One operation the sandbox serves, as the OpenAPI fragment names it; see
/// [`served_operations`](crate::served_operations).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub struct ServedOperation {
    /// The operationId, e.g. `graph_userTraverseSystem`.
    pub operation_id: &'static str,
    /// The HTTP method, upper case, e.g. `GET`.
    pub method: &'static str,
    /// The path template, relative to
    /// [`Sandbox::base_url`](crate::Sandbox::base_url), e.g.
    /// `/users/{user_id}/systems`.
    pub path: &'static str,
}

/// The handler of an operation, for the given method; `None` for an
/// operationId the sandbox does not serve.
fn handler(operation_id: &str, method: MethodFilter) -> Option<Handler> {
    let (_, serves) = SERVED.iter().find(|(id, _)| *id == operation_id)?;
    Some(match *serves {
        Serves::ListAssociations => on(method, api::list_associations),
        Serves::PostAssociations => on(method, api::post_associations),
        Serves::Traversal(traversal) => api::traversal(method, traversal),
        Serves::SendEmails => on(method, api::send_emails),
    })
}

fn method_filter(operation: &Operation) -> Option<MethodFilter> {
    let method = Method::from_bytes(operation.method.to_ascii_uppercase().as_bytes()).ok()?;
    MethodFilter::try_from(method).ok()
}

/// Every operation of the table the API serves, in table order; see
/// [`crate::served_operations`].
pub(crate) fn served_operations() -> Vec<ServedOperation> {
    OPERATIONS
        .iter()
        .filter(|operation| {
            method_filter(operation)
                .and_then(|method| handler(operation.operation_id, method))
                .is_some()
        })
        .map(|operation| ServedOperation {
            operation_id: operation.operation_id,
            method: operation.method,
            path: operation.path,
        })
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
