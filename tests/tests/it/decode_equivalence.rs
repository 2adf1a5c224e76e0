//! The facade decodes response bodies itself, in one pass, instead of going
//! through the generated types. This checks that it reads exactly what the
//! generated types read: on random schema-valid pages of every list item
//! type (with keys the spec does not know added at every level), and on the
//! known traps, every field the generated type decodes shows up in the
//! facade's result with the same value. And that nothing is lost: each
//! item the facade serializes, read back into the wire's form, is the item
//! the server sent, up to the normalisations the crate documents (ObjectIDs
//! in lower case, `from` filled in from context).

use jumpcloud_graph::fuzzing::{decode_associations, decode_bound_objects};
use jumpcloud_graph::{Attributes, Edge, GraphNode, ObjectId, Presence};
use jumpcloud_graph_openapi::types;
use jumpcloud_graph_tests::json_mock::JsonMock;
use serde_json::{Map, Value, json};

const CASES: u64 = 300;
const USER: &str = "5f1b0c2e9c1a4b0012345678";

fn user() -> ObjectId {
    USER.parse().unwrap()
}

/// The facade's attributes hold what the generated ones hold: built from
/// them through the facade's public constructor (independently of the
/// decoder) when present; `null` or absent (which the generated types do
/// not tell apart) when not.
fn same_attributes(facade: &Attributes, raw: Option<types::GraphAttributes>) {
    match raw {
        Some(raw) => assert_eq!(
            facade,
            &Attributes::from_map(Map::<String, Value>::from(raw))
        ),
        None => {
            assert_ne!(facade.presence(), Presence::Object, "{facade:?}");
            assert!(facade.is_empty());
        }
    }
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
    same_attributes(edge.attributes(), wire.attributes.clone());
    same_attributes(edge.to_attributes(), wire.to.attributes.clone());
    match &wire.from {
        Some(wire_from) => {
            same_node(edge.from(), wire_from);
            same_attributes(edge.from_attributes(), wire_from.attributes.clone());
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
    compare_bound_fields(body);
    nothing_lost(body, |user, body| {
        let items = decode_bound_objects(user, body, usize::MAX)?;
        Ok(items.iter().map(to_json).collect())
    });
}

fn to_json(item: &impl serde::Serialize) -> Value {
    serde_json::to_value(item).unwrap()
}

fn compare_bound_fields(body: &[u8]) {
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
        same_attributes(item.attributes(), wire.compiled_attributes.clone());
        assert_eq!(item.external_id(), wire.external_id.as_deref());
        // The facade keeps syncStatus as sent (`null` too); read as the
        // generated type it is the same value.
        let kept = item
            .sync_status()
            .filter(|raw| !raw.is_null())
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
    compare_association_fields(body);
    nothing_lost(body, |user, body| {
        let items = decode_associations(user, body, usize::MAX)?;
        Ok(items.iter().map(to_json).collect())
    });
}

fn compare_association_fields(body: &[u8]) {
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

/// Every item of a page the generated types read, serialized by the
/// facade and read back into the wire's form, equals the item as sent
/// (normalised as documented).
fn nothing_lost(
    body: &[u8],
    decode: impl Fn(ObjectId, &[u8]) -> Result<Vec<Value>, jumpcloud_graph::Error>,
) {
    let Ok(Value::Array(sent)) = serde_json::from_slice::<Value>(body) else {
        return;
    };
    let Ok(serialized) = decode(user(), body) else {
        return;
    };
    assert_eq!(sent.len(), serialized.len());
    for (sent, serialized) in sent.iter().zip(serialized) {
        let (expected, back) = if sent.get("paths").is_some() {
            (normalised_bound(sent), bound_back_to_wire(serialized))
        } else {
            (
                normalised_edge(sent, &user_node()),
                edge_back_to_wire(serialized),
            )
        };
        assert_eq!(
            back, expected,
            "the facade's JSON, read back, differs from what was sent:\nsent:     {sent}"
        );
    }
}

fn user_node() -> Value {
    json!({"id": USER, "type": "user"})
}

/// `sent` as the facade documents it keeps it: ObjectIDs in lower case, and
/// each edge's `from` filled in from context when the server left it out.
fn normalised_bound(sent: &Value) -> Value {
    let mut item = sent.clone();
    lower_id(&mut item);
    if let Some(Value::Array(paths)) = item.get_mut("paths") {
        for path in paths {
            let Value::Array(edges) = path else { continue };
            let mut context = user_node();
            for edge in edges {
                *edge = normalised_edge(edge, &context);
                context = json!({"id": edge["to"]["id"], "type": edge["to"]["type"]});
            }
        }
    }
    item
}

fn normalised_edge(sent: &Value, context: &Value) -> Value {
    let mut edge = sent.clone();
    if edge.get("from").is_none_or(Value::is_null) {
        edge["from"] = context.clone();
    }
    lower_id(&mut edge["from"]);
    lower_id(&mut edge["to"]);
    edge
}

fn lower_id(object: &mut Value) {
    if let Some(Value::String(id)) = object.get_mut("id") {
        *id = canonical(id);
    }
}

/// A serialized `BoundObject` in the wire's form: keys renamed back, what
/// the facade computes (`sudo`, `grant`) dropped, `other` merged back.
fn bound_back_to_wire(serialized: Value) -> Value {
    let Value::Object(mut fields) = serialized else {
        panic!("a bound object serializes as an object: {serialized}")
    };
    let mut wire = Map::new();
    for key in ["id", "type"] {
        wire.insert(key.into(), fields.remove(key).unwrap());
    }
    for (ours, theirs) in [
        ("compiled_attributes", "compiledAttributes"),
        ("external_id", "externalId"),
        ("sync_status", "syncStatus"),
    ] {
        if let Some(value) = fields.remove(ours) {
            wire.insert(theirs.into(), value);
        }
    }
    let paths = match fields.remove("paths") {
        Some(Value::Array(paths)) => paths,
        other => panic!("paths: {other:?}"),
    };
    let paths = paths
        .into_iter()
        .map(|mut path| match path["edges"].take() {
            Value::Array(edges) => edges.into_iter().map(edge_back_to_wire).collect(),
            other => panic!("edges: {other}"),
        })
        .collect();
    wire.insert("paths".into(), Value::Array(paths));
    fields.remove("sudo");
    merge_other(&mut wire, fields.remove("other"));
    assert!(fields.is_empty(), "keys the test does not know: {fields:?}");
    Value::Object(wire)
}

/// A serialized `Edge` in the wire's form: `from_attributes`, `to_attributes`,
/// `from_other` and `to_other` back into their nodes, `other` merged back.
fn edge_back_to_wire(serialized: Value) -> Value {
    let Value::Object(mut fields) = serialized else {
        panic!("an edge serializes as an object: {serialized}")
    };
    let mut wire = Map::new();
    for end in ["from", "to"] {
        let Some(Value::Object(mut node)) = fields.remove(end) else {
            panic!("{end}: {fields:?}")
        };
        if let Some(attributes) = fields.remove(&format!("{end}_attributes")) {
            node.insert("attributes".into(), attributes);
        }
        merge_other(&mut node, fields.remove(&format!("{end}_other")));
        wire.insert(end.into(), Value::Object(node));
    }
    if let Some(attributes) = fields.remove("attributes") {
        wire.insert("attributes".into(), attributes);
    }
    merge_other(&mut wire, fields.remove("other"));
    assert!(fields.is_empty(), "keys the test does not know: {fields:?}");
    Value::Object(wire)
}

fn merge_other(wire: &mut Map<String, Value>, other: Option<Value>) {
    match other {
        None => {}
        Some(Value::Object(other)) => {
            assert!(!other.is_empty(), "an empty `other` is left out");
            for (key, value) in other {
                assert!(
                    wire.insert(key.clone(), value).is_none(),
                    "{key:?} is both modelled and in `other`"
                );
            }
        }
        Some(other) => panic!("`other` is an object: {other}"),
    }
}

/// Keys the spec does not know, added at every level of a random page: a
/// field JumpCloud adds next year must survive like the others.
fn with_unknown_keys(mut page: Value, rng: &mut fastrand::Rng) -> Value {
    fn sprinkle(object: &mut Value, rng: &mut fastrand::Rng) {
        let Value::Object(map) = object else { return };
        for n in 0..rng.usize(..3) {
            let value = match rng.u8(..4) {
                0 => Value::Null,
                1 => json!({"nested": [n, "x", null], "deep": {"k": true}}),
                2 => json!(rng.i64(..)),
                _ => json!(format!("v{n}")),
            };
            map.insert(format!("future{}Field{n}", rng.u8(..)), value);
        }
    }
    fn edge(edge: &mut Value, rng: &mut fastrand::Rng) {
        sprinkle(edge, rng);
        for end in ["from", "to"] {
            if let Some(node) = edge.get_mut(end) {
                sprinkle(node, rng);
            }
        }
    }
    let Value::Array(items) = &mut page else {
        return page;
    };
    for item in items {
        if let Some(Value::Array(paths)) = item.get_mut("paths") {
            for path in paths.iter_mut().filter_map(Value::as_array_mut) {
                path.iter_mut().for_each(|e| edge(e, rng));
            }
            sprinkle(item, rng);
        } else {
            edge(item, rng);
        }
    }
    page
}

fn random_page<T: schemars::JsonSchema>(seed: u64) -> Vec<u8> {
    let schema = schemars::schema_for!(Vec<T>);
    let page = JsonMock::new(&schema, seed).value();
    let page = with_unknown_keys(page, &mut fastrand::Rng::with_seed(seed));
    serde_json::to_vec(&page).unwrap()
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
        {"id": "64b000000000000000000003", "type": "system", "paths": []},
        {"id": "64b000000000000000000004", "type": "system", "compiledAttributes": {},
         "externalId": null, "syncStatus": null,
         "paths": [[{"attributes": {}, "from": null,
                     "to": {"id": "64b000000000000000000004", "type": "system", "attributes": {}}}]]}
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
