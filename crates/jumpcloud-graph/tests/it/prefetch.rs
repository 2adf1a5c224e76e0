//! Pages requested ahead: order, exactness, errors, cancellation and the
//! client's caps all hold with several page requests in flight.

use crate::common;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::{API_KEY, PagedList, Total, USER, object_id, raw_server, setup, skip_and_limit};
use futures::TryStreamExt;
use futures::future::try_join_all;
use jumpcloud_graph::{Client, RetryPolicy};
use jumpcloud_graph_sandbox::{Fixture, GeneratorConfig, Sandbox};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::Notify;
use wiremock::matchers::method;
use wiremock::{Mock, Request, Respond, ResponseTemplate};

fn expected_ids(count: u64) -> Vec<String> {
    (0..count).map(object_id).collect()
}

/// A [`PagedList`] whose every answer is delayed by a random 0-15 ms, so
/// that pages requested together come back in any order.
struct Jittery(PagedList);

impl Respond for Jittery {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        self.0
            .respond(request)
            .set_delay(Duration::from_millis(fastrand::u64(0..15)))
    }
}

#[tokio::test]
async fn pages_come_out_in_order_and_exactly_once_whatever_order_they_arrive_in() {
    for depth in [2, 4, 8] {
        let (server, client) = setup().await;
        Mock::given(method("GET"))
            .respond_with(Jittery(PagedList::systems(1000)))
            .mount(&server)
            .await;
        let user = client.user(USER).unwrap();
        let items = user.systems().prefetch(depth).try_collect().await.unwrap();
        let ids: Vec<String> = items.iter().map(|b| b.id().to_string()).collect();
        assert_eq!(ids, expected_ids(1000), "prefetch({depth})");
        let mut skips: Vec<usize> = server
            .received_requests()
            .await
            .unwrap()
            .iter()
            .map(|r| skip_and_limit(r).0)
            .collect();
        skips.sort_unstable();
        assert_eq!(
            skips,
            (0..10).map(|p| p * 100).collect::<Vec<_>>(),
            "each page once"
        );
    }
}

#[tokio::test]
async fn an_error_mid_stream_comes_after_the_items_before_it_and_nothing_after() {
    let (server, client) = setup().await;
    let mut list = PagedList::systems(1000);
    list.fail_on_skip = Some((500, 404));
    Mock::given(method("GET"))
        .respond_with(Jittery(list))
        .mount(&server)
        .await;
    let user = client.user(USER).unwrap();
    let mut stream = user.systems().prefetch(8).stream();
    let mut ids = Vec::new();
    let error = loop {
        match stream.try_next().await {
            Ok(Some(item)) => ids.push(item.id().to_string()),
            Ok(None) => panic!("the page at 500 must fail"),
            Err(error) => break error,
        }
    };
    assert_eq!(
        ids,
        expected_ids(500),
        "the items before the failed page, in order"
    );
    assert!(error.is_not_found());
    assert!(
        stream.try_next().await.unwrap().is_none(),
        "nothing after the error"
    );
}

async fn collect_under_prefetch(list: PagedList) -> Vec<String> {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .respond_with(Jittery(list))
        .mount(&server)
        .await;
    let user = client.user(USER).unwrap();
    let items = user.systems().prefetch(8).try_collect().await.unwrap();
    items.iter().map(|b| b.id().to_string()).collect()
}

#[tokio::test]
async fn a_shrinking_total_under_prefetch_hides_no_item() {
    let mut list = PagedList::systems(1000);
    // Items 3-5 are deleted once the first page (which held them) is out:
    // every later page is served shifted left by three.
    list.delete_after_first_request = vec![3, 4, 5];
    let ids = collect_under_prefetch(list).await;
    let distinct: BTreeSet<&String> = ids.iter().collect();
    assert_eq!(distinct.len(), ids.len(), "no item twice");
    assert_eq!(distinct, expected_ids(1000).iter().collect());
}

#[tokio::test]
async fn a_growing_total_under_prefetch_is_followed() {
    let mut list = PagedList::systems(1000);
    // The first page counts 600; the later pages count the 1000.
    list.total = Total::Sequence(vec![600, 1000]);
    assert_eq!(collect_under_prefetch(list).await, expected_ids(1000));
}

#[tokio::test]
async fn a_total_smaller_than_the_pages_under_prefetch_loses_nothing() {
    let mut list = PagedList::systems(1000);
    // Every page counts 50 items: each page past it asks for the next.
    list.total = Total::Sequence(vec![50]);
    assert_eq!(collect_under_prefetch(list).await, expected_ids(1000));
}

#[tokio::test]
async fn pages_missing_once_under_prefetch_are_read_again() {
    let mut list = PagedList::systems(1000);
    list.empty_at = vec![(300, 1), (700, 1)];
    let ids = collect_under_prefetch(list).await;
    let distinct: BTreeSet<&String> = ids.iter().collect();
    assert_eq!(distinct.len(), ids.len(), "no item twice");
    assert_eq!(distinct, expected_ids(1000).iter().collect());
}

#[tokio::test]
async fn dropping_the_stream_closes_the_requests_in_flight() {
    let held = Arc::new(AtomicUsize::new(0));
    let closed = Arc::new(AtomicUsize::new(0));
    let changed = Arc::new(Notify::new());
    let (h, c, n) = (held.clone(), closed.clone(), changed.clone());
    let addr = raw_server(move |head, mut stream| {
        let (held, closed, changed) = (h.clone(), c.clone(), n.clone());
        async move {
            if head.contains("skip=0 ") || head.contains("skip=0&") {
                let page: Vec<Value> = (0..100).map(common::system).collect();
                let body = serde_json::to_vec(&page).unwrap();
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-total-count: 1000\r\n\
                     connection: close\r\ncontent-length: {}\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes()).await;
                let _ = stream.write_all(&body).await;
                return;
            }
            // Hold every later page until the client closes the connection.
            held.fetch_add(1, Ordering::SeqCst);
            changed.notify_waiters();
            let mut buffer = [0u8; 64];
            while matches!(stream.read(&mut buffer).await, Ok(n) if n > 0) {}
            closed.fetch_add(1, Ordering::SeqCst);
            changed.notify_waiters();
        }
    })
    .await;
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url(format!("http://{addr}/api/v2"))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let user = client.user(USER).unwrap();
    let mut stream = user.systems().prefetch(4).stream();
    stream.try_next().await.unwrap().unwrap();
    // The 4 pages ahead are held.
    let wait_for = |counter: Arc<AtomicUsize>, n: usize| {
        let changed = changed.clone();
        async move {
            loop {
                let notified = changed.notified();
                if counter.load(Ordering::SeqCst) >= n {
                    return;
                }
                notified.await;
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(30), wait_for(held.clone(), 4))
        .await
        .expect("four pages were requested ahead");
    drop(stream);
    tokio::time::timeout(Duration::from_secs(30), wait_for(closed.clone(), 4))
        .await
        .expect("the server saw the requests in flight closed");
}

/// A generated org whose fan-out user is bound to `systems` systems, served
/// with `latency` per request.
async fn sandbox_with(systems: usize, latency: Duration) -> (Sandbox, String, GeneratorConfig) {
    let config = GeneratorConfig {
        users: 5,
        systems,
        fan_out_user_systems: systems,
        user_groups: 2,
        system_groups: 2,
        ..GeneratorConfig::default()
    };
    let sandbox = Sandbox::builder()
        .fixture(Fixture::generated(config.clone()))
        .latency(latency)
        .start()
        .await
        .unwrap();
    let user = sandbox
        .fixture()
        .first_org()
        .id_of(GeneratorConfig::FAN_OUT_USER)
        .to_string();
    (sandbox, user, config)
}

#[tokio::test]
async fn one_stream_never_has_more_than_its_prefetch_in_flight() {
    let (sandbox, user, config) = sandbox_with(2000, Duration::from_millis(5)).await;
    let client = sandbox.client_with(|b| b.api_key(config.api_key()));
    let items = client
        .user(user.as_str())
        .unwrap()
        .systems()
        .prefetch(3)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items.len(), 2000);
    let most = sandbox.stats().max_in_flight;
    assert!(
        (2..=3).contains(&most),
        "{most} page requests in flight at once"
    );
}

#[tokio::test]
async fn max_in_flight_holds_across_three_streams_at_prefetch_eight() {
    let (sandbox, user, config) = sandbox_with(1500, Duration::from_millis(5)).await;
    let client = sandbox.client_with(|b| b.api_key(config.api_key()).max_in_flight(4));
    let user = client.user(user.as_str()).unwrap();
    let streams = (0..3).map(|_| user.systems().prefetch(8).try_collect());
    for items in try_join_all(streams).await.unwrap() {
        assert_eq!(items.len(), 1500);
    }
    let most = sandbox.stats().max_in_flight;
    assert!(most <= 4, "{most} requests in flight at once");
    assert!(most >= 2, "the streams did run concurrently ({most})");
}
