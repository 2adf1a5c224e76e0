//! The traversal cache. A traversal walks every path from a user, which for
//! a user bound to 10,000 systems takes milliseconds; a client reads it as
//! 100 pages. The cache keeps each (org, user, traversal)'s result, already
//! serialized item by item, so that every page after the first is a slice.
//!
//! Entries are only ever dropped, never patched: [`LiveGraph`](crate::live)
//! forgets every entry of an org before it hands out that org to change, so
//! no write can leave a stale one. The cache is bounded by the bytes it
//! holds; the oldest entries go first.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use crate::graph::Traversal;
use crate::model::Object;

/// The most the cache holds, counting each item's JSON and a rough
/// allowance for the object beside it.
const MAX_BYTES: usize = 64 << 20;
/// The rough size of an item apart from its JSON.
const ITEM_OVERHEAD: usize = 256;

/// One object a traversal reached: the object (for `filter` and `sort`)
/// and its `GraphObjectWithPaths` as JSON.
#[derive(Debug)]
pub(crate) struct CachedItem {
    pub(crate) object: Object,
    pub(crate) json: Box<[u8]>,
}

/// A traversal's result, ordered by object id.
pub(crate) type Traversed = Arc<[CachedItem]>;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Key {
    org: String,
    user: String,
    traversal: Traversal,
}

/// Traversal results by (org, user, traversal); see the module docs.
#[derive(Debug)]
pub(crate) struct TraversalCache {
    enabled: bool,
    entries: HashMap<Key, (Traversed, usize)>,
    /// Keys in insertion order, for evicting the oldest first.
    order: VecDeque<Key>,
    bytes: usize,
}

impl TraversalCache {
    /// A cache; a disabled one stores nothing (every read recomputes).
    pub(crate) fn new(enabled: bool) -> Self {
        TraversalCache {
            enabled,
            entries: HashMap::new(),
            order: VecDeque::new(),
            bytes: 0,
        }
    }

    pub(crate) fn get(&self, org: &str, user: &str, traversal: Traversal) -> Option<Traversed> {
        if !self.enabled || self.entries.is_empty() {
            return None;
        }
        let key = Key {
            org: org.to_owned(),
            user: user.to_owned(),
            traversal,
        };
        self.entries.get(&key).map(|(items, _)| Arc::clone(items))
    }

    pub(crate) fn insert(
        &mut self,
        org: &str,
        user: &str,
        traversal: Traversal,
        items: &Traversed,
    ) {
        let size = items
            .iter()
            .map(|item| item.json.len().saturating_add(ITEM_OVERHEAD))
            .fold(0usize, usize::saturating_add);
        if !self.enabled || size > MAX_BYTES {
            return;
        }
        while self.bytes.saturating_add(size) > MAX_BYTES {
            let Some(oldest) = self.order.pop_front() else {
                break;
            };
            if let Some((_, freed)) = self.entries.remove(&oldest) {
                self.bytes -= freed;
            }
        }
        let key = Key {
            org: org.to_owned(),
            user: user.to_owned(),
            traversal,
        };
        if let Some((_, replaced)) = self.entries.insert(key.clone(), (Arc::clone(items), size)) {
            self.bytes -= replaced;
            self.order.retain(|k| k != &key);
        }
        self.order.push_back(key);
        self.bytes += size;
    }

    /// Forgets every entry of one org.
    pub(crate) fn forget_org(&mut self, org: &str) {
        if self.entries.is_empty() {
            return;
        }
        self.entries.retain(|key, _| key.org != org);
        self.order.retain(|key| key.org != org);
        self.bytes = self.entries.values().map(|(_, size)| size).sum();
    }

    /// How many traversals are cached.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }
}
