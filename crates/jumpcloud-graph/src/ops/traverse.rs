//! The eight traversals: `GET /users/{id}/{applications, directories, ...}`.

use futures::FutureExt;
use jumpcloud_graph_openapi as openapi;

use crate::execute::Call;
use crate::options::{RequestOptions, read_retry_doc, request_options};
use crate::pagination::{ListParams, Pager, filter_methods, list_methods};
use crate::{BoundObject, Error, TraversalKind, User};

/// Everything of one kind bound to a user, with the paths that grant it.
/// Made by [`User::systems`] and its siblings, or [`User::traverse`].
#[derive(Debug)]
#[must_use = "a traversal does nothing until streamed or collected"]
pub struct Traversal {
    user: User,
    kind: TraversalKind,
    list: ListParams,
    options: RequestOptions,
}

impl Traversal {
    pub(crate) fn new(user: User, kind: TraversalKind) -> Self {
        Self {
            user,
            kind,
            list: ListParams::default(),
            options: RequestOptions::default(),
        }
    }

    /// The kind of object traversed to.
    pub fn kind(&self) -> TraversalKind {
        self.kind
    }

    fn pager(self) -> Result<Pager<BoundObject>, Error> {
        let (filters, page_size) = self.list.check()?;
        let options = self.options.check()?;
        let kind = self.kind;
        let id = self.user.id.to_string();
        let call = Call {
            operation: kind.operation_id(),
            method: "GET",
            path: format!("/users/{id}/{}", kind.path_segment()),
            idempotent: true,
        };
        let send = move |low: openapi::Client, org: Option<String>, skip: u64, limit: u32| {
            let (id, filters) = (id.clone(), filters.clone());
            async move {
                // Each traversal has its own generated builder type; the
                // calls are otherwise the same.
                macro_rules! send {
                    ($operation:ident) => {{
                        let request = low
                            .$operation()
                            .user_id(id)
                            .limit(limit)
                            .skip(skip)
                            .filter(filters);
                        super::with_org!(request, org).send().await
                    }};
                }
                match kind {
                    TraversalKind::Application => send!(graph_user_traverse_application),
                    TraversalKind::Directory => send!(graph_user_traverse_directory),
                    TraversalKind::GSuite => send!(graph_user_traverse_g_suite),
                    TraversalKind::LdapServer => send!(graph_user_traverse_ldap_server),
                    TraversalKind::Office365 => send!(graph_user_traverse_office365),
                    TraversalKind::RadiusServer => send!(graph_user_traverse_radius_server),
                    TraversalKind::System => send!(graph_user_traverse_system),
                    TraversalKind::SystemGroup => send!(graph_user_traverse_system_group),
                }
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

list_methods!(Traversal, BoundObject);
filter_methods!(Traversal);
request_options!(Traversal, read_retry_doc!());
