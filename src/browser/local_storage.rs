//! The one place the app touches `localStorage`, and the only thing it ever keeps there:
//! the answers of the group's own checklists, when the coordinator chooses to keep them.
//!
//! Those forms hold no personal data. That is not taken on trust: a form is kept only
//! when every field of its definition is of the `organisational` class, and anything else
//! is refused here, whatever the caller asks.

use confidant_core::form::{Answers, FormDefinition};

const PREFIX: &str = "confidant.kept.";

/// Why answers were not kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotKept {
    /// The form has fields about a person: its answers never go to storage.
    HoldsPersonalData,
    /// The browser refused (storage disabled, full, or a private mode).
    Refused,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|window| window.local_storage().ok().flatten())
}

/// Keeps `answers` of an organisational form in this browser.
pub fn keep(form: &FormDefinition, answers: &Answers) -> Result<(), NotKept> {
    if !form.is_organisational() {
        return Err(NotKept::HoldsPersonalData);
    }
    let storage = storage().ok_or(NotKept::Refused)?;
    storage
        .set_item(
            &format!("{PREFIX}{}", form.id),
            &answers.to_json().to_string(),
        )
        .map_err(|_| NotKept::Refused)
}

/// The answers kept for this form, if any (and if they still fit its definition).
pub fn kept(form: &FormDefinition) -> Option<Answers> {
    if !form.is_organisational() {
        return None;
    }
    let text = storage()?
        .get_item(&format!("{PREFIX}{}", form.id))
        .ok()
        .flatten()?;
    Answers::from_json_text(form, &text).ok()
}

/// Forgets the answers kept for the form `form_id`.
pub fn forget(form_id: &str) {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(&format!("{PREFIX}{form_id}"));
    }
}
