//! The traversal cache changes nothing but speed: a sandbox with it and one
//! without answer every read with the same bytes, before and after every
//! kind of write.

use crate::common;

use common::{ACME_KEY, ACME_ORG, GLOBEX_ORG, MSP_KEY, http, id};
use jumpcloud_graph_sandbox::{Fixture, GeneratorConfig, Kind, Sandbox};
use serde_json::{Value, json};

/// A sandbox with the cache, and one without, on the same fixture.
async fn pair(fixture: Fixture) -> (Sandbox, Sandbox) {
    let cached = Sandbox::builder()
        .fixture(fixture.clone())
        .start()
        .await
        .expect("started");
    let uncached = Sandbox::builder()
        .fixture(fixture)
        .traversal_cache(false)
        .start()
        .await
        .expect("started");
    (cached, uncached)
}

/// Status, `x-total-count` and body bytes of `GET {base_url}{path}`.
async fn read(
    sandbox: &Sandbox,
    key: &str,
    org: Option<&str>,
    path: &str,
) -> (u16, String, Vec<u8>) {
    let mut request = http()
        .get(format!("{}{path}", sandbox.base_url()))
        .header("x-api-key", key);
    if let Some(org) = org {
        request = request.header("x-org-id", org);
    }
    let response = request.send().await.expect("answers");
    let status = response.status().as_u16();
    let total = response
        .headers()
        .get("x-total-count")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = response.bytes().await.expect("a body").to_vec();
    (status, total, body)
}

/// Reads `path` from both sandboxes (twice from the cached one, so the
/// second read comes from the cache) and checks the answers are the same.
async fn same(pair: &(Sandbox, Sandbox), key: &str, org: Option<&str>, path: &str) -> Value {
    let (cached, uncached) = pair;
    let fresh = read(uncached, key, org, path).await;
    let first = read(cached, key, org, path).await;
    let second = read(cached, key, org, path).await;
    assert_eq!(first, fresh, "{path}: first read");
    assert_eq!(second, fresh, "{path}: cached read");
    serde_json::from_slice(&fresh.2).expect("JSON")
}

/// `POST /users/{user}/associations` on both sandboxes; both must agree.
async fn write(pair: &(Sandbox, Sandbox), user: &str, body: Value) -> u16 {
    let mut statuses = Vec::new();
    for sandbox in [&pair.0, &pair.1] {
        let response = http()
            .post(format!("{}/users/{user}/associations", sandbox.base_url()))
            .header("x-api-key", ACME_KEY)
            .json(&body)
            .send()
            .await
            .expect("answers");
        statuses.push(response.status().as_u16());
    }
    assert_eq!(statuses[0], statuses[1], "{body}");
    statuses[0]
}

const TRAVERSALS: [&str; 9] = [
    "memberof",
    "applications",
    "directories",
    "gsuites",
    "ldapservers",
    "office365s",
    "radiusservers",
    "systems",
    "systemgroups",
];

const QUERIES: [&str; 5] = [
    "",
    "?limit=2&skip=1",
    "?limit=100&filter=id:ne:653000000000000000000004",
    "?filter=hostname:search:0&filter=os:ne:Windows",
    "?sort=-name&limit=3",
];

#[tokio::test]
async fn every_traversal_of_every_user_reads_the_same_with_and_without_the_cache() {
    let demo = Fixture::demo();
    let pair = pair(demo.clone()).await;
    for (key, org_header, org) in [
        (ACME_KEY, None, &demo["acme"]),
        (MSP_KEY, Some(GLOBEX_ORG), &demo["globex"]),
    ] {
        for user in org.objects_of(Kind::User) {
            for traversal in TRAVERSALS {
                for query in QUERIES {
                    let path = format!("/users/{}/{traversal}{query}", user.id());
                    same(&pair, key, org_header, &path).await;
                }
            }
        }
    }
}

#[tokio::test]
async fn add_update_and_remove_are_each_seen_by_the_next_read() {
    let pair = pair(Fixture::demo()).await;
    let ken = id("ken");
    let systems = format!("/users/{ken}/systems?limit=100");
    let groups = format!("/users/{ken}/systemgroups?limit=100");
    let before = same(&pair, ACME_KEY, None, &systems).await;
    same(&pair, ACME_KEY, None, &groups).await;

    let sudo = json!({"sudo": {"enabled": true, "withoutPassword": false}});
    let add = json!({"op": "add", "type": "system", "id": id("web-01"), "attributes": sudo});
    assert_eq!(write(&pair, &ken, add.clone()).await, 204);
    let added = same(&pair, ACME_KEY, None, &systems).await;
    assert_ne!(added, before, "the binding shows");

    // A refused write changes nothing, cached or not.
    assert_eq!(write(&pair, &ken, add).await, 409);
    assert_eq!(same(&pair, ACME_KEY, None, &systems).await, added);

    let passwordless = json!({"sudo": {"enabled": true, "withoutPassword": true}});
    let update =
        json!({"op": "update", "type": "system", "id": id("web-01"), "attributes": passwordless});
    assert_eq!(write(&pair, &ken, update).await, 204);
    let updated = same(&pair, ACME_KEY, None, &systems).await;
    assert_ne!(updated, added, "the new sudo shows");

    let group = json!({"op": "add", "type": "system_group", "id": id("laptops")});
    assert_eq!(write(&pair, &ken, group.clone()).await, 204);
    same(&pair, ACME_KEY, None, &groups).await;
    let through_group = same(&pair, ACME_KEY, None, &systems).await;
    assert_ne!(through_group, updated, "the group's systems show");

    let remove = json!({"op": "remove", "type": "system", "id": id("web-01")});
    assert_eq!(write(&pair, &ken, remove).await, 204);
    let mut ungroup = group;
    ungroup["op"] = json!("remove");
    assert_eq!(write(&pair, &ken, ungroup).await, 204);
    assert_eq!(same(&pair, ACME_KEY, None, &systems).await, before);
    same(&pair, ACME_KEY, None, &groups).await;
}

#[tokio::test]
async fn a_write_in_one_org_leaves_the_other_orgs_reads_right() {
    let pair = pair(Fixture::demo()).await;
    let hank = format!("/users/{}/systems", id("hank"));
    let ada = format!("/users/{}/systems?limit=100", id("ada"));
    let hank_before = same(&pair, MSP_KEY, Some(GLOBEX_ORG), &hank).await;
    same(&pair, MSP_KEY, Some(ACME_ORG), &ada).await;
    let remove = json!({"op": "remove", "type": "system", "id": id("ada-macbook")});
    assert_eq!(write(&pair, &id("ada"), remove).await, 204);
    same(&pair, MSP_KEY, Some(ACME_ORG), &ada).await;
    assert_eq!(
        same(&pair, MSP_KEY, Some(GLOBEX_ORG), &hank).await,
        hank_before
    );
}

#[tokio::test]
async fn a_large_traversal_pages_the_same_before_and_after_a_write() {
    let config = GeneratorConfig {
        users: 20,
        systems: 450,
        fan_out_user_systems: 450,
        user_groups: 4,
        system_groups: 3,
        ..GeneratorConfig::default()
    };
    let fixture = Fixture::generated(config.clone());
    let fan_out = fixture
        .first_org()
        .id_of(GeneratorConfig::FAN_OUT_USER)
        .to_owned();
    let first_system = fixture.first_org().id_of("system-0").to_owned();
    let pair = pair(fixture).await;
    let key = config.api_key();
    let pages = |skip: usize| format!("/users/{fan_out}/systems?limit=100&skip={skip}");
    for skip in (0..450).step_by(100) {
        same(&pair, &key, None, &pages(skip)).await;
    }
    let remove = json!({"op": "remove", "type": "system", "id": first_system});
    let mut statuses = Vec::new();
    for sandbox in [&pair.0, &pair.1] {
        let response = http()
            .post(format!(
                "{}/users/{fan_out}/associations",
                sandbox.base_url()
            ))
            .header("x-api-key", &key)
            .json(&remove)
            .send()
            .await
            .expect("answers");
        statuses.push(response.status().as_u16());
    }
    assert_eq!(statuses, [204, 204]);
    for skip in (0..450).step_by(100) {
        same(&pair, &key, None, &pages(skip)).await;
    }
}
