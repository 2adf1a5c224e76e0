//! The facade's integration tests, one binary (one link, one process):
//! each module is one topic. `tests/secrets.rs` stays a binary of its own:
//! it captures every tracing event with a thread-local subscriber, which
//! misses events when other tests run beside it.

#[path = "../common/mod.rs"]
mod common;

mod access;
mod access_json;
mod access_properties;
mod decode_properties;
mod decoding;
mod errors;
mod fault_matrix;
mod hostile_server;
mod invalid_input;
mod operations;
mod pagination;
mod prefetch;
mod sandbox_e2e;
mod sandbox_faults;
mod sandbox_service_account;
mod service_account;
mod tls;
mod writes;
