//! The generated types decode what the real server sends, including the
//! known traps: `null` attributes, absent `from`, customer-defined attribute
//! keys, an unknown graph `type`, and an empty page.

use jumpcloud_graph_openapi::{Client, RequestDefaults, types};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn decode<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> T {
    serde_json::from_value(value).expect("decodes")
}

#[test]
fn null_attributes_decode_as_none() {
    let edge: types::GraphConnection = decode(json!({
        "attributes": null,
        "to": {"id": "5f1b0c2e9c1a4b0012345678", "type": "system", "attributes": null}
    }));
    assert_eq!(edge.attributes, None);
    assert_eq!(edge.to.attributes, None);
}

#[test]
fn absent_from_decodes_as_none() {
    let edge: types::GraphConnection =
        decode(json!({"to": {"id": "5f1b0c2e9c1a4b0012345678", "type": "user_group"}}));
    assert_eq!(edge.from, None);
    assert_eq!(edge.to.type_, "user_group");
}

#[test]
fn null_compiled_attributes_decode_as_none() {
    let object: types::GraphObjectWithPaths = decode(json!({
        "id": "5f1b0c2e9c1a4b0012345678",
        "type": "system",
        "compiledAttributes": null,
        "paths": []
    }));
    assert_eq!(object.compiled_attributes, None);
}

#[test]
fn customer_defined_attribute_keys_are_kept() {
    let object: types::GraphObjectWithPaths = decode(json!({
        "id": "5f1b0c2e9c1a4b0012345678",
        "type": "system",
        "compiledAttributes": {
            "sudo": {"enabled": true, "withoutPassword": false},
            "ldapGroups": [{"name": "engineers"}],
            "acme:costCenter": "R&D",
            "nested": {"deep": [1, 2, 3]}
        },
        "paths": [[{"to": {"id": "5f1b0c2e9c1a4b0012345678", "type": "system"}}]]
    }));
    let attributes = object.compiled_attributes.expect("present");
    assert_eq!(attributes["acme:costCenter"], "R&D");
    assert_eq!(attributes["nested"]["deep"][2], 3);
    assert_eq!(attributes["sudo"]["enabled"], true);
    assert_eq!(attributes.len(), 4);
}

#[test]
fn an_unknown_graph_type_decodes() {
    let object: types::GraphObjectWithPaths = decode(json!({
        "id": "5f1b0c2e9c1a4b0012345678",
        "type": "quantum_entanglement_device",
        "paths": []
    }));
    assert_eq!(object.type_, "quantum_entanglement_device");
}

#[test]
fn fields_added_by_newer_servers_are_ignored() {
    let object: types::GraphObjectWithPaths = decode(json!({
        "id": "5f1b0c2e9c1a4b0012345678",
        "type": "system",
        "paths": [],
        "someFutureField": {"x": 1}
    }));
    assert_eq!(object.id, "5f1b0c2e9c1a4b0012345678");
}

#[test]
fn a_multi_edge_path_decodes_with_and_without_from() {
    let object: types::GraphObjectWithPaths = decode(json!({
        "id": "64b000000000000000000003",
        "type": "system",
        "compiledAttributes": {"sudo": {"enabled": true, "withoutPassword": true}},
        "paths": [
            [
                {"attributes": null, "to": {"id": "64b000000000000000000001", "type": "user_group"}},
                {
                    "attributes": {"sudo": {"enabled": true, "withoutPassword": true}},
                    "from": {"id": "64b000000000000000000001", "type": "user_group"},
                    "to": {"id": "64b000000000000000000003", "type": "system"}
                }
            ],
            [{"attributes": null, "to": {"id": "64b000000000000000000003", "type": "system"}}]
        ]
    }));
    assert_eq!(object.paths.len(), 2);
    assert_eq!(object.paths[0].len(), 2);
    assert_eq!(object.paths[0][0].from, None);
    assert_eq!(
        object.paths[0][1].from.as_ref().unwrap().type_,
        "user_group"
    );
}

#[test]
fn error_bodies_in_the_shapes_jumpcloud_sends_decode_as_error() {
    for body in [
        json!({"message": "Unauthorized: no organization selected"}),
        json!({"error": "Unauthorized", "message": "Unauthorized: api key user not found"}),
        json!({"code": 404, "message": "Not Found", "status": "NOT_FOUND"}),
    ] {
        let error: types::Error = decode(body.clone());
        assert_eq!(error.message.as_deref(), body["message"].as_str());
    }
}

#[tokio::test]
async fn an_empty_page_decodes_and_keeps_the_total_count_header() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/users/5f1b0c2e9c1a4b0012345678/systems"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-total-count", "250")
                .set_body_json(json!([])),
        )
        .mount(&server)
        .await;
    jumpcloud_graph_tests::install_tls_provider();
    let client = Client::new(&format!("{}/api/v2", server.uri()), RequestDefaults::new());
    let page = client
        .graph_user_traverse_system()
        .user_id("5f1b0c2e9c1a4b0012345678")
        .skip(300)
        .send()
        .await
        .unwrap();
    assert_eq!(page.headers()["x-total-count"], "250");
    assert!(page.into_inner().is_empty());
}

#[tokio::test]
async fn a_page_with_every_trap_decodes_through_the_generated_client() {
    let server = MockServer::start().await;
    let body = json!([
        {"id": "64b000000000000000000003", "type": "system", "compiledAttributes": null,
         "paths": [[{"attributes": null, "to": {"id": "64b000000000000000000003", "type": "system"}}]]},
        {"id": "64b000000000000000000004", "type": "a_type_from_2030",
         "compiledAttributes": {"acme:costCenter": "R&D"},
         "paths": [[{"to": {"id": "64b000000000000000000004", "type": "a_type_from_2030", "attributes": null}}]]}
    ]);
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-total-count", "2")
                .set_body_json(body),
        )
        .mount(&server)
        .await;
    jumpcloud_graph_tests::install_tls_provider();
    let client = Client::new(&format!("{}/api/v2", server.uri()), RequestDefaults::new());
    let items = client
        .graph_user_traverse_system()
        .user_id("5f1b0c2e9c1a4b0012345678")
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(items.len(), 2);
    assert_eq!(items[1].type_, "a_type_from_2030");
    assert_eq!(
        items[1].compiled_attributes.as_ref().unwrap()["acme:costCenter"],
        "R&D"
    );
}
