//! `POST /oauth2/token`: a service account trades its client id and secret
//! for a bearer token (OAuth 2 client credentials grant, RFC 6749 §4.4), as
//! at JumpCloud's `https://admin-oauth.id.jumpcloud.com/oauth2/token`.
//!
//! The request: `Authorization: Basic base64(client_id:client_secret)` and
//! the form body `grant_type=client_credentials&scope=api`. Errors have
//! RFC 6749 §5.2 bodies (`{"error", "error_description"}`), checked in this
//! order: an unreadable request (`invalid_request`, 400), the client's
//! authentication (`invalid_client`, 401 with a `WWW-Authenticate: Basic`
//! challenge), the grant type (`invalid_request` when missing,
//! `unsupported_grant_type` otherwise, 400), the scope (`invalid_scope`,
//! 400). As RFC 6749 §3.1 and §3.2 say, a parameter sent without a value
//! counts as omitted, one of the RFC's own parameters sent twice is
//! `invalid_request`, and any other parameter is ignored, repeated or not.
//! Neither the secret nor the token is ever logged or recorded.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde::Serialize;

use super::auth::authorization;
use super::body::RequestBody;
use crate::errors::ApiError;
use crate::state::{Shared, lock};

/// The one grant JumpCloud's token endpoint serves to service accounts.
const GRANT_TYPE: &str = "client_credentials";
/// The one scope a service account asks for.
const SCOPE: &str = "api";

/// A token answer (RFC 6749 §5.1).
#[derive(Serialize)]
struct TokenResponse {
    access_token: String,
    token_type: &'static str,
    expires_in: u64,
    scope: &'static str,
}

/// An error answer (RFC 6749 §5.2).
#[derive(Debug, Serialize)]
struct OAuthError {
    #[serde(skip)]
    status: StatusCode,
    error: &'static str,
    error_description: String,
}

impl OAuthError {
    fn invalid_request(description: impl Into<String>) -> Self {
        OAuthError {
            status: StatusCode::BAD_REQUEST,
            error: "invalid_request",
            error_description: description.into(),
        }
    }

    fn invalid_client(description: &str) -> Self {
        OAuthError {
            status: StatusCode::UNAUTHORIZED,
            error: "invalid_client",
            error_description: format!(
                "Client authentication failed (e.g., unknown client, no client authentication included, or unsupported authentication method): {description}"
            ),
        }
    }

    fn unsupported_grant_type(grant_type: &str) -> Self {
        OAuthError {
            status: StatusCode::BAD_REQUEST,
            error: "unsupported_grant_type",
            error_description: format!(
                "The authorization grant type is not supported by the authorization server: \"{grant_type}\" (only \"{GRANT_TYPE}\" is)"
            ),
        }
    }

    fn invalid_scope(description: impl Into<String>) -> Self {
        OAuthError {
            status: StatusCode::BAD_REQUEST,
            error: "invalid_scope",
            error_description: description.into(),
        }
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let challenge = (self.status == StatusCode::UNAUTHORIZED)
            .then(|| HeaderValue::from_static(r#"Basic realm="oauth2", charset="UTF-8""#));
        let mut response = (self.status, no_store(), Json(self)).into_response();
        if let Some(challenge) = challenge {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, challenge);
        }
        response
    }
}

/// Token answers must not be cached (RFC 6749 §5.1).
fn no_store() -> [(header::HeaderName, HeaderValue); 2] {
    [
        (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        (header::PRAGMA, HeaderValue::from_static("no-cache")),
    ]
}

/// `POST /oauth2/token`.
pub(crate) async fn token(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Result<RequestBody, ApiError>,
) -> Response {
    // A body over the limit is 413, like every route's.
    let body = match body {
        Ok(RequestBody(body)) => body,
        Err(error) => return error.into_response(),
    };
    match issue(&shared, &headers, &body) {
        Ok(answer) => (StatusCode::OK, no_store(), Json(answer)).into_response(),
        Err(error) => error.into_response(),
    }
}

fn issue(shared: &Shared, headers: &HeaderMap, body: &[u8]) -> Result<TokenResponse, OAuthError> {
    let form = parse_form(headers, body)?;
    let client_id = authenticate(shared, headers)?;
    match form.get("grant_type") {
        None => {
            return Err(OAuthError::invalid_request(
                "The request is missing the required parameter \"grant_type\"",
            ));
        }
        Some(grant_type) if grant_type != GRANT_TYPE => {
            return Err(OAuthError::unsupported_grant_type(grant_type));
        }
        Some(_) => {}
    }
    let scopes: Vec<&str> = form
        .get("scope")
        .map(|scope| scope.split(' ').filter(|s| !s.is_empty()).collect())
        .unwrap_or_default();
    if scopes.is_empty() {
        return Err(OAuthError::invalid_scope(format!(
            "The request is missing the scope; service accounts ask for \"{SCOPE}\""
        )));
    }
    if let Some(unknown) = scopes.iter().find(|scope| **scope != SCOPE) {
        return Err(OAuthError::invalid_scope(format!(
            "The requested scope is invalid, unknown, or malformed: \"{unknown}\" (only \"{SCOPE}\" is granted)"
        )));
    }
    let mut tokens = lock(&shared.tokens);
    let access_token = tokens.issue(&client_id, tokio::time::Instant::now());
    let expires_in = tokens.lifetime().as_secs();
    drop(tokens);
    shared.token_issued();
    Ok(TokenResponse {
        access_token,
        token_type: "bearer",
        expires_in,
        scope: SCOPE,
    })
}

/// The parameters RFC 6749 defines for the token endpoint (§2.3.1, §4.1.3,
/// §4.3.2, §4.4.2, §6): each may be sent at most once (§3.2). Any other
/// parameter is ignored, however often it is sent (§3.2: "The
/// authorization server MUST ignore unrecognized request parameters").
const RFC_PARAMETERS: [&str; 9] = [
    "grant_type",
    "scope",
    "client_id",
    "client_secret",
    "code",
    "redirect_uri",
    "username",
    "password",
    "refresh_token",
];

/// The form's parameters, those without a value left out (RFC 6749 §3.1:
/// "Parameters sent without a value MUST be treated as if they were omitted
/// from the request").
struct Form(Vec<(String, String)>);

impl Form {
    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

fn parse_form(headers: &HeaderMap, body: &[u8]) -> Result<Form, OAuthError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    let media_type = content_type.split(';').next().unwrap_or_default().trim();
    if !media_type.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
        return Err(OAuthError::invalid_request(
            "The request body must be application/x-www-form-urlencoded",
        ));
    }
    let mut pairs: Vec<(String, String)> = Vec::new();
    for (key, value) in form_urlencoded::parse(body) {
        if value.is_empty() || !RFC_PARAMETERS.contains(&key.as_ref()) {
            continue;
        }
        if pairs.iter().any(|(seen, _)| *seen == key) {
            return Err(OAuthError::invalid_request(format!(
                "The request includes the parameter \"{key}\" more than once"
            )));
        }
        pairs.push((key.into_owned(), value.into_owned()));
    }
    Ok(Form(pairs))
}

/// The client id of a service account whose Basic credentials match.
fn authenticate(shared: &Shared, headers: &HeaderMap) -> Result<String, OAuthError> {
    let encoded = authorization(headers, "basic")
        .ok_or_else(|| OAuthError::invalid_client("no Basic authentication was sent"))?;
    let malformed = || OAuthError::invalid_client("the Basic credentials are malformed");
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .map_err(|_| malformed())?;
    let decoded = String::from_utf8(decoded).map_err(|_| malformed())?;
    let (id, secret) = decoded.split_once(':').ok_or_else(malformed)?;
    // RFC 6749 §2.3.1 form-encodes both before Basic encoding; many clients
    // do not. Either reading is accepted.
    let readings = [
        (id.to_owned(), secret.to_owned()),
        (form_decode(id), form_decode(secret)),
    ];
    let live = lock(&shared.live);
    readings
        .into_iter()
        .find(|(id, secret)| {
            live.fixture()
                .oauth_client(id)
                .is_some_and(|account| account.client_secret() == secret)
        })
        .map(|(id, _)| id)
        // The same answer for an unknown id and a wrong secret.
        .ok_or_else(|| OAuthError::invalid_client("unknown client or wrong secret"))
}

/// Undoes `application/x-www-form-urlencoded` (`%XX` and `+`).
fn form_decode(text: &str) -> String {
    let escaped = text.replace('&', "%26");
    form_urlencoded::parse(format!("x={escaped}").as_bytes())
        .next()
        .map(|(_, value)| value.into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_decoding_undoes_percent_and_plus() {
        assert_eq!(form_decode("a%3Ab+c"), "a:b c");
        assert_eq!(form_decode("plain-id"), "plain-id");
        assert_eq!(form_decode("a&b=c"), "a&b=c");
    }

    #[test]
    fn error_bodies_are_rfc_6749s() {
        let body = serde_json::to_value(OAuthError::unsupported_grant_type("password"))
            .expect("serializable");
        assert_eq!(body["error"], "unsupported_grant_type");
        assert!(body["error_description"].as_str().is_some());
        assert!(body.get("status").is_none());
    }
}
