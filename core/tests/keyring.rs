//! The keyring file (key file format version 2): several key pairs under one passphrase,
//! the current one first. It rotates and retires keys, opens packets sealed to any of
//! them, and refuses every edit of its public part (a key swapped, dropped, reordered or
//! made current) as a tampered file. A version 1 key file opens as a ring of one.
#![allow(clippy::unwrap_used)]

mod common;

use common::seeded_rng;
use confidant_core::keys::{
    AgencyKeyPair, KdfParams, KeyFile, KeyFileError, Keyring, KeyringError, Passphrase,
};
use confidant_core::packet::{FormRef, Packet, Recipient, seal_packet};
use serde_json::Value;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

fn packet_for(pair: &AgencyKeyPair, seed: u64) -> String {
    seal_packet(
        r#"{"ok":true}"#,
        &FormRef {
            id: "f".into(),
            version: "1".into(),
        },
        1,
        &[Recipient::Agency(pair.public.clone())],
        &mut seeded_rng(seed),
    )
    .unwrap()
}

/// The ring's key for a packet: the one whose key id the packet names.
fn opens(ring: &Keyring, packet: &str) -> bool {
    let packet = Packet::parse(packet).unwrap();
    packet.recipients().iter().any(|recipient| {
        ring.get(recipient.kid())
            .is_some_and(|pair| packet.open_with_key(&pair.secret).is_ok())
    })
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_rotated_keyring_opens_what_was_sealed_to_its_current_and_former_keys() {
    let passphrase = Passphrase::new("agency vault passphrase".into());
    let first = AgencyKeyPair::generate(&mut seeded_rng(40)).unwrap();
    let second = AgencyKeyPair::generate(&mut seeded_rng(41)).unwrap();
    let mut ring = Keyring::new(first.clone());
    let old_packet = packet_for(&first, 42);
    ring.rotate(second.clone()).unwrap();
    let new_packet = packet_for(&second, 43);

    let file =
        KeyFile::seal_ring(&ring, &passphrase, KdfParams::MINIMUM, &mut seeded_rng(44)).unwrap();
    let json: Value = serde_json::from_str(&file).unwrap();
    assert_eq!(json["version"], 2);
    assert_eq!(json["keys"].as_array().unwrap().len(), 2);
    assert_eq!(KeyFile::version(&file).unwrap(), 2);
    // Without the passphrase: the current public key first, then the former.
    assert_eq!(KeyFile::public_key(&file).unwrap(), second.public);
    assert_eq!(
        KeyFile::public_keys(&file).unwrap(),
        [second.public.clone(), first.public.clone()]
    );

    let opened = KeyFile::open_ring(&file, &passphrase).unwrap();
    assert_eq!(opened.current.public, second.public);
    assert_eq!(opened.former.len(), 1);
    assert!(opens(&opened, &old_packet) && opens(&opened, &new_packet));
    // The derivation done elsewhere (the browser's worker) opens it the same.
    let (params, salt) = KeyFile::kdf(&file).unwrap();
    let key = confidant_core::draft::Derivation { params, salt }
        .derive(&passphrase)
        .unwrap();
    assert_eq!(
        KeyFile::open_ring_with_key(&file, &key).unwrap().former[0].public,
        first.public
    );
    // Sealed with a key derived elsewhere, under a salt drawn for it, it opens the same.
    let derivation =
        confidant_core::draft::Derivation::new(KdfParams::MINIMUM, &mut seeded_rng(45)).unwrap();
    let derived = derivation.derive(&passphrase).unwrap();
    let elsewhere = KeyFile::seal_ring_with_key(
        &ring,
        &derived,
        derivation.params,
        &derivation.salt,
        &mut seeded_rng(46),
    )
    .unwrap();
    assert_eq!(
        KeyFile::open_ring(&elsewhere, &passphrase)
            .unwrap()
            .current
            .public,
        second.public
    );
    // The one-key API opens the current key.
    assert_eq!(
        KeyFile::open(&file, &passphrase).unwrap().public,
        second.public
    );

    // Retired, the former key no longer opens its packet; the current cannot be retired.
    let mut retired = opened.clone();
    assert_eq!(
        retired.retire(second.public.kid()).unwrap_err(),
        KeyringError::Current
    );
    assert_eq!(
        retired.retire("not-a-kid").unwrap_err(),
        KeyringError::NoSuchKey
    );
    retired.retire(first.public.kid()).unwrap();
    assert!(!opens(&retired, &old_packet) && opens(&retired, &new_packet));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn every_edit_of_a_keyrings_public_part_is_refused() {
    let passphrase = Passphrase::new("p".into());
    let pairs: Vec<AgencyKeyPair> = (0..3)
        .map(|n| AgencyKeyPair::generate(&mut seeded_rng(50 + n)).unwrap())
        .collect();
    let mut ring = Keyring::new(pairs[0].clone());
    ring.rotate(pairs[1].clone()).unwrap();
    let file =
        KeyFile::seal_ring(&ring, &passphrase, KdfParams::MINIMUM, &mut seeded_rng(60)).unwrap();
    let json: Value = serde_json::from_str(&file).unwrap();
    let keys = json["keys"].as_array().unwrap().clone();
    let jwk = |pair: &AgencyKeyPair| -> Value {
        serde_json::from_str(&pair.public.to_jwk_json()).unwrap()
    };

    let mut reordered = json.clone();
    reordered["keys"] = Value::Array(vec![keys[1].clone(), keys[0].clone()]);
    let mut swapped = json.clone();
    swapped["keys"][1] = jwk(&pairs[2]);
    for edited in [reordered, swapped] {
        assert_eq!(
            KeyFile::open_ring(&edited.to_string(), &passphrase).unwrap_err(),
            KeyFileError::CouldNotOpen
        );
    }
    // A key dropped: the secrets no longer fit the list.
    let mut dropped = json.clone();
    dropped["keys"] = Value::Array(vec![keys[0].clone()]);
    assert_eq!(
        KeyFile::open_ring(&dropped.to_string(), &passphrase)
            .unwrap_err()
            .to_string(),
        "encrypted_secret_key.ciphertext must be 48 bytes"
    );
    let mut twice = json.clone();
    twice["keys"] = Value::Array(vec![keys[0].clone(), keys[0].clone()]);
    assert_eq!(
        KeyFile::open_ring(&twice.to_string(), &passphrase).unwrap_err(),
        KeyFileError::DuplicateKey
    );
    let mut none = json.clone();
    none["keys"] = Value::Array(vec![]);
    assert_eq!(
        KeyFile::open_ring(&none.to_string(), &passphrase).unwrap_err(),
        KeyFileError::TooManyKeys
    );
    let mut extra = json.clone();
    extra["backup_key"] = "later".into();
    assert!(
        KeyFile::open_ring(&extra.to_string(), &passphrase)
            .unwrap_err()
            .to_string()
            .starts_with("malformed key file: unknown field `backup_key`")
    );
    // A ring is full at 16 keys.
    let mut full = Keyring::new(pairs[0].clone());
    for _ in 1..Keyring::MAX_KEYS {
        full.rotate(pairs[1].clone()).unwrap();
    }
    assert_eq!(
        full.rotate(pairs[2].clone()).unwrap_err(),
        KeyringError::Full
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_version_1_key_file_opens_as_a_ring_of_one() {
    let passphrase = Passphrase::new("p".into());
    let pair = AgencyKeyPair::generate(&mut seeded_rng(70)).unwrap();
    let file = KeyFile::seal(
        &pair.secret,
        &pair.public,
        &passphrase,
        KdfParams::MINIMUM,
        &mut seeded_rng(71),
    )
    .unwrap();
    assert_eq!(KeyFile::version(&file).unwrap(), 1);
    let ring = KeyFile::open_ring(&file, &passphrase).unwrap();
    assert_eq!(ring.current.public, pair.public);
    assert!(ring.former.is_empty());
    assert!(opens(&ring, &packet_for(&pair, 72)));
}
