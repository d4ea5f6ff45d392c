//! The packet format against its committed vectors: the example packet opens with each
//! of its keys, and every case of `vectors/packet-negative.json` is refused with its error.
#![allow(clippy::unwrap_used)]

mod common;

use common::{
    b64_decode, b64_encode, example_agency_key, example_passphrase, example_second_agency_key,
};
use confidant_core::format_error::FormatError;
use confidant_core::keys::PublicKey;
use confidant_core::packet::{Packet, PacketError, PacketMeta};
use serde_json::Value;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

fn example() -> Value {
    serde_json::from_str(include_str!("vectors/example-packet.json")).unwrap()
}

fn example_packet_text() -> String {
    example()["packet"].to_string()
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn example_packet_parses_and_exposes_its_metadata() {
    let fixture = example();
    let text = example_packet_text();
    let packet = Packet::parse(&text).unwrap();
    assert_eq!(packet.size(), text.len());
    assert_eq!(
        packet.ciphertext_len(),
        1024,
        "a short payload pads to the 1 KiB bucket"
    );
    let meta = packet.meta();
    assert_eq!(meta.format_version(), 1);
    assert_eq!(meta.form_id(), fixture["form_id"]);
    assert_eq!(meta.form_version(), fixture["form_version"]);
    assert_eq!(
        meta.created_unix_seconds(),
        fixture["created"].as_u64().unwrap()
    );
    assert_eq!(meta.packet_id().len(), 22);
    let kids: Vec<&str> = packet.recipient_ids().collect();
    let jwks = fixture["agency_public_jwks"].as_array().unwrap();
    assert_eq!(
        kids,
        [
            jwks[0]["kid"].as_str().unwrap(),
            jwks[1]["kid"].as_str().unwrap(),
            "passphrase:1"
        ]
    );
    assert_eq!(meta.recipient_ids(), kids);
    assert_eq!(
        packet
            .recipients()
            .iter()
            .map(|r| r.is_passphrase())
            .collect::<Vec<_>>(),
        [false, false, true]
    );
    assert_eq!(packet.recipients()[0].alg(), "ECDH-ES+A256KW");
    assert_eq!(packet.recipients()[2].alg(), "PBES2-HS512+A256KW");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_metadata_alone_reads_as_the_whole_packet_gives_it() {
    let text = example_packet_text();
    let packet = Packet::parse(&text).unwrap();
    let meta = PacketMeta::of_packet_text(&text).unwrap();
    assert_eq!(&meta, packet.meta());
    let agencies: Vec<&str> = meta.agency_recipient_ids().collect();
    let expected: Vec<&str> = packet
        .recipients()
        .iter()
        .filter(|recipient| !recipient.is_passphrase())
        .map(|recipient| recipient.kid())
        .collect();
    assert_eq!(agencies, expected);
    assert_eq!(agencies.len(), 2);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_metadata_alone_is_refused_as_the_whole_packet_would_refuse_it() {
    let mut example = example();
    let packet = &mut example["packet"];
    let aad = packet["aad"].as_str().unwrap().to_owned();
    // Not an object, no `aad`, an `aad` that is not base64url, or whose metadata is not
    // the format's: each is refused, never read as an empty or partial listing.
    assert!(PacketMeta::of_packet_text("[]").is_err());
    assert!(PacketMeta::of_packet_text("{").is_err());
    packet.as_object_mut().unwrap().remove("aad");
    assert!(matches!(
        PacketMeta::of_packet_text(&packet.to_string()),
        Err(PacketError::Format(FormatError::Missing("aad")))
    ));
    packet["aad"] = Value::from("not base64!");
    assert!(PacketMeta::of_packet_text(&packet.to_string()).is_err());
    let mut meta: Value = serde_json::from_slice(&b64_decode(&aad)).unwrap();
    meta["format_version"] = Value::from(2);
    packet["aad"] = Value::from(b64_encode(meta.to_string().as_bytes()));
    assert!(PacketMeta::of_packet_text(&packet.to_string()).is_err());
    packet["aad"] = Value::from("A".repeat(17 * 1024));
    assert!(PacketMeta::of_packet_text(&packet.to_string()).is_err());
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn example_keys_are_the_published_ones() {
    let fixture = example();
    for (index, key) in [example_agency_key(), example_second_agency_key()]
        .iter()
        .enumerate()
    {
        let published =
            PublicKey::from_jwk_json(&fixture["agency_public_jwks"][index].to_string()).unwrap();
        assert_eq!(key.public, published);
        assert_eq!(
            serde_json::from_str::<Value>(&key.public.to_jwk_json()).unwrap(),
            fixture["agency_public_jwks"][index]
        );
        assert_eq!(
            key.public.fingerprint(),
            fixture["agency_fingerprints"][index]
        );
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn example_packet_opens_with_each_agency_key() {
    let fixture = example();
    let packet = Packet::parse(&example_packet_text()).unwrap();
    for key in [example_agency_key(), example_second_agency_key()] {
        let opened = packet.open_with_key(&key.secret).unwrap();
        assert_eq!(opened.payload_json(), fixture["payload"]);
        assert_eq!(opened.meta(), packet.meta());
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn example_packet_opens_with_the_passphrase() {
    let fixture = example();
    let packet = Packet::parse(&example_packet_text()).unwrap();
    let opened = packet.open_with_passphrase(&example_passphrase()).unwrap();
    assert_eq!(opened.payload_json(), fixture["payload"]);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn example_packet_serializes_back_to_itself() {
    let text = example_packet_text();
    let packet = Packet::parse(&text).unwrap();
    let again = Packet::parse(&packet.to_json()).unwrap();
    assert_eq!(again.to_json(), packet.to_json());
    assert_eq!(again.meta(), packet.meta());
    assert_eq!(again.recipients(), packet.recipients());
}

/// Applies one edit of `packet-negative.json` to the example packet.
fn apply_edit(packet: &mut Value, case: &Value) {
    let target = case["target"].as_str().unwrap();
    let path = case["path"].as_str().unwrap();
    let edit = |json: &mut Value| {
        let (parent_path, last) = path.rsplit_once('/').unwrap();
        let parent = json.pointer_mut(parent_path).unwrap();
        match (case["op"].as_str().unwrap(), parent) {
            ("set", Value::Object(map)) => {
                map.insert(last.to_owned(), case["value"].clone());
            }
            ("set", Value::Array(items)) => {
                items[last.parse::<usize>().unwrap()] = case["value"].clone()
            }
            ("remove", Value::Object(map)) => {
                map.remove(last).unwrap();
            }
            ("remove", Value::Array(items)) => {
                items.remove(last.parse::<usize>().unwrap());
            }
            (op, _) => panic!("unknown edit {op}"),
        }
    };
    match target {
        "packet" => edit(packet),
        "protected" | "aad" => {
            let member = packet[target].as_str().unwrap();
            let mut inner: Value = serde_json::from_slice(&b64_decode(member)).unwrap();
            edit(&mut inner);
            packet[target] = Value::String(b64_encode(inner.to_string().as_bytes()));
        }
        other => panic!("unknown target {other}"),
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn negative_vectors_are_refused_with_their_error() {
    let vectors: Value =
        serde_json::from_str(include_str!("vectors/packet-negative.json")).unwrap();
    assert!(
        vectors["source"]
            .as_str()
            .unwrap()
            .starts_with("Confidant packet format v1")
    );
    let cases = vectors["cases"].as_array().unwrap();
    assert!(cases.len() >= 70);
    for case in cases {
        let mut packet = example()["packet"].clone();
        apply_edit(&mut packet, case);
        let error = Packet::parse(&packet.to_string()).unwrap_err().to_string();
        if let Some(expected) = case["error"].as_str() {
            assert_eq!(error, expected, "case {case}");
        } else {
            let prefix = case["error_starts_with"].as_str().unwrap();
            assert!(error.starts_with(prefix), "case {case}: got {error:?}");
        }
    }
}

fn raw_edit(from: &str, to: &str) -> String {
    let text = include_str!("vectors/example-packet.json");
    let start = text.find("\"packet\": ").unwrap() + "\"packet\": ".len();
    let packet = text[start..text.rfind('}').unwrap()].trim();
    assert!(packet.contains(from), "{from}");
    packet.replacen(from, to, 1)
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn duplicate_members_are_refused() {
    // A JSON object value cannot hold duplicates, so these are edits of the text.
    let cases = [
        (
            "\"iv\": \"gwQeJqjNSMimIrvD\"",
            "\"iv\": \"gwQeJqjNSMimIrvD\", \"iv\": \"gwQeJqjNSMimIrvD\"",
            "duplicate field `iv`",
        ),
        (
            "\"alg\": \"PBES2-HS512+A256KW\"",
            "\"alg\": \"PBES2-HS512+A256KW\", \"alg\": \"PBES2-HS512+A256KW\"",
            "duplicate field `alg`",
        ),
        (
            "\"kty\": \"OKP\"",
            "\"kty\": \"OKP\", \"kty\": \"OKP\"",
            "duplicate field `kty`",
        ),
    ];
    for (from, to, expected) in cases {
        let error = Packet::parse(&raw_edit(from, to)).unwrap_err().to_string();
        assert!(
            error.starts_with(&format!("malformed packet: {expected}")),
            "{error}"
        );
    }
    let meta = r#"{"format_version":1,"format_version":1,"form_id":"referral","form_version":"1","packet_id":"JM883g_scT_x8iBCqedk2A","created":1764403200,"recipients":["vtzTVaMCj2bl6suMfCi_3d7FVljDq90Fh4ocfLsQzgE","sYrWAmef0DIoehG2LsVkPQnZkIdI4P2PvsqYXMJ4l7E","passphrase:1"]}"#;
    let example = example();
    let aad = example["packet"]["aad"].as_str().unwrap();
    let error = Packet::parse(&raw_edit(aad, &b64_encode(meta.as_bytes())))
        .unwrap_err()
        .to_string();
    assert!(
        error.starts_with("malformed packet: aad: duplicate field `format_version`"),
        "{error}"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn size_and_count_limits() {
    let too_large = " ".repeat(confidant_core::packet::MAX_PACKET_LEN + 1);
    assert_eq!(
        Packet::parse(&too_large).unwrap_err(),
        PacketError::TooLarge
    );
    assert_eq!(
        PacketError::TooLarge.to_string(),
        "packet is larger than 32 MiB"
    );

    let mut packet = example()["packet"].clone();
    let first = packet["recipients"][0].clone();
    let many: Vec<Value> = (0..65).map(|_| first.clone()).collect();
    packet["recipients"] = Value::Array(many);
    // Refused while the list is read, at the first entry too many.
    let error = Packet::parse(&packet.to_string()).unwrap_err().to_string();
    assert!(
        error.starts_with("malformed packet: more than 64 recipients at line 1"),
        "{error}"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn not_a_json_object_is_refused() {
    for text in ["", "[]", "null", "\"packet\"", "{", "{}}", "\u{feff}{}"] {
        let error = Packet::parse(text).unwrap_err();
        assert!(
            matches!(
                error,
                PacketError::Format(FormatError::MalformedJson { .. } | FormatError::Missing(_))
            ),
            "{text:?}: {error}"
        );
    }
    assert_eq!(
        Packet::parse("{}").unwrap_err().to_string(),
        "missing `protected`"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_packets_reference_is_short_stable_and_unambiguous() {
    use confidant_core::packet::reference_code;
    // The first 40 bits of the id: 16 zero bytes give the first character eight times.
    assert_eq!(
        reference_code("AAAAAAAAAAAAAAAAAAAAAA").as_deref(),
        Some("0000-0000")
    );
    // 0xff…: every five bits set, the alphabet's last character.
    assert_eq!(
        reference_code("_____________________w").as_deref(),
        Some("ZZZZ-ZZZZ")
    );
    let packet = Packet::parse(&example()["packet"].to_string()).unwrap();
    let id = packet.meta().packet_id();
    let code = reference_code(id).unwrap();
    assert_eq!(
        reference_code(id).unwrap(),
        code,
        "the same packet, the same reference"
    );
    assert_eq!(code.len(), 9);
    assert!(
        code.chars().all(|c| c == '-'
            || (c.is_ascii_alphanumeric() && !"ILOU".contains(c) && !c.is_ascii_lowercase())),
        "{code}"
    );
    assert_eq!(reference_code("not an id"), None);
    assert_eq!(reference_code("AAAA"), None);
}
