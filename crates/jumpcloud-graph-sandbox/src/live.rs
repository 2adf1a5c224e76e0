//! The live graph: the orgs a running sandbox serves, as the API's writes
//! leave them, what traversals see of them (the same orgs, or under
//! association lag an older copy: see `lag.rs`), and the traversal cache
//! their reads share. The only way to change an org is
//! [`LiveGraph::write`], which forgets the cached traversals of an org
//! whenever what traversals see of it changes; that is what keeps the cache
//! honest.
//!
//! A traversal is computed outside the server's lock: [`LiveGraph::read`]
//! answers from the cache or hands out a [`Snapshot`] of the org as
//! traversals see it, which the caller computes from without blocking
//! other requests, then offers back with [`LiveGraph::keep`]. A result
//! computed from an org that has changed since is answered but not kept.

use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use crate::cache::{CachedItem, TraversalCache, Traversed};
use crate::errors::ApiError;
use crate::fixture::Fixture;
use crate::graph::{self, Traversal};
use crate::lag::{EdgeWrite, Lagged};
use crate::model::{EdgeError, Kind, Object, Org};
use crate::wire::GraphObjectWithPaths;

/// See the module docs.
#[derive(Debug)]
pub(crate) struct LiveGraph {
    /// Every write made (shared with the computations running outside the
    /// lock, copied on a write only while one runs).
    fixture: Arc<Fixture>,
    /// How long a write takes to show in traversals.
    lag: Duration,
    /// What traversals see while writes are pending; `None` when they see
    /// `fixture`.
    lagged: Option<Lagged>,
    cache: TraversalCache,
    /// Counts the changes to what traversals see: a computation from an
    /// older snapshot is not kept.
    generation: u64,
}

/// What a traversal read gets under the lock.
#[derive(Debug)]
pub(crate) enum Read {
    /// The cached result.
    Cached(Traversed),
    /// Not cached: compute it from this, outside the lock.
    Compute(Snapshot),
}

/// The orgs as traversals saw them when a traversal was asked for.
#[derive(Debug)]
pub(crate) struct Snapshot {
    orgs: Arc<Fixture>,
    org_id: String,
    user_id: String,
    traversal: Traversal,
    generation: u64,
}

impl Snapshot {
    /// Everything of the traversal's kinds that the user reaches, ordered
    /// by id, each item serialized.
    pub(crate) fn compute(&self) -> Result<Traversed, ApiError> {
        let org = self
            .orgs
            .org(&self.org_id)
            .ok_or_else(|| org_not_found(&self.org_id))?;
        let user = user(org, &self.user_id)?;
        graph::traverse(org, user, self.traversal)
            .iter()
            .map(|reached| {
                let json = serde_json::to_vec(&GraphObjectWithPaths::from(reached))
                    .map_err(|e| ApiError::internal(format!("cannot serialize a result: {e}")))?;
                Ok(CachedItem {
                    object: reached.object.clone(),
                    json: json.into_boxed_slice(),
                })
            })
            .collect()
    }
}

impl LiveGraph {
    pub(crate) fn new(fixture: Fixture, cache: bool) -> Self {
        LiveGraph {
            fixture: Arc::new(fixture),
            lag: Duration::ZERO,
            lagged: None,
            cache: TraversalCache::new(cache),
            generation: 0,
        }
    }

    /// Writes from now on show in traversals `lag` after they are made
    /// (and after every earlier write); pending writes keep their time.
    pub(crate) fn set_association_lag(&mut self, lag: Duration) {
        self.lag = lag;
    }

    /// The orgs and credentials, as writes leave them (every write made,
    /// whether traversals show it yet or not).
    pub(crate) fn fixture(&self) -> &Fixture {
        &self.fixture
    }

    /// The org a request acts in, with every write made. Authorization
    /// checked that it exists; orgs are never removed, so this only fails
    /// if that changes.
    pub(crate) fn org(&self, org_id: &str) -> Result<&Org, ApiError> {
        self.fixture
            .org(org_id)
            .ok_or_else(|| org_not_found(org_id))
    }

    /// Makes one write in the org with this id; `refused` says why an edge
    /// cannot change. Without lag, traversals show it at once (the org's
    /// cached traversals are forgotten); with lag, once it is due.
    pub(crate) fn write(
        &mut self,
        org_id: &str,
        write: EdgeWrite,
        refused: impl FnOnce(EdgeError) -> ApiError,
    ) -> Result<(), ApiError> {
        let now = Instant::now();
        self.catch_up(now);
        if self.lag.is_zero() && self.lagged.is_none() {
            self.forget(org_id);
            let org = Arc::make_mut(&mut self.fixture)
                .org_mut(org_id)
                .ok_or_else(|| org_not_found(org_id))?;
            return write.apply(org).map_err(refused);
        }
        // Traversals keep seeing the orgs before this write.
        let before = match self.lagged.take() {
            Some(lagged) => lagged,
            None => Lagged::new(Arc::clone(&self.fixture)),
        };
        let lagged = self.lagged.insert(before);
        let org = Arc::make_mut(&mut self.fixture)
            .org_mut(org_id)
            .ok_or_else(|| org_not_found(org_id))?;
        write.apply(org).map_err(refused)?;
        let due = now.checked_add(self.lag).unwrap_or(now);
        lagged.push(due, org_id, write);
        Ok(())
    }

    /// Shows the writes that are due, forgetting the cached traversals of
    /// the orgs they change.
    fn catch_up(&mut self, now: Instant) {
        let Some(lagged) = &mut self.lagged else {
            return;
        };
        for org_id in lagged.catch_up(now) {
            self.cache.forget_org(&org_id);
            self.generation = self.generation.wrapping_add(1);
        }
        if lagged.is_settled() {
            // Both copies are equal now: the cached traversals still hold.
            self.lagged = None;
        }
    }

    /// Forgets what traversals saw of the org with this id.
    fn forget(&mut self, org_id: &str) {
        self.cache.forget_org(org_id);
        self.generation = self.generation.wrapping_add(1);
    }

    /// A traversal as traversals see the org now: the cached result, or a
    /// snapshot to compute it from (then offered to [`keep`](Self::keep)).
    pub(crate) fn read(
        &mut self,
        org_id: &str,
        user_id: &str,
        traversal: Traversal,
    ) -> Result<Read, ApiError> {
        self.catch_up(Instant::now());
        if let Some(hit) = self.cache.get(org_id, user_id, traversal) {
            return Ok(Read::Cached(hit));
        }
        let seen = self.lagged.as_ref().map_or(&self.fixture, Lagged::visible);
        if seen.org(org_id).is_none() {
            return Err(org_not_found(org_id));
        }
        Ok(Read::Compute(Snapshot {
            orgs: Arc::clone(seen),
            org_id: org_id.to_owned(),
            user_id: user_id.to_owned(),
            traversal,
            generation: self.generation,
        }))
    }

    /// Caches a result computed from `snapshot`, unless what traversals
    /// see has changed since.
    pub(crate) fn keep(&mut self, snapshot: &Snapshot, items: &Traversed) {
        if snapshot.generation == self.generation {
            self.cache.insert(
                &snapshot.org_id,
                &snapshot.user_id,
                snapshot.traversal,
                items,
            );
        }
    }

    /// [`read`](Self::read), computed and [kept](Self::keep) at once.
    #[cfg(test)]
    pub(crate) fn traversal(
        &mut self,
        org_id: &str,
        user_id: &str,
        traversal: Traversal,
    ) -> Result<Traversed, ApiError> {
        match self.read(org_id, user_id, traversal)? {
            Read::Cached(items) => Ok(items),
            Read::Compute(snapshot) => {
                let items = snapshot.compute()?;
                self.keep(&snapshot, &items);
                Ok(items)
            }
        }
    }

    #[cfg(test)]
    pub(crate) fn cached_traversals(&self) -> usize {
        self.cache.len()
    }
}

fn org_not_found(org_id: &str) -> ApiError {
    ApiError::not_found(format!("organization {org_id} not found"))
}

/// The user with this id (ids only: request paths carry ids).
pub(crate) fn user<'a>(org: &'a Org, user_id: &str) -> Result<&'a Object, ApiError> {
    org.object_by_id(user_id)
        .filter(|object| object.kind() == Kind::User)
        .ok_or_else(|| ApiError::not_found(format!("user {user_id} not found")))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACME: &str = "650000000000000000000001";

    fn ids(items: &Traversed) -> Vec<&str> {
        items.iter().map(|item| item.object.id()).collect()
    }

    fn remove(from: &str, to: &str) -> EdgeWrite {
        EdgeWrite::Remove {
            from: from.to_owned(),
            to: to.to_owned(),
        }
    }

    fn refused(error: EdgeError) -> ApiError {
        ApiError::bad_request(error.to_string())
    }

    /// How many paths a traversal result shows to `id` (0 when not listed).
    fn paths_to(items: &Traversed, id: &str) -> usize {
        items
            .iter()
            .find(|item| item.object.id() == id)
            .map_or(0, |item| {
                let json: serde_json::Value =
                    serde_json::from_slice(&item.json).expect("the cached JSON");
                json["paths"].as_array().map_or(0, Vec::len)
            })
    }

    #[tokio::test(start_paused = true)]
    async fn under_lag_a_write_shows_in_traversals_once_due() {
        let fixture = Fixture::demo();
        let ada = fixture["acme"].id_of("ada").to_owned();
        let web = fixture["acme"].id_of("web-01").to_owned();
        let mut live = LiveGraph::new(fixture, true);
        live.set_association_lag(Duration::from_secs(3));
        let before = live.traversal(ACME, &ada, Traversal::Systems).expect("ada");
        assert_eq!(paths_to(&before, &web), 3);

        live.write(ACME, remove(&ada, &web), refused)
            .expect("removed");
        // Writes and association lists see it at once ...
        assert_eq!(
            live.org(ACME).expect("acme").edge_attributes(&ada, &web),
            None
        );
        live.write(ACME, remove(&ada, &web), refused)
            .expect_err("already gone: the second removal is refused");
        // ... traversals only once it is due.
        tokio::time::advance(Duration::from_millis(2999)).await;
        let lagging = live.traversal(ACME, &ada, Traversal::Systems).expect("ada");
        assert!(Arc::ptr_eq(&before, &lagging), "still the cached result");
        tokio::time::advance(Duration::from_millis(1)).await;
        let after = live.traversal(ACME, &ada, Traversal::Systems).expect("ada");
        assert_eq!(paths_to(&after, &web), 2);
        assert!(live.lagged.is_none(), "the copy is dropped once settled");
    }

    #[tokio::test(start_paused = true)]
    async fn lagged_writes_show_in_the_order_they_were_made() {
        let fixture = Fixture::demo();
        let ada = fixture["acme"].id_of("ada").to_owned();
        let web = fixture["acme"].id_of("web-01").to_owned();
        let mac = fixture["acme"].id_of("ada-macbook").to_owned();
        let mut live = LiveGraph::new(fixture, true);
        live.set_association_lag(Duration::from_secs(10));
        live.write(ACME, remove(&ada, &web), refused)
            .expect("removed");
        // A write made without lag still waits for the earlier one.
        live.set_association_lag(Duration::ZERO);
        live.write(ACME, remove(&ada, &mac), refused)
            .expect("removed");
        let now = live.traversal(ACME, &ada, Traversal::Systems).expect("ada");
        assert_eq!((paths_to(&now, &web), paths_to(&now, &mac)), (3, 2));
        tokio::time::advance(Duration::from_secs(10)).await;
        let later = live.traversal(ACME, &ada, Traversal::Systems).expect("ada");
        assert_eq!((paths_to(&later, &web), paths_to(&later, &mac)), (2, 1));
    }

    #[test]
    fn a_second_read_comes_from_the_cache_and_a_write_forgets_it() {
        let fixture = Fixture::demo();
        let ada = fixture["acme"].id_of("ada").to_owned();
        let db = fixture["acme"].id_of("db-01").to_owned();
        let mut live = LiveGraph::new(fixture, true);
        let first = live.traversal(ACME, &ada, Traversal::Systems).expect("ada");
        let second = live.traversal(ACME, &ada, Traversal::Systems).expect("ada");
        assert!(Arc::ptr_eq(&first, &second));
        assert_eq!(live.cached_traversals(), 1);

        live.write(ACME, remove(&ada, &db), refused)
            .expect_err("ada reaches db-01 only through groups");
        assert_eq!(live.cached_traversals(), 0);
        let third = live.traversal(ACME, &ada, Traversal::Systems).expect("ada");
        assert!(!Arc::ptr_eq(&first, &third));
        assert_eq!(ids(&first), ids(&third));
    }

    #[test]
    fn a_result_computed_before_a_write_is_answered_but_not_kept() {
        let fixture = Fixture::demo();
        let ada = fixture["acme"].id_of("ada").to_owned();
        let web = fixture["acme"].id_of("web-01").to_owned();
        let mut live = LiveGraph::new(fixture, true);
        let Ok(Read::Compute(snapshot)) = live.read(ACME, &ada, Traversal::Systems) else {
            panic!("nothing is cached yet");
        };
        // A write lands while the read computes outside the lock.
        live.write(ACME, remove(&ada, &web), refused)
            .expect("removed");
        let stale = snapshot.compute().expect("ada");
        assert_eq!(paths_to(&stale, &web), 3, "the org as the read saw it");
        live.keep(&snapshot, &stale);
        assert_eq!(live.cached_traversals(), 0);
        let fresh = live.traversal(ACME, &ada, Traversal::Systems).expect("ada");
        assert_eq!(paths_to(&fresh, &web), 2);
        assert_eq!(live.cached_traversals(), 1);
    }

    #[test]
    fn a_disabled_cache_recomputes_every_read() {
        let fixture = Fixture::demo();
        let ada = fixture["acme"].id_of("ada").to_owned();
        let mut live = LiveGraph::new(fixture, false);
        let first = live.traversal(ACME, &ada, Traversal::Systems).expect("ada");
        let second = live.traversal(ACME, &ada, Traversal::Systems).expect("ada");
        assert!(!Arc::ptr_eq(&first, &second));
        assert_eq!(live.cached_traversals(), 0);
    }

    #[test]
    fn an_unknown_user_is_404_and_not_cached() {
        let mut live = LiveGraph::new(Fixture::demo(), true);
        let missing = live.traversal(ACME, "651000000000000000000999", Traversal::Systems);
        assert!(missing.is_err());
        assert_eq!(live.cached_traversals(), 0);
    }
}
