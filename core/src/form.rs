//! Forms: definitions parsed once into checked types, answers, what is shown, what is
//! missing, and how the identification checklist's indicators add up.
//!
//! The format is `docs/forms.md`. Nothing here renders, stores or sends anything, and no
//! error or message ever repeats an answer: validation errors name a field and a kind.

mod answers;
mod condition;
mod definition;
mod follow;
mod scoring;
mod sending;
mod translation;

pub use answers::{Answer, Answers, AnswersError, NeedLevel, YesNo};
pub use condition::Condition;
pub use definition::{
    AGENCY_KINDS, Coarsen, DataClass, Draft, Field, FieldKind, FormDefinition, FormError,
    OutcomeFact, Prefill, ReviewStatus, Section, SharingRules, Text, ValueOption,
};
pub use follow::DraftSection;
pub use scoring::{DimensionResult, DimensionStatus, Outcome, Scoring, Weight};
pub use sending::{
    LeftOut, NotSendable, PlannedPacket, REFERRAL_FORMAT, REFERRAL_FORMAT_VERSION, Reason, SendAs,
    consent_gate, plan_referral, recipient_agreed,
};

/// Why an answer set is not complete or not valid. Carries the field, never its value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidationError {
    /// `section_id.field_id`.
    pub path: String,
    pub kind: ValidationKind,
}

/// What is wrong with one answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValidationKind {
    Required,
    TooLong,
    TooSmall,
    TooLarge,
    NotInteger,
    InFuture,
}

impl ValidationKind {
    /// A stable machine-readable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Required => "required",
            Self::TooLong => "too_long",
            Self::TooSmall => "too_small",
            Self::TooLarge => "too_large",
            Self::NotInteger => "not_integer",
            Self::InFuture => "in_future",
        }
    }
}

impl FormDefinition {
    /// Whether the field `id` is shown, given the answers so far (its section's and its
    /// own condition).
    pub fn is_shown(&self, id: &str, answers: &Answers) -> bool {
        self.locate(id).is_some_and(|(section, field)| {
            section
                .show_if
                .as_ref()
                .is_none_or(|c| c.holds(self, answers))
                && field
                    .show_if
                    .as_ref()
                    .is_none_or(|c| c.holds(self, answers))
        })
    }

    /// Checks the answers of every shown field. `today` (`YYYY-MM-DD`) is the caller's
    /// date, for `not_in_future`.
    pub fn validate(&self, answers: &Answers, today: &str) -> Vec<ValidationError> {
        let mut errors = Vec::new();
        for section in &self.sections {
            for field in &section.fields {
                if !self.is_shown(&field.id, answers) {
                    continue;
                }
                let path = format!("{}.{}", section.id, field.id);
                let kind = match answers.get(&field.id) {
                    None if field.required => Some(ValidationKind::Required),
                    None => None,
                    Some(answer) => check_answer(field, answer, today),
                };
                if let Some(kind) = kind {
                    errors.push(ValidationError { path, kind });
                }
            }
        }
        errors
    }
}

fn check_answer(field: &Field, answer: &Answer, today: &str) -> Option<ValidationKind> {
    let rules = &field.validation;
    match answer {
        Answer::Text(text) => rules
            .max_length
            .filter(|max| text.chars().count() > *max)
            .map(|_| ValidationKind::TooLong),
        Answer::Number(value) => {
            if rules.integer && value.fract() != 0.0 {
                Some(ValidationKind::NotInteger)
            } else if rules.min.is_some_and(|min| *value < min) {
                Some(ValidationKind::TooSmall)
            } else if rules.max.is_some_and(|max| *value > max) {
                Some(ValidationKind::TooLarge)
            } else {
                None
            }
        }
        // Dates compare as text: both are ISO 8601 with fixed widths.
        Answer::Date(date) | Answer::DateTime(date) => (rules.not_in_future
            && date.get(..10).is_some_and(|day| day > today))
        .then_some(ValidationKind::InFuture),
        Answer::Choices(choices) if field.required && choices.is_empty() => {
            Some(ValidationKind::Required)
        }
        _ => None,
    }
}
