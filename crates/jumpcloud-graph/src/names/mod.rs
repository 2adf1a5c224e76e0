//! Names for the graph's ids: the resolver ([`Names`]), what it answers
//! ([`Resolved`]), and the [`NameSource`](crate::NameSource) that `display_with` and the
//! results' `with_names` read.
//!
//! The user graph answers with ids and types only. The resolver asks
//! JumpCloud's directory lookups (`lookup.rs`) for the names of a set of
//! nodes in at most one request per kind per 100 distinct ids, never for a
//! node twice, through the client's request path (its limits, retries and
//! rate), and keeps the answers in the client's cache. A lookup that fails
//! leaves its ids unnamed with a [`NameWarning`](crate::NameWarning); it never fails the answer
//! it names.

mod lookup;
mod source;
mod users;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use futures::StreamExt;

use crate::error::Request;
use crate::model::{NameTable, Resolved};
use crate::name_cache::CheckOut;
use crate::options::{Checked, RequestOptions};
use crate::printable::body_excerpt;
use crate::transport::Call;
use crate::{Client, Error, GraphNode};
use lookup::{Lookup, MAX_DIRECTORY_PAGES, Page, Record, Select};

/// The most lookup requests one `resolve` has in flight: a report names
/// at most nine kinds, and a resolve of thousands of ids must not open a
/// request per chunk at once (the client's `max_in_flight` and
/// `rate_limit` apply as well).
const LOOKUPS_AT_ONCE: usize = 8;

/// The most values one lookup request carries.
const CHUNK: usize = jumpcloud_graph_openapi::directory::MAX_VALUES_PER_REQUEST;

/// The longest a resolve waits for another's lookups before it asks itself:
/// a resolve whose future is kept but no longer polled never answers.
const WAIT_FOR_OTHERS: std::time::Duration = std::time::Duration::from_secs(60);

/// The client's name resolver: cheap to clone, sharing the client's cache.
///
/// ```no_run
/// # async fn demo(client: jumpcloud_graph::Client) -> Result<(), jumpcloud_graph::Error> {
/// let user = client.user_by_email("ada@acme.example").await?;
/// let systems = user.systems().try_collect().await?;
/// let names = client
///     .names()
///     .resolve(systems.iter().flat_map(|s| s.paths()).flat_map(|p| p.nodes()))
///     .await;
/// for system in &systems {
///     for path in system.paths() {
///         println!("{}", path.display_with(&names));
///     }
/// }
/// for warning in names.warnings() {
///     eprintln!("note: {warning}");
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct Names {
    client: Client,
}

impl Client {
    /// The name resolver, sharing this client's cache, limits and retries.
    pub fn names(&self) -> Names {
        Names {
            client: self.clone(),
        }
    }
}

impl Names {
    /// Names `nodes`: each distinct node not in the cache is looked up, in
    /// one request per kind per 100 ids, concurrently within the client's
    /// `max_in_flight` and `rate_limit`. Never fails: a lookup that fails
    /// leaves its nodes unnamed, with a [`NameWarning`](crate::NameWarning); kinds without a
    /// lookup (commands, policies, ...) and ids that are not ObjectIDs stay
    /// unnamed without one.
    ///
    /// Resolves running at once (from clones too) share their lookups: a
    /// node another resolve is looking up is waited for, not asked for
    /// again; if that lookup fails, that resolve is dropped, or it has not
    /// answered within a minute (a future kept but no longer polled), this
    /// one asks itself.
    pub async fn resolve<'a, I>(&self, nodes: I) -> Resolved
    where
        I: IntoIterator<Item = &'a GraphNode>,
    {
        let cache = &self.client.shared.names;
        let mut named: HashMap<GraphNode, Arc<str>> = HashMap::new();
        let mut resolved = Resolved::default();
        // A report mentions each node many times (every path through it):
        // the cache is asked once per distinct node a lookup can name,
        // under one lock.
        let mut seen = HashSet::new();
        let candidates: Vec<&GraphNode> = nodes
            .into_iter()
            .filter(|node| Lookup::of(node.kind()).is_some() && node.id().is_object_id())
            .filter(|node| seen.insert(*node))
            .collect();
        let (found, claim) = cache.check_out(&candidates);
        let (mut claimed, mut waits) = (Vec::new(), Vec::new());
        for (node, found) in candidates.into_iter().zip(found) {
            match found {
                CheckOut::Cached(Some(name)) => {
                    named.insert(node.clone(), name);
                }
                CheckOut::Cached(None) => {}
                CheckOut::Wait(done) => waits.push((node, done)),
                CheckOut::Claimed => claimed.push(node),
            }
        }
        self.look_up(claimed, &mut named, &mut resolved).await;
        // Ours are cached (or failed): released before waiting for the
        // others', so two resolves can never wait for each other.
        drop(claim);
        let mut waited = Vec::with_capacity(waits.len());
        let deadline = tokio::time::Instant::now() + WAIT_FOR_OTHERS;
        for (node, mut done) in waits {
            // The other resolve's claim ending closes the channel.
            let _ = tokio::time::timeout_at(deadline, done.changed()).await;
            waited.push(node);
        }
        // What the other resolve could not name (its lookup failed, it was
        // cancelled, or it has not answered in time) is looked up here.
        let mut missing = Vec::new();
        for (node, known) in waited.iter().zip(cache.get_many(&waited)) {
            match known {
                Some(Some(name)) => {
                    named.insert((*node).clone(), name);
                }
                Some(None) => {}
                None => missing.push(*node),
            }
        }
        self.look_up(missing, &mut named, &mut resolved).await;
        resolved.names = NameTable(Arc::new(named));
        resolved
    }

    /// Looks `nodes` up (each of a kind a lookup names): one request per
    /// kind per 100 ids, concurrently, keeping what each answers in the
    /// cache and in `named`, and a warning in `resolved` for each that
    /// fails.
    async fn look_up(
        &self,
        nodes: Vec<&GraphNode>,
        named: &mut HashMap<GraphNode, Arc<str>>,
        resolved: &mut Resolved,
    ) {
        let mut wanted: BTreeMap<Lookup, BTreeSet<&GraphNode>> = BTreeMap::new();
        for node in nodes {
            if let Some(lookup) = Lookup::of(node.kind()) {
                wanted.entry(lookup).or_default().insert(node);
            }
        }
        let batches: Vec<(Lookup, Vec<&GraphNode>)> = wanted
            .into_iter()
            .flat_map(|(lookup, nodes)| {
                let nodes: Vec<&GraphNode> = nodes.into_iter().collect();
                // The directories' list is read whole, once.
                let size = if lookup == Lookup::Directories {
                    usize::MAX
                } else {
                    CHUNK
                };
                nodes
                    .chunks(size)
                    .map(|chunk| (lookup, chunk.to_vec()))
                    .collect::<Vec<_>>()
            })
            .collect();
        // Concurrent, within the client's limits, and at most
        // LOOKUPS_AT_ONCE of this resolve's own at a time.
        // (The futures are made first: a closure inside the stream would
        // make this future lose `Send`.)
        let requests: Vec<_> = batches
            .iter()
            .map(|(lookup, nodes)| self.batch(*lookup, nodes))
            .collect();
        let answers: Vec<_> = futures::stream::iter(requests)
            .buffered(LOOKUPS_AT_ONCE)
            .collect()
            .await;
        for ((lookup, nodes), answer) in batches.into_iter().zip(answers) {
            match answer {
                Ok(found) => self.keep(named, nodes, &found),
                Err(error) => resolved.warn(lookup.operation_id(), nodes.len(), &error),
            }
        }
    }

    /// The cached name of `node`, without a request.
    pub fn cached(&self, node: &GraphNode) -> Option<String> {
        self.client
            .shared
            .names
            .get(node)
            .flatten()
            .map(|name| name.to_string())
    }

    /// Records each asked node's name (or that it has none) in the cache
    /// and in `named`; names for ids not asked for are ignored.
    fn keep(
        &self,
        named: &mut HashMap<GraphNode, Arc<str>>,
        nodes: Vec<&GraphNode>,
        found: &HashMap<String, Arc<str>>,
    ) {
        for node in nodes {
            let name = found.get(&node.id().to_string()).cloned();
            self.client.shared.names.insert(node.clone(), name.clone());
            if let Some(name) = name {
                named.insert(node.clone(), name);
            }
        }
    }

    /// One request (or, for the directories, the list's pages) for `nodes`.
    async fn batch(
        &self,
        lookup: Lookup,
        nodes: &[&GraphNode],
    ) -> Result<HashMap<String, Arc<str>>, Error> {
        let ids: Vec<String> = nodes.iter().map(|node| node.id().to_string()).collect();
        let pages = if lookup == Lookup::Directories {
            MAX_DIRECTORY_PAGES
        } else {
            1
        };
        let mut found = HashMap::new();
        for page in 0..pages {
            let skip = page.saturating_mul(CHUNK as u64);
            let records = fetch(
                &self.client,
                lookup,
                Select::Ids(&ids),
                (skip, CHUNK as i64),
            )
            .await?;
            let full = records.len() >= CHUNK;
            found.extend(
                records
                    .into_iter()
                    .filter_map(|record| Some((record.id, Arc::from(record.name?)))),
            );
            if !full {
                break;
            }
        }
        Ok(found)
    }
}

/// Sends one lookup request through the client's request path and reads
/// its records.
pub(crate) async fn fetch(
    client: &Client,
    lookup: Lookup,
    select: Select<'_>,
    page: (u64, i64),
) -> Result<Vec<Record>, Error> {
    fetch_page(client, lookup, select, page)
        .await
        .map(|page| page.records)
}

/// Sends one lookup request through the client's request path and reads
/// it as a page (records, items held, the total it announces).
pub(crate) async fn fetch_page(
    client: &Client,
    lookup: Lookup,
    select: Select<'_>,
    page: (u64, i64),
) -> Result<Page, Error> {
    let options: Checked = RequestOptions::default().check(client)?;
    let org = options.org_header();
    let base_url = if lookup.is_v1() {
        jumpcloud_graph_openapi::directory::v1_base_url(client.base_url())
            .map_err(|error| client.request_error(&error))?
    } else {
        client.base_url().to_owned()
    };
    let request = lookup
        .request(&base_url, select, org.as_deref(), page)
        .map_err(|error| client.request_error(&error))?;
    let (method, path) = lookup.method_and_path();
    let call = Call {
        operation: lookup.operation_id(),
        method,
        path: path.to_owned(),
        // Lookups only read: repeating one is harmless.
        idempotent: true,
        endpoint: crate::credentials::Endpoint::Api,
    };
    let reply = client.execute(&call, request, &options).await?;
    lookup.page(&reply.body).map_err(|cause| {
        let body = body_excerpt(&reply.body, &|text| client.scrub(text));
        let request = Request {
            method,
            path: path.to_owned(),
        };
        Error::decode(request, body, Box::new(cause))
    })
}
