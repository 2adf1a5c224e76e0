//! Client-side limits on request rate and on requests in flight, shared by
//! every clone of a client.

use std::num::NonZeroU32;
use std::sync::Arc;

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The limits one client (and its clones) observes.
#[derive(Clone, Default)]
pub(crate) struct Limits {
    rate: Option<Arc<DefaultDirectRateLimiter>>,
    in_flight: Option<Arc<Semaphore>>,
    per_second: Option<NonZeroU32>,
    max_in_flight: Option<usize>,
}

impl Limits {
    pub(crate) fn new(per_second: Option<NonZeroU32>, max_in_flight: Option<usize>) -> Self {
        Self {
            rate: per_second.map(|n| Arc::new(RateLimiter::direct(Quota::per_second(n)))),
            in_flight: max_in_flight.map(|n| Arc::new(Semaphore::new(n))),
            per_second,
            max_in_flight,
        }
    }

    /// Waits for a slot (first a place among the requests in flight, then a
    /// token of the rate), and returns the place, released when dropped.
    pub(crate) async fn acquire(&self) -> Option<OwnedSemaphorePermit> {
        let permit = match &self.in_flight {
            // The semaphore is never closed, so acquiring cannot fail.
            Some(slots) => slots.clone().acquire_owned().await.ok(),
            None => None,
        };
        if let Some(rate) = &self.rate {
            rate.until_ready().await;
        }
        permit
    }
}

impl std::fmt::Debug for Limits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Limits")
            .field("per_second", &self.per_second)
            .field("max_in_flight", &self.max_in_flight)
            .finish()
    }
}
