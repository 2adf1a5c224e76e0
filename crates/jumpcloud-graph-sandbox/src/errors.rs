//! JumpCloud-style error responses. JumpCloud's bodies are JSON with a
//! `message` that starts with the status's reason (`"Bad Request: ..."`),
//! and, on newer responses such as 401, an `error` with the bare reason.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::wire::{BadBody, ErrorBody};

/// An error answer: status, and the body JumpCloud would send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ApiError {
    status: StatusCode,
    error: Option<&'static str>,
    message: String,
    /// A `WWW-Authenticate` challenge to send with a 401.
    challenge: Option<&'static str>,
}

impl ApiError {
    fn new(status: StatusCode, detail: impl AsRef<str>) -> Self {
        let reason = status.canonical_reason().unwrap_or("Error");
        ApiError {
            status,
            error: None,
            message: format!("{reason}: {}", detail.as_ref()),
            challenge: None,
        }
    }

    /// 400 `{"message":"Bad Request: <detail>"}`.
    pub(crate) fn bad_request(detail: impl AsRef<str>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, detail)
    }

    /// 404 `{"message":"Not Found: <detail>"}`.
    pub(crate) fn not_found(detail: impl AsRef<str>) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, detail)
    }

    /// 409 `{"message":"Conflict: <detail>"}`.
    pub(crate) fn conflict(detail: impl AsRef<str>) -> Self {
        ApiError::new(StatusCode::CONFLICT, detail)
    }

    /// 413 for a request body over the sandbox's limit.
    pub(crate) fn payload_too_large(limit: usize) -> Self {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the request body exceeds {limit} bytes"),
        )
    }

    /// 500 for something the sandbox itself got wrong.
    pub(crate) fn internal(detail: impl AsRef<str>) -> Self {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, detail)
    }

    /// 501 for an operation the sandbox lists but has no handler for.
    pub(crate) fn not_implemented(operation_id: &str) -> Self {
        ApiError::new(
            StatusCode::NOT_IMPLEMENTED,
            format!("the sandbox does not serve {operation_id}"),
        )
    }

    /// 405 for a known path with a method it does not serve.
    pub(crate) fn method_not_allowed() -> Self {
        ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method not allowed on this path",
        )
    }

    /// 401 for a missing or unknown `x-api-key`, exactly as JumpCloud sends it
    /// (also what a key for another region gets).
    pub(crate) fn api_key_not_found() -> Self {
        ApiError::new(StatusCode::UNAUTHORIZED, "api key user not found").with_error()
    }

    /// 401 for a multi-tenant key without `x-org-id`.
    pub(crate) fn no_organization_selected() -> Self {
        ApiError::new(StatusCode::UNAUTHORIZED, "no organization selected").with_error()
    }

    /// 401 for a bearer token that was never issued or was revoked.
    pub(crate) fn invalid_token() -> Self {
        let mut error = ApiError::new(StatusCode::UNAUTHORIZED, "invalid token").with_error();
        error.challenge = Some(
            r#"Bearer error="invalid_token", error_description="The access token is invalid""#,
        );
        error
    }

    /// 401 for a bearer token whose lifetime is over.
    pub(crate) fn token_expired() -> Self {
        let mut error = ApiError::new(StatusCode::UNAUTHORIZED, "token expired").with_error();
        error.challenge =
            Some(r#"Bearer error="invalid_token", error_description="The access token expired""#);
        error
    }

    /// Any status, for injected faults; the detail is the reason itself.
    pub(crate) fn status(status: StatusCode) -> Self {
        let reason = status.canonical_reason().unwrap_or("Error");
        ApiError {
            status,
            error: Some(reason),
            message: reason.to_owned(),
            challenge: None,
        }
    }

    /// Adds `"error": "<reason>"`, as JumpCloud's newer responses carry.
    fn with_error(mut self) -> Self {
        self.error = self.status.canonical_reason();
        self
    }

    /// The full `message`.
    #[cfg(test)]
    pub(crate) fn message(&self) -> &str {
        &self.message
    }
}

/// A request body the sandbox cannot read is a 400 that names the problem.
impl From<BadBody> for ApiError {
    fn from(BadBody(detail): BadBody) -> Self {
        ApiError::bad_request(detail)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: self.error.map(str::to_owned),
            message: self.message,
        };
        let mut response = (self.status, Json(body)).into_response();
        if let Some(challenge) = self.challenge {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static(challenge),
            );
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unauthorized_body_is_jumpclouds() {
        let err = ApiError::api_key_not_found();
        let body = ErrorBody {
            error: err.error.map(str::to_owned),
            message: err.message.clone(),
        };
        assert_eq!(
            serde_json::to_string(&body).ok().as_deref(),
            Some(r#"{"error":"Unauthorized","message":"Unauthorized: api key user not found"}"#)
        );
    }

    #[test]
    fn bad_request_message_starts_with_the_reason() {
        assert_eq!(
            ApiError::bad_request("invalid object id \"x\"").message(),
            "Bad Request: invalid object id \"x\""
        );
    }
}
