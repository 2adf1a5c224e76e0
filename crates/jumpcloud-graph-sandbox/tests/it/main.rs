//! The sandbox's integration tests, one binary: each module is one topic.
//! `tests/cli.rs` stays apart: it needs the `cli` feature (the binary).

#[path = "../common/mod.rs"]
mod common;

mod cache;
mod conformance;
mod errors;
mod faults;
mod generator;
mod glob_imports;
mod hardening;
mod multi_tenant;
mod oauth;
mod query;
mod routes;
mod traversal;
mod writes;
