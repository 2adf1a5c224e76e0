//! Server text made safe to print: control characters escaped, and cut to
//! an excerpt where errors quote it.
//!
//! Anything a server sends may end up on a terminal or in a log line: an
//! escape sequence there can rewrite the screen or the window title, and a
//! newline can forge a log entry. Text meant for people (error messages,
//! `Display` of server-supplied ids and type names) escapes every control
//! character, Rust-style (`\u{1b}`, `\n`), and the characters that reorder
//! or hide text (bidirectional overrides, zero-width characters, line
//! separators; see [`shown_escaped`]); the raw text stays available
//! where it is data (`as_str`, serde).

use std::borrow::Cow;
use std::fmt;

/// `text` with every character [`shown_escaped`] escaped; borrowed when
/// it has none.
pub(crate) fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(shown_escaped) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if shown_escaped(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Whether this crate shows `c` escaped (Rust-style, `\u{202e}`) in text
/// meant for people (error messages, the `Display` of ids and type names a
/// server sent), and `jcgraph` in every line it prints: the Unicode general categories Cc
/// (controls: C0, DEL and C1, where U+009B is a CSI on many terminals), Cf
/// (format characters: the bidirectional marks, embeddings, overrides and
/// isolates U+061C, U+200E, U+200F, U+202A to U+202E and U+2066 to U+2069,
/// zero-width spaces and joiners, the byte order mark, soft hyphens, tags),
/// Zl and Zp (U+2028 and U+2029, which some terminals and most editors
/// break lines at). Letters, marks, symbols and spaces are printed as they
/// are, however they render.
///
/// ```
/// assert!(jumpcloud_graph::shown_escaped('\u{1b}'));
/// assert!(jumpcloud_graph::shown_escaped('\u{202e}'));
/// assert!(!jumpcloud_graph::shown_escaped('ü'));
/// ```
pub fn shown_escaped(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') || is_format(c)
}

/// General category Cf, Unicode 15.1 (Python's `unicodedata` 14.0, plus
/// the Egyptian hieroglyph format controls 15.0 added; the last range also
/// holds the unassigned U+E0002 to U+E001F between the tags).
fn is_format(c: char) -> bool {
    const FORMAT: [(char, char); 20] = [
        ('\u{ad}', '\u{ad}'),
        ('\u{600}', '\u{605}'),
        ('\u{61c}', '\u{61c}'),
        ('\u{6dd}', '\u{6dd}'),
        ('\u{70f}', '\u{70f}'),
        ('\u{890}', '\u{891}'),
        ('\u{8e2}', '\u{8e2}'),
        ('\u{180e}', '\u{180e}'),
        ('\u{200b}', '\u{200f}'),
        ('\u{202a}', '\u{202e}'),
        ('\u{2060}', '\u{2064}'),
        ('\u{2066}', '\u{206f}'),
        ('\u{feff}', '\u{feff}'),
        ('\u{fff9}', '\u{fffb}'),
        ('\u{110bd}', '\u{110bd}'),
        ('\u{110cd}', '\u{110cd}'),
        ('\u{13430}', '\u{1343f}'),
        ('\u{1bca0}', '\u{1bca3}'),
        ('\u{1d173}', '\u{1d17a}'),
        ('\u{e0001}', '\u{e007f}'),
    ];
    FORMAT.iter().any(|&(low, high)| (low..=high).contains(&c))
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
