//! Accepting and serving connections. Connections are served with hyper
//! directly rather than `axum::serve`, because some faults live below the
//! router: dropping or resetting a connection without an answer (the
//! service returns an error, and hyper closes the connection), and a body
//! that never completes.
//!
//! Two limits keep careless or hostile clients from holding the sandbox:
//! a request's head must arrive within the header read timeout (hyper's
//! timer closes the connection otherwise, also an idle keep-alive one), and
//! at most `max_connections` are open at once. At the cap, a new connection
//! takes the slot of the connection that has waited longest for a request
//! ([`slots`](super::slots)), so that a flood of half-sent requests cannot
//! keep others waiting; only while every connection is answering a request
//! do new ones wait, in the kernel's backlog.

use std::io;
use std::num::NonZeroU32;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use hyper::Request;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

use super::answering;
use super::dispatch::{self, Routers};
use super::rate_limit::KeyRateLimit;
use super::slots::{Slot, Slots};
use super::{admin, routes};
use crate::state::{OpenConnection, Shared};

/// How long open connections get to finish when the sandbox stops.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

/// The limits on connections; see the module docs.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ConnectionLimits {
    pub(crate) header_read_timeout: Option<Duration>,
    pub(crate) max_connections: usize,
    /// Requests a minute per credential (`rate_limit.rs`), if limited.
    pub(crate) rate_limit_per_key: Option<NonZeroU32>,
}

/// Accepts connections until the sandbox shuts down, then gives open
/// connections [`SHUTDOWN_GRACE`] to finish.
pub(crate) async fn serve(listener: TcpListener, shared: Arc<Shared>, limits: ConnectionLimits) {
    let routers = Routers {
        api: routes::api_router(Arc::clone(&shared)),
        admin: admin::router(Arc::clone(&shared)),
        rate_limit: limits
            .rate_limit_per_key
            .map(|per_minute| Arc::new(KeyRateLimit::new(per_minute))),
    };
    let slots = Slots::new(limits.max_connections);
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            (stream, slot) = next_connection(&listener, &slots) => {
                // Finished connections are reaped here rather than in a
                // branch of their own, which would cancel a connection
                // accepted and waiting for a slot.
                while connections.try_join_next().is_some() {}
                let open = shared.open_connection();
                connections.spawn(serve_connection(
                    stream,
                    Arc::clone(&shared),
                    routers.clone(),
                    limits.header_read_timeout,
                    (Arc::new(slot), open),
                ));
            }
            () = shared.shutting_down() => break,
        }
    }
    drop(listener);
    let drained = async { while connections.join_next().await.is_some() {} };
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, drained).await;
}

/// Waits for a connection, then for a slot for it ([`Slots::take`]).
async fn next_connection(listener: &TcpListener, slots: &Arc<Slots>) -> (TcpStream, Slot) {
    let stream = loop {
        match listener.accept().await {
            Ok((stream, _)) => break stream,
            Err(error) => {
                // Typically out of file descriptors: give connections a
                // moment to close rather than spinning.
                tracing::warn!(%error, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    };
    (stream, slots.take().await)
}

async fn serve_connection(
    stream: TcpStream,
    shared: Arc<Shared>,
    routers: Routers,
    header_read_timeout: Option<Duration>,
    // Held until the connection closes.
    (slot, _open): (Arc<Slot>, OpenConnection),
) {
    // Small JSON answers should not wait for Nagle's algorithm.
    let _ = stream.set_nodelay(true);
    let reset = Arc::new(AtomicBool::new(false));
    let io = TokioIo::new(Connection {
        stream,
        reset: Arc::clone(&reset),
    });
    let service_shared = Arc::clone(&shared);
    let service_slot = Arc::clone(&slot);
    let service = hyper::service::service_fn(move |request: Request<Incoming>| {
        let shared = Arc::clone(&service_shared);
        let routers = routers.clone();
        let reset = Arc::clone(&reset);
        let slot = Arc::clone(&service_slot);
        async move {
            let (request, answer) = answering::arrive(request, slot)?;
            let response = dispatch::handle(shared, routers, reset, request).await?;
            Ok::<_, Unanswered>(answer.send(response)?)
        }
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(header_read_timeout);
    let connection = builder.serve_connection(io, service);
    let mut connection = std::pin::pin!(connection);
    let result = tokio::select! {
        result = connection.as_mut() => result,
        // Dropping the connection closes it without an answer.
        () = slot.evicted() => {
            shared.connection_evicted();
            return;
        }
        () = shared.shutting_down() => {
            connection.as_mut().graceful_shutdown();
            tokio::time::timeout(SHUTDOWN_GRACE, connection).await.unwrap_or(Ok(()))
        }
    };
    if let Err(error) = result
        && error.is_timeout()
    {
        shared.header_read_timed_out();
    }
}

/// Why a request got no answer; hyper then closes the connection.
#[derive(Debug, thiserror::Error)]
enum Unanswered {
    #[error(transparent)]
    Dropped(#[from] dispatch::DropConnection),
    #[error(transparent)]
    Evicted(#[from] answering::Evicted),
}

/// A TCP connection that, when a fault asks for it, is reset (RST) instead
/// of closed (FIN) when hyper drops it.
struct Connection {
    stream: TcpStream,
    reset: Arc<AtomicBool>,
}

impl Drop for Connection {
    fn drop(&mut self) {
        if self.reset.load(Ordering::SeqCst) {
            let _ = self.stream.set_zero_linger();
        }
    }
}

impl AsyncRead for Connection {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Connection {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}
