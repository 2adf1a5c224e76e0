//! [`MemberOf`]: the user groups a user is a member of
//! (`GET /users/{id}/memberof`), the one user-graph list that sorts.

use super::{ListCore, Listing, list_settings};
use crate::ops::{operations, requests};
use crate::{BoundObject, Client, Error, Filter, ObjectId, Sort};

/// The user groups a user is a member of, each with the paths that make it
/// so; made by [`User::member_of`](crate::User::member_of). The stream
/// promises what [`Items`](crate::Items) says.
///
/// ```no_run
/// # async fn demo(user: jumpcloud_graph::User) -> Result<(), jumpcloud_graph::Error> {
/// use jumpcloud_graph::{Filter, Sort};
///
/// let groups = user
///     .member_of()
///     .filter(Filter::eq("type", "user_group"))
///     .sort(Sort::asc("name"))
///     .try_collect()
///     .await?;
/// println!("{} groups", groups.len());
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
#[must_use = "a list does nothing until streamed or collected"]
pub struct MemberOf {
    core: ListCore,
    filters: Vec<Filter>,
    sort: Vec<Sort>,
}

impl MemberOf {
    pub(crate) fn new(client: Client, user: ObjectId) -> Self {
        Self {
            core: ListCore::new(client, user),
            filters: Vec::new(),
            sort: Vec::new(),
        }
    }

    /// Adds a filter; several filters are sent as repeated `filter=`
    /// parameters, which JumpCloud combines with AND. JumpCloud documents
    /// `object_id` and `type` as the fields this list filters on. A
    /// malformed filter is an invalid-input error as the stream's first
    /// item, before any request.
    pub fn filter(mut self, filter: Filter) -> Self {
        self.filters.push(filter);
        self
    }

    /// Adds several filters.
    pub fn filters(mut self, filters: impl IntoIterator<Item = Filter>) -> Self {
        self.filters.extend(filters);
        self
    }

    /// Adds a sort key; several keys are sent comma-separated, in order.
    ///
    /// This is the only user-graph list that sorts; JumpCloud advises
    /// sorting by a unique field (such as `_id`) so that offset paging over
    /// a changing list neither misses nor repeats groups. A malformed key
    /// is an invalid-input error as the stream's first item, before any
    /// request.
    pub fn sort(mut self, key: Sort) -> Self {
        self.sort.push(key);
        self
    }

    list_settings!(BoundObject);

    fn listings(&self) -> Result<Vec<Listing>, Error> {
        let filters = super::filter_queries(&self.filters)?;
        let sort = Sort::to_query(&self.sort)?;
        let operation = operations::GRAPH_USER_MEMBER_OF;
        Ok(vec![Listing::new(operation, move |page| {
            requests::graph_user_member_of(
                page.base_url,
                page.user,
                Some(&filters),
                Some(i64::from(page.limit)),
                Some(page.skip),
                sort.as_deref(),
                page.org,
            )
        })])
    }
}
