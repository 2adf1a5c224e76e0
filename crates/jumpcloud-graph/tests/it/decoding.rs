//! The facade decodes what the real server sends, traps included, into
//! typed results without losing anything.

use crate::common;

use common::{USER, object_id, setup};
use jumpcloud_graph::fuzzing::decode_bound_objects;
use jumpcloud_graph::{Association, AssociationTarget, Client, Grant, GraphType, Presence, Sudo};
use jumpcloud_graph_openapi::types;
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
    let items = associations_from(json!([
        {"attributes": null, "to": {"id": object_id(1), "type": "system"}},
        {"attributes": {"sudo": {"enabled": true, "withoutPassword": false}},
         "to": {"id": object_id(2), "type": "system_group"}},
        {"to": {"id": object_id(3), "type": "a_target_from_2030"}}
    ]))
    .await;
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

/// A mock server answering the requests whose path ends with `path_end`
/// with `body` (and its length as `x-total-count`), and a client for it.
async fn serving(path_end: &str, body: serde_json::Value) -> (wiremock::MockServer, Client) {
    let (server, client) = setup().await;
    let total = body.as_array().map_or(0, Vec::len);
    Mock::given(method("GET"))
        .and(path_regex(format!("{path_end}$")))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-total-count", total.to_string().as_str())
                .set_body_json(body),
        )
        .mount(&server)
        .await;
    (server, client)
}

/// A traversal page decoded by the client, each item serialized with the
/// crate's serde shapes.
async fn systems_as_json(body: serde_json::Value) -> Vec<serde_json::Value> {
    let (_server, client) = serving("/systems", body).await;
    let items = common::systems_of(&client).await.unwrap();
    items
        .iter()
        .map(|item| serde_json::to_value(item).unwrap())
        .collect()
}

/// An `associations` page decoded by the client.
async fn associations_from(body: serde_json::Value) -> Vec<Association> {
    let (_server, client) = serving("/associations", body).await;
    client
        .user(USER)
        .unwrap()
        .associations([AssociationTarget::System])
        .try_collect()
        .await
        .unwrap()
}

#[tokio::test]
async fn null_empty_and_absent_attributes_serialize_as_they_came() {
    // Fails on the old code: `null` and absent both came out as `{}` (and
    // an empty `to_attributes` was left out), so the three could not be
    // told apart.
    let to = |n: u64| json!({"id": object_id(n), "type": "system"});
    let items = systems_as_json(json!([
        {"id": object_id(1), "type": "system",
         "paths": [[{"to": to(1)}]]},
        {"id": object_id(2), "type": "system", "compiledAttributes": null,
         "paths": [[{"attributes": null,
                     "to": {"id": object_id(2), "type": "system", "attributes": null}}]]},
        {"id": object_id(3), "type": "system", "compiledAttributes": {},
         "paths": [[
             {"attributes": {}, "to": {"id": object_id(9), "type": "user_group", "attributes": {}}},
             {"attributes": {}, "from": {"id": object_id(9), "type": "user_group", "attributes": null},
              "to": to(3)}
         ]]}
    ]))
    .await;
    let edge = |item: &serde_json::Value, n: usize| item["paths"][0]["edges"][n].clone();

    let absent = &items[0];
    assert!(absent.get("compiled_attributes").is_none(), "{absent}");
    assert!(edge(absent, 0).get("attributes").is_none(), "{absent}");
    assert!(edge(absent, 0).get("to_attributes").is_none(), "{absent}");

    let null = &items[1];
    assert_eq!(null["compiled_attributes"], json!(null), "{null}");
    assert_eq!(edge(null, 0)["attributes"], json!(null), "{null}");
    assert_eq!(edge(null, 0)["to_attributes"], json!(null), "{null}");

    let empty = &items[2];
    assert_eq!(empty["compiled_attributes"], json!({}), "{empty}");
    assert_eq!(edge(empty, 0)["attributes"], json!({}), "{empty}");
    assert_eq!(edge(empty, 0)["to_attributes"], json!({}), "{empty}");
    assert!(edge(empty, 0).get("from_attributes").is_none(), "{empty}");
    assert_eq!(edge(empty, 1)["from_attributes"], json!(null), "{empty}");
}

#[tokio::test]
async fn unknown_keys_are_kept_at_every_level() {
    // Fails on the old code, which dropped every key it did not model: a
    // field JumpCloud adds next year would vanish from the output.
    let items = systems_as_json(json!([
        {"id": object_id(1), "type": "system", "compiledAttributes": null,
         "displayLabel": "web-01", "risk": {"score": 7, "tags": ["a", null]},
         "paths": [[
             {"attributes": null, "weight": 3,
              "to": {"id": object_id(9), "type": "user_group", "attributes": null, "status": "active"}},
             {"attributes": null, "from": {"id": object_id(9), "type": "user_group", "since": 2030},
              "to": {"id": object_id(1), "type": "system"}}
         ]]}
    ]))
    .await;
    let item = &items[0];
    assert_eq!(
        item["other"],
        json!({"displayLabel": "web-01", "risk": {"score": 7, "tags": ["a", null]}}),
        "{item}"
    );
    let edges = &item["paths"][0]["edges"];
    assert_eq!(edges[0]["other"], json!({"weight": 3}), "{item}");
    assert_eq!(edges[0]["to_other"], json!({"status": "active"}), "{item}");
    assert_eq!(edges[1]["from_other"], json!({"since": 2030}), "{item}");
    // Nothing unknown, nothing written: no empty `other` anywhere else.
    assert!(edges[1].get("other").is_none(), "{item}");
    assert!(edges[1].get("to_other").is_none(), "{item}");
    assert!(edges[0].get("from_other").is_none(), "{item}");
}

#[tokio::test]
async fn associations_keep_unknown_keys_and_null_attributes() {
    // Fails on the old code (unknown keys dropped, `null` written as `{}`).
    let items = associations_from(json!([
        {"attributes": null, "grantedAt": "2030-01-01",
         "to": {"id": object_id(1), "type": "system", "attributes": {}, "os": "Ubuntu"}},
        {"to": {"id": object_id(2), "type": "system"}}
    ]))
    .await;
    let first = serde_json::to_value(&items[0]).unwrap();
    assert_eq!(first["attributes"], json!(null), "{first}");
    assert_eq!(first["to_attributes"], json!({}), "{first}");
    assert_eq!(
        first["other"],
        json!({"grantedAt": "2030-01-01"}),
        "{first}"
    );
    assert_eq!(first["to_other"], json!({"os": "Ubuntu"}), "{first}");
    let second = serde_json::to_value(&items[1]).unwrap();
    assert_eq!(
        second,
        json!({"from": {"id": USER, "type": "user"}, "to": {"id": object_id(2), "type": "system"}}),
        "absent attributes stay absent"
    );
}

#[test]
fn the_three_states_and_unknown_keys_are_in_the_rust_api_too() {
    let user = USER.parse().unwrap();
    let body = json!([
        {"id": object_id(1), "type": "system", "compiledAttributes": null, "riskScore": 7,
         "externalId": null, "syncStatus": null,
         "paths": [[{"attributes": {}, "weight": 3,
                     "to": {"id": object_id(1), "type": "system", "os": "Ubuntu"}}]]},
        {"id": object_id(2), "type": "system", "paths": [[{"attributes": "yes",
                     "to": {"id": object_id(2), "type": "system"}}]]}
    ]);
    let items = decode_bound_objects(user, body.to_string().as_bytes(), 100).unwrap();
    let [first, second] = &items[..] else {
        panic!("two items")
    };
    assert_eq!(first.attributes().presence(), Presence::Null);
    assert_eq!(second.attributes().presence(), Presence::Absent);
    assert_eq!(first.other()["riskScore"], 7);
    assert!(second.other().is_empty());
    assert_eq!((first.external_id(), second.external_id()), (None, None));
    assert_eq!(first.sync_status(), Some(&json!(null)));
    assert_eq!(second.sync_status(), None);
    let edge = &first.paths()[0].edges()[0];
    assert_eq!(edge.attributes().presence(), Presence::Object);
    assert_eq!(edge.to_attributes().presence(), Presence::Absent);
    assert_eq!(edge.from_attributes().presence(), Presence::Absent);
    assert_eq!(edge.other()["weight"], 3);
    assert_eq!(edge.to_other()["os"], "Ubuntu");
    assert!(edge.from_other().is_empty());
    // `null` and absent externalId / syncStatus are told apart in JSON.
    let json = serde_json::to_value(first).unwrap();
    assert_eq!(
        (&json["external_id"], &json["sync_status"]),
        (&json!(null), &json!(null))
    );
    let json = serde_json::to_value(second).unwrap();
    assert!(json.get("external_id").is_none() && json.get("sync_status").is_none());
    assert!(json.get("compiled_attributes").is_none());
    // Attributes that are not an object are kept under the key "".
    assert_eq!(second.paths()[0].edges()[0].attributes().other()[""], "yes");
    assert_eq!(
        json["paths"][0]["edges"][0]["attributes"],
        json!({"": "yes"})
    );
}

#[test]
fn a_known_key_is_never_in_other() {
    // Known fields win: a body repeating a known key is an error (as for
    // the generated types), never a second copy in `other`; a key that
    // only differs in case is not the known key.
    let user = USER.parse().unwrap();
    let repeated = format!(
        r#"[{{"id": "{0}", "type": "system", "paths": [], "id": "{0}"}}]"#,
        object_id(1)
    );
    let error = decode_bound_objects(user, repeated.as_bytes(), 100).unwrap_err();
    assert!(error.is_decode(), "{error}");
    assert!(serde_json::from_str::<Vec<types::GraphObjectWithPaths>>(&repeated).is_err());
    let cased = json!([{"id": object_id(1), "type": "system", "paths": [], "ID": "x", "Type": 1}]);
    let items = decode_bound_objects(user, cased.to_string().as_bytes(), 100).unwrap();
    let keys: Vec<&String> = items[0].other().keys().collect();
    assert_eq!(keys, ["ID", "Type"]);
}

/// `[[[..1..]]]`, `depth` arrays deep.
fn nested(depth: usize) -> String {
    format!("{}1{}", "[".repeat(depth), "]".repeat(depth))
}

#[test]
fn an_unknown_key_nested_past_serde_jsons_limit_is_kept_as_its_text() {
    // serde_json's depth limit stays on: a value nested 128 levels or more
    // (counted from the value) is not built, so nothing recurses or drops
    // that deep; it is kept as its JSON text. The generated types skip the
    // key without a limit, so failing the page would refuse what they read.
    let user = USER.parse().unwrap();
    for depth in [100, 127, 128, 5_000] {
        let body = format!(
            r#"[{{"id": "{}", "type": "system", "paths": [[{{"to": {{"id": "{}", "type": "system", "deep": {}}}}}]], "deep": {}}}]"#,
            object_id(1),
            object_id(1),
            nested(depth),
            nested(depth),
        );
        assert!(serde_json::from_str::<Vec<types::GraphObjectWithPaths>>(&body).is_ok());
        let items = decode_bound_objects(user, body.as_bytes(), 100).unwrap();
        let edge = &items[0].paths()[0].edges()[0];
        for kept in [&items[0].other()["deep"], &edge.to_other()["deep"]] {
            if depth < 128 {
                assert!(kept.is_array(), "depth {depth}");
                assert_eq!(kept.to_string(), nested(depth));
            } else {
                assert_eq!(kept, &json!(nested(depth)), "depth {depth}");
            }
        }
    }
}

#[test]
fn attributes_nested_past_the_limit_fail_the_page_for_both_decoders() {
    // Attribute values are read (not skipped) by the generated types too:
    // both refuse them, neither panics.
    let user = USER.parse().unwrap();
    let body = format!(
        r#"[{{"id": "{}", "type": "system", "compiledAttributes": {{"k": {}}}, "paths": []}}]"#,
        object_id(1),
        nested(10_000)
    );
    assert!(
        decode_bound_objects(user, body.as_bytes(), 100)
            .unwrap_err()
            .is_decode()
    );
    assert!(serde_json::from_str::<Vec<types::GraphObjectWithPaths>>(&body).is_err());
}

#[test]
fn a_server_key_named_like_a_field_we_may_add_stays_under_other() {
    // Room for fields the crate adds later (a `name` from lookups, say):
    // the server's unknown keys never land beside the crate's own keys, so
    // a `name` the server sends today cannot meet one the crate writes.
    let user = USER.parse().unwrap();
    let body = json!([{"id": object_id(1), "type": "system", "name": "web-01",
                       "paths": [[{"name": "binding",
                                   "to": {"id": object_id(1), "type": "system", "name": "web-01"}}]]}]);
    let items = decode_bound_objects(user, body.to_string().as_bytes(), 100).unwrap();
    let json = serde_json::to_value(&items[0]).unwrap();
    assert!(json.get("name").is_none(), "{json}");
    assert_eq!(json["other"], json!({"name": "web-01"}), "{json}");
    let edge = &json["paths"][0]["edges"][0];
    assert!(
        edge.get("name").is_none() && edge["to"].get("name").is_none(),
        "{edge}"
    );
    assert_eq!(edge["other"], json!({"name": "binding"}), "{edge}");
    assert_eq!(edge["to_other"], json!({"name": "web-01"}), "{edge}");
}
