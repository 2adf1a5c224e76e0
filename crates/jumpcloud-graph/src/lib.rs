//! A typed, paginating, retrying client for JumpCloud's v2 **user graph**:
//! what a user is bound to (devices, device groups, applications,
//! directories, RADIUS servers), directly or through groups, with the paths
//! that grant each binding, and the writes that change it.
//!
//! # A tour
//!
//! Build a [`Client`] once; it is cheap to clone and safe to share. The
//! credential is an administrator's API key or a service account.
//!
//! ```no_run
//! use jumpcloud_graph::{Client, ClientBuilder, Region};
//!
//! // JUMPCLOUD_CLIENT_ID + JUMPCLOUD_CLIENT_SECRET, or JUMPCLOUD_API_KEY;
//! // JUMPCLOUD_REGION (us, eu, in), JUMPCLOUD_ORG_ID, JUMPCLOUD_BASE_URL.
//! let client = ClientBuilder::from_env()?.build()?;
//!
//! // Or explicitly:
//! let client = Client::builder()
//!     .api_key("your-40-character-api-key-from-the-console")
//!     .region(Region::Eu)
//!     .build()?;
//! # Ok::<(), jumpcloud_graph::Error>(())
//! ```
//!
//! Every operation starts from a [`User`]. Ids are checked before anything
//! is sent: an id must be a 24-hex-digit ObjectID.
//!
//! ```no_run
//! # async fn tour(client: jumpcloud_graph::Client) -> Result<(), jumpcloud_graph::Error> {
//! use futures::TryStreamExt;
//! use jumpcloud_graph::{AssociationTarget, Filter, Sort, Sudo};
//!
//! let user = client.user("5f1b0c2e9c1a4b0012345678")?;
//!
//! // Traversals stream everything bound to the user, 100 per page, several
//! // pages at a time, with every path that grants each binding.
//! let mut systems = user.systems().filter(Filter::eq("os", "Ubuntu")).stream();
//! while let Some(system) = systems.try_next().await? {
//!     println!("{} {}, sudo {:?}", system.kind(), system.id(), system.sudo());
//!     for path in system.paths() {
//!         println!("  {}: {path}", path.kind()); // direct, via user_group ..., ...
//!     }
//! }
//!
//! // The user's groups, sorted; the direct associations.
//! let groups = user.member_of().sort(Sort::asc("name")).try_collect().await?;
//! let direct = user
//!     .associations([AssociationTarget::System, AssociationTarget::SystemGroup])
//!     .try_collect()
//!     .await?;
//!
//! // Writes: plain ones are sent once; ensure_* ones are safe to retry.
//! user.associate(AssociationTarget::SystemGroup, "60aa11bb22cc33dd44ee55ff")?
//!     .sudo(Sudo::WithPassword)
//!     .await?;
//! user.ensure_dissociated(AssociationTarget::SystemGroup, "60aa11bb22cc33dd44ee55ff")?.await?;
//! user.send_activation_email().await?;
//! # Ok(())
//! # }
//! ```
//!
//! # Why does this user have access, and taking it away completely
//!
//! Removing a user's direct binding to a device leaves every path through
//! groups in place, and can even *raise* the user's sudo there (the direct
//! binding's sudo was deciding; now a group's does). Three calls answer
//! the questions people ask the user graph:
//!
//! - [`User::explain`]: every path that grants one object, each with its
//!   classification ([`Grant`]) and its own sudo, the effective sudo and
//!   the path that decides it ([`Explanation`]), and the server's
//!   `compiledAttributes`, flagged where they disagree.
//! - [`User::revoke_plan`]: a smallest set of edges whose removal leaves no
//!   path ([`RevokePlan`]), exact by a maximum flow (a minimum cut of the
//!   paths' graph) for any number of paths; each [`RevokeStep`] says
//!   whether this crate can remove it, the JumpCloud operation that does
//!   ([`RemovalOperation`]: method, path, body), and what else the user
//!   loses with it. [`RevokePlan::apply`] runs the steps this crate can
//!   run, reads the object again (with backoff, until JumpCloud shows the
//!   removals or the plan's verify deadline passes: association changes
//!   are processed asynchronously), and reports each step's [`StepStatus`]
//!   (removed or already gone only when a re-read no longer shows the
//!   edge), whether the removals were seen ([`Verification`]) and what is
//!   left ([`RevokeOutcome`]); when a step fails, its [`RevokeError`]
//!   carries the outcome so far.
//! - [`User::access_report`]: everything the user reaches, across the
//!   nine traversals and the user's groups, with sudo per object
//!   ([`AccessReport`]).
//!
//! ```no_run
//! # async fn tour(user: jumpcloud_graph::User) -> Result<(), jumpcloud_graph::Error> {
//! use jumpcloud_graph::TraversalKind;
//!
//! let web01 = "653000000000000000000004";
//! let ex = user.explain(TraversalKind::System, web01).await?.expect("bound");
//! for path in ex.paths() {
//!     println!("{}: {path}, sudo {:?}", path.kind(), path.sudo());
//! }
//! println!("effective sudo {} from {:?}", ex.effective_sudo(), ex.deciding_path());
//!
//! let plan = user.revoke_plan(TraversalKind::System, web01).await?;
//! for step in plan.steps() {
//!     println!("{}: {}", step.edge(), step.operation()); // the operation, when this crate cannot
//! }
//! for warning in plan.warnings() {
//!     println!("warning: {warning}"); // access remains after apply; sudo would rise
//! }
//! let done = plan.apply().await?;
//! if done.still_granted() {
//!     println!("{} paths remain, sudo {}", done.remaining_paths().len(), done.effective_sudo());
//! }
//! # Ok(())
//! # }
//! ```
//!
//! **Sudo precedence.** JumpCloud documents two rules in "Set Admin/Sudo
//! Permissions" (<https://jumpcloud.com/support/set-admin-sudo-permissions>):
//! "Permissions that are granted directly on a user supersede permissions
//! granted at a user group level", and "Permissions set at the user group
//! level supersede any permissions previously set on the user group's bind
//! to a device group". The first ranks paths ([`Precedence`]: the user's own
//! bindings before any path through a user group); the second is about one
//! path: a user group's own sudo setting, which the server sends as the
//! group node's attributes, replaces the sudo of the group's bindings
//! ([`GrantPath::sudo`]). Where the documentation is silent (the order
//! within the user's bindings and within a user group's, nested groups,
//! ties, paths without sudo, a group setting that is off) the crate follows
//! the rules the README lists under "What explanations assume"
//! ([`Assumption`]), and a disagreement with the server names the ones it
//! relied on. The user's global sudo flag (`sudo` and `passwordless_sudo`
//! on the v1 user, `/systemusers/{id}`) can grant sudo on every device the
//! user reaches; it is outside the user graph's operations, so results
//! about devices carry [`AccessWarning::GlobalSudoNotVisible`].
//!
//! **Names.** Traversals return ids and types, not names; nodes print as
//! `type id`. [`Client::names`] is the name resolver: [`Names::resolve`]
//! names any set of nodes in at most one lookup request per kind per 100
//! ids, through the client's request path and a cache shared by clones,
//! and never fails (a failed lookup leaves ids and a [`NameWarning`]);
//! [`Client::user_by_email`] and [`Client::user_by_username`] find a user in
//! one request. [`GrantPath::display_with`] prints names from any
//! [`NameSource`] (the resolver's [`Resolved`], your own maps), and
//! [`AccessReport::with_names`] / [`Explanation::with_names`] add `"name"`
//! to every named node of their JSON (see the README's "Names").
//!
//! **JSON** (the `serde` feature). Every result serializes in a documented,
//! stable shape, held by snapshot tests. Its conventions:
//!
//! - The client's own keys are snake_case (`effective_sudo`,
//!   `deciding_path`), and its values kebab-case (`"with-password"`) or
//!   snake_case where they name a kind (`"user_group"`, `"not_yet_visible"`).
//! - Ids are strings; types are JumpCloud's wire names (`"system"`).
//! - What the wire sent is kept as JumpCloud sent it, camelCase keys and
//!   all: `compiled_attributes`, each edge's `attributes`
//!   (`{"sudo": {"enabled": true, "withoutPassword": false}}`), and `other`
//!   (below).
//! - Indexes count from 0: `deciding_path` and `paths_cut` index the
//!   `paths` array (`.paths[.deciding_path]` in jq). `jcgraph`'s tables
//!   number paths from 1, so its "path 1" is index 0.
//!
//! Nothing the server said is lost: an attribute object, `externalId` or
//! `syncStatus` comes out as it came (an object or value, `null`, or no
//! key when the server sent none; [`Presence`] in Rust), and the keys this
//! crate does not model (a field JumpCloud adds next year) are kept under
//! `other` (`from_other` / `to_other` for the nodes at an edge's ends),
//! written only when there are some. `other` holds only keys the crate
//! does not model: a key it models is never there, so no key appears
//! twice, and the crate's own keys (present or added later, such as a
//! `name`) never meet the server's. The documented normalisations:
//! ObjectIDs in lower case; an edge's `from` filled in from context when
//! the server left it out or sent `null` (`from_attributes` /
//! `from_other` only when it sent one); attributes that are not an object
//! kept under the key `""`; an unknown value nested 128 levels or more
//! kept as its JSON text ([`BoundObject::other`]). What is kept is bounded
//! by the response body cap ([`ClientBuilder::max_response_bytes`], 16 MiB
//! by default), as attribute values always were.
//!
//! | type | JSON |
//! |---|---|
//! | [`GraphNode`] | `{"id": "653…", "type": "system"}` (also deserializes); inside an [`Explanation`] or [`AccessReport`] that carries names, `{"id", "type", "name"}` for each named node |
//! | [`Sudo`] | `"disabled"`, `"with-password"`, `"without-password"` (also deserializes) |
//! | [`TraversalKind`] | its name, e.g. `"systems"` (also deserializes) |
//! | [`Attributes`] | the wire value, e.g. `{"sudo": {"enabled": true, "withoutPassword": false}}`, `{}` or `null` (also for attributes the server left out, which the types below write as no key) |
//! | [`Edge`], [`Association`] | `{"from": node, "to": node}`, then `attributes`, `from_attributes` and `to_attributes` as sent (object, `null`, or no key), then `other`, `from_other`, `to_other` (keys not modelled, on the edge and its nodes) when there are some |
//! | [`Grant`] | `{"kind": "direct"}`, `{"kind": "user_group", "user_group": node}`, `{"kind": "system_group", "system_group": node}`, `{"kind": "user_group_then_system_group", "user_group": node, "system_group": node}`, `{"kind": "hops", "hops": [node, ..]}`, `{"kind": "empty"}` (a path with no edges) (also deserializes) |
//! | [`GrantPath`] | `{"grant": grant, "sudo": sudo \| null, "edges": [edge, ..]}` |
//! | [`BoundObject`] | `{"id", "type", "compiled_attributes", "sudo", "paths"}` (`compiled_attributes` as sent: object, `null`, or no key), plus `external_id` / `sync_status` when sent (`null` included) and `other` when the item had keys not modelled |
//! | [`Explanation`] | `{"user", "object", "paths", "effective_sudo", "deciding_path": index \| null, "compiled_attributes" (`null` also when the server sent none), "compiled_sudo", "agrees_with_server", "warnings"}` |
//! | [`RemovalOperation`] | `{"operation_id", "method", "path", "body", "description"}` (the first four `null` when undocumented) |
//! | [`RevokeStep`] | `{"edge", "executable", "affects_other_users", "operation", "paths_cut": [index, ..], "collateral": [node, ..]}` |
//! | [`RevokePlan`] | `{"user", "target": {"id", "type"}, "traversal", "bound", "smallest", "exact", "paths", "sudo_now", "steps", "collateral", "after_executable_steps": {"remaining_paths", "still_granted", "effective_sudo", "deciding_path", "collateral"}, "warnings"}`; `smallest`: the fewest steps is proven; `exact`: the choice among the smallest plans is proven best too |
//! | [`AppliedStep`] | `{"step": step, "status": "removed" \| "already_absent" \| "unverified" \| "failed" \| "not_attempted", "answer": "removed" \| "already_absent" \| null, "error": string \| null}` |
//! | [`RevokeOutcome`] | `{"target", "steps": [applied step, ..], "left_to_admin", "verification": "verified" \| "not_yet_visible" \| "failed", "waited_ms", "rereads", "reread", "still_granted", "remaining_paths", "effective_sudo", "deciding_path", "matches_prediction", "warnings"}`; `steps` holds every executable step in order, also when a step failed ([`RevokeError::outcome`]) |
//! | [`AccessReport`] | `{"user", "objects": [explanation, ..], "groups": [explanation, ..], "warnings"}` |
//! | [`AccessWarning`] | `{"kind": "sudo_would_rise", "from": .., "to": .., "message": ".."}` and so on: `kind`, the variant's fields, `message` |
//!
//! # What the client takes care of
//!
//! - **Pagination** ([`Traversal`], [`MemberOf`], [`AssociationList`];
//!   [`Pages`], [`Items`]): lazy streams that page at the server's maximum
//!   of 100, request several pages ahead ([`Traversal::prefetch`], default
//!   4), never yield an item twice (by type
//!   and id), never lose one silently (short pages, a shrinking total, a
//!   total smaller than the pages, an empty page before more items and a
//!   server ignoring `skip` are all handled or reported), and end with an
//!   error rather than loop when the server makes no progress. See
//!   [`Items`] for exactly how a stream ends.
//! - **Retries** ([`RetryPolicy`]): reads retry on 408, 429, 500, 502, 503,
//!   504, transport errors and timeouts, honouring `Retry-After` up to a
//!   cap; writes are sent once unless they are idempotent (`ensure_*`,
//!   `update_association`) or you opt in.
//! - **Timeouts**: 30 s per attempt, headers and body, by default;
//!   per-request timeouts override it either way.
//! - **Limits**: optional requests-per-second and in-flight caps shared by
//!   every clone of a client ([`ClientBuilder::rate_limit`],
//!   [`ClientBuilder::max_in_flight`]); a 16 MiB cap on response bodies
//!   ([`ClientBuilder::max_response_bytes`]).
//! - **Security**: TLS verified; plain http only to loopback; redirects
//!   never followed (a credential never reaches another origin); no 8
//!   consecutive characters of a credential in any error, `Debug` output
//!   or log line.
//! - **Open enums**: [`AssociationTarget`] and [`GraphType`] decode values
//!   newer than this crate as `Unknown(..)` instead of failing; an object
//!   id that is not an ObjectID is kept ([`NodeId`]).
//! - **Attributes** ([`Attributes`]): sudo, LDAP and POSIX groups, RADIUS
//!   replies typed; customer-defined keys kept; `null`, `{}` and absent
//!   told apart ([`Attributes::presence`]). Keys of items, edges and nodes
//!   that the crate does not model are kept too ([`BoundObject::other`]).
//! - **Errors** ([`Error`]): one type with a [`kind`](Error::kind),
//!   predicates and accessors; a 401 says which cause is likely (wrong
//!   region, missing organization id, bad credential).
//! - **Tracing**: one span per attempt (`jumpcloud_graph.request`) with the
//!   operation id, method, path, attempt number, status and elapsed time.
//!
//! # Features
//!
//! - `serde` (default): `Serialize` for the result types (bound objects,
//!   paths, attributes, explanations, plans, reports), in the JSON shapes
//!   listed above; `Deserialize` for [`Sudo`], [`Grant`], [`GraphNode`]
//!   and [`TraversalKind`], whose round trips are exact.
//! - `tls-ring` (default): TLS with rustls, the `ring` provider and the
//!   platform's certificate roots. It applies to a caller-supplied
//!   [`ClientBuilder::http_client`] too. It compiles reqwest with
//!   `rustls-no-provider`, under which reqwest requires a process-wide
//!   default rustls provider for *any* `reqwest::Client`; building a
//!   [`Client`] installs `ring` as that default unless the program
//!   installed one first.
//! - `tls-aws-lc`: TLS with reqwest's default rustls provider, `aws-lc-rs`
//!   (FIPS-capable; a much longer build), with reqwest's own TLS settings
//!   left alone (custom roots on a caller-supplied builder). Without either
//!   feature, only plain `http://` on loopback works.
//! - `fuzzing`: the response decoders, for fuzzers and property tests
//!   (the `fuzzing` module); not covered by semver.
//!
//! # What semver covers
//!
//! Every public item of this crate, except the `fuzzing` module. The
//! generated low-level crate (`jumpcloud-graph-openapi`) is a separate
//! crate with its own version and is not re-exported. reqwest is public
//! only through [`ClientBuilder::http_client`]: a reqwest major version
//! change is a major version change here. Enums marked `#[non_exhaustive]`
//! may gain variants in minor versions; [`ErrorKind`] too.

// Everything `pub` is reachable from the root: a type is public because
// users name it, never only to satisfy a bound.
#![warn(unreachable_pub)]

mod access;
mod adaptive_rate;
mod api_error;
mod attributes;
mod client;
mod config;
mod credentials;
mod decode;
mod error;
mod execute;
mod filter;
mod hints;
mod ids;
mod limits;
mod list;
mod model;
mod name_cache;
mod names;
mod ops;
mod options;
mod pagination;
mod printable;
mod read;
mod retry;
mod secrets;
mod targets;
#[cfg(feature = "tls-ring")]
mod tls;
mod token;
mod transport;
mod user;
mod write;

pub use access::{
    AccessReport, AccessWarning, AppliedStep, Assumption, Explanation, Precedence,
    RemovalOperation, RevokeError, RevokeOutcome, RevokePlan, RevokeStep, StepStatus, Verification,
};
pub use api_error::ApiError;
pub use attributes::{Attributes, LdapGroup, PosixGroup, Presence, RadiusReply, Sudo};
pub use client::Client;
pub use config::{ClientBuilder, DEFAULT_MAX_RESPONSE_BYTES, Region, USER_AGENT_VALUE};
pub use credentials::{ApiKey, ClientSecret};
pub use error::{Error, ErrorKind};
pub use filter::{Filter, FilterOp, Sort};
pub use ids::{NodeId, ObjectId, OrgId};
pub use limits::ClientStats;
pub use list::{AssociationList, MemberOf, Traversal};
#[cfg(feature = "serde")]
pub use model::WithNames;
pub use model::{
    Association, BoundObject, Edge, Grant, GrantPath, GraphNode, NameFn, NameSource, NameWarning,
    Resolved,
};
pub use names::Names;
pub use pagination::{Items, Page, Pages};
pub use printable::shown_escaped;
pub use retry::RetryPolicy;
pub use secrets::MIN_SECRET_LEN;
pub use targets::{AssociationTarget, GraphType, TraversalKind, UnknownValue};
pub use user::User;
pub use write::{
    ActivationEmail, Associate, Dissociate, EnsureAssociated, EnsureDissociated, Ensured,
    UpdateAssociation,
};

/// The response decoders, for fuzzers and property tests. Not covered by
/// semver; enable with the `fuzzing` feature.
#[cfg(feature = "fuzzing")]
pub mod fuzzing {
    use crate::error::Request;
    use crate::{ApiError, Association, BoundObject, Error, ObjectId};

    fn request() -> Request {
        Request {
            method: "GET",
            path: "(response body)".into(),
        }
    }

    /// Decodes a traversal or `memberof` body (a JSON array of at most
    /// `limit` items) as the client does; `user` is where paths start.
    pub fn decode_bound_objects(
        user: ObjectId,
        body: &[u8],
        limit: usize,
    ) -> Result<Vec<BoundObject>, Error> {
        decode(user, body, limit)
    }

    /// Decodes an `associations` body as the client does.
    pub fn decode_associations(
        user: ObjectId,
        body: &[u8],
        limit: usize,
    ) -> Result<Vec<Association>, Error> {
        decode(user, body, limit)
    }

    fn decode<T: crate::decode::Decode>(
        user: ObjectId,
        body: &[u8],
        limit: usize,
    ) -> Result<Vec<T>, Error> {
        let user = crate::model::user_node(user);
        crate::decode::decode_page(body, limit, &user, &request(), &|t| t.to_string())
    }

    /// Reads an error response as the client does (never fails).
    pub fn parse_error(status: u16, headers: &http::HeaderMap, body: &[u8]) -> ApiError {
        let request = request();
        ApiError::parse(
            status,
            headers,
            body,
            (request.method, &request.path),
            &|t| t.to_string(),
        )
    }
}

/// The README's Rust examples, compiled by `cargo test --doc` so that the
/// README cannot drift from the API it shows (they are `no_run`: they need
/// a JumpCloud account or a test runtime).
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeExamples;
