//! `jcgraph diff OLD NEW`: what changed between two reviews, user by user:
//! objects gained and lost, effective sudo raised or lowered, groups joined
//! and left. "Who gained sudo since the last review" is `--only sudo`.
//!
//! Users are matched by id. A user in one review only is compared with
//! nothing (a new user gains everything, a removed one loses everything);
//! a user that failed in either review cannot be compared and is named on
//! stderr (exit 1). Reviews of different kinds or sudo filters are refused.

mod compare;

use std::collections::BTreeSet;

use compare::{Change, Kind, Review};

use super::Ctx;
use crate::cli::{DiffArgs, DiffOnly};
use crate::csv_out;
use crate::directory::Directory;
use crate::error::{CliError, Exit};
use crate::output::{Format, note};
use crate::render;
use crate::table::{Column, Table};

pub fn run(ctx: &mut Ctx, args: DiffArgs) -> Result<Exit, CliError> {
    let old = Review::read(&args.old)?;
    let new = Review::read(&args.new)?;
    compare::comparable(old.header.as_ref(), new.header.as_ref()).map_err(CliError::Usage)?;
    let directory = &ctx.backend.directory;
    let failed = failed_ids(directory, &old, &new);
    let mut users: Vec<(usize, usize, &String)> = Vec::new();
    for (id, (line, _, _)) in &new.users {
        users.push((0, *line, id));
    }
    for (id, (line, _, _)) in &old.users {
        if !new.users.contains_key(id) {
            users.push((1, *line, id));
        }
    }
    users.sort();
    let mut changes: Vec<Change> = Vec::new();
    let (mut only_new, mut only_old) = (0, 0);
    for (_, _, id) in users {
        if failed.contains(id.as_str()) {
            continue;
        }
        let (before, after) = (old.users.get(id), new.users.get(id));
        only_new += usize::from(before.is_none());
        only_old += usize::from(after.is_none());
        let Some((_, user, _)) = after.or(before) else {
            continue;
        };
        changes.extend(
            compare::changes(user, before.map(|b| &b.2), after.map(|a| &a.2))
                .into_iter()
                .filter(|change| wanted(&args.only, change)),
        );
    }
    write(ctx, &changes)?;
    if only_new + only_old > 0 {
        note(&format!(
            "jcgraph: {} only in NEW and {} only in OLD, compared with nothing",
            render::plural(only_new, "user", "users"),
            only_old
        ));
    }
    if failed.is_empty() {
        return Ok(Exit::Ok);
    }
    let listed: Vec<&str> = failed.iter().take(10).map(String::as_str).collect();
    note(&format!(
        "jcgraph: {} not compared (failed in OLD or NEW): {}{}",
        render::plural(failed.len(), "user", "users"),
        listed.join(", "),
        if failed.len() > listed.len() {
            ", ..."
        } else {
            ""
        }
    ));
    Ok(Exit::Error)
}

/// The users that failed in either review, by id where the input names
/// one (in the sandbox, a name), else as given.
fn failed_ids(directory: &Directory, old: &Review, new: &Review) -> BTreeSet<String> {
    old.failed
        .values()
        .chain(new.failed.values())
        .map(|input| {
            directory
                .user(input)
                .map_or_else(|_| input.clone(), |id| id.to_string())
        })
        .collect()
}

/// Whether `--only` keeps a change.
fn wanted(only: &[DiffOnly], change: &Change) -> bool {
    let sudo_on = |sudo: Option<jumpcloud_graph::Sudo>| sudo.is_some_and(|s| s.enabled());
    only.is_empty()
        || only.iter().any(|what| match what {
            DiffOnly::Sudo => match change.change {
                Kind::SudoRaised | Kind::SudoLowered => true,
                Kind::Gained => sudo_on(change.after),
                Kind::Lost => sudo_on(change.before),
                Kind::Joined | Kind::Left => false,
            },
            DiffOnly::Access => !matches!(change.change, Kind::Joined | Kind::Left),
            DiffOnly::Groups => matches!(change.change, Kind::Joined | Kind::Left),
        })
}

/// The changes in the format asked for.
fn write(ctx: &mut Ctx, changes: &[Change]) -> Result<(), CliError> {
    let directory = &ctx.backend.directory;
    let name = |id: &str| directory.name_of_id(id).unwrap_or_default();
    let sudo = |sudo: Option<jumpcloud_graph::Sudo>| sudo.map(|s| s.to_string());
    if ctx.csv {
        let mut bytes = Vec::new();
        csv_out::record(&mut bytes, &csv_out::DIFF_COLUMNS);
        for c in changes {
            csv_out::record(
                &mut bytes,
                &[
                    c.user.id.clone(),
                    name(&c.user.id),
                    c.change.to_string(),
                    c.object.kind.clone(),
                    c.object.id.clone(),
                    name(&c.object.id),
                    sudo(c.before).unwrap_or_default(),
                    sudo(c.after).unwrap_or_default(),
                ],
            );
        }
        ctx.out.bytes(&bytes)?;
        return Ok(());
    }
    match ctx.format {
        Format::Json | Format::Ndjson => ctx.out.items(ctx.format, changes)?,
        Format::Table => {
            let users: BTreeSet<&str> = changes.iter().map(|c| c.user.id.as_str()).collect();
            ctx.out.line(&format!(
                "{} for {}",
                render::plural(changes.len(), "change", "changes"),
                render::plural(users.len(), "user", "users")
            ))?;
            let shown = |id: &str| directory.name_of_id(id).unwrap_or_else(|| id.to_string());
            let mut table = Table::new(vec![
                Column::new("USER"),
                Column::new("CHANGE"),
                Column::new("TYPE"),
                Column::new("OBJECT"),
                Column::new("BEFORE"),
                Column::new("AFTER"),
            ]);
            for c in changes {
                table.row(vec![
                    shown(&c.user.id),
                    c.change.to_string(),
                    c.object.kind.clone(),
                    shown(&c.object.id),
                    sudo(c.before).unwrap_or_else(|| "-".into()),
                    sudo(c.after).unwrap_or_else(|| "-".into()),
                ]);
            }
            ctx.out.table(&table)?;
        }
    }
    Ok(())
}
