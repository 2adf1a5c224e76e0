//! The exact request the generated client sends for each of the thirteen
//! operations (method, path, query string, headers with the key masked, JSON
//! body), captured by a wiremock server on loopback and snapshotted.

use jumpcloud_graph_openapi::{Client, RequestDefaults, types};
use jumpcloud_graph_tests::requests::render;
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const USER: &str = "5f1b0c2e9c1a4b0012345678";
const ORG: &str = "5e3b7a1c9d2f4a0011223344";
const GROUP: &str = "60aa11bb22cc33dd44ee55ff";

/// A server that answers every GET with an empty page and every POST with
/// 204, and a generated client pointed at it with an API key default.
async fn server_and_client() -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-total-count", "0")
                .set_body_json(json!([])),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    jumpcloud_graph_tests::install_tls_provider();
    // The key travels as a client default.
    let defaults = RequestDefaults::new()
        .with_api_key("secret-test-key")
        .unwrap();
    let client = Client::new_with_client(
        &format!("{}/api/v2", server.uri()),
        reqwest::Client::new(),
        defaults,
    );
    (server, client)
}

/// The one request the server received, rendered.
async fn only_request(server: &MockServer) -> String {
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1, "exactly one request per call");
    let rendered = render(&requests[0]);
    assert!(!rendered.contains("secret-test-key"), "the key is masked");
    rendered
}

#[tokio::test]
async fn graph_user_associations_list() {
    let (server, client) = server_and_client().await;
    client
        .graph_user_associations_list()
        .user_id(USER)
        .targets(vec![
            types::GraphUserAssociationsListTargetsItem::System,
            types::GraphUserAssociationsListTargetsItem::SystemGroup,
        ])
        .limit(100)
        .skip(200)
        .x_org_id(ORG)
        .send()
        .await
        .unwrap();
    insta::assert_snapshot!(only_request(&server).await);
}

#[tokio::test]
async fn graph_user_associations_post() {
    let (server, client) = server_and_client().await;
    client
        .graph_user_associations_post()
        .user_id(USER)
        .x_org_id(ORG)
        .body(types::GraphOperationUser {
            id: GROUP.into(),
            op: types::GraphOperationUserOp::Add,
            type_: types::GraphOperationUserType::SystemGroup,
            attributes: Some(types::GraphAttributeSudo {
                sudo: Some(types::GraphAttributeSudoSudo {
                    enabled: true,
                    without_password: false,
                }),
            }),
        })
        .send()
        .await
        .unwrap();
    insta::assert_snapshot!(only_request(&server).await);
}

#[tokio::test]
async fn graph_user_member_of() {
    let (server, client) = server_and_client().await;
    client
        .graph_user_member_of()
        .user_id(USER)
        .filter(vec![
            "type:eq:user_group".to_string(),
            "name:search:eng".to_string(),
        ])
        .sort("-name,type")
        .limit(100)
        .skip(0)
        .x_org_id(ORG)
        .send()
        .await
        .unwrap();
    insta::assert_snapshot!(only_request(&server).await);
}

#[tokio::test]
async fn users_send_emails() {
    let (server, client) = server_and_client().await;
    client
        .users_send_emails()
        .user_id(USER)
        .x_org_id(ORG)
        .body(types::Emailrequest {
            email_type: Some(types::EmailrequestEmailType::Activation),
        })
        .send()
        .await
        .unwrap();
    insta::assert_snapshot!(only_request(&server).await);
}

/// The nine traversals share one request shape; each gets its own snapshot
/// because each has its own path.
macro_rules! traversal_shape {
    ($($test:ident => $operation:ident),+ $(,)?) => {$(
        #[tokio::test]
        async fn $test() {
            let (server, client) = server_and_client().await;
            client
                .$operation()
                .user_id(USER)
                .filter(vec!["os:eq:Ubuntu".to_string(), "hostname:search:web".to_string()])
                .limit(100)
                .skip(300)
                .x_org_id(ORG)
                .send()
                .await
                .unwrap();
            insta::assert_snapshot!(only_request(&server).await);
        }
    )+};
}

traversal_shape! {
    graph_user_traverse_active_directory => graph_user_traverse_active_directory,
    graph_user_traverse_application => graph_user_traverse_application,
    graph_user_traverse_directory => graph_user_traverse_directory,
    graph_user_traverse_g_suite => graph_user_traverse_g_suite,
    graph_user_traverse_ldap_server => graph_user_traverse_ldap_server,
    graph_user_traverse_office365 => graph_user_traverse_office365,
    graph_user_traverse_radius_server => graph_user_traverse_radius_server,
    graph_user_traverse_system => graph_user_traverse_system,
    graph_user_traverse_system_group => graph_user_traverse_system_group,
}

#[tokio::test]
async fn default_headers_reach_every_request() {
    let (server, client) = server_and_client().await;
    let _ = client
        .graph_user_traverse_system()
        .user_id(USER)
        .send()
        .await
        .unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests[0].headers["x-api-key"], "secret-test-key");
    assert!(
        !requests[0].headers.contains_key("x-org-id"),
        "no org header unless set"
    );
}

#[test]
fn request_defaults_never_show_the_key_in_debug_output() {
    let defaults = RequestDefaults::new()
        .with_api_key("secret-test-key")
        .unwrap();
    let debug = format!("{defaults:?}");
    assert!(!debug.contains("secret-test-key"), "{debug}");
    assert!(defaults.headers()["x-api-key"].is_sensitive());
}
