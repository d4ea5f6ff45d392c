//! Forms: definitions parsed once into checked types, answers, what is shown, what is
//! missing, and how the identification checklist's indicators add up.
//!
//! The format is `docs/forms.md`. Nothing here renders, stores or sends anything, and no
//! error or message ever repeats an answer: validation errors name a field and a kind.
//!
//! # Layers
//!
//! The modules depend on each other in one direction only; each names only modules
//! listed before it (a test below reads their `use super::…` lines to keep it so):
//!
//! 1. `error`: [`FormError`] and its [`FormErrorKind`], why a definition cannot be used.
//!    Depends on nothing.
//! 2. `members`: reading a definition's JSON objects member by member, each member as
//!    the type it must have, with its path in any error (error).
//! 3. `definition`: the checked types ([`FormDefinition`], [`Field`], [`FieldKind`],
//!    [`Text`], [`Condition`], [`Scoring`], …) and lookups on them. Depends on nothing
//!    else in `form`, so that everything else may depend on it.
//! 4. `translation`: merging translation files into a definition's JSON (error).
//! 5. `answers`: [`Answers`], read from JSON against a definition (definition).
//! 6. `condition`: parsing `show_if` conditions, evaluating them, and so
//!    [`FormDefinition::is_shown`]; the two call each other, which is why they share a
//!    module (answers, definition, error).
//! 7. `scoring`: parsing the scoring declaration, and [`FormDefinition::outcome`]
//!    (condition and below).
//! 8. `parse`: [`FormDefinition::parse`], which builds the types of `definition` with the
//!    parsers of `translation`, `condition` and `scoring`.
//! 9. `validation`: [`FormDefinition::validate`] (condition and below).
//! 10. `follow`: pre-filling one form from another, and draft documents (scoring and
//!     below).
//! 11. `sending`: who receives what of a referral (answers, definition).
//! 12. `received`: a referral as its receiver reads it from an opened packet's payload
//!     (sending and below).
//!
//! Parsing sits above evaluation because a definition holds conditions and a scoring
//! declaration: their types must exist before anything can build them, while building
//! them needs nothing that evaluates them.

mod answers;
mod condition;
mod definition;
mod error;
mod follow;
mod members;
mod parse;
mod received;
mod scoring;
mod sending;
mod translation;
mod validation;

pub use answers::{Answer, Answers, AnswersError, NeedLevel, YesNo};
pub use definition::{
    AGENCY_KINDS, Coarsen, Condition, DataClass, Draft, Field, FieldDefault, FieldKind, Filled,
    Follows, FormDefinition, OutcomeFact, Prefill, ReviewStatus, Scoring, Section, SharingRules,
    Text, TextInput, ValueOption, Weight,
};
pub use error::{FormError, FormErrorKind};
pub use follow::DraftSection;
pub use received::{Definitions, ReceivedError, ReceivedReferral};
pub use scoring::{DimensionResult, DimensionStatus, Outcome, PromptReason};
pub use sending::{
    LeftOut, NotSendable, PlannedPacket, REFERRAL_FORMAT, REFERRAL_FORMAT_VERSION, Reason, SendAs,
    Withheld, consent_gate, plan_referral, recipient_agreed, treated_as_child,
};
pub use validation::{ValidationError, ValidationKind};

#[cfg(test)]
mod layering {
    /// The modules of `form`, lowest first, as the module doc lists them.
    const LAYERS: [(&str, &str); 12] = [
        ("error", include_str!("form/error.rs")),
        ("members", include_str!("form/members.rs")),
        ("definition", include_str!("form/definition.rs")),
        ("translation", include_str!("form/translation.rs")),
        ("answers", include_str!("form/answers.rs")),
        ("condition", include_str!("form/condition.rs")),
        ("scoring", include_str!("form/scoring.rs")),
        ("parse", include_str!("form/parse.rs")),
        ("validation", include_str!("form/validation.rs")),
        ("follow", include_str!("form/follow.rs")),
        ("sending", include_str!("form/sending.rs")),
        ("received", include_str!("form/received.rs")),
    ];

    /// The first segment of every path after `super::` in `source`'s code (comments
    /// skipped), each of `super::{a, b::c}` counted.
    fn named_siblings(source: &str) -> Vec<String> {
        let identifier = |text: &str| -> String {
            text.trim_start()
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect()
        };
        let mut named = Vec::new();
        for line in source.lines() {
            let code = line.split("//").next().unwrap_or_default();
            for (at, _) in code.match_indices("super::") {
                let rest = &code[at + "super::".len()..];
                match rest.strip_prefix('{') {
                    Some(group) => named.extend(
                        group
                            .split('}')
                            .next()
                            .unwrap_or_default()
                            .split(',')
                            .map(identifier)
                            .filter(|name| !name.is_empty()),
                    ),
                    None => named.push(identifier(rest)),
                }
            }
        }
        named
    }

    #[test]
    fn each_module_names_only_modules_below_it() {
        for (layer, (module, source)) in LAYERS.iter().enumerate() {
            let below: Vec<&str> = LAYERS[..layer].iter().map(|(name, _)| *name).collect();
            for named in named_siblings(source) {
                assert!(
                    below.contains(&named.as_str()),
                    "form/{module}.rs names `super::{named}`, which is not below it"
                );
            }
            assert!(
                !source.contains("crate::form"),
                "form/{module}.rs reaches back through `crate::form`"
            );
        }
    }

    #[test]
    fn the_check_sees_grouped_and_nested_paths() {
        assert_eq!(
            named_siblings("use super::{scoring, translation::apply};\nlet x = super::Text;"),
            ["scoring", "translation", "Text"]
        );
        assert!(named_siblings("// see super::parse\n").is_empty());
    }
}

#[cfg(test)]
mod checking_cost {
    use core::cell::Cell;

    use super::FormDefinition;
    use crate::str_map::WORK;

    /// A valid definition of `fields` fields in `sections` sections, their ids in
    /// descending order (the worst for a list kept sorted by insertion), each field shown
    /// only once the one before it is answered.
    fn flood(fields: usize, sections: usize) -> String {
        let per_section = fields / sections;
        let mut text = String::from(
            r#"{"format":"confidant-form","format_version":1,"id":"flood","version":"1","languages":["en"],"title":{"en":"t"},"sections":["#,
        );
        for s in 0..sections {
            let fields: Vec<String> = (0..per_section)
                .map(|f| {
                    let n = fields - s * per_section - f;
                    let show_if = if n == fields {
                        String::new()
                    } else {
                        format!(r#","show_if":{{"answered":"f{:06}"}}"#, n + 1)
                    };
                    format!(
                        r#"{{"id":"f{n:06}","kind":"yes_no","data_class":"organisational","label":{{"en":"x"}}{show_if}}}"#
                    )
                })
                .collect();
            let comma = if s == 0 { "" } else { "," };
            text.push_str(&format!(
                r#"{comma}{{"id":"s{:06}","title":{{"en":"t"}},"fields":[{}]}}"#,
                sections - s,
                fields.join(",")
            ));
        }
        text.push_str("]}");
        text
    }

    /// A definition arrives inside every packet a receiver opens. Built one insertion at a
    /// time, the maps that check it cost n² (45 s for 8,000 fields natively); built in
    /// bulk and looked up by binary search, n log n.
    #[test]
    fn no_order_of_ids_makes_checking_a_definition_cost_n_squared() {
        for (fields, sections) in [(6_000, 1), (3_000, 3_000)] {
            let text = flood(fields, sections);
            WORK.with(|done| done.set(0));
            let form = FormDefinition::parse(&text);
            let done = WORK.with(Cell::get);
            let form = form.expect("the flood is a valid definition");
            assert_eq!(
                form.sections.iter().map(|s| s.fields.len()).sum::<usize>(),
                fields
            );
            // About 40 n log2 n: ten times what it takes, far below n².
            assert!(done < 40 * fields * 13, "{done} steps for {fields} fields");
        }
    }
}
