//! Comparing freshly generated code with the checked-in file.

use std::path::Path;

use similar::TextDiff;

use crate::GenerateError;

/// The outcome of comparing generated code with the file on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Drift {
    /// The file matches the spec byte for byte (line endings aside).
    UpToDate,
    /// The file differs; `diff` is a unified diff from the file to what the
    /// spec produces.
    Stale {
        /// Unified diff, checked-in file first.
        diff: String,
    },
    /// There is no file yet; `diff` adds all of it.
    Missing {
        /// Unified diff from nothing.
        diff: String,
    },
}

impl Drift {
    /// Whether the checked-in code is what the spec produces.
    pub fn is_up_to_date(&self) -> bool {
        matches!(self, Drift::UpToDate)
    }
}

/// Compares `expected` (freshly generated) with the file at `path`.
pub fn check_drift(expected: &str, path: &Path) -> Result<Drift, GenerateError> {
    match std::fs::read_to_string(path) {
        Ok(actual) => {
            let actual = actual.replace("\r\n", "\n");
            if actual == expected {
                Ok(Drift::UpToDate)
            } else {
                Ok(Drift::Stale {
                    diff: diff_texts(&actual, expected, &path.display().to_string()),
                })
            }
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(Drift::Missing {
            diff: diff_texts("", expected, &path.display().to_string()),
        }),
        Err(source) => Err(GenerateError::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// A unified diff (3 lines of context) from `old` to `new`, both labelled
/// with `name` as git does (`a/name`, `b/name`).
pub fn diff_texts(old: &str, new: &str, name: &str) -> String {
    TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(
            &format!("a/{name} (checked in)"),
            &format!("b/{name} (from the spec)"),
        )
        .to_string()
}
