//! One user's output, made where the user was reviewed (so that
//! serialization runs on every core, not on the one that writes): the
//! bytes for the format asked for, the table row, and the counts the
//! summary adds up.

use jumpcloud_graph::{AccessReport, Explanation, Sudo};
use serde::ser::{Serialize, SerializeMap, Serializer};

use super::buffers::Buffer;
use super::scope::Scope;
use crate::csv_out;
use crate::directory::Directory;
use crate::error::CliError;
use crate::output::Format;
use crate::render;

/// How one user is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// One JSON line (stdout's ndjson, and every `--out` file).
    Ndjson,
    /// One pretty-printed element of a JSON array, indented for it.
    JsonElement,
    /// CSV rows.
    Csv,
    /// A table row (kept for the end, when the widths are known).
    TableRow,
}

impl Shape {
    /// The shape of `format` (`csv`: rows as CSV).
    pub fn of(format: Format, csv: bool) -> Self {
        match (format, csv) {
            (_, true) => Shape::Csv,
            (Format::Ndjson, false) => Shape::Ndjson,
            (Format::Json, false) => Shape::JsonElement,
            (Format::Table, false) => Shape::TableRow,
        }
    }
}

/// What the summary counts, per user and in all.
#[derive(Clone, Copy, Debug, Default)]
pub struct Counts {
    /// Objects listed.
    pub objects: usize,
    /// Groups listed.
    pub groups: usize,
    /// Devices and device groups with sudo.
    pub sudo: usize,
    /// Of those, without a password.
    pub passwordless: usize,
}

impl Counts {
    /// Adds another user's.
    pub fn add(&mut self, other: Counts) {
        self.objects += other.objects;
        self.groups += other.groups;
        self.sudo += other.sudo;
        self.passwordless += other.passwordless;
    }
}

/// A user's output.
pub struct Rendered {
    /// The bytes to write (empty for a table row).
    pub bytes: Buffer,
    /// The table row, for `--format table`.
    pub row: Option<Vec<String>>,
    /// What the summary counts.
    pub counts: Counts,
    /// Why the user failed, in one line.
    pub failure: Option<String>,
}

/// Renders one user's result as `shape` says, into `bytes`.
pub fn render(
    shape: Shape,
    directory: &Directory,
    scope: &Scope,
    (line, input): (usize, &str),
    result: Result<AccessReport, CliError>,
    mut bytes: Buffer,
) -> Rendered {
    match result {
        Ok(report) => {
            let listed = Listed {
                line,
                input,
                report: &report,
                scope,
            };
            let counts = listed.counts();
            let row = match shape {
                Shape::Ndjson => json_line(&listed, bytes.vec()),
                Shape::JsonElement => json_element(&listed, bytes.vec()),
                Shape::Csv => csv_rows(directory, &listed, bytes.vec()),
                Shape::TableRow => Some(table_row(directory, &report, counts)),
            };
            Rendered {
                bytes,
                row,
                counts,
                failure: None,
            }
        }
        Err(error) => failed(shape, directory, (line, input), &error_text(error)),
    }
}

/// The output of a user that failed.
pub fn failed(
    shape: Shape,
    directory: &Directory,
    (line, input): (usize, &str),
    error: &str,
) -> Rendered {
    let failure = Failure { line, input, error };
    let mut bytes = Buffer::default();
    let row = match shape {
        Shape::Ndjson => json_line(&failure, bytes.vec()),
        Shape::JsonElement => json_element(&failure, bytes.vec()),
        Shape::Csv => {
            let mut fields = vec![String::new(); csv_out::GRANT_COLUMNS.len()];
            fields[0] = input.to_string();
            fields.push(format!("line {line}: {error}"));
            csv_out::record(bytes.vec(), &fields);
            None
        }
        Shape::TableRow => Some(failure_row(directory.has_names(), line, input, error)),
    };
    Rendered {
        bytes,
        row,
        counts: Counts::default(),
        failure: Some(error.to_string()),
    }
}

fn error_text(error: CliError) -> String {
    match error {
        CliError::Usage(m) | CliError::Failed(m) => m,
        CliError::BrokenPipe => "broken pipe".to_string(),
    }
}

/// A report line: `{"line", "input", "user", "objects", "groups",
/// "warnings"}`, the objects and groups as the scope lists them.
struct Listed<'a> {
    line: usize,
    input: &'a str,
    report: &'a AccessReport,
    scope: &'a Scope,
}

impl Listed<'_> {
    fn objects(&self) -> impl Iterator<Item = &Explanation> {
        self.report
            .objects()
            .iter()
            .filter(|object| self.scope.lists_object(object))
    }

    fn groups(&self) -> &[Explanation] {
        if self.scope.sudo.is_some() {
            &[]
        } else {
            self.report.groups()
        }
    }

    fn counts(&self) -> Counts {
        let mut counts = Counts {
            groups: self.groups().len(),
            ..Counts::default()
        };
        for object in self.objects() {
            counts.objects += 1;
            let sudo = object.effective_sudo();
            if render::takes_sudo(object.node().kind()) && sudo.enabled() {
                counts.sudo += 1;
                counts.passwordless += usize::from(sudo == Sudo::WithoutPassword);
            }
        }
        counts
    }
}

impl Serialize for Listed<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(6))?;
        map.serialize_entry("line", &self.line)?;
        map.serialize_entry("input", self.input)?;
        let user = NamedUser {
            node: self.report.user(),
            name: self.report.user_name(),
        };
        map.serialize_entry("user", &user)?;
        map.serialize_entry("objects", &Seq(|| self.objects()))?;
        map.serialize_entry("groups", self.groups())?;
        map.serialize_entry("warnings", self.report.warnings())?;
        map.end()
    }
}

/// The report's user as the client writes a node: `{"id", "type"}`, and
/// `"name"` when the resolver named it.
struct NamedUser<'a> {
    node: &'a jumpcloud_graph::GraphNode,
    name: Option<&'a str>,
}

impl Serialize for NamedUser<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("id", &self.node.id().to_string())?;
        map.serialize_entry("type", self.node.kind())?;
        if let Some(name) = self.name {
            map.serialize_entry("name", name)?;
        }
        map.end()
    }
}

/// A sequence serialized from an iterator, without collecting it.
struct Seq<F>(F);

impl<'a, F, I> Serialize for Seq<F>
where
    F: Fn() -> I,
    I: Iterator<Item = &'a Explanation>,
{
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq((self.0)())
    }
}

/// A failure line: `{"line", "input", "error"}`.
#[derive(serde::Serialize)]
struct Failure<'a> {
    line: usize,
    input: &'a str,
    error: &'a str,
}

/// `value` on one line, with its `\n`, into `bytes` (no table row).
fn json_line<T: Serialize>(value: &T, bytes: &mut Vec<u8>) -> Option<Vec<String>> {
    // Serializing into memory fails only on a map with non-string keys,
    // which these values do not have.
    if serde_json::to_writer(&mut *bytes, value).is_err() {
        bytes.clear();
    }
    bytes.push(b'\n');
    None
}

/// `value` pretty-printed as an element of a pretty-printed array, into
/// `bytes`: every line indented by two spaces, exactly as serde_json
/// prints an array (no table row).
fn json_element<T: Serialize>(value: &T, bytes: &mut Vec<u8>) -> Option<Vec<String>> {
    let mut pretty = Vec::with_capacity(4096);
    if serde_json::to_writer_pretty(&mut pretty, value).is_err() {
        pretty.clear();
    }
    bytes.reserve(pretty.len() + pretty.len() / 8);
    // JSON strings escape their newlines, so each `\n` starts a line.
    for (i, line) in pretty.split(|b| *b == b'\n').enumerate() {
        if i > 0 {
            bytes.push(b'\n');
        }
        bytes.extend_from_slice(b"  ");
        bytes.extend_from_slice(line);
    }
    None
}

/// A user's CSV rows, into `bytes`: one per object and group listed (no
/// table row).
fn csv_rows(
    directory: &Directory,
    listed: &Listed<'_>,
    bytes: &mut Vec<u8>,
) -> Option<Vec<String>> {
    for entry in listed.objects().chain(listed.groups()) {
        let mut fields = csv_out::grant_fields(directory, entry);
        // The resolver's name where the directory knows none.
        if let (Some(empty), Some(name)) = (
            fields.get_mut(1).filter(|f| f.is_empty()),
            listed.report.user_name(),
        ) {
            *empty = name.to_owned();
        }
        fields.push(String::new());
        csv_out::record(bytes, &fields);
    }
    None
}

/// `--format table`: a user's row.
fn table_row(directory: &Directory, report: &AccessReport, counts: Counts) -> Vec<String> {
    let user = report.user();
    let mut cells = Vec::new();
    if directory.has_names() {
        let name = directory
            .name(user)
            .or_else(|| report.user_name().map(str::to_owned));
        cells.push(name.unwrap_or_else(|| "?".into()));
    }
    cells.push(user.id().to_string());
    cells.push(counts.objects.to_string());
    cells.push(counts.groups.to_string());
    cells.push(if counts.passwordless > 0 {
        format!("{} ({} without password)", counts.sudo, counts.passwordless)
    } else {
        counts.sudo.to_string()
    });
    cells.push("-".into());
    cells
}

/// `--format table`: a failed user's row.
fn failure_row(names: bool, line: usize, input: &str, error: &str) -> Vec<String> {
    let mut cells = vec![input.to_string()];
    if names {
        cells.push("-".into());
    }
    cells.extend(["-".into(), "-".into(), "-".into()]);
    cells.push(format!("line {line}: {}", crate::output::one_line(error)));
    cells
}
