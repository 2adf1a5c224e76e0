//! Who an API request acts for, and in which org: an admin's `x-api-key`,
//! or a service account's `Authorization: Bearer <token>`; then the
//! `x-org-id` rules, which are the same for both.

use axum::extract::{FromRequestParts, Path};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use std::sync::Arc;

use crate::credentials::KeyScope;
use crate::errors::ApiError;
use crate::model::is_object_id;
use crate::state::{CredentialKind, Shared, lock};
use crate::tokens::TokenCheck;

/// The kind of credential a request carries, for the request log. An
/// `x-api-key` header wins over an `Authorization` header.
pub(crate) fn credential_kind(headers: &HeaderMap) -> Option<CredentialKind> {
    if headers.contains_key("x-api-key") {
        return Some(CredentialKind::ApiKey);
    }
    let authorization = headers.get(axum::http::header::AUTHORIZATION)?;
    let (scheme, _) = authorization.to_str().ok()?.trim().split_once(' ')?;
    if scheme.eq_ignore_ascii_case("bearer") {
        Some(CredentialKind::Bearer)
    } else if scheme.eq_ignore_ascii_case("basic") {
        Some(CredentialKind::Basic)
    } else {
        None
    }
}

/// The credential of `Authorization: <scheme> <value>`, if that is the
/// scheme (case-insensitive, as RFC 9110 says).
pub(crate) fn authorization<'h>(headers: &'h HeaderMap, scheme: &str) -> Option<&'h str> {
    let value = headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .trim();
    let (sent_scheme, credential) = value.split_once(' ')?;
    sent_scheme
        .eq_ignore_ascii_case(scheme)
        .then(|| credential.trim())
}

/// A request on `/users/{user_id}/...` that passed authentication: the org
/// it acts in and the (well-formed) user id.
pub(crate) struct UserRequest {
    pub(crate) org_id: String,
    pub(crate) user_id: String,
}

impl FromRequestParts<Arc<Shared>> for UserRequest {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, shared: &Arc<Shared>) -> Result<Self, ApiError> {
        let org_id = authorize(shared, &parts.headers)?;
        let Path(user_id) = Path::<String>::from_request_parts(parts, shared)
            .await
            .map_err(|rejection| ApiError::bad_request(rejection.body_text()))?;
        if !is_object_id(&user_id) {
            return Err(ApiError::bad_request(format!(
                "invalid object id \"{user_id}\""
            )));
        }
        Ok(UserRequest {
            org_id,
            user_id: user_id.to_ascii_lowercase(),
        })
    }
}

/// Checks the credential and picks the org, as JumpCloud does: an unknown
/// key is 401, as is an unknown, revoked or expired token; a single-tenant
/// credential acts in its org (`x-org-id` optional, and must be that org);
/// a multi-tenant one needs `x-org-id` (401 without it); a malformed
/// `x-org-id` is 400 and an org the credential cannot reach is 404.
pub(crate) fn authorize(shared: &Shared, headers: &HeaderMap) -> Result<String, ApiError> {
    let scope = scope_of(shared, headers)?;
    let live = lock(&shared.live);
    let org_header = headers
        .get("x-org-id")
        // A header that is not even ASCII is malformed, not absent.
        .map(|value| value.to_str().map_or("(not ASCII)", str::trim))
        .filter(|value| !value.is_empty());
    match (org_header, &scope) {
        (None, KeyScope::SingleTenant(org_id)) => Ok(org_id.clone()),
        (None, KeyScope::MultiTenant(_)) => Err(ApiError::no_organization_selected()),
        (Some(org_id), _) if !is_object_id(org_id) => Err(ApiError::bad_request(format!(
            "invalid x-org-id \"{org_id}\": not an organization id"
        ))),
        (Some(org_id), scope) => {
            let org_id = org_id.to_ascii_lowercase();
            if scope.can_access(&org_id) && live.fixture().org(&org_id).is_some() {
                Ok(org_id)
            } else {
                Err(ApiError::not_found(format!(
                    "organization {org_id} not found"
                )))
            }
        }
    }
}

/// The orgs the request's credential reaches.
fn scope_of(shared: &Shared, headers: &HeaderMap) -> Result<KeyScope, ApiError> {
    if let Some(sent) = headers.get("x-api-key") {
        let live = lock(&shared.live);
        return sent
            .to_str()
            .ok()
            .and_then(|sent| live.fixture().keys().iter().find(|key| key.key() == sent))
            .map(|key| key.scope().clone())
            .ok_or_else(ApiError::api_key_not_found);
    }
    let Some(token) = authorization(headers, "bearer") else {
        return Err(ApiError::api_key_not_found());
    };
    let client_id = match lock(&shared.tokens).check(token, tokio::time::Instant::now()) {
        TokenCheck::Valid(client_id) => client_id.to_owned(),
        TokenCheck::Expired => return Err(ApiError::token_expired()),
        TokenCheck::Invalid => return Err(ApiError::invalid_token()),
    };
    lock(&shared.live)
        .fixture()
        .oauth_client(&client_id)
        .map(|account| account.scope().clone())
        .ok_or_else(ApiError::invalid_token)
}
