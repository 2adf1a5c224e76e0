//! Service accounts: `POST /oauth2/token` with the real request shape and
//! RFC 6749 errors, bearer tokens on every API route, their lifetime, and
//! the switches that expire or revoke them.

use crate::common;

use std::time::Duration;

use common::{GLOBEX_ORG, http, id, served_body, served_url};
use jumpcloud_graph_sandbox::{
    CredentialKind, Fault, FaultRule, Fixture, GeneratorConfig, OAuthClient, Sandbox,
    served_operations,
};
use serde_json::{Value, json};

const FORM: &str = "grant_type=client_credentials&scope=api";

fn acme_account(sandbox: &Sandbox) -> OAuthClient {
    sandbox
        .service_account()
        .expect("the demo has an Acme service account")
        .clone()
}

/// `POST /oauth2/token` with Basic credentials (when given) and a body.
async fn token_request(
    sandbox: &Sandbox,
    credentials: Option<(&str, &str)>,
    content_type: &str,
    body: &str,
) -> reqwest::Response {
    let mut request = http()
        .post(sandbox.token_url())
        .header("content-type", content_type)
        .body(body.to_owned());
    if let Some((id, secret)) = credentials {
        request = request.basic_auth(id, Some(secret));
    }
    request.send().await.expect("the token route answers")
}

/// The token route's answer for `account`, which must be 200.
async fn token_answer(sandbox: &Sandbox, account: &OAuthClient) -> Value {
    let response = token_request(
        sandbox,
        Some((account.client_id(), account.client_secret())),
        "application/x-www-form-urlencoded",
        FORM,
    )
    .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    response.json().await.expect("JSON")
}

/// A token for `account`.
async fn token_for(sandbox: &Sandbox, account: &OAuthClient) -> String {
    token_answer(sandbox, account).await["access_token"]
        .as_str()
        .expect("an access token")
        .to_owned()
}

/// The JSON body of `GET {base_url}{path}` with a bearer token.
async fn body_with(sandbox: &Sandbox, path: &str, token: &str) -> Value {
    get_bearer(sandbox, path, token, None)
        .await
        .json()
        .await
        .expect("JSON")
}

/// `GET {base_url}{path}` with a bearer token and an optional `x-org-id`.
async fn get_bearer(
    sandbox: &Sandbox,
    path: &str,
    token: &str,
    org: Option<&str>,
) -> reqwest::Response {
    let mut request = http()
        .get(format!("{}{path}", sandbox.base_url()))
        .bearer_auth(token);
    if let Some(org) = org {
        request = request.header("x-org-id", org);
    }
    request.send().await.expect("the sandbox answers")
}

async fn oauth_error(response: reqwest::Response) -> (u16, String, Value) {
    let status = response.status().as_u16();
    assert_eq!(response.headers()["cache-control"], "no-store");
    let body: Value = response.json().await.expect("a JSON error");
    assert!(
        body["error_description"]
            .as_str()
            .is_some_and(|d| !d.is_empty()),
        "{body}"
    );
    (
        status,
        body["error"].as_str().unwrap_or_default().to_owned(),
        body,
    )
}

#[tokio::test]
async fn the_token_route_answers_a_bearer_token_for_an_hour() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let account = acme_account(&sandbox);
    assert!(sandbox.token_url().ends_with("/oauth2/token"));
    assert!(!sandbox.token_url().contains("/api/v2"));
    let body = token_answer(&sandbox, &account).await;
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(body["expires_in"], 3600);
    assert_eq!(body["scope"], "api");
    assert!(body["access_token"].as_str().is_some_and(|t| t.len() > 16));
    assert_eq!(sandbox.stats().tokens_issued, 1);
}

#[tokio::test]
async fn a_bearer_token_is_accepted_on_every_api_route() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let token = token_for(&sandbox, &acme_account(&sandbox)).await;
    for operation in served_operations() {
        let url = served_url(&sandbox, &operation, "ken");
        let request = match operation.method {
            "GET" => http().get(url).query(&[("targets", "system")]),
            _ => http().post(url).json(&served_body(&operation)),
        };
        let operation_id = operation.operation_id;
        let response = request.bearer_auth(&token).send().await.expect("answers");
        assert!(
            response.status().is_success(),
            "{operation_id}: {}",
            response.status()
        );
    }
}

#[tokio::test]
async fn client_authentication_failures_are_invalid_client_401() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let account = acme_account(&sandbox);
    let form = "application/x-www-form-urlencoded";
    for credentials in [
        None,
        Some(("nobody", account.client_secret())),
        Some((account.client_id(), "wrong-secret")),
    ] {
        let response = token_request(&sandbox, credentials, form, FORM).await;
        assert!(
            response.headers()["www-authenticate"]
                .to_str()
                .is_ok_and(|c| c.starts_with("Basic")),
            "{credentials:?}"
        );
        let (status, error, _) = oauth_error(response).await;
        assert_eq!(
            (status, error.as_str()),
            (401, "invalid_client"),
            "{credentials:?}"
        );
    }
    // A Basic header that is not base64 of `id:secret`.
    let response = http()
        .post(sandbox.token_url())
        .header("authorization", "Basic !!not-base64!!")
        .header("content-type", form)
        .body(FORM)
        .send()
        .await
        .expect("answers");
    let (status, error, _) = oauth_error(response).await;
    assert_eq!((status, error.as_str()), (401, "invalid_client"));
    assert_eq!(sandbox.stats().tokens_issued, 0);
}

#[tokio::test]
async fn malformed_grants_are_400_with_rfc_6749_errors() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let account = acme_account(&sandbox);
    let credentials = Some((account.client_id(), account.client_secret()));
    let form = "application/x-www-form-urlencoded";
    for (content_type, body, expected) in [
        (
            "application/json",
            r#"{"grant_type":"client_credentials"}"#,
            "invalid_request",
        ),
        (form, "scope=api", "invalid_request"),
        (
            form,
            "grant_type=client_credentials&grant_type=client_credentials&scope=api",
            "invalid_request",
        ),
        (
            form,
            "grant_type=password&scope=api",
            "unsupported_grant_type",
        ),
        (form, "grant_type=client_credentials", "invalid_scope"),
        (
            form,
            "grant_type=client_credentials&scope=admin",
            "invalid_scope",
        ),
        (
            form,
            "grant_type=client_credentials&scope=api+admin",
            "invalid_scope",
        ),
    ] {
        let response = token_request(&sandbox, credentials, content_type, body).await;
        let (status, error, full) = oauth_error(response).await;
        assert_eq!((status, error.as_str()), (400, expected), "{body}: {full}");
    }
    assert_eq!(sandbox.stats().tokens_issued, 0);
}

#[tokio::test]
async fn unrecognised_parameters_are_ignored_even_when_repeated() {
    // RFC 6749 §3.2: "The authorization server MUST ignore unrecognized
    // request parameters"; only its own parameters may not repeat.
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let account = acme_account(&sandbox);
    let credentials = Some((account.client_id(), account.client_secret()));
    let form = "application/x-www-form-urlencoded";
    for body in [
        "grant_type=client_credentials&scope=api&audience=x&audience=y",
        "trace=1&grant_type=client_credentials&trace=2&scope=api&trace=3",
        "grant_type=client_credentials&scope=api&&=&=v&x",
        // An empty value counts as omitted (§3.1), so scope is given once.
        "grant_type=client_credentials&scope=&scope=api",
    ] {
        let response = token_request(&sandbox, credentials, form, body).await;
        assert_eq!(response.status(), 200, "{body}");
    }
    assert_eq!(sandbox.stats().tokens_issued, 4);
    for body in [
        "grant_type=client_credentials&scope=api&scope=api",
        "grant_type=client_credentials&scope=api&client_id=a&client_id=b",
        "grant_type=client_credentials&scope=api&refresh_token=a&refresh_token=b",
    ] {
        let response = token_request(&sandbox, credentials, form, body).await;
        let (status, error, full) = oauth_error(response).await;
        assert_eq!(
            (status, error.as_str()),
            (400, "invalid_request"),
            "{body}: {full}"
        );
        assert!(
            full["error_description"]
                .as_str()
                .is_some_and(|d| d.contains("more than once")),
            "{full}"
        );
    }
}

#[tokio::test]
async fn an_empty_grant_type_counts_as_omitted() {
    // RFC 6749 §3.1: "Parameters sent without a value MUST be treated as if
    // they were omitted from the request."
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let account = acme_account(&sandbox);
    let credentials = Some((account.client_id(), account.client_secret()));
    let form = "application/x-www-form-urlencoded";
    for body in ["grant_type=&scope=api", "scope=api&grant_type"] {
        let response = token_request(&sandbox, credentials, form, body).await;
        let (status, error, full) = oauth_error(response).await;
        assert_eq!(
            (status, error.as_str()),
            (400, "invalid_request"),
            "{body}: {full}"
        );
        assert!(
            full["error_description"]
                .as_str()
                .is_some_and(|d| d.contains("missing the required parameter")),
            "{full}"
        );
    }
    assert_eq!(sandbox.stats().tokens_issued, 0);
}

#[tokio::test]
async fn a_multi_tenant_service_account_needs_x_org_id() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let account = sandbox
        .fixture()
        .multi_tenant_service_account()
        .expect("the demo has one")
        .clone();
    let token = token_for(&sandbox, &account).await;
    let hank = format!("/users/{}/systems", id("hank"));
    let without = get_bearer(&sandbox, &hank, &token, None).await;
    assert_eq!(without.status(), 401);
    let body: Value = without.json().await.expect("JSON");
    assert_eq!(body["message"], "Unauthorized: no organization selected");
    let with = get_bearer(&sandbox, &hank, &token, Some(GLOBEX_ORG)).await;
    assert_eq!(with.status(), 200);
}

#[tokio::test]
async fn a_single_tenant_token_stays_in_its_org() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let token = token_for(&sandbox, &acme_account(&sandbox)).await;
    let hank = format!("/users/{}/systems", id("hank"));
    let response = get_bearer(&sandbox, &hank, &token, Some(GLOBEX_ORG)).await;
    assert_eq!(response.status(), 404);
}

#[tokio::test]
async fn expired_and_revoked_tokens_get_401_until_a_new_one_is_fetched() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let account = acme_account(&sandbox);
    let systems = format!("/users/{}/systems", id("ada"));
    let token = token_for(&sandbox, &account).await;
    assert_eq!(
        get_bearer(&sandbox, &systems, &token, None).await.status(),
        200
    );

    sandbox.expire_tokens();
    let expired = get_bearer(&sandbox, &systems, &token, None).await;
    assert_eq!(expired.status(), 401);
    assert!(
        expired.headers()["www-authenticate"]
            .to_str()
            .is_ok_and(|c| c.contains("invalid_token")),
    );
    let body: Value = expired.json().await.expect("JSON");
    assert_eq!(
        body,
        json!({"error": "Unauthorized", "message": "Unauthorized: token expired"})
    );

    let fresh = token_for(&sandbox, &account).await;
    assert_ne!(fresh, token);
    assert_eq!(
        get_bearer(&sandbox, &systems, &fresh, None).await.status(),
        200
    );

    sandbox.revoke_tokens();
    let revoked = get_bearer(&sandbox, &systems, &fresh, None).await;
    assert_eq!(revoked.status(), 401);
    let body: Value = revoked.json().await.expect("JSON");
    assert_eq!(body["message"], "Unauthorized: invalid token");
    let forged = get_bearer(&sandbox, &systems, "jcs_forged", None).await;
    assert_eq!(forged.status(), 401);
}

#[tokio::test(start_paused = true)]
async fn a_token_expires_after_its_configured_lifetime() {
    let sandbox = Sandbox::builder()
        .token_lifetime(Duration::from_secs(60))
        .start()
        .await
        .expect("started");
    let body = token_answer(&sandbox, &acme_account(&sandbox)).await;
    assert_eq!(body["expires_in"], 60);
    let token = body["access_token"].as_str().expect("a token").to_owned();
    let systems = format!("/users/{}/systems", id("ada"));
    tokio::time::advance(Duration::from_secs(59)).await;
    assert_eq!(
        get_bearer(&sandbox, &systems, &token, None).await.status(),
        200
    );
    tokio::time::advance(Duration::from_secs(1)).await;
    assert_eq!(
        get_bearer(&sandbox, &systems, &token, None).await.status(),
        401
    );
}

#[tokio::test]
async fn the_token_lifetime_is_checked_and_changes_new_tokens_only() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    assert!(sandbox.set_token_lifetime(Duration::ZERO).is_err());
    assert!(
        sandbox
            .set_token_lifetime(Duration::from_secs(86_401))
            .is_err()
    );
    sandbox
        .set_token_lifetime(Duration::from_secs(120))
        .expect("in range");
    let body = token_answer(&sandbox, &acme_account(&sandbox)).await;
    assert_eq!(body["expires_in"], 120);
    assert!(
        Sandbox::builder()
            .token_lifetime(Duration::ZERO)
            .start()
            .await
            .is_err()
    );
}

#[tokio::test]
async fn token_requests_are_recorded_and_faulted_like_api_requests() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    sandbox.set_faults(FaultRule::first(1, Fault::status(503)).path_contains("/oauth2/token"));
    let account = acme_account(&sandbox);
    let credentials = Some((account.client_id(), account.client_secret()));
    let form = "application/x-www-form-urlencoded";
    let first = token_request(&sandbox, credentials, form, FORM).await;
    assert_eq!(first.status(), 503);
    let second = token_request(&sandbox, credentials, form, FORM).await;
    assert_eq!(second.status(), 200);
    let token: Value = second.json().await.expect("JSON");
    let token = token["access_token"].as_str().expect("a token").to_owned();
    let systems = format!("/users/{}/systems", id("ada"));
    assert_eq!(
        get_bearer(&sandbox, &systems, &token, None).await.status(),
        200
    );

    let requests = sandbox.requests();
    let token_requests: Vec<_> = requests
        .iter()
        .filter(|r| r.path == "/oauth2/token")
        .collect();
    assert_eq!(token_requests.len(), 2);
    assert_eq!(token_requests[0].status, Some(503));
    assert_eq!(token_requests[0].fault.as_deref(), Some("503"));
    assert_eq!(token_requests[1].status, Some(200));
    assert!(
        token_requests
            .iter()
            .all(|r| r.credential == Some(CredentialKind::Basic))
    );
    assert_eq!(requests[2].credential, Some(CredentialKind::Bearer));
    assert_eq!(sandbox.stats().tokens_issued, 1);

    // Neither the secret nor the token is recorded anywhere.
    let recorded = format!("{requests:?} {:?}", sandbox.stats());
    assert!(!recorded.contains(account.client_secret()));
    assert!(!recorded.contains(&token));
    assert!(!format!("{:?}", sandbox.fixture()).contains(account.client_secret()));
}

#[tokio::test]
async fn admin_endpoints_expire_and_revoke_tokens_and_set_the_lifetime() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let account = acme_account(&sandbox);
    let systems = format!("/users/{}/systems", id("ada"));
    let admin = |path: &str| format!("{}/__sandbox/{path}", sandbox.root_url());

    for (switch, message) in [
        ("tokens/expire", "Unauthorized: token expired"),
        ("tokens/revoke", "Unauthorized: invalid token"),
    ] {
        let token = token_for(&sandbox, &account).await;
        let answer = http().post(admin(switch)).send().await.expect("admin");
        assert_eq!(answer.status(), 204, "{switch}");
        assert_eq!(
            body_with(&sandbox, &systems, &token).await["message"],
            message
        );
    }

    let put = |body: &'static str| http().put(admin("token-lifetime")).body(body).send();
    assert_eq!(put("0").await.expect("admin").status(), 400);
    assert_eq!(put("soon").await.expect("admin").status(), 400);
    assert_eq!(put("90").await.expect("admin").status(), 204);
    let body = token_answer(&sandbox, &account).await;
    assert_eq!(body["expires_in"], 90);
}

#[tokio::test]
async fn the_generated_org_has_a_service_account() {
    let config = GeneratorConfig {
        users: 5,
        systems: 20,
        fan_out_user_systems: 20,
        ..GeneratorConfig::default()
    };
    let sandbox = Sandbox::start(Fixture::generated(config.clone())).await;
    let account = sandbox
        .fixture()
        .service_account(GeneratorConfig::ORG)
        .expect("the generator makes one")
        .clone();
    assert_eq!(account.client_id(), config.client_id());
    assert_eq!(account.client_secret(), config.client_secret());
    let token = token_for(&sandbox, &account).await;
    let fan_out = sandbox
        .fixture()
        .first_org()
        .id_of(GeneratorConfig::FAN_OUT_USER)
        .to_owned();
    let response = get_bearer(&sandbox, &format!("/users/{fan_out}/systems"), &token, None).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-total-count"], "20");
}
