//! Shared by the sync tests.

pub mod renderings;
pub mod upstream;
