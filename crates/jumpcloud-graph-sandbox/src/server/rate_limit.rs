//! The per-key rate limit ([`SandboxBuilder::rate_limit_per_key`](crate::SandboxBuilder::rate_limit_per_key)):
//! JumpCloud reportedly allows about 200 requests a minute per key, which
//! nobody has verified, so clients must learn the limit from 429s rather
//! than assume it. The sandbox gives them one to learn from.
//!
//! Each credential has a **token bucket**: `n` requests a minute means
//! tokens added continuously at `n / 60` a second, and at most one second's
//! worth (`n / 60`, at least one) held. So a burst is at most a second's
//! budget, and the sustained rate is exactly `n` a minute, whatever the
//! pattern. A request that finds no token is answered 429 with
//! `Retry-After` in whole seconds (rounded up, at least 1): when the next
//! token arrives.
//!
//! The credential is what JumpCloud would count: an admin's API key, or the
//! service account a bearer token belongs to (so a fresh token does not
//! bring a fresh budget). Only credentials the sandbox knows get a bucket: a
//! request with an unknown key or token is not counted (it is answered
//! 401), so a client sending random keys cannot grow the table. The token
//! route is not limited. Time is tokio's, so a test on a paused clock sees
//! the budget refill as it advances the clock.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::Duration;

use axum::http::HeaderMap;
use tokio::time::Instant;

use super::auth::authorization;
use crate::settings::MAX_PER_MINUTE;
use crate::state::{Shared, lock};
use crate::tokens::TokenCheck;

/// What the limit decided for one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Admission {
    /// Within the budget (or not counted).
    Admit,
    /// Over it: answer 429 with `Retry-After` of this many seconds.
    Refuse {
        /// Seconds until the next token, rounded up, at least 1.
        retry_after_secs: u64,
    },
}

/// The buckets of every credential that made a request.
#[derive(Debug)]
pub(crate) struct KeyRateLimit {
    /// Tokens added per second.
    per_second: f64,
    /// The most tokens a bucket holds.
    capacity: f64,
    buckets: Mutex<HashMap<String, Bucket>>,
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

impl KeyRateLimit {
    /// A limit of `per_minute` requests a minute per credential.
    pub(crate) fn new(per_minute: NonZeroU32) -> Self {
        let per_second = f64::from(per_minute.get().min(MAX_PER_MINUTE)) / 60.0;
        KeyRateLimit {
            per_second,
            capacity: per_second.max(1.0),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes a token for the credential of a request with these headers,
    /// arriving `now`; a request whose credential the sandbox does not know
    /// is admitted without counting.
    pub(crate) fn admit(&self, shared: &Shared, headers: &HeaderMap, now: Instant) -> Admission {
        match counted_credential(shared, headers, now) {
            Some(credential) => self.take(credential, now),
            None => Admission::Admit,
        }
    }

    /// Takes a token from `credential`'s bucket, refilled up to `now`.
    fn take(&self, credential: String, now: Instant) -> Admission {
        let mut buckets = lock(&self.buckets);
        let bucket = buckets.entry(credential).or_insert(Bucket {
            tokens: self.capacity,
            updated: now,
        });
        let elapsed = now.saturating_duration_since(bucket.updated);
        bucket.tokens =
            (bucket.tokens + elapsed.as_secs_f64() * self.per_second).min(self.capacity);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            return Admission::Admit;
        }
        let wait = (1.0 - bucket.tokens) / self.per_second;
        Admission::Refuse {
            retry_after_secs: retry_after_secs(wait),
        }
    }
}

/// A wait in seconds as `Retry-After` gives it: whole seconds, rounded up,
/// at least 1 and at most a minute (the longest wait a bucket can need).
fn retry_after_secs(wait: f64) -> u64 {
    let secs = Duration::try_from_secs_f64(wait)
        .map_or(60, |d| d.as_secs() + u64::from(d.subsec_nanos() > 0));
    secs.clamp(1, 60)
}

/// Who a request counts against: `key:<the API key>` for a key the fixture
/// holds, `client:<client id>` for a live bearer token; `None` for anything
/// else (it will be refused by authentication).
fn counted_credential(shared: &Shared, headers: &HeaderMap, now: Instant) -> Option<String> {
    if let Some(sent) = headers.get("x-api-key") {
        let sent = sent.to_str().ok()?;
        let live = lock(&shared.live);
        let known = live.fixture().keys().iter().any(|key| key.key() == sent);
        return known.then(|| format!("key:{sent}"));
    }
    let token = authorization(headers, "bearer")?;
    match lock(&shared.tokens).check(token, now) {
        TokenCheck::Valid(client_id) => Some(format!("client:{client_id}")),
        TokenCheck::Expired | TokenCheck::Invalid => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limit(per_minute: u32) -> KeyRateLimit {
        KeyRateLimit::new(NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN))
    }

    #[tokio::test(start_paused = true)]
    async fn a_bucket_holds_a_seconds_budget_and_refills_at_the_minutes_rate() {
        let limit = limit(600); // 10 a second
        let start = Instant::now();
        let admitted = (0..15)
            .filter(|_| limit.take("key:k".into(), start) == Admission::Admit)
            .count();
        assert_eq!(admitted, 10, "a burst is one second's budget");
        assert_eq!(
            limit.take("key:k".into(), start),
            Admission::Refuse {
                retry_after_secs: 1
            }
        );
        // Another key has its own budget.
        assert_eq!(limit.take("key:other".into(), start), Admission::Admit);
        // A minute at the budget's pace: 600 admitted, none refused.
        let mut refused = 0;
        for i in 1..=600u32 {
            let now = start + Duration::from_millis(100) * i;
            if limit.take("key:k".into(), now) != Admission::Admit {
                refused += 1;
            }
        }
        assert_eq!(refused, 0);
    }

    #[test]
    fn retry_after_is_whole_seconds_between_one_and_sixty() {
        assert_eq!(retry_after_secs(0.001), 1);
        assert_eq!(retry_after_secs(1.0), 1);
        assert_eq!(retry_after_secs(1.2), 2);
        assert_eq!(retry_after_secs(59.5), 60);
        assert_eq!(retry_after_secs(1e12), 60);
        assert_eq!(retry_after_secs(f64::NAN), 60);
    }

    #[test]
    fn a_slow_budget_waits_for_its_next_token() {
        let limit = limit(1); // one a minute
        let start = Instant::now();
        assert_eq!(limit.take("key:k".into(), start), Admission::Admit);
        assert_eq!(
            limit.take("key:k".into(), start + Duration::from_secs(30)),
            Admission::Refuse {
                retry_after_secs: 30
            }
        );
    }
}
