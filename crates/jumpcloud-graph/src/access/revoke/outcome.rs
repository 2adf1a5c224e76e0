//! What applying a plan did, step by step, and what the re-read showed.

use std::fmt;
use std::time::Duration;

use super::super::explain::Explanation;
use super::super::warning::plural;
use super::{RevokeStep, Verification, same_paths};
use crate::{AccessWarning, Ensured, Error, GrantPath, GraphType, NodeId, Sudo};

/// Where one executable step of [`RevokePlan::apply`](crate::RevokePlan::apply)
/// stands. Only the re-read after the writes may call an edge gone: an
/// answer alone (even JumpCloud's 404) leaves a step
/// [`Unverified`](Self::Unverified).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StepStatus {
    /// JumpCloud removed the edge, and the re-read no longer shows it on
    /// any path to the object.
    Removed,
    /// JumpCloud answered 404 (no such association), and the re-read
    /// agrees: the edge was already gone.
    AlreadyAbsent,
    /// JumpCloud answered (removed, or 404), but the last re-read still
    /// showed the edge on a path to the object (up to the verify deadline:
    /// [`Verification::NotYetVisible`]), or no re-read could be made. The
    /// change may not be visible yet (JumpCloud applies association
    /// changes asynchronously), or the answer was wrong; see
    /// [`AppliedStep::answer`].
    Unverified,
    /// The write failed; see [`AppliedStep::error`]. Steps after it were
    /// not attempted.
    Failed,
    /// Not sent, because an earlier step failed.
    NotAttempted,
}

impl StepStatus {
    /// A stable name: `removed`, `already_absent`, `unverified`, `failed`,
    /// `not_attempted`.
    pub fn name(self) -> &'static str {
        match self {
            StepStatus::Removed => "removed",
            StepStatus::AlreadyAbsent => "already_absent",
            StepStatus::Unverified => "unverified",
            StepStatus::Failed => "failed",
            StepStatus::NotAttempted => "not_attempted",
        }
    }

    /// Whether the re-read confirms the edge is gone.
    pub fn is_verified(self) -> bool {
        matches!(self, StepStatus::Removed | StepStatus::AlreadyAbsent)
    }
}

impl fmt::Display for StepStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One executable step of a plan, after
/// [`RevokePlan::apply`](crate::RevokePlan::apply): its status, what
/// JumpCloud answered, and the error when it failed.
///
/// # JSON
///
/// `{"step": step, "status": "removed" | "already_absent" | "unverified" |
/// "failed" | "not_attempted", "answer": "removed" | "already_absent" |
/// null, "error": "..." | null}`.
#[derive(Clone, Debug, PartialEq)]
pub struct AppliedStep {
    pub(super) step: RevokeStep,
    pub(super) status: StepStatus,
    pub(super) answer: Option<Ensured>,
    pub(super) error: Option<String>,
}

impl AppliedStep {
    /// A step JumpCloud answered; unverified until the re-read.
    pub(super) fn answered(step: &RevokeStep, answer: Ensured) -> Self {
        Self {
            step: step.clone(),
            status: StepStatus::Unverified,
            answer: Some(answer),
            error: None,
        }
    }

    pub(super) fn failed(step: &RevokeStep, error: &Error) -> Self {
        Self {
            step: step.clone(),
            status: StepStatus::Failed,
            answer: None,
            error: Some(error.to_string()),
        }
    }

    pub(super) fn not_attempted(step: &RevokeStep) -> Self {
        Self {
            step: step.clone(),
            status: StepStatus::NotAttempted,
            answer: None,
            error: None,
        }
    }

    /// The step.
    pub fn step(&self) -> &RevokeStep {
        &self.step
    }

    /// Where it stands.
    pub fn status(&self) -> StepStatus {
        self.status
    }

    /// What JumpCloud answered to the removal ([`Ensured::Removed`] or
    /// [`Ensured::AlreadyAbsent`], the latter for a 404); `None` when the
    /// write failed or was not sent.
    pub fn answer(&self) -> Option<Ensured> {
        self.answer
    }

    /// Why the write failed (the error's message), for a
    /// [`StepStatus::Failed`] step.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }
}

/// What [`RevokePlan::apply`](crate::RevokePlan::apply) did and found:
/// each executable step with its [`StepStatus`], the steps left to an
/// administrator, whether the removals were seen to take effect
/// ([`Verification`]), and the last re-read of the object. Returned on
/// success (verified, or not yet visible by the deadline), and inside
/// [`RevokeError`] when a step or a re-read failed.
///
/// # JSON
///
/// `{"target": {"id", "type" | null}, "steps": [applied step, ..],
/// "left_to_admin": [step, ..], "verification": "verified" |
/// "not_yet_visible" | "failed", "waited_ms": n, "rereads": n, "reread":
/// bool, "still_granted": bool, "remaining_paths": [path, ..],
/// "effective_sudo": sudo, "deciding_path": index | null,
/// "matches_prediction": bool, "warnings": [warning, ..]}`; each applied
/// step is as on [`AppliedStep`]. Without a re-read (`"reread": false`)
/// `still_granted` is `true`: nothing shows access gone.
#[derive(Clone, Debug, PartialEq)]
pub struct RevokeOutcome {
    pub(super) target: NodeId,
    pub(super) target_kind: Option<GraphType>,
    pub(super) steps: Vec<AppliedStep>,
    pub(super) left_to_admin: Vec<RevokeStep>,
    pub(super) reread: bool,
    pub(super) after: Option<Explanation>,
    pub(super) matches_prediction: bool,
    pub(super) warnings: Vec<AccessWarning>,
    pub(super) verification: Verification,
    pub(super) waited: Duration,
    pub(super) rereads: u32,
}

impl RevokeOutcome {
    /// Whether the removals were seen to take effect: verified, not yet
    /// visible by the plan's verify deadline, or failed (only inside a
    /// [`RevokeError`]).
    pub fn verification(&self) -> Verification {
        self.verification
    }

    /// How long apply waited for JumpCloud to show the removals: the time
    /// from the first re-read to the one this outcome reports (zero when
    /// the first re-read already showed them; at least the verify timeout
    /// when they were [not yet visible](Verification::NotYetVisible)).
    pub fn waited(&self) -> Duration {
        self.waited
    }

    /// How many times the object was read again after the writes (each a
    /// traversal of the plan's kind, stopped at the object).
    pub fn rereads(&self) -> u32 {
        self.rereads
    }

    /// Every executable step of the plan, in order, with its status.
    pub fn steps(&self) -> &[AppliedStep] {
        &self.steps
    }

    fn with_status(&self, status: StepStatus) -> impl Iterator<Item = &RevokeStep> + '_ {
        self.steps
            .iter()
            .filter(move |s| s.status == status)
            .map(|s| &s.step)
    }

    /// The steps whose edge JumpCloud removed and the re-read confirms gone.
    pub fn removed(&self) -> impl Iterator<Item = &RevokeStep> + '_ {
        self.with_status(StepStatus::Removed)
    }

    /// The steps whose edge JumpCloud said was already gone (404), as the
    /// re-read confirms.
    pub fn already_absent(&self) -> impl Iterator<Item = &RevokeStep> + '_ {
        self.with_status(StepStatus::AlreadyAbsent)
    }

    /// The steps JumpCloud answered but the last re-read still showed (or
    /// that no re-read checked).
    pub fn unverified(&self) -> impl Iterator<Item = &RevokeStep> + '_ {
        self.with_status(StepStatus::Unverified)
    }

    /// The step whose write failed (at most one: apply stops there).
    pub fn failed(&self) -> impl Iterator<Item = &RevokeStep> + '_ {
        self.with_status(StepStatus::Failed)
    }

    /// The steps not sent because an earlier one failed.
    pub fn not_attempted(&self) -> impl Iterator<Item = &RevokeStep> + '_ {
        self.with_status(StepStatus::NotAttempted)
    }

    /// Whether every executable step is verified gone by the re-read.
    pub fn is_complete(&self) -> bool {
        self.reread && self.steps.iter().all(|s| s.status.is_verified())
    }

    /// The steps left to an administrator (never run by this crate).
    pub fn left_to_admin(&self) -> &[RevokeStep] {
        &self.left_to_admin
    }

    /// Whether the object was traversed again after the writes (false
    /// only when that re-read failed).
    pub fn was_reread(&self) -> bool {
        self.reread
    }

    /// Whether the object is still granted, by the re-read; `true` when
    /// there was no re-read, since nothing shows access gone.
    pub fn still_granted(&self) -> bool {
        !self.reread || self.after.is_some()
    }

    /// The paths that still grant the object, by the re-read.
    pub fn remaining_paths(&self) -> &[GrantPath] {
        self.after
            .as_ref()
            .map(Explanation::paths)
            .unwrap_or_default()
    }

    /// The effective sudo now, by the re-read ([`Sudo::Disabled`] when no
    /// longer granted or not re-read).
    pub fn effective_sudo(&self) -> Sudo {
        self.after
            .as_ref()
            .map_or(Sudo::Disabled, Explanation::effective_sudo)
    }

    /// Why the object is still granted, by the re-read, when it is.
    pub fn explanation(&self) -> Option<&Explanation> {
        self.after.as_ref()
    }

    /// Whether the re-read shows what the plan predicted: every step was
    /// answered and the same paths remain (by their edges) with the same
    /// effective sudo.
    pub fn matches_prediction(&self) -> bool {
        self.matches_prediction
    }

    /// Access remains (with the edges left to an administrator); sudo rose;
    /// the outcome differs from the plan; the client's rules disagree with
    /// the server.
    pub fn warnings(&self) -> &[AccessWarning] {
        &self.warnings
    }
}

impl RevokeOutcome {
    /// Decides each answered step by the re-read (`None` when it failed),
    /// and what the re-read says about access.
    pub(super) fn new(
        plan: &super::RevokePlan,
        mut steps: Vec<AppliedStep>,
        reread: Option<Option<Explanation>>,
    ) -> Self {
        let left_to_admin: Vec<RevokeStep> = plan.admin_steps().cloned().collect();
        let was_reread = reread.is_some();
        let after = reread.flatten();
        if was_reread {
            let shown: std::collections::HashSet<super::EdgeKey> = after
                .iter()
                .flat_map(|after| {
                    after
                        .paths()
                        .iter()
                        .flat_map(|p| p.edges().iter().map(super::key))
                })
                .collect();
            for applied in &mut steps {
                if applied.status == StepStatus::Unverified
                    && !shown.contains(&super::key(&applied.step.edge))
                {
                    applied.status = match applied.answer {
                        Some(Ensured::AlreadyAbsent) => StepStatus::AlreadyAbsent,
                        _ => StepStatus::Removed,
                    };
                }
            }
        }
        let answered = steps.iter().all(|s| s.answer.is_some());
        let remaining = after.as_ref().map(Explanation::paths).unwrap_or_default();
        let sudo = after
            .as_ref()
            .map_or(Sudo::Disabled, Explanation::effective_sudo);
        let matches_prediction = was_reread
            && answered
            && same_paths(remaining, plan.remaining_paths())
            && sudo == plan.sudo_after_apply();
        let mut warnings = Vec::new();
        if let Some(after) = &after {
            warnings.push(AccessWarning::AccessRemains {
                left_to_admin: left_to_admin.iter().map(|s| s.edge.clone()).collect(),
            });
            if sudo > plan.sudo_now() {
                warnings.push(AccessWarning::SudoRose {
                    from: plan.sudo_now(),
                    to: sudo,
                });
            }
            warnings.extend(
                after
                    .warnings()
                    .iter()
                    .filter(|w| !matches!(w, AccessWarning::GlobalSudoNotVisible))
                    .cloned(),
            );
        }
        if was_reread && answered && !matches_prediction {
            warnings.push(AccessWarning::UnexpectedOutcome {
                predicted_paths: plan.remaining_paths().len(),
                remaining_paths: remaining.len(),
                predicted_sudo: plan.sudo_after_apply(),
                sudo,
            });
        }
        Self {
            target: plan.target.clone(),
            target_kind: plan.target().map(|node| node.kind().clone()),
            steps,
            left_to_admin,
            reread: was_reread,
            after,
            matches_prediction,
            warnings,
            verification: Verification::Failed,
            waited: Duration::ZERO,
            rereads: u32::from(was_reread),
        }
    }
}

impl fmt::Display for RevokeOutcome {
    /// `removed 1 edge, 1 unverified, 2 left to an administrator; still
    /// granted through 2 paths, sudo without-password`, then how long apply
    /// waited (`; verified after 3.5 s`, `; not yet visible after 120.0 s
    /// and 12 re-reads`), then the warnings.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = |status| self.steps.iter().filter(|s| s.status == status).count();
        write!(
            f,
            "removed {}",
            plural(count(StepStatus::Removed), "edge", "edges")
        )?;
        for (status, said) in [
            (StepStatus::AlreadyAbsent, "already gone"),
            (StepStatus::Unverified, "unverified"),
            (StepStatus::Failed, "failed"),
            (StepStatus::NotAttempted, "not attempted"),
        ] {
            let n = count(status);
            if n > 0 {
                write!(f, ", {n} {said}")?;
            }
        }
        write!(
            f,
            ", {} left to an administrator; ",
            self.left_to_admin.len()
        )?;
        match (&self.after, self.reread) {
            (_, false) => f.write_str("not re-read: whether access remains is unknown")?,
            (Some(after), true) => write!(
                f,
                "still granted through {}, sudo {}",
                plural(after.paths().len(), "path", "paths"),
                after.effective_sudo()
            )?,
            (None, true) => f.write_str("no longer granted")?,
        }
        let waited = self.waited.as_secs_f64();
        match self.verification {
            Verification::Verified if !self.waited.is_zero() => {
                write!(f, "; verified after {waited:.1} s")?;
            }
            Verification::NotYetVisible => write!(
                f,
                "; not yet visible after {waited:.1} s and {}",
                plural(self.rereads as usize, "re-read", "re-reads")
            )?,
            _ => {}
        }
        for warning in &self.warnings {
            write!(f, "\n  warning: {warning}")?;
        }
        Ok(())
    }
}

/// [`RevokePlan::apply`](crate::RevokePlan::apply) failed: a step's write,
/// or the re-read after the writes. Carries the outcome so far: which
/// steps were done (and verified, when the re-read worked), which failed,
/// which were not attempted. Applying the plan again is safe.
///
/// `?` turns it into the [`Error`] alone.
///
/// ```no_run
/// # async fn demo(plan: jumpcloud_graph::RevokePlan) {
/// match plan.apply().await {
///     Ok(done) => println!("{done}"),
///     Err(failed) => {
///         eprintln!("error: {}", failed.error());
///         println!("so far: {}", failed.outcome()); // removed 1 edge, 1 failed, ...
///     }
/// }
/// # }
/// ```
#[derive(Debug)]
pub struct RevokeError {
    pub(super) error: Error,
    pub(super) outcome: Box<RevokeOutcome>,
}

impl RevokeError {
    /// The error that stopped the revoke.
    pub fn error(&self) -> &Error {
        &self.error
    }

    /// What was done before it, and what the re-read showed (when it
    /// could be made).
    pub fn outcome(&self) -> &RevokeOutcome {
        &self.outcome
    }

    /// The error and the outcome.
    pub fn into_parts(self) -> (Error, RevokeOutcome) {
        (self.error, *self.outcome)
    }
}

impl fmt::Display for RevokeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let steps = &self.outcome.steps;
        match steps.iter().position(|s| s.status == StepStatus::Failed) {
            Some(i) => write!(
                f,
                "revoke step {} of {} failed: {}",
                i + 1,
                steps.len(),
                self.error
            ),
            None => write!(
                f,
                "the re-read after the revoke's writes failed: {}",
                self.error
            ),
        }
    }
}

impl std::error::Error for RevokeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

impl From<RevokeError> for Error {
    /// The error alone (the outcome is dropped).
    fn from(error: RevokeError) -> Self {
        error.error
    }
}
