//! Paging, `x-total-count`, filters, sort and `targets` over HTTP.

use crate::common;

use common::{ACME_KEY, get, http, id, ids, json, total};
use jumpcloud_graph_sandbox::{Fixture, GeneratorConfig, Sandbox};
use serde_json::Value;

/// `GET /users/{user}/{operation}` with repeated query parameters.
async fn query(
    sandbox: &Sandbox,
    user: &str,
    operation: &str,
    params: &[(&str, &str)],
) -> (u16, Option<u64>, Value) {
    let response = http()
        .get(format!("{}/users/{user}/{operation}", sandbox.base_url()))
        .header("x-api-key", ACME_KEY)
        .query(params)
        .send()
        .await
        .expect("answer");
    json(response).await
}

#[tokio::test]
async fn default_page_is_10_items_ordered_by_id_with_the_total() {
    let sandbox = Sandbox::start(GeneratorConfig {
        users: 5,
        systems: 25,
        fan_out_user_systems: 25,
        ..GeneratorConfig::default()
    })
    .await;
    let fan_out = sandbox
        .fixture()
        .first_org()
        .id_of(GeneratorConfig::FAN_OUT_USER)
        .to_owned();
    let key = sandbox.api_key().to_owned();
    let response = common::get_with(
        &sandbox,
        &format!("/users/{fan_out}/systems"),
        Some(&key),
        None,
    )
    .await;
    let (status, count, body) = json(response).await;
    assert_eq!((status, count), (200, Some(25)));
    let page = ids(&body);
    assert_eq!(page.len(), 10);
    let mut sorted = page.clone();
    sorted.sort();
    assert_eq!(page, sorted);
}

#[tokio::test]
async fn skip_and_limit_page_through_everything_once() {
    let sandbox = Sandbox::start(GeneratorConfig {
        users: 5,
        systems: 25,
        fan_out_user_systems: 25,
        ..GeneratorConfig::default()
    })
    .await;
    let org = sandbox.fixture().first_org();
    let fan_out = org.id_of(GeneratorConfig::FAN_OUT_USER);
    let key = sandbox.api_key();
    let mut seen = Vec::new();
    for skip in (0..=30).step_by(7) {
        let path = format!("/users/{fan_out}/systems?limit=7&skip={skip}");
        let (status, count, body) =
            json(common::get_with(&sandbox, &path, Some(key), None).await).await;
        assert_eq!((status, count), (200, Some(25)), "skip={skip}");
        seen.extend(ids(&body));
    }
    let mut expected: Vec<String> = org
        .edges_from(GeneratorConfig::FAN_OUT_USER)
        .into_iter()
        .map(|edge| edge.to.id)
        .collect();
    expected.sort();
    assert_eq!(seen, expected);
}

#[tokio::test]
async fn empty_page_past_the_end_still_carries_the_total() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let (status, count, body) = query(&sandbox, &id("ada"), "systems", &[("skip", "50")]).await;
    assert_eq!(
        (status, count, body),
        (200, Some(6), Value::Array(Vec::new()))
    );
}

#[tokio::test]
async fn every_list_carries_x_total_count() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let ada = id("ada");
    for operation in [
        "associations?targets=system",
        "memberof",
        "applications",
        "directories",
        "gsuites",
        "ldapservers",
        "office365s",
        "radiusservers",
        "systems",
        "systemgroups",
    ] {
        let response = get(&sandbox, &format!("/users/{ada}/{operation}")).await;
        assert_eq!(response.status(), 200, "{operation}");
        let count = total(&response);
        let body: Value = response.json().await.expect("JSON");
        assert_eq!(
            count as usize,
            body.as_array().map_or(0, Vec::len),
            "{operation}"
        );
    }
}

#[tokio::test]
async fn filter_eq_ne_in_and_search_select_systems() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let ada = id("ada");
    let cases: [(&str, Vec<&str>); 6] = [
        ("os:eq:Ubuntu", vec!["grace-thinkpad", "web-01", "db-01"]),
        (
            "os:ne:Ubuntu",
            vec!["ada-macbook", "katherine-surface", "linus-framework"],
        ),
        (
            "os:in:Windows|Fedora",
            vec!["katherine-surface", "linus-framework"],
        ),
        ("hostname:search:WEB", vec!["web-01"]),
        ("displayName:search:postgres", vec!["db-01"]),
        (
            "type:eq:system",
            vec![
                "ada-macbook",
                "grace-thinkpad",
                "katherine-surface",
                "web-01",
                "db-01",
                "linus-framework",
            ],
        ),
    ];
    for (filter, expected) in cases {
        let (status, count, body) = query(&sandbox, &ada, "systems", &[("filter", filter)]).await;
        let expected: Vec<String> = expected.into_iter().map(id).collect();
        assert_eq!(status, 200, "{filter}");
        assert_eq!(count, Some(expected.len() as u64), "{filter}");
        assert_eq!(ids(&body), expected, "{filter}");
    }
}

#[tokio::test]
async fn filter_on_id_selects_one_object() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let web = id("web-01");
    let filter = format!("id:eq:{web}");
    let (_, count, body) = query(&sandbox, &id("ada"), "systems", &[("filter", &filter)]).await;
    assert_eq!((count, ids(&body)), (Some(1), vec![web]));
}

#[tokio::test]
async fn repeated_filters_are_and_ed() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let (_, count, body) = query(
        &sandbox,
        &id("ada"),
        "systems",
        &[("filter", "os:eq:Ubuntu"), ("filter", "hostname:search:01")],
    )
    .await;
    assert_eq!(count, Some(2));
    assert_eq!(ids(&body), [id("web-01"), id("db-01")]);
}

#[tokio::test]
async fn filtered_total_is_counted_before_paging() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let (_, count, body) = query(
        &sandbox,
        &id("ada"),
        "systems",
        &[("filter", "os:eq:Ubuntu"), ("limit", "1"), ("skip", "1")],
    )
    .await;
    assert_eq!((count, ids(&body)), (Some(3), vec![id("web-01")]));
}

#[tokio::test]
async fn memberof_sorts_by_name_ascending_and_descending() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let ada = id("ada");
    let (_, _, ascending) = query(&sandbox, &ada, "memberof", &[("sort", "name")]).await;
    assert_eq!(
        ids(&ascending),
        [id("engineering"), id("everyone"), id("ops")]
    );
    let (_, _, descending) = query(&sandbox, &ada, "memberof", &[("sort", "-name")]).await;
    assert_eq!(
        ids(&descending),
        [id("ops"), id("everyone"), id("engineering")]
    );
    let (_, _, by_id) = query(&sandbox, &ada, "memberof", &[("sort", "-_id")]).await;
    assert_eq!(ids(&by_id), [id("everyone"), id("ops"), id("engineering")]);
}

#[tokio::test]
async fn memberof_filters_on_object_id_and_type() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let ada = id("ada");
    let filter = format!("object_id:eq:{}", id("ops"));
    let (_, count, body) = query(&sandbox, &ada, "memberof", &[("filter", &filter)]).await;
    assert_eq!((count, ids(&body)), (Some(1), vec![id("ops")]));
    let (_, count, _) = query(
        &sandbox,
        &ada,
        "memberof",
        &[("filter", "type:eq:user_group")],
    )
    .await;
    assert_eq!(count, Some(3));
    let (_, count, _) = query(
        &sandbox,
        &ada,
        "memberof",
        &[("filter", "type:eq:system_group")],
    )
    .await;
    assert_eq!(count, Some(0));
}

#[tokio::test]
async fn targets_repeated_and_comma_joined_give_the_same_edges() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let ada = id("ada");
    let repeated = query(
        &sandbox,
        &ada,
        "associations",
        &[("targets", "system"), ("targets", "password_manager_item")],
    )
    .await;
    let joined = query(
        &sandbox,
        &ada,
        "associations",
        &[("targets", "system,password_manager_item")],
    )
    .await;
    assert_eq!(repeated, joined);
    assert_eq!(repeated.1, Some(3));
    let (_, count, body) = query(&sandbox, &ada, "associations", &[("targets", "system")]).await;
    assert_eq!(
        (count, ids(&body)),
        (Some(2), vec![id("ada-macbook"), id("web-01")])
    );
}

#[tokio::test]
async fn associations_list_direct_edges_only() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    // Grace reaches web-01 and db-01 only through Engineering.
    let (_, count, body) = query(
        &sandbox,
        &id("grace"),
        "associations",
        &[("targets", "system,system_group")],
    )
    .await;
    assert_eq!((count, ids(&body)), (Some(1), vec![id("grace-thinkpad")]));
    assert_eq!(body[0]["attributes"]["sudo"]["withoutPassword"], true);
    assert!(body[0].get("from").is_none());
}

#[tokio::test]
async fn filter_between_selects_an_inclusive_range() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let (status, count, body) = query(
        &sandbox,
        &id("ada"),
        "systems",
        &[("filter", "hostname:between:ada-macbook,db-01")],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        (count, ids(&body)),
        (Some(2), vec![id("ada-macbook"), id("db-01")])
    );
    let (status, _, body) = query(
        &sandbox,
        &id("ada"),
        "systems",
        &[("filter", "hostname:between:db-01")],
    )
    .await;
    assert_eq!(status, 400, "{body}");
}
