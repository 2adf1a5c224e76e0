//! One builder per operation; each turns typed input into a call of the
//! generated client through [`Client::execute`](crate::Client).

pub(crate) mod associations;
pub(crate) mod email;
pub(crate) mod member_of;
pub(crate) mod traverse;
pub(crate) mod writes;

use std::sync::Arc;

use futures::FutureExt;
use jumpcloud_graph_openapi as openapi;

use crate::execute::{Attempt, Call, total_count};
use crate::options::Checked;
use crate::pagination::{Pager, RawPage};
use crate::{Error, GraphNode, User};

/// Adds `x-org-id` to a generated request builder when there is one to
/// send (every generated builder has the same `x_org_id` setter).
macro_rules! with_org {
    ($request:expr, $org:expr) => {
        match $org {
            Some(org) => $request.x_org_id(org),
            None => $request,
        }
    };
}

pub(crate) use with_org;

/// Sends one page request: the low-level client, the `x-org-id` to send,
/// `skip` and `limit`.
pub(crate) trait SendPage<W>:
    Fn(openapi::Client, Option<String>, u64, u32) -> Attempt<Vec<W>> + Send + Sync + 'static
{
}

impl<W, F> SendPage<W> for F where
    F: Fn(openapi::Client, Option<String>, u64, u32) -> Attempt<Vec<W>> + Send + Sync + 'static
{
}

/// A pager for one of the user's lists: each page goes through
/// [`Client::execute`](crate::Client) with `send`, and its wire items are
/// converted with `convert` (the user being where every path starts).
pub(crate) fn list_pager<W, T>(
    user: User,
    call: Call,
    options: Checked,
    page_size: u32,
    send: impl SendPage<W>,
    convert: fn(&GraphNode, W) -> Result<T, String>,
) -> Pager<T>
where
    W: Send + 'static,
    T: Send + 'static,
{
    let send = Arc::new(send);
    let path = call.path.clone();
    let fetch = move |skip: u64, limit: u32| {
        let (user, call, options, send) =
            (user.clone(), call.clone(), options.clone(), send.clone());
        async move {
            let reply = user
                .client
                .execute(&call, &options, |low, org| send(low, org, skip, limit))
                .await?;
            let node = user.node();
            let items = decode_items(reply.body, call.method, &call.path, |raw| {
                // Messages quote what the server sent, which could be anything.
                convert(&node, raw).map_err(|message| user.client.shared.api_key.scrub(&message))
            })?;
            Ok(RawPage {
                items,
                total: total_count(&reply.headers),
            })
        }
        .boxed()
    };
    Pager {
        fetch: Arc::new(fetch),
        page_size,
        path,
    }
}

/// Converts a page of wire items, failing the page with [`Error::Decode`]
/// on the first bad one (a bad id from the server, say).
fn decode_items<R, T>(
    raw: Vec<R>,
    method: &'static str,
    path: &str,
    convert: impl Fn(R) -> Result<T, String>,
) -> Result<Vec<T>, Error> {
    raw.into_iter()
        .map(|item| {
            convert(item).map_err(|message| Error::Decode {
                method: method.into(),
                path: path.to_string(),
                message,
                body: String::new(),
            })
        })
        .collect()
}
