//! Why a form definition or translation cannot be used.

use std::fmt;

/// A definition that cannot be used: where (a path such as `sections[2].fields[0].label`)
/// and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormError {
    pub path: String,
    pub message: String,
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

pub(crate) fn error(path: impl Into<String>, message: impl Into<String>) -> FormError {
    FormError {
        path: path.into(),
        message: message.into(),
    }
}
