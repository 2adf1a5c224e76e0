//! Writing results: the formats, and standard output that ends quietly when
//! its reader goes away.
//!
//! Rust ignores SIGPIPE, so a write to a closed pipe returns a `BrokenPipe`
//! error (where `println!` would panic); every write here returns it, and
//! [`CliError::BrokenPipe`](crate::error::CliError::BrokenPipe) ends the
//! process with no message.

use jumpcloud_graph::WithNames;
use std::borrow::Cow;
use std::io::{self, Write};

use serde::Serialize;

use crate::table;
use crate::terminal::{Terminal, stderr_width};

/// `--format`'s values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatArg {
    /// Readable tables and text, fitted to the terminal's width.
    Table,
    /// One JSON document, pretty-printed: the jumpcloud-graph client's
    /// serde shapes.
    Json,
    /// One compact JSON value per line, for scripts and `jq`.
    Ndjson,
    /// RFC 4180 rows under a header row: `access`, `groups`, `review` and
    /// `diff` (one row per user-object grant or change).
    Csv,
}

impl FormatArg {
    /// The format a command writes with, and whether its rows are CSV
    /// (commands that print a table print its rows as CSV instead).
    pub fn split(self) -> (Format, bool) {
        match self {
            FormatArg::Table => (Format::Table, false),
            FormatArg::Json => (Format::Json, false),
            FormatArg::Ndjson => (Format::Ndjson, false),
            FormatArg::Csv => (Format::Table, true),
        }
    }
}

/// How results are printed (`--format csv` is a table whose rows are CSV:
/// [`Ctx::csv`](crate::commands::Ctx::csv)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Readable tables and text, fitted to the terminal's width.
    Table,
    /// One JSON document, pretty-printed: the jumpcloud-graph client's
    /// serde shapes.
    Json,
    /// One compact JSON value per line, for scripts and `jq`.
    Ndjson,
}

/// Standard output, line-buffered, with the widths text and tables fit.
pub struct Out {
    stdout: io::Stdout,
    width: usize,
    table_width: usize,
    keep_columns: bool,
    /// Names every JSON value written gets on its nodes (see
    /// [`set_names`](Self::set_names)).
    names: Option<jumpcloud_graph::Resolved>,
}

impl Out {
    /// Standard output, with text wrapped to the terminal's width and
    /// tables fitted as [`Terminal`] says (every column kept when standard
    /// output is not a terminal).
    pub fn new(terminal: &Terminal) -> Self {
        Self {
            stdout: io::stdout(),
            width: terminal.width,
            table_width: terminal.table_width,
            keep_columns: terminal.keep_columns,
            names: None,
        }
    }

    /// From now on, JSON and ndjson name every node `names` knows (for
    /// results without their own `with_names`: lists, revoke plans).
    pub fn set_names(&mut self, names: jumpcloud_graph::Resolved) {
        self.names = Some(names);
    }

    /// One line, control characters escaped ([`terminal_safe`]).
    pub fn line(&mut self, text: &str) -> io::Result<()> {
        writeln!(self.stdout, "{}", terminal_safe(text, Keep::Newlines))
    }

    /// Text wrapped at spaces to the width; continuation lines are indented
    /// by `indent` more spaces than the first line's own indentation.
    pub fn wrapped(&mut self, text: &str, indent: usize) -> io::Result<()> {
        // Escaped before it is fitted, so the width counts what is shown.
        let text = terminal_safe(text, Keep::Nothing);
        let text = text.as_ref();
        let lead = text.len() - text.trim_start().len();
        let first = &text[..lead];
        let rest = " ".repeat(lead + indent);
        for line in table::wrap_with(text.trim_start(), self.width, first, &rest) {
            self.line(&line)?;
        }
        Ok(())
    }

    /// Lines already fitted (a rendered table).
    pub fn lines(&mut self, lines: &[String]) -> io::Result<()> {
        for line in lines {
            self.line(line)?;
        }
        Ok(())
    }

    /// A JSON document, pretty-printed.
    pub fn json<T: Serialize + ?Sized>(&mut self, value: &T) -> io::Result<()> {
        match &self.names {
            Some(names) => {
                serde_json::to_writer_pretty(&mut self.stdout, &WithNames::new(value, names))
            }
            None => serde_json::to_writer_pretty(&mut self.stdout, value),
        }
        .map_err(io::Error::from)?;
        writeln!(self.stdout)
    }

    /// A JSON value on one line.
    pub fn ndjson<T: Serialize + ?Sized>(&mut self, value: &T) -> io::Result<()> {
        match &self.names {
            Some(names) => serde_json::to_writer(&mut self.stdout, &WithNames::new(value, names)),
            None => serde_json::to_writer(&mut self.stdout, value),
        }
        .map_err(io::Error::from)?;
        writeln!(self.stdout)
    }

    /// A list as JSON: one pretty document for `json`, one compact line
    /// per item for `ndjson` (the table format has its own rendering).
    pub fn items<T: Serialize>(&mut self, format: Format, items: &[T]) -> io::Result<()> {
        match format {
            Format::Json => self.json(items),
            Format::Table | Format::Ndjson => items.iter().try_for_each(|item| self.ndjson(item)),
        }
    }

    /// A table under a blank line, fitted to the width; nothing when it has
    /// no rows.
    pub fn table(&mut self, table: &table::Table) -> io::Result<()> {
        if table.is_empty() {
            return Ok(());
        }
        self.line("")?;
        let lines = self.render(table);
        self.lines(&lines)
    }

    /// A table's lines, fitted as this output fits tables: to the
    /// terminal's width, or, when standard output is not a terminal, with
    /// every column, whole.
    pub fn render(&self, table: &table::Table) -> Vec<String> {
        if self.keep_columns {
            table.render_every_column(self.table_width)
        } else {
            table.render(self.table_width)
        }
    }

    /// A JSON value in `format` (`json`: pretty, otherwise one line).
    pub fn value<T: Serialize + ?Sized>(&mut self, format: Format, value: &T) -> io::Result<()> {
        match format {
            Format::Json => self.json(value),
            Format::Table | Format::Ndjson => self.ndjson(value),
        }
    }

    /// Raw bytes (shell completions).
    pub fn bytes(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.stdout.write_all(bytes)
    }

    /// Flushes what is buffered.
    pub fn flush(&mut self) -> io::Result<()> {
        self.stdout.flush()
    }
}

/// A line on standard error (notes, prompts, summaries), wrapped at spaces
/// to [`stderr_width`] with continuation lines indented by two spaces. A
/// failure to write there is ignored: there is nowhere left to report it.
pub fn note(text: &str) {
    let text = terminal_safe(text, Keep::Newlines);
    let _ = writeln!(io::stderr(), "{}", fit_stderr(&text));
}

/// `text`'s lines wrapped at spaces to [`stderr_width`] (unchanged when
/// standard error has no known width): a word is split only when it is
/// longer than a whole line.
pub fn fit_stderr(text: &str) -> String {
    let Some(width) = stderr_width() else {
        return text.to_string();
    };
    text.split('\n')
        .flat_map(|line| {
            let lead = line.len() - line.trim_start().len();
            let (first, rest) = (&line[..lead], " ".repeat(lead + 2));
            table::wrap_with(line.trim_start(), width, first, &rest)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `text` on one line: runs of whitespace (newlines included) become one
/// space, and control characters are escaped.
pub fn one_line(text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    terminal_safe(&text, Keep::Nothing).into_owned()
}

/// Which layout characters [`terminal_safe`] lets through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keep {
    /// `\n` and `\t` pass (a paragraph); every other character
    /// [`shown_escaped`](jumpcloud_graph::shown_escaped) is escaped.
    Newlines,
    /// Every character [`shown_escaped`](jumpcloud_graph::shown_escaped) is escaped (a table cell, an error
    /// line).
    Nothing,
}

/// `text` with the characters a terminal acts on or does not show escaped
/// Rust-style (`\u{1b}`, `\u{202e}`; see [`shown_escaped`](jumpcloud_graph::shown_escaped)), so that text
/// from a server or a fixture (names, ids, types, error messages) cannot
/// move the cursor, clear the screen, retitle the window, overwrite a line,
/// or reorder or hide what is printed around it. JSON output needs none of
/// this: it is data, kept as sent (serde_json escapes C0 controls itself).
pub fn terminal_safe(text: &str, keep: Keep) -> Cow<'_, str> {
    let unsafe_char = |c: char| {
        jumpcloud_graph::shown_escaped(c) && !(keep == Keep::Newlines && (c == '\n' || c == '\t'))
    };
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_format_characters_and_line_separators_are_escaped() {
        for (text, shown) in [
            ("a\u{1b}[2Jb", "a\\u{1b}[2Jb"),
            ("\u{9b}2J \u{85}", "\\u{9b}2J \\u{85}"),
            ("\u{202e}exe.txt", "\\u{202e}exe.txt"),
            (
                "\u{2066}a\u{2069}\u{200e}\u{200f}\u{61c}",
                "\\u{2066}a\\u{2069}\\u{200e}\\u{200f}\\u{61c}",
            ),
            (
                "a\u{200b}d\u{feff}m\u{ad}in",
                "a\\u{200b}d\\u{feff}m\\u{ad}in",
            ),
            ("one\u{2028}two\u{2029}", "one\\u{2028}two\\u{2029}"),
            ("tag\u{e0041}", "tag\\u{e0041}"),
        ] {
            assert_eq!(terminal_safe(text, Keep::Nothing), shown, "{text:?}");
            assert_eq!(terminal_safe(text, Keep::Newlines), shown, "{text:?}");
        }
        assert_eq!(terminal_safe("a\n\tb", Keep::Newlines), "a\n\tb");
        assert_eq!(terminal_safe("a\n\tb", Keep::Nothing), "a\\n\\tb");
    }

    #[test]
    fn letters_marks_symbols_and_spaces_are_kept() {
        for text in [
            "Zoë Ångström",
            "大阪 サーバー",
            "café\u{301}",
            "✓ 🚀",
            "a\u{a0}b\u{3000}c",
            "שלום",
            "مرحبا",
        ] {
            assert!(
                matches!(terminal_safe(text, Keep::Nothing), Cow::Borrowed(_)),
                "{text:?}"
            );
        }
    }
}
