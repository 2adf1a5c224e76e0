//! The credentials a fixture holds: admins' API keys (sent as `x-api-key`)
//! and service accounts (OAuth 2 clients that trade their id and secret for
//! a bearer token at `POST /oauth2/token`). Both reach one org or several,
//! with the same `x-org-id` rules.
//!
//! Secrets stay out of `Debug` output, so that printing a fixture or a
//! sandbox never puts one in a log.

use std::fmt;

use serde::Serialize;

/// Which orgs a credential (an API key or a service account) acts in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum KeyScope {
    /// One org: `x-org-id` is optional and, when sent, must be this org's
    /// id.
    SingleTenant(String),
    /// A multi-tenant (MSP) admin of these orgs: `x-org-id` is required.
    MultiTenant(Vec<String>),
}

impl KeyScope {
    /// Whether requests with this credential must send `x-org-id`.
    pub fn is_multi_tenant(&self) -> bool {
        matches!(self, KeyScope::MultiTenant(_))
    }

    /// Whether the credential can act in the org with this id.
    pub fn can_access(&self, org_id: &str) -> bool {
        match self {
            KeyScope::SingleTenant(id) => id == org_id,
            KeyScope::MultiTenant(ids) => ids.iter().any(|id| id == org_id),
        }
    }
}

/// An admin's API key and the orgs it reaches. (Named apart from the
/// client's `ApiKey`, which holds a key to send, so that both crates can be
/// glob-imported together.)
#[derive(Clone, PartialEq, Eq)]
pub struct AdminApiKey {
    key: String,
    name: String,
    scope: KeyScope,
}

impl AdminApiKey {
    pub(crate) fn new(key: String, name: String, scope: KeyScope) -> Self {
        AdminApiKey { key, name, scope }
    }

    /// The secret, sent as `x-api-key`.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// A readable description of whose key this is.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The orgs the key reaches.
    pub fn scope(&self) -> &KeyScope {
        &self.scope
    }
}

// The key is a secret: keep it out of logs that print the sandbox's state.
impl fmt::Display for AdminApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({:?})", self.name, self.scope)
    }
}

impl fmt::Debug for AdminApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AdminApiKey")
            .field("name", &self.name)
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

/// A JumpCloud service account: an OAuth 2 client whose id and secret buy
/// bearer tokens at `POST /oauth2/token` (client credentials grant, scope
/// `api`); the tokens act in the orgs of its [`KeyScope`], with the same
/// `x-org-id` rules as an admin's API key.
///
/// ```
/// use jumpcloud_graph_sandbox::Fixture;
///
/// let demo = Fixture::demo();
/// let account = demo.service_account("acme").expect("the demo has one");
/// assert!(!account.client_id().is_empty() && !account.client_secret().is_empty());
/// assert!(!format!("{account:?}").contains(account.client_secret()));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct OAuthClient {
    client_id: String,
    client_secret: String,
    name: String,
    scope: KeyScope,
}

impl OAuthClient {
    pub(crate) fn new(
        client_id: String,
        client_secret: String,
        name: String,
        scope: KeyScope,
    ) -> Self {
        OAuthClient {
            client_id,
            client_secret,
            name,
            scope,
        }
    }

    /// The client id, the user part of the token request's Basic
    /// authentication.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The client secret, the password part of the token request's Basic
    /// authentication.
    pub fn client_secret(&self) -> &str {
        &self.client_secret
    }

    /// A readable description of the service account.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The orgs its tokens reach.
    pub fn scope(&self) -> &KeyScope {
        &self.scope
    }
}

impl fmt::Debug for OAuthClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthClient")
            .field("client_id", &self.client_id)
            .field("name", &self.name)
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}
