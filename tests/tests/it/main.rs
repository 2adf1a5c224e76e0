//! The crate's integration tests, one binary: each module is one topic.

mod decode_equivalence;
mod decoding;
mod request_shapes;
mod schema_roundtrip;
