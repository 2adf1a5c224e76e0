//! The request bodies the sandbox reads: `GraphOperation-User` (`POST
//! /users/{id}/associations`) and `EmailRequest` (`POST
//! /users/{id}/emails`), parsed and validated. An invalid body is a
//! [`BadBody`], which the server answers as a 400 naming the problem.

use serde_json::Value;

use crate::model::{Attributes, Kind, is_object_id, validate_attributes};

/// Why a request body was refused: the detail of a 400 (`"Bad Request:
/// <detail>"`); `errors` turns it into JumpCloud's error body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct BadBody(pub(crate) String);

impl BadBody {
    fn new(detail: impl Into<String>) -> Self {
        BadBody(detail.into())
    }
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
    /// Parses and validates the body; every problem is named.
    pub(crate) fn parse(body: &[u8]) -> Result<AssociationRequest, BadBody> {
        let value = json_object(body)?;
        let text = |name: &str| -> Result<&str, BadBody> {
            match value.get(name) {
                Some(Value::String(s)) => Ok(s.as_str()),
                Some(_) => Err(BadBody::new(format!("\"{name}\" must be a string"))),
                None => Err(BadBody::new(format!("\"{name}\" is required"))),
            }
        };
        let op = match text("op")? {
            "add" => AssociationOp::Add,
            "remove" => AssociationOp::Remove,
            "update" => AssociationOp::Update,
            other => {
                return Err(BadBody::new(format!(
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
                BadBody::new(format!(
                    "invalid type \"{type_name}\": a user cannot be associated with it"
                ))
            })?;
        let id = text("id")?;
        if !is_object_id(id) {
            return Err(BadBody::new(format!("invalid object id \"{id}\"")));
        }
        let attributes = match value.get("attributes") {
            None | Some(Value::Null) => None,
            Some(Value::Object(map)) => Some(map.clone()),
            Some(_) => return Err(BadBody::new("\"attributes\" must be an object")),
        };
        validate_attributes(attributes.as_ref()).map_err(BadBody)?;
        Ok(AssociationRequest {
            op,
            kind,
            id: id.to_owned(),
            attributes,
        })
    }
}

/// Parses an `EmailRequest` body; only `activation` exists.
pub(crate) fn parse_email_type(body: &[u8]) -> Result<String, BadBody> {
    let value = json_object(body)?;
    match value.get("emailType") {
        Some(Value::String(kind)) if kind == "activation" => Ok(kind.clone()),
        Some(other) => Err(BadBody::new(format!(
            "invalid emailType {other}; the only supported value is \"activation\""
        ))),
        None => Err(BadBody::new("\"emailType\" is required")),
    }
}

fn json_object(body: &[u8]) -> Result<serde_json::Map<String, Value>, BadBody> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(BadBody::new("a JSON request body is required"));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(BadBody::new("the request body must be a JSON object")),
        Err(e) => Err(BadBody::new(format!(
            "the request body is not valid JSON: {e}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(body: &str) -> Result<AssociationRequest, String> {
        AssociationRequest::parse(body.as_bytes()).map_err(|BadBody(detail)| detail)
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
