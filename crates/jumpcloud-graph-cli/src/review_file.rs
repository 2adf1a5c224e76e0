//! The review file: what `jcgraph review` writes (to `--out FILE`, or
//! stdout), and how `review --resume`, `review --retry-failed` and
//! `jcgraph diff` read it back.
//!
//! One JSON value per line. `--out` files start with a header line,
//! `{"jcgraph_review": {"version", "kinds", "groups", "sudo", "org",
//! "users"}}`, the options the review was made with, so that a resume with
//! other options is refused and `diff` compares like with like. Then one
//! line per user, in any order: `{"line", "input", "user", "objects",
//! "groups", "warnings"}` (an access report, with the user's input line
//! number and text), or `{"line", "input", "error"}` for a user that
//! failed. Readers take only the keys they need and ignore the rest, so
//! the client's JSON may gain keys.
//!
//! Each line is written whole, in one write, and ends with `\n`: a kill
//! can only leave the last line without its `\n`, and such a line is
//! dropped (its user is reviewed again).

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::CliError;

/// The key of the header line.
pub const HEADER_KEY: &str = "jcgraph_review";

/// The version of the file format this jcgraph writes.
pub const VERSION: u32 = 1;

/// The longest line read back: 1 GiB (a user bound to 10,000 devices is
/// about 10 MiB).
const MAX_LINE: u64 = 1 << 30;

/// The options a review was made with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    /// [`VERSION`].
    pub version: u32,
    /// The traversals reviewed, by name, in the client's order.
    pub kinds: Vec<String>,
    /// Whether the user's groups were reviewed.
    pub groups: bool,
    /// `--sudo`: `any`, `without-password`, or none.
    pub sudo: Option<String>,
    /// Which org: `sandbox <org id>`, or `<base url> <org id or "own">`.
    pub org: String,
    /// The users reviewed.
    pub users: UsersSeal,
}

/// How many users a review covers, and a fingerprint of their input lines
/// (FNV-1a over each line number and text), so that a resume with another
/// users list is refused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsersSeal {
    /// How many users.
    pub count: usize,
    /// 16 hex digits.
    pub fingerprint: String,
}

impl UsersSeal {
    /// The seal of these (line number, input) pairs.
    pub fn of<'a>(inputs: impl IntoIterator<Item = (usize, &'a str)>) -> Self {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        let mut count = 0;
        for (line, input) in inputs {
            count += 1;
            for byte in line
                .to_string()
                .bytes()
                .chain([b'\t'])
                .chain(input.bytes())
                .chain([b'\n'])
            {
                hash ^= u64::from(byte);
                hash = hash.wrapping_mul(0x0100_0000_01b3);
            }
        }
        Self {
            count,
            fingerprint: format!("{hash:016x}"),
        }
    }
}

/// A node as review lines give it.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Node {
    /// The id, as sent.
    pub id: String,
    /// The type (`system`, `user_group`, ...).
    #[serde(rename = "type")]
    pub kind: String,
}

/// An object or group of a report line: the node and its effective sudo.
#[derive(Clone, Debug, Deserialize)]
pub struct Entry {
    /// The object.
    pub object: Node,
    /// `disabled`, `with-password`, `without-password` (or a newer value).
    #[serde(default)]
    pub effective_sudo: Option<String>,
}

/// One line of a review file, as far as its readers need it.
#[derive(Debug, Deserialize)]
pub struct Line {
    /// The header's options, on the header line.
    #[serde(rename = "jcgraph_review")]
    pub header: Option<Header>,
    /// The user's input line number (absent from older output).
    pub line: Option<usize>,
    /// The user as given.
    pub input: Option<String>,
    /// Why the user failed.
    pub error: Option<String>,
    /// The user, on a report line.
    pub user: Option<Node>,
    /// The objects, on a report line.
    #[serde(default)]
    pub objects: Vec<Entry>,
    /// The groups, on a report line.
    #[serde(default)]
    pub groups: Vec<Entry>,
}

/// Only what a resume needs: the header, the line number, and whether
/// (and with what input) the user failed.
#[derive(Debug, Deserialize)]
pub struct LineKey {
    /// The header's options, on the header line.
    #[serde(rename = "jcgraph_review")]
    pub header: Option<Header>,
    /// The user's input line number.
    pub line: Option<usize>,
    /// The user as given.
    pub input: Option<String>,
    /// Why the user failed.
    pub error: Option<String>,
}

/// Reads a review file line by line, within [`MAX_LINE`].
pub struct Lines {
    reader: BufReader<File>,
    name: String,
    buffer: Vec<u8>,
    /// Lines read so far.
    pub number: usize,
    /// The bytes of every complete line read so far.
    pub complete_bytes: u64,
}

/// A line read: its text, and whether it ended with `\n`.
pub struct RawLine<'a> {
    /// Its number in the file, from 1.
    pub number: usize,
    /// The line without its `\n`.
    pub text: &'a [u8],
    /// `false` for a last line cut short.
    pub complete: bool,
}

impl Lines {
    /// Opens `path`.
    pub fn open(path: &Path) -> Result<Self, CliError> {
        let name = path.display().to_string();
        let file =
            File::open(path).map_err(|e| CliError::Failed(format!("cannot read {name}: {e}")))?;
        Ok(Self {
            reader: BufReader::new(file),
            name,
            buffer: Vec::new(),
            number: 0,
            complete_bytes: 0,
        })
    }

    /// The file's name, for messages.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The next line, `None` at the end.
    pub fn next_line(&mut self) -> Result<Option<RawLine<'_>>, CliError> {
        self.buffer.clear();
        let read = (&mut self.reader)
            .take(MAX_LINE + 1)
            .read_until(b'\n', &mut self.buffer)
            .map_err(|e| CliError::Failed(format!("cannot read {}: {e}", self.name)))?;
        if read == 0 {
            return Ok(None);
        }
        self.number += 1;
        if self.buffer.len() as u64 > MAX_LINE {
            return Err(CliError::Usage(format!(
                "{} line {}: longer than {} MiB, not a review line",
                self.name,
                self.number,
                MAX_LINE >> 20
            )));
        }
        let complete = self.buffer.last() == Some(&b'\n');
        if complete {
            self.complete_bytes += read as u64;
            self.buffer.pop();
        }
        Ok(Some(RawLine {
            number: self.number,
            text: &self.buffer,
            complete,
        }))
    }

    /// The error for a line that is not a review line.
    pub fn invalid(&self, why: &dyn std::fmt::Display) -> CliError {
        CliError::Usage(format!(
            "{} line {}: not a jcgraph review line ({why})",
            self.name, self.number
        ))
    }
}

/// Whether a line holds nothing (blank lines are skipped).
pub fn is_blank(text: &[u8]) -> bool {
    text.iter().all(u8::is_ascii_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_users_seal_changes_with_any_line_or_input() {
        let seal = UsersSeal::of([(1, "ada"), (3, "grace")]);
        assert_eq!(seal.count, 2);
        assert_eq!(seal, UsersSeal::of([(1, "ada"), (3, "grace")]));
        assert_ne!(seal, UsersSeal::of([(1, "ada"), (2, "grace")]));
        assert_ne!(seal, UsersSeal::of([(1, "ada"), (3, "grace ")]));
        assert_ne!(seal, UsersSeal::of([(1, "ada")]));
        assert_eq!(seal.fingerprint.len(), 16);
    }
}
