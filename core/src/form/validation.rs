//! Checking answers against their fields' rules (required, lengths, ranges, dates not in
//! the future), for the fields that are shown.

use super::answers::{Answer, Answers};
use super::definition::{Field, FormDefinition};

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
    /// Checks the answers of every shown field. `today` (`YYYY-MM-DD`) is the caller's
    /// date, for `not_in_future`.
    pub fn validate(&self, answers: &Answers, today: &str) -> Vec<ValidationError> {
        self.validate_sections(answers, today, |_| true)
    }

    /// Checks the answers of the shown fields of one section (by id), as "Next" does
    /// before it leaves the section: the same errors [`FormDefinition::validate`] finds
    /// there, and none of any other section.
    pub fn validate_section(
        &self,
        section: &str,
        answers: &Answers,
        today: &str,
    ) -> Vec<ValidationError> {
        self.validate_sections(answers, today, |id| id == section)
    }

    fn validate_sections(
        &self,
        answers: &Answers,
        today: &str,
        checked: impl Fn(&str) -> bool,
    ) -> Vec<ValidationError> {
        let mut errors = Vec::new();
        for section in self.sections.iter().filter(|section| checked(&section.id)) {
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
