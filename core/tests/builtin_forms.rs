//! The built-in forms in `forms/` parse, and the identification checklist scores as the
//! domain reference says (ILO operational indicators, `docs/forms.md`).
#![allow(clippy::unwrap_used)]

use confidant_core::form::{
    Answer, Answers, DataClass, DimensionStatus, FieldKind, FormDefinition, FormError,
    FormErrorKind, Outcome, YesNo,
};
use serde_json::{Map, Value, json};

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

/// A built-in form in all its languages: the definition, then its translation files.
macro_rules! built_in {
    ($name:literal) => {
        [
            include_str!(concat!("../../forms/", $name, ".json")),
            include_str!(concat!("../../forms/", $name, ".fr.json")),
            include_str!(concat!("../../forms/", $name, ".es.json")),
            include_str!(concat!("../../forms/", $name, ".ar.json")),
        ]
    };
}

const IDENTIFICATION: [&str; 4] = built_in!("identification");
const REFERRAL: [&str; 4] = built_in!("referral");
const GROUP_FRAMEWORK: [&str; 4] = built_in!("group-framework");
const GROUP_AGREEMENT: [&str; 4] = built_in!("group-agreement");

fn identification() -> FormDefinition {
    parse(IDENTIFICATION)
}

/// Answers: every scored item "no" unless listed, then the given overrides.
fn score(form: &FormDefinition, context: &[(&str, &str)], yes: &[&str]) -> Outcome {
    let scoring = form.scoring.as_ref().unwrap();
    let mut object = Map::new();
    for dimension in &scoring.dimensions {
        for item in &dimension.items {
            object.insert(item.field.clone(), json!("no"));
        }
    }
    for field in yes {
        object.insert((*field).to_owned(), json!("yes"));
    }
    for (field, value) in context {
        object.insert((*field).to_owned(), json!(value));
    }
    form.outcome(&Answers::from_json(form, &Value::Object(object)).unwrap())
        .unwrap()
}

fn positive(outcome: &Outcome) -> Vec<&str> {
    outcome
        .dimensions
        .iter()
        .filter(|d| d.status == DimensionStatus::Positive)
        .map(|d| d.id.as_str())
        .collect()
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_identification_checklist_has_the_ilo_items() {
    let form = identification();
    let scoring = form.scoring.as_ref().unwrap();
    let counts: Vec<(&str, usize)> = scoring
        .dimensions
        .iter()
        .map(|d| (d.id.as_str(), d.items.len()))
        .collect();
    assert_eq!(
        counts,
        vec![
            ("DR", 10),
            ("CR", 10),
            ("VR", 16),
            ("EX", 9),
            ("CD", 15),
            ("VD", 7)
        ]
    );
    let yes_no = form.fields().filter(|f| f.kind == FieldKind::YesNo).count();
    assert_eq!(yes_no, 67 + 9 + 5);
    // Every answerable field says what kind of data it holds.
    assert!(
        form.fields()
            .all(|f| f.kind == FieldKind::Info || f.data_class.is_some())
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_child_module_follows_the_age_question() {
    let form = identification();
    let with_age = |age: &str| Answers::from_json(&form, &json!({ "age_group": age })).unwrap();
    assert!(!form.is_shown("c1", &Answers::new()));
    assert!(!form.is_shown("c1", &with_age("adult")));
    assert!(form.is_shown("c1", &with_age("child")));
    assert!(form.is_shown("c1", &with_age("uncertain")));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn an_adult_in_forced_labour_is_consistent_with_trafficking() {
    let form = identification();
    // Lied to about the job (strong) and the pay (medium); excessive hours (strong) and
    // low pay (medium); documents taken (strong) and debt bondage (strong).
    let outcome = score(
        &form,
        &[("age_group", "adult"), ("exploitation_form", "labour")],
        &[
            "dr_job",
            "dr_pay",
            "ex_hours",
            "ex_pay",
            "cd_documents",
            "cd_debt",
        ],
    );
    assert_eq!(outcome.profile.as_deref(), Some("adult_labour"));
    assert_eq!(positive(&outcome), vec!["DR", "EX", "CD"]);
    assert_eq!(
        outcome.consistent_with_trafficking,
        DimensionStatus::Positive
    );
    assert!(outcome.prompt_referral);

    // Without coercion or vulnerability at destination, an adult's indicators are not
    // consistent with trafficking; the strong indicators still prompt a referral.
    let outcome = score(
        &form,
        &[("age_group", "adult"), ("exploitation_form", "labour")],
        &["dr_job", "dr_pay", "ex_hours", "ex_pay"],
    );
    assert_eq!(
        outcome.consistent_with_trafficking,
        DimensionStatus::Negative
    );
    assert!(outcome.strong_indicator);
    assert!(outcome.prompt_referral);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_child_needs_recruitment_and_exploitation_only() {
    let form = identification();
    let outcome = score(
        &form,
        &[
            ("age_group", "uncertain"),
            ("exploitation_form", "sexual"),
            ("c1", "no"),
            ("c2", "no"),
            ("c3", "no"),
            ("c4", "no"),
            ("c5", "no"),
        ],
        &["dr_job", "dr_pay", "ex_hours", "ex_pay"],
    );
    assert_eq!(outcome.profile.as_deref(), Some("child_sexual"));
    assert_eq!(positive(&outcome), vec!["DR", "EX"]);
    assert_eq!(
        outcome.consistent_with_trafficking,
        DimensionStatus::Positive
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn medium_items_alone_need_three_in_a_dimension() {
    let form = identification();
    let two = score(
        &form,
        &[("age_group", "adult")],
        &["dr_pay", "dr_conditions"],
    );
    assert_eq!(two.dimensions[0].status, DimensionStatus::Negative);
    assert!(!two.prompt_referral);
    let three = score(
        &form,
        &[("age_group", "adult")],
        &["dr_pay", "dr_conditions", "dr_contract"],
    );
    assert_eq!(three.dimensions[0].status, DimensionStatus::Positive);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_checklist_is_in_four_languages_and_says_which_are_unchecked() {
    use confidant_core::form::ReviewStatus;
    let form = identification();
    assert_eq!(form.languages, vec!["en", "fr", "es", "ar"]);
    assert_eq!(form.review_status("en"), ReviewStatus::Original);
    for language in ["fr", "es", "ar"] {
        assert_eq!(
            form.review_status(language),
            ReviewStatus::Unreviewed,
            "{language}"
        );
    }
    // Parsing already checked that every text exists in every language; spot-check that
    // the Arabic is Arabic script.
    let title = form.title.get("ar");
    assert!(
        title
            .chars()
            .any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)),
        "{title}"
    );
}

fn parse([definition, translations @ ..]: [&str; 4]) -> FormDefinition {
    FormDefinition::parse_translated(definition, &translations).unwrap()
}

fn from(form: &FormDefinition, pairs: Value) -> Answers {
    Answers::from_json(form, &pairs).unwrap()
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn every_built_in_form_is_in_four_languages_with_the_translations_marked_unchecked() {
    use confidant_core::form::ReviewStatus;
    for json in [IDENTIFICATION, REFERRAL, GROUP_FRAMEWORK, GROUP_AGREEMENT] {
        let form = parse(json);
        assert_eq!(form.languages, vec!["en", "fr", "es", "ar"], "{}", form.id);
        assert_eq!(form.review_status("en"), ReviewStatus::Original);
        for language in ["fr", "es", "ar"] {
            assert_eq!(
                form.review_status(language),
                ReviewStatus::Unreviewed,
                "{} {language}",
                form.id
            );
        }
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_referral_has_the_sections_and_the_points_partners_agreed() {
    let form = parse(REFERRAL);
    let sections: Vec<&str> = form.sections.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        sections,
        [
            "metadata",
            "referring_agency",
            "receiving_agency",
            "subject",
            "language",
            "circumstances",
            "needs_risk",
            "information_consent",
            "child",
            "data_handling"
        ]
    );
    // What the memorandum of understanding asks partners to record.
    for (id, kind) in [
        ("informed_support", FieldKind::YesNo),
        ("partner_contacted_at", FieldKind::DateTime),
        ("legal_representation", FieldKind::YesNo),
        ("court_accompaniment", FieldKind::YesNo),
        ("consent_referral", FieldKind::Consent),
    ] {
        assert_eq!(form.field(id).unwrap().kind, kind, "{id}");
    }
    for id in ["cooperation_prosecution", "wish_to_return", "needs"] {
        assert!(form.field(id).is_some(), "{id}");
    }
    assert!(matches!(
        form.field("needs").unwrap().kind,
        FieldKind::NeedsMatrix(_)
    ));
    // Nothing in a referral is organisational: it is about a person.
    assert!(
        form.fields()
            .filter_map(|f| f.data_class)
            .all(|c| c != DataClass::Organisational)
    );
    assert!(!form.is_organisational());
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_referral_asks_what_fits_the_person() {
    let form = parse(REFERRAL);
    let adult = from(
        &form,
        json!({ "referral_type": "full", "age_group": "adult" }),
    );
    assert!(form.is_shown("consent_referral", &adult));
    assert!(!form.is_shown("child_informed", &adult));
    assert!(form.is_shown("subject_names", &adult));

    // A child, or a person whose age is uncertain, gets the child-protection section
    // and no consent question.
    for age in ["child", "uncertain"] {
        let child = from(&form, json!({ "referral_type": "full", "age_group": age }));
        assert!(form.is_shown("child_informed", &child), "{age}");
        assert!(form.is_shown("cp_notified", &child), "{age}");
        assert!(!form.is_shown("consent_referral", &child), "{age}");
    }

    // An anonymous notification holds no identity.
    let anonymous = from(
        &form,
        json!({ "referral_type": "anonymous", "age_group": "adult" }),
    );
    for id in [
        "subject_names",
        "date_of_birth",
        "current_location",
        "safe_contact",
        "identity_documents",
    ] {
        assert!(!form.is_shown(id, &anonymous), "{id}");
    }

    // Required questions left empty are named by path and kind.
    let errors = form.validate(&adult, "2026-11-29");
    assert!(
        errors
            .iter()
            .any(|e| e.path == "information_consent.consent_referral")
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_completed_checklist_starts_the_referral() {
    let identification = identification();
    let referral = parse(REFERRAL);
    let mut answers = Map::new();
    for dimension in &identification.scoring.as_ref().unwrap().dimensions {
        for item in &dimension.items {
            answers.insert(item.field.clone(), json!("no"));
        }
    }
    for field in [
        "dr_job",
        "dr_pay",
        "ex_hours",
        "ex_pay",
        "cd_documents",
        "cd_debt",
    ] {
        answers.insert(field.to_owned(), json!("yes"));
    }
    answers.insert("age_group".to_owned(), json!("adult"));
    answers.insert("exploitation_form".to_owned(), json!("labour"));
    let checklist = from(&identification, Value::Object(answers));

    let started = referral.prefill_from(&identification, &checklist);
    assert_eq!(
        started.get("age_group"),
        Some(&Answer::Choice("adult".into()))
    );
    assert_eq!(
        started.get("identification_dimensions"),
        Some(&Answer::Choices(vec![
            "dr".into(),
            "ex".into(),
            "cd".into()
        ]))
    );
    assert_eq!(
        started.get("identification_prompted"),
        Some(&Answer::YesNo(YesNo::Yes))
    );

    // A child flagged in the checklist opens the referral's child section.
    let child = from(&identification, json!({ "age_group": "uncertain" }));
    let started = referral.prefill_from(&identification, &child);
    assert!(referral.is_shown("child_informed", &started));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_group_checklists_hold_no_personal_data_and_the_agreement_drafts_a_document() {
    let framework = parse(GROUP_FRAMEWORK);
    let agreement = parse(GROUP_AGREEMENT);
    assert!(framework.is_organisational());
    assert!(agreement.is_organisational());
    assert!(framework.draft.is_none());

    let draft = agreement.draft.as_ref().unwrap();
    assert_eq!(
        draft.sections,
        ["protocol", "mou", "police_duties", "ngo_duties"]
    );
    let mut answers = Answers::new();
    answers.set(
        "protocol_purpose",
        Answer::Text("Protect and support presumed victims together.".into()),
    );
    let (_, sections) = agreement.draft_contents(&answers).unwrap();
    assert_eq!(sections.len(), 4);
    let first = &sections[0].entries[0];
    assert_eq!(first.0.id, "protocol_purpose");
    assert!(first.1.is_some());
    // Every other entry is still to be agreed.
    assert!(
        sections
            .iter()
            .flat_map(|s| &s.entries)
            .skip(1)
            .all(|(_, answer)| answer.is_none())
    );

    // The six minimum contents of an intelligence-exchange protocol are all required.
    let protocol = agreement
        .sections
        .iter()
        .find(|s| s.id == "protocol")
        .unwrap();
    let required = protocol.fields.iter().filter(|f| f.required).count();
    assert!(required >= 6, "{required}");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn each_definition_stands_alone_in_english_and_each_translation_adds_one_language() {
    for [definition, fr, es, ar] in [IDENTIFICATION, REFERRAL, GROUP_FRAMEWORK, GROUP_AGREEMENT] {
        let english = FormDefinition::parse(definition).unwrap();
        assert_eq!(english.languages, vec!["en"]);
        let french = FormDefinition::parse_translated(definition, &[fr]).unwrap();
        assert_eq!(french.languages, vec!["en", "fr"]);
        assert_ne!(french.title.get("fr"), french.title.get("en"));
        // In any order, any subset.
        let some = FormDefinition::parse_translated(definition, &[ar, es]).unwrap();
        assert_eq!(some.languages, vec!["en", "ar", "es"]);
        // A translation of another form does not fit.
        let other = if english.id == "referral" {
            IDENTIFICATION[1]
        } else {
            REFERRAL[1]
        };
        let error = FormDefinition::parse_translated(definition, &[other]).unwrap_err();
        assert_eq!(error.path, "translation fr: form", "{error}");
        assert_eq!(error.kind, FormErrorKind::UnknownReference);
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_translation_must_give_every_text_and_nothing_else() {
    let [definition, french, ..] = GROUP_FRAMEWORK;
    let edit = |change: &dyn Fn(&mut Value)| {
        let mut translation: Value = serde_json::from_str(french).unwrap();
        change(&mut translation);
        FormDefinition::parse_translated(definition, &[&translation.to_string()]).unwrap_err()
    };
    let error = edit(&|t| {
        t["texts"]
            .as_object_mut()
            .unwrap()
            .remove("fields/step1_owner/label");
    });
    let path_and_kind = |error: &FormError| (error.path.clone(), error.kind);
    assert_eq!(
        path_and_kind(&error),
        (
            "translation fr: texts/fields/step1_owner/label".to_owned(),
            FormErrorKind::Missing
        )
    );
    let error = edit(&|t| t["texts"]["fields/nowhere/label"] = json!("Nulle part"));
    assert_eq!(
        path_and_kind(&error),
        (
            "translation fr: texts/fields/nowhere/label".to_owned(),
            FormErrorKind::UnknownReference
        )
    );
    // The definition's own language again.
    let error = edit(&|t| t["language"] = json!("en"));
    assert_eq!(
        path_and_kind(&error),
        (
            "translation en: language".to_owned(),
            FormErrorKind::DuplicateId
        )
    );
    let error = edit(&|t| t["texts"]["title"] = json!("  "));
    assert_eq!(
        path_and_kind(&error),
        ("title".to_owned(), FormErrorKind::Missing),
        "{error}"
    );
    // Twice the same language.
    let error = FormDefinition::parse_translated(definition, &[french, french]).unwrap_err();
    assert_eq!(
        path_and_kind(&error),
        (
            "translation fr: language".to_owned(),
            FormErrorKind::DuplicateId
        )
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_referral_goes_out_only_as_consent_allows() {
    use confidant_core::form::{NotSendable, SendAs, consent_gate};
    let form = parse(REFERRAL);
    let gate = |pairs: Value| consent_gate(&from(&form, pairs));
    assert_eq!(gate(json!({})), Err(NotSendable::AgeMissing));
    assert_eq!(
        gate(json!({ "age_group": "adult" })),
        Err(NotSendable::TypeMissing)
    );
    // An adult's full referral needs consent; declining leaves the anonymous notification.
    let adult = |consent: Option<&str>, kind: &str| {
        let mut pairs = json!({ "age_group": "adult", "referral_type": kind });
        if let Some(consent) = consent {
            pairs["consent_referral"] = json!(consent);
        }
        gate(pairs)
    };
    assert_eq!(adult(None, "full"), Err(NotSendable::ConsentMissing));
    assert_eq!(
        adult(Some("declined"), "full"),
        Err(NotSendable::ConsentDeclined)
    );
    assert_eq!(adult(Some("given"), "full"), Ok(SendAs::Full));
    assert_eq!(adult(Some("given"), "onward"), Ok(SendAs::Full));
    assert_eq!(adult(Some("declined"), "anonymous"), Ok(SendAs::Anonymous));
    // A child needs no consent, but the referral records that the child was informed;
    // and a child is never only notified anonymously.
    for age in ["child", "uncertain"] {
        assert_eq!(
            gate(json!({ "age_group": age, "referral_type": "full" })),
            Err(NotSendable::ChildNotInformed)
        );
        assert_eq!(
            gate(json!({ "age_group": age, "referral_type": "full", "child_informed": "yes" })),
            Ok(SendAs::Full)
        );
        assert_eq!(
            gate(
                json!({ "age_group": age, "referral_type": "anonymous", "child_informed": "yes" })
            ),
            Err(NotSendable::ChildAnonymous)
        );
    }
}
