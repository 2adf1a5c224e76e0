//! How fast the client streams a user bound to 10,000 systems from the
//! sandbox: 100 pages of 100, each a full traversal on the server, decoded
//! into typed results on the client.
//!
//! `cargo bench -p jumpcloud-graph-sandbox --bench stream_fan_out`
//!
//! A plain `main` (no harness): it prints the median of a few runs. It
//! measures the client and the sandbox together on loopback, so it tracks
//! regressions in either; it says nothing about JumpCloud's own latency.

use std::time::{Duration, Instant};

use futures::TryStreamExt;
use jumpcloud_graph_sandbox::{Fixture, GeneratorConfig, Sandbox};

const RUNS: usize = 5;

#[tokio::main]
async fn main() {
    let config = GeneratorConfig::default();
    let sandbox = Sandbox::start(Fixture::generated(config.clone())).await;
    let user_id = sandbox
        .fixture()
        .first_org()
        .id_of(GeneratorConfig::FAN_OUT_USER)
        .to_string();
    let client = sandbox.client_with(|b| b.api_key(config.api_key()));
    let user = client.user(user_id.as_str()).expect("a generated id");

    let mut times: Vec<Duration> = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let started = Instant::now();
        let mut items = 0usize;
        let mut stream = user.systems().stream();
        while let Some(_system) = stream.try_next().await.expect("the sandbox answers") {
            items += 1;
        }
        assert_eq!(items, config.fan_out_user_systems);
        times.push(started.elapsed());
    }
    times.sort();
    let median = times[RUNS / 2];
    let items = config.fan_out_user_systems as f64;
    println!(
        "stream_fan_out: {} systems in {} pages, median of {RUNS} runs {:.1} ms \
         ({:.0} items/s, {:.1} ms per page; fastest {:.1} ms, slowest {:.1} ms)",
        config.fan_out_user_systems,
        config.fan_out_user_systems.div_ceil(100),
        median.as_secs_f64() * 1e3,
        items / median.as_secs_f64(),
        median.as_secs_f64() * 1e3 / (items / 100.0),
        times[0].as_secs_f64() * 1e3,
        times[RUNS - 1].as_secs_f64() * 1e3,
    );
}
