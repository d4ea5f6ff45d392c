//! The sealed draft of a form in the browser's storage (`confidant_core::draft`): only the
//! sealed text is ever stored; the passphrase and the key stay in memory.

use super::storage;

const PREFIX: &str = "confidant.draft.";

/// The sealed draft kept for the form `form_id`, if any.
pub fn stored(form_id: &str) -> Option<String> {
    storage::read(&format!("{PREFIX}{form_id}"))
}

/// Keeps a sealed draft; `false` when the browser refused (storage off or full).
pub fn keep(form_id: &str, sealed: &str) -> bool {
    storage::write(&format!("{PREFIX}{form_id}"), sealed).is_ok()
}

/// Deletes the draft of `form_id`.
pub fn forget(form_id: &str) {
    storage::remove(&format!("{PREFIX}{form_id}"));
}
