//! The answers of the group's own checklists, kept in this browser when the coordinator
//! chooses to keep them: the only answers ever stored unsealed.
//!
//! Those forms hold no personal data. That is not taken on trust: a form is kept only
//! when every field of its definition is of the `organisational` class, and anything else
//! is refused here, whatever the caller asks.

use confidant_core::form::{Answers, FormDefinition};

use super::storage;

const PREFIX: &str = "confidant.kept.";

/// Why answers were not kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotKept {
    /// The form has fields about a person: its answers never go to storage.
    HoldsPersonalData,
    /// The browser refused (storage disabled, full, or a private mode).
    Refused,
}

/// Keeps `answers` of an organisational form in this browser.
pub fn keep(form: &FormDefinition, answers: &Answers) -> Result<(), NotKept> {
    if !form.is_organisational() {
        return Err(NotKept::HoldsPersonalData);
    }
    storage::write(
        &format!("{PREFIX}{}", form.id),
        &confidant_core::json_text(&answers.to_json()),
    )
    .map_err(|storage::Refused| NotKept::Refused)
}

/// The answers kept for this form, if any (and if they still fit its definition).
pub fn kept(form: &FormDefinition) -> Option<Answers> {
    if !form.is_organisational() {
        return None;
    }
    let text = storage::read(&format!("{PREFIX}{}", form.id))?;
    Answers::from_json_text(form, &text).ok()
}

/// Forgets the kept answers of the form `form_id`.
pub fn forget(form_id: &str) {
    storage::remove(&format!("{PREFIX}{form_id}"));
}
