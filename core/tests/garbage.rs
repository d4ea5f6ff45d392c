//! Garbage in: random text, random JSON and mutated packets never make the parsers panic,
//! and whatever the packet parser accepts serializes back to an equal packet.
#![allow(clippy::unwrap_used)]

mod common;

use common::proptest_config;
use confidant_core::keys::{KeyFile, Passphrase, PublicKey};
use confidant_core::packet::Packet;
use proptest::prelude::*;
use serde_json::Value;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

fn example_packet() -> String {
    let fixture: Value = serde_json::from_str(include_str!("vectors/example-packet.json")).unwrap();
    fixture["packet"].to_string()
}

fn check_packet(text: &str) {
    if let Ok(packet) = Packet::parse(text) {
        let again = Packet::parse(&packet.to_json()).unwrap();
        assert_eq!(again.to_json(), packet.to_json());
        assert_eq!(again.meta(), packet.meta());
    }
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        prop_oneof![
            Just("protected".to_owned()),
            Just("recipients".to_owned()),
            Just("header".to_owned()),
            Just("ECDH-ES+A256KW".to_owned()),
            Just("PBES2-HS512+A256KW".to_owned()),
            Just("eyJlbmMiOiJBMjU2R0NNIn0".to_owned()),
            "[A-Za-z0-9_-]{0,60}",
            ".{0,20}",
        ]
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        let key = prop_oneof![
            Just("protected".to_owned()),
            Just("aad".to_owned()),
            Just("recipients".to_owned()),
            Just("header".to_owned()),
            Just("encrypted_key".to_owned()),
            Just("iv".to_owned()),
            Just("ciphertext".to_owned()),
            Just("tag".to_owned()),
            Just("alg".to_owned()),
            Just("kid".to_owned()),
            Just("epk".to_owned()),
            Just("p2c".to_owned()),
            "[a-z]{1,6}",
        ];
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::btree_map(key, inner, 0..8)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(proptest_config(512))]

    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    #[cfg_attr(not(target_arch = "wasm32"), test)]
    fn random_text_never_panics(text in ".{0,400}") {
        check_packet(&text);
        let _ = PublicKey::from_jwk_json(&text);
        let _ = KeyFile::open(&text, &Passphrase::new("p".into()));
    }

    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    #[cfg_attr(not(target_arch = "wasm32"), test)]
    fn random_json_never_panics(value in json_value()) {
        let text = value.to_string();
        check_packet(&text);
        let _ = PublicKey::from_jwk_json(&text);
        let _ = KeyFile::open(&text, &Passphrase::new("p".into()));
    }

    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    #[cfg_attr(not(target_arch = "wasm32"), test)]
    fn mutated_packets_never_panic(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..6),
    ) {
        let mut bytes = example_packet().into_bytes();
        for (index, byte, kind) in edits {
            let at = index.index(bytes.len().max(1));
            match kind {
                0 if !bytes.is_empty() => bytes[at] = byte,
                1 => bytes.insert(at.min(bytes.len()), byte),
                _ if !bytes.is_empty() => {
                    bytes.remove(at);
                }
                _ => {}
            }
        }
        if let Ok(text) = String::from_utf8(bytes) {
            check_packet(&text);
        }
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn deeply_nested_json_is_refused_not_overflowed() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(Packet::parse(&deep).is_err());
    let deep_object = format!(
        "{{\"protected\":{}{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    assert!(Packet::parse(&deep_object).is_err());
    assert!(PublicKey::from_jwk_json(&deep).is_err());
}
