//! Taking a server away from a user, completely: `cargo run -p
//! jumpcloud-graph-examples --example revoke`.
//!
//! Runs against the sandbox's demo org in-process (no account, no network).
//! Ada reaches web-01 three ways: directly (sudo with a password), through
//! the Ops group (passwordless sudo) and through Engineering's binding to
//! the "Production servers" device group. The example explains her access,
//! plans a complete revoke, shows why removing her direct binding alone
//! would *raise* her sudo, applies the part the client can do (the user's own associations) (each step
//! verified by reading web-01 again), and shows what is left to an
//! administrator.

use std::process::ExitCode;

use jumpcloud_graph::{Explanation, Resolved, RevokeOutcome, RevokePlan, TraversalKind};
use jumpcloud_graph_sandbox::{Fixture, Sandbox};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// Names by node, from the fixture.
type Names = Resolved;

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

async fn run() -> Result<()> {
    let sandbox = Sandbox::start(Fixture::demo()).await;
    let acme = &sandbox.fixture()["acme"];
    let client = sandbox.client();
    let ada = client.user(acme.id_of("ada"))?;
    let web01 = acme.id_of("web-01");

    println!("== Why can Ada log in to web-01, and with what sudo?\n");
    let ex = ada
        .explain(TraversalKind::System, web01)
        .await?
        .ok_or("web-01 is not bound to Ada")?;
    // Traversals return ids and types only; the resolver names every node
    // of the paths in one lookup request per kind.
    let name = client
        .names()
        .resolve(ex.paths().iter().flat_map(|path| path.nodes()))
        .await;
    show_explanation(&ex, &name);

    println!("\n== What would it take to remove web-01 from Ada completely?\n");
    let plan = ada.revoke_plan(TraversalKind::System, web01).await?;
    show_plan(&plan, &name);

    println!("\n== Applying the steps the client can run\n");
    let done = match plan.apply().await {
        Ok(done) => done,
        Err(failed) => {
            // What was done before the failure, each step with its status.
            println!("  stopped: {}", failed.outcome());
            return Err(failed.into());
        }
    };
    show_outcome(&plan, &done, &name);
    Ok(())
}

/// Each path with its sudo, the effective sudo and the path deciding it.
fn show_explanation(ex: &Explanation, name: &Names) {
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
}

/// Each step: who runs it, the operation, what else Ada loses; warnings.
fn show_plan(plan: &RevokePlan, name: &Names) {
    for (i, step) in plan.steps().iter().enumerate() {
        let who = if step.is_executable() {
            "the client"
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
    println!("\n  the fewest steps: {}", plan.is_smallest());
    for warning in plan.warnings() {
        println!("  warning: {warning}");
    }
}

/// Each step's status by the re-read, what still grants web-01, and what
/// is left to an administrator.
fn show_outcome(plan: &RevokePlan, done: &RevokeOutcome, name: &Names) {
    for applied in done.steps() {
        // `removed` only when the re-read no longer shows the edge.
        println!(
            "  {}: {}",
            applied.status(),
            applied.step().edge().display_with(name)
        );
    }
    // JumpCloud may take a while to show removals; apply reads again until
    // it does (or the plan's verify deadline passes).
    println!(
        "  {} after {:?} and {} re-read(s)",
        done.verification(),
        done.waited(),
        done.rereads()
    );
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
}
