//! `cargo xtask generate | sync | public-api`: see the crate docs and README.
//!
//! Exit codes, for every command: 0 when there is nothing to do (or it was
//! done), 1 when `--check` finds a difference, 2 when the input is unusable.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use xtask::public_api::{self, ApiCrate};
use xtask::{Drift, GenerateError, Spec, Workspace, check_drift, render};

/// Maintainer tasks for the jumpcloud-graph workspace.
#[derive(Parser)]
#[command(name = "cargo xtask")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate crates/jumpcloud-graph-openapi/src/generated.rs from the
    /// OpenAPI fragment in openapi/.
    Generate {
        /// Write nothing; exit 1 with a diff when the checked-in code differs
        /// from what the spec produces.
        #[arg(long)]
        check: bool,
        /// The workspace root to work on (default: found from the current
        /// directory).
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
    },
    /// List the public API of a hand-written crate (one line per public
    /// item, from rustdoc's JSON) into crates/NAME/public-api.txt.
    PublicApi {
        /// Write nothing; exit 1 with a diff when the checked-in listing
        /// differs from the crate's API.
        #[arg(long)]
        check: bool,
        /// The package to list.
        #[arg(long = "crate", value_name = "NAME", default_value = public_api::DEFAULT_CRATE)]
        krate: String,
        /// The workspace root to work on (default: found from the current
        /// directory).
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    // Standing in for rustdoc while `public-api` builds rustdoc JSON.
    if let Some(code) = public_api::run_as_rustdoc() {
        return ExitCode::from(u8::try_from(code).unwrap_or(1));
    }
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Generate { check, root } => workspace(root).and_then(|ws| generate(&ws, check)),
        Command::PublicApi { check, krate, root } => {
            workspace(root).and_then(|ws| list_public_api(&ws, &krate, check))
        }
    };
    match outcome {
        Ok(code) => code,
        Err(error) => {
            eprint_quietly(&format!("error: {error}\n"));
            ExitCode::from(2)
        }
    }
}

fn workspace(root: Option<PathBuf>) -> Result<Workspace, GenerateError> {
    match root {
        Some(root) => Ok(Workspace::at(root)),
        None => Workspace::locate(),
    }
}

fn generate(workspace: &Workspace, check: bool) -> Result<ExitCode, GenerateError> {
    let spec_path = workspace.spec_path();
    let spec = Spec::load(&spec_path)?;
    let code = render(&spec)?;
    let out = workspace.generated_path();
    let shown = workspace.display(&out);
    let spec_shown = workspace.display(&spec_path);
    match (check_drift(&code, &out, &shown)?, check) {
        (Drift::UpToDate, _) => {
            print_quietly(&format!("{shown} is up to date with {spec_shown}\n"));
            Ok(ExitCode::SUCCESS)
        }
        (Drift::Stale { diff } | Drift::Missing { diff }, true) => {
            print_quietly(&diff);
            eprint_quietly(&format!(
                "\nerror: {shown} has drifted from {spec_shown}.\n\
                 Run `cargo xtask generate` to regenerate it (or apply the diff above \
                 with `git apply` from the workspace root), review the snapshots \
                 (`cargo test -p xtask --no-fail-fast`), and commit them together.\n"
            ));
            Ok(ExitCode::FAILURE)
        }
        (_, false) => {
            std::fs::write(&out, &code).map_err(|source| GenerateError::Io {
                path: out.clone(),
                source,
            })?;
            print_quietly(&format!(
                "wrote {shown} ({} lines) from {spec_shown}\n",
                code.lines().count()
            ));
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn list_public_api(
    workspace: &Workspace,
    krate: &str,
    check: bool,
) -> Result<ExitCode, GenerateError> {
    let api = ApiCrate::find(workspace, krate)?;
    eprint_quietly(&format!("building rustdoc JSON for {krate}...\n"));
    let json = api.build_json(workspace)?;
    let listing = api.listing(&json)?;
    let out = api.listing_path();
    let shown = workspace.display(&out);
    match (check_drift(&listing, &out, &shown)?, check) {
        (Drift::UpToDate, _) => {
            print_quietly(&format!("{shown} is up to date with the API of {krate}\n"));
            Ok(ExitCode::SUCCESS)
        }
        (Drift::Stale { diff } | Drift::Missing { diff }, true) => {
            print_quietly(&diff);
            eprint_quietly(&format!(
                "\nerror: the public API of {krate} differs from {shown}.\n\
                 If the change is intended, run `cargo xtask public-api --crate {krate}` \
                 and commit {shown} with it.\n"
            ));
            Ok(ExitCode::FAILURE)
        }
        (_, false) => {
            std::fs::write(&out, &listing).map_err(|source| GenerateError::Io {
                path: out.clone(),
                source,
            })?;
            print_quietly(&format!(
                "wrote {shown} ({} items)\n",
                listing.lines().filter(|l| !l.starts_with("//")).count()
            ));
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Writes to stdout; a reader that went away (`cargo xtask generate --check
/// | head`) is not an error: the exit code still tells the outcome.
fn print_quietly(text: &str) {
    let mut out = std::io::stdout().lock();
    if let Err(error) = out.write_all(text.as_bytes()).and_then(|()| out.flush())
        && error.kind() != std::io::ErrorKind::BrokenPipe
    {
        eprint_quietly(&format!("error: cannot write to stdout: {error}\n"));
    }
}

/// [`print_quietly`] for stderr.
fn eprint_quietly(text: &str) {
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}
