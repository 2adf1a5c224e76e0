//! The thirteen operations' descriptors (operationId, method, path template),
//! from the table `cargo xtask generate` writes into the generated crate:
//! the facade, the sandbox and the tests share one list.

pub(crate) use jumpcloud_graph_openapi::{Operation, RequestError, operations, requests};

use crate::ObjectId;
use crate::credentials::Endpoint;
use crate::execute::Call;

/// The call for `operation` on one user.
pub(crate) fn call(operation: Operation, user: ObjectId, idempotent: bool) -> Call {
    Call {
        operation: operation.operation_id,
        method: operation.method,
        path: operation.path.replace("{user_id}", &user.to_string()),
        idempotent,
        endpoint: Endpoint::Api,
    }
}
