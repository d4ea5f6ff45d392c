//! Why a form definition or translation cannot be used: where, what kind of fault, and a
//! short message for the person who wrote it.
//!
//! The kind is for programs (a form editor marking the faulty member, a test that must
//! not depend on wording); the message is for people and may be reworded. Messages quote
//! ids and keywords of the definition, which is published, never an answer.

use std::fmt;

/// A definition that cannot be used: where (a path such as `sections[2].fields[0].label`),
/// what kind of fault, and a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormError {
    /// Where, from the definition's root; empty for the whole text. A translation's
    /// faults are prefixed `translation LANGUAGE: `.
    pub path: String,
    pub kind: FormErrorKind,
    /// What is wrong, in a short lowercase phrase.
    pub message: String,
}

/// What kind of fault a [`FormError`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FormErrorKind {
    /// The text is larger than a definition may be.
    TooLarge,
    /// The text nests too deeply or has too many elements, or a condition does.
    TooComplex,
    /// Not JSON, or JSON of the wrong shape: an unknown, missing or mistyped member.
    Malformed,
    /// The `format` member names another format.
    WrongFormat,
    /// The `format_version` is not one this code reads.
    UnsupportedVersion,
    /// Something the format requires is absent or too few: a text in a declared language,
    /// a section's fields, a field's choices.
    Missing,
    /// An id or a language tag that is not spelt as the format requires.
    InvalidId,
    /// An id, a language or a scored field given twice where it must be unique.
    DuplicateId,
    /// A keyword the format does not know (a field kind, a data class, a weight, …).
    UnknownValue,
    /// A name of something that does not exist, or not at that point: a field, a
    /// profile, a dimension, a choice, a language, a section.
    UnknownReference,
    /// A member or a reference that does not suit the field it is on or names: a
    /// validation rule for another kind, `includes` on a single choice, …
    DoesNotFit,
    /// A value outside what its member allows (a version too long, bounds out of order).
    InvalidValue,
}

impl FormErrorKind {
    /// The fault of an id that must be `well_formed` and `unique`, if it has one; its
    /// spelling is judged first.
    pub(super) fn of_id(well_formed: bool, unique: bool) -> Option<Self> {
        if !well_formed {
            Some(Self::InvalidId)
        } else if !unique {
            Some(Self::DuplicateId)
        } else {
            None
        }
    }

    /// A stable machine-readable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::TooLarge => "too_large",
            Self::TooComplex => "too_complex",
            Self::Malformed => "malformed",
            Self::WrongFormat => "wrong_format",
            Self::UnsupportedVersion => "unsupported_version",
            Self::Missing => "missing",
            Self::InvalidId => "invalid_id",
            Self::DuplicateId => "duplicate_id",
            Self::UnknownValue => "unknown_value",
            Self::UnknownReference => "unknown_reference",
            Self::DoesNotFit => "does_not_fit",
            Self::InvalidValue => "invalid_value",
        }
    }
}

impl fmt::Display for FormErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for FormError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for FormError {}

pub(super) fn error(
    kind: FormErrorKind,
    path: impl Into<String>,
    message: impl Into<String>,
) -> FormError {
    FormError {
        path: path.into(),
        kind,
        message: message.into(),
    }
}
