//! Keeping credentials out of every text the client stores or logs.
//!
//! A hostile or careless server can echo a credential back, whole or in
//! part (a body cut mid-key, a key split across two fields). The rule here:
//! **no run of [`WINDOW`] consecutive characters of any secret survives**.
//! Every 8-character window of each secret is looked up in the text, and
//! each maximal stretch covered by matching windows becomes `[redacted]`.
//! Keys and client secrets shorter than [`MIN_SECRET_LEN`] are refused when
//! the client is built, so an accidental match on ordinary words is
//! implausible and a one-letter key cannot turn `skip=0` into
//! `s[redacted]ip=0`. A token is what the token endpoint says it is: one
//! shorter than a window is scrubbed wherever it appears whole (a server
//! that issues `a` as a token gets every `a` redacted; its token is safe).

use std::collections::HashSet;

/// The length of the windows matched: no 8 consecutive characters of a
/// secret reach an error, a `Debug` output or a log line.
pub(crate) const WINDOW: usize = 8;

/// The shortest credential the client accepts. JumpCloud API keys are 40
/// characters and service-account secrets longer; anything under 16 is a
/// placeholder or a typo, and would make scrubbing match ordinary text.
pub const MIN_SECRET_LEN: usize = 16;

/// Checks that `secret` can be a real credential: at least
/// [`MIN_SECRET_LEN`] characters, all visible ASCII (no whitespace or
/// control characters, which a header cannot carry either).
pub(crate) fn check_secret(secret: &str) -> Result<(), String> {
    if secret.trim().is_empty() {
        return Err("it is empty".into());
    }
    if let Some(bad) = secret.chars().find(|c| !c.is_ascii_graphic()) {
        return Err(format!(
            "it contains {bad:?}; credentials are visible ASCII characters without spaces"
        ));
    }
    if secret.len() < MIN_SECRET_LEN {
        return Err(format!(
            "it has {} characters; real credentials have at least {MIN_SECRET_LEN} \
             (JumpCloud API keys have 40)",
            secret.len()
        ));
    }
    Ok(())
}

/// The 8-character windows of a set of secrets, and the secrets too short
/// to have one, ready to scrub texts.
#[derive(Clone, Default)]
pub(crate) struct Scrubber {
    windows: HashSet<[u8; WINDOW]>,
    /// Secrets shorter than [`WINDOW`], matched as whole occurrences.
    short: Vec<String>,
}

impl Scrubber {
    /// A scrubber for `secrets` (those shorter than [`WINDOW`] are
    /// scrubbed as whole occurrences).
    pub(crate) fn new<'a>(secrets: impl IntoIterator<Item = &'a str>) -> Self {
        let mut scrubber = Self::default();
        for secret in secrets {
            scrubber.add(secret);
        }
        scrubber
    }

    /// Adds one secret: its windows, or itself when it is too short to
    /// have one (an empty secret is nothing to hide).
    pub(crate) fn add(&mut self, secret: &str) {
        if secret.is_empty() {
            return;
        }
        if secret.len() < WINDOW {
            if !self.short.iter().any(|known| known == secret) {
                self.short.push(secret.to_string());
            }
            return;
        }
        for window in secret.as_bytes().windows(WINDOW) {
            let mut key = [0u8; WINDOW];
            key.copy_from_slice(window);
            self.windows.insert(key);
        }
    }

    /// `text` with every stretch of 8 or more consecutive secret characters,
    /// and every whole occurrence of a shorter secret, replaced by
    /// `[redacted]`. Everything is found in the original text first, so a
    /// replacement is never matched again.
    pub(crate) fn scrub(&self, text: &str) -> String {
        let mut ranges = self.window_ranges(text.as_bytes());
        for short in &self.short {
            ranges.extend(
                text.match_indices(short.as_str())
                    .map(|(start, found)| (start, start + found.len())),
            );
        }
        if ranges.is_empty() {
            return text.to_string();
        }
        ranges.sort_unstable();
        let ranges = ranges
            .into_iter()
            .fold(Vec::new(), |mut merged, (start, end)| {
                match merged.last_mut() {
                    Some((_, last_end)) if start <= *last_end => *last_end = end.max(*last_end),
                    _ => merged.push((start, end)),
                }
                merged
            });
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for (start, end) in ranges {
            // Secrets are visible ASCII, so a matched range starts and ends
            // on character boundaries; widen to be safe regardless.
            let start = floor_boundary(text, start).max(at);
            let end = ceil_boundary(text, end);
            out.push_str(&text[at..start]);
            out.push_str("[redacted]");
            at = end;
        }
        out.push_str(&text[at..]);
        out
    }

    /// The stretches of `bytes` covered by windows of a secret, merged as
    /// they are found (windows come in order).
    fn window_ranges(&self, bytes: &[u8]) -> Vec<(usize, usize)> {
        let mut ranges: Vec<(usize, usize)> = Vec::new();
        if self.windows.is_empty() || bytes.len() < WINDOW {
            return ranges;
        }
        for start in 0..=bytes.len() - WINDOW {
            let mut key = [0u8; WINDOW];
            key.copy_from_slice(&bytes[start..start + WINDOW]);
            if self.windows.contains(&key) {
                let end = start + WINDOW;
                match ranges.last_mut() {
                    Some(last) if start <= last.1 => last.1 = end,
                    _ => ranges.push((start, end)),
                }
            }
        }
        ranges
    }
}

fn floor_boundary(text: &str, mut index: usize) -> usize {
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

fn ceil_boundary(text: &str, mut index: usize) -> usize {
    while index < text.len() && !text.is_char_boundary(index) {
        index += 1;
    }
    index
}

impl std::fmt::Debug for Scrubber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Scrubber { .. }")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "jc9Qx2LmT7vRw4KpZs8NdYb3HgFe6UcAo1Wi5Et0";

    #[test]
    fn whole_keys_are_redacted() {
        let scrubber = Scrubber::new([KEY]);
        assert_eq!(
            scrubber.scrub(&format!("key={KEY}&skip=0")),
            "key=[redacted]&skip=0"
        );
    }

    #[test]
    fn no_eight_consecutive_characters_of_a_key_survive() {
        let scrubber = Scrubber::new([KEY]);
        for start in 0..KEY.len() {
            for end in start + WINDOW..=KEY.len() {
                let fragment = &KEY[start..end];
                let text = format!("before {fragment} after");
                let scrubbed = scrubber.scrub(&text);
                for window in KEY.as_bytes().windows(WINDOW) {
                    let window = std::str::from_utf8(window).unwrap();
                    assert!(!scrubbed.contains(window), "{text:?} -> {scrubbed:?}");
                }
                assert!(scrubbed.starts_with("before ") && scrubbed.ends_with(" after"));
            }
        }
    }

    #[test]
    fn ordinary_text_is_left_alone() {
        let scrubber = Scrubber::new([KEY]);
        let text = "GET /users/5f1b0c2e9c1a4b0012345678/systems?limit=100&skip=0";
        assert_eq!(scrubber.scrub(text), text);
    }

    #[test]
    fn multibyte_text_around_a_key_stays_valid() {
        let scrubber = Scrubber::new([KEY]);
        let text = format!("é{KEY}ü");
        assert_eq!(scrubber.scrub(&text), "é[redacted]ü");
    }

    #[test]
    fn secrets_shorter_than_a_window_are_scrubbed_wherever_they_appear_whole() {
        let scrubber = Scrubber::new([KEY, "t0k-7ch", "ab"]);
        assert_eq!(
            scrubber.scrub(&format!("t0k-7ch, {KEY}t0k-7ch and t0k-7c")),
            "[redacted], [redacted] and t0k-7c"
        );
        // Overlapping and adjacent occurrences become one stretch, and a
        // replacement is never scrubbed again.
        assert_eq!(scrubber.scrub("aabab x ab"), "a[redacted] x [redacted]");
        assert_eq!(Scrubber::new(["red"]).scrub("red"), "[redacted]");
        assert_eq!(Scrubber::new([""]).scrub("nothing"), "nothing");
    }

    #[test]
    fn secrets_that_cannot_be_credentials_are_refused() {
        for bad in [
            "",
            "   ",
            "k",
            "short-key-123",
            "a key with spaces in it",
            "tab\there-0123456789",
        ] {
            assert!(check_secret(bad).is_err(), "{bad:?}");
        }
        assert!(check_secret(KEY).is_ok());
    }
}
