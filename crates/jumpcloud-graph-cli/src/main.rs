//! `jcgraph`: access reviews and complete revokes over JumpCloud's user
//! graph, from the command line, on the `jumpcloud-graph` client.
//!
//! What each command does, its options and examples are in `jcgraph
//! --help` and `jcgraph <command> --help`; the README's "The command line:
//! jcgraph" section has a tour, and `docs/jcgraph.md` the full reference. This file wires the pieces: parse the
//! arguments (clap), set up `-v` tracing, choose the org (the embedded
//! sandbox or JumpCloud, [`backend`]), run the command ([`commands`]) and
//! turn the result into an exit code ([`error::Exit`]).
//!
//! Every error ends as one line on stderr and an exit code; a panic is
//! caught by a hook that prints one line too, never a backtrace. Output
//! goes through [`output::Out`], which turns a closed pipe (`jcgraph ... |
//! head -1`) into a quiet exit.
//!
//! For tests, `JCGRAPH_ASSUME_TERMINAL` (a comma-separated list of `stdin`,
//! `stdout`, `stderr`) makes those streams count as terminals: the
//! confirmation prompt and the progress line can then be exercised under
//! pipes ([`terminal`]).

mod api_names;
mod backend;
mod cli;
mod commands;
mod csv_out;
mod directory;
mod error;
mod output;
mod progress;
mod render;
mod review_file;
mod save;
mod table;
mod terminal;

use std::io::Write;
use std::process::ExitCode;

use clap::FromArgMatches;

use crate::cli::Cli;
use crate::error::{CliError, Exit};

/// mimalloc rather than the system allocator: see Cargo.toml and
/// CONTRIBUTING.md's "Benchmarks" (the review's own cost).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        // One line, no backtrace: a panic is a bug in jcgraph, not something
        // the user did.
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown cause".to_string());
        let _ = writeln!(
            std::io::stderr(),
            "jcgraph: internal error: {} (please report it)",
            output::one_line(&message)
        );
    }));
    let parsed = cli::command()
        .try_get_matches()
        .and_then(|matches| Cli::from_arg_matches(&matches));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(error) => {
            use clap::error::ErrorKind;
            // Help and version go to stdout with 0 (a closed pipe while
            // printing them is not an error); a bare `jcgraph` prints the
            // help on stderr; usage errors are one line, exit 2.
            match error.kind() {
                ErrorKind::DisplayHelp
                | ErrorKind::DisplayVersion
                | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                    let _ = error.print();
                }
                _ => {
                    let text = usage_line(&error.render().to_string());
                    let text = output::fit_stderr(&format!("jcgraph: {text}"));
                    let _ = writeln!(std::io::stderr(), "{text}");
                }
            }
            return ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(2));
        }
    };
    init_tracing(cli.global.verbose);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => return report(CliError::Failed(format!("cannot start: {error}"))),
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(exit) => exit.into(),
        Err(error) => report(error),
    }
}

/// Prints an error's one line on stderr and returns its exit code.
fn report(error: CliError) -> ExitCode {
    match &error {
        // The reader went away (`| head`): nothing to say.
        CliError::BrokenPipe => {}
        CliError::Usage(message) | CliError::Failed(message) => {
            let line = format!("jcgraph: {}", output::one_line(message));
            let _ = writeln!(std::io::stderr(), "{}", output::fit_stderr(&line));
        }
    }
    error.exit().into()
}

/// clap's multi-line usage error as one line: the error, its tips, the
/// usage, a pointer to `--help`.
fn usage_line(rendered: &str) -> String {
    // The first paragraph is the error (a list of missing arguments
    // continues it); then tips, the usage and a pointer to --help.
    let mut paragraphs = rendered
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty());
    let first = paragraphs.next().unwrap_or("invalid arguments");
    let mut lines = first.lines().map(str::trim);
    let head = lines.next().unwrap_or_default();
    let head = head.strip_prefix("error: ").unwrap_or(head);
    let listed: Vec<&str> = lines.collect();
    let error = match listed.as_slice() {
        [] => head.to_string(),
        listed => format!("{head} {}", listed.join(", ")),
    };
    let mut extra: Vec<String> = Vec::new();
    for line in paragraphs.flat_map(str::lines).map(str::trim) {
        if let Some(usage) = line.strip_prefix("Usage: ") {
            extra.push(format!("usage: {usage}"));
        } else if !line.is_empty() && !line.starts_with("For more information") {
            extra.push(line.to_string());
        }
    }
    extra.push("see --help".to_string());
    output::one_line(&format!("{error} ({})", extra.join("; ")))
}

/// `-v`: the client's request spans and retry warnings (and the sandbox's
/// request log), on stderr; `-vv` debug, `-vvv` trace. Credentials never
/// appear in them: the client keeps them out of every log line.
fn init_tracing(verbose: u8) {
    use tracing_subscriber::filter::{LevelFilter, Targets};
    use tracing_subscriber::prelude::*;

    let level = match verbose {
        0 => return,
        1 => LevelFilter::INFO,
        2 => LevelFilter::DEBUG,
        _ => LevelFilter::TRACE,
    };
    // `jumpcloud_graph` also covers `jumpcloud_graph_sandbox` (a prefix).
    let filter = Targets::new()
        .with_target("jumpcloud_graph", level)
        .with_target("jcgraph", level);
    let _ = tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .with_target(true)
                // One line per request attempt, when its span closes, with
                // the operation, method, path, attempt, status and timing.
                .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE),
        )
        .with(filter)
        .try_init();
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        ExitCode::from(exit.code())
    }
}
