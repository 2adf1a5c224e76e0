//! When and how often a failed request is sent again.
//!
//! Reads are retried on 408, 429, 500, 502, 503, 504, transport failures
//! and timeouts; writes only where their outcome makes a repeat harmless
//! (`ensure_associated`, `ensure_dissociated`, `update`) or when the caller
//! opts in. The wait honours `Retry-After` (seconds or an HTTP date) and
//! otherwise grows exponentially with full jitter. No single wait exceeds
//! [`RetryPolicy::max_wait`], and all attempts together stay within the
//! policy's deadline: a server asking for more ends the retries at once,
//! with its error (whose [`retry_after`](crate::Error::retry_after) still
//! tells the caller what it asked).

use std::time::{Duration, SystemTime};

use http::HeaderValue;

/// How often and how patiently to retry.
///
/// The default: 4 attempts in all, backoff from 250 ms doubling up to 20 s
/// (each wait drawn uniformly from zero to that bound, "full jitter"), no
/// single wait over 60 s, and a 2 minute deadline over all attempts and
/// waits.
///
/// ```
/// use std::time::Duration;
/// use jumpcloud_graph::RetryPolicy;
///
/// let patient = RetryPolicy::default()
///     .with_max_attempts(8)
///     .with_backoff(Duration::from_millis(500), Duration::from_secs(30))
///     .with_max_wait(Duration::from_secs(90))
///     .with_deadline(Some(Duration::from_secs(300)));
/// assert_eq!(patient.max_attempts(), 8);
/// assert_eq!(RetryPolicy::none().max_attempts(), 1);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    base_backoff: Duration,
    max_backoff: Duration,
    max_wait: Duration,
    deadline: Option<Duration>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            base_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(20),
            max_wait: Duration::from_secs(60),
            deadline: Some(Duration::from_secs(120)),
        }
    }
}

impl RetryPolicy {
    /// One attempt, no retries.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Attempts in all, the first included (at least 1).
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The first backoff bound and the largest one (when the server sends
    /// no `Retry-After`).
    pub fn with_backoff(mut self, base: Duration, max: Duration) -> Self {
        self.base_backoff = base;
        self.max_backoff = max.max(base);
        self
    }

    /// The longest single wait between attempts (default 60 s). A
    /// `Retry-After` asking for longer ends the retries at once with the
    /// rate-limit error, even without a deadline.
    pub fn with_max_wait(mut self, max_wait: Duration) -> Self {
        self.max_wait = max_wait;
        self
    }

    /// The time all attempts and waits together may take; `None` for no
    /// limit beyond the attempt count and [`max_wait`](Self::max_wait). A
    /// wait longer than what is left ends the retries with the error.
    pub fn with_deadline(mut self, deadline: Option<Duration>) -> Self {
        self.deadline = deadline;
        self
    }

    /// Attempts in all.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The first backoff bound.
    pub fn base_backoff(&self) -> Duration {
        self.base_backoff
    }

    /// The largest backoff bound.
    pub fn max_backoff(&self) -> Duration {
        self.max_backoff
    }

    /// The longest single wait.
    pub fn max_wait(&self) -> Duration {
        self.max_wait
    }

    /// The deadline over all attempts.
    pub fn deadline(&self) -> Option<Duration> {
        self.deadline
    }

    /// The wait after the `failures`-th failure (1-based) when the server
    /// gave no `Retry-After`: uniform in `[0, min(max, base * 2^(failures-1))]`.
    pub(crate) fn backoff(&self, failures: u32) -> Duration {
        let exponent = failures.saturating_sub(1).min(30);
        let bound = self
            .base_backoff
            .saturating_mul(1 << exponent)
            .min(self.max_backoff);
        let bound_ms = u64::try_from(bound.as_millis()).unwrap_or(u64::MAX);
        Duration::from_millis(fastrand::u64(0..=bound_ms))
    }

    /// Whether waiting `wait` after `elapsed` stays within the single-wait
    /// cap and the deadline. Saturating: no server-sent number can overflow.
    pub(crate) fn allows_wait(&self, elapsed: Duration, wait: Duration) -> bool {
        wait <= self.max_wait
            && self
                .deadline
                .is_none_or(|deadline| elapsed.saturating_add(wait) < deadline)
    }
}

/// Parses `Retry-After`: delta-seconds, or an HTTP date (a date in the past
/// means now). Any number is accepted; the policy decides what is too long.
pub(crate) fn parse_retry_after(value: &HeaderValue, now: SystemTime) -> Option<Duration> {
    let text = value.to_str().ok()?.trim();
    if let Ok(seconds) = text.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(text).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_takes_seconds_and_http_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let secs = HeaderValue::from_static("7");
        assert_eq!(parse_retry_after(&secs, now), Some(Duration::from_secs(7)));
        let date =
            HeaderValue::from_str(&httpdate::fmt_http_date(now + Duration::from_secs(30))).unwrap();
        assert_eq!(parse_retry_after(&date, now), Some(Duration::from_secs(30)));
        let past =
            HeaderValue::from_str(&httpdate::fmt_http_date(now - Duration::from_secs(30))).unwrap();
        assert_eq!(parse_retry_after(&past, now), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after(&HeaderValue::from_static("soon"), now),
            None
        );
        let huge = HeaderValue::from_static("18446744073709551615");
        assert_eq!(
            parse_retry_after(&huge, now),
            Some(Duration::from_secs(u64::MAX))
        );
    }

    #[test]
    fn huge_waits_never_overflow_and_are_refused() {
        let policy = RetryPolicy::default().with_deadline(None);
        assert!(!policy.allows_wait(Duration::from_secs(1), Duration::from_secs(u64::MAX)));
        let with_deadline = RetryPolicy::default();
        assert!(!with_deadline.allows_wait(Duration::from_secs(1), Duration::MAX));
        assert!(!with_deadline.allows_wait(Duration::MAX, Duration::from_secs(1)));
        assert!(with_deadline.allows_wait(Duration::from_secs(1), Duration::from_secs(2)));
    }

    #[test]
    fn backoff_stays_within_the_exponential_bound() {
        let policy =
            RetryPolicy::default().with_backoff(Duration::from_millis(100), Duration::from_secs(1));
        for failures in 1..=40 {
            let bound = Duration::from_millis(100)
                .saturating_mul(1 << (failures - 1).min(30))
                .min(Duration::from_secs(1));
            for _ in 0..50 {
                assert!(policy.backoff(failures) <= bound);
            }
        }
    }

    #[test]
    fn at_least_one_attempt() {
        assert_eq!(
            RetryPolicy::default().with_max_attempts(0).max_attempts(),
            1
        );
    }
}
