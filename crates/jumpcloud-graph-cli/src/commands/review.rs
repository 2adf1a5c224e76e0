//! `jcgraph review [--users FILE|-]`: the org-wide job. Every user's access
//! report, fetched concurrently, one JSON line per user, in input order; a
//! progress line on stderr when it is a terminal; a summary at the end of
//! stderr.

use std::io::Read;
use std::path::Path;
use std::time::{Duration, Instant};

use futures::StreamExt;
use jumpcloud_graph::{AccessReport, Sudo};
use serde::Serialize;

use super::Ctx;
use crate::cli::ReviewArgs;
use crate::error::{CliError, Exit};
use crate::output::{Format, note};
use crate::progress::Progress;
use crate::render;
use crate::table::{Column, Table};

/// A user that could not be reviewed: `{"line", "input", "error"}`.
#[derive(Serialize)]
struct Failure {
    /// The input line (1-based); in the sandbox without `--users`, the
    /// user's position in the org.
    line: usize,
    /// The line as given.
    input: String,
    /// Why, in one line.
    error: String,
}

/// One line of output.
#[derive(Serialize)]
#[serde(untagged)]
enum Entry {
    Report(Box<AccessReport>),
    Failure(Failure),
}

/// What the summary counts.
#[derive(Default)]
struct Totals {
    users: usize,
    failed: usize,
    objects: usize,
    groups: usize,
    sudo: usize,
    passwordless: usize,
}

pub async fn run(ctx: &mut Ctx, args: ReviewArgs) -> Result<Exit, CliError> {
    let inputs = inputs(ctx, &args).await?;
    let started = Instant::now();
    let (totals, kept) = review_all(ctx, inputs, usize::from(args.concurrency)).await?;
    write_kept(ctx, &kept)?;
    ctx.out.flush()?;
    note(&summary(&totals, started.elapsed()));
    Ok(if totals.failed > 0 {
        Exit::Error
    } else {
        Exit::Ok
    })
}

/// Reviews every input, `concurrency` at a time, in input order, with a
/// progress line: ndjson writes each entry as it comes, json and table keep
/// them for the end. The totals, and the entries kept.
async fn review_all(
    ctx: &mut Ctx,
    inputs: Vec<(usize, String)>,
    concurrency: usize,
) -> Result<(Totals, Vec<Entry>), CliError> {
    let total = inputs.len();
    let directory = &ctx.backend.directory;
    let client = ctx.backend.client.clone();
    let names = ctx.names;
    let fetches = inputs.into_iter().map(|(line, input)| {
        let client = client.clone();
        async move {
            let report = async {
                let user = crate::api_names::user(&client, directory, &input).await?;
                let report = user.access_report().await?;
                if !names {
                    return Ok(report);
                }
                // Each report named on its own: the client's cache keeps
                // what users share from costing a request twice.
                let resolved = client.names().resolve(report.nodes()).await;
                for warning in resolved.warnings() {
                    note(&format!("jcgraph: note: {warning}"));
                }
                Ok(report.with_names(&resolved))
            }
            .await;
            (line, input, report)
        }
    });
    let mut results = futures::stream::iter(fetches).buffered(concurrency);
    let mut progress = Progress::new(ctx.terminal.stderr, total);
    let mut totals = Totals::default();
    let mut kept: Vec<Entry> = Vec::new();
    progress.update(0, 0);
    while let Some((line, input, report)) = results.next().await {
        let entry = entry(&mut totals, line, input, report);
        let written = match ctx.format {
            Format::Ndjson => ctx.out.ndjson(&entry),
            Format::Json | Format::Table => {
                kept.push(entry);
                Ok(())
            }
        };
        if let Err(error) = written {
            progress.finish();
            return Err(error.into());
        }
        progress.update(totals.users, totals.failed);
    }
    progress.finish();
    Ok((totals, kept))
}

/// Counts one user's result and makes its line of output.
fn entry(
    totals: &mut Totals,
    line: usize,
    input: String,
    report: Result<AccessReport, CliError>,
) -> Entry {
    totals.users += 1;
    match report {
        Ok(report) => {
            count(totals, &report);
            Entry::Report(Box::new(report))
        }
        Err(error) => {
            totals.failed += 1;
            let error = match error {
                CliError::Usage(m) | CliError::Failed(m) => m,
                CliError::BrokenPipe => "broken pipe".to_string(),
            };
            Entry::Failure(Failure { line, input, error })
        }
    }
}

/// `--format json` and `table`: every entry, at the end.
fn write_kept(ctx: &mut Ctx, kept: &[Entry]) -> Result<(), CliError> {
    match ctx.format {
        Format::Json => ctx.out.json(&kept)?,
        Format::Table => {
            let lines = ctx.out.render(&table(&ctx.backend.directory, kept));
            ctx.out.lines(&lines)?;
        }
        Format::Ndjson => {}
    }
    Ok(())
}

/// The summary line for stderr.
fn summary(totals: &Totals, elapsed: Duration) -> String {
    format!(
        "jcgraph: reviewed {} in {:.2} s: {}, {}, {} ({} without password){}",
        render::plural(totals.users, "user", "users"),
        elapsed.as_secs_f64(),
        render::plural(totals.objects, "object", "objects"),
        render::plural(totals.groups, "group membership", "group memberships"),
        render::plural(totals.sudo, "binding with sudo", "bindings with sudo"),
        totals.passwordless,
        match totals.failed {
            0 => String::new(),
            n => format!("; {n} failed"),
        }
    )
}

/// The most a `--users` list may be: 32 MiB, over a million ids.
pub const MAX_USERS_BYTES: usize = 32 * 1024 * 1024;

/// The users to review, with their line numbers: `--users`, or every
/// user of the org (the sandbox's fixture, or JumpCloud's user list).
async fn inputs(ctx: &Ctx, args: &ReviewArgs) -> Result<Vec<(usize, String)>, CliError> {
    let lines: Vec<String> = match &args.users {
        Some(path) => read_users(path)?.lines().map(str::to_string).collect(),
        None => match ctx.directory().all_users() {
            Some(users) => users,
            None => crate::api_names::all_users(&ctx.backend.client).await?,
        },
    };
    Ok(lines
        .into_iter()
        .enumerate()
        .map(|(i, line)| (i + 1, line.trim().to_string()))
        .filter(|(_, line)| !line.is_empty() && !line.starts_with('#'))
        .collect())
}

/// A users list (`-`: stdin), whole; one over [`MAX_USERS_BYTES`] is a
/// usage error, found by its size before reading when it is a file.
fn read_users(path: &Path) -> Result<String, CliError> {
    let stdin = path.as_os_str() == "-";
    let name = if stdin {
        "stdin".to_string()
    } else {
        path.display().to_string()
    };
    let cannot = |e: &dyn std::fmt::Display| CliError::Failed(format!("cannot read {name}: {e}"));
    let too_large = || {
        CliError::Usage(format!(
            "--users {name} is larger than {} MiB, the most a users list may be (over a \
             million ids): split it",
            MAX_USERS_BYTES / (1024 * 1024)
        ))
    };
    let limit = MAX_USERS_BYTES as u64;
    let reader: Box<dyn Read> = if stdin {
        Box::new(std::io::stdin().lock())
    } else {
        let file = std::fs::File::open(path).map_err(|e| cannot(&e))?;
        if file.metadata().is_ok_and(|meta| meta.len() > limit) {
            return Err(too_large());
        }
        Box::new(file)
    };
    let mut bytes = Vec::new();
    reader
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| cannot(&e))?;
    if bytes.len() > MAX_USERS_BYTES {
        return Err(too_large());
    }
    String::from_utf8(bytes).map_err(|e| cannot(&e))
}

fn count(totals: &mut Totals, report: &AccessReport) {
    totals.objects += report.objects().len();
    totals.groups += report.groups().len();
    for object in report.objects() {
        if render::takes_sudo(object.node().kind()) && object.effective_sudo().enabled() {
            totals.sudo += 1;
            if object.effective_sudo() == Sudo::WithoutPassword {
                totals.passwordless += 1;
            }
        }
    }
}

/// `--format table`: one row per user.
fn table(directory: &crate::directory::Directory, entries: &[Entry]) -> Table {
    // Fixture names in the sandbox; looked-up names against JumpCloud.
    let named = directory.has_names()
        || entries
            .iter()
            .any(|e| matches!(e, Entry::Report(r) if r.user_name().is_some()));
    let mut columns = Vec::new();
    if named {
        columns.push(Column::new("USER"));
        columns.push(Column::new("ID").droppable(1));
    } else {
        columns.push(Column::new("USER"));
    }
    columns.extend([
        Column::new("OBJECTS"),
        Column::new("GROUPS"),
        Column::new("WITH SUDO"),
        Column::new("NOTE").flex(),
    ]);
    let mut table = Table::new(columns);
    for entry in entries {
        let mut cells = Vec::new();
        match entry {
            Entry::Report(report) => {
                let user = report.user();
                if named {
                    let name = directory
                        .name(user)
                        .or(report.user_name().map(str::to_owned));
                    cells.push(name.unwrap_or_else(|| "?".into()));
                }
                cells.push(user.id().to_string());
                let mut totals = Totals::default();
                count(&mut totals, report);
                cells.push(totals.objects.to_string());
                cells.push(totals.groups.to_string());
                cells.push(if totals.passwordless > 0 {
                    format!("{} ({} without password)", totals.sudo, totals.passwordless)
                } else {
                    totals.sudo.to_string()
                });
                cells.push("-".into());
            }
            Entry::Failure(failure) => {
                cells.push(failure.input.clone());
                if named {
                    cells.push("-".into());
                }
                cells.extend(["-".into(), "-".into(), "-".into()]);
                cells.push(format!(
                    "line {}: {}",
                    failure.line,
                    crate::output::one_line(&failure.error)
                ));
            }
        }
        table.row(cells);
    }
    table
}
