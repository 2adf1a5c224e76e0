//! Why a credential was probably refused: the hint an [`ApiError`](crate::ApiError)
//! carries for a 401 or 403 (wrong region, a multi-tenant key without an
//! organization, a bad client secret), from what the server said and which
//! credential was sent where.

use crate::credentials::{Credentials, Endpoint};

/// The likely cause of a refusal by `endpoint` of a request sent with
/// `credentials`, when one can be guessed.
pub(crate) fn hint(
    credentials: &Credentials,
    endpoint: Endpoint,
    status: u16,
    error: Option<&str>,
    message: Option<&str>,
    host: &str,
) -> Option<String> {
    let said = format!(
        "{} {}",
        error.unwrap_or_default(),
        message.unwrap_or_default()
    )
    .to_ascii_lowercase();
    let regions = "EU organizations use Region::Eu, IN organizations Region::In";
    match (endpoint, status, credentials) {
        (Endpoint::Token, 400 | 401, _) if said.contains("invalid_client") => Some(format!(
            "{host} refused the client id or secret: check both in the console under \
             Service Accounts, and the region (service accounts exist in one region; \
             {regions})"
        )),
        (Endpoint::Token, 400, _) if said.contains("invalid_scope") => Some(
            "the token endpoint refused the scope: JumpCloud's admin API scope is `api`".into(),
        ),
        (Endpoint::Token, 401 | 403, _) => Some(format!(
            "{host} refused the service account: check the client id, the secret and the \
             region ({regions})"
        )),
        (Endpoint::Api, 401, _) if said.contains("no organization selected") => Some(
            "this credential belongs to a multi-tenant administrator: set an organization id \
             with ClientBuilder::org_id, or per request with .org_id(..)"
                .into(),
        ),
        (Endpoint::Api, 401, Credentials::ApiKey { .. })
            if said.contains("api key user not found") =>
        {
            Some(format!(
                "{host} does not know this API key: check the key, and the region ({regions}; \
                 console.eu.jumpcloud.com, console.in.jumpcloud.com)"
            ))
        }
        (Endpoint::Api, 401, Credentials::ApiKey { .. }) => Some(
            "the API key was refused: check it in the console under API Settings; \
             multi-tenant keys also need an organization id"
                .into(),
        ),
        (Endpoint::Api, 401, Credentials::ServiceAccount(_)) => Some(
            "the service account's token was refused even after a fresh one was fetched: \
             check the account's role and that it belongs to this region and organization"
                .into(),
        ),
        (Endpoint::Api, 403, _) if said.contains("organization selection not allowed") => {
            Some("this route refuses x-org-id: send the request with .without_org_id()".into())
        }
        _ => None,
    }
}
