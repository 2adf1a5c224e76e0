//! Write semantics: plain writes go out once; the `ensure_*` forms treat
//! 409 and 404 as done and may retry.

use crate::common;

use common::{USER, object_id, setup};
use jumpcloud_graph::{AssociationTarget, Ensured, Sudo};
use serde_json::{Value, json};
use wiremock::matchers::{body_partial_json, method};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn answer(server: &MockServer, op: &str, status: u16) {
    Mock::given(method("POST"))
        .and(body_partial_json(json!({"op": op})))
        .respond_with(
            ResponseTemplate::new(status)
                .set_body_json(json!({"message": format!("status {status}")})),
        )
        .mount(server)
        .await;
}

async fn ops_sent(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| {
            serde_json::from_slice::<Value>(&r.body).unwrap()["op"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

#[tokio::test]
async fn a_plain_add_that_conflicts_fails_with_a_conflict() {
    let (server, client) = setup().await;
    answer(&server, "add", 409).await;
    let error = client
        .user(USER)
        .unwrap()
        .associate(AssociationTarget::System, object_id(1).as_str())
        .unwrap()
        .await
        .unwrap_err();
    assert!(error.is_conflict());
}

#[tokio::test]
async fn ensure_associated_treats_a_conflict_as_done() {
    let (server, client) = setup().await;
    answer(&server, "add", 409).await;
    let outcome = client
        .user(USER)
        .unwrap()
        .ensure_associated(AssociationTarget::System, object_id(1).as_str())
        .unwrap()
        .await
        .unwrap();
    assert_eq!(outcome, Ensured::AlreadyAssociated);
    assert!(!outcome.changed());
    assert_eq!(ops_sent(&server).await, ["add"]);
}

#[tokio::test]
async fn ensure_associated_with_sudo_updates_an_existing_association() {
    let (server, client) = setup().await;
    answer(&server, "add", 409).await;
    answer(&server, "update", 204).await;
    let outcome = client
        .user(USER)
        .unwrap()
        .ensure_associated(AssociationTarget::SystemGroup, object_id(2).as_str())
        .unwrap()
        .sudo(Sudo::WithPassword)
        .await
        .unwrap();
    assert_eq!(outcome, Ensured::Updated);
    assert_eq!(ops_sent(&server).await, ["add", "update"]);
}

#[tokio::test]
async fn ensure_dissociated_treats_not_found_as_done() {
    let (server, client) = setup().await;
    answer(&server, "remove", 404).await;
    let outcome = client
        .user(USER)
        .unwrap()
        .ensure_dissociated(AssociationTarget::System, object_id(1).as_str())
        .unwrap()
        .await
        .unwrap();
    assert_eq!(outcome, Ensured::AlreadyAbsent);
}

#[tokio::test]
async fn ensure_dissociated_reports_a_removal() {
    let (server, client) = setup().await;
    answer(&server, "remove", 204).await;
    let outcome = client
        .user(USER)
        .unwrap()
        .ensure_dissociated(AssociationTarget::System, object_id(1).as_str())
        .unwrap()
        .await
        .unwrap();
    assert_eq!(outcome, Ensured::Removed);
    assert!(outcome.changed());
}

#[tokio::test]
async fn other_failures_of_ensure_calls_are_errors() {
    let (server, client) = setup().await;
    answer(&server, "add", 403).await;
    let error = client
        .user(USER)
        .unwrap()
        .ensure_associated(AssociationTarget::System, object_id(1).as_str())
        .unwrap()
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(403));
}

#[tokio::test]
async fn any_success_status_counts_for_a_write() {
    let (server, client) = setup().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    client
        .user(USER)
        .unwrap()
        .associate(AssociationTarget::System, object_id(1).as_str())
        .unwrap()
        .await
        .unwrap();
}
