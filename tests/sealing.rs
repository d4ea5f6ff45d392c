//! The browser's sealing path: WebCrypto and the core's own AES-GCM must give the same
//! packets and the same payloads, and refuse the same tampering.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used)]

use chacha20::ChaCha20Rng;
use chacha20::rand_core::SeedableRng;
use confidant_core::keys::{AgencyKeyPair, Passphrase};
use confidant_core::packet::{FormRef, Packet, PacketError, Recipient, prepare_seal};
use confidant_web::browser::webcrypto;
use confidant_web::sealing::{self, ContentCipher};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

fn form() -> FormRef {
    FormRef {
        id: "referral".into(),
        version: "1".into(),
    }
}

fn payload(size: usize) -> String {
    serde_json::json!({ "name": "canary-Noor-77b2", "filler": "é".repeat(size / 2) }).to_string()
}

fn agencies() -> Vec<AgencyKeyPair> {
    (1..=3)
        .map(|seed| AgencyKeyPair::generate(&mut ChaCha20Rng::seed_from_u64(seed)).unwrap())
        .collect()
}

#[wasm_bindgen_test]
async fn webcrypto_is_there_in_a_secure_context() {
    assert!(webcrypto::available());
}

#[wasm_bindgen_test]
async fn both_ciphers_seal_the_same_bytes() {
    let keys = agencies();
    let recipients: Vec<Recipient> = keys
        .iter()
        .map(|key| Recipient::Agency(key.public.clone()))
        .collect();
    for size in [10, 20_000, 70_000, 1_500_000] {
        let payload = payload(size);
        let prepare = || {
            prepare_seal(
                &payload,
                &form(),
                1_700_000_000,
                &recipients,
                &mut ChaCha20Rng::seed_from_u64(9),
            )
            .unwrap()
        };
        let by_core = sealing::finish_seal(prepare(), ContentCipher::Core)
            .await
            .unwrap();
        let by_browser = sealing::finish_seal(prepare(), ContentCipher::WebCrypto)
            .await
            .unwrap();
        assert_eq!(by_core, by_browser, "the ciphers disagree at {size} bytes");
    }
}

#[wasm_bindgen_test]
async fn both_ciphers_open_the_same_payload_and_refuse_the_same_tampering() {
    let keys = agencies();
    let recipients = [Recipient::Agency(keys[0].public.clone())];
    for size in [10, 70_000] {
        let payload = payload(size);
        let sealed = sealing::seal(&payload, &form(), 0, &recipients, None)
            .await
            .unwrap();
        let sealed = String::from_utf8(sealed).unwrap();
        assert!(!sealed.contains("canary"));
        let packet = Packet::parse(&sealed).unwrap();
        let key = packet.content_key_for_agency(&keys[0].secret).unwrap();
        for cipher in [ContentCipher::Core, ContentCipher::WebCrypto] {
            let opened = sealing::decrypt(&packet, &key, cipher).await.unwrap();
            assert_eq!(opened.payload_json(), payload);
        }

        // The same bytes with one ciphertext character changed.
        let mut value: serde_json::Value = serde_json::from_str(&sealed).unwrap();
        let ciphertext = value["ciphertext"].as_str().unwrap().to_owned();
        let changed = if ciphertext.ends_with('A') { 'Q' } else { 'A' };
        value["ciphertext"] = format!("{}{changed}", &ciphertext[..ciphertext.len() - 1]).into();
        let tampered = Packet::parse(&value.to_string()).unwrap();
        for cipher in [ContentCipher::Core, ContentCipher::WebCrypto] {
            let error = sealing::decrypt(&tampered, &key, cipher).await.unwrap_err();
            assert_eq!(error, PacketError::CouldNotOpen);
        }
    }
}

#[wasm_bindgen_test]
async fn a_large_packet_opens_with_the_key_and_the_passphrase() {
    let keys = agencies();
    let passphrase = Passphrase::new("read aloud".to_owned());
    let recipients = [
        Recipient::Agency(keys[1].public.clone()),
        Recipient::Passphrase(passphrase.clone()),
    ];
    let payload = payload(300_000);
    let sealed = sealing::seal(&payload, &form(), 0, &recipients, None)
        .await
        .unwrap();
    let packet = Packet::parse(std::str::from_utf8(&sealed).unwrap()).unwrap();
    assert_eq!(
        sealing::open_with_key(&packet, &keys[1].secret)
            .await
            .unwrap()
            .payload_json(),
        payload
    );
    assert_eq!(
        sealing::open_with_passphrase(&packet, &passphrase)
            .await
            .unwrap()
            .payload_json(),
        payload
    );
    let stranger = &keys[2].secret;
    assert_eq!(
        sealing::open_with_key(&packet, stranger).await.unwrap_err(),
        PacketError::CouldNotOpen
    );
}
