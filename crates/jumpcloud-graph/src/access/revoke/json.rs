//! The JSON shapes of plans, steps and outcomes (the `serde` feature), as
//! documented on each type.

use serde::ser::{Serialize, SerializeMap, Serializer};

use super::{AppliedStep, RevokeOutcome, RevokePlan, RevokeStep, StepStatus, Verification};
use crate::{GraphType, NodeId};

impl Serialize for RevokeStep {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(6))?;
        map.serialize_entry("edge", &self.edge)?;
        map.serialize_entry("executable", &self.executable)?;
        map.serialize_entry("affects_other_users", &self.affects_other_users)?;
        map.serialize_entry("operation", &self.operation)?;
        map.serialize_entry("paths_cut", &self.paths_cut)?;
        map.serialize_entry("collateral", &self.collateral)?;
        map.end()
    }
}

impl Serialize for StepStatus {
    /// Its [`name`](StepStatus::name).
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl Serialize for Verification {
    /// Its [`name`](Verification::name).
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl Serialize for AppliedStep {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(4))?;
        map.serialize_entry("step", &self.step)?;
        map.serialize_entry("status", &self.status)?;
        map.serialize_entry("answer", &self.answer)?;
        map.serialize_entry("error", &self.error)?;
        map.end()
    }
}

/// `{"id", "type"}`, the type `null` when the object is not reached.
struct Target<'a>(&'a NodeId, Option<&'a GraphType>);

impl Serialize for Target<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("id", self.0)?;
        map.serialize_entry("type", &self.1)?;
        map.end()
    }
}

/// A plan's `after_executable_steps`.
struct After<'a>(&'a RevokePlan);

impl Serialize for After<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let plan = self.0;
        let mut map = serializer.serialize_map(Some(5))?;
        map.serialize_entry("remaining_paths", plan.remaining_paths())?;
        map.serialize_entry("still_granted", &plan.still_granted_after_apply())?;
        map.serialize_entry("effective_sudo", &plan.sudo_after_apply())?;
        map.serialize_entry("deciding_path", &plan.deciding_index_after_apply())?;
        map.serialize_entry("collateral", plan.collateral_of_apply())?;
        map.end()
    }
}

impl Serialize for RevokePlan {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(13))?;
        map.serialize_entry("user", &self.user.node())?;
        map.serialize_entry(
            "target",
            &Target(&self.target, self.target().map(|node| node.kind())),
        )?;
        map.serialize_entry("traversal", &self.kind)?;
        map.serialize_entry("bound", &self.is_bound())?;
        map.serialize_entry("smallest", &self.smallest)?;
        map.serialize_entry("exact", &self.exact)?;
        map.serialize_entry("paths", self.paths())?;
        map.serialize_entry("sudo_now", &self.sudo_now())?;
        map.serialize_entry("steps", &self.steps)?;
        map.serialize_entry("collateral", &self.collateral)?;
        map.serialize_entry("after_executable_steps", &After(self))?;
        map.serialize_entry("warnings", &self.warnings)?;
        map.end()
    }
}

impl Serialize for RevokeOutcome {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(13))?;
        let kind = self.target_kind.as_ref();
        map.serialize_entry("target", &Target(&self.target, kind))?;
        map.serialize_entry("steps", &self.steps)?;
        map.serialize_entry("left_to_admin", &self.left_to_admin)?;
        map.serialize_entry("verification", &self.verification)?;
        let waited_ms = u64::try_from(self.waited.as_millis()).unwrap_or(u64::MAX);
        map.serialize_entry("waited_ms", &waited_ms)?;
        map.serialize_entry("rereads", &self.rereads)?;
        map.serialize_entry("reread", &self.reread)?;
        map.serialize_entry("still_granted", &self.still_granted())?;
        map.serialize_entry("remaining_paths", self.remaining_paths())?;
        map.serialize_entry("effective_sudo", &self.effective_sudo())?;
        map.serialize_entry(
            "deciding_path",
            &self.after.as_ref().and_then(|after| after.deciding_index()),
        )?;
        map.serialize_entry("matches_prediction", &self.matches_prediction)?;
        map.serialize_entry("warnings", &self.warnings)?;
        map.end()
    }
}
