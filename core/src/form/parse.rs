//! Parsing a form definition once into checked types (`docs/forms.md`): ids unique,
//! references resolved backwards, conditions fitted to the fields they test, texts in
//! every declared language. What it builds is in [`definition`](super::definition).

use serde_json::Value;

use super::condition::{self, Declared};
use super::definition::{
    Coarsen, DataClass, Draft, Field, FieldDefault, FieldKind, Filled, Follows, FormDefinition,
    OutcomeFact, Prefill, ReviewStatus, Section, SharingRules, Text, TextInput, Validation,
    ValueOption,
};
use super::error::{FormError, FormErrorKind as Kind, error};
use super::members::Members;
use super::{scoring, translation};
use crate::agency::AgencyKind;
use crate::json_object::JsonBudget;
use crate::str_map::{StrMap, StrSet, repeats};

/// The largest definition accepted (the biggest built-in form is far below).
const MAX_DEFINITION_LEN: usize = 4 * 1024 * 1024;
/// How much structure a definition or translation may have. A definition arrives inside
/// every packet a receiver opens, from whoever sealed it; the largest built-in form has
/// under 2,000 elements and a depth of 9. Within this budget, parsing holds a few MiB.
const DEFINITION_BUDGET: JsonBudget = JsonBudget {
    elements: 50_000,
    depth: 32,
};

struct RawForm {
    format: String,
    format_version: u32,
    id: String,
    version: String,
    languages: Vec<String>,
    title: StrMap<String>,
    sections: Vec<RawSection>,
    /// The `scoring` member's text, read once the fields it names are known.
    scoring: Option<String>,
    review: StrMap<String>,
    draft: Option<RawDraft>,
    sharing: Option<RawSharing>,
}

struct RawSharing {
    choices: String,
    recipients: Option<String>,
}

struct RawDraft {
    title: StrMap<String>,
    help: Option<StrMap<String>>,
    sections: Vec<String>,
}

struct RawPrefill {
    from: String,
    answer: Option<String>,
    outcome: Option<String>,
}

struct RawSection {
    id: String,
    title: StrMap<String>,
    help: Option<StrMap<String>>,
    show_if: Option<Value>,
    fields: Vec<RawField>,
}

struct RawField {
    id: String,
    kind: String,
    label: StrMap<String>,
    help: Option<StrMap<String>>,
    required: Option<bool>,
    data_class: Option<String>,
    coarsen: Option<RawCoarsen>,
    options: Option<Vec<RawOption>>,
    needs: Option<Vec<RawOption>>,
    show_if: Option<Value>,
    validation: Option<RawValidation>,
    input: Option<String>,
    default: Option<String>,
    common: Option<Vec<String>>,
    follows: Option<RawFollows>,
    filled: Option<String>,
    prefill: Option<RawPrefill>,
    only_to: Option<Vec<String>>,
    sharing: Option<String>,
    leave_out_if: Option<Value>,
    thematic_copy: Option<RawCoarsen>,
}

struct RawFollows {
    field: String,
    answers: StrMap<String>,
}

struct RawCoarsen {
    rule: String,
    bounds: Option<Vec<f64>>,
    groups: Option<StrMap<Vec<String>>>,
}

struct RawOption {
    id: String,
    label: StrMap<String>,
    sharing: Option<String>,
}

#[derive(Default)]
struct RawValidation {
    max_length: Option<usize>,
    min: Option<f64>,
    max: Option<f64>,
    integer: bool,
    not_in_future: bool,
}

// What each member must be, as the errors say it.
const STRING: &str = "a string";
const STRINGS: &str = "a list of strings";
const TEXTS: &str = "an object of texts by language";
const YES_OR_NO: &str = "true or false";
const NUMBER: &str = "a number";
const CONDITION: &str = "a condition";

impl RawForm {
    fn read(m: &mut Members<'_>) -> Self {
        Self {
            format: m.required("format", STRING),
            format_version: m.required("format_version", "a whole number"),
            id: m.required("id", STRING),
            version: m.required("version", STRING),
            languages: m.required("languages", STRINGS),
            title: m.required("title", TEXTS),
            sections: m.required_objects("sections", RawSection::read),
            scoring: (m.optional::<&serde_json::value::RawValue>("scoring", "an object"))
                .map(|raw| raw.get().to_owned()),
            review: m.defaulted("review", "an object of statuses by language"),
            draft: m.object("draft", RawDraft::read),
            sharing: m.object("sharing", RawSharing::read),
        }
    }
}

impl RawSharing {
    fn read(m: &mut Members<'_>) -> Self {
        Self {
            choices: m.required("choices", STRING),
            recipients: m.optional("recipients", STRING),
        }
    }
}

impl RawDraft {
    fn read(m: &mut Members<'_>) -> Self {
        Self {
            title: m.required("title", TEXTS),
            help: m.optional("help", TEXTS),
            sections: m.required("sections", STRINGS),
        }
    }
}

impl RawPrefill {
    fn read(m: &mut Members<'_>) -> Self {
        Self {
            from: m.required("from", STRING),
            answer: m.optional("answer", STRING),
            outcome: m.optional("outcome", STRING),
        }
    }
}

impl RawSection {
    fn read(m: &mut Members<'_>) -> Self {
        Self {
            id: m.required("id", STRING),
            title: m.required("title", TEXTS),
            help: m.optional("help", TEXTS),
            show_if: m.optional("show_if", CONDITION),
            fields: m.required_objects("fields", RawField::read),
        }
    }
}

impl RawField {
    fn read(m: &mut Members<'_>) -> Self {
        Self {
            id: m.required("id", STRING),
            kind: m.required("kind", STRING),
            label: m.required("label", TEXTS),
            help: m.optional("help", TEXTS),
            required: m.optional("required", YES_OR_NO),
            data_class: m.optional("data_class", STRING),
            coarsen: m.object("coarsen", RawCoarsen::read),
            options: m.objects("options", RawOption::read),
            needs: m.objects("needs", RawOption::read),
            show_if: m.optional("show_if", CONDITION),
            validation: m.object("validation", RawValidation::read),
            input: m.optional("input", STRING),
            default: m.optional("default", STRING),
            common: m.optional("common", STRINGS),
            follows: m.object("follows", RawFollows::read),
            filled: m.optional("filled", STRING),
            prefill: m.object("prefill", RawPrefill::read),
            only_to: m.optional("only_to", STRINGS),
            sharing: m.optional("sharing", STRING),
            leave_out_if: m.optional("leave_out_if", CONDITION),
            thematic_copy: m.object("thematic_copy", RawCoarsen::read),
        }
    }
}

impl RawFollows {
    fn read(m: &mut Members<'_>) -> Self {
        Self {
            field: m.required("field", STRING),
            answers: m.required("answers", "an object of choices by answer"),
        }
    }
}

impl RawCoarsen {
    fn read(m: &mut Members<'_>) -> Self {
        Self {
            rule: m.required("rule", STRING),
            bounds: m.optional("bounds", "a list of numbers"),
            groups: m.optional("groups", "an object of lists of strings"),
        }
    }
}

impl RawOption {
    fn read(m: &mut Members<'_>) -> Self {
        Self {
            id: m.required("id", STRING),
            label: m.required("label", TEXTS),
            sharing: m.optional("sharing", STRING),
        }
    }
}

impl RawValidation {
    fn read(m: &mut Members<'_>) -> Self {
        Self {
            max_length: m.optional("max_length", "a whole number"),
            min: m.optional("min", NUMBER),
            max: m.optional("max", NUMBER),
            integer: m.defaulted("integer", YES_OR_NO),
            not_in_future: m.defaulted("not_in_future", YES_OR_NO),
        }
    }
}

fn is_id(text: &str, allow_dash: bool) -> bool {
    (1..=64).contains(&text.len())
        && text.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || (allow_dash && b == b'-')
        })
}

impl FormDefinition {
    /// Parses and checks a definition.
    pub fn parse(json: &str) -> Result<Self, FormError> {
        Self::parse_translated(json, &[])
    }

    /// Parses a definition together with translation files, each adding one language
    /// (`docs/forms.md`, "Translations"), and checks the whole.
    pub fn parse_translated(json: &str, translations: &[&str]) -> Result<Self, FormError> {
        if json.len() > MAX_DEFINITION_LEN
            || translations
                .iter()
                .any(|translation| translation.len() > MAX_DEFINITION_LEN)
        {
            return Err(error(
                Kind::TooLarge,
                "",
                "the definition is larger than 4 MiB",
            ));
        }
        for text in std::iter::once(&json).chain(translations) {
            DEFINITION_BUDGET
                .check(text)
                .map_err(|problem| error(Kind::TooComplex, "", problem))?;
        }
        // The structures are read from text only: reading them from a `Value` as well
        // would need a second reader for every one of them (bench/weight.mjs).
        let raw = if translations.is_empty() {
            Members::read(json, RawForm::read)?
        } else {
            // Read as written first: merged into a `Value`, a member given twice would
            // keep its last value unseen.
            if let Some(scoring) = Members::read(json, RawForm::read)?.scoring {
                scoring::read_as_written(&scoring)?;
            }
            let mut value: Value = serde_json::from_str(json)
                .map_err(|e| error(Kind::Malformed, "", format!("not a form definition: {e}")))?;
            for translation in translations {
                translation::apply(&mut value, translation)?;
            }
            Members::read(&crate::json_text(&value), RawForm::read)?
        };
        if raw.format != "confidant-form" {
            return Err(error(
                Kind::WrongFormat,
                "format",
                "must be \"confidant-form\"",
            ));
        }
        if raw.format_version != 1 {
            return Err(error(
                Kind::UnsupportedVersion,
                "format_version",
                "only version 1 is supported",
            ));
        }
        if !is_id(&raw.id, true) {
            return Err(error(
                Kind::InvalidId,
                "id",
                "must be 1 to 64 lower-case letters, digits, '-' or '_'",
            ));
        }
        if raw.version.is_empty()
            || raw.version.len() > 32
            || raw.version.chars().any(char::is_control)
        {
            return Err(error(
                Kind::InvalidValue,
                "version",
                "must be 1 to 32 characters",
            ));
        }
        if raw.languages.is_empty() {
            return Err(error(
                Kind::Missing,
                "languages",
                "at least one language is needed",
            ));
        }
        let repeated_languages = repeats(&as_strs(&raw.languages, |language| language));
        for (i, language) in raw.languages.iter().enumerate() {
            let valid = (2..=8).contains(&language.len())
                && language
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-');
            if let Some(kind) = Kind::of_id(valid, !repeated_languages[i]) {
                return Err(error(
                    kind,
                    format!("languages[{i}]"),
                    "must be a distinct language tag such as \"en\"",
                ));
            }
        }
        let language_set: StrSet = raw.languages.iter().cloned().collect();
        let text = |path: &str, raw: StrMap<String>| check_text(path, raw, &language_set);
        let title = text("title", raw.title)?;
        if raw.sections.is_empty() {
            return Err(error(
                Kind::Missing,
                "sections",
                "at least one section is needed",
            ));
        }

        // Every field's place, and whether its id repeats an earlier one, read once before
        // any is checked: a definition arrives inside every packet, and no order of its
        // ids may make checking it cost more than n log n.
        let mut places = Vec::new();
        for (s, section) in raw.sections.iter().enumerate() {
            for (f, field) in section.fields.iter().enumerate() {
                places.push((field.id.clone(), (s, f)));
            }
        }
        let repeated_fields = repeats(&as_strs(&places, |(id, _)| id));
        // Where an id is given twice, its first place (the second is refused).
        places.reverse();
        let places: StrMap<(usize, usize)> = places.into_iter().collect();
        let repeated_sections = repeats(&as_strs(&raw.sections, |section| &section.id));
        let mut ordinal = 0;

        let mut sections: Vec<Section> = Vec::new();
        // `leave_out_if` may look at any field, so it is parsed once all are declared.
        let mut leave_out_ifs: Vec<(String, String, Value)> = Vec::new();
        for (s, raw_section) in raw.sections.into_iter().enumerate() {
            let path = format!("sections[{s}]");
            let unique = !repeated_sections[s];
            if let Some(kind) = Kind::of_id(is_id(&raw_section.id, false), unique) {
                return Err(error(
                    kind,
                    format!("{path}.id"),
                    "must be a unique id of lower-case letters, digits and '_'",
                ));
            }
            let show_if = match raw_section.show_if {
                Some(value) => Some(condition::parse(
                    &value,
                    &format!("{path}.show_if"),
                    &declared(&places, &sections, &[]),
                )?),
                None => None,
            };
            let mut section = Section {
                id: raw_section.id,
                title: text(&format!("{path}.title"), raw_section.title)?,
                help: raw_section
                    .help
                    .map(|help| text(&format!("{path}.help"), help))
                    .transpose()?,
                show_if,
                fields: Vec::new(),
            };
            if raw_section.fields.is_empty() {
                return Err(error(
                    Kind::Missing,
                    format!("{path}.fields"),
                    "a section needs at least one field",
                ));
            }
            for (f, mut raw_field) in raw_section.fields.into_iter().enumerate() {
                let path = format!("{path}.fields[{f}]");
                if let Some(value) = raw_field.leave_out_if.take() {
                    if raw_field.kind == "info" {
                        return Err(error(
                            Kind::DoesNotFit,
                            format!("{path}.leave_out_if"),
                            "an info block takes no answer",
                        ));
                    }
                    leave_out_ifs.push((
                        raw_field.id.clone(),
                        format!("{path}.leave_out_if"),
                        value,
                    ));
                }
                let unique = !repeated_fields[ordinal];
                ordinal += 1;
                if let Some(kind) = Kind::of_id(is_id(&raw_field.id, false), unique) {
                    return Err(error(
                        kind,
                        format!("{path}.id"),
                        "must be an id of lower-case letters, digits and '_', unique in the form",
                    ));
                }
                let earlier = declared(&places, &sections, &section.fields);
                let field = check_field(&path, raw_field, &text, &earlier)?;
                section.fields.push(field);
            }
            sections.push(section);
        }
        for (id, path, value) in leave_out_ifs {
            let condition = condition::parse(&value, &path, &declared(&places, &sections, &[]))?;
            if let Some((s, f)) = places.get(&id) {
                sections[*s].fields[*f].leave_out_if = Some(condition);
            }
        }
        let mut review = StrMap::new();
        for (language, status) in raw.review {
            if !language_set.contains(&language) {
                return Err(error(
                    Kind::UnknownReference,
                    "review",
                    format!("`{language}` is not a language of this form"),
                ));
            }
            let status = match status.as_str() {
                "original" => ReviewStatus::Original,
                "unreviewed" => ReviewStatus::Unreviewed,
                "reviewed" => ReviewStatus::Reviewed,
                other => {
                    return Err(error(
                        Kind::UnknownValue,
                        format!("review.{language}"),
                        format!("unknown status `{other}`"),
                    ));
                }
            };
            review.insert(language, status);
        }
        let scoring = match raw.scoring {
            Some(json) => Some(scoring::parse(
                &json,
                &declared(&places, &sections, &[]),
                text,
            )?),
            None => None,
        };
        let draft = raw
            .draft
            .map(|draft| check_draft(draft, &sections, &text))
            .transpose()?;
        let sharing = check_sharing(raw.sharing, &sections, &places)?;
        Ok(Self {
            id: raw.id,
            version: raw.version,
            languages: raw.languages,
            title,
            sections,
            scoring,
            draft,
            sharing,
            review,
            index: places,
        })
    }
}

/// The sharing rules must name `multiple_choice` fields, the categories every field and
/// choice uses must be choices of the first, and the second's choices must be agency kinds.
fn check_sharing(
    raw: Option<RawSharing>,
    sections: &[Section],
    index: &StrMap<(usize, usize)>,
) -> Result<Option<SharingRules>, FormError> {
    let field = |id: &str| index.get(id).map(|(s, f)| &sections[*s].fields[*f]);
    let categories_used = sections
        .iter()
        .flat_map(|section| &section.fields)
        .flat_map(|field| {
            let options: &[ValueOption] = match &field.kind {
                FieldKind::MultipleChoice(options) | FieldKind::NeedsMatrix(options) => options,
                _ => &[],
            };
            field
                .sharing
                .iter()
                .chain(options.iter().filter_map(|option| option.sharing.as_ref()))
                .map(move |category| (field.id.clone(), category.clone()))
        });
    let Some(raw) = raw else {
        return match categories_used.into_iter().next() {
            Some((id, _)) => Err(error(
                Kind::Missing,
                format!("fields.{id}.sharing"),
                "a form with sharing categories must name its sharing rules",
            )),
            None => Ok(None),
        };
    };
    let Some(FieldKind::MultipleChoice(categories)) = field(&raw.choices).map(|field| &field.kind)
    else {
        return Err(error(
            Kind::DoesNotFit,
            "sharing.choices",
            "must name a multiple_choice field",
        ));
    };
    for (id, category) in categories_used {
        if !categories.iter().any(|option| option.id == category) {
            return Err(error(
                Kind::UnknownReference,
                format!("fields.{id}.sharing"),
                format!("`{category}` is not a choice of `{}`", raw.choices),
            ));
        }
    }
    if let Some(recipients) = &raw.recipients {
        match field(recipients).map(|field| &field.kind) {
            Some(FieldKind::MultipleChoice(kinds))
                if kinds
                    .iter()
                    .all(|kind| AgencyKind::parse(&kind.id.replace('_', "-")).is_some()) => {}
            _ => {
                return Err(error(
                    Kind::DoesNotFit,
                    "sharing.recipients",
                    "must name a multiple_choice field whose choices are agency kinds",
                ));
            }
        }
    }
    Ok(Some(SharingRules {
        choices: raw.choices,
        recipients: raw.recipients,
    }))
}

fn check_draft(
    raw: RawDraft,
    sections: &[Section],
    text: &TextChecker<'_>,
) -> Result<Draft, FormError> {
    if let Some(field) = sections
        .iter()
        .flat_map(|section| &section.fields)
        .find(|field| {
            field
                .data_class
                .is_some_and(|c| c != DataClass::Organisational)
        })
    {
        return Err(error(
            Kind::DoesNotFit,
            "draft",
            format!(
                "only a form whose fields are all organisational composes a draft, and `{}` is not",
                field.id
            ),
        ));
    }
    if raw.sections.is_empty() {
        return Err(error(
            Kind::Missing,
            "draft.sections",
            "at least one section is needed",
        ));
    }
    let section_ids: StrSet = sections.iter().map(|section| section.id.clone()).collect();
    let repeated = repeats(&as_strs(&raw.sections, |id| id));
    for (i, id) in raw.sections.iter().enumerate() {
        let kind = if !section_ids.contains(id) {
            Kind::UnknownReference
        } else if repeated[i] {
            Kind::DuplicateId
        } else {
            continue;
        };
        return Err(error(
            kind,
            format!("draft.sections[{i}]"),
            format!("`{id}` is not a section of this form, or is named twice"),
        ));
    }
    Ok(Draft {
        title: text("draft.title", raw.title)?,
        help: raw.help.map(|help| text("draft.help", help)).transpose()?,
        sections: raw.sections,
    })
}

fn check_prefill(path: &str, raw: RawPrefill, kind: &FieldKind) -> Result<Prefill, FormError> {
    if !is_id(&raw.from, true) {
        return Err(error(
            Kind::InvalidId,
            format!("{path}.from"),
            "must be a form id",
        ));
    }
    match (raw.answer, raw.outcome.as_deref()) {
        (Some(field), None) => {
            if !is_id(&field, false) {
                return Err(error(
                    Kind::InvalidId,
                    format!("{path}.answer"),
                    "must be a field id",
                ));
            }
            Ok(Prefill::Answer {
                form: raw.from,
                field,
            })
        }
        (None, Some(fact)) => {
            let (fact, fits) = match fact {
                "positive_dimensions" => (
                    OutcomeFact::PositiveDimensions,
                    matches!(kind, FieldKind::MultipleChoice(_)),
                ),
                "undetermined_dimensions" => (
                    OutcomeFact::UndeterminedDimensions,
                    matches!(kind, FieldKind::MultipleChoice(_)),
                ),
                "referral_prompted" => (OutcomeFact::ReferralPrompted, *kind == FieldKind::YesNo),
                "dimensions_with_indicators" => (
                    OutcomeFact::DimensionsWithIndicators,
                    matches!(kind, FieldKind::MultipleChoice(_)),
                ),
                other => {
                    return Err(error(
                        Kind::UnknownValue,
                        format!("{path}.outcome"),
                        format!("unknown outcome `{other}`"),
                    ));
                }
            };
            if !fits {
                return Err(error(
                    Kind::DoesNotFit,
                    format!("{path}.outcome"),
                    "does not fit this kind of field",
                ));
            }
            Ok(Prefill::Outcome {
                form: raw.from,
                fact,
            })
        }
        _ => Err(error(
            Kind::Malformed,
            path,
            "needs exactly one of `answer` and `outcome`",
        )),
    }
}

fn declared<'a>(
    places: &'a StrMap<(usize, usize)>,
    sections: &'a [Section],
    current: &'a [Field],
) -> Declared<'a> {
    Declared {
        places,
        sections,
        current,
    }
}

/// The texts of `items`, to look for repeats among them.
fn as_strs<T>(items: &[T], text: impl Fn(&T) -> &String) -> Vec<&str> {
    items.iter().map(|item| text(item).as_str()).collect()
}

type TextChecker<'a> = dyn Fn(&str, StrMap<String>) -> Result<Text, FormError> + 'a;

fn check_text(path: &str, raw: StrMap<String>, languages: &StrSet) -> Result<Text, FormError> {
    for language in languages {
        match raw.get(language) {
            Some(text) if !text.trim().is_empty() => {}
            _ => {
                return Err(error(
                    Kind::Missing,
                    path,
                    format!("the text in `{language}` is missing"),
                ));
            }
        }
    }
    if let Some(extra) = raw.keys().find(|key| !languages.contains(key)) {
        return Err(error(
            Kind::UnknownReference,
            path,
            format!("`{extra}` is not a language of this form"),
        ));
    }
    Ok(Text(raw))
}

fn check_options(
    path: &str,
    raw: Option<Vec<RawOption>>,
    text: &TextChecker<'_>,
) -> Result<Vec<ValueOption>, FormError> {
    let raw = raw.ok_or_else(|| error(Kind::Missing, path, "this kind needs its choices"))?;
    if raw.len() < 2 {
        return Err(error(
            Kind::Missing,
            path,
            "at least two choices are needed",
        ));
    }
    let repeated = repeats(&as_strs(&raw, |option| &option.id));
    raw.into_iter()
        .enumerate()
        .map(|(i, option)| {
            let unique = !repeated[i];
            if let Some(kind) = Kind::of_id(is_id(&option.id, false), unique) {
                return Err(error(
                    kind,
                    format!("{path}[{i}].id"),
                    "must be a unique id of lower-case letters, digits and '_'",
                ));
            }
            if option
                .sharing
                .as_deref()
                .is_some_and(|category| !is_id(category, false))
            {
                return Err(error(
                    Kind::InvalidId,
                    format!("{path}[{i}].sharing"),
                    "must be the id of a sharing category",
                ));
            }
            Ok(ValueOption {
                id: option.id,
                label: text(&format!("{path}[{i}].label"), option.label)?,
                sharing: option.sharing,
            })
        })
        .collect()
}

fn check_field(
    path: &str,
    raw: RawField,
    text: &TextChecker<'_>,
    earlier: &Declared<'_>,
) -> Result<Field, FormError> {
    let no_choices = |member: &str, value: bool| {
        if value {
            Err(error(
                Kind::DoesNotFit,
                format!("{path}.{member}"),
                "this kind takes no such member",
            ))
        } else {
            Ok(())
        }
    };
    let is_matrix = raw.kind == "needs_matrix";
    no_choices("needs", !is_matrix && raw.needs.is_some())?;
    let kind = match raw.kind.as_str() {
        "single_choice" => FieldKind::SingleChoice(check_options(
            &format!("{path}.options"),
            raw.options,
            text,
        )?),
        "multiple_choice" => FieldKind::MultipleChoice(check_options(
            &format!("{path}.options"),
            raw.options,
            text,
        )?),
        "needs_matrix" => {
            no_choices("options", raw.options.is_some())?;
            FieldKind::NeedsMatrix(check_options(&format!("{path}.needs"), raw.needs, text)?)
        }
        other => {
            no_choices("options", raw.options.is_some())?;
            match other {
                "text" => FieldKind::Text,
                "long_text" => FieldKind::LongText,
                "number" => FieldKind::Number,
                "date" => FieldKind::Date,
                "date_time" => FieldKind::DateTime,
                "yes_no" => FieldKind::YesNo,
                "country" => FieldKind::Country,
                "language" => FieldKind::Language,
                "consent" => FieldKind::Consent,
                "info" => FieldKind::Info,
                unknown => {
                    return Err(error(
                        Kind::UnknownValue,
                        format!("{path}.kind"),
                        format!("unknown kind `{unknown}`"),
                    ));
                }
            }
        }
    };

    let is_info = kind == FieldKind::Info;
    let data_class = match (raw.data_class.as_deref(), is_info) {
        (None, true) => None,
        (Some(_), true) => {
            return Err(error(
                Kind::DoesNotFit,
                format!("{path}.data_class"),
                "an info block has no data class",
            ));
        }
        (None, false) => {
            return Err(error(
                Kind::Missing,
                format!("{path}.data_class"),
                "every answerable field needs a data class",
            ));
        }
        (Some("personal"), false) => Some(DataClass::Personal),
        (Some("special"), false) => Some(DataClass::Special),
        (Some("thematic"), false) => Some(DataClass::Thematic),
        (Some("organisational"), false) => Some(DataClass::Organisational),
        (Some(other), false) => {
            return Err(error(
                Kind::UnknownValue,
                format!("{path}.data_class"),
                format!("unknown data class `{other}`"),
            ));
        }
    };
    if is_info && raw.required.is_some() {
        return Err(error(
            Kind::DoesNotFit,
            format!("{path}.required"),
            "an info block takes no answer",
        ));
    }

    let coarsen = match (raw.coarsen, data_class) {
        (None, Some(DataClass::Thematic)) => {
            return Err(error(
                Kind::Missing,
                format!("{path}.coarsen"),
                "a thematic field must say how it is coarsened",
            ));
        }
        (None, _) => None,
        (
            Some(_),
            Some(DataClass::Personal | DataClass::Special | DataClass::Organisational) | None,
        ) => {
            return Err(error(
                Kind::DoesNotFit,
                format!("{path}.coarsen"),
                "only thematic fields are coarsened",
            ));
        }
        (Some(coarsen), Some(DataClass::Thematic)) => {
            Some(check_coarsen(&format!("{path}.coarsen"), coarsen, &kind)?)
        }
    };
    let thematic_copy = match (raw.thematic_copy, data_class) {
        (None, _) => None,
        (Some(copy), Some(DataClass::Personal | DataClass::Special)) => Some(check_coarsen(
            &format!("{path}.thematic_copy"),
            copy,
            &kind,
        )?),
        (Some(_), _) => {
            return Err(error(
                Kind::DoesNotFit,
                format!("{path}.thematic_copy"),
                "only a personal or special answer has a thematic copy",
            ));
        }
    };

    let validation = raw.validation.unwrap_or_default();
    let allowed: &[&str] = match kind {
        FieldKind::Text | FieldKind::LongText => &["max_length"],
        FieldKind::Number => &["min", "max", "integer"],
        FieldKind::Date | FieldKind::DateTime => &["not_in_future"],
        _ => &[],
    };
    let given = [
        ("max_length", validation.max_length.is_some()),
        ("min", validation.min.is_some()),
        ("max", validation.max.is_some()),
        ("integer", validation.integer),
        ("not_in_future", validation.not_in_future),
    ];
    if let Some((member, _)) = given
        .iter()
        .find(|(member, set)| *set && !allowed.contains(member))
    {
        return Err(error(
            Kind::DoesNotFit,
            format!("{path}.validation.{member}"),
            "does not apply to this kind",
        ));
    }
    if let (Some(min), Some(max)) = (validation.min, validation.max)
        && min > max
    {
        return Err(error(
            Kind::InvalidValue,
            format!("{path}.validation"),
            "min is above max",
        ));
    }

    let show_if = raw
        .show_if
        .map(|value| condition::parse(&value, &format!("{path}.show_if"), earlier))
        .transpose()?;
    if is_info && raw.prefill.is_some() {
        return Err(error(
            Kind::DoesNotFit,
            format!("{path}.prefill"),
            "an info block takes no answer",
        ));
    }
    let prefill = raw
        .prefill
        .map(|prefill| check_prefill(&format!("{path}.prefill"), prefill, &kind))
        .transpose()?;
    let input = match (raw.input.as_deref(), &kind) {
        (None, _) => None,
        (Some("tel"), FieldKind::Text) => Some(TextInput::Tel),
        (Some("email"), FieldKind::Text) => Some(TextInput::Email),
        (Some(_), FieldKind::Text) => {
            return Err(error(
                Kind::UnknownValue,
                format!("{path}.input"),
                "must be `tel` or `email`",
            ));
        }
        (Some(_), _) => {
            return Err(error(
                Kind::DoesNotFit,
                format!("{path}.input"),
                "only a `text` field takes a keyboard hint",
            ));
        }
    };
    let common = check_common(&format!("{path}.common"), raw.common, &kind)?;
    let filled = match (raw.filled.as_deref(), &kind) {
        (None, _) => None,
        (Some("recipients"), FieldKind::Text) if raw.required != Some(true) => {
            Some(Filled::Recipients)
        }
        (Some("recipients"), FieldKind::Text) => {
            return Err(error(
                Kind::DoesNotFit,
                format!("{path}.filled"),
                "a field the worker is never asked cannot be required",
            ));
        }
        (Some("recipients"), _) => {
            return Err(error(
                Kind::DoesNotFit,
                format!("{path}.filled"),
                "only a `text` field is filled with the recipients' names",
            ));
        }
        (Some(_), _) => {
            return Err(error(
                Kind::UnknownValue,
                format!("{path}.filled"),
                "must be `recipients`",
            ));
        }
    };
    let follows = raw
        .follows
        .map(|follows| check_follows(&format!("{path}.follows"), follows, &kind, earlier))
        .transpose()?;
    let default = match (raw.default.as_deref(), &kind) {
        (None, _) => None,
        (Some("today"), FieldKind::Date) => Some(FieldDefault::Today),
        (Some(_), FieldKind::Date) => {
            return Err(error(
                Kind::UnknownValue,
                format!("{path}.default"),
                "must be `today`",
            ));
        }
        (Some(_), _) => {
            return Err(error(
                Kind::DoesNotFit,
                format!("{path}.default"),
                "only a `date` field starts with an answer",
            ));
        }
    };
    let only_to = match raw.only_to {
        None => None,
        Some(kinds) => {
            let kinds: Option<Vec<AgencyKind>> =
                kinds.iter().map(|kind| AgencyKind::parse(kind)).collect();
            match kinds {
                Some(kinds) if !is_info && !kinds.is_empty() => Some(kinds),
                _ => {
                    let kind = if is_info {
                        Kind::DoesNotFit
                    } else {
                        Kind::InvalidValue
                    };
                    return Err(error(
                        kind,
                        format!("{path}.only_to"),
                        "must be a list of agency kinds, on a field that takes an answer",
                    ));
                }
            }
        }
    };
    if let Some(category) = &raw.sharing
        && (is_info || !is_id(category, false))
    {
        let kind = if is_info {
            Kind::DoesNotFit
        } else {
            Kind::InvalidId
        };
        return Err(error(
            kind,
            format!("{path}.sharing"),
            "must be the id of a sharing category, on a field that takes an answer",
        ));
    }
    Ok(Field {
        id: raw.id,
        label: text(&format!("{path}.label"), raw.label)?,
        help: raw
            .help
            .map(|help| text(&format!("{path}.help"), help))
            .transpose()?,
        required: raw.required.unwrap_or(false),
        kind,
        data_class,
        coarsen,
        show_if,
        validation: Validation {
            max_length: validation.max_length,
            min: validation.min,
            max: validation.max,
            integer: validation.integer,
            not_in_future: validation.not_in_future,
        },
        input,
        default,
        common,
        prefill,
        follows,
        filled,
        only_to,
        sharing: raw.sharing,
        leave_out_if: None,
        thematic_copy,
    })
}

fn check_coarsen(path: &str, raw: RawCoarsen, kind: &FieldKind) -> Result<Coarsen, FormError> {
    let fits = match raw.rule.as_str() {
        "as_is" => matches!(
            kind,
            FieldKind::SingleChoice(_)
                | FieldKind::MultipleChoice(_)
                | FieldKind::YesNo
                | FieldKind::Consent
                | FieldKind::Country
                | FieldKind::Language
        ),
        "month" => matches!(kind, FieldKind::Date | FieldKind::DateTime),
        "bands" => *kind == FieldKind::Number,
        "groups" => matches!(
            kind,
            FieldKind::SingleChoice(_) | FieldKind::MultipleChoice(_)
        ),
        other => {
            return Err(error(
                Kind::UnknownValue,
                format!("{path}.rule"),
                format!("unknown rule `{other}`"),
            ));
        }
    };
    if !fits {
        return Err(error(
            Kind::DoesNotFit,
            format!("{path}.rule"),
            format!("`{}` does not fit this kind of field", raw.rule),
        ));
    }
    if raw.rule == "groups" {
        return check_groups(path, raw, kind);
    }
    if raw.groups.is_some() {
        return Err(error(
            Kind::DoesNotFit,
            format!("{path}.groups"),
            "only the groups rule has groups",
        ));
    }
    match (raw.rule.as_str(), raw.bounds) {
        ("bands", Some(bounds)) => {
            if bounds.is_empty() || bounds.windows(2).any(|pair| pair[0] >= pair[1]) {
                return Err(error(
                    Kind::InvalidValue,
                    format!("{path}.bounds"),
                    "must be one or more numbers in ascending order",
                ));
            }
            Ok(Coarsen::Bands(bounds))
        }
        ("bands", None) => Err(error(
            Kind::Missing,
            format!("{path}.bounds"),
            "bands need their bounds",
        )),
        (_, Some(_)) => Err(error(
            Kind::DoesNotFit,
            format!("{path}.bounds"),
            "only the bands rule has bounds",
        )),
        ("as_is", None) => Ok(Coarsen::AsIs),
        _ => Ok(Coarsen::Month),
    }
}

/// Every choice of the field in exactly one group, and groups named by ids.
fn check_groups(path: &str, raw: RawCoarsen, kind: &FieldKind) -> Result<Coarsen, FormError> {
    if raw.bounds.is_some() {
        return Err(error(
            Kind::DoesNotFit,
            format!("{path}.bounds"),
            "only the bands rule has bounds",
        ));
    }
    let options: Vec<&str> = match kind {
        FieldKind::SingleChoice(options) | FieldKind::MultipleChoice(options) => {
            options.iter().map(|option| option.id.as_str()).collect()
        }
        _ => Vec::new(),
    };
    let groups = raw
        .groups
        .filter(|groups| !groups.is_empty())
        .ok_or_else(|| error(Kind::Missing, format!("{path}.groups"), "groups are needed"))?;
    // The members, then the choices: a member repeats an earlier member, and a choice is
    // placed when it repeats a member (choices are distinct).
    let mut listed: Vec<&str> = groups.values().flatten().map(String::as_str).collect();
    let members = listed.len();
    listed.extend(&options);
    let repeated = repeats(&listed);
    let choices: StrSet = options.iter().map(|option| (*option).to_owned()).collect();
    let mut m = 0;
    for (group, members) in &groups {
        if !is_id(group, false) || members.is_empty() {
            return Err(error(
                Kind::InvalidId,
                format!("{path}.groups.{group}"),
                "a group is an id with at least one choice",
            ));
        }
        for member in members {
            if !choices.contains(member) {
                return Err(error(
                    Kind::UnknownReference,
                    format!("{path}.groups.{group}"),
                    format!("`{member}` is not a choice of this field"),
                ));
            }
            m += 1;
            if repeated[m - 1] {
                return Err(error(
                    Kind::DuplicateId,
                    format!("{path}.groups.{group}"),
                    format!("`{member}` is in two groups"),
                ));
            }
        }
    }
    if let Some((missing, _)) = (options.iter())
        .zip(&repeated[members..])
        .find(|(_, placed)| !**placed)
    {
        return Err(error(
            Kind::Missing,
            format!("{path}.groups"),
            format!("`{missing}` is in no group"),
        ));
    }
    Ok(Coarsen::Groups(groups.into_iter().collect()))
}

/// The most common choices a field may list: a short list, or it is no help.
const MAX_COMMON: usize = 30;

/// A `country` or `language` field's common choices: codes as its answers are written
/// (two capitals for a country, two small letters for a language), each once.
fn check_common(
    path: &str,
    common: Option<Vec<String>>,
    kind: &FieldKind,
) -> Result<Vec<String>, FormError> {
    let Some(common) = common else {
        return Ok(Vec::new());
    };
    let fits: fn(&u8) -> bool = match kind {
        FieldKind::Country => u8::is_ascii_uppercase,
        FieldKind::Language => u8::is_ascii_lowercase,
        _ => {
            return Err(error(
                Kind::DoesNotFit,
                path.to_owned(),
                "only a `country` or `language` field lists common choices",
            ));
        }
    };
    if common.len() > MAX_COMMON {
        return Err(error(
            Kind::InvalidValue,
            path.to_owned(),
            "lists at most 30 common choices",
        ));
    }
    for (at, code) in common.iter().enumerate() {
        if code.len() != 2 || !code.as_bytes().iter().all(fits) {
            return Err(error(
                Kind::InvalidId,
                format!("{path}[{at}]"),
                "must be a code as the field's answers are written (`PH`, `tl`)",
            ));
        }
        if common[..at].contains(code) {
            return Err(error(
                Kind::DuplicateId,
                format!("{path}[{at}]"),
                "is listed twice",
            ));
        }
    }
    Ok(common)
}

/// A single choice may follow an earlier single choice, yes/no or consent answer: each
/// listed value must be one that field can take, and each paired choice one of this
/// field's.
fn check_follows(
    path: &str,
    raw: RawFollows,
    kind: &FieldKind,
    earlier: &Declared<'_>,
) -> Result<Follows, FormError> {
    let FieldKind::SingleChoice(options) = kind else {
        return Err(error(
            Kind::DoesNotFit,
            path.to_owned(),
            "only a `single_choice` field follows another answer",
        ));
    };
    let Some(source) = earlier.get(&raw.field) else {
        return Err(error(
            Kind::UnknownReference,
            format!("{path}.field"),
            format!("`{}` is not a field before this one", raw.field),
        ));
    };
    let values = match source {
        FieldKind::SingleChoice(_) | FieldKind::YesNo | FieldKind::Consent => {
            source.values().unwrap_or_default()
        }
        _ => {
            return Err(error(
                Kind::DoesNotFit,
                format!("{path}.field"),
                "follows only a single choice, a yes/no or a consent answer",
            ));
        }
    };
    if raw.answers.is_empty() {
        return Err(error(
            Kind::Missing,
            format!("{path}.answers"),
            "pairs at least one value with a choice",
        ));
    }
    for (value, choice) in &raw.answers {
        if !values.contains(&value.as_str()) {
            return Err(error(
                Kind::UnknownReference,
                format!("{path}.answers.{value}"),
                format!("`{value}` is not an answer `{}` takes", raw.field),
            ));
        }
        if !options.iter().any(|option| option.id == *choice) {
            return Err(error(
                Kind::UnknownReference,
                format!("{path}.answers.{value}"),
                format!("`{choice}` is not a choice of this field"),
            ));
        }
    }
    Ok(Follows {
        field: raw.field,
        answers: raw.answers.into_iter().collect(),
    })
}
