//! The sandbox's own time per page: a generated user bound directly to
//! 10,000 systems, read as 100 pages of 100 with a plain reqwest loop (no
//! facade, no decoding), several rounds.
//!
//! `cargo bench -p jumpcloud-graph-sandbox --bench sandbox_pages`
//!
//! A plain `main` (no harness). It prints the first page of the first round
//! on its own (the sandbox computes the traversal then), and the minimum
//! and median per page over every other page. Round trips on loopback are
//! part of each figure; the client does nothing but read the body, so the
//! figures are the server's time plus loopback, and tests and benchmarks of
//! large orgs that stay well above them measure the client.

use std::time::{Duration, Instant};

use jumpcloud_graph_sandbox::{Fixture, GeneratorConfig, Sandbox};

const ROUNDS: usize = 5;
const PAGE: usize = 100;

#[tokio::main]
async fn main() {
    let config = GeneratorConfig::default();
    let sandbox = Sandbox::start(Fixture::generated(config.clone())).await;
    let user_id = sandbox
        .fixture()
        .first_org()
        .id_of(GeneratorConfig::FAN_OUT_USER)
        .to_owned();
    let url = format!("{}/users/{user_id}/systems", sandbox.base_url());
    let http = reqwest::Client::builder()
        .no_proxy()
        .tls_certs_only(std::iter::empty())
        .build()
        .expect("a reqwest client");
    let pages = config.fan_out_user_systems.div_ceil(PAGE);

    let mut first = None;
    let mut times: Vec<Duration> = Vec::with_capacity(ROUNDS * pages);
    for _ in 0..ROUNDS {
        for page in 0..pages {
            let started = Instant::now();
            let response = http
                .get(&url)
                .query(&[("limit", PAGE), ("skip", page * PAGE)])
                .header("x-api-key", config.api_key())
                .send()
                .await
                .expect("the sandbox answers");
            assert_eq!(response.status(), 200);
            let body = response.bytes().await.expect("a body");
            let elapsed = started.elapsed();
            assert!(body.len() > 2, "page {page} is empty");
            match first {
                None => first = Some(elapsed),
                Some(_) => times.push(elapsed),
            }
        }
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "sandbox_pages: {} systems in {pages} pages of {PAGE}, {ROUNDS} rounds: \
         first page {:.2} ms; then min {:.3} ms, median {:.3} ms, max {:.3} ms per page",
        config.fan_out_user_systems,
        ms(first.unwrap_or_default()),
        ms(times[0]),
        ms(times[times.len() / 2]),
        ms(times[times.len() - 1]),
    );
}
