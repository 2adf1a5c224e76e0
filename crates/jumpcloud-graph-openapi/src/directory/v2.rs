//! JumpCloud's v2 lookups, under `/api/v2` (the user graph's base URL): user
//! groups, device groups, LDAP servers, Active Directory domains, G Suite and
//! Office 365 instances, and every directory at once, generated from
//! `openapi/jumpcloud-directory-v2.yaml`.
//!
//! Everything here except [`SPEC_PATH`] is written by `cargo xtask
//! generate`: progenitor's [`Client`] and [`types`], the [`operations`]
//! table and the [`requests`] functions, as at the crate's root for the
//! user graph.
//!
//! Many groups at once, by id (the form the fragment's header documents; at
//! most [`MAX_VALUES_PER_REQUEST`](super::MAX_VALUES_PER_REQUEST) values):
//!
//! ```
//! use jumpcloud_graph_openapi::directory::v2::requests;
//!
//! let ids = ["652000000000000000000001", "652000000000000000000002"];
//! let request = requests::groups_user_list(
//!     "https://console.jumpcloud.com/api/v2",
//!     Some("id,name"),                             // fields
//!     Some(&[format!("id:in:{}", ids.join("|"))]), // filter
//!     Some(100),                                   // limit
//!     Some(0),                                     // skip
//!     None,                                        // sort
//!     None,                                        // x-org-id
//! )?;
//! assert_eq!(
//!     request.url().as_str(),
//!     "https://console.jumpcloud.com/api/v2/usergroups?fields=id%2Cname\
//!      &filter=id%3Ain%3A652000000000000000000001%7C652000000000000000000002\
//!      &limit=100&skip=0"
//! );
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
pub const SPEC_PATH: &str = "openapi/jumpcloud-directory-v2.yaml";
