//! The live graph: the orgs a running sandbox serves, as the API's writes
//! leave them, what traversals see of them (the same orgs, or under
//! association lag an older copy: see `lag.rs`), and the traversal cache
//! their reads share. The only way to change an org is
//! [`LiveGraph::write`], which forgets the cached traversals of an org
//! whenever what traversals see of it changes; that is what keeps the cache
//! honest.

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
    /// Every write made.
    fixture: Fixture,
    /// How long a write takes to show in traversals.
    lag: Duration,
    /// What traversals see while writes are pending; `None` when they see
    /// `fixture`.
    lagged: Option<Lagged>,
    cache: TraversalCache,
}

impl LiveGraph {
    pub(crate) fn new(fixture: Fixture, cache: bool) -> Self {
        LiveGraph {
            fixture,
            lag: Duration::ZERO,
            lagged: None,
            cache: TraversalCache::new(cache),
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
            self.cache.forget_org(org_id);
            let org = self
                .fixture
                .org_mut(org_id)
                .ok_or_else(|| org_not_found(org_id))?;
            return write.apply(org).map_err(refused);
        }
        // Traversals keep seeing the orgs before this write.
        let before = match self.lagged.take() {
            Some(lagged) => lagged,
            None => Lagged::new(self.fixture.clone()),
        };
        let lagged = self.lagged.insert(before);
        let org = self
            .fixture
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
        }
        if lagged.is_settled() {
            // Both copies are equal now: the cached traversals still hold.
            self.lagged = None;
        }
    }

    /// Everything of the traversal's kinds that the user reaches, ordered by
    /// id, as traversals see the org now: from the cache or computed (and
    /// cached).
    pub(crate) fn traversal(
        &mut self,
        org_id: &str,
        user_id: &str,
        traversal: Traversal,
    ) -> Result<Traversed, ApiError> {
        self.catch_up(Instant::now());
        if let Some(hit) = self.cache.get(org_id, user_id, traversal) {
            return Ok(hit);
        }
        let seen = self.lagged.as_ref().map_or(&self.fixture, Lagged::visible);
        let org = seen.org(org_id).ok_or_else(|| org_not_found(org_id))?;
        let user = user(org, user_id)?;
        let items = graph::traverse(org, user, traversal)
            .iter()
            .map(|reached| {
                let json = serde_json::to_vec(&GraphObjectWithPaths::from(reached))
                    .map_err(|e| ApiError::internal(format!("cannot serialize a result: {e}")))?;
                Ok(CachedItem {
                    object: reached.object.clone(),
                    json: json.into_boxed_slice(),
                })
            })
            .collect::<Result<Arc<[CachedItem]>, ApiError>>()?;
        self.cache.insert(org_id, user_id, traversal, &items);
        Ok(items)
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
