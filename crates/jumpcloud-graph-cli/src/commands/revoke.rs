//! `jcgraph revoke USER KIND ID [--apply [--yes]]`: the plan that takes an
//! object away completely, and running the part of it this tool can run.

use std::io::BufRead;

use jumpcloud_graph::{AccessWarning, RevokeOutcome, RevokePlan, RevokeStep};
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
    let user = ctx.user(&args.object.user)?;
    let id = super::why::object(ctx.directory(), kind, &args.object.id)?;
    let plan = user.revoke_plan(kind, id).await?;
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
                })?;
            }
            return Ok(Exit::Declined);
        }
    }
    let outcome = plan.apply().await?;
    match ctx.format {
        Format::Table => outcome_text(&mut ctx.out, &ctx.backend.directory, &plan, &outcome)?,
        Format::Ndjson => ctx.out.ndjson(&outcome)?,
        Format::Json => ctx.out.json(&Applied {
            plan: &plan,
            outcome: Some(&outcome),
        })?,
    }
    Ok(if outcome.still_granted() {
        Exit::AccessRemains
    } else {
        Exit::Ok
    })
}

/// `--apply --format json`: `{"plan": plan, "outcome": outcome | null}`.
#[derive(Serialize)]
struct Applied<'a> {
    plan: &'a RevokePlan,
    outcome: Option<&'a RevokeOutcome>,
}

/// Asks on stderr and reads one line from stdin; yes is `y` or `yes`.
async fn confirm(question: String) -> Result<bool, CliError> {
    let answer = tokio::task::spawn_blocking(move || {
        use std::io::Write;
        let mut stderr = std::io::stderr();
        let question = crate::output::terminal_safe(&question, crate::output::Keep::Newlines);
        let _ = write!(stderr, "{question}");
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
                "{user} does not reach {target} through {}: nothing to revoke",
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
    let exact = if plan.is_exact() {
        "a smallest set of edges whose removal leaves no path"
    } else {
        "edges whose removal leaves no path (maybe not the fewest: see the warnings)"
    };
    out.wrapped(
        &format!(
            "{} ({exact}):",
            render::plural(plan.steps().len(), "step", "steps")
        ),
        2,
    )?;
    for (i, step) in plan.steps().iter().enumerate() {
        step_text(out, directory, i, step)?;
    }
    out.line("")?;
    let after = if plan.still_granted_after_apply() {
        let mut text = format!(
            "still granted through {}",
            render::plural(plan.remaining_paths().len(), "path", "paths")
        );
        if render::takes_sudo(target.kind()) {
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
    let how = match (operation.method(), operation.path(), operation.body()) {
        (Some(method), Some(path), Some(body)) => format!("{method} {path} {body}"),
        (Some(method), Some(path), None) => format!("{method} {path}"),
        _ => operation.description().to_string(),
    };
    out.wrapped(&format!("     {who}"), 2)?;
    out.wrapped(&format!("     {how}"), 2)?;
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
    let edges = |steps: &[RevokeStep]| {
        steps
            .iter()
            .map(|s| render::edge(directory, s.edge()))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let mut done = match outcome.removed() {
        [] => "Applied: removed nothing".to_string(),
        removed => format!("Applied: removed {}", edges(removed)),
    };
    if !outcome.already_absent().is_empty() {
        done.push_str(&format!(
            "; already gone: {}",
            edges(outcome.already_absent())
        ));
    }
    out.wrapped(&done, 2)?;
    match outcome.explanation() {
        Some(still) => {
            out.line("")?;
            out.line("Still granted:")?;
            // The plan's warnings already said what the notes would.
            super::why::explain(out, directory, still, false)?;
        }
        None => {
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
    // Access remaining is what the section above lists.
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

fn nodes(directory: &Directory, nodes: &[jumpcloud_graph::GraphNode]) -> String {
    nodes
        .iter()
        .map(|n| render::node(directory, n))
        .collect::<Vec<_>>()
        .join(", ")
}
