//! Signed packets: the Ed25519 known answers (RFC 8032 §7.1, RFC 8037 appendix A), the
//! signing key kept in the keyring, and every way a packet's signature is refused: content
//! changed after signing, content re-signed by another agency, signed content moved into
//! another packet by a co-recipient, and a malformed signature. And the rotation an
//! agency's signing key endorses, which a device that pinned it accepts without a call.
#![allow(clippy::unwrap_used)]

mod common;

use base64ct::{Base64UrlUnpadded, Encoding};
use common::seeded_rng;
use confidant_core::agency::{
    self, AgencyKind, Change, Directory, DirectoryEntry, Pins, Sender, SenderRefusal, Trust,
};
use confidant_core::keys::{AgencyKeyPair, KdfParams, KeyError, KeyFile, Keyring, Passphrase};
use confidant_core::packet::{
    FormRef, Packet, PacketError, Recipient, prepare_seal, prepare_signed_seal,
};
use confidant_core::primitives;
use confidant_core::signing::{SignatureError, SigningKeyPair, SigningPublicKey, endorse};
use serde_json::{Value, json};

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|at| u8::from_str_radix(&text[at..at + 2], 16).unwrap())
        .collect()
}

fn array<const N: usize>(bytes: &[u8]) -> [u8; N] {
    bytes.try_into().unwrap()
}

fn b64(bytes: &[u8]) -> String {
    Base64UrlUnpadded::encode_string(bytes)
}

fn unb64(text: &str) -> Vec<u8> {
    Base64UrlUnpadded::decode_vec(text).unwrap()
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn ed25519_gives_the_rfc_8032_test_vectors() {
    // RFC 8032 §7.1, TEST 1, TEST 2 and TEST 3: secret key, public key, message, signature.
    let vectors = [
        (
            "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
            "",
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
        ),
        (
            "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
            "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
            "72",
            "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
        ),
        (
            "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
            "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
            "af82",
            "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
        ),
    ];
    for (secret, public, message, signature) in vectors {
        let pair = SigningKeyPair::from_seed(&array(&hex(secret))).unwrap();
        assert_eq!(pair.public().as_bytes().as_slice(), hex(public).as_slice());
        let made = pair.sign(&hex(message));
        assert_eq!(made.as_slice(), hex(signature).as_slice());
        assert!(pair.public().verifies(&hex(message), &made));
        let mut changed = hex(message);
        changed.push(0);
        assert!(!pair.public().verifies(&changed, &made));
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_rfc_8037_jws_example_signs_and_verifies() {
    // RFC 8037 appendix A.1 (the key), A.3 (its thumbprint), A.4 (signing) and A.5
    // (verification).
    let d = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A";
    let x = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";
    let pair = SigningKeyPair::from_seed(&array(&unb64(d))).unwrap();
    assert_eq!(b64(pair.public().as_bytes()), x);
    assert_eq!(
        pair.public().kid(),
        "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
    );
    let public = SigningPublicKey::from_jwk_json(&format!(
        r#"{{"kty":"OKP","crv":"Ed25519","x":"{x}","kid":"kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"}}"#
    ))
    .unwrap();
    assert_eq!(&public, pair.public());

    let protected = "eyJhbGciOiJFZERTQSJ9";
    let payload = "RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc";
    assert_eq!(unb64(protected), br#"{"alg":"EdDSA"}"#);
    assert_eq!(unb64(payload), b"Example of Ed25519 signing");
    let expected =
        "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";
    let input = format!("{protected}.{payload}");
    assert_eq!(b64(&pair.sign(input.as_bytes())), expected);
    assert!(public.verifies(input.as_bytes(), &array(&unb64(expected))));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn signing_keys_are_read_strictly() {
    let pair = SigningKeyPair::generate(&mut seeded_rng(1)).unwrap();
    let jwk: Value = serde_json::from_str(&pair.public().to_jwk_json()).unwrap();
    assert_eq!(jwk["crv"], "Ed25519");
    assert_eq!(jwk["use"], "sig");
    assert_eq!(jwk["alg"], "EdDSA");
    assert_eq!(
        SigningPublicKey::from_jwk_json(&jwk.to_string()).unwrap(),
        *pair.public()
    );
    let with = |member: &str, value: Value| {
        let mut changed = jwk.clone();
        changed[member] = value;
        SigningPublicKey::from_jwk_json(&changed.to_string())
    };
    assert_eq!(
        with("d", json!(b64(&[1; 32]))),
        Err(KeyError::PrivateKeyMaterial)
    );
    assert!(with("crv", json!("X25519")).is_err());
    assert!(with("use", json!("enc")).is_err());
    assert!(with("alg", json!("ES256")).is_err());
    assert_eq!(
        with("kid", json!("kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k")),
        Err(KeyError::KidMismatch)
    );
    // The identity point: of small order, a signature by it proves nothing.
    let mut identity = [0u8; 32];
    identity[0] = 1;
    assert_eq!(
        SigningPublicKey::from_bytes(identity),
        Err(KeyError::LowOrderPoint)
    );
    // y = p + 1 is the identity's second, non-canonical encoding.
    let mut non_canonical = [0xff; 32];
    non_canonical[0] = 0xee;
    non_canonical[31] = 0x7f;
    assert_eq!(
        SigningPublicKey::from_bytes(non_canonical),
        Err(KeyError::NonCanonical)
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_keyring_keeps_its_signing_key_through_rotation_and_binds_it_in() {
    let passphrase = Passphrase::new("agency vault passphrase".into());
    let mut ring = Keyring::generate(&mut seeded_rng(2)).unwrap();
    let signing = ring.signing.clone().unwrap();
    ring.rotate(AgencyKeyPair::generate(&mut seeded_rng(3)).unwrap())
        .unwrap();
    assert!(!ring.add_signing_key(&mut seeded_rng(4)).unwrap());
    let file =
        KeyFile::seal_ring(&ring, &passphrase, KdfParams::MINIMUM, &mut seeded_rng(5)).unwrap();
    assert_eq!(
        KeyFile::signing_key(&file).unwrap().as_ref(),
        Some(signing.public())
    );
    let opened = KeyFile::open_ring(&file, &passphrase).unwrap();
    assert_eq!(opened.signing.unwrap().public(), signing.public());
    assert_eq!(opened.former.len(), 1);

    // Another signing key written over the recorded one: the sealed secrets are bound to
    // the key id, so the file no longer opens.
    let mut json: Value = serde_json::from_str(&file).unwrap();
    let other = SigningKeyPair::generate(&mut seeded_rng(6)).unwrap();
    json["signing_key"] = serde_json::from_str(&other.public().to_jwk_json()).unwrap();
    assert!(KeyFile::open_ring(&json.to_string(), &passphrase).is_err());
    // Dropped: the file no longer opens either.
    json.as_object_mut().unwrap().remove("signing_key");
    assert!(KeyFile::open_ring(&json.to_string(), &passphrase).is_err());

    // A ring made before signing gains a key, once.
    let mut old = Keyring::new(AgencyKeyPair::generate(&mut seeded_rng(7)).unwrap());
    assert!(old.signing.is_none());
    assert!(old.add_signing_key(&mut seeded_rng(8)).unwrap());
    assert!(old.signing.is_some());
}

struct Fixture {
    police: Keyring,
    shelter: Keyring,
    clinic: Keyring,
}

fn fixture() -> Fixture {
    Fixture {
        police: Keyring::generate(&mut seeded_rng(10)).unwrap(),
        shelter: Keyring::generate(&mut seeded_rng(11)).unwrap(),
        clinic: Keyring::generate(&mut seeded_rng(12)).unwrap(),
    }
}

fn form() -> FormRef {
    FormRef {
        id: "referral".into(),
        version: "2.0.0".into(),
    }
}

fn entry(ring: &Keyring, name: &str, kind: AgencyKind) -> DirectoryEntry {
    DirectoryEntry {
        key: ring.current.public.clone(),
        name: name.into(),
        kind,
        signing_key: ring.signing.as_ref().map(|pair| pair.public().clone()),
        endorsed: false,
    }
}

fn payload_from(ring: &Keyring, text: &str) -> String {
    json!({ "text": text, "sender": { "kid": ring.current.public.kid() } }).to_string()
}

/// Seals `payload` to `to`, signed by `signer` when given.
fn seal(payload: &str, to: &[&Keyring], signer: Option<&Keyring>, seed: u64) -> String {
    let recipients: Vec<Recipient> = to
        .iter()
        .map(|ring| Recipient::Agency(ring.current.public.clone()))
        .collect();
    prepare_signed_seal(
        payload,
        &form(),
        1_790_000_000,
        &recipients,
        signer.map(|ring| ring.signing.as_ref().unwrap()),
        &mut seeded_rng(seed),
    )
    .unwrap()
    .seal()
}

/// What a recipient does with its content key: decrypts, hands the plaintext to `edit`,
/// and encrypts the result back into the same packet (same metadata, same header).
fn reencrypt(packet_text: &str, reader: &Keyring, edit: impl FnOnce(String) -> String) -> String {
    let packet = Packet::parse(packet_text).unwrap();
    let key = packet
        .content_key_for_agency(&reader.current.secret)
        .unwrap();
    let mut json: Value = serde_json::from_str(packet_text).unwrap();
    let mut plaintext = unb64(json["ciphertext"].as_str().unwrap());
    let tag = array(&unb64(json["tag"].as_str().unwrap()));
    primitives::aes256_gcm_open(
        key.as_bytes(),
        packet.iv(),
        packet.associated_data().as_bytes(),
        &mut plaintext,
        &tag,
    )
    .unwrap();
    let text = String::from_utf8(plaintext).unwrap();
    let mut edited = edit(text.trim_end().to_owned()).into_bytes();
    edited.resize(edited.len().max(packet.ciphertext_len()), b' ');
    let tag = primitives::aes256_gcm_seal(
        key.as_bytes(),
        packet.iv(),
        packet.associated_data().as_bytes(),
        &mut edited,
    );
    json["ciphertext"] = json!(b64(&edited));
    json["tag"] = json!(b64(&tag));
    json.to_string()
}

fn open(
    packet_text: &str,
    reader: &Keyring,
) -> Result<(String, Option<SigningPublicKey>), PacketError> {
    let opened = Packet::parse(packet_text)
        .unwrap()
        .open_with_key(&reader.current.secret)?;
    Ok((opened.payload_json().to_owned(), opened.signer().cloned()))
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_signed_packet_opens_with_its_signer_and_its_payload() {
    let f = fixture();
    let payload = payload_from(&f.police, "canary-signed-7781");
    let packet = seal(&payload, &[&f.shelter, &f.clinic], Some(&f.police), 20);
    let header: Value = serde_json::from_slice(&unb64(
        serde_json::from_str::<Value>(&packet).unwrap()["protected"]
            .as_str()
            .unwrap(),
    ))
    .unwrap();
    assert_eq!(header, json!({"enc": "A256GCM", "cty": "JOSE+JSON"}));
    assert!(!packet.contains("canary-signed-7781"));
    for reader in [&f.shelter, &f.clinic] {
        let (opened, signer) = open(&packet, reader).unwrap();
        assert_eq!(opened, payload);
        assert_eq!(
            signer.as_ref(),
            Some(f.police.signing.as_ref().unwrap().public())
        );
    }

    let directory = [
        entry(&f.police, "Police unit", AgencyKind::Police),
        entry(&f.shelter, "Shelter North", AgencyKind::Shelter),
        entry(&f.clinic, "Clinic", AgencyKind::Health),
    ];
    let (_, signer) = open(&packet, &f.shelter).unwrap();
    assert_eq!(
        agency::sender(&directory, signer.as_ref(), f.police.current.public.kid()),
        Ok(Sender::SignedBy(&directory[0]))
    );

    // Unsigned: the same payload opens, with nobody vouching for it.
    let unsigned = prepare_seal(
        &payload,
        &form(),
        1_790_000_000,
        &[Recipient::Agency(f.shelter.current.public.clone())],
        &mut seeded_rng(21),
    )
    .unwrap()
    .seal();
    let (opened, signer) = open(&unsigned, &f.shelter).unwrap();
    assert_eq!(opened, payload);
    assert_eq!(signer, None);
    assert_eq!(
        agency::sender(&directory, None, f.police.current.public.kid()),
        Ok(Sender::NotSigned)
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn content_changed_after_signing_is_refused() {
    let f = fixture();
    let packet = seal(
        &payload_from(&f.police, "place the person at shelter north"),
        &[&f.shelter, &f.clinic],
        Some(&f.police),
        30,
    );
    // The clinic, a co-recipient, changes the signed payload and encrypts it back.
    let forged = reencrypt(&packet, &f.clinic, |jws| {
        let mut jws: Value = serde_json::from_str(&jws).unwrap();
        let payload = String::from_utf8(unb64(jws["payload"].as_str().unwrap())).unwrap();
        let payload = payload.replace("shelter north", "an address of ours");
        jws["payload"] = json!(b64(payload.as_bytes()));
        jws.to_string()
    });
    assert_eq!(
        open(&forged, &f.shelter).unwrap_err(),
        PacketError::Signature(SignatureError::DoesNotVerify)
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn content_re_signed_by_another_agency_is_refused_as_not_the_sender() {
    let f = fixture();
    let packet = seal(
        &payload_from(&f.police, "from the police"),
        &[&f.shelter, &f.clinic],
        Some(&f.police),
        40,
    );
    let clinic_signing = f.clinic.signing.clone().unwrap();
    let aad = serde_json::from_str::<Value>(&packet).unwrap()["aad"]
        .as_str()
        .unwrap()
        .to_owned();
    // The clinic writes new content in the police's name and signs it with its own key.
    let forged = reencrypt(&packet, &f.clinic, |_| {
        let header = json!({
            "alg": "EdDSA",
            "kid": clinic_signing.public().kid(),
            "jwk": serde_json::from_str::<Value>(&clinic_signing.public().to_jwk_json()).unwrap(),
            "confidant_packet": aad,
        });
        let protected = b64(header.to_string().as_bytes());
        let payload = b64(payload_from(&f.police, "send the person to us").as_bytes());
        let signature = b64(&clinic_signing.sign(format!("{protected}.{payload}").as_bytes()));
        json!({"protected": protected, "payload": payload, "signature": signature}).to_string()
    });
    let (_, signer) = open(&forged, &f.shelter).unwrap();
    let directory = [
        entry(&f.police, "Police unit", AgencyKind::Police),
        entry(&f.shelter, "Shelter North", AgencyKind::Shelter),
        entry(&f.clinic, "Clinic", AgencyKind::Health),
    ];
    let judged = agency::sender(&directory, signer.as_ref(), f.police.current.public.kid());
    assert_eq!(
        judged,
        Err(SenderRefusal::NotTheSender {
            signed_by: "Clinic".into(),
            claims: "Police unit".into()
        })
    );
    assert!(judged.unwrap_err().to_string().contains("refused"));

    // Signed by a key the directory does not list: the signature holds, the name does not.
    let stranger = Keyring::generate(&mut seeded_rng(41)).unwrap();
    let strange = seal(
        &payload_from(&stranger, "hello"),
        &[&f.shelter],
        Some(&stranger),
        42,
    );
    let (_, signer) = open(&strange, &f.shelter).unwrap();
    assert_eq!(
        agency::sender(&directory, signer.as_ref(), stranger.current.public.kid()),
        Ok(Sender::SignedByUnknownKey {
            fingerprint: stranger.signing.as_ref().unwrap().public().fingerprint()
        })
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn signed_content_moved_into_another_packet_is_refused() {
    let f = fixture();
    let original = seal(
        &payload_from(&f.police, "for the shelter and the clinic"),
        &[&f.shelter, &f.clinic],
        Some(&f.police),
        50,
    );
    let (_, _) = open(&original, &f.clinic).unwrap();
    // The clinic lifts the police's signed JWS out of its copy ...
    let mut lifted = String::new();
    reencrypt(&original, &f.clinic, |jws| {
        lifted = jws.clone();
        jws
    });
    // ... and puts it in a packet of its own, to the shelter alone (another id, other
    // recipients), which it can seal as a signed packet with any key of its own.
    let own = seal("{}", &[&f.shelter], Some(&f.clinic), 51);
    let moved = reencrypt(&own, &f.shelter, |_| lifted.clone());
    assert_eq!(
        open(&moved, &f.shelter).unwrap_err(),
        PacketError::Signature(SignatureError::OtherPacket)
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn malformed_signatures_are_refused_not_read_as_unsigned() {
    let f = fixture();
    let packet = seal(
        &payload_from(&f.police, "x"),
        &[&f.shelter],
        Some(&f.police),
        60,
    );
    type Edit = fn(Value) -> Value;
    // The two with a canary are what serde's own message would quote.
    let edits: [(&str, Edit); 6] = [
        ("not a jws", |_| json!({"text": "plain"})),
        ("a member named by the plaintext", |mut jws| {
            jws["CANARY-Maria"] = json!(1);
            jws
        }),
        ("a string where the header has its key", |mut jws| {
            let mut header: Value =
                serde_json::from_slice(&unb64(jws["protected"].as_str().unwrap())).unwrap();
            header["jwk"] = json!("CANARY-Maria");
            jws["protected"] = json!(b64(header.to_string().as_bytes()));
            jws
        }),
        ("an unknown member", |mut jws| {
            jws["header"] = json!({"kid": "x"});
            jws
        }),
        ("a short signature", |mut jws| {
            jws["signature"] = json!("AAAA");
            jws
        }),
        ("a crit header", |mut jws| {
            let mut header: Value =
                serde_json::from_slice(&unb64(jws["protected"].as_str().unwrap())).unwrap();
            header["crit"] = json!(["confidant_packet"]);
            jws["protected"] = json!(b64(header.to_string().as_bytes()));
            jws
        }),
    ];
    for (what, edit) in edits {
        let forged = reencrypt(&packet, &f.shelter, |jws| {
            edit(serde_json::from_str(&jws).unwrap()).to_string()
        });
        let error = open(&forged, &f.shelter).err();
        assert!(matches!(error, Some(PacketError::Signature(_))), "{what}");
        let message = error.map(|error| error.to_string()).unwrap_or_default();
        assert!(!message.contains("CANARY"), "{what}: {message}");
    }

    // A content type other than a signed JWS is refused before any key is used.
    let mut json: Value = serde_json::from_str(&packet).unwrap();
    json["protected"] = json!(b64(br#"{"enc":"A256GCM","cty":"JWT"}"#));
    assert!(Packet::parse(&json.to_string()).is_err());
}

/// The directory's entry for `ring`'s current key, with `endorsement` when given, as a
/// browser reads it.
fn listed(ring: &Keyring, name: &str, kind: &str, endorsement: Option<&str>) -> DirectoryEntry {
    let signing = ring.signing.as_ref().unwrap().public();
    let mut entry = json!({
        "kid": ring.current.public.kid(),
        "name": name,
        "kind": kind,
        "fingerprint": ring.current.public.fingerprint(),
        "jwk": serde_json::from_str::<Value>(&ring.current.public.to_jwk_json()).unwrap(),
        "signing_jwk": serde_json::from_str::<Value>(&signing.to_jwk_json()).unwrap(),
    });
    if let Some(endorsement) = endorsement {
        entry["endorsement"] = json!(endorsement);
    }
    let directory = Directory::parse(&json!({ "agencies": [entry] }).to_string()).unwrap();
    assert!(directory.refused.is_empty(), "{:?}", directory.refused);
    directory.entries[0].clone()
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_rotation_the_pinned_signing_key_endorses_is_accepted_without_a_call_and_nothing_else_is() {
    let mut ring = Keyring::generate(&mut seeded_rng(70)).unwrap();
    let first = ring.current.public.clone();
    let mut pins = Pins::default();
    assert_eq!(
        pins.check_all(&[listed(&ring, "Police unit", "police", None)]),
        [Trust::New]
    );
    ring.rotate(AgencyKeyPair::generate(&mut seeded_rng(71)).unwrap())
        .unwrap();
    let signing = ring.signing.clone().unwrap();
    let endorsement = endorse(&signing, &ring.current.public);
    assert!(
        signing
            .public()
            .endorses(&endorsement, &ring.current.public)
    );
    assert!(!signing.public().endorses(&endorsement, &first));

    // Endorsed by the signing key this device pinned: accepted, and pinned.
    let vouched = listed(&ring, "Police unit", "police", Some(&endorsement));
    assert!(vouched.endorsed);
    assert_eq!(
        pins.trust(&vouched),
        Trust::Vouched {
            before: first.fingerprint()
        }
    );

    // Not endorsed, endorsed for another key, tampered with, or relabelled: a change a
    // person confirms.
    let mut tampered = endorsement.clone();
    tampered.replace_range(tampered.len() - 2.., "AA");
    let other_key = endorse(&signing, &first);
    for (what, entry) in [
        (
            "no endorsement",
            listed(&ring, "Police unit", "police", None),
        ),
        (
            "another key's",
            listed(&ring, "Police unit", "police", Some(&other_key)),
        ),
        (
            "tampered",
            listed(&ring, "Police unit", "police", Some(&tampered)),
        ),
        (
            "relabelled",
            listed(&ring, "Police unit", "ngo", Some(&endorsement)),
        ),
    ] {
        assert!(
            matches!(pins.trust(&entry), Trust::Changed(_)),
            "{what}: {:?}",
            pins.trust(&entry)
        );
    }

    // A hostile operator publishes a key of its own with a signing key of its own that
    // endorses it: the signing key is not the one pinned, so it is a change too.
    let mut hostile = Keyring::generate(&mut seeded_rng(72)).unwrap();
    let hostile_signing = hostile.signing.clone().unwrap();
    hostile.current = AgencyKeyPair::generate(&mut seeded_rng(73)).unwrap();
    let forged = endorse(&hostile_signing, &hostile.current.public);
    let entry = listed(&hostile, "Police unit", "police", Some(&forged));
    assert!(entry.endorsed);
    assert!(matches!(pins.trust(&entry), Trust::Changed(_)));

    // Once vouched, the new key is pinned: known from then on.
    assert_eq!(
        pins.check_all(std::slice::from_ref(&vouched)),
        [Trust::Vouched {
            before: first.fingerprint()
        }]
    );
    assert_eq!(pins.trust(&vouched), Trust::Known);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_signing_key_where_none_was_pinned_or_another_one_is_a_change() {
    let ring = Keyring::generate(&mut seeded_rng(80)).unwrap();
    let mut without = listed(&ring, "Shelter North", "shelter", None);
    without.signing_key = None;
    let mut pins = Pins::default();
    assert_eq!(pins.check_all(&[without]), [Trust::New]);
    // The same key now with a signing key: whoever holds it could sign in its name.
    let with = listed(&ring, "Shelter North", "shelter", None);
    assert_eq!(
        pins.trust(&with),
        Trust::Changed(vec![Change::SigningKey { before: None }])
    );
    pins.pin(&with);
    assert_eq!(pins.trust(&with), Trust::Known);
    let mut swapped = with.clone();
    let other = SigningKeyPair::generate(&mut seeded_rng(81)).unwrap();
    swapped.signing_key = Some(other.public().clone());
    assert_eq!(
        pins.trust(&swapped),
        Trust::Changed(vec![Change::SigningKey {
            before: Some(ring.signing.as_ref().unwrap().public().fingerprint())
        }])
    );
}
