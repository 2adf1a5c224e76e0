//! Traversal over HTTP on the demo org: every path, compiled attributes,
//! every kind of traversal, and cycle safety.

use crate::common;

use common::{get, id, ids, item, json};
use jumpcloud_graph_sandbox::{Fixture, Sandbox};
use serde_json::{Value, json};

async fn list(sandbox: &Sandbox, user: &str, operation: &str) -> Value {
    let (status, _, body) = json(
        get(
            sandbox,
            &format!("/users/{}/{operation}?limit=100", id(user)),
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{operation}: {body}");
    body
}

/// An edge as JumpCloud sends it: its attributes and `to`, which carries
/// the demo object's own attributes (`null` for most); never `from`.
fn edge(to: (&str, &str), attributes: Value) -> Value {
    let demo = Fixture::demo();
    let own = demo
        .orgs()
        .iter()
        .find_map(|org| org.object(to.0))
        .and_then(|o| o.attributes());
    json!({
        "attributes": attributes,
        "to": {"attributes": own, "id": id(to.0), "type": to.1}
    })
}

#[tokio::test]
async fn ada_reaches_web_01_directly_and_through_two_groups() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let systems = list(&sandbox, "ada", "systems").await;
    let web = item(&systems, &id("web-01"));
    let sudo = |without_password: bool| json!({"sudo": {"enabled": true, "withoutPassword": without_password}});
    assert_eq!(
        web["paths"],
        json!([
            [edge(("web-01", "system"), sudo(false))],
            [
                edge(("ops", "user_group"), Value::Null),
                edge(("web-01", "system"), sudo(true)),
            ],
            [
                edge(("engineering", "user_group"), Value::Null),
                edge(
                    ("production-servers", "system_group"),
                    json!({
                        "sudo": {"enabled": true, "withoutPassword": false},
                        "posixGroups": [{"id": 5001, "name": "engineering"}]
                    })
                ),
                edge(("web-01", "system"), Value::Null),
            ],
        ])
    );
}

#[tokio::test]
async fn direct_binding_sudo_supersedes_group_sudo() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let systems = list(&sandbox, "ada", "systems").await;
    // Ops grants passwordless sudo on web-01, but Ada's direct binding asks
    // for a password, and direct bindings win. Engineering's own ldapGroups
    // reach the compiled attributes too.
    assert_eq!(
        item(&systems, &id("web-01"))["compiledAttributes"],
        json!({
            "sudo": {"enabled": true, "withoutPassword": false},
            "ldapGroups": [{"name": "engineering"}],
            "posixGroups": [{"id": 5001, "name": "engineering"}]
        })
    );
    // On her laptop, the direct passwordless sudo beats Ops's sudo-with-password.
    assert_eq!(
        item(&systems, &id("ada-macbook"))["compiledAttributes"]["sudo"],
        json!({"enabled": true, "withoutPassword": true})
    );
}

#[tokio::test]
async fn group_sudo_applies_when_there_is_no_direct_binding() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let linus = list(&sandbox, "linus", "systems").await;
    assert_eq!(
        item(&linus, &id("web-01"))["compiledAttributes"],
        json!({"sudo": {"enabled": true, "withoutPassword": true}})
    );
    let grace = list(&sandbox, "grace", "systems").await;
    assert_eq!(
        ids(&grace),
        [id("grace-thinkpad"), id("web-01"), id("db-01")]
    );
    assert_eq!(
        item(&grace, &id("db-01"))["compiledAttributes"]["sudo"],
        json!({"enabled": true, "withoutPassword": false})
    );
}

#[tokio::test]
async fn a_group_level_setting_supersedes_the_groups_binding() {
    // Fails before issue 21, which ignored a group's own attributes: Ops's
    // Laptops binding asks for a password, but Ops's own setting is
    // passwordless, and "Permissions set at the user group level supersede
    // any permissions previously set on the user group's bind to a device
    // group".
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let linus = list(&sandbox, "linus", "systems").await;
    let thinkpad = item(&linus, &id("grace-thinkpad"));
    assert_eq!(
        thinkpad["paths"][0][1]["attributes"]["sudo"],
        json!({"enabled": true, "withoutPassword": false})
    );
    assert_eq!(
        thinkpad["paths"][0][0]["to"]["attributes"]["sudo"],
        json!({"enabled": true, "withoutPassword": true})
    );
    assert_eq!(
        thinkpad["compiledAttributes"],
        json!({"sudo": {"enabled": true, "withoutPassword": true}})
    );
}

#[tokio::test]
async fn system_without_attributes_has_null_compiled_attributes() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let katherine = list(&sandbox, "katherine", "systems").await;
    assert_eq!(ids(&katherine), [id("katherine-surface")]);
    assert_eq!(katherine[0]["compiledAttributes"], Value::Null);
    assert_eq!(katherine[0]["paths"][0][0]["attributes"], Value::Null);
}

#[tokio::test]
async fn system_groups_are_reached_through_user_groups() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let groups = list(&sandbox, "ada", "systemgroups").await;
    assert_eq!(ids(&groups), [id("production-servers"), id("laptops")]);
    assert!(
        groups
            .as_array()
            .into_iter()
            .flatten()
            .all(|g| g["type"] == "system_group")
    );
    assert_eq!(
        item(&groups, &id("laptops"))["paths"],
        json!([[
            edge(("ops", "user_group"), Value::Null),
            edge(
                ("laptops", "system_group"),
                json!({"sudo": {"enabled": true, "withoutPassword": false}})
            ),
        ]])
    );
}

#[tokio::test]
async fn directories_list_all_four_directory_kinds() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let katherine = list(&sandbox, "katherine", "directories").await;
    let kinds: Vec<&str> = katherine
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| d["type"].as_str())
        .collect();
    assert_eq!(kinds, ["active_directory", "g_suite", "office_365"]);
    let ada = list(&sandbox, "ada", "directories").await;
    assert_eq!(ids(&ada), [id("acme-workspace"), id("acme-ldap")]);
}

/// The demo with Finance bound to the Active Directory domain too, so that
/// Katherine reaches it directly and through her group.
fn demo_with_finance_bound_to_the_domain() -> Fixture {
    let yaml = Fixture::demo_yaml().replacen(
        "      - from: finance\n",
        "      - from: finance\n        to: acme-ad\n      - from: finance\n",
        1,
    );
    assert_ne!(yaml, Fixture::demo_yaml(), "the edit must apply");
    Fixture::from_yaml_str(&yaml).expect("the edited demo loads")
}

#[tokio::test]
async fn active_directories_list_only_active_directory_with_every_path() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let katherine = list(&sandbox, "katherine", "activedirectories").await;
    assert_eq!(
        katherine,
        json!([{
            "compiledAttributes": null,
            "id": id("acme-ad"),
            "paths": [[edge(("acme-ad", "active_directory"), Value::Null)]],
            "type": "active_directory"
        }])
    );
    // Ada reaches the other directories, not Active Directory.
    assert_eq!(list(&sandbox, "ada", "activedirectories").await, json!([]));

    let sandbox = Sandbox::start(demo_with_finance_bound_to_the_domain()).await;
    let katherine = list(&sandbox, "katherine", "activedirectories").await;
    assert_eq!(ids(&katherine), [id("acme-ad")]);
    assert_eq!(
        katherine[0]["paths"],
        json!([
            [edge(("acme-ad", "active_directory"), Value::Null)],
            [
                edge(("finance", "user_group"), Value::Null),
                edge(("acme-ad", "active_directory"), Value::Null),
            ],
        ])
    );
}

#[tokio::test]
async fn applications_are_reached_through_user_groups() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let grace = list(&sandbox, "grace", "applications").await;
    assert_eq!(ids(&grace), [id("slack"), id("github")]);
    let katherine = list(&sandbox, "katherine", "applications").await;
    assert_eq!(ids(&katherine), [id("slack")]);
}

#[tokio::test]
async fn group_binding_attributes_reach_compiled_attributes() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let office = list(&sandbox, "katherine", "office365s").await;
    assert_eq!(
        office[0]["compiledAttributes"],
        json!({"acme:costCenter": "FIN-100"})
    );
    let ldap = list(&sandbox, "grace", "ldapservers").await;
    assert_eq!(
        ldap[0]["compiledAttributes"],
        json!({"ldapGroups": [{"name": "engineering"}]})
    );
    let radius = list(&sandbox, "linus", "radiusservers").await;
    assert_eq!(
        radius[0]["compiledAttributes"]["radius"]["reply"][2],
        json!({"name": "Tunnel-Private-Group-Id", "value": "10"})
    );
    let gsuite = list(&sandbox, "ada", "gsuites").await;
    assert_eq!(ids(&gsuite), [id("acme-workspace")]);
}

#[tokio::test]
async fn memberof_lists_groups_with_one_edge_paths() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let groups = list(&sandbox, "ada", "memberof").await;
    assert_eq!(ids(&groups), [id("engineering"), id("ops"), id("everyone")]);
    // A group's own attributes arrive on its node and compiled; a group
    // without any has null in both.
    let passwordless = json!({"sudo": {"enabled": true, "withoutPassword": true}});
    assert_eq!(
        item(&groups, &id("ops")),
        &json!({
            "compiledAttributes": passwordless,
            "id": id("ops"),
            "paths": [[{
                "attributes": null,
                "to": {"attributes": passwordless, "id": id("ops"), "type": "user_group"}
            }]],
            "type": "user_group"
        })
    );
    assert_eq!(
        item(&groups, &id("everyone")),
        &json!({
            "compiledAttributes": null,
            "id": id("everyone"),
            "paths": [[{
                "attributes": null,
                "to": {"attributes": null, "id": id("everyone"), "type": "user_group"}
            }]],
            "type": "user_group"
        })
    );
}

#[tokio::test]
async fn new_user_reaches_nothing_yet() {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    for operation in [
        "systems",
        "memberof",
        "applications",
        "directories",
        "activedirectories",
    ] {
        let (status, total, body) =
            json(get(&sandbox, &format!("/users/{}/{operation}", id("ken"))).await).await;
        assert_eq!(
            (status, total, body),
            (200, Some(0), json!([])),
            "{operation}"
        );
    }
}

#[tokio::test]
async fn groups_that_contain_each_other_do_not_loop() {
    let yaml = r#"
orgs:
  - handle: loop
    id: "650000000000000000000009"
    name: Loop
    users: { u: { id: "651000000000000000000009" } }
    user_groups:
      a: { id: "652000000000000000000091", name: A }
      b: { id: "652000000000000000000092", name: B }
    systems: { s: { id: "653000000000000000000009" } }
    system_groups:
      x: { id: "654000000000000000000091", name: X }
      y: { id: "654000000000000000000092", name: Y }
    # a contains b and b contains a; x contains y and y contains x.
    members: { a: [u, b], b: [a], x: [s, y], y: [x] }
    bindings:
      - { from: b, to: x }
keys: [{ key: loop-key, org: loop }]
"#;
    let fixture = Fixture::from_yaml_str(yaml).expect("a fixture with a cycle loads");
    let sandbox = Sandbox::start(fixture).await;
    let response = common::get_with(
        &sandbox,
        "/users/651000000000000000000009/systems",
        Some("loop-key"),
        None,
    )
    .await;
    let (status, total, body) = json(response).await;
    assert_eq!((status, total), (200, Some(1)));
    let hops: Vec<Vec<&str>> = body[0]["paths"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|path| {
            path.as_array()
                .into_iter()
                .flatten()
                .filter_map(|edge| edge["to"]["id"].as_str())
                .collect()
        })
        .collect();
    // The only simple path is u -> a -> b -> x -> s: every other route would
    // visit a group twice.
    assert_eq!(
        hops,
        [vec![
            "652000000000000000000091",
            "652000000000000000000092",
            "654000000000000000000091",
            "653000000000000000000009"
        ]]
    );
}
