//! Shared by the sync tests.

pub mod upstream;
