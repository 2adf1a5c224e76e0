//! The sandbox serves exactly the operations of the OpenAPI fragments (the
//! user graph and the v1 and v2 directory lookups), each at its method,
//! base path and path, and nothing they do not list.

use crate::common;

use std::collections::BTreeSet;

use common::{ACME_KEY, http, id, served_body, served_url};
use jumpcloud_graph_openapi::Operation;
use jumpcloud_graph_openapi::directory::{v1, v2};
use jumpcloud_graph_sandbox::{Fixture, Sandbox, served_operations};

/// The fragments, with the base path their paths are relative to.
const FRAGMENTS: [(&str, &str); 3] = [
    ("jumpcloud-user-graph.yaml", "/api/v2"),
    ("jumpcloud-directory-v1.yaml", "/api"),
    ("jumpcloud-directory-v2.yaml", "/api/v2"),
];

/// (operationId, METHOD, base path + path) of every operation in the
/// fragments.
fn spec_operations() -> BTreeSet<(String, String, String)> {
    FRAGMENTS
        .iter()
        .flat_map(|(file, base)| {
            fragment_operations(file)
                .into_iter()
                .map(move |(id, method, path)| (id, method, format!("{base}{path}")))
        })
        .collect()
}

/// (operationId, METHOD, path) of every operation in one fragment.
fn fragment_operations(file: &str) -> BTreeSet<(String, String, String)> {
    let path = format!("{}/../../openapi/{file}", env!("CARGO_MANIFEST_DIR"));
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
            let (id, method) = (op.operation_id, op.method);
            let path = format!("{}{}", op.base_path, op.path);
            (id.to_owned(), method.to_owned(), path)
        })
        .collect();
    assert_eq!(served.len(), 13 + 7 + 7);
    assert_eq!(served, spec_operations());
}

#[tokio::test]
async fn each_served_route_answers_and_others_are_404_or_405() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let ada = id("ada");
    for operation in served_operations() {
        let url = served_url(&sandbox, &operation, "ada");
        let request = match operation.method {
            "GET" => http().get(&url).query(&[("targets", "system")]),
            _ => http().post(&url).json(&served_body(&operation)),
        };
        let response = request
            .header("x-api-key", ACME_KEY)
            .send()
            .await
            .expect("answers");
        // Every route answers: ada already has web-01, so adding it again
        // is the one conflict; the email is sent without content.
        let expected = match operation.operation_id {
            "graph_userAssociationsPost" => 409,
            "users_sendEmails" => 204,
            _ => 200,
        };
        assert_eq!(response.status(), expected, "{}", operation.operation_id);
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
fn the_fragments_the_generated_tables_and_the_served_routes_are_one_list() {
    let tables: [(&str, &str, &[Operation]); 3] = [
        (
            FRAGMENTS[0].0,
            FRAGMENTS[0].1,
            jumpcloud_graph_openapi::operations::ALL,
        ),
        (FRAGMENTS[1].0, FRAGMENTS[1].1, v1::operations::ALL),
        (FRAGMENTS[2].0, FRAGMENTS[2].1, v2::operations::ALL),
    ];
    let mut in_order = Vec::new();
    for (file, base, table) in tables {
        let listed: BTreeSet<(String, String, String)> = table
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
            listed,
            fragment_operations(file),
            "the generated table is {file}'s"
        );
        in_order.extend(
            table
                .iter()
                .map(|op| (op.operation_id, op.method, base, op.path)),
        );
    }
    let served: Vec<(&str, &str, &str, &str)> = served_operations()
        .into_iter()
        .map(|op| (op.operation_id, op.method, op.base_path, op.path))
        .collect();
    assert_eq!(
        served, in_order,
        "the sandbox serves the tables, in their order"
    );
}

#[tokio::test]
async fn the_request_log_shows_each_lookup_by_method_path_and_query() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let search = format!("{}/search/systemusers?limit=100", sandbox.v1_base_url());
    let groups = format!(
        "{}/usergroups?filter=id:in:{}&limit=100",
        sandbox.base_url(),
        id("ops")
    );
    for request in [
        http()
            .post(&search)
            .json(&serde_json::json!({"filter": {"or": [{"_id": id("ada")}]}})),
        http().get(&groups),
    ] {
        let response = request
            .header("x-api-key", ACME_KEY)
            .send()
            .await
            .expect("answers");
        assert_eq!(response.status(), 200);
    }
    let log: Vec<(String, String, Option<String>, Option<u16>)> = sandbox
        .requests()
        .into_iter()
        .map(|r| (r.method, r.path, r.query, r.status))
        .collect();
    assert_eq!(
        log,
        [
            (
                "POST".into(),
                "/api/search/systemusers".into(),
                Some("limit=100".into()),
                Some(200)
            ),
            (
                "GET".into(),
                "/api/v2/usergroups".into(),
                Some(format!("filter=id:in:{}&limit=100", id("ops"))),
                Some(200)
            ),
        ]
    );
    assert_eq!(sandbox.stats().requests_total, 2);
}
