//! `GET /users/{id}/associations?targets=..`: a user's direct associations.

use futures::FutureExt;
use jumpcloud_graph_openapi as openapi;

use crate::execute::Call;
use crate::options::{RequestOptions, read_retry_doc, request_options};
use crate::pagination::{ListParams, Pager, list_methods};
use crate::{Association, AssociationTarget, Error, User};

/// A user's direct associations with objects of some types, made by
/// [`User::associations`]. Bindings through groups are not listed here; the
/// traversals (`systems()`, ...) show those.
#[derive(Debug)]
#[must_use = "a list does nothing until streamed or collected"]
pub struct AssociationList {
    user: User,
    targets: Vec<AssociationTarget>,
    list: ListParams,
    options: RequestOptions,
}

impl AssociationList {
    pub(crate) fn new(user: User, targets: Vec<AssociationTarget>) -> Self {
        Self {
            user,
            targets,
            list: ListParams::default(),
            options: RequestOptions::default(),
        }
    }

    fn pager(self) -> Result<Pager<Association>, Error> {
        if self.targets.is_empty() {
            return Err(Error::invalid(
                "targets",
                "name at least one association target (JumpCloud requires `targets`)",
            ));
        }
        let targets = self
            .targets
            .iter()
            .map(AssociationTarget::to_wire_target)
            .collect::<Result<Vec<_>, _>>()?;
        let (_, page_size) = self.list.check()?;
        let options = self.options.check()?;
        let id = self.user.id.to_string();
        let call = Call {
            operation: "graph_userAssociationsList",
            method: "GET",
            path: format!("/users/{id}/associations"),
            idempotent: true,
        };
        let send = move |low: openapi::Client, org: Option<String>, skip: u64, limit: u32| {
            let (id, targets) = (id.clone(), targets.clone());
            async move {
                let request = low
                    .graph_user_associations_list()
                    .user_id(id)
                    .targets(targets)
                    .limit(limit)
                    .skip(skip);
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
            Association::from_wire,
        ))
    }
}

list_methods!(AssociationList, Association);
request_options!(AssociationList, read_retry_doc!());
