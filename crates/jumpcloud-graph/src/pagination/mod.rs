//! Lists as streams: pages and items, fetched lazily with `limit`/`skip`,
//! several pages at a time. What the streams promise is documented on
//! [`Items`]; the rules that keep those promises are in
//! [`cursor`] (with the ids it has seen in [`seen`]), the concurrency in
//! [`driver`].

mod cursor;
mod driver;
mod seen;

use std::pin::Pin;
use std::task::{Context, Poll};

use futures::stream::{self, BoxStream, Stream, StreamExt, TryStreamExt};

pub(crate) use cursor::{Cursor, Keyed};
pub(crate) use driver::{Driver, Fetch, InOrder};

use crate::Error;

/// The server's maximum page size, and the default.
pub(crate) const MAX_PAGE_SIZE: u32 = 100;

/// How many pages are requested ahead by default.
pub(crate) const DEFAULT_PREFETCH: usize = 4;

/// One page of a list.
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T> {
    pub(crate) items: Vec<T>,
    pub(crate) skip: u64,
    pub(crate) total: Option<u64>,
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

/// A stream of pages; see what every list promises on [`Items`].
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
    pub(crate) fn new(inner: impl Stream<Item = Result<Page<T>, Error>> + Send + 'static) -> Self {
        Self {
            inner: inner.boxed(),
        }
    }

    /// A stream whose only item is `error` (nothing is sent).
    pub(crate) fn failed(error: Error) -> Self {
        Self::new(stream::once(async move { Err(error) }))
    }

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

/// A stream of items across pages, from a [`Traversal`](crate::Traversal),
/// a [`MemberOf`](crate::MemberOf) or an
/// [`AssociationList`](crate::AssociationList) (or their [`Pages`]).
///
/// # What every list promises
///
/// JumpCloud's v2 lists are bare JSON arrays paged by `limit` (at most 100)
/// and `skip`, with the total in an `x-total-count` header. The streams
/// here promise:
///
/// - **Nothing is sent until the stream is polled**; dropping it cancels
///   the requests in flight.
/// - **Order**: items come out in the server's order, page after page.
/// - **No duplicates**: an item whose type and id were both yielded
///   already is dropped (offset paging over a changing list repeats
///   items); a system and a system group sharing an id are two items.
/// - **No silent loss**: a short page moves the next offset by what came
///   (a server that caps pages loses nothing); a shrinking `x-total-count`
///   makes the stream read again the offsets that shifted; a page reaching
///   past `x-total-count` makes it read on past the total; an empty page
///   followed by new items is read again. A listing that still ends with
///   fewer distinct items than the server counted, after pages that only
///   repeated items (a server ignoring `skip`) or a page that stayed empty
///   before new items, ends with an [`Error`] of kind
///   [`Pagination`](crate::ErrorKind::Pagination); so does a server that
///   makes no progress for 3 pages in a row.
/// - **The end**: at `x-total-count` (or past it, at an empty page, when
///   pages reached beyond it), or without it at the first empty page (a
///   short page is not the end). Fewer items than the total end Ok only
///   when the last pages before the total came back empty (null records).
///   The next section says exactly how a stream ends, and the bounds on its
///   requests.
/// - **Errors**: the items of every good page come before a later page's
///   error, and the stream ends after it. Each page is retried on its own.
/// - **Concurrency**: after the first page, up to `prefetch` pages (default
///   4) are requested ahead, within the client's `max_in_flight` and
///   `rate_limit`; `prefetch(1)` reads one page at a time.
/// - **Memory**: at most `prefetch` pages are held, plus 12 bytes per item
///   yielded (the ids that catch repeats).
///
/// **Under concurrent changes**, every item present for the whole listing
/// is yielded exactly once, as long as `x-total-count` shrinks when items
/// are deleted: a deletion shifts later items to lower offsets, a shrinking
/// total makes the stream read those offsets again, and items recovered
/// that way come after the page that revealed the shift. Insertions only
/// cause repeats, which are dropped. Deletions in the same interval as
/// insertions that hide the shrink (the total grows or stays put) can
/// shift an item past the stream unseen: a limit of offset paging over
/// lists JumpCloud does not let traversals sort. Items added or removed
/// during the listing may or may not appear.
///
/// # How it ends
///
/// Items are told apart by type and id together: one already yielded is
/// dropped, while a system and a system group sharing an ObjectID are two
/// items. The stream ends (`Ok(None)`) after its last item:
///
/// - at `x-total-count`, once every offset below it was asked for. When the
///   last pages before the total came back empty (at most 2 in a row;
///   JumpCloud counts null records that its pages leave out), fewer items
///   than the total come out and a warning is logged;
/// - past `x-total-count`, when pages bring items beyond it (the count was
///   stale or false): the stream reads on, one page at a time, until a page
///   comes back empty;
/// - without `x-total-count`, at the first empty page (a short page is not
///   the end). Nothing can show what an empty page hides there: pages
///   requested beyond it are discarded whatever they hold.
///
/// It ends with an error of kind [`Pagination`](crate::ErrorKind::Pagination)
/// when:
///
/// - 3 pages in a row bring no new item, empty or repeated, whatever total
///   the server claims (re-reads excepted, below): at the third;
/// - at the end, after every item, it holds fewer items than the total,
///   after pages that only repeated items (a server ignoring `skip`);
/// - at the end, after every item, it holds fewer items than the total,
///   and an empty page before the total was followed by a page with new
///   items and came back empty again when read a second time. (Read once
///   more, a page that was missing only once gives up its items, which
///   come after the page that revealed the gap.)
///
/// Re-reads are bounded: a gap is read again once, and only after a page
/// brought new items; a shrinking total makes the stream step back at most
/// 32 times before its re-reads count as pages without progress. So every
/// request brings a new item, or is one of at most 2 in a row that do not,
/// or one of those bounded re-reads: a server claiming a total of
/// `u64::MAX` over empty pages costs 3 requests and an error.
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

/// Checks a prefetch depth: at least 1.
pub(crate) fn prefetch(requested: usize) -> Result<usize, Error> {
    if requested == 0 {
        Err(Error::invalid(
            "prefetch",
            "at least one page must be in flight (prefetch(1) reads one page at a time)",
        ))
    } else {
        Ok(requested)
    }
}
