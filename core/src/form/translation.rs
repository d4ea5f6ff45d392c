//! Translation files: one language of a form's texts, kept apart from the definition so
//! that adding a language is adding files (`docs/forms.md`, "Translations").
//!
//! A translation names each text by a path of ids (`sections/context/title`,
//! `fields/age_group/options/child`, …), and must give every text of the form, no more.

use crate::str_map::StrMap;

use serde::Deserialize;
use serde_json::{Map, Value};

use super::error::{FormError, FormErrorKind as Kind, error};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTranslation {
    format: String,
    format_version: u32,
    form: String,
    language: String,
    #[serde(default)]
    review: Option<String>,
    texts: StrMap<String>,
}

/// Adds the language of `translation` to the definition `form` (still as JSON, before it
/// is checked): every text object gets its entry, and the language joins `languages`.
pub(crate) fn apply(form: &mut Value, translation: &str) -> Result<(), FormError> {
    let raw: RawTranslation = serde_json::from_str(translation).map_err(|e| {
        error(
            Kind::Malformed,
            "translation",
            format!("not a translation file: {e}"),
        )
    })?;
    let language = raw.language.clone();
    let path = |member: &str| format!("translation {language}: {member}");
    if raw.format != "confidant-form-translation" {
        return Err(error(
            Kind::WrongFormat,
            path("format"),
            "must be \"confidant-form-translation\"",
        ));
    }
    if raw.format_version != 1 {
        return Err(error(
            Kind::UnsupportedVersion,
            path("format_version"),
            "only version 1 is supported",
        ));
    }
    if form.get("id").and_then(Value::as_str) != Some(raw.form.as_str()) {
        return Err(error(
            Kind::UnknownReference,
            path("form"),
            "is not the id of this form",
        ));
    }
    let valid_tag = (2..=8).contains(&language.len())
        && language
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-');
    let languages = form
        .get_mut("languages")
        .and_then(Value::as_array_mut)
        .ok_or_else(|| {
            error(
                Kind::Malformed,
                "languages",
                "must be a list of language tags",
            )
        })?;
    let known = languages
        .iter()
        .any(|known| known.as_str() == Some(&language));
    if let Some(kind) = Kind::of_id(valid_tag, !known) {
        return Err(error(
            kind,
            path("language"),
            "must be a language tag the form does not have yet",
        ));
    }
    languages.push(Value::String(language.clone()));

    // Each text is taken at most once; taking rather than removing keeps this linear in
    // the number of texts, whatever their order.
    let mut texts: StrMap<Option<String>> = (raw.texts.into_iter())
        .map(|(key, text)| (key, Some(text)))
        .collect();
    let mut missing = None;
    visit_texts(
        form,
        &mut |key, text| match texts.get_mut(&key).and_then(Option::take) {
            Some(translated) => {
                text.insert(language.clone(), Value::String(translated));
            }
            None => {
                missing.get_or_insert(key);
            }
        },
    );
    if let Some(key) = missing {
        return Err(error(
            Kind::Missing,
            path(&format!("texts/{key}")),
            "is missing",
        ));
    }
    if let Some((key, _)) = texts.iter().find(|(_, text)| text.is_some()) {
        return Err(error(
            Kind::UnknownReference,
            path(&format!("texts/{key}")),
            "is not a text of this form",
        ));
    }

    let review = form
        .as_object_mut()
        .ok_or_else(|| error(Kind::Malformed, "", "not a form definition"))?
        .entry("review")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Some(review) = review.as_object_mut() {
        review.insert(
            language,
            Value::String(raw.review.unwrap_or_else(|| "unreviewed".to_owned())),
        );
    }
    Ok(())
}

/// Calls `visit` with the path and the object of every text of the form. Members that are
/// missing or of the wrong shape are passed over: checking the definition reports them.
fn visit_texts(form: &mut Value, visit: &mut dyn FnMut(String, &mut Map<String, Value>)) {
    fn text(
        value: Option<&mut Value>,
        key: String,
        visit: &mut dyn FnMut(String, &mut Map<String, Value>),
    ) {
        if let Some(Value::Object(text)) = value {
            visit(key, text);
        }
    }
    fn id(value: &Value) -> String {
        value
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    }
    fn each(value: Option<&mut Value>) -> impl Iterator<Item = &mut Value> {
        value
            .and_then(Value::as_array_mut)
            .into_iter()
            .flat_map(|items| items.iter_mut())
    }

    text(form.get_mut("title"), "title".to_owned(), visit);
    for section in each(form.get_mut("sections")) {
        let section_id = id(section);
        for member in ["title", "help"] {
            text(
                section.get_mut(member),
                format!("sections/{section_id}/{member}"),
                visit,
            );
        }
        for field in each(section.get_mut("fields")) {
            let field_id = id(field);
            for member in ["label", "help"] {
                text(
                    field.get_mut(member),
                    format!("fields/{field_id}/{member}"),
                    visit,
                );
            }
            for list in ["options", "needs"] {
                for option in each(field.get_mut(list)) {
                    let option_id = id(option);
                    text(
                        option.get_mut("label"),
                        format!("fields/{field_id}/{list}/{option_id}"),
                        visit,
                    );
                }
            }
        }
    }
    if let Some(scoring) = form.get_mut("scoring") {
        for dimension in each(scoring.get_mut("dimensions")) {
            let dimension_id = id(dimension);
            text(
                dimension.get_mut("label"),
                format!("scoring/dimensions/{dimension_id}"),
                visit,
            );
            text(
                dimension.get_mut("sub_type"),
                format!("scoring/dimensions/{dimension_id}/sub_type"),
                visit,
            );
        }
    }
    if let Some(draft) = form.get_mut("draft") {
        for member in ["title", "help"] {
            text(draft.get_mut(member), format!("draft/{member}"), visit);
        }
    }
}
