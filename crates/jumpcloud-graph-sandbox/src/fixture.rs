//! Fixtures: the orgs, API keys and service accounts a sandbox starts with,
//! loaded from readable YAML (the embedded demo org, or a file) or built by
//! the generator.
//!
//! A fixture names every object by a *handle* (`ada`, `web-01`) and refers to
//! objects by handle in memberships and bindings; the loader resolves handles
//! to the fixed ObjectIDs and rejects anything JumpCloud's graph would not
//! hold. See `fixtures/demo-org.yaml` for the format, commented.

use std::collections::{BTreeMap, HashSet};
use std::ops::Index;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::credentials::{AdminApiKey, KeyScope, OAuthClient};
use crate::generate::GeneratorConfig;
use crate::model::{Attributes, EdgeError, EdgeRole, Kind, Object, Org};
use crate::yaml_limits;

/// The demo org's YAML, embedded so that `Fixture::demo()` needs no files.
const DEMO_YAML: &str = include_str!("../fixtures/demo-org.yaml");

/// The orgs, API keys and service accounts a sandbox serves.
#[derive(Clone, Debug)]
pub struct Fixture {
    orgs: Vec<Org>,
    keys: Vec<AdminApiKey>,
    service_accounts: Vec<OAuthClient>,
}

/// Why a fixture could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FixtureError {
    /// The file could not be read.
    #[error("cannot read fixture {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        source: std::io::Error,
    },
    /// The fixture's YAML is larger than [`Fixture::MAX_YAML_BYTES`]: a
    /// file is refused before it is read whole.
    #[error(
        "fixture {} is larger than {} MiB, the most a fixture may be (generate larger orgs instead)",
        path.as_ref().map_or_else(|| "YAML".to_owned(), |path| path.display().to_string()),
        limit / (1024 * 1024)
    )]
    TooLarge {
        /// The file, when it came from one.
        path: Option<PathBuf>,
        /// The limit, in bytes.
        limit: usize,
    },
    /// The YAML's aliases (`*name`) repeat so much that it would expand
    /// past [`Fixture::MAX_EXPANDED_YAML`].
    #[error(
        "fixture YAML aliases expand it past {} MiB, the most a fixture may expand to",
        limit / (1024 * 1024)
    )]
    AliasesTooLarge {
        /// The limit ([`Fixture::MAX_EXPANDED_YAML`]).
        limit: usize,
    },
    /// The text is not YAML of the fixture's shape.
    #[error("fixture is not valid YAML of the expected shape: {0}")]
    Yaml(#[from] serde_yaml::Error),
    /// A handle was used that no object (or org) of the fixture has.
    #[error("org {org:?}: {context} refers to {handle:?}, which is not defined")]
    UnknownHandle {
        /// The org's handle (empty for the `keys` section).
        org: String,
        /// The handle that could not be resolved.
        handle: String,
        /// Where it was used.
        context: String,
    },
    /// An object, org or key is invalid or defined twice.
    #[error("org {org:?}: {message}")]
    Invalid {
        /// The org's handle (empty for the `keys` section).
        org: String,
        /// What is wrong.
        message: String,
    },
    /// An edge is one JumpCloud's graph does not have, or is given twice, or
    /// has invalid attributes.
    #[error("org {org:?}: edge {from} -> {to}: {message}")]
    InvalidEdge {
        /// The org's handle.
        org: String,
        /// The handle of the edge's source.
        from: String,
        /// The handle of the edge's target.
        to: String,
        /// What is wrong.
        message: String,
    },
}

impl Fixture {
    /// The demo org, "Acme Robotics", plus the small "Globex" org, an MSP key
    /// that reaches both, and two service accounts (one of Acme's, one
    /// multi-tenant); see `fixtures/demo-org.yaml` for its story.
    ///
    /// # Panics
    ///
    /// Never in a released build: the embedded YAML is checked by this
    /// crate's tests.
    pub fn demo() -> Fixture {
        match Fixture::from_yaml_str(DEMO_YAML) {
            Ok(fixture) => fixture,
            Err(e) => panic!("the embedded demo fixture is invalid: {e}"),
        }
    }

    /// The embedded demo fixture's YAML text.
    pub fn demo_yaml() -> &'static str {
        DEMO_YAML
    }

    /// The most a fixture's YAML may be: 16 MiB, about 100,000 objects in
    /// the demo's format. Larger orgs come from the generator
    /// ([`Fixture::generated`]).
    pub const MAX_YAML_BYTES: usize = yaml_limits::MAX_YAML_BYTES;

    /// The most a fixture's YAML may expand to through its aliases
    /// (`&name` ... `*name`), counting one per node plus the bytes of each
    /// scalar: 32 MiB, which no fixture within
    /// [`MAX_YAML_BYTES`](Self::MAX_YAML_BYTES) reaches without aliases.
    pub const MAX_EXPANDED_YAML: usize = yaml_limits::MAX_EXPANDED;

    /// Loads a fixture from YAML text.
    ///
    /// # Errors
    ///
    /// [`FixtureError`] when the text is larger than
    /// [`MAX_YAML_BYTES`](Self::MAX_YAML_BYTES) or its aliases expand it
    /// past [`MAX_EXPANDED_YAML`](Self::MAX_EXPANDED_YAML), is not YAML of
    /// the fixture's shape, a handle is unknown, an id is not an ObjectID or
    /// is used twice, or an edge is one JumpCloud's graph does not have.
    pub fn from_yaml_str(yaml: &str) -> Result<Fixture, FixtureError> {
        yaml_limits::check(yaml)?;
        let file: FixtureFile = serde_yaml::from_str(yaml)?;
        file.resolve()
    }

    /// Loads a fixture from a YAML file (or a pipe, such as `/dev/stdin`).
    /// A file larger than [`MAX_YAML_BYTES`](Self::MAX_YAML_BYTES) is
    /// refused before it is read, a pipe once it has given a byte more.
    ///
    /// # Errors
    ///
    /// As [`Fixture::from_yaml_str`], plus [`FixtureError::Io`] when the file
    /// cannot be read.
    pub fn from_path(path: impl AsRef<Path>) -> Result<Fixture, FixtureError> {
        let text = yaml_limits::read(path.as_ref())?;
        Fixture::from_yaml_str(&text)
    }

    /// A large org built by the deterministic generator: the same config
    /// always gives the same ids, objects and edges.
    pub fn generated(config: GeneratorConfig) -> Fixture {
        crate::generate::generate(&config)
    }

    pub(crate) fn from_parts(
        orgs: Vec<Org>,
        keys: Vec<AdminApiKey>,
        service_accounts: Vec<OAuthClient>,
    ) -> Fixture {
        Fixture {
            orgs,
            keys,
            service_accounts,
        }
    }

    /// The orgs, in fixture order.
    pub fn orgs(&self) -> &[Org] {
        &self.orgs
    }

    /// The org with this handle or id.
    pub fn org(&self, handle_or_id: &str) -> Option<&Org> {
        self.orgs
            .iter()
            .find(|org| org.handle() == handle_or_id || org.id() == handle_or_id)
    }

    /// The org with this id, to change it.
    pub(crate) fn org_mut(&mut self, id: &str) -> Option<&mut Org> {
        self.orgs.iter_mut().find(|org| org.id() == id)
    }

    /// The first org (the demo's "Acme Robotics").
    ///
    /// # Panics
    ///
    /// Never: a fixture always has at least one org.
    pub fn first_org(&self) -> &Org {
        &self.orgs[0]
    }

    /// All API keys.
    pub fn keys(&self) -> &[AdminApiKey] {
        &self.keys
    }

    /// The single-tenant admin key of the org with this handle or id.
    pub fn key_for(&self, org: &str) -> Option<&str> {
        let org = self.org(org)?;
        self.keys
            .iter()
            .find(|key| is_single_tenant_of(key.scope(), org))
            .map(AdminApiKey::key)
    }

    /// The first multi-tenant key, if the fixture has one.
    pub fn multi_tenant_key(&self) -> Option<&str> {
        self.keys
            .iter()
            .find(|key| key.is_multi_tenant())
            .map(AdminApiKey::key)
    }

    /// All service accounts.
    pub fn service_accounts(&self) -> &[OAuthClient] {
        &self.service_accounts
    }

    /// The first single-tenant service account of the org with this handle
    /// or id: its client id and secret buy tokens at `POST /oauth2/token`.
    pub fn service_account(&self, org: &str) -> Option<&OAuthClient> {
        let org = self.org(org)?;
        self.service_accounts
            .iter()
            .find(|account| is_single_tenant_of(account.scope(), org))
    }

    /// The first multi-tenant service account, if the fixture has one.
    pub fn multi_tenant_service_account(&self) -> Option<&OAuthClient> {
        self.service_accounts
            .iter()
            .find(|account| account.is_multi_tenant())
    }

    /// The service account with this client id.
    pub(crate) fn oauth_client(&self, client_id: &str) -> Option<&OAuthClient> {
        self.service_accounts
            .iter()
            .find(|account| account.client_id() == client_id)
    }

    /// The key a quickstart uses: the first org's single-tenant key, or else
    /// the first key.
    pub fn default_key(&self) -> &str {
        self.key_for(self.first_org().id())
            .unwrap_or_else(|| self.keys[0].key())
    }
}

fn is_single_tenant_of(scope: &KeyScope, org: &Org) -> bool {
    !scope.is_multi_tenant() && scope.can_access(org.id())
}

impl Index<&str> for Fixture {
    type Output = Org;

    /// The org with this handle or id; panics when there is none (a test
    /// helper, where a typo should fail loudly).
    fn index(&self, handle_or_id: &str) -> &Org {
        match self.org(handle_or_id) {
            Some(org) => org,
            None => panic!("the fixture has no org with handle or id {handle_or_id:?}"),
        }
    }
}

impl Default for Fixture {
    /// The demo fixture.
    fn default() -> Self {
        Fixture::demo()
    }
}

impl From<GeneratorConfig> for Fixture {
    fn from(config: GeneratorConfig) -> Self {
        Fixture::generated(config)
    }
}

/// The YAML file's shape. Unknown keys are errors, so that a misspelt
/// section does not silently leave objects out.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FixtureFile {
    orgs: Vec<OrgSpec>,
    keys: Vec<KeySpec>,
    #[serde(default)]
    service_accounts: Vec<ServiceAccountSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OrgSpec {
    handle: String,
    id: String,
    name: String,
    #[serde(default)]
    users: BTreeMap<String, ObjectSpec>,
    #[serde(default)]
    user_groups: BTreeMap<String, ObjectSpec>,
    #[serde(default)]
    systems: BTreeMap<String, ObjectSpec>,
    #[serde(default)]
    system_groups: BTreeMap<String, ObjectSpec>,
    #[serde(default)]
    applications: BTreeMap<String, ObjectSpec>,
    #[serde(default)]
    active_directories: BTreeMap<String, ObjectSpec>,
    #[serde(default)]
    g_suites: BTreeMap<String, ObjectSpec>,
    #[serde(default)]
    office_365s: BTreeMap<String, ObjectSpec>,
    #[serde(default)]
    ldap_servers: BTreeMap<String, ObjectSpec>,
    #[serde(default)]
    radius_servers: BTreeMap<String, ObjectSpec>,
    #[serde(default)]
    idp_routing_policies: BTreeMap<String, ObjectSpec>,
    #[serde(default)]
    password_manager_items: BTreeMap<String, ObjectSpec>,
    /// Group handle → member handles.
    #[serde(default)]
    members: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    bindings: Vec<BindingSpec>,
}

#[derive(Deserialize)]
struct ObjectSpec {
    id: String,
    #[serde(flatten)]
    fields: Attributes,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BindingSpec {
    from: String,
    to: String,
    #[serde(default)]
    attributes: Option<Attributes>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KeySpec {
    key: String,
    #[serde(default)]
    name: Option<String>,
    /// The one org of a single-tenant key.
    #[serde(default)]
    org: Option<String>,
    /// The orgs of a multi-tenant key.
    #[serde(default)]
    orgs: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ServiceAccountSpec {
    client_id: String,
    client_secret: String,
    #[serde(default)]
    name: Option<String>,
    /// The one org of a single-tenant service account.
    #[serde(default)]
    org: Option<String>,
    /// The orgs of a multi-tenant service account.
    #[serde(default)]
    orgs: Option<Vec<String>>,
}

impl FixtureFile {
    fn resolve(self) -> Result<Fixture, FixtureError> {
        if self.orgs.is_empty() {
            return Err(invalid("", "a fixture needs at least one org"));
        }
        let mut orgs: Vec<Org> = Vec::with_capacity(self.orgs.len());
        for spec in self.orgs {
            if orgs
                .iter()
                .any(|o| o.handle() == spec.handle || o.id() == spec.id)
            {
                return Err(invalid(&spec.handle, "org handle or id used twice"));
            }
            orgs.push(spec.resolve()?);
        }
        let keys = resolve_keys(self.keys, &orgs)?;
        let service_accounts = resolve_service_accounts(self.service_accounts, &orgs)?;
        Ok(Fixture::from_parts(orgs, keys, service_accounts))
    }
}

impl OrgSpec {
    fn resolve(mut self) -> Result<Org, FixtureError> {
        if !crate::model::is_object_id(&self.id) {
            return Err(invalid(
                &self.handle,
                format!("org id {:?} is not an ObjectID (24 hex digits)", self.id),
            ));
        }
        let mut org = Org::new(self.handle.clone(), self.id.clone(), self.name.clone());
        for kind in Kind::ALL {
            for (handle, spec) in std::mem::take(self.section(kind)) {
                org.insert_object(Object::new(spec.id, kind, handle, spec.fields))
                    .map_err(|message| invalid(&self.handle, message))?;
            }
        }
        for (group, members) in &self.members {
            for member in members {
                let (from, to) = (
                    lookup(&org, member, &format!("members of {group}"))?,
                    lookup(&org, group, "members")?,
                );
                self.add_edge(
                    &mut org,
                    (member, from),
                    (group, to),
                    None,
                    EdgeRole::Membership,
                )?;
            }
        }
        for binding in std::mem::take(&mut self.bindings) {
            let context = format!("binding {} -> {}", binding.from, binding.to);
            let from = lookup(&org, &binding.from, &context)?;
            let to = lookup(&org, &binding.to, &context)?;
            self.add_edge(
                &mut org,
                (&binding.from, from),
                (&binding.to, to),
                binding.attributes,
                EdgeRole::Binding,
            )?;
        }
        Ok(org)
    }

    fn section(&mut self, kind: Kind) -> &mut BTreeMap<String, ObjectSpec> {
        match kind {
            Kind::User => &mut self.users,
            Kind::UserGroup => &mut self.user_groups,
            Kind::System => &mut self.systems,
            Kind::SystemGroup => &mut self.system_groups,
            Kind::Application => &mut self.applications,
            Kind::ActiveDirectory => &mut self.active_directories,
            Kind::GSuite => &mut self.g_suites,
            Kind::Office365 => &mut self.office_365s,
            Kind::LdapServer => &mut self.ldap_servers,
            Kind::RadiusServer => &mut self.radius_servers,
            Kind::IdpRoutingPolicy => &mut self.idp_routing_policies,
            Kind::PasswordManagerItem => &mut self.password_manager_items,
        }
    }

    /// Adds one edge, checking that it is of the role its section promises
    /// (`members` holds memberships, `bindings` holds bindings).
    fn add_edge(
        &self,
        org: &mut Org,
        (from_handle, from): (&str, String),
        (to_handle, to): (&str, String),
        attributes: Option<Attributes>,
        expected: EdgeRole,
    ) -> Result<(), FixtureError> {
        let edge_error = |message: String| FixtureError::InvalidEdge {
            org: self.handle.clone(),
            from: from_handle.to_owned(),
            to: to_handle.to_owned(),
            message,
        };
        let kinds = (org.object(&from), org.object(&to));
        if let (Some(f), Some(t)) = kinds {
            let role = EdgeRole::of(f.kind(), t.kind());
            if role.is_some() && role != Some(expected) {
                let section = match expected {
                    EdgeRole::Membership => "members",
                    EdgeRole::Binding => "bindings",
                };
                return Err(edge_error(format!(
                    "a {} -> {} edge does not belong in `{section}`",
                    f.kind(),
                    t.kind()
                )));
            }
        }
        org.insert_edge(&from, &to, attributes)
            .map_err(|e| match e {
                EdgeError::Exists => edge_error("given twice".to_owned()),
                other => edge_error(other.to_string()),
            })
    }
}

fn lookup(org: &Org, handle: &str, context: &str) -> Result<String, FixtureError> {
    org.object(handle)
        .map(|o| o.id().to_owned())
        .ok_or_else(|| FixtureError::UnknownHandle {
            org: org.handle().to_owned(),
            handle: handle.to_owned(),
            context: context.to_owned(),
        })
}

fn resolve_keys(specs: Vec<KeySpec>, orgs: &[Org]) -> Result<Vec<AdminApiKey>, FixtureError> {
    if specs.is_empty() {
        return Err(invalid("", "a fixture needs at least one API key"));
    }
    let mut seen = HashSet::new();
    let mut keys = Vec::with_capacity(specs.len());
    for spec in specs {
        let name = spec.name.unwrap_or_else(|| "API key".to_owned());
        if spec.key.is_empty() || !seen.insert(spec.key.clone()) {
            return Err(invalid("", format!("key {name:?} is empty or used twice")));
        }
        if !is_header_safe(&spec.key) {
            return Err(invalid(
                "",
                format!("key {name:?} must be visible ASCII, to travel in a header"),
            ));
        }
        let scope = resolve_scope(spec.org, spec.orgs, orgs, &format!("key {name:?}"))?;
        keys.push(AdminApiKey::new(spec.key, name, scope));
    }
    Ok(keys)
}

fn resolve_service_accounts(
    specs: Vec<ServiceAccountSpec>,
    orgs: &[Org],
) -> Result<Vec<OAuthClient>, FixtureError> {
    let mut seen = HashSet::new();
    let mut accounts = Vec::with_capacity(specs.len());
    for spec in specs {
        let context = format!("service account {:?}", spec.client_id);
        if spec.client_id.is_empty() || !seen.insert(spec.client_id.clone()) {
            return Err(invalid(
                "",
                format!("{context}: client id empty or used twice"),
            ));
        }
        // Basic authentication separates the id from the secret with the
        // first colon.
        if !is_header_safe(&spec.client_id) || spec.client_id.contains(':') {
            return Err(invalid(
                "",
                format!("{context}: the client id must be visible ASCII without ':'"),
            ));
        }
        if spec.client_secret.is_empty() || !is_header_safe(&spec.client_secret) {
            return Err(invalid(
                "",
                format!("{context}: the client secret must be non-empty visible ASCII"),
            ));
        }
        let scope = resolve_scope(spec.org, spec.orgs, orgs, &context)?;
        let name = spec.name.unwrap_or_else(|| "service account".to_owned());
        accounts.push(OAuthClient::new(
            spec.client_id,
            spec.client_secret,
            name,
            scope,
        ));
    }
    Ok(accounts)
}

/// Visible ASCII (no spaces or control characters): what a credential must
/// be to travel in a header unchanged.
fn is_header_safe(text: &str) -> bool {
    text.bytes().all(|b| b.is_ascii_graphic())
}

/// The orgs a key or a service account reaches: `org` for one, a non-empty
/// `orgs` for a multi-tenant credential.
fn resolve_scope(
    org: Option<String>,
    list: Option<Vec<String>>,
    orgs: &[Org],
    context: &str,
) -> Result<KeyScope, FixtureError> {
    let org_id = |handle: &str| {
        orgs.iter()
            .find(|o| o.handle() == handle || o.id() == handle)
            .map(|o| o.id().to_owned())
            .ok_or_else(|| FixtureError::UnknownHandle {
                org: String::new(),
                handle: handle.to_owned(),
                context: context.to_owned(),
            })
    };
    match (org, list) {
        (Some(org), None) => Ok(KeyScope::SingleTenant(org_id(&org)?)),
        (None, Some(list)) if !list.is_empty() => Ok(KeyScope::MultiTenant(
            list.iter()
                .map(|org| org_id(org))
                .collect::<Result<_, _>>()?,
        )),
        _ => Err(invalid(
            "",
            format!(
                "{context} needs exactly one of `org` (single-tenant) or a non-empty `orgs` (multi-tenant)"
            ),
        )),
    }
}

fn invalid(org: &str, message: impl Into<String>) -> FixtureError {
    FixtureError::Invalid {
        org: org.to_owned(),
        message: message.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
orgs:
  - handle: o
    id: "650000000000000000000001"
    name: O
    users:
      u: { id: "651000000000000000000001", username: u }
    systems:
      s: { id: "653000000000000000000001", hostname: s }
    bindings:
      - { from: u, to: s }
keys:
  - { key: k, org: o }
"#;

    #[test]
    fn demo_fixture_loads() {
        let demo = Fixture::demo();
        assert_eq!(demo.first_org().name(), "Acme Robotics");
        assert!(demo.org("globex").is_some());
        assert!(demo.multi_tenant_key().is_some());
    }

    #[test]
    fn minimal_fixture_resolves_handles_to_ids() {
        let fixture = Fixture::from_yaml_str(MINIMAL).expect("valid fixture");
        let org = &fixture["o"];
        assert_eq!(org.id_of("u"), "651000000000000000000001");
        assert_eq!(org["s"].field("hostname"), Some(&"s".into()));
        assert_eq!(org.edges().len(), 1);
        assert_eq!(fixture.default_key(), "k");
    }

    #[test]
    fn unknown_handle_in_a_binding_is_rejected_by_name() {
        let yaml = MINIMAL.replace("to: s }", "to: nope }");
        let err = Fixture::from_yaml_str(&yaml).expect_err("unknown handle");
        assert!(
            matches!(&err, FixtureError::UnknownHandle { handle, .. } if handle == "nope"),
            "{err}"
        );
    }

    #[test]
    fn edge_jumpclouds_graph_lacks_is_rejected() {
        let yaml = MINIMAL.replace("{ from: u, to: s }", "{ from: s, to: u }");
        let err = Fixture::from_yaml_str(&yaml).expect_err("system -> user");
        assert!(matches!(err, FixtureError::InvalidEdge { .. }), "{err}");
    }

    #[test]
    fn membership_listed_as_binding_is_rejected() {
        let yaml = MINIMAL
            .replace(
                "    bindings:",
                "    user_groups:\n      g: { id: \"652000000000000000000001\" }\n    bindings:\n      - { from: u, to: g }",
            );
        let err = Fixture::from_yaml_str(&yaml).expect_err("membership in bindings");
        assert!(
            err.to_string().contains("does not belong in `bindings`"),
            "{err}"
        );
    }

    #[test]
    fn malformed_object_id_is_rejected() {
        let yaml = MINIMAL.replace("653000000000000000000001", "not-an-id");
        let err = Fixture::from_yaml_str(&yaml).expect_err("bad id");
        assert!(err.to_string().contains("ObjectID"), "{err}");
    }

    #[test]
    fn misspelt_section_is_rejected() {
        let yaml = MINIMAL.replace("systems:", "sytems:");
        assert!(matches!(
            Fixture::from_yaml_str(&yaml),
            Err(FixtureError::Yaml(_))
        ));
    }

    #[test]
    fn key_for_an_unknown_org_is_rejected() {
        let yaml = MINIMAL.replace("org: o }", "org: elsewhere }");
        let err = Fixture::from_yaml_str(&yaml).expect_err("unknown org");
        assert!(err.to_string().contains("elsewhere"), "{err}");
    }

    #[test]
    fn invalid_sudo_in_a_fixture_is_rejected() {
        let yaml = MINIMAL.replace(
            "{ from: u, to: s }",
            "{ from: u, to: s, attributes: { sudo: { enabled: false, withoutPassword: true } } }",
        );
        let err = Fixture::from_yaml_str(&yaml).expect_err("invalid sudo");
        assert!(err.to_string().contains("withoutPassword"), "{err}");
    }

    fn with_service_accounts(accounts: &str) -> String {
        format!("{MINIMAL}service_accounts:\n{accounts}")
    }

    #[test]
    fn service_accounts_resolve_their_orgs() {
        let yaml = with_service_accounts(
            "  - { client_id: bot, client_secret: s3cret, org: o }\n  - { client_id: msp, client_secret: s3cret, orgs: [o] }\n",
        );
        let fixture = Fixture::from_yaml_str(&yaml).expect("valid fixture");
        let bot = fixture
            .service_account("o")
            .expect("a single-tenant account");
        assert_eq!(bot.client_id(), "bot");
        assert_eq!(
            bot.scope(),
            &KeyScope::SingleTenant("650000000000000000000001".to_owned())
        );
        let msp = fixture
            .multi_tenant_service_account()
            .expect("a multi-tenant one");
        assert_eq!(msp.client_id(), "msp");
        assert!(msp.can_access("650000000000000000000001"));
        assert!(Fixture::from_yaml_str(MINIMAL).is_ok_and(|f| f.service_accounts().is_empty()));
    }

    #[test]
    fn invalid_service_accounts_are_rejected_with_the_reason() {
        for (accounts, problem) in [
            (
                "  - { client_id: bot, client_secret: s, org: nowhere }\n",
                "nowhere",
            ),
            (
                "  - { client_id: bot, client_secret: s, org: o }\n  - { client_id: bot, client_secret: t, org: o }\n",
                "used twice",
            ),
            (
                "  - { client_id: \"a:b\", client_secret: s, org: o }\n",
                "without ':'",
            ),
            (
                "  - { client_id: bot, client_secret: \"has space\", org: o }\n",
                "visible ASCII",
            ),
            (
                "  - { client_id: bot, client_secret: s }\n",
                "exactly one of",
            ),
            (
                "  - { client_id: bot, client_secret: s, org: o, colour: red }\n",
                "colour",
            ),
        ] {
            let err = Fixture::from_yaml_str(&with_service_accounts(accounts)).expect_err(accounts);
            assert!(err.to_string().contains(problem), "{accounts}: {err}");
        }
    }

    #[test]
    fn debug_output_never_shows_a_secret() {
        let yaml =
            with_service_accounts("  - { client_id: bot, client_secret: s3cret-value, org: o }\n")
                .replace("{ key: k, org: o }", "{ key: k3y-value, org: o }");
        let fixture = Fixture::from_yaml_str(&yaml).expect("valid fixture");
        let debug = format!("{fixture:?}");
        assert!(
            !debug.contains("s3cret-value") && !debug.contains("k3y-value"),
            "{debug}"
        );
    }
}
