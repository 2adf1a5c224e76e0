//! Verifying a revoke under association lag: JumpCloud answers a removal
//! at once but may show it in traversals only later (its status page has
//! recorded delays of hours), so one re-read right after the writes can
//! show edges that are already gone. [`verify`] reads the object again,
//! with backoff, until a re-read no longer shows any removed edge or the
//! plan's verify deadline passes.
//!
//! Each poll is one traversal of the target's kind, stopped at the object
//! (never a whole access report). Waits grow from 1 s to 16 s with jitter
//! (each drawn from the upper half of its bound, so polls never bunch up),
//! the last one is cut to end at the deadline, and no poll starts after
//! it: however the server's answers change from poll to poll, the loop
//! ends then. Every poll decides every step anew from that one re-read, so
//! the outcome always describes a single, consistent view. Dropping the
//! future stops the polling; nothing runs in the background.

use std::fmt;
use std::time::Duration;

use tokio::time::Instant;

use super::super::find_bound;
use super::{AppliedStep, RevokeError, RevokeOutcome, RevokePlan};

/// The first wait between two re-reads, at most.
const FIRST_WAIT: Duration = Duration::from_secs(1);
/// The longest wait between two re-reads.
const MAX_WAIT: Duration = Duration::from_secs(16);

/// Whether [`RevokePlan::apply`](crate::RevokePlan::apply) saw its removals
/// take effect ([`RevokeOutcome::verification`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Verification {
    /// A re-read shows none of the removed edges on a path to the object:
    /// every step is [`Removed`](crate::StepStatus::Removed) or
    /// [`AlreadyAbsent`](crate::StepStatus::AlreadyAbsent). Whether the
    /// rest is as the plan predicted is
    /// [`RevokeOutcome::matches_prediction`]: a change made meanwhile by
    /// someone else (a new group binding, say) can make the re-read differ,
    /// which is then "verified, with differences", with an
    /// [`UnexpectedOutcome`](crate::AccessWarning::UnexpectedOutcome)
    /// warning; apply does not wait for such a difference to go away.
    Verified,
    /// JumpCloud answered every removal, but until the verify deadline
    /// ([`RevokePlan::verify_timeout`](crate::RevokePlan::verify_timeout))
    /// every re-read still showed at least one removed edge:
    /// JumpCloud processes association changes asynchronously, sometimes
    /// for hours. The steps it still showed are
    /// [`Unverified`](crate::StepStatus::Unverified). Applying the plan
    /// again later is safe and checks again.
    NotYetVisible,
    /// A step's write failed, or a re-read did; see [`RevokeError`]. Steps
    /// written before a failed write are checked by one re-read only.
    Failed,
}

impl Verification {
    /// A stable name: `verified`, `not_yet_visible`, `failed`.
    pub fn name(self) -> &'static str {
        match self {
            Verification::Verified => "verified",
            Verification::NotYetVisible => "not_yet_visible",
            Verification::Failed => "failed",
        }
    }
}

impl fmt::Display for Verification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Waits between re-reads: doubling bounds from [`FIRST_WAIT`] to
/// [`MAX_WAIT`], each wait drawn from the upper half of its bound.
struct Backoff {
    bound: Duration,
}

impl Backoff {
    fn new() -> Self {
        Backoff { bound: FIRST_WAIT }
    }

    fn next(&mut self) -> Duration {
        let bound = self.bound;
        self.bound = bound.saturating_mul(2).min(MAX_WAIT);
        let bound_ms = u64::try_from(bound.as_millis()).unwrap_or(u64::MAX);
        Duration::from_millis(fastrand::u64(bound_ms / 2..=bound_ms))
    }
}

/// Re-reads the object until no removed edge shows or the deadline passes;
/// `steps` are the answered steps, all still unverified. See the module
/// docs.
pub(super) async fn verify(
    plan: &RevokePlan,
    steps: Vec<AppliedStep>,
) -> Result<RevokeOutcome, RevokeError> {
    let started = Instant::now();
    let deadline = started.checked_add(plan.verify_timeout).unwrap_or(started);
    let mut backoff = Backoff::new();
    let mut rereads: u32 = 0;
    let mut last: Option<RevokeOutcome> = None;
    // When the current re-read started; the first starts the clock.
    let mut polled = started;
    loop {
        let after = match find_bound(&plan.user, plan.kind, &plan.target).await {
            Ok(after) => after,
            Err(error) => {
                let mut outcome = last.unwrap_or_else(|| RevokeOutcome::new(plan, steps, None));
                outcome.verification = Verification::Failed;
                return Err(RevokeError {
                    error,
                    outcome: Box::new(outcome),
                });
            }
        };
        rereads = rereads.saturating_add(1);
        let mut outcome = RevokeOutcome::new(plan, steps.clone(), Some(after));
        outcome.rereads = rereads;
        outcome.waited = polled.saturating_duration_since(started);
        if outcome.is_complete() {
            outcome.verification = Verification::Verified;
            return Ok(outcome);
        }
        let now = Instant::now();
        if now >= deadline {
            outcome.verification = Verification::NotYetVisible;
            return Ok(outcome);
        }
        let wake = now
            .checked_add(backoff.next())
            .map_or(deadline, |at| at.min(deadline));
        tracing::info!(
            target = %plan.target,
            rereads,
            unverified = outcome.unverified().count(),
            wait_ms = wake.saturating_duration_since(now).as_millis() as u64,
            "the re-read still shows removed edges; reading again"
        );
        last = Some(outcome);
        tokio::time::sleep_until(wake).await;
        polled = Instant::now();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_to_the_cap_and_stay_in_the_upper_half() {
        let mut backoff = Backoff::new();
        let bounds = [1, 2, 4, 8, 16, 16, 16].map(Duration::from_secs);
        for bound in bounds {
            let wait = backoff.next();
            assert!(bound / 2 <= wait && wait <= bound, "{wait:?} for {bound:?}");
        }
    }
}
