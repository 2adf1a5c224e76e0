//! `jcgraph review`: the org-wide job. Every user's access report (or the
//! kinds `--kind` and `--sudo` choose), fetched concurrently within the
//! client's adaptive rate, written as each user completes: to stdout in
//! input order, or to `--out FILE`, resumable after Ctrl-C, a crash or a
//! kill (`--resume`), with the failed users reviewed again by
//! `--retry-failed`. A progress line on stderr when it is a terminal; a
//! summary at the end of stderr.
//!
//! The pieces: what is reviewed and how one user is fetched (`scope.rs`),
//! which kinds the org has none of, so they are not traversed (`kinds.rs`),
//! the users (`inputs.rs`), one user's output (`line.rs`), the `--out`
//! file (`out_file.rs`), the concurrent run (`schedule.rs`), and where
//! results go and what ends stderr (`sink.rs`). The file format is
//! `crate::review_file`, which `jcgraph diff` reads too.

mod buffers;
mod inputs;
mod kinds;
mod line;
mod out_file;
mod prefetch;
mod schedule;
mod scope;
mod sink;

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use super::Ctx;
use crate::cli::ReviewArgs;
use crate::directory::Directory;
use crate::error::{CliError, Exit};
use crate::output::note;
use crate::review_file::UsersSeal;
use buffers::Pool;
use inputs::Input;
use jumpcloud_graph::Resolved;
use line::Shape;
use out_file::{Mode, OutFile};
use schedule::{Order, Worker};
use scope::Scope;
use sink::{Sink, Target};

/// The directory the review's lines name users and objects by.
fn review_directory(ctx: &Ctx) -> Directory {
    let mut directory = ctx.backend.directory.clone();
    if ctx.names {
        // Against JumpCloud, each user's report carries the resolver's
        // names: the table gets its name column, as in the sandbox.
        directory.learn(&Resolved::default());
    }
    directory
}

pub async fn run(ctx: &mut Ctx, args: ReviewArgs) -> Result<Exit, CliError> {
    let scope = Scope::new(&args.kind, args.sudo)?;
    let shape = Shape::of(ctx.format, ctx.csv);
    if args.out.is_some() && shape != Shape::Ndjson {
        return Err(CliError::Usage(
            "--out writes ndjson (the resumable format); --format json, table and csv \
             are for stdout"
                .into(),
        ));
    }
    let (inputs, out) = plan(ctx, &args, &scope).await?;
    let directory = Arc::new(review_directory(ctx));
    let mode = out.as_ref().map(|(_, mode)| *mode);
    let target = match out {
        Some((file, _)) => Target::File(file),
        None => Target::Stdout(&mut ctx.out),
    };
    let client = ctx.backend.client.clone();
    let before = client.stats();
    let started = Instant::now();
    // A few lookups, once: worth it for any org but the smallest.
    let skip = if inputs.is_empty() {
        BTreeSet::new()
    } else {
        kinds::absent(&client, &scope.kinds).await
    };
    if !skip.is_empty() {
        note(&skipped_note(&skip));
    }
    let worker = Arc::new(Worker {
        client: client.clone(),
        directory: Arc::clone(&directory),
        scope: Arc::new(scope),
        skip: Arc::new(skip),
        shape,
        names: ctx.names,
        // Enough for every user running and every result waiting to be
        // written in input order (schedule::WINDOW), up to a point.
        buffers: Pool::new(usize::from(args.concurrency).saturating_mul(5).min(64)),
    });
    let order = match target {
        Target::Stdout(_) => Order::Input,
        Target::File(_) => Order::Completion,
    };
    let mut sink = Sink::new(
        target,
        shape,
        ctx.terminal.stderr,
        client.clone(),
        inputs.len(),
    )?;
    let concurrency = usize::from(args.concurrency);
    let interrupted = schedule::review(worker, inputs, concurrency, order, &mut sink).await;
    sink.finish(&directory)?;
    let interrupted = interrupted?;
    let after = client.stats();
    note(&sink::summary(
        &sink.totals,
        started.elapsed(),
        after.requests.saturating_sub(before.requests),
        after.rate_limited.saturating_sub(before.rate_limited),
    ));
    let file = sink.file().map(|file| file.path().to_path_buf());
    if let (Some(Mode::RetryInPlace), false, Some(path)) = (mode, interrupted, &file) {
        out_file::compact(path)?;
    }
    if interrupted {
        note(&interrupted_note(&sink, file.as_deref()));
        return Ok(Exit::Interrupted);
    }
    if sink.totals.failed > 0 {
        let out = file
            .as_deref()
            .map(|path| quoted(&path.display().to_string()));
        note(&sink::failures(&sink.totals, out.as_deref()));
        return Ok(Exit::Error);
    }
    Ok(Exit::Ok)
}

/// The `--out` file and how it was opened.
type Out = (OutFile, Mode);

/// The users this run reviews, and the `--out` file it writes (opened as
/// its mode says), checked against the options before any request.
async fn plan(
    ctx: &Ctx,
    args: &ReviewArgs,
    scope: &Scope,
) -> Result<(Vec<Input>, Option<Out>), CliError> {
    let (inputs, retried_header) = match &args.retry_failed {
        Some(path) => inputs::failed_in(path)?,
        None => (inputs::listed(ctx, args.users.as_deref()).await?, None),
    };
    let seal = UsersSeal::of(inputs.iter().map(|(line, input)| (*line, input.as_str())));
    let header = scope.header(org_label(ctx), seal);
    if let (Some(path), Some(theirs)) = (&args.retry_failed, &retried_header) {
        let differences = scope.differences(&header, theirs);
        if !differences.is_empty() {
            return Err(CliError::Usage(format!(
                "{} was reviewed with other options: {}; give the same --kind and --sudo",
                path.display(),
                differences.join("; ")
            )));
        }
    }
    let Some(path) = &args.out else {
        return Ok((inputs, None));
    };
    let mode = out_mode(args, path);
    let opened = out_file::open(path, mode, &header, scope)?;
    for text in &opened.notes {
        note(text);
    }
    let inputs = match mode {
        Mode::RetryInPlace => opened.failed,
        Mode::New | Mode::Resume => inputs
            .into_iter()
            .filter(|(line, _)| !opened.done.contains(line))
            .collect(),
    };
    Ok((inputs, Some((opened.file, mode))))
}

/// How `--out` is opened: retrying the file's own failures in place,
/// resuming it, or a new review.
fn out_mode(args: &ReviewArgs, out: &Path) -> Mode {
    let same = |a: &Path, b: &Path| {
        a == b
            || matches!(
                (std::fs::canonicalize(a), std::fs::canonicalize(b)),
                (Ok(a), Ok(b)) if a == b
            )
    };
    match &args.retry_failed {
        Some(retried) if same(retried, out) => Mode::RetryInPlace,
        _ if args.resume => Mode::Resume,
        _ => Mode::New,
    }
}

/// Which org a review file is about, so that a resume against another is
/// refused: the sandbox's org, or JumpCloud's host and the organization.
fn org_label(ctx: &Ctx) -> String {
    match ctx.directory() {
        Directory::Sandbox(org) => format!("sandbox org {}", org.id()),
        Directory::Api(_) => {
            let client = &ctx.backend.client;
            let org = client.org_id().map_or_else(
                || "the credential's own org".to_string(),
                |o| format!("org {o}"),
            );
            format!("{} {org}", client.base_url())
        }
    }
}

/// The kinds a review does not traverse, as the org has none.
fn skipped_note(skip: &BTreeSet<jumpcloud_graph::TraversalKind>) -> String {
    let names: Vec<&str> = skip.iter().map(|kind| kind.name()).collect();
    format!(
        "jcgraph: the org has no {}: not traversed ({} fewer requests a user)",
        names.join(", "),
        skip.len()
    )
}

/// After Ctrl-C: how far the review got, and the command that continues it.
fn interrupted_note(sink: &Sink<'_>, file: Option<&Path>) -> String {
    let done = format!(
        "jcgraph: interrupted after {} of {} users",
        sink.totals.users, sink.total
    );
    match file {
        Some(path) => format!(
            "{done}; every line written is in {}; continue with: {}",
            path.display(),
            resume_command()
        ),
        None => format!("{done} (a review written with --out FILE can be resumed)"),
    }
}

/// This command line with `--resume`, quoted for a POSIX shell.
fn resume_command() -> String {
    let mut words: Vec<String> = std::env::args()
        .enumerate()
        .map(|(i, arg)| if i == 0 { "jcgraph".to_string() } else { arg })
        .filter(|arg| arg != "--resume")
        .collect();
    words.push("--resume".to_string());
    words
        .iter()
        .map(|w| quoted(w))
        .collect::<Vec<_>>()
        .join(" ")
}

/// `word`, single-quoted when a shell would read it otherwise.
fn quoted(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}
