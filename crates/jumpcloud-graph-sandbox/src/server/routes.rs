//! The API router: one route per entry of the generated operations tables
//! (the user graph's and the directory lookups', each under its base path),
//! each with the handler its operationId names in [`SERVED`], plus the token
//! route at the root. This is the only place routes of the API are
//! registered.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::Method;
use axum::routing::{MethodFilter, MethodRouter, on, post};

use super::{API_PREFIX, API_ROOT, BODY_LIMIT, TOKEN_PATH, V1_PREFIX, api, lookups, oauth};
use crate::errors::ApiError;
use crate::graph::Traversal;
use crate::lookup::{Collection, Lookup};
use crate::state::Shared;
use jumpcloud_graph_openapi::Operation;
// The tables `cargo xtask generate` writes from the fragments: the facade
// calls the same operations the sandbox serves.
use jumpcloud_graph_openapi::directory::{v1, v2};
use jumpcloud_graph_openapi::operations::ALL as USER_GRAPH;

/// The generated operations tables the API serves, each with the base path
/// its operations' paths are relative to, in the order they are listed.
const TABLES: [(&str, &[Operation]); 3] = [
    (API_PREFIX, USER_GRAPH),
    (V1_PREFIX, v1::operations::ALL),
    (API_PREFIX, v2::operations::ALL),
];

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
    /// One of the directory lookups.
    Lookup(Lookup),
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
    // The directory lookups, v1.
    (
        "systemusers_list",
        Serves::Lookup(Lookup::List(Collection::Users)),
    ),
    (
        "systemusers_get",
        Serves::Lookup(Lookup::Get(Collection::Users)),
    ),
    (
        "search_systemusers_post",
        Serves::Lookup(Lookup::Search(Collection::Users)),
    ),
    (
        "systems_list",
        Serves::Lookup(Lookup::List(Collection::Systems)),
    ),
    (
        "search_systems_post",
        Serves::Lookup(Lookup::Search(Collection::Systems)),
    ),
    (
        "applications_list",
        Serves::Lookup(Lookup::List(Collection::Applications)),
    ),
    (
        "radius_servers_list",
        Serves::Lookup(Lookup::List(Collection::RadiusServers)),
    ),
    // The directory lookups, v2.
    (
        "groups_user_list",
        Serves::Lookup(Lookup::List(Collection::UserGroups)),
    ),
    (
        "groups_system_list",
        Serves::Lookup(Lookup::List(Collection::SystemGroups)),
    ),
    (
        "ldapservers_list",
        Serves::Lookup(Lookup::List(Collection::LdapServers)),
    ),
    (
        "activedirectories_list",
        Serves::Lookup(Lookup::List(Collection::ActiveDirectories)),
    ),
    (
        "gsuites_get",
        Serves::Lookup(Lookup::Get(Collection::GSuites)),
    ),
    (
        "office365s_get",
        Serves::Lookup(Lookup::Get(Collection::Office365s)),
    ),
    (
        "directories_list",
        Serves::Lookup(Lookup::List(Collection::Directories)),
    ),
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
    /// The path template, relative to [`base_path`](Self::base_path), e.g.
    /// `/users/{user_id}/systems`.
    pub path: &'static str,
    /// Where the operation's API lives on the server: `/api/v2` (the user
    /// graph and the v2 lookups, [`Sandbox::base_url`](crate::Sandbox::base_url))
    /// or `/api` (the v1 lookups,
    /// [`Sandbox::v1_base_url`](crate::Sandbox::v1_base_url)).
    pub base_path: &'static str,
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
        Serves::Lookup(lookup) => lookups::route(method, lookup),
    })
}

fn method_filter(operation: &Operation) -> Option<MethodFilter> {
    let method = Method::from_bytes(operation.method.to_ascii_uppercase().as_bytes()).ok()?;
    MethodFilter::try_from(method).ok()
}

/// Every operation of the tables the API serves, in table order; see
/// [`crate::served_operations`].
pub(crate) fn served_operations() -> Vec<ServedOperation> {
    TABLES
        .iter()
        .flat_map(|(base_path, operations)| operations.iter().map(move |op| (*base_path, op)))
        .filter(|(_, operation)| {
            method_filter(operation)
                .and_then(|method| handler(operation.operation_id, method))
                .is_some()
        })
        .map(|(base_path, operation)| ServedOperation {
            operation_id: operation.operation_id,
            method: operation.method,
            path: operation.path,
            base_path,
        })
        .collect()
}

/// The router of the API (under `/api`: the v1 lookups there, the user
/// graph and the v2 lookups under `/api/v2`) and the token route.
///
/// An entry whose operationId has no handler answers 501; an entry whose
/// method is not HTTP, or that repeats a method on a path, is left out with
/// a warning rather than taking the sandbox down.
pub(crate) fn api_router(shared: Arc<Shared>) -> Router {
    let mut paths: BTreeMap<String, (Handler, Vec<MethodFilter>)> = BTreeMap::new();
    for (base_path, operations) in TABLES {
        for operation in operations {
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
            let under_root = base_path.strip_prefix(API_ROOT).unwrap_or(base_path);
            let (methods, seen) = paths
                .entry(format!("{under_root}{}", operation.path))
                .or_insert_with(|| (MethodRouter::new(), Vec::new()));
            if seen.contains(&method) {
                tracing::warn!(?operation, "method repeated on a path; operation left out");
                continue;
            }
            seen.push(method);
            *methods = std::mem::take(methods).merge(route);
        }
    }
    let api = paths
        .into_iter()
        .fold(Router::new(), |router, (path, (methods, _))| {
            router.route(&path, methods)
        });
    Router::new()
        .nest(API_ROOT, api)
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
    fn every_operation_of_the_tables_has_a_handler() {
        let served = served_operations();
        let listed: usize = TABLES.iter().map(|(_, operations)| operations.len()).sum();
        assert_eq!(served.len(), listed);
        assert_eq!(served.len(), 13 + 7 + 7);
    }

    #[test]
    fn every_operation_id_is_served_once() {
        let mut ids: Vec<&str> = SERVED.iter().map(|(id, _)| *id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), SERVED.len());
    }
}
