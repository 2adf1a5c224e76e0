//! `cargo xtask generate | sync | public-api`: see the crate docs and CONTRIBUTING.md.
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
use xtask::{Drift, FRAGMENTS, Fragment, GenerateError, Spec, Workspace, check_drift, render};

/// Maintainer tasks for the jumpcloud-graph workspace.
#[derive(Parser)]
#[command(name = "cargo xtask")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate the generated sources of crates/jumpcloud-graph-openapi
    /// from the OpenAPI fragments in openapi/ (the user graph, and the v1 and
    /// v2 directory lookups).
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
        /// Write nothing; exit 1 with a diff when a checked-in listing
        /// differs from the crate's API.
        #[arg(long)]
        check: bool,
        /// The package to list; repeat for several (default:
        /// jumpcloud-graph).
        #[arg(long = "crate", value_name = "NAME", conflicts_with = "all")]
        krates: Vec<String>,
        /// Every library of the workspace that has a public-api.txt beside
        /// its Cargo.toml.
        #[arg(long)]
        all: bool,
        /// The workspace root to work on (default: found from the current
        /// directory).
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
    },
}

/// What a command found, for its exit code (an error is 2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Status {
    /// Nothing to do, or it was done.
    Done = 0,
    /// `--check` found a difference, or `sync` refused to write.
    Differs = 1,
}

type Outcome = Result<Status, Box<dyn std::error::Error>>;

fn main() -> ExitCode {
    // Standing in for rustdoc while `public-api` builds rustdoc JSON.
    if let Some(code) = public_api::run_as_rustdoc() {
        return ExitCode::from(u8::try_from(code).unwrap_or(1));
    }
    match run(Cli::parse().command) {
        Ok(status) => ExitCode::from(status as u8),
        Err(error) => {
            eprint_quietly(&format!("error: {error}\n"));
            ExitCode::from(2)
        }
    }
}

fn run(command: Command) -> Outcome {
    match command {
        Command::Generate { check, root } => generate(&workspace(root)?, check),
        Command::Sync {
            from,
            out,
            check,
            accept,
            root,
        } => run_sync(&workspace(root)?, &from, out, SyncMode { check, accept }),
        Command::PublicApi {
            check,
            krates,
            all,
            root,
        } => list_public_api(&workspace(root)?, &krates, all, check),
    }
}

/// `--check` and `--accept`.
#[derive(Clone, Copy)]
struct SyncMode {
    check: bool,
    accept: bool,
}

fn run_sync(workspace: &Workspace, from: &Path, out: Option<PathBuf>, mode: SyncMode) -> Outcome {
    let deviations = sync::load_deviations(&workspace.root().join(sync::DEVIATIONS))?;
    let upstream = sync::read_upstream_file(from)?;
    let checked_in = sync::read_upstream_file(&workspace.spec_path()).ok();
    let synced = sync::sync(&upstream, &deviations, checked_in.as_ref())?;
    let target = out.unwrap_or_else(|| workspace.spec_path());
    let shown = workspace.display(&target);
    let changes = match read_if_present(&target)?
        .as_deref()
        .map(|c| sync::read_upstream(c, &target))
    {
        Some(Ok(old)) => sync::describe_changes(&old, &synced.document),
        Some(Err(_)) => vec![format!("{shown} is not a readable OpenAPI document")],
        None => vec![format!("{shown} does not exist yet")],
    };
    let impacts = facade_impacts(workspace, &synced.text)?;
    let report = sync::render_report(&synced, &changes, &impacts);
    let from_shown = from.display();
    let refused = (!impacts.is_empty() && !mode.accept).then(|| {
        (
            report.clone(),
            format!(
                "{shown} not written: generated items the hand-written code uses would \
                 change (listed above). Adapt that code after syncing with `--accept`, or fix \
                 the input."
            ),
        )
    });
    let messages = Messages {
        up_to_date: format!("{shown} is up to date with {from_shown}\n{report}"),
        before_diff: format!("{shown} differs from what {from_shown} gives:\n{report}\n"),
        drifted: format!(
            "{shown} is out of date. Review the report, then run \
             `cargo xtask sync --from {from_shown}` and `cargo xtask generate`."
        ),
        refused,
        wrote: format!(
            "wrote {shown} from {from_shown}\n{report}\nNext: `cargo xtask generate`, then \
             review the snapshots (`cargo test --workspace --no-fail-fast -- surface request_shapes`, \
             which reuses the workspace's test build).\n"
        ),
    };
    Ok(write_or_check(
        &target,
        &synced.text,
        mode.check,
        &messages,
        &shown,
    )?)
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

/// Generates (or checks) every fragment in turn, so that one run reports
/// every file that drifted; a fragment that cannot be generated does not
/// stop the others, and makes the whole run an error.
fn generate(workspace: &Workspace, check: bool) -> Outcome {
    let mut status = Status::Done;
    let mut failed = Vec::new();
    for fragment in &FRAGMENTS {
        match generate_one(workspace, fragment, check) {
            Ok(found) => status = status.max(found),
            Err(error) => {
                eprint_quietly(&format!("error: {error}\n"));
                failed.push(fragment.spec);
            }
        }
    }
    if failed.is_empty() {
        Ok(status)
    } else {
        Err(format!("{} could not be generated", failed.join(", ")).into())
    }
}

fn generate_one(
    workspace: &Workspace,
    fragment: &Fragment,
    check: bool,
) -> Result<Status, GenerateError> {
    let spec_path = workspace.fragment_spec(fragment);
    let spec = Spec::load(&spec_path)?;
    let code = render(&spec)?;
    let out = workspace.fragment_generated(fragment);
    let shown = workspace.display(&out);
    let spec_shown = workspace.display(&spec_path);
    let messages = Messages {
        up_to_date: format!("{shown} is up to date with {spec_shown}\n"),
        before_diff: String::new(),
        drifted: format!(
            "{shown} has drifted from {spec_shown}.\n\
             Run `cargo xtask generate` to regenerate it (or apply the diff above \
             with `git apply` from the workspace root), review the snapshots \
             (`cargo test --workspace --no-fail-fast -- surface request_shapes`, \
             which reuses the workspace's test build), and commit them together."
        ),
        refused: None,
        wrote: format!(
            "wrote {shown} ({} lines) from {spec_shown}\n",
            code.lines().count()
        ),
    };
    write_or_check(&out, &code, check, &messages, &shown)
}

/// Lists (or checks) each selected crate in turn, so that one run reports
/// every listing that differs; an error for one crate does not stop the
/// others, and makes the whole run an error.
fn list_public_api(workspace: &Workspace, krates: &[String], all: bool, check: bool) -> Outcome {
    let crates = public_api::select(workspace, krates, all)?;
    if let [api] = crates.as_slice() {
        return Ok(list_one_api(workspace, api, check)?);
    }
    let mut status = Status::Done;
    let mut errors = Vec::new();
    for api in &crates {
        match list_one_api(workspace, api, check) {
            Ok(found) => status = status.max(found),
            Err(error) => {
                eprint_quietly(&format!("error: {}: {error}\n", api.package));
                errors.push(api.package.as_str());
            }
        }
    }
    if errors.is_empty() {
        Ok(status)
    } else {
        Err(format!(
            "the public API of {} could not be listed",
            errors.join(", ")
        )
        .into())
    }
}

fn list_one_api(
    workspace: &Workspace,
    api: &ApiCrate,
    check: bool,
) -> Result<Status, GenerateError> {
    let krate = &api.package;
    eprint_quietly(&format!("building rustdoc JSON for {krate}...\n"));
    let json = api.build_json(workspace)?;
    let listing = api.listing(&json)?;
    let out = api.listing_path();
    let shown = workspace.display(&out);
    let messages = Messages {
        up_to_date: format!("{shown} is up to date with the API of {krate}\n"),
        before_diff: String::new(),
        drifted: format!(
            "the public API of {krate} differs from {shown}.\n\
             If the change is intended, run `cargo xtask public-api --crate {krate}` \
             and commit {shown} with it."
        ),
        refused: None,
        wrote: format!(
            "wrote {shown} ({} items)\n",
            listing.lines().filter(|l| !l.starts_with("//")).count()
        ),
    };
    write_or_check(&out, &listing, check, &messages, &shown)
}

/// What [`write_or_check`] prints in each case: whole texts, each ending in
/// a newline, except `drifted` and the reason in `refused`, which follow
/// `error: ` on stderr.
struct Messages {
    /// stdout when the file is what it should be (exit 0).
    up_to_date: String,
    /// stdout before the diff, with `--check` when the file differs.
    before_diff: String,
    /// stderr after the diff (exit 1).
    drifted: String,
    /// Without `--check`, when the file differs: what to print on stdout and
    /// why it is not written after all (exit 1); sync's facade impact.
    refused: Option<(String, String)>,
    /// stdout after writing (exit 0).
    wrote: String,
}

/// Writes `content` to `out`, or with `check` compares them instead: the
/// diff (from the workspace root, for `git apply`) and exit 1 when they
/// differ. `shown` names `out` in the diff.
fn write_or_check(
    out: &Path,
    content: &str,
    check: bool,
    messages: &Messages,
    shown: &str,
) -> Result<Status, GenerateError> {
    match (check_drift(content, out, shown)?, check) {
        (Drift::UpToDate, _) => {
            print_quietly(&messages.up_to_date);
            Ok(Status::Done)
        }
        (Drift::Stale { diff } | Drift::Missing { diff }, true) => {
            print_quietly(&format!("{}{diff}", messages.before_diff));
            eprint_quietly(&format!("\nerror: {}\n", messages.drifted));
            Ok(Status::Differs)
        }
        (_, false) => {
            if let Some((report, reason)) = &messages.refused {
                print_quietly(report);
                eprint_quietly(&format!("\nerror: {reason}\n"));
                return Ok(Status::Differs);
            }
            let io = |source| GenerateError::Io {
                path: out.to_path_buf(),
                source,
            };
            // A fragment's first generation creates its module's directory.
            if let Some(parent) = out.parent() {
                std::fs::create_dir_all(parent).map_err(io)?;
            }
            std::fs::write(out, content).map_err(io)?;
            print_quietly(&messages.wrote);
            Ok(Status::Done)
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
