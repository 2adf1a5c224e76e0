//! xtask finds the workspace at run time. With a shared `CARGO_TARGET_DIR`
//! two clones share one xtask binary; each clone's `cargo xtask generate`
//! must read and write its own files, never the clone that built the binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use xtask::{GENERATED, SPEC, Workspace};

use crate::support::copy_fragments;

/// A minimal copy of the workspace: a manifest, the fragments, the
/// generated files and the xtask directory `cargo run` would report.
fn clone_of_the_workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_fragments(&Workspace::locate().unwrap(), dir.path());
    std::fs::write(
        dir.path().join("Cargo.toml"),
        "[workspace]\nmembers = [\"xtask\"]\n",
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("xtask/src")).unwrap();
    dir
}

/// The one xtask binary, run in `cwd` the way `cargo xtask` runs it from
/// there (`CARGO_MANIFEST_DIR` pointing at that clone's xtask), or directly
/// (no `CARGO_MANIFEST_DIR`).
fn run(cwd: &Path, manifest_dir: Option<PathBuf>, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    command.args(args).current_dir(cwd);
    match manifest_dir {
        Some(dir) => command.env("CARGO_MANIFEST_DIR", dir),
        None => command.env_remove("CARGO_MANIFEST_DIR"),
    };
    command.output().unwrap()
}

fn edit_spec(root: &Path) {
    let path = root.join(SPEC);
    let text = std::fs::read_to_string(&path).unwrap();
    let edited = text.replacen("Limited to 100.", "Limited to 100 (clone B).", 1);
    assert_ne!(text, edited, "the edit must apply");
    std::fs::write(path, edited).unwrap();
}

#[test]
fn two_clones_sharing_one_binary_each_generate_their_own_files() {
    let (a, b) = (clone_of_the_workspace(), clone_of_the_workspace());
    edit_spec(b.path());
    let a_before = std::fs::read(a.path().join(GENERATED)).unwrap();

    let check_a = run(
        a.path(),
        Some(a.path().join("xtask")),
        &["generate", "--check"],
    );
    assert!(check_a.status.success(), "clone A is up to date");
    let check_b = run(
        b.path(),
        Some(b.path().join("xtask")),
        &["generate", "--check"],
    );
    assert_eq!(check_b.status.code(), Some(1), "clone B's spec changed");

    let generate_b = run(b.path(), Some(b.path().join("xtask")), &["generate"]);
    assert!(generate_b.status.success());
    let b_after = std::fs::read_to_string(b.path().join(GENERATED)).unwrap();
    assert!(b_after.contains("Limited to 100 (clone B)."));
    assert_eq!(
        std::fs::read(a.path().join(GENERATED)).unwrap(),
        a_before,
        "clone A's files are untouched"
    );
    let real = Workspace::locate().unwrap();
    let real_generated = std::fs::read_to_string(real.generated_path()).unwrap();
    assert!(
        !real_generated.contains("clone B"),
        "nor the real workspace"
    );
}

#[test]
fn the_binary_run_directly_finds_the_workspace_above_the_current_directory() {
    let b = clone_of_the_workspace();
    edit_spec(b.path());
    let out = run(
        &b.path().join("crates/jumpcloud-graph-openapi/src"),
        None,
        &["generate", "--check"],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "the clone's own edited spec is checked: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn outside_any_workspace_the_error_says_where_it_looked() {
    let empty = tempfile::tempdir().unwrap();
    let out = run(empty.path(), None, &["generate", "--check"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot find the jumpcloud-graph workspace"),
        "{stderr}"
    );
    assert!(stderr.contains("--root"), "{stderr}");
}

#[test]
fn a_manifest_dir_outside_a_workspace_falls_back_to_the_current_directory() {
    let b = clone_of_the_workspace();
    let elsewhere = tempfile::tempdir().unwrap();
    let found = Workspace::find(Some(&elsewhere.path().join("xtask")), b.path()).unwrap();
    assert_eq!(found.root(), b.path());
}
