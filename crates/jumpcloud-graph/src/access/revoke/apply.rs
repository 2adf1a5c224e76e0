//! Running a plan's executable steps, then reading the object again (with
//! backoff, under association lag: see `verify.rs`) to see which edges are
//! really gone.

use super::super::find_bound;
use super::verify::{self, Verification};
use super::{AppliedStep, RevokeError, RevokeOutcome, RevokePlan, RevokeStep};
use crate::{AssociationTarget, Ensured, Error, ObjectId};

impl RevokePlan {
    /// Runs the executable steps in order with
    /// [`User::ensure_dissociated`](crate::User::ensure_dissociated), never
    /// the others; then traverses again and reports each step's
    /// [`StepStatus`](crate::StepStatus), what still grants the object and
    /// the effective sudo now.
    ///
    /// Only a re-read calls an edge gone: a step JumpCloud answered
    /// (removed, or 404) whose edge the re-read still shows on a path to
    /// the object is [`Unverified`](crate::StepStatus::Unverified), never
    /// "already absent". JumpCloud processes association changes
    /// asynchronously, so when the first re-read still shows a removed
    /// edge, apply reads the object again (one traversal of the plan's
    /// kind each time), with backoff from 1 s to 16 s, until a re-read
    /// shows none of them ([`Verification::Verified`]) or
    /// [`verify_timeout`](Self::verify_timeout) has passed
    /// ([`Verification::NotYetVisible`], still `Ok`: every write was
    /// accepted). [`RevokeOutcome::waited`] says how long that took. Dropping
    /// the future stops it.
    ///
    /// # Errors
    ///
    /// [`RevokeError`] when a write fails (the steps after it are not
    /// attempted; the object is read once more, so the steps done before
    /// it are checked when that works) or a re-read fails. It carries the
    /// outcome so far, with [`Verification::Failed`]. Applying the plan
    /// again is safe.
    pub async fn apply(&self) -> Result<RevokeOutcome, RevokeError> {
        let mut steps = Vec::new();
        let mut failure: Option<Error> = None;
        for step in self.executable_steps() {
            if failure.is_some() {
                steps.push(AppliedStep::not_attempted(step));
                continue;
            }
            match self.remove(step).await {
                Ok(answer) => steps.push(AppliedStep::answered(step, answer)),
                Err(error) => {
                    steps.push(AppliedStep::failed(step, &error));
                    failure = Some(error);
                }
            }
        }
        match failure {
            None => verify::verify(self, steps).await,
            Some(error) => Err(self.after_failed_write(steps, error).await),
        }
    }

    /// The error of a failed write, with the steps checked by one re-read
    /// (when it works): waiting for lagging changes would only delay the
    /// error.
    async fn after_failed_write(&self, steps: Vec<AppliedStep>, error: Error) -> RevokeError {
        let reread = find_bound(&self.user, self.kind, &self.target).await.ok();
        let mut outcome = RevokeOutcome::new(self, steps, reread);
        outcome.verification = Verification::Failed;
        outcome.rereads = u32::from(outcome.reread);
        RevokeError {
            error,
            outcome: Box::new(outcome),
        }
    }

    /// Sends one step's removal.
    async fn remove(&self, step: &RevokeStep) -> Result<Ensured, Error> {
        let to = step.edge.to();
        let target = AssociationTarget::for_type(to.kind()).ok_or_else(|| {
            Error::invalid("revoke step", format!("{to} is not an association target"))
        })?;
        let id = ObjectId::try_from(to.id())?;
        self.user.ensure_dissociated(target, id)?.await
    }
}
