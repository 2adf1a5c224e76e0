//! When a connection counts as answering a request, so that it keeps its
//! slot ([`super::slots`]): from the moment the request has fully arrived,
//! head and body, until its answer's body is done. Before that, a request
//! still arriving is as good as none: its connection may be closed to make
//! room, and the request is then never handled (nothing half-sent is
//! applied).

use std::error::Error;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};

use axum::body::{Body, Bytes};
use hyper::body::{Body as HttpBody, Frame, Incoming, SizeHint};
use hyper::{Request, Response};

use super::slots::Slot;

type BoxError = Box<dyn Error + Send + Sync>;

/// The request could not be answered: its connection is giving its slot to
/// a newcomer.
#[derive(Debug, thiserror::Error)]
#[error("the connection was closed to make room for another")]
pub(crate) struct Evicted;

/// One request's claim on its connection's slot, released when dropped.
struct Claim {
    slot: Arc<Slot>,
    begun: AtomicBool,
}

impl Claim {
    /// Marks the request as being answered (once); false when the
    /// connection is already giving its slot up.
    fn begin(&self) -> bool {
        if self.begun.load(Ordering::SeqCst) {
            return true;
        }
        let begun = self.slot.begin_answer();
        self.begun.store(begun, Ordering::SeqCst);
        begun
    }
}

impl Drop for Claim {
    fn drop(&mut self) {
        if self.begun.load(Ordering::SeqCst) {
            self.slot.end_answer();
        }
    }
}

/// Tracks `request` on the connection holding `slot`: answering from now
/// if it has no body, else once its body has been read to the end. Returns
/// the request to handle, and what its answer must pass through.
pub(crate) fn arrive(
    request: Request<Incoming>,
    slot: Arc<Slot>,
) -> Result<(Request<Body>, Answer), Evicted> {
    let claim = Arc::new(Claim {
        slot,
        begun: AtomicBool::new(false),
    });
    if request.body().is_end_stream() && !claim.begin() {
        return Err(Evicted);
    }
    let body_claim = Arc::clone(&claim);
    let request = request.map(|body| {
        Body::new(ArrivingBody {
            body,
            claim: body_claim,
        })
    });
    Ok((request, Answer { claim }))
}

/// Where a request's answer goes to keep the slot until its body is done.
pub(crate) struct Answer {
    claim: Arc<Claim>,
}

impl Answer {
    /// The answer, holding the slot until its body is done.
    pub(crate) fn send(self, response: Response<Body>) -> Result<Response<Body>, Evicted> {
        // Answered without reading the whole body (a 413): answering now.
        if !self.claim.begin() {
            return Err(Evicted);
        }
        let claim = self.claim;
        Ok(response.map(|body| {
            Body::new(AnswerBody {
                body,
                _claim: claim,
            })
        }))
    }
}

/// A request's body, which begins its answer when read to the end.
struct ArrivingBody {
    body: Incoming,
    claim: Arc<Claim>,
}

impl HttpBody for ArrivingBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.body).poll_frame(cx);
        let complete = match &polled {
            Poll::Ready(None) => true,
            Poll::Ready(Some(Ok(_))) => this.body.is_end_stream(),
            Poll::Ready(Some(Err(_))) | Poll::Pending => false,
        };
        if complete && !this.claim.begin() {
            return Poll::Ready(Some(Err(Evicted.into())));
        }
        polled.map_err(BoxError::from)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

/// An answer's body, holding its request's claim until it is done.
struct AnswerBody {
    body: Body,
    _claim: Arc<Claim>,
}

impl HttpBody for AnswerBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.get_mut().body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}
