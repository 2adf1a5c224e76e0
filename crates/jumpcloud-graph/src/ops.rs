//! The thirteen operations' descriptors (operationId, method, path template),
//! from the table `cargo xtask generate` writes into the generated crate:
//! the facade, the sandbox and the tests share one list.

pub(crate) use jumpcloud_graph_openapi::{Operation, operations};

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

/// Sends a generated request builder, with `x-org-id` when `$org` (an
/// `Option<String>`) has one. The generated builders share no trait, and
/// their header setter takes a value, not an `Option`, hence a macro.
macro_rules! send_with_org {
    ($request:expr, $org:expr) => {
        match $org {
            Some(org) => $request.x_org_id(org).send().boxed_local(),
            None => $request.send().boxed_local(),
        }
    };
}
pub(crate) use send_with_org;
