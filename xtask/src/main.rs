//! `cargo xtask generate [--check]`: see the crate docs and README.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
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
        /// The workspace root to work on (defaults to this checkout).
        #[arg(long, value_name = "DIR")]
        root: Option<std::path::PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let Command::Generate { check, root } = cli.command;
    let workspace = root.map_or_else(Workspace::locate, Workspace::at);
    match generate(&workspace, check) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(2)
        }
    }
}

fn generate(workspace: &Workspace, check: bool) -> Result<ExitCode, GenerateError> {
    let spec_path = workspace.spec_path();
    let spec = Spec::load(&spec_path)?;
    let code = render(&spec)?;
    let out = workspace.generated_path();
    let shown = workspace.display(&out);
    let spec_shown = workspace.display(&spec_path);
    match (check_drift(&code, &out)?, check) {
        (Drift::UpToDate, _) => {
            println!("{shown} is up to date with {spec_shown}");
            Ok(ExitCode::SUCCESS)
        }
        (Drift::Stale { diff } | Drift::Missing { diff }, true) => {
            print!("{diff}");
            eprintln!(
                "\nerror: {shown} has drifted from {spec_shown}.\n\
                 Run `cargo xtask generate` to regenerate it, review the change \
                 (`cargo insta review` for the surface snapshot), and commit both."
            );
            Ok(ExitCode::FAILURE)
        }
        (_, false) => {
            std::fs::write(&out, &code).map_err(|source| GenerateError::Io {
                path: out.clone(),
                source,
            })?;
            println!(
                "wrote {shown} ({} lines) from {spec_shown}",
                code.lines().count()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
