//! The sandbox as a standalone server, for any HTTP client: serves a fixture
//! (the demo org by default) until Ctrl-C, printing the URL and keys to use.

use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use jumpcloud_graph_sandbox::{
    DEFAULT_SEED, FaultPlan, FaultRule, Fixture, FixtureError, GeneratorConfig, KeyScope, Kind,
    Sandbox, SandboxBuilder,
};

/// Prints a line on stdout, ignoring a reader that went away: a script that
/// reads the first line and closes the pipe (`| head -1`) must not stop
/// the server (`println!` would panic on the closed pipe).
macro_rules! say {
    () => { say!("") };
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// `--help`'s text after the options: the fault syntax (from the fault
/// table itself) and the admin endpoints.
fn after_help() -> String {
    format!(
        "FAULTS
  --fault takes a rule and may be repeated; the first rule that fires on a
  request decides its fault. A rule is

{}
  Examples: --fault '429,every=3,retry-after=2'   --fault '503,p=0.1,path=/systems'
            --fault 'lost,first=1,method=POST'    --fault '503,first=2,path=/oauth2/token'

RUNTIME CONTROL
  GET  /__sandbox/stats, /__sandbox/requests, /__sandbox/outbox,
       /__sandbox/edges?org=<handle>
  PUT  /__sandbox/faults          (body: one --fault spec per line, optional seed=<n>)
  DELETE /__sandbox/faults
  PUT  /__sandbox/latency         (body: milliseconds, at most 60000)
  PUT  /__sandbox/association-lag (body: milliseconds, at most 86400000)
  PUT  /__sandbox/token-lifetime  (body: seconds)
  POST /__sandbox/tokens/expire, /__sandbox/tokens/revoke
  POST /__sandbox/stats/reset",
        indent(&FaultRule::syntax_help())
    )
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|line| {
            if line.is_empty() {
                "\n".to_owned()
            } else {
                format!("    {line}\n")
            }
        })
        .collect()
}

/// Serve an in-memory JumpCloud org over JumpCloud's v2 user-graph API.
#[derive(Parser, Debug)]
#[command(name = "jumpcloud-graph-sandbox", version, after_help = after_help())]
struct Args {
    /// Port to listen on; 0 lets the OS choose (the URL is printed).
    #[arg(long, default_value_t = 0)]
    port: u16,

    /// Address to listen on. The sandbox has no real security: keep it on
    /// loopback.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    host: IpAddr,

    /// A YAML fixture to serve instead of the demo org (see --print-demo for
    /// the format): at most 16 MiB, whose aliases expand to at most 32 MiB;
    /// a larger or invalid one exits with 2.
    #[arg(long, value_name = "FILE")]
    org: Option<PathBuf>,

    /// Serve a generated org with this many users (other generator settings
    /// keep their defaults).
    #[arg(long, value_name = "N", conflicts_with = "org")]
    generate_users: Option<usize>,

    /// Serve a generated org with this many systems.
    #[arg(long, value_name = "N", conflicts_with = "org")]
    generate_systems: Option<usize>,

    /// In a generated org, bind one user ("fan-out") directly to this many
    /// systems.
    #[arg(long, value_name = "N", conflicts_with = "org")]
    fan_out: Option<usize>,

    /// Seed of the generator and of probabilistic faults.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    seed: u64,

    /// Delay before every API request is answered, in milliseconds (at most
    /// 60000).
    #[arg(long, value_name = "MS", default_value_t = 0)]
    latency_ms: u64,

    /// How long an association change takes to show in traversals, in
    /// milliseconds (at most 86400000, a day): writes are answered at once,
    /// and the association list sees them at once, but the traversals show
    /// each write this much later, in order, as JumpCloud
    /// processes association changes asynchronously.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    association_lag_ms: u64,

    /// How long service-account tokens live, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = SandboxBuilder::DEFAULT_TOKEN_LIFETIME.as_secs())]
    token_lifetime_secs: u64,

    /// How many connections may be open at once. When all are taken, a new
    /// connection takes the slot of the one that has waited longest for a
    /// request (idle, or still sending one), which is closed unanswered: a
    /// flood of half-sent requests cannot stall others. New connections
    /// wait only while every connection is answering a request.
    #[arg(long, value_name = "N", default_value_t = SandboxBuilder::DEFAULT_MAX_CONNECTIONS)]
    max_connections: usize,

    /// How long a client has to send a request's head, in seconds (also how
    /// long an idle keep-alive connection stays open).
    #[arg(long, value_name = "SECONDS", default_value_t = SandboxBuilder::DEFAULT_HEADER_READ_TIMEOUT.as_secs())]
    header_read_timeout_secs: u64,

    /// At most N API requests a minute per key (or service account);
    /// more are answered 429 with Retry-After in seconds. A token bucket:
    /// N/60 tokens a second, at most a second's worth held. Default: no limit.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    rate_limit_per_key: Option<u32>,

    /// A fault rule (repeatable), e.g. '429,every=3,retry-after=2'; see below.
    #[arg(long = "fault", value_name = "SPEC")]
    faults: Vec<FaultRule>,

    /// Log every request to stderr.
    #[arg(long, short)]
    verbose: bool,

    /// Print the demo fixture's YAML (a template for --org) and exit.
    #[arg(long)]
    print_demo: bool,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    if args.print_demo {
        use std::io::Write as _;
        let _ = std::io::stdout().write_all(Fixture::demo_yaml().as_bytes());
        return ExitCode::SUCCESS;
    }
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(if args.verbose {
            tracing::Level::DEBUG
        } else {
            tracing::Level::WARN
        })
        .init();

    let fixture = match load_fixture(&args) {
        Ok(fixture) => fixture,
        Err(error) => {
            eprintln!("error: {error}");
            // A file that cannot be read is 1; one that is not a fixture
            // (too large, invalid) is bad input, 2, like a bad option.
            return match error {
                FixtureError::Io { .. } => ExitCode::FAILURE,
                _ => ExitCode::from(2),
            };
        }
    };
    let plan = args
        .faults
        .iter()
        .cloned()
        .fold(FaultPlan::new().seed(args.seed), FaultPlan::rule);
    let mut builder = Sandbox::builder();
    if let Some(per_minute) = args.rate_limit_per_key {
        builder = builder.rate_limit_per_key(per_minute);
    }
    let started = builder
        .fixture(fixture)
        .ip(args.host)
        .port(args.port)
        .latency(Duration::from_millis(args.latency_ms))
        .association_lag(Duration::from_millis(args.association_lag_ms))
        .faults(plan.clone())
        .token_lifetime(Duration::from_secs(args.token_lifetime_secs))
        .max_connections(args.max_connections)
        .header_read_timeout(Some(Duration::from_secs(args.header_read_timeout_secs)))
        .start()
        .await;
    let sandbox = match started {
        Ok(sandbox) => sandbox,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    let stop = stop_signal();
    print_banner(&sandbox, &plan, &args);

    stop.await;
    say!("Stopping.");
    sandbox.shutdown().await;
    ExitCode::SUCCESS
}

/// Resolves on Ctrl-C, or on SIGTERM (how process managers and `docker stop`
/// ask a server to stop). The handlers are installed when this is called,
/// not when the future is first polled: a signal that arrives while the
/// banner is printed still stops the server cleanly.
fn stop_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let streams = {
        use tokio::signal::unix::{SignalKind, signal};
        [SignalKind::interrupt(), SignalKind::terminate()].map(|kind| {
            signal(kind)
                .map_err(|error| eprintln!("error: cannot wait for a stop signal: {error}"))
                .ok()
        })
    };
    async move {
        #[cfg(unix)]
        {
            let [interrupt, terminate] = streams;
            let wait = |stream: Option<tokio::signal::unix::Signal>| async move {
                match stream {
                    Some(mut stream) => {
                        stream.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                () = wait(interrupt) => {}
                () = wait(terminate) => {}
            }
        }
        #[cfg(not(unix))]
        if let Err(error) = tokio::signal::ctrl_c().await {
            eprintln!("error: cannot wait for Ctrl-C: {error}");
            std::future::pending::<()>().await;
        }
    }
}

fn load_fixture(args: &Args) -> Result<Fixture, FixtureError> {
    if let Some(path) = &args.org {
        return Fixture::from_path(path);
    }
    if args.generate_users.is_some() || args.generate_systems.is_some() || args.fan_out.is_some() {
        let defaults = GeneratorConfig::default();
        let systems = args.generate_systems.unwrap_or(defaults.systems);
        return Ok(Fixture::generated(GeneratorConfig {
            seed: args.seed,
            users: args.generate_users.unwrap_or(defaults.users),
            systems,
            fan_out_user_systems: args
                .fan_out
                .unwrap_or(systems.min(defaults.fan_out_user_systems)),
            ..defaults
        }));
    }
    Ok(Fixture::demo())
}

/// `curl` lines to start from: a traversal, the names of its ids in one
/// lookup, and a service account's token.
fn print_examples(sandbox: &Sandbox) {
    let fixture = sandbox.fixture();
    let Some(user) = fixture.first_org().objects_of(Kind::User).next() else {
        return;
    };
    say!("\nTry:");
    say!(
        "  curl -s -H 'x-api-key: {}' '{}/users/{}/systems?limit=100'",
        sandbox.api_key(),
        sandbox.base_url(),
        user.id()
    );
    say!(
        "  curl -s -H 'x-api-key: {}' -H 'content-type: application/json' \\\n      \
         -d '{{\"filter\": {{\"or\": [{{\"_id\": \"{}\"}}]}}, \"fields\": \"username email\"}}' \\\n      \
         '{}/search/systemusers?limit=100'",
        sandbox.api_key(),
        user.id(),
        sandbox.v1_base_url()
    );
    if let Some(account) = sandbox.service_account() {
        say!(
            "  curl -s -u '{}:{}' -d grant_type=client_credentials -d scope=api '{}'",
            account.client_id(),
            account.client_secret(),
            sandbox.token_url()
        );
    }
}

fn print_banner(sandbox: &Sandbox, plan: &FaultPlan, args: &Args) {
    let fixture = sandbox.fixture();
    // The first line is machine-readable: scripts wait for it.
    say!(
        "JumpCloud graph sandbox listening on {}",
        sandbox.base_url()
    );
    say!(
        "  (the v1 lookups, users, systems, applications and RADIUS servers by id or name, on {})",
        sandbox.v1_base_url()
    );
    say!();
    for org in fixture.orgs() {
        let users = org.objects_of(Kind::User).count();
        let systems = org.objects_of(Kind::System).count();
        say!(
            "  org {:?} ({}): {users} users, {systems} systems",
            org.name(),
            org.id()
        );
    }
    say!();
    for key in fixture.keys() {
        let reach = match key.scope() {
            KeyScope::SingleTenant(org) => format!("single-tenant, org {org}"),
            KeyScope::MultiTenant(orgs) => {
                format!("multi-tenant: send x-org-id, one of {}", orgs.join(", "))
            }
            _ => "other".to_owned(),
        };
        say!("  x-api-key: {:<28} {} ({reach})", key.key(), key.name());
    }
    if !fixture.service_accounts().is_empty() {
        say!("\n  service accounts (token URL {}):", sandbox.token_url());
    }
    for account in fixture.service_accounts() {
        let reach = if account.scope().is_multi_tenant() {
            "multi-tenant: send x-org-id"
        } else {
            "single-tenant"
        };
        say!(
            "    client id {}  secret {}  {} ({reach})",
            account.client_id(),
            account.client_secret(),
            account.name()
        );
    }
    let (latency_ms, lag_ms) = (args.latency_ms, args.association_lag_ms);
    if latency_ms > 0 || lag_ms > 0 || !plan.is_empty() || args.rate_limit_per_key.is_some() {
        say!();
    }
    if latency_ms > 0 {
        say!("  latency: {latency_ms} ms per request");
    }
    if lag_ms > 0 {
        say!("  association lag: traversals show a write {lag_ms} ms after it");
    }
    if let Some(per_minute) = args.rate_limit_per_key {
        say!("  rate limit: {per_minute} requests a minute per key");
    }
    for rule in plan.rules() {
        say!("  fault: {rule}");
    }
    print_examples(sandbox);
    say!(
        "\nStats: {}/__sandbox/stats    Stop: Ctrl-C",
        sandbox.root_url()
    );
}
