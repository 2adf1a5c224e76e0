//! The commands, one module each; [`run`] dispatches.

mod access;
mod diff;
mod lists;
mod review;
mod revoke;
mod why;
mod writes;

use jumpcloud_graph::User;

use crate::backend::Backend;
use crate::cli::{self, Cli, Command};
use crate::directory::Directory;
use crate::error::{CliError, Exit};
use crate::output::{Format, Out, note};
use crate::terminal::Terminal;

/// What every command works with.
pub struct Ctx {
    /// The client, the directory, the sandbox.
    pub backend: Backend,
    /// Standard output.
    pub out: Out,
    /// The format asked for, or the command's default.
    pub format: Format,
    /// `--format csv`: the table's rows as CSV (`format` is then
    /// [`Format::Table`]); only the commands [`takes_csv`] lists see it.
    pub csv: bool,
    /// Which streams are terminals.
    pub terminal: Terminal,
    /// Whether results are named (not `--no-names`).
    pub names: bool,
}

impl Ctx {
    /// Where names come from.
    pub fn directory(&self) -> &Directory {
        &self.backend.directory
    }

    /// The user `text` names (an id, a name in the sandbox, an email or a
    /// username against JumpCloud).
    pub async fn user(&self, text: &str) -> Result<User, CliError> {
        crate::api_names::user(&self.backend.client, self.directory(), text).await
    }
}

/// Runs the command line.
pub async fn run(cli: Cli) -> Result<Exit, CliError> {
    let terminal = Terminal::detect();
    let mut out = Out::new(&terminal);
    if let Command::Completions { shell } = cli.command {
        // Generated into memory: clap_complete panics when a write fails,
        // and a closed pipe must end quietly.
        let mut script = Vec::new();
        clap_complete::generate(
            shell,
            &mut cli::with_globals_shown(),
            "jcgraph",
            &mut script,
        );
        out.bytes(&script)?;
        out.flush()?;
        return Ok(Exit::Ok);
    }
    let (format, csv) = match (cli.global.format, &cli.command) {
        (Some(chosen), _) => chosen.split(),
        (None, Command::Review(_)) => (Format::Ndjson, false),
        (None, _) => (Format::Table, false),
    };
    if csv && !takes_csv(&cli.command) {
        return Err(CliError::Usage(
            "--format csv is for access, groups, review and diff".into(),
        ));
    }
    let backend = Backend::connect(&cli.global).await?;
    let mut ctx = Ctx {
        backend,
        out,
        format,
        csv,
        terminal,
        names: !cli.global.no_names,
    };
    let ran = dispatch(&mut ctx, cli.command).await;
    // Whatever the command ended with, what it changed is kept.
    let saved = ctx.backend.save();
    let exit = match (ran, saved) {
        (Ok(exit), saved) => saved.map(|()| exit)?,
        (Err(error), Ok(())) => return Err(error),
        (Err(error), Err(CliError::Usage(unsaved) | CliError::Failed(unsaved))) => {
            note(&format!("jcgraph: {unsaved}"));
            return Err(error);
        }
        (Err(error), Err(CliError::BrokenPipe)) => return Err(error),
    };
    ctx.out.flush()?;
    Ok(exit)
}

/// The commands whose output has rows to write as CSV.
fn takes_csv(command: &Command) -> bool {
    matches!(
        command,
        Command::Access(_) | Command::Groups(_) | Command::Review(_) | Command::Diff(_)
    )
}

/// Runs one command.
async fn dispatch(ctx: &mut Ctx, command: Command) -> Result<Exit, CliError> {
    Ok(match command {
        Command::Access(args) => access::run(ctx, args).await?,
        Command::Why(args) => why::run(ctx, args).await?,
        Command::Revoke(args) => revoke::run(ctx, args).await?,
        Command::Groups(args) => lists::groups(ctx, args).await?,
        Command::Associations(args) => lists::associations(ctx, args).await?,
        Command::Associate(args) => writes::associate(ctx, args).await?,
        Command::Dissociate(args) => writes::dissociate(ctx, args).await?,
        Command::Update(args) => writes::update(ctx, args).await?,
        Command::SendActivation(args) => writes::send_activation(ctx, args).await?,
        Command::Review(args) => review::run(ctx, args).await?,
        // Two files; the org is only asked for names (the sandbox's).
        Command::Diff(args) => diff::run(ctx, args)?,
        Command::Completions { .. } => Exit::Ok,
    })
}
