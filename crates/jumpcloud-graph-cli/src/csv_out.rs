//! `--format csv`: RFC 4180 records (comma-separated, CRLF line ends,
//! fields quoted when they hold a comma, a quote, a CR or an LF, quotes
//! doubled), the header row first. Written here rather than with the `csv`
//! crate: writing is these few lines, and jcgraph never reads CSV.
//!
//! Spreadsheets run a cell that starts with `=`, `+`, `-`, `@`, a tab or a
//! CR as a formula, and names come from the server (or a fixture): such a
//! field is written with a `'` in front (OWASP's advice for CSV
//! injection), so a hostile name cannot run anything when an auditor opens
//! the file. No field jcgraph writes from its own vocabulary (ids, types,
//! sudo, changes) starts with one of them.
//!
//! The columns of every CSV jcgraph writes are listed here, once, and in
//! `jcgraph --help` and `docs/jcgraph.md` ("CSV").

use jumpcloud_graph::{BoundObject, Explanation, GraphNode};

use crate::directory::Directory;
use crate::render;

/// One row per user-object grant: `access`, `groups` and `review` (which
/// adds [`REVIEW_EXTRA`]). `user_name` and `object_name` are the names the
/// directory knows (the sandbox's fixture names), empty when unknown;
/// `effective_sudo` is empty on objects that take no sudo; `sudo_granted_by`
/// is how the path that decides the sudo grants the object; `granted` is
/// every path's grant, `; `-separated.
pub const GRANT_COLUMNS: [&str; 8] = [
    "user_id",
    "user_name",
    "object_type",
    "object_id",
    "object_name",
    "effective_sudo",
    "sudo_granted_by",
    "granted",
];

/// What `review` adds to [`GRANT_COLUMNS`]: a failed user is one row with
/// its input as `user_id` and the reason in `error`.
pub const REVIEW_EXTRA: [&str; 1] = ["error"];

/// `diff`: one row per change.
pub const DIFF_COLUMNS: [&str; 8] = [
    "user_id",
    "user_name",
    "change",
    "object_type",
    "object_id",
    "object_name",
    "before",
    "after",
];

/// Appends one record (and its CRLF) to `out`.
pub fn record<S: AsRef<str>>(out: &mut Vec<u8>, fields: &[S]) {
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        push_field(out, field.as_ref());
    }
    out.extend_from_slice(b"\r\n");
}

/// One field, neutralized against formulas and quoted as RFC 4180 says.
fn push_field(out: &mut Vec<u8>, text: &str) {
    let formula = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let quoted = formula || text.contains([',', '"', '\r', '\n']);
    if quoted {
        out.push(b'"');
    }
    if formula {
        out.push(b'\'');
    }
    for byte in text.bytes() {
        if byte == b'"' {
            out.push(b'"');
        }
        out.push(byte);
    }
    if quoted {
        out.push(b'"');
    }
}

/// The grant row of one explained object (or group), without the review's
/// extra columns.
pub fn grant_fields(directory: &Directory, entry: &Explanation) -> Vec<String> {
    let object = entry.node();
    let sudo = render::takes_sudo(object.kind());
    let decided_by = entry
        .deciding_path()
        .filter(|_| sudo)
        .map(|path| render::grant(directory, &path.kind()))
        .unwrap_or_default();
    vec![
        entry.user().id().to_string(),
        name(directory, entry.user()),
        object.kind().to_string(),
        object.id().to_string(),
        directory
            .name(object)
            .or_else(|| entry.name().map(str::to_owned))
            .unwrap_or_default(),
        if sudo {
            entry.effective_sudo().to_string()
        } else {
            String::new()
        },
        decided_by,
        entry
            .paths()
            .iter()
            .map(|path| render::grant(directory, &path.kind()))
            .collect::<Vec<_>>()
            .join("; "),
    ]
}

/// The grant row of a bound object that is not explained (a user's
/// group, from `memberof`): no sudo.
pub fn bound_fields(directory: &Directory, user: &GraphNode, bound: &BoundObject) -> Vec<String> {
    vec![
        user.id().to_string(),
        name(directory, user),
        bound.kind().to_string(),
        bound.id().to_string(),
        name(directory, bound.node()),
        String::new(),
        String::new(),
        bound
            .paths()
            .iter()
            .map(|path| render::grant(directory, &path.kind()))
            .collect::<Vec<_>>()
            .join("; "),
    ]
}

/// Header and rows, as bytes.
pub fn table(columns: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> Vec<u8> {
    let mut out = Vec::new();
    record(&mut out, columns);
    for row in rows {
        record(&mut out, &row);
    }
    out
}

/// The name the directory knows for `node`, or nothing.
pub fn name(directory: &Directory, node: &GraphNode) -> String {
    directory.name(node).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(fields: &[&str]) -> String {
        let mut out = Vec::new();
        record(&mut out, fields);
        String::from_utf8(out).unwrap_or_default()
    }

    #[test]
    fn fields_are_quoted_only_when_rfc_4180_needs_it() {
        assert_eq!(line(&["a", "b c", ""]), "a,b c,\r\n");
        assert_eq!(
            line(&["a,b", "say \"hi\"", "two\nlines", "cr\r"]),
            "\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\r\"\r\n"
        );
        assert_eq!(line(&["Zoë", "大阪"]), "Zoë,大阪\r\n");
    }

    #[test]
    fn formulas_are_neutralized() {
        assert_eq!(
            line(&["=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)", "\tx", "a=b"]),
            "\"'=HYPERLINK(\"\"x\"\")\",\"'+1\",\"'-2\",\"'@SUM(A1)\",\"'\tx\",a=b\r\n"
        );
    }
}
