//! Sealing and opening: property tests over payloads and recipient mixes, the padding
//! rule, the refusals of `seal_packet`, and the RNG contract.
#![allow(clippy::unwrap_used)]

mod common;

use common::{proptest_config, seeded_rng};
use confidant_core::keys::{AgencyKeyPair, KeyError, Passphrase};
use confidant_core::packet::{
    FormRef, MAX_PADDED_PAYLOAD_LEN, Packet, PacketError, Recipient, padded_len, seal_packet,
};
use proptest::prelude::*;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

fn form() -> FormRef {
    FormRef {
        id: "referral".into(),
        version: "2".into(),
    }
}

/// A JSON object payload of roughly `size` bytes with arbitrary text.
fn payload(text: &str, size: usize) -> String {
    let filler = "x".repeat(size);
    serde_json::json!({ "answers": { "free_text": text, "filler": filler } }).to_string()
}

proptest! {
    #![proptest_config(proptest_config(24))]

    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    #[cfg_attr(not(target_arch = "wasm32"), test)]
    fn agency_round_trip(
        text in ".{0,200}",
        size in prop_oneof![0usize..3000, 60_000usize..70_000],
        seeds in proptest::collection::vec(0u64..1000, 1..5),
        created in 0u64..253_402_300_799,
        rng_seed: u64,
    ) {
        let mut seeds = seeds;
        seeds.sort_unstable();
        seeds.dedup();
        let keys: Vec<AgencyKeyPair> =
            seeds.iter().map(|seed| AgencyKeyPair::generate(&mut seeded_rng(*seed)).unwrap()).collect();
        let recipients: Vec<Recipient> = keys.iter().map(|key| Recipient::Agency(key.public.clone())).collect();
        let payload = payload(&text, size);
        let sealed = seal_packet(&payload, &form(), created, &recipients, &mut seeded_rng(rng_seed)).unwrap();
        let packet = Packet::parse(&sealed).unwrap();
        prop_assert_eq!(packet.size(), sealed.len());
        prop_assert_eq!(packet.ciphertext_len(), padded_len(payload.len()).unwrap());
        // The packet records the day only.
        prop_assert_eq!(packet.meta().created_unix_seconds(), created - created % 86_400);
        prop_assert_eq!(packet.meta().form_id(), "referral");
        let kids: Vec<&str> = keys.iter().map(|key| key.public.kid()).collect();
        prop_assert_eq!(packet.recipient_ids().collect::<Vec<_>>(), kids);
        for key in &keys {
            let opened = packet.open_with_key(&key.secret).unwrap();
            prop_assert_eq!(opened.payload_json(), payload.as_str());
            prop_assert_eq!(opened.meta(), packet.meta());
        }
        prop_assert_eq!(Packet::parse(&packet.to_json()).unwrap(), Packet::parse(&sealed).unwrap());
    }
}

proptest! {
    // Each case runs PBKDF2 with 210,000 iterations twice (seal and open).
    #![proptest_config(proptest_config(3))]

    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    #[cfg_attr(not(target_arch = "wasm32"), test)]
    fn mixed_recipients_round_trip(
        text in ".{0,100}",
        passphrase in "[ -~]{1,40}",
        agency_first: bool,
        rng_seed: u64,
    ) {
        let agency = AgencyKeyPair::generate(&mut seeded_rng(rng_seed ^ 1)).unwrap();
        let passphrase = Passphrase::new(passphrase);
        let mut recipients = vec![Recipient::Agency(agency.public.clone()), Recipient::Passphrase(passphrase.clone())];
        if !agency_first {
            recipients.reverse();
        }
        let payload = payload(&text, 10);
        let sealed = seal_packet(&payload, &form(), 0, &recipients, &mut seeded_rng(rng_seed)).unwrap();
        let packet = Packet::parse(&sealed).unwrap();
        prop_assert_eq!(packet.recipients().iter().filter(|r| r.is_passphrase()).count(), 1);
        prop_assert!(packet.meta().recipient_ids().contains(&"passphrase:1".to_owned()));
        let by_key = packet.open_with_key(&agency.secret).unwrap();
        prop_assert_eq!(by_key.payload_json(), payload.as_str());
        let by_passphrase = packet.open_with_passphrase(&passphrase).unwrap();
        prop_assert_eq!(by_passphrase.payload_json(), payload.as_str());
    }
}

proptest! {
    #![proptest_config(proptest_config(256))]

    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    #[cfg_attr(not(target_arch = "wasm32"), test)]
    fn padding_buckets(len in 0usize..(20 * 1024 * 1024)) {
        match padded_len(len) {
            Some(padded) => {
                prop_assert!(padded >= len && (1024..=MAX_PADDED_PAYLOAD_LEN).contains(&padded));
                prop_assert!(padded.is_power_of_two() || padded % (1024 * 1024) == 0);
                // The bucket is the smallest allowed size that fits.
                prop_assert!(padded == 1024 || padded_len(padded / 2 + 1) == Some(padded) || padded > 1024 * 1024);
            }
            None => prop_assert!(len > MAX_PADDED_PAYLOAD_LEN),
        }
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn padding_rule_at_its_boundaries() {
    const MIB: usize = 1024 * 1024;
    let cases = [
        (0, Some(1024)),
        (1, Some(1024)),
        (1024, Some(1024)),
        (1025, Some(2048)),
        (4096, Some(4096)),
        (4097, Some(8192)),
        (MIB, Some(MIB)),
        (MIB + 1, Some(2 * MIB)),
        (2 * MIB + 1, Some(3 * MIB)),
        (16 * MIB, Some(16 * MIB)),
        (16 * MIB + 1, None),
    ];
    for (len, expected) in cases {
        assert_eq!(padded_len(len), expected, "{len}");
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn sealing_twice_gives_unrelated_packets() {
    let key = AgencyKeyPair::generate(&mut seeded_rng(1)).unwrap();
    let recipients = [Recipient::Agency(key.public.clone())];
    let one =
        Packet::parse(&seal_packet("{}", &form(), 5, &recipients, &mut seeded_rng(2)).unwrap())
            .unwrap();
    let two =
        Packet::parse(&seal_packet("{}", &form(), 5, &recipients, &mut seeded_rng(3)).unwrap())
            .unwrap();
    assert_ne!(one.meta().packet_id(), two.meta().packet_id());
    assert_ne!(one.to_json(), two.to_json());
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn trailing_spaces_are_padding_and_the_opened_payload_is_json() {
    let key = AgencyKeyPair::generate(&mut seeded_rng(1)).unwrap();
    let sealed = seal_packet(
        "{\"a\": \"b  \"}   ",
        &form(),
        5,
        &[Recipient::Agency(key.public.clone())],
        &mut seeded_rng(2),
    )
    .unwrap();
    let opened = Packet::parse(&sealed)
        .unwrap()
        .open_with_key(&key.secret)
        .unwrap();
    assert_eq!(opened.payload_json(), "{\"a\": \"b  \"}");
    assert!(
        !format!("{opened:?}").contains("\"a\""),
        "Debug does not show the payload"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn seal_refusals() {
    let key = AgencyKeyPair::generate(&mut seeded_rng(1)).unwrap();
    let agency = Recipient::Agency(key.public.clone());
    let seal = |payload: &str, form: &FormRef, created: u64, recipients: &[Recipient]| {
        seal_packet(payload, form, created, recipients, &mut seeded_rng(9))
            .unwrap_err()
            .to_string()
    };
    assert_eq!(seal("{}", &form(), 0, &[]), "packet has no recipients");
    let many: Vec<Recipient> = (0..65)
        .map(|seed| {
            Recipient::Agency(
                AgencyKeyPair::generate(&mut seeded_rng(seed))
                    .unwrap()
                    .public,
            )
        })
        .collect();
    assert_eq!(
        seal("{}", &form(), 0, &many),
        "packet has more than 64 recipients"
    );
    let five: Vec<Recipient> = (0..5)
        .map(|i| Recipient::Passphrase(Passphrase::new(format!("p{i}"))))
        .collect();
    assert_eq!(
        seal("{}", &form(), 0, &five),
        "packet has more than 4 passphrase recipients"
    );
    assert_eq!(
        seal("{}", &form(), 0, &[agency.clone(), agency.clone()]),
        "the same recipient is listed twice"
    );
    assert_eq!(
        seal(
            "{}",
            &form(),
            0,
            &[Recipient::Passphrase(Passphrase::new(String::new()))]
        ),
        "passphrase is empty"
    );
    for payload in ["", "[]", "\"text\"", "{", "{} {}", "null"] {
        assert_eq!(
            seal(payload, &form(), 0, std::slice::from_ref(&agency)),
            "payload must be a json object",
            "{payload:?}"
        );
    }
    let huge = format!("{{\"a\":\"{}\"}}", "x".repeat(16 * 1024 * 1024));
    assert_eq!(
        seal(&huge, &form(), 0, std::slice::from_ref(&agency)),
        "payload is larger than 16 MiB"
    );
    let bad_form = FormRef {
        id: String::new(),
        version: "1".into(),
    };
    assert_eq!(
        seal("{}", &bad_form, 0, std::slice::from_ref(&agency)),
        "form id must be 1 to 128 bytes without control characters"
    );
    let bad_form = FormRef {
        id: "f".into(),
        version: "x".repeat(129),
    };
    assert_eq!(
        seal("{}", &bad_form, 0, std::slice::from_ref(&agency)),
        "form version must be 1 to 128 bytes without control characters"
    );
    assert_eq!(
        seal("{}", &form(), 253_402_300_800, &[agency]),
        "creation time is after the year 9999"
    );
}

/// An RNG that always fails, as the browser's would if `crypto.getRandomValues` were gone.
struct BrokenRng;

#[derive(Debug)]
struct Broken;

impl core::fmt::Display for Broken {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("broken")
    }
}

impl std::error::Error for Broken {}

impl rand_core::TryRng for BrokenRng {
    type Error = Broken;
    fn try_next_u32(&mut self) -> Result<u32, Broken> {
        Err(Broken)
    }
    fn try_next_u64(&mut self) -> Result<u64, Broken> {
        Err(Broken)
    }
    fn try_fill_bytes(&mut self, _: &mut [u8]) -> Result<(), Broken> {
        Err(Broken)
    }
}

impl rand_core::TryCryptoRng for BrokenRng {}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_failing_rng_is_an_error_not_a_panic() {
    assert_eq!(
        AgencyKeyPair::generate(&mut BrokenRng).unwrap_err(),
        KeyError::Randomness
    );
    let key = AgencyKeyPair::generate(&mut seeded_rng(1)).unwrap();
    let error = seal_packet(
        "{}",
        &form(),
        0,
        &[Recipient::Agency(key.public)],
        &mut BrokenRng,
    )
    .unwrap_err();
    assert_eq!(error, PacketError::Randomness);
    assert_eq!(error.to_string(), "random number generator failed");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_operating_system_rng_is_what_callers_pass() {
    // What the web app and the CLI do: `getrandom::SysRng` (feature `sys_rng`; on wasm32
    // also `wasm_js`), passed by mutable reference.
    let key = AgencyKeyPair::generate(&mut getrandom::SysRng).unwrap();
    let sealed = seal_packet(
        "{}",
        &form(),
        0,
        &[Recipient::Agency(key.public.clone())],
        &mut getrandom::SysRng,
    )
    .unwrap();
    assert_eq!(
        Packet::parse(&sealed)
            .unwrap()
            .open_with_key(&key.secret)
            .unwrap()
            .payload_json(),
        "{}"
    );
}
