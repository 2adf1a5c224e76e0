//! Clients of a running sandbox: the credentials a test sends (the first
//! org's key and service account) and [`jumpcloud_graph::Client`]s built
//! with them, for the first org or, with the credential that reaches it,
//! for any org ([`Sandbox::client_for`]).

use jumpcloud_graph::{Client, ClientBuilder};

use super::Sandbox;
use crate::credentials::OAuthClient;
use crate::fixture::Credential;
use crate::model::Org;

impl Sandbox {
    /// The key to send as `x-api-key`: the first org's single-tenant admin key
    /// (the demo's `jc-sandbox-acme-admin`), or the fixture's first key if
    /// that org has none.
    pub fn api_key(&self) -> &str {
        self.fixture.default_key()
    }

    /// The first org's single-tenant service account (the demo's
    /// `jc-sandbox-acme-automation`), if it has one: its client id and
    /// secret buy tokens at [`token_url`](Self::token_url).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use jumpcloud_graph_sandbox::{Fixture, Sandbox};
    ///
    /// let sandbox = Sandbox::start(Fixture::demo()).await;
    /// let account = sandbox.service_account().expect("the demo has one");
    /// let token: serde_json::Value = reqwest::Client::new()
    ///     .post(sandbox.token_url())
    ///     .basic_auth(account.client_id(), Some(account.client_secret()))
    ///     .header("content-type", "application/x-www-form-urlencoded")
    ///     .body("grant_type=client_credentials&scope=api")
    ///     .send()
    ///     .await?
    ///     .json()
    ///     .await?;
    /// assert_eq!(token["token_type"], "bearer");
    /// assert_eq!(token["expires_in"], 3600);
    ///
    /// let ada = sandbox.fixture()["acme"].id_of("ada");
    /// let response = reqwest::Client::new()
    ///     .get(format!("{}/users/{ada}/systems", sandbox.base_url()))
    ///     .bearer_auth(token["access_token"].as_str().unwrap_or_default())
    ///     .send()
    ///     .await?;
    /// assert_eq!(response.status(), 200);
    /// # Ok(())
    /// # }
    /// ```
    pub fn service_account(&self) -> Option<&OAuthClient> {
        self.fixture.service_account(self.fixture.first_org().id())
    }

    /// A [`jumpcloud_graph::Client`] for this sandbox, with
    /// [`api_key`](Self::api_key) and the client's defaults. For another
    /// org than the first, see [`client_for`](Self::client_for).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), jumpcloud_graph::Error> {
    /// use jumpcloud_graph_sandbox::{Fixture, Sandbox};
    ///
    /// let sandbox = Sandbox::start(Fixture::demo()).await;
    /// let ada = sandbox.client().user(sandbox.fixture()["acme"].id_of("ada"))?;
    /// let systems = ada.systems().try_collect().await?;
    /// assert_eq!(systems.len(), 6);
    /// # Ok(())
    /// # }
    /// ```
    pub fn client(&self) -> jumpcloud_graph::Client {
        self.client_with(|builder| builder)
    }

    /// A client for this sandbox, configured further by `configure` (an
    /// organization, another key, retries, limits, timeouts).
    ///
    /// # Panics
    ///
    /// If `configure` makes the configuration invalid (an empty key, a
    /// zero timeout); the sandbox's own URL and key are always valid.
    pub fn client_with(
        &self,
        configure: impl FnOnce(jumpcloud_graph::ClientBuilder) -> jumpcloud_graph::ClientBuilder,
    ) -> jumpcloud_graph::Client {
        let builder = jumpcloud_graph::Client::builder()
            .api_key(self.api_key())
            .base_url(self.base_url());
        build(configure(builder))
    }

    /// A client for this sandbox that authenticates as the first org's
    /// service account ([`service_account`](Self::service_account)) with
    /// OAuth client credentials at [`token_url`](Self::token_url), the way a
    /// real integration does; `configure` as for
    /// [`client_with`](Self::client_with). `None` when the fixture has no
    /// such service account.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), jumpcloud_graph::Error> {
    /// use jumpcloud_graph_sandbox::{Fixture, Sandbox};
    ///
    /// let sandbox = Sandbox::start(Fixture::demo()).await;
    /// let client = sandbox.service_account_client(|b| b).expect("the demo has one");
    /// let ada = client.user(sandbox.fixture()["acme"].id_of("ada"))?;
    /// assert_eq!(ada.systems().try_collect().await?.len(), 6);
    /// assert_eq!(sandbox.stats().tokens_issued, 1);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// If `configure` makes the configuration invalid.
    pub fn service_account_client(
        &self,
        configure: impl FnOnce(jumpcloud_graph::ClientBuilder) -> jumpcloud_graph::ClientBuilder,
    ) -> Option<jumpcloud_graph::Client> {
        let account = self.service_account()?;
        let builder = jumpcloud_graph::Client::builder()
            .service_account(account.client_id(), account.client_secret())
            .base_url(self.base_url())
            .token_url(self.token_url());
        Some(build(configure(builder)))
    }

    /// A client for the org with this handle or id, with the credential
    /// that reaches it: the org's own admin key; else the first
    /// multi-tenant key whose scope reaches it, with `x-org-id` set to the
    /// org; else the org's own service account, else a multi-tenant one
    /// that reaches it (with `x-org-id`), whose tokens come from
    /// [`token_url`](Self::token_url). Keys come first: they need no token.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use jumpcloud_graph_sandbox::{Fixture, ClientForError, Sandbox};
    ///
    /// let sandbox = Sandbox::start(Fixture::demo()).await;
    /// let globex = sandbox.client_for("globex")?; // jc-sandbox-globex-admin
    /// let hank = globex.user(sandbox.fixture()["globex"].id_of("hank"))?;
    /// assert_eq!(hank.systems().try_collect().await?.len(), 1);
    ///
    /// let typo = sandbox.client_for("globx").expect_err("no such org");
    /// assert!(matches!(typo, ClientForError::UnknownOrg { .. }));
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// [`ClientForError::UnknownOrg`] when the fixture has no such org,
    /// [`ClientForError::NoCredential`] when no key or service account of
    /// the fixture reaches it, [`ClientForError::Client`] when the client
    /// refuses the credential (a fixture key under 16 characters, which
    /// no real key is).
    pub fn client_for(&self, org: &str) -> Result<Client, ClientForError> {
        Ok(self.client_builder_for(org)?.build()?)
    }

    /// The builder behind [`client_for`](Self::client_for), to configure
    /// further (retries, limits, timeouts) before
    /// [`build`](jumpcloud_graph::ClientBuilder::build). This is how
    /// `jcgraph` reaches the org it is asked for.
    ///
    /// # Errors
    ///
    /// As [`client_for`](Self::client_for), except
    /// [`ClientForError::Client`], which only `build` can find.
    pub fn client_builder_for(&self, org: &str) -> Result<ClientBuilder, ClientForError> {
        let found = self
            .fixture
            .org(org)
            .ok_or_else(|| ClientForError::UnknownOrg {
                org: org.to_owned(),
                known: self
                    .fixture
                    .orgs()
                    .iter()
                    .map(|o| o.handle().to_owned())
                    .collect(),
            })?;
        let credential =
            self.fixture
                .credential_for(found)
                .ok_or_else(|| ClientForError::NoCredential {
                    org: found.handle().to_owned(),
                })?;
        Ok(self.builder_with(credential, found))
    }

    /// A builder for this sandbox that acts in `org` with `credential`.
    fn builder_with(&self, credential: Credential<'_>, org: &Org) -> ClientBuilder {
        let builder = Client::builder().base_url(self.base_url());
        let builder = match credential {
            Credential::ApiKey(key) => builder.api_key(key.key()),
            Credential::ServiceAccount(account) => builder
                .service_account(account.client_id(), account.client_secret())
                .token_url(self.token_url()),
        };
        if credential.needs_org_id() {
            builder.org_id(org.id())
        } else {
            builder
        }
    }
}

/// Why [`Sandbox::client_for`] has no client for an org.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientForError {
    /// The fixture has no org with this handle or id.
    #[error("the sandbox has no org {org:?} (its orgs: {})", known.join(", "))]
    UnknownOrg {
        /// The handle or id asked for.
        org: String,
        /// The handles of the fixture's orgs.
        known: Vec<String>,
    },
    /// No API key or service account of the fixture reaches the org.
    #[error(
        "the fixture has no API key or service account for the org {org:?}: add one under \
         `keys:` (see the demo org's)"
    )]
    NoCredential {
        /// The org's handle.
        org: String,
    },
    /// The client refused the credential that reaches the org (a fixture
    /// may hold keys too short to be real, which the client refuses).
    #[error(transparent)]
    Client(#[from] jumpcloud_graph::Error),
}

/// Builds a client the caller configured; an invalid configuration is the
/// caller's bug (see the `# Panics` sections).
fn build(builder: ClientBuilder) -> Client {
    match builder.build() {
        Ok(client) => client,
        Err(error) => panic!("invalid sandbox client configuration: {error}"),
    }
}
