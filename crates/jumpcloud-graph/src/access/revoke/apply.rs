//! Running a plan's executable steps, then reading the object again to
//! see which edges are really gone.

use super::super::find_bound;
use super::{AppliedStep, RevokeError, RevokeOutcome, RevokePlan, RevokeStep};
use crate::{AssociationTarget, Ensured, Error, ObjectId};

impl RevokePlan {
    /// Runs the executable steps in order with
    /// [`User::ensure_dissociated`](crate::User::ensure_dissociated), never
    /// the others; then traverses again and reports each step's
    /// [`StepStatus`](crate::StepStatus), what still grants the object and
    /// the effective sudo now.
    ///
    /// Only the re-read calls an edge gone: a step JumpCloud answered
    /// (removed, or 404) whose edge the re-read still shows on a path to
    /// the object is [`Unverified`](crate::StepStatus::Unverified), never
    /// "already absent".
    ///
    /// # Errors
    ///
    /// [`RevokeError`] when a write fails (the steps after it are not
    /// attempted) or the re-read fails. It carries the outcome so far: the
    /// object is read again after a failed write too, so the steps done
    /// before it are verified when the re-read works. Applying the plan
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
        let (reread, reread_error) = match find_bound(&self.user, self.kind, &self.target).await {
            Ok(after) => (Some(after), None),
            Err(error) => (None, Some(error)),
        };
        let outcome = RevokeOutcome::new(self, steps, reread);
        match failure.or(reread_error) {
            None => Ok(outcome),
            Some(error) => Err(RevokeError {
                error,
                outcome: Box::new(outcome),
            }),
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
