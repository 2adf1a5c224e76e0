//! The directory lookups' JSON: the v1 search body the sandbox reads, and
//! the answers it sends: v1 lists as `{"totalCount", "results"}`, single
//! records as objects (v2 lists are `lists.rs`'s arrays with
//! `x-total-count`). Records themselves are JSON objects built by the
//! `lookup` module, since `fields` decides which properties they carry.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Map, Value};

use super::BadBody;

/// A record as the lookups send it.
pub(crate) type Record = Map<String, Value>;

/// The body of `POST /search/systemusers` and `/search/systems` (upstream's
/// `search`): every part optional, each of the type upstream declares
/// (`fields` a string, `filter` and `searchFilter` objects; `null` is none
/// of these). `filter` and `searchFilter` stay JSON here; the `lookup`
/// module says what they mean.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct SearchBody {
    pub(crate) fields: Option<String>,
    pub(crate) filter: Option<Map<String, Value>>,
    pub(crate) search_filter: Option<Map<String, Value>>,
}

impl SearchBody {
    /// Reads a search body; an empty body is an empty search, as the
    /// operation's body is optional. Other properties are ignored.
    pub(crate) fn parse(body: &[u8]) -> Result<SearchBody, BadBody> {
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(SearchBody::default());
        }
        let value: Value = serde_json::from_slice(body)
            .map_err(|error| BadBody(format!("the body is not JSON: {error}")))?;
        let Value::Object(mut search) = value else {
            return Err(BadBody("the body must be a JSON object".to_owned()));
        };
        let fields = match search.remove("fields") {
            None => None,
            Some(Value::String(fields)) => Some(fields),
            Some(_) => return Err(BadBody("\"fields\" must be a string".to_owned())),
        };
        Ok(SearchBody {
            fields,
            filter: object(&mut search, "filter")?,
            search_filter: object(&mut search, "searchFilter")?,
        })
    }
}

/// The property `name` of a search body, which must be an object if
/// present.
fn object(
    search: &mut Map<String, Value>,
    name: &str,
) -> Result<Option<Map<String, Value>>, BadBody> {
    match search.remove(name) {
        None => Ok(None),
        Some(Value::Object(map)) => Ok(Some(map)),
        Some(_) => Err(BadBody(format!("\"{name}\" must be an object"))),
    }
}

/// A v1 list: `{"totalCount": <after filtering>, "results": [...]}`.
#[derive(Serialize)]
struct V1List<'a> {
    #[serde(rename = "totalCount")]
    total_count: usize,
    results: &'a [Record],
}

/// A v1 list answer.
pub(crate) fn v1_list_response(total: usize, results: &[Record]) -> Response {
    let list = V1List {
        total_count: total,
        results,
    };
    (StatusCode::OK, Json(list)).into_response()
}

/// One record.
pub(crate) fn record_response(record: Record) -> Response {
    (StatusCode::OK, Json(Value::Object(record))).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_search_body_may_be_empty_or_any_part_of_upstreams_shape() {
        assert_eq!(SearchBody::parse(b""), Ok(SearchBody::default()));
        assert_eq!(SearchBody::parse(b"{}"), Ok(SearchBody::default()));
        let full = SearchBody::parse(
            br#"{"fields": "_id email", "filter": {"or": []}, "searchFilter": {}, "other": 1}"#,
        );
        let object = |value: serde_json::Value| value.as_object().cloned();
        assert_eq!(
            full,
            Ok(SearchBody {
                fields: Some("_id email".into()),
                filter: object(json!({"or": []})),
                search_filter: object(json!({})),
            })
        );
    }

    #[test]
    fn a_search_body_that_is_not_a_json_object_is_refused_with_the_reason() {
        for (body, reason) in [
            (&b"[1]"[..], "a JSON object"),
            (b"{", "not JSON"),
            (br#"{"fields": 3}"#, "\"fields\" must be a string"),
            (br#"{"fields": null}"#, "\"fields\" must be a string"),
            (br#"{"filter": null}"#, "\"filter\" must be an object"),
            (
                br#"{"filter": [{"email": "a"}]}"#,
                "\"filter\" must be an object",
            ),
            (
                br#"{"searchFilter": "a"}"#,
                "\"searchFilter\" must be an object",
            ),
        ] {
            let BadBody(detail) = SearchBody::parse(body).unwrap_err();
            assert!(detail.contains(reason), "{detail}");
        }
    }
}
