//! The sandbox as a standalone server, for any HTTP client: serves a fixture
//! (the demo org by default) until Ctrl-C, printing the URL and keys to use.

use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use jumpcloud_graph_sandbox::{
    FaultPlan, FaultRule, Fixture, GeneratorConfig, KeyScope, Kind, Sandbox,
};

const AFTER_HELP: &str = "\
FAULTS
  --fault takes <fault>[,<option>]... and may be repeated; the first rule that
  fires on a request decides its fault.

  <fault>   a status code (408, 429, 500, 502, 503, 504, ...) with a JSON error
            body; reset (TCP RST, no answer); close (FIN, no answer);
            html[:<status>] (a text/html gateway page, default 502); empty (200,
            empty body); text (200, text/plain, not JSON); stall (200, headers,
            then a body that never ends); truncate (the real body cut in half);
            short-page (the real list minus its last item, same x-total-count);
            lost[:<status>] (the request is applied, then the connection is reset
            or <status> is answered instead)
  trigger   every=<n> | first=<n> | at=<n>|<n>|... | p=<probability>
            (default: every matching request; n counts the requests the rule
            matches, from 1; p is seeded by --seed)
  filters   method=<METHOD>, path=<substring>
  429/503   retry-after=<seconds>, retry-after-date=<seconds from now>

  Examples: --fault '429,every=3,retry-after=2'   --fault '503,p=0.1,path=/systems'
            --fault 'lost,first=1,method=POST'    --fault 'stall,at=4'

RUNTIME CONTROL
  GET  /__sandbox/stats, /__sandbox/requests, /__sandbox/outbox,
       /__sandbox/edges?org=<handle>
  PUT  /__sandbox/faults   (body: one --fault spec per line, optional seed=<n>)
  DELETE /__sandbox/faults
  PUT  /__sandbox/latency  (body: milliseconds)
  POST /__sandbox/stats/reset";

/// Serve an in-memory JumpCloud org over JumpCloud's v2 user-graph API.
#[derive(Parser, Debug)]
#[command(name = "jumpcloud-graph-sandbox", version, after_help = AFTER_HELP)]
struct Args {
    /// Port to listen on; 0 lets the OS choose (the URL is printed).
    #[arg(long, default_value_t = 0)]
    port: u16,

    /// Address to listen on. The sandbox has no real security: keep it on
    /// loopback.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    host: IpAddr,

    /// A YAML fixture to serve instead of the demo org (see --print-demo for
    /// the format).
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
    #[arg(long, default_value_t = 0)]
    seed: u64,

    /// Delay before every API request is answered, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    latency_ms: u64,

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
        print!("{}", Fixture::demo_yaml());
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
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
    };
    let plan = args
        .faults
        .iter()
        .cloned()
        .fold(FaultPlan::new().seed(args.seed), FaultPlan::rule);
    let started = Sandbox::builder()
        .fixture(fixture)
        .ip(args.host)
        .port(args.port)
        .latency(Duration::from_millis(args.latency_ms))
        .faults(plan.clone())
        .start()
        .await;
    let sandbox = match started {
        Ok(sandbox) => sandbox,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    print_banner(&sandbox, &plan, args.latency_ms);

    stop_signal().await;
    println!("Stopping.");
    sandbox.shutdown().await;
    ExitCode::SUCCESS
}

/// Resolves on Ctrl-C, or on SIGTERM (how process managers and `docker stop`
/// ask a server to stop).
async fn stop_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            eprintln!("error: cannot wait for Ctrl-C: {error}");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut stream) => {
                stream.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}

fn load_fixture(args: &Args) -> Result<Fixture, String> {
    if let Some(path) = &args.org {
        return Fixture::from_path(path).map_err(|e| e.to_string());
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

fn print_banner(sandbox: &Sandbox, plan: &FaultPlan, latency_ms: u64) {
    let fixture = sandbox.fixture();
    // The first line is machine-readable: scripts wait for it.
    println!(
        "JumpCloud graph sandbox listening on {}",
        sandbox.base_url()
    );
    println!();
    for org in fixture.orgs() {
        let users = org.objects_of(Kind::User).count();
        let systems = org.objects_of(Kind::System).count();
        println!(
            "  org {:?} ({}): {users} users, {systems} systems",
            org.name(),
            org.id()
        );
    }
    println!();
    for key in fixture.keys() {
        let reach = match key.scope() {
            KeyScope::SingleTenant(org) => format!("single-tenant, org {org}"),
            KeyScope::MultiTenant(orgs) => {
                format!("multi-tenant: send x-org-id, one of {}", orgs.join(", "))
            }
        };
        println!("  x-api-key: {:<28} {} ({reach})", key.key(), key.name());
    }
    if latency_ms > 0 {
        println!("\n  latency: {latency_ms} ms per request");
    }
    for rule in plan.rules() {
        println!("  fault: {rule}");
    }
    if let Some(user) = fixture.first_org().objects_of(Kind::User).next() {
        println!("\nTry:");
        println!(
            "  curl -s -H 'x-api-key: {}' '{}/users/{}/systems?limit=100'",
            sandbox.api_key(),
            sandbox.base_url(),
            user.id()
        );
    }
    println!(
        "\nStats: {}/__sandbox/stats    Stop: Ctrl-C",
        sandbox.root_url()
    );
}
