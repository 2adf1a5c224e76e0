//! `cargo xtask generate [--check]` as users and CI run it: exit codes,
//! the diff, and the command that fixes drift.

use std::path::Path;
use std::process::Command;

use xtask::{DIRECTORY_V1, DIRECTORY_V2, Fragment, USER_GRAPH, Workspace};

use crate::support::{copy_fragments, xtask};

/// A scratch workspace holding copies of the fragments and the generated
/// files.
fn scratch_workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_fragments(&Workspace::locate().unwrap(), dir.path());
    dir
}

fn edit_spec(root: &Path, from: &str, to: &str) {
    let path = Workspace::at(root).spec_path();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "the edit must apply");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn check_passes_on_an_up_to_date_workspace() {
    let dir = scratch_workspace();
    let out = xtask(dir.path(), &["generate", "--check"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("is up to date"));
}

#[test]
fn check_fails_with_a_diff_and_the_fix_when_the_spec_changed() {
    let dir = scratch_workspace();
    edit_spec(dir.path(), "Limited to 100.", "Limited to 100 (really).");
    let out = xtask(dir.path(), &["generate", "--check"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stdout.contains(
            "+- `limit`: The number of records to return at once. Limited to 100 (really)."
        )
    );
    assert!(stderr.contains("Run `cargo xtask generate`"), "{stderr}");
}

#[test]
fn generate_fixes_drift_and_is_idempotent() {
    let dir = scratch_workspace();
    edit_spec(dir.path(), "Limited to 100.", "Limited to 100 (really).");
    assert!(xtask(dir.path(), &["generate"]).status.success());
    let first = std::fs::read(Workspace::at(dir.path()).generated_path()).unwrap();
    assert!(xtask(dir.path(), &["generate"]).status.success());
    let second = std::fs::read(Workspace::at(dir.path()).generated_path()).unwrap();
    assert_eq!(first, second, "running generate twice changes nothing");
    assert!(xtask(dir.path(), &["generate", "--check"]).status.success());
}

fn edit_fragment(root: &Path, fragment: &Fragment, from: &str, to: &str) {
    let path = Workspace::at(root).fragment_spec(fragment);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "the edit must apply");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn check_covers_every_fragment_and_names_the_file_that_drifted() {
    let dir = scratch_workspace();
    edit_fragment(
        dir.path(),
        &DIRECTORY_V1,
        "Limited to 100.",
        "Limited to 100 (v1).",
    );
    let out = xtask(dir.path(), &["generate", "--check"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stdout.contains(&format!("+++ b/{}", DIRECTORY_V1.generated)),
        "{stdout}"
    );
    assert!(stdout.contains("Limited to 100 (v1)."), "{stdout}");
    for fragment in [USER_GRAPH, DIRECTORY_V2] {
        let line = format!(
            "{} is up to date with {}",
            fragment.generated, fragment.spec
        );
        assert!(stdout.contains(&line), "{stdout}");
    }
    assert!(
        stderr.contains(&format!("{} has drifted", DIRECTORY_V1.generated)),
        "{stderr}"
    );
}

#[test]
fn a_broken_fragment_does_not_stop_the_others_from_being_checked() {
    let dir = scratch_workspace();
    edit_fragment(
        dir.path(),
        &DIRECTORY_V2,
        "openapi: 3.0.3",
        "openapi: 3.1.0",
    );
    edit_fragment(
        dir.path(),
        &DIRECTORY_V1,
        "Limited to 100.",
        "Limited to 100 (v1).",
    );
    let out = xtask(dir.path(), &["generate", "--check"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "a broken input wins over a diff"
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stdout.contains("Limited to 100 (v1)."),
        "the v1 diff still shows: {stdout}"
    );
    assert!(stderr.contains(DIRECTORY_V2.spec), "{stderr}");
    assert!(
        stderr.contains("OpenAPI 3.1.0 is not supported"),
        "{stderr}"
    );
}

#[test]
fn generate_writes_a_missing_directory_module() {
    let dir = scratch_workspace();
    let generated = Workspace::at(dir.path()).fragment_generated(&DIRECTORY_V2);
    std::fs::remove_dir_all(generated.parent().unwrap()).unwrap();
    assert_eq!(
        xtask(dir.path(), &["generate", "--check"]).status.code(),
        Some(1)
    );
    assert!(xtask(dir.path(), &["generate"]).status.success());
    let real = Workspace::locate()
        .unwrap()
        .fragment_generated(&DIRECTORY_V2);
    assert_eq!(
        std::fs::read(generated).unwrap(),
        std::fs::read(real).unwrap()
    );
}

#[test]
fn a_broken_spec_exits_2_with_a_message_naming_the_file() {
    let dir = scratch_workspace();
    edit_spec(dir.path(), "openapi: 3.0.3", "openapi: 3.1.0");
    let out = xtask(dir.path(), &["generate", "--check"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("openapi/jumpcloud-user-graph.yaml"),
        "{stderr}"
    );
    assert!(
        stderr.contains("OpenAPI 3.1.0 is not supported"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn the_drift_diff_applies_with_git_apply_from_the_workspace_root() {
    let dir = scratch_workspace();
    edit_spec(dir.path(), "Limited to 100.", "Limited to 100 (really).");
    let out = xtask(dir.path(), &["generate", "--check"]);
    assert_eq!(out.status.code(), Some(1));
    let patch = dir.path().join("drift.patch");
    std::fs::write(&patch, &out.stdout).unwrap();
    // Outside any repository, `git apply` patches files relative to the
    // current directory, as in a checkout's root.
    let applied = Command::new("git")
        .args(["apply", "--verbose"])
        .arg(&patch)
        .current_dir(dir.path())
        .output()
        .expect("git is installed");
    assert!(
        applied.status.success(),
        "git apply refused the diff: {}\n{}",
        String::from_utf8_lossy(&applied.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    std::fs::remove_file(&patch).unwrap();
    let again = xtask(dir.path(), &["generate", "--check"]);
    assert!(
        again.status.success(),
        "after applying the diff the workspace is up to date: {}",
        String::from_utf8_lossy(&again.stdout)
    );
}

#[test]
fn check_into_a_closed_pipe_still_exits_1_without_a_panic() {
    let dir = scratch_workspace();
    edit_spec(dir.path(), "Limited to 100.", "Limited to 100 (really).");
    // `cargo xtask generate --check | head -0`: the reader is gone before
    // the first byte is written, so every write to stdout fails with EPIPE.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["generate", "--check", "--root"])
        .arg(dir.path())
        .stdout(writer)
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.contains("has drifted"), "{stderr}");
}

// Hostile specs: exit 2 with the reason, in bounded time and memory.

fn generate_check(dir: &Path) -> (Option<i32>, String) {
    let out = xtask(dir, &["generate", "--check"]);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_ref_cycle_exits_2_naming_it_instead_of_overflowing_the_stack() {
    // A parameter that is a reference to itself, and two schemas that are
    // references to each other: progenitor overflowed its stack on both
    // (SIGABRT, exit 134).
    let cases = [
        (
            "    limit:\n      name: limit\n      in: query\n      description: The number of records to return at once. Limited to 100.\n      required: false\n      schema:\n        type: integer\n        default: 10\n",
            "    limit:\n      $ref: '#/components/parameters/limit'\n",
            "#/components/parameters/limit -> #/components/parameters/limit",
        ),
        (
            "    GraphAttributes:\n      title: GraphAttributes\n      description: The graph attributes.\n      type: object\n",
            "    GraphAttributes:\n      $ref: '#/components/schemas/Alias'\n    Alias:\n      $ref: '#/components/schemas/GraphAttributes'\n",
            "#/components/schemas/Alias -> #/components/schemas/GraphAttributes -> #/components/schemas/Alias",
        ),
    ];
    for (from, to, cycle) in cases {
        let dir = scratch_workspace();
        edit_spec(dir.path(), from, to);
        let (code, stderr) = generate_check(dir.path());
        assert_eq!(code, Some(2), "{stderr}");
        assert!(stderr.contains("`$ref` cycle"), "{stderr}");
        assert!(stderr.contains(cycle), "{stderr}");
    }
}

#[test]
fn an_oversize_spec_exits_2_without_being_read() {
    let dir = scratch_workspace();
    let spec = Workspace::at(dir.path()).spec_path();
    // Sparse: 40 MiB of size, no data written.
    std::fs::File::create(&spec)
        .unwrap()
        .set_len(40 * 1024 * 1024)
        .unwrap();
    let (code, stderr) = generate_check(dir.path());
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("41943040 bytes is more than the 33554432 bytes (32 MiB)"),
        "{stderr}"
    );
}

#[test]
fn a_yaml_alias_bomb_exits_2_instead_of_expanding() {
    // 1 000 items replayed 3 000 times: 3 million nodes from 15 KB.
    let dir = scratch_workspace();
    let items = vec!["x"; 1000].join(", ");
    let uses = vec!["*a"; 3000].join(", ");
    edit_spec(
        dir.path(),
        "info:\n",
        &format!("x-items: &a [{items}]\nx-bomb: [{uses}]\ninfo:\n"),
    );
    let (code, stderr) = generate_check(dir.path());
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("expands to more than"), "{stderr}");
}
