//! [`Traversal`]: everything of one kind bound to a user, directly or
//! through groups (`GET /users/{id}/systems`, `/applications`, ...).

use super::{ListCore, Listing, list_settings};
use crate::ops::{RequestError, requests};
use crate::{BoundObject, Client, Error, Filter, ObjectId, TraversalKind};

/// Everything of one kind bound to a user, with every path that grants
/// each object; made by [`User::systems`](crate::User::systems), the other
/// named traversals and [`User::traverse`](crate::User::traverse).
///
/// JumpCloud's v2 lists are bare JSON arrays paged by `limit` (at most 100)
/// and `skip`, with the total in an `x-total-count` header; the stream
/// reads them in order, several pages at a time, and promises what
/// [`Items`](crate::Items) says: no item twice, none lost silently, an error rather than
/// a loop.
///
/// ```no_run
/// # async fn demo(user: jumpcloud_graph::User) -> Result<(), jumpcloud_graph::Error> {
/// use std::time::Duration;
/// use futures::TryStreamExt;
/// use jumpcloud_graph::Filter;
///
/// let mut systems = user
///     .systems()
///     .filter(Filter::eq("os", "Ubuntu"))
///     .prefetch(8)                       // pages requested ahead
///     .timeout(Duration::from_secs(60))  // per attempt
///     .stream();
/// while let Some(system) = systems.try_next().await? {
///     println!("{}", system.id());
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
#[must_use = "a list does nothing until streamed or collected"]
pub struct Traversal {
    core: ListCore,
    kind: TraversalKind,
    filters: Vec<Filter>,
}

impl Traversal {
    pub(crate) fn new(client: Client, user: ObjectId, kind: TraversalKind) -> Self {
        Self {
            core: ListCore::new(client, user),
            kind,
            filters: Vec::new(),
        }
    }

    /// The kind of object traversed to.
    pub fn kind(&self) -> TraversalKind {
        self.kind
    }

    /// Adds a filter; several filters are sent as repeated `filter=`
    /// parameters, which JumpCloud combines with AND. A malformed filter is
    /// an invalid-input error as the stream's first item, before any
    /// request.
    pub fn filter(mut self, filter: Filter) -> Self {
        self.filters.push(filter);
        self
    }

    /// Adds several filters.
    pub fn filters(mut self, filters: impl IntoIterator<Item = Filter>) -> Self {
        self.filters.extend(filters);
        self
    }

    list_settings!(BoundObject);

    fn listings(&self) -> Result<Vec<Listing>, Error> {
        let filters = super::filter_queries(&self.filters)?;
        let build = request_builder(self.kind);
        Ok(vec![Listing::new(self.kind.operation(), move |page| {
            build(
                page.base_url,
                page.user,
                Some(&filters),
                Some(i64::from(page.limit)),
                Some(page.skip),
                page.org,
            )
        })])
    }
}

/// The generated request builder of a traversal's operation (the nine take
/// the same parameters).
type TraversalRequest = fn(
    &str,
    &str,
    Option<&[String]>,
    Option<i64>,
    Option<u64>,
    Option<&str>,
) -> Result<reqwest::Request, RequestError>;

fn request_builder(kind: TraversalKind) -> TraversalRequest {
    match kind {
        TraversalKind::Application => requests::graph_user_traverse_application,
        TraversalKind::Directory => requests::graph_user_traverse_directory,
        TraversalKind::GSuite => requests::graph_user_traverse_g_suite,
        TraversalKind::LdapServer => requests::graph_user_traverse_ldap_server,
        TraversalKind::Office365 => requests::graph_user_traverse_office365,
        TraversalKind::RadiusServer => requests::graph_user_traverse_radius_server,
        TraversalKind::System => requests::graph_user_traverse_system,
        TraversalKind::SystemGroup => requests::graph_user_traverse_system_group,
        TraversalKind::ActiveDirectory => requests::graph_user_traverse_active_directory,
    }
}
