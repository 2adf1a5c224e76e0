//! The generated `operations` table is the spec's list of operations: same
//! ids, methods and paths, in the same order, with constants named after
//! the operationIds. (The sandbox's routes are compared with the same table
//! in the sandbox's own tests.)

use std::path::Path;

use jumpcloud_graph_openapi::{Operation, operations};
use xtask::{DIRECTORY_V1, DIRECTORY_V2, Spec, Workspace, render};

fn spec() -> Spec {
    let ws = Workspace::locate().expect("cargo test runs inside the workspace");
    Spec::load(&ws.spec_path()).unwrap()
}

#[test]
fn table_lists_every_operation_of_the_spec_in_order() {
    let from_spec: Vec<(String, String, String)> = spec()
        .operations()
        .into_iter()
        .map(|op| (op.operation_id, op.method, op.path))
        .collect();
    let from_table: Vec<(String, String, String)> = operations::ALL
        .iter()
        .map(|op| {
            (
                op.operation_id.to_string(),
                op.method.to_string(),
                op.path.to_string(),
            )
        })
        .collect();
    assert_eq!(from_table, from_spec);
    assert_eq!(from_table.len(), 13);
}

#[test]
fn constants_are_named_after_the_operation_ids() {
    let expected: [(&str, Operation); 4] = [
        (
            "GRAPH_USER_TRAVERSE_SYSTEM",
            operations::GRAPH_USER_TRAVERSE_SYSTEM,
        ),
        ("USERS_SEND_EMAILS", operations::USERS_SEND_EMAILS),
        (
            "GRAPH_USER_TRAVERSE_G_SUITE",
            operations::GRAPH_USER_TRAVERSE_G_SUITE,
        ),
        (
            "GRAPH_USER_ASSOCIATIONS_POST",
            operations::GRAPH_USER_ASSOCIATIONS_POST,
        ),
    ];
    for (name, op) in expected {
        let info = spec()
            .operations()
            .into_iter()
            .find(|info| info.operation_id == op.operation_id)
            .unwrap();
        assert_eq!(info.const_name(), name);
    }
    assert_eq!(
        operations::GRAPH_USER_ASSOCIATIONS_POST,
        Operation {
            operation_id: "graph_userAssociationsPost",
            method: "POST",
            path: "/users/{user_id}/associations",
        }
    );
}

#[test]
fn every_generated_constant_is_in_all() {
    let code = std::fs::read_to_string(Workspace::locate().unwrap().generated_path()).unwrap();
    let declared = code
        .lines()
        .filter(|l| l.trim_start().starts_with("pub const ") && l.contains(": crate::Operation ="))
        .count();
    assert_eq!(declared, operations::ALL.len());
}

#[test]
fn a_new_operation_in_the_spec_gets_a_constant() {
    let text = std::fs::read_to_string(spec().path()).unwrap();
    let edited = text.replacen(
        "  /users/{user_id}/emails:\n",
        "  /users/{user_id}/policies:\n    parameters:\n      - name: user_id\n        in: path\n        required: true\n        schema:\n          type: string\n    get:\n      operationId: graph_userTraversePolicy\n      responses:\n        '200':\n          description: OK\n  /users/{user_id}/emails:\n",
        1,
    );
    assert_ne!(text, edited, "the edit must apply");
    let spec = Spec::parse(&edited, Path::new("openapi/jumpcloud-user-graph.yaml")).unwrap();
    let code = render(&spec).unwrap();
    assert!(code.contains("pub const GRAPH_USER_TRAVERSE_POLICY: crate::Operation"));
    assert!(code.contains("path: \"/users/{user_id}/policies\""));
}

#[test]
fn two_ids_with_the_same_constant_name_are_an_error() {
    let text = std::fs::read_to_string(spec().path()).unwrap();
    let edited = text.replacen(
        "operationId: users_sendEmails",
        "operationId: graph_user_traverse_system",
        1,
    );
    let spec = Spec::parse(&edited, Path::new("openapi/jumpcloud-user-graph.yaml")).unwrap();
    let error = render(&spec).unwrap_err().to_string();
    assert!(
        error.contains("GRAPH_USER_TRAVERSE_SYSTEM") && error.contains("already taken"),
        "{error}"
    );
}

/// (operationId, METHOD, path) of a generated table.
fn table(operations: &[Operation]) -> Vec<(String, String, String)> {
    operations
        .iter()
        .map(|op| {
            (
                op.operation_id.to_string(),
                op.method.to_string(),
                op.path.to_string(),
            )
        })
        .collect()
}

#[test]
fn each_directory_table_lists_its_fragments_operations_in_order() {
    use jumpcloud_graph_openapi::directory::{v1, v2};
    let ws = Workspace::locate().unwrap();
    for (fragment, generated) in [
        (DIRECTORY_V1, table(v1::operations::ALL)),
        (DIRECTORY_V2, table(v2::operations::ALL)),
    ] {
        let from_spec: Vec<(String, String, String)> = Spec::load(&ws.fragment_spec(&fragment))
            .unwrap()
            .operations()
            .into_iter()
            .map(|op| (op.operation_id, op.method, op.path))
            .collect();
        assert_eq!(generated, from_spec, "{}", fragment.spec);
        assert_eq!(generated.len(), 7);
    }
    assert_eq!(
        v1::operations::SEARCH_SYSTEMUSERS_POST,
        Operation {
            operation_id: "search_systemusers_post",
            method: "POST",
            path: "/search/systemusers",
        }
    );
    assert_eq!(v2::operations::GROUPS_USER_LIST.path, "/usergroups");
}
