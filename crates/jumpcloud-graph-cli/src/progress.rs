//! The `review` progress line on stderr: `\r`-redrawn text, no escape
//! codes, only when stderr is a terminal. It says how many users are done
//! of how many, how fast users and requests go, how many requests were
//! answered 429 (the client slows down on them), how many users failed,
//! and how long the rest should take at the pace so far.
//!
//! Not indicatif: one counter redrawn a few times a second needs no
//! templates, spinners or multi-bars, and indicatif would add `console`,
//! `unicode-width`, `portable-atomic` and `unit-prefix` to the build for it.

use std::io::Write;
use std::time::{Duration, Instant};

/// Redraws are at most this frequent (the last one always happens).
const EVERY: Duration = Duration::from_millis(80);

/// Where a run stands.
#[derive(Clone, Copy, Debug, Default)]
pub struct Status {
    /// Items done (failed ones included).
    pub done: usize,
    /// Items in all.
    pub total: usize,
    /// Items that failed.
    pub failed: usize,
    /// Requests sent so far.
    pub requests: u64,
    /// Of those, answered 429.
    pub rate_limited: u64,
}

/// A progress line, or nothing when disabled.
pub struct Progress {
    enabled: bool,
    started: Instant,
    drawn: usize,
    last: Option<Instant>,
}

impl Progress {
    /// A progress line; `enabled` when stderr is a terminal.
    pub fn new(enabled: bool) -> Self {
        Self {
            enabled,
            started: Instant::now(),
            drawn: 0,
            last: None,
        }
    }

    /// Shows `status`.
    pub fn update(&mut self, status: Status) {
        if !self.enabled {
            return;
        }
        let now = Instant::now();
        let due = self
            .last
            .is_none_or(|last| now.duration_since(last) >= EVERY);
        if !due && status.done < status.total {
            return;
        }
        self.last = Some(now);
        let text = line(status, now.duration_since(self.started));
        self.draw(fitted(&text, crate::terminal::stderr_width()));
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

/// `reviewing users: 120/300 in 0:30, 4.1 users/s, 41 requests/s, 3
/// answered 429, 2 failed, about 0:44 left`: done, elapsed, rates, 429s,
/// failures and the time left.
fn line(status: Status, elapsed: Duration) -> String {
    let mut text = format!("reviewing users: {}/{}", status.done, status.total);
    let seconds = elapsed.as_secs_f64();
    if seconds >= 0.5 && status.done > 0 {
        let users = status.done as f64 / seconds;
        text.push_str(&format!(
            " in {}, {users:.1} users/s, {:.0} requests/s",
            clock(seconds),
            status.requests as f64 / seconds
        ));
        if status.rate_limited > 0 {
            text.push_str(&format!(", {} answered 429", status.rate_limited));
        }
        if status.failed > 0 {
            text.push_str(&format!(", {} failed", status.failed));
        }
        let left = status.total.saturating_sub(status.done) as f64 / users;
        if status.done < status.total {
            text.push_str(&format!(", about {} left", clock(left)));
        }
    } else if status.failed > 0 {
        text.push_str(&format!(", {} failed", status.failed));
    }
    text
}

/// The line cut to one character less than the terminal's width: a line
/// that wrapped would leave a copy of itself on every redraw.
fn fitted(text: &str, width: Option<usize>) -> &str {
    let Some(room) = width.map(|w| w.saturating_sub(1).max(1)) else {
        return text;
    };
    match text.char_indices().nth(room) {
        Some((cut, _)) => &text[..cut],
        None => text,
    }
}

/// `0:44`, `12:05`, `3:07:09`.
fn clock(seconds: f64) -> String {
    let total = if seconds.is_finite() {
        seconds.clamp(0.0, 359_999.0).round() as u64
    } else {
        359_999
    };
    let (h, m, s) = (total / 3600, total / 60 % 60, total % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_wider_than_the_terminal_is_cut_to_fit() {
        let text = "reviewing users: 120/300 in 0:30, 4.0 users/s, 41 requests/s";
        assert_eq!(fitted(text, Some(20)), "reviewing users: 12");
        assert_eq!(fitted(text, Some(200)), text);
        assert_eq!(fitted(text, None), text);
        assert_eq!(fitted("é€x", Some(3)), "é€");
    }

    #[test]
    fn the_line_says_elapsed_rates_429s_failures_and_time_left() {
        let status = Status {
            done: 120,
            total: 300,
            failed: 2,
            requests: 1_230,
            rate_limited: 3,
        };
        assert_eq!(
            line(status, Duration::from_secs(30)),
            "reviewing users: 120/300 in 0:30, 4.0 users/s, 41 requests/s, 3 answered 429, \
             2 failed, about 0:45 left"
        );
        assert_eq!(
            line(
                Status {
                    total: 5,
                    ..Status::default()
                },
                Duration::ZERO
            ),
            "reviewing users: 0/5"
        );
        assert_eq!(clock(3.0 * 3600.0 + 7.0 * 60.0 + 9.0), "3:07:09");
        assert_eq!(clock(f64::INFINITY), "99:59:59");
    }
}
