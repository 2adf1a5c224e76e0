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

/// Compares `expected` (freshly generated) with the file at `path`; the
/// diff names the file `name`, which should be its path relative to the
/// workspace root so that `git apply` accepts the diff there.
pub fn check_drift(expected: &str, path: &Path, name: &str) -> Result<Drift, GenerateError> {
    match std::fs::read_to_string(path) {
        Ok(actual) => {
            let actual = actual.replace("\r\n", "\n");
            if actual == expected {
                Ok(Drift::UpToDate)
            } else {
                Ok(Drift::Stale {
                    diff: diff_texts(&actual, expected, name),
                })
            }
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(Drift::Missing {
            diff: diff_creating(expected, name),
        }),
        Err(source) => Err(GenerateError::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// A unified diff (3 lines of context) from `old` to `new`, both labelled
/// with `name` as git does (`a/name`, `b/name`), so that `git apply` run
/// from the directory `name` is relative to accepts it.
pub fn diff_texts(old: &str, new: &str, name: &str) -> String {
    unified(old, new, &format!("a/{name}"), &format!("b/{name}"))
}

/// A diff that creates `name` with the contents `new` (from `/dev/null`,
/// as `git apply` wants for a new file).
pub fn diff_creating(new: &str, name: &str) -> String {
    unified("", new, "/dev/null", &format!("b/{name}"))
}

fn unified(old: &str, new: &str, old_label: &str, new_label: &str) -> String {
    TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(old_label, new_label)
        .to_string()
}
