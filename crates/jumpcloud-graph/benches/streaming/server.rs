//! The static page server: `GET /api/v2/users/{id}/systems?limit=&skip=`
//! answered from precomputed bytes with `x-total-count`, after an
//! injectable latency, counting the requests in flight.
//!
//! It runs on a thread and a single-threaded runtime of its own, so it
//! never competes with the client for the client's worker threads, and it
//! does no work per request beyond routing and a reference-counted copy of
//! the page (the "transport only" row measures it with the client's HTTP
//! stack and no decoding).

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;

use crate::fixture::Listing;

/// The server thread's name (at most 15 bytes, Linux's limit), by which
/// the CPU accounting leaves it out.
pub const THREAD_NAME: &str = "page-server";

/// A running server; it lives until the process ends.
#[derive(Clone)]
pub struct Server {
    addr: SocketAddr,
    state: Arc<State>,
}

struct State {
    /// Listings by user id.
    listings: HashMap<String, Listing>,
    latency_micros: AtomicU64,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    requests: AtomicU64,
}

/// Counts a request in flight until dropped, also when the client goes
/// away mid-request.
struct InFlight<'a>(&'a State);

impl<'a> InFlight<'a> {
    fn enter(state: &'a State) -> Self {
        let now = state.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        state.max_in_flight.fetch_max(now, Ordering::SeqCst);
        state.requests.fetch_add(1, Ordering::Relaxed);
        Self(state)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Server {
    /// Starts serving `listings` (by user id) on 127.0.0.1.
    pub fn start(listings: HashMap<String, Listing>) -> Self {
        let state = Arc::new(State {
            listings,
            latency_micros: AtomicU64::new(0),
            in_flight: AtomicUsize::new(0),
            max_in_flight: AtomicUsize::new(0),
            requests: AtomicU64::new(0),
        });
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime for the server");
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("a loopback port");
        let addr = listener.local_addr().expect("the bound address");
        let serving = state.clone();
        std::thread::Builder::new()
            .name(THREAD_NAME.into())
            .spawn(move || runtime.block_on(accept(listener, serving)))
            .expect("a server thread");
        Self { addr, state }
    }

    /// The base URL clients use, `http://127.0.0.1:port/api/v2`.
    pub fn base_url(&self) -> String {
        format!("http://{}/api/v2", self.addr)
    }

    /// The latency added before every response from now on.
    pub fn set_latency(&self, latency: Duration) {
        let micros = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX);
        self.state.latency_micros.store(micros, Ordering::SeqCst);
    }

    /// Starts a new measurement: the peak of requests in flight is reset
    /// to those in flight now.
    pub fn reset_peak(&self) {
        let now = self.state.in_flight.load(Ordering::SeqCst);
        self.state.max_in_flight.store(now, Ordering::SeqCst);
    }

    /// The most requests in flight at once since the last reset.
    pub fn peak_in_flight(&self) -> usize {
        self.state.max_in_flight.load(Ordering::SeqCst)
    }

    /// Requests received so far.
    pub fn requests(&self) -> u64 {
        self.state.requests.load(Ordering::SeqCst)
    }
}

async fn accept(listener: tokio::net::TcpListener, state: Arc<State>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        let state = state.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request| {
                let state = state.clone();
                async move { Ok::<_, Infallible>(respond(&state, request).await) }
            });
            // A client dropping its connection is not the server's concern.
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

async fn respond(state: &State, request: Request<Incoming>) -> Response<Full<Bytes>> {
    let _in_flight = InFlight::enter(state);
    let latency = state.latency_micros.load(Ordering::SeqCst);
    if latency > 0 {
        tokio::time::sleep(Duration::from_micros(latency)).await;
    }
    let listing = request
        .uri()
        .path()
        .strip_prefix("/api/v2/users/")
        .and_then(|rest| rest.strip_suffix("/systems"))
        .and_then(|user| state.listings.get(user));
    let Some(listing) = listing else {
        return status(StatusCode::NOT_FOUND);
    };
    let (mut limit, mut skip) = (10, 0);
    for (name, value) in form_urlencoded::parse(request.uri().query().unwrap_or("").as_bytes()) {
        let Ok(value) = value.parse::<usize>() else {
            return status(StatusCode::BAD_REQUEST);
        };
        match &*name {
            "limit" => limit = value.min(100),
            "skip" => skip = value,
            _ => {}
        }
    }
    Response::builder()
        .header("content-type", "application/json")
        .header("x-total-count", listing.total())
        .body(Full::new(listing.body(skip, limit)))
        .expect("a valid response")
}

fn status(code: StatusCode) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::new()));
    *response.status_mut() = code;
    response
}
