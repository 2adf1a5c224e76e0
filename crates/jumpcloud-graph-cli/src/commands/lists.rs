//! The plain lists: `jcgraph groups USER` and `jcgraph associations USER
//! --target T...`.

use jumpcloud_graph::AssociationTarget;

use super::Ctx;
use crate::cli::{AssociationsArgs, GroupsArgs};
use crate::csv_out;
use crate::error::{CliError, Exit};
use crate::output::Format;
use crate::render;
use crate::table::Column;

pub async fn groups(ctx: &mut Ctx, args: GroupsArgs) -> Result<Exit, CliError> {
    let user = ctx.user(&args.user).await?;
    let mut list = user.member_of().filters(args.filter);
    for key in args.sort {
        list = list.sort(key);
    }
    let groups = list.try_collect().await?;
    let nodes = groups
        .iter()
        .flat_map(|g| g.paths())
        .flat_map(|p| p.nodes());
    let (client, directory) = (&ctx.backend.client, &mut ctx.backend.directory);
    crate::api_names::learn(client, directory, &mut ctx.out, ctx.names, nodes).await;
    if ctx.csv {
        let (directory, node) = (&ctx.backend.directory, user.node());
        let rows = groups
            .iter()
            .map(|group| csv_out::bound_fields(directory, &node, group));
        ctx.out
            .bytes(&csv_out::table(&csv_out::GRANT_COLUMNS, rows))?;
        return Ok(Exit::Ok);
    }
    match ctx.format {
        Format::Json | Format::Ndjson => ctx.out.items(ctx.format, &groups)?,
        Format::Table => {
            let directory = &ctx.backend.directory;
            ctx.out.wrapped(
                &format!(
                    "{} is a member of {}",
                    render::node(directory, &user.node()),
                    render::plural(groups.len(), "group", "groups")
                ),
                2,
            )?;
            let mut table = render::object_table(directory, vec![Column::new("GRANTED").flex()]);
            for group in &groups {
                let mut cells = render::object_cells(directory, group.node());
                cells.push(render::grants(directory, group.paths()));
                table.row(cells);
            }
            ctx.out.table(&table)?;
        }
    }
    Ok(Exit::Ok)
}

pub async fn associations(ctx: &mut Ctx, args: AssociationsArgs) -> Result<Exit, CliError> {
    let user = ctx.user(&args.user).await?;
    let mut targets: Vec<AssociationTarget> = Vec::new();
    for target in args.target {
        if !targets.contains(&target) {
            targets.push(target);
        }
    }
    let names: Vec<String> = targets.iter().map(ToString::to_string).collect();
    let associations = user.associations(targets).try_collect().await?;
    let nodes = associations
        .iter()
        .flat_map(|a| [a.edge().from(), a.edge().to()]);
    let (client, directory) = (&ctx.backend.client, &mut ctx.backend.directory);
    crate::api_names::learn(client, directory, &mut ctx.out, ctx.names, nodes).await;
    match ctx.format {
        Format::Json | Format::Ndjson => ctx.out.items(ctx.format, &associations)?,
        Format::Table => {
            let directory = &ctx.backend.directory;
            ctx.out.wrapped(
                &format!(
                    "{} has {} among {}",
                    render::node(directory, &user.node()),
                    render::plural(
                        associations.len(),
                        "direct association",
                        "direct associations"
                    ),
                    names.join(", ")
                ),
                2,
            )?;
            let mut table = render::object_table(
                directory,
                vec![Column::new("SUDO"), Column::new("ATTRIBUTES").flex()],
            );
            for association in &associations {
                let mut cells = render::object_cells(directory, association.target());
                cells.push(render::path_sudo(association.sudo()));
                // Sudo has its column; the rest as the wire's JSON.
                let mut attributes = association.attributes().to_map();
                attributes.remove("sudo");
                cells.push(if attributes.is_empty() {
                    "-".to_string()
                } else {
                    serde_json::Value::Object(attributes).to_string()
                });
                table.row(cells);
            }
            ctx.out.table(&table)?;
        }
    }
    Ok(Exit::Ok)
}
