//! The user's lists: [`Traversal`], [`MemberOf`] and [`AssociationList`],
//! each a builder with exactly the settings its operation takes (filters on
//! the traversals and `memberof`, sort on `memberof` only), over one private
//! core, [`ListCore`]: what every list shares (page size, prefetch,
//! organization, retry policy, timeout) and how a list becomes a stream.
//!
//! A list type says how to build its page requests ([`Listing`]: one per
//! target for the direct associations); the core checks the settings,
//! then hands each listing to a pagination driver with a fetcher that
//! builds, sends and decodes one page. Invalid settings are reported as the
//! stream's first item, before any request. What every stream promises is
//! documented on [`Items`](crate::Items).

mod associations;
mod member_of;
mod traversal;

pub use associations::AssociationList;
pub use member_of::MemberOf;
pub use traversal::Traversal;

use std::sync::Arc;

use futures::FutureExt;

use crate::decode::{self, Decode};
use crate::execute::total_count;
use crate::model::user_node;
use crate::ops::{Operation, RequestError};
use crate::options::{Checked, RequestOptions};
use crate::pagination::{self, Cursor, Driver, Fetch, InOrder, Keyed, Pages, RawPage};
use crate::transport::Call;
use crate::{Client, Error, Filter, ObjectId};

/// What every list holds besides its operation's own parameters.
#[derive(Debug)]
pub(crate) struct ListCore {
    client: Client,
    user: ObjectId,
    page_size: Option<u32>,
    prefetch: Option<usize>,
    options: RequestOptions,
}

/// The page a request is built for.
pub(crate) struct PageRequest<'a> {
    pub(crate) base_url: &'a str,
    pub(crate) user: &'a str,
    pub(crate) skip: u64,
    pub(crate) limit: u32,
    pub(crate) org: Option<&'a str>,
}

/// How a page request is built (with a generated `requests` function).
type BuildPage = dyn Fn(&PageRequest<'_>) -> Result<reqwest::Request, RequestError> + Send + Sync;

/// One listing: an operation and how to build its page requests. A list
/// is read as one listing, or as several read one after another.
pub(crate) struct Listing {
    operation: Operation,
    build: Arc<BuildPage>,
}

impl Listing {
    pub(crate) fn new(
        operation: Operation,
        build: impl Fn(&PageRequest<'_>) -> Result<reqwest::Request, RequestError>
        + Send
        + Sync
        + 'static,
    ) -> Self {
        Self {
            operation,
            build: Arc::new(build),
        }
    }
}

/// What a list yields: decoded from its wire form, told apart by its key.
pub(crate) trait ListItem: Decode + Keyed + Send + 'static {}
impl<T: Decode + Keyed + Send + 'static> ListItem for T {}

/// The settings every list type has, written once: `$item` is what the
/// list yields. The type has a `core: ListCore` field and a
/// `fn listings(&self) -> Result<Vec<Listing>, Error>`.
macro_rules! list_settings {
    ($item:ty) => {
        /// Items per request, 1 to 100 (default 100, the server's
        /// maximum). Anything else is an invalid-input error as the
        /// stream's first item, before any request.
        pub fn page_size(mut self, size: u32) -> Self {
            self.core.page_size = Some(size);
            self
        }

        /// How many page requests may be in flight at once after the first
        /// page (default: the client's, 4 unless
        /// [`ClientBuilder::prefetch`](crate::ClientBuilder::prefetch) says
        /// otherwise). `prefetch(1)` reads one page at a time. Pages still
        /// come out in order, and the client's `max_in_flight` and
        /// `rate_limit` still hold across all streams. Zero is an
        /// invalid-input error.
        pub fn prefetch(mut self, pages: usize) -> Self {
            self.core.prefetch = Some(pages);
            self
        }

        /// The retry policy for this list's pages instead of the client's.
        /// Each page is retried on its own, so a retried page neither loses
        /// nor repeats items.
        pub fn retry(mut self, policy: crate::RetryPolicy) -> Self {
            self.core.options.set_retry(policy);
            self
        }

        crate::options::org_and_timeout_setters!(
            sent: "the list is streamed",
            attempt: "one attempt at a page",
        );

        /// The list as a stream of pages, each with its `skip` and the
        /// server's `x-total-count`. Nothing is sent until it is polled.
        pub fn pages(self) -> crate::Pages<$item> {
            let listings = self.listings();
            self.core.pages(listings)
        }

        /// The list as a stream of items across all pages (see what it
        /// promises on [`Items`](crate::Items)). Nothing is sent until it is polled.
        pub fn stream(self) -> crate::Items<$item> {
            self.pages().items()
        }

        /// Every item of the list, or the first error.
        pub async fn try_collect(self) -> Result<Vec<$item>, crate::Error> {
            futures::TryStreamExt::try_collect(self.stream()).await
        }
    };
}
use list_settings;

impl ListCore {
    pub(crate) fn new(client: Client, user: ObjectId) -> Self {
        Self {
            client,
            user,
            page_size: None,
            prefetch: None,
            options: RequestOptions::default(),
        }
    }

    /// The stream of `listings`' pages, one listing after another; the
    /// first invalid setting (the core's first, then the listings') as its
    /// only item instead.
    fn pages<T: ListItem>(self, listings: Result<Vec<Listing>, Error>) -> Pages<T> {
        match self.drivers(listings) {
            Ok(mut drivers) if drivers.len() == 1 => match drivers.pop() {
                Some(driver) => Pages::new(driver),
                None => Pages::failed(Error::invalid("list", "no listing")),
            },
            Ok(drivers) => Pages::new(InOrder::new(drivers)),
            Err(error) => Pages::failed(error),
        }
    }

    fn drivers<T: ListItem>(
        self,
        listings: Result<Vec<Listing>, Error>,
    ) -> Result<Vec<Driver<T>>, Error> {
        let size = pagination::page_size(self.page_size)?;
        let depth = pagination::prefetch(self.prefetch.unwrap_or(self.client.shared.prefetch))?;
        let options = self.options.check(&self.client)?;
        Ok(listings?
            .into_iter()
            .map(|listing| {
                let call = Call::on_user(listing.operation, self.user, true);
                let path = call.path.clone();
                let fetch = fetcher(self.client.clone(), listing, self.user, &options, call);
                Driver::new(fetch, Cursor::new(path, size), depth)
            })
            .collect())
    }
}

/// The filters as query values, or the first malformed one's error.
fn filter_queries(filters: &[Filter]) -> Result<Arc<[String]>, Error> {
    Ok(filters
        .iter()
        .map(Filter::to_query)
        .collect::<Result<Vec<_>, _>>()?
        .into())
}

/// The page fetcher of one listing: build, execute, decode.
fn fetcher<T: ListItem>(
    client: Client,
    listing: Listing,
    user: ObjectId,
    options: &Checked,
    call: Call,
) -> Fetch<T> {
    let org: Option<Arc<str>> = options.org_header().map(Into::into);
    let (build, options, call) = (listing.build, Arc::new(options.clone()), Arc::new(call));
    let user_id: Arc<str> = user.to_string().into();
    Arc::new(move |skip, limit| {
        let (client, build, options, call, org, user_id) = (
            client.clone(),
            build.clone(),
            options.clone(),
            call.clone(),
            org.clone(),
            user_id.clone(),
        );
        async move {
            let page = PageRequest {
                base_url: client.base_url(),
                user: &user_id,
                skip,
                limit,
                org: org.as_deref(),
            };
            let request = build(&page).map_err(|error| client.request_error(&error))?;
            let reply = client.execute(&call, request, &options).await?;
            let items = decode::decode_page::<T>(
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
