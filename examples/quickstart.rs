//! The quickstart: `cargo run -p jumpcloud-graph-examples --example quickstart`.
//!
//! Without `JUMPCLOUD_API_KEY` it starts the sandbox in-process with the
//! demo org (no network, no account) and walks a realistic flow through the
//! `jumpcloud-graph` facade: what Ada can reach and how, her groups and
//! direct associations; then it binds a device group to Ken with sudo, shows
//! the change, takes it back, and sends Ken his activation email.
//!
//! With a credential in the environment (`JUMPCLOUD_CLIENT_ID` and
//! `JUMPCLOUD_CLIENT_SECRET` for a service account, or `JUMPCLOUD_API_KEY`)
//! it runs the read-only part against the real API for the user in
//! `JUMPCLOUD_USER_ID`, taking `JUMPCLOUD_REGION` (`us`, `eu`, `in`),
//! `JUMPCLOUD_ORG_ID` and `JUMPCLOUD_BASE_URL` from the environment when
//! set (see `ClientBuilder::from_env`). It never writes to a real org.

use std::collections::HashMap;
use std::process::ExitCode;

use futures::TryStreamExt;
use jumpcloud_graph::{AssociationTarget, BoundObject, ClientBuilder, GraphNode, Sort, Sudo, User};
use jumpcloud_graph_sandbox::{Fixture, Sandbox};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

#[tokio::main]
async fn main() -> ExitCode {
    let set = |name: &str| std::env::var(name).is_ok_and(|v| !v.trim().is_empty());
    let credential = set("JUMPCLOUD_API_KEY") || set("JUMPCLOUD_CLIENT_ID");
    let outcome = if credential {
        against_jumpcloud().await
    } else {
        against_sandbox().await
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("\nerror: {error}");
            ExitCode::FAILURE
        }
    }
}

/// The read-only walk against a real org.
async fn against_jumpcloud() -> Result<()> {
    let client = ClientBuilder::from_env()?
        .user_agent("jumpcloud-graph-quickstart")
        .build()?;
    let Ok(user_id) = std::env::var("JUMPCLOUD_USER_ID") else {
        return Err("set JUMPCLOUD_USER_ID to the id of a user to look at \
                    (Users > the user > the id in the page's address)"
            .into());
    };
    println!(
        "jumpcloud-graph quickstart, read-only, against {}\n",
        client.base_url()
    );
    let user = client.user(user_id.trim())?;
    // The traversals return ids and types only; names would need other APIs.
    show_access(&user, &format!("user {}", user.id()), &Names::default()).await
}

/// The whole walk against the demo org in an in-process sandbox.
async fn against_sandbox() -> Result<()> {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let client = sandbox.client();
    let acme = &sandbox.fixture()["acme"];
    let names = Names::from_fixture(sandbox.fixture());
    println!("jumpcloud-graph quickstart");
    println!("No JumpCloud credential is set, so this runs against the sandbox: an in-process");
    println!(
        "JumpCloud org (the demo org, {}) at {}.",
        acme.name(),
        sandbox.base_url()
    );

    let ada = client.user(acme.id_of("ada"))?;
    show_access(&ada, "Ada Lovelace", &names).await?;

    println!("\n== Changing access, as a service account ==");
    // Writes go through the demo org's service account: OAuth client
    // credentials, a bearer token fetched once and refreshed as needed.
    let automation = sandbox
        .service_account_client(|b| b.user_agent("jumpcloud-graph-quickstart"))
        .ok_or("the demo org has a service account")?;
    let ken = automation.user(acme.id_of("ken"))?;
    let laptops = acme.id_of("laptops");
    println!("Ken joined this week and has nothing yet. Bind him to the Laptops group,");
    println!("with sudo that asks for his password:");
    ken.associate(AssociationTarget::SystemGroup, laptops)?
        .sudo(Sudo::WithPassword)
        .await?;
    show_systems(&ken, "Ken", &names).await?;
    println!("\nAnd take it back:");
    ken.dissociate(AssociationTarget::SystemGroup, laptops)?
        .await?;
    show_systems(&ken, "Ken", &names).await?;

    println!("\n== Activation email ==");
    ken.send_activation_email().await?;
    for email in sandbox.outbox() {
        println!(
            "  sent the {} email to {}",
            email.email_type,
            names.of_id(&email.user_id)
        );
    }
    println!(
        "\n({} token fetched by the service account for all of the above.)",
        sandbox.stats().tokens_issued
    );
    println!("\nNext: `cargo run -p jumpcloud-graph-examples --example revoke` explains");
    println!("Ada's access to web-01 and plans a complete revoke. Set JUMPCLOUD_CLIENT_ID and");
    println!("JUMPCLOUD_CLIENT_SECRET (or JUMPCLOUD_API_KEY) and JUMPCLOUD_USER_ID to run the");
    println!("read-only part against your own org.");
    Ok(())
}

/// What a user can reach, and how.
async fn show_access(user: &User, who: &str, names: &Names) -> Result<()> {
    show_systems(user, who, names).await?;

    println!("\n== {who}'s groups ==");
    let groups = user
        .member_of()
        .sort(Sort::asc("name"))
        .try_collect()
        .await?;
    for group in &groups {
        println!("  {}", names.of(group.node()));
    }
    if groups.is_empty() {
        println!("  (none)");
    }

    println!("\n== {who}'s direct associations ==");
    let targets = [
        AssociationTarget::System,
        AssociationTarget::SystemGroup,
        AssociationTarget::Application,
        AssociationTarget::ActiveDirectory,
        AssociationTarget::PasswordManagerItem,
    ];
    let direct = user.associations(targets).try_collect().await?;
    for association in &direct {
        let sudo = association.sudo().map(describe_sudo).unwrap_or_default();
        let kind = association.target().kind().to_string();
        let line = format!("  {kind:<22} {:<30} {sudo}", names.of(association.target()));
        println!("{}", line.trim_end());
    }
    if direct.is_empty() {
        println!("  (none)");
    }

    println!("\n== Everything else {who} reaches ==");
    for (label, list) in [
        ("applications", user.applications()),
        ("directories", user.directories()),
        ("RADIUS servers", user.radius_servers()),
    ] {
        let items = list.try_collect().await?;
        let shown: Vec<String> = items.iter().map(|b| names.of(b.node())).collect();
        println!(
            "  {label:<15} {}",
            if shown.is_empty() {
                "(none)".into()
            } else {
                shown.join(", ")
            }
        );
        for bound in &items {
            for reply in bound.attributes().radius_reply() {
                println!(
                    "  {:<15}   RADIUS reply {} = {}",
                    "", reply.name, reply.value
                );
            }
        }
    }
    Ok(())
}

/// The systems a user can log in to, how each is granted, and sudo.
async fn show_systems(user: &User, who: &str, names: &Names) -> Result<()> {
    println!("\n== Systems {who} can log in to ==");
    let mut systems = user.systems().stream();
    let mut count = 0;
    while let Some(system) = systems.try_next().await? {
        count += 1;
        let (name, sudo) = (names.of(system.node()), describe_sudo_of(&system));
        println!("  {name:<24} {sudo:<19} {}", describe_grant(&system, names));
    }
    if count == 0 {
        println!("  (none)");
    }
    Ok(())
}

/// Every path that grants the binding: `directly`, or the groups it passes
/// through (`Engineering → Production servers`).
fn describe_grant(bound: &BoundObject, names: &Names) -> String {
    bound
        .paths()
        .iter()
        .map(|path| {
            if path.is_direct() {
                "directly".to_string()
            } else {
                let hops: Vec<String> = path.via().map(|group| names.of(group)).collect();
                format!("via {}", hops.join(" → "))
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn describe_sudo_of(bound: &BoundObject) -> String {
    bound
        .sudo()
        .map(describe_sudo)
        .unwrap_or_else(|| "no sudo".into())
}

fn describe_sudo(sudo: Sudo) -> String {
    match sudo {
        Sudo::Disabled => "no sudo",
        Sudo::WithPassword => "sudo",
        Sudo::WithoutPassword => "sudo (no password)",
    }
    .into()
}

/// Display names by id, where known (the sandbox's fixture knows them).
#[derive(Default)]
struct Names(HashMap<String, String>);

impl Names {
    fn from_fixture(fixture: &Fixture) -> Self {
        let mut names = HashMap::new();
        for org in fixture.orgs() {
            for object in org.objects() {
                let field = |name: &str| object.field(name).and_then(|v| v.as_str());
                let name = match (field("firstname"), field("lastname")) {
                    (Some(first), Some(last)) => format!("{first} {last}"),
                    _ => ["displayName", "name", "hostname", "username"]
                        .into_iter()
                        .find_map(field)
                        .unwrap_or(object.handle())
                        .to_string(),
                };
                names.insert(object.id().to_string(), name);
            }
        }
        Self(names)
    }

    fn of(&self, node: &GraphNode) -> String {
        self.of_id(&node.id().to_string())
    }

    fn of_id(&self, id: &str) -> String {
        self.0.get(id).cloned().unwrap_or_else(|| id.to_string())
    }
}
