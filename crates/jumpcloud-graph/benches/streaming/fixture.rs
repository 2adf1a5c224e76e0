//! The listings the static server serves: realistic traversal results,
//! serialized once.
//!
//! Each item looks like what `GET /users/{id}/systems` returns: a 24-hex
//! ObjectID, `type`, `compiledAttributes` with sudo and an `ldapGroups`
//! entry, and one or two paths of 1 to 3 edges (direct, through a user
//! group, through a user group and a device group), where the first edge
//! often omits `from` and many attributes are `null`.

use bytes::Bytes;
use serde_json::{Value, json};

/// The user bound to 10,000 systems (100 pages).
pub const USER: &str = "5f1b0c2e9c1a4b0012345678";

/// The user bound to 100,000 systems (1,000 pages), for the memory rows;
/// its first 100 pages are [`USER`]'s (paths start at [`USER`]).
pub const LARGE_USER: &str = "5f1b0c2e9c1a4b00123456ff";

/// Items per page, the server's maximum.
pub const PAGE: usize = 100;

/// One list, serialized: each full page once, and each item on its own
/// (slices of the pages, for requests with another `limit` or `skip`).
#[derive(Clone)]
pub struct Listing {
    pub pages: Vec<Bytes>,
    pub items: Vec<Bytes>,
}

impl Listing {
    /// `count` items (a multiple of [`PAGE`]), the same ones every time.
    pub fn generate(count: usize) -> Self {
        assert!(count.is_multiple_of(PAGE), "whole pages only");
        let mut rng = fastrand::Rng::with_seed(0x006a_6367_7261_7068);
        let groups = Groups::new(&mut rng);
        let mut pages = Vec::with_capacity(count / PAGE);
        let mut items = Vec::with_capacity(count);
        for page in 0..count / PAGE {
            let mut body = Vec::with_capacity(PAGE * 700);
            let mut spans = Vec::with_capacity(PAGE);
            body.push(b'[');
            for n in page * PAGE..(page + 1) * PAGE {
                if n % PAGE != 0 {
                    body.push(b',');
                }
                let start = body.len();
                serde_json::to_writer(&mut body, &item(n, &groups, &mut rng))
                    .expect("serializing a JSON value cannot fail");
                spans.push(start..body.len());
            }
            body.push(b']');
            let body = Bytes::from(body);
            items.extend(spans.into_iter().map(|span| body.slice(span)));
            pages.push(body);
        }
        Self { pages, items }
    }

    /// The first `count` items (a multiple of [`PAGE`]), sharing the bytes.
    pub fn prefix(&self, count: usize) -> Self {
        assert!(count.is_multiple_of(PAGE) && count <= self.items.len());
        Self {
            pages: self.pages[..count / PAGE].to_vec(),
            items: self.items[..count].to_vec(),
        }
    }

    /// How many items the list holds (its `x-total-count`).
    pub fn total(&self) -> usize {
        self.items.len()
    }

    /// The body for `skip` and `limit`: a precomputed page when the
    /// request is aligned, otherwise assembled from the items.
    pub fn body(&self, skip: usize, limit: usize) -> Bytes {
        if limit == PAGE
            && skip.is_multiple_of(PAGE)
            && let Some(page) = self.pages.get(skip / PAGE)
        {
            return page.clone();
        }
        let start = skip.min(self.items.len());
        let end = start.saturating_add(limit).min(self.items.len());
        let mut body = Vec::from(&b"["[..]);
        for (i, item) in self.items[start..end].iter().enumerate() {
            if i > 0 {
                body.push(b',');
            }
            body.extend_from_slice(item);
        }
        body.push(b']');
        body.into()
    }

    /// The average page size in bytes.
    pub fn page_bytes(&self) -> usize {
        self.pages.iter().map(Bytes::len).sum::<usize>() / self.pages.len().max(1)
    }
}

/// The groups paths go through.
struct Groups {
    user_groups: Vec<(String, String)>,
    system_groups: Vec<String>,
}

impl Groups {
    fn new(rng: &mut fastrand::Rng) -> Self {
        let teams = ["engineering", "ops", "finance", "support", "design"];
        Self {
            user_groups: (0..20)
                .map(|n| {
                    let name = format!("{}-{n}", teams[rng.usize(..teams.len())]);
                    (object_id(0x5e00_0000, n), name)
                })
                .collect(),
            system_groups: (0..50).map(|n| object_id(0x5f00_0000, n)).collect(),
        }
    }
}

fn object_id(time: u32, n: usize) -> String {
    format!("{time:08x}{:016x}", n as u64)
}

fn sudo(rng: &mut fastrand::Rng) -> Value {
    json!({"enabled": true, "withoutPassword": rng.bool()})
}

fn node(id: &str, kind: &str, attributes: Value) -> Value {
    json!({"id": id, "type": kind, "attributes": attributes})
}

/// One path from the user to `system`, of 1 to 3 edges.
fn path(system: &str, groups: &Groups, rng: &mut fastrand::Rng) -> Value {
    let user = json!({"id": USER, "type": "user"});
    let binding = if rng.bool() { sudo(rng) } else { Value::Null };
    let target = node(system, "system", Value::Null);
    let mut edges = Vec::new();
    let hops = match rng.u8(..10) {
        0..=3 => 1,
        4..=7 => 2,
        _ => 3,
    };
    let mut from = user;
    if hops >= 2 {
        let (id, name) = &groups.user_groups[rng.usize(..groups.user_groups.len())];
        let attributes = if rng.bool() {
            json!({"ldapGroups": [{"name": name}]})
        } else {
            Value::Null
        };
        let group = node(id, "user_group", attributes);
        edges.push(edge(Some(from), group.clone(), Value::Null, rng));
        from = json!({"id": id, "type": "user_group"});
    }
    if hops == 3 {
        let id = &groups.system_groups[rng.usize(..groups.system_groups.len())];
        let group = node(id, "system_group", Value::Null);
        edges.push(edge(Some(from), group, json!({}), rng));
        from = json!({"id": id, "type": "system_group"});
    }
    edges.push(edge(Some(from), target, binding, rng));
    Value::Array(edges)
}

/// An edge; `from` is omitted about half the time (JumpCloud omits it when
/// it is clear from context).
fn edge(from: Option<Value>, to: Value, attributes: Value, rng: &mut fastrand::Rng) -> Value {
    let mut edge = json!({"to": to, "attributes": attributes});
    if let Some(from) = from.filter(|_| rng.bool()) {
        edge["from"] = from;
    }
    edge
}

fn item(n: usize, groups: &Groups, rng: &mut fastrand::Rng) -> Value {
    let id = object_id(0x64b0_0000, n);
    let (_, ldap) = &groups.user_groups[rng.usize(..groups.user_groups.len())];
    let compiled = match rng.u8(..10) {
        0 => json!({}),
        _ => json!({"sudo": sudo(rng), "ldapGroups": [{"name": ldap}]}),
    };
    let mut paths = vec![path(&id, groups, rng)];
    if rng.u8(..100) < 15 {
        paths.push(path(&id, groups, rng));
    }
    json!({"id": id, "type": "system", "compiledAttributes": compiled, "paths": paths})
}
