//! Shared helpers of the integration tests: seeded RNGs, a proptest configuration that
//! works in the browser, and fixtures.
#![allow(dead_code, clippy::unwrap_used)]

use chacha20::ChaCha20Rng;
use chacha20::rand_core::SeedableRng;
use confidant_core::agency::{AgencyKind, DirectoryEntry};
use confidant_core::keys::{AgencyKeyPair, Passphrase};

/// A reproducible RNG; never use a seeded RNG outside tests.
pub fn seeded_rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

/// A directory entry with a key made from `seed`.
pub fn agency(seed: u64, name: &str, kind: AgencyKind) -> DirectoryEntry {
    DirectoryEntry {
        key: AgencyKeyPair::generate(&mut seeded_rng(seed))
            .unwrap()
            .public,
        name: name.to_owned(),
        kind,
        signing_key: None,
        endorsed: false,
    }
}

/// The agency key pair of the committed example packet (`vectors/example-packet.json`).
pub fn example_agency_key() -> AgencyKeyPair {
    AgencyKeyPair::generate(&mut seeded_rng(7638)).unwrap()
}

/// A second agency of the example packet.
pub fn example_second_agency_key() -> AgencyKeyPair {
    AgencyKeyPair::generate(&mut seeded_rng(8037)).unwrap()
}

/// The passphrase of the example packet's passphrase recipient.
pub fn example_passphrase() -> Passphrase {
    Passphrase::new("correct horse battery staple".to_owned())
}

/// Proptest settings: `cases` cases and no failure files, since the browser has no file
/// system (a failing case is printed with its seed instead).
pub fn proptest_config(cases: u32) -> proptest::test_runner::Config {
    proptest::test_runner::Config {
        cases,
        failure_persistence: None,
        ..proptest::test_runner::Config::default()
    }
}

/// Decodes unpadded base64url (tests only; the crate's own decoder is private).
pub fn b64_decode(text: &str) -> Vec<u8> {
    use base64ct::{Base64UrlUnpadded, Encoding};
    Base64UrlUnpadded::decode_vec(text).unwrap()
}

pub fn b64_encode(bytes: &[u8]) -> String {
    use base64ct::{Base64UrlUnpadded, Encoding};
    Base64UrlUnpadded::encode_string(bytes)
}

pub fn hex_decode(text: &str) -> Vec<u8> {
    let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}
