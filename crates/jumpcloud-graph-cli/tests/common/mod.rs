//! Runs the built `jcgraph` binary as a user would, with a clean
//! environment: no JUMPCLOUD_* variable of the developer's reaches it (a
//! real key must never reach a test), so it runs in sandbox mode against
//! the demo org, whose ids are fixed.

#![allow(dead_code)]

use std::io::Write;
use std::process::{Command, Stdio};

/// What a run printed and how it ended.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// The first line sandbox mode prints on stderr with the demo org.
pub const SANDBOX_LINE: &str = "jcgraph: sandbox mode: the embedded demo org (Acme Robotics), in \
                                this process only (no JumpCloud credential in the environment; see --help)";

/// `jcgraph` with a clean environment and `args`, not started yet.
pub fn command(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_jcgraph"));
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy().into_owned();
        if name.starts_with("JUMPCLOUD_") || name.starts_with("JCGRAPH_") {
            command.env_remove(&name);
        }
    }
    command
        .env_remove("COLUMNS")
        .env_remove("RUST_LOG")
        .env_remove("RUST_BACKTRACE")
        .args(args);
    command
}

/// `jcgraph args` with standard output taken for a terminal `columns` wide
/// (piped output keeps every column instead, see `terminal.rs`).
pub fn on_a_terminal(args: &[&str], columns: usize) -> Command {
    let mut command = command(args);
    command
        .env("JCGRAPH_ASSUME_TERMINAL", "stdout")
        .env("COLUMNS", columns.to_string());
    command
}

/// Runs a command with `stdin` as its input (closed when empty).
pub fn run_command(mut command: Command, stdin: &str) -> Run {
    command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("jcgraph starts");
    {
        let mut input = child.stdin.take().expect("stdin is piped");
        // The child may exit without reading it (a usage error).
        let _ = input.write_all(stdin.as_bytes());
    }
    let output = child.wait_with_output().expect("jcgraph runs");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8(output.stdout).expect("utf-8 stdout"),
        stderr: String::from_utf8(output.stderr).expect("utf-8 stderr"),
    }
}

/// `jcgraph args` in sandbox mode, stdin empty (not a terminal).
pub fn jcgraph(args: &[&str]) -> Run {
    run_command(command(args), "")
}

/// `jcgraph args` that must succeed with a table no wider than 100
/// columns, as on a terminal 100 columns wide; its stdout.
pub fn table(args: &[&str]) -> String {
    // A terminal whose width cannot be measured (a pipe): 100 columns.
    let mut command = command(args);
    command.env("JCGRAPH_ASSUME_TERMINAL", "stdout");
    let run = run_command(command, "");
    assert_eq!(run.code, 0, "{args:?}: {run:#?}");
    assert_fits(&run.stdout, 100);
    assert_quiet(&run);
    run.stdout
}

/// `jcgraph args --format json|ndjson` that must succeed; its stdout,
/// checked to be JSON (one document, or one per line).
pub fn json(args: &[&str]) -> String {
    let run = jcgraph(args);
    assert_eq!(run.code, 0, "{args:?}: {run:#?}");
    assert_quiet(&run);
    if args.contains(&"ndjson") {
        for line in run.stdout.lines() {
            serde_json::from_str::<serde_json::Value>(line)
                .unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {line}"));
        }
    } else {
        serde_json::from_str::<serde_json::Value>(&run.stdout)
            .unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {}", run.stdout));
    }
    run.stdout
}

/// Every line at most `width` characters.
pub fn assert_fits(text: &str, width: usize) {
    for line in text.lines() {
        assert!(
            line.chars().count() <= width,
            "a line is wider than {width} columns:\n{line}\n\nin:\n{text}"
        );
    }
}

/// Stderr holds only the sandbox line: no warning, no panic.
pub fn assert_quiet(run: &Run) {
    assert_eq!(run.stderr.trim_end(), SANDBOX_LINE, "{run:#?}");
}

/// Stderr is one line after the sandbox line, and it is not a panic.
pub fn one_error_line(run: &Run) -> &str {
    let lines: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| !l.starts_with("jcgraph: sandbox mode:"))
        .collect();
    assert_eq!(lines.len(), 1, "{run:#?}");
    assert!(!run.stderr.contains("panicked"), "{run:#?}");
    assert!(!run.stderr.contains("RUST_BACKTRACE"), "{run:#?}");
    lines[0]
}
