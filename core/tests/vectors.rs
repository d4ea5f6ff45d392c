//! Known-answer tests from published vectors. Each data file in `vectors/` names its
//! source (RFC and section) and what must happen.
#![allow(clippy::unwrap_used)]

mod common;

use common::{b64_decode, b64_encode, hex_decode};
use confidant_core::keys::PublicKey;
use confidant_core::primitives;
use serde_json::Value;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

fn vector(text: &str) -> Value {
    let value: Value = serde_json::from_str(text).unwrap();
    assert!(
        value["source"].as_str().unwrap().starts_with("RFC"),
        "every vector names its source"
    );
    value
}

fn bytes_of(value: &Value) -> Vec<u8> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|byte| u8::try_from(byte.as_u64().unwrap()).unwrap())
        .collect()
}

fn array32(bytes: &[u8]) -> [u8; 32] {
    bytes.try_into().unwrap()
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn rfc7518_appendix_c_concat_kdf() {
    let v = vector(include_str!("vectors/rfc7518-appendix-c-concat-kdf.json"));
    let bits = usize::try_from(v["key_data_len_bits"].as_u64().unwrap()).unwrap();
    let mut derived = vec![0u8; bits / 8];
    primitives::concat_kdf(
        &bytes_of(&v["z"]),
        v["algorithm_id"].as_str().unwrap(),
        &b64_decode(v["apu"].as_str().unwrap()),
        &b64_decode(v["apv"].as_str().unwrap()),
        &mut derived,
    );
    assert_eq!(derived, bytes_of(&v["derived_key"]));
    assert_eq!(
        b64_encode(&derived),
        v["derived_key_base64url"].as_str().unwrap()
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn concat_kdf_multi_round_output_is_deterministic_and_rounds_differ() {
    // Outputs longer than one SHA-256 block take further rounds (counter 2, 3, …); the
    // key length is an input, so a 48-byte output does not extend a 32-byte one.
    let z = [7u8; 32];
    let mut first = [0u8; 48];
    let mut second = [0u8; 48];
    primitives::concat_kdf(&z, "A", &[], &[], &mut first);
    primitives::concat_kdf(&z, "A", &[], &[], &mut second);
    assert_eq!(first, second);
    assert_ne!(first[..16], first[32..48]);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn rfc8037_a6_x25519_key_agreement() {
    let v = vector(include_str!("vectors/rfc8037-a6-x25519.json"));
    let static_secret = array32(&hex_decode(v["static_secret_hex"].as_str().unwrap()));
    let static_public = hex_decode(v["static_public_hex"].as_str().unwrap());
    let ephemeral_secret = array32(&hex_decode(v["ephemeral_secret_hex"].as_str().unwrap()));
    let ephemeral_public = b64_decode(v["ephemeral_public_jwk"]["x"].as_str().unwrap());
    let z = hex_decode(v["z_hex"].as_str().unwrap());

    assert_eq!(
        b64_decode(v["static_public_jwk"]["x"].as_str().unwrap()),
        static_public
    );
    assert_eq!(
        primitives::x25519_public_key(&static_secret).to_vec(),
        static_public
    );
    assert_eq!(
        primitives::x25519_public_key(&ephemeral_secret).to_vec(),
        ephemeral_public
    );
    let sender_z = primitives::x25519_shared_secret(&ephemeral_secret, &static_public).unwrap();
    let recipient_z = primitives::x25519_shared_secret(&static_secret, &ephemeral_public).unwrap();
    assert_eq!(sender_z.to_vec(), z);
    assert_eq!(recipient_z.to_vec(), z);

    // The RFC's JWK (with kid "Bob", which is not a thumbprint) is refused for its kid;
    // without the kid it is a valid agency key.
    let mut jwk = v["static_public_jwk"].clone();
    assert_eq!(
        PublicKey::from_jwk_json(&jwk.to_string())
            .unwrap_err()
            .to_string(),
        "kid does not match the key's thumbprint"
    );
    jwk.as_object_mut().unwrap().remove("kid");
    let key = PublicKey::from_jwk_json(&jwk.to_string()).unwrap();
    assert_eq!(key.as_bytes().to_vec(), static_public);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn rfc8037_a6_z_through_ecdh_es_a256kw_round_trip() {
    // RFC 8037 publishes no KEK for ECDH-ES+A256KW; check that the KEK both sides derive
    // from the published Z agrees and wraps and unwraps a key.
    let v = vector(include_str!("vectors/rfc8037-a6-x25519.json"));
    let z = array32(&hex_decode(v["z_hex"].as_str().unwrap()));
    let kek = primitives::ecdh_es_a256kw_kek(&z);
    let mut expected = [0u8; 32];
    primitives::concat_kdf(&z, "ECDH-ES+A256KW", &[], &[], &mut expected);
    assert_eq!(*kek, expected);
    let content_key = [0x42u8; 32];
    let wrapped = primitives::aes256_key_wrap(&kek, &content_key);
    assert_eq!(
        *primitives::aes256_key_unwrap(kek.as_ref(), &wrapped).unwrap(),
        content_key
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn rfc7520_5_3_pbes2_hs512_a256kw() {
    let v = vector(include_str!("vectors/rfc7520-5.3-pbes2.json"));
    assert_eq!(v["alg"], "PBES2-HS512+A256KW");
    let password = v["password"].as_str().unwrap();
    assert!(password.contains('\u{2013}'), "the password has en dashes");
    let iterations = u32::try_from(v["p2c"].as_u64().unwrap()).unwrap();
    let kek = primitives::pbes2_hs512_a256kw_kek(
        password.as_bytes(),
        &b64_decode(v["p2s"].as_str().unwrap()),
        iterations,
    );
    let cek = b64_decode(v["cek"].as_str().unwrap());
    let encrypted_key = b64_decode(v["encrypted_key"].as_str().unwrap());
    assert_eq!(
        primitives::aes256_key_unwrap(kek.as_ref(), &encrypted_key)
            .unwrap()
            .to_vec(),
        cek
    );
    assert_eq!(
        primitives::aes256_key_wrap(&kek, &array32(&cek)).to_vec(),
        encrypted_key
    );

    let wrong = primitives::pbes2_hs512_a256kw_kek(
        b"entrap_o-peter_long-credit_tun",
        &b64_decode(v["p2s"].as_str().unwrap()),
        iterations,
    );
    assert!(primitives::aes256_key_unwrap(wrong.as_ref(), &encrypted_key).is_err());
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn rfc8037_a3_jwk_thumbprint() {
    let v = vector(include_str!("vectors/rfc8037-a3-thumbprint.json"));
    assert_eq!(
        primitives::okp_thumbprint(v["crv"].as_str().unwrap(), v["x"].as_str().unwrap()),
        v["thumbprint"].as_str().unwrap()
    );
}
