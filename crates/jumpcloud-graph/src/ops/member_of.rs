//! `GET /users/{id}/memberof`: the user groups a user belongs to.

use futures::FutureExt;
use jumpcloud_graph_openapi as openapi;

use crate::execute::Call;
use crate::options::{RequestOptions, read_retry_doc, request_options};
use crate::pagination::{ListParams, Pager, filter_methods, list_methods};
use crate::{BoundObject, Error, Sort, User};

/// The user groups a user is a member of, made by [`User::member_of`].
///
/// JumpCloud documents `object_id` and `type` as the filterable fields.
/// This is the only user-graph list that sorts; JumpCloud advises sorting
/// by a unique field (such as `_id`) so offset paging over a changing list
/// neither misses nor repeats groups.
#[derive(Debug)]
#[must_use = "a list does nothing until streamed or collected"]
pub struct MemberOf {
    user: User,
    list: ListParams,
    sort: Vec<Sort>,
    options: RequestOptions,
}

impl MemberOf {
    pub(crate) fn new(user: User) -> Self {
        Self {
            user,
            list: ListParams::default(),
            sort: Vec::new(),
            options: RequestOptions::default(),
        }
    }

    /// Adds a sort key; several keys are sent comma-separated, in order.
    pub fn sort(mut self, key: Sort) -> Self {
        self.sort.push(key);
        self
    }

    fn pager(self) -> Result<Pager<BoundObject>, Error> {
        let (filters, page_size) = self.list.check()?;
        let sort = Sort::to_query(&self.sort)?;
        let options = self.options.check()?;
        let id = self.user.id.to_string();
        let call = Call {
            operation: "graph_userMemberOf",
            method: "GET",
            path: format!("/users/{id}/memberof"),
            idempotent: true,
        };
        let send = move |low: openapi::Client, org: Option<String>, skip: u64, limit: u32| {
            let (id, filters, sort) = (id.clone(), filters.clone(), sort.clone());
            async move {
                let mut request = low
                    .graph_user_member_of()
                    .user_id(id)
                    .limit(limit)
                    .skip(skip)
                    .filter(filters);
                if let Some(sort) = sort {
                    request = request.sort(sort);
                }
                super::with_org!(request, org).send().await
            }
            .boxed()
        };
        Ok(super::list_pager(
            self.user,
            call,
            options,
            page_size,
            send,
            BoundObject::from_wire,
        ))
    }
}

list_methods!(MemberOf, BoundObject);
filter_methods!(MemberOf);
request_options!(MemberOf, read_retry_doc!());
