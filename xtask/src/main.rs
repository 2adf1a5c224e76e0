//! `cargo xtask generate | sync | public-api`: see the crate docs and README.
//!
//! Exit codes, for every command: 0 when there is nothing to do (or it was
//! done), 1 when `--check` finds a difference (and, for `sync`, when the
//! new fragment would change generated items the hand-written crates use
//! and `--accept` is not given: nothing is written), 2 when the input is
//! unusable.

use std::io::Write as _;
use std::path::{Path, PathBuf};
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
        /// Write the fragment even though generated items the hand-written
        /// crates use would change (the report names them and the files).
        #[arg(long)]
        accept: bool,
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
            accept,
            root,
        } => {
            let mode = SyncMode { check, accept };
            return match workspace(root) {
                Ok(ws) => match run_sync(&ws, &from, out, mode) {
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

/// `--check` and `--accept`.
#[derive(Clone, Copy)]
struct SyncMode {
    check: bool,
    accept: bool,
}

fn run_sync(
    workspace: &Workspace,
    from: &Path,
    out: Option<PathBuf>,
    mode: SyncMode,
) -> Result<ExitCode, SyncError> {
    let deviations = sync::load_deviations(&workspace.root().join(sync::DEVIATIONS))?;
    let upstream = sync::read_upstream_file(from)?;
    let checked_in = sync::read_upstream_file(&workspace.spec_path()).ok();
    let synced = sync::sync(&upstream, &deviations, checked_in.as_ref())?;
    let target = out.unwrap_or_else(|| workspace.spec_path());
    let shown = workspace.display(&target);
    let current = read_if_present(&target)?;
    let changes = match current.as_deref().map(|c| sync::read_upstream(c, &target)) {
        Some(Ok(old)) => sync::describe_changes(&old, &synced.document),
        Some(Err(_)) => vec![format!("{shown} is not a readable OpenAPI document")],
        None => vec![format!("{shown} does not exist yet")],
    };
    let impacts = facade_impacts(workspace, &synced.text)?;
    let report = sync::render_report(&synced, &changes, &impacts);
    let from_shown = from.display();
    if current.as_deref() == Some(synced.text.as_str()) {
        print_quietly(&format!(
            "{shown} is up to date with {from_shown}\n{report}"
        ));
        return Ok(ExitCode::SUCCESS);
    }
    if mode.check {
        let diff = match current.as_deref() {
            Some(current) => xtask::diff_texts(current, &synced.text, &shown),
            None => xtask::diff_creating(&synced.text, &shown),
        };
        print_quietly(&format!(
            "{shown} differs from what {from_shown} gives:\n{report}\n{diff}"
        ));
        eprint_quietly(&format!(
            "\nerror: {shown} is out of date. Review the report, then run \
             `cargo xtask sync --from {from_shown}` and `cargo xtask generate`.\n"
        ));
        return Ok(ExitCode::FAILURE);
    }
    if !impacts.is_empty() && !mode.accept {
        print_quietly(&report);
        eprint_quietly(&format!(
            "\nerror: {shown} not written: generated items the hand-written code uses would \
             change (listed above). Adapt that code after syncing with `--accept`, or fix the \
             input.\n"
        ));
        return Ok(ExitCode::FAILURE);
    }
    std::fs::write(&target, &synced.text).map_err(|source| SyncError::Io {
        path: target.clone(),
        source,
    })?;
    print_quietly(&format!(
        "wrote {shown} from {from_shown}\n{report}\nNext: `cargo xtask generate`, then review \
         the snapshots (`cargo test -p xtask --no-fail-fast`).\n"
    ));
    Ok(ExitCode::SUCCESS)
}

/// The file's text, or `None` when it does not exist.
fn read_if_present(path: &Path) -> Result<Option<String>, SyncError> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text.replace("\r\n", "\n"))),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(SyncError::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// The generated items the workspace's hand-written code uses that the
/// fragment `text` would change; a fragment that does not generate is
/// unusable. Without a checked-in generated file there is nothing to
/// compare with.
fn facade_impacts(workspace: &Workspace, text: &str) -> Result<Vec<xtask::Impact>, SyncError> {
    let not_generating = |problem: String| SyncError::Invalid {
        problem: format!("it does not generate: {problem}"),
    };
    let spec =
        Spec::parse(text, &workspace.spec_path()).map_err(|e| not_generating(e.to_string()))?;
    let candidate = render(&spec).map_err(|e| not_generating(e.to_string()))?;
    let Ok(current) = std::fs::read_to_string(workspace.generated_path()) else {
        return Ok(Vec::new());
    };
    xtask::facade_impact(&current, &candidate, &xtask::workspace_sources(workspace))
        .map_err(not_generating)
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
    out: &Path,
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
