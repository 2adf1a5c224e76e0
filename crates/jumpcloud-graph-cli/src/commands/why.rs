//! `jcgraph why USER KIND ID`: every path that grants one object, each
//! path's sudo, the effective sudo and the deciding path.

use jumpcloud_graph::{Explanation, TraversalKind};

use super::Ctx;
use crate::cli::ObjectArgs;
use crate::directory::Directory;
use crate::error::{CliError, Exit};
use crate::output::{Format, Out};
use crate::render;
use crate::table::{Column, Table};

pub async fn run(ctx: &mut Ctx, args: ObjectArgs) -> Result<Exit, CliError> {
    let user = ctx.user(&args.user).await?;
    let id = object(ctx, args.kind, &args.id).await?;
    let mut explanation = user.explain(args.kind, id).await?;
    if ctx.names
        && let Some(found) = explanation.take()
    {
        let client = &ctx.backend.client;
        let named =
            crate::api_names::named_explanations(client, &mut ctx.backend.directory, vec![found]);
        explanation = named.await.pop();
    }
    match ctx.format {
        Format::Json | Format::Ndjson => ctx.out.value(ctx.format, &explanation)?,
        Format::Table => match &explanation {
            Some(ex) => explain(&mut ctx.out, &ctx.backend.directory, ex, true)?,
            None => {
                let who = render::node(ctx.directory(), &user.node());
                let what = if args.id.trim().eq_ignore_ascii_case(&id.to_string()) {
                    id.to_string()
                } else {
                    format!("{} ({id})", args.id.trim())
                };
                ctx.out.wrapped(
                    &format!("{who} does not reach {what} among the user's {}", args.kind),
                    2,
                )?;
            }
        },
    }
    Ok(if explanation.is_some() {
        Exit::Ok
    } else {
        Exit::NotBound
    })
}

/// The object named on the command line, among those `kind` lists.
pub async fn object(
    ctx: &Ctx,
    kind: TraversalKind,
    text: &str,
) -> Result<jumpcloud_graph::ObjectId, CliError> {
    crate::api_names::object(&ctx.backend.client, ctx.directory(), kind, text).await
}

/// An explanation as text: a header, one row per path, and the notes when
/// `notes`.
pub fn explain(
    out: &mut Out,
    directory: &Directory,
    ex: &Explanation,
    notes: bool,
) -> std::io::Result<()> {
    let devices = render::takes_sudo(ex.node().kind());
    out.wrapped(
        &format!(
            "{} reaches {} ({}) through {}",
            render::node(directory, ex.user()),
            render::node(directory, ex.node()),
            ex.id(),
            render::plural(ex.paths().len(), "path", "paths"),
        ),
        2,
    )?;
    if devices {
        let decided = match ex.deciding_index() {
            Some(i) => format!("decided by path {}", i + 1),
            None => "no path carries sudo".to_string(),
        };
        let server = match (ex.agrees_with_server(), ex.compiled_sudo()) {
            (true, _) => "the server's compiledAttributes agree".to_string(),
            (false, Some(sudo)) => format!("but the server's compiledAttributes say {sudo}"),
            (false, None) => "but the server's compiledAttributes have no sudo".to_string(),
        };
        out.wrapped(
            &format!(
                "effective sudo: {}, {decided}; {server}",
                ex.effective_sudo()
            ),
            2,
        )?;
    }
    let mut columns = vec![Column::new("#")];
    if devices {
        columns.push(Column::new("SUDO"));
        columns.push(Column::new("DECIDES"));
    }
    columns.push(Column::new("GRANTED").flex());
    let mut table = Table::new(columns);
    for (i, path) in ex.paths().iter().enumerate() {
        let mut cells = vec![(i + 1).to_string()];
        if devices {
            cells.push(render::path_sudo(path.sudo()));
            cells.push(
                if ex.deciding_index() == Some(i) {
                    "yes"
                } else {
                    ""
                }
                .to_string(),
            );
        }
        cells.push(render::grant(directory, &path.kind()));
        table.row(cells);
    }
    out.table(&table)?;
    let warnings = if notes { ex.warnings() } else { &[] };
    if !warnings.is_empty() {
        out.line("")?;
    }
    for warning in warnings {
        out.wrapped(&format!("note: {}", render::warning(directory, warning)), 6)?;
    }
    Ok(())
}
