//! Shared by the tests: upstream renderings for the sync tests, and running
//! the xtask binary.

use std::path::Path;
use std::process::{Command, Output};

pub mod renderings;
pub mod upstream;

/// Runs `cargo xtask ARGS --root ROOT` (the built binary) and returns what
/// it did.
pub fn xtask(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .arg("--root")
        .arg(root)
        .output()
        .unwrap()
}
