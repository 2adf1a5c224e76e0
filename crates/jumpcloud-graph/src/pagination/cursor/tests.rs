//! The cursor's rules, one test each, against scripted servers, and two
//! properties: a stable list is never Ok short, a hostile server cannot
//! keep the cursor reading.

use super::*;
use crate::{GraphType, NodeId};

#[derive(Debug, PartialEq)]
struct Item(GraphNode);

impl Keyed for Item {
    fn key(&self) -> &GraphNode {
        &self.0
    }
}

fn id(n: u64) -> GraphNode {
    GraphNode::new(NodeId::from_server(&format!("{n:024x}")), GraphType::System)
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
        assert!(requests < 5000, "the cursor loops");
        match cursor.accept(skip, serve(skip, u64::from(size))) {
            Ok((page, _)) => yielded.extend(
                page.items
                    .iter()
                    .map(|i| u64::from_str_radix(&i.0.id().to_string(), 16).unwrap()),
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

/// A server over `items` with `total`, whose pages at `empty` come back
/// empty the first `times` times they are asked for.
fn with_empty_pages(
    items: &[u64],
    total: u64,
    empty: std::ops::Range<u64>,
    times: usize,
) -> impl FnMut(u64, u64) -> RawPage<Item> {
    let mut asked = std::collections::HashMap::<u64, usize>::new();
    move |skip, limit| {
        let count = asked.entry(skip).or_default();
        *count += 1;
        if empty.contains(&skip) && *count <= times {
            RawPage {
                items: Vec::new(),
                total: Some(total),
            }
        } else {
            page(items, skip, limit, Some(total))
        }
    }
}

#[test]
fn an_empty_page_with_items_after_it_is_read_again_then_an_error() {
    // Offsets 100..200 come back empty every time; 200..300 hold items.
    let items: Vec<u64> = (0..300).collect();
    let serve = with_empty_pages(&items, 300, 100..200, usize::MAX);
    let (yielded, end, requests) = run(100, serve);
    let mut expected: Vec<u64> = (0..100).collect();
    expected.extend(200..300);
    assert_eq!(
        yielded, expected,
        "every item served, in order, before the error"
    );
    let error = end.unwrap_err();
    assert!(error.is_pagination(), "{error}");
    assert!(error.to_string().contains("200 of the 300"), "{error}");
    assert!(error.to_string().contains("skip 100"), "{error}");
    assert_eq!(requests, 5, "0, 100, 200, then 100 and 200 once more");
}

#[test]
fn an_empty_page_read_again_gives_up_its_items() {
    let items: Vec<u64> = (0..300).collect();
    let serve = with_empty_pages(&items, 300, 100..200, 1);
    let (yielded, end, _) = run(100, serve);
    assert!(end.is_ok());
    let mut expected: Vec<u64> = (0..100).collect();
    expected.extend(200..300);
    expected.extend(100..200);
    assert_eq!(
        yielded, expected,
        "the recovered page after the one that revealed it"
    );
}

#[test]
fn a_second_gap_is_read_again_too_and_each_only_once() {
    let items: Vec<u64> = (0..500).collect();
    let mut asked = Vec::new();
    let mut serve = with_empty_pages(&items, 500, 100..101, usize::MAX);
    let mut gaps = with_empty_pages(&items, 500, 300..301, usize::MAX);
    let (yielded, end, _) = run(100, |skip, limit| {
        asked.push(skip);
        if skip == 300 {
            gaps(skip, limit)
        } else {
            serve(skip, limit)
        }
    });
    assert_eq!(yielded.len(), 300);
    assert!(end.unwrap_err().to_string().contains("skip 100"));
    assert_eq!(asked, [0, 100, 200, 100, 200, 300, 400, 300, 400]);
}

#[test]
fn empty_pages_that_reach_the_total_end_ok() {
    // A count that includes null records the pages leave out.
    let items: Vec<u64> = (0..150).collect();
    let (yielded, end, requests) = run(100, |skip, limit| page(&items, skip, limit, Some(250)));
    assert_eq!(yielded, items);
    assert!(end.is_ok(), "every offset up to the total was asked");
    assert_eq!(
        requests, 4,
        "0, 100 (short: later pages 50 apart), 150, 200"
    );
}

#[test]
fn a_third_empty_page_before_the_total_is_an_error() {
    let items: Vec<u64> = (0..150).collect();
    let (yielded, end, requests) = run(100, |skip, limit| page(&items, skip, limit, Some(300)));
    assert_eq!(yielded, items);
    assert!(end.unwrap_err().to_string().contains("stalled"));
    assert_eq!(requests, 5, "0, 100 (short), 150, 200, 250");
}

/// A log line sink for one test's thread.
#[derive(Clone, Default)]
struct Log(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Log {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn an_ok_end_short_of_the_total_is_logged_as_a_warning() {
    let log = Log::default();
    let writer = log.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::WARN)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let items: Vec<u64> = (0..150).collect();
    let (_, end, _) = tracing::subscriber::with_default(subscriber, || {
        run(100, |skip, limit| page(&items, skip, limit, Some(250)))
    });
    assert!(end.is_ok());
    let text = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
    assert!(text.contains("WARN"), "{text}");
    assert!(text.contains("fewer items than x-total-count"), "{text}");
}

#[test]
fn a_gap_followed_only_by_repeats_is_not_read_again() {
    let items: Vec<u64> = (0..300).collect();
    let (yielded, end, requests) = run(100, |skip, limit| match skip {
        100 => RawPage {
            items: Vec::new(),
            total: Some(300),
        },
        200 => page(&items, 0, limit, Some(300)),
        _ => page(&items, skip, limit, Some(300)),
    });
    assert_eq!(yielded, (0..100).collect::<Vec<_>>());
    assert!(end.unwrap_err().to_string().contains("ignore `skip`"));
    assert_eq!(requests, 3, "no re-read without new items");
}

#[test]
fn gaps_that_move_with_every_re_read_cannot_keep_the_cursor_reading() {
    // Found by the hostile-server property: without new items, each
    // re-read of a gap revealed another gap one offset further.
    let script = [(vec![0], None), (vec![0], Some(u64::MAX)), (vec![], None)];
    let mut number = 0;
    let (yielded, end, requests) = run(1, |_, _| {
        let (ids, total) = &script[number % script.len()];
        number += 1;
        RawPage {
            items: ids.iter().map(|n| Item(id(*n))).collect(),
            total: *total,
        }
    });
    assert_eq!(yielded, [0]);
    assert!(end.unwrap_err().is_pagination());
    assert!(requests <= 10, "{requests} requests");
}

#[test]
fn a_huge_total_over_nothing_but_empty_pages_costs_three_requests() {
    let (yielded, end, requests) = run(100, |skip, limit| page(&[], skip, limit, Some(u64::MAX)));
    assert!(yielded.is_empty());
    assert!(end.unwrap_err().to_string().contains("stalled"));
    assert_eq!(requests, MAX_PAGES_WITHOUT_PROGRESS as usize);
}

#[test]
fn a_huge_total_over_empty_pages_ends_in_an_error_after_three_of_them() {
    let items: Vec<u64> = (0..100).collect();
    let (yielded, end, requests) =
        run(100, |skip, limit| page(&items, skip, limit, Some(u64::MAX)));
    assert_eq!(yielded, items);
    assert!(end.unwrap_err().is_pagination());
    assert_eq!(requests, 1 + MAX_PAGES_WITHOUT_PROGRESS as usize);
}

#[test]
fn a_page_longer_than_its_total_is_read_past_until_an_empty_page() {
    let items: Vec<u64> = (0..250).collect();
    let (yielded, end, requests) = run(100, |skip, limit| page(&items, skip, limit, Some(50)));
    assert_eq!(yielded, items);
    assert!(end.is_ok());
    assert_eq!(requests, 4, "0, 100, 200 (short), 250 (empty)");
}

#[test]
fn past_a_low_total_one_page_is_asked_for_at_a_time() {
    let mut cursor = Cursor::new("/t".into(), 100);
    assert_eq!(cursor.next_request(), Some(0));
    let full = RawPage::<Item> {
        items: (0..100).map(|n| Item(id(n))).collect(),
        total: Some(50),
    };
    cursor.accept(0, full).unwrap();
    assert_eq!(cursor.next_request(), Some(100));
    assert_eq!(cursor.next_request(), None, "no read-ahead past the total");
}

#[test]
fn a_short_page_past_a_low_total_loses_nothing() {
    let items: Vec<u64> = (0..250).collect();
    let (yielded, end, _) = run(100, |skip, _| page(&items, skip, 60, Some(50)));
    assert_eq!(yielded, items);
    assert!(end.is_ok());
}

#[test]
fn a_server_that_ignores_skip_under_a_low_total_ends_in_an_error() {
    let items: Vec<u64> = (0..250).collect();
    let (yielded, end, requests) = run(100, |_, limit| page(&items, 0, limit, Some(50)));
    assert_eq!(yielded.len(), 100);
    assert!(end.unwrap_err().is_pagination());
    assert_eq!(requests, 1 + MAX_PAGES_WITHOUT_PROGRESS as usize);
}

#[test]
fn a_system_and_a_system_group_with_one_id_are_two_items() {
    let shared = NodeId::from_server("64b000000000000000000007");
    let page = RawPage {
        items: vec![
            Item(GraphNode::new(shared.clone(), GraphType::System)),
            Item(GraphNode::new(shared.clone(), GraphType::SystemGroup)),
            Item(GraphNode::new(shared, GraphType::System)),
        ],
        total: Some(3),
    };
    let mut cursor = Cursor::new("/t".into(), 100);
    let (page, _) = cursor.accept(0, page).unwrap();
    let kinds: Vec<&GraphType> = page.items.iter().map(|i| i.0.kind()).collect();
    assert_eq!(kinds, [&GraphType::System, &GraphType::SystemGroup]);
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

/// A stable list with null records (positions the pages leave out), or
/// served by a server that caps its pages.
#[derive(Debug)]
struct NullyList {
    positions: Vec<bool>,
    cap: u64,
    total: Option<u64>,
}

impl NullyList {
    fn serve(&self, skip: u64, limit: u64) -> RawPage<Item> {
        let start = skip.min(self.positions.len() as u64) as usize;
        let end = (skip.saturating_add(limit.min(self.cap))).min(self.positions.len() as u64);
        let items = (start..end as usize)
            .filter(|p| self.positions[*p])
            .map(|p| Item(id(p as u64)))
            .collect();
        RawPage {
            items,
            total: self.total,
        }
    }

    /// The items a listing must yield to end Ok: every one at an
    /// offset below the total (every offset up to it is asked for), and
    /// all of them when a page reaches past a total that is too small
    /// (no nulls, and the total does not fall between two pages).
    fn must_yield(&self) -> Vec<u64> {
        let nulls = self.positions.iter().any(|p| !p);
        let below = match self.total {
            Some(total) if nulls || total % self.cap == 0 => total,
            _ => u64::MAX,
        };
        (0..self.positions.len() as u64)
            .filter(|p| self.positions[*p as usize] && *p < below)
            .collect()
    }
}

fn nully_list() -> impl proptest::strategy::Strategy<Value = (NullyList, u32)> {
    use proptest::prelude::*;
    let runs = prop::collection::vec((any::<bool>(), 1usize..150), 0..6);
    (runs, 1u32..=100, 1u64..=100, 0u8..4, 0u64..600).prop_map(
        |(runs, size, cap, which, arbitrary)| {
            let positions: Vec<bool> = runs
                .into_iter()
                .flat_map(|(item, len)| std::iter::repeat_n(item, len))
                .collect();
            let count = positions.iter().filter(|p| **p).count() as u64;
            let total = match which {
                0 => positions.len() as u64,
                1 => count,
                2 => arbitrary,
                _ => u64::MAX,
            };
            // A page that comes back empty cannot show that the server
            // capped it: a capping server is tested without nulls.
            let nulls = count < positions.len() as u64;
            let list = NullyList {
                positions,
                cap: if nulls {
                    u64::from(size)
                } else {
                    cap.min(u64::from(size))
                },
                total: Some(total),
            };
            (list, size)
        },
    )
}

proptest::proptest! {
    /// Whatever the null records, the cap and the total: every item at
    /// most once, a bounded number of requests (`run` checks), and an
    /// Ok end only with every item the docs promise.
    #[test]
    fn a_stable_list_is_never_ok_short((list, size) in nully_list()) {
        let (yielded, end, _) = run(size, |skip, limit| list.serve(skip, limit));
        let mut distinct = yielded.clone();
        distinct.sort_unstable();
        distinct.dedup();
        proptest::prop_assert_eq!(distinct.len(), yielded.len(), "an item twice");
        if end.is_ok() {
            let missing: Vec<u64> = list
                .must_yield()
                .into_iter()
                .filter(|item| distinct.binary_search(item).is_err())
                .collect();
            proptest::prop_assert!(missing.is_empty(), "Ok without {:?}", missing);
        }
    }

    /// A server answering each request from a script (items from a
    /// small pool, any total, empty pages): the listing ends, within
    /// the requests `run` allows, and never yields an item twice.
    #[test]
    fn a_hostile_server_cannot_keep_the_cursor_reading(
        script in proptest::collection::vec(
            (0u64..300, 0u64..=100, proptest::option::of(proptest::prop_oneof![
                0u64..400,
                proptest::strategy::Just(u64::MAX),
            ])),
            1..64,
        ),
        size in 1u32..=100,
    ) {
        let mut number = 0;
        let (yielded, _, _) = run(size, |_, limit| {
            let (first, count, total) = script[number % script.len()];
            number += 1;
            RawPage {
                items: (first..first + count.min(limit)).map(|n| Item(id(n % 300))).collect(),
                total,
            }
        });
        let mut distinct = yielded.clone();
        distinct.sort_unstable();
        distinct.dedup();
        proptest::prop_assert_eq!(distinct.len(), yielded.len(), "an item twice");
    }
}
