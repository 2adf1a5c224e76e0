//! Running the review: each user in a task of its own (so that decoding
//! and serializing use every core), at most `concurrency` at a time, the
//! results handed to a writer in input order (stdout) or as they complete
//! (`--out`, where each line carries its input line number), until every
//! user is done or Ctrl-C (or SIGTERM) stops it.
//!
//! In input order, a slow user holds back the users after it: at most
//! [`WINDOW`] times the concurrency are started past the first user not
//! yet written, so memory stays flat however many users there are. On a
//! stop, no user is started any more, the running ones are abandoned, and
//! nothing is written half: every write is a whole line, made between two
//! awaits.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use jumpcloud_graph::{Client, TraversalKind};
use tokio::task::{Id, JoinSet};

use super::buffers::Pool;
use super::inputs::Input;
use super::line::{self, Rendered, Shape};
use super::prefetch::Prefetch;
use super::scope::Scope;
use crate::directory::Directory;
use crate::error::CliError;

/// How far past the first unwritten user the review may start, as a
/// multiple of the concurrency, when output keeps the input order.
const WINDOW: usize = 4;

/// What every user's task needs.
pub struct Worker {
    /// The client (its clones share limits and the adaptive rate).
    pub client: Client,
    /// Users by name (in the sandbox), and names for CSV and tables.
    pub directory: Arc<Directory>,
    /// What is reviewed.
    pub scope: Arc<Scope>,
    /// Kinds not fetched ([`Scope::fetch`]).
    pub skip: Arc<BTreeSet<TraversalKind>>,
    /// How each user is written.
    pub shape: Shape,
    /// Whether reports are named by the client's resolver (not
    /// `--no-names`).
    pub names: bool,
    /// Output buffers, reused from user to user.
    pub buffers: Arc<Pool>,
}

/// A user reviewed.
pub struct Done {
    /// The input line number.
    pub line: usize,
    /// The user as given.
    pub input: String,
    /// Its output.
    pub rendered: Rendered,
}

/// In which order results are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    /// The input's.
    Input,
    /// As users complete.
    Completion,
}

/// Takes each user's result.
pub trait Writer {
    /// Writes one user's result.
    fn write(&mut self, done: Done) -> Result<(), CliError>;
    /// After each user: how many of how many are done.
    fn progress(&mut self, _done: usize, _total: usize) {}
}

/// Reviews `inputs`, `concurrency` at a time, handing results to `writer`
/// in `order`. `Ok(true)` when a signal stopped it first.
pub async fn review(
    worker: Arc<Worker>,
    inputs: Vec<Input>,
    concurrency: usize,
    order: Order,
    writer: &mut dyn Writer,
) -> Result<bool, CliError> {
    let total = inputs.len();
    let mut prefetch = Prefetch::new(worker.names);
    let mut next = 0;
    let mut running: JoinSet<(usize, Done)> = JoinSet::new();
    // Each running task's input index, for a task that panics.
    let mut started: HashMap<Id, usize> = HashMap::new();
    let mut ready: BTreeMap<usize, Done> = BTreeMap::new();
    let (mut written, mut finished) = (0, 0);
    let mut stop = std::pin::pin!(stop_signal());
    loop {
        while running.len() < concurrency
            && next < total
            && (order == Order::Completion || next < written + WINDOW * concurrency)
        {
            let index = next;
            next += 1;
            let (line, input) = &inputs[index];
            prefetch.before(&worker, &inputs, index);
            let task = review_one(Arc::clone(&worker), index, *line, input.clone());
            let handle = running.spawn(task);
            started.insert(handle.id(), index);
        }
        let joined = tokio::select! {
            biased;
            () = &mut stop => {
                running.abort_all();
                return Ok(true);
            }
            joined = running.join_next_with_id() => joined,
        };
        let Some(joined) = joined else {
            return Ok(false);
        };
        let (index, done) = match joined {
            Ok((id, result)) => {
                started.remove(&id);
                result
            }
            Err(error) => {
                let index = started.remove(&error.id()).unwrap_or_default();
                panicked(
                    &worker,
                    index,
                    inputs.get(index).cloned().unwrap_or_default(),
                )
            }
        };
        finished += 1;
        match order {
            Order::Completion => {
                writer.write(done)?;
                written += 1;
            }
            Order::Input => {
                ready.insert(index, done);
                while let Some(next) = ready.remove(&written) {
                    writer.write(next)?;
                    written += 1;
                }
            }
        }
        writer.progress(finished, total);
    }
}

/// The user at `index`, whose task panicked: failed, as the panic hook
/// has said on stderr.
fn panicked(worker: &Worker, index: usize, (line, input): Input) -> (usize, Done) {
    let rendered = line::failed(
        worker.shape,
        &worker.directory,
        (line, &input),
        "internal error in jcgraph (please report it)",
    );
    (
        index,
        Done {
            line,
            input,
            rendered,
        },
    )
}

/// One user's review, rendered.
async fn review_one(
    worker: Arc<Worker>,
    index: usize,
    line: usize,
    input: String,
) -> (usize, Done) {
    let result = fetch(&worker, &input).await;
    let rendered = line::render(
        worker.shape,
        &worker.directory,
        &worker.scope,
        (line, &input),
        result,
        worker.buffers.take(),
    );
    (
        index,
        Done {
            line,
            input,
            rendered,
        },
    )
}

/// One user's report: the user as `input` names them (an id, an email or
/// a username against JumpCloud), the scope's lists, and with names on,
/// the names of what it reaches (the client's cache keeps what users
/// share from costing a request twice).
async fn fetch(worker: &Worker, input: &str) -> Result<jumpcloud_graph::AccessReport, CliError> {
    let user = crate::api_names::user(&worker.client, &worker.directory, input).await?;
    let report = worker.scope.fetch(&user, &worker.skip).await?;
    if !worker.names {
        return Ok(report);
    }
    let resolved = worker.client.names().resolve(report.nodes()).await;
    for warning in resolved.warnings() {
        crate::output::note(&format!("jcgraph: note: {warning}"));
    }
    Ok(report.with_names(&resolved))
}

/// Resolves on Ctrl-C (SIGINT) or SIGTERM; never, when neither can be
/// listened for.
async fn stop_signal() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut stream) => {
                stream.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}
