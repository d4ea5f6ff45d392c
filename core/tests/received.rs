//! The receiving end: a referral read back from an opened packet's payload, in the
//! reader's language or the sender's, with what was withheld; and a payload that is not
//! what its packet says, or not a referral at all, refused with its own error. Also the
//! key file opened in two steps, as the browser does it (derivation elsewhere).
#![allow(clippy::unwrap_used)]

mod common;

use confidant_core::agency::AgencyKind;
use confidant_core::form::{
    Answers, FormDefinition, ReceivedError, ReceivedReferral, Withheld, plan_referral,
};
use confidant_core::keys::{
    AgencyKeyPair, KdfParams, KeyFile, KeyFileError, Passphrase, PublicKey,
};
use serde_json::{Value, json};

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

const DEFINITION: &str = include_str!("../../forms/referral.json");
const FRENCH: &str = include_str!("../../forms/referral.fr.json");

/// The payload a shelter receives of a French worker's referral, with a canary in each
/// text, sent by `sender`.
fn shelter_payload(sender: &PublicKey) -> (FormDefinition, String) {
    let form = FormDefinition::parse_translated(DEFINITION, &[FRENCH]).unwrap();
    let answers = Answers::from_json(
        &form,
        &json!({
            "referral_type": "full", "age_group": "adult", "consent_referral": "given",
            "urgency": "emergency",
            "sharing_consent": ["identity", "narrative"], "named_recipients": ["shelter", "police"],
            "subject_names": "CANARY-name", "narrative": "CANARY-story",
            "suspected_exploiters": "CANARY-exploiter",
        }),
    )
    .unwrap();
    let shelter = common::agency(2, "Shelter North", AgencyKind::Shelter);
    let packets = plan_referral(&form, &answers, &[shelter]).unwrap();
    let payload = packets[0]
        .payload(&form, DEFINITION, Some(FRENCH), "fr", sender, 1_764_460_934)
        .unwrap();
    (form, payload.to_string())
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_shelter_reads_the_referral_with_what_was_withheld_and_who_sent_it() {
    let sender = common::agency(1, "Police unit", AgencyKind::Police).key;
    let (form, payload) = shelter_payload(&sender);
    let read = ReceivedReferral::read(&payload, "referral", &form.version).unwrap();
    assert_eq!(read.sender, sender);
    assert_eq!(read.sealed_at_unix_seconds, 1_764_460_934);
    assert_eq!(read.sender_language, "fr");
    assert_eq!(
        read.answers.get("subject_names"),
        Some(&confidant_core::form::Answer::Text("CANARY-name".into()))
    );
    // Suspects are for the police only, and health was not agreed: both are said.
    assert!(read.answers.get("suspected_exploiters").is_none());
    assert!(read.withheld.iter().any(|withheld| matches!(withheld,
        Withheld::OnlyTo { field, kinds } if field == "suspected_exploiters" && kinds == &[AgencyKind::Police])));
    assert!(read.withheld.contains(&Withheld::NotAgreed {
        category: "health".into()
    }));
    let health = read
        .withheld
        .iter()
        .find(|withheld| matches!(withheld, Withheld::NotAgreed { .. }))
        .unwrap();
    assert_ne!(read.withheld_label(health, "en"), "health");
    // The list shows the type and the urgency in the reader's words.
    assert_eq!(
        read.choice_label("urgency", "en").as_deref(),
        Some("Emergency: response needed within 24 hours")
    );
    assert!(read.choice_label("referral_type", "fr").is_some());
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_reader_gets_their_own_language_when_the_packet_carries_it_else_the_senders() {
    let sender = common::agency(1, "Police unit", AgencyKind::Police).key;
    let (form, payload) = shelter_payload(&sender);
    let read = ReceivedReferral::read(&payload, "referral", &form.version).unwrap();
    assert_eq!(read.reading_language("en"), ("en", true));
    assert_eq!(read.reading_language("fr"), ("fr", true));
    // Arabic is not in the packet: the sender's French, and the view says so.
    assert_eq!(read.reading_language("ar"), ("fr", false));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_payload_unlike_its_label_or_not_a_referral_is_refused_with_its_own_error() {
    let sender = common::agency(1, "Police unit", AgencyKind::Police).key;
    let (form, payload) = shelter_payload(&sender);
    // The authenticated label says another form, or another version.
    assert_eq!(
        ReceivedReferral::read(&payload, "identification", &form.version),
        Err(ReceivedError::FormMismatch)
    );
    assert_eq!(
        ReceivedReferral::read(&payload, "referral", "0.9.0"),
        Err(ReceivedError::FormMismatch)
    );
    let mut value: Value = serde_json::from_str(&payload).unwrap();
    let altered = |change: &dyn Fn(&mut Value)| {
        let mut copy = value.clone();
        change(&mut copy);
        ReceivedReferral::read(&copy.to_string(), "referral", &form.version)
    };
    assert!(matches!(
        altered(&|payload| payload["format"] = json!("confidant-acknowledgment")),
        Err(ReceivedError::NotAReferral(_))
    ));
    // A format that is none of Confidant's is not quoted: it is the sender's plaintext.
    let error = altered(&|payload| payload["format"] = json!("CANARY-format")).unwrap_err();
    assert!(matches!(error, ReceivedError::NotAReferral(_)), "{error}");
    assert!(!error.to_string().contains("CANARY"), "{error}");
    // Another kind of payload is named as such, whatever else it holds.
    assert_eq!(
        ReceivedReferral::read(
            r#"{"format":"confidant-acknowledgment","format_version":1,"state":"declined"}"#,
            "acknowledgment",
            "1"
        ),
        Err(ReceivedError::NotAReferral(
            "confidant-acknowledgment".into()
        ))
    );
    assert_eq!(
        altered(&|payload| payload["format_version"] = json!(99)),
        Err(ReceivedError::UnsupportedVersion(99))
    );
    // An answer its form does not take; a sender key without its name; a private key.
    assert!(matches!(
        altered(&|payload| payload["answers"]["urgency"] = json!("whenever")),
        Err(ReceivedError::Answers(_))
    ));
    assert_eq!(
        altered(&|payload| {
            payload["sender"].as_object_mut().unwrap().remove("kid");
        }),
        Err(ReceivedError::SenderKey)
    );
    assert_eq!(
        altered(&|payload| payload["sender"]["d"] = json!("AAAA")),
        Err(ReceivedError::SenderKey)
    );
    assert!(matches!(
        altered(&|payload| payload["definition"]["sections"] = json!([])),
        Err(ReceivedError::Form(_))
    ));
    assert!(matches!(
        altered(&|payload| payload["withheld"] = json!([{ "reason": "whim" }])),
        Err(ReceivedError::Malformed(_))
    ));
    // No error quotes a value the parser refuses, as serde's own message would.
    let error =
        altered(&|payload| payload["withheld"] = json!([{ "reason": "CANARY-whim" }])).unwrap_err();
    assert!(matches!(error, ReceivedError::Malformed(_)), "{error}");
    assert!(!error.to_string().contains("CANARY"), "{error}");
    // No error repeats an answer.
    value["answers"]["urgency"] = json!("CANARY-urgency");
    let error = ReceivedReferral::read(&value.to_string(), "referral", &form.version).unwrap_err();
    assert!(!error.to_string().contains("CANARY"), "{error}");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_payload_built_to_exhaust_memory_is_refused_before_it_is_parsed() {
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let wide = format!("{{\"answers\":[{}0]}}", "0,".repeat(500_000));
    for hostile in [deep, wide, "not json".to_owned()] {
        assert!(matches!(
            ReceivedReferral::read(&hostile, "referral", "1.2.0"),
            Err(ReceivedError::Malformed(_))
        ));
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_key_file_opens_with_a_key_derived_elsewhere_and_not_with_another() {
    let mut rng = common::seeded_rng(7);
    let pair = AgencyKeyPair::generate(&mut rng).unwrap();
    let passphrase = Passphrase::new("a long passphrase for the test".into());
    let text = KeyFile::seal(
        &pair.secret,
        &pair.public,
        &passphrase,
        KdfParams::MINIMUM,
        &mut rng,
    )
    .unwrap();
    let (params, salt) = KeyFile::kdf(&text).unwrap();
    assert_eq!(params, KdfParams::MINIMUM);
    let derivation = confidant_core::draft::Derivation { params, salt };
    let key = derivation.derive(&passphrase).unwrap();
    let opened = KeyFile::open_with_key(&text, &key).unwrap();
    assert_eq!(opened.public, pair.public);
    let wrong = derivation
        .derive(&Passphrase::new("not the passphrase".into()))
        .unwrap();
    assert!(matches!(
        KeyFile::open_with_key(&text, &wrong),
        Err(KeyFileError::CouldNotOpen)
    ));
    assert!(KeyFile::kdf("{\"format\":\"something else\"}").is_err());
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn an_inbox_reads_each_definition_once_and_never_mixes_two_up() {
    let sender = common::agency(1, "Police unit", AgencyKind::Police).key;
    let (form, french) = shelter_payload(&sender);
    let mut english: Value = serde_json::from_str(&french).unwrap();
    english.as_object_mut().unwrap().remove("translation");
    english["language"] = json!("en");
    let english = english.to_string();
    let mut cache = confidant_core::form::Definitions::default();
    // Prepared ahead (as the inbox does, in a task of its own), or not: the same reading.
    cache.prepare(&french);
    cache.prepare("{\"format\": \"not a referral\"}");
    cache.prepare("not json");
    assert_eq!(cache.len(), 1);
    for payload in [&french, &english, &french] {
        let cached =
            ReceivedReferral::read_with(payload, "referral", &form.version, &mut cache).unwrap();
        assert_eq!(
            cached,
            ReceivedReferral::read(payload, "referral", &form.version).unwrap()
        );
    }
    let read =
        ReceivedReferral::read_with(&english, "referral", &form.version, &mut cache).unwrap();
    assert_eq!(read.form.languages, ["en"]);
    assert_eq!(cache.len(), 2);
}

/// The referral definition as it was first published (version 1.0.0), as a packet sealed
/// then carries it.
const FIRST_DEFINITION: &str = include_str!("vectors/referral-1.0.0.json");

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_referral_sealed_under_the_first_form_version_still_reads_from_the_definition_it_carries() {
    let old = FormDefinition::parse_translated(FIRST_DEFINITION, &[]).unwrap();
    let today = FormDefinition::parse_translated(DEFINITION, &[]).unwrap();
    assert_eq!(old.version, "1.0.0");
    assert_ne!(old.version, today.version);
    let answers = Answers::from_json(
        &old,
        &json!({
            "referral_type": "full", "age_group": "adult", "consent_referral": "given",
            "urgency": "emergency", "sharing_consent": ["identity", "narrative"],
            "subject_names": "CANARY-old-name", "narrative": "CANARY-old-story",
            // A free-text answer to a question the form has since changed to choices.
            "named_recipients": "CANARY-old-recipients",
        }),
    )
    .unwrap();
    let sender = common::agency(1, "Police unit", AgencyKind::Police).key;
    let shelter = common::agency(2, "Shelter North", AgencyKind::Shelter);
    let packets = plan_referral(&old, &answers, &[shelter]).unwrap();
    let payload = packets[0]
        .payload(&old, FIRST_DEFINITION, None, "en", &sender, 1_764_460_934)
        .unwrap()
        .to_string();

    let read = ReceivedReferral::read(&payload, "referral", "1.0.0").unwrap();
    assert_eq!(read.form.version, "1.0.0");
    for (field, canary) in [
        ("subject_names", "CANARY-old-name"),
        ("narrative", "CANARY-old-story"),
        ("named_recipients", "CANARY-old-recipients"),
    ] {
        assert_eq!(
            read.answers.get(field),
            Some(&confidant_core::form::Answer::Text(canary.into())),
            "{field}"
        );
    }
    // Labelled with today's version, the same payload is refused: the label is sealed.
    assert_eq!(
        ReceivedReferral::read(&payload, "referral", &today.version),
        Err(ReceivedError::FormMismatch)
    );
}
