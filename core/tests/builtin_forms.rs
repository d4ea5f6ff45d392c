//! The built-in forms in `forms/` parse, and the identification checklist scores as the
//! domain reference says (ILO operational indicators, `docs/forms.md`).
#![allow(clippy::unwrap_used)]

use confidant_core::form::{Answers, DimensionStatus, FieldKind, FormDefinition, Outcome};
use serde_json::{Map, Value, json};

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

const IDENTIFICATION: &str = include_str!("../../forms/identification.json");

fn identification() -> FormDefinition {
    FormDefinition::parse(IDENTIFICATION).unwrap()
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
