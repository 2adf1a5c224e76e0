//! JumpCloud's v1 lookups, under `/api`: users (a list, one by id, a search
//! by any of their fields), devices (a list, a search), SSO applications and
//! RADIUS servers, generated from `openapi/jumpcloud-directory-v1.yaml`.
//!
//! Everything here except [`SPEC_PATH`] is written by `cargo xtask
//! generate`: progenitor's [`Client`] and [`types`], the [`operations`]
//! table and the [`requests`] functions, as at the crate's root for the
//! user graph.
//!
//! Many users at once, by id or email, in one request (the form the
//! fragment's header documents; at most
//! [`MAX_VALUES_PER_REQUEST`](super::MAX_VALUES_PER_REQUEST) values):
//!
//! ```
//! use jumpcloud_graph_openapi::directory::v1::{requests, types};
//! use serde_json::json;
//!
//! let filter = json!({"or": [
//!     {"_id": "5f1b0c2e9c1a4b0012345678"},
//!     {"email": "ada@acme.example"},
//! ]});
//! let body = types::Search {
//!     fields: Some("_id username email displayname".into()),
//!     filter: filter.as_object().cloned().unwrap_or_default(),
//!     search_filter: Default::default(),
//! };
//! let request = requests::search_systemusers_post(
//!     "https://console.jumpcloud.com/api",
//!     None,      // fields (the body's are used)
//!     None,      // filter (query string)
//!     Some(100), // limit
//!     Some(0),   // skip
//!     None,      // x-org-id
//!     &body,
//! )?;
//! assert_eq!(
//!     request.url().as_str(),
//!     "https://console.jumpcloud.com/api/search/systemusers?limit=100&skip=0"
//! );
//! assert_eq!(request.method(), "POST");
//! # Ok::<(), jumpcloud_graph_openapi::RequestError>(())
//! ```

// The generated file is formatted by prettyplease, not rustfmt, and is not
// written for clippy or missing-docs; those checks apply to hand-written code.
#[rustfmt::skip]
#[allow(missing_docs, clippy::all, rustdoc::all)]
mod generated;

pub use generated::*;

/// The path of the OpenAPI fragment this module was generated from,
/// relative to the workspace root.
pub const SPEC_PATH: &str = "openapi/jumpcloud-directory-v1.yaml";
