//! Agency keys: generation, the public JWK (strict parsing, thumbprint, fingerprint), and
//! the passphrase-encrypted key file.
#![allow(clippy::unwrap_used)]

mod common;

use common::{b64_encode, seeded_rng};
use confidant_core::keys::{
    AgencyKeyPair, KdfParams, KeyError, KeyFile, KeyFileError, Passphrase, PublicKey, fingerprint,
};
use confidant_core::packet::{FormRef, Packet, Recipient, seal_packet};
use serde_json::Value;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn generated_public_key_round_trips_as_jwk() {
    let pair = AgencyKeyPair::generate(&mut seeded_rng(10)).unwrap();
    let jwk: Value = serde_json::from_str(&pair.public.to_jwk_json()).unwrap();
    assert_eq!(jwk["kty"], "OKP");
    assert_eq!(jwk["crv"], "X25519");
    assert_eq!(jwk["use"], "enc");
    assert_eq!(jwk["alg"], "ECDH-ES+A256KW");
    assert_eq!(jwk["kid"], pair.public.kid());
    assert_eq!(
        pair.public.kid(),
        confidant_core::primitives::okp_thumbprint("X25519", jwk["x"].as_str().unwrap())
    );
    assert_eq!(
        PublicKey::from_jwk_json(&pair.public.to_jwk_json()).unwrap(),
        pair.public
    );
    assert_eq!(pair.secret.public_key(), &pair.public);
    assert_eq!(pair.secret.kid(), pair.public.kid());
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn fingerprints_are_eight_groups_of_four_unambiguous_characters() {
    let mut seen = Vec::new();
    for seed in 0..32 {
        let pair = AgencyKeyPair::generate(&mut seeded_rng(seed)).unwrap();
        let printed = fingerprint(&pair.public);
        assert_eq!(printed, pair.public.fingerprint());
        let groups: Vec<&str> = printed.split(' ').collect();
        assert_eq!(groups.len(), 8, "{printed}");
        for group in groups {
            assert_eq!(group.len(), 4);
            assert!(
                group
                    .chars()
                    .all(|c| "0123456789ABCDEFGHJKMNPQRSTVWXYZ".contains(c)),
                "{printed}"
            );
        }
        assert!(!seen.contains(&printed));
        seen.push(printed);
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn fingerprint_is_the_first_160_bits_of_the_thumbprint() {
    let pair = AgencyKeyPair::generate(&mut seeded_rng(11)).unwrap();
    let digest = common::b64_decode(pair.public.kid());
    let mut bits = String::new();
    for byte in &digest[..20] {
        bits.push_str(&format!("{byte:08b}"));
    }
    let alphabet: Vec<char> = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".chars().collect();
    let expected: String = (0..32)
        .map(|i| alphabet[usize::from_str_radix(&bits[i * 5..i * 5 + 5], 2).unwrap()])
        .collect();
    assert_eq!(pair.public.fingerprint().replace(' ', ""), expected);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn jwk_negative_vectors_are_refused_with_their_error() {
    let vectors: Value = serde_json::from_str(include_str!("vectors/jwk-negative.json")).unwrap();
    assert!(vectors["source"].as_str().unwrap().starts_with("Confidant"));
    for case in vectors["cases"].as_array().unwrap() {
        let text = match &case["jwk"] {
            Value::String(raw) => raw.clone(),
            jwk => jwk.to_string(),
        };
        let error = PublicKey::from_jwk_json(&text).unwrap_err().to_string();
        if let Some(expected) = case["error"].as_str() {
            assert_eq!(error, expected, "{case}");
        } else {
            assert!(
                error.starts_with(case["error_starts_with"].as_str().unwrap()),
                "{case}: {error}"
            );
        }
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn low_order_and_non_canonical_keys_are_refused() {
    // The low-order points of Curve25519 (RFC 7748 §5 and the X25519 Wycheproof file).
    let low_order: [[u8; 32]; 3] = [
        [0; 32],
        {
            let mut one = [0; 32];
            one[0] = 1;
            one
        },
        common::hex_decode("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800")
            .try_into()
            .unwrap(),
    ];
    for x in low_order {
        assert_eq!(
            PublicKey::from_bytes(x).unwrap_err(),
            KeyError::LowOrderPoint
        );
    }
    let pair = AgencyKeyPair::generate(&mut seeded_rng(12)).unwrap();
    let mut top_bit = *pair.public.as_bytes();
    top_bit[31] |= 0x80;
    assert_eq!(
        PublicKey::from_bytes(top_bit).unwrap_err(),
        KeyError::NonCanonical
    );
    let mut p = [0xff; 32];
    p[0] = 0xed;
    p[31] = 0x7f;
    assert_eq!(
        PublicKey::from_bytes(p).unwrap_err().to_string(),
        "public key is not canonically encoded"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn secrets_do_not_print() {
    let pair = AgencyKeyPair::generate(&mut seeded_rng(13)).unwrap();
    assert_eq!(format!("{:?}", pair.secret), "AgencySecretKey(..)");
    assert_eq!(
        format!("{:?}", Passphrase::new("hunter2".into())),
        "Passphrase(..)"
    );
    assert!(!format!("{pair:?}").contains("hunter2"));
    let debug = format!("{pair:?}");
    assert!(
        debug.contains(pair.public.kid()) && debug.contains("AgencySecretKey(..)"),
        "{debug}"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn key_file_round_trip_wrong_passphrase_and_tampering() {
    let pair = AgencyKeyPair::generate(&mut seeded_rng(14)).unwrap();
    let passphrase = Passphrase::new("agency vault passphrase".into());
    let file = KeyFile::seal(
        &pair.secret,
        &pair.public,
        &passphrase,
        KdfParams::MINIMUM,
        &mut seeded_rng(15),
    )
    .unwrap();
    let json: Value = serde_json::from_str(&file).unwrap();
    assert_eq!(json["format"], "confidant-agency-key");
    assert_eq!(json["version"], 1);
    assert_eq!(json["kdf"]["memory_kib"], 19 * 1024);
    assert_eq!(KeyFile::public_key(&file).unwrap(), pair.public);

    let opened = KeyFile::open(&file, &passphrase).unwrap();
    assert_eq!(opened.public, pair.public);
    // The unlocked secret key opens packets sealed to the public key.
    let packet = seal_packet(
        r#"{"ok":true}"#,
        &FormRef {
            id: "f".into(),
            version: "1".into(),
        },
        1,
        &[Recipient::Agency(pair.public.clone())],
        &mut seeded_rng(16),
    )
    .unwrap();
    assert_eq!(
        Packet::parse(&packet)
            .unwrap()
            .open_with_key(&opened.secret)
            .unwrap()
            .payload_json(),
        r#"{"ok":true}"#
    );

    let wrong =
        KeyFile::open(&file, &Passphrase::new("agency vault passphrasf".into())).unwrap_err();
    assert_eq!(wrong, KeyFileError::CouldNotOpen);
    assert_eq!(
        wrong.to_string(),
        "could not open the key file with this passphrase"
    );

    let mut tampered = json.clone();
    let mut ciphertext =
        common::b64_decode(json["encrypted_secret_key"]["ciphertext"].as_str().unwrap());
    ciphertext[0] ^= 1;
    tampered["encrypted_secret_key"]["ciphertext"] = Value::String(b64_encode(&ciphertext));
    assert_eq!(
        KeyFile::open(&tampered.to_string(), &passphrase).unwrap_err(),
        KeyFileError::CouldNotOpen
    );

    // Another public key in the file: its kid is the AAD, so the secret no longer opens.
    let other = AgencyKeyPair::generate(&mut seeded_rng(17)).unwrap();
    let mut swapped = json.clone();
    swapped["public_key"] = serde_json::from_str(&other.public.to_jwk_json()).unwrap();
    assert_eq!(
        KeyFile::open(&swapped.to_string(), &passphrase).unwrap_err(),
        KeyFileError::CouldNotOpen
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn committed_key_file_opens_and_its_key_opens_the_example_packet() {
    // Pays for 64 MiB and three passes of Argon2id once.
    let vector: Value = serde_json::from_str(include_str!("vectors/example-keyfile.json")).unwrap();
    let passphrase = Passphrase::new(vector["passphrase"].as_str().unwrap().to_owned());
    let pair = KeyFile::open(&vector["key_file"].to_string(), &passphrase).unwrap();
    assert_eq!(pair.public, common::example_agency_key().public);
    let example: Value = serde_json::from_str(include_str!("vectors/example-packet.json")).unwrap();
    let packet = Packet::parse(&example["packet"].to_string()).unwrap();
    assert_eq!(
        packet.open_with_key(&pair.secret).unwrap().payload_json(),
        example["payload"]
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn key_file_with_default_parameters_opens() {
    // Pays for 64 MiB and three passes of Argon2id twice.
    let pair = AgencyKeyPair::generate(&mut seeded_rng(18)).unwrap();
    let passphrase = Passphrase::new("default cost".into());
    let file = KeyFile::seal(
        &pair.secret,
        &pair.public,
        &passphrase,
        KdfParams::default(),
        &mut seeded_rng(19),
    )
    .unwrap();
    let json: Value = serde_json::from_str(&file).unwrap();
    assert_eq!(
        (
            json["kdf"]["memory_kib"].as_u64(),
            json["kdf"]["iterations"].as_u64()
        ),
        (Some(65536), Some(3))
    );
    assert_eq!(
        KeyFile::open(&file, &passphrase).unwrap().public,
        pair.public
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn key_file_parameters_outside_the_range_are_refused_before_any_work() {
    let pair = AgencyKeyPair::generate(&mut seeded_rng(20)).unwrap();
    let passphrase = Passphrase::new("p".into());
    let file = KeyFile::seal(
        &pair.secret,
        &pair.public,
        &passphrase,
        KdfParams::MINIMUM,
        &mut seeded_rng(21),
    )
    .unwrap();
    let json: Value = serde_json::from_str(&file).unwrap();
    let cases = [
        ("memory_kib", 19 * 1024 - 1),
        ("memory_kib", 1024 * 1024 + 1),
        ("memory_kib", u64::from(u32::MAX)),
        ("iterations", 1),
        ("iterations", 11),
        ("parallelism", 0),
        ("parallelism", 5),
    ];
    for (member, value) in cases {
        let mut edited = json.clone();
        edited["kdf"][member] = Value::from(value);
        let error = KeyFile::open(&edited.to_string(), &passphrase).unwrap_err();
        assert!(
            matches!(error, KeyFileError::KdfOutOfRange(_)),
            "{member} = {value}: {error}"
        );
        assert!(error.to_string().starts_with("argon2id "), "{error}");
    }
    for params in [
        KdfParams {
            memory_kib: 8 * 1024,
            ..KdfParams::MINIMUM
        },
        KdfParams {
            iterations: 1,
            ..KdfParams::MINIMUM
        },
        KdfParams {
            memory_kib: 2 * 1024 * 1024,
            ..KdfParams::MINIMUM
        },
    ] {
        let error = KeyFile::seal(
            &pair.secret,
            &pair.public,
            &passphrase,
            params,
            &mut seeded_rng(22),
        )
        .unwrap_err();
        assert!(
            matches!(error, KeyFileError::KdfOutOfRange(_)),
            "{params:?}"
        );
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn key_file_format_is_strict() {
    let pair = AgencyKeyPair::generate(&mut seeded_rng(23)).unwrap();
    let passphrase = Passphrase::new("p".into());
    let file = KeyFile::seal(
        &pair.secret,
        &pair.public,
        &passphrase,
        KdfParams::MINIMUM,
        &mut seeded_rng(24),
    )
    .unwrap();
    let json: Value = serde_json::from_str(&file).unwrap();
    let edits: [(&str, Value, &str); 9] = [
        ("/format", "age".into(), "unsupported format `age`"),
        ("/version", 3.into(), "unsupported version `3`"),
        ("/kdf/alg", "scrypt".into(), "unsupported kdf.alg `scrypt`"),
        ("/kdf/version", 16.into(), "unsupported kdf.version `16`"),
        ("/kdf/salt", "AAAA".into(), "kdf.salt must be 16 bytes"),
        (
            "/encrypted_secret_key/alg",
            "A128GCM".into(),
            "unsupported encrypted_secret_key.alg `A128GCM`",
        ),
        (
            "/encrypted_secret_key/iv",
            "AAAA".into(),
            "encrypted_secret_key.iv must be 12 bytes",
        ),
        (
            "/encrypted_secret_key/ciphertext",
            "AAAA".into(),
            "encrypted_secret_key.ciphertext must be 48 bytes",
        ),
        (
            "/public_key/kid",
            "Bob".into(),
            "public key: kid does not match the key's thumbprint",
        ),
    ];
    for (pointer, value, expected) in edits {
        let mut edited = json.clone();
        *edited.pointer_mut(pointer).unwrap() = value;
        assert_eq!(
            KeyFile::open(&edited.to_string(), &passphrase)
                .unwrap_err()
                .to_string(),
            expected
        );
    }
    let mut extra = json.clone();
    extra["comment"] = "hi".into();
    let error = KeyFile::open(&extra.to_string(), &passphrase)
        .unwrap_err()
        .to_string();
    assert!(
        error.starts_with("malformed key file: unknown field `comment`"),
        "{error}"
    );
    assert_eq!(
        KeyFile::open(&" ".repeat(70_000), &passphrase).unwrap_err(),
        KeyFileError::TooLarge
    );
    assert_eq!(
        KeyFile::seal(
            &pair.secret,
            &pair.public,
            &Passphrase::new(String::new()),
            KdfParams::MINIMUM,
            &mut seeded_rng(25)
        )
        .unwrap_err()
        .to_string(),
        "passphrase is empty"
    );
    let other = AgencyKeyPair::generate(&mut seeded_rng(26)).unwrap();
    assert_eq!(
        KeyFile::seal(
            &pair.secret,
            &other.public,
            &passphrase,
            KdfParams::MINIMUM,
            &mut seeded_rng(27)
        )
        .unwrap_err(),
        KeyFileError::KeyMismatch
    );
}
