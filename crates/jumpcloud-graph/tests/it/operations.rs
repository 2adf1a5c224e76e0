//! Each of the thirteen operations sends exactly the HTTP it should: method,
//! path, query, headers (key, organization, content type, user agent) and
//! JSON body.

use crate::common;

use common::{API_KEY, ORG, OTHER_ORG, USER, client_for, object_id, setup};
use jumpcloud_graph::{
    AssociationTarget, Ensured, Filter, Sort, Sudo, TraversalKind, USER_AGENT_VALUE,
};
use serde_json::{Value, json};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// Answers GETs with an empty page and POSTs with 204.
async fn answer_everything(server: &MockServer) {
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-total-count", "0")
                .set_body_json(json!([])),
        )
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(204))
        .mount(server)
        .await;
}

async fn only_request(server: &MockServer) -> Request {
    let mut requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1, "exactly one request");
    requests.remove(0)
}

fn header<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request.headers.get(name).map(|v| v.to_str().unwrap())
}

/// The last path segment of each traversal.
fn segment(kind: TraversalKind) -> &'static str {
    match kind.to_string().as_str() {
        "applications" => "applications",
        "directories" => "directories",
        "gsuites" => "gsuites",
        "ldap-servers" => "ldapservers",
        "office365s" => "office365s",
        "radius-servers" => "radiusservers",
        "systems" => "systems",
        "system-groups" => "systemgroups",
        "active-directories" => "activedirectories",
        other => panic!("a new traversal kind: {other}"),
    }
}

fn body(request: &Request) -> Value {
    serde_json::from_slice(&request.body).unwrap()
}

/// Checks what every request carries.
fn assert_common_headers(request: &Request) {
    assert_eq!(header(request, "x-api-key"), Some(API_KEY));
    assert_eq!(header(request, "user-agent"), Some(USER_AGENT_VALUE));
    assert!(USER_AGENT_VALUE.starts_with("jumpcloud-graph/"));
}

#[tokio::test]
async fn every_traversal_gets_its_path_with_limit_skip_and_filters() {
    for kind in TraversalKind::ALL {
        let (server, client) = setup().await;
        answer_everything(&server).await;
        let user = client.user(USER).unwrap();
        user.traverse(kind)
            .filter(Filter::eq("os", "Ubuntu"))
            .filter(Filter::search("hostname", "web"))
            .try_collect()
            .await
            .unwrap();
        let request = only_request(&server).await;
        assert_eq!(request.method.as_str(), "GET");
        assert_eq!(
            request.url.path(),
            format!("/api/v2/users/{USER}/{}", segment(kind))
        );
        assert_eq!(
            request.url.query(),
            Some("filter=os%3Aeq%3AUbuntu&filter=hostname%3Asearch%3Aweb&limit=100&skip=0"),
            "{kind}"
        );
        assert_common_headers(&request);
        assert_eq!(
            header(&request, "x-org-id"),
            None,
            "no default org configured"
        );
        assert!(request.body.is_empty());
    }
}

#[tokio::test]
async fn the_named_traversal_methods_match_their_kinds() {
    let (server, client) = setup().await;
    answer_everything(&server).await;
    let user = client.user(USER).unwrap();
    for traversal in [
        user.applications(),
        user.directories(),
        user.gsuites(),
        user.ldap_servers(),
        user.office365s(),
        user.radius_servers(),
        user.systems(),
        user.system_groups(),
        user.active_directories(),
    ] {
        traversal.try_collect().await.unwrap();
    }
    let paths: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.url.path().rsplit('/').next().unwrap().to_string())
        .collect();
    let expected: Vec<&str> = TraversalKind::ALL.iter().map(|k| segment(*k)).collect();
    assert_eq!(paths, expected);
}

#[tokio::test]
async fn member_of_sends_filters_and_comma_joined_sort() {
    let (server, client) = setup().await;
    answer_everything(&server).await;
    client
        .user(USER)
        .unwrap()
        .member_of()
        .filter(Filter::eq("type", "user_group"))
        .sort(Sort::desc("name"))
        .sort(Sort::asc("_id"))
        .page_size(50)
        .try_collect()
        .await
        .unwrap();
    let request = only_request(&server).await;
    assert_eq!(request.url.path(), format!("/api/v2/users/{USER}/memberof"));
    assert_eq!(
        request.url.query(),
        Some("filter=type%3Aeq%3Auser_group&limit=50&skip=0&sort=-name%2C_id")
    );
    assert_common_headers(&request);
}

#[tokio::test]
async fn associations_send_one_request_per_target_and_merge_in_order() {
    let server = MockServer::start().await;
    for (target, id) in [("system", 1), ("system_group", 2)] {
        Mock::given(method("GET"))
            .and(wiremock::matchers::query_param("targets", target))
            .respond_with(
                ResponseTemplate::new(200)
                    .insert_header("x-total-count", "1")
                    .set_body_json(json!([{"to": {"id": object_id(id), "type": target}}])),
            )
            .mount(&server)
            .await;
    }
    let client = client_for(&server, |b| b);
    let found = client
        .user(USER)
        .unwrap()
        .associations([AssociationTarget::SystemGroup, AssociationTarget::System])
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<String> = found.iter().map(|a| a.id().to_string()).collect();
    assert_eq!(
        ids,
        [object_id(2), object_id(1)],
        "in the order the targets were given"
    );
    let mut queries: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| {
            assert_eq!(r.url.path(), format!("/api/v2/users/{USER}/associations"));
            assert_common_headers(r);
            r.url.query().unwrap().to_string()
        })
        .collect();
    queries.sort();
    assert_eq!(
        queries,
        [
            "limit=100&skip=0&targets=system",
            "limit=100&skip=0&targets=system_group"
        ],
        "one target per request"
    );
}

#[tokio::test]
async fn associate_posts_an_add_with_sudo_as_json() {
    let (server, client) = setup().await;
    answer_everything(&server).await;
    let group = object_id(7);
    client
        .user(USER)
        .unwrap()
        .associate(AssociationTarget::SystemGroup, group.as_str())
        .unwrap()
        .sudo(Sudo::WithoutPassword)
        .await
        .unwrap();
    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(
        request.url.path(),
        format!("/api/v2/users/{USER}/associations")
    );
    assert_eq!(request.url.query(), None);
    assert_eq!(header(&request, "content-type"), Some("application/json"));
    assert_common_headers(&request);
    assert_eq!(
        body(&request),
        json!({"op": "add", "type": "system_group", "id": group,
               "attributes": {"sudo": {"enabled": true, "withoutPassword": true}}})
    );
}

#[tokio::test]
async fn dissociate_posts_a_remove_without_attributes() {
    let (server, client) = setup().await;
    answer_everything(&server).await;
    client
        .user(USER)
        .unwrap()
        .dissociate(AssociationTarget::Application, object_id(3).as_str())
        .unwrap()
        .send()
        .await
        .unwrap();
    let request = only_request(&server).await;
    assert_eq!(
        body(&request),
        json!({"op": "remove", "type": "application", "id": object_id(3)})
    );
    assert_eq!(header(&request, "content-type"), Some("application/json"));
}

#[tokio::test]
async fn update_posts_an_update_with_the_new_sudo() {
    let (server, client) = setup().await;
    answer_everything(&server).await;
    client
        .user(USER)
        .unwrap()
        .update_association(AssociationTarget::System, object_id(4).as_str())
        .unwrap()
        .sudo(Sudo::Disabled)
        .await
        .unwrap();
    let request = only_request(&server).await;
    assert_eq!(
        body(&request),
        json!({"op": "update", "type": "system", "id": object_id(4),
               "attributes": {"sudo": {"enabled": false, "withoutPassword": false}}})
    );
}

#[tokio::test]
async fn ensure_associated_reports_a_creation() {
    let (server, client) = setup().await;
    answer_everything(&server).await;
    let outcome = client
        .user(USER)
        .unwrap()
        .ensure_associated(AssociationTarget::RadiusServer, object_id(5).as_str())
        .unwrap()
        .await
        .unwrap();
    assert_eq!(outcome, Ensured::Created);
    assert_eq!(body(&only_request(&server).await)["op"], "add");
}

#[tokio::test]
async fn send_activation_email_posts_the_activation_type() {
    let (server, client) = setup().await;
    answer_everything(&server).await;
    client
        .user(USER)
        .unwrap()
        .send_activation_email()
        .await
        .unwrap();
    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url.path(), format!("/api/v2/users/{USER}/emails"));
    assert_eq!(header(&request, "content-type"), Some("application/json"));
    assert_common_headers(&request);
    assert_eq!(body(&request), json!({"emailType": "activation"}));
}

#[tokio::test]
async fn the_default_org_goes_on_every_request_and_can_be_overridden_or_omitted() {
    let server = MockServer::start().await;
    answer_everything(&server).await;
    let client = client_for(&server, |b| b.org_id(ORG));
    let user = client.user(USER).unwrap();
    user.systems().try_collect().await.unwrap();
    user.systems()
        .org_id(OTHER_ORG)
        .try_collect()
        .await
        .unwrap();
    user.systems().without_org_id().try_collect().await.unwrap();
    user.send_activation_email()
        .org_id(OTHER_ORG)
        .await
        .unwrap();
    user.dissociate(AssociationTarget::System, object_id(1).as_str())
        .unwrap()
        .await
        .unwrap();
    let orgs: Vec<Option<String>> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| header(r, "x-org-id").map(str::to_string))
        .collect();
    assert_eq!(
        orgs,
        [
            Some(ORG.into()),
            Some(OTHER_ORG.into()),
            None,
            Some(OTHER_ORG.into()),
            Some(ORG.into())
        ]
    );
}

#[tokio::test]
async fn a_product_token_goes_before_the_crate_user_agent() {
    let server = MockServer::start().await;
    answer_everything(&server).await;
    let client = client_for(&server, |b| b.user_agent("acme-sync/2.1"));
    common::systems_of(&client).await.unwrap();
    let request = only_request(&server).await;
    assert_eq!(
        header(&request, "user-agent"),
        Some(format!("acme-sync/2.1 {USER_AGENT_VALUE}").as_str())
    );
}

#[tokio::test]
async fn a_caller_supplied_http_client_still_sends_the_key_and_user_agent() {
    let server = MockServer::start().await;
    answer_everything(&server).await;
    let client = client_for(&server, |b| b.http_client(reqwest::Client::builder()));
    common::systems_of(&client).await.unwrap();
    assert_common_headers(&only_request(&server).await);
}
