//! The command line: commands, options, help texts with examples.

use std::ffi::OsStr;
use std::path::PathBuf;
use std::time::Duration;

use clap::builder::{PossibleValue, TypedValueParser};
use clap::{ArgAction, Args, Parser, Subcommand};
use jumpcloud_graph::{AssociationTarget, Filter, Region, Sort, Sudo, TraversalKind};

use crate::output::FormatArg;

const ABOUT: &str = "Access reviews and complete revokes over JumpCloud's user graph";

const LONG_ABOUT: &str = "\
Access reviews and complete revokes over JumpCloud's user graph: what a user \
can reach (devices, device groups, applications, directories, RADIUS \
servers), how (directly, or through which groups), with what sudo, and what \
it takes to take access away completely.

With no credential in the environment, jcgraph runs against an embedded \
sandbox: an in-memory demo org, Acme Robotics (users ada, grace, linus, \
katherine, ken; devices web-01, db-01, ada-macbook, ...), served on loopback \
inside the process, so every command can be tried without an account. It \
says so in one line on stderr. There, users and objects may be named by \
their fixture names (ada, web-01, ops) or display names, as well as by id, \
and tables show names next to ids. Writes change the embedded org for the \
life of the process only; with --org FILE --save they are written back to \
FILE, so that the next run sees them.

Against JumpCloud (JUMPCLOUD_API_KEY, or JUMPCLOUD_CLIENT_ID and \
JUMPCLOUD_CLIENT_SECRET), a user is given by id (24 hex digits), email or \
username, and an object by id or unique name (jcgraph why ada@acme.example \
systems web-01). The user graph returns ids and types only: names in tables \
and JSON are looked up in JumpCloud's directory (one request per kind of \
object per 100 ids; a failed lookup leaves ids and a note). --no-names skips \
those lookups.";

const AFTER_HELP: &str = "\
Examples:
  jcgraph access ada                     everything Ada reaches, how, and with what sudo
  jcgraph why ada systems web-01         every path to web-01 and the one that decides sudo
  jcgraph revoke ada systems web-01      the plan to take web-01 away from Ada completely
  jcgraph review > review.ndjson         the whole org, one JSON line per user
  jcgraph diff old.ndjson new.ndjson     who gained or lost access or sudo between two reviews
  jcgraph access 5f1b0c2e9c1a4b0012345678 --format json   (with JUMPCLOUD_API_KEY set)

Run `jcgraph help <command>` for each command's options and examples, and \
`jcgraph --help` for configuration and exit codes.";

const AFTER_LONG_HELP: &str = "\
Examples:
  jcgraph access ada                     everything Ada reaches, how, and with what sudo
  jcgraph why ada systems web-01         every path to web-01 and the one that decides sudo
  jcgraph revoke ada systems web-01      the plan to take web-01 away from Ada completely
  jcgraph review > review.ndjson         the whole org, one JSON line per user
  jcgraph diff old.ndjson new.ndjson     who gained or lost access or sudo between two reviews
  jcgraph access 5f1b0c2e9c1a4b0012345678 --format json   (with JUMPCLOUD_API_KEY set)

Configuration (the environment, read as the jumpcloud-graph client reads it):
  JUMPCLOUD_API_KEY           an administrator's API key, or
  JUMPCLOUD_CLIENT_ID         a service account's id and secret (preferred when
  JUMPCLOUD_CLIENT_SECRET       both a key and an account are set)
  JUMPCLOUD_REGION            us (default), eu or in; --region overrides it
  JUMPCLOUD_ORG_ID            the organization, for multi-tenant administrators; --org-id
  JUMPCLOUD_BASE_URL          another API host (a proxy); --base-url
  JUMPCLOUD_TOKEN_URL         a service account's token endpoint, with a custom host
Credentials are read from the environment only (flags would show in `ps`) and \
never printed, not even with -v.

Output: tables by default; --format json prints the jumpcloud-graph client's \
serde shapes (explanations, revoke plans, access reports), documented in the \
README; --format ndjson prints one JSON value per line; --format csv (access, groups, \
review, diff) prints RFC 4180 rows under a header, one per user-object grant or change.

Exit codes:
  0  done; revoke --apply: the user no longer reaches the object
  1  an error (the API, the network, a file), one line on stderr; review: some users
     failed; diff: some users could not be compared; revoke --apply: a step failed (what
     was done so far is on stdout)
  2  a usage error: bad arguments, an unknown name, an --org fixture that is invalid or
     over 16 MiB, --save without --org, a --users list over 32 MiB, or a confirmation that
     cannot be asked because stdin is not a terminal (pass --yes)
  3  revoke --apply: the user still reaches the object (steps are left to an administrator)
  4  revoke --apply: the confirmation was declined; nothing was changed
  5  why: the user does not reach the object
  6  revoke --apply: JumpCloud accepted every removal, but until --verify-timeout the user
     graph still showed at least one of them (association changes can take a while; run the
     command again later: it is safe to repeat)
  130  review: interrupted (Ctrl-C or SIGTERM); every line written is kept, and --out FILE
     --resume continues it";

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

/// Options every command takes.
#[derive(Debug, Args)]
pub struct Global {
    /// Output format [default: table; review: ndjson]; csv for access,
    /// groups, review and diff
    #[arg(long, global = true, value_enum, value_name = "FORMAT")]
    pub format: Option<FormatArg>,

    /// Use the embedded sandbox even when a credential is set
    #[arg(long, global = true)]
    pub sandbox: bool,

    /// Serve this YAML fixture in the sandbox instead of the demo org (the
    /// format of the sandbox crate's fixtures/demo-org.yaml; at most 16 MiB,
    /// and its aliases may expand it to at most 32 MiB); implies --sandbox
    #[arg(long, global = true, value_name = "FILE")]
    pub org: Option<PathBuf>,

    /// With --org FILE: after a command that changes the org (associate,
    /// dissociate, update, revoke --apply), write it back to FILE
    /// (atomically, in the fixture format, without FILE's comments), so
    /// that the next run sees the change
    #[arg(long, global = true, requires = "org")]
    pub save: bool,

    /// The organization id sent as x-org-id (multi-tenant administrators;
    /// overrides JUMPCLOUD_ORG_ID). In the sandbox: which fixture org to
    /// serve, by name or id (default: the first)
    #[arg(long, global = true, value_name = "ORG")]
    pub org_id: Option<String>,

    /// The region whose API to call: us, eu or in (overrides JUMPCLOUD_REGION)
    #[arg(long, global = true, value_name = "REGION", value_parser = parse_region)]
    pub region: Option<Region>,

    /// Another API base URL (a proxy).
    #[arg(
        long,
        global = true,
        value_name = "URL",
        help = "Another API base URL, e.g. https://proxy.example/api/v2 (overrides \
                JUMPCLOUD_BASE_URL)"
    )]
    pub base_url: Option<String>,

    /// Time one request attempt may take, in seconds [default: 30]
    #[arg(long, global = true, value_name = "SECONDS", value_parser = parse_seconds)]
    pub timeout: Option<Duration>,

    /// At most this many requests in flight at once [default: unlimited]
    #[arg(long, global = true, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_in_flight: Option<u32>,

    /// At most this many requests per second [default: unlimited]
    #[arg(long, global = true, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub rate_limit: Option<u32>,

    /// Skip the name lookups: tables and JSON show ids only (users and
    /// objects given by name are still looked up)
    #[arg(long, global = true)]
    pub no_names: bool,

    /// Log requests and retries to stderr (-vv debug, -vvv trace); the
    /// credential is never shown
    #[arg(short, long, global = true, action = ArgAction::Count)]
    pub verbose: u8,
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
  jcgraph access ada --format ndjson | jq -r 'select(.effective_sudo != \"disabled\") | .object.id'
  jcgraph access 5f1b0c2e9c1a4b0012345678 --kind applications   (against JumpCloud)")]
    Access(AccessArgs),

    /// Every path that grants a user one object, each path's sudo, the
    /// effective sudo and the path that decides it
    #[command(after_help = "\
KIND is a traversal: systems, system-groups, applications, directories, \
gsuites, ldap-servers, office365s, radius-servers, active-directories. \
Exits 5 when the user does not reach the object.

JSON: the explanation ({\"user\", \"object\", \"paths\", \"effective_sudo\", \
\"deciding_path\", \"compiled_attributes\", \"compiled_sudo\", \
\"agrees_with_server\", \"warnings\"}), or null when not reached.

Examples:
  jcgraph why ada systems web-01
  jcgraph why grace system-groups production-servers --format json
  jcgraph why 5f1b0c2e9c1a4b0012345678 systems 60aa11bb22cc33dd44ee55ff   (against JumpCloud)")]
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
  jcgraph --org acme.yaml --save revoke ada systems web-01 --apply --yes   (the next run sees it)")]
    Revoke(RevokeArgs),

    /// The user groups a user belongs to
    #[command(after_help = "\
JSON: an array of bound objects ({\"id\", \"type\", \"compiled_attributes\", \
\"sudo\", \"paths\"}); ndjson: one per line.

Examples:
  jcgraph groups ada
  jcgraph groups ada --filter name:search:eng --sort -name
  jcgraph groups 5f1b0c2e9c1a4b0012345678 --filter type:eq:user_group   (against JumpCloud)")]
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
  jcgraph associate 5f1b0c2e9c1a4b0012345678 system 60aa11bb22cc33dd44ee55ff   (against JumpCloud)")]
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

    /// Review many users at once: everything each reaches, as one JSON line
    /// per user; resumable, rate-aware
    #[command(after_help = REVIEW_HELP)]
    Review(ReviewArgs),

    /// Compare two review outputs: per user, objects gained and lost, sudo
    /// raised or lowered, groups joined and left
    #[command(after_help = DIFF_HELP)]
    Diff(DiffArgs),

    /// Print a shell completion script
    #[command(after_help = "\
Examples:
  jcgraph completions bash > ~/.local/share/bash-completion/completions/jcgraph
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

    /// Only objects of this kind
    #[arg(long, value_name = "KIND", default_value = "all", value_parser = kind_choice_parser())]
    pub kind: KindChoice,
}

/// `why` (and the object `revoke` takes).
#[derive(Debug, Args)]
pub struct ObjectArgs {
    /// The user: an id, or in the sandbox a name (ada)
    #[arg(value_name = "USER")]
    pub user: String,

    /// The traversal that lists the object (systems, system-groups, ...)
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
  jcgraph review --kind systems --sudo without-password --format csv > passwordless.csv
  jq -r .id users.json | jcgraph review --users - | jq -c '{user: .user.id, sudo: [.objects[] | select(.effective_sudo != \"disabled\") | .object.id]}'";

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
  jcgraph diff last-month.ndjson today.ndjson --only sudo     (who gained sudo)
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

/// A traversal kind in any spelling the client accepts (`systems`,
/// `system-groups`, `systemgroups`, `system_group`, ...).
fn kind_parser() -> Lenient<TraversalKind> {
    Lenient {
        names: KIND_NAMES.to_vec(),
        parse: |text| text.parse::<TraversalKind>().map_err(|e| e.to_string()),
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
            text.parse::<TraversalKind>()
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
            text.parse::<TraversalKind>()
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
    let wanted = squash(text);
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
