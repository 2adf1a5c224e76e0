//! `--out FILE`: the review written as it goes, so that an interrupted
//! review can be resumed (`--resume`) and a review's failed users reviewed
//! again in place (`--retry-failed FILE --out FILE`).
//!
//! A new file gets the header line first. Resuming reads the file: its
//! header must match this run's options and users (else the resume is
//! refused before any request), every complete line's user is done, and a
//! last line cut short by a kill is cut off the file (that user is reviewed
//! again). Retrying in place appends the retried users' new lines after
//! their failures, then keeps only each user's latest line, by writing them
//! to a new file that replaces the old one in one rename: an interrupted
//! retry loses nothing (the failures stay until replaced), and the next one
//! tidies up.

use std::collections::{BTreeMap, HashSet};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use super::inputs::Input;
use super::scope::Scope;
use crate::error::CliError;
use crate::review_file::{HEADER_KEY, Header, LineKey, Lines, is_blank};

/// How `--out` is opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// A new review: the file must not hold one already.
    New,
    /// `--resume`: continue the review in the file.
    Resume,
    /// `--retry-failed FILE --out FILE`: review the file's failed users
    /// again, replacing their lines.
    RetryInPlace,
}

/// The review file being written.
pub struct OutFile {
    file: File,
    path: PathBuf,
}

/// An opened `--out` file, the input lines it already holds, and notes for
/// stderr.
pub struct Opened {
    /// The file, positioned at its end.
    pub file: OutFile,
    /// Input line numbers already reviewed.
    pub done: HashSet<usize>,
    /// Retrying in place: the users whose latest line is a failure.
    pub failed: Vec<Input>,
    /// What the user should know (a line cut short, nothing to resume).
    pub notes: Vec<String>,
}

impl OutFile {
    /// Writes one line (ending in `\n`) in one write: a kill leaves no
    /// half line but the last, which a resume drops.
    pub fn write_line(&mut self, bytes: &[u8]) -> Result<(), CliError> {
        self.file
            .write_all(bytes)
            .map_err(|e| CliError::Failed(format!("cannot write {}: {e}", self.path.display())))
    }

    /// Where it is.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Opens `path` for a review with `header` (this run's options) as `mode`
/// says.
pub fn open(path: &Path, mode: Mode, header: &Header, scope: &Scope) -> Result<Opened, CliError> {
    let name = path.display();
    let holds_something = std::fs::metadata(path).is_ok_and(|meta| meta.len() > 0);
    if !holds_something {
        let mut notes = Vec::new();
        if mode != Mode::New {
            notes.push(format!("jcgraph: {name} holds no review yet: starting one"));
        }
        return Ok(Opened {
            file: create(path, header)?,
            done: HashSet::new(),
            failed: Vec::new(),
            notes,
        });
    }
    if mode == Mode::New {
        return Err(CliError::Usage(format!(
            "{name} already holds a review: --resume continues it; remove it, or give \
             another --out, to start again"
        )));
    }
    let Found {
        done,
        failed,
        notes,
    } = read_done(path, mode, header, scope)?;
    let file = OpenOptions::new()
        .append(true)
        .open(path)
        .map_err(|e| CliError::Failed(format!("cannot write {name}: {e}")))?;
    Ok(Opened {
        file: OutFile {
            file,
            path: path.to_path_buf(),
        },
        done,
        failed,
        notes,
    })
}

/// A new file holding the header line.
fn create(path: &Path, header: &Header) -> Result<OutFile, CliError> {
    let file = File::create(path)
        .map_err(|e| CliError::Failed(format!("cannot create {}: {e}", path.display())))?;
    let mut out = OutFile {
        file,
        path: path.to_path_buf(),
    };
    out.write_line(&header_line(header))?;
    Ok(out)
}

/// `{"jcgraph_review": header}` and its `\n`.
fn header_line(header: &Header) -> Vec<u8> {
    let mut line =
        serde_json::to_vec(&serde_json::json!({ HEADER_KEY: header })).unwrap_or_default();
    line.push(b'\n');
    line
}

/// What a review file holds: its header, and for each input line number
/// the file line that has its latest result and, if that is a failure, the
/// user's input.
struct Scan {
    header: Option<Header>,
    latest: BTreeMap<usize, (usize, Option<String>)>,
    complete_bytes: u64,
    notes: Vec<String>,
}

/// Reads a review file through, checking every line.
fn scan(path: &Path) -> Result<Scan, CliError> {
    let mut lines = Lines::open(path)?;
    let mut scan = Scan {
        header: None,
        latest: BTreeMap::new(),
        complete_bytes: 0,
        notes: Vec::new(),
    };
    while let Some(read) = lines.next_line()? {
        if !read.complete {
            scan.notes.push(format!(
                "jcgraph: dropped line {} of {}, cut short (its user is reviewed again)",
                lines.number,
                lines.name()
            ));
            break;
        }
        if is_blank(read.text) {
            continue;
        }
        let key: LineKey = serde_json::from_slice(read.text).map_err(|e| lines.invalid(&e))?;
        match (key.header, &scan.header) {
            (Some(header), None) => scan.header = Some(header),
            (Some(_), Some(_)) => return Err(lines.invalid(&"a second header")),
            (None, None) => {
                return Err(lines.invalid(&"no header line first: not an --out file"));
            }
            (None, Some(_)) => {
                let line = key.line.ok_or_else(|| lines.invalid(&"no line number"))?;
                let failed = key.error.map(|_| key.input.unwrap_or_default());
                scan.latest.insert(line, (lines.number, failed));
            }
        }
    }
    scan.complete_bytes = lines.complete_bytes;
    Ok(scan)
}

/// Reads the file being resumed or retried: checks its header, and leaves
/// it holding whole lines only, and one line per user.
fn read_done(path: &Path, mode: Mode, header: &Header, scope: &Scope) -> Result<Found, CliError> {
    let scan = scan(path)?;
    let name = path.display().to_string();
    let theirs = scan
        .header
        .as_ref()
        .ok_or_else(|| CliError::Usage(format!("{name}: no header line: not an --out file")))?;
    check_header(&name, mode, header, theirs, scope)?;
    match mode {
        Mode::RetryInPlace => keep_latest(path, &scan)?,
        Mode::New | Mode::Resume => cut_to(path, scan.complete_bytes)?,
    }
    let mut done = HashSet::new();
    let mut failed = Vec::new();
    for (line, (_, failure)) in scan.latest {
        match failure {
            Some(input) if mode == Mode::RetryInPlace => failed.push((line, input)),
            _ => {
                done.insert(line);
            }
        }
    }
    Ok(Found {
        done,
        failed,
        notes: scan.notes,
    })
}

/// What a file being resumed or retried holds: see [`Opened`].
struct Found {
    done: HashSet<usize>,
    failed: Vec<Input>,
    notes: Vec<String>,
}

/// Leaves one line per user in the review file at `path`: the latest
/// (retried users' new lines are appended after their failures).
pub fn compact(path: &Path) -> Result<(), CliError> {
    keep_latest(path, &scan(path)?)
}

/// Rewrites the file with the header and each user's latest line only.
fn keep_latest(path: &Path, scan: &Scan) -> Result<(), CliError> {
    let kept: HashSet<usize> = scan.latest.values().map(|(number, _)| *number).collect();
    let mut lines = Lines::open(path)?;
    let mut rewrite = Rewrite::start(path)?;
    let mut header_seen = false;
    while let Some(read) = lines.next_line()? {
        if !read.complete {
            break;
        }
        if is_blank(read.text) {
            continue;
        }
        let keep = if header_seen {
            kept.contains(&read.number)
        } else {
            header_seen = true;
            true
        };
        if keep {
            rewrite.line(read.text)?;
        }
    }
    rewrite.replace()
}

/// Refuses a file made with other options (or, for a resume, another
/// users list).
fn check_header(
    name: &str,
    mode: Mode,
    mine: &Header,
    theirs: &Header,
    scope: &Scope,
) -> Result<(), CliError> {
    let mut differences = scope.differences(mine, theirs);
    if mode == Mode::Resume && theirs.users != mine.users {
        differences.push(format!(
            "it reviews another users list ({} users; this run: {})",
            theirs.users.count, mine.users.count
        ));
    }
    if differences.is_empty() {
        return Ok(());
    }
    Err(CliError::Usage(format!(
        "{name} cannot be continued by this run: {}; give the options and users it was \
         started with, or another --out",
        differences.join("; ")
    )))
}

/// Cuts the file to its whole lines (a kill can leave the last one short).
fn cut_to(path: &Path, length: u64) -> Result<(), CliError> {
    let file = OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(|e| CliError::Failed(format!("cannot write {}: {e}", path.display())))?;
    if file.metadata().is_ok_and(|meta| meta.len() > length) {
        file.set_len(length)
            .map_err(|e| CliError::Failed(format!("cannot cut {}: {e}", path.display())))?;
    }
    Ok(())
}

/// The lines kept, written to a file beside the original that replaces it.
struct Rewrite {
    file: File,
    temporary: PathBuf,
    path: PathBuf,
}

impl Rewrite {
    fn start(path: &Path) -> Result<Self, CliError> {
        let mut name = path.file_name().unwrap_or_default().to_os_string();
        name.push(".jcgraph-rewrite");
        let temporary = path.with_file_name(name);
        let file = File::create(&temporary)
            .map_err(|e| CliError::Failed(format!("cannot create {}: {e}", temporary.display())))?;
        Ok(Self {
            file,
            temporary,
            path: path.to_path_buf(),
        })
    }

    fn line(&mut self, text: &[u8]) -> Result<(), CliError> {
        let failed = |e: std::io::Error| {
            CliError::Failed(format!("cannot write {}: {e}", self.temporary.display()))
        };
        self.file.write_all(text).map_err(failed)?;
        self.file.write_all(b"\n").map_err(failed)
    }

    /// Puts the new file in the old one's place (one rename: the old file
    /// stays whole until then).
    fn replace(self) -> Result<(), CliError> {
        self.file.sync_all().map_err(|e| {
            CliError::Failed(format!("cannot write {}: {e}", self.temporary.display()))
        })?;
        std::fs::rename(&self.temporary, &self.path)
            .map_err(|e| CliError::Failed(format!("cannot replace {}: {e}", self.path.display())))
    }
}
