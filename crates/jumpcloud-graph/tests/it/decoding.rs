//! The facade decodes what the real server sends, traps included, into
//! typed results without losing anything.

use crate::common;

use common::{USER, object_id, setup};
use jumpcloud_graph::{AssociationTarget, Grant, GraphType, Sudo};
use serde_json::json;
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, ResponseTemplate};

#[tokio::test]
async fn traversal_results_survive_every_known_trap() {
    let (server, client) = setup().await;
    let body = json!([
        {"id": object_id(1), "type": "system", "compiledAttributes": null,
         "paths": [[{"attributes": null, "to": {"id": object_id(1), "type": "system", "attributes": null}}]]},
        {"id": object_id(2), "type": "a_type_from_2030",
         "compiledAttributes": {
             "sudo": {"enabled": true, "withoutPassword": true},
             "ldapGroups": [{"name": "engineers"}],
             "acme:costCenter": "R&D"
         },
         "paths": [[
             {"to": {"id": object_id(9), "type": "user_group",
                     "attributes": {"ldapGroups": [{"name": "ops"}], "acme:tier": 2}}},
             {"from": {"id": object_id(9), "type": "user_group"},
              "attributes": {"sudo": {"enabled": true, "withoutPassword": true}},
              "to": {"id": object_id(2), "type": "a_type_from_2030"}}
         ]]}
    ]);
    Mock::given(method("GET"))
        .and(path_regex("/systems$"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-total-count", "2")
                .set_body_json(body),
        )
        .mount(&server)
        .await;
    let items = common::systems_of(&client).await.unwrap();
    assert_eq!(items.len(), 2);

    assert!(items[0].attributes().is_empty());
    assert_eq!(items[0].grants(), [Grant::Direct]);
    assert_eq!(
        items[0].paths()[0].edges()[0].from().id().to_string(),
        USER,
        "from filled in"
    );

    let future = &items[1];
    assert!(!future.kind().is_known());
    assert_eq!(future.kind().as_str(), "a_type_from_2030");
    assert_eq!(future.sudo(), Some(Sudo::WithoutPassword));
    assert_eq!(future.attributes().ldap_groups()[0].name, "engineers");
    assert_eq!(future.attributes().other()["acme:costCenter"], "R&D");
    let [Grant::UserGroup(group)] = &future.grants()[..] else {
        panic!("through a group: {:?}", future.grants())
    };
    assert_eq!(group.id().to_string(), object_id(9));
    assert_eq!(group.kind(), &GraphType::UserGroup);
    // The attributes of the node an edge reaches are kept (the group's).
    let reached = future.paths()[0].edges()[0].to_attributes();
    assert_eq!(reached.ldap_groups()[0].name, "ops");
    assert_eq!(reached.other()["acme:tier"], 2);
}

/// The sandbox's recorded-shape bodies (`contract/`), written from the
/// shapes of real JumpCloud traffic: edges of exactly `attributes` and
/// `to`, no `from`, `to` of `attributes` (null or the node's own), `id`
/// and `type`.
const RECORDED: [(&str, &str); 4] = [
    (
        "systems",
        include_str!("../../../jumpcloud-graph-sandbox/tests/it/contract/systems.json"),
    ),
    (
        "applications",
        include_str!("../../../jumpcloud-graph-sandbox/tests/it/contract/applications.json"),
    ),
    (
        "memberof",
        include_str!("../../../jumpcloud-graph-sandbox/tests/it/contract/memberof.json"),
    ),
    (
        "associations",
        include_str!("../../../jumpcloud-graph-sandbox/tests/it/contract/associations.json"),
    ),
];

#[tokio::test]
async fn recorded_shape_bodies_decode_with_from_filled_and_node_attributes_kept() {
    let (server, client) = setup().await;
    for (operation, file) in RECORDED {
        let recorded: serde_json::Value = serde_json::from_str(file).unwrap();
        let body = recorded["body"].clone();
        let count = body.as_array().map_or(0, Vec::len);
        Mock::given(method("GET"))
            .and(path_regex(format!("/{operation}$")))
            .respond_with(
                ResponseTemplate::new(200)
                    .insert_header("x-total-count", count.to_string())
                    .set_body_json(body.clone()),
            )
            .mount(&server)
            .await;
    }
    let user = client.user(USER).unwrap();
    let systems = common::systems_of(&client).await.unwrap();
    let applications = user.applications().try_collect().await.unwrap();
    let groups = user.member_of().try_collect().await.unwrap();
    for bound in systems.iter().chain(&applications).chain(&groups) {
        for path in bound.paths() {
            // Each edge starts where the previous one ended, the first at the user.
            let mut at = USER.to_string();
            for edge in path.edges() {
                assert_eq!(edge.from().id().to_string(), at);
                assert!(edge.from_attributes().is_empty());
                at = edge.to().id().to_string();
            }
            assert_eq!(at, bound.id().to_string());
        }
    }
    // A null `to.attributes` and a null compiledAttributes are empty; a
    // group's own attributes are kept on its node and compiled.
    let through_group = &systems[1].paths()[0].edges()[0];
    assert_eq!(through_group.to().kind(), &GraphType::UserGroup);
    assert_eq!(
        through_group.to_attributes().ldap_groups()[0].name,
        "developers"
    );
    assert!(systems[1].paths()[0].edges()[2].to_attributes().is_empty());
    assert_eq!(systems[0].sudo(), Some(Sudo::WithPassword));
    assert!(applications[0].attributes().is_empty());
    assert_eq!(
        applications[1].attributes().ldap_groups()[0].name,
        "developers"
    );
    assert_eq!(groups[0].attributes().ldap_groups()[0].name, "developers");
    assert!(groups[1].paths()[0].edges()[0].to_attributes().is_empty());

    // One target, one request: the mock answers every target alike.
    let associations = user
        .associations([AssociationTarget::System])
        .try_collect()
        .await
        .unwrap();
    assert_eq!(associations.len(), 2);
    assert_eq!(associations[0].sudo(), Some(Sudo::WithoutPassword));
    assert_eq!(associations[0].edge().from().id().to_string(), USER);
    assert!(associations[1].attributes().is_empty());
}

#[tokio::test]
async fn associations_decode_with_null_attributes_and_unknown_types() {
    let (server, client) = setup().await;
    let body = json!([
        {"attributes": null, "to": {"id": object_id(1), "type": "system"}},
        {"attributes": {"sudo": {"enabled": true, "withoutPassword": false}},
         "to": {"id": object_id(2), "type": "system_group"}},
        {"to": {"id": object_id(3), "type": "a_target_from_2030"}}
    ]);
    Mock::given(method("GET"))
        .and(path_regex("/associations$"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-total-count", "3")
                .set_body_json(body),
        )
        .mount(&server)
        .await;
    let items = client
        .user(USER)
        .unwrap()
        .associations([AssociationTarget::System])
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(items[0].sudo(), None);
    assert_eq!(items[1].sudo(), Some(Sudo::WithPassword));
    assert_eq!(items[2].target().kind().as_str(), "a_target_from_2030");
    assert_eq!(items[2].edge().from().id().to_string(), USER);
}

#[tokio::test]
async fn an_empty_page_with_a_total_is_an_empty_list() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-total-count", "0")
                .set_body_json(json!([])),
        )
        .mount(&server)
        .await;
    let items = client
        .user(USER)
        .unwrap()
        .member_of()
        .try_collect()
        .await
        .unwrap();
    assert!(items.is_empty());
}

#[tokio::test]
async fn a_path_with_no_edges_is_not_called_direct() {
    // Fails on the old code, which classified `[]` as Grant::Direct (and
    // showed it as "direct") while GrantPath::is_direct said no.
    let (server, client) = setup().await;
    let id = object_id(1);
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-total-count", "1")
                .set_body_json(json!([{
                    "id": id,
                    "type": "system",
                    "paths": [[], [{"to": {"id": id, "type": "system"}}]]
                }])),
        )
        .mount(&server)
        .await;
    let items = common::systems_of(&client).await.unwrap();
    let bound = &items[0];
    assert_eq!(bound.grants(), [Grant::Empty, Grant::Direct]);
    assert!(!bound.paths()[0].is_direct());
    assert!(bound.is_direct() && !bound.is_indirect());
    assert_eq!(bound.paths()[0].kind().to_string(), "an empty path");
    let json = serde_json::to_value(bound.paths()[0].kind()).unwrap();
    assert_eq!(json, json!({"kind": "empty"}));
    assert_eq!(serde_json::from_value::<Grant>(json).unwrap(), Grant::Empty);
}
