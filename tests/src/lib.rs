//! Helpers shared by the workspace-level tests in `tests/tests/`.
//!
//! - [`json_mock`]: random, schema-valid JSON for any `schemars::JsonSchema`
//!   type, so every generated type can be round-tripped through serde.
//! - [`requests`]: renders requests captured by a wiremock server as stable
//!   text for insta snapshots, with secrets masked.

pub mod json_mock;
pub mod requests;

/// The README's Rust examples, compiled as doctests so they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
