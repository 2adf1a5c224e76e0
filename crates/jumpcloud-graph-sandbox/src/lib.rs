//! An in-memory JumpCloud organisation that serves JumpCloud's v2 user-graph
//! API, and the v1 and v2 lookups that name its ids, over real HTTP, on
//! loopback: for tests (the way wiremock is used, but
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
//! `/api/v2`, with the fragment's JSON shapes, the fourteen directory lookups
//! (below; [`served_operations`] lists all 27), and the service accounts'
//! token route at `/oauth2/token`:
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
//! Association changes can lag, as JumpCloud processes them
//! asynchronously: with [`SandboxBuilder::association_lag`] (or
//! [`Sandbox::set_association_lag`], `--association-lag-ms`), a
//! `POST associations` is checked and answered at once, and the association
//! list and later writes see it at once, but the traversals show each
//! write the lag later, in the order the writes were
//! made, on tokio's clock. [`Sandbox::live_fixture`] is the orgs as every
//! write left them, and [`Fixture::to_yaml`] saves it in a form
//! [`Fixture::from_yaml_str`] loads again.
//!
//! ## The directory lookups: names for ids
//!
//! The fourteen lookups of `openapi/jumpcloud-directory-v1.yaml` (under
//! `/api`, [`Sandbox::v1_base_url`]) and `-v2.yaml` (under `/api/v2`) answer
//! with the fixture's own fields: users (`username`, `email`, `firstname`,
//! `lastname`, ...), systems (`hostname`, `displayName`, `os`), applications
//! (`name`, `displayLabel`), RADIUS servers, user and system groups
//! (`name`, `type`), LDAP servers, Active Directory (`domain`), G Suite and
//! Office 365 (`name`), and every directory at once (`type`).
//!
//! * v1 lists answer `{"totalCount", "results"}` and take `filter=<field>:$<op>:<value>`
//!   (`$eq $ne $gt $gte $lt $lte`, and `$in` with `|`-separated values),
//!   space-separated `fields` and `sort`; `POST /search/systemusers` and
//!   `/search/systems` also take a body `{"filter": {"or": [{"_id": ...},
//!   {"email": ...}]}, "searchFilter": {"searchTerm", "fields"}, "fields"}`.
//! * v2 lists answer arrays with `x-total-count` and take the graph's
//!   filters (`filter=id:in:<id>|<id>`), comma-separated `fields` and
//!   `sort`.
//! * `fields` projects every record, which keeps its id; `limit` above 100 is
//!   JumpCloud's 400; a filter on a field the record does not declare, or an
//!   operator the sandbox does not model, is a 400 naming it.
//!
//! Keys, `x-org-id`, the request log ([`RecordedRequest`]: method, path and
//! query of each request, so a test can count the lookups a client sends),
//! latency and faults work as for the user graph; a short page drops the
//! last of a v1 list's `results` too.
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
//! `invalid_scope` (400), each with an `error_description`. As RFC 6749
//! §3.1 and §3.2 say, a parameter sent without a value counts as omitted
//! (`grant_type=` is `invalid_request`, a missing parameter), one of the
//! RFC's own parameters (`grant_type`, `scope`, `client_id`,
//! `client_secret`, `code`, `redirect_uri`, `username`, `password`,
//! `refresh_token`) sent twice is `invalid_request`, and any other
//! parameter is ignored, however often it is sent.
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
//! accounts and `curl` lines (a script may read the first line, the URL,
//! and close the pipe: the server carries on); `--org FILE`,
//! `--generate-users N`, `--latency-ms`, `--association-lag-ms`,
//! `--rate-limit-per-key`,
//! `--fault '429,every=3,retry-after=2'`, `--seed`,
//! `--token-lifetime-secs`, `--max-connections` and
//! `--header-read-timeout-secs` configure it (see `--help`). A running
//! sandbox is driven from outside through `/__sandbox/stats`,
//! `/__sandbox/requests`, `/__sandbox/outbox`, `/__sandbox/edges?org=...`,
//! `PUT /__sandbox/faults` (one rule per line), `PUT /__sandbox/latency`
//! and `PUT /__sandbox/association-lag` (milliseconds), `PUT
//! /__sandbox/token-lifetime` (seconds), `POST /__sandbox/tokens/expire`
//! and `POST /__sandbox/tokens/revoke`.
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
//! * Graph bodies have the recorded shape (traffic recorded against
//!   console.jumpcloud.com in 2021, JupiterOne/graph-jumpcloud): each edge
//!   exactly `attributes` and `to`, never `from`; each `to` exactly
//!   `attributes` (the node's own, e.g. a user group's `ldapGroups`, or
//!   `null`), `id` and `type`; `compiledAttributes` derived from what the
//!   paths carry, `null` when they carry nothing. `tests/it/contract/`
//!   holds bodies of that shape, which a test compares with the sandbox's.
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
//! * `compiledAttributes` follow JumpCloud's two documented sudo rules (the
//!   user's own permissions supersede a user group's; a user group's own
//!   `sudo` supersedes its bindings') and, where JumpCloud is silent, the
//!   rules `docs/client.md` lists under "What explanations assume" (the order
//!   within the user's and within a group's bindings, the most permissive
//!   among equals, a path without sudo never deciding, a group setting
//!   that is off being none). Other keys: a path's edge attributes, then
//!   each node's own, nearest the object winning; for each key the
//!   strongest path that has it, the first among equals. Nested groups
//!   rank by their first edge (the client ranks them last, so a fixture
//!   with nested groups shows a disagreement).
//! * A request with both `x-api-key` and `Authorization: Bearer` is judged
//!   by the key.
//! * The token route: a missing `scope` is `invalid_scope` (RFC 6749 lets a
//!   server default it instead); errors are checked in the order the `oauth`
//!   module gives; the 401 bodies for expired and invalid tokens are the
//!   sandbox's own, in JumpCloud's error style; tokens live an hour.
//! * Association lag delays the traversals only: writes
//!   are checked against, and the association list shows, every write made
//!   (JumpCloud's status page names association *processing* delays, not
//!   which reads they affect); lagged writes show in order, never out of
//!   it.
//! * A body over 2 MiB is 413 (the limit is the sandbox's).
//! * The per-key rate limit, when set: JumpCloud publishes no limit, no 429
//!   body and no rate-limit headers. The sandbox counts per API key or
//!   service account (a token bucket of a second's worth, refilled at the
//!   budget's rate), answers `{"error":"Too Many Requests","message":"Too
//!   Many Requests"}` with `Retry-After` in whole seconds (what a client
//!   would most like to have; no source shows JumpCloud sending it),
//!   counts the v1 and v2 APIs (the user graph and the directory lookups)
//!   against one budget, as a gateway in front of both would, and does not
//!   limit the token route.
//! * A method a path does not serve is 405 with a JumpCloud-style body.
//!
//! Assumed for the directory lookups (the fragments' headers say which forms
//! JumpCloud documents):
//!
//! * v1 `filter=_id:$in:<id>|<id>`: upstream documents `$eq`, `$ne`, `$gt`,
//!   `$gte`, `$lt`, `$lte` and ORs only in the indexed form
//!   `filter[or][0]=...`, which the sandbox refuses (400) rather than
//!   ignores; operators without `$` are 400 (upstream: "undefined
//!   behavior"). Repeated `filter` parameters are AND-ed.
//! * v2 `filter=id:in:<id>|<id>`: `in` is documented, `|` and `id` as a
//!   filter field are not (upstream lists user groups' filter fields
//!   without `id`). Filters may name the record's declared properties only:
//!   the sandbox refuses JumpCloud's other documented ones (`disabled`,
//!   `suggestionCounts.*`), which its records do not have.
//! * Search bodies: `{"or": [...]}` and `{"and": [...]}` over query
//!   expressions are documented, as is one expression; `_id` as an
//!   expression's field, and `{"<field>": {"$in": [...]}}` or another v1
//!   operator as its value, are assumed; `$regex` (which JumpCloud's
//!   PowerShell module sends) is a 400, not modelled. Upstream's sample that
//!   sends `filter` as an array contradicts its schema (an object) and is
//!   refused. `searchFilter` matches a substring, ignoring case. A request
//!   carries at most 1,000 expressions and listed values (the sandbox's
//!   cap). The body's `fields` win over the query string's.
//! * `fields` keeps the record's id (`_id`, `id`), as MongoDB projections
//!   keep `_id`; either space or comma separates names in both APIs; an
//!   unknown name is ignored.
//! * `directories_list` lists G Suite, LDAP and Office 365 (upstream: "all
//!   active directories (LDAP, O365 Suite, G-Suite)"), not Active Directory,
//!   and ignores `filter`, which it does not declare. A v1
//!   `systemusers_get` whose `filter` excludes the user is 404.

// The source, by topic. The org and its graph: `model/` (kinds, objects,
// edges, orgs) and `graph.rs` (traversal and compiled attributes). Where orgs
// come from: `fixture/` (YAML, credentials by org) and `generate.rs`; the
// credentials themselves: `credentials.rs`. A running sandbox: `sandbox/`
// (the handle a test holds), `state.rs` (what connections share), `live.rs`
// and `cache.rs` (the graph as writes leave it, and cached traversals),
// `tokens.rs`, `settings.rs`, `faults/`. The HTTP side: `server/` (routes,
// handlers, auth, connections), `query.rs` (list parameters), `lookup/` (what
// the directory lookups list, select and project), `wire/` (every JSON shape)
// and `errors.rs` (JumpCloud's error answers).
mod cache;
mod credentials;
mod errors;
mod faults;
mod fixture;
mod generate;
mod graph;
mod lag;
mod live;
mod lookup;
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
/// `/users/{user_id}/systems`; each path is relative to its
/// [`base_path`](ServedOperation::base_path) (`/api/v2`, or `/api` for the
/// v1 lookups). These are the thirteen operations of the user-graph
/// fragment and the fourteen directory lookups, registered from the
/// generated tables, so that a test can check them against the specs. The
/// token route (`/oauth2/token`, at the root) is not one of them.
///
/// ```
/// let served = jumpcloud_graph_sandbox::served_operations();
/// assert_eq!(served.len(), 13 + 14);
/// assert!(served.iter().any(|operation| operation.operation_id == "users_sendEmails"
///     && operation.method == "POST"
///     && operation.base_path == "/api/v2"
///     && operation.path == "/users/{user_id}/emails"));
/// assert!(served.iter().any(|operation| operation.operation_id == "search_systemusers_post"
///     && operation.base_path == "/api"
///     && operation.path == "/search/systemusers"));
/// ```
pub fn served_operations() -> Vec<ServedOperation> {
    server::served_operations()
}
