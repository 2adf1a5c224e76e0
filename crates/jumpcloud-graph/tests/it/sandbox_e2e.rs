//! The facade against the sandbox, end to end: all thirteen operations on the
//! demo org, writes followed by the reads that show them, and the errors a
//! real org answers with.

use std::collections::BTreeSet;

use jumpcloud_graph::{
    AssociationTarget, BoundObject, Ensured, Filter, Grant, GraphType, Sort, Sudo, TraversalKind,
};
use jumpcloud_graph_sandbox::{Fixture, GeneratorConfig, Sandbox};

/// The demo org's handles for `ids`, sorted, for readable assertions.
fn handles(sandbox: &Sandbox, ids: impl IntoIterator<Item = String>) -> Vec<String> {
    let acme = &sandbox.fixture()["acme"];
    let mut handles: Vec<String> = ids
        .into_iter()
        .map(|id| {
            acme.object(&id)
                .map_or(id.clone(), |o| o.handle().to_string())
        })
        .collect();
    handles.sort();
    handles
}

fn ids(items: &[BoundObject]) -> Vec<String> {
    items.iter().map(|b| b.id().to_string()).collect()
}

async fn demo() -> Sandbox {
    Sandbox::start(Fixture::demo()).await
}

#[tokio::test]
async fn every_traversal_lists_what_ada_reaches() {
    let sandbox = demo().await;
    let ada = sandbox
        .client()
        .user(sandbox.fixture()["acme"].id_of("ada"))
        .unwrap();
    let expected: [(TraversalKind, &[&str]); 9] = [
        (TraversalKind::Application, &["github", "slack"]),
        (TraversalKind::Directory, &["acme-ldap", "acme-workspace"]),
        (TraversalKind::GSuite, &["acme-workspace"]),
        (TraversalKind::LdapServer, &["acme-ldap"]),
        (TraversalKind::Office365, &[]),
        (TraversalKind::RadiusServer, &["office-wifi"]),
        (
            TraversalKind::System,
            &[
                "ada-macbook",
                "db-01",
                "grace-thinkpad",
                "katherine-surface",
                "linus-framework",
                "web-01",
            ],
        ),
        (
            TraversalKind::SystemGroup,
            &["laptops", "production-servers"],
        ),
        (TraversalKind::ActiveDirectory, &[]),
    ];
    for (kind, want) in expected {
        let items = ada.traverse(kind).try_collect().await.unwrap();
        assert_eq!(handles(&sandbox, ids(&items)), want, "{kind}");
    }
}

#[tokio::test]
async fn a_server_reached_directly_and_through_two_groups_shows_every_path() {
    let sandbox = demo().await;
    let acme = &sandbox.fixture()["acme"];
    let ada = sandbox.client().user(acme.id_of("ada")).unwrap();
    let web = ada
        .systems()
        .filter(Filter::eq("hostname", "web-01"))
        .try_collect()
        .await
        .unwrap()
        .pop()
        .expect("web-01 is bound to ada");
    assert_eq!(web.paths().len(), 3);
    let id = |handle: &str| acme.id_of(handle).to_string();
    let grants: BTreeSet<String> = web
        .grants()
        .iter()
        .map(|grant| match grant {
            Grant::Direct => "direct".to_string(),
            Grant::UserGroup(g) => format!("user group {}", g.id()),
            Grant::UserGroupThenSystemGroup {
                user_group,
                system_group,
            } => format!(
                "user group {} then system group {}",
                user_group.id(),
                system_group.id()
            ),
            other => panic!("unexpected path shape: {other}"),
        })
        .collect();
    let want: BTreeSet<String> = [
        "direct".to_string(),
        format!("user group {}", id("ops")),
        format!(
            "user group {} then system group {}",
            id("engineering"),
            id("production-servers")
        ),
    ]
    .into();
    assert_eq!(grants, want);
    // The direct binding (sudo with a password) supersedes Ops' passwordless sudo.
    assert_eq!(web.sudo(), Some(Sudo::WithPassword));
}

#[tokio::test]
async fn traversal_attributes_are_typed_and_customer_keys_kept() {
    let sandbox = demo().await;
    let acme = &sandbox.fixture()["acme"];
    let client = sandbox.client();
    let ada = client.user(acme.id_of("ada")).unwrap();
    let ldap = ada.ldap_servers().try_collect().await.unwrap();
    assert_eq!(ldap[0].attributes().ldap_groups()[0].name, "engineering");
    let radius = ada.radius_servers().try_collect().await.unwrap();
    assert_eq!(radius[0].attributes().radius_reply().len(), 3);
    let katherine = client.user(acme.id_of("katherine")).unwrap();
    let m365 = katherine.office365s().try_collect().await.unwrap();
    assert_eq!(m365[0].attributes().other()["acme:costCenter"], "FIN-100");
    assert_eq!(m365[0].kind(), &GraphType::Office365);
}

#[tokio::test]
async fn member_of_lists_groups_sorted() {
    let sandbox = demo().await;
    let ada = sandbox
        .client()
        .user(sandbox.fixture()["acme"].id_of("ada"))
        .unwrap();
    let groups = ada
        .member_of()
        .sort(Sort::desc("name"))
        .try_collect()
        .await
        .unwrap();
    let order: Vec<String> = groups
        .iter()
        .map(|g| {
            sandbox.fixture()["acme"]
                .object(&g.id().to_string())
                .unwrap()
                .handle()
                .to_string()
        })
        .collect();
    assert_eq!(order, ["ops", "everyone", "engineering"]);
    assert!(
        groups
            .iter()
            .all(|g| g.kind() == &GraphType::UserGroup && g.is_direct())
    );
}

#[tokio::test]
async fn associations_list_direct_edges_only() {
    let sandbox = demo().await;
    let ada = sandbox
        .client()
        .user(sandbox.fixture()["acme"].id_of("ada"))
        .unwrap();
    let direct = ada
        .associations([AssociationTarget::System, AssociationTarget::SystemGroup])
        .try_collect()
        .await
        .unwrap();
    let targets = handles(&sandbox, direct.iter().map(|a| a.target().id().to_string()));
    assert_eq!(
        targets,
        ["ada-macbook", "web-01"],
        "no group-granted systems here"
    );
    assert!(direct.iter().all(|a| a.sudo().is_some()));
}

#[tokio::test]
async fn an_association_shows_up_in_reads_until_it_is_removed() {
    let sandbox = demo().await;
    let acme = &sandbox.fixture()["acme"];
    let ken = sandbox.client().user(acme.id_of("ken")).unwrap();
    let laptops = acme.id_of("laptops");

    ken.associate(AssociationTarget::SystemGroup, laptops)
        .unwrap()
        .sudo(Sudo::WithPassword)
        .await
        .unwrap();
    let systems = ken.systems().try_collect().await.unwrap();
    assert_eq!(systems.len(), 4, "every laptop, through the group");
    assert!(
        systems
            .iter()
            .all(|s| s.sudo() == Some(Sudo::WithPassword) && !s.is_direct())
    );
    let direct = ken
        .associations([AssociationTarget::SystemGroup])
        .try_collect()
        .await
        .unwrap();
    assert_eq!(direct.len(), 1);

    ken.update_association(AssociationTarget::SystemGroup, laptops)
        .unwrap()
        .sudo(Sudo::WithoutPassword)
        .await
        .unwrap();
    let systems = ken.systems().try_collect().await.unwrap();
    assert!(
        systems
            .iter()
            .all(|s| s.sudo() == Some(Sudo::WithoutPassword))
    );

    ken.dissociate(AssociationTarget::SystemGroup, laptops)
        .unwrap()
        .await
        .unwrap();
    assert!(ken.systems().try_collect().await.unwrap().is_empty());
    assert!(
        ken.associations([AssociationTarget::SystemGroup])
            .try_collect()
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn ensure_calls_converge_and_say_what_they_did() {
    let sandbox = demo().await;
    let acme = &sandbox.fixture()["acme"];
    let ken = sandbox.client().user(acme.id_of("ken")).unwrap();
    let slack = acme.id_of("slack");
    let app = AssociationTarget::Application;
    assert_eq!(
        ken.ensure_associated(app.clone(), slack)
            .unwrap()
            .await
            .unwrap(),
        Ensured::Created
    );
    assert_eq!(
        ken.ensure_associated(app.clone(), slack)
            .unwrap()
            .await
            .unwrap(),
        Ensured::AlreadyAssociated
    );
    assert!(
        ken.associate(app.clone(), slack)
            .unwrap()
            .await
            .unwrap_err()
            .is_conflict()
    );
    assert_eq!(
        ken.ensure_dissociated(app.clone(), slack)
            .unwrap()
            .await
            .unwrap(),
        Ensured::Removed
    );
    assert_eq!(
        ken.ensure_dissociated(app.clone(), slack)
            .unwrap()
            .await
            .unwrap(),
        Ensured::AlreadyAbsent
    );
    assert!(
        ken.dissociate(app, slack)
            .unwrap()
            .await
            .unwrap_err()
            .is_not_found()
    );

    let laptops = acme.id_of("laptops");
    let group = AssociationTarget::SystemGroup;
    ken.associate(group.clone(), laptops)
        .unwrap()
        .await
        .unwrap();
    let outcome = ken
        .ensure_associated(group, laptops)
        .unwrap()
        .sudo(Sudo::WithPassword)
        .await
        .unwrap();
    assert_eq!(outcome, Ensured::Updated);
    let systems = ken.systems().try_collect().await.unwrap();
    assert!(systems.iter().all(|s| s.sudo() == Some(Sudo::WithPassword)));
}

#[tokio::test]
async fn an_activation_email_lands_in_the_outbox() {
    let sandbox = demo().await;
    let acme = &sandbox.fixture()["acme"];
    sandbox
        .client()
        .user(acme.id_of("ken"))
        .unwrap()
        .send_activation_email()
        .await
        .unwrap();
    let outbox = sandbox.outbox();
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].user_id, acme.id_of("ken"));
    assert_eq!(outbox[0].email_type, "activation");
}

#[tokio::test]
async fn filters_narrow_traversals() {
    let sandbox = demo().await;
    let ada = sandbox
        .client()
        .user(sandbox.fixture()["acme"].id_of("ada"))
        .unwrap();
    let ubuntu = ada
        .systems()
        .filter(Filter::eq("os", "Ubuntu"))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        handles(&sandbox, ids(&ubuntu)),
        ["db-01", "grace-thinkpad", "web-01"]
    );
    let some = ada
        .systems()
        .filter(Filter::is_in("os", ["Fedora", "Windows"]))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        handles(&sandbox, ids(&some)),
        ["katherine-surface", "linus-framework"]
    );
}

#[tokio::test]
async fn the_errors_of_a_real_org() {
    let sandbox = demo().await;
    let client = sandbox.client();
    let stranger = client.user("651000000000000000000999").unwrap();
    assert!(
        stranger
            .systems()
            .try_collect()
            .await
            .unwrap_err()
            .is_not_found()
    );

    let ada_id = sandbox.fixture()["acme"].id_of("ada");
    let wrong_key = sandbox.client_with(|b| b.api_key("not-a-key-this-org-knows"));
    let error = wrong_key
        .user(ada_id)
        .unwrap()
        .systems()
        .try_collect()
        .await
        .unwrap_err();
    assert!(error.is_unauthorized());
    assert!(error.to_string().contains("region"), "{error}");

    let msp = sandbox.client_with(|b| b.api_key("jc-sandbox-msp-admin"));
    let error = msp
        .user(ada_id)
        .unwrap()
        .systems()
        .try_collect()
        .await
        .unwrap_err();
    assert!(error.to_string().contains("multi-tenant"), "{error}");
    let acme = sandbox.fixture()["acme"].id().to_string();
    let systems = msp
        .user(ada_id)
        .unwrap()
        .systems()
        .org_id(acme.as_str())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(systems.len(), 6);
    let msp_for_acme = sandbox.client_with(|b| b.api_key("jc-sandbox-msp-admin").org_id(acme));
    assert_eq!(
        msp_for_acme
            .user(ada_id)
            .unwrap()
            .systems()
            .try_collect()
            .await
            .unwrap()
            .len(),
        6
    );
}

#[tokio::test]
async fn a_user_bound_to_thousands_of_systems_streams_each_once() {
    let config = GeneratorConfig {
        users: 50,
        systems: 2_500,
        fan_out_user_systems: 2_500,
        ..GeneratorConfig::default()
    };
    let sandbox = Sandbox::start(Fixture::generated(config.clone())).await;
    let org = sandbox.fixture().first_org();
    let user = org.id_of(GeneratorConfig::FAN_OUT_USER).to_string();
    let client = sandbox.client_with(|b| b.api_key(config.api_key()));
    let items = client
        .user(user.as_str())
        .unwrap()
        .systems()
        .try_collect()
        .await
        .unwrap();
    let unique: BTreeSet<String> = ids(&items).into_iter().collect();
    assert_eq!(items.len(), 2_500);
    assert_eq!(unique.len(), 2_500);
    assert_eq!(sandbox.stats().requests_total, 25, "pages of 100");
}

#[tokio::test]
async fn send_read_sends_a_directory_lookup_through_the_client_and_to_no_other_origin() {
    use jumpcloud_graph_openapi::directory::{v1, v1_base_url};
    let sandbox = demo().await;
    let client = sandbox.client();
    let v1_base = v1_base_url(client.base_url()).unwrap();
    let request =
        v1::requests::applications_list(&v1_base, None, None, Some(1), None, None, None).unwrap();
    let body = client
        .send_read(v1::operations::APPLICATIONS_LIST.operation_id, request)
        .await
        .unwrap();
    let page: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(page["results"].as_array().map(Vec::len), Some(1), "{page}");
    let sent = sandbox.requests();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].path, "/api/applications");
    assert!(sent[0].credential.is_some(), "sent with the client's key");
    assert_eq!(client.stats().requests, 1, "counted as the client's own");

    // Built for another host: refused before anything is sent, so the
    // key never leaves for it.
    let elsewhere = v1::requests::applications_list(
        "http://127.0.0.1:9/api",
        None,
        None,
        Some(1),
        None,
        None,
        None,
    )
    .unwrap();
    let error = client
        .send_read(v1::operations::APPLICATIONS_LIST.operation_id, elsewhere)
        .await
        .unwrap_err();
    assert_eq!(
        error.kind(),
        jumpcloud_graph::ErrorKind::InvalidInput,
        "{error}"
    );
    assert_eq!(sandbox.requests().len(), 1);
}
