//! A deterministic generator of large orgs, for pagination tests and
//! benchmarks: thousands of users and systems, and one user bound directly to
//! many systems. The same [`GeneratorConfig`] always gives the same ids,
//! objects and edges (ids are derived from the seed and an index; the random
//! choices come from a `fastrand` generator seeded with the seed).

use serde_json::{Value, json};

use crate::credentials::{AdminApiKey, KeyScope, OAuthClient};
use crate::model::{Attributes, Kind, Object, Org};

/// What to generate. Start from [`GeneratorConfig::default`] and change what
/// a test needs:
///
/// ```
/// use jumpcloud_graph_sandbox::{Fixture, GeneratorConfig};
///
/// let fixture = Fixture::generated(GeneratorConfig {
///     users: 50,
///     systems: 200,
///     fan_out_user_systems: 150,
///     ..GeneratorConfig::default()
/// });
/// let org = fixture.first_org();
/// assert_eq!(org.edges_from(GeneratorConfig::FAN_OUT_USER).len(), 150);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GeneratorConfig {
    /// Seeds both the ids and the random choices (default
    /// [`DEFAULT_SEED`](crate::DEFAULT_SEED), as on the command line).
    pub seed: u64,
    /// Ordinary users (`user-0` ... ), each a member of one to three groups.
    pub users: usize,
    /// Systems (`system-0` ... ), each in one system group (when there are any).
    pub systems: usize,
    /// User groups (`group-0` ... ), each bound to a few systems, one system
    /// group and one application.
    pub user_groups: usize,
    /// System groups (`system-group-0` ... ).
    pub system_groups: usize,
    /// Applications (`app-0` ... ).
    pub applications: usize,
    /// How many systems the extra user [`GeneratorConfig::FAN_OUT_USER`] is
    /// bound to directly (the first `min(fan_out_user_systems, systems)`);
    /// 0 leaves that user out.
    pub fan_out_user_systems: usize,
    /// Every n-th ordinary user also gets one to three direct system bindings
    /// with sudo; 0 for none.
    pub direct_binding_every: usize,
}

impl GeneratorConfig {
    /// The handle (and username) of the user bound to
    /// [`fan_out_user_systems`](GeneratorConfig::fan_out_user_systems) systems.
    pub const FAN_OUT_USER: &'static str = "fan-out";
    /// The handle of the generated org.
    pub const ORG: &'static str = "generated";

    /// The single-tenant API key of the generated org.
    pub fn api_key(&self) -> String {
        format!("jc-sandbox-generated-{}", self.seed)
    }

    /// The client id of the generated org's single-tenant service account
    /// (also `Fixture::service_account(GeneratorConfig::ORG)`).
    pub fn client_id(&self) -> String {
        format!("jc-sandbox-generated-{}-automation", self.seed)
    }

    /// The client secret of the generated org's service account.
    pub fn client_secret(&self) -> String {
        format!("jc-sandbox-generated-{}-automation-secret", self.seed)
    }
}

impl Default for GeneratorConfig {
    /// Seed [`DEFAULT_SEED`](crate::DEFAULT_SEED) (1): 2,000 users, 10,000 systems, 50 user groups, 20 system groups,
    /// 10 applications, and a user bound directly to 10,000 systems.
    fn default() -> Self {
        GeneratorConfig {
            seed: crate::DEFAULT_SEED,
            users: 2_000,
            systems: 10_000,
            user_groups: 50,
            system_groups: 20,
            applications: 10,
            fan_out_user_systems: 10_000,
            direct_binding_every: 10,
        }
    }
}

/// Kind codes embedded in generated ids, so ids of different kinds never
/// collide and stay recognisable.
fn kind_code(kind: Kind) -> u8 {
    match kind {
        Kind::User => 0x01,
        Kind::UserGroup => 0x02,
        Kind::System => 0x03,
        Kind::SystemGroup => 0x04,
        Kind::Application => 0x05,
        _ => 0x0f,
    }
}

/// `<8 hex from the seed><2 hex kind code><14 hex index>`.
fn object_id(seed: u64, code: u8, index: usize) -> String {
    // Fold the seed to 32 bits; distinct small seeds stay distinct.
    let folded = (seed ^ (seed >> 32)) as u32;
    format!("{folded:08x}{code:02x}{index:014x}")
}

/// What the generator makes: one org, its admin key and its service
/// account. The fixture assembles them, so that the generator needs to know
/// nothing of fixtures.
#[derive(Debug)]
pub(crate) struct Generated {
    pub(crate) org: Org,
    pub(crate) key: AdminApiKey,
    pub(crate) service_account: OAuthClient,
}

/// The ids of the generated objects, by kind, in index order.
struct ObjectIds {
    users: Vec<String>,
    systems: Vec<String>,
    user_groups: Vec<String>,
    system_groups: Vec<String>,
    applications: Vec<String>,
}

/// Generates the org `config` describes. Each step draws from one random
/// generator in a fixed order, which is what makes the org the same for the
/// same config.
pub(crate) fn generate(config: &GeneratorConfig) -> Generated {
    let seed = config.seed;
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut org = Org::new(
        GeneratorConfig::ORG.to_owned(),
        object_id(seed, 0x00, 0),
        format!("Generated org (seed {seed})"),
    );
    let ids = add_objects(&mut org, config);
    add_user_edges(&mut org, &mut rng, config, &ids);
    add_system_memberships(&mut org, &mut rng, &ids);
    add_group_bindings(&mut org, &mut rng, &ids);
    add_fan_out_user(&mut org, config, &ids.systems);
    let scope = || KeyScope::SingleTenant(org.id().to_owned());
    let key = AdminApiKey::new(config.api_key(), "Generated org admin".to_owned(), scope());
    let service_account = OAuthClient::new(
        config.client_id(),
        config.client_secret(),
        "Generated org automation".to_owned(),
        scope(),
    );
    Generated {
        org,
        key,
        service_account,
    }
}

/// The ordinary objects: users, systems, user groups, system groups and
/// applications, `config`'s count of each.
fn add_objects(org: &mut Org, config: &GeneratorConfig) -> ObjectIds {
    let seed = config.seed;
    ObjectIds {
        users: add_each(org, seed, Kind::User, config.users, |i| {
            let fields = json!({
                "username": format!("user{i}"),
                "email": format!("user{i}@generated.example"),
                "activated": true,
            });
            (format!("user-{i}"), fields)
        }),
        systems: add_each(org, seed, Kind::System, config.systems, |i| {
            let os = ["Ubuntu", "Mac OS X", "Windows"][i % 3];
            let fields = json!({
                "hostname": format!("host-{i:05}"),
                "displayName": format!("Host {i}"),
                "os": os,
            });
            (format!("system-{i}"), fields)
        }),
        user_groups: add_each(org, seed, Kind::UserGroup, config.user_groups, |i| {
            (
                format!("group-{i}"),
                json!({ "name": format!("Group {i:03}") }),
            )
        }),
        system_groups: add_each(org, seed, Kind::SystemGroup, config.system_groups, |i| {
            let fields = json!({ "name": format!("System group {i:03}") });
            (format!("system-group-{i}"), fields)
        }),
        applications: add_each(org, seed, Kind::Application, config.applications, |i| {
            (format!("app-{i}"), json!({ "name": format!("App {i:02}") }))
        }),
    }
}

/// `count` objects of one kind, the i-th with the handle and fields
/// `describe(i)` gives; their ids, in index order.
fn add_each(
    org: &mut Org,
    seed: u64,
    kind: Kind,
    count: usize,
    describe: impl Fn(usize) -> (String, Value),
) -> Vec<String> {
    (0..count)
        .map(|i| {
            let (handle, fields) = describe(i);
            add_object(org, seed, kind, i, handle, fields)
        })
        .collect()
}

/// Adds one object with the id its seed, kind and index give; its id.
fn add_object(
    org: &mut Org,
    seed: u64,
    kind: Kind,
    index: usize,
    handle: String,
    fields: Value,
) -> String {
    let id = object_id(seed, kind_code(kind), index);
    let fields: Attributes = match fields {
        Value::Object(map) => map,
        _ => Attributes::new(),
    };
    // Generated ids and handles are unique by construction.
    let _ = org.insert_object(Object::new(id.clone(), kind, handle, fields));
    id
}

/// Each user joins one to three groups; every `direct_binding_every`-th is
/// also bound to one to three systems, with sudo.
fn add_user_edges(
    org: &mut Org,
    rng: &mut fastrand::Rng,
    config: &GeneratorConfig,
    ids: &ObjectIds,
) {
    for (i, user) in ids.users.iter().enumerate() {
        for _ in 0..rng.usize(1..=3) {
            if let Some(group) = pick(rng, &ids.user_groups) {
                let _ = org.insert_edge(user, &group, None);
            }
        }
        if config.direct_binding_every > 0 && i % config.direct_binding_every == 0 {
            for _ in 0..rng.usize(1..=3) {
                if let Some(system) = pick(rng, &ids.systems) {
                    let _ = org.insert_edge(user, &system, sudo(rng.bool()));
                }
            }
        }
    }
}

/// Each system joins one system group (when there are any).
fn add_system_memberships(org: &mut Org, rng: &mut fastrand::Rng, ids: &ObjectIds) {
    for system in &ids.systems {
        if let Some(group) = pick(rng, &ids.system_groups) {
            let _ = org.insert_edge(system, &group, None);
        }
    }
}

/// Each user group is bound to five systems, one system group (with
/// passworded sudo) and one application.
fn add_group_bindings(org: &mut Org, rng: &mut fastrand::Rng, ids: &ObjectIds) {
    for group in &ids.user_groups {
        for _ in 0..5 {
            if let Some(system) = pick(rng, &ids.systems) {
                let _ = org.insert_edge(group, &system, None);
            }
        }
        if let Some(system_group) = pick(rng, &ids.system_groups) {
            let _ = org.insert_edge(group, &system_group, sudo(false));
        }
        if let Some(app) = pick(rng, &ids.applications) {
            let _ = org.insert_edge(group, &app, None);
        }
    }
}

/// The extra user [`GeneratorConfig::FAN_OUT_USER`], bound directly to the
/// first `fan_out_user_systems` systems (none when that is 0).
fn add_fan_out_user(org: &mut Org, config: &GeneratorConfig, systems: &[String]) {
    if config.fan_out_user_systems == 0 {
        return;
    }
    let fields = json!({
        "username": "fan.out",
        "email": "fan.out@generated.example",
        "activated": true,
    });
    let handle = GeneratorConfig::FAN_OUT_USER.to_owned();
    let fan_out = add_object(org, config.seed, Kind::User, config.users, handle, fields);
    for system in systems.iter().take(config.fan_out_user_systems) {
        let _ = org.insert_edge(&fan_out, system, None);
    }
}

/// A random one of `from`, if any. Picks can repeat; a repeated edge is
/// simply not added again.
fn pick(rng: &mut fastrand::Rng, from: &[String]) -> Option<String> {
    (!from.is_empty()).then(|| from[rng.usize(..from.len())].clone())
}

/// A sudo grant, with or without a password.
fn sudo(without_password: bool) -> Option<Attributes> {
    json!({ "sudo": { "enabled": true, "withoutPassword": without_password } })
        .as_object()
        .cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small(seed: u64) -> GeneratorConfig {
        GeneratorConfig {
            seed,
            users: 40,
            systems: 120,
            user_groups: 6,
            system_groups: 4,
            applications: 3,
            fan_out_user_systems: 100,
            direct_binding_every: 5,
        }
    }

    #[test]
    fn same_config_gives_same_ids_and_edges() {
        let (a, b) = (generate(&small(7)).org, generate(&small(7)).org);
        let ids = |org: &Org| -> Vec<String> { org.objects().map(|o| o.id().to_owned()).collect() };
        assert_eq!(ids(&a), ids(&b));
        assert_eq!(a.edges(), b.edges());
    }

    #[test]
    fn different_seeds_give_different_orgs() {
        let (a, b) = (generate(&small(7)).org, generate(&small(8)).org);
        assert_ne!(a.id(), b.id());
        assert_ne!(a.edges(), b.edges());
    }

    #[test]
    fn generated_ids_are_object_ids() {
        let org = generate(&small(u64::MAX)).org;
        assert!(org.objects().all(|o| crate::model::is_object_id(o.id())));
        assert!(crate::model::is_object_id(org.id()));
    }

    #[test]
    fn fan_out_user_is_bound_to_the_configured_number_of_systems() {
        let edges = generate(&small(3))
            .org
            .edges_from(GeneratorConfig::FAN_OUT_USER);
        assert_eq!(edges.len(), 100);
        assert!(edges.iter().all(|e| e.to.kind == Kind::System));
    }
}
