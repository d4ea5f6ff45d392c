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
pub mod packet;
pub mod primitives;
pub mod signing;
pub mod str_map;
pub mod untrusted_text;

mod b64;
mod json_object;
mod random;
mod wipe;
