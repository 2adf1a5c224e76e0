//! The sandbox serves exactly the operations of the OpenAPI fragment, each
//! at its method and path, and nothing it does not list.

use crate::common;

use std::collections::BTreeSet;

use common::{ACME_KEY, http, id};
use jumpcloud_graph_sandbox::{Fixture, Sandbox, ServedOperation, served_operations};

/// (operationId, METHOD, path) of every operation in the fragment.
fn spec_operations() -> BTreeSet<(String, String, String)> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../openapi/jumpcloud-user-graph.yaml"
    );
    let text = std::fs::read_to_string(path).expect("the fragment is readable");
    let spec: serde_yaml::Value = serde_yaml::from_str(&text).expect("YAML");
    let mut operations = BTreeSet::new();
    for (path, item) in spec["paths"].as_mapping().expect("paths") {
        for (method, operation) in item.as_mapping().expect("a path item") {
            let Some(operation_id) = operation.get("operationId").and_then(|v| v.as_str()) else {
                continue;
            };
            operations.insert((
                operation_id.to_owned(),
                method.as_str().expect("a method").to_ascii_uppercase(),
                path.as_str().expect("a path").to_owned(),
            ));
        }
    }
    operations
}

#[test]
fn served_operations_are_the_fragments() {
    let served: BTreeSet<(String, String, String)> = served_operations()
        .into_iter()
        .map(|op| {
            let (id, method, path) = (op.operation_id, op.method, op.path);
            (id.to_owned(), method.to_owned(), path.to_owned())
        })
        .collect();
    assert_eq!(served.len(), 13);
    assert_eq!(served, spec_operations());
}

#[tokio::test]
async fn each_served_route_answers_and_others_are_404_or_405() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let ada = id("ada");
    for ServedOperation {
        operation_id,
        method,
        path,
        ..
    } in served_operations()
    {
        let url = format!("{}{}", sandbox.base_url(), path.replace("{user_id}", &ada));
        let request = match method {
            "GET" => http().get(&url).query(&[("targets", "system")]),
            _ => http().post(&url).json(&serde_json::json!({})),
        };
        let response = request
            .header("x-api-key", ACME_KEY)
            .send()
            .await
            .expect("answers");
        // A GET lists; an empty POST body is refused as a bad request:
        // either way the route exists.
        assert!(
            matches!(response.status().as_u16(), 200 | 400),
            "{operation_id}: {}",
            response.status()
        );
    }
    let unknown = http()
        .get(format!("{}/users/{ada}/commands", sandbox.base_url()))
        .header("x-api-key", ACME_KEY)
        .send()
        .await
        .expect("answers");
    assert_eq!(unknown.status(), 404);
    let wrong_method = http()
        .delete(format!("{}/users/{ada}/systems", sandbox.base_url()))
        .header("x-api-key", ACME_KEY)
        .send()
        .await
        .expect("answers");
    assert_eq!(wrong_method.status(), 405);
}

#[test]
fn the_fragment_the_generated_table_and_the_served_routes_are_one_list() {
    let table: BTreeSet<(String, String, String)> = jumpcloud_graph_openapi::operations::ALL
        .iter()
        .map(|op| {
            (
                op.operation_id.to_owned(),
                op.method.to_owned(),
                op.path.to_owned(),
            )
        })
        .collect();
    assert_eq!(
        table,
        spec_operations(),
        "the generated table is the fragment's"
    );
    let served: Vec<(&str, &str, &str)> = served_operations()
        .into_iter()
        .map(|op| (op.operation_id, op.method, op.path))
        .collect();
    let in_order: Vec<(&str, &str, &str)> = jumpcloud_graph_openapi::operations::ALL
        .iter()
        .map(|op| (op.operation_id, op.method, op.path))
        .collect();
    assert_eq!(
        served, in_order,
        "the sandbox serves the table, in its order"
    );
}
