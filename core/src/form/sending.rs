//! What a referral may be sent as, and the payload that is sealed: the answers of the
//! questions shown (a hidden question's answer never leaves), the form definition they
//! answer (so that a packet stays readable after the form changes), and the sender's
//! public key (so that the agencies can reply).
//!
//! The consent rule reads the referral form's fields by id: `age_group`
//! (`adult`/`child`/`uncertain`), `referral_type` (`full`/`anonymous`/`onward`),
//! `consent_referral` and `child_informed`.

use serde_json::{Map, Value, json};

use super::answers::{Answer, Answers};
use super::definition::{Field, FormDefinition};

/// How a referral goes out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SendAs {
    /// With the person's identity: an adult who consented, or a child.
    Full,
    /// An anonymous notification: no identity question is shown, so none is sent.
    Anonymous,
}

/// Why a referral cannot go out as it stands. Names a rule, never an answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotSendable {
    /// The age question is not answered.
    AgeMissing,
    /// The kind of referral is not chosen.
    TypeMissing,
    /// An adult's full referral needs their recorded consent.
    ConsentMissing,
    /// The adult declined: only an anonymous notification may be sent.
    ConsentDeclined,
    /// A child's referral records whether the child was informed.
    ChildNotInformed,
    /// A child, or a person who may be one, is always referred in full.
    ChildAnonymous,
}

impl NotSendable {
    /// A stable machine-readable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AgeMissing => "age_missing",
            Self::TypeMissing => "type_missing",
            Self::ConsentMissing => "consent_missing",
            Self::ConsentDeclined => "consent_declined",
            Self::ChildNotInformed => "child_not_informed",
            Self::ChildAnonymous => "child_anonymous",
        }
    }
}

/// The consent gate of a referral: a full referral of an adult needs recorded consent;
/// when the adult declines, only an anonymous notification may go; a child (or a person
/// whose age is uncertain, who is treated as a child) needs no consent, but the referral
/// records that the child was informed.
pub fn consent_gate(answers: &Answers) -> Result<SendAs, NotSendable> {
    let choice = |field: &str| match answers.get(field) {
        Some(Answer::Choice(choice)) => Some(choice.as_str()),
        _ => None,
    };
    let age = choice("age_group").ok_or(NotSendable::AgeMissing)?;
    let kind = choice("referral_type").ok_or(NotSendable::TypeMissing)?;
    if age != "adult" {
        if kind == "anonymous" {
            return Err(NotSendable::ChildAnonymous);
        }
        return match answers.get("child_informed") {
            Some(Answer::YesNo(_)) => Ok(SendAs::Full),
            _ => Err(NotSendable::ChildNotInformed),
        };
    }
    if kind == "anonymous" {
        return Ok(SendAs::Anonymous);
    }
    match answers.get("consent_referral") {
        Some(Answer::Consent(true)) => Ok(SendAs::Full),
        Some(Answer::Consent(false)) => Err(NotSendable::ConsentDeclined),
        _ => Err(NotSendable::ConsentMissing),
    }
}

impl FormDefinition {
    /// The answers of the questions shown: what a hidden question was once answered stays
    /// behind (an anonymous notification thus carries no identity).
    pub fn shown_answers(&self, answers: &Answers) -> Answers {
        let mut shown = Answers::new();
        for field in self.fields() {
            if let Some(answer) = answers.get(&field.id)
                && self.is_shown(&field.id, answers)
            {
                shown.set(field.id.clone(), answer.clone());
            }
        }
        shown
    }

    /// The answered, shown fields that a packet to agencies of `recipient_kinds` must
    /// leave out: those whose `only_to` does not name every one of those kinds (the
    /// suspected exploiters go to the police only).
    pub fn withheld_for<'a>(
        &'a self,
        answers: &Answers,
        recipient_kinds: &[&str],
    ) -> Vec<&'a Field> {
        self.fields()
            .filter(|field| {
                field.only_to.as_ref().is_some_and(|only| {
                    recipient_kinds
                        .iter()
                        .any(|kind| !only.iter().any(|allowed| allowed == kind))
                })
            })
            .filter(|field| answers.get(&field.id).is_some() && self.is_shown(&field.id, answers))
            .collect()
    }
}

/// The payload a referral is sealed with (format `confidant-referral` 1): the form's id
/// and version, the language it was filled in, the definition and the translation it was
/// shown with (as read, JSON), the answers of the questions shown that every recipient
/// may receive (see [`FormDefinition::withheld_for`]), and the sender's public key (a
/// JWK). `definition` and `translation` must be the texts `form` was parsed from;
/// `recipient_kinds` are the kinds of the agencies it is sealed for.
pub fn referral_payload(
    form: &FormDefinition,
    definition: &str,
    translation: Option<&str>,
    language: &str,
    answers: &Answers,
    recipient_kinds: &[&str],
    sender: &Value,
) -> Result<String, serde_json::Error> {
    let mut payload = Map::new();
    payload.insert("format".into(), json!("confidant-referral"));
    payload.insert("format_version".into(), json!(1));
    payload.insert(
        "form".into(),
        json!({ "id": form.id, "version": form.version }),
    );
    payload.insert("language".into(), json!(language));
    payload.insert("definition".into(), serde_json::from_str(definition)?);
    if let Some(translation) = translation {
        payload.insert("translation".into(), serde_json::from_str(translation)?);
    }
    let mut sent = form.shown_answers(answers);
    for field in form.withheld_for(answers, recipient_kinds) {
        sent.remove(&field.id);
    }
    payload.insert("answers".into(), sent.to_json());
    payload.insert("sender".into(), sender.clone());
    serde_json::to_string(&Value::Object(payload))
}
