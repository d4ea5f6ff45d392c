//! Tampering: every byte of every member flipped, base64 characters changed, members
//! truncated, recipients dropped, reordered or spliced, `aad` edited, `epk` swapped. Each
//! packet is refused, nothing panics, and every failure to decrypt is the same opaque
//! error. An edit of one recipient's entry locks out that recipient (recipient headers
//! are not authenticated in JWE), and no edit ever makes anyone read other plaintext.
#![allow(clippy::unwrap_used)]

mod common;

use common::{b64_decode, b64_encode, seeded_rng};
use confidant_core::keys::{AgencyKeyPair, Passphrase};
use confidant_core::packet::{FormRef, Packet, PacketError, Recipient, seal_packet};
use serde_json::Value;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

const OPAQUE: &str = "could not open the packet with this key";

struct Fixture {
    alice: AgencyKeyPair,
    bob: AgencyKeyPair,
    payload: String,
    packet: Value,
}

fn fixture() -> Fixture {
    let alice = AgencyKeyPair::generate(&mut seeded_rng(1)).unwrap();
    let bob = AgencyKeyPair::generate(&mut seeded_rng(2)).unwrap();
    let payload = r#"{"answers":{"name":"A. Person","safe_to_call":false}}"#.to_owned();
    let text = seal_packet(
        &payload,
        &FormRef {
            id: "identification".into(),
            version: "3".into(),
        },
        1_700_000_000,
        &[
            Recipient::Agency(alice.public.clone()),
            Recipient::Agency(bob.public.clone()),
        ],
        &mut seeded_rng(3),
    )
    .unwrap();
    Fixture {
        alice,
        bob,
        payload,
        packet: serde_json::from_str(&text).unwrap(),
    }
}

/// Parses and opens with both keys. Returns the first error, asserting that an open
/// failure is the opaque one and that nothing ever opens.
fn refused(fixture: &Fixture, text: &str) -> PacketError {
    refused_for(fixture, text, &[&fixture.alice, &fixture.bob], &[])
}

/// Parses and opens with the keys that `must_fail`, and with those that `may_open`: an
/// edit of one recipient entry locks out that recipient, but recipient headers are not
/// authenticated in a multi-recipient JWE, so the others may still open the packet, and
/// then only ever to the authentic payload.
fn refused_for(
    fixture: &Fixture,
    text: &str,
    must_fail: &[&AgencyKeyPair],
    may_open: &[&AgencyKeyPair],
) -> PacketError {
    let packet = match Packet::parse(text) {
        Err(error) => {
            assert_ne!(
                error,
                PacketError::CouldNotOpen,
                "parsing never needs a key"
            );
            return error;
        }
        Ok(packet) => packet,
    };
    for key in may_open {
        match packet.open_with_key(&key.secret) {
            Ok(opened) => assert_eq!(opened.payload_json(), fixture.payload),
            Err(error) => assert_eq!(error.to_string(), OPAQUE),
        }
    }
    let mut first = None;
    for key in must_fail {
        let error = packet.open_with_key(&key.secret).unwrap_err();
        assert_eq!(error, PacketError::CouldNotOpen);
        assert_eq!(error.to_string(), OPAQUE);
        first.get_or_insert(error);
    }
    first.unwrap()
}

/// Refused after an edit at `pointer`. For the members all recipients share, one key
/// suffices (every key reaches the same content key); for a recipient entry, that
/// recipient must fail and the other may open.
fn refused_after_edit(fixture: &Fixture, text: &str, pointer: &str) -> PacketError {
    if pointer.starts_with("/recipients/0/") {
        refused_for(fixture, text, &[&fixture.alice], &[&fixture.bob])
    } else if pointer.starts_with("/recipients/1/") {
        refused_for(fixture, text, &[&fixture.bob], &[&fixture.alice])
    } else {
        refused_for(fixture, text, &[&fixture.alice], &[])
    }
}

fn members(packet: &Value) -> Vec<String> {
    let mut pointers: Vec<String> = ["/protected", "/aad", "/iv", "/ciphertext", "/tag"]
        .iter()
        .map(|p| (*p).to_owned())
        .collect();
    for index in 0..packet["recipients"].as_array().unwrap().len() {
        pointers.push(format!("/recipients/{index}/encrypted_key"));
        pointers.push(format!("/recipients/{index}/header/epk/x"));
    }
    pointers
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_untampered_packet_opens() {
    let fixture = fixture();
    let packet = Packet::parse(&fixture.packet.to_string()).unwrap();
    for key in [&fixture.alice, &fixture.bob] {
        assert_eq!(
            packet.open_with_key(&key.secret).unwrap().payload_json(),
            fixture.payload
        );
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn every_byte_of_every_member_flipped_is_refused() {
    let fixture = fixture();
    let mut opaque = 0;
    for pointer in members(&fixture.packet) {
        let original = b64_decode(fixture.packet.pointer(&pointer).unwrap().as_str().unwrap());
        // Two flips per byte of the short members, one per byte of the ciphertext (each
        // costs an X25519 agreement in a debug build).
        let masks: &[u8] = if original.len() > 200 {
            &[0x01]
        } else {
            &[0x01, 0x80]
        };
        for index in 0..original.len() {
            for &mask in masks {
                let mut bytes = original.clone();
                bytes[index] ^= mask;
                let mut packet = fixture.packet.clone();
                *packet.pointer_mut(&pointer).unwrap() = Value::String(b64_encode(&bytes));
                if refused_after_edit(&fixture, &packet.to_string(), &pointer)
                    == PacketError::CouldNotOpen
                {
                    opaque += 1;
                }
            }
        }
    }
    assert!(
        opaque > 1200,
        "most flips reach decryption and fail there ({opaque})"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn every_base64_character_changed_is_refused() {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let fixture = fixture();
    for pointer in members(&fixture.packet) {
        let original = fixture
            .packet
            .pointer(&pointer)
            .unwrap()
            .as_str()
            .unwrap()
            .to_owned();
        // Every position of the short members; every 7th of the long ciphertext.
        let step = if original.len() > 200 { 7 } else { 1 };
        for index in (0..original.len()).step_by(step) {
            let mut chars = original.clone().into_bytes();
            let at = ALPHABET.iter().position(|c| *c == chars[index]).unwrap();
            for replacement in [
                ALPHABET[(at + 1) % 64],
                ALPHABET[(at + 32) % 64],
                b'=',
                b'+',
                b'.',
            ] {
                chars[index] = replacement;
                let mut packet = fixture.packet.clone();
                *packet.pointer_mut(&pointer).unwrap() =
                    Value::String(String::from_utf8(chars.clone()).unwrap());
                refused_after_edit(&fixture, &packet.to_string(), &pointer);
            }
        }
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn truncations_are_refused() {
    let fixture = fixture();
    let text = fixture.packet.to_string();
    for end in 0..text.len() {
        if text.is_char_boundary(end) {
            refused(&fixture, &text[..end]);
        }
    }
    // Shortened members, still valid base64url.
    for pointer in members(&fixture.packet) {
        let original = b64_decode(fixture.packet.pointer(&pointer).unwrap().as_str().unwrap());
        for keep in [0, 1, original.len() / 2, original.len() - 1] {
            let mut packet = fixture.packet.clone();
            *packet.pointer_mut(&pointer).unwrap() = Value::String(b64_encode(&original[..keep]));
            refused_after_edit(&fixture, &packet.to_string(), &pointer);
        }
        let mut longer = original.clone();
        longer.push(0);
        let mut packet = fixture.packet.clone();
        *packet.pointer_mut(&pointer).unwrap() = Value::String(b64_encode(&longer));
        refused_after_edit(&fixture, &packet.to_string(), &pointer);
    }
}

fn set_aad_recipients(packet: &mut Value, recipients: Value) {
    let mut meta: Value =
        serde_json::from_slice(&b64_decode(packet["aad"].as_str().unwrap())).unwrap();
    meta["recipients"] = recipients;
    packet["aad"] = Value::String(b64_encode(meta.to_string().as_bytes()));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn dropping_or_reordering_recipients_is_refused() {
    let fixture = fixture();
    let (alice, bob) = (fixture.alice.public.kid(), fixture.bob.public.kid());

    // Dropped without touching `aad`: a format error.
    let mut dropped = fixture.packet.clone();
    dropped["recipients"].as_array_mut().unwrap().remove(1);
    assert_eq!(
        refused(&fixture, &dropped.to_string()).to_string(),
        "recipient list in `aad` does not match the recipients"
    );
    // Dropped, and `aad` rewritten to match: the tag no longer verifies.
    set_aad_recipients(&mut dropped, serde_json::json!([alice]));
    assert_eq!(
        refused(&fixture, &dropped.to_string()),
        PacketError::CouldNotOpen
    );

    let mut reordered = fixture.packet.clone();
    reordered["recipients"].as_array_mut().unwrap().swap(0, 1);
    assert_eq!(
        refused(&fixture, &reordered.to_string()).to_string(),
        "recipient list in `aad` does not match the recipients"
    );
    set_aad_recipients(&mut reordered, serde_json::json!([bob, alice]));
    assert_eq!(
        refused(&fixture, &reordered.to_string()),
        PacketError::CouldNotOpen
    );

    // A recipient added by someone without the content key.
    let eve = AgencyKeyPair::generate(&mut seeded_rng(66)).unwrap();
    let mut added = fixture.packet.clone();
    let mut extra = added["recipients"][0].clone();
    extra["header"]["kid"] = Value::String(eve.public.kid().to_owned());
    added["recipients"].as_array_mut().unwrap().push(extra);
    set_aad_recipients(
        &mut added,
        serde_json::json!([alice, bob, eve.public.kid()]),
    );
    let packet = Packet::parse(&added.to_string()).unwrap();
    for key in [&fixture.alice, &fixture.bob, &eve] {
        assert_eq!(
            packet.open_with_key(&key.secret).unwrap_err(),
            PacketError::CouldNotOpen
        );
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn swapped_epk_encrypted_key_and_spliced_recipients_are_refused() {
    let fixture = fixture();
    for member in ["/header/epk", "/encrypted_key"] {
        let mut swapped = fixture.packet.clone();
        let first = swapped
            .pointer(&format!("/recipients/0{member}"))
            .unwrap()
            .clone();
        let second = swapped
            .pointer(&format!("/recipients/1{member}"))
            .unwrap()
            .clone();
        *swapped
            .pointer_mut(&format!("/recipients/0{member}"))
            .unwrap() = second;
        *swapped
            .pointer_mut(&format!("/recipients/1{member}"))
            .unwrap() = first;
        assert_eq!(
            refused(&fixture, &swapped.to_string()),
            PacketError::CouldNotOpen,
            "{member}"
        );
    }

    // An all-zero epk (a low-order point) gives the all-zero shared secret: refused.
    let mut low_order = fixture.packet.clone();
    low_order["recipients"][0]["header"]["epk"]["x"] = Value::String(b64_encode(&[0u8; 32]));
    low_order["recipients"][1]["header"]["epk"]["x"] = Value::String(b64_encode(&[0u8; 32]));
    assert_eq!(
        refused(&fixture, &low_order.to_string()),
        PacketError::CouldNotOpen
    );

    // Recipients of another packet to the same agencies: another content key.
    let other = seal_packet(
        &fixture.payload,
        &FormRef {
            id: "identification".into(),
            version: "3".into(),
        },
        1_700_000_000,
        &[
            Recipient::Agency(fixture.alice.public.clone()),
            Recipient::Agency(fixture.bob.public.clone()),
        ],
        &mut seeded_rng(4),
    )
    .unwrap();
    let other: Value = serde_json::from_str(&other).unwrap();
    let mut spliced = fixture.packet.clone();
    spliced["recipients"] = other["recipients"].clone();
    assert_eq!(
        refused(&fixture, &spliced.to_string()),
        PacketError::CouldNotOpen
    );
    let mut spliced = other.clone();
    spliced["ciphertext"] = fixture.packet["ciphertext"].clone();
    spliced["tag"] = fixture.packet["tag"].clone();
    assert_eq!(
        refused(&fixture, &spliced.to_string()),
        PacketError::CouldNotOpen
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn edited_aad_and_reencoded_protected_header_are_refused() {
    let fixture = fixture();
    let meta: Value =
        serde_json::from_slice(&b64_decode(fixture.packet["aad"].as_str().unwrap())).unwrap();
    let edits = [
        ("created", serde_json::json!(1_700_000_001)),
        ("form_id", serde_json::json!("referral")),
        ("form_version", serde_json::json!("4")),
        ("packet_id", serde_json::json!("AAAAAAAAAAAAAAAAAAAAAA")),
    ];
    for (field, value) in edits {
        let mut edited = meta.clone();
        edited[field] = value;
        let mut packet = fixture.packet.clone();
        packet["aad"] = Value::String(b64_encode(edited.to_string().as_bytes()));
        assert_eq!(
            refused(&fixture, &packet.to_string()),
            PacketError::CouldNotOpen,
            "{field}"
        );
    }
    // The same metadata serialized differently is different authenticated text.
    let mut packet = fixture.packet.clone();
    let pretty = serde_json::to_string_pretty(&meta).unwrap();
    packet["aad"] = Value::String(b64_encode(pretty.as_bytes()));
    assert_eq!(
        refused(&fixture, &packet.to_string()),
        PacketError::CouldNotOpen
    );
    let mut packet = fixture.packet.clone();
    packet["protected"] = Value::String(b64_encode(br#"{ "enc": "A256GCM" }"#));
    assert_eq!(
        refused(&fixture, &packet.to_string()),
        PacketError::CouldNotOpen
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn wrong_key_and_wrong_passphrase_read_exactly_like_tampering() {
    let fixture = fixture();
    let packet = Packet::parse(&fixture.packet.to_string()).unwrap();
    let stranger = AgencyKeyPair::generate(&mut seeded_rng(99)).unwrap();
    let wrong_key = packet.open_with_key(&stranger.secret).unwrap_err();
    // No passphrase recipient: fails without any PBKDF2 work.
    let no_passphrase = packet
        .open_with_passphrase(&Passphrase::new("guess".into()))
        .unwrap_err();
    assert_eq!(wrong_key, PacketError::CouldNotOpen);
    assert_eq!(no_passphrase, PacketError::CouldNotOpen);
    assert_eq!(wrong_key.to_string(), OPAQUE);
    assert_eq!(no_passphrase.to_string(), OPAQUE);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn passphrase_recipient_tampering_and_wrong_passphrase() {
    // Few cases: each attempt runs PBKDF2 with 210,000 iterations.
    let passphrase = Passphrase::new("a long shared passphrase".into());
    let text = seal_packet(
        r#"{"a":1}"#,
        &FormRef {
            id: "f".into(),
            version: "1".into(),
        },
        0,
        &[Recipient::Passphrase(passphrase.clone())],
        &mut seeded_rng(5),
    )
    .unwrap();
    let packet: Value = serde_json::from_str(&text).unwrap();
    let wrong = Packet::parse(&text)
        .unwrap()
        .open_with_passphrase(&Passphrase::new("a long shared passphrasE".into()));
    assert_eq!(wrong.unwrap_err().to_string(), OPAQUE);
    for pointer in ["/recipients/0/header/p2s", "/ciphertext"] {
        let mut bytes = b64_decode(packet.pointer(pointer).unwrap().as_str().unwrap());
        bytes[3] ^= 0x10;
        let mut edited = packet.clone();
        *edited.pointer_mut(pointer).unwrap() = Value::String(b64_encode(&bytes));
        let error = Packet::parse(&edited.to_string())
            .unwrap()
            .open_with_passphrase(&passphrase)
            .unwrap_err();
        assert_eq!(error.to_string(), OPAQUE, "{pointer}");
    }
}
