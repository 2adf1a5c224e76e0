//! The generated public surface, summarised and snapshotted: a spec change
//! that alters an operation or a type fails here until the new snapshot is
//! reviewed (`cargo insta review`) and committed.

use std::path::Path;

use xtask::{
    DIRECTORY_V1, DIRECTORY_V2, Fragment, Spec, USER_GRAPH, Workspace, render, surface_summary,
};

fn checked_in_summary() -> String {
    summary_of(&USER_GRAPH)
}

fn summary_of(fragment: &Fragment) -> String {
    let ws = Workspace::locate().unwrap();
    let spec = Spec::load(&ws.fragment_spec(fragment)).unwrap();
    let code = std::fs::read_to_string(ws.fragment_generated(fragment)).unwrap();
    surface_summary(&spec, &code).unwrap()
}

#[test]
fn generated_surface() {
    insta::assert_snapshot!("generated_surface", checked_in_summary());
}

#[test]
fn directory_v1_surface() {
    insta::assert_snapshot!("directory_v1_surface", summary_of(&DIRECTORY_V1));
}

#[test]
fn directory_v2_surface() {
    insta::assert_snapshot!("directory_v2_surface", summary_of(&DIRECTORY_V2));
}

#[test]
fn every_directory_operation_has_a_method_and_every_parameter_a_setter() {
    for (fragment, operations) in [(DIRECTORY_V1, 7), (DIRECTORY_V2, 7)] {
        let summary = summary_of(&fragment);
        assert_eq!(
            summary.matches("  Client::").count(),
            operations,
            "{}",
            fragment.spec
        );
        assert!(
            !summary.contains("(no generated method found)"),
            "{summary}"
        );
        assert!(!summary.contains("(no setter)"), "{summary}");
    }
}

#[test]
fn summary_lists_every_operation_and_type() {
    let summary = checked_in_summary();
    for id in [
        "graph_userAssociationsList: GET /users/{user_id}/associations",
        "graph_userAssociationsPost: POST /users/{user_id}/associations",
        "graph_userMemberOf: GET /users/{user_id}/memberof",
        "graph_userTraverseSystem: GET /users/{user_id}/systems",
        "users_sendEmails: POST /users/{user_id}/emails",
    ] {
        assert!(summary.contains(id), "missing {id}");
    }
    assert_eq!(
        summary.matches("Client::").count(),
        13,
        "one generated method per operation"
    );
    assert!(summary.contains("struct GraphObjectWithPaths"));
    assert!(!summary.contains("(no generated method found)"));
    assert!(!summary.contains("(no setter)"));
}

#[test]
fn summary_changes_when_a_parameter_changes() {
    let text = std::fs::read_to_string(Workspace::locate().unwrap().spec_path()).unwrap();
    let edited = text.replacen(
        "type: integer\n        default: 10",
        "type: integer\n        default: 25",
        1,
    );
    assert_ne!(text, edited, "the edit must apply");
    let spec = Spec::parse(&edited, Path::new("openapi/jumpcloud-user-graph.yaml")).unwrap();
    let code = render(&spec).unwrap();
    let summary = surface_summary(&spec, &code).unwrap();
    assert_ne!(summary, checked_in_summary());
    assert!(summary.contains(r#"schema: {"default":25,"type":"integer"}"#));
}
