//! An in-memory JumpCloud organisation that serves JumpCloud's v2 user-graph
//! API over real HTTP, on loopback: for tests (the way wiremock is used, but
//! with a real graph behind it), for demos, and as the quickstart's default.
//!
//! # A guided tour
//!
//! ## Start a sandbox and call it
//!
//! [`Sandbox::start`] binds `127.0.0.1` on a port the OS chooses and serves
//! until the [`Sandbox`] is dropped. Any HTTP client works; send the key in
//! `x-api-key`, as with JumpCloud.
//!
//! ```
//! use jumpcloud_graph_sandbox::{Fixture, Sandbox};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let sandbox = Sandbox::start(Fixture::demo()).await;
//! let ada = sandbox.fixture()["acme"].id_of("ada");
//!
//! let response = reqwest::Client::new()
//!     .get(format!("{}/users/{ada}/systems?limit=100", sandbox.base_url()))
//!     .header("x-api-key", sandbox.api_key())
//!     .send()
//!     .await?;
//! assert_eq!(response.headers()["x-total-count"], "6");
//! let systems: serde_json::Value = response.json().await?;
//! assert_eq!(systems[3]["paths"].as_array().map(Vec::len), Some(3)); // web-01
//! # Ok(())
//! # }
//! ```
//!
//! As a dev-dependency the crate needs no features (`default = []`); the
//! standalone binary needs the `cli` feature (see below).
//!
//! ## The demo org
//!
//! [`Fixture::demo`] is `fixtures/demo-org.yaml`, embedded. Acme Robotics has
//! five people (`ada`, `grace`, `linus`, `katherine`, and `ken`, who is not
//! activated yet), four user groups, six machines, two applications, one
//! directory of each kind and an office Wi-Fi RADIUS server. Ada reaches
//! `web-01` three ways: directly (sudo with a password), through Ops
//! (passwordless sudo) and through Engineering's binding to the
//! "Production servers" system group. A second org, Globex, and the
//! multi-tenant key `jc-sandbox-msp-admin` show `x-org-id` handling. Keys:
//! `jc-sandbox-acme-admin` (what [`Sandbox::api_key`] returns),
//! `jc-sandbox-globex-admin`, `jc-sandbox-msp-admin`. Service accounts:
//! `jc-sandbox-acme-automation` (Acme's; what [`Sandbox::service_account`]
//! returns) and the multi-tenant `jc-sandbox-msp-automation`, each with the
//! secret `<client id>-secret`.
//!
//! [`Sandbox::client`] acts in the first org; [`Sandbox::client_for`] gives
//! a client for any org of the fixture, with the credential that reaches it:
//! the org's own key, else a multi-tenant key whose scope reaches it (with
//! `x-org-id`), else a service account likewise. It is the rule `jcgraph`
//! uses too. An unknown org, an org nothing reaches, or a fixture key the
//! client refuses (under 16 characters) is a [`ClientForError`].
//!
//! Your own fixtures are YAML in the same format ([`Fixture::from_yaml_str`],
//! [`Fixture::from_path`]), at most 16 MiB ([`Fixture::MAX_YAML_BYTES`]);
//! large orgs come from the deterministic generator
//! ([`Fixture::generated`] with a [`GeneratorConfig`]), which also makes a key
//! and a service account for its org.
//!
//! ## What the sandbox serves
//!
//! All thirteen operations of `openapi/jumpcloud-user-graph.yaml`, under
//! `/api/v2`, with the fragment's JSON shapes ([`served_operations`] lists
//! them), and the service accounts' token route at `/oauth2/token`:
//!
//! * the nine traversals (`/users/{id}/systems`, `/systemgroups`,
//!   `/applications`, `/directories`, `/gsuites`, `/office365s`,
//!   `/ldapservers`, `/radiusservers`, `/activedirectories`) list every
//!   object the user reaches,
//!   with **every** path that grants it (user → object, user → user group →
//!   object, user → system group ∋ system, user → user group → system group ∋
//!   system) and `compiledAttributes` merged over the paths: a direct binding
//!   supersedes a user group's, as JumpCloud documents (the full rule is on
//!   the crate's `graph::compile_attributes`, summarised below);
//! * `memberof` lists the user's groups (with `filter` and `sort`);
//!   `associations` lists and changes direct edges only; `emails` records
//!   activation emails in an outbox ([`Sandbox::outbox`]).
//!
//! Lists are ordered by id, take `limit` (1 to 100, default 10) and `skip`,
//! carry `x-total-count`, and take `filter=<field>:<op>:<value>` (repeated
//! filters are AND-ed; ops `eq ne gt ge lt le between search in`). Errors are
//! JumpCloud's: 400 for `limit` above 100 (`"Bad Request: request parameter
//! \"limit\" exceeds maximum value of 100"`), a malformed ObjectID, a bad
//! filter or body; 401 `{"error":"Unauthorized","message":"Unauthorized: api
//! key user not found"}` for a missing or wrong key, and `"Unauthorized: no
//! organization selected"` for a multi-tenant credential without `x-org-id`;
//! 404 for an unknown user, target, edge or org; 409 for adding an existing
//! edge; 413 for a body over 2 MiB.
//!
//! A traversal is computed once per (org, user, traversal) and cached, so
//! the pages after the first cost a slice (for a user bound to 10,000
//! systems, well under 0.1 ms a page on loopback, against about 5 ms to
//! recompute the traversal; `benches/sandbox_pages.rs` measures it); every
//! write forgets its org's cached traversals.
//!
//! `compiledAttributes`, in short: each path's attributes are its edges'
//! (nearest the object wins); for each key, the path of highest precedence
//! that has it decides (direct, then user → system group, then user group →
//! object, then user group → system group); among equals, `sudo` is the most
//! permissive and other keys come from the first path.
//!
//! ## Service accounts and tokens
//!
//! A service account ([`OAuthClient`]) trades its id and secret for a bearer
//! token at [`Sandbox::token_url`], as at JumpCloud's
//! `https://admin-oauth.id.jumpcloud.com/oauth2/token`: `POST` with
//! `Authorization: Basic base64(client_id:client_secret)` and the form body
//! `grant_type=client_credentials&scope=api` answers
//! `{"access_token", "token_type": "bearer", "expires_in": 3600, "scope": "api"}`.
//! API calls then send `Authorization: Bearer <token>` instead of
//! `x-api-key`, with the same `x-org-id` rules. Errors are RFC 6749's:
//! `invalid_client` (401) for a missing Basic header, an unknown client or
//! a wrong secret; `invalid_request`, `unsupported_grant_type` and
//! `invalid_scope` (400), each with an `error_description`.
//!
//! Tokens live [`SandboxBuilder::token_lifetime`] (an hour by default, on
//! tokio's clock, so a paused clock can run past it);
//! [`Sandbox::expire_tokens`] and [`Sandbox::revoke_tokens`] end them all
//! at once. An expired token gets 401 `"Unauthorized: token expired"`, an
//! unknown or revoked one `"Unauthorized: invalid token"`, both with a
//! `WWW-Authenticate: Bearer error="invalid_token"` challenge. The token
//! route is counted, logged (never its credentials or the token), delayed
//! and faulted like any API request: `path=/oauth2/token` aims a fault rule
//! at it, and [`Stats::tokens_issued`] counts the tokens.
//!
//! ## Faults and latency
//!
//! A [`FaultPlan`] makes chosen requests fail in chosen ways, deterministically:
//! statuses (408, 429 with or without `Retry-After`, 5xx), dropped or reset
//! connections, HTML gateway pages, empty or non-JSON 200s, truncated or
//! stalled bodies, short pages, and lost responses to applied writes
//! ([`FaultRule::syntax_help`] lists every kind).
//!
//! ```
//! use jumpcloud_graph_sandbox::{Fault, FaultRule, RetryAfter, Sandbox};
//! use std::time::Duration;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let sandbox = Sandbox::builder()
//!     .latency(Duration::from_millis(5))
//!     .faults(FaultRule::every_nth(3, Fault::status(429).retry_after(RetryAfter::Seconds(1))))
//!     .start()
//!     .await?;
//! // ... exercise a client ...
//! sandbox.clear_faults();
//! assert_eq!(sandbox.stats().faults_injected, 0);
//! # Ok(())
//! # }
//! ```
//!
//! A per-key rate limit ([`SandboxBuilder::rate_limit_per_key`], the
//! binary's `--rate-limit-per-key N`) answers 429 with `Retry-After` once a
//! credential has used its budget of `N` requests a minute (a token bucket
//! holding a second's worth), so that a client's adaptation to JumpCloud's
//! unpublished limit can be tested ([`Stats::rate_limited`] counts them).
//!
//! [`Sandbox::stats`] counts requests, faults, tokens, connections and the
//! most requests in flight at once (to test concurrency limits);
//! [`Sandbox::requests`] logs each request (never its credential);
//! [`Sandbox::hold_responses`] and [`Sandbox::wait_for_in_flight`] line up
//! concurrent requests without sleeps.
//!
//! ## Limits
//!
//! The sandbox refuses what it cannot honour instead of failing later: a
//! latency above a minute, a `Retry-After` date more than a year away, a
//! trigger that never fires (`every=0`), a zero connection cap (the
//! builder's [`start`](SandboxBuilder::start) fails, setters return
//! [`SettingError`], the binary exits non-zero, admin endpoints answer 400).
//! Against careless or hostile clients: a request's head must arrive within
//! [`SandboxBuilder::header_read_timeout`] (30 s by default; an idle
//! keep-alive connection is closed after as long), at most
//! [`SandboxBuilder::max_connections`] connections are open at once (256 by
//! default; when all are taken, a new connection takes the slot of the one
//! that has waited longest for a request, so a flood of half-sent requests
//! cannot stall a whole one), and bodies over
//! [`SandboxBuilder::BODY_LIMIT`] get 413.
//!
//! ## The standalone binary
//!
//! `cargo run -p jumpcloud-graph-sandbox --features cli -- --port 8080`
//! serves the demo org and prints the base URL, the keys, the service
//! accounts and `curl` lines; `--org FILE`, `--generate-users N`,
//! `--latency-ms`, `--rate-limit-per-key`, `--fault '429,every=3,retry-after=2'`, `--seed`,
//! `--token-lifetime-secs`, `--max-connections` and
//! `--header-read-timeout-secs` configure it (see `--help`). A running
//! sandbox is driven from outside through `/__sandbox/stats`,
//! `/__sandbox/requests`, `/__sandbox/outbox`, `/__sandbox/edges?org=...`,
//! `PUT /__sandbox/faults` (one rule per line), `PUT /__sandbox/latency`
//! (milliseconds), `PUT /__sandbox/token-lifetime` (seconds),
//! `POST /__sandbox/tokens/expire` and `POST /__sandbox/tokens/revoke`.
//!
//! ## The public API, by topic
//!
//! * Starting and stopping: [`Sandbox`], [`SandboxBuilder`], [`StartError`],
//!   [`SettingError`].
//! * Clients and credentials: [`Sandbox::client`], [`Sandbox::client_with`],
//!   [`Sandbox::client_for`], [`Sandbox::client_builder_for`],
//!   [`Sandbox::service_account_client`], [`ClientForError`];
//!   [`AdminApiKey`], [`OAuthClient`], [`KeyScope`].
//! * Fixtures: [`Fixture`], [`FixtureError`], [`GeneratorConfig`],
//!   [`DEFAULT_SEED`]; the org they describe: [`Org`], [`Object`],
//!   [`ObjectRef`], [`OrgEdge`], [`EdgeRole`], [`Kind`], [`UnknownKind`].
//! * Faults: [`FaultPlan`], [`FaultRule`], [`Trigger`], [`Fault`],
//!   [`RetryAfter`], [`FaultSpecError`].
//! * Inspecting a running sandbox: [`Stats`], [`RecordedRequest`],
//!   [`CredentialKind`], [`SentEmail`], [`ResponseHold`], and what it
//!   serves: [`served_operations`], [`ServedOperation`].
//!
//! # What the sandbox assumes
//!
//! The sandbox follows JumpCloud's published spec and what users have seen
//! from the real API. Where neither says, it picks a behaviour; each such
//! choice is listed here, so that a test that depends on one knows it is
//! testing the sandbox, not JumpCloud.
//!
//! Seen from the real API (kept, with the evidence):
//!
//! * `limit` above 100 is 400 `"Bad Request: request parameter \"limit\"
//!   exceeds maximum value of 100"`: the exact message is quoted by a user
//!   in TheJumpCloud/jcapi-python#38 (the spec only says "Limited to 100").
//! * A missing or unknown key is 401 `{"error":"Unauthorized","message":
//!   "Unauthorized: api key user not found"}` (DefGuard#2743); a
//!   multi-tenant key without `x-org-id` is 401 `"Unauthorized: no
//!   organization selected"` (CognotektGmbH/terraform-provider-jumpcloud#12).
//! * Lists carry `x-total-count` (recorded traffic on other v2 traversals;
//!   JumpCloud's PowerShell module relies on it).
//!
//! Assumed:
//!
//! * `limit` below 1 or not an integer, and `skip` below 0, are 400 with
//!   messages in the style of the `limit` one.
//! * A malformed user id in the path is 400 `"Bad Request: invalid object id
//!   ..."`: the spec gives `user_id` no pattern; the only evidence is a 400
//!   for a malformed id in an association *body*.
//! * An unknown but well-formed user is 404 (likely, unconfirmed; some APIs
//!   answer 200 `[]`).
//! * `POST /users/{id}/emails` without `emailType` is 400: the spec's
//!   `EmailRequest` does not make it required; the sandbox is strict so that
//!   a client that leaves it out finds out. Only `activation` exists (the
//!   spec's one enum value).
//! * `GET /users/{id}/associations` takes several targets, repeated
//!   (`targets=system&targets=system_group`) or comma-joined
//!   (`targets=system,system_group`), and lists the union. The spec types
//!   `targets` as a comma-separated array; clients seen send one.
//! * Filter values: `in` takes `|`-separated values (`os:in:Ubuntu|Debian`)
//!   and `between` takes `<low>,<high>`, inclusive; comparisons are numeric
//!   when both sides are numbers. `eq` is exact: the spec's "supports wild
//!   cards" is not modelled, and `search` is a case-insensitive substring.
//!   Any field can be filtered on, `memberof` included (the spec lists
//!   `object_id` and `type` there).
//! * Removing an edge that does not exist is 404, and adding one that does
//!   is 409 `"Conflict: Already Exists: ..."` (both seen for group
//!   memberships, not confirmed for user associations).
//! * `sudo` is accepted on a binding to any target, not only on systems and
//!   system groups; its shape is checked (`withoutPassword` needs
//!   `enabled`).
//! * `compiledAttributes` among equally ranked paths: `sudo` is the most
//!   permissive of them (JumpCloud documents the ranking, not the tie).
//! * A request with both `x-api-key` and `Authorization: Bearer` is judged
//!   by the key.
//! * The token route: a missing `scope` is `invalid_scope` (RFC 6749 lets a
//!   server default it instead); errors are checked in the order the `oauth`
//!   module gives; the 401 bodies for expired and invalid tokens are the
//!   sandbox's own, in JumpCloud's error style; tokens live an hour.
//! * A body over 2 MiB is 413 (the limit is the sandbox's).
//! * The per-key rate limit, when set: JumpCloud publishes no limit, no 429
//!   body and no rate-limit headers. The sandbox counts per API key or
//!   service account (a token bucket of a second's worth, refilled at the
//!   budget's rate), answers `{"error":"Too Many Requests","message":"Too
//!   Many Requests"}` with `Retry-After` in whole seconds (what a client
//!   would most like to have; no source shows JumpCloud sending it), and
//!   does not limit the token route.
//! * A method a path does not serve is 405 with a JumpCloud-style body.

// The source, by topic. The org and its graph: `model/` (kinds, objects,
// edges, orgs) and `graph.rs` (traversal and compiled attributes). Where orgs
// come from: `fixture/` (YAML, credentials by org) and `generate.rs`; the
// credentials themselves: `credentials.rs`. A running sandbox: `sandbox/`
// (the handle a test holds), `state.rs` (what connections share), `live.rs`
// and `cache.rs` (the graph as writes leave it, and cached traversals),
// `tokens.rs`, `settings.rs`, `faults/`. The HTTP side: `server/` (routes,
// handlers, auth, connections), `query.rs` (list parameters), `wire/` (every
// JSON shape) and `errors.rs` (JumpCloud's error answers).
mod cache;
mod credentials;
mod errors;
mod faults;
mod fixture;
mod generate;
mod graph;
mod live;
mod model;
mod query;
mod sandbox;
mod server;
mod settings;
mod state;
mod tokens;
mod wire;

pub use crate::credentials::{AdminApiKey, KeyScope, OAuthClient};
pub use crate::faults::{Fault, FaultPlan, FaultRule, FaultSpecError, RetryAfter, Trigger};
pub use crate::fixture::{Fixture, FixtureError};
pub use crate::generate::GeneratorConfig;
pub use crate::model::{EdgeRole, Kind, Object, ObjectRef, Org, OrgEdge, UnknownKind};
pub use crate::sandbox::{ClientForError, Sandbox, SandboxBuilder, StartError};
pub use crate::server::ServedOperation;
pub use crate::settings::SettingError;
pub use crate::state::{CredentialKind, RecordedRequest, ResponseHold, SentEmail, Stats};

/// The seed the generator ([`GeneratorConfig::default`]), fault plans
/// ([`FaultPlan::new`]) and the binary's `--seed` use unless told otherwise.
pub const DEFAULT_SEED: u64 = 1;

/// Every operation the API serves, e.g. `graph_userTraverseSystem`, `GET`
/// `/users/{user_id}/systems`; paths are relative to [`Sandbox::base_url`]
/// (`/api/v2`). These are the thirteen operations of the OpenAPI fragment,
/// registered from one table, so that a test can check them against the
/// spec. The token route (`/oauth2/token`, at the root) is not one of them.
///
/// ```
/// let served = jumpcloud_graph_sandbox::served_operations();
/// assert_eq!(served.len(), 13);
/// assert!(served.iter().any(|operation| operation.operation_id == "users_sendEmails"
///     && operation.method == "POST"
///     && operation.path == "/users/{user_id}/emails"));
/// ```
pub fn served_operations() -> Vec<ServedOperation> {
    server::served_operations()
}
