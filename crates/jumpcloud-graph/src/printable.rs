//! Server text made safe to print: control characters escaped, and cut to
//! an excerpt where errors quote it.
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

/// How many characters of a body errors keep.
pub(crate) const EXCERPT_CHARS: usize = 512;

/// The start of a response body as errors show it: scrubbed of
/// credentials, control characters escaped, at most [`EXCERPT_CHARS`].
pub(crate) fn body_excerpt(body: &[u8], scrub: &dyn Fn(&str) -> String) -> String {
    excerpt(&scrub(&String::from_utf8_lossy(body)), EXCERPT_CHARS)
}

/// At most `chars` characters of `text`, trimmed, with `…` when cut.
pub(crate) fn excerpt(text: &str, chars: usize) -> String {
    // Escaped before the cut, so the excerpt stays within `chars` printed.
    let text = printable(text.trim());
    let text = text.as_ref();
    match text.char_indices().nth(chars) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
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
