//! Bearer tokens issued at `POST /oauth2/token`: who they act for, when they
//! expire, and the switches that expire or revoke them all.
//!
//! Time is tokio's ([`tokio::time::Instant`]), so a test on tokio's paused
//! clock can advance past a token's lifetime without waiting.

use std::collections::HashMap;
use std::time::Duration;

use tokio::time::Instant;

/// The most tokens kept at once. Issuing past it first forgets expired and
/// revoked tokens, then the ones closest to expiring.
const MAX_TOKENS: usize = 100_000;

/// A token's fate when an API request presents it.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum TokenCheck<'a> {
    /// The token acts for this service account (its client id).
    Valid(&'a str),
    /// The token was issued but its lifetime is over.
    Expired,
    /// The token was never issued, or was revoked.
    Invalid,
}

#[derive(Debug)]
struct Issued {
    client_id: String,
    expires_at: Instant,
    revoked: bool,
}

/// The tokens issued so far.
#[derive(Debug)]
pub(crate) struct TokenStore {
    tokens: HashMap<String, Issued>,
    lifetime: Duration,
    issued: u64,
    rng: fastrand::Rng,
}

impl TokenStore {
    pub(crate) fn new(lifetime: Duration) -> Self {
        TokenStore {
            tokens: HashMap::new(),
            lifetime,
            issued: 0,
            rng: fastrand::Rng::new(),
        }
    }

    /// The lifetime of tokens issued from now on.
    pub(crate) fn lifetime(&self) -> Duration {
        self.lifetime
    }

    pub(crate) fn set_lifetime(&mut self, lifetime: Duration) {
        self.lifetime = lifetime;
    }

    /// Issues a token for the service account `client_id`, valid for the
    /// current lifetime from `now`.
    pub(crate) fn issue(&mut self, client_id: &str, now: Instant) -> String {
        if self.tokens.len() >= MAX_TOKENS {
            self.make_room(now);
        }
        self.issued = self.issued.wrapping_add(1);
        // Opaque, unique (the counter) and unguessable enough for a sandbox.
        let token = format!("jcs_{:016x}{:016x}", self.issued, self.rng.u64(..));
        let expires_at = now.checked_add(self.lifetime).unwrap_or(now);
        self.tokens.insert(
            token.clone(),
            Issued {
                client_id: client_id.to_owned(),
                expires_at,
                revoked: false,
            },
        );
        token
    }

    pub(crate) fn check(&self, token: &str, now: Instant) -> TokenCheck<'_> {
        match self.tokens.get(token) {
            None => TokenCheck::Invalid,
            Some(issued) if issued.revoked => TokenCheck::Invalid,
            Some(issued) if now >= issued.expires_at => TokenCheck::Expired,
            Some(issued) => TokenCheck::Valid(&issued.client_id),
        }
    }

    /// Ends the lifetime of every token issued so far.
    pub(crate) fn expire_all(&mut self, now: Instant) {
        for issued in self.tokens.values_mut() {
            issued.expires_at = issued.expires_at.min(now);
        }
    }

    /// Revokes every token issued so far: they become unknown.
    pub(crate) fn revoke_all(&mut self) {
        for issued in self.tokens.values_mut() {
            issued.revoked = true;
        }
    }

    fn make_room(&mut self, now: Instant) {
        self.tokens
            .retain(|_, issued| !issued.revoked && now < issued.expires_at);
        while self.tokens.len() >= MAX_TOKENS {
            let soonest = self
                .tokens
                .iter()
                .min_by_key(|(_, issued)| issued.expires_at)
                .map(|(token, _)| token.clone());
            match soonest {
                Some(token) => self.tokens.remove(&token),
                None => break,
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_valid_for_its_lifetime() {
        let mut store = TokenStore::new(Duration::from_secs(60));
        let now = Instant::now();
        let token = store.issue("bot", now);
        assert_eq!(store.check(&token, now), TokenCheck::Valid("bot"));
        let later = now + Duration::from_secs(59);
        assert_eq!(store.check(&token, later), TokenCheck::Valid("bot"));
        let after = now + Duration::from_secs(60);
        assert_eq!(store.check(&token, after), TokenCheck::Expired);
        assert_eq!(store.check("jcs_forged", now), TokenCheck::Invalid);
    }

    #[test]
    fn expiring_and_revoking_apply_to_tokens_issued_so_far() {
        let mut store = TokenStore::new(Duration::from_secs(60));
        let now = Instant::now();
        let old = store.issue("bot", now);
        store.expire_all(now);
        let fresh = store.issue("bot", now);
        assert_eq!(store.check(&old, now), TokenCheck::Expired);
        assert_eq!(store.check(&fresh, now), TokenCheck::Valid("bot"));
        store.revoke_all();
        assert_eq!(store.check(&fresh, now), TokenCheck::Invalid);
        assert_ne!(old, fresh);
    }

    #[test]
    fn a_huge_lifetime_saturates() {
        let mut store = TokenStore::new(Duration::MAX);
        let now = Instant::now();
        let token = store.issue("bot", now);
        // `now + Duration::MAX` does not exist: the token is issued expired
        // rather than the sandbox panicking. (The builder caps lifetimes
        // well below this.)
        assert_eq!(store.check(&token, now), TokenCheck::Expired);
    }
}
