//! What the standard streams are connected to, and how wide the output may
//! be.
//!
//! Terminal detection is injected here once, so that a test can prove the
//! progress line is off under a pipe, and exercise the confirmation prompt
//! and the progress line by declaring a piped stream a terminal with
//! `JCGRAPH_ASSUME_TERMINAL=stdin,stderr`.

use std::io::IsTerminal;
use std::sync::OnceLock;

/// The variable that declares streams terminals (for tests).
pub const ASSUME_TERMINAL: &str = "JCGRAPH_ASSUME_TERMINAL";

/// The width when standard output is not a terminal and `COLUMNS` is unset.
pub const DEFAULT_WIDTH: usize = 100;

/// The narrowest width honoured; below it, tables still render, cut.
const MIN_WIDTH: usize = 20;

/// Which standard streams are terminals, and the output's width.
#[derive(Clone, Copy, Debug)]
pub struct Terminal {
    /// Standard output is not a terminal (a file, a pipe): tables keep
    /// every column, whole, one line per row.
    pub keep_columns: bool,
    /// The width tables fit: [`Terminal::width`] on a terminal, no limit
    /// otherwise.
    pub table_width: usize,
    /// Standard input is a terminal: a prompt can be answered.
    pub stdin: bool,
    /// Standard error is a terminal: a progress line can be redrawn.
    pub stderr: bool,
    /// The width tables and wrapped text fit: `COLUMNS` when set, else the
    /// terminal's when standard output is one, else [`DEFAULT_WIDTH`].
    pub width: usize,
}

impl Terminal {
    /// Looks at the process's streams and environment.
    pub fn detect() -> Self {
        let assumed = std::env::var(ASSUME_TERMINAL).unwrap_or_default();
        let assumed = |name: &str| assumed.split(',').any(|s| s.trim() == name);
        let stdout = std::io::stdout().is_terminal() || assumed("stdout");
        let columns = columns();
        let measured = || {
            terminal_size::terminal_size_of(std::io::stdout())
                .map(|(terminal_size::Width(w), _)| usize::from(w))
                .filter(|&w| w > 0)
        };
        let width = columns
            .or_else(|| if stdout { measured() } else { None })
            .unwrap_or(DEFAULT_WIDTH)
            .max(MIN_WIDTH);
        // A file or a pipe gets whole rows: grep finds a row's id and its
        // grants on one line.
        let table_width = if stdout { width } else { usize::MAX };
        Self {
            keep_columns: !stdout,
            table_width,
            stdin: std::io::stdin().is_terminal() || assumed("stdin"),
            stderr: std::io::stderr().is_terminal() || assumed("stderr"),
            width,
        }
    }
}

/// `COLUMNS`, when set to a positive number.
fn columns() -> Option<usize> {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&c| c > 0)
}

/// The width standard error's lines (notes, the sandbox banner, errors) are
/// wrapped to: `COLUMNS` when set, else standard error's terminal width;
/// `None` (one line each, for scripts) when it is neither.
pub fn stderr_width() -> Option<usize> {
    static WIDTH: OnceLock<Option<usize>> = OnceLock::new();
    *WIDTH.get_or_init(|| {
        let measured = || {
            terminal_size::terminal_size_of(std::io::stderr())
                .map(|(terminal_size::Width(w), _)| usize::from(w))
                .filter(|&w| w > 0)
        };
        columns()
            .or_else(measured)
            .map(|width| width.max(MIN_WIDTH))
    })
}
