//! A referral as the agency that receives it reads it: the payload of an opened packet
//! (`docs/packet.md`, the referral payload), checked as the untrusted text it is.
//!
//! The packet authenticates who could have sealed it (anyone with the agency's public
//! key), not what they wrote: a co-recipient or anyone who knows the key can seal a
//! payload with a hostile definition, answers that do not fit it, or another agency's
//! key as the sender. So the payload is bounded before it is parsed, its definition goes
//! through the same checks as a built-in form's, its answers must fit that definition,
//! and its form must be the one the packet's authenticated metadata names.

use std::fmt;

use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;

use super::answers::{Answers, AnswersError};
use super::definition::{FieldKind, FormDefinition};
use super::error::FormError;
use super::sending::{REFERRAL_FORMAT, REFERRAL_FORMAT_VERSION, Withheld};
use crate::agency::AgencyKind;
use crate::json_object::{JsonBudget, JsonObject, payload_format};
use crate::keys::PublicKey;
use crate::untrusted_text::{self, plaintext_parse_error};

/// A payload's structure before anything is built from it: a definition's budget, plus
/// the answers and the rest.
const PAYLOAD_BUDGET: JsonBudget = JsonBudget {
    elements: 120_000,
    depth: 40,
};

/// Why a payload cannot be read as a referral. Messages quote no answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReceivedError {
    /// Not JSON, too deep or too large, or JSON of another shape.
    Malformed(String),
    /// The payload says it is something other than a referral (an acknowledgment, say).
    NotAReferral(String),
    /// A referral format version this code does not read.
    UnsupportedVersion(u32),
    /// The form the payload names is not the one the packet's metadata names.
    FormMismatch,
    /// The definition or translation it carries cannot be used.
    Form(FormError),
    /// Its answers do not fit its definition.
    Answers(AnswersError),
    /// The sender key is not a published public key.
    SenderKey,
}

impl fmt::Display for ReceivedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed(why) => write!(f, "the referral cannot be read: {why}"),
            Self::NotAReferral(format) => write!(f, "the packet holds a {format}, not a referral"),
            Self::UnsupportedVersion(version) => {
                write!(
                    f,
                    "referral format version {version} is not one this version reads"
                )
            }
            Self::FormMismatch => {
                f.write_str("the form inside is not the form the packet's label names")
            }
            Self::Form(error) => write!(f, "the form inside cannot be used: {error}"),
            Self::Answers(error) => write!(f, "the answers do not fit their form: {error}"),
            Self::SenderKey => f.write_str("the sender's key is not a valid public key"),
        }
    }
}

impl std::error::Error for ReceivedError {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPayload {
    #[allow(dead_code, reason = "checked through payload_format")]
    format: String,
    #[allow(dead_code, reason = "checked through payload_format")]
    format_version: u32,
    form: RawFormRef,
    language: String,
    definition: Box<RawValue>,
    #[serde(default)]
    translation: Option<Box<RawValue>>,
    answers: Value,
    #[serde(default)]
    withheld: Vec<RawWithheld>,
    sender: Value,
    sealed_at: u64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFormRef {
    id: String,
    version: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWithheld {
    reason: String,
    #[serde(default)]
    field: Option<String>,
    #[serde(default)]
    only_to: Vec<String>,
    #[serde(default)]
    category: Option<String>,
}

/// Definitions already parsed from payloads, by their exact text: a hostile payload can
/// only fill it with what it would cost to parse anyway, and it keeps a few at most.
#[derive(Debug, Default)]
pub struct Definitions(Vec<(String, Option<String>, FormDefinition)>);

impl Definitions {
    const KEPT: usize = 8;

    /// How many definitions are kept.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Parses the definition `payload_json` carries (with its translation) into the
    /// cache, unless it is there already. This is most of the cost of reading the first
    /// referral of a form, so a page can give it a task of its own before
    /// [`ReceivedReferral::read_with`]. Whatever is wrong with the payload is left for
    /// that reading to report: nothing is cached then.
    pub fn prepare(&mut self, payload_json: &str) {
        #[derive(Deserialize)]
        struct Carried {
            definition: Box<RawValue>,
            #[serde(default)]
            translation: Option<Box<RawValue>>,
        }
        if PAYLOAD_BUDGET.check(payload_json).is_err() {
            return;
        }
        if let Ok(JsonObject(carried)) = serde_json::from_str::<JsonObject<Carried>>(payload_json) {
            let translation = carried.translation.as_deref().map(RawValue::get);
            let _ = self.form(carried.definition.get(), translation);
        }
    }

    fn form(
        &mut self,
        definition: &str,
        translation: Option<&str>,
    ) -> Result<&FormDefinition, ReceivedError> {
        let known = self
            .0
            .iter()
            .position(|(text, kept, _)| text == definition && kept.as_deref() == translation);
        let at = match known {
            Some(at) => at,
            None => {
                let translations: Vec<&str> = translation.into_iter().collect();
                let form = FormDefinition::parse_translated(definition, &translations)
                    .map_err(ReceivedError::Form)?;
                if self.0.len() == Self::KEPT {
                    self.0.remove(0);
                }
                self.0
                    .push((definition.to_owned(), translation.map(str::to_owned), form));
                self.0.len() - 1
            }
        };
        Ok(&self.0[at].2)
    }
}

/// A referral read from an opened packet.
#[derive(Clone, Debug, PartialEq)]
pub struct ReceivedReferral {
    /// The form as the sender filled it in, with the sender's translation when there was
    /// one: a packet sealed under an older version of a form reads under that version.
    pub form: FormDefinition,
    /// The interface language the sender worked in.
    pub sender_language: String,
    pub answers: Answers,
    /// What this agency was not sent, and why.
    pub withheld: Vec<Withheld>,
    /// The key the sender says it sealed with. Whether it is an agency the reader knows
    /// is for the reader's directory to say.
    pub sender: PublicKey,
    pub sealed_at_unix_seconds: u64,
}

impl ReceivedReferral {
    /// Reads `payload_json`, the payload of a packet whose authenticated metadata names
    /// the form `form_id` at `form_version`.
    pub fn read(
        payload_json: &str,
        form_id: &str,
        form_version: &str,
    ) -> Result<Self, ReceivedError> {
        Self::read_with(
            payload_json,
            form_id,
            form_version,
            &mut Definitions::default(),
        )
    }

    /// Reads as [`ReceivedReferral::read`] does, parsing each definition (with its
    /// translation) only once among the payloads read with the same `cache`: an inbox
    /// of referrals of the same form parses its definition once.
    pub fn read_with(
        payload_json: &str,
        form_id: &str,
        form_version: &str,
        cache: &mut Definitions,
    ) -> Result<Self, ReceivedError> {
        PAYLOAD_BUDGET
            .check(payload_json)
            .map_err(|problem| ReceivedError::Malformed(problem.to_owned()))?;
        // What the payload says it is, before its shape is held to a referral's.
        let (format, format_version) = payload_format(payload_json)
            .map_err(|error| ReceivedError::Malformed(plaintext_parse_error(&error)))?;
        if format != REFERRAL_FORMAT {
            return Err(ReceivedError::NotAReferral(untrusted_text::payload_format(
                &format,
            )));
        }
        if format_version != REFERRAL_FORMAT_VERSION {
            return Err(ReceivedError::UnsupportedVersion(format_version));
        }
        let JsonObject(raw): JsonObject<RawPayload> = serde_json::from_str(payload_json)
            .map_err(|error| ReceivedError::Malformed(plaintext_parse_error(&error)))?;
        if raw.form.id != form_id || raw.form.version != form_version {
            return Err(ReceivedError::FormMismatch);
        }
        let definition = raw.definition.get();
        let translation = raw.translation.as_deref().map(RawValue::get);
        let form = cache.form(definition, translation)?.clone();
        if form.id != form_id || form.version != form_version {
            return Err(ReceivedError::FormMismatch);
        }
        let answers = Answers::from_json(&form, &raw.answers).map_err(ReceivedError::Answers)?;
        let withheld = raw
            .withheld
            .into_iter()
            .map(|withheld| read_withheld(&form, withheld))
            .collect::<Result<Vec<_>, _>>()?;
        let sender = PublicKey::from_published_jwk_json(&crate::json_text(&raw.sender))
            .map_err(|_| ReceivedError::SenderKey)?;
        Ok(Self {
            form,
            sender_language: raw.language,
            answers,
            withheld,
            sender,
            sealed_at_unix_seconds: raw.sealed_at,
        })
    }

    /// The language to show the referral in for a reader of `reader_language`: the
    /// reader's own when the packet carries its texts, else the sender's, else the form's
    /// first. The second value says whether it is the reader's.
    pub fn reading_language(&self, reader_language: &str) -> (&str, bool) {
        let find = |language: &str| {
            self.form
                .languages
                .iter()
                .find(|known| *known == language)
                .map(String::as_str)
        };
        if let Some(own) = find(reader_language) {
            return (own, true);
        }
        let shown = find(&self.sender_language)
            .or_else(|| self.form.languages.first().map(String::as_str))
            .unwrap_or_default();
        (shown, false)
    }

    /// The label of the choice answered to the single-choice question `field`, in
    /// `language`: the referral's type and urgency, for the inbox's list.
    pub fn choice_label(&self, field: &str, language: &str) -> Option<String> {
        let FieldKind::SingleChoice(options) = &self.form.field(field)?.kind else {
            return None;
        };
        let chosen = match self.answers.get(field)? {
            super::answers::Answer::Choice(id) => id,
            _ => return None,
        };
        options
            .iter()
            .find(|option| &option.id == chosen)
            .map(|option| option.label.get(language).to_owned())
    }

    /// A withheld entry in words, in `language`: the question's label or the sharing
    /// category's, for the reader to see what is missing.
    pub fn withheld_label(&self, withheld: &Withheld, language: &str) -> String {
        match withheld {
            Withheld::OnlyTo { field, .. } => self.form.field(field).map_or_else(
                || field.clone(),
                |field| field.label.get(language).to_owned(),
            ),
            Withheld::NotAgreed { category } => self
                .form
                .sharing
                .as_ref()
                .and_then(|rules| self.form.field(&rules.choices))
                .and_then(|field| match &field.kind {
                    FieldKind::MultipleChoice(options) => {
                        options.iter().find(|option| &option.id == category)
                    }
                    _ => None,
                })
                .map_or_else(
                    || category.clone(),
                    |option| option.label.get(language).to_owned(),
                ),
        }
    }
}

fn read_withheld(form: &FormDefinition, raw: RawWithheld) -> Result<Withheld, ReceivedError> {
    let malformed = |why: &str| ReceivedError::Malformed(format!("withheld: {why}"));
    match raw.reason.as_str() {
        "only_to" => {
            let field = raw.field.ok_or_else(|| malformed("no field"))?;
            if form.field(&field).is_none() {
                return Err(malformed("a field the form does not have"));
            }
            let kinds = raw
                .only_to
                .iter()
                .map(|kind| AgencyKind::parse(kind).ok_or_else(|| malformed("an unknown kind")))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Withheld::OnlyTo { field, kinds })
        }
        "not_agreed" => {
            let category = raw.category.ok_or_else(|| malformed("no category"))?;
            Ok(Withheld::NotAgreed { category })
        }
        // Not quoted: it is decrypted content, and an error may reach a log.
        _ => Err(malformed("an unknown reason")),
    }
}
