//! The built-in forms in `forms/` parse, and the identification checklist scores as the
//! domain reference says (ILO operational indicators, `docs/forms.md`).
#![allow(clippy::unwrap_used)]

use confidant_core::form::{
    Answer, Answers, DataClass, DimensionStatus, FieldKind, FormDefinition, FormError,
    FormErrorKind, Outcome, TextInput, YesNo,
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
            ("ACT", 5),
            ("DR", 10),
            ("CR", 10),
            ("VR", 16),
            ("EX", 9),
            ("CD", 15),
            ("VD", 7)
        ]
    );
    // 67 ILO items, 9 observations, 5 child items, 5 acts and whether the age is disputed.
    let yes_no = form.fields().filter(|f| f.kind == FieldKind::YesNo).count();
    assert_eq!(yes_no, 67 + 9 + 5 + 5 + 1);
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
            "investigation",
            "needs_risk",
            "information_consent",
            "status",
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
    assert!(errors.iter().any(|e| e.path == "metadata.consent_referral"));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn consent_is_asked_first_and_the_referral_type_follows_it() {
    let form = parse(REFERRAL);
    // On the first page, before any question that identifies the person.
    let first: Vec<&str> = form.sections[0]
        .fields
        .iter()
        .map(|field| field.id.as_str())
        .collect();
    assert!(first.contains(&"consent_referral") && first.contains(&"referral_type"));
    assert!(
        form.sections[0]
            .fields
            .iter()
            .all(|field| field.data_class != Some(DataClass::Personal)
                || ["age_disputed", "consent_referral"].contains(&field.id.as_str())),
        "{first:?}"
    );

    // Declined: an anonymous notification at once, with the warning about what the
    // worker writes. Given: a full referral.
    let mut answers = from(
        &form,
        json!({ "age_group": "adult", "referral_type": "full" }),
    );
    answers.set("consent_referral", Answer::Consent(false));
    assert_eq!(
        form.follow("consent_referral", &mut answers),
        ["referral_type"]
    );
    assert_eq!(
        answers.get("referral_type"),
        Some(&Answer::Choice("anonymous".into()))
    );
    assert!(form.is_shown("consent_declined_notice", &answers));
    assert!(!form.is_shown("subject_names", &answers));
    assert_eq!(
        confidant_core::form::consent_gate(&answers),
        Ok(confidant_core::form::SendAs::Anonymous)
    );
    answers.set("consent_referral", Answer::Consent(true));
    form.follow("consent_referral", &mut answers);
    assert_eq!(
        answers.get("referral_type"),
        Some(&Answer::Choice("full".into()))
    );
    assert!(!form.is_shown("consent_declined_notice", &answers));
    // Another answer changes nothing else.
    assert!(form.follow("age_group", &mut answers).is_empty());
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
    answers.insert("agency_type".to_owned(), json!("ngo"));
    let mut police = answers.clone();
    let checklist = from(&identification, Value::Object(answers));

    let started = referral.prefill_from(&identification, &checklist);
    assert_eq!(
        started.get("age_group"),
        Some(&Answer::Choice("adult".into()))
    );
    // The identifying agency's type carries over where the referral offers it; the
    // checklist's "police" does not say which police service, so the worker says.
    assert_eq!(
        started.get("referring_agency_type"),
        Some(&Answer::Choice("ngo".into()))
    );
    police.insert("agency_type".to_owned(), json!("police"));
    let by_police = referral.prefill_from(
        &identification,
        &from(&identification, Value::Object(police)),
    );
    assert_eq!(by_police.get("referring_agency_type"), None);
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

// Issue 13: the rules practitioners rely on (domain reference A.4, A.5 and B).

/// The identification checklist's answers: every scored item "no" unless listed, the
/// listed ones "yes", then the given overrides (as `score` does), as `Answers`.
fn checklist(form: &FormDefinition, context: &[(&str, &str)], yes: &[&str]) -> Answers {
    let mut object = Map::new();
    for dimension in &form.scoring.as_ref().unwrap().dimensions {
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
    Answers::from_json(form, &Value::Object(object)).unwrap()
}

/// The items of the means dimensions (deception, force, abuse of vulnerability).
fn means(form: &FormDefinition) -> Vec<String> {
    form.scoring
        .as_ref()
        .unwrap()
        .dimensions
        .iter()
        .filter(|d| ["DR", "CR", "VR"].contains(&d.id.as_str()))
        .flat_map(|d| d.items.iter().map(|item| item.field.clone()))
        .collect()
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_child_with_exploitation_and_only_an_act_is_consistent_with_trafficking_and_prompts() {
    use confidant_core::form::PromptReason;
    let form = identification();
    // A child in hazardous, unpaid work who is housed on site: no means at all.
    assert!(!means(&form).contains(&"act_harboured".to_owned()));
    let outcome = score(
        &form,
        &[("age_group", "child"), ("exploitation_form", "labour")],
        &["act_harboured", "ex_hazardous", "ex_pay", "ex_living"],
    );
    assert_eq!(outcome.profile.as_deref(), Some("child_labour"));
    assert_eq!(positive(&outcome), vec!["ACT", "EX"]);
    assert_eq!(
        outcome.consistent_with_trafficking,
        DimensionStatus::Positive
    );
    assert!(outcome.prompt_referral);
    assert_eq!(outcome.reasons()[0], PromptReason::Consistent);
    // No recruitment dimension is positive, so no sub-type is named.
    assert!(outcome.sub_types.is_empty());
    // Without the act, exploitation alone is not the pattern (but still prompts).
    let outcome = score(
        &form,
        &[("age_group", "child"), ("exploitation_form", "labour")],
        &["ex_hazardous", "ex_pay", "ex_living"],
    );
    assert_ne!(
        outcome.consistent_with_trafficking,
        DimensionStatus::Positive
    );
    assert!(outcome.prompt_referral);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_child_with_one_indicator_is_prompted_to_refer() {
    use confidant_core::form::PromptReason;
    let form = identification();
    for age in ["child", "uncertain"] {
        // Economic need at recruitment: one medium indicator, no means established.
        let outcome = score(&form, &[("age_group", age)], &["vr_economic"]);
        assert_eq!(
            outcome.consistent_with_trafficking,
            DimensionStatus::Negative
        );
        assert!(!outcome.strong_indicator);
        assert!(outcome.prompt_referral, "{age}");
        assert_eq!(outcome.reasons(), [PromptReason::ChildIndicator]);
    }
    // The same answer for an adult does not prompt, and nothing does for a child with
    // every indicator "no".
    let adult = score(&form, &[("age_group", "adult")], &["vr_economic"]);
    assert!(!adult.prompt_referral);
    let none = score(&form, &[("age_group", "child")], &[]);
    assert!(!none.prompt_referral);
    // An act on its own is not an indicator.
    let act = score(&form, &[("age_group", "child")], &["act_transported"]);
    assert!(!act.prompt_referral);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_disputed_age_is_a_childs_until_verified() {
    use confidant_core::form::{NotSendable, consent_gate};
    let form = identification();
    for (field, value) in [("age_disputed", json!("yes")), ("estimated_age", json!(16))] {
        let answers = from(&form, json!({ "age_group": "adult", field: value }));
        assert!(form.is_shown("c1", &answers), "{field}");
        let outcome = score(
            &form,
            &[
                ("age_group", "adult"),
                (
                    "age_disputed",
                    if field == "age_disputed" { "yes" } else { "no" },
                ),
            ],
            &[],
        );
        if field == "age_disputed" {
            assert_eq!(outcome.profile.as_deref(), Some("child_labour"));
        }
    }
    let mut answers = checklist(&form, &[("age_group", "adult")], &[]);
    answers.set("estimated_age", Answer::Number(16.0));
    assert_eq!(
        form.outcome(&answers).unwrap().profile.as_deref(),
        Some("child_labour")
    );
    // An undisputed adult of 30 is scored as an adult.
    answers.set("estimated_age", Answer::Number(30.0));
    answers.set("age_disputed", Answer::YesNo(YesNo::No));
    assert_eq!(
        form.outcome(&answers).unwrap().profile.as_deref(),
        Some("adult_labour")
    );

    // The referral: the child section, the child's consent path, never only notified.
    let referral = parse(REFERRAL);
    let disputed = |kind: &str| {
        from(
            &referral,
            json!({ "referral_type": kind, "age_group": "adult", "age_disputed": "yes" }),
        )
    };
    let full = disputed("full");
    assert!(referral.is_shown("child_informed", &full));
    assert!(referral.is_shown("cp_notified", &full));
    assert!(!referral.is_shown("consent_referral", &full));
    assert!(!referral.is_shown("sharing_consent", &full));
    assert_eq!(consent_gate(&full), Err(NotSendable::ChildNotInformed));
    assert_eq!(
        consent_gate(&disputed("anonymous")),
        Err(NotSendable::ChildAnonymous)
    );
    let under_18 = from(
        &referral,
        json!({ "referral_type": "anonymous", "age_group": "adult", "age_disputed": "no",
                "estimated_age": 15 }),
    );
    assert_eq!(consent_gate(&under_18), Err(NotSendable::ChildAnonymous));
    // Started from a checklist with a disputed age, the referral is a child's too.
    let checked = from(
        &form,
        json!({ "age_group": "adult", "age_disputed": "yes" }),
    );
    let started = referral.prefill_from(&form, &checked);
    assert!(referral.is_shown("child_informed", &started));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn at_a_work_site_exploitation_and_coercion_prompt_while_recruitment_is_not_asked() {
    use confidant_core::form::PromptReason;
    let form = identification();
    let mut context: Vec<(&str, &str)> = vec![
        ("age_group", "adult"),
        ("exploitation_form", "labour"),
        ("setting", "labour_inspection"),
    ];
    let recruitment = means(&form);
    context.extend(
        recruitment
            .iter()
            .map(|field| (field.as_str(), "not_asked")),
    );
    // Medium indicators only: no strong one to prompt on its own.
    let outcome = score(
        &form,
        &context,
        &[
            "ex_pay",
            "ex_pay_manipulated",
            "ex_work_conditions",
            "cd_report_threat",
            "cd_lie",
            "cd_wages",
        ],
    );
    assert!(!outcome.strong_indicator);
    assert_eq!(positive(&outcome), vec!["EX", "CD"]);
    assert_eq!(
        outcome.consistent_with_trafficking,
        DimensionStatus::Undetermined
    );
    assert_eq!(outcome.ask_about, ["DR", "CR", "VR"]);
    assert!(outcome.prompt_referral);
    assert_eq!(outcome.reasons(), [PromptReason::PositivePattern]);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_outcome_lists_a_dimension_with_one_yes_and_so_does_the_referral() {
    let form = identification();
    let answers = checklist(
        &form,
        &[("age_group", "adult"), ("exploitation_form", "labour")],
        &["cd_lie"],
    );
    let outcome = form.outcome(&answers).unwrap();
    let listed: Vec<(&str, u32, bool)> = outcome
        .with_indicators()
        .map(|d| (d.id.as_str(), d.present.medium, d.meets_rule()))
        .collect();
    assert_eq!(listed, [("CD", 1, false)]);
    assert!(!outcome.prompt_referral);

    let referral = parse(REFERRAL);
    let started = referral.prefill_from(&form, &answers);
    assert_eq!(
        started.get("identification_dimensions"),
        Some(&Answer::Choices(vec!["cd".into()]))
    );
    assert_eq!(
        started.get("identification_dimensions_met"),
        Some(&Answer::Choices(vec![]))
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn sub_types_are_named_after_the_positive_recruitment_dimensions() {
    let form = identification();
    let outcome = score(
        &form,
        &[("age_group", "adult"), ("exploitation_form", "labour")],
        &[
            "dr_job",
            "dr_pay",
            "cr_violence",
            "cr_threats",
            "ex_hours",
            "ex_pay",
            "cd_documents",
            "cd_debt",
        ],
    );
    assert_eq!(
        outcome.consistent_with_trafficking,
        DimensionStatus::Positive
    );
    assert_eq!(outcome.sub_types, ["DR", "CR"]);
    let named: Vec<&str> = outcome
        .sub_types
        .iter()
        .map(|id| {
            form.scoring
                .as_ref()
                .unwrap()
                .dimensions
                .iter()
                .find(|d| &d.id == id)
                .and_then(|d| d.sub_type.as_ref())
                .unwrap()
                .get("en")
        })
        .collect();
    assert_eq!(
        named,
        [
            "trafficking through deceptive recruitment",
            "trafficking through coercive recruitment"
        ]
    );
    // Every language names them.
    let vr = &form.scoring.as_ref().unwrap().dimensions[3];
    assert_eq!(vr.id, "VR");
    for language in ["fr", "es", "ar"] {
        assert_ne!(
            vr.sub_type.as_ref().unwrap().get(language),
            vr.sub_type.as_ref().unwrap().get("en")
        );
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_sexual_exploitation_weights_differ_where_the_ilo_lists_do() {
    use confidant_core::form::Weight;
    let form = identification();
    let weight = |field: &str, profile: &str| {
        form.scoring
            .as_ref()
            .unwrap()
            .dimensions
            .iter()
            .flat_map(|d| &d.items)
            .find(|item| item.field == field)
            .and_then(|item| item.weights.get(profile).copied())
    };
    // docs/forms.md, "Sexual exploitation": forced tasks or clients is strong in both
    // sexual-exploitation lists, hazardous work strong in the children's.
    assert_eq!(
        weight("cd_forced_tasks", "adult_labour"),
        Some(Weight::Medium)
    );
    assert_eq!(
        weight("cd_forced_tasks", "adult_sexual"),
        Some(Weight::Strong)
    );
    assert_eq!(weight("ex_hazardous", "child_labour"), Some(Weight::Medium));
    assert_eq!(weight("ex_hazardous", "child_sexual"), Some(Weight::Strong));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn forced_criminality_raises_the_non_punishment_reminder_in_both_forms() {
    let form = identification();
    let no = from(&form, json!({ "age_group": "adult", "cd_crime": "no" }));
    let yes = from(&form, json!({ "age_group": "adult", "cd_crime": "yes" }));
    assert!(!form.is_shown("non_punishment", &no));
    assert!(form.is_shown("non_punishment", &yes));

    let referral = parse(REFERRAL);
    let started = referral.prefill_from(&form, &yes);
    assert!(referral.is_shown("non_punishment", &started));
    let forced = from(
        &referral,
        json!({ "exploitation_forms": ["forced_criminality"] }),
    );
    assert!(referral.is_shown("non_punishment", &forced));
    let labour = from(
        &referral,
        json!({ "exploitation_forms": ["forced_labour"] }),
    );
    assert!(!referral.is_shown("non_punishment", &labour));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn statistics_count_sex_age_and_form_and_never_the_languages_a_person_speaks() {
    use confidant_core::form::Coarsen;
    let referral = parse(REFERRAL);
    let identification = identification();
    // Sex is in both forms, and reaches statistics only coarsened.
    let groups = |form: &FormDefinition, id: &str| match form.field(id).unwrap() {
        field if field.data_class == Some(DataClass::Thematic) => field.coarsen.clone(),
        field => field.thematic_copy.clone(),
    };
    for form in [&referral, &identification] {
        let Some(Coarsen::Groups(groups)) = groups(form, "sex") else {
            panic!("{}: sex has no coarsened copy", form.id);
        };
        assert!(
            groups
                .iter()
                .any(|(group, members)| group == "another_or_not_stated"
                    && members == &["another", "not_stated"])
        );
    }
    for id in ["exploitation_forms", "labour_sector", "control_methods"] {
        let field = referral.field(id).unwrap();
        assert_eq!(field.data_class, Some(DataClass::Special), "{id}");
        assert!(field.thematic_copy.is_some(), "{id}");
    }
    for id in [
        "interpreter_language",
        "informed_support_language",
        "main_language",
    ] {
        let field = referral.field(id).unwrap();
        assert_eq!(field.data_class, Some(DataClass::Personal), "{id}");
        assert!(
            field.coarsen.is_none() && field.thematic_copy.is_none(),
            "{id}"
        );
    }
    // When the first interview took place, to measure the time to support.
    for form in [&referral, &identification] {
        assert_eq!(
            form.field("first_interview_at").unwrap().kind,
            FieldKind::DateTime
        );
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_reflection_period_shorter_than_the_forms_minimum_is_flagged() {
    let referral = parse(REFERRAL);
    let period = |start: &str, end: &str| {
        from(
            &referral,
            json!({ "non_national": "yes", "reflection_start": start, "reflection_end": end }),
        )
    };
    // 2028 is a leap year: 29 days, then 30.
    assert!(referral.is_shown("reflection_too_short", &period("2028-02-01", "2028-03-01")));
    assert!(!referral.is_shown("reflection_too_short", &period("2028-02-01", "2028-03-02")));
    assert!(!referral.is_shown("reflection_too_short", &period("2027-12-15", "2028-03-01")));
    let open = from(
        &referral,
        json!({ "non_national": "yes", "reflection_start": "2028-02-01" }),
    );
    assert!(!referral.is_shown("reflection_too_short", &open));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_referral_shows_a_phone_keyboard_for_the_number_and_an_email_one_for_the_address() {
    let form = parse(REFERRAL);
    let input = |id: &str| form.field(id).unwrap().input;
    assert_eq!(input("referrer_phone"), Some(TextInput::Tel));
    assert_eq!(input("referrer_email"), Some(TextInput::Email));
    // Free text where a worker may write a name, a number or a way to reach someone.
    assert_eq!(input("safe_contact"), None);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_dates_about_today_start_as_today_and_the_identification_date_follows_the_checklist() {
    let today = "2026-12-01";
    let identification = identification();
    assert_eq!(
        identification.defaults(today).to_json(),
        json!({ "id_date": today })
    );
    let referral = parse(REFERRAL);
    assert_eq!(
        referral.defaults(today).to_json(),
        json!({
            "identification_date": today,
            "informed_support_date": today,
            "consent_date": today,
        })
    );
    // A date of the past is never assumed to be today: birth, exploitation, decisions
    // taken elsewhere, periods, withdrawal.
    for id in [
        "date_of_birth",
        "exploitation_start",
        "consent_withdrawn_date",
        "rg_decision_date",
        "reflection_start",
        "cp_date",
    ] {
        assert_eq!(referral.field(id).unwrap().default, None, "{id}");
    }
    // The checklist's date of identification, when given, is the referral's.
    let checklist = from(&identification, json!({ "id_date": "2026-11-20" }));
    assert_eq!(
        referral
            .prefill_from(&identification, &checklist)
            .get("identification_date"),
        Some(&Answer::Date("2026-11-20".into()))
    );
}
