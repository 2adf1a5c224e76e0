//! Taking a server away from a user, completely: `cargo run -p
//! jumpcloud-graph --example revoke`.
//!
//! Runs against the sandbox's demo org in-process (no account, no network).
//! Ada reaches web-01 three ways: directly (sudo with a password), through
//! the Ops group (passwordless sudo) and through Engineering's binding to
//! the "Production servers" device group. The example explains her access,
//! plans a complete revoke, shows why removing her direct binding alone
//! would *raise* her sudo, applies the part this SDK can do, and shows what
//! is left to an administrator.

use std::collections::HashMap;
use std::process::ExitCode;

use jumpcloud_graph::{GraphNode, NodeId, RevokePlan, TraversalKind, User};
use jumpcloud_graph_sandbox::{Fixture, Sandbox};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("\nerror: {error}");
            ExitCode::FAILURE
        }
    }
}

/// A node's name, when the fixture knows it.
type Names = dyn Fn(&GraphNode) -> Option<String>;

async fn run() -> Result<()> {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let acme = &sandbox.fixture()["acme"];
    // Traversals return ids and types only; the names here come from the
    // fixture (against JumpCloud: /systemusers/{id}, /systems/{id},
    // /usergroups/{id}, /systemgroups/{id}).
    let names: HashMap<NodeId, String> = acme
        .objects()
        .map(|o| (NodeId::from_server(o.id()), o.handle().to_string()))
        .collect();
    let name = move |node: &GraphNode| names.get(node.id()).cloned();
    let ada = sandbox.client().user(acme.id_of("ada"))?;
    let web01 = acme.id_of("web-01");

    explain(&ada, web01, &name).await?;
    let plan = ada.revoke_plan(TraversalKind::System, web01).await?;
    show_plan(&plan, &name);
    apply(&plan, &name).await
}

/// Why Ada reaches web-01: every path, its sudo, and the deciding one.
async fn explain(ada: &User, web01: &str, name: &Names) -> Result<()> {
    println!("== Why can Ada log in to web-01, and with what sudo?\n");
    let ex = ada
        .explain(TraversalKind::System, web01)
        .await?
        .ok_or("web-01 is not bound to Ada")?;
    for (i, path) in ex.paths().iter().enumerate() {
        let sudo = path.sudo().map_or("no sudo".to_string(), |s| s.to_string());
        println!("  {}. {}", i + 1, path.display_with(name));
        println!("     {}, sudo {sudo}", path.kind().name());
    }
    println!(
        "\n  effective sudo: {}, decided by: {}",
        ex.effective_sudo(),
        ex.deciding_path()
            .map_or("no path".to_string(), |p| p.display_with(name).to_string())
    );
    println!(
        "  the server's compiledAttributes agree: {}",
        ex.agrees_with_server()
    );
    Ok(())
}

/// The steps of a complete revoke, who can run each, and the warnings.
fn show_plan(plan: &RevokePlan, name: &Names) {
    println!("\n== What would it take to remove web-01 from Ada completely?\n");
    for (i, step) in plan.steps().iter().enumerate() {
        let who = if step.is_executable() {
            "this SDK"
        } else {
            "an administrator"
        };
        println!("  {}. {} (by {who})", i + 1, step.edge().display_with(name));
        let op = step.operation();
        if let (Some(method), Some(path), Some(body)) = (op.method(), op.path(), op.body()) {
            println!("     {method} {path} {body}");
        }
        let lost: Vec<String> = step
            .collateral()
            .iter()
            .map(|n| n.display_with(name).to_string())
            .collect();
        if !lost.is_empty() {
            println!("     Ada also loses: {}", lost.join(", "));
        }
    }
    println!();
    for warning in plan.warnings() {
        println!("  warning: {warning}");
    }
}

/// Runs the steps this SDK can run and shows what is left.
async fn apply(plan: &RevokePlan, name: &Names) -> Result<()> {
    println!("\n== Applying the steps this SDK can run\n");
    let done = plan.apply().await?;
    for step in done.removed() {
        println!("  removed {}", step.edge().display_with(name));
    }
    println!(
        "  still granted: {}; effective sudo now: {} (it was {})",
        done.still_granted(),
        done.effective_sudo(),
        plan.sudo_now()
    );
    for path in done.remaining_paths() {
        println!("    through {}", path.display_with(name));
    }
    println!("  as the plan predicted: {}", done.matches_prediction());
    println!("\n  left to an administrator:");
    for step in done.left_to_admin() {
        println!("    {}", step.operation());
    }
    Ok(())
}
