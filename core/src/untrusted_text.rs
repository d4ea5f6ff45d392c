//! Showing text that came from untrusted input inside an error message.
//!
//! Error messages name the offending value ("unsupported alg `RSA1_5`") because that is
//! what makes them useful, but a hostile packet must not be able to fill a log with
//! megabytes, or a terminal or a server's answer with control characters, bidirectional
//! overrides or invisible characters, so the value is cut short and escaped. serde's own
//! messages quote the keys they refuse as they were decoded, so they pass through
//! [`parse_error`] before they reach anyone.

const MAX_SHOWN_CHARS: usize = 32;
/// A parser's message is a sentence around the value it quotes: room for both.
pub const MAX_MESSAGE_CHARS: usize = 160;

/// What a JSON parser found wrong with decrypted content (a referral, an answer, the
/// signature around them), in fixed words and a position. serde's own message quotes the
/// value it refuses, and in decrypted content that value may be what a person told a
/// worker; an error can end up on a terminal, in a bug report or in a log, so nothing of
/// the plaintext is in it.
pub fn plaintext_parse_error(error: &serde_json::Error) -> String {
    // Made before parsing, for bytes that are not UTF-8, and so placed nowhere.
    if error.line() == 0 && error.to_string() == crate::json_object::NOT_UTF8 {
        return "not UTF-8".to_owned();
    }
    let what = match error.classify() {
        serde_json::error::Category::Syntax => "not valid JSON",
        serde_json::error::Category::Eof => "JSON that ends early",
        serde_json::error::Category::Data => "a value or member that does not fit the format",
        serde_json::error::Category::Io => "unreadable",
    };
    format!("{what} at line {}, column {}", error.line(), error.column())
}

/// The format a decrypted payload names, for an error: one of Confidant's own by name, and
/// anything else unquoted, since the payload is plaintext.
pub fn payload_format(format: &str) -> String {
    let known = [
        crate::form::REFERRAL_FORMAT,
        crate::acknowledgment::ACKNOWLEDGMENT_FORMAT,
    ];
    if known.contains(&format) {
        format.to_owned()
    } else {
        "payload of another format".to_owned()
    }
}

/// `value`, escaped like a Rust string literal and cut to a few dozen characters.
pub fn shown(value: &str) -> String {
    escaped(value, MAX_SHOWN_CHARS)
}

/// A JSON parser's message about untrusted input, escaped and cut short.
pub fn parse_error(error: &serde_json::Error) -> String {
    escaped(&error.to_string(), MAX_MESSAGE_CHARS)
}

/// `text` cut to its first `max` characters (`…` marking the cut), with every character
/// outside printable ASCII escaped (`\n` as `\u{a}`, a direction override as
/// `\u{202e}`, …), and the quote and the backslash too, so that no escape can be forged.
pub fn escaped(text: &str, max: usize) -> String {
    let mut out: String = text
        .chars()
        .take(max)
        .flat_map(|c| {
            let plain = (c == ' ' || c.is_ascii_graphic()) && c != '"' && c != '\\';
            let escape: Vec<char> = if plain {
                vec![c]
            } else {
                c.escape_unicode().collect()
            };
            escape
        })
        .collect();
    if text.chars().nth(max).is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_bidi_and_invisible_characters_are_escaped() {
        let hostile = "a\nb\u{1b}[31m\u{202e}c\u{200b}d\"é";
        let text = shown(hostile);
        assert!(
            text.chars()
                .all(|c| c == ' ' || c.is_ascii_graphic() || c == '…')
        );
        assert!(text.contains(r"\u{202e}"), "{text}");
        assert!(text.contains(r"\u{a}"), "{text}");
    }

    #[test]
    fn a_plaintext_parser_message_quotes_nothing() {
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Shape {
            age: u8,
        }
        // serde quotes the first two; the other two are here for the other categories.
        for (json, serde_quotes_it) in [
            (r#"{"age": "CANARY-Maria"}"#, true),
            (r#"{"CANARY-Maria": 1}"#, true),
            (r#"{"age": 1, "CANARY-Maria"#, false),
            (r#"{"age": CANARY-Maria}"#, false),
        ] {
            let error = serde_json::from_str::<Shape>(json).unwrap_err();
            assert_eq!(
                parse_error(&error).contains("CANARY"),
                serde_quotes_it,
                "{json}"
            );
            let message = plaintext_parse_error(&error);
            assert!(!message.contains("CANARY"), "{json}: {message}");
            assert!(message.contains("line 1, column"), "{message}");
        }
    }

    #[test]
    fn long_values_are_cut() {
        let text = shown(&"x".repeat(10_000));
        assert_eq!(text.chars().count(), MAX_SHOWN_CHARS + 1);
        assert_eq!(
            shown(&"x".repeat(MAX_SHOWN_CHARS)),
            "x".repeat(MAX_SHOWN_CHARS)
        );
        assert!(text.ends_with('…'));
    }

    #[test]
    fn a_parser_message_is_escaped_and_cut() {
        let key = format!("\u{202e}{}", "k".repeat(5_000));
        let json = format!(r#"{{"{key}": 1}}"#);
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Empty {}
        let error = serde_json::from_str::<Empty>(&json).expect_err("unknown member");
        let text = parse_error(&error);
        // Escapes lengthen a character to at most ten.
        assert!(text.chars().count() <= 10 * MAX_MESSAGE_CHARS + 1, "{text}");
        assert!(text.ends_with('…'));
        assert!(!text.contains('\u{202e}'));
        assert!(text.contains(r"\u{202e}"));
    }
}
