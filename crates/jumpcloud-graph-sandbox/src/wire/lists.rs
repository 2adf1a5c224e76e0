//! List responses: a JSON array with `x-total-count`, from items to
//! serialize or from items already serialized (the traversal cache's).

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// The header that carries a list's total (after filtering, before paging).
const TOTAL_COUNT: &str = "x-total-count";

/// A JSON array with `x-total-count`.
pub(crate) fn list_response<T: Serialize>(total: usize, items: &[T]) -> Response {
    with_total((StatusCode::OK, Json(items)).into_response(), total)
}

/// A JSON array of items already serialized, with `x-total-count`: the
/// same bytes as [`list_response`] would send for the items themselves.
pub(crate) fn json_list_response<'a>(
    total: usize,
    items: impl ExactSizeIterator<Item = &'a [u8]>,
) -> Response {
    let mut body = Vec::with_capacity(2 + items.len() * 512);
    body.push(b'[');
    for (index, item) in items.enumerate() {
        if index > 0 {
            body.push(b',');
        }
        body.extend_from_slice(item);
    }
    body.push(b']');
    let response = (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response();
    with_total(response, total)
}

fn with_total(mut response: Response, total: usize) -> Response {
    response
        .headers_mut()
        .insert(TOTAL_COUNT, HeaderValue::from(total));
    response
}
