//! `cargo bench -p jumpcloud-graph --bench revoke_plan`: how long a revoke
//! plan takes to compute on hostile shapes of 10,000 paths to one device,
//! served by wiremock from precomputed bodies. Planning time is the time
//! of `revoke_plan` less that of `access_report` (both fetch the same nine
//! lists); minimum of the runs. The plan's size is checked against the
//! known minimum cut; a miss fails the run.

use std::time::{Duration, Instant};

use jumpcloud_graph::{Client, TraversalKind};
use serde_json::{Value, json};
use wiremock::matchers::{method, path_regex, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const USER: &str = "651000000000000000000001";
const DEVICE: &str = "653000000000000000000001";
const RUNS: usize = 15;

fn id(code: &str, i: usize) -> String {
    format!("{code}{i:021x}")
}

fn hop(kind: &str, id: &str) -> Value {
    json!({"attributes": null, "to": {"id": id, "type": kind}})
}

fn object(kind: &str, id: &str, paths: Vec<Value>) -> Value {
    json!({"id": id, "type": kind, "compiledAttributes": null, "paths": paths})
}

/// A shape: the device's paths, other objects by traversal, the groups.
struct Shape {
    name: &'static str,
    systems: Vec<Value>,
    system_groups: Vec<Value>,
    groups: Vec<Value>,
    min_cut: usize,
}

/// `memberof`: the user in `n` groups.
fn groups(n: usize) -> Vec<Value> {
    (0..n)
        .map(|g| {
            let group = id("652", g);
            object(
                "user_group",
                &group,
                vec![json!([hop("user_group", &group)])],
            )
        })
        .collect()
}

/// The user in 10,000 groups, each bound to the device.
fn ten_thousand_groups() -> Shape {
    let n = 10_000;
    let paths = (0..n)
        .map(|g| json!([hop("user_group", &id("652", g)), hop("system", DEVICE)]))
        .collect();
    let groups = groups(n);
    Shape {
        name: "10,000 groups bound to the device",
        systems: vec![object("system", DEVICE, paths)],
        system_groups: Vec::new(),
        groups,
        min_cut: n,
    }
}

/// 100 groups, each bound to 100 device groups that hold the device.
fn grid() -> Shape {
    let mut paths = Vec::new();
    let mut sg_paths: Vec<Vec<Value>> = vec![Vec::new(); 100];
    for g in 0..100 {
        for (sg, sg_path) in sg_paths.iter_mut().enumerate() {
            let to_group = hop("user_group", &id("652", g));
            let to_sg = hop("system_group", &id("654", sg));
            paths.push(json!([to_group, to_sg, hop("system", DEVICE)]));
            sg_path.push(json!([to_group, to_sg]));
        }
    }
    let groups = groups(100);
    Shape {
        name: "100 groups x 100 device groups",
        systems: vec![object("system", DEVICE, paths)],
        system_groups: sg_paths
            .into_iter()
            .enumerate()
            .map(|(sg, p)| object("system_group", &id("654", sg), p))
            .collect(),
        groups,
        min_cut: 100,
    }
}

fn page(items: &[Value], total: usize) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("x-total-count", total.to_string().as_str())
        .set_body_json(Value::Array(items.to_vec()))
}

/// Serves `list` page by page at `suffix`.
async fn serve(server: &MockServer, suffix: &str, list: &[Value]) {
    for (i, chunk) in list.chunks(100).enumerate() {
        Mock::given(method("GET"))
            .and(path_regex(format!("/users/{USER}/{suffix}$")))
            .and(query_param("skip", (i * 100).to_string().as_str()))
            .respond_with(page(chunk, list.len()))
            .with_priority(1)
            .mount(server)
            .await;
    }
}

async fn measure(shape: Shape) -> (Duration, Duration) {
    let server = MockServer::start().await;
    serve(&server, "systems", &shape.systems).await;
    serve(&server, "systemgroups", &shape.system_groups).await;
    serve(&server, "memberof", &shape.groups).await;
    Mock::given(method("GET"))
        .respond_with(page(&[], 0))
        .with_priority(10)
        .mount(&server)
        .await;
    let client = Client::builder()
        .api_key("bench-api-key-7f3e9a2c41d8")
        .base_url(format!("{}/api/v2", server.uri()))
        .build()
        .expect("client");
    let user = client.user(USER).expect("user");
    let (mut fetch, mut plan) = (Duration::MAX, Duration::MAX);
    for _ in 0..RUNS {
        let start = Instant::now();
        user.access_report().await.expect("report");
        fetch = fetch.min(start.elapsed());
        let start = Instant::now();
        let made = user
            .revoke_plan(TraversalKind::System, DEVICE)
            .await
            .expect("plan");
        plan = plan.min(start.elapsed());
        assert_eq!(made.steps().len(), shape.min_cut, "{}", shape.name);
        assert_eq!(made.paths().len(), 10_000, "{}", shape.name);
    }
    (fetch, plan)
}

#[tokio::main]
async fn main() {
    println!("| shape | paths | report ms | report + plan ms | plan ms |");
    println!("|---|---:|---:|---:|---:|");
    for shape in [ten_thousand_groups(), grid()] {
        let name = shape.name;
        let (fetch, plan) = measure(shape).await;
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        println!(
            "| {name} | 10,000 | {:.1} | {:.1} | {:.1} |",
            ms(fetch),
            ms(plan),
            ms(plan.saturating_sub(fetch))
        );
    }
}
