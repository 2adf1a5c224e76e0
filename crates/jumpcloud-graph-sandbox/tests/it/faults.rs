//! Fault and latency injection do what they say, deterministically.

use crate::common;

use std::time::{Duration, Instant, SystemTime};

use common::{ACME_KEY, get, http, id, post};
use jumpcloud_graph_sandbox::{Fault, FaultPlan, FaultRule, Fixture, RetryAfter, Sandbox};
use serde_json::{Value, json};

fn systems_path() -> String {
    format!("/users/{}/systems", id("ada"))
}

/// Sends `n` GETs one after the other and returns their statuses.
async fn statuses(sandbox: &Sandbox, path: &str, n: usize) -> Vec<u16> {
    let mut statuses = Vec::with_capacity(n);
    for _ in 0..n {
        statuses.push(get(sandbox, path).await.status().as_u16());
    }
    statuses
}

fn add_db_01() -> Value {
    json!({"op": "add", "type": "system", "id": id("db-01")})
}

#[tokio::test]
async fn every_third_request_gets_429() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    sandbox.set_faults(FaultRule::every_nth(3, Fault::status(429)));
    assert_eq!(
        statuses(&sandbox, &systems_path(), 9).await,
        [200, 200, 429, 200, 200, 429, 200, 200, 429]
    );
    let faulted: Vec<u64> = sandbox
        .requests()
        .iter()
        .filter(|r| r.fault.is_some())
        .map(|r| r.number)
        .collect();
    assert_eq!(faulted, [3, 6, 9]);
}

#[tokio::test]
async fn faults_given_at_start_apply_from_the_first_request() {
    let sandbox = Sandbox::builder()
        .faults(FaultRule::first(2, Fault::status(503)))
        .start()
        .await
        .expect("started");
    assert_eq!(
        statuses(&sandbox, &systems_path(), 4).await,
        [503, 503, 200, 200]
    );
}

#[tokio::test]
async fn specific_request_numbers_fail() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    sandbox.set_faults(FaultRule::at([2, 5], Fault::status(500)));
    assert_eq!(
        statuses(&sandbox, &systems_path(), 6).await,
        [200, 500, 200, 200, 500, 200]
    );
}

#[tokio::test]
async fn probability_decisions_repeat_for_the_same_seed() {
    let plan = || {
        FaultPlan::new()
            .seed(2024)
            .rule(FaultRule::with_probability(0.3, Fault::status(503)))
    };
    let first = Sandbox::builder()
        .faults(plan())
        .start()
        .await
        .expect("started");
    let second = Sandbox::builder()
        .faults(plan())
        .start()
        .await
        .expect("started");
    let a = statuses(&first, &systems_path(), 40).await;
    let b = statuses(&second, &systems_path(), 40).await;
    assert_eq!(a, b);
    assert!(a.contains(&503) && a.contains(&200), "{a:?}");
}

#[tokio::test]
async fn retry_after_seconds_is_sent_with_429() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    sandbox.set_faults(FaultRule::always(
        Fault::status(429).retry_after(RetryAfter::Seconds(2)),
    ));
    let response = get(&sandbox, &systems_path()).await;
    assert_eq!(response.status(), 429);
    assert_eq!(response.headers()["retry-after"], "2");
    let body: Value = response.json().await.expect("JSON error body");
    assert_eq!(body["message"], "Too Many Requests");
}

#[tokio::test]
async fn retry_after_http_date_is_a_date_in_the_future() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    sandbox.set_faults(FaultRule::always(
        Fault::status(429).retry_after(RetryAfter::HttpDate(3)),
    ));
    let before = SystemTime::now();
    let response = get(&sandbox, &systems_path()).await;
    assert_eq!(response.status(), 429);
    let value = response.headers()["retry-after"]
        .to_str()
        .expect("ascii")
        .to_owned();
    let at = httpdate::parse_http_date(&value).expect("an HTTP date");
    let wait = at.duration_since(before).expect("in the future");
    assert!(
        wait >= Duration::from_secs(3) && wait <= Duration::from_secs(5),
        "{value}: {wait:?}"
    );
}

#[tokio::test]
async fn rate_limit_without_retry_after_has_no_header() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    sandbox.set_faults(FaultRule::always(Fault::status(429)));
    let response = get(&sandbox, &systems_path()).await;
    assert_eq!(response.status(), 429);
    assert!(response.headers().get("retry-after").is_none());
}

#[tokio::test]
async fn injected_statuses_carry_json_error_bodies() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    for status in [408, 500, 502, 503, 504] {
        sandbox.set_faults(FaultRule::always(Fault::status(status)));
        let response = get(&sandbox, &systems_path()).await;
        assert_eq!(response.status().as_u16(), status);
        assert_eq!(response.headers()["content-type"], "application/json");
        let body = response
            .json::<jumpcloud_graph_openapi::types::Error>()
            .await
            .expect("decodes as types::Error");
        assert!(body.message.is_some(), "{status}");
    }
}

#[tokio::test]
async fn method_filter_faults_only_posts() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    sandbox.set_faults(FaultRule::always(Fault::status(503)).method("POST"));
    assert_eq!(get(&sandbox, &systems_path()).await.status(), 200);
    let path = format!("/users/{}/associations", id("ken"));
    assert_eq!(post(&sandbox, &path, add_db_01()).await.status(), 503);
    assert!(
        sandbox.edges_from("acme", "ken").is_empty(),
        "a faulted write is not applied"
    );
}

#[tokio::test]
async fn path_filter_faults_only_matching_paths() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    sandbox.set_faults(FaultRule::always(Fault::status(502)).path_contains("/systems"));
    assert_eq!(get(&sandbox, &systems_path()).await.status(), 502);
    assert_eq!(
        get(&sandbox, &format!("/users/{}/memberof", id("ada")))
            .await
            .status(),
        200
    );
    // A substring match: `/systemgroups` does not contain `/systems`.
    assert_eq!(
        get(&sandbox, &format!("/users/{}/systemgroups", id("ada")))
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn connection_reset_is_a_transport_error() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    sandbox.set_faults(FaultRule::first(1, Fault::ConnectionReset));
    let result = http()
        .get(format!("{}{}", sandbox.base_url(), systems_path()))
        .header("x-api-key", ACME_KEY)
        .send()
        .await;
    let error = result.expect_err("no response");
    assert!(error.status().is_none() && !error.is_timeout(), "{error:?}");
    assert_eq!(get(&sandbox, &systems_path()).await.status(), 200);
    let log = sandbox.requests();
    assert_eq!(
        (log[0].status, log[0].fault.as_deref()),
        (None, Some("reset"))
    );
}

#[tokio::test]
async fn connection_closed_without_answer_is_a_transport_error() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    sandbox.set_faults(FaultRule::first(1, Fault::ConnectionClosed));
    let result = http()
        .get(format!("{}{}", sandbox.base_url(), systems_path()))
        .header("x-api-key", ACME_KEY)
        .send()
        .await;
    let error = result.expect_err("no response");
    assert!(error.status().is_none(), "{error:?}");
}

#[tokio::test]
async fn html_error_page_is_served_as_text_html() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    sandbox.set_faults(FaultRule::always(Fault::HtmlErrorPage { status: 502 }));
    let response = get(&sandbox, &systems_path()).await;
    assert_eq!(response.status(), 502);
    assert_eq!(response.headers()["content-type"], "text/html");
    let body = response.text().await.expect("body");
    assert!(body.contains("<title>502 Bad Gateway</title>"), "{body}");
}

#[tokio::test]
async fn empty_body_is_a_200_with_nothing_to_decode() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    sandbox.set_faults(FaultRule::always(Fault::EmptyBody));
    let response = get(&sandbox, &systems_path()).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-length"], "0");
    assert!(response.json::<Value>().await.is_err());
}

#[tokio::test]
async fn wrong_content_type_is_a_200_that_is_not_json() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    sandbox.set_faults(FaultRule::always(Fault::WrongContentType));
    let response = get(&sandbox, &systems_path()).await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap_or_default()
            .starts_with("text/plain")
    );
    let text = response.text().await.expect("body");
    assert!(serde_json::from_str::<Value>(&text).is_err(), "{text}");
}

#[tokio::test]
async fn stalled_body_makes_a_client_timeout_fire() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    sandbox.set_faults(FaultRule::first(1, Fault::StalledBody));
    let client = common::http_builder()
        .timeout(Duration::from_secs(1))
        .build()
        .expect("client");
    let response = client
        .get(format!("{}{}", sandbox.base_url(), systems_path()))
        .header("x-api-key", ACME_KEY)
        .send()
        .await
        .expect("the headers arrive");
    assert_eq!(response.status(), 200);
    let error = response
        .bytes()
        .await
        .expect_err("the body never completes");
    assert!(error.is_timeout(), "{error:?}");
}

#[tokio::test]
async fn truncated_body_is_cut_short_but_valid_http() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let full = get(&sandbox, &systems_path())
        .await
        .text()
        .await
        .expect("body");
    sandbox.set_faults(FaultRule::first(1, Fault::TruncatedBody));
    let response = get(&sandbox, &systems_path()).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-total-count"], "6");
    let length: usize = response.headers()["content-length"]
        .to_str()
        .ok()
        .and_then(|v| v.parse().ok())
        .expect("a content-length");
    let cut = response.text().await.expect("a complete (short) HTTP body");
    assert_eq!(cut.len(), length);
    assert_eq!(cut.len(), full.len() / 2);
    assert!(full.starts_with(&cut));
    assert!(serde_json::from_str::<Value>(&cut).is_err());
}

#[tokio::test]
async fn short_page_has_fewer_items_but_the_same_total() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    sandbox.set_faults(FaultRule::first(1, Fault::ShortPage));
    let path = format!("{}?limit=4", systems_path());
    let short = get(&sandbox, &path).await;
    assert_eq!(short.headers()["x-total-count"], "6");
    let short: Vec<Value> = short.json().await.expect("JSON");
    let full: Vec<Value> = get(&sandbox, &path).await.json().await.expect("JSON");
    assert_eq!(full.len(), 4);
    assert_eq!(short.len(), 3);
    assert_eq!(short[..], full[..3]);
}

#[tokio::test]
async fn a_short_v1_page_drops_a_result_but_keeps_the_total_count() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    sandbox.set_faults(FaultRule::first(1, Fault::ShortPage).path_contains("/api/systemusers"));
    let url = format!("{}/systemusers?limit=4", sandbox.v1_base_url());
    let page = || http().get(&url).header("x-api-key", ACME_KEY).send();
    let short: Value = page().await.expect("answers").json().await.expect("JSON");
    let full: Value = page().await.expect("answers").json().await.expect("JSON");
    assert_eq!(short["totalCount"], 5);
    assert_eq!(full["totalCount"], 5);
    assert_eq!(full["results"].as_array().map(Vec::len), Some(4));
    assert_eq!(short["results"].as_array().map(Vec::len), Some(3));
    assert_eq!(
        short["results"].as_array().map(|r| &r[..]),
        full["results"].as_array().map(|r| &r[..3])
    );
}

#[tokio::test]
async fn faults_reach_the_lookups_by_their_paths() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    sandbox.set_faults(FaultRule::always(Fault::status(503)).path_contains("/api/v2/usergroups"));
    let groups = format!("{}/usergroups", sandbox.base_url());
    let status = |url: String| async move {
        let sent = http().get(url).header("x-api-key", ACME_KEY).send();
        sent.await.expect("answers").status().as_u16()
    };
    assert_eq!(status(groups).await, 503);
    assert_eq!(
        status(format!("{}/systemgroups", sandbox.base_url())).await,
        200
    );
    assert_eq!(
        status(format!("{}/systems", sandbox.v1_base_url())).await,
        200
    );
}

#[tokio::test]
async fn lost_response_applies_the_write_and_a_retried_add_is_409() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    sandbox.set_faults(FaultRule::first(1, Fault::LostResponse { status: None }).method("POST"));
    let path = format!("{}/users/{}/associations", sandbox.base_url(), id("ken"));
    let lost = http()
        .post(&path)
        .header("x-api-key", ACME_KEY)
        .json(&add_db_01())
        .send()
        .await;
    assert!(lost.is_err(), "the client gets no answer");
    assert_eq!(
        sandbox.edges_from("acme", "ken").len(),
        1,
        "but the write happened"
    );
    let retry = post(
        &sandbox,
        &format!("/users/{}/associations", id("ken")),
        add_db_01(),
    )
    .await;
    assert_eq!(retry.status(), 409);
}

#[tokio::test]
async fn lost_response_can_answer_502_instead() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    sandbox.set_faults(FaultRule::first(
        1,
        Fault::LostResponse { status: Some(502) },
    ));
    let path = format!("/users/{}/associations", id("ken"));
    assert_eq!(post(&sandbox, &path, add_db_01()).await.status(), 502);
    assert_eq!(post(&sandbox, &path, add_db_01()).await.status(), 409);
}

#[tokio::test]
async fn faults_changed_at_runtime_take_effect_and_restart_counting() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    sandbox.set_faults(FaultRule::every_nth(2, Fault::status(500)));
    assert_eq!(
        statuses(&sandbox, &systems_path(), 3).await,
        [200, 500, 200]
    );
    sandbox.set_faults(FaultRule::every_nth(2, Fault::status(503)));
    assert_eq!(statuses(&sandbox, &systems_path(), 2).await, [200, 503]);
    sandbox.clear_faults();
    assert_eq!(statuses(&sandbox, &systems_path(), 2).await, [200, 200]);
}

#[tokio::test]
async fn latency_delays_every_answer() {
    let sandbox = Sandbox::builder()
        .latency(Duration::from_millis(150))
        .start()
        .await
        .expect("started");
    let started = Instant::now();
    assert_eq!(get(&sandbox, &systems_path()).await.status(), 200);
    assert!(started.elapsed() >= Duration::from_millis(150));
    sandbox.set_latency(Duration::ZERO).expect("within the cap");
    sandbox.set_faults(FaultRule::always(Fault::status(503)));
    sandbox
        .set_latency(Duration::from_millis(100))
        .expect("within the cap");
    let started = Instant::now();
    assert_eq!(get(&sandbox, &systems_path()).await.status(), 503);
    assert!(
        started.elapsed() >= Duration::from_millis(100),
        "faults wait too"
    );
}

#[tokio::test]
async fn max_in_flight_counts_concurrent_requests() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let hold = sandbox.hold_responses();
    let path = systems_path();
    let url = format!("{}{path}", sandbox.base_url());
    let mut requests = tokio::task::JoinSet::new();
    for _ in 0..5 {
        let request = http().get(&url).header("x-api-key", ACME_KEY).send();
        requests.spawn(async move { request.await.map(|r| r.status().as_u16()) });
    }
    // All five are inside the sandbox, held, before any is answered.
    sandbox.wait_for_in_flight(5).await;
    assert_eq!(sandbox.stats().in_flight, 5);
    drop(hold);
    let statuses: Vec<u16> = requests
        .join_all()
        .await
        .into_iter()
        .map(|status| status.expect("answered"))
        .collect();
    assert_eq!(statuses, [200; 5]);
    assert_eq!(sandbox.stats().max_in_flight, 5);
    sandbox.reset_stats();
    assert_eq!(get(&sandbox, &path).await.status(), 200);
    assert_eq!(sandbox.stats().max_in_flight, 1);
}

#[tokio::test]
async fn stats_count_requests_and_faults_by_kind() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    sandbox.set_faults(
        FaultPlan::new()
            .rule(FaultRule::at(
                [1],
                Fault::status(429).retry_after(RetryAfter::Seconds(1)),
            ))
            .rule(FaultRule::at([2, 3], Fault::status(503))),
    );
    statuses(&sandbox, &systems_path(), 4).await;
    let stats = sandbox.stats();
    assert_eq!(stats.requests_total, 4);
    assert_eq!(stats.faults_injected, 3);
    assert_eq!(
        stats.by_fault.into_iter().collect::<Vec<_>>(),
        [("429,retry-after=1".to_owned(), 1), ("503".to_owned(), 2)]
    );
}

#[tokio::test]
async fn request_log_records_each_request_without_the_key() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let path = format!("{}?limit=5", systems_path());
    get(&sandbox, &path).await;
    common::get_with(&sandbox, &systems_path(), None, Some(common::ACME_ORG)).await;
    let log = sandbox.requests();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].method, "GET");
    assert_eq!(log[0].path, format!("/api/v2{}", systems_path()));
    assert_eq!(log[0].query.as_deref(), Some("limit=5"));
    assert_eq!((log[0].status, log[1].status), (Some(200), Some(401)));
    assert_eq!(log[1].x_org_id.as_deref(), Some(common::ACME_ORG));
    assert!(!format!("{log:?}").contains(ACME_KEY));
}

#[tokio::test]
async fn admin_endpoint_changes_faults_on_a_running_sandbox() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let admin = format!("{}/__sandbox", sandbox.root_url());
    let put = http()
        .put(format!("{admin}/faults"))
        .body("# one 503 first\nseed=1\n503,first=1\n")
        .send()
        .await
        .expect("admin answers");
    assert_eq!(put.status(), 204);
    assert_eq!(statuses(&sandbox, &systems_path(), 2).await, [503, 200]);
    let bad = http()
        .put(format!("{admin}/faults"))
        .body("teapot")
        .send()
        .await
        .expect("answer");
    assert_eq!(bad.status(), 400);
    let stats: Value = http()
        .get(format!("{admin}/stats"))
        .send()
        .await
        .expect("admin answers")
        .json()
        .await
        .expect("JSON");
    assert_eq!(stats["requests_total"], 2, "admin requests are not counted");
    assert_eq!(stats["by_fault"]["503"], 1);
    let cleared = http()
        .delete(format!("{admin}/faults"))
        .send()
        .await
        .expect("answer");
    assert_eq!(cleared.status(), 204);
}

/// Sends `n` GETs of `path` with the key `key` at once, on a paused clock;
/// their statuses and `Retry-After`s, in order.
async fn burst(sandbox: &Sandbox, key: &str, n: usize) -> Vec<(u16, Option<String>)> {
    let mut answers = Vec::new();
    for _ in 0..n {
        let response = common::get_with(sandbox, &systems_path(), Some(key), None).await;
        let retry_after = response
            .headers()
            .get("retry-after")
            .map(|v| v.to_str().unwrap_or_default().to_owned());
        answers.push((response.status().as_u16(), retry_after));
    }
    answers
}

#[tokio::test(start_paused = true)]
async fn the_per_key_rate_limit_refuses_past_the_budget_and_refills_with_the_clock() {
    // 120 a minute: two a second, at most two at once.
    let sandbox = Sandbox::builder()
        .rate_limit_per_key(120)
        .start()
        .await
        .expect("started");
    let first = burst(&sandbox, ACME_KEY, 4).await;
    assert_eq!(
        first,
        [
            (200, None),
            (200, None),
            (429, Some("1".into())),
            (429, Some("1".into()))
        ]
    );
    let refused = get(&sandbox, &systems_path()).await;
    assert_eq!(refused.status(), 429);
    let body: Value = refused.json().await.expect("JSON");
    assert_eq!(
        body,
        json!({"error": "Too Many Requests", "message": "Too Many Requests"})
    );
    // Another key has a budget of its own; an unknown key is not counted.
    let hank = format!("/users/{}/systems", id("hank"));
    for _ in 0..2 {
        let response = common::get_with(&sandbox, &hank, Some(common::GLOBEX_KEY), None).await;
        assert_eq!(response.status(), 200);
    }
    for _ in 0..3 {
        let response = common::get_with(&sandbox, &hank, Some("jc-no-such-key-000"), None).await;
        assert_eq!(response.status(), 401);
    }
    tokio::time::advance(Duration::from_millis(500)).await;
    assert_eq!(
        burst(&sandbox, ACME_KEY, 2).await,
        [(200, None), (429, Some("1".into()))]
    );
    let stats = sandbox.stats();
    assert_eq!(stats.rate_limited, 4);
    assert_eq!(stats.faults_injected, 0);
    let logged: Vec<Option<u16>> = sandbox.requests().iter().map(|r| r.status).collect();
    assert_eq!(logged.iter().filter(|s| **s == Some(429)).count(), 4);
}

#[tokio::test(start_paused = true)]
async fn the_directory_lookups_count_against_the_keys_budget_too() {
    // One a second, at most one at once, for the user graph and the v1 and
    // v2 lookups alike: a client naming its results spends the same budget.
    let sandbox = Sandbox::builder()
        .rate_limit_per_key(60)
        .start()
        .await
        .expect("started");
    let status = |url: String| async move {
        let sent = http().get(url).header("x-api-key", ACME_KEY).send();
        sent.await.expect("answers").status().as_u16()
    };
    let graph = || format!("{}{}", sandbox.base_url(), systems_path());
    let v1 = || format!("{}/systemusers", sandbox.v1_base_url());
    let v2 = || format!("{}/usergroups", sandbox.base_url());
    assert_eq!(status(graph()).await, 200);
    assert_eq!(status(v1()).await, 429);
    assert_eq!(status(v2()).await, 429);
    tokio::time::advance(Duration::from_secs(1)).await;
    assert_eq!(status(v1()).await, 200);
    assert_eq!(status(graph()).await, 429);
    tokio::time::advance(Duration::from_secs(1)).await;
    assert_eq!(status(v2()).await, 200);
    assert_eq!(status(v1()).await, 429);
    assert_eq!(sandbox.stats().rate_limited, 4);
}

#[tokio::test(start_paused = true)]
async fn a_service_accounts_tokens_share_one_budget() {
    let sandbox = Sandbox::builder()
        .rate_limit_per_key(60) // one a second
        .start()
        .await
        .expect("started");
    let ada = id("ada");
    let no_retries = |b: jumpcloud_graph::ClientBuilder| {
        b.retry(jumpcloud_graph::RetryPolicy::none())
            .adaptive_rate(false)
    };
    // Two clients, two tokens, one service account.
    let first = sandbox.service_account_client(no_retries).expect("one");
    let second = sandbox.service_account_client(no_retries).expect("one");
    let ok = first
        .user(ada.as_str())
        .expect("id")
        .systems()
        .try_collect()
        .await;
    assert!(ok.is_ok(), "{ok:?}");
    let refused = second
        .user(ada.as_str())
        .expect("id")
        .systems()
        .try_collect()
        .await;
    assert!(
        refused
            .as_ref()
            .is_err_and(jumpcloud_graph::Error::is_rate_limited),
        "{refused:?}"
    );
    assert_eq!(sandbox.stats().tokens_issued, 2);
    assert_eq!(sandbox.stats().rate_limited, 1);
}
