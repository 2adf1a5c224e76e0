//! The crate's integration tests, one binary: each module is one topic.

#[path = "../support/mod.rs"]
mod support;

mod broken_specs;
mod cli;
mod drift;
mod facade_coverage;
mod operations_table;
mod public_api;
mod spec_operations;
mod surface;
mod sync;
mod workspace_discovery;
