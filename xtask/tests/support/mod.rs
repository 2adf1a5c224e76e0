//! Shared by the tests: upstream renderings for the sync tests, and running
//! the xtask binary.

use std::path::Path;
use std::process::{Command, Output};

pub mod renderings;
pub mod upstream;

/// Copies every fragment and its generated file from the workspace `from`
/// to the directory `to`, as `cargo xtask generate` expects to find them.
pub fn copy_fragments(from: &xtask::Workspace, to: &Path) {
    let scratch = xtask::Workspace::at(to);
    for fragment in &xtask::FRAGMENTS {
        for (source, target) in [
            (
                from.fragment_spec(fragment),
                scratch.fragment_spec(fragment),
            ),
            (
                from.fragment_generated(fragment),
                scratch.fragment_generated(fragment),
            ),
        ] {
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::copy(source, target).unwrap();
        }
    }
}

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
