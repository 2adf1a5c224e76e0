//! Connection slots, and which connection gives its slot up when they run
//! out.
//!
//! At most `max_connections` connections are served at once. When every
//! slot is taken and another connection arrives, the connection that has
//! waited longest for a request (idle between requests, or still sending a
//! request's head or body) is closed without an answer, and its slot goes
//! to the newcomer. A connection whose request is being answered is never
//! closed this way: when every slot is answering, the newcomer waits until
//! one closes or starts waiting for a request again.
//!
//! Why this rather than the alternatives: a per-peer cap would cap a test's
//! own parallel clients, which all come from 127.0.0.1; a shorter head
//! timeout under pressure still lets a flood larger than the slots hold
//! them in turn (10,000 slow clients take 40 rounds of 256 slots). Taking
//! the longest-waiting slot costs a flood its slots as fast as new
//! connections arrive, and costs nothing while slots are free.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore};

use crate::state::lock;

/// Every slot, and which connections wait for a request, oldest first.
pub(crate) struct Slots {
    permits: Arc<Semaphore>,
    book: Mutex<Book>,
    /// Woken when a connection starts waiting for a request again: a
    /// newcomer that found every slot answering may then take its slot.
    waiting_again: Notify,
}

/// The bookkeeping behind [`Slots`], under one lock.
#[derive(Default)]
struct Book {
    /// Numbers connections and the moments they start waiting.
    next: u64,
    /// The connections waiting for a request, by when they started waiting.
    waiting: BTreeMap<u64, u64>,
    /// Every connection holding a slot, by its number.
    connections: HashMap<u64, Entry>,
}

struct Entry {
    /// Its key in [`Book::waiting`], while it waits for a request.
    waiting_since: Option<u64>,
    /// Requests being answered: one, or briefly two while the next request
    /// arrives as the previous answer's body ends.
    answering: usize,
    /// It was asked to close, to give its slot to a newcomer.
    evicted: bool,
    signal: Arc<Notify>,
}

impl Book {
    fn tick(&mut self) -> u64 {
        self.next += 1;
        self.next
    }

    fn start_waiting(&mut self, id: u64) {
        let since = self.tick();
        if let Some(entry) = self.connections.get_mut(&id) {
            entry.waiting_since = Some(since);
            self.waiting.insert(since, id);
        }
    }
}

impl Slots {
    /// `max` slots, all free.
    pub(crate) fn new(max: usize) -> Arc<Slots> {
        Arc::new(Slots {
            permits: Arc::new(Semaphore::new(max)),
            book: Mutex::new(Book::default()),
            waiting_again: Notify::new(),
        })
    }

    /// A slot for a new connection: a free one; else the one of the
    /// connection that has waited longest for a request, once that one has
    /// closed; else the first slot that frees up. Cancel-safe.
    pub(crate) async fn take(self: &Arc<Self>) -> Slot {
        loop {
            if let Ok(permit) = Arc::clone(&self.permits).try_acquire_owned() {
                return self.register(permit);
            }
            // Listen before looking, so that a connection that starts
            // waiting in between is not missed.
            let waiting_again = self.waiting_again.notified();
            let mut waiting_again = std::pin::pin!(waiting_again);
            waiting_again.as_mut().enable();
            let evicted = self.evict_longest_waiting();
            tokio::select! {
                permit = Arc::clone(&self.permits).acquire_owned() => match permit {
                    Ok(permit) => return self.register(permit),
                    // The semaphore is never closed.
                    Err(_) => std::future::pending().await,
                },
                () = waiting_again, if !evicted => {}
            }
        }
    }

    fn register(self: &Arc<Self>, permit: OwnedSemaphorePermit) -> Slot {
        let signal = Arc::new(Notify::new());
        let mut book = lock(&self.book);
        let id = book.tick();
        book.connections.insert(
            id,
            Entry {
                waiting_since: None,
                answering: 0,
                evicted: false,
                signal: Arc::clone(&signal),
            },
        );
        book.start_waiting(id);
        Slot {
            slots: Arc::clone(self),
            id,
            signal,
            _permit: permit,
        }
    }

    /// Asks the connection that has waited longest for a request to close;
    /// false when every connection is answering one.
    fn evict_longest_waiting(&self) -> bool {
        let mut book = lock(&self.book);
        let Some((_, id)) = book.waiting.pop_first() else {
            return false;
        };
        if let Some(entry) = book.connections.get_mut(&id) {
            entry.waiting_since = None;
            entry.evicted = true;
            entry.signal.notify_one();
        }
        true
    }
}

/// A connection's slot, held until it is dropped.
pub(crate) struct Slot {
    slots: Arc<Slots>,
    id: u64,
    signal: Arc<Notify>,
    _permit: OwnedSemaphorePermit,
}

impl Slot {
    /// Resolves when the connection must close to give its slot up.
    pub(crate) async fn evicted(&self) {
        self.signal.notified().await;
    }

    /// Marks a request as being answered (the connection keeps its slot
    /// until [`Slot::end_answer`]); false when the connection is already
    /// giving its slot up, and the request must not be answered.
    pub(crate) fn begin_answer(&self) -> bool {
        let mut book = lock(&self.slots.book);
        let book = &mut *book;
        let Some(entry) = book.connections.get_mut(&self.id) else {
            return false;
        };
        if entry.evicted {
            return false;
        }
        entry.answering += 1;
        if let Some(since) = entry.waiting_since.take() {
            book.waiting.remove(&since);
        }
        true
    }

    /// Ends what [`Slot::begin_answer`] began: with no other answer under
    /// way, the connection waits for a request again.
    pub(crate) fn end_answer(&self) {
        let mut book = lock(&self.slots.book);
        let Some(entry) = book.connections.get_mut(&self.id) else {
            return;
        };
        entry.answering = entry.answering.saturating_sub(1);
        if entry.answering > 0 || entry.evicted {
            return;
        }
        book.start_waiting(self.id);
        drop(book);
        self.slots.waiting_again.notify_waiters();
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut book = lock(&self.slots.book);
        if let Some(entry) = book.connections.remove(&self.id)
            && let Some(since) = entry.waiting_since
        {
            book.waiting.remove(&since);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_newcomer_takes_the_slot_of_the_longest_waiting_connection() {
        let slots = Slots::new(2);
        let first = slots.take().await;
        let second = slots.take().await;
        assert!(second.begin_answer());
        // The first waits for a request, the second answers one: the first
        // is asked to close, and its slot goes once it has.
        let newcomer = {
            let slots = Arc::clone(&slots);
            tokio::spawn(async move { slots.take().await })
        };
        first.evicted().await;
        assert!(
            !first.begin_answer(),
            "an evicted connection answers nothing"
        );
        drop(first);
        let third = newcomer.await.expect("a slot");
        // The second ends its answer and waits again: the third has waited
        // for a request longer, so it goes next.
        second.end_answer();
        let fourth = {
            let slots = Arc::clone(&slots);
            tokio::spawn(async move { slots.take().await })
        };
        third.evicted().await;
        drop(third);
        drop(fourth.await.expect("a slot"));
        drop(second);
    }

    #[tokio::test]
    async fn a_newcomer_waits_while_every_slot_answers_until_one_waits_again() {
        let slots = Slots::new(1);
        let only = slots.take().await;
        assert!(only.begin_answer());
        let newcomer = {
            let slots = Arc::clone(&slots);
            tokio::spawn(async move { slots.take().await })
        };
        tokio::task::yield_now().await;
        assert!(!newcomer.is_finished());
        only.end_answer();
        only.evicted().await;
        drop(only);
        drop(newcomer.await.expect("a slot"));
    }
}
