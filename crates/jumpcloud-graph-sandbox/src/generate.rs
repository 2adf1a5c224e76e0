//! A deterministic generator of large orgs, for pagination tests and
//! benchmarks: thousands of users and systems, and one user bound directly to
//! many systems. The same [`GeneratorConfig`] always gives the same ids,
//! objects and edges (ids are derived from the seed and an index; the random
//! choices come from a `fastrand` generator seeded with the seed).

use serde_json::{Value, json};

use crate::credentials::{AdminApiKey, KeyScope, OAuthClient};
use crate::fixture::Fixture;
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

pub(crate) fn generate(config: &GeneratorConfig) -> Fixture {
    let seed = config.seed;
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut org = Org::new(
        GeneratorConfig::ORG.to_owned(),
        object_id(seed, 0x00, 0),
        format!("Generated org (seed {seed})"),
    );
    let add = |org: &mut Org, kind: Kind, index: usize, handle: String, fields: Value| {
        let id = object_id(seed, kind_code(kind), index);
        let fields: Attributes = match fields {
            Value::Object(map) => map,
            _ => Attributes::new(),
        };
        // Generated ids and handles are unique by construction.
        let _ = org.insert_object(Object::new(id.clone(), kind, handle, fields));
        id
    };

    let users: Vec<String> = (0..config.users)
        .map(|i| {
            add(
                &mut org,
                Kind::User,
                i,
                format!("user-{i}"),
                json!({
                    "username": format!("user{i}"),
                    "email": format!("user{i}@generated.example"),
                    "activated": true,
                }),
            )
        })
        .collect();
    let systems: Vec<String> = (0..config.systems)
        .map(|i| {
            let os = ["Ubuntu", "Mac OS X", "Windows"][i % 3];
            add(
                &mut org,
                Kind::System,
                i,
                format!("system-{i}"),
                json!({
                    "hostname": format!("host-{i:05}"),
                    "displayName": format!("Host {i}"),
                    "os": os,
                }),
            )
        })
        .collect();
    let groups: Vec<String> = (0..config.user_groups)
        .map(|i| {
            add(
                &mut org,
                Kind::UserGroup,
                i,
                format!("group-{i}"),
                json!({ "name": format!("Group {i:03}") }),
            )
        })
        .collect();
    let system_groups: Vec<String> = (0..config.system_groups)
        .map(|i| {
            add(
                &mut org,
                Kind::SystemGroup,
                i,
                format!("system-group-{i}"),
                json!({ "name": format!("System group {i:03}") }),
            )
        })
        .collect();
    let apps: Vec<String> = (0..config.applications)
        .map(|i| {
            add(
                &mut org,
                Kind::Application,
                i,
                format!("app-{i}"),
                json!({ "name": format!("App {i:02}") }),
            )
        })
        .collect();

    let sudo = |without_password: bool| -> Option<Attributes> {
        json!({ "sudo": { "enabled": true, "withoutPassword": without_password } })
            .as_object()
            .cloned()
    };
    // Random picks can repeat; a repeated edge is simply not added again.
    let pick = |rng: &mut fastrand::Rng, from: &[String]| -> Option<String> {
        (!from.is_empty()).then(|| from[rng.usize(..from.len())].clone())
    };

    for (i, user) in users.iter().enumerate() {
        for _ in 0..rng.usize(1..=3) {
            if let Some(group) = pick(&mut rng, &groups) {
                let _ = org.insert_edge(user, &group, None);
            }
        }
        if config.direct_binding_every > 0 && i % config.direct_binding_every == 0 {
            for _ in 0..rng.usize(1..=3) {
                if let Some(system) = pick(&mut rng, &systems) {
                    let _ = org.insert_edge(user, &system, sudo(rng.bool()));
                }
            }
        }
    }
    for system in &systems {
        if let Some(group) = pick(&mut rng, &system_groups) {
            let _ = org.insert_edge(system, &group, None);
        }
    }
    for group in &groups {
        for _ in 0..5 {
            if let Some(system) = pick(&mut rng, &systems) {
                let _ = org.insert_edge(group, &system, None);
            }
        }
        if let Some(system_group) = pick(&mut rng, &system_groups) {
            let _ = org.insert_edge(group, &system_group, sudo(false));
        }
        if let Some(app) = pick(&mut rng, &apps) {
            let _ = org.insert_edge(group, &app, None);
        }
    }

    if config.fan_out_user_systems > 0 {
        let fan_out = add(
            &mut org,
            Kind::User,
            config.users,
            GeneratorConfig::FAN_OUT_USER.to_owned(),
            json!({
                "username": "fan.out",
                "email": "fan.out@generated.example",
                "activated": true,
            }),
        );
        for system in systems.iter().take(config.fan_out_user_systems) {
            let _ = org.insert_edge(&fan_out, system, None);
        }
    }

    let key = AdminApiKey::new(
        config.api_key(),
        "Generated org admin".to_owned(),
        KeyScope::SingleTenant(org.id().to_owned()),
    );
    let service_account = OAuthClient::new(
        config.client_id(),
        config.client_secret(),
        "Generated org automation".to_owned(),
        KeyScope::SingleTenant(org.id().to_owned()),
    );
    Fixture::from_parts(vec![org], vec![key], vec![service_account])
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
        let (a, b) = (generate(&small(7)), generate(&small(7)));
        let ids = |f: &Fixture| -> Vec<String> {
            f.first_org().objects().map(|o| o.id().to_owned()).collect()
        };
        assert_eq!(ids(&a), ids(&b));
        assert_eq!(a.first_org().edges(), b.first_org().edges());
    }

    #[test]
    fn different_seeds_give_different_orgs() {
        let (a, b) = (generate(&small(7)), generate(&small(8)));
        assert_ne!(a.first_org().id(), b.first_org().id());
        assert_ne!(a.first_org().edges(), b.first_org().edges());
    }

    #[test]
    fn generated_ids_are_object_ids() {
        let fixture = generate(&small(u64::MAX));
        assert!(
            fixture
                .first_org()
                .objects()
                .all(|o| crate::model::is_object_id(o.id()))
        );
        assert!(crate::model::is_object_id(fixture.first_org().id()));
    }

    #[test]
    fn fan_out_user_is_bound_to_the_configured_number_of_systems() {
        let fixture = generate(&small(3));
        let edges = fixture
            .first_org()
            .edges_from(GeneratorConfig::FAN_OUT_USER);
        assert_eq!(edges.len(), 100);
        assert!(edges.iter().all(|e| e.to.kind == Kind::System));
    }
}
