//! The inbox's own module (`src/bin/inbox.rs`), as the app loads and mounts it
//! ([`crate::screens::inbox_host`]). What crosses: [`crate::inbox_root`].

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use super::page_modules::{self, INBOX, ModuleError, Mounted};

/// The inbox, mounted by its module in an element of the app's page.
#[derive(Debug)]
pub struct InboxMounted(Mounted);

/// Loads the module if needed, and mounts the inbox in `root`. `onsigner` gets the
/// unlocked keyring's 32-byte signing seed (then zero-filled), or `None` when it locks.
pub async fn mount(
    root: &web_sys::Element,
    sent: &str,
    language: &str,
    onsigner: impl Fn(Option<zeroize::Zeroizing<[u8; 32]>>) + 'static,
) -> Result<InboxMounted, ModuleError> {
    let loaded = page_modules::load(&INBOX).await?;
    let onsigner = Closure::<dyn Fn(JsValue)>::new(move |given: JsValue| {
        let seed = given
            .dyn_into::<js_sys::Uint8Array>()
            .ok()
            .and_then(|given| {
                let mut seed = zeroize::Zeroizing::new([0u8; 32]);
                let fits = given.length() == 32;
                if fits {
                    given.copy_to(&mut seed[..]);
                }
                page_modules::wipe(&given);
                fits.then_some(seed)
            });
        onsigner(seed);
    });
    loaded
        .mount(&[root.as_ref(), &sent.into(), &language.into()], onsigner)
        .map(InboxMounted)
}

impl InboxMounted {
    /// Gives the inbox the shell's newer sent referrals and language.
    pub fn update(&self, sent: &str, language: &str) {
        self.0.call("update", &[&sent.into(), &language.into()]);
    }

    /// Unmounts the inbox: the module drops the keyring and everything opened.
    pub fn destroy(self) {
        self.0.destroy();
    }
}
