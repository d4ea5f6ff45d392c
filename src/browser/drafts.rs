//! The sealed draft of a form in `localStorage` (`confidant_core::draft`): only the
//! sealed text is ever stored; the passphrase and the key stay in memory.

const PREFIX: &str = "confidant.draft.";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|window| window.local_storage().ok().flatten())
}

/// The sealed draft kept for the form `form_id`, if any.
pub fn stored(form_id: &str) -> Option<String> {
    storage()?
        .get_item(&format!("{PREFIX}{form_id}"))
        .ok()
        .flatten()
}

/// Keeps a sealed draft; `false` when the browser refused (storage off or full).
pub fn keep(form_id: &str, sealed: &str) -> bool {
    storage().is_some_and(|storage| {
        storage
            .set_item(&format!("{PREFIX}{form_id}"), sealed)
            .is_ok()
    })
}

/// Deletes the draft of `form_id`.
pub fn forget(form_id: &str) {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(&format!("{PREFIX}{form_id}"));
    }
}
