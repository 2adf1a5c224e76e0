//! The users to review: a users list (`--users FILE`, stdin, or in the
//! sandbox every user of the org), or the users that failed in an earlier
//! review (`--retry-failed FILE`); each with its input line number, which
//! the review's lines carry.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use crate::commands::Ctx;
use crate::error::CliError;
use crate::review_file::{Header, LineKey, Lines, is_blank};

/// The most a `--users` list may be: 32 MiB, over a million ids.
const MAX_USERS_BYTES: usize = 32 * 1024 * 1024;

/// A user to review: the input line number and the text on it.
pub type Input = (usize, String);

/// The users of `--users` (or the org's, in the sandbox), with their line
/// numbers; blank lines and `#` comments skipped.
pub async fn listed(ctx: &Ctx, users: Option<&Path>) -> Result<Vec<Input>, CliError> {
    let lines: Vec<String> = match users {
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

/// The users that failed in the review file at `path` (their latest line
/// there is a failure), with the line numbers they had there, and the
/// file's header if it has one.
pub fn failed_in(path: &Path) -> Result<(Vec<Input>, Option<Header>), CliError> {
    let mut lines = Lines::open(path)?;
    let mut latest: BTreeMap<usize, Option<String>> = BTreeMap::new();
    let mut header = None;
    while let Some(read) = lines.next_line()? {
        if !read.complete || is_blank(read.text) {
            continue;
        }
        let key: LineKey = serde_json::from_slice(read.text).map_err(|e| lines.invalid(&e))?;
        if let Some(found) = key.header {
            header = Some(found);
            continue;
        }
        let failed = match key.error {
            Some(_) => Some(
                key.input
                    .ok_or_else(|| lines.invalid(&"a failure without input"))?,
            ),
            None => None,
        };
        latest.insert(key.line.unwrap_or(lines.number), failed);
    }
    let failed = latest
        .into_iter()
        .filter_map(|(line, failed)| failed.map(|input| (line, input)))
        .collect();
    Ok((failed, header))
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
