//! The `review` progress line on stderr: `\r`-redrawn text, no escape
//! codes, only when stderr is a terminal.
//!
//! Not indicatif: one counter redrawn a few times a second needs no
//! templates, spinners or multi-bars, and indicatif would add `console`,
//! `unicode-width`, `portable-atomic` and `unit-prefix` to the build for it.

use std::io::Write;
use std::time::{Duration, Instant};

/// Redraws are at most this frequent (the last one always happens).
const EVERY: Duration = Duration::from_millis(80);

/// A progress line, or nothing when disabled.
pub struct Progress {
    enabled: bool,
    total: usize,
    drawn: usize,
    last: Option<Instant>,
}

impl Progress {
    /// A progress line over `total` items; `enabled` when stderr is a
    /// terminal.
    pub fn new(enabled: bool, total: usize) -> Self {
        Self {
            enabled,
            total,
            drawn: 0,
            last: None,
        }
    }

    /// Shows `done` of the total, `failed` of them failed.
    pub fn update(&mut self, done: usize, failed: usize) {
        if !self.enabled {
            return;
        }
        let now = Instant::now();
        let due = self
            .last
            .is_none_or(|last| now.duration_since(last) >= EVERY);
        if !due && done < self.total {
            return;
        }
        self.last = Some(now);
        let mut text = format!("reviewing users: {done}/{}", self.total);
        if failed > 0 {
            text.push_str(&format!(", {failed} failed"));
        }
        self.draw(&text);
    }

    /// Clears the line.
    pub fn finish(&mut self) {
        if self.enabled && self.drawn > 0 {
            self.draw("");
        }
    }

    fn draw(&mut self, text: &str) {
        let pad = self.drawn.saturating_sub(text.chars().count());
        let _ = write!(std::io::stderr(), "\r{text}{}\r{text}", " ".repeat(pad));
        let _ = std::io::stderr().flush();
        self.drawn = text.chars().count();
    }
}
