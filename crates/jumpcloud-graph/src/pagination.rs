//! Lists as streams: pages and items, fetched lazily with `limit`/`skip`.
//!
//! JumpCloud's v2 lists are bare JSON arrays paged by `limit` (at most 100)
//! and `skip`, with the total in an `x-total-count` header. A short page is
//! not proof of the end (JumpCloud's maintainers note that pages can come
//! back short before the end when records are null), so the stream:
//!
//! - asks for full pages (100 by default) and advances `skip` by the page
//!   size it asked for, not by what it got;
//! - stops when `skip` reaches the latest `x-total-count`, or, without that
//!   header, at the first empty page;
//! - never yields an item twice: an item whose id was already yielded is
//!   dropped (offset paging over a changing list can repeat items);
//! - ends with [`Error::PaginationStalled`] when
//!   [`MAX_PAGES_WITHOUT_PROGRESS`] pages in a row bring nothing new, so a
//!   server that ignores `skip` cannot make it loop forever;
//! - yields the items of every good page before a later page's error, and
//!   ends after an error.
//!
//! Nothing is requested until the stream is polled.

use std::collections::HashSet;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures::future::BoxFuture;
use futures::stream::{self, BoxStream, Stream, StreamExt, TryStreamExt};

use crate::Error;
use crate::model::{GraphNode, Keyed};

/// The server's maximum page size, and the default.
pub const MAX_PAGE_SIZE: u32 = 100;

/// How many pages in a row may bring no new item before a stream gives up.
pub const MAX_PAGES_WITHOUT_PROGRESS: u32 = 3;

/// One page of a list.
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T> {
    items: Vec<T>,
    skip: u64,
    total: Option<u64>,
}

impl<T> Page<T> {
    /// The page's items (without any already yielded by an earlier page).
    pub fn items(&self) -> &[T] {
        &self.items
    }

    /// The items, owned.
    pub fn into_items(self) -> Vec<T> {
        self.items
    }

    /// The offset this page was requested at.
    pub fn skip(&self) -> u64 {
        self.skip
    }

    /// The list's total (`x-total-count`), when the server sent it.
    pub fn total(&self) -> Option<u64> {
        self.total
    }

    /// How many items the page holds.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether the page holds no items.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// A stream of pages; see the [module docs](self) for when it ends.
#[must_use = "streams do nothing unless polled"]
pub struct Pages<T> {
    inner: BoxStream<'static, Result<Page<T>, Error>>,
}

impl<T> Stream for Pages<T> {
    type Item = Result<Page<T>, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

impl<T: Send + 'static> Pages<T> {
    /// The items of all pages, in order.
    pub fn items(self) -> Items<T> {
        Items {
            inner: self
                .inner
                .map_ok(|page| stream::iter(page.items.into_iter().map(Ok)))
                .try_flatten()
                .boxed(),
        }
    }
}

impl<T> std::fmt::Debug for Pages<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pages { .. }")
    }
}

/// A stream of items across pages; see the [module docs](self).
///
/// ```no_run
/// # async fn demo(user: jumpcloud_graph::User) -> Result<(), jumpcloud_graph::Error> {
/// use futures::TryStreamExt;
///
/// let mut systems = user.systems().stream();
/// while let Some(system) = systems.try_next().await? {
///     println!("{}", system.id());
/// }
/// # Ok(())
/// # }
/// ```
#[must_use = "streams do nothing unless polled"]
pub struct Items<T> {
    inner: BoxStream<'static, Result<T, Error>>,
}

impl<T> Stream for Items<T> {
    type Item = Result<T, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

impl<T> std::fmt::Debug for Items<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Items { .. }")
    }
}

/// What one page request returns before the stream's bookkeeping.
pub(crate) struct RawPage<T> {
    pub(crate) items: Vec<T>,
    pub(crate) total: Option<u64>,
}

/// Fetches the page at `skip` with `limit` items.
pub(crate) type FetchPage<T> =
    Arc<dyn Fn(u64, u32) -> BoxFuture<'static, Result<RawPage<T>, Error>> + Send + Sync>;

/// A list ready to be paged.
pub(crate) struct Pager<T> {
    pub(crate) fetch: FetchPage<T>,
    pub(crate) page_size: u32,
    pub(crate) path: String,
}

/// Checks a requested page size: 1 to 100, default 100.
pub(crate) fn page_size(requested: Option<u32>) -> Result<u32, Error> {
    match requested {
        None => Ok(MAX_PAGE_SIZE),
        Some(size @ 1..=MAX_PAGE_SIZE) => Ok(size),
        Some(size) => Err(Error::invalid(
            "page size",
            format!("{size}: JumpCloud pages hold 1 to {MAX_PAGE_SIZE} items"),
        )),
    }
}

struct State<T> {
    pager: Pager<T>,
    skip: u64,
    seen: HashSet<GraphNode>,
    without_progress: u32,
    done: bool,
}

/// The pages of `pager`, or a stream whose only item is the error that
/// prevented preparing it (nothing is sent then).
pub(crate) fn pages<T: Keyed + Send + 'static>(pager: Result<Pager<T>, Error>) -> Pages<T> {
    let pager = match pager {
        Ok(pager) => pager,
        Err(error) => {
            return Pages {
                inner: stream::once(async move { Err(error) }).boxed(),
            };
        }
    };
    let state = State {
        pager,
        skip: 0,
        seen: HashSet::new(),
        without_progress: 0,
        done: false,
    };
    let inner = stream::unfold(state, |mut state| async move {
        if state.done {
            return None;
        }
        let skip = state.skip;
        let size = state.pager.page_size;
        let raw = match (state.pager.fetch)(skip, size).await {
            Ok(raw) => raw,
            Err(error) => {
                state.done = true;
                return Some((Err(error), state));
            }
        };
        let received = raw.items.len();
        let items: Vec<T> = raw
            .items
            .into_iter()
            .filter(|item| state.seen.insert(item.key()))
            .collect();
        if items.len() < received {
            tracing::warn!(skip, repeated = received - items.len(), path = %state.pager.path,
                "dropped items already yielded by an earlier page");
        }
        state.skip = skip + u64::from(size);
        let at_end = match raw.total {
            Some(total) => state.skip >= total,
            None => received == 0,
        };
        if items.is_empty() && !at_end {
            state.without_progress += 1;
            if state.without_progress >= MAX_PAGES_WITHOUT_PROGRESS {
                state.done = true;
                let error = Error::PaginationStalled {
                    path: state.pager.path.clone(),
                    skip,
                    pages: state.without_progress,
                };
                return Some((Err(error), state));
            }
        } else {
            state.without_progress = 0;
        }
        state.done = at_end;
        let page = Page {
            items,
            skip,
            total: raw.total,
        };
        Some((Ok(page), state))
    });
    Pages {
        inner: inner.boxed(),
    }
}

/// Adds the page size setter and the ways to consume a list to a builder
/// that has `list: ListParams` and `pager(self) -> Result<Pager<$item>, Error>`.
macro_rules! list_methods {
    ($builder:ident, $item:ty) => {
        impl $builder {
            /// Items per request, 1 to 100 (default 100, the server's
            /// maximum). Anything else is [`Error::InvalidInput`](crate::Error::InvalidInput)
            /// as the stream's first item, before any request.
            pub fn page_size(mut self, size: u32) -> Self {
                self.list.page_size = Some(size);
                self
            }

            /// The list as a stream of pages, each with its `skip` and the
            /// server's `x-total-count`. Nothing is sent until it is polled.
            pub fn pages(self) -> crate::Pages<$item> {
                crate::pagination::pages(self.pager())
            }

            /// The list as a stream of items across all pages. Nothing is
            /// sent until it is polled.
            pub fn stream(self) -> crate::Items<$item> {
                self.pages().items()
            }

            /// Every item of the list, or the first error.
            pub async fn try_collect(self) -> Result<Vec<$item>, crate::Error> {
                futures::TryStreamExt::try_collect(self.stream()).await
            }
        }
    };
}

/// Adds the filter setters to a list builder that has `list: ListParams`.
macro_rules! filter_methods {
    ($builder:ident) => {
        impl $builder {
            /// Adds a filter; several filters are sent as repeated `filter=`
            /// parameters, which JumpCloud combines with AND. A malformed
            /// filter is [`Error::InvalidInput`](crate::Error::InvalidInput)
            /// as the stream's first item, before any request.
            pub fn filter(mut self, filter: crate::Filter) -> Self {
                self.list.filters.push(filter);
                self
            }

            /// Adds several filters.
            pub fn filters(mut self, filters: impl IntoIterator<Item = crate::Filter>) -> Self {
                self.list.filters.extend(filters);
                self
            }
        }
    };
}

pub(crate) use {filter_methods, list_methods};

/// Filters and page size, shared by the list builders.
#[derive(Clone, Debug, Default)]
pub(crate) struct ListParams {
    pub(crate) filters: Vec<crate::Filter>,
    pub(crate) page_size: Option<u32>,
}

impl ListParams {
    /// The filters as query values, and the page size, checked.
    pub(crate) fn check(&self) -> Result<(Vec<String>, u32), Error> {
        let filters = self
            .filters
            .iter()
            .map(crate::Filter::to_query)
            .collect::<Result<Vec<_>, _>>()?;
        Ok((filters, page_size(self.page_size)?))
    }
}
