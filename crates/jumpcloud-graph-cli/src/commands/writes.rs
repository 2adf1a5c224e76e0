//! The writes: `associate`, `dissociate`, `update` and `send-activation`,
//! each sent once, `--ensure` for the idempotent forms.

use jumpcloud_graph::{AssociationTarget, Ensured, GraphNode, GraphType, ObjectId, Sudo, User};
use serde::Serialize;

use super::Ctx;
use crate::cli::{AssociateArgs, DissociateArgs, UpdateArgs, UserArgs, WriteTarget};
use crate::error::{CliError, Exit};
use crate::output::Format;
use crate::render;

/// What a write did, for `--format json` / `ndjson`:
/// `{"operation", "user", "target", "sudo", "ensure", "result"}`.
#[derive(Serialize)]
struct Done {
    /// `associate`, `dissociate`, `update`, `send_activation`.
    operation: &'static str,
    user: GraphNode,
    /// The object (`null` for `send_activation`).
    target: Option<GraphNode>,
    sudo: Option<Sudo>,
    ensure: bool,
    /// `created`, `already_associated`, `updated`, `removed`,
    /// `already_absent`, `sent`.
    result: &'static str,
}

/// The user, the target and the object of a write.
async fn parts(ctx: &Ctx, write: &WriteTarget) -> Result<(User, ObjectId, GraphNode), CliError> {
    let user = ctx.user(&write.user).await?;
    let target = &write.target;
    let accepts = |t: &GraphType| t.as_str() == target.as_str();
    let (client, directory) = (&ctx.backend.client, ctx.directory());
    let id = crate::api_names::object_of(client, directory, target.as_str(), &accepts, &write.id)
        .await?;
    let node = GraphNode::new(id, GraphType::from_wire(target.as_str()));
    Ok((user, id, node))
}

fn result_name(ensured: Ensured) -> &'static str {
    ensured.name()
}

pub async fn associate(ctx: &mut Ctx, args: AssociateArgs) -> Result<Exit, CliError> {
    let (user, id, node) = parts(ctx, &args.write).await?;
    let target: AssociationTarget = args.write.target.clone();
    let result = if args.ensure {
        let mut write = user.ensure_associated(target, id)?;
        if let Some(sudo) = args.sudo {
            write = write.sudo(sudo);
        }
        result_name(write.await?)
    } else {
        let mut write = user.associate(target, id)?;
        if let Some(sudo) = args.sudo {
            write = write.sudo(sudo);
        }
        write.await?;
        "created"
    };
    let done = Done {
        operation: "associate",
        user: user.node(),
        target: Some(node),
        sudo: args.sudo,
        ensure: args.ensure,
        result,
    };
    report(ctx, &done)
}

pub async fn dissociate(ctx: &mut Ctx, args: DissociateArgs) -> Result<Exit, CliError> {
    let (user, id, node) = parts(ctx, &args.write).await?;
    let target = args.write.target.clone();
    let result = if args.ensure {
        result_name(user.ensure_dissociated(target, id)?.await?)
    } else {
        user.dissociate(target, id)?.await?;
        "removed"
    };
    let done = Done {
        operation: "dissociate",
        user: user.node(),
        target: Some(node),
        sudo: None,
        ensure: args.ensure,
        result,
    };
    report(ctx, &done)
}

pub async fn update(ctx: &mut Ctx, args: UpdateArgs) -> Result<Exit, CliError> {
    let (user, id, node) = parts(ctx, &args.write).await?;
    let target = args.write.target.clone();
    user.update_association(target, id)?.sudo(args.sudo).await?;
    let done = Done {
        operation: "update",
        user: user.node(),
        target: Some(node),
        sudo: Some(args.sudo),
        ensure: false,
        result: "updated",
    };
    report(ctx, &done)
}

pub async fn send_activation(ctx: &mut Ctx, args: UserArgs) -> Result<Exit, CliError> {
    let user = ctx.user(&args.user).await?;
    user.send_activation_email().await?;
    let done = Done {
        operation: "send_activation",
        user: user.node(),
        target: None,
        sudo: None,
        ensure: false,
        result: "sent",
    };
    report(ctx, &done)
}

/// Prints what a write did.
fn report(ctx: &mut Ctx, done: &Done) -> Result<Exit, CliError> {
    if ctx.format != Format::Table {
        ctx.out.value(ctx.format, done)?;
        return Ok(Exit::Ok);
    }
    let directory = &ctx.backend.directory;
    let user = render::node(directory, &done.user);
    let target = done
        .target
        .as_ref()
        .map(|t| format!("{} ({})", render::node(directory, t), t.id()))
        .unwrap_or_default();
    let sudo = done
        .sudo
        .map(|s| format!(" with sudo {s}"))
        .unwrap_or_default();
    let text = match (done.operation, done.result) {
        ("associate", "created") => format!("associated {user} with {target}{sudo}"),
        ("associate", "already_associated") => {
            format!("{user} was already associated with {target}; nothing changed")
        }
        ("associate", "updated") => {
            format!("{user} was already associated with {target}; set{sudo}")
        }
        ("dissociate", "removed") => {
            format!("removed the direct association of {user} with {target}")
        }
        ("dissociate", "already_absent") => {
            format!("{user} had no direct association with {target}; nothing changed")
        }
        ("update", _) => format!(
            "set sudo {} on the direct association of {user} with {target}",
            done.sudo.map_or("-", Sudo::name)
        ),
        ("send_activation", _) => format!("sent {user} the activation email"),
        (operation, result) => format!("{operation} {user} {target}: {result}"),
    };
    ctx.out.wrapped(&text, 2)?;
    if done.operation == "dissociate" && done.result == "removed" {
        ctx.out.wrapped(
            "note: only the direct binding is gone; paths through groups still grant access \
             (see jcgraph why, jcgraph revoke)",
            6,
        )?;
    }
    Ok(Exit::Ok)
}
