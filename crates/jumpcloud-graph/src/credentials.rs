//! Who the client is: an administrator's API key (`x-api-key`) or a
//! service account (OAuth 2.0 client credentials, `Authorization: Bearer`).
//!
//! Credentials are applied to each request as it is sent, not baked into
//! default headers, so a bearer token can be fetched lazily, shared by all
//! clones of a client, refreshed ahead of expiry and replaced after a 401
//! (the token cache is `token.rs`). Every secret (key, client secret, the
//! Basic header, tokens) feeds the [`Scrubber`] that cleans every text the
//! client keeps.

use futures::future::BoxFuture;
use http::header::{HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};

use crate::secrets::{Scrubber, check_secret};
use crate::token::TokenSource;
use crate::{Client, Error};

/// An administrator's API key, held as a secret: `Debug` shows
/// `[redacted]`, and it has no `Display`. It only leaves the process in the
/// `x-api-key` header.
///
/// Keys shorter than 16 characters, or with whitespace or control
/// characters, are refused when the client is built (JumpCloud's keys have
/// 40 characters).
#[derive(Clone)]
pub struct ApiKey(SecretString);

impl ApiKey {
    /// Wraps `key`.
    pub fn new(key: impl Into<String>) -> Self {
        Self(SecretString::from(key.into()))
    }
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApiKey([redacted])")
    }
}

impl From<String> for ApiKey {
    fn from(key: String) -> Self {
        Self::new(key)
    }
}

impl From<&str> for ApiKey {
    fn from(key: &str) -> Self {
        Self::new(key)
    }
}

/// A service account's client secret, held as a secret like [`ApiKey`].
#[derive(Clone)]
pub struct ClientSecret(SecretString);

impl ClientSecret {
    /// Wraps `secret`.
    pub fn new(secret: impl Into<String>) -> Self {
        Self(SecretString::from(secret.into()))
    }

    pub(crate) fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

impl std::fmt::Debug for ClientSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ClientSecret([redacted])")
    }
}

impl From<String> for ClientSecret {
    fn from(secret: String) -> Self {
        Self::new(secret)
    }
}

impl From<&str> for ClientSecret {
    fn from(secret: &str) -> Self {
        Self::new(secret)
    }
}

/// What a request is sent with.
pub(crate) enum Credentials {
    ApiKey {
        header: HeaderValue,
        scrubber: Scrubber,
    },
    ServiceAccount(Box<TokenSource>),
}

/// The credential header one attempt carries, and for tokens which token
/// it was, so that a 401 invalidates that token and no newer one.
#[derive(Clone)]
pub(crate) struct Authorization {
    pub(crate) name: HeaderName,
    pub(crate) value: HeaderValue,
    pub(crate) generation: Option<u64>,
}

/// Which server an error came from, for hints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Endpoint {
    /// The v2 API.
    Api,
    /// The OAuth token endpoint.
    Token,
}

impl Credentials {
    pub(crate) fn api_key(key: ApiKey) -> Result<Self, Error> {
        let exposed = key.0.expose_secret();
        check_secret(exposed).map_err(|reason| {
            Error::invalid(
                "api key",
                format!(
                    "the API key cannot be a JumpCloud key: {reason}; find yours in the admin \
                     console under API Settings"
                ),
            )
        })?;
        let mut header = HeaderValue::from_str(exposed)
            .map_err(|_| Error::invalid("api key", "the API key cannot be a header value"))?;
        header.set_sensitive(true);
        Ok(Credentials::ApiKey {
            header,
            scrubber: Scrubber::new([exposed]),
        })
    }

    pub(crate) fn service_account(source: TokenSource) -> Self {
        Credentials::ServiceAccount(Box::new(source))
    }

    /// The service account's token cache, if this is one.
    pub(crate) fn token_source(&self) -> Option<&TokenSource> {
        match self {
            Credentials::ApiKey { .. } => None,
            Credentials::ServiceAccount(source) => Some(source),
        }
    }

    /// `text` with no 8 consecutive characters of any secret in it, and no
    /// whole token however short.
    pub(crate) fn scrub(&self, text: &str) -> String {
        match self {
            Credentials::ApiKey { scrubber, .. } => scrubber.scrub(text),
            Credentials::ServiceAccount(source) => source.scrub(text),
        }
    }

    /// The header for one attempt, fetching or refreshing a token if needed.
    pub(crate) async fn authorize(&self, client: &Client) -> Result<Authorization, Error> {
        match self {
            Credentials::ApiKey { header, .. } => Ok(Authorization {
                name: HeaderName::from_static("x-api-key"),
                value: header.clone(),
                generation: None,
            }),
            // Boxed: fetching a token goes through the client's request
            // path, which calls back here.
            Credentials::ServiceAccount(source) => {
                let bearer: BoxFuture<'_, _> = Box::pin(source.bearer(client));
                bearer.await
            }
        }
    }

    /// Called when an attempt sent with `used` got a 401. Returns whether
    /// sending again with a fresh credential may help (a token, not a key).
    pub(crate) fn refused(&self, used: &Authorization) -> bool {
        match (self, used.generation) {
            (Credentials::ServiceAccount(source), Some(generation)) => {
                source.invalidate(generation);
                true
            }
            _ => false,
        }
    }

    /// The likely cause of a refusal, when one can be guessed.
    pub(crate) fn hint(
        &self,
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
        match (endpoint, status, self) {
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
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credentials::ApiKey { .. } => f.write_str("ApiKey([redacted])"),
            Credentials::ServiceAccount(source) => source.fmt(f),
        }
    }
}
