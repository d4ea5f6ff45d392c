//! Showing text that came from a request inside the server's answer.
//!
//! An error message is more useful when it names what it refuses ("recipient `…` is not
//! in this server's directory"), but every client is hostile: a key id of ten thousand
//! characters, a newline, an ANSI escape or a right-to-left override must not reach
//! whoever reads the answer (a browser's console, a terminal, a log). So the value is cut
//! short and everything outside printable ASCII is written as an escape (`\u{202e}`).
//!
//! The core escapes the values its parser names as well; this is the server's own
//! defence, which holds whatever a parser's message contains.

/// How much of a single value (a key id, a packet id) an answer shows.
pub const MAX_VALUE_CHARS: usize = 64;
/// How much of a parser's sentence (which may itself quote a value) an answer shows.
pub const MAX_MESSAGE_CHARS: usize = 160;

/// `text`, at most `max` characters of it, with every character that is not printable
/// ASCII (and the quote and the backslash, so that no escape can be forged) escaped; `…`
/// marks a cut.
pub fn shown(text: &str, max: usize) -> String {
    let mut out = String::new();
    for c in text.chars().take(max) {
        if (c == ' ' || c.is_ascii_graphic()) && c != '"' && c != '\\' {
            out.push(c);
        } else {
            out.extend(c.escape_unicode());
        }
    }
    if text.chars().nth(max).is_some() {
        out.push('…');
    }
    out
}

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
