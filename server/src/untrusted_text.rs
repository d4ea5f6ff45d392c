//! Showing text that came from a request inside the server's answer.
//!
//! An error message is more useful when it names what it refuses ("recipient `…` is not
//! in this server's directory"), but every client is hostile: a key id of ten thousand
//! characters, a newline, an ANSI escape or a right-to-left override must not reach
//! whoever reads the answer (a browser's console, a terminal, a log). So the value is cut
//! short and everything outside printable ASCII is written as an escape (`\u{202e}`).
//!
//! The escaping is the core's (`confidant_core::untrusted_text`), the one the packet
//! parser's own messages go through; the server applies it once more to whole messages,
//! which holds whatever a parser's message contains, and shows longer values.

pub use confidant_core::untrusted_text::{MAX_MESSAGE_CHARS, escaped as shown};

/// How much of a single value (a key id, a packet id) an answer shows.
pub const MAX_VALUE_CHARS: usize = 64;

/// A single value from the request, such as a key id.
pub fn shown_value(value: &str) -> String {
    shown(value, MAX_VALUE_CHARS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_bidi_invisible_and_non_ascii_characters_are_escaped() {
        let hostile = "a\nb\u{1b}[31m\u{202e}c\u{200b}d\"\\é`";
        let text = shown_value(hostile);
        assert_eq!(
            text,
            r#"a\u{a}b\u{1b}[31m\u{202e}c\u{200b}d\u{22}\u{5c}\u{e9}`"#
        );
    }

    #[test]
    fn long_values_are_cut() {
        let text = shown_value(&"x".repeat(10_000));
        assert_eq!(text.chars().count(), MAX_VALUE_CHARS + 1);
        assert!(text.ends_with('…'));
        assert_eq!(shown_value("short"), "short");
    }
}
