//! Drafts: sealed under an Argon2id key, opened only with the same passphrase, for the
//! same form; a wrong passphrase or a change gives one answer and leaves the text alone.
#![allow(clippy::unwrap_used)]

use chacha20::ChaCha20Rng;
use confidant_core::draft::{DraftError, DraftKey};
use confidant_core::keys::{KdfParams, Passphrase};
use rand_core::SeedableRng;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

const CONTENT: &str = r#"{"subject_names":"CANARY-draft-Ana"}"#;

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_draft_opens_with_its_passphrase_only() {
    let mut rng = ChaCha20Rng::seed_from_u64(7);
    let passphrase = Passphrase::new("the worker's own words".to_owned());
    let key = DraftKey::derive(&passphrase, KdfParams::MINIMUM, &mut rng).unwrap();
    let sealed = key.seal("referral", CONTENT, &mut rng).unwrap();
    assert!(!sealed.contains("CANARY"));

    let (again, content) = DraftKey::open(&sealed, "referral", &passphrase).unwrap();
    assert_eq!(content.as_str(), CONTENT);
    // The key it gives back seals further drafts that open the same way.
    let resealed = again.seal("referral", "{}", &mut rng).unwrap();
    assert_eq!(
        DraftKey::open(&resealed, "referral", &passphrase)
            .unwrap()
            .1
            .as_str(),
        "{}"
    );

    let wrong = Passphrase::new("not the worker's words".to_owned());
    assert_eq!(
        DraftKey::open(&sealed, "referral", &wrong).unwrap_err(),
        DraftError::CouldNotOpen
    );
    // Another form's draft, or a changed one, does not open.
    assert_eq!(
        DraftKey::open(&sealed, "identification", &passphrase).unwrap_err(),
        DraftError::Malformed
    );
    let mut value: serde_json::Value = serde_json::from_str(&sealed).unwrap();
    value["kdf"]["iterations"] = 3.into();
    assert_eq!(
        DraftKey::open(&value.to_string(), "referral", &passphrase).unwrap_err(),
        DraftError::CouldNotOpen
    );
    value["kdf"]["iterations"] = 1.into();
    assert_eq!(
        DraftKey::open(&value.to_string(), "referral", &passphrase).unwrap_err(),
        DraftError::KdfOutOfRange
    );
    assert_eq!(
        DraftKey::open("not json", "referral", &passphrase).unwrap_err(),
        DraftError::Malformed
    );
    assert_eq!(
        DraftKey::derive(
            &Passphrase::new(String::new()),
            KdfParams::MINIMUM,
            &mut rng
        )
        .unwrap_err(),
        DraftError::EmptyPassphrase
    );
    assert_eq!(format!("{key:?}"), "DraftKey(..)");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_key_derived_elsewhere_seals_and_opens_the_same_drafts() {
    use confidant_core::draft::Derivation;
    let mut rng = ChaCha20Rng::seed_from_u64(11);
    let passphrase = Passphrase::new("derived in a worker".to_owned());
    // As the app does: the derivation is chosen here, the key made elsewhere.
    let derivation = Derivation::new(KdfParams::MINIMUM, &mut rng).unwrap();
    let key = DraftKey::from_derived(derivation, derivation.derive(&passphrase).unwrap());
    let sealed = key.seal("referral", CONTENT, &mut rng).unwrap();
    assert_eq!(
        DraftKey::open(&sealed, "referral", &passphrase)
            .unwrap()
            .1
            .as_str(),
        CONTENT
    );
    // Opening: the derivation is read from the draft before any work.
    let recorded = Derivation::of_draft(&sealed, "referral").unwrap();
    assert_eq!(recorded, derivation);
    let again = DraftKey::from_derived(recorded, recorded.derive(&passphrase).unwrap());
    assert_eq!(
        again.open_sealed(&sealed, "referral").unwrap().as_str(),
        CONTENT
    );
    let wrong = Passphrase::new("guessed".to_owned());
    let wrong = DraftKey::from_derived(recorded, recorded.derive(&wrong).unwrap());
    assert_eq!(
        wrong.open_sealed(&sealed, "referral").unwrap_err(),
        DraftError::CouldNotOpen
    );
    // A key of another derivation does not even try.
    let other = Derivation::new(KdfParams::MINIMUM, &mut rng).unwrap();
    let other = DraftKey::from_derived(other, other.derive(&passphrase).unwrap());
    assert_eq!(
        other.open_sealed(&sealed, "referral").unwrap_err(),
        DraftError::CouldNotOpen
    );
    assert_eq!(
        Derivation::of_draft("{}", "referral").unwrap_err(),
        DraftError::Malformed
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_persons_draft_keeps_its_label_date_and_answers_inside_the_ciphertext() {
    use confidant_core::draft::{Derivation, PERSON, PersonDraft};
    let mut rng = ChaCha20Rng::seed_from_u64(13);
    let passphrase = Passphrase::new("one passphrase for all".to_owned());
    let key = DraftKey::derive(&passphrase, KdfParams::MINIMUM, &mut rng).unwrap();
    let mut draft = PersonDraft {
        label: PersonDraft::check_label("  CANARY-label Tuesday  ").unwrap(),
        saved: "2026-12-01".into(),
        ..PersonDraft::default()
    };
    draft.forms.insert(
        "identification".into(),
        serde_json::from_str(CONTENT).unwrap(),
    );
    let sealed = key.seal(PERSON, &draft.to_text(), &mut rng).unwrap();
    assert!(!sealed.contains("CANARY") && !sealed.contains("2026"));
    assert_eq!(draft.label, "CANARY-label Tuesday");

    // A second person's draft, sealed with the same key, records the same derivation:
    // one unlock opens both.
    let other = key.seal(PERSON, "{}", &mut rng).unwrap();
    assert_eq!(
        Derivation::of_draft(&other, PERSON).unwrap(),
        key.derivation()
    );
    let opened = key.open_sealed(&sealed, PERSON).unwrap();
    assert_eq!(PersonDraft::from_text(&opened).unwrap(), draft);

    // Labels: needed, and short.
    assert_eq!(
        PersonDraft::check_label("   ").unwrap_err(),
        DraftError::NoLabel
    );
    assert_eq!(
        PersonDraft::check_label(&"x".repeat(61)).unwrap_err(),
        DraftError::LabelTooLong
    );
    assert!(PersonDraft::check_label(&"é".repeat(60)).is_ok());
    // A content that is not a person's draft is refused, whole.
    for bad in [
        r#"{"label":"","saved":"","forms":{}}"#,
        r#"{"label":" padded ","saved":"","forms":{}}"#,
        r#"{"label":"a","saved":"yesterday","forms":{}}"#,
        r#"{"label":"a","saved":"","forms":{"referral":[]}}"#,
        r#"{"label":"a","saved":"","forms":{},"name":"x"}"#,
        r#"{"subject_names":"x"}"#,
    ] {
        assert_eq!(
            PersonDraft::from_text(bad).unwrap_err(),
            DraftError::Malformed,
            "{bad}"
        );
    }
}
