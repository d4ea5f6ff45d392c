//! Form definitions: parsing good and bad ones, conditions, validation, and the scoring
//! rule with its edge cases (unknown answers, a child with no "means", one strong
//! indicator only).
#![allow(clippy::unwrap_used)]

use confidant_core::form::{
    Answer, Answers, DimensionStatus, FieldDefault, FormDefinition, FormError, FormErrorKind,
    TextInput, ValidationKind, YesNo,
};
use serde_json::{Value, json};

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

fn en(text: &str) -> Value {
    json!({ "en": text })
}

fn yes_no(id: &str) -> Value {
    json!({ "id": id, "kind": "yes_no", "label": en(id), "required": true, "data_class": "special" })
}

/// A small checklist with the shape of the built-in one: context, three dimensions, a
/// child module, and scoring that mirrors the ILO rule.
fn checklist() -> Value {
    json!({
        "format": "confidant-form", "format_version": 1, "id": "mini-check", "version": "1",
        "languages": ["en"], "title": en("Mini checklist"),
        "sections": [
            { "id": "context", "title": en("Context"), "fields": [
                { "id": "age_group", "kind": "single_choice", "label": en("Age"), "required": true,
                  "data_class": "thematic", "coarsen": { "rule": "as_is" },
                  "options": [ { "id": "adult", "label": en("Adult") }, { "id": "child", "label": en("Child") },
                               { "id": "uncertain", "label": en("Uncertain") } ] },
                { "id": "seen_on", "kind": "date", "label": en("Date"), "data_class": "thematic",
                  "coarsen": { "rule": "month" }, "validation": { "not_in_future": true } },
                { "id": "name", "kind": "text", "label": en("Name"), "data_class": "personal",
                  "validation": { "max_length": 10 } }
            ] },
            { "id": "recruitment", "title": en("Recruitment"), "fields": [ yes_no("r_strong"), yes_no("r_medium_a"), yes_no("r_medium_b") ] },
            { "id": "exploitation", "title": en("Exploitation"), "fields": [ yes_no("e_strong"), yes_no("e_medium") ] },
            { "id": "coercion", "title": en("Coercion"), "fields": [ yes_no("c_strong"), yes_no("c_weak") ] },
            { "id": "child", "title": en("Child"), "show_if": { "field": "age_group", "in": ["child", "uncertain"] },
              "fields": [ yes_no("child_alone") ] }
        ],
        "scoring": {
            "profiles": [
                { "id": "child", "when": { "field": "age_group", "in": ["child", "uncertain"] } },
                { "id": "adult", "when": { "answered": "age_group" } }
            ],
            "dimension_rule": [ { "strong": 2 }, { "strong": 1, "medium": 1 }, { "strong": 1, "weak": 1 },
                                { "medium": 3 }, { "medium": 2, "weak": 1 } ],
            "dimensions": [
                { "id": "R", "label": en("Recruitment"), "items": [
                    { "field": "r_strong", "weights": { "adult": "strong", "child": "strong" } },
                    { "field": "r_medium_a", "weights": { "adult": "medium", "child": "medium" } },
                    { "field": "r_medium_b", "weights": { "adult": "medium" } } ] },
                { "id": "E", "label": en("Exploitation"), "items": [
                    { "field": "e_strong", "weights": { "adult": "strong", "child": "strong" } },
                    { "field": "e_medium", "weights": { "adult": "medium", "child": "medium" } } ] },
                { "id": "C", "label": en("Coercion"), "items": [
                    { "field": "c_strong", "weights": { "adult": "strong", "child": "strong" } },
                    { "field": "c_weak", "weights": { "adult": "weak", "child": "medium" } } ] }
            ],
            "indicates": { "adult": [["R"], ["E"], ["C"]], "child": [["R"], ["E"]] },
            "prompt_referral_if_any": ["child_alone"]
        }
    })
}

/// A change to the test checklist's definition.
type Edit = fn(&mut Value);

/// Applies each case's edit to the test checklist and checks that parsing refuses it at
/// the case's path with its kind of error; the errors, for further checks.
fn assert_each_refused(cases: Vec<(&str, Edit, &str, FormErrorKind)>) -> Vec<FormError> {
    let mut errors = Vec::new();
    for (what, edit, path, kind) in cases {
        let mut definition = checklist();
        edit(&mut definition);
        let error = FormDefinition::parse(&definition.to_string()).unwrap_err();
        assert_eq!(
            (error.path.as_str(), error.kind),
            (path, kind),
            "{what}: {error}"
        );
        errors.push(error);
    }
    errors
}

fn parse(definition: &Value) -> FormDefinition {
    FormDefinition::parse(&definition.to_string()).unwrap()
}

fn answers(pairs: &[(&str, &str)]) -> Answers {
    let form = parse(&checklist());
    let object: serde_json::Map<String, Value> = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), json!(v)))
        .collect();
    Answers::from_json(&form, &Value::Object(object)).unwrap()
}

fn all(value: &str, fields: &[&str]) -> Vec<(String, String)> {
    fields
        .iter()
        .map(|f| ((*f).to_owned(), value.to_owned()))
        .collect()
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_good_definition_parses_into_checked_types() {
    let form = parse(&checklist());
    assert_eq!(form.id, "mini-check");
    assert_eq!(form.sections.len(), 5);
    assert_eq!(form.fields().count(), 11);
    assert_eq!(form.field("r_strong").unwrap().label.get("en"), "r_strong");
    assert_eq!(form.scoring.as_ref().unwrap().dimensions.len(), 3);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn bad_definitions_are_refused_with_the_path_of_the_problem() {
    let cases: Vec<(&str, Edit, &str, FormErrorKind)> = vec![
        (
            "duplicate field",
            |d| d["sections"][1]["fields"][1]["id"] = json!("r_strong"),
            "sections[1].fields[1].id",
            FormErrorKind::DuplicateId,
        ),
        (
            "forward reference",
            |d| {
                d["sections"][0]["fields"][1]["show_if"] =
                    json!({ "field": "name", "answered": true })
            },
            "sections[0].fields[1].show_if",
            FormErrorKind::Malformed,
        ),
        (
            "reference to a later field",
            |d| d["sections"][0]["fields"][1]["show_if"] = json!({ "answered": "name" }),
            "sections[0].fields[1].show_if",
            FormErrorKind::UnknownReference,
        ),
        (
            "a value the field never has",
            |d| d["sections"][4]["show_if"] = json!({ "field": "age_group", "in": ["baby"] }),
            "sections[4].show_if",
            FormErrorKind::UnknownReference,
        ),
        (
            "less_than on a choice",
            |d| d["sections"][4]["show_if"] = json!({ "field": "age_group", "less_than": 18 }),
            "sections[4].show_if",
            FormErrorKind::DoesNotFit,
        ),
        (
            "a missing translation",
            |d| d["languages"] = json!(["en", "fr"]),
            "title",
            FormErrorKind::Missing,
        ),
        (
            "an unknown language key",
            |d| d["sections"][1]["title"] = json!({ "en": "x", "xx": "y" }),
            "sections[1].title",
            FormErrorKind::UnknownReference,
        ),
        (
            "thematic without coarsening",
            |d| {
                d["sections"][0]["fields"][1]
                    .as_object_mut()
                    .unwrap()
                    .remove("coarsen");
            },
            "sections[0].fields[1].coarsen",
            FormErrorKind::Missing,
        ),
        (
            "coarsening a personal field",
            |d| d["sections"][0]["fields"][2]["coarsen"] = json!({ "rule": "as_is" }),
            "sections[0].fields[2].coarsen",
            FormErrorKind::DoesNotFit,
        ),
        (
            "a rule that does not fit",
            |d| d["sections"][0]["fields"][1]["coarsen"] = json!({ "rule": "as_is" }),
            "sections[0].fields[1].coarsen.rule",
            FormErrorKind::DoesNotFit,
        ),
        (
            "an unknown kind",
            |d| d["sections"][1]["fields"][0]["kind"] = json!("slider"),
            "sections[1].fields[0].kind",
            FormErrorKind::UnknownValue,
        ),
        (
            "no data class",
            |d| {
                d["sections"][1]["fields"][0]
                    .as_object_mut()
                    .unwrap()
                    .remove("data_class");
            },
            "sections[1].fields[0].data_class",
            FormErrorKind::Missing,
        ),
        (
            "a single choice",
            |d| {
                d["sections"][0]["fields"][0]["options"] =
                    json!([{ "id": "adult", "label": { "en": "A" } }])
            },
            "sections[0].fields[0].options",
            FormErrorKind::Missing,
        ),
        (
            "validation that does not apply",
            |d| d["sections"][0]["fields"][2]["validation"] = json!({ "min": 1 }),
            "sections[0].fields[2].validation.min",
            FormErrorKind::DoesNotFit,
        ),
        (
            "a scored item that is not yes/no",
            |d| d["scoring"]["dimensions"][0]["items"][0]["field"] = json!("name"),
            "scoring.dimensions[0].items[0].field",
            FormErrorKind::DoesNotFit,
        ),
        (
            "a weight for no profile",
            |d| d["scoring"]["dimensions"][0]["items"][0]["weights"]["elder"] = json!("strong"),
            "scoring.dimensions[0].items[0].weights",
            FormErrorKind::UnknownReference,
        ),
        (
            "an unknown dimension",
            |d| d["scoring"]["indicates"]["adult"] = json!([["R"], ["X"]]),
            "scoring.indicates.adult",
            FormErrorKind::UnknownReference,
        ),
        (
            "an unknown member",
            |d| d["sections"][0]["colour"] = json!("red"),
            "sections[0]",
            FormErrorKind::Malformed,
        ),
    ];
    for error in assert_each_refused(cases) {
        assert!(!error.message.is_empty());
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn members_of_the_wrong_shape_are_refused_where_they_are() {
    let cases: Vec<(&str, Edit, &str, FormErrorKind)> = vec![
        (
            "an unknown member at the root",
            |d| d["colour"] = json!("red"),
            "",
            FormErrorKind::Malformed,
        ),
        (
            "an unknown member of a field's validation",
            |d| d["sections"][0]["fields"][2]["validation"]["min_length"] = json!(2),
            "sections[0].fields[2].validation",
            FormErrorKind::Malformed,
        ),
        (
            "an unknown member of a scoring item",
            |d| d["scoring"]["dimensions"][1]["items"][0]["weight"] = json!("strong"),
            "scoring.dimensions[1].items[0]",
            FormErrorKind::Malformed,
        ),
        (
            "an unknown member of a rule",
            |d| d["scoring"]["dimension_rule"][3]["strongest"] = json!(1),
            "scoring.dimension_rule[3]",
            FormErrorKind::Malformed,
        ),
        (
            "a number where a string must be",
            |d| d["sections"][1]["fields"][0]["kind"] = json!(7),
            "sections[1].fields[0].kind",
            FormErrorKind::Malformed,
        ),
        (
            "a string where true or false must be",
            |d| d["sections"][1]["fields"][0]["required"] = json!("yes"),
            "sections[1].fields[0].required",
            FormErrorKind::Malformed,
        ),
        (
            "a fraction where a whole number must be",
            |d| d["sections"][0]["fields"][2]["validation"]["max_length"] = json!(2.5),
            "sections[0].fields[2].validation.max_length",
            FormErrorKind::Malformed,
        ),
        (
            "a negative count in a rule",
            |d| d["scoring"]["dimension_rule"][0]["strong"] = json!(-1),
            "scoring.dimension_rule[0].strong",
            FormErrorKind::Malformed,
        ),
        (
            "a section's fields left out",
            |d| drop(d["sections"][2].as_object_mut().unwrap().remove("fields")),
            "sections[2].fields",
            FormErrorKind::Malformed,
        ),
        (
            "a required member given as null",
            |d| d["sections"][0]["fields"][1]["label"] = Value::Null,
            "sections[0].fields[1].label",
            FormErrorKind::Malformed,
        ),
        (
            "a list where an object must be",
            |d| d["sections"][0]["fields"][0]["coarsen"] = json!(["as_is"]),
            "sections[0].fields[0].coarsen",
            FormErrorKind::Malformed,
        ),
        (
            "a string among a section's fields",
            |d| d["sections"][3]["fields"][1] = json!("c_weak"),
            "sections[3].fields[1]",
            FormErrorKind::Malformed,
        ),
        (
            "scoring that is not an object",
            |d| d["scoring"] = json!([]),
            "scoring",
            FormErrorKind::Malformed,
        ),
        (
            "a definition that is a list",
            |d| *d = json!([1, 2]),
            "",
            FormErrorKind::Malformed,
        ),
    ];
    for error in assert_each_refused(cases) {
        assert!(!error.message.is_empty());
    }
    // An optional member given as null is left out, as its absence would be.
    let mut definition = checklist();
    definition["sections"][0]["fields"][1]["help"] = Value::Null;
    definition["sections"][0]["fields"][1]["data_class"] = json!("thematic");
    assert!(parse(&definition).field("seen_on").unwrap().help.is_none());
    // One with a default instead (false, none, zero) is not: null is not its type.
    let defaulted: Vec<(&str, Edit, &str, FormErrorKind)> = vec![
        (
            "review",
            |d| d["review"] = Value::Null,
            "review",
            FormErrorKind::Malformed,
        ),
        (
            "not_in_future",
            |d| d["sections"][0]["fields"][1]["validation"]["not_in_future"] = Value::Null,
            "sections[0].fields[1].validation.not_in_future",
            FormErrorKind::Malformed,
        ),
        (
            "a rule's count",
            |d| d["scoring"]["dimension_rule"][1]["medium"] = Value::Null,
            "scoring.dimension_rule[1].medium",
            FormErrorKind::Malformed,
        ),
        (
            "prompt_referral_if_any_in",
            |d| d["scoring"]["prompt_referral_if_any_in"] = Value::Null,
            "scoring.prompt_referral_if_any_in",
            FormErrorKind::Malformed,
        ),
    ];
    assert_each_refused(defaulted);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_member_given_twice_is_refused_in_every_object_of_the_format() {
    // JSON readers settle a repeated member differently (the first wins in some, the
    // last in others), so a definition that repeats one could show one form to its
    // reader here and another elsewhere. (A map's keys, such as a text's languages, and
    // a condition's members keep the last, as JSON.parse does.)
    let text = checklist().to_string();
    let translation = json!({
        "format": "confidant-form-translation", "format_version": 1, "form": "mini-check",
        "language": "fr", "texts": {}
    })
    .to_string();
    for (what, once, twice, path) in [
        ("the root", r#""version":"1""#, None, ""),
        (
            "a field",
            r#""id":"age_group""#,
            None,
            "sections[0].fields[0]",
        ),
        (
            "a field, its name escaped the second time",
            r#""id":"age_group""#,
            Some(r#""id":"age_group","id":"age_group""#),
            "sections[0].fields[0]",
        ),
        (
            "a scoring item",
            r#""field":"r_strong""#,
            None,
            "scoring.dimensions[0].items[0]",
        ),
        ("a rule", r#""medium":3"#, None, "scoring.dimension_rule[3]"),
    ] {
        assert_eq!(text.matches(once).count(), 1, "{what}: {once}");
        let twice = twice.map_or_else(|| format!("{once},{once}"), str::to_owned);
        let repeated = text.replace(once, &twice);
        for translations in [&[][..], &[translation.as_str()][..]] {
            let error = FormDefinition::parse_translated(&repeated, translations).unwrap_err();
            assert_eq!(
                (error.path.as_str(), error.kind),
                (path, FormErrorKind::Malformed),
                "{what}, {} translations: {error}",
                translations.len()
            );
        }
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_child_module_shows_for_a_child_or_an_uncertain_age() {
    let form = parse(&checklist());
    assert!(!form.is_shown("child_alone", &answers(&[])));
    assert!(!form.is_shown("child_alone", &answers(&[("age_group", "adult")])));
    assert!(form.is_shown("child_alone", &answers(&[("age_group", "child")])));
    assert!(form.is_shown("child_alone", &answers(&[("age_group", "uncertain")])));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_section_is_checked_alone_as_the_whole_form_checks_it() {
    let form = parse(&checklist());
    let given = answers(&[
        ("age_group", "child"),
        ("seen_on", "2999-01-01"),
        ("r_strong", "yes"),
    ]);
    let whole = form.validate(&given, "2026-12-01");
    let mut by_section = Vec::new();
    for section in &form.sections {
        let found = form.validate_section(&section.id, &given, "2026-12-01");
        // Only its own questions.
        let prefix = format!("{}.", section.id);
        assert!(
            found.iter().all(|error| error.path.starts_with(&prefix)),
            "{found:?}"
        );
        by_section.extend(found);
    }
    // Section by section, the same errors as the whole form, in the same order.
    assert_eq!(by_section, whole);
    // The context: a date in the future, nothing else (the name is not required).
    let context = form.validate_section("context", &given, "2026-12-01");
    assert_eq!(context.len(), 1);
    assert_eq!(context[0].path, "context.seen_on");
    assert_eq!(context[0].kind, ValidationKind::InFuture);
    // Recruitment: the two questions left, not the one answered.
    let recruitment: Vec<String> = form
        .validate_section("recruitment", &given, "2026-12-01")
        .into_iter()
        .map(|error| error.path)
        .collect();
    assert_eq!(
        recruitment,
        ["recruitment.r_medium_a", "recruitment.r_medium_b"]
    );
    // A hidden section asks nothing; an unknown one has nothing to check.
    let adult = answers(&[("age_group", "adult")]);
    assert!(
        form.validate_section("child", &adult, "2026-12-01")
            .is_empty()
    );
    assert_eq!(
        form.validate_section("child", &given, "2026-12-01").len(),
        1
    );
    assert!(
        form.validate_section("no_such_section", &given, "2026-12-01")
            .is_empty()
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_remaining_questions_are_the_shown_unanswered_yes_no_ones() {
    let form = parse(&checklist());
    let questions = [
        "r_strong",
        "r_medium_a",
        "r_medium_b",
        "e_strong",
        "e_medium",
        "c_strong",
        "c_weak",
    ];
    // Only yes/no questions: the age (a choice), the date and the name are never marked.
    assert_eq!(form.unanswered_yes_no(&answers(&[])), questions);
    // An answered question is left as it is, whatever its answer.
    let some = answers(&[
        ("age_group", "adult"),
        ("r_strong", "yes"),
        ("e_medium", "unknown"),
    ]);
    assert_eq!(
        form.unanswered_yes_no(&some),
        ["r_medium_a", "r_medium_b", "e_strong", "c_strong", "c_weak"]
    );
    // A hidden question is not marked: the child module only once the age says child.
    assert!(
        !form
            .unanswered_yes_no(&some)
            .contains(&"child_alone".to_owned())
    );
    let child = answers(&[("age_group", "child")]);
    assert_eq!(
        form.unanswered_yes_no(&child).last().map(String::as_str),
        Some("child_alone")
    );
    let everything: Vec<(&str, &str)> = questions.iter().map(|id| (*id, "no")).collect();
    assert!(form.unanswered_yes_no(&answers(&everything)).is_empty());
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn validation_names_fields_and_kinds_and_never_values() {
    let form = parse(&checklist());
    let mut given = answers(&[
        ("age_group", "adult"),
        ("seen_on", "2031-01-01"),
        ("name", "canary-Zainab-f00d"),
    ]);
    given.set("r_strong", Answer::YesNo(YesNo::Unknown));
    let errors = form.validate(&given, "2026-11-29");
    let found: Vec<(&str, ValidationKind)> =
        errors.iter().map(|e| (e.path.as_str(), e.kind)).collect();
    assert!(found.contains(&("context.seen_on", ValidationKind::InFuture)));
    assert!(found.contains(&("context.name", ValidationKind::TooLong)));
    assert!(found.contains(&("exploitation.e_strong", ValidationKind::Required)));
    // "Unknown" answers a required yes/no question; the hidden child module is not required.
    assert!(
        !found
            .iter()
            .any(|(path, _)| *path == "recruitment.r_strong")
    );
    assert!(!found.iter().any(|(path, _)| path.starts_with("child.")));
    assert!(!format!("{errors:?}").contains("canary"));
    assert!(!format!("{given:?}").contains("canary"));

    let form_json = checklist();
    let form = parse(&form_json);
    for (value, kind) in [
        (json!({ "age_group": "elder" }), "unknown_choice"),
        (json!({ "seen_on": "2026-02-30" }), "not_a_date"),
        (json!({ "r_strong": "maybe" }), "not_yes_no"),
        (json!({ "shoe_size": "canary-43" }), "unknown_field"),
    ] {
        let error = Answers::from_json(&form, &value).unwrap_err();
        assert_eq!(error.kind, kind);
        assert!(!error.to_string().contains("canary"));
    }
}

fn outcome(pairs: &[(String, String)]) -> confidant_core::form::Outcome {
    let form = parse(&checklist());
    let borrowed: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    form.outcome(&answers(&borrowed)).unwrap()
}

fn with(base: &[(&str, &str)], extra: Vec<(String, String)>) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = base
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    pairs.extend(extra);
    pairs
}

const ITEMS: [&str; 7] = [
    "r_strong",
    "r_medium_a",
    "r_medium_b",
    "e_strong",
    "e_medium",
    "c_strong",
    "c_weak",
];

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn an_adult_needs_recruitment_exploitation_and_coercion() {
    let result = outcome(&with(&[("age_group", "adult")], all("yes", &ITEMS)));
    assert_eq!(result.profile.as_deref(), Some("adult"));
    assert!(
        result
            .dimensions
            .iter()
            .all(|d| d.status == DimensionStatus::Positive)
    );
    assert_eq!(
        result.consistent_with_trafficking,
        DimensionStatus::Positive
    );
    assert!(result.prompt_referral);

    // Everything "no": not consistent, and no prompt.
    let result = outcome(&with(&[("age_group", "adult")], all("no", &ITEMS)));
    assert_eq!(
        result.consistent_with_trafficking,
        DimensionStatus::Negative
    );
    assert!(!result.prompt_referral);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn unknown_never_counts_as_no() {
    // Recruitment and exploitation positive; coercion unknown: undetermined, not negative.
    let mut pairs = with(&[("age_group", "adult")], all("yes", &ITEMS[..5]));
    pairs.extend(all("unknown", &ITEMS[5..]));
    let result = outcome(&pairs);
    let coercion = result.dimensions.iter().find(|d| d.id == "C").unwrap();
    assert_eq!(coercion.status, DimensionStatus::Undetermined);
    assert_eq!(
        result.consistent_with_trafficking,
        DimensionStatus::Undetermined
    );

    // The same with "not asked", and with nothing answered yet.
    let mut pairs = with(&[("age_group", "adult")], all("yes", &ITEMS[..5]));
    pairs.extend(all("not_asked", &ITEMS[5..]));
    assert_eq!(
        outcome(&pairs).consistent_with_trafficking,
        DimensionStatus::Undetermined
    );
    let pairs = with(&[("age_group", "adult")], all("yes", &ITEMS[..5]));
    assert_eq!(
        outcome(&pairs).consistent_with_trafficking,
        DimensionStatus::Undetermined
    );

    // "No" does settle it.
    let mut pairs = with(&[("age_group", "adult")], all("yes", &ITEMS[..5]));
    pairs.extend(all("no", &ITEMS[5..]));
    assert_eq!(
        outcome(&pairs).consistent_with_trafficking,
        DimensionStatus::Negative
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_child_needs_no_means() {
    // Recruitment and exploitation, coercion "no": enough for a child, not for an adult.
    let mut yes_no_coercion = all("yes", &ITEMS[..5]);
    yes_no_coercion.extend(all("no", &ITEMS[5..]));
    let child = outcome(&with(
        &[("age_group", "child"), ("child_alone", "no")],
        yes_no_coercion.clone(),
    ));
    assert_eq!(child.profile.as_deref(), Some("child"));
    assert_eq!(child.consistent_with_trafficking, DimensionStatus::Positive);
    assert!(child.prompt_referral);
    let adult = outcome(&with(&[("age_group", "adult")], yes_no_coercion));
    assert_eq!(adult.consistent_with_trafficking, DimensionStatus::Negative);

    // An uncertain age is scored as a child.
    let mut pairs = all("yes", &ITEMS[..5]);
    pairs.extend(all("no", &ITEMS[5..]));
    let uncertain = outcome(&with(&[("age_group", "uncertain")], pairs));
    assert_eq!(uncertain.profile.as_deref(), Some("child"));

    // Weights are per profile: `c_weak` is medium for a child, and `r_medium_b` does not
    // count for one at all.
    let pairs = with(&[("age_group", "child")], all("yes", &["r_medium_b"]));
    let result = outcome(&pairs);
    assert_eq!(result.dimensions[0].present.medium, 0);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn one_strong_indicator_alone_prompts_a_referral() {
    let mut pairs = all("no", &ITEMS);
    pairs.retain(|(field, _)| field != "e_strong");
    pairs.push(("e_strong".to_owned(), "yes".to_owned()));
    let result = outcome(&with(&[("age_group", "adult")], pairs));
    assert!(
        result
            .dimensions
            .iter()
            .all(|d| d.status != DimensionStatus::Positive)
    );
    assert_eq!(
        result.consistent_with_trafficking,
        DimensionStatus::Negative
    );
    assert!(result.strong_indicator);
    assert!(result.prompt_referral);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn any_child_item_prompts_a_referral_but_only_when_shown() {
    let child = outcome(&with(
        &[("age_group", "child"), ("child_alone", "yes")],
        all("no", &ITEMS),
    ));
    assert!(child.prompt_item);
    assert!(child.prompt_referral);
    // The same answer left over after the age was changed to adult no longer counts.
    let adult = outcome(&with(
        &[("age_group", "adult"), ("child_alone", "yes")],
        all("no", &ITEMS),
    ));
    assert!(!adult.prompt_item);
    assert!(!adult.prompt_referral);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn no_profile_until_the_age_is_answered() {
    let result = outcome(&all("yes", &ITEMS));
    assert_eq!(result.profile, None);
    assert_eq!(
        result.consistent_with_trafficking,
        DimensionStatus::Undetermined
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn translations_say_whether_a_native_speaker_checked_them() {
    use confidant_core::form::ReviewStatus;
    // Two languages: every text needs both.
    let mut definition = checklist();
    definition["languages"] = json!(["en", "fr"]);
    fn add_french(value: &mut Value) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(english)) = map.get("en").cloned()
                    && map.len() == 1
                {
                    map.insert("fr".to_owned(), json!(format!("{english} (fr)")));
                }
                map.values_mut().for_each(add_french);
            }
            Value::Array(items) => items.iter_mut().for_each(add_french),
            _ => {}
        }
    }
    add_french(&mut definition);
    let form = parse(&definition);
    assert_eq!(form.review_status("en"), ReviewStatus::Original);
    assert_eq!(form.review_status("fr"), ReviewStatus::Unreviewed);
    assert_eq!(form.field("name").unwrap().label.get("fr"), "Name (fr)");

    definition["review"] = json!({ "fr": "reviewed" });
    assert_eq!(
        parse(&definition).review_status("fr"),
        ReviewStatus::Reviewed
    );
    definition["review"] = json!({ "de": "reviewed" });
    let error = FormDefinition::parse(&definition.to_string()).unwrap_err();
    assert_eq!(
        (error.path.as_str(), error.kind),
        ("review", FormErrorKind::UnknownReference)
    );
}

/// A referral that starts from `checklist()`: the age group by answer, the dimensions and
/// the prompt by outcome.
fn follow_up() -> Value {
    json!({
        "format": "confidant-form", "format_version": 1, "id": "mini-referral", "version": "1",
        "languages": ["en"], "title": en("Mini referral"),
        "sections": [ { "id": "subject", "title": en("Subject"), "fields": [
            { "id": "age_group", "kind": "single_choice", "label": en("Age"), "data_class": "personal",
              "options": [ { "id": "adult", "label": en("Adult") }, { "id": "child", "label": en("Child") } ],
              "prefill": { "from": "mini-check", "answer": "age_group" } },
            { "id": "seen", "kind": "date", "label": en("Seen"), "data_class": "personal",
              "prefill": { "from": "mini-check", "answer": "seen_on" } },
            { "id": "nickname", "kind": "text", "label": en("Name"), "data_class": "personal",
              "prefill": { "from": "mini-check", "answer": "seen_on" } },
            { "id": "dimensions", "kind": "multiple_choice", "label": en("Dimensions"), "data_class": "special",
              "options": [ { "id": "r", "label": en("R") }, { "id": "e", "label": en("E") } ],
              "prefill": { "from": "mini-check", "outcome": "positive_dimensions" } },
            { "id": "open_dimensions", "kind": "multiple_choice", "label": en("Open"), "data_class": "special",
              "options": [ { "id": "c", "label": en("C") }, { "id": "e", "label": en("E") } ],
              "prefill": { "from": "mini-check", "outcome": "undetermined_dimensions" } },
            { "id": "prompted", "kind": "yes_no", "label": en("Prompted"), "data_class": "special",
              "prefill": { "from": "mini-check", "outcome": "referral_prompted" } },
            { "id": "elsewhere", "kind": "yes_no", "label": en("Elsewhere"), "data_class": "special",
              "prefill": { "from": "another-form", "outcome": "referral_prompted" } }
        ] } ]
    })
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_referral_starts_from_the_checklist_answers_and_outcome() {
    let check = parse(&checklist());
    let referral = parse(&follow_up());
    let mut source = answers(&[
        ("age_group", "uncertain"),
        ("seen_on", "2026-01-05"),
        ("r_strong", "yes"),
        ("r_medium_a", "yes"),
        ("e_strong", "yes"),
        ("e_medium", "yes"),
        ("c_strong", "yes"),
        ("c_weak", "unknown"),
    ]);
    source.set("child_alone", Answer::YesNo(YesNo::No));
    let started = referral.prefill_from(&check, &source);

    // "uncertain" is not a choice of this referral, so it stays unanswered there.
    assert_eq!(started.get("age_group"), None);
    assert_eq!(
        started.get("seen"),
        Some(&Answer::Date("2026-01-05".into()))
    );
    // A date never becomes text.
    assert_eq!(started.get("nickname"), None);
    // The child profile: R and E positive; C is not counted as positive for a child
    // (its weak item is medium there and unknown), so it is not among the positives.
    assert_eq!(
        started.get("dimensions"),
        Some(&Answer::Choices(vec!["r".into(), "e".into()]))
    );
    assert_eq!(started.get("prompted"), Some(&Answer::YesNo(YesNo::Yes)));
    // Only prefills from the given form apply.
    assert_eq!(started.get("elsewhere"), None);

    let adult = answers(&[("age_group", "adult"), ("c_strong", "yes")]);
    let started = referral.prefill_from(&check, &adult);
    assert_eq!(
        started.get("age_group"),
        Some(&Answer::Choice("adult".into()))
    );
    assert_eq!(started.get("dimensions"), Some(&Answer::Choices(vec![])));
    // Unanswered items leave E and C open; the order is the checklist's.
    assert_eq!(
        started.get("open_dimensions"),
        Some(&Answer::Choices(vec!["e".into(), "c".into()]))
    );
    // One strong indicator prompts a referral.
    assert_eq!(started.get("prompted"), Some(&Answer::YesNo(YesNo::Yes)));

    let nothing = referral.prefill_from(&check, &Answers::new());
    assert_eq!(nothing.get("prompted"), Some(&Answer::YesNo(YesNo::No)));
    assert_eq!(nothing.get("age_group"), None);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_prefill_must_fit_its_field() {
    let cases: Vec<(Edit, &str, FormErrorKind)> = vec![
        (
            |d| d["sections"][0]["fields"][5]["prefill"]["outcome"] = json!("positive_dimensions"),
            "sections[0].fields[5].prefill.outcome",
            FormErrorKind::DoesNotFit,
        ),
        (
            |d| d["sections"][0]["fields"][3]["prefill"]["outcome"] = json!("verdict"),
            "sections[0].fields[3].prefill.outcome",
            FormErrorKind::UnknownValue,
        ),
        (
            |d| d["sections"][0]["fields"][0]["prefill"]["outcome"] = json!("referral_prompted"),
            "sections[0].fields[0].prefill",
            FormErrorKind::Malformed,
        ),
        (
            |d| d["sections"][0]["fields"][0]["prefill"]["from"] = json!("Not An Id"),
            "sections[0].fields[0].prefill.from",
            FormErrorKind::InvalidId,
        ),
    ];
    for (edit, path, kind) in cases {
        let mut definition = follow_up();
        edit(&mut definition);
        let error = FormDefinition::parse(&definition.to_string()).unwrap_err();
        assert_eq!((error.path.as_str(), error.kind), (path, kind), "{error}");
    }
}

fn agreement() -> Value {
    let organisational = |id: &str| {
        json!({ "id": id, "kind": "long_text", "label": en(id), "required": true,
                "data_class": "organisational" })
    };
    json!({
        "format": "confidant-form", "format_version": 1, "id": "mini-agreement", "version": "1",
        "languages": ["en"], "title": en("Agreement"),
        "sections": [
            { "id": "status", "title": en("Status"), "fields": [
                { "id": "children", "kind": "yes_no", "label": en("Children"), "data_class": "organisational" } ] },
            { "id": "purpose", "title": en("Purpose"), "fields": [
                { "id": "gate", "kind": "info", "label": en("Gate") }, organisational("purpose_text"), organisational("partners") ] },
            { "id": "child_protection", "title": en("Child protection"),
              "show_if": { "field": "children", "equals": "yes" },
              "fields": [ organisational("child_lead") ] }
        ],
        "draft": { "title": en("Draft protocol"), "help": en("To be signed."),
                   "sections": ["child_protection", "purpose"] }
    })
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn an_organisational_form_composes_its_draft_in_the_draft_order() {
    let form = parse(&agreement());
    assert!(form.is_organisational());
    assert!(!parse(&checklist()).is_organisational());

    let mut given = Answers::new();
    given.set("purpose_text", Answer::Text("Work together".into()));
    let (draft, sections) = form.draft_contents(&given).unwrap();
    assert_eq!(draft.title.get("en"), "Draft protocol");
    // The child-protection section is hidden until children are involved.
    let ids: Vec<&str> = sections.iter().map(|s| s.section.id.as_str()).collect();
    assert_eq!(ids, ["purpose"]);
    let entries: Vec<(&str, bool)> = sections[0]
        .entries
        .iter()
        .map(|(field, answer)| (field.id.as_str(), answer.is_some()))
        .collect();
    assert_eq!(entries, [("purpose_text", true), ("partners", false)]);

    given.set("children", Answer::YesNo(YesNo::Yes));
    let (_, sections) = form.draft_contents(&given).unwrap();
    let ids: Vec<&str> = sections.iter().map(|s| s.section.id.as_str()).collect();
    assert_eq!(ids, ["child_protection", "purpose"]);

    assert!(parse(&checklist()).draft_contents(&given).is_none());
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn only_organisational_forms_have_drafts_and_organisational_fields_are_not_coarsened() {
    let cases: Vec<(Edit, &str, FormErrorKind)> = vec![
        (
            |d| d["sections"][1]["fields"][1]["data_class"] = json!("personal"),
            "draft",
            FormErrorKind::DoesNotFit,
        ),
        (
            |d| d["draft"]["sections"] = json!(["purpose", "purpose"]),
            "draft.sections[1]",
            FormErrorKind::DuplicateId,
        ),
        (
            |d| d["draft"]["sections"] = json!(["annex"]),
            "draft.sections[0]",
            FormErrorKind::UnknownReference,
        ),
        (
            |d| d["draft"]["sections"] = json!([]),
            "draft.sections",
            FormErrorKind::Missing,
        ),
        (
            |d| d["sections"][0]["fields"][0]["coarsen"] = json!({ "rule": "as_is" }),
            "sections[0].fields[0].coarsen",
            FormErrorKind::DoesNotFit,
        ),
        (
            |d| d["draft"]["title"] = json!({ "fr": "Projet" }),
            "draft.title",
            FormErrorKind::Missing,
        ),
    ];
    for (edit, path, kind) in cases {
        let mut definition = agreement();
        edit(&mut definition);
        let error = FormDefinition::parse(&definition.to_string()).unwrap_err();
        assert_eq!((error.path.as_str(), error.kind), (path, kind), "{error}");
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn answers_read_back_what_they_write_and_starting_answers_never_overwrite() {
    let form = parse(&checklist());
    let given = answers(&[
        ("age_group", "child"),
        ("seen_on", "2026-02-03"),
        ("name", "Ana"),
        ("r_strong", "unknown"),
    ]);
    let json = given.to_json();
    assert_eq!(Answers::from_json(&form, &json).unwrap(), given);

    let mut kept = answers(&[("age_group", "adult")]);
    kept.fill_from(given);
    assert_eq!(kept.get("age_group"), Some(&Answer::Choice("adult".into())));
    assert_eq!(kept.get("name"), Some(&Answer::Text("Ana".into())));
    assert!(!kept.is_empty());
    assert!(Answers::new().is_empty());
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn form_error_kinds_have_stable_names() {
    // Programs match on these names (a form editor, a report): they never change.
    let names = [
        (FormErrorKind::TooLarge, "too_large"),
        (FormErrorKind::TooComplex, "too_complex"),
        (FormErrorKind::Malformed, "malformed"),
        (FormErrorKind::WrongFormat, "wrong_format"),
        (FormErrorKind::UnsupportedVersion, "unsupported_version"),
        (FormErrorKind::Missing, "missing"),
        (FormErrorKind::InvalidId, "invalid_id"),
        (FormErrorKind::DuplicateId, "duplicate_id"),
        (FormErrorKind::UnknownValue, "unknown_value"),
        (FormErrorKind::UnknownReference, "unknown_reference"),
        (FormErrorKind::DoesNotFit, "does_not_fit"),
        (FormErrorKind::InvalidValue, "invalid_value"),
    ];
    for (kind, name) in names {
        assert_eq!(kind.as_str(), name);
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_members_for_the_rules_of_issue_13_are_checked_when_parsed() {
    let cases: Vec<(&str, Edit, &str, FormErrorKind)> = vec![
        (
            "a choice in no group",
            |d| {
                d["sections"][0]["fields"][0]["coarsen"] = json!({ "rule": "groups", "groups": { "grown": ["adult"], "young": ["child"] } })
            },
            "sections[0].fields[0].coarsen.groups",
            FormErrorKind::Missing,
        ),
        (
            "a choice in two groups",
            |d| {
                d["sections"][0]["fields"][0]["coarsen"] = json!({ "rule": "groups",
                    "groups": { "a": ["adult", "child"], "b": ["child", "uncertain"] } })
            },
            "sections[0].fields[0].coarsen.groups.b",
            FormErrorKind::DuplicateId,
        ),
        (
            "groups for a date",
            |d| {
                d["sections"][0]["fields"][1]["coarsen"] =
                    json!({ "rule": "groups", "groups": { "a": ["x"] } })
            },
            "sections[0].fields[1].coarsen.rule",
            FormErrorKind::DoesNotFit,
        ),
        (
            "a thematic copy of a thematic answer",
            |d| d["sections"][0]["fields"][1]["thematic_copy"] = json!({ "rule": "month" }),
            "sections[0].fields[1].thematic_copy",
            FormErrorKind::DoesNotFit,
        ),
        (
            "a day count between a date and a text",
            |d| {
                d["sections"][1]["show_if"] =
                    json!({ "days_from": "seen_on", "to": "name", "less_than": 30 })
            },
            "sections[1].show_if",
            FormErrorKind::DoesNotFit,
        ),
        (
            "leave_out_if on an unknown field",
            |d| d["sections"][0]["fields"][2]["leave_out_if"] = json!({ "answered": "nowhere" }),
            "sections[0].fields[2].leave_out_if",
            FormErrorKind::UnknownReference,
        ),
        (
            "a dimension rule of zeros",
            |d| d["scoring"]["dimensions"][0]["rule"] = json!([{ "strong": 0 }]),
            "scoring.dimensions[0].rule",
            FormErrorKind::InvalidValue,
        ),
        (
            "a prompt on an unknown dimension",
            |d| d["scoring"]["prompt_referral_if_any_in"] = json!({ "child": ["Z"] }),
            "scoring.prompt_referral_if_any_in.child",
            FormErrorKind::UnknownReference,
        ),
        (
            "a prompt for an unknown profile",
            |d| d["scoring"]["prompt_referral_if_positive"] = json!({ "elder": [["E"]] }),
            "scoring.prompt_referral_if_positive",
            FormErrorKind::UnknownReference,
        ),
    ];
    assert_each_refused(cases);

    // And the good ones parse: a later field in leave_out_if, groups over every choice.
    let mut definition = checklist();
    definition["sections"][0]["fields"][2]["leave_out_if"] =
        json!({ "field": "r_strong", "equals": "yes" });
    definition["sections"][0]["fields"][0]["coarsen"] = json!({ "rule": "groups", "groups": { "grown": ["adult"], "young": ["child", "uncertain"] } });
    let form = parse(&definition);
    let mut given = Answers::new();
    given.set("name", Answer::Text("Someone".into()));
    assert!(form.shown_answers(&given).get("name").is_some());
    given.set("r_strong", Answer::YesNo(YesNo::Yes));
    assert!(form.shown_answers(&given).get("name").is_none());
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_text_field_may_ask_a_phone_for_its_number_or_email_keyboard_and_no_other_field_may() {
    for (hint, expected) in [("tel", TextInput::Tel), ("email", TextInput::Email)] {
        let mut definition = checklist();
        definition["sections"][0]["fields"][2]["input"] = json!(hint);
        let form = parse(&definition);
        assert_eq!(form.field("name").unwrap().input, Some(expected));
        assert_eq!(expected.input_type(), hint);
    }
    assert_eq!(parse(&checklist()).field("name").unwrap().input, None);
    let cases: Vec<(&str, Edit, &str, FormErrorKind)> = vec![
        (
            "a keyboard that does not exist",
            |d| d["sections"][0]["fields"][2]["input"] = json!("numeric"),
            "sections[0].fields[2].input",
            FormErrorKind::UnknownValue,
        ),
        (
            "a keyboard for a date",
            |d| d["sections"][0]["fields"][1]["input"] = json!("tel"),
            "sections[0].fields[1].input",
            FormErrorKind::DoesNotFit,
        ),
    ];
    assert_each_refused(cases);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_text_filled_with_the_recipients_is_never_asked_nor_required() {
    let mut definition = checklist();
    definition["sections"][0]["fields"][2]["filled"] = json!("recipients");
    let form = parse(&definition);
    assert_eq!(
        form.field("name").unwrap().filled,
        Some(confidant_core::form::Filled::Recipients)
    );
    assert!(!form.is_shown("name", &Answers::new()));
    let cases: Vec<(&str, Edit, &str, FormErrorKind)> = vec![
        (
            "filled with something unknown",
            |d| d["sections"][0]["fields"][2]["filled"] = json!("sender"),
            "sections[0].fields[2].filled",
            FormErrorKind::UnknownValue,
        ),
        (
            "a date filled with names",
            |d| d["sections"][0]["fields"][1]["filled"] = json!("recipients"),
            "sections[0].fields[1].filled",
            FormErrorKind::DoesNotFit,
        ),
        (
            "required of the worker though never asked",
            |d| {
                d["sections"][0]["fields"][2]["filled"] = json!("recipients");
                d["sections"][0]["fields"][2]["required"] = json!(true);
            },
            "sections[0].fields[2].filled",
            FormErrorKind::DoesNotFit,
        ),
    ];
    assert_each_refused(cases);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_single_choice_may_follow_an_earlier_answer_and_nothing_else_may() {
    /// The checklist with a single choice after the first section's fields, following
    /// `r_strong` (a yes/no of the next section) unless an edit says otherwise.
    fn with_follower(follows: Value) -> Value {
        let mut definition = checklist();
        definition["sections"][1]["fields"]
            .as_array_mut()
            .unwrap()
            .push(json!({ "id": "route", "kind": "single_choice", "label": en("Route"),
                "data_class": "thematic", "coarsen": { "rule": "as_is" },
                "options": [ { "id": "fast", "label": en("Fast") }, { "id": "slow", "label": en("Slow") } ],
                "follows": follows }));
        definition
    }
    let form = parse(&with_follower(
        json!({ "field": "r_strong", "answers": { "yes": "fast", "no": "slow" } }),
    ));
    let mut answers = Answers::new();
    answers.set("r_strong", Answer::YesNo(YesNo::No));
    assert_eq!(form.follow("r_strong", &mut answers), ["route"]);
    assert_eq!(answers.get("route"), Some(&Answer::Choice("slow".into())));
    // A value with no pair leaves it as it is.
    answers.set("r_strong", Answer::YesNo(YesNo::Unknown));
    assert!(form.follow("r_strong", &mut answers).is_empty());
    assert_eq!(answers.get("route"), Some(&Answer::Choice("slow".into())));

    for (what, follows, path, kind) in [
        (
            "a field not before it",
            json!({ "field": "e_strong", "answers": { "yes": "fast" } }),
            "sections[1].fields[3].follows.field",
            FormErrorKind::UnknownReference,
        ),
        (
            "a value the field cannot take",
            json!({ "field": "r_strong", "answers": { "maybe": "fast" } }),
            "sections[1].fields[3].follows.answers.maybe",
            FormErrorKind::UnknownReference,
        ),
        (
            "a choice it does not offer",
            json!({ "field": "r_strong", "answers": { "yes": "teleport" } }),
            "sections[1].fields[3].follows.answers.yes",
            FormErrorKind::UnknownReference,
        ),
        (
            "a text to follow",
            json!({ "field": "name", "answers": { "yes": "fast" } }),
            "sections[1].fields[3].follows.field",
            FormErrorKind::DoesNotFit,
        ),
        (
            "nothing paired",
            json!({ "field": "r_strong", "answers": {} }),
            "sections[1].fields[3].follows.answers",
            FormErrorKind::Missing,
        ),
    ] {
        let error = FormDefinition::parse(&with_follower(follows).to_string()).unwrap_err();
        assert_eq!(
            (error.path.as_str(), error.kind),
            (path, kind),
            "{what}: {error}"
        );
    }
    // Only a single choice follows.
    let mut definition = checklist();
    definition["sections"][0]["fields"][2]["follows"] =
        json!({ "field": "age_group", "answers": { "adult": "x" } });
    let error = FormDefinition::parse(&definition.to_string()).unwrap_err();
    assert_eq!(
        (error.path.as_str(), error.kind),
        ("sections[0].fields[2].follows", FormErrorKind::DoesNotFit)
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_country_or_language_field_lists_the_deployments_common_choices_and_no_other_field_may() {
    let with_codes = |common: Value| {
        let mut definition = checklist();
        let fields = definition["sections"][0]["fields"].as_array_mut().unwrap();
        fields.push(
            json!({ "id": "nationality", "kind": "country", "label": en("Nationality"),
            "data_class": "personal", "common": common.clone() }),
        );
        fields.push(json!({ "id": "spoken", "kind": "language", "label": en("Language"),
            "data_class": "personal", "common": common.as_array().map(|codes| codes.iter()
                .map(|code| json!(code.as_str().unwrap_or("").to_ascii_lowercase())).collect::<Vec<_>>()) }));
        definition
    };
    let form = parse(&with_codes(json!(["PH", "NG", "RO"])));
    assert_eq!(
        form.field("nationality").unwrap().common,
        ["PH", "NG", "RO"]
    );
    assert_eq!(form.field("spoken").unwrap().common, ["ph", "ng", "ro"]);
    assert!(parse(&checklist()).field("name").unwrap().common.is_empty());
    let cases: Vec<(&str, Edit, &str, FormErrorKind)> = vec![
        (
            "common choices on a text field",
            |d| d["sections"][0]["fields"][2]["common"] = json!(["PH"]),
            "sections[0].fields[2].common",
            FormErrorKind::DoesNotFit,
        ),
        (
            "a language code on a country field",
            |d| d["sections"][0]["fields"][3]["common"] = json!(["PH", "ph"]),
            "sections[0].fields[3].common[1]",
            FormErrorKind::InvalidId,
        ),
        (
            "a code listed twice",
            |d| d["sections"][0]["fields"][3]["common"] = json!(["PH", "NG", "PH"]),
            "sections[0].fields[3].common[2]",
            FormErrorKind::DuplicateId,
        ),
        (
            "a list too long to help",
            |d| {
                d["sections"][0]["fields"][3]["common"] = json!(
                    (0..31)
                        .map(|n| format!("{}{}", (b'A' + n / 26) as char, (b'A' + n % 26) as char))
                        .collect::<Vec<_>>()
                )
            },
            "sections[0].fields[3].common",
            FormErrorKind::InvalidValue,
        ),
    ];
    for (what, edit, path, kind) in cases {
        let mut definition = with_codes(json!([]));
        edit(&mut definition);
        let error = FormDefinition::parse(&definition.to_string()).unwrap_err();
        assert_eq!(
            (error.path.as_str(), error.kind),
            (path, kind),
            "{what}: {error}"
        );
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_date_about_today_starts_as_today_and_no_other_field_starts_with_an_answer() {
    let mut definition = checklist();
    definition["sections"][0]["fields"][1]["default"] = json!("today");
    let form = parse(&definition);
    assert_eq!(
        form.field("seen_on").unwrap().default,
        Some(FieldDefault::Today)
    );
    let defaults = form.defaults("2026-12-01");
    assert_eq!(
        defaults.get("seen_on"),
        Some(&Answer::Date("2026-12-01".into()))
    );
    assert_eq!(defaults.to_json(), json!({ "seen_on": "2026-12-01" }));
    // It is an answer like any other: it passes the field's own check (not in future).
    assert!(
        form.validate(&defaults, "2026-12-01")
            .iter()
            .all(|error| !error.path.ends_with("seen_on"))
    );
    assert!(parse(&checklist()).defaults("2026-12-01").is_empty());
    let cases: Vec<(&str, Edit, &str, FormErrorKind)> = vec![
        (
            "a start other than today",
            |d| d["sections"][0]["fields"][1]["default"] = json!("yesterday"),
            "sections[0].fields[1].default",
            FormErrorKind::UnknownValue,
        ),
        (
            "a start for a text",
            |d| d["sections"][0]["fields"][2]["default"] = json!("today"),
            "sections[0].fields[2].default",
            FormErrorKind::DoesNotFit,
        ),
        (
            "a start for a yes/no question",
            |d| d["sections"][1]["fields"][0]["default"] = json!("today"),
            "sections[1].fields[0].default",
            FormErrorKind::DoesNotFit,
        ),
    ];
    assert_each_refused(cases);
}
