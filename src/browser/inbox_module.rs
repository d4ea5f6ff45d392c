//! The inbox's own module (`src/bin/inbox.rs`, [`super::page_modules::INBOX`]), as the
//! app mounts it ([`crate::screens::inbox_host`]). What crosses: [`crate::inbox_root`].

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use super::page_modules::{self, Loaded, ModuleError, Mounted};

/// Mounts the inbox in `root`. `onsigner` gets the unlocked keyring's 32-byte signing
/// seed (then zero-filled), or `None` when it locks.
pub fn mount(
    loaded: &Loaded,
    root: &web_sys::Element,
    sent: &str,
    language: &str,
    onsigner: impl Fn(Option<zeroize::Zeroizing<[u8; 32]>>) + 'static,
) -> Result<Mounted, ModuleError> {
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
    loaded.mount(&[root.as_ref(), &sent.into(), &language.into()], onsigner)
}

/// Gives the mounted inbox the shell's newer sent referrals and language. (Unmounting it,
/// [`Mounted::destroy`], makes the module drop the keyring and everything opened.)
pub fn update(mounted: &Mounted, sent: &str, language: &str) {
    mounted.call("update", &[&sent.into(), &language.into()]);
}
