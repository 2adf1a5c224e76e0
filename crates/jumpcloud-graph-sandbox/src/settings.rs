//! The limits of a sandbox's settings, and the checks that keep a setting
//! it cannot honour (an hour of latency, a zero connection cap, a year of
//! association lag) from being accepted anywhere: the builder, the runtime
//! setters, the admin endpoints and the command line all go through these.

use std::num::NonZeroU32;
use std::time::Duration;

/// The most a per-key budget may be: a million requests a minute.
pub(crate) const MAX_PER_MINUTE: u32 = 1_000_000;
/// The most latency a request can be given.
pub(crate) const MAX_LATENCY: Duration = Duration::from_secs(60);
/// How long a client has to send a request's head, by default.
pub(crate) const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);
/// The longest header read timeout.
pub(crate) const MAX_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(3600);
/// How many connections may be open at once, by default.
pub(crate) const DEFAULT_MAX_CONNECTIONS: usize = 256;
/// The most connections that can be allowed at once.
pub(crate) const MAX_MAX_CONNECTIONS: usize = 65_536;
/// How long a token lives, by default (JumpCloud's tokens live an hour).
pub(crate) const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(3600);
/// The longest token lifetime.
pub(crate) const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 3600);
/// The longest association lag: a day (JumpCloud's worst recorded delays
/// lasted hours).
pub(crate) const MAX_ASSOCIATION_LAG: Duration = Duration::from_secs(24 * 3600);

/// A sandbox setting that is out of range. Nothing is changed when a
/// setter returns one.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid sandbox setting {setting}: {problem}")]
pub struct SettingError {
    setting: &'static str,
    problem: String,
}

impl SettingError {
    fn new(setting: &'static str, problem: impl Into<String>) -> Self {
        SettingError {
            setting,
            problem: problem.into(),
        }
    }

    /// The setting's name, e.g. `latency`.
    pub fn setting(&self) -> &str {
        self.setting
    }
}

pub(crate) fn check_latency(latency: Duration) -> Result<Duration, SettingError> {
    if latency > MAX_LATENCY {
        return Err(SettingError::new(
            "latency",
            format!(
                "{} ms is more than the maximum, {} ms",
                latency.as_millis(),
                MAX_LATENCY.as_millis()
            ),
        ));
    }
    Ok(latency)
}

pub(crate) fn check_header_read_timeout(
    timeout: Option<Duration>,
) -> Result<Option<Duration>, SettingError> {
    match timeout {
        Some(timeout) if timeout.is_zero() => Err(SettingError::new(
            "header read timeout",
            "zero would close every connection (use None for no timeout)",
        )),
        Some(timeout) if timeout > MAX_HEADER_READ_TIMEOUT => Err(SettingError::new(
            "header read timeout",
            format!("{timeout:?} is more than the maximum, {MAX_HEADER_READ_TIMEOUT:?}"),
        )),
        other => Ok(other),
    }
}

pub(crate) fn check_max_connections(max: usize) -> Result<usize, SettingError> {
    if !(1..=MAX_MAX_CONNECTIONS).contains(&max) {
        return Err(SettingError::new(
            "max connections",
            format!("{max} is not between 1 and {MAX_MAX_CONNECTIONS}"),
        ));
    }
    Ok(max)
}

/// A per-key budget: 1 to [`MAX_PER_MINUTE`](MAX_PER_MINUTE)
/// requests a minute.
pub(crate) fn check_rate_limit_per_key(per_minute: u32) -> Result<NonZeroU32, SettingError> {
    NonZeroU32::new(per_minute)
        .filter(|n| n.get() <= MAX_PER_MINUTE)
        .ok_or_else(|| {
            SettingError::new(
                "rate limit per key",
                format!(
                    "{per_minute} requests a minute is not between 1 and {}",
                    MAX_PER_MINUTE
                ),
            )
        })
}

pub(crate) fn check_token_lifetime(lifetime: Duration) -> Result<Duration, SettingError> {
    if lifetime < Duration::from_secs(1) || lifetime > MAX_TOKEN_LIFETIME {
        return Err(SettingError::new(
            "token lifetime",
            format!("{lifetime:?} is not between 1 s and {MAX_TOKEN_LIFETIME:?}"),
        ));
    }
    Ok(lifetime)
}

pub(crate) fn check_association_lag(lag: Duration) -> Result<Duration, SettingError> {
    if lag > MAX_ASSOCIATION_LAG {
        return Err(SettingError::new(
            "association lag",
            format!(
                "{} ms is more than the maximum, {} ms",
                lag.as_millis(),
                MAX_ASSOCIATION_LAG.as_millis()
            ),
        ));
    }
    Ok(lag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_outside_their_range_are_refused() {
        assert!(check_latency(MAX_LATENCY).is_ok());
        assert!(check_latency(MAX_LATENCY + Duration::from_millis(1)).is_err());
        assert!(check_latency(Duration::MAX).is_err());
        assert!(check_header_read_timeout(None).is_ok());
        assert!(check_header_read_timeout(Some(Duration::ZERO)).is_err());
        assert!(check_header_read_timeout(Some(Duration::MAX)).is_err());
        assert!(check_max_connections(0).is_err());
        assert!(check_max_connections(1).is_ok());
        assert!(check_max_connections(usize::MAX).is_err());
        assert!(check_token_lifetime(Duration::ZERO).is_err());
        assert!(check_token_lifetime(DEFAULT_TOKEN_LIFETIME).is_ok());
        assert!(check_token_lifetime(Duration::MAX).is_err());
        assert!(check_rate_limit_per_key(0).is_err());
        assert!(check_rate_limit_per_key(200).is_ok());
        assert!(check_rate_limit_per_key(MAX_PER_MINUTE + 1).is_err());
        assert!(check_association_lag(Duration::ZERO).is_ok());
        assert!(check_association_lag(MAX_ASSOCIATION_LAG).is_ok());
        assert!(check_association_lag(MAX_ASSOCIATION_LAG + Duration::from_millis(1)).is_err());
        assert!(check_association_lag(Duration::MAX).is_err());
    }
}
