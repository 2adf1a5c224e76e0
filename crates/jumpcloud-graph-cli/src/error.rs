//! Exit codes, and errors as one line each.

use std::fmt::Write as _;
use std::io;
use std::sync::OnceLock;

/// How `jcgraph` ends; the codes are documented in `--help` and the README.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// 0: done (`revoke --apply`: the user no longer reaches the object).
    Ok,
    /// 1: an error (the API, the network, a file, a review with failed users).
    Error,
    /// 2: a usage error (clap's code too).
    Usage,
    /// 3: `revoke --apply` ran, and the user still reaches the object.
    AccessRemains,
    /// 4: `revoke --apply` was not confirmed; nothing changed.
    Declined,
    /// 5: `why`: the user does not reach the object.
    NotBound,
    /// 6: `revoke --apply`: JumpCloud accepted every removal, but until
    /// `--verify-timeout` the user graph still showed at least one of them.
    NotYetVisible,
    /// 130: `review` was interrupted (Ctrl-C, SIGTERM), as a shell reports
    /// a process SIGINT ended; what was written is kept.
    Interrupted,
}

impl Exit {
    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            Exit::Ok => 0,
            Exit::Error => 1,
            Exit::Usage => 2,
            Exit::AccessRemains => 3,
            Exit::Declined => 4,
            Exit::NotBound => 5,
            Exit::NotYetVisible => 6,
            Exit::Interrupted => 130,
        }
    }
}

/// Why a command failed.
#[derive(Debug)]
pub enum CliError {
    /// Bad arguments: an unknown name, an id against the real API that is
    /// not one, a confirmation that cannot be asked. Exit 2.
    Usage(String),
    /// Anything else: the API, the network, a file. Exit 1.
    Failed(String),
    /// Standard output was closed by its reader (`| head`): stop quietly.
    BrokenPipe,
}

impl CliError {
    /// The exit code this error ends with.
    pub fn exit(&self) -> Exit {
        match self {
            CliError::Usage(_) => Exit::Usage,
            CliError::Failed(_) => Exit::Error,
            CliError::BrokenPipe => Exit::Ok,
        }
    }
}

/// The API's address and where it came from (`https://... (--base-url)`),
/// once a run against JumpCloud has chosen it: a connection that cannot be
/// made names it.
static API_LOCATION: OnceLock<String> = OnceLock::new();

/// Records the API's address for connection errors (the first call wins).
pub fn set_api_location(location: String) {
    let _ = API_LOCATION.set(location);
}

impl From<jumpcloud_graph::Error> for CliError {
    /// The client's message (which carries its hints: the likely cause of a
    /// 401, a rate limit's wait), then each cause it wraps; a connection
    /// that could not be made starts with the address it was made to.
    fn from(error: jumpcloud_graph::Error) -> Self {
        let message = with_causes(&error);
        let connect = ["(Connect)", "tcp connect error", "dns error"]
            .iter()
            .any(|sign| message.contains(sign));
        match API_LOCATION.get() {
            Some(location) if error.is_transport() && connect => {
                CliError::Failed(format!("cannot connect to {location}: {message}"))
            }
            _ => CliError::Failed(message),
        }
    }
}

impl From<io::Error> for CliError {
    fn from(error: io::Error) -> Self {
        if error.kind() == io::ErrorKind::BrokenPipe {
            CliError::BrokenPipe
        } else {
            CliError::Failed(format!("cannot write the output: {error}"))
        }
    }
}

/// An error's message followed by its sources, `: `-separated, each once
/// (a source whose text the message already holds is skipped).
pub fn with_causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let said = cause.to_string();
        if !said.is_empty() && !text.contains(&said) {
            let _ = write!(text, ": {said}");
        }
        source = cause.source();
    }
    text
}
