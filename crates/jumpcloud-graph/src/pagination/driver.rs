//! Moving pages: up to `prefetch` page requests in flight, results taken in
//! request order and handed to the [`Cursor`].
//!
//! With pages fetched ahead, each page request runs as its own Tokio task,
//! so the pages ahead keep arriving while the caller works through the
//! current one; with `prefetch(1)` the stream polls its one request itself.
//! Requests are cancelled (their connections closed) when the cursor
//! reschedules or the stream is dropped. At most `prefetch` pages are in flight or waiting,
//! so memory stays at `prefetch` pages whatever the list's length. Every
//! request still goes through the client's limits (`max_in_flight`,
//! `rate_limit`) and retry policy.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use futures::future::BoxFuture;
use futures::stream::Stream;
use tokio::task::JoinHandle;

use super::cursor::{Cursor, Keyed, Verdict};
use super::{Page, RawPage};
use crate::Error;

/// Fetches the page at `skip` with `limit` items.
pub(crate) type Fetch<T> =
    Arc<dyn Fn(u64, u32) -> BoxFuture<'static, Result<RawPage<T>, Error>> + Send + Sync>;

/// A page request in flight; cancelled when dropped.
struct InFlight<T> {
    skip: u64,
    task: Task<T>,
}

/// How a page request runs: as its own task when pages are fetched ahead
/// (so it progresses while the caller works), or polled by the stream
/// itself when one page at a time is asked for (no task to hand over).
enum Task<T> {
    Spawned(JoinHandle<Result<RawPage<T>, Error>>),
    Inline(BoxFuture<'static, Result<RawPage<T>, Error>>),
}

impl<T> Drop for InFlight<T> {
    fn drop(&mut self) {
        if let Task::Spawned(handle) = &self.task {
            handle.abort();
        }
    }
}

impl<T> InFlight<T> {
    fn poll(&mut self, cx: &mut Context<'_>) -> Poll<Result<RawPage<T>, Error>> {
        match &mut self.task {
            Task::Inline(future) => future.as_mut().poll(cx),
            Task::Spawned(handle) => Pin::new(handle).poll(cx).map(|outcome| {
                // A join error is a panic in the task (a bug) or an abort
                // (never while queued).
                outcome.unwrap_or_else(|join| {
                    Err(Error::invalid(
                        "page request",
                        format!("the page request task failed: {join}"),
                    ))
                })
            }),
        }
    }
}

/// The pages of one listing.
pub(crate) struct Driver<T> {
    fetch: Fetch<T>,
    cursor: Cursor,
    depth: usize,
    queue: VecDeque<InFlight<T>>,
    done: bool,
}

impl<T: Keyed + Send + 'static> Driver<T> {
    pub(crate) fn new(fetch: Fetch<T>, cursor: Cursor, depth: usize) -> Self {
        Self {
            fetch,
            cursor,
            depth: depth.max(1),
            queue: VecDeque::new(),
            done: false,
        }
    }

    /// Starts requests until `depth` are in flight or the cursor has no
    /// more offsets. Fails outside a Tokio runtime.
    pub(crate) fn fill(&mut self) -> Result<(), Error> {
        while self.queue.len() < self.depth {
            let Some(skip) = self.cursor.next_request() else {
                break;
            };
            let future = (self.fetch)(skip, self.cursor.size());
            let task = if self.depth == 1 {
                Task::Inline(future)
            } else {
                let runtime = tokio::runtime::Handle::try_current().map_err(|_| {
                    Error::invalid(
                        "runtime",
                        "jumpcloud-graph's streams must be polled within a Tokio runtime",
                    )
                })?;
                Task::Spawned(runtime.spawn(future))
            };
            self.queue.push_back(InFlight { skip, task });
        }
        Ok(())
    }

    fn fail(&mut self, error: Error) -> Poll<Option<Result<Page<T>, Error>>> {
        self.done = true;
        self.queue.clear();
        Poll::Ready(Some(Err(error)))
    }
}

impl<T: Keyed + Send + 'static> Stream for Driver<T> {
    type Item = Result<Page<T>, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.done {
            return Poll::Ready(None);
        }
        if let Err(error) = self.fill() {
            return self.fail(error);
        }
        let Some(front) = self.queue.front_mut() else {
            self.done = true;
            return Poll::Ready(self.cursor.finish().err().map(Err));
        };
        let outcome = ready!(front.poll(cx));
        let Some(InFlight { skip, .. }) = self.queue.pop_front() else {
            return Poll::Ready(None);
        };
        let raw = match outcome {
            Ok(raw) => raw,
            Err(error) => return self.fail(error),
        };
        match self.cursor.accept(skip, raw) {
            Ok((page, verdict)) => {
                if verdict == Verdict::Reschedule {
                    self.queue.clear();
                }
                // Request the pages ahead now, not when the caller has
                // worked through this one: they run while it does.
                if let Err(error) = self.fill() {
                    return self.fail(error);
                }
                Poll::Ready(Some(Ok(page)))
            }
            Err(error) => self.fail(error),
        }
    }
}

/// Several listings one after another, all started at the first poll so
/// their first pages are fetched concurrently; pages come out in order.
pub(crate) struct InOrder<T> {
    drivers: VecDeque<Driver<T>>,
    started: bool,
}

impl<T: Keyed + Send + 'static> InOrder<T> {
    pub(crate) fn new(drivers: Vec<Driver<T>>) -> Self {
        Self {
            drivers: drivers.into(),
            started: false,
        }
    }
}

impl<T: Keyed + Send + 'static> Stream for InOrder<T> {
    type Item = Result<Page<T>, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if !self.started {
            self.started = true;
            for driver in self.drivers.iter_mut().skip(1) {
                if let Err(error) = driver.fill() {
                    self.drivers.clear();
                    return Poll::Ready(Some(Err(error)));
                }
            }
        }
        loop {
            let Some(front) = self.drivers.front_mut() else {
                return Poll::Ready(None);
            };
            match ready!(Pin::new(front).poll_next(cx)) {
                Some(Ok(page)) => return Poll::Ready(Some(Ok(page))),
                Some(Err(error)) => {
                    // An error ends the whole stream, as for one listing.
                    self.drivers.clear();
                    return Poll::Ready(Some(Err(error)));
                }
                None => {
                    self.drivers.pop_front();
                }
            }
        }
    }
}
