//! Confidant's core: everything about forms and sealed packets that can be decided
//! without a browser.
//!
//! This crate compiles natively and to wasm32. It names no browser crate and performs no
//! I/O: no clock, no storage, no network. Randomness and the current time come in as
//! arguments, so that the web app, the command-line tool and the tests each supply their
//! own, and so that every function here can be tested with plain `cargo test`.
//!
//! - [`agency`]: the directory of agencies, read without trusting it, and trust on first
//!   use.
//! - [`packet`]: the sealed packet, a JWE that carries one form's answers (`docs/packet.md`).
//! - [`keys`]: agency key pairs, their fingerprints, and passphrase-encrypted key files
//!   (`docs/keyfile.md`).
//! - [`signing`]: agencies' Ed25519 signing keys and the signature a signed packet
//!   carries inside its encryption.
//! - [`format_error`]: the format faults packets and key files share.
//! - [`primitives`]: the cryptographic building blocks both formats use, public for the
//!   known-answer tests.

pub mod acknowledgment;
pub mod agency;
pub mod backup_checks;
pub mod draft;
pub mod embed_snippet;
pub mod form;
pub mod format_error;
pub mod keys;
pub mod lower_case;
pub mod packet;
pub mod primitives;
pub mod signing;
pub mod str_map;
pub mod untrusted_text;

/// A JSON value as compact text, as its `Display` writes it. `Display` also carries
/// serde_json's pretty printer, for `{:#}`, which nothing in Confidant writes: the two
/// writers of a `Value` through a formatter weighed 3.1 KB of the app's module (before
/// brotli), and this one writes into a `Vec` as every other serialisation does.
#[must_use]
pub fn json_text(value: &serde_json::Value) -> String {
    // Writing a `Value` cannot fail: its keys are strings and its numbers finite.
    serde_json::to_string(value).unwrap_or_default()
}

mod b64;
mod json_object;
mod random;
mod wipe;

#[cfg(test)]
mod tests {
    #[test]
    fn json_text_writes_what_display_writes() {
        let value = serde_json::json!({
            "b": [1, -2.5, null, true],
            "a": { "text": "quote \" and \u{1F600} and \n" },
        });
        assert_eq!(super::json_text(&value), value.to_string());
        assert_eq!(super::json_text(&serde_json::Value::Null), "null");
    }
}
