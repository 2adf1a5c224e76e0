//! Where each user's result goes (stdout in the format asked for, or the
//! `--out` file), what the run adds up, the progress line, and what ends
//! stderr: the summary, the users that failed, and after an interrupt, how
//! to resume.

use std::time::Duration;

use jumpcloud_graph::Client;

use super::line::{Counts, Shape};
use super::out_file::OutFile;
use super::schedule::{Done, Writer};
use crate::csv_out;
use crate::directory::Directory;
use crate::error::CliError;
use crate::output::{Out, one_line};
use crate::progress::{Progress, Status};
use crate::render;
use crate::table::{Column, Table};

/// How many failed users the end of stderr names.
const FAILURES_NAMED: usize = 10;

/// Where results are written.
pub enum Target<'a> {
    /// Standard output, in the shape asked for.
    Stdout(&'a mut Out),
    /// The `--out` file (ndjson).
    File(OutFile),
}

/// What a run adds up.
#[derive(Default)]
pub struct Totals {
    /// Users done (failed ones included).
    pub users: usize,
    /// Users that failed.
    pub failed: usize,
    /// What was listed.
    pub counts: Counts,
    /// The first failures: line, input, error.
    pub failures: Vec<(usize, String, String)>,
}

/// The writer of a review run.
pub struct Sink<'a> {
    target: Target<'a>,
    shape: Shape,
    /// What the run adds up.
    pub totals: Totals,
    elements: usize,
    rows: Vec<Vec<String>>,
    progress: Progress,
    client: Client,
    /// Users to review in this run.
    pub total: usize,
}

impl<'a> Sink<'a> {
    /// A writer to `target`; `progress` when stderr is a terminal; the
    /// client's counters feed the progress line. CSV starts with its
    /// header row.
    pub fn new(
        target: Target<'a>,
        shape: Shape,
        progress: bool,
        client: Client,
        total: usize,
    ) -> Result<Self, CliError> {
        let mut sink = Self {
            target,
            shape,
            totals: Totals::default(),
            elements: 0,
            rows: Vec::new(),
            progress: Progress::new(progress),
            client,
            total,
        };
        if let (Target::Stdout(out), Shape::Csv) = (&mut sink.target, shape) {
            let mut header = Vec::new();
            let columns: Vec<&str> = csv_out::GRANT_COLUMNS
                .iter()
                .chain(&csv_out::REVIEW_EXTRA)
                .copied()
                .collect();
            csv_out::record(&mut header, &columns);
            out.bytes(&header)?;
        }
        sink.progress(0, total);
        Ok(sink)
    }

    /// Ends the output: closes a JSON array, prints a table, clears the
    /// progress line.
    pub fn finish(&mut self, directory: &Directory) -> Result<(), CliError> {
        self.progress.finish();
        match &mut self.target {
            Target::Stdout(out) => {
                match self.shape {
                    Shape::JsonElement if self.elements == 0 => out.bytes(b"[]\n")?,
                    Shape::JsonElement => out.bytes(b"\n]\n")?,
                    Shape::TableRow => {
                        let mut table = table(directory);
                        for row in std::mem::take(&mut self.rows) {
                            table.row(row);
                        }
                        let lines = out.render(&table);
                        out.lines(&lines)?;
                    }
                    Shape::Ndjson | Shape::Csv => {}
                }
                out.flush()?;
            }
            Target::File(_) => {}
        }
        Ok(())
    }

    /// The `--out` file, if that is where the run writes.
    pub fn file(&self) -> Option<&OutFile> {
        match &self.target {
            Target::File(file) => Some(file),
            Target::Stdout(_) => None,
        }
    }
}

impl Writer for Sink<'_> {
    fn write(&mut self, done: Done) -> Result<(), CliError> {
        let Done {
            line,
            input,
            rendered,
        } = done;
        self.totals.users += 1;
        self.totals.counts.add(rendered.counts);
        if let Some(error) = rendered.failure {
            self.totals.failed += 1;
            if self.totals.failures.len() < FAILURES_NAMED {
                self.totals.failures.push((line, input, error));
            }
        }
        match (&mut self.target, self.shape) {
            (Target::File(file), _) => file.write_line(&rendered.bytes),
            (Target::Stdout(_), Shape::TableRow) => {
                self.rows.extend(rendered.row);
                Ok(())
            }
            (Target::Stdout(out), Shape::JsonElement) => {
                out.bytes(if self.elements == 0 { b"[\n" } else { b",\n" })?;
                self.elements += 1;
                Ok(out.bytes(&rendered.bytes)?)
            }
            (Target::Stdout(out), Shape::Ndjson | Shape::Csv) => Ok(out.bytes(&rendered.bytes)?),
        }
    }

    fn progress(&mut self, done: usize, total: usize) {
        let stats = self.client.stats();
        self.progress.update(Status {
            done,
            total,
            failed: self.totals.failed,
            requests: stats.requests,
            rate_limited: stats.rate_limited,
        });
    }
}

/// `--format table`: one row per user.
fn table(directory: &Directory) -> Table {
    let mut columns = vec![Column::new("USER")];
    if directory.has_names() {
        columns.push(Column::new("ID").droppable(1));
    }
    columns.extend([
        Column::new("OBJECTS"),
        Column::new("GROUPS"),
        Column::new("WITH SUDO"),
        Column::new("NOTE").flex(),
    ]);
    Table::new(columns)
}

/// The summary line: users, what they reach, the requests it took.
pub fn summary(totals: &Totals, elapsed: Duration, requests: u64, rate_limited: u64) -> String {
    let counts = totals.counts;
    let seconds = elapsed.as_secs_f64();
    let limited = match rate_limited {
        0 => "none answered 429".to_string(),
        n => format!(
            "{n} answered 429 ({:.1}%)",
            100.0 * n as f64 / requests.max(1) as f64
        ),
    };
    format!(
        "jcgraph: reviewed {} in {seconds:.2} s: {}, {}, {} ({} without password); {} ({:.1}/s, \
         {:.1} a user), {limited}{}",
        render::plural(totals.users, "user", "users"),
        render::plural(counts.objects, "object", "objects"),
        render::plural(counts.groups, "group membership", "group memberships"),
        render::plural(counts.sudo, "binding with sudo", "bindings with sudo"),
        counts.passwordless,
        render::plural(requests as usize, "request", "requests"),
        requests as f64 / seconds.max(0.001),
        requests as f64 / totals.users.max(1) as f64,
        match totals.failed {
            0 => String::new(),
            n => format!("; {n} failed"),
        }
    )
}

/// The users that failed, named (the first few to fail, by line), and how
/// to review them again.
pub fn failures(totals: &Totals, out: Option<&str>) -> String {
    let mut failures: Vec<&(usize, String, String)> = totals.failures.iter().collect();
    failures.sort_by_key(|(line, _, _)| *line);
    let named: Vec<String> = failures
        .into_iter()
        .map(|(line, input, error)| format!("line {line} ({input}): {}", one_line(error)))
        .collect();
    let more = totals.failed.saturating_sub(named.len());
    let again = match out {
        Some(file) => format!("jcgraph review --retry-failed {file} --out {file}"),
        None => "save the output and run jcgraph review --retry-failed FILE".to_string(),
    };
    format!(
        "jcgraph: {} failed: {}{}; review them again with: {again}",
        render::plural(totals.failed, "user", "users"),
        named.join("; "),
        if more > 0 {
            format!("; and {more} more")
        } else {
            String::new()
        }
    )
}
