//! Steering a running sandbox: its faults, latency, association lag and
//! tokens, and holding requests to line them up without sleeps.

use std::time::Duration;

use super::Sandbox;
use crate::faults::FaultPlan;
use crate::settings::{self, SettingError};
use crate::state::{self, ResponseHold};

impl Sandbox {
    /// Replaces the fault plan; its rules start counting requests from 1.
    /// Token requests count like API requests (their path is
    /// `/oauth2/token`).
    pub fn set_faults(&self, plan: impl Into<FaultPlan>) {
        self.shared.set_faults(plan.into());
    }

    /// Removes every fault.
    pub fn clear_faults(&self) {
        self.shared.set_faults(FaultPlan::new());
    }

    /// Sets the delay before every API and token request is answered (zero
    /// for none).
    ///
    /// # Errors
    ///
    /// [`SettingError`] above [`SandboxBuilder::MAX_LATENCY`](crate::SandboxBuilder::MAX_LATENCY); the latency
    /// is then unchanged.
    pub fn set_latency(&self, latency: Duration) -> Result<(), SettingError> {
        self.shared.set_latency(settings::check_latency(latency)?);
        Ok(())
    }

    /// Sets the association lag of writes made from now on (see
    /// [`SandboxBuilder::association_lag`](crate::SandboxBuilder::association_lag));
    /// writes already made keep the time they were due to show, and every
    /// write still shows only after the earlier ones.
    ///
    /// # Errors
    ///
    /// [`SettingError`] above
    /// [`SandboxBuilder::MAX_ASSOCIATION_LAG`](crate::SandboxBuilder::MAX_ASSOCIATION_LAG);
    /// the lag is then unchanged.
    pub fn set_association_lag(&self, lag: Duration) -> Result<(), SettingError> {
        let lag = settings::check_association_lag(lag)?;
        state::lock(&self.shared.live).set_association_lag(lag);
        Ok(())
    }

    /// Sets the lifetime of tokens issued from now on (tokens already
    /// issued keep theirs).
    ///
    /// # Errors
    ///
    /// [`SettingError`] below a second or above
    /// [`SandboxBuilder::MAX_TOKEN_LIFETIME`](crate::SandboxBuilder::MAX_TOKEN_LIFETIME); the lifetime is then
    /// unchanged.
    pub fn set_token_lifetime(&self, lifetime: Duration) -> Result<(), SettingError> {
        let lifetime = settings::check_token_lifetime(lifetime)?;
        state::lock(&self.shared.tokens).set_lifetime(lifetime);
        Ok(())
    }

    /// Ends the lifetime of every token issued so far: API requests that
    /// present one get 401 (`"Unauthorized: token expired"`) until the
    /// client fetches a new token.
    pub fn expire_tokens(&self) {
        self.shared.expire_tokens();
    }

    /// Revokes every token issued so far: API requests that present one get
    /// 401 (`"Unauthorized: invalid token"`).
    pub fn revoke_tokens(&self) {
        self.shared.revoke_tokens();
    }

    /// Holds every API request that arrives (counted as in flight) until the
    /// returned value is dropped.
    pub fn hold_responses(&self) -> ResponseHold {
        self.shared.hold()
    }

    /// Resolves once at least `n` API requests are in flight.
    pub async fn wait_for_in_flight(&self, n: usize) {
        self.shared.wait_for_in_flight(n).await;
    }
}
