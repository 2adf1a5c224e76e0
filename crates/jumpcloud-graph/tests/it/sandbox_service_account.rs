//! A service account end to end on the sandbox: the token route's real
//! request shape, tokens revoked or expired server-side, multi-tenant rules.

use jumpcloud_graph::RetryPolicy;
use jumpcloud_graph_sandbox::{Fixture, Sandbox};

async fn demo() -> Sandbox {
    Sandbox::start(Fixture::demo()).await
}

#[tokio::test]
async fn a_service_account_reads_with_one_token() {
    let sandbox = demo().await;
    let client = sandbox.service_account_client(|b| b).unwrap();
    let ada = client.user(sandbox.fixture()["acme"].id_of("ada")).unwrap();
    assert_eq!(ada.systems().try_collect().await.unwrap().len(), 6);
    assert_eq!(ada.member_of().try_collect().await.unwrap().len(), 3);
    assert_eq!(sandbox.stats().tokens_issued, 1);
}

#[tokio::test]
async fn revoked_or_expired_tokens_are_replaced_transparently() {
    let sandbox = demo().await;
    let client = sandbox
        .service_account_client(|b| b.retry(RetryPolicy::none()))
        .unwrap();
    let ada = client.user(sandbox.fixture()["acme"].id_of("ada")).unwrap();
    ada.systems().try_collect().await.unwrap();
    sandbox.revoke_tokens();
    assert_eq!(ada.systems().try_collect().await.unwrap().len(), 6);
    assert_eq!(sandbox.stats().tokens_issued, 2);
    sandbox.expire_tokens();
    assert_eq!(ada.systems().try_collect().await.unwrap().len(), 6);
    assert_eq!(sandbox.stats().tokens_issued, 3);
}

#[tokio::test]
async fn a_multi_tenant_service_account_needs_an_organization() {
    let sandbox = demo().await;
    let account = sandbox
        .fixture()
        .multi_tenant_service_account()
        .unwrap()
        .clone();
    let build = |org: Option<String>| {
        let mut builder = jumpcloud_graph::Client::builder()
            .service_account(account.client_id(), account.client_secret())
            .base_url(sandbox.base_url())
            .token_url(sandbox.token_url())
            .retry(RetryPolicy::none());
        if let Some(org) = org {
            builder = builder.org_id(org);
        }
        builder.build().unwrap()
    };
    let acme = sandbox.fixture()["acme"].id().to_string();
    let ada = sandbox.fixture()["acme"].id_of("ada").to_string();
    let error = build(None)
        .user(ada.as_str())
        .unwrap()
        .systems()
        .try_collect()
        .await
        .unwrap_err();
    assert!(error.is_unauthorized());
    assert!(
        error
            .api()
            .unwrap()
            .hint()
            .unwrap()
            .contains("organization id"),
        "{error}"
    );
    let systems = build(Some(acme))
        .user(ada.as_str())
        .unwrap()
        .systems()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(systems.len(), 6);
}
