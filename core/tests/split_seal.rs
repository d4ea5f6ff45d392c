//! The two halves of sealing and opening that let another AES-GCM implementation (the
//! browser's WebCrypto) do the bulk work: they must give the very packet and payload the
//! core's own path gives.
#![allow(clippy::unwrap_used)]

mod common;

use common::{example_agency_key, seeded_rng};
use confidant_core::packet::{FormRef, Packet, PacketError, Recipient, prepare_seal, seal_packet};
use confidant_core::primitives::{aes256_gcm_open, aes256_gcm_seal};
use zeroize::Zeroizing;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

fn form() -> FormRef {
    FormRef {
        id: "referral".into(),
        version: "1".into(),
    }
}

const PAYLOAD: &str = r#"{"name":"canary-Lina-0c4e","note":"split path"}"#;

/// What another implementation returns: ciphertext then tag.
fn external_seal(key: &[u8; 32], iv: &[u8; 12], aad: &str, plaintext: &[u8]) -> Vec<u8> {
    let mut buffer = plaintext.to_vec();
    let tag = aes256_gcm_seal(key, iv, aad.as_bytes(), &mut buffer);
    buffer.extend_from_slice(&tag);
    buffer
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn finishing_with_outside_encryption_gives_the_same_packet() {
    let agency = example_agency_key();
    let recipients = [Recipient::Agency(agency.public.clone())];
    let whole = seal_packet(
        PAYLOAD,
        &form(),
        1_700_000_000,
        &recipients,
        &mut seeded_rng(5),
    )
    .unwrap();

    let pending = prepare_seal(
        PAYLOAD,
        &form(),
        1_700_000_000,
        &recipients,
        &mut seeded_rng(5),
    )
    .unwrap();
    assert_eq!(pending.padded_payload().len(), 1024);
    assert!(pending.padded_payload().starts_with(PAYLOAD.as_bytes()));
    let encrypted = external_seal(
        pending.content_key(),
        pending.iv(),
        &pending.associated_data(),
        pending.padded_payload(),
    );
    let split = pending.finish(encrypted).unwrap();
    assert_eq!(split, whole);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn finishing_with_output_of_the_wrong_length_is_refused() {
    let agency = example_agency_key();
    let pending = prepare_seal(
        PAYLOAD,
        &form(),
        0,
        &[Recipient::Agency(agency.public)],
        &mut seeded_rng(6),
    )
    .unwrap();
    let short = vec![0u8; pending.padded_payload().len()];
    assert!(matches!(
        pending.finish(short),
        Err(PacketError::Invalid(_))
    ));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn opening_with_outside_decryption_gives_the_same_payload() {
    let agency = example_agency_key();
    let sealed = seal_packet(
        PAYLOAD,
        &form(),
        0,
        &[Recipient::Agency(agency.public.clone())],
        &mut seeded_rng(7),
    )
    .unwrap();
    let packet = Packet::parse(&sealed).unwrap();

    let key = packet.content_key_for_agency(&agency.secret).unwrap();
    let mut joined = packet.ciphertext_and_tag();
    let (ciphertext, tag) = joined.split_at_mut(packet.ciphertext_len());
    let tag: [u8; 16] = (&*tag).try_into().unwrap();
    aes256_gcm_open(
        key.as_bytes(),
        packet.iv(),
        packet.associated_data().as_bytes(),
        ciphertext,
        &tag,
    )
    .unwrap();
    let plaintext = Zeroizing::new(ciphertext.to_vec());

    let outside = packet.finish_open(plaintext).unwrap();
    let inside = packet.decrypt(&key).unwrap();
    assert_eq!(outside.payload_json(), PAYLOAD);
    assert_eq!(inside.payload_json(), PAYLOAD);
    assert_eq!(format!("{key:?}"), "ContentKey(..)");

    // A plaintext of the wrong length is not the packet's.
    let error = packet
        .finish_open(Zeroizing::new(vec![b' '; 10]))
        .unwrap_err();
    assert_eq!(error.to_string(), "could not open the packet with this key");
}
