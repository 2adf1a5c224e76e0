//! The live graph: the orgs a running sandbox serves, as the API's writes
//! leave them, and the traversal cache their reads share. The only way to
//! change an org is [`LiveGraph::org_mut`], which forgets the org's cached
//! traversals first; that is what keeps the cache honest.

use std::sync::Arc;

use crate::cache::{CachedItem, TraversalCache, Traversed};
use crate::errors::ApiError;
use crate::fixture::Fixture;
use crate::graph::{self, Traversal};
use crate::model::{Kind, Object, Org};
use crate::wire::GraphObjectWithPaths;

/// See the module docs.
#[derive(Debug)]
pub(crate) struct LiveGraph {
    fixture: Fixture,
    cache: TraversalCache,
}

impl LiveGraph {
    pub(crate) fn new(fixture: Fixture, cache: bool) -> Self {
        LiveGraph {
            fixture,
            cache: TraversalCache::new(cache),
        }
    }

    /// The orgs and credentials, as writes leave them.
    pub(crate) fn fixture(&self) -> &Fixture {
        &self.fixture
    }

    /// The org a request acts in. Authorization checked that it exists;
    /// orgs are never removed, so this only fails if that changes.
    pub(crate) fn org(&self, org_id: &str) -> Result<&Org, ApiError> {
        self.fixture
            .org(org_id)
            .ok_or_else(|| ApiError::not_found(format!("organization {org_id} not found")))
    }

    /// The org with this id, to change: its cached traversals are forgotten
    /// first, whatever the caller then changes.
    pub(crate) fn org_mut(&mut self, org_id: &str) -> Result<&mut Org, ApiError> {
        self.cache.forget_org(org_id);
        self.fixture
            .org_mut(org_id)
            .ok_or_else(|| ApiError::not_found(format!("organization {org_id} not found")))
    }

    /// Everything of the traversal's kinds that the user reaches, ordered by
    /// id, from the cache or computed (and cached).
    pub(crate) fn traversal(
        &mut self,
        org_id: &str,
        user_id: &str,
        traversal: Traversal,
    ) -> Result<Traversed, ApiError> {
        if let Some(hit) = self.cache.get(org_id, user_id, traversal) {
            return Ok(hit);
        }
        let org = self.org(org_id)?;
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

        live.org_mut(ACME)
            .expect("acme")
            .remove_edge(&ada, &db)
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
