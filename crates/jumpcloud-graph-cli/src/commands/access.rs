//! `jcgraph access USER [--kind KIND]`: everything a user reaches, how, and
//! with what sudo.

use jumpcloud_graph::Explanation;

use super::Ctx;
use crate::cli::{AccessArgs, KindChoice};
use crate::csv_out;
use crate::error::{CliError, Exit};
use crate::output::Format;
use crate::render;
use crate::table::Column;

pub async fn run(ctx: &mut Ctx, args: AccessArgs) -> Result<Exit, CliError> {
    let user = ctx.user(&args.user).await?;
    // Everything: the report reads all nine traversals and the groups,
    // concurrently. One kind: that one traversal, explained.
    let (mut report, mut one_kind) = match args.kind {
        KindChoice::All => (Some(user.access_report().await?), Vec::new()),
        KindChoice::One(kind) => (None, user.explain_all(kind).await?),
    };
    if ctx.names {
        let (client, directory) = (&ctx.backend.client, &mut ctx.backend.directory);
        match report.take() {
            Some(found) => {
                report = Some(crate::api_names::named_report(client, directory, found).await);
            }
            None => {
                one_kind = crate::api_names::named_explanations(client, directory, one_kind).await;
            }
        }
    }
    let entries: Vec<&Explanation> = match &report {
        Some(report) => report.all().collect(),
        None => one_kind.iter().collect(),
    };
    if ctx.csv {
        return write_csv(ctx, &entries);
    }
    match (ctx.format, &report) {
        (Format::Json, Some(report)) => ctx.out.json(report)?,
        (Format::Json, None) => ctx.out.json(&entries)?,
        (Format::Ndjson, _) => ctx.out.items(ctx.format, &entries)?,
        (Format::Table, _) => {
            let directory = &ctx.backend.directory;
            let who = render::node(directory, &user.node());
            let groups = entries
                .iter()
                .filter(|e| *e.node().kind() == jumpcloud_graph::GraphType::UserGroup)
                .count();
            let what = match args.kind {
                KindChoice::All => format!(
                    "{} and {}",
                    render::plural(entries.len() - groups, "object", "objects"),
                    render::plural(groups, "group", "groups")
                ),
                KindChoice::One(kind) => format!("{} {kind}", entries.len()),
            };
            ctx.out
                .wrapped(&format!("{who} ({}) reaches {what}", user.id()), 2)?;
            let mut table = render::object_table(
                directory,
                vec![Column::new("SUDO"), Column::new("GRANTED").flex()],
            );
            for entry in &entries {
                let mut cells = render::object_cells(directory, entry.node());
                cells.push(render::sudo_cell(entry));
                cells.push(render::grants(directory, entry.paths()));
                table.row(cells);
            }
            ctx.out.table(&table)?;
            // Report-wide notes, then each entry's, once each.
            let mut notes: Vec<String> = Vec::new();
            let warnings = report
                .iter()
                .flat_map(|report| report.warnings())
                .chain(entries.iter().flat_map(|e| e.warnings()));
            for warning in warnings {
                let text = render::warning(directory, warning);
                if !notes.contains(&text) {
                    notes.push(text);
                }
            }
            if !notes.is_empty() {
                ctx.out.line("")?;
            }
            for text in notes {
                ctx.out.wrapped(&format!("note: {text}"), 6)?;
            }
        }
    }
    Ok(Exit::Ok)
}

/// `--format csv`: one row per grant.
fn write_csv(ctx: &mut Ctx, entries: &[&Explanation]) -> Result<Exit, CliError> {
    let directory = &ctx.backend.directory;
    let rows = entries
        .iter()
        .map(|entry| csv_out::grant_fields(directory, entry));
    ctx.out
        .bytes(&csv_out::table(&csv_out::GRANT_COLUMNS, rows))?;
    Ok(Exit::Ok)
}
