//! The exact request the generated client sends for each of the thirteen
//! user-graph operations and the fourteen directory lookups (method, path,
//! query string, headers with the key masked, JSON body), captured by a
//! wiremock server on loopback and snapshotted; and, for every operation
//! with every parameter set, the proof that what the facade sends (it
//! builds its requests with the generated crate's `requests` functions, not
//! with the client), and what the lookups' `requests` functions build, are
//! the very same bytes as the client's.

use std::collections::BTreeSet;

use jumpcloud_graph::{AssociationTarget, Filter, Sort, Sudo, TraversalKind};
use jumpcloud_graph_openapi::{Client, RequestDefaults, operations, types};
use jumpcloud_graph_tests::requests::{exact, render};
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

// The facade against the generated client: one server each, the same
// calls, and the requests compared exactly (method, path, query string in
// order and encoding, every header but `host`, body bytes). Both clients
// carry the same key and user agent, the facade's as its credential and
// its own header, the generated client's as defaults.

const KEY: &str = "0123456789abcdef0123456789abcdef01234567";

/// A server that answers like [`server_and_client`]'s.
async fn answering_server() -> MockServer {
    let (server, _) = server_and_client().await;
    server
}

fn facade_for(server: &MockServer) -> jumpcloud_graph::User {
    jumpcloud_graph::Client::builder()
        .api_key(KEY)
        .base_url(format!("{}/api/v2", server.uri()))
        .build()
        .unwrap()
        .user(USER)
        .unwrap()
}

fn generated_for(server: &MockServer) -> Client {
    let user_agent = reqwest::header::HeaderValue::from_static(jumpcloud_graph::USER_AGENT_VALUE);
    let defaults = RequestDefaults::new()
        .with_api_key(KEY)
        .unwrap()
        .with_header(reqwest::header::USER_AGENT, user_agent);
    Client::new_with_client(
        &format!("{}/api/v2", server.uri()),
        reqwest::Client::new(),
        defaults,
    )
}

/// Runs `facade` and `generated` against servers of their own and checks
/// that each sent one request, the same one.
async fn same_request<F, G>(facade: F, generated: G)
where
    F: AsyncFnOnce(jumpcloud_graph::User),
    G: AsyncFnOnce(Client),
{
    let (facade_server, generated_server) = (answering_server().await, answering_server().await);
    facade(facade_for(&facade_server)).await;
    generated(generated_for(&generated_server)).await;
    let sent = |requests: Vec<wiremock::Request>| {
        assert_eq!(requests.len(), 1, "one request per call");
        exact(&requests[0])
    };
    let by_facade = sent(facade_server.received_requests().await.unwrap());
    let by_generated = sent(generated_server.received_requests().await.unwrap());
    assert_eq!(by_facade, by_generated);
}

/// Each traversal through the facade and through its generated builder,
/// with every parameter set.
macro_rules! same_traversals {
    ($covered:ident, $($kind:ident => $operation:ident, $constant:ident;)+) => {$(
        same_request(
            async |user| {
                user.traverse(TraversalKind::$kind)
                    .filter(Filter::eq("os", "Ubuntu"))
                    .filter(Filter::search("hostname", "web 01"))
                    .page_size(37)
                    .org_id(ORG)
                    .try_collect()
                    .await
                    .unwrap();
            },
            async |client| {
                client
                    .$operation()
                    .user_id(USER)
                    .filter(vec!["os:eq:Ubuntu".to_string(), "hostname:search:web 01".to_string()])
                    .limit(37)
                    .skip(0)
                    .x_org_id(ORG)
                    .send()
                    .await
                    .unwrap();
            },
        )
        .await;
        $covered.insert(operations::$constant.operation_id);
    )+};
}

#[tokio::test]
async fn the_facade_sends_what_the_generated_client_sends_for_every_operation() {
    let mut covered: BTreeSet<&str> = BTreeSet::new();
    same_traversals!(covered,
        Application => graph_user_traverse_application, GRAPH_USER_TRAVERSE_APPLICATION;
        Directory => graph_user_traverse_directory, GRAPH_USER_TRAVERSE_DIRECTORY;
        GSuite => graph_user_traverse_g_suite, GRAPH_USER_TRAVERSE_G_SUITE;
        LdapServer => graph_user_traverse_ldap_server, GRAPH_USER_TRAVERSE_LDAP_SERVER;
        Office365 => graph_user_traverse_office365, GRAPH_USER_TRAVERSE_OFFICE365;
        RadiusServer => graph_user_traverse_radius_server, GRAPH_USER_TRAVERSE_RADIUS_SERVER;
        System => graph_user_traverse_system, GRAPH_USER_TRAVERSE_SYSTEM;
        SystemGroup => graph_user_traverse_system_group, GRAPH_USER_TRAVERSE_SYSTEM_GROUP;
        ActiveDirectory => graph_user_traverse_active_directory, GRAPH_USER_TRAVERSE_ACTIVE_DIRECTORY;
    );
    same_member_of().await;
    covered.insert(operations::GRAPH_USER_MEMBER_OF.operation_id);
    same_associations_list().await;
    covered.insert(operations::GRAPH_USER_ASSOCIATIONS_LIST.operation_id);
    same_association_writes().await;
    covered.insert(operations::GRAPH_USER_ASSOCIATIONS_POST.operation_id);
    same_activation_email().await;
    covered.insert(operations::USERS_SEND_EMAILS.operation_id);
    let all: BTreeSet<&str> = operations::ALL.iter().map(|op| op.operation_id).collect();
    assert_eq!(covered, all, "every operation is compared");
}

async fn same_member_of() {
    same_request(
        async |user| {
            user.member_of()
                .filter(Filter::eq("type", "user_group"))
                .filter(Filter::search("name", "eng"))
                .sort(Sort::desc("name"))
                .sort(Sort::asc("type"))
                .page_size(50)
                .org_id(ORG)
                .try_collect()
                .await
                .unwrap();
        },
        async |client| {
            client
                .graph_user_member_of()
                .user_id(USER)
                .filter(vec![
                    "type:eq:user_group".to_string(),
                    "name:search:eng".to_string(),
                ])
                .sort("-name,type")
                .limit(50)
                .skip(0)
                .x_org_id(ORG)
                .send()
                .await
                .unwrap();
        },
    )
    .await;
}

async fn same_associations_list() {
    same_request(
        async |user| {
            user.associations([AssociationTarget::SystemGroup])
                .page_size(100)
                .org_id(ORG)
                .try_collect()
                .await
                .unwrap();
        },
        async |client| {
            client
                .graph_user_associations_list()
                .user_id(USER)
                .targets(vec![
                    types::GraphUserAssociationsListTargetsItem::SystemGroup,
                ])
                .limit(100)
                .skip(0)
                .x_org_id(ORG)
                .send()
                .await
                .unwrap();
        },
    )
    .await;
}

/// The body the generated client sends for one association change.
fn change(
    op: types::GraphOperationUserOp,
    type_: types::GraphOperationUserType,
    sudo: Option<(bool, bool)>,
) -> types::GraphOperationUser {
    types::GraphOperationUser {
        id: GROUP.into(),
        op,
        type_,
        attributes: sudo.map(|(enabled, without_password)| types::GraphAttributeSudo {
            sudo: Some(types::GraphAttributeSudoSudo {
                enabled,
                without_password,
            }),
        }),
    }
}

/// An add with sudo (the body's `attributes` set), a removal without (no
/// `attributes`), and an update.
async fn same_association_writes() {
    use types::{GraphOperationUserOp as Op, GraphOperationUserType as Type};
    same_request(
        async |user| {
            let write = user
                .associate(AssociationTarget::SystemGroup, GROUP)
                .unwrap();
            write.sudo(Sudo::WithPassword).org_id(ORG).await.unwrap();
        },
        async |client| {
            let body = change(Op::Add, Type::SystemGroup, Some((true, false)));
            let request = client.graph_user_associations_post().user_id(USER);
            request.x_org_id(ORG).body(body).send().await.unwrap();
        },
    )
    .await;
    same_request(
        async |user| {
            let write = user.dissociate(AssociationTarget::System, GROUP).unwrap();
            write.await.unwrap();
        },
        async |client| {
            let body = change(Op::Remove, Type::System, None);
            let request = client.graph_user_associations_post().user_id(USER);
            request.body(body).send().await.unwrap();
        },
    )
    .await;
    same_request(
        async |user| {
            let write = user
                .update_association(AssociationTarget::System, GROUP)
                .unwrap();
            write.sudo(Sudo::WithoutPassword).await.unwrap();
        },
        async |client| {
            let body = change(Op::Update, Type::System, Some((true, true)));
            let request = client.graph_user_associations_post().user_id(USER);
            request.body(body).send().await.unwrap();
        },
    )
    .await;
}

async fn same_activation_email() {
    same_request(
        async |user| user.send_activation_email().org_id(ORG).await.unwrap(),
        async |client| {
            let body = types::Emailrequest {
                email_type: Some(types::EmailrequestEmailType::Activation),
            };
            let request = client.users_send_emails().user_id(USER).x_org_id(ORG);
            request.body(body).send().await.unwrap();
        },
    )
    .await;
}

// The directory lookups (issue 22): the `requests` functions of
// `directory::v1` and `directory::v2`, which the name resolver will send
// with, against progenitor's clients for the same fragments. Every
// operation is built with every parameter set, sent by both, and the two
// requests compared exactly; progenitor's side is snapshotted per
// operation.

use jumpcloud_graph_openapi::directory::{v1, v2};
use wiremock::matchers::path_regex;

const LOOKUP_KEY: &str = "secret-lookup-key";

/// A server that answers each lookup with an empty answer of its shape: v1
/// lists `{"totalCount": 0, "results": []}`, v2 lists `[]`, one record `{}`.
async fn lookup_server() -> MockServer {
    let server = MockServer::start().await;
    let answers = [
        (r"^/api/v2/(gsuites|office365s)/[^/]+$", json!({})),
        (r"^/api/v2/", json!([])),
        (r"^/api/systemusers/[^/]+$", json!({})),
        (r"^/api/", json!({"totalCount": 0, "results": []})),
    ];
    for (priority, (pattern, body)) in answers.into_iter().enumerate() {
        Mock::given(path_regex(pattern))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .with_priority(u8::try_from(priority + 1).unwrap_or(u8::MAX))
            .mount(&server)
            .await;
    }
    jumpcloud_graph_tests::install_tls_provider();
    server
}

/// The one request `server` received.
async fn the_request(server: &MockServer) -> wiremock::Request {
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1, "exactly one request per call");
    requests.into_iter().next().unwrap()
}

/// Sends `built` (from a `requests` function, given the server's URI) and
/// runs `generated` (progenitor's client, given the same URI) against
/// servers of their own; checks that both sent the same request and
/// snapshots progenitor's as `name`.
async fn same_lookup<G>(name: &str, built: impl FnOnce(&str) -> reqwest::Request, generated: G)
where
    G: AsyncFnOnce(&str),
{
    let (by_function, by_client) = (lookup_server().await, lookup_server().await);
    let mut request = built(&by_function.uri());
    request.headers_mut().insert(
        "x-api-key",
        reqwest::header::HeaderValue::from_static(LOOKUP_KEY),
    );
    let answer = reqwest::Client::new().execute(request).await.unwrap();
    assert_eq!(answer.status(), 200, "{name}");
    generated(&by_client.uri()).await;
    let (function_sent, client_sent) = (
        the_request(&by_function).await,
        the_request(&by_client).await,
    );
    assert_eq!(exact(&function_sent), exact(&client_sent), "{name}");
    let rendered = render(&client_sent);
    assert!(!rendered.contains(LOOKUP_KEY), "the key is masked");
    insta::assert_snapshot!(name, rendered);
}

fn lookup_defaults() -> RequestDefaults {
    RequestDefaults::new().with_api_key(LOOKUP_KEY).unwrap()
}

fn v1_client(uri: &str) -> v1::Client {
    v1::Client::new_with_client(
        &format!("{uri}/api"),
        reqwest::Client::new(),
        lookup_defaults(),
    )
}

fn v2_client(uri: &str) -> v2::Client {
    v2::Client::new_with_client(
        &format!("{uri}/api/v2"),
        reqwest::Client::new(),
        lookup_defaults(),
    )
}

/// The batched search body the fragment documents: an `or` over ids and
/// emails, with a projection.
fn search_body() -> v1::types::Search {
    let filter = json!({"or": [{"_id": USER}, {"email": "ada@acme.example"}]});
    let search_filter = json!({"searchTerm": ["web"], "fields": ["hostname"]});
    v1::types::Search {
        fields: Some("_id username email".into()),
        filter: filter.as_object().cloned().unwrap_or_default(),
        search_filter: search_filter.as_object().cloned().unwrap_or_default(),
    }
}

const IDS_IN: &str = "_id:$in:5f1b0c2e9c1a4b0012345678|60aa11bb22cc33dd44ee55ff";

#[tokio::test]
async fn every_v1_lookup_request_function_sends_what_the_generated_client_sends() {
    let mut covered: BTreeSet<&str> = BTreeSet::new();
    v1_user_lookups(&mut covered).await;
    v1_other_lookups(&mut covered).await;
    let all: BTreeSet<&str> = v1::operations::ALL
        .iter()
        .map(|op| op.operation_id)
        .collect();
    assert_eq!(covered, all, "every v1 lookup is compared");
}

async fn v1_user_lookups(covered: &mut BTreeSet<&'static str>) {
    const EMAIL: &str = "email:$eq:ada+ops@acme.example";
    same_lookup(
        "directory_v1_systemusers_list",
        |uri| {
            let (base, fields) = (format!("{uri}/api"), Some("_id email"));
            let page = (Some(100), Some(200), Some("-username email"));
            v1::requests::systemusers_list(
                &base,
                fields,
                Some(EMAIL),
                page.0,
                page.1,
                page.2,
                Some(ORG),
            )
            .unwrap()
        },
        async |uri| {
            let client = v1_client(uri);
            let request = client.systemusers_list().fields("_id email").filter(EMAIL);
            let request = request.limit(100).skip(200).sort("-username email");
            request.x_org_id(ORG).send().await.unwrap();
        },
    )
    .await;
    covered.insert(v1::operations::SYSTEMUSERS_LIST.operation_id);
    const ACTIVATED: &str = "activated:$eq:true";
    same_lookup(
        "directory_v1_systemusers_get",
        |uri| {
            let base = format!("{uri}/api");
            v1::requests::systemusers_get(
                &base,
                USER,
                Some("_id username"),
                Some(ACTIVATED),
                Some(ORG),
            )
            .unwrap()
        },
        async |uri| {
            let client = v1_client(uri);
            let request = client.systemusers_get().id(USER).fields("_id username");
            request
                .filter(ACTIVATED)
                .x_org_id(ORG)
                .send()
                .await
                .unwrap();
        },
    )
    .await;
    covered.insert(v1::operations::SYSTEMUSERS_GET.operation_id);
    same_lookup(
        "directory_v1_search_systemusers_post",
        |uri| {
            let (base, body) = (format!("{uri}/api"), search_body());
            let page = (Some(100), Some(0));
            v1::requests::search_systemusers_post(
                &base,
                Some("_id"),
                Some(ACTIVATED),
                page.0,
                page.1,
                Some(ORG),
                &body,
            )
            .unwrap()
        },
        async |uri| {
            let client = v1_client(uri);
            let request = client
                .search_systemusers_post()
                .fields("_id")
                .filter(ACTIVATED);
            let request = request.limit(100).skip(0).x_org_id(ORG);
            request.body(search_body()).send().await.unwrap();
        },
    )
    .await;
    covered.insert(v1::operations::SEARCH_SYSTEMUSERS_POST.operation_id);
}

async fn v1_other_lookups(covered: &mut BTreeSet<&'static str>) {
    const UBUNTU: &str = "os:$eq:Ubuntu";
    const HOSTS: &str = "_id hostname displayName";
    same_lookup(
        "directory_v1_systems_list",
        |uri| {
            let base = format!("{uri}/api");
            let page = (Some(100), Some(0), Some("hostname"));
            v1::requests::systems_list(
                &base,
                Some(HOSTS),
                Some(UBUNTU),
                page.0,
                page.1,
                page.2,
                Some(ORG),
            )
            .unwrap()
        },
        async |uri| {
            let client = v1_client(uri);
            let request = client.systems_list().fields(HOSTS).filter(UBUNTU);
            let request = request.limit(100).skip(0).sort("hostname").x_org_id(ORG);
            request.send().await.unwrap();
        },
    )
    .await;
    covered.insert(v1::operations::SYSTEMS_LIST.operation_id);
    same_lookup(
        "directory_v1_search_systems_post",
        |uri| {
            let (base, body) = (format!("{uri}/api"), search_body());
            v1::requests::search_systems_post(&base, None, None, Some(100), Some(0), None, &body)
                .unwrap()
        },
        async |uri| {
            let client = v1_client(uri);
            let request = client.search_systems_post().limit(100).skip(0);
            request.body(search_body()).send().await.unwrap();
        },
    )
    .await;
    covered.insert(v1::operations::SEARCH_SYSTEMS_POST.operation_id);
    const APPS: &str = "_id name displayLabel";
    same_lookup(
        "directory_v1_applications_list",
        |uri| {
            let base = format!("{uri}/api");
            let page = (Some(100), Some(0), Some("name"));
            v1::requests::applications_list(
                &base,
                Some(APPS),
                Some(IDS_IN),
                page.0,
                page.1,
                page.2,
                Some(ORG),
            )
            .unwrap()
        },
        async |uri| {
            let client = v1_client(uri);
            let request = client.applications_list().fields(APPS).filter(IDS_IN);
            let request = request.limit(100).skip(0).sort("name").x_org_id(ORG);
            request.send().await.unwrap();
        },
    )
    .await;
    covered.insert(v1::operations::APPLICATIONS_LIST.operation_id);
    same_lookup(
        "directory_v1_radius_servers_list",
        |uri| {
            let base = format!("{uri}/api");
            v1::requests::radius_servers_list(
                &base,
                Some("_id name"),
                Some(IDS_IN),
                Some(100),
                Some(0),
                None,
                None,
            )
            .unwrap()
        },
        async |uri| {
            let client = v1_client(uri);
            let request = client
                .radius_servers_list()
                .fields("_id name")
                .filter(IDS_IN);
            request.limit(100).skip(0).send().await.unwrap();
        },
    )
    .await;
    covered.insert(v1::operations::RADIUS_SERVERS_LIST.operation_id);
}

/// The v2 lists' filters: ids in one `in`, and a second, repeated filter.
fn v2_filters() -> Vec<String> {
    vec![
        "id:in:652000000000000000000001|652000000000000000000002".to_string(),
        "name:search:eng ops".to_string(),
    ]
}

/// The v2 lists share one parameter set: the same request for each.
macro_rules! same_v2_lists {
    ($covered:ident, $($operation:ident => $constant:ident,)+) => {$(
        same_lookup(
            concat!("directory_v2_", stringify!($operation)),
            |uri| {
                let (base, filters) = (format!("{uri}/api/v2"), v2_filters());
                let page = (Some(100), Some(0), Some("-name,id"));
                v2::requests::$operation(&base, Some("id,name"), Some(&filters), page.0, page.1, page.2, Some(ORG))
                    .unwrap()
            },
            async |uri| {
                let client = v2_client(uri);
                let request = client.$operation().fields("id,name").filter(v2_filters());
                let request = request.limit(100).skip(0).sort("-name,id").x_org_id(ORG);
                request.send().await.unwrap();
            },
        )
        .await;
        $covered.insert(v2::operations::$constant.operation_id);
    )+};
}

#[tokio::test]
async fn every_v2_lookup_request_function_sends_what_the_generated_client_sends() {
    let mut covered: BTreeSet<&str> = BTreeSet::new();
    same_v2_lists!(covered,
        groups_user_list => GROUPS_USER_LIST,
        groups_system_list => GROUPS_SYSTEM_LIST,
        ldapservers_list => LDAPSERVERS_LIST,
        activedirectories_list => ACTIVEDIRECTORIES_LIST,
    );
    v2_directory_lookups(&mut covered).await;
    let all: BTreeSet<&str> = v2::operations::ALL
        .iter()
        .map(|op| op.operation_id)
        .collect();
    assert_eq!(covered, all, "every v2 lookup is compared");
}

async fn v2_directory_lookups(covered: &mut BTreeSet<&'static str>) {
    const GSUITE: &str = "657000000000000000000001";
    same_lookup(
        "directory_v2_gsuites_get",
        |uri| v2::requests::gsuites_get(&format!("{uri}/api/v2"), GSUITE, Some(ORG)).unwrap(),
        async |uri| {
            let client = v2_client(uri);
            client
                .gsuites_get()
                .id(GSUITE)
                .x_org_id(ORG)
                .send()
                .await
                .unwrap();
        },
    )
    .await;
    covered.insert(v2::operations::GSUITES_GET.operation_id);
    const OFFICE: &str = "658000000000000000000001";
    same_lookup(
        "directory_v2_office365s_get",
        |uri| v2::requests::office365s_get(&format!("{uri}/api/v2"), OFFICE, None).unwrap(),
        async |uri| {
            let client = v2_client(uri);
            client
                .office365s_get()
                .office365_id(OFFICE)
                .send()
                .await
                .unwrap();
        },
    )
    .await;
    covered.insert(v2::operations::OFFICE365S_GET.operation_id);
    same_lookup(
        "directory_v2_directories_list",
        |uri| {
            let base = format!("{uri}/api/v2");
            let page = (Some(100), Some(0), Some("type"));
            v2::requests::directories_list(
                &base,
                Some("id,name,type"),
                page.0,
                page.1,
                page.2,
                Some(ORG),
            )
            .unwrap()
        },
        async |uri| {
            let client = v2_client(uri);
            let request = client.directories_list().fields("id,name,type").limit(100);
            request
                .skip(0)
                .sort("type")
                .x_org_id(ORG)
                .send()
                .await
                .unwrap();
        },
    )
    .await;
    covered.insert(v2::operations::DIRECTORIES_LIST.operation_id);
}
