//! The handlers of the thirteen operations: the associations list and its
//! writes, the ten traversals (`memberof` among them), and `emails`.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{Response, StatusCode};
use axum::routing::{MethodFilter, MethodRouter, on};

use super::auth::UserRequest;
use super::body::RequestBody;
use crate::errors::ApiError;
use crate::graph::Traversal;
use crate::lag::EdgeWrite;
use crate::live::{self, Read};
use crate::model::EdgeError;
use crate::query::{Accepts, ListQuery};
use crate::state::{SentEmail, Shared, lock};
use crate::wire::{self, AssociationOp, AssociationRequest, GraphConnection};

type SharedState = State<Arc<Shared>>;

/// `GET /users/{id}/associations`: the user's direct bindings to objects of
/// the `targets` kinds.
pub(crate) async fn list_associations(
    State(shared): SharedState,
    request: UserRequest,
    RawQuery(raw): RawQuery,
) -> Result<Response<Body>, ApiError> {
    let query = ListQuery::parse(
        raw.as_deref(),
        Accepts {
            targets: true,
            ..Accepts::default()
        },
    )?;
    let live = lock(&shared.live);
    let org = live.org(&request.org_id)?;
    let user = live::user(org, &request.user_id)?;
    let edges: Vec<_> = org
        .out_edges(user.id())
        .filter(|(target, _)| query.targets.contains(&target.kind()))
        .collect();
    let (total, page) = query.page(
        &edges,
        |(o, _)| o.id(),
        |(o, _), field| o.query_value(field),
    );
    let items: Vec<GraphConnection<'_>> = page
        .into_iter()
        .map(|(target, attributes)| GraphConnection {
            attributes: *attributes,
            to: (*target).into(),
        })
        .collect();
    Ok(wire::list_response(total, &items))
}

/// `POST /users/{id}/associations`: add, remove or update one direct edge.
/// Checked against every write made so far; under association lag,
/// traversals show it later.
pub(crate) async fn post_associations(
    State(shared): SharedState,
    request: UserRequest,
    RequestBody(body): RequestBody,
) -> Result<StatusCode, ApiError> {
    let operation = AssociationRequest::parse(&body)?;
    let mut live = lock(&shared.live);
    let user_id = live::user(live.org(&request.org_id)?, &request.user_id)?
        .id()
        .to_owned();
    let target_id = operation.id.to_ascii_lowercase();
    let kind = operation.kind;
    live.org(&request.org_id)?
        .object_by_id(&target_id)
        .filter(|target| target.kind() == kind)
        .ok_or_else(|| ApiError::not_found(format!("{kind} {target_id} not found")))?;
    let (from, to) = (user_id.clone(), target_id.clone());
    let write = match operation.op {
        AssociationOp::Add => EdgeWrite::Add {
            from,
            to,
            attributes: operation.attributes,
        },
        AssociationOp::Update => EdgeWrite::Update {
            from,
            to,
            attributes: operation.attributes,
        },
        AssociationOp::Remove => EdgeWrite::Remove { from, to },
    };
    live.write(&request.org_id, write, |error| match error {
        EdgeError::Exists => ApiError::conflict(format!(
            "Already Exists: user {user_id} is already associated with {kind} {target_id}"
        )),
        EdgeError::Missing => ApiError::not_found(format!(
            "user {user_id} is not associated with {kind} {target_id}"
        )),
        other => ApiError::bad_request(other.to_string()),
    })?;
    Ok(StatusCode::NO_CONTENT)
}

/// The nine traversals and `memberof`, which differ only in what they
/// list (and `memberof` also sorts).
pub(crate) fn traversal(method: MethodFilter, traversal: Traversal) -> MethodRouter<Arc<Shared>> {
    on(
        method,
        move |State(shared): SharedState, request: UserRequest, RawQuery(raw): RawQuery| async move {
            traverse(&shared, &request, raw.as_deref(), traversal)
        },
    )
}

fn traverse(
    shared: &Shared,
    request: &UserRequest,
    raw_query: Option<&str>,
    traversal: Traversal,
) -> Result<Response<Body>, ApiError> {
    let query = ListQuery::parse(
        raw_query,
        Accepts {
            filter: true,
            sort: traversal == Traversal::MemberOf,
            targets: false,
        },
    )?;
    // The lock covers only the lookup: a result not cached is computed
    // outside it (other requests go on meanwhile), and paging and the body
    // work on the shared result.
    let read = lock(&shared.live).read(&request.org_id, &request.user_id, traversal)?;
    let items = match read {
        Read::Cached(items) => items,
        Read::Compute(snapshot) => {
            let items = snapshot.compute()?;
            lock(&shared.live).keep(&snapshot, &items);
            items
        }
    };
    let (total, page) = query.page(
        &items,
        |item| item.object.id(),
        |item, field| item.object.query_value(field),
    );
    Ok(wire::json_list_response(
        total,
        page.iter().map(|item| &*item.json),
    ))
}

/// `POST /users/{id}/emails`: records the email in the outbox.
pub(crate) async fn send_emails(
    State(shared): SharedState,
    request: UserRequest,
    RequestBody(body): RequestBody,
) -> Result<StatusCode, ApiError> {
    let email_type = wire::parse_email_type(&body)?;
    {
        let live = lock(&shared.live);
        live::user(live.org(&request.org_id)?, &request.user_id)?;
    }
    shared.send_email(SentEmail {
        org_id: request.org_id,
        user_id: request.user_id,
        email_type,
    });
    Ok(StatusCode::NO_CONTENT)
}
