//! The twelve operations of `openapi/jumpcloud-user-graph.yaml`, keyed by
//! operationId, with their methods and path templates (relative to
//! `/api/v2`). The router registers one route per entry (see
//! `routes.rs`), so this table is the one list of what the API serves.
//!
//! The shape is the generated crate's `operations::Operation`; once
//! `jumpcloud_graph_openapi::operations::ALL` exists, `routes.rs` imports it
//! instead of this file's [`OPERATIONS`] (a one-line change there) and this
//! file goes.

/// One operation: what the OpenAPI fragment says about its route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Operation {
    /// The operationId, e.g. `graph_userTraverseSystem`.
    pub(crate) operation_id: &'static str,
    /// The HTTP method, e.g. `GET`.
    pub(crate) method: &'static str,
    /// The path template relative to `/api/v2`, e.g.
    /// `/users/{user_id}/systems`.
    pub(crate) path: &'static str,
}

const fn operation(
    operation_id: &'static str,
    method: &'static str,
    path: &'static str,
) -> Operation {
    Operation {
        operation_id,
        method,
        path,
    }
}

/// Every operation, in the fragment's order.
pub(crate) const OPERATIONS: &[Operation] = &[
    operation(
        "graph_userAssociationsList",
        "GET",
        "/users/{user_id}/associations",
    ),
    operation(
        "graph_userAssociationsPost",
        "POST",
        "/users/{user_id}/associations",
    ),
    operation("graph_userMemberOf", "GET", "/users/{user_id}/memberof"),
    operation(
        "graph_userTraverseApplication",
        "GET",
        "/users/{user_id}/applications",
    ),
    operation(
        "graph_userTraverseDirectory",
        "GET",
        "/users/{user_id}/directories",
    ),
    operation(
        "graph_userTraverseGSuite",
        "GET",
        "/users/{user_id}/gsuites",
    ),
    operation(
        "graph_userTraverseLdapServer",
        "GET",
        "/users/{user_id}/ldapservers",
    ),
    operation(
        "graph_userTraverseOffice365",
        "GET",
        "/users/{user_id}/office365s",
    ),
    operation(
        "graph_userTraverseRadiusServer",
        "GET",
        "/users/{user_id}/radiusservers",
    ),
    operation(
        "graph_userTraverseSystem",
        "GET",
        "/users/{user_id}/systems",
    ),
    operation(
        "graph_userTraverseSystemGroup",
        "GET",
        "/users/{user_id}/systemgroups",
    ),
    operation("users_sendEmails", "POST", "/users/{user_id}/emails"),
];
