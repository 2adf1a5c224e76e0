//! `jcgraph revoke USER KIND ID [--apply [--yes]]`: the plan that takes an
//! object away completely, and running the part of it this tool can run.

use std::io::BufRead;

use jumpcloud_graph::{
    AccessWarning, AppliedStep, Ensured, RevokeOutcome, RevokePlan, RevokeStep, StepStatus,
    Verification,
};
use serde::Serialize;

use super::Ctx;
use crate::cli::RevokeArgs;
use crate::directory::Directory;
use crate::error::{CliError, Exit};
use crate::output::{Format, Out, note};
use crate::render;

pub async fn run(ctx: &mut Ctx, args: RevokeArgs) -> Result<Exit, CliError> {
    let kind = args.object.kind;
    if args.apply && !args.yes && !ctx.terminal.stdin {
        // Refused before anything is read or printed, so a script learns
        // at once that it needs --yes.
        return Err(CliError::Usage(
            "revoke --apply asks for confirmation on a terminal, and stdin is not one: pass \
             --yes to apply without asking"
                .into(),
        ));
    }
    let user = ctx.user(&args.object.user).await?;
    let id = super::why::object(ctx, kind, &args.object.id).await?;
    let plan = user
        .revoke_plan(kind, id)
        .await?
        .with_verify_timeout(args.verify_timeout);
    let user_node = plan.user().node();
    let paths = plan.explanation().map(|e| e.paths()).unwrap_or_default();
    let nodes = std::iter::once(&user_node).chain(paths.iter().flat_map(|p| p.nodes()));
    let (client, directory) = (&ctx.backend.client, &mut ctx.backend.directory);
    crate::api_names::learn(client, directory, &mut ctx.out, ctx.names, nodes).await;
    match ctx.format {
        Format::Table => plan_text(&mut ctx.out, &ctx.backend.directory, &plan)?,
        Format::Ndjson => ctx.out.ndjson(&plan)?,
        Format::Json if !args.apply => ctx.out.json(&plan)?,
        Format::Json => {}
    }
    if !args.apply {
        return Ok(Exit::Ok);
    }

    let steps = plan.executable_steps().count();
    if steps > 0 && !args.yes {
        ctx.out.flush()?;
        let question = format!(
            "Run {} against {}? [y/N] ",
            render::plural(steps, "step", "steps"),
            ctx.backend.describe
        );
        if !confirm(question).await? {
            note("jcgraph: not applied; nothing was changed");
            if ctx.format == Format::Json {
                ctx.out.json(&Applied {
                    plan: &plan,
                    outcome: None,
                    error: None,
                })?;
            }
            return Ok(Exit::Declined);
        }
    }
    let (outcome, message) = match plan.apply().await {
        Ok(outcome) => (outcome, None),
        Err(failed) => {
            let message = crate::error::with_causes(&failed);
            (failed.into_parts().1, Some(message))
        }
    };
    match ctx.format {
        Format::Table => outcome_text(&mut ctx.out, &ctx.backend.directory, &plan, &outcome)?,
        Format::Ndjson => ctx.out.ndjson(&outcome)?,
        Format::Json => ctx.out.json(&Applied {
            plan: &plan,
            outcome: Some(&outcome),
            error: message.as_deref(),
        })?,
    }
    if let Some(message) = message {
        // What changed is on stdout; the error ends the run with exit 1.
        return Err(CliError::Failed(message));
    }
    Ok(match outcome.verification() {
        Verification::NotYetVisible => Exit::NotYetVisible,
        _ if outcome.still_granted() => Exit::AccessRemains,
        _ => Exit::Ok,
    })
}

/// `--apply --format json`: `{"plan": plan, "outcome": outcome | null,
/// "error": message | null}`; the outcome is what was done so far when a
/// step or the re-read failed.
#[derive(Serialize)]
struct Applied<'a> {
    plan: &'a RevokePlan,
    outcome: Option<&'a RevokeOutcome>,
    error: Option<&'a str>,
}

/// Asks on stderr and reads one line from stdin; yes is `y` or `yes`.
async fn confirm(question: String) -> Result<bool, CliError> {
    let answer = tokio::task::spawn_blocking(move || {
        use std::io::Write;
        let mut stderr = std::io::stderr();
        let question = crate::output::terminal_safe(&question, crate::output::Keep::Newlines);
        // Wrapped like every stderr line; the space before the answer stays.
        let _ = write!(
            stderr,
            "{} ",
            crate::output::fit_stderr(question.trim_end())
        );
        let _ = stderr.flush();
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).map(|_| line)
    })
    .await
    .map_err(|e| CliError::Failed(format!("cannot read the answer: {e}")))?
    .map_err(|e| CliError::Failed(format!("cannot read the answer: {e}")))?;
    let answer = answer.trim().to_ascii_lowercase();
    Ok(answer == "y" || answer == "yes")
}

/// The plan as text: the object now, the steps, what remains, warnings.
fn plan_text(out: &mut Out, directory: &Directory, plan: &RevokePlan) -> std::io::Result<()> {
    let user = render::node(directory, &plan.user().node());
    let Some(explanation) = plan.explanation() else {
        let id = plan.target_id().to_string();
        let target = match directory.name_of_id(&id) {
            Some(name) => format!("{name} ({id})"),
            None => id,
        };
        return out.wrapped(
            &format!(
                "{user} does not reach {target} among the user's {}: nothing to revoke",
                plan.kind()
            ),
            2,
        );
    };
    let target = explanation.node();
    out.wrapped(
        &format!(
            "Revoke {} ({}) from {user}",
            render::node(directory, target),
            target.id()
        ),
        2,
    )?;
    let mut now = format!(
        "  now: {} it",
        render::plural(plan.paths().len(), "path grants", "paths grant")
    );
    if render::takes_sudo(target.kind()) {
        now.push_str(&format!(", effective sudo {}", plan.sudo_now()));
    }
    out.wrapped(&now, 2)?;
    out.line("")?;
    out.wrapped(
        &format!(
            "{} ({}):",
            render::plural(plan.steps().len(), "step", "steps"),
            how_small(plan)
        ),
        2,
    )?;
    for (i, step) in plan.steps().iter().enumerate() {
        step_text(out, directory, i, step)?;
    }
    out.line("")?;
    after_text(out, directory, plan)
}

/// What the plan's size and choice are known to be.
fn how_small(plan: &RevokePlan) -> &'static str {
    if plan.is_exact() {
        "a smallest set of edges whose removal leaves no path"
    } else if plan.is_smallest() {
        "a smallest set of edges whose removal leaves no path; the choice among such sets is \
         estimated: see the warnings"
    } else {
        "edges whose removal leaves no path (maybe not the fewest: see the warnings)"
    }
}

/// What the executable steps leave, what the whole plan takes, warnings.
fn after_text(out: &mut Out, directory: &Directory, plan: &RevokePlan) -> std::io::Result<()> {
    let takes_sudo = plan.target().is_some_and(|t| render::takes_sudo(t.kind()));
    let after = if plan.still_granted_after_apply() {
        let mut text = format!(
            "still granted through {}",
            render::plural(plan.remaining_paths().len(), "path", "paths")
        );
        if takes_sudo {
            text.push_str(&format!(", effective sudo {}", plan.sudo_after_apply()));
        }
        text
    } else {
        "no longer granted".to_string()
    };
    out.wrapped(&format!("After the steps jcgraph can run: {after}"), 2)?;
    if !plan.collateral().is_empty() {
        out.wrapped(
            &format!(
                "The whole plan also takes away: {}",
                nodes(directory, plan.collateral())
            ),
            2,
        )?;
    }
    if !plan.warnings().is_empty() {
        out.line("")?;
    }
    for warning in plan.warnings() {
        out.wrapped(
            &format!("warning: {}", render::warning(directory, warning)),
            9,
        )?;
    }
    Ok(())
}

/// One step: the edge, who runs it and how, what else it takes away.
fn step_text(
    out: &mut Out,
    directory: &Directory,
    i: usize,
    step: &RevokeStep,
) -> std::io::Result<()> {
    out.wrapped(
        &format!("  {}. {}", i + 1, render::edge(directory, step.edge())),
        5,
    )?;
    let who = if step.is_executable() {
        "by jcgraph"
    } else if step.affects_other_users() {
        "by an administrator; it changes other users' access too"
    } else {
        "by an administrator"
    };
    let operation = step.operation();
    let how = match (operation.method(), operation.path()) {
        (Some(method), Some(path)) => format!("{method} {path}"),
        _ => operation.description().to_string(),
    };
    out.wrapped(&format!("     {who}"), 2)?;
    out.wrapped(&format!("     {how}"), 2)?;
    if let Some(body) = operation.body() {
        // On a line of its own, never wrapped: a body cut inside a JSON
        // token cannot be pasted back.
        out.line(&format!("       {body}"))?;
    }
    if !step.collateral().is_empty() {
        out.wrapped(
            &format!(
                "     the user also loses: {}",
                nodes(directory, step.collateral())
            ),
            2,
        )?;
    }
    Ok(())
}

/// What `--apply` did, and what still grants access.
fn outcome_text(
    out: &mut Out,
    directory: &Directory,
    plan: &RevokePlan,
    outcome: &RevokeOutcome,
) -> std::io::Result<()> {
    out.line("")?;
    steps_done_text(out, directory, outcome)?;
    verification_text(out, outcome)?;
    match (outcome.explanation(), outcome.was_reread()) {
        (_, false) => {
            out.line("")?;
            out.wrapped(
                "Not read again after the writes: whether access remains is unknown",
                2,
            )?;
        }
        (Some(still), true) => {
            out.line("")?;
            // Under lag the re-read may be out of date: say so, rather than
            // "still granted".
            out.line(match outcome.verification() {
                Verification::NotYetVisible => "The last re-read still shows:",
                _ => "Still granted:",
            })?;
            // The plan's warnings already said what the notes would.
            super::why::explain(out, directory, still, false)?;
        }
        (None, true) => {
            let target = plan.target().map_or_else(
                || plan.target_id().to_string(),
                |t| render::node(directory, t),
            );
            out.wrapped(
                &format!(
                    "{} no longer reaches {target}",
                    render::node(directory, &plan.user().node())
                ),
                2,
            )?;
        }
    }
    if !outcome.left_to_admin().is_empty() {
        out.line("")?;
        out.line("Left to an administrator:")?;
        for step in outcome.left_to_admin() {
            let i = plan
                .steps()
                .iter()
                .position(|s| s == step)
                .unwrap_or_default();
            step_text(out, directory, i, step)?;
        }
    }
    // Access remaining is what the sections above list.
    let warnings = outcome
        .warnings()
        .iter()
        .filter(|w| !matches!(w, AccessWarning::AccessRemains { .. }));
    for warning in warnings {
        out.wrapped(
            &format!("warning: {}", render::warning(directory, warning)),
            9,
        )?;
    }
    Ok(())
}

/// How long JumpCloud took to show the removals, when it took a while or
/// had not by the deadline.
fn verification_text(out: &mut Out, outcome: &RevokeOutcome) -> std::io::Result<()> {
    let waited = format!(
        "{:.1} s ({})",
        outcome.waited().as_secs_f64(),
        render::plural(outcome.rereads() as usize, "re-read", "re-reads")
    );
    match outcome.verification() {
        Verification::Verified if !outcome.waited().is_zero() => out.wrapped(
            &format!("Verified after {waited}: JumpCloud took that long to show the removals"),
            2,
        ),
        Verification::NotYetVisible => out.wrapped(
            &format!(
                "Not yet visible after {waited}: JumpCloud accepted every removal, but the \
                 user graph still shows {} of them (JumpCloud processes association changes \
                 asynchronously). Run the same command again later to check: it is safe to \
                 repeat.",
                outcome.unverified().count()
            ),
            2,
        ),
        _ => Ok(()),
    }
}

/// Each executable step by its status. Only edges the re-read no longer
/// shows are called removed or already gone.
fn steps_done_text(
    out: &mut Out,
    directory: &Directory,
    outcome: &RevokeOutcome,
) -> std::io::Result<()> {
    let edges = |steps: Vec<&RevokeStep>| {
        steps
            .iter()
            .map(|s| render::edge(directory, s.edge()))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let mut done = match outcome.removed().collect::<Vec<_>>() {
        removed if removed.is_empty() => "Applied: removed nothing".to_string(),
        removed => format!("Applied: removed {}", edges(removed)),
    };
    let gone: Vec<&RevokeStep> = outcome.already_absent().collect();
    if !gone.is_empty() {
        done.push_str(&format!("; already gone: {}", edges(gone)));
    }
    out.wrapped(&done, 2)?;
    for applied in outcome.steps() {
        let edge = render::edge(directory, applied.step().edge());
        let line = match applied.status() {
            StepStatus::Unverified => {
                format!("Unverified: {edge} ({})", unverified_why(outcome, applied))
            }
            StepStatus::Failed => format!(
                "Failed: {edge}: {}",
                applied.error().unwrap_or("unknown error")
            ),
            StepStatus::NotAttempted => format!("Not attempted (an earlier step failed): {edge}"),
            _ => continue,
        };
        out.wrapped(&line, 2)?;
    }
    Ok(())
}

/// Why a step JumpCloud answered is not verified.
fn unverified_why(outcome: &RevokeOutcome, applied: &AppliedStep) -> &'static str {
    match (outcome.was_reread(), applied.answer()) {
        (false, _) => "JumpCloud answered, but the object could not be read again",
        (true, Some(Ensured::AlreadyAbsent)) => {
            "JumpCloud answered 404, yet the re-read still shows the edge"
        }
        (true, _) => {
            "JumpCloud removed it, yet the re-read still shows the edge (changes can take a while)"
        }
    }
}

fn nodes(directory: &Directory, nodes: &[jumpcloud_graph::GraphNode]) -> String {
    nodes
        .iter()
        .map(|n| render::node(directory, n))
        .collect::<Vec<_>>()
        .join(", ")
}
