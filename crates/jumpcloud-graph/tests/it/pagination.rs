//! Pagination against a mock server: every item exactly once, in order,
//! whatever the list's size and the server's quirks.

use crate::common;

use std::collections::BTreeSet;

use common::{PagedList, Total, USER, object_id, setup};
use futures::TryStreamExt;
use jumpcloud_graph::Error;

/// How many pages in a row may bring nothing new (the documented guard).
const MAX_PAGES_WITHOUT_PROGRESS: usize = 3;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

const SYSTEMS: &str = "/api/v2/users/5f1b0c2e9c1a4b0012345678/systems";

async fn serve(server: &MockServer, list: PagedList) {
    Mock::given(method("GET"))
        .and(path(SYSTEMS))
        .respond_with(list)
        .mount(server)
        .await;
}

/// The `(skip, limit)` of every request the server received, in order.
async fn requested_skips(server: &MockServer) -> Vec<(usize, usize)> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(common::skip_and_limit)
        .collect()
}

fn expected_ids(count: u64) -> Vec<String> {
    (0..count).map(object_id).collect()
}

/// The ids of the user's systems, one page at a time (so that the order of
/// requests is known; prefetch has tests of its own).
async fn collect_ids(client: &jumpcloud_graph::Client) -> Result<Vec<String>, Error> {
    let user = client.user(USER)?;
    let items = user.systems().prefetch(1).try_collect().await?;
    Ok(items.iter().map(|b| b.id().to_string()).collect())
}

async fn check_sizes(count: u64, expected_requests: &[(usize, usize)]) {
    let (server, client) = setup().await;
    serve(&server, PagedList::systems(count)).await;
    assert_eq!(
        collect_ids(&client).await.unwrap(),
        expected_ids(count),
        "{count} items"
    );
    assert_eq!(
        requested_skips(&server).await,
        expected_requests,
        "{count} items"
    );
}

#[tokio::test]
async fn an_empty_list_takes_one_request() {
    check_sizes(0, &[(0, 100)]).await;
}

#[tokio::test]
async fn one_item() {
    check_sizes(1, &[(0, 100)]).await;
}

#[tokio::test]
async fn ninety_nine_items() {
    check_sizes(99, &[(0, 100)]).await;
}

#[tokio::test]
async fn exactly_one_full_page_stops_on_the_total() {
    check_sizes(100, &[(0, 100)]).await;
}

#[tokio::test]
async fn one_hundred_and_one_items() {
    check_sizes(101, &[(0, 100), (100, 100)]).await;
}

#[tokio::test]
async fn two_hundred_and_fifty_items() {
    check_sizes(250, &[(0, 100), (100, 100), (200, 100)]).await;
}

#[tokio::test]
async fn pages_default_to_the_server_maximum_never_its_default_of_ten() {
    let (server, client) = setup().await;
    serve(&server, PagedList::systems(5)).await;
    collect_ids(&client).await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert!(requests[0].url.query().unwrap().contains("limit=100"));
}

#[tokio::test]
async fn a_short_page_mid_stream_is_not_the_end_and_loses_nothing() {
    let (server, client) = setup().await;
    let mut list = PagedList::systems(250);
    // The second page comes back with 40 of its 100 items.
    list.short_page = Some((100, 40));
    serve(&server, list).await;
    assert_eq!(collect_ids(&client).await.unwrap(), expected_ids(250));
    assert_eq!(
        requested_skips(&server).await,
        [(0, 100), (100, 100), (140, 100), (180, 100)],
        "the next page starts after what the short page brought"
    );
}

#[tokio::test]
async fn a_server_that_caps_every_page_below_the_request_loses_nothing() {
    let (server, client) = setup().await;
    let mut list = PagedList::systems(250);
    list.page_cap = Some(50);
    serve(&server, list).await;
    // Fails on the old code: it advanced by 100 and yielded 150 items.
    assert_eq!(collect_ids(&client).await.unwrap(), expected_ids(250));
}

#[tokio::test]
async fn a_server_that_ignores_skip_with_a_total_ends_in_an_error_not_ok() {
    let (server, client) = setup().await;
    let mut list = PagedList::systems(250);
    list.ignore_skip = true;
    serve(&server, list).await;
    // Fails on the old code: the stream ended Ok with 100 of 250 items.
    let error = collect_ids(&client).await.unwrap_err();
    assert!(error.is_pagination(), "{error}");
    assert!(error.to_string().contains("100 of the 250"), "{error}");
}

#[tokio::test]
async fn without_a_total_the_stream_ends_on_an_empty_page() {
    let (server, client) = setup().await;
    let mut list = PagedList::systems(250);
    list.total = Total::Absent;
    list.short_page = Some((100, 40));
    serve(&server, list).await;
    assert_eq!(collect_ids(&client).await.unwrap(), expected_ids(250));
    let skips: Vec<usize> = requested_skips(&server).await.iter().map(|r| r.0).collect();
    assert_eq!(
        skips,
        [0, 100, 140, 180, 250],
        "a short page is not the end; the empty page at 250 is"
    );
}

#[tokio::test]
async fn a_total_that_grows_mid_stream_is_followed() {
    let (server, client) = setup().await;
    let mut list = PagedList::systems(250);
    // The first page claims 150 items; by the second the list has 250.
    list.total = Total::Sequence(vec![150, 250]);
    serve(&server, list).await;
    assert_eq!(collect_ids(&client).await.unwrap(), expected_ids(250));
}

#[tokio::test]
async fn an_item_deleted_mid_listing_hides_no_other_item() {
    let (server, client) = setup().await;
    let mut list = PagedList::systems(250);
    // After the first page, item 5 (already yielded) is deleted: every later
    // item moves one offset to the left.
    list.delete_after_first_request = vec![5];
    serve(&server, list).await;
    let ids = collect_ids(&client).await.unwrap();
    // Fails on the old code: the item at offset 100 was never yielded. It
    // comes after the page that revealed the shift (the re-read).
    let distinct: BTreeSet<&String> = ids.iter().collect();
    assert_eq!(distinct.len(), ids.len(), "no item twice");
    assert_eq!(distinct, expected_ids(250).iter().collect(), "all 250");
}

#[tokio::test]
async fn items_of_good_pages_come_before_a_later_pages_error() {
    let (server, client) = setup().await;
    let mut list = PagedList::systems(300);
    list.fail_request = Some((2, 404));
    serve(&server, list).await;
    let user = client.user(USER).unwrap();
    let mut stream = user.systems().prefetch(1).stream();
    let mut ids = Vec::new();
    let error = loop {
        match stream.try_next().await {
            Ok(Some(item)) => ids.push(item.id().to_string()),
            Ok(None) => panic!("the third page must fail"),
            Err(error) => break error,
        }
    };
    assert_eq!(ids, expected_ids(200), "the 200 good items come first");
    assert!(error.is_not_found(), "{error}");
    assert!(
        stream.try_next().await.unwrap().is_none(),
        "the stream ends after its error"
    );
}

#[tokio::test]
async fn a_server_that_repeats_the_same_full_page_forever_ends_with_an_error() {
    let (server, client) = setup().await;
    let mut list = PagedList::systems(300);
    list.total = Total::Absent;
    list.ignore_skip = true;
    serve(&server, list).await;
    let user = client.user(USER).unwrap();
    let mut stream = user.systems().prefetch(1).stream();
    let mut ids = BTreeSet::new();
    let error = loop {
        match stream.try_next().await {
            Ok(Some(item)) => assert!(ids.insert(item.id().to_string()), "no item twice"),
            Ok(None) => panic!("must not end quietly"),
            Err(error) => break error,
        }
    };
    assert_eq!(ids.len(), 100, "the first page's items, once each");
    assert!(error.is_pagination(), "{error}");
    assert!(error.to_string().contains("stalled"), "{error}");
    let requests = server.received_requests().await.unwrap().len();
    assert_eq!(requests, 1 + MAX_PAGES_WITHOUT_PROGRESS);
}

#[tokio::test]
async fn pages_carry_their_skip_and_total() {
    let (server, client) = setup().await;
    serve(&server, PagedList::systems(150)).await;
    let user = client.user(USER).unwrap();
    let pages: Vec<_> = user
        .systems()
        .page_size(60)
        .prefetch(1)
        .pages()
        .try_collect()
        .await
        .unwrap();
    let shape: Vec<(u64, usize, Option<u64>)> = pages
        .iter()
        .map(|p| (p.skip(), p.len(), p.total()))
        .collect();
    assert_eq!(
        shape,
        [
            (0, 60, Some(150)),
            (60, 60, Some(150)),
            (120, 30, Some(150))
        ]
    );
}

#[tokio::test]
async fn nothing_is_requested_until_the_stream_is_polled() {
    let (server, client) = setup().await;
    serve(&server, PagedList::systems(10)).await;
    let user = client.user(USER).unwrap();
    let stream = user.systems().stream();
    assert!(server.received_requests().await.unwrap().is_empty());
    drop(stream);
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_retried_page_neither_loses_nor_repeats_items() {
    let (server, client) = setup().await;
    let mut list = PagedList::systems(250);
    list.fail_request = Some((1, 503));
    serve(&server, list).await;
    assert_eq!(collect_ids(&client).await.unwrap(), expected_ids(250));
    assert_eq!(
        requested_skips(&server).await,
        [(0, 100), (100, 100), (100, 100), (200, 100)],
        "the failed page is asked for again"
    );
}

/// Streams the user's systems from `list` with `depth` pages in flight:
/// the ids yielded, how the stream ended, and the skips requested.
async fn stream_with_prefetch(
    list: PagedList,
    depth: usize,
) -> (Vec<String>, Result<(), Error>, Vec<usize>) {
    let (server, client) = setup().await;
    serve(&server, list).await;
    let user = client.user(USER).unwrap();
    let mut stream = user.systems().prefetch(depth).stream();
    let mut ids = Vec::new();
    let end = loop {
        match stream.try_next().await {
            Ok(Some(item)) => ids.push(item.id().to_string()),
            Ok(None) => break Ok(()),
            Err(error) => break Err(error),
        }
    };
    let skips = requested_skips(&server).await.iter().map(|r| r.0).collect();
    (ids, end, skips)
}

#[tokio::test]
async fn a_page_longer_than_its_total_is_not_the_end() {
    for depth in [1, 4] {
        let mut list = PagedList::systems(250);
        // Every page claims 50 items; the list holds 250.
        list.total = Total::Sequence(vec![50]);
        let (ids, end, skips) = stream_with_prefetch(list, depth).await;
        // Fails on the old code: Ok after one request, with 100 of the 250.
        end.unwrap();
        assert_eq!(ids.len(), 250, "prefetch({depth})");
        assert_eq!(ids, expected_ids(250), "prefetch({depth})");
        assert_eq!(
            skips,
            [0, 100, 200, 250],
            "prefetch({depth}): past a contradicted total, one page at a time until an empty one"
        );
    }
}

#[tokio::test]
async fn pages_past_a_contradicted_total_carry_the_total_sent() {
    let (server, client) = setup().await;
    let mut list = PagedList::systems(150);
    list.total = Total::Sequence(vec![50]);
    serve(&server, list).await;
    let user = client.user(USER).unwrap();
    let pages: Vec<_> = user.systems().pages().try_collect().await.unwrap();
    let shape: Vec<(u64, usize, Option<u64>)> = pages
        .iter()
        .map(|p| (p.skip(), p.len(), p.total()))
        .collect();
    // Fails on the old code: one page, (0, 100, Some(50)).
    assert_eq!(
        shape,
        [(0, 100, Some(50)), (100, 50, Some(50)), (150, 0, Some(50))]
    );
}

#[tokio::test]
async fn an_empty_page_before_items_and_the_total_ends_in_an_error_after_every_item() {
    for depth in [1, 4] {
        let mut list = PagedList::systems(250);
        list.empty_at = vec![(100, usize::MAX)];
        let (ids, end, skips) = stream_with_prefetch(list, depth).await;
        // Fails on the old code: Ok with 150 of the 250 items.
        let error = end.unwrap_err();
        assert!(error.is_pagination(), "prefetch({depth}): {error}");
        assert!(error.to_string().contains("skip 100"), "{error}");
        let mut expected = expected_ids(100);
        expected.extend((200..250).map(object_id));
        assert_eq!(ids, expected, "prefetch({depth}): every item served, once");
        assert_eq!(
            skips,
            [0, 100, 200, 100, 200],
            "prefetch({depth}): the empty page is asked for once more, then no more"
        );
    }
}

#[tokio::test]
async fn a_page_that_came_back_empty_once_is_read_again_and_nothing_is_lost() {
    for depth in [1, 4] {
        let mut list = PagedList::systems(250);
        list.empty_at = vec![(100, 1)];
        let (ids, end, _) = stream_with_prefetch(list, depth).await;
        // Fails on the old code: Ok with 150 of the 250 items.
        end.unwrap();
        assert_eq!(ids.len(), 250, "prefetch({depth})");
        let distinct: BTreeSet<&String> = ids.iter().collect();
        assert_eq!(
            distinct.len(),
            ids.len(),
            "prefetch({depth}): no item twice"
        );
        assert_eq!(
            distinct,
            expected_ids(250).iter().collect(),
            "prefetch({depth})"
        );
    }
}

#[tokio::test]
async fn empty_pages_that_reach_the_total_end_ok() {
    // JumpCloud counts null records that its pages leave out: the last
    // offsets up to the total come back empty.
    for depth in [1, 4] {
        let mut list = PagedList::systems(150);
        list.total = Total::Sequence(vec![250]);
        let (ids, end, skips) = stream_with_prefetch(list, depth).await;
        end.unwrap();
        assert_eq!(ids, expected_ids(150), "prefetch({depth})");
        if depth == 1 {
            // The short page at 100 spaces later pages by 50.
            assert_eq!(skips, [0, 100, 150, 200], "every offset asked");
        }
    }
}

#[tokio::test]
async fn a_huge_total_over_empty_pages_ends_in_an_error_after_a_few_requests() {
    for depth in [1, 4] {
        let mut list = PagedList::systems(100);
        list.total = Total::Sequence(vec![usize::MAX]);
        let (ids, end, skips) = stream_with_prefetch(list, depth).await;
        assert_eq!(ids, expected_ids(100), "prefetch({depth})");
        let error = end.unwrap_err();
        assert!(error.is_pagination(), "prefetch({depth}): {error}");
        assert!(
            skips.len() <= 1 + MAX_PAGES_WITHOUT_PROGRESS + depth,
            "prefetch({depth}): {} requests",
            skips.len()
        );
    }
}

#[tokio::test]
async fn without_a_total_an_empty_page_is_the_end_whatever_follows() {
    for depth in [1, 4] {
        let mut list = PagedList::systems(300);
        list.total = Total::Absent;
        list.empty_at = vec![(100, usize::MAX)];
        let (ids, end, _) = stream_with_prefetch(list, depth).await;
        end.unwrap();
        assert_eq!(
            ids,
            expected_ids(100),
            "prefetch({depth}): the same end at every depth"
        );
    }
}

/// A traversal result for a system group with the `n`-th test id.
fn system_group(n: u64) -> serde_json::Value {
    serde_json::json!({
        "id": object_id(n),
        "type": "system_group",
        "compiledAttributes": null,
        "paths": [[{"attributes": null, "to": {"id": object_id(n), "type": "system_group"}}]]
    })
}

#[tokio::test]
async fn a_system_and_a_system_group_sharing_an_id_are_two_items() {
    for depth in [1, 4] {
        let list = PagedList::new(vec![common::system(7), system_group(7), common::system(8)]);
        let (server, client) = setup().await;
        serve(&server, list).await;
        let user = client.user(USER).unwrap();
        let items = user.systems().prefetch(depth).try_collect().await.unwrap();
        let nodes: Vec<String> = items.iter().map(|b| b.node().to_string()).collect();
        // Fails on the old code: the system group was dropped as a repeat.
        assert_eq!(
            nodes,
            [
                format!("system {}", object_id(7)),
                format!("system_group {}", object_id(7)),
                format!("system {}", object_id(8)),
            ],
            "prefetch({depth})"
        );
    }
}
