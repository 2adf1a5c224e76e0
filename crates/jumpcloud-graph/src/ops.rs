//! The thirteen operations, from what `cargo xtask generate` writes into
//! the generated crate: their descriptors (operationId, method, path
//! template; the facade, the sandbox and the tests share one table) and the
//! functions that build their requests. A leaf: it needs nothing else of
//! this crate.

pub(crate) use jumpcloud_graph_openapi::{Operation, RequestError, operations, requests};
