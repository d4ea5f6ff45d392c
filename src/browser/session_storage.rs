//! The one place the app touches `sessionStorage`.
//!
//! Confidant writes nothing personal here (drafts are sealed before they are stored, and
//! not here); the quick exit clears it all the same, in case anything on the page did.

/// Removes every entry of this tab's session storage. Does nothing where the browser
/// refuses access to storage (private modes, sandboxed frames): there is then nothing to
/// clear.
pub fn clear() {
    if let Some(storage) =
        web_sys::window().and_then(|window| window.session_storage().ok().flatten())
    {
        let _ = storage.clear();
    }
}
