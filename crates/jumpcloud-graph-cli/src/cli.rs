//! The command line: commands, options, help texts with examples.

use std::ffi::OsStr;
use std::path::PathBuf;
use std::time::Duration;

use clap::builder::{PossibleValue, TypedValueParser};
use clap::{ArgAction, Args, Parser, Subcommand};
use jumpcloud_graph::{AssociationTarget, Filter, Region, Sort, Sudo, TraversalKind};

use crate::output::FormatArg;

const ABOUT: &str = "Access reviews and complete revokes over JumpCloud's user graph";

// `--help` fits a screen (at most 40 lines, tested): the details live in
// each command's help and the README.
const LONG_ABOUT: &str = "\
Access reviews and complete revokes over JumpCloud's user graph: what a user \
reaches, how, with what sudo, and how to take it away. No credential set: an \
embedded demo org (ada, ken, web-01, ...).";

/// The top-level help: the options come as clap lists them in short help,
/// one line each (see [`options_listing`]), in both `-h` and `--help`.
const TOP_TEMPLATE: &str = "\
{about-with-newline}
{usage-heading} {usage}

Commands:
{subcommands}{after-help}";

const AFTER_HELP: &str = "\
`jcgraph --help` adds the environment and the exit codes; `jcgraph help \
<command>` gives a command's options and examples.";

const AFTER_LONG_HELP: &str = "\
Environment: JUMPCLOUD_API_KEY, or a service account's JUMPCLOUD_CLIENT_ID and
  JUMPCLOUD_CLIENT_SECRET (used when both are set; -v says which; never printed);
  JUMPCLOUD_REGION, JUMPCLOUD_ORG_ID, JUMPCLOUD_BASE_URL, JUMPCLOUD_TOKEN_URL.
Exit codes: 0 done, 1 error, 2 bad input, 3 revoke --apply: access remains, 4 declined,
  5 why: not reached, 6 revoke --apply: not yet visible, 130 review: interrupted.";

/// Each command's help, after its own options: the global ones are listed
/// once, in `jcgraph --help`.
const COMMAND_TEMPLATE: &str = "\
{about-with-newline}
{usage-heading} {usage}

{all-args}

Global options (--format, --sandbox, --org, -v, ...): see jcgraph --help{after-help}";

/// `jcgraph`.
#[derive(Debug, Parser)]
#[command(
    name = "jcgraph",
    version,
    about = ABOUT,
    long_about = LONG_ABOUT,
    after_help = AFTER_HELP,
    after_long_help = AFTER_LONG_HELP,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    /// Options every command takes.
    #[command(flatten)]
    pub global: Global,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes (listed once, in `jcgraph --help`; each
/// help line fits one line of it).
#[derive(Debug, Args)]
pub struct Global {
    /// table, json, ndjson or csv [default: table; review: ndjson]
    #[arg(
        long,
        global = true,
        hide = true,
        value_enum,
        value_name = "FORMAT",
        hide_possible_values = true
    )]
    pub format: Option<FormatArg>,

    /// Use the embedded demo org even when a credential is set
    #[arg(long, global = true, hide = true)]
    pub sandbox: bool,

    /// Serve this YAML fixture (at most 16 MiB) instead; implies --sandbox
    #[arg(long, global = true, hide = true, value_name = "FILE")]
    pub org: Option<PathBuf>,

    /// With --org: write the org back to FILE after a change
    #[arg(long, global = true, hide = true, requires = "org")]
    pub save: bool,

    /// x-org-id (multi-tenant admins); in the sandbox, which org
    #[arg(long, global = true, hide = true, value_name = "ORG")]
    pub org_id: Option<String>,

    /// us, eu or in (overrides JUMPCLOUD_REGION)
    #[arg(long, global = true, hide = true, value_name = "REGION", value_parser = parse_region)]
    pub region: Option<Region>,

    /// Another API base URL (overrides JUMPCLOUD_BASE_URL)
    #[arg(long, global = true, hide = true, value_name = "URL")]
    pub base_url: Option<String>,

    /// Seconds one request attempt may take [default: 30]
    #[arg(long, global = true, hide = true, value_name = "SECONDS", value_parser = parse_seconds)]
    pub timeout: Option<Duration>,

    /// Requests in flight at once [default: unlimited]
    #[arg(long, global = true, hide = true, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_in_flight: Option<u32>,

    /// Requests per second [default: unlimited]
    #[arg(long, global = true, hide = true, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub rate_limit: Option<u32>,

    /// Show ids only: skip the name lookups (names given are still looked up)
    #[arg(long, global = true, hide = true)]
    pub no_names: bool,

    /// Log requests to stderr (-vv debug, -vvv trace)
    #[arg(short, long, global = true, hide = true, action = ArgAction::Count)]
    pub verbose: u8,
}

/// The global options `jcgraph -h` leaves to `jcgraph --help`. (Set here,
/// not on the arguments: `hide_short_help` on a global option would give
/// every command a long help, three lines an option.)
const LONG_HELP_ONLY: [&str; 8] = [
    "save",
    "no_names",
    "org_id",
    "region",
    "base_url",
    "timeout",
    "max_in_flight",
    "rate_limit",
];

/// The top-level options as clap lists them in short help, one line each:
/// every one with `all` (for `--help`), else those `-h` shows. (In long
/// help, clap puts each option's text on a line of its own, under a blank
/// line: three lines an option, too many for one screen.)
fn options_listing(all: bool) -> String {
    let mut listing = with_globals_shown().help_template("{options}");
    if !all {
        for id in LONG_HELP_ONLY {
            listing = listing.mut_arg(id, |arg| arg.hide_short_help(true));
        }
    }
    listing.render_help().to_string().trim_end().to_string()
}

/// The command line with its global options shown, as completions offer
/// them. (They are hidden where they are defined, so that the commands'
/// help, which inherits them, does not repeat them.)
pub fn with_globals_shown() -> clap::Command {
    use clap::CommandFactory;

    Cli::command().mut_args(|arg| {
        if arg.is_global_set() {
            arg.hide(false)
        } else {
            arg
        }
    })
}

/// The command line as parsed and as its help shows it: the global options
/// are listed once, in `jcgraph --help`, and each command's help points
/// there instead of repeating them.
pub fn command() -> clap::Command {
    use clap::CommandFactory;

    Cli::command()
        .help_template(TOP_TEMPLATE)
        .after_help(format!(
            "Options:\n{}\n\n{AFTER_HELP}",
            options_listing(false)
        ))
        .after_long_help(format!(
            "Options:\n{}\n{AFTER_LONG_HELP}",
            options_listing(true)
        ))
        .override_usage("jcgraph [OPTIONS] <COMMAND>")
        .mut_subcommands(|sub| sub.help_template(COMMAND_TEMPLATE))
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// What a user can reach, how each object is granted, and with what sudo
    #[command(after_help = "\
Each object appears once with every path that grants it: direct, via a user \
group, via a device group, or via a user group then a device group. SUDO is \
the effective sudo on devices and device groups under JumpCloud's documented \
precedence (a direct binding supersedes a user group's, which supersedes a \
user group's binding to a device group). With --kind all (the default) the \
user's groups are listed too.

JSON: --kind all prints the access report ({\"user\", \"objects\", \"groups\", \
\"warnings\"}); one kind prints an array of explanations; ndjson prints one \
explanation per line.

Examples:
  jcgraph access ada
  jcgraph access ada --kind systems
  jcgraph access ada --format ndjson \\
      | jq -r 'select(.effective_sudo != \"disabled\") | .object.id'
  # against JumpCloud, by id:
  jcgraph access 5f1b0c2e9c1a4b0012345678 --kind applications")]
    Access(AccessArgs),

    /// Every path that grants a user one object, and what decides its sudo
    #[command(after_help = "\
KIND is a traversal: systems, system-groups, applications, directories, \
gsuites, ldap-servers, office365s, radius-servers, active-directories. \
Exits 5 when the user does not reach the object.

JSON: the explanation ({\"user\", \"object\", \"paths\", \"effective_sudo\", \
\"deciding_path\", \"compiled_attributes\", \"compiled_sudo\", \
\"agrees_with_server\", \"warnings\"}), or null when not reached; deciding_path \
indexes paths from 0 (the table's path 1 is 0).

Examples:
  jcgraph why ada systems web-01
  jcgraph why grace system-groups production-servers --format json
  # against JumpCloud, by id:
  jcgraph why 5f1b0c2e9c1a4b0012345678 systems 60aa11bb22cc33dd44ee55ff")]
    Why(ObjectArgs),

    /// Plan (and with --apply, run) taking an object away from a user
    /// completely
    #[command(after_help = "\
Removing a user's direct binding leaves every path through groups in place, \
and can even raise the user's sudo. The plan is a smallest set of edges whose \
removal leaves no path. Each step says whether jcgraph can run it (the \
user's own direct associations) or which JumpCloud operation an administrator \
runs instead (group memberships and group bindings, which also change other \
users' access), what else the user loses, what remains after the steps \
jcgraph can run, and whether sudo would rise.

--apply runs the steps jcgraph can run after asking for confirmation on the \
terminal (--yes skips it; without a terminal and without --yes it refuses, \
exit 2), then traverses again and prints each step's status (removed or \
already gone only when the re-read no longer shows the edge; unverified when \
JumpCloud answered but the re-read still shows it) and what still grants \
access. JumpCloud processes association changes asynchronously, so while a \
re-read still shows a removed edge, jcgraph reads the object again, with \
backoff (1 s growing to 16 s), for up to --verify-timeout seconds (default \
120). A step that fails stops the run: what was done so far is printed, then \
the error. Exit 0 when access is gone, 3 when it remains, 6 when a removal was \
still not visible at --verify-timeout (run the command again later: it is \
safe to repeat), 1 when a step failed, 4 when the confirmation is declined.

JSON: the revoke plan; with --apply, {\"plan\", \"outcome\", \"error\"} \
(outcome null when declined; error null unless a step or the re-read failed, \
and then the outcome is what was done so far). ndjson: the plan, then the \
outcome, one line each.

Examples:
  jcgraph revoke ada systems web-01
  jcgraph revoke katherine systems katherine-surface --apply
  jcgraph revoke ada systems web-01 --apply --yes --format json
  jcgraph revoke ada systems web-01 --apply --yes --verify-timeout 600
  # the next run sees the change:
  jcgraph --org acme.yaml --save revoke ada devices web-01 --apply --yes")]
    Revoke(RevokeArgs),

    /// The user groups a user belongs to
    #[command(after_help = "\
JSON: an array of bound objects ({\"id\", \"type\", \"compiled_attributes\", \
\"sudo\", \"paths\"}); ndjson: one per line.

Examples:
  jcgraph groups ada
  jcgraph groups ada --filter name:search:eng --sort -name
  # against JumpCloud, by id:
  jcgraph groups 5f1b0c2e9c1a4b0012345678 --filter type:eq:user_group")]
    Groups(GroupsArgs),

    /// A user's direct associations with objects of the given types
    #[command(after_help = "\
Only the user's own bindings: access through groups is not listed (see \
`jcgraph access`). JumpCloud's API takes no filter or sort for this list.

JSON: an array of associations ({\"from\", \"to\", \"attributes\"}); ndjson: \
one per line.

Examples:
  jcgraph associations ada --target system --target system_group
  jcgraph associations ada --target system,application --format ndjson")]
    Associations(AssociationsArgs),

    /// Bind a user directly to an object
    #[command(after_help = "\
Sent once: if the association exists, JumpCloud answers 409 (an error here); \
--ensure makes that success, so the command is safe to repeat.

Examples:
  jcgraph associate ken system-group laptops --sudo with-password
  jcgraph associate ken application slack --ensure
  # against JumpCloud, by id:
  jcgraph associate 5f1b0c2e9c1a4b0012345678 system 60aa11bb22cc33dd44ee55ff")]
    Associate(AssociateArgs),

    /// Remove a user's direct association with an object
    #[command(after_help = "\
This removes the direct binding only: access through groups stays (see \
`jcgraph why` and `jcgraph revoke`). Sent once: without the association, \
JumpCloud answers 404 (an error here); --ensure makes that success.

Examples:
  jcgraph dissociate ada system web-01
  jcgraph dissociate ken system web-01 --ensure")]
    Dissociate(DissociateArgs),

    /// Change the sudo of a user's direct association with a device or
    /// device group
    #[command(after_help = "\
Safe to repeat (it is retried like a read).

Examples:
  jcgraph update ada system web-01 --sudo without-password
  jcgraph update ada system ada-macbook --sudo disabled")]
    Update(UpdateArgs),

    /// Send a user the activation email
    #[command(after_help = "\
JumpCloud no longer lists this operation publicly; sent once.

Examples:
  jcgraph send-activation ken")]
    SendActivation(UserArgs),

    /// Review many users at once, one JSON line per user; resumable, rate-aware
    #[command(after_help = REVIEW_HELP)]
    Review(ReviewArgs),

    /// Compare two reviews: access and sudo gained or lost, groups joined or left
    #[command(after_help = DIFF_HELP)]
    Diff(DiffArgs),

    /// Print a shell completion script
    #[command(after_help = "\
Examples:
  jcgraph completions bash \\
      > ~/.local/share/bash-completion/completions/jcgraph
  jcgraph completions zsh > \"${fpath[1]}/_jcgraph\"
  jcgraph completions fish > ~/.config/fish/completions/jcgraph.fish")]
    Completions {
        /// The shell
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// `USER`.
#[derive(Debug, Args)]
pub struct UserArgs {
    /// The user: an id, or in the sandbox a name (ada)
    #[arg(value_name = "USER")]
    pub user: String,
}

/// `access`.
#[derive(Debug, Args)]
pub struct AccessArgs {
    /// The user: an id, or in the sandbox a name (ada)
    #[arg(value_name = "USER")]
    pub user: String,

    /// Only objects of this kind (devices: systems)
    #[arg(long, value_name = "KIND", default_value = "all", value_parser = kind_choice_parser())]
    pub kind: KindChoice,
}

/// `why` (and the object `revoke` takes).
#[derive(Debug, Args)]
pub struct ObjectArgs {
    /// The user: an id, or in the sandbox a name (ada)
    #[arg(value_name = "USER")]
    pub user: String,

    /// The traversal that lists the object (systems or devices, ...)
    #[arg(value_name = "KIND", value_parser = kind_parser())]
    pub kind: TraversalKind,

    /// The object: an id, or in the sandbox a name (web-01)
    #[arg(value_name = "ID")]
    pub id: String,
}

/// `revoke`.
#[derive(Debug, Args)]
pub struct RevokeArgs {
    /// The user and the object.
    #[command(flatten)]
    pub object: ObjectArgs,

    /// Run the steps jcgraph can run (after a confirmation), then show what
    /// still grants access
    #[arg(long)]
    pub apply: bool,

    /// With --apply: do not ask for confirmation
    #[arg(long, short, requires = "apply")]
    pub yes: bool,

    /// With --apply: how long to keep reading the object again, with
    /// backoff, until JumpCloud shows the removals (0: read it once)
    #[arg(
        long,
        value_name = "SECONDS",
        default_value = "120",
        requires = "apply",
        value_parser = parse_wait
    )]
    pub verify_timeout: Duration,
}

/// `groups`.
#[derive(Debug, Args)]
pub struct GroupsArgs {
    /// The user: an id, or in the sandbox a name (ada)
    #[arg(value_name = "USER")]
    pub user: String,

    /// Keep groups matching field:op:value (ops: eq, ne, gt, ge, lt, le,
    /// between, search, in); repeat to AND several
    #[arg(long, value_name = "FIELD:OP:VALUE", value_parser = parse_filter)]
    pub filter: Vec<Filter>,

    /// Sort by a field, -field for descending; repeat for several keys
    #[arg(long, value_name = "FIELD", value_parser = parse_sort, allow_hyphen_values = true)]
    pub sort: Vec<Sort>,
}

/// `associations`.
#[derive(Debug, Args)]
pub struct AssociationsArgs {
    /// The user: an id, or in the sandbox a name (ada)
    #[arg(value_name = "USER")]
    pub user: String,

    /// The types of object to list (repeat, or separate with commas)
    #[arg(long, short, value_name = "TARGET", required = true, value_delimiter = ',', value_parser = target_parser())]
    pub target: Vec<AssociationTarget>,
}

/// `USER TARGET ID`, the object of a write.
#[derive(Debug, Args)]
pub struct WriteTarget {
    /// The user: an id, or in the sandbox a name (ken)
    #[arg(value_name = "USER")]
    pub user: String,

    /// The type of object (system, system-group, application, ...)
    #[arg(value_name = "TARGET", value_parser = target_parser())]
    pub target: AssociationTarget,

    /// The object: an id, or in the sandbox a name (laptops)
    #[arg(value_name = "ID")]
    pub id: String,
}

/// `associate`.
#[derive(Debug, Args)]
pub struct AssociateArgs {
    /// The user and the object.
    #[command(flatten)]
    pub write: WriteTarget,

    /// The sudo the binding grants on a device or device group
    #[arg(long, value_name = "SUDO", value_parser = sudo_parser())]
    pub sudo: Option<Sudo>,

    /// Succeed when the association already exists (409)
    #[arg(long)]
    pub ensure: bool,
}

/// `dissociate`.
#[derive(Debug, Args)]
pub struct DissociateArgs {
    /// The user and the object.
    #[command(flatten)]
    pub write: WriteTarget,

    /// Succeed when there is no such association (404)
    #[arg(long)]
    pub ensure: bool,
}

/// `update`.
#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// The user and the object.
    #[command(flatten)]
    pub write: WriteTarget,

    /// The sudo to set
    #[arg(long, value_name = "SUDO", required = true, value_parser = sudo_parser())]
    pub sudo: Sudo,
}

/// `review`.
#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// A file of user ids, one a line, at most 32 MiB; - reads stdin
    /// [default in the sandbox: every user of the org]
    #[arg(long, value_name = "FILE", conflicts_with = "retry_failed")]
    pub users: Option<PathBuf>,

    /// How many users are fetched at once
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub concurrency: u16,

    /// Write the review to FILE (ndjson, one line per user as it completes,
    /// flushed) instead of stdout; resumable with --resume
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,

    /// Continue the review in --out FILE where it stopped: users already
    /// in it are not reviewed again
    #[arg(long, requires = "out")]
    pub resume: bool,

    /// Review only the users that failed in FILE (a review's output); with
    /// --out FILE (the same file), their lines are replaced in place
    #[arg(long, value_name = "FILE")]
    pub retry_failed: Option<PathBuf>,

    /// Only these kinds (repeatable): a traversal (systems, system-groups,
    /// ...) or groups (the user's groups) [default: all nine and groups;
    /// with --sudo: systems and system-groups]
    #[arg(long, value_name = "KIND", value_parser = review_kind_parser())]
    pub kind: Vec<ReviewKind>,

    /// Only devices and device groups where the effective sudo is any
    /// (with or without password) or without-password
    #[arg(long, value_name = "SUDO", value_parser = sudo_filter_parser())]
    pub sudo: Option<SudoFilter>,
}

/// `review --kind`: a traversal, or the user's groups.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReviewKind {
    /// One of the nine traversals.
    Traversal(TraversalKind),
    /// `memberof`: the user's groups.
    Groups,
}

/// `review --sudo`: which effective sudo a device must have to be listed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SudoFilter {
    /// Sudo with or without a password.
    Any,
    /// Passwordless sudo only.
    WithoutPassword,
}

impl SudoFilter {
    /// The name `--sudo` takes (and the review file's header records).
    pub fn name(self) -> &'static str {
        match self {
            SudoFilter::Any => "any",
            SudoFilter::WithoutPassword => "without-password",
        }
    }

    /// Whether an effective sudo passes.
    pub fn admits(self, sudo: Sudo) -> bool {
        match self {
            SudoFilter::Any => sudo.enabled(),
            SudoFilter::WithoutPassword => sudo == Sudo::WithoutPassword,
        }
    }
}

/// `diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The earlier review's output (ndjson from `review`, or its --out file)
    #[arg(value_name = "OLD")]
    pub old: PathBuf,

    /// The later review's output
    #[arg(value_name = "NEW")]
    pub new: PathBuf,

    /// Only these changes (repeatable): sudo (sudo raised or lowered, and
    /// objects gained or lost with sudo), access (objects gained or lost,
    /// sudo changes), groups (groups joined or left)
    #[arg(long, value_name = "WHAT", value_enum)]
    pub only: Vec<DiffOnly>,
}

/// `diff --only`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffOnly {
    /// Sudo raised or lowered, and objects gained or lost with sudo.
    Sudo,
    /// Objects gained or lost, and sudo changes.
    Access,
    /// Groups joined or left.
    Groups,
}

const REVIEW_HELP: &str = "\
Reads users (ids, emails or usernames; in the sandbox, names), one a line, \
from --users FILE or from stdin with --users -; blank lines and lines \
starting with # are skipped. Without --users it reviews every user of the \
org (against JumpCloud, listed 100 a page). Users are fetched concurrently (--concurrency, within --max-in-flight and --rate-limit); \
the client slows down on HTTP 429 (and Retry-After) and speeds up again \
carefully, so no rate limit has to be known.

Output: one line per user, in input order on stdout: the access report \
({\"line\", \"input\", \"user\", \"objects\", \"groups\", \"warnings\"}; line \
is the input line), or {\"line\", \"input\", \"error\"} for a user that \
failed. --format json prints one array, table one row per user, csv one row \
per user-object grant (columns user_id, user_name, object_type, object_id, \
object_name, effective_sudo, sudo_granted_by, granted, error; names empty \
when unknown).

--out FILE writes the lines to FILE as each user completes (after a header \
line with the review's options; each line carries its input line number), \
flushed line by line; --out FILE --resume continues after Ctrl-C, a crash \
or a kill: users already in FILE are skipped, a line cut short by a kill is \
dropped and that user reviewed again. Ctrl-C stops cleanly, keeps every \
line written and prints the command that resumes (exit 130). Failed users \
are listed at the end and kept in the output; exit 1 says some failed, and \
--retry-failed FILE reviews only those (with --out FILE, in place).

--kind K (repeatable) reviews only those kinds, and --sudo any|without-password \
lists only devices and device groups with that effective sudo: fewer \
requests per user. Before the first user, one lookup per optional kind (at \
most four requests) finds the kinds the org has none of (applications, \
directories, RADIUS servers); they are not traversed. A progress line (done/total, users and requests a \
second, 429s, failures, time left) is drawn on stderr when it is a \
terminal; a summary (users, objects, bindings with sudo, requests, 429s, \
elapsed time) always ends stderr.

Examples:
  jcgraph review > review.ndjson
  jcgraph review --users ids.txt --out review.ndjson      (Ctrl-C, then:)
  jcgraph review --users ids.txt --out review.ndjson --resume
  jcgraph review --retry-failed review.ndjson --out review.ndjson
  jcgraph review --kind systems --sudo without-password --format csv \\
      > passwordless.csv
  jq -r .id users.json | jcgraph review --users - \\
      | jq -c '{user: .user.id, sudo: [.objects[]
               | select(.effective_sudo != \"disabled\") | .object.id]}'";

const DIFF_HELP: &str = "\
Matches users by id. A user in only one review is compared with nothing (a \
new user gains everything); a user that failed in either is not compared \
(listed on stderr, exit 1). Both reviews must have been made with the same \
--kind and --sudo (their --out headers say; output without a header counts \
as a full review).

Output: table by default; JSON {\"user\", \"object\", \"change\", \"before\", \
\"after\"} per change, where change is gained, lost, sudo_raised, \
sudo_lowered, joined or left and before/after are the effective sudo on \
devices and device groups (null where absent or without sudo); --format \
json prints one array, ndjson one per line, csv the columns user_id, \
user_name, change, object_type, object_id, object_name, before, after.

Examples:
  jcgraph diff last-month.ndjson today.ndjson
  jcgraph diff last-month.ndjson today.ndjson --only sudo   (who gained sudo)
  jcgraph diff old.ndjson new.ndjson --format csv > changes.csv";

/// `--kind`'s value: one traversal, or all of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KindChoice {
    /// Every traversal, and the user's groups.
    All,
    /// One traversal.
    One(TraversalKind),
}

/// A value parser from a list of names (offered to completions and shown
/// in help) and a lenient parse function.
#[derive(Clone)]
pub struct Lenient<T: 'static> {
    names: Vec<&'static str>,
    parse: fn(&str) -> Result<T, String>,
}

impl<T: Clone + Send + Sync + 'static> TypedValueParser for Lenient<T> {
    type Value = T;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<T, clap::Error> {
        let text = utf8(cmd, value)?;
        (self.parse)(text).map_err(|why| invalid(cmd, arg, text, &why))
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(self.names.iter().map(|n| PossibleValue::new(*n))))
    }
}

/// The traversals' names, as `TraversalKind::name` spells them.
const KIND_NAMES: &[&str] = &[
    "systems",
    "system-groups",
    "applications",
    "directories",
    "gsuites",
    "ldap-servers",
    "office365s",
    "radius-servers",
    "active-directories",
];

/// JumpCloud's console says devices where its API says systems: `device`,
/// `devices`, `device-group` and `device-groups` (any spelling) name the
/// API's `systems` and `system-groups`.
fn device_alias(text: &str) -> &str {
    let squashed: String = text
        .chars()
        .filter(|c| !matches!(c, '-' | '_' | ' '))
        .flat_map(char::to_lowercase)
        .collect();
    match squashed.as_str() {
        "device" | "devices" => "systems",
        "devicegroup" | "devicegroups" => "system-groups",
        _ => text,
    }
}

/// A traversal kind in any spelling the client accepts (`systems`,
/// `system-groups`, `systemgroups`, `system_group`, ...), or `devices`.
fn kind_parser() -> Lenient<TraversalKind> {
    Lenient {
        names: KIND_NAMES.to_vec(),
        parse: |text| {
            device_alias(text)
                .parse::<TraversalKind>()
                .map_err(|e| e.to_string())
        },
    }
}

/// A traversal kind, or `all`.
fn kind_choice_parser() -> Lenient<KindChoice> {
    Lenient {
        names: std::iter::once("all")
            .chain(KIND_NAMES.iter().copied())
            .collect(),
        parse: |text| {
            if text.trim().eq_ignore_ascii_case("all") {
                return Ok(KindChoice::All);
            }
            device_alias(text)
                .parse::<TraversalKind>()
                .map(KindChoice::One)
                .map_err(|e| format!("{e}, or all"))
        },
    }
}

const TARGET_NAMES: &[&str] = &[
    "system",
    "system-group",
    "application",
    "active-directory",
    "g-suite",
    "ldap-server",
    "office-365",
    "radius-server",
    "idp-routing-policy",
    "password-manager-item",
];

fn target_parser() -> Lenient<AssociationTarget> {
    Lenient {
        names: TARGET_NAMES.to_vec(),
        parse: parse_target,
    }
}

/// A traversal kind, or `groups`.
fn review_kind_parser() -> Lenient<ReviewKind> {
    Lenient {
        names: KIND_NAMES.iter().copied().chain(["groups"]).collect(),
        parse: |text| {
            if matches!(
                text.trim().to_ascii_lowercase().as_str(),
                "groups" | "user-groups" | "memberof"
            ) {
                return Ok(ReviewKind::Groups);
            }
            device_alias(text)
                .parse::<TraversalKind>()
                .map(ReviewKind::Traversal)
                .map_err(|e| format!("{e}, or groups"))
        },
    }
}

fn sudo_filter_parser() -> Lenient<SudoFilter> {
    Lenient {
        names: vec!["any", "without-password"],
        parse: |text| match text.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "any" => Ok(SudoFilter::Any),
            "without-password" | "passwordless" => Ok(SudoFilter::WithoutPassword),
            _ => Err("expected any or without-password".into()),
        },
    }
}

fn sudo_parser() -> Lenient<Sudo> {
    Lenient {
        names: vec!["disabled", "with-password", "without-password"],
        parse: |text| text.parse::<Sudo>().map_err(|e| e.to_string()),
    }
}

/// An association target, as its wire name (`system_group`) or spelt with
/// dashes, without separators or in the plural (`system-groups`,
/// `office365`); only targets this version of the client can send.
pub fn parse_target(text: &str) -> Result<AssociationTarget, String> {
    let squash = |s: &str| -> String {
        s.chars()
            .filter(|c| !matches!(c, '-' | '_' | ' '))
            .flat_map(char::to_lowercase)
            .collect()
    };
    let wanted = squash(device_alias(text));
    AssociationTarget::KNOWN
        .iter()
        .find(|target| {
            let name = squash(target.as_str());
            wanted == name || wanted.strip_suffix('s') == Some(name.as_str())
        })
        .cloned()
        .ok_or_else(|| format!("expected one of {}", TARGET_NAMES.join(", ")))
}

fn parse_region(text: &str) -> Result<Region, String> {
    text.parse::<Region>().map_err(|e| e.to_string())
}

fn parse_filter(text: &str) -> Result<Filter, String> {
    text.parse::<Filter>().map_err(|e| e.to_string())
}

fn parse_sort(text: &str) -> Result<Sort, String> {
    text.parse::<Sort>().map_err(|e| e.to_string())
}

/// Seconds, possibly fractional, above zero and at most a day.
fn parse_seconds(text: &str) -> Result<Duration, String> {
    let seconds: f64 = text
        .trim()
        .trim_end_matches('s')
        .parse()
        .map_err(|_| format!("{text:?} is not a number of seconds"))?;
    if !(seconds > 0.0 && seconds <= 86_400.0) {
        return Err("expected more than 0 and at most 86400 seconds".into());
    }
    Duration::try_from_secs_f64(seconds).map_err(|e| e.to_string())
}

/// Seconds, possibly fractional, from 0 to a day.
fn parse_wait(text: &str) -> Result<Duration, String> {
    if text.trim().trim_end_matches('s').parse::<f64>() == Ok(0.0) {
        return Ok(Duration::ZERO);
    }
    parse_seconds(text).map_err(|_| "expected from 0 to 86400 seconds".into())
}

fn utf8<'a>(cmd: &clap::Command, value: &'a OsStr) -> Result<&'a str, clap::Error> {
    value
        .to_str()
        .ok_or_else(|| clap::Error::new(clap::error::ErrorKind::InvalidUtf8).with_cmd(cmd))
}

fn invalid(cmd: &clap::Command, arg: Option<&clap::Arg>, value: &str, why: &str) -> clap::Error {
    let arg = arg.map_or_else(|| "a value".to_string(), |a| a.to_string());
    let mut error = clap::Error::raw(
        clap::error::ErrorKind::ValueValidation,
        format!("invalid value {value:?} for {arg}: {why}\n"),
    );
    error = error.with_cmd(cmd);
    error
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
        command().debug_assert();
        with_globals_shown().debug_assert();
    }

    #[test]
    fn the_kind_names_are_the_clients() {
        let mut names: Vec<&str> = TraversalKind::ALL.map(TraversalKind::name).to_vec();
        let mut ours = KIND_NAMES.to_vec();
        names.sort_unstable();
        ours.sort_unstable();
        assert_eq!(names, ours);
    }

    #[test]
    fn targets_parse_in_every_spelling() {
        for (text, target) in [
            ("system", AssociationTarget::System),
            ("systems", AssociationTarget::System),
            ("system-group", AssociationTarget::SystemGroup),
            ("system_groups", AssociationTarget::SystemGroup),
            ("office365", AssociationTarget::Office365),
            ("G-Suite", AssociationTarget::GSuite),
        ] {
            assert_eq!(parse_target(text), Ok(target), "{text}");
        }
        assert!(parse_target("printer").is_err());
        for name in TARGET_NAMES {
            assert!(parse_target(name).is_ok(), "{name}");
        }
    }

    #[test]
    fn timeouts_are_positive_seconds() {
        assert_eq!(parse_seconds("2.5"), Ok(Duration::from_millis(2500)));
        assert_eq!(parse_seconds("30s"), Ok(Duration::from_secs(30)));
        for bad in ["0", "-1", "NaN", "inf", "1e9", "soon"] {
            assert!(parse_seconds(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_wait("0"), Ok(Duration::ZERO));
        assert_eq!(parse_wait("0.5"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_wait("86400"), Ok(Duration::from_secs(86_400)));
        for bad in ["-0.5", "-1", "NaN", "86401", "soon"] {
            assert!(parse_wait(bad).is_err(), "{bad}");
        }
    }
}
