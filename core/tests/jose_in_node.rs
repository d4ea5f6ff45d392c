//! npm `jose`, an independent JOSE implementation, opens packets that the core sealed
//! while running as WebAssembly. This file runs in Node (not the browser), where `jose`
//! is installed: `cargo test --target wasm32-unknown-unknown` picks the runtime per file.
//! It also verifies, with its own EdDSA, the signature inside a signed packet.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used)]

mod common;

use common::seeded_rng;
use confidant_core::keys::{Passphrase, PublicKey};
use confidant_core::packet::{FormRef, Recipient, prepare_signed_seal, seal_packet};
use confidant_core::signing::SigningKeyPair;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen(inline_js = r#"
const modules = process.env.CONFIDANT_NODE_MODULES ?? `${process.cwd()}/../node_modules`;
let jose;
const privateKeys = new Map();
async function load() {
  jose ??= await import(`${modules}/jose/dist/webapi/index.js`);
  return jose;
}
export async function joseAgency() {
  const j = await load();
  const { publicKey, privateKey } = await j.generateKeyPair("ECDH-ES+A256KW", { crv: "X25519", extractable: true });
  const jwk = await j.exportJWK(publicKey);
  jwk.kid = await j.calculateJwkThumbprint(jwk, "sha256");
  privateKeys.set(jwk.kid, privateKey);
  return JSON.stringify(jwk);
}
export async function joseOpen(packet, kid) {
  const j = await load();
  const opened = await j.generalDecrypt(JSON.parse(packet), privateKeys.get(kid));
  return new TextDecoder().decode(opened.plaintext);
}
export async function joseVerify(packet, kid, signingJwk) {
  const j = await load();
  const opened = await j.generalDecrypt(JSON.parse(packet), privateKeys.get(kid));
  if (opened.protectedHeader.cty !== "JOSE+JSON") throw new Error("not a signed packet");
  const inner = JSON.parse(new TextDecoder().decode(opened.plaintext).trimEnd());
  const key = await j.importJWK(JSON.parse(signingJwk), "EdDSA");
  const verified = await j.flattenedVerify(inner, key, { algorithms: ["EdDSA"] });
  return JSON.stringify({
    payload: new TextDecoder().decode(verified.payload),
    packet: verified.protectedHeader.confidant_packet,
    aad: JSON.parse(packet).aad,
  });
}
export async function joseOpenWithPassphrase(packet, passphrase) {
  const j = await load();
  const opened = await j.generalDecrypt(JSON.parse(packet), new TextEncoder().encode(passphrase), {
    keyManagementAlgorithms: ["PBES2-HS512+A256KW"],
    maxPBES2Count: 1000000,
  });
  return new TextDecoder().decode(opened.plaintext);
}
"#)]
extern "C" {
    #[wasm_bindgen(catch, js_name = joseAgency)]
    async fn jose_agency() -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = joseOpen)]
    async fn jose_open(packet: &str, kid: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = joseVerify)]
    async fn jose_verify(packet: &str, kid: &str, signing_jwk: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = joseOpenWithPassphrase)]
    async fn jose_open_with_passphrase(packet: &str, passphrase: &str) -> Result<JsValue, JsValue>;
}

const PAYLOAD: &str = r#"{"name":"canary-Yusuf-40aa","answers":{"consent":"yes"}}"#;

async fn new_jose_agency() -> PublicKey {
    let jwk = jose_agency().await.unwrap().as_string().unwrap();
    PublicKey::from_jwk_json(&jwk).unwrap()
}

#[wasm_bindgen_test]
async fn jose_opens_what_the_wasm_core_sealed_for_agencies_and_a_passphrase() {
    let police = new_jose_agency().await;
    let shelter = new_jose_agency().await;
    let recipients = [
        Recipient::Agency(police.clone()),
        Recipient::Agency(shelter.clone()),
        Recipient::Passphrase(Passphrase::new("spoken on the phone".to_owned())),
    ];
    let form = FormRef {
        id: "referral".into(),
        version: "1".into(),
    };
    let packet = seal_packet(
        PAYLOAD,
        &form,
        1_700_000_000,
        &recipients,
        &mut seeded_rng(11),
    )
    .unwrap();

    for agency in [&police, &shelter] {
        let opened = jose_open(&packet, agency.kid())
            .await
            .unwrap()
            .as_string()
            .unwrap();
        assert_eq!(opened.trim_end(), PAYLOAD);
    }
    let opened = jose_open_with_passphrase(&packet, "spoken on the phone")
        .await
        .unwrap()
        .as_string()
        .unwrap();
    assert_eq!(opened.trim_end(), PAYLOAD);
    assert!(jose_open_with_passphrase(&packet, "wrong").await.is_err());
}

#[wasm_bindgen_test]
async fn jose_opens_what_the_wasm_core_sealed_with_its_system_randomness() {
    let agency = new_jose_agency().await;
    let form = FormRef {
        id: "identification".into(),
        version: "3".into(),
    };
    let packet = seal_packet(
        PAYLOAD,
        &form,
        0,
        &[Recipient::Agency(agency.clone())],
        &mut getrandom::SysRng,
    )
    .unwrap();
    let opened = jose_open(&packet, agency.kid())
        .await
        .unwrap()
        .as_string()
        .unwrap();
    assert_eq!(opened.trim_end(), PAYLOAD);
}

#[wasm_bindgen_test]
async fn jose_verifies_the_signature_inside_a_packet_the_wasm_core_signed() {
    let shelter = new_jose_agency().await;
    let police = SigningKeyPair::generate(&mut seeded_rng(12)).unwrap();
    let packet = prepare_signed_seal(
        PAYLOAD,
        &FormRef {
            id: "referral".into(),
            version: "2".into(),
        },
        1_700_000_000,
        &[Recipient::Agency(shelter.clone())],
        Some(&police),
        &mut seeded_rng(13),
    )
    .unwrap()
    .seal();
    let verified = jose_verify(&packet, shelter.kid(), &police.public().to_jwk_json())
        .await
        .unwrap()
        .as_string()
        .unwrap();
    let verified: serde_json::Value = serde_json::from_str(&verified).unwrap();
    assert_eq!(verified["payload"], PAYLOAD);
    assert_eq!(verified["packet"], verified["aad"]);
    // Another key does not verify it.
    let other = SigningKeyPair::generate(&mut seeded_rng(14)).unwrap();
    assert!(
        jose_verify(&packet, shelter.kid(), &other.public().to_jwk_json())
            .await
            .is_err()
    );
}
