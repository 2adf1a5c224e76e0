//! The pagination cursor: which offsets to ask for, and what each page that
//! comes back (in order) means for the listing. Pure and synchronous; the
//! drivers in [`driver`](super::driver) only move pages.
//!
//! The rules, each against a way a server can lose items:
//!
//! - **Short pages.** A page with fewer items than asked for, while the
//!   total says more remain, moves the next offset by what was received,
//!   and later pages are spaced the same way: a server that caps pages at
//!   50 loses nothing, and a short page caused by null records (JumpCloud's
//!   known cause) costs one overlapping page, whose repeats are dropped.
//! - **A shrinking total.** When `x-total-count` drops by d between pages,
//!   items after a deletion have shifted left by up to d, so the cursor
//!   steps back d offsets and reads again from there (repeats dropped).
//! - **No progress.** [`MAX_PAGES_WITHOUT_PROGRESS`] pages in a row that
//!   bring nothing new end the listing with an error (re-reads excepted).
//! - **Ignored `skip`.** A listing that ends with fewer distinct items than
//!   the server's last total, after pages that repeated items already seen,
//!   ends with an error, never Ok.
//! - **No total.** Without `x-total-count` the listing ends at the first
//!   empty page; pages asked for beyond it are discarded.

use std::collections::HashSet;

use super::{Page, RawPage};
use crate::{Error, NodeId, ObjectId};

/// How many pages in a row may bring no new item before a stream gives up.
pub(crate) const MAX_PAGES_WITHOUT_PROGRESS: u32 = 3;

/// How many times a listing steps back after a shrinking total before its
/// re-reads count against the stall guard like any other page: a server
/// whose total flip-flops cannot keep a stream re-reading forever.
pub(crate) const MAX_STEP_BACKS: u32 = 32;

/// Items a paginated list can tell apart, so that a page repeated by the
/// server is never yielded twice.
pub trait Keyed {
    /// What identifies the item within its list.
    fn key(&self) -> &NodeId;
}

impl Keyed for crate::BoundObject {
    fn key(&self) -> &NodeId {
        self.id()
    }
}

impl Keyed for crate::Association {
    fn key(&self) -> &NodeId {
        self.id()
    }
}

/// The ids yielded so far: 12 bytes each for ObjectIDs (nearly all), so
/// 100,000 items cost about 2 MiB.
#[derive(Default)]
struct Seen {
    objects: HashSet<ObjectId>,
    others: HashSet<NodeId>,
}

/// The most ids room is made for up front, whatever total the server
/// claims: enough for 262,144 items (about 4 MiB) without a rehash.
const MAX_RESERVED_IDS: u64 = 1 << 18;

impl Seen {
    /// Makes room for `total` ids at once (capped), so that the set does
    /// not double, and briefly hold both tables, as it fills.
    fn reserve_for(&mut self, total: u64) {
        let wanted = total.min(MAX_RESERVED_IDS) as usize;
        self.objects
            .reserve(wanted.saturating_sub(self.objects.len()));
    }

    /// Records `id`; false when it was seen before.
    fn insert(&mut self, id: &NodeId) -> bool {
        match id.object_id() {
            Some(object) => self.objects.insert(object),
            None => self.others.insert(id.clone()),
        }
    }
}

/// What the driver should do with the requests it has in flight.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// They are still the right ones.
    Continue,
    /// Drop them: the cursor has moved (a short page, a shrinking total,
    /// the end without a total) and will hand out new offsets.
    Reschedule,
}

/// Where a listing stands.
pub(crate) struct Cursor {
    path: String,
    /// The `limit` every page asks for.
    size: u32,
    /// How far apart pages are scheduled (the size, or less after short
    /// pages).
    step: u64,
    /// The next offset to hand out.
    next: u64,
    /// The latest `x-total-count`, in page order.
    total: Option<u64>,
    /// Whether the first page came back.
    started: bool,
    /// No more offsets will be handed out (the end without a total).
    ended: bool,
    seen: Seen,
    distinct: u64,
    /// Pages in a row that brought nothing new.
    stalled: u32,
    /// Non-empty pages that brought nothing new outside re-reads.
    repeating_pages: u32,
    /// Pages at offsets below this are re-reads after a shrinking total.
    reread_until: u64,
    /// How often the cursor stepped back.
    step_backs: u32,
}

impl Cursor {
    pub(crate) fn new(path: String, size: u32) -> Self {
        Self {
            path,
            size,
            step: u64::from(size),
            next: 0,
            total: None,
            started: false,
            ended: false,
            seen: Seen::default(),
            distinct: 0,
            stalled: 0,
            repeating_pages: 0,
            reread_until: 0,
            step_backs: 0,
        }
    }

    /// The `limit` to ask for.
    pub(crate) fn size(&self) -> u32 {
        self.size
    }

    /// The next offset to request, if any: only the first page until it
    /// came back; then pages up to the total, or (without a total) on and
    /// on until an empty page ends the listing.
    pub(crate) fn next_request(&mut self) -> Option<u64> {
        if self.ended || (!self.started && self.next > 0) {
            return None;
        }
        if self.total.is_some_and(|total| self.next >= total) {
            return None;
        }
        let skip = self.next;
        self.next = self.next.saturating_add(self.step);
        Some(skip)
    }

    /// Takes the page requested at `skip`, in request order: drops the
    /// items already yielded and applies the rules in the module docs.
    pub(crate) fn accept<T: Keyed>(
        &mut self,
        skip: u64,
        raw: RawPage<T>,
    ) -> Result<(Page<T>, Verdict), Error> {
        let received = raw.items.len() as u64;
        let mut shrunk_by = 0;
        if let Some(total) = raw.total {
            match self.total {
                Some(previous) => shrunk_by = previous.saturating_sub(total),
                None => self.seen.reserve_for(total),
            }
            self.total = Some(total);
        }
        self.started = true;
        let items: Vec<T> = raw
            .items
            .into_iter()
            .filter(|item| self.seen.insert(item.key()))
            .collect();
        let fresh = items.len() as u64;
        self.distinct = self.distinct.saturating_add(fresh);
        if fresh < received {
            tracing::debug!(skip, repeated = received - fresh, path = %self.path,
                "dropped items already yielded by an earlier page");
        }
        let more_remain = match self.total {
            Some(total) => skip.saturating_add(received) < total,
            None => received > 0,
        };
        let mut verdict = Verdict::Continue;
        if shrunk_by > 0 {
            tracing::debug!(skip, shrunk_by, path = %self.path,
                "x-total-count dropped: reading again the offsets that shifted");
            self.reread_until = self.reread_until.max(skip.saturating_add(received));
            self.next = skip.saturating_sub(shrunk_by);
            self.step_backs = self.step_backs.saturating_add(1);
            verdict = Verdict::Reschedule;
        } else if received == 0 && self.total.is_none() {
            self.ended = true;
            verdict = Verdict::Reschedule;
        } else if received > 0 && received < self.step && more_remain {
            // A short page: what follows starts right after it, and later
            // pages are spaced the same way until a full page comes back.
            self.step = received;
            self.next = skip.saturating_add(received);
            verdict = Verdict::Reschedule;
        } else if received == u64::from(self.size) {
            self.step = received;
        }
        let reread = skip < self.reread_until && self.step_backs <= MAX_STEP_BACKS;
        if fresh == 0 && !reread && (more_remain || received > 0) {
            self.stalled += 1;
            if received > 0 {
                self.repeating_pages += 1;
            }
            if self.stalled >= MAX_PAGES_WITHOUT_PROGRESS {
                self.ended = true;
                return Err(Error::stalled(self.path.clone(), skip, self.stalled));
            }
        } else if fresh > 0 {
            self.stalled = 0;
        }
        let page = Page {
            items,
            skip,
            total: raw.total,
        };
        Ok((page, verdict))
    }

    /// Checks the listing once nothing is left to fetch: fewer distinct
    /// items than the server counted, after pages that only repeated items,
    /// is an error (a server ignoring `skip`), never a quiet end.
    pub(crate) fn finish(&self) -> Result<(), Error> {
        match self.total {
            Some(total) if self.distinct < total && self.repeating_pages > 0 => {
                Err(Error::incomplete(self.path.clone(), total, self.distinct))
            }
            Some(total) if self.distinct < total => {
                // Empty pages before the total: null records, or a count
                // that includes them (JumpCloud's known cause).
                tracing::warn!(path = %self.path, total, yielded = self.distinct,
                    "the list ended with fewer items than x-total-count; the last pages were empty");
                Ok(())
            }
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    struct Item(NodeId);

    impl Keyed for Item {
        fn key(&self) -> &NodeId {
            &self.0
        }
    }

    fn id(n: u64) -> NodeId {
        NodeId::from_server(&format!("{n:024x}"))
    }

    /// A server over `items` that answers each request with what `serve`
    /// decides (an offset and a count).
    fn page(items: &[u64], skip: u64, limit: u64, total: Option<u64>) -> RawPage<Item> {
        let start = (skip as usize).min(items.len());
        let end = (start + limit as usize).min(items.len());
        RawPage {
            items: items[start..end].iter().map(|n| Item(id(*n))).collect(),
            total,
        }
    }

    /// Runs a cursor sequentially against `serve(skip, limit) -> page`.
    fn run(
        size: u32,
        mut serve: impl FnMut(u64, u64) -> RawPage<Item>,
    ) -> (Vec<u64>, Result<(), Error>, usize) {
        let mut cursor = Cursor::new("/test".into(), size);
        let mut yielded = Vec::new();
        let mut requests = 0;
        while let Some(skip) = cursor.next_request() {
            requests += 1;
            assert!(requests < 1000, "the cursor loops");
            match cursor.accept(skip, serve(skip, u64::from(size))) {
                Ok((page, _)) => yielded.extend(
                    page.items
                        .iter()
                        .map(|i| u64::from_str_radix(&i.0.to_string(), 16).unwrap()),
                ),
                Err(error) => return (yielded, Err(error), requests),
            }
        }
        let end = cursor.finish();
        (yielded, end, requests)
    }

    #[test]
    fn a_plain_list_is_read_page_by_page() {
        let items: Vec<u64> = (0..250).collect();
        let (yielded, end, requests) = run(100, |skip, limit| page(&items, skip, limit, Some(250)));
        assert_eq!(yielded, items);
        assert!(end.is_ok());
        assert_eq!(requests, 3);
    }

    #[test]
    fn a_server_that_ignores_skip_ends_in_an_error_not_ok() {
        let items: Vec<u64> = (0..250).collect();
        let (yielded, end, _) = run(100, |_, limit| page(&items, 0, limit, Some(250)));
        assert_eq!(yielded.len(), 100);
        let error = end.unwrap_err();
        assert!(error.is_pagination(), "{error}");
    }

    #[test]
    fn a_server_that_caps_pages_loses_nothing() {
        let items: Vec<u64> = (0..250).collect();
        let (yielded, end, requests) = run(100, |skip, _| page(&items, skip, 50, Some(250)));
        assert_eq!(yielded, items);
        assert!(end.is_ok());
        assert_eq!(requests, 5);
    }

    #[test]
    fn a_deletion_mid_listing_hides_nothing_that_stayed() {
        // Item 5 is deleted after the first page; everything shifts left.
        let before: Vec<u64> = (0..250).collect();
        let after: Vec<u64> = (0..250).filter(|n| *n != 5).collect();
        let mut served = 0;
        let (yielded, end, _) = run(100, |skip, limit| {
            served += 1;
            if served == 1 {
                page(&before, skip, limit, Some(250))
            } else {
                page(&after, skip, limit, Some(249))
            }
        });
        assert!(end.is_ok());
        let mut sorted = yielded.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), yielded.len(), "no item twice");
        for item in &after {
            assert!(
                yielded.contains(item),
                "item {item} present all along was lost"
            );
        }
    }

    #[test]
    fn a_server_that_repeats_pages_without_a_total_stalls() {
        let items: Vec<u64> = (0..100).collect();
        let (yielded, end, requests) = run(100, |_, limit| page(&items, 0, limit, None));
        assert_eq!(yielded.len(), 100);
        assert!(end.unwrap_err().is_pagination());
        assert_eq!(requests, 1 + MAX_PAGES_WITHOUT_PROGRESS as usize);
    }

    #[test]
    fn without_a_total_the_list_ends_at_the_first_empty_page() {
        let items: Vec<u64> = (0..230).collect();
        let (yielded, end, _) = run(100, |skip, limit| page(&items, skip, limit, None));
        assert_eq!(yielded, items);
        assert!(end.is_ok());
    }

    #[test]
    fn an_empty_page_mid_list_advances_under_the_stall_guard() {
        // Offsets 100..200 come back empty (null records), the rest is there.
        let items: Vec<u64> = (0..300).collect();
        let (yielded, end, _) = run(100, |skip, limit| {
            if (100..200).contains(&skip) {
                RawPage {
                    items: Vec::new(),
                    total: Some(300),
                }
            } else {
                page(&items, skip, limit, Some(300))
            }
        });
        assert_eq!(yielded.len(), 200);
        assert!(
            end.is_ok(),
            "empty pages are null records, not a server ignoring skip"
        );
    }

    #[test]
    fn a_growing_total_reads_the_new_items() {
        let mut items: Vec<u64> = (0..150).collect();
        let mut served = 0;
        let (yielded, end, _) = run(100, |skip, limit| {
            served += 1;
            if served == 2 {
                items.extend(150..180);
            }
            let total = items.len() as u64;
            page(&items, skip, limit, Some(total))
        });
        assert!(end.is_ok());
        assert_eq!(yielded, (0..180).collect::<Vec<_>>());
    }

    #[test]
    fn a_total_that_flip_flops_cannot_keep_the_cursor_reading() {
        let items: Vec<u64> = (0..250).collect();
        let mut served = 0u64;
        let (_, end, requests) = run(100, |skip, limit| {
            served += 1;
            let total = if served.is_multiple_of(2) {
                250
            } else {
                u64::MAX
            };
            page(&items, skip, limit, Some(total))
        });
        assert!(end.is_err());
        assert!(requests < 200, "{requests} requests");
    }

    #[test]
    fn only_one_request_before_the_first_page_comes_back() {
        let mut cursor = Cursor::new("/t".into(), 100);
        assert_eq!(cursor.next_request(), Some(0));
        assert_eq!(cursor.next_request(), None);
        cursor
            .accept(
                0,
                RawPage::<Item> {
                    items: (0..100).map(|n| Item(id(n))).collect(),
                    total: Some(1000),
                },
            )
            .unwrap();
        let ahead: Vec<u64> = std::iter::from_fn(|| cursor.next_request())
            .take(4)
            .collect();
        assert_eq!(ahead, [100, 200, 300, 400]);
    }
}
