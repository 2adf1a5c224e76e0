//! What identifies one API operation: its operationId, HTTP method and path
//! template, written once by `cargo xtask generate` (the table is
//! [`operations`](crate::operations)) so that the facade, the sandbox and
//! the tests never retype them.

/// One operation of the OpenAPI fragment: the upstream `operationId`, the
/// HTTP method and the path template.
///
/// The constants in [`operations`](crate::operations) are generated from the
/// fragment, one per operation, named after the operationId in
/// SCREAMING_SNAKE_CASE; [`operations::ALL`](crate::operations::ALL) lists
/// them in the fragment's order.
///
/// ```
/// use jumpcloud_graph_openapi::{Operation, operations};
///
/// let op: Operation = operations::GRAPH_USER_TRAVERSE_SYSTEM;
/// assert_eq!(op.operation_id, "graph_userTraverseSystem");
/// assert_eq!(op.method, "GET");
/// assert_eq!(op.path, "/users/{user_id}/systems");
/// assert_eq!(operations::ALL.len(), 13);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Operation {
    /// The `operationId`, exactly as upstream spells it, e.g.
    /// `graph_userTraverseSystem`.
    pub operation_id: &'static str,
    /// The HTTP method in upper case: `GET` or `POST`.
    pub method: &'static str,
    /// The path template relative to the base URL (which ends in `/api/v2`),
    /// with parameters in braces, e.g. `/users/{user_id}/associations`.
    pub path: &'static str,
}
