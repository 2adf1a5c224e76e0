//! A typed, paginating, retrying client for JumpCloud's v2 **user graph**:
//! what a user is bound to (devices, device groups, applications,
//! directories, RADIUS servers), directly or through groups, and the writes
//! that change it.
//!
//! # A tour
//!
//! Build a [`Client`] once; it is cheap to clone and safe to share.
//!
//! ```no_run
//! use jumpcloud_graph::{Client, Region};
//!
//! let client = Client::builder()
//!     .api_key(std::env::var("JUMPCLOUD_API_KEY").unwrap_or_default())
//!     .region(Region::Us)        // or Region::Eu / Region::In, or .base_url(..)
//!     // .org_id("...")          // multi-tenant administrators
//!     .build()?;
//! # Ok::<(), jumpcloud_graph::Error>(())
//! ```
//!
//! Every operation starts from a [`User`]. Ids are checked before anything
//! is sent: a user id must be a 24-hex-digit ObjectID.
//!
//! ```no_run
//! # async fn tour(client: jumpcloud_graph::Client) -> Result<(), jumpcloud_graph::Error> {
//! use futures::TryStreamExt;
//! use jumpcloud_graph::{AssociationTarget, Filter, Grant, Sort, Sudo};
//!
//! let user = client.user("5f1b0c2e9c1a4b0012345678")?;
//!
//! // Traversals stream everything bound to the user, page by page (100 at a
//! // time), with every path that grants each binding.
//! let mut systems = user.systems().filter(Filter::eq("os", "Ubuntu")).stream();
//! while let Some(system) = systems.try_next().await? {
//!     let how = match system.grant() {
//!         Grant::Direct => "directly".to_string(),
//!         Grant::ViaGroups(groups) => format!("through {} groups", groups.len()),
//!         Grant::DirectAndViaGroups(groups) => format!("directly and through {}", groups.len()),
//!     };
//!     println!("{} bound {how}, sudo {:?}", system.id(), system.sudo());
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
//! user.associate(AssociationTarget::SystemGroup, "60aa11bb22cc33dd44ee55ff")
//!     .sudo(Sudo::WithPassword)
//!     .await?;
//! user.ensure_dissociated(AssociationTarget::SystemGroup, "60aa11bb22cc33dd44ee55ff").await?;
//! user.send_activation_email().await?;
//! # Ok(())
//! # }
//! ```
//!
//! # What the client takes care of
//!
//! - **Pagination** ([`pagination`]): lazy [`Pages`] and [`Items`] streams
//!   that page at the server's maximum of 100, stop on `x-total-count` or an
//!   empty page (never on a short one), never yield an item twice, and end
//!   with an error rather than loop when the server makes no progress.
//! - **Retries** ([`RetryPolicy`]): reads retry on 408, 429, 500, 502, 503,
//!   504, transport errors and timeouts, honouring `Retry-After`; writes are
//!   sent once unless they are idempotent (`ensure_*`, `update`) or you opt in.
//! - **Timeouts**: 30 s per attempt, headers and body, by default.
//! - **Limits**: optional requests-per-second and in-flight caps shared by
//!   every clone of a client ([`ClientBuilder::rate_limit`],
//!   [`ClientBuilder::max_in_flight`]).
//! - **Open enums**: [`AssociationTarget`] and [`GraphType`] decode values
//!   newer than this crate as `Other(..)` instead of failing.
//! - **Attributes** ([`Attributes`]): sudo, LDAP and POSIX groups, RADIUS
//!   replies typed; customer-defined keys kept.
//! - **Errors** ([`Error`]): one enum with predicates
//!   ([`is_not_found`](Error::is_not_found), [`is_conflict`](Error::is_conflict),
//!   [`is_rate_limited`](Error::is_rate_limited),
//!   [`is_unauthorized`](Error::is_unauthorized), [`is_retryable`](Error::is_retryable));
//!   a 401 says which cause is likely (wrong region, missing organization id,
//!   bad key). The API key never appears in errors, `Debug` output or logs.
//! - **Tracing**: one span per attempt (`jumpcloud_graph.request`) with the
//!   operation id, method, path, attempt number, status and elapsed time.
//!
//! The generated low-level client is underneath, unchanged, in
//! [`jumpcloud_graph_openapi`]; [`Client::low_level`] reaches it.

mod attributes;
mod client;
mod config;
mod error;
mod execute;
mod filter;
mod ids;
mod limits;
mod model;
mod ops;
mod options;
pub mod pagination;
mod retry;
mod targets;
mod user;

pub use attributes::{Attributes, LdapGroup, PosixGroup, RadiusReply, Sudo};
pub use client::Client;
pub use config::{ApiKey, ClientBuilder, Region, USER_AGENT_VALUE};
pub use error::{ApiError, Error};
pub use filter::{Filter, FilterOp, Sort};
pub use ids::{ObjectId, OrgId};
pub use model::{Association, BoundObject, Edge, Grant, GrantPath, GraphNode};
pub use ops::associations::AssociationList;
pub use ops::email::ActivationEmail;
pub use ops::member_of::MemberOf;
pub use ops::traverse::Traversal;
pub use ops::writes::{
    Associate, Dissociate, EnsureAssociated, EnsureDissociated, Ensured, UpdateAssociation,
};
pub use pagination::{Items, Page, Pages};
pub use retry::RetryPolicy;
pub use targets::{AssociationTarget, GraphType, TraversalKind};
pub use user::User;

/// The generated low-level crate, re-exported for [`Client::low_level`].
pub use jumpcloud_graph_openapi;
