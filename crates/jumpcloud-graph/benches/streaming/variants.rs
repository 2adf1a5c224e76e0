//! The ways of reading one user's systems that the benchmark compares:
//! the transport alone, a raw reqwest + serde loop, the generated client,
//! and the facade.
//!
//! Each reads the whole list once, item by item, and returns how many
//! items it saw; every item passes through `black_box` so nothing is
//! optimised away.

use std::hint::black_box;

use futures::{StreamExt, TryStreamExt, stream};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::fixture::PAGE;

/// An API key the server does not check (the clients insist on one).
pub const API_KEY: &str = "bench-api-key-0123456789abcdef0123456789";

/// One way of reading the list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    /// reqwest, the body as bytes, no decoding: the server and the HTTP
    /// stack alone.
    Transport,
    /// reqwest + `serde_json::from_slice` into plain structs, with this
    /// many pages in flight after the first.
    Raw(usize),
    /// The generated client (`graph_user_traverse_system`), one page at a
    /// time.
    Generated,
    /// The facade's `systems().stream()`, with `prefetch(n)` or (None) the
    /// default.
    Facade(Option<usize>),
}

/// The facade's default prefetch, as documented.
pub const DEFAULT_PREFETCH: usize = 4;

impl Variant {
    /// The row label.
    pub fn label(self) -> String {
        match self {
            Variant::Transport => "transport only (bytes, no decoding)".into(),
            Variant::Raw(1) => "raw reqwest + serde, sequential".into(),
            Variant::Raw(n) => format!("raw reqwest + serde, {n} in flight"),
            Variant::Generated => "generated client, sequential".into(),
            Variant::Facade(Some(n)) => format!("facade, prefetch({n})"),
            Variant::Facade(None) => format!("facade, default ({DEFAULT_PREFETCH})"),
        }
    }

    /// How many pages it has in flight after the first.
    pub fn depth(self) -> usize {
        match self {
            Variant::Transport | Variant::Generated => 1,
            Variant::Raw(n) => n,
            Variant::Facade(n) => n.unwrap_or(DEFAULT_PREFETCH),
        }
    }

    /// The raw row this one is compared with: the raw loop at the same
    /// depth (sequential for the transport and the generated client).
    pub fn baseline(self) -> Variant {
        Variant::Raw(self.depth())
    }
}

/// The clients, built once so that every run reuses warm connections.
pub struct Clients {
    base_url: String,
    http: reqwest::Client,
    generated: jumpcloud_graph_openapi::Client,
    facade: jumpcloud_graph::Client,
}

impl Clients {
    pub fn new(base_url: &str) -> Self {
        let defaults = jumpcloud_graph_openapi::RequestDefaults::new()
            .with_api_key(API_KEY)
            .expect("a valid header value");
        Self {
            base_url: base_url.into(),
            http: reqwest::Client::new(),
            generated: jumpcloud_graph_openapi::Client::new(base_url, defaults),
            facade: facade_client(base_url, |builder| builder),
        }
    }

    /// Reads the user's whole list as `variant`; the number of items seen.
    pub async fn run(&self, variant: Variant, user: &str) -> usize {
        match variant {
            Variant::Transport => self.transport(user).await,
            Variant::Raw(1) => self.raw_sequential(user).await,
            Variant::Raw(n) => self.raw_concurrent(user, n).await,
            Variant::Generated => self.generated(user).await,
            Variant::Facade(prefetch) => facade(&self.facade, user, prefetch).await,
        }
    }

    /// Reads the first page only, through `variant`'s client.
    pub async fn first_page(&self, variant: Variant, user: &str) {
        match variant {
            Variant::Facade(_) => {
                let list = self.facade.user(user).expect("an ObjectID").systems();
                let mut pages = list.prefetch(1).pages();
                pages.try_next().await.expect("the static server answers");
            }
            Variant::Generated => {
                let response = self
                    .generated
                    .graph_user_traverse_system()
                    .user_id(user)
                    .limit(PAGE as i64)
                    .send()
                    .await
                    .expect("the static server answers");
                black_box(response.into_inner());
            }
            Variant::Transport | Variant::Raw(_) => {
                black_box(self.raw_page(&self.url(user), 0).await);
            }
        }
    }

    fn url(&self, user: &str) -> String {
        format!("{}/users/{user}/systems", self.base_url)
    }

    /// One page as bytes, with the total.
    async fn page_bytes(&self, url: &str, skip: usize) -> (bytes::Bytes, usize) {
        let response = self
            .http
            .get(url)
            .query(&[("limit", PAGE), ("skip", skip)])
            .header("x-api-key", API_KEY)
            .send()
            .await
            .expect("the static server answers");
        assert!(response.status().is_success(), "{}", response.status());
        let total = total_count(response.headers());
        let body = response.bytes().await.expect("a whole body");
        (body, total)
    }

    async fn transport(&self, user: &str) -> usize {
        let url = self.url(user);
        let (mut skip, mut total, mut bytes) = (0, 1, 0);
        while skip < total {
            let (body, count) = self.page_bytes(&url, skip).await;
            bytes += black_box(body).len();
            total = count;
            skip += PAGE;
        }
        black_box(bytes);
        total
    }

    async fn raw_page(&self, url: &str, skip: usize) -> (Vec<RawItem>, usize) {
        let (body, total) = self.page_bytes(url, skip).await;
        let items: Vec<RawItem> = serde_json::from_slice(&body).expect("a page of items");
        (items, total)
    }

    async fn raw_sequential(&self, user: &str) -> usize {
        let url = self.url(user);
        let (mut skip, mut total, mut seen) = (0, 1, 0);
        while skip < total {
            let (items, count) = self.raw_page(&url, skip).await;
            total = count;
            skip += items.len().max(1);
            for item in items {
                seen += 1;
                black_box(item);
            }
        }
        seen
    }

    async fn raw_concurrent(&self, user: &str, depth: usize) -> usize {
        let url = self.url(user);
        let (first, total) = self.raw_page(&url, 0).await;
        let mut seen = first.len();
        black_box(first);
        let mut rest = stream::iter((PAGE..total).step_by(PAGE))
            .map(|skip| self.raw_page(&url, skip))
            .buffered(depth);
        while let Some((items, _)) = rest.next().await {
            for item in items {
                seen += 1;
                black_box(item);
            }
        }
        seen
    }

    async fn generated(&self, user: &str) -> usize {
        let (mut skip, mut total, mut seen) = (0, 1, 0);
        while skip < total {
            let response = self
                .generated
                .graph_user_traverse_system()
                .user_id(user)
                .limit(PAGE as i64)
                .skip(skip as u64)
                .send()
                .await
                .expect("the static server answers");
            total = total_count(response.headers());
            let items = response.into_inner();
            skip += items.len().max(1);
            for item in items {
                seen += 1;
                black_box(item);
            }
        }
        seen
    }
}

/// A facade client for the static server, configured further by `more`.
pub fn facade_client(
    base_url: &str,
    more: impl FnOnce(jumpcloud_graph::ClientBuilder) -> jumpcloud_graph::ClientBuilder,
) -> jumpcloud_graph::Client {
    more(
        jumpcloud_graph::Client::builder()
            .api_key(API_KEY)
            .base_url(base_url),
    )
    .build()
    .expect("a valid configuration")
}

/// Streams the user's systems item by item through the facade.
pub async fn facade(
    client: &jumpcloud_graph::Client,
    user: &str,
    prefetch: Option<usize>,
) -> usize {
    let mut list = client.user(user).expect("an ObjectID").systems();
    if let Some(pages) = prefetch {
        list = list.prefetch(pages);
    }
    let mut stream = list.stream();
    let mut seen = 0;
    while let Some(system) = stream.try_next().await.expect("the static server answers") {
        seen += 1;
        black_box(system);
    }
    seen
}

fn total_count(headers: &reqwest::header::HeaderMap) -> usize {
    headers
        .get("x-total-count")
        .and_then(|value| value.to_str().ok()?.parse().ok())
        .expect("the static server sends x-total-count")
}

/// A traversal result as a hand-written client would decode it: the wire
/// shape, ids as strings, attributes as JSON maps. The fields are only
/// decoded (and passed to `black_box`), as the facade's are.
#[derive(Deserialize)]
#[expect(dead_code, reason = "decoded to be measured, not read")]
pub struct RawItem {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    #[serde(rename = "compiledAttributes", default)]
    compiled_attributes: Option<Map<String, Value>>,
    paths: Vec<Vec<RawEdge>>,
}

#[derive(Deserialize)]
#[expect(dead_code, reason = "decoded to be measured, not read")]
struct RawEdge {
    #[serde(default)]
    from: Option<RawNode>,
    to: RawNode,
    #[serde(default)]
    attributes: Option<Map<String, Value>>,
}

#[derive(Deserialize)]
#[expect(dead_code, reason = "decoded to be measured, not read")]
struct RawNode {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    attributes: Option<Map<String, Value>>,
}
