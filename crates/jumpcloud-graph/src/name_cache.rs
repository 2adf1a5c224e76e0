//! The name resolver's cache: what a lookup answered for each node, kept
//! for a while and within a size cap, shared by a client's clones.
//!
//! A leaf so that `client.rs` can hold it without importing the resolver
//! (`names/`), which sits above the transport.
//!
//! Lookups are single-flight: [`NameCache::check_out`] claims the nodes no
//! one is looking up yet, and hands out a waiter for the ones another
//! resolve is looking up, so that concurrent resolves of the same nodes
//! (a review's users share their groups and devices) make one request for
//! them, not one each. A claim ends when its [`Claim`] is dropped (after
//! the lookup, or when the resolve is cancelled), which wakes its waiters.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::watch;
use tokio::time::Instant;

use crate::GraphNode;

/// The default number of nodes the cache keeps.
pub(crate) const DEFAULT_CAPACITY: usize = 10_000;

/// The default time a looked-up name is trusted.
pub(crate) const DEFAULT_TTL: Duration = Duration::from_secs(600);

/// Names by node, bounded: when full, the oldest entries go first; an entry
/// older than the TTL is never answered.
pub(crate) struct NameCache {
    capacity: usize,
    ttl: Duration,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    entries: HashMap<GraphNode, Entry>,
    /// Insertion order, for eviction; an entry re-inserted later leaves a
    /// stale stamp here, skipped when it comes up.
    order: VecDeque<(GraphNode, u64)>,
    next_stamp: u64,
    /// Nodes a resolve is looking up, with what wakes when it is done.
    in_flight: HashMap<GraphNode, watch::Receiver<()>>,
}

/// What [`NameCache::check_out`] found for a node.
pub(crate) enum CheckOut {
    /// Cached: `Some(name)`, or `None` for an object the lookup did not find.
    Cached(Option<Arc<str>>),
    /// Another resolve is looking it up: wait on this, then read the cache.
    Wait(watch::Receiver<()>),
    /// Claimed by the caller, who looks it up.
    Claimed,
}

/// The nodes one resolve has claimed; dropping it releases them and wakes
/// whoever waits for them.
pub(crate) struct Claim<'a> {
    cache: &'a NameCache,
    nodes: Vec<GraphNode>,
    ours: watch::Receiver<()>,
    /// Dropped with the claim: that is what wakes the waiters.
    _done: watch::Sender<()>,
}

impl Drop for Claim<'_> {
    fn drop(&mut self) {
        let mut inner = self.cache.lock();
        for node in &self.nodes {
            if inner
                .in_flight
                .get(node)
                .is_some_and(|waiting| waiting.same_channel(&self.ours))
            {
                inner.in_flight.remove(node);
            }
        }
    }
}

struct Entry {
    /// `None`: the lookup answered, and the object was not among its records.
    name: Option<Arc<str>>,
    stored: Instant,
    stamp: u64,
}

impl NameCache {
    /// A cache of at most `capacity` nodes (0 keeps nothing), each for `ttl`.
    pub(crate) fn new(capacity: usize, ttl: Duration) -> Self {
        Self {
            capacity,
            ttl,
            inner: Mutex::new(Inner::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// For each of `nodes` (distinct, each one a lookup can name), under one
    /// lock: its cached name, a waiter when another resolve is looking it
    /// up, or else a claim for the caller to look it up.
    pub(crate) fn check_out(&self, nodes: &[&GraphNode]) -> (Vec<CheckOut>, Claim<'_>) {
        let (done, ours) = watch::channel(());
        let mut claim = Claim {
            cache: self,
            nodes: Vec::new(),
            ours,
            _done: done,
        };
        let mut inner = self.lock();
        let now = Instant::now();
        let found = nodes
            .iter()
            .map(|node| {
                if let Some(name) = self.known(&mut inner, node, now) {
                    return CheckOut::Cached(name);
                }
                if let Some(waiting) = inner.in_flight.get(*node) {
                    return CheckOut::Wait(waiting.clone());
                }
                inner.in_flight.insert((*node).clone(), claim.ours.clone());
                claim.nodes.push((*node).clone());
                CheckOut::Claimed
            })
            .collect();
        drop(inner);
        (found, claim)
    }

    /// What the cache knows of `node`: `Some(Some(name))`, `Some(None)` for
    /// an object the lookup did not find, `None` when not cached (or expired).
    pub(crate) fn get(&self, node: &GraphNode) -> Option<Option<Arc<str>>> {
        self.get_many(&[node]).pop().flatten()
    }

    /// What the cache knows of each of `nodes`, in order, as
    /// [`get`](Self::get) answers: under one lock, read at one instant.
    pub(crate) fn get_many(&self, nodes: &[&GraphNode]) -> Vec<Option<Option<Arc<str>>>> {
        let mut inner = self.lock();
        let now = Instant::now();
        nodes
            .iter()
            .map(|node| self.known(&mut inner, node, now))
            .collect()
    }

    /// What `inner` knows of `node` at `now` (an expired entry is dropped).
    fn known(&self, inner: &mut Inner, node: &GraphNode, now: Instant) -> Option<Option<Arc<str>>> {
        let entry = inner.entries.get(node)?;
        if now.saturating_duration_since(entry.stored) >= self.ttl {
            inner.entries.remove(node);
            return None;
        }
        Some(entry.name.clone())
    }

    /// Keeps what a lookup answered for `node`.
    pub(crate) fn insert(&self, node: GraphNode, name: Option<Arc<str>>) {
        if self.capacity == 0 || self.ttl.is_zero() {
            return;
        }
        let mut inner = self.lock();
        let stamp = inner.next_stamp;
        inner.next_stamp = stamp.wrapping_add(1);
        inner.order.push_back((node.clone(), stamp));
        let stored = Instant::now();
        inner.entries.insert(
            node,
            Entry {
                name,
                stored,
                stamp,
            },
        );
        while inner.entries.len() > self.capacity {
            let Some((oldest, stamp)) = inner.order.pop_front() else {
                break;
            };
            if inner.entries.get(&oldest).is_some_and(|e| e.stamp == stamp) {
                inner.entries.remove(&oldest);
            }
        }
        // Re-inserted nodes leave stale stamps; keep the queue within twice
        // the cap so it cannot grow without bound.
        if inner.order.len() > self.capacity.saturating_mul(2) {
            let Inner { entries, order, .. } = &mut *inner;
            order.retain(|(node, stamp)| entries.get(node).is_some_and(|e| e.stamp == *stamp));
        }
    }

    /// How many nodes are cached (expired ones included until read).
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entries
            .len()
    }
}

impl std::fmt::Debug for NameCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NameCache")
            .field("capacity", &self.capacity)
            .field("ttl", &self.ttl)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::GraphType;

    fn node(i: u32) -> GraphNode {
        GraphNode::new(
            crate::NodeId::from_server(&format!("{i:024x}")),
            GraphType::System,
        )
    }

    #[tokio::test]
    async fn a_node_is_claimed_once_and_its_waiters_wake_when_the_claim_ends() {
        let cache = NameCache::new(10, Duration::from_secs(60));
        cache.insert(node(1), Some("one".into()));
        let (a, b) = (node(1), node(2));
        let (first, claim) = cache.check_out(&[&a, &b]);
        assert!(matches!(first[0], CheckOut::Cached(Some(ref name)) if &**name == "one"));
        assert!(matches!(first[1], CheckOut::Claimed));
        let (second, other) = cache.check_out(&[&b]);
        let Some(CheckOut::Wait(mut done)) = second.into_iter().next() else {
            panic!("node 2 is being looked up");
        };
        drop(other);
        cache.insert(node(2), None);
        drop(claim);
        assert!(done.changed().await.is_err(), "woken by the claim's end");
        let (third, _claim) = cache.check_out(&[&b]);
        assert!(matches!(third[0], CheckOut::Cached(None)));
        // A claim that ends without an answer leaves the node to claim again.
        let c = node(3);
        drop(cache.check_out(&[&c]).1);
        assert!(matches!(cache.check_out(&[&c]).0[0], CheckOut::Claimed));
    }

    #[tokio::test(start_paused = true)]
    async fn the_cache_keeps_at_most_its_capacity_and_forgets_after_the_ttl() {
        let cache = NameCache::new(3, Duration::from_secs(60));
        for i in 0..10 {
            cache.insert(node(i), Some(format!("n{i}").into()));
            // Re-inserting the same node must not grow the queue forever.
            cache.insert(node(i), Some(format!("n{i}").into()));
        }
        assert_eq!(cache.len(), 3);
        assert!(cache.get(&node(0)).is_none(), "the oldest went first");
        assert_eq!(cache.get(&node(9)), Some(Some("n9".into())));
        tokio::time::advance(Duration::from_secs(60)).await;
        assert!(cache.get(&node(9)).is_none(), "expired");
        let inner = cache.inner.lock().unwrap();
        assert!(inner.order.len() <= 6, "{}", inner.order.len());
    }

    #[test]
    fn a_cache_of_zero_keeps_nothing() {
        let cache = NameCache::new(0, Duration::from_secs(60));
        cache.insert(node(1), None);
        assert!(cache.get(&node(1)).is_none());
    }
}
