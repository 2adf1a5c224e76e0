//! Clients of a running sandbox: the credentials a test sends (the first
//! org's key and service account) and [`jumpcloud_graph::Client`]s built
//! with them.

use super::Sandbox;
use crate::credentials::OAuthClient;

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
    /// [`api_key`](Self::api_key) and the client's defaults.
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
}

/// Builds a client the caller configured; an invalid configuration is the
/// caller's bug (see the `# Panics` sections).
fn build(builder: jumpcloud_graph::ClientBuilder) -> jumpcloud_graph::Client {
    match builder.build() {
        Ok(client) => client,
        Err(error) => panic!("invalid sandbox client configuration: {error}"),
    }
}
