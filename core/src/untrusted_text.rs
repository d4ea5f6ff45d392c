//! Showing a value that came from untrusted input inside an error message.
//!
//! Error messages name the offending value ("unsupported alg `RSA1_5`") because that is
//! what makes them useful, but a hostile packet must not be able to fill a log with
//! megabytes or with control characters, so the value is cut short and escaped.

const MAX_SHOWN_CHARS: usize = 32;

/// `value`, escaped like a Rust string literal and cut to a few dozen characters.
pub(crate) fn shown(value: &str) -> String {
    let mut text: String = value
        .chars()
        .take(MAX_SHOWN_CHARS)
        .flat_map(char::escape_debug)
        .collect();
    if value.chars().nth(MAX_SHOWN_CHARS).is_some() {
        text.push('…');
    }
    text
}
