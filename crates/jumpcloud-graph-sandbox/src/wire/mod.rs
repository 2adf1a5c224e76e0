//! Every JSON shape the sandbox sends or reads, in one place, as the OpenAPI
//! fragment describes it: the graph's objects, edges and paths
//! (`graph.rs`), list responses with `x-total-count` (`lists.rs`), the
//! directory lookups' search body and answers (`lookups.rs`), the request
//! bodies it reads (`requests.rs`) and the error body (here).
//!
//! These are the sandbox's own serde structs, not the generated types: the
//! conformance tests decode the sandbox's output with the generated types,
//! which only proves something if the two are written independently. This
//! module decides shapes only; which status an answer gets is `errors`'
//! business, which is why nothing here depends on it.

mod graph;
mod lists;
mod lookups;
mod requests;

use serde::Serialize;

pub(crate) use graph::{GraphConnection, GraphObjectWithPaths};
pub(crate) use lists::{json_list_response, list_response};
pub(crate) use lookups::{Record, SearchBody, record_response, v1_list_response};
pub(crate) use requests::{AssociationOp, AssociationRequest, BadBody, parse_email_type};

/// An error body: `{"error"?, "message"}`.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct ErrorBody {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) error: Option<String>,
    pub(crate) message: String,
}
