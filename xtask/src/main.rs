//! `cargo xtask generate | sync | public-api`: see the crate docs and README.
//!
//! Exit codes, for every command: 0 when there is nothing to do (or it was
//! done), 1 when `--check` finds a difference, 2 when the input is unusable.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use xtask::public_api::{self, ApiCrate};
use xtask::sync::{self, SyncError};
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
    /// Rewrite openapi/jumpcloud-user-graph.yaml from JumpCloud's full v2
    /// spec (Swagger 2.0 or OpenAPI 3.0.x, YAML or JSON) and the patches in
    /// openapi/deviations.yaml, reporting what changes per operation.
    Sync {
        /// The upstream document, e.g. a download of
        /// https://docs.jumpcloud.com/api/2.0/index.yaml.
        #[arg(long, value_name = "FILE")]
        from: PathBuf,
        /// Write the fragment here instead of openapi/jumpcloud-user-graph.yaml
        /// (with --check: compare with this file).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Write nothing; report what would change and exit 1 when the
        /// fragment differs (0 when it matches, 2 on unusable input).
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
        Command::Sync {
            from,
            out,
            check,
            root,
        } => {
            return match workspace(root) {
                Ok(ws) => match run_sync(&ws, &from, out, check) {
                    Ok(code) => code,
                    Err(error) => {
                        eprint_quietly(&format!("error: {error}\n"));
                        ExitCode::from(2)
                    }
                },
                Err(error) => {
                    eprint_quietly(&format!("error: {error}\n"));
                    ExitCode::from(2)
                }
            };
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

fn run_sync(
    workspace: &Workspace,
    from: &std::path::Path,
    out: Option<PathBuf>,
    check: bool,
) -> Result<ExitCode, SyncError> {
    let deviations = sync::load_deviations(&workspace.root().join(sync::DEVIATIONS))?;
    let text = std::fs::read_to_string(from).map_err(|source| SyncError::Io {
        path: from.to_path_buf(),
        source,
    })?;
    let upstream = sync::read_upstream(&text, from)?;
    let synced = sync::sync(&upstream, &deviations)?;
    let target = out.unwrap_or_else(|| workspace.spec_path());
    let shown = workspace.display(&target);
    let current = match std::fs::read_to_string(&target) {
        Ok(current) => Some(current.replace("\r\n", "\n")),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
        Err(source) => {
            return Err(SyncError::Io {
                path: target,
                source,
            });
        }
    };
    let mut report = String::new();
    let changes = match current.as_deref().map(|c| sync::read_upstream(c, &target)) {
        Some(Ok(old)) => sync::describe_changes(&old, &synced.document),
        Some(Err(_)) => vec![format!("{shown} is not a readable OpenAPI document")],
        None => vec![format!("{shown} does not exist yet")],
    };
    for line in &changes {
        report.push_str(&format!("  {line}\n"));
    }
    for note in &synced.notes {
        report.push_str(&format!("note: {note}\n"));
    }
    let up_to_date = current.as_deref() == Some(synced.text.as_str());
    if up_to_date {
        print_quietly(&format!(
            "{shown} is up to date with {}\n{report}",
            from.display()
        ));
        return Ok(ExitCode::SUCCESS);
    }
    if check {
        let diff = match current.as_deref() {
            Some(current) => xtask::diff_texts(current, &synced.text, &shown),
            None => xtask::diff_creating(&synced.text, &shown),
        };
        let summary = if changes.is_empty() {
            "only comments or layout differ".to_string()
        } else {
            format!("{} change(s) by operation", changes.len())
        };
        print_quietly(&format!(
            "{shown} differs from what {} gives ({summary}):\n{report}\n{diff}",
            from.display()
        ));
        eprint_quietly(&format!(
            "\nerror: {shown} is out of date. Review the report, then run \
             `cargo xtask sync --from {}` and `cargo xtask generate`.\n",
            from.display()
        ));
        return Ok(ExitCode::FAILURE);
    }
    std::fs::write(&target, &synced.text).map_err(|source| SyncError::Io {
        path: target.clone(),
        source,
    })?;
    print_quietly(&format!(
        "wrote {shown} from {}; changes by operation:\n{}{report}\nNext: `cargo xtask generate`, \
         then review the snapshots (`cargo test -p xtask --no-fail-fast`).\n",
        from.display(),
        if changes.is_empty() { "  (none)\n" } else { "" }
    ));
    Ok(ExitCode::SUCCESS)
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
    write_or_check(
        &out,
        &code,
        check,
        &Messages {
            up_to_date: format!("{shown} is up to date with {spec_shown}"),
            drifted: format!(
                "{shown} has drifted from {spec_shown}.\n\
                 Run `cargo xtask generate` to regenerate it (or apply the diff above \
                 with `git apply` from the workspace root), review the snapshots \
                 (`cargo test -p xtask --no-fail-fast`), and commit them together."
            ),
            wrote: format!(
                "wrote {shown} ({} lines) from {spec_shown}",
                code.lines().count()
            ),
        },
        &shown,
    )
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
    write_or_check(
        &out,
        &listing,
        check,
        &Messages {
            up_to_date: format!("{shown} is up to date with the API of {krate}"),
            drifted: format!(
                "the public API of {krate} differs from {shown}.\n\
                 If the change is intended, run `cargo xtask public-api --crate {krate}` \
                 and commit {shown} with it."
            ),
            wrote: format!(
                "wrote {shown} ({} items)",
                listing.lines().filter(|l| !l.starts_with("//")).count()
            ),
        },
        &shown,
    )
}

/// What [`write_or_check`] says in each case.
struct Messages {
    up_to_date: String,
    drifted: String,
    wrote: String,
}

/// Writes `content` to `out`, or with `check` compares them instead: the
/// diff (from the workspace root, for `git apply`) and exit 1 when they
/// differ.
fn write_or_check(
    out: &std::path::Path,
    content: &str,
    check: bool,
    messages: &Messages,
    shown: &str,
) -> Result<ExitCode, GenerateError> {
    match (check_drift(content, out, shown)?, check) {
        (Drift::UpToDate, _) => {
            print_quietly(&format!("{}\n", messages.up_to_date));
            Ok(ExitCode::SUCCESS)
        }
        (Drift::Stale { diff } | Drift::Missing { diff }, true) => {
            print_quietly(&diff);
            eprint_quietly(&format!("\nerror: {}\n", messages.drifted));
            Ok(ExitCode::FAILURE)
        }
        (_, false) => {
            std::fs::write(out, content).map_err(|source| GenerateError::Io {
                path: out.to_path_buf(),
                source,
            })?;
            print_quietly(&format!("{}\n", messages.wrote));
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
