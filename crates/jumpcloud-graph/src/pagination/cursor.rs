//! The pagination cursor: which offsets to ask for, and what each page that
//! comes back (in order) means for the listing. Pure and synchronous; the
//! drivers in [`driver`](super::driver) only move pages.
//!
//! Items are told apart by type and id together (a system and a system
//! group can share an ObjectID). The rules, each against a way a server can
//! lose items:
//!
//! - **Short pages.** A page with fewer items than asked for, while the
//!   total says more remain, moves the next offset by what was received,
//!   and later pages are spaced the same way: a server that caps pages at
//!   50 loses nothing, and a short page caused by null records (JumpCloud's
//!   known cause) costs one overlapping page, whose repeats are dropped.
//! - **A shrinking total.** When `x-total-count` drops by d between pages,
//!   items after a deletion have shifted left by up to d, so the cursor
//!   steps back d offsets and reads again from there (repeats dropped).
//! - **A total smaller than the pages.** A page that reaches past
//!   `x-total-count` shows the count is stale or false: the cursor reads on
//!   one page at a time past it, as without a total (short pages are not
//!   the end), until a page comes back empty or a later total covers more.
//!   (A page there that only repeats items, while fewer items than the
//!   total were yielded, is a server ignoring `skip`: see below.)
//! - **Empty pages before the total.** They are read past (null records
//!   can fill a page). When a later page brings new items, the empty run
//!   was a gap: the cursor steps back and reads it once more (a page gone
//!   missing once is recovered); if it comes back empty again, the listing
//!   reads on and ends with an error when it holds fewer items than the
//!   total. A run of empty pages (at most 2: see below) that reaches the
//!   total ends the listing Ok (a count that includes null records; every
//!   offset was asked), with a warning.
//! - **No progress.** [`MAX_PAGES_WITHOUT_PROGRESS`] pages in a row that
//!   bring nothing new (empty, or only repeats) end the listing with an
//!   error (re-reads excepted): this bounds every run of empty pages,
//!   whatever total the server claims.
//! - **Ignored `skip`.** A listing that ends with fewer distinct items than
//!   the server's last total, after pages that repeated items already seen,
//!   ends with an error, never Ok.
//! - **No total.** Without `x-total-count` the listing ends at the first
//!   empty page; pages asked for beyond it are discarded whatever they
//!   hold, so the outcome does not depend on how many pages were in flight.
//!
//! The bounds: a gap is read again once, and only after a page that
//! brought new items; a shrinking total steps back at most
//! [`MAX_STEP_BACKS`] times before re-reads count against the stall guard;
//! past the total one page is in flight at a time. So every request brings
//! a new item, is one of at most 2 in a row that do not, or is one of
//! those re-reads: a total of `u64::MAX` over empty pages ends, with an
//! error, after 3 requests.

use super::seen::Seen;
use super::{Page, RawPage};
use crate::{Error, GraphNode};

/// How many pages in a row may bring no new item before a stream gives up.
pub(crate) const MAX_PAGES_WITHOUT_PROGRESS: u32 = 3;

/// How many times a listing steps back after a shrinking total before its
/// re-reads count against the stall guard like any other page: a server
/// whose total flip-flops cannot keep a stream re-reading forever.
pub(crate) const MAX_STEP_BACKS: u32 = 32;

/// Items a paginated list can tell apart, so that a page repeated by the
/// server is never yielded twice.
pub(crate) trait Keyed {
    /// What identifies the item within its list: its type and id together.
    fn key(&self) -> &GraphNode;
}

impl Keyed for crate::BoundObject {
    fn key(&self) -> &GraphNode {
        self.node()
    }
}

impl Keyed for crate::Association {
    fn key(&self) -> &GraphNode {
        self.target()
    }
}

/// What the driver should do with the requests it has in flight.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// They are still the right ones.
    Continue,
    /// Drop them: the cursor has moved (a short page, a shrinking total, a
    /// gap to read again, the end without a total) and will hand out new
    /// offsets.
    Reschedule,
}

/// What a page brought, as the rules need it.
#[derive(Clone, Copy)]
struct Arrival {
    /// The offset it was requested at.
    skip: u64,
    /// How many items it held.
    received: u64,
    /// How many of them were not yielded before.
    fresh: u64,
    /// Whether items may remain after it: the total says so, or, without
    /// a total or past it, the page held items.
    more_remain: bool,
}

impl Arrival {
    /// The offset just past the page's items.
    fn end(&self) -> u64 {
        self.skip.saturating_add(self.received)
    }
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
    /// How far past the total offsets are handed out, after a page that
    /// reached past it: one page beyond the last such page.
    past_total: u64,
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
    /// Pages at offsets below this are re-reads (after a shrinking total,
    /// or of a gap).
    reread_until: u64,
    /// How often the cursor stepped back after a shrinking total.
    step_backs: u32,
    /// Where the current run of empty pages before the total started.
    empty_from: Option<u64>,
    /// Gaps starting below this offset were read a second time already.
    gaps_reread_below: u64,
    /// The first gap that came back empty when read again.
    gap: Option<u64>,
}

impl Cursor {
    pub(crate) fn new(path: String, size: u32) -> Self {
        Self {
            path,
            size,
            step: u64::from(size),
            next: 0,
            total: None,
            past_total: 0,
            started: false,
            ended: false,
            seen: Seen::default(),
            distinct: 0,
            stalled: 0,
            repeating_pages: 0,
            reread_until: 0,
            step_backs: 0,
            empty_from: None,
            gaps_reread_below: 0,
            gap: None,
        }
    }

    /// The `limit` to ask for.
    pub(crate) fn size(&self) -> u32 {
        self.size
    }

    /// The next offset to request, if any: only the first page until it
    /// came back; then pages up to the total (or one page past the last
    /// page that reached beyond it), or, without a total, on and on until
    /// an empty page ends the listing.
    pub(crate) fn next_request(&mut self) -> Option<u64> {
        if self.ended || (!self.started && self.next > 0) {
            return None;
        }
        if let Some(total) = self.total
            && self.next >= total.max(self.past_total)
        {
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
        let shrunk_by = self.take_total(raw.total);
        self.started = true;
        let items = self.drop_repeats(skip, raw.items);
        let arrival = Arrival {
            skip,
            received,
            fresh: items.len() as u64,
            more_remain: self.more_remain(skip, received),
        };
        let verdict = self.move_on(arrival, shrunk_by);
        self.guard_progress(arrival)?;
        let page = Page {
            items,
            skip,
            total: raw.total,
        };
        Ok((page, verdict))
    }

    /// Records a page's total; returns by how much it shrank.
    fn take_total(&mut self, total: Option<u64>) -> u64 {
        let Some(total) = total else {
            return 0;
        };
        let shrunk_by = match self.total {
            Some(previous) => previous.saturating_sub(total),
            None => {
                self.seen.reserve_for(total);
                0
            }
        };
        self.total = Some(total);
        shrunk_by
    }

    /// The page's items not yielded before.
    fn drop_repeats<T: Keyed>(&mut self, skip: u64, items: Vec<T>) -> Vec<T> {
        let received = items.len();
        let items: Vec<T> = items
            .into_iter()
            .filter(|item| self.seen.insert(item.key()))
            .collect();
        self.distinct = self.distinct.saturating_add(items.len() as u64);
        if items.len() < received {
            tracing::debug!(skip, repeated = received - items.len(), path = %self.path,
                "dropped items already yielded by an earlier page");
        }
        items
    }

    /// Whether items may remain after the page at `skip` (see [`Arrival`]).
    fn more_remain(&self, skip: u64, received: u64) -> bool {
        let end = skip.saturating_add(received);
        match self.total {
            Some(total) if end <= total => end < total,
            _ => received > 0,
        }
    }

    /// Moves the cursor on after a page.
    fn move_on(&mut self, page: Arrival, shrunk_by: u64) -> Verdict {
        let Arrival {
            skip,
            received,
            fresh,
            ..
        } = page;
        let end = page.end();
        let mut verdict = Verdict::Continue;
        let gap = if received > 0 {
            self.gap_to_reread(skip, fresh)
        } else {
            None
        };
        if shrunk_by > 0 || gap.is_some() {
            self.step_back(skip, end, shrunk_by, gap);
            verdict = Verdict::Reschedule;
        } else if received == 0 {
            verdict = self.after_empty(skip);
        } else if received < self.step && page.more_remain {
            // A short page: what follows starts right after it, and later
            // pages are spaced the same way until a full page comes back.
            self.step = received;
            self.next = end;
            verdict = Verdict::Reschedule;
        } else if received == u64::from(self.size) {
            self.step = received;
        }
        if received > 0 {
            self.empty_from = None;
            // Repeats past a total not yet reached are a server ignoring
            // `skip` (caught by `finish`), not a sign of more items.
            if let Some(total) = self.total
                && end > total
                && (fresh > 0 || self.distinct >= total)
            {
                tracing::debug!(skip, received, total, path = %self.path,
                    "the page reaches past x-total-count: reading on one page at a time");
                self.past_total = self.past_total.max(end.saturating_add(self.step));
            }
        }
        verdict
    }

    /// After a page with items at `skip`: the offset to read again from,
    /// when empty pages before it were a gap not yet read twice and the
    /// page brought new items (so every re-read is paid for by progress).
    /// A gap read twice is recorded for [`finish`](Self::finish) instead.
    fn gap_to_reread(&mut self, skip: u64, fresh: u64) -> Option<u64> {
        let from = self.empty_from.filter(|from| *from < skip)?;
        if fresh == 0 && from >= self.gaps_reread_below {
            return None;
        }
        if from < self.gaps_reread_below {
            self.gap.get_or_insert(from);
            tracing::warn!(skip = from, path = %self.path,
                "a page came back empty again while later pages hold items");
            return None;
        }
        tracing::debug!(skip = from, path = %self.path,
            "empty pages before items: reading them again");
        self.gaps_reread_below = skip;
        Some(from)
    }

    /// Steps back after the page at `skip`, which ended at `end`: by what
    /// the total shrank, and to `gap` when there is one to read again.
    fn step_back(&mut self, skip: u64, end: u64, shrunk_by: u64, gap: Option<u64>) {
        let mut to = skip;
        if shrunk_by > 0 {
            tracing::debug!(skip, shrunk_by, path = %self.path,
                "x-total-count dropped: reading again the offsets that shifted");
            self.step_backs = self.step_backs.saturating_add(1);
        }
        if let Some(from) = gap {
            to = to.min(from);
        }
        self.reread_until = self.reread_until.max(end);
        self.next = to.saturating_sub(shrunk_by);
    }

    /// After an empty page at `skip`: the end without a total; before the
    /// total, the start (or continuation) of a run that may be a gap.
    fn after_empty(&mut self, skip: u64) -> Verdict {
        match self.total {
            None => {
                self.ended = true;
                return Verdict::Reschedule;
            }
            Some(total) if skip < total => {
                self.empty_from.get_or_insert(skip);
            }
            Some(_) => {}
        }
        Verdict::Continue
    }

    /// The stall guard: too many pages in a row without a new item end the
    /// listing (re-reads excepted, while the step-back budget lasts).
    fn guard_progress(&mut self, page: Arrival) -> Result<(), Error> {
        let reread = page.skip < self.reread_until && self.step_backs <= MAX_STEP_BACKS;
        if page.fresh == 0 && !reread && (page.more_remain || page.received > 0) {
            self.stalled += 1;
            if page.received > 0 {
                self.repeating_pages += 1;
            }
            if self.stalled >= MAX_PAGES_WITHOUT_PROGRESS {
                self.ended = true;
                return Err(Error::stalled(self.path.clone(), page.skip, self.stalled));
            }
        } else if page.fresh > 0 {
            self.stalled = 0;
        }
        Ok(())
    }

    /// Checks the listing once nothing is left to fetch: fewer distinct
    /// items than the server counted is an error after pages that only
    /// repeated items (a server ignoring `skip`) or after a gap that stayed
    /// empty, never a quiet end.
    pub(crate) fn finish(&self) -> Result<(), Error> {
        let Some(total) = self.total.filter(|total| self.distinct < *total) else {
            return Ok(());
        };
        if self.repeating_pages > 0 {
            return Err(Error::incomplete(self.path.clone(), total, self.distinct));
        }
        if let Some(skip) = self.gap {
            return Err(Error::gap(self.path.clone(), total, self.distinct, skip));
        }
        // Empty pages up to the total: null records, or a count that
        // includes them (JumpCloud's known cause).
        tracing::warn!(path = %self.path, total, yielded = self.distinct,
            "the list ended with fewer items than x-total-count; the last pages were empty");
        Ok(())
    }
}

#[cfg(test)]
mod tests;
