//! The deterministic generator, served over HTTP: large orgs for pagination
//! tests and benchmarks.

use crate::common;

use std::collections::BTreeSet;

use common::{get_with, ids, json};
use jumpcloud_graph_sandbox::{Fixture, GeneratorConfig, Kind, Sandbox};

#[tokio::test]
async fn fan_out_user_reaches_10_000_systems_page_by_page() {
    let config = GeneratorConfig::default();
    assert_eq!(config.fan_out_user_systems, 10_000);
    let sandbox = Sandbox::start(config.clone()).await;
    let org = sandbox.fixture().first_org();
    assert_eq!(org.objects_of(Kind::System).count(), 10_000);
    assert_eq!(org.objects_of(Kind::User).count(), 2_001);
    let user = org.id_of(GeneratorConfig::FAN_OUT_USER);
    let key = config.api_key();

    let mut seen = Vec::new();
    for page in 0..100 {
        let path = format!("/users/{user}/systems?limit=100&skip={}", page * 100);
        let (status, total, body) = json(get_with(&sandbox, &path, Some(&key), None).await).await;
        assert_eq!((status, total), (200, Some(10_000)), "page {page}");
        seen.extend(ids(&body));
    }
    let unique: BTreeSet<&String> = seen.iter().collect();
    assert_eq!(seen.len(), 10_000);
    assert_eq!(unique.len(), 10_000, "no duplicates across pages");
    assert!(seen.windows(2).all(|w| w[0] < w[1]), "ordered by id");
}

#[tokio::test]
async fn same_config_serves_the_same_graph() {
    let config = GeneratorConfig {
        seed: 99,
        users: 200,
        systems: 500,
        fan_out_user_systems: 0,
        ..GeneratorConfig::default()
    };
    let (a, b) = (
        Sandbox::start(config.clone()).await,
        Sandbox::start(Fixture::generated(config.clone())).await,
    );
    let key = config.api_key();
    let user = a.fixture().first_org().id_of("user-17").to_owned();
    assert_eq!(b.fixture().first_org().id_of("user-17"), user);
    for operation in ["systems", "systemgroups", "applications", "memberof"] {
        let path = format!("/users/{user}/{operation}?limit=100");
        let from_a = json(get_with(&a, &path, Some(&key), None).await).await;
        let from_b = json(get_with(&b, &path, Some(&key), None).await).await;
        assert_eq!(from_a.0, 200, "{operation}");
        assert_eq!(from_a, from_b, "{operation}");
    }
}

#[tokio::test]
async fn generated_users_reach_systems_through_groups() {
    let config = GeneratorConfig {
        users: 100,
        systems: 400,
        fan_out_user_systems: 0,
        ..GeneratorConfig::default()
    };
    let sandbox = Sandbox::start(config.clone()).await;
    let user = sandbox.fixture().first_org().id_of("user-3").to_owned();
    let path = format!("/users/{user}/systems?limit=100");
    let (status, total, body) =
        json(get_with(&sandbox, &path, Some(&config.api_key()), None).await).await;
    assert_eq!(status, 200);
    assert!(
        total.unwrap_or(0) > 0,
        "every user is in a group bound to systems"
    );
    let longest = body
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|system| system["paths"].as_array().into_iter().flatten())
        .map(|path| path.as_array().map_or(0, Vec::len))
        .max();
    assert_eq!(longest, Some(3), "user -> group -> system group -> system");
}
