//! Which org `jcgraph` talks to: JumpCloud, with the credential in the
//! environment, or the embedded sandbox (no credential, `--sandbox`, or
//! `--org FILE`), whose writes `--save` keeps in FILE (`save.rs`).

use jumpcloud_graph::{Client, ClientBuilder, Region};
use jumpcloud_graph_sandbox::{Fixture, FixtureError, Org, Sandbox};

use crate::cli::Global;
use crate::directory::Directory;
use crate::error::CliError;
use crate::output::note;
use crate::save::SaveTo;

/// The variables that hold a credential; any of them set means "JumpCloud".
const CREDENTIAL_VARS: [&str; 3] = [
    "JUMPCLOUD_API_KEY",
    "JUMPCLOUD_CLIENT_ID",
    "JUMPCLOUD_CLIENT_SECRET",
];

/// A client, where names come from, and (in sandbox mode) the running
/// sandbox, which lives as long as this.
pub struct Backend {
    /// The client every command uses.
    pub client: Client,
    /// Names to ids and back.
    pub directory: Directory,
    /// What the writes change, for the confirmation prompt.
    pub describe: String,
    sandbox: Option<Sandbox>,
    /// Where `--save` writes the org back.
    save: Option<SaveTo>,
}

impl Backend {
    /// Chooses the org from the options and the environment, and builds the
    /// client.
    pub async fn connect(global: &Global) -> Result<Self, CliError> {
        // Bad settings are bad input in either mode, named as the user set
        // them, before anything runs.
        check_region()?;
        let credential = CREDENTIAL_VARS.iter().any(|name| is_set(name));
        if global.sandbox || global.org.is_some() || !credential {
            return Self::sandbox(global, credential).await;
        }
        if let Some(url) = var("JUMPCLOUD_TOKEN_URL") {
            check_plain_http(&url, "JUMPCLOUD_TOKEN_URL")?;
        }
        let mut builder = ClientBuilder::from_env().map_err(invalid_setting)?;
        if let Some(region) = global.region {
            builder = builder.region(region);
        }
        let source = base_url_source(global);
        if let Some(url) = global
            .base_url
            .clone()
            .or_else(|| var("JUMPCLOUD_BASE_URL"))
        {
            check_plain_http(&url, source)?;
        }
        if let Some(url) = &global.base_url {
            builder = builder.base_url(url);
        }
        if let Some(org) = &global.org_id {
            builder = builder.org_id(org);
        }
        let client = configure(builder, global)
            .build()
            .map_err(invalid_setting)?;
        tracing::info!(base_url = client.base_url(), "jcgraph against JumpCloud");
        tracing::info!("{}", credential_used());
        crate::error::set_api_location(format!("{} ({source})", client.base_url()));
        Ok(Self {
            describe: format!("your JumpCloud org ({})", client.base_url()),
            client,
            directory: Directory::Api(None),
            sandbox: None,
            save: None,
        })
    }

    /// With `--save`: writes the sandbox's orgs back to the file they came
    /// from when a command changed them (and says so on stderr).
    pub fn save(&self) -> Result<(), CliError> {
        let (Some(sandbox), Some(save)) = (&self.sandbox, &self.save) else {
            return Ok(());
        };
        let started = sandbox.fixture();
        let changed = started
            .orgs()
            .iter()
            .any(|org| sandbox.edges(org.id()) != org.edges());
        if !changed {
            return Ok(());
        }
        save.write(&sandbox.live_fixture())?;
        note(&format!(
            "jcgraph: saved the changed org to {}",
            save.shown()
        ));
        Ok(())
    }

    async fn sandbox(global: &Global, credential: bool) -> Result<Self, CliError> {
        // Checked before anything runs: a write must not be lost for want
        // of a file to keep it in.
        let save = match (&global.org, global.save) {
            (Some(path), true) => Some(SaveTo::check(path)?),
            _ => None,
        };
        let fixture = match &global.org {
            Some(path) => Fixture::from_path(path).map_err(fixture_error)?,
            None => Fixture::demo(),
        };
        let org = match &global.org_id {
            Some(wanted) => fixture.org(wanted).ok_or_else(|| {
                let known: Vec<&str> = fixture.orgs().iter().map(Org::handle).collect();
                CliError::Usage(format!(
                    "the sandbox has no org {wanted:?} (its orgs: {})",
                    known.join(", ")
                ))
            })?,
            None => fixture.first_org(),
        }
        .clone();
        let sandbox = Sandbox::builder()
            .fixture(fixture)
            .start()
            .await
            .map_err(|e| CliError::Failed(format!("cannot start the sandbox: {e}")))?;
        // The credential that reaches the org, as the sandbox's rule picks
        // it (`Sandbox::client` would take the first org's key).
        let builder = sandbox
            .client_builder_for(org.id())
            .map_err(|e| CliError::Failed(e.to_string()))?;
        let client = configure(builder, global).build()?;
        tracing::info!(
            base_url = client.base_url(),
            org = org.handle(),
            "jcgraph against the sandbox"
        );
        let source = match &global.org {
            Some(path) => format!("the org {:?} from {}", org.name(), path.display()),
            None => format!("the embedded demo org ({})", org.name()),
        };
        // Forced with a credential set, or chosen for want of one.
        let why = match (credential, global.sandbox || global.org.is_some()) {
            (false, false) => " (no JumpCloud credential in the environment; see --help)",
            (true, _) => " (the credential in the environment is not used)",
            (false, true) => "",
        };
        let (lasts, kept) = match &save {
            Some(save) => (
                format!("saved back to {} after a change", save.shown()),
                format!("saved to {}", save.shown()),
            ),
            None => (
                "in this process only".to_string(),
                "gone when jcgraph exits".to_string(),
            ),
        };
        note(&format!("jcgraph: sandbox mode: {source}, {lasts}{why}"));
        Ok(Self {
            describe: format!("the sandbox's copy of {source} ({kept})"),
            client,
            directory: Directory::Sandbox(Box::new(org)),
            sandbox: Some(sandbox),
            save,
        })
    }
}

/// Why `--org FILE` could not be loaded: a file that cannot be read is an
/// error (1); one that is no fixture (too large, invalid) is bad input (2).
fn fixture_error(error: FixtureError) -> CliError {
    let message = crate::error::with_causes(&error);
    match error {
        FixtureError::Io { .. } => CliError::Failed(message),
        _ => CliError::Usage(message),
    }
}

/// The settings both modes share.
fn configure(mut builder: ClientBuilder, global: &Global) -> ClientBuilder {
    builder = builder.user_agent(concat!("jcgraph/", env!("CARGO_PKG_VERSION")));
    if let Some(timeout) = global.timeout {
        builder = builder.timeout(timeout);
    }
    if let Some(n) = global.max_in_flight {
        builder = builder.max_in_flight(n as usize);
    }
    if let Some(n) = global.rate_limit {
        builder = builder.rate_limit(n);
    }
    builder
}

/// A variable of the environment, when set and not blank (as the client
/// reads it).
fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn is_set(name: &str) -> bool {
    var(name).is_some()
}

/// `JUMPCLOUD_REGION`, when set, is `us`, `eu` or `in`, in sandbox mode too
/// (where it is otherwise unused): a typo is reported, not ignored.
fn check_region() -> Result<(), CliError> {
    match var("JUMPCLOUD_REGION") {
        Some(region) if region.parse::<Region>().is_err() => Err(CliError::Usage(format!(
            "JUMPCLOUD_REGION is {:?}: expected us, eu or in",
            region.chars().take(32).collect::<String>()
        ))),
        _ => Ok(()),
    }
}

/// A setting the client rejected before any request: bad input (exit 2).
fn invalid_setting(error: jumpcloud_graph::Error) -> CliError {
    if error.is_invalid_input() {
        CliError::Usage(crate::error::with_causes(&error))
    } else {
        CliError::from(error)
    }
}

/// Where the API's address comes from, for messages.
fn base_url_source(global: &Global) -> &'static str {
    if global.base_url.is_some() {
        "--base-url"
    } else if is_set("JUMPCLOUD_BASE_URL") {
        "JUMPCLOUD_BASE_URL"
    } else if global.region.is_some() {
        "--region"
    } else if is_set("JUMPCLOUD_REGION") {
        "JUMPCLOUD_REGION"
    } else {
        "the default region, us; see --region"
    }
}

/// Plain http to a host other than this machine would carry the credential
/// unencrypted: the client refuses it, and so does jcgraph, naming the flag
/// or variable (the client's own advice names a Rust method).
fn check_plain_http(url: &str, source: &str) -> Result<(), CliError> {
    let trimmed = url.trim();
    let Some(rest) = trimmed
        .get(..7)
        .filter(|scheme| scheme.eq_ignore_ascii_case("http://"))
        .map(|_| &trimmed[7..])
    else {
        return Ok(());
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = authority.rsplit('@').next().unwrap_or_default();
    let host = match host_port.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => host_port.split(':').next().unwrap_or_default(),
    };
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    if loopback {
        return Ok(());
    }
    Err(CliError::Usage(format!(
        "{source} is {:?}: plain http would send the credential unencrypted; use https \
         (http is accepted for localhost and loopback addresses only)",
        trimmed.chars().take(200).collect::<String>()
    )))
}

/// Which credential a run against JumpCloud uses, for `-v`: the service
/// account when its variables are set, even with `JUMPCLOUD_API_KEY` set
/// too (the client's rule, `ClientBuilder::from_env`).
fn credential_used() -> &'static str {
    match (is_set("JUMPCLOUD_CLIENT_ID"), is_set("JUMPCLOUD_API_KEY")) {
        (true, true) => {
            "credential: the service account (JUMPCLOUD_CLIENT_ID); JUMPCLOUD_API_KEY is set \
             too and not used"
        }
        (true, false) => "credential: the service account (JUMPCLOUD_CLIENT_ID)",
        (false, _) => "credential: the API key (JUMPCLOUD_API_KEY)",
    }
}
