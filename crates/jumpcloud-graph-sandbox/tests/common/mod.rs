//! Helpers shared by the integration tests: the demo's keys and ids, and
//! small request helpers. Each test file uses a different subset, hence the
//! `dead_code` allowance.
#![allow(dead_code)]

use jumpcloud_graph_sandbox::{Fixture, Sandbox, ServedOperation};
use serde_json::{Value, json};

pub const ACME_KEY: &str = "jc-sandbox-acme-admin";
pub const GLOBEX_KEY: &str = "jc-sandbox-globex-admin";
pub const MSP_KEY: &str = "jc-sandbox-msp-admin";
pub const ACME_ORG: &str = "650000000000000000000001";
pub const GLOBEX_ORG: &str = "650000000000000000000002";

/// The id of a demo object by handle (Acme unless it is Globex's).
pub fn id(handle: &str) -> String {
    let demo = Fixture::demo();
    demo.orgs()
        .iter()
        .find_map(|org| org.object(handle))
        .unwrap_or_else(|| panic!("no demo object {handle}"))
        .id()
        .to_owned()
}

/// A reqwest client builder for talking to a sandbox: no proxy from the
/// environment (loopback must not go through one) and no TLS roots to load
/// (the sandbox speaks plain HTTP, and loading them dominates a test's time).
pub fn http_builder() -> reqwest::ClientBuilder {
    // The client crate's default `tls-ring` feature builds reqwest with
    // `rustls-no-provider`; a plain reqwest client needs a default provider
    // (a sandbox started in-process installs one, a spawned binary does not).
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
    reqwest::Client::builder()
        .no_proxy()
        .tls_certs_only(std::iter::empty())
}

/// A plain client (no default key).
pub fn http() -> reqwest::Client {
    http_builder().build().expect("a reqwest client")
}

/// The generated low-level client, authenticated with `key`.
pub fn generated(sandbox: &Sandbox, key: &str) -> jumpcloud_graph_openapi::Client {
    let defaults = jumpcloud_graph_openapi::RequestDefaults::new()
        .with_api_key(key)
        .expect("a valid header value");
    jumpcloud_graph_openapi::Client::new_with_client(&sandbox.base_url(), http(), defaults)
}

/// The generated v1 lookup client, authenticated with `key`.
pub fn generated_v1(
    sandbox: &Sandbox,
    key: &str,
) -> jumpcloud_graph_openapi::directory::v1::Client {
    let defaults = jumpcloud_graph_openapi::RequestDefaults::new()
        .with_api_key(key)
        .expect("a valid header value");
    jumpcloud_graph_openapi::directory::v1::Client::new_with_client(
        &sandbox.v1_base_url(),
        http(),
        defaults,
    )
}

/// The generated v2 lookup client, authenticated with `key`.
pub fn generated_v2(
    sandbox: &Sandbox,
    key: &str,
) -> jumpcloud_graph_openapi::directory::v2::Client {
    let defaults = jumpcloud_graph_openapi::RequestDefaults::new()
        .with_api_key(key)
        .expect("a valid header value");
    jumpcloud_graph_openapi::directory::v2::Client::new_with_client(
        &sandbox.base_url(),
        http(),
        defaults,
    )
}

/// `GET {base_url}{path}` with the Acme key.
pub async fn get(sandbox: &Sandbox, path: &str) -> reqwest::Response {
    get_with(sandbox, path, Some(ACME_KEY), None).await
}

/// `GET {base_url}{path}` with an optional key and `x-org-id`.
pub async fn get_with(
    sandbox: &Sandbox,
    path: &str,
    key: Option<&str>,
    org: Option<&str>,
) -> reqwest::Response {
    let mut request = http().get(format!("{}{path}", sandbox.base_url()));
    if let Some(key) = key {
        request = request.header("x-api-key", key);
    }
    if let Some(org) = org {
        request = request.header("x-org-id", org);
    }
    request.send().await.expect("the sandbox answers")
}

/// `POST {base_url}{path}` with the Acme key and a JSON body.
pub async fn post(sandbox: &Sandbox, path: &str, body: Value) -> reqwest::Response {
    http()
        .post(format!("{}{path}", sandbox.base_url()))
        .header("x-api-key", ACME_KEY)
        .json(&body)
        .send()
        .await
        .expect("the sandbox answers")
}

/// The response's `x-total-count` as a number.
pub fn total(response: &reqwest::Response) -> u64 {
    response
        .headers()
        .get("x-total-count")
        .expect("x-total-count header")
        .to_str()
        .expect("ascii")
        .parse()
        .expect("a number")
}

/// Status, `x-total-count` (if any) and JSON body.
pub async fn json(response: reqwest::Response) -> (u16, Option<u64>, Value) {
    let status = response.status().as_u16();
    let count = response
        .headers()
        .get("x-total-count")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    let body = response.json().await.expect("a JSON body");
    (status, count, body)
}

/// The `id`s of a JSON array of objects (or of their `to`, for associations).
pub fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .expect("a JSON array")
        .iter()
        .map(|item| {
            item.get("id")
                .or_else(|| item.get("to").and_then(|to| to.get("id")))
                .and_then(Value::as_str)
                .expect("an id")
                .to_owned()
        })
        .collect()
}

/// The item with this id in a JSON array.
pub fn item<'a>(list: &'a Value, id: &str) -> &'a Value {
    list.as_array()
        .expect("a JSON array")
        .iter()
        .find(|item| item["id"] == id)
        .unwrap_or_else(|| panic!("{id} not in {list}"))
}

/// The URL of a served operation on `sandbox`, its path parameters filled
/// with demo objects of the right kind: `user` (a handle) for `{user_id}`
/// and for the `{id}` of `systemusers_get`, Acme's G Suite and Office 365
/// for theirs.
pub fn served_url(sandbox: &Sandbox, operation: &ServedOperation, user: &str) -> String {
    let id = match operation.operation_id {
        "gsuites_get" => id("acme-workspace"),
        _ => id(user),
    };
    let path = operation
        .path
        .replace("{user_id}", &id)
        .replace("{id}", &id)
        .replace("{office365_id}", &self::id("acme-m365"));
    format!("{}{}{path}", sandbox.root_url(), operation.base_path)
}

/// A body each served POST accepts: an activation email, an empty search,
/// or adding web-01 to the user.
pub fn served_body(operation: &ServedOperation) -> Value {
    match operation.operation_id {
        "users_sendEmails" => json!({"emailType": "activation"}),
        id if id.starts_with("search_") => json!({}),
        _ => json!({"op": "add", "type": "system", "id": self::id("web-01")}),
    }
}
