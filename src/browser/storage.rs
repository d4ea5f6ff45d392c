//! The one place the app opens the browser's storage (`localStorage` and
//! `sessionStorage`); the modules beside this one decide what goes in it.
//!
//! A worker's device may be shared or seized, so what is kept here is only what must
//! survive a reload, and never anything readable about a person or an agency. The one
//! time kept is the day an agency keyring's saved copy last opened (backup drills):
//!
//! | key | what | module |
//! | --- | --- | --- |
//! | `confidant.outbox.PACKET_ID` | a sealed packet not yet delivered, and whether the server refused it | [`super::outbox`] |
//! | `confidant.draft.person.RANDOM` | a person's draft sealed under the worker's passphrase (label and date inside) | [`super::drafts`] |
//! | `confidant.draft.profile` | the worker's agency details, only when they chose to keep them, sealed under the same passphrase | [`super::drafts`] |
//! | `confidant.pins` | digests of the agencies seen (trust on first use) | [`super::pins`] |
//! | `confidant.backup-checks` | by digest of an agency keyring's key id, the day its saved copy last opened and how often it has: backup drills | [`super::backup_checks`] |
//! | `confidant.kept.FORM_ID` | a group checklist's answers, only when the coordinator chose to keep them and only for wholly organisational forms | [`super::kept_checklists`] |
//!
//! Session storage holds nothing of the app's; the quick exit clears it all the same.

/// The browser would not store something: storage is off, full, or refused to this page
/// (a private mode, a sandboxed or third-party frame).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Refused;

fn local() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|window| window.local_storage().ok().flatten())
}

/// The text kept under `key`, if any.
pub fn read(key: &str) -> Option<String> {
    local()?.get_item(key).ok().flatten()
}

/// Keeps `value` under `key`.
pub fn write(key: &str, value: &str) -> Result<(), Refused> {
    local()
        .ok_or(Refused)?
        .set_item(key, value)
        .map_err(|_| Refused)
}

/// Removes `key`, if it is there.
pub fn remove(key: &str) {
    if let Some(storage) = local() {
        let _ = storage.remove_item(key);
    }
}

/// Every key that starts with `prefix`.
pub fn keys_with_prefix(prefix: &str) -> Vec<String> {
    let Some(storage) = local() else {
        return Vec::new();
    };
    let count = storage.length().unwrap_or(0);
    (0..count)
        .filter_map(|index| storage.key(index).ok().flatten())
        .filter(|key| key.starts_with(prefix))
        .collect()
}

/// Removes every entry of this tab's session storage. Does nothing where the browser
/// refuses access to storage: there is then nothing to clear.
pub fn clear_session() {
    if let Some(storage) =
        web_sys::window().and_then(|window| window.session_storage().ok().flatten())
    {
        let _ = storage.clear();
    }
}
