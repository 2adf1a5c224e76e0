//! Server text made safe to print: control characters escaped.
//!
//! Anything a server sends may end up on a terminal or in a log line: an
//! escape sequence there can rewrite the screen or the window title, and a
//! newline can forge a log entry. Text meant for people (error messages,
//! `Display` of server-supplied ids and type names) escapes every control
//! character, Rust-style (`\u{1b}`, `\n`); the raw text stays available
//! where it is data (`as_str`, serde).

use std::borrow::Cow;
use std::fmt;

/// `text` with every control character escaped; borrowed when it has none.
pub(crate) fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Writes `text` to a formatter with its control characters escaped.
pub(crate) fn write_printable(f: &mut fmt::Formatter<'_>, text: &str) -> fmt::Result {
    f.write_str(&printable(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped_and_the_rest_is_kept() {
        assert_eq!(printable("web-01 ü ✓"), "web-01 ü ✓");
        assert!(matches!(printable("plain"), Cow::Borrowed(_)));
        assert_eq!(
            printable("a\u{1b}[2Jb\u{7}\nc\u{9b}d\u{7f}"),
            "a\\u{1b}[2Jb\\u{7}\\nc\\u{9b}d\\u{7f}"
        );
    }
}
