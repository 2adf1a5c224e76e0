//! Decoding alone: the same pages, already in memory, decoded by each
//! client's decoder, to tell decoding apart from I/O in the streaming rows.
//!
//! The facade's decoder is reached through its `fuzzing` module, which the
//! crate's dev-dependency on itself enables for tests and benches.

use std::hint::black_box;
use std::time::{Duration, Instant};

use jumpcloud_graph::ObjectId;

use crate::fixture::{Listing, PAGE, USER};
use crate::variants::RawItem;

/// One decoder over all pages, over all its runs.
pub struct Decoding {
    pub name: &'static str,
    pub min: Duration,
    pub median: Duration,
    /// The bytes decoded per run.
    pub bytes: usize,
}

type Decoder = fn(&[u8]) -> usize;

fn raw(body: &[u8]) -> usize {
    let items: Vec<RawItem> = serde_json::from_slice(body).expect("a page");
    black_box(items).len()
}

fn generated(body: &[u8]) -> usize {
    let items: Vec<jumpcloud_graph_openapi::types::GraphObjectWithPaths> =
        serde_json::from_slice(body).expect("a page");
    black_box(items).len()
}

fn facade(body: &[u8]) -> usize {
    let user: ObjectId = USER.parse().expect("an ObjectID");
    let items = jumpcloud_graph::fuzzing::decode_bound_objects(user, body, PAGE).expect("a page");
    black_box(items).len()
}

/// Decodes every page of `listing` with each decoder, `runs` times,
/// interleaved.
pub fn measure(listing: &Listing, runs: usize) -> Vec<Decoding> {
    let decoders: [(&'static str, Decoder); 3] = [
        ("raw serde structs (String ids, JSON maps)", raw),
        ("generated types (jumpcloud-graph-openapi)", generated),
        ("facade (BoundObject, one pass)", facade),
    ];
    let bytes: usize = listing.pages.iter().map(|page| page.len()).sum();
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); decoders.len()];
    for run in 0..=runs {
        for (k, (name, decode)) in decoders.iter().enumerate() {
            let started = Instant::now();
            let items: usize = listing.pages.iter().map(|page| decode(page)).sum();
            let elapsed = started.elapsed();
            assert_eq!(items, listing.total(), "{name} lost items");
            // Run 0 warms the caches and the allocator.
            if run > 0 {
                times[k].push(elapsed);
            }
        }
    }
    decoders
        .iter()
        .zip(times)
        .map(|((name, _), mut times)| {
            times.sort();
            Decoding {
                name,
                min: times[0],
                median: times[times.len() / 2],
                bytes,
            }
        })
        .collect()
}
