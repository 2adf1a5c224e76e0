//! The names of the users to come, looked up a hundred at a time ahead of
//! their reviews. Each user's report is named, the user included, and a
//! user given by id would otherwise cost a lookup of its own: about one
//! request in six of a review, against JumpCloud's budget. The client's
//! cache keeps the names (10 minutes by default, while a hundred users
//! take a few minutes at JumpCloud's pace), and its resolves are
//! single-flight: a user whose report is named while its chunk is still
//! being looked up waits for that answer rather than asking again. A
//! prefetch that fails costs nothing but its request: each user's own
//! resolve asks again and says why it could not.

use jumpcloud_graph::{GraphNode, GraphType};
use tokio::task::JoinSet;

use super::inputs::Input;
use super::schedule::Worker;
use crate::api_names;
use crate::directory::Directory;

/// Users named by one lookup request.
const CHUNK: usize = 100;

/// Lookups of users' names, started ahead of the users; aborted when
/// dropped (a stopped review leaves none running).
pub struct Prefetch {
    names: bool,
    started: JoinSet<()>,
}

impl Prefetch {
    /// Prefetching when names are on.
    pub fn new(names: bool) -> Self {
        Self {
            names,
            started: JoinSet::new(),
        }
    }

    /// Before the user at `index` of `inputs` starts: at the first user of
    /// each chunk, looks the chunk's users up.
    pub fn before(&mut self, worker: &Worker, inputs: &[Input], index: usize) {
        while self.started.try_join_next().is_some() {}
        if !self.names || !index.is_multiple_of(CHUNK) {
            return;
        }
        let chunk = inputs.iter().skip(index).take(CHUNK);
        let nodes: Vec<GraphNode> = chunk
            .filter_map(|(_, text)| node(&worker.directory, text))
            .collect();
        if nodes.is_empty() {
            return;
        }
        let names = worker.client.names();
        self.started.spawn(async move {
            names.resolve(&nodes).await;
        });
    }
}

/// The node of the user `text` names, when that takes no request.
fn node(directory: &Directory, text: &str) -> Option<GraphNode> {
    let id = api_names::user_id_at_hand(directory, text)?.ok()?;
    Some(GraphNode::new(id, GraphType::User))
}
