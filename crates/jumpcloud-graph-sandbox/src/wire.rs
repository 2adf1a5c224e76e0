//! The JSON the sandbox sends and reads, as the OpenAPI fragment describes
//! it. These are the sandbox's own serde structs, not the generated types:
//! the conformance tests decode the sandbox's output with the generated types,
//! which only proves something if the two are written independently.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::Value;

use crate::errors::ApiError;
use crate::graph::{Path, Reached};
use crate::model::{Attributes, Kind, Object, is_object_id};

/// The header that carries a list's total (after filtering, before paging).
pub(crate) const TOTAL_COUNT: &str = "x-total-count";

/// `GraphObject`: an edge end. `attributes` is left out, as JumpCloud does
/// on path edges.
#[derive(Serialize)]
pub(crate) struct GraphObject<'a> {
    pub(crate) id: &'a str,
    #[serde(rename = "type")]
    pub(crate) kind: &'static str,
}

impl<'a> From<&'a Object> for GraphObject<'a> {
    fn from(object: &'a Object) -> Self {
        GraphObject {
            id: object.id(),
            kind: object.kind().as_str(),
        }
    }
}

/// `GraphConnection`: one edge. `attributes` is `null` when the edge has
/// none; `from` is left out where it is clear from context (the first edge of
/// a path, and the user's own associations), as JumpCloud does.
#[derive(Serialize)]
pub(crate) struct GraphConnection<'a> {
    pub(crate) attributes: Option<&'a Attributes>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) from: Option<GraphObject<'a>>,
    pub(crate) to: GraphObject<'a>,
}

/// `GraphObjectWithPaths`: a traversal result.
#[derive(Serialize)]
pub(crate) struct GraphObjectWithPaths<'a> {
    #[serde(rename = "compiledAttributes")]
    pub(crate) compiled_attributes: Option<Attributes>,
    pub(crate) id: &'a str,
    pub(crate) paths: Vec<Vec<GraphConnection<'a>>>,
    #[serde(rename = "type")]
    pub(crate) kind: &'static str,
}

impl<'a> From<&Reached<'a>> for GraphObjectWithPaths<'a> {
    fn from(reached: &Reached<'a>) -> Self {
        GraphObjectWithPaths {
            compiled_attributes: reached.compiled_attributes(),
            id: reached.object.id(),
            paths: reached.paths.iter().map(path).collect(),
            kind: reached.object.kind().as_str(),
        }
    }
}

fn path<'a>(path: &Path<'a>) -> Vec<GraphConnection<'a>> {
    path.hops
        .iter()
        .enumerate()
        .map(|(i, hop)| GraphConnection {
            attributes: hop.attributes,
            from: (i > 0).then(|| GraphObject::from(hop.from)),
            to: GraphObject::from(hop.to),
        })
        .collect()
}

/// An error body: `{"error"?, "message"}`.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct ErrorBody {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) error: Option<String>,
    pub(crate) message: String,
}

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

/// What `POST /users/{id}/associations` asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AssociationOp {
    Add,
    Remove,
    Update,
}

/// A parsed `GraphOperation-User` body.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct AssociationRequest {
    pub(crate) op: AssociationOp,
    pub(crate) kind: Kind,
    pub(crate) id: String,
    pub(crate) attributes: Option<Attributes>,
}

impl AssociationRequest {
    /// Parses and validates the body; every problem is a 400 that names it.
    pub(crate) fn parse(body: &[u8]) -> Result<AssociationRequest, ApiError> {
        let value = json_object(body)?;
        let text = |name: &str| -> Result<&str, ApiError> {
            match value.get(name) {
                Some(Value::String(s)) => Ok(s.as_str()),
                Some(_) => Err(ApiError::bad_request(format!(
                    "\"{name}\" must be a string"
                ))),
                None => Err(ApiError::bad_request(format!("\"{name}\" is required"))),
            }
        };
        let op = match text("op")? {
            "add" => AssociationOp::Add,
            "remove" => AssociationOp::Remove,
            "update" => AssociationOp::Update,
            other => {
                return Err(ApiError::bad_request(format!(
                    "invalid op \"{other}\"; expected one of add, remove, update"
                )));
            }
        };
        let type_name = text("type")?;
        let kind = type_name
            .parse::<Kind>()
            .ok()
            .filter(|kind| kind.is_user_target())
            .ok_or_else(|| {
                ApiError::bad_request(format!(
                    "invalid type \"{type_name}\": a user cannot be associated with it"
                ))
            })?;
        let id = text("id")?;
        if !is_object_id(id) {
            return Err(ApiError::bad_request(format!("invalid object id \"{id}\"")));
        }
        let attributes = match value.get("attributes") {
            None | Some(Value::Null) => None,
            Some(Value::Object(map)) => Some(map.clone()),
            Some(_) => {
                return Err(ApiError::bad_request("\"attributes\" must be an object"));
            }
        };
        crate::model::validate_attributes(attributes.as_ref()).map_err(ApiError::bad_request)?;
        Ok(AssociationRequest {
            op,
            kind,
            id: id.to_owned(),
            attributes,
        })
    }
}

/// Parses an `EmailRequest` body; only `activation` exists.
pub(crate) fn parse_email_type(body: &[u8]) -> Result<String, ApiError> {
    let value = json_object(body)?;
    match value.get("emailType") {
        Some(Value::String(kind)) if kind == "activation" => Ok(kind.clone()),
        Some(other) => Err(ApiError::bad_request(format!(
            "invalid emailType {other}; the only supported value is \"activation\""
        ))),
        None => Err(ApiError::bad_request("\"emailType\" is required")),
    }
}

fn json_object(body: &[u8]) -> Result<serde_json::Map<String, Value>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request("a JSON request body is required"));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(ApiError::bad_request(
            "the request body must be a JSON object",
        )),
        Err(e) => Err(ApiError::bad_request(format!(
            "the request body is not valid JSON: {e}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(body: &str) -> Result<AssociationRequest, String> {
        AssociationRequest::parse(body.as_bytes()).map_err(|e| e.message().to_owned())
    }

    #[test]
    fn association_body_parses() {
        let request = parse(
            r#"{"op":"add","type":"system","id":"653000000000000000000001","attributes":{"sudo":{"enabled":true,"withoutPassword":false}}}"#,
        )
        .expect("valid");
        assert_eq!(request.op, AssociationOp::Add);
        assert_eq!(request.kind, Kind::System);
        assert!(request.attributes.is_some());
    }

    #[test]
    fn association_body_problems_are_named() {
        assert!(parse("").unwrap_err().contains("required"));
        assert!(parse("[]").unwrap_err().contains("JSON object"));
        assert!(parse("{").unwrap_err().contains("not valid JSON"));
        assert!(
            parse(r#"{"op":"bind","type":"system","id":"653000000000000000000001"}"#)
                .unwrap_err()
                .contains("invalid op")
        );
        assert!(
            parse(r#"{"op":"add","type":"user_group","id":"653000000000000000000001"}"#)
                .unwrap_err()
                .contains("invalid type")
        );
        assert!(
            parse(r#"{"op":"add","type":"system","id":"123456"}"#)
                .unwrap_err()
                .contains("invalid object id")
        );
        assert!(
            parse(r#"{"op":"add","type":"system","id":"653000000000000000000001","attributes":{"sudo":{"enabled":false,"withoutPassword":true}}}"#)
                .unwrap_err()
                .contains("withoutPassword")
        );
    }

    #[test]
    fn only_activation_emails_exist() {
        assert_eq!(
            parse_email_type(br#"{"emailType":"activation"}"#)
                .ok()
                .as_deref(),
            Some("activation")
        );
        assert!(parse_email_type(br#"{"emailType":"welcome"}"#).is_err());
        assert!(parse_email_type(b"{}").is_err());
    }
}
