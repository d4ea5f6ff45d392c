//! Confidant's core: everything about forms and sealed packets that can be decided
//! without a browser.
//!
//! This crate compiles natively and to wasm32. It names no browser crate and performs no
//! I/O: no clock, no storage, no network. Randomness and the current time come in as
//! arguments, so that the web app, the command-line tool and the tests each supply their
//! own, and so that every function here can be tested with plain `cargo test`.
//!
//! - [`packet`]: the sealed packet, a JWE that carries one form's answers (`docs/packet.md`).
//! - [`keys`]: agency key pairs, their fingerprints, and passphrase-encrypted key files
//!   (`docs/keyfile.md`).
//! - [`primitives`]: the cryptographic building blocks both formats use, public for the
//!   known-answer tests.

pub mod draft;
pub mod form;
pub mod keys;
pub mod packet;
pub mod primitives;

mod b64;
mod json_object;
mod random;
mod untrusted_text;
mod wipe;
