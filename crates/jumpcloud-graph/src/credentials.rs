//! Who the client is: an administrator's API key (`x-api-key`) or a
//! service account (OAuth 2.0 client credentials, `Authorization: Bearer`).
//!
//! Credentials are applied to each request as it is sent, not baked into
//! default headers, so a bearer token can be fetched lazily, shared by all
//! clones of a client, refreshed ahead of expiry and replaced after a 401
//! (the token cache is `token.rs`; the hints for refusals are `hints.rs`).
//! Every secret (key, client secret, the Basic header, tokens) feeds the
//! [`Scrubber`] that cleans every text the client keeps.

use std::sync::Arc;

use http::header::{HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};

use crate::Error;
use crate::secrets::{Scrubber, check_secret};
use crate::token::{Bearer, SendToken, TokenSource};

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

    fn expose(&self) -> &str {
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
    ServiceAccount(Arc<TokenSource>),
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

    /// A service account whose tokens come from `token_url`.
    pub(crate) fn service_account(
        client_id: String,
        secret: &ClientSecret,
        token_url: String,
        scope: String,
    ) -> Result<Self, Error> {
        let source = TokenSource::new(client_id, secret.expose(), token_url, scope)?;
        Ok(Credentials::ServiceAccount(Arc::new(source)))
    }

    /// `text` with no 8 consecutive characters of any secret in it, and no
    /// whole token however short.
    pub(crate) fn scrub(&self, text: &str) -> String {
        match self {
            Credentials::ApiKey { scrubber, .. } => scrubber.scrub(text),
            Credentials::ServiceAccount(source) => source.scrub(text),
        }
    }

    /// The header for one attempt, fetching or refreshing a token if needed
    /// (through `send_token`: the client's request path).
    pub(crate) async fn authorize(
        &self,
        send_token: &SendToken<'_>,
    ) -> Result<Authorization, Error> {
        match self {
            Credentials::ApiKey { header, .. } => Ok(Authorization {
                name: HeaderName::from_static("x-api-key"),
                value: header.clone(),
                generation: None,
            }),
            Credentials::ServiceAccount(source) => {
                let Bearer { header, generation } = source.bearer(send_token).await?;
                Ok(Authorization {
                    name: http::header::AUTHORIZATION,
                    value: header,
                    generation: Some(generation),
                })
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
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credentials::ApiKey { .. } => f.write_str("ApiKey([redacted])"),
            Credentials::ServiceAccount(source) => source.fmt(f),
        }
    }
}
