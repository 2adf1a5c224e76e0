//! The handlers of the directory lookups (`openapi/jumpcloud-directory-v1.yaml`
//! under `/api`, `-v2.yaml` under `/api/v2`): authentication and the org as
//! for the user graph, then the `lookup` module's answer in JumpCloud's
//! shape: v1 lists `{"totalCount", "results"}`, v2 lists arrays with
//! `x-total-count`, single records as objects.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{FromRequestParts, Path, RawQuery, State};
use axum::http::Response;
use axum::http::request::Parts;
use axum::routing::{MethodFilter, MethodRouter, on};

use super::auth::authorize;
use super::body::RequestBody;
use crate::errors::ApiError;
use crate::lookup::{self, Api, Collection, Lookup, Request};
use crate::state::{Shared, lock};
use crate::wire::{self, SearchBody};

type SharedState = State<Arc<Shared>>;

/// A request that passed authentication, with the org it acts in (the
/// `x-org-id` rules of the user graph).
pub(crate) struct OrgRequest {
    org_id: String,
}

impl FromRequestParts<Arc<Shared>> for OrgRequest {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, shared: &Arc<Shared>) -> Result<Self, ApiError> {
        Ok(OrgRequest {
            org_id: authorize(shared, &parts.headers)?,
        })
    }
}

/// The route of one lookup, for `method`.
pub(crate) fn route(method: MethodFilter, lookup: Lookup) -> MethodRouter<Arc<Shared>> {
    match lookup {
        Lookup::List(collection) => on(
            method,
            move |State(shared): SharedState, request: OrgRequest, RawQuery(raw): RawQuery| async move {
                list(&shared, &request, raw.as_deref(), collection)
            },
        ),
        Lookup::Get(collection) => on(
            method,
            move |State(shared): SharedState,
                  request: OrgRequest,
                  Path(id): Path<String>,
                  RawQuery(raw): RawQuery| async move {
                get(&shared, &request, &id, raw.as_deref(), collection)
            },
        ),
        Lookup::Search(collection) => on(
            method,
            move |State(shared): SharedState,
                  request: OrgRequest,
                  RawQuery(raw): RawQuery,
                  RequestBody(body): RequestBody| async move {
                search(&shared, &request, raw.as_deref(), &body, collection)
            },
        ),
    }
}

fn list(
    shared: &Shared,
    request: &OrgRequest,
    raw: Option<&str>,
    collection: Collection,
) -> Result<Response<Body>, ApiError> {
    let parsed = Request::list(raw, collection)?;
    respond(shared, request, collection, &parsed)
}

fn search(
    shared: &Shared,
    request: &OrgRequest,
    raw: Option<&str>,
    body: &[u8],
    collection: Collection,
) -> Result<Response<Body>, ApiError> {
    let body = SearchBody::parse(body)?;
    let parsed = Request::search(raw, &body, collection)?;
    respond(shared, request, collection, &parsed)
}

/// A page of `collection` in the request's org, in its API's list shape.
fn respond(
    shared: &Shared,
    request: &OrgRequest,
    collection: Collection,
    parsed: &Request,
) -> Result<Response<Body>, ApiError> {
    let answer = {
        let live = lock(&shared.live);
        lookup::answer_list(live.org(&request.org_id)?, collection, parsed)
    };
    Ok(match collection.api() {
        Api::V1 => wire::v1_list_response(answer.total, &answer.records),
        Api::V2 => wire::list_response(answer.total, &answer.records),
    })
}

fn get(
    shared: &Shared,
    request: &OrgRequest,
    id: &str,
    raw: Option<&str>,
    collection: Collection,
) -> Result<Response<Body>, ApiError> {
    let parsed = Request::get(raw, collection)?;
    let record = {
        let live = lock(&shared.live);
        lookup::answer_get(live.org(&request.org_id)?, collection, id, &parsed)?
    };
    Ok(wire::record_response(record))
}
