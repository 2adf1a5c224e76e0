//! The facade decodes response bodies itself, in one pass, instead of going
//! through the generated types. This checks that it reads exactly what the
//! generated types read: on random schema-valid pages of every list item
//! type, and on the known traps, every field the generated type decodes
//! shows up in the facade's result with the same value.

use jumpcloud_graph::fuzzing::{decode_associations, decode_bound_objects};
use jumpcloud_graph::{Attributes, Edge, GraphNode, ObjectId};
use jumpcloud_graph_openapi::types;
use jumpcloud_graph_tests::json_mock::JsonMock;
use serde_json::{Map, Value, json};

const CASES: u64 = 300;
const USER: &str = "5f1b0c2e9c1a4b0012345678";

fn user() -> ObjectId {
    USER.parse().unwrap()
}

/// The generated attributes as the facade's, through the facade's public
/// constructor (the expected value is built independently of the decoder).
fn attributes(raw: Option<types::GraphAttributes>) -> Attributes {
    raw.map(|a| Attributes::from_map(Map::<String, Value>::from(a)))
        .unwrap_or_default()
}

fn same_node(node: &GraphNode, wire: &types::GraphObject) {
    assert_eq!(node.id().to_string(), canonical(&wire.id));
    assert_eq!(node.kind().as_str(), wire.type_);
}

/// Ids print in lower case when they are ObjectIDs.
fn canonical(id: &str) -> String {
    match id.parse::<ObjectId>() {
        Ok(object) => object.to_string(),
        Err(_) => id.to_string(),
    }
}

fn same_edge(edge: &Edge, wire: &types::GraphConnection, from: &str) {
    same_node(edge.to(), &wire.to);
    assert_eq!(edge.attributes(), &attributes(wire.attributes.clone()));
    assert_eq!(
        edge.to_attributes(),
        &attributes(wire.to.attributes.clone())
    );
    match &wire.from {
        Some(wire_from) => {
            same_node(edge.from(), wire_from);
            assert_eq!(
                edge.from_attributes(),
                &attributes(wire_from.attributes.clone())
            );
        }
        None => assert_eq!(
            edge.from().id().to_string(),
            from,
            "from filled from context"
        ),
    }
}

/// Decodes `body` both ways and compares item by item.
fn compare_bound(body: &[u8]) {
    let generated: Vec<types::GraphObjectWithPaths> = match serde_json::from_slice(body) {
        Ok(items) => items,
        Err(_) => return,
    };
    let facade = decode_bound_objects(user(), body, usize::MAX).unwrap_or_else(|e| {
        panic!(
            "the generated types read it, so must the facade: {e}\n{}",
            String::from_utf8_lossy(body)
        )
    });
    assert_eq!(facade.len(), generated.len());
    for (item, wire) in facade.iter().zip(&generated) {
        assert_eq!(item.id().to_string(), canonical(&wire.id));
        assert_eq!(item.kind().as_str(), wire.type_);
        assert_eq!(
            item.attributes(),
            &attributes(wire.compiled_attributes.clone())
        );
        assert_eq!(item.external_id(), wire.external_id.as_deref());
        // The facade keeps syncStatus as sent; read as the generated type it
        // is the same value.
        let kept = item
            .sync_status()
            .map(|raw| serde_json::from_value::<types::SyncStatus>(raw.clone()).unwrap());
        assert_eq!(kept, wire.sync_status);
        assert_eq!(item.paths().len(), wire.paths.len());
        for (path, wire_path) in item.paths().iter().zip(&wire.paths) {
            assert_eq!(path.edges().len(), wire_path.len());
            let mut from = USER.to_string();
            for (edge, wire_edge) in path.edges().iter().zip(wire_path) {
                same_edge(edge, wire_edge, &from);
                from = canonical(&wire_edge.to.id);
            }
        }
    }
}

fn compare_associations(body: &[u8]) {
    let generated: Vec<types::GraphConnection> = match serde_json::from_slice(body) {
        Ok(items) => items,
        Err(_) => return,
    };
    let facade = decode_associations(user(), body, usize::MAX)
        .unwrap_or_else(|e| panic!("the generated types read it, so must the facade: {e}"));
    assert_eq!(facade.len(), generated.len());
    for (item, wire) in facade.iter().zip(&generated) {
        same_edge(item.edge(), wire, USER);
    }
}

fn random_page<T: schemars::JsonSchema>(seed: u64) -> Vec<u8> {
    let schema = schemars::schema_for!(Vec<T>);
    serde_json::to_vec(&JsonMock::new(&schema, seed).value()).unwrap()
}

#[test]
fn random_traversal_pages_decode_alike() {
    for seed in 0..CASES {
        compare_bound(&random_page::<types::GraphObjectWithPaths>(seed));
    }
}

#[test]
fn random_association_pages_decode_alike() {
    for seed in 0..CASES {
        compare_associations(&random_page::<types::GraphConnection>(seed));
    }
}

#[test]
fn the_known_traps_decode_alike() {
    let traps = json!([
        {"id": "64B000000000000000000001", "type": "system", "compiledAttributes": null,
         "paths": [[{"attributes": null, "to": {"id": "64b000000000000000000001", "type": "system", "attributes": null}}]]},
        {"id": "64b000000000000000000002", "type": "a_type_from_2030",
         "compiledAttributes": {"sudo": {"enabled": true, "withoutPassword": false},
                                "ldapGroups": [{"name": "eng"}], "acme:costCenter": {"code": 42}},
         "paths": [[
             {"to": {"id": "64b000000000000000000009", "type": "user_group",
                     "attributes": {"ldapGroups": [{"name": "ops"}], "custom": true}}},
             {"from": {"id": "64b000000000000000000009", "type": "user_group"},
              "attributes": {"sudo": {"enabled": false, "withoutPassword": true}},
              "to": {"id": "64b000000000000000000002", "type": "a_type_from_2030"}}
         ]],
         "externalId": "ext-1", "syncStatus": {"code": 1, "message": "ok"}, "unknownField": [1, 2]},
        {"id": "64b000000000000000000003", "type": "system", "paths": []}
    ]);
    compare_bound(&serde_json::to_vec(&traps).unwrap());
    let associations = json!([
        {"attributes": null, "to": {"id": "64b000000000000000000001", "type": "system"}},
        {"to": {"id": "64b000000000000000000002", "type": "new_target", "attributes": {"k": "v"}},
         "from": {"id": USER, "type": "user"}, "attributes": {"sudo": "yes"}}
    ]);
    compare_associations(&serde_json::to_vec(&associations).unwrap());
    compare_bound(b"[]");
}
