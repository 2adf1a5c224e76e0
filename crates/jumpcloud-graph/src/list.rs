//! The user's lists, as one builder: [`List<Op>`](List), where `Op` is the
//! operation (a traversal, `memberof`, or the direct associations).
//!
//! Every list takes the same settings (page size, prefetch, organization,
//! retry policy, timeout) and is consumed the same ways (`stream`, `pages`,
//! `try_collect`); filters exist only on the lists that accept them, and
//! sort only on `memberof`. Invalid settings are reported as the stream's
//! first item, before any request.

use std::sync::Arc;
use std::time::Duration;

use futures::FutureExt;

use crate::decode;
use crate::execute::total_count;
use crate::model::user_node;
use crate::ops::{RequestError, requests};
use crate::options::{Checked, RequestOptions, org_and_timeout_setters};
use crate::pagination::{self, Cursor, Driver, Fetch, InOrder, Items, Keyed, Pages, RawPage};
use crate::{
    Association, AssociationTarget, BoundObject, Client, Error, Filter, ObjectId, OrgId,
    RetryPolicy, Sort, TraversalKind, User,
};

/// One of the user graph's lists, ready to be streamed; made by
/// [`User::systems`] and the other traversals, [`User::member_of`] and
/// [`User::associations`]. The friendly names are aliases:
/// [`Traversal`], [`MemberOf`], [`AssociationList`].
///
/// # What every list promises
///
/// JumpCloud's v2 lists are bare JSON arrays paged by `limit` (at most 100)
/// and `skip`, with the total in an `x-total-count` header. The streams
/// here promise:
///
/// - **Nothing is sent until the stream is polled**; dropping it cancels
///   the requests in flight.
/// - **Order**: items come out in the server's order, page after page.
/// - **No duplicates**: an item whose type and id were both yielded
///   already is dropped (offset paging over a changing list repeats
///   items); a system and a system group sharing an id are two items.
/// - **No silent loss**: a short page moves the next offset by what came
///   (a server that caps pages loses nothing); a shrinking `x-total-count`
///   makes the stream read again the offsets that shifted; a page reaching
///   past `x-total-count` makes it read on past the total; an empty page
///   followed by new items is read again. A listing that still ends with
///   fewer distinct items than the server counted, after pages that only
///   repeated items (a server ignoring `skip`) or a page that stayed empty
///   before new items, ends with an [`Error`] of kind
///   [`Pagination`](crate::ErrorKind::Pagination); so does a server that
///   makes no progress for 3 pages in a row.
/// - **The end**: at `x-total-count` (or past it, at an empty page, when
///   pages reached beyond it), or without it at the first empty page (a
///   short page is not the end). Fewer items than the total end Ok only
///   when the last pages before the total came back empty (null records).
///   [`Items`] says exactly how a stream ends, and the bounds on its
///   requests.
/// - **Errors**: the items of every good page come before a later page's
///   error, and the stream ends after it. Each page is retried on its own.
/// - **Concurrency**: after the first page, up to `prefetch` pages (default
///   4) are requested ahead, within the client's `max_in_flight` and
///   `rate_limit`; `prefetch(1)` reads one page at a time.
/// - **Memory**: at most `prefetch` pages are held, plus 12 bytes per item
///   yielded (the ids that catch repeats).
///
/// **Under concurrent changes**, every item present for the whole listing
/// is yielded exactly once, as long as `x-total-count` shrinks when items
/// are deleted: a deletion shifts later items to lower offsets, a shrinking
/// total makes the stream read those offsets again, and items recovered
/// that way come after the page that revealed the shift. Insertions only
/// cause repeats, which are dropped. Deletions in the same interval as
/// insertions that hide the shrink (the total grows or stays put) can
/// shift an item past the stream unseen: a limit of offset paging over
/// lists JumpCloud does not let traversals sort. Items added or removed
/// during the listing may or may not appear.
///
/// # Example
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
pub struct List<Op> {
    user: User,
    op: Op,
    page_size: Option<u32>,
    prefetch: Option<usize>,
    filters: Vec<Filter>,
    options: RequestOptions,
}

/// Everything of one kind bound to a user, with the paths that grant it.
pub type Traversal = List<op::Traverse>;
/// The user groups a user is a member of.
pub type MemberOf = List<op::MemberOf>;
/// A user's direct associations with objects of some types.
pub type AssociationList = List<op::Associations>;

/// The list operations [`List`] is parameterised by.
pub mod op {
    use crate::{AssociationTarget, Sort, TraversalKind};

    /// A traversal: `GET /users/{id}/{systems, applications, ...}`.
    #[derive(Clone, Debug)]
    pub struct Traverse {
        pub(crate) kind: TraversalKind,
    }

    /// `GET /users/{id}/memberof`: the user's groups.
    #[derive(Clone, Debug, Default)]
    pub struct MemberOf {
        pub(crate) sort: Vec<Sort>,
    }

    /// `GET /users/{id}/associations?targets=..`: direct associations, one
    /// request per target.
    #[derive(Clone, Debug)]
    pub struct Associations {
        pub(crate) targets: Vec<AssociationTarget>,
    }
}

mod sealed {
    /// Keeps [`ListOperation`](super::ListOperation) and
    /// [`Filterable`](super::Filterable) implemented by this crate only.
    pub trait Sealed {}
    impl Sealed for super::op::Traverse {}
    impl Sealed for super::op::MemberOf {}
    impl Sealed for super::op::Associations {}
}

/// A list operation of the user graph; implemented by the types in
/// [`op`](crate::op) only. Its hidden methods are how [`List`] builds each page
/// request and reads its items; they are not part of the public API.
pub trait ListOperation: sealed::Sealed + Clone + Send + Sync + 'static {
    /// What the list yields.
    type Item: Keyed + decode::Decode + Send + 'static;

    /// The operation's descriptor.
    #[doc(hidden)]
    fn operation(&self) -> crate::ops::Operation;

    /// The listings to read one after another (several for several targets).
    #[doc(hidden)]
    fn split(&self) -> Result<Vec<Self>, Error> {
        Ok(vec![self.clone()])
    }

    /// Builds one page request with the generated client.
    #[doc(hidden)]
    fn build(&self, client: &Client, query: &PageQuery) -> Result<reqwest::Request, Error>;
}

/// The lists that accept `filter` (the traversals and `memberof`).
pub trait Filterable: ListOperation {}

impl Filterable for op::Traverse {}
impl Filterable for op::MemberOf {}

mod internal {
    use std::sync::Arc;

    /// What a page request needs (in a private module: it appears in
    /// [`ListOperation`](super::ListOperation)'s hidden methods only).
    pub struct PageQuery {
        pub(super) user: crate::ObjectId,
        pub(super) skip: u64,
        pub(super) limit: u32,
        pub(super) filters: Arc<[String]>,
        pub(super) org: Option<String>,
    }
}

use internal::PageQuery;

impl ListOperation for op::Traverse {
    type Item = BoundObject;

    fn operation(&self) -> crate::ops::Operation {
        self.kind.operation()
    }

    fn build(&self, client: &Client, q: &PageQuery) -> Result<reqwest::Request, Error> {
        traversal_request(self.kind)(
            client.base_url(),
            &q.user.to_string(),
            Some(&q.filters),
            Some(i64::from(q.limit)),
            Some(q.skip),
            q.org.as_deref(),
        )
        .map_err(|error| client.request_error(&error))
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

fn traversal_request(kind: TraversalKind) -> TraversalRequest {
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

impl ListOperation for op::MemberOf {
    type Item = BoundObject;

    fn operation(&self) -> crate::ops::Operation {
        crate::ops::operations::GRAPH_USER_MEMBER_OF
    }

    fn build(&self, client: &Client, q: &PageQuery) -> Result<reqwest::Request, Error> {
        let sort = Sort::to_query(&self.sort)?;
        requests::graph_user_member_of(
            client.base_url(),
            &q.user.to_string(),
            Some(&q.filters),
            Some(i64::from(q.limit)),
            Some(q.skip),
            sort.as_deref(),
            q.org.as_deref(),
        )
        .map_err(|error| client.request_error(&error))
    }
}

impl ListOperation for op::Associations {
    type Item = Association;

    fn operation(&self) -> crate::ops::Operation {
        crate::ops::operations::GRAPH_USER_ASSOCIATIONS_LIST
    }

    /// One listing per target: JumpCloud's spec declares `targets` a
    /// comma-joined array and its own clients send one target per call;
    /// neither form is verified for several values, so several targets
    /// are several requests, merged in the order given.
    fn split(&self) -> Result<Vec<Self>, Error> {
        if self.targets.is_empty() {
            return Err(Error::invalid(
                "targets",
                "name at least one association target (JumpCloud requires `targets`)",
            ));
        }
        let mut targets: Vec<AssociationTarget> = Vec::new();
        for target in &self.targets {
            target.to_wire_target()?;
            if !targets.contains(target) {
                targets.push(target.clone());
            }
        }
        Ok(targets
            .into_iter()
            .map(|target| op::Associations {
                targets: vec![target],
            })
            .collect())
    }

    fn build(&self, client: &Client, q: &PageQuery) -> Result<reqwest::Request, Error> {
        let targets = self
            .targets
            .iter()
            .map(AssociationTarget::to_wire_target)
            .collect::<Result<Vec<_>, _>>()?;
        requests::graph_user_associations_list(
            client.base_url(),
            &q.user.to_string(),
            Some(i64::from(q.limit)),
            Some(q.skip),
            &targets,
            q.org.as_deref(),
        )
        .map_err(|error| client.request_error(&error))
    }
}

impl<Op: ListOperation> List<Op> {
    pub(crate) fn new(user: User, op: Op) -> Self {
        Self {
            user,
            op,
            page_size: None,
            prefetch: None,
            filters: Vec::new(),
            options: RequestOptions::default(),
        }
    }

    /// Items per request, 1 to 100 (default 100, the server's maximum).
    /// Anything else is an invalid-input error as the stream's first item,
    /// before any request.
    pub fn page_size(mut self, size: u32) -> Self {
        self.page_size = Some(size);
        self
    }

    /// How many page requests may be in flight at once after the first
    /// page (default: the client's, 4 unless
    /// [`ClientBuilder::prefetch`](crate::ClientBuilder::prefetch) says
    /// otherwise). `prefetch(1)` reads one page at a time. Pages still come
    /// out in order, and the client's `max_in_flight` and `rate_limit`
    /// still hold across all streams. Zero is an invalid-input error.
    pub fn prefetch(mut self, pages: usize) -> Self {
        self.prefetch = Some(pages);
        self
    }

    /// The retry policy for this list's pages instead of the client's.
    /// Each page is retried on its own, so a retried page neither loses nor
    /// repeats items.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.options.set_retry(policy);
        self
    }

    org_and_timeout_setters!(
        sent: "the list is streamed",
        attempt: "one attempt at a page",
    );

    /// The list as a stream of pages, each with its `skip` and the
    /// server's `x-total-count`. Nothing is sent until it is polled.
    pub fn pages(self) -> Pages<Op::Item> {
        match self.drivers() {
            Ok(mut drivers) if drivers.len() == 1 => match drivers.pop() {
                Some(driver) => Pages::new(driver),
                None => Pages::failed(Error::invalid("list", "no listing")),
            },
            Ok(drivers) => Pages::new(InOrder::new(drivers)),
            Err(error) => Pages::failed(error),
        }
    }

    /// The list as a stream of items across all pages. Nothing is sent
    /// until it is polled.
    pub fn stream(self) -> Items<Op::Item> {
        self.pages().items()
    }

    /// Every item of the list, or the first error.
    pub async fn try_collect(self) -> Result<Vec<Op::Item>, Error> {
        futures::TryStreamExt::try_collect(self.stream()).await
    }

    fn drivers(self) -> Result<Vec<Driver<Op::Item>>, Error> {
        let client = self.user.client().clone();
        let size = pagination::page_size(self.page_size)?;
        let depth = pagination::prefetch(self.prefetch.unwrap_or(client.shared.prefetch))?;
        let options = self.options.check(&client)?;
        let filters: Arc<[String]> = self
            .filters
            .iter()
            .map(Filter::to_query)
            .collect::<Result<Vec<_>, _>>()?
            .into();
        let user = *self.user.id();
        self.op
            .split()?
            .into_iter()
            .map(|op| {
                let call = crate::transport::Call::on_user(op.operation(), user, true);
                let fetch = fetcher(
                    client.clone(),
                    op,
                    user,
                    filters.clone(),
                    options.clone(),
                    call.clone(),
                );
                Ok(Driver::new(fetch, Cursor::new(call.path, size), depth))
            })
            .collect()
    }
}

impl<Op: Filterable> List<Op> {
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
}

impl List<op::Traverse> {
    /// The kind of object traversed to.
    pub fn kind(&self) -> TraversalKind {
        self.op.kind
    }
}

impl List<op::MemberOf> {
    /// Adds a sort key; several keys are sent comma-separated, in order.
    ///
    /// This is the only user-graph list that sorts; JumpCloud advises
    /// sorting by a unique field (such as `_id`) so that offset paging over
    /// a changing list neither misses nor repeats groups. JumpCloud
    /// documents `object_id` and `type` as its filterable fields.
    pub fn sort(mut self, key: Sort) -> Self {
        self.op.sort.push(key);
        self
    }
}

/// The page fetcher of one listing: build, execute, decode.
fn fetcher<Op: ListOperation>(
    client: Client,
    op: Op,
    user: ObjectId,
    filters: Arc<[String]>,
    options: Checked,
    call: crate::transport::Call,
) -> Fetch<Op::Item> {
    let org = options.org_header();
    Arc::new(move |skip, limit| {
        let (client, op, filters, options, call, org) = (
            client.clone(),
            op.clone(),
            filters.clone(),
            options.clone(),
            call.clone(),
            org.clone(),
        );
        async move {
            let query = PageQuery {
                user,
                skip,
                limit,
                filters,
                org,
            };
            let request = op.build(&client, &query)?;
            let reply = client.execute(&call, request, &options).await?;
            let items = decode::decode_page::<Op::Item>(
                &reply.body,
                limit as usize,
                &user_node(user),
                &call.request(),
                &|text| client.scrub(text),
            )?;
            Ok(RawPage {
                items,
                total: total_count(&reply.headers),
            })
        }
        .boxed()
    })
}
