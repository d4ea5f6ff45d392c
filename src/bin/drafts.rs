//! The drafts panel's own module: the app loads it when a worker opens the panel's fold,
//! or when drafts are kept or unlocked (`src/components/draft_host.rs`, through
//! `www/drafts-loader.js`), and mounts it where the panel goes. It holds the unlocking of
//! drafts and the derivation of their key, which the way to a sealed referral never needs,
//! so the app's own module does not carry them. `src/drafts_root.rs` says what crosses
//! between the two modules.

use wasm_bindgen::prelude::wasm_bindgen;

// A passphrase, a key, labels and answers leave no copy in the module's memory once
// dropped.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static WIPED_ON_FREE: zeroizing_alloc::ZeroAlloc<std::alloc::System> =
    zeroizing_alloc::ZeroAlloc(std::alloc::System);

fn main() {}

/// The drafts panel, mounted in an element of the app's page.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Drafts(confidant_web::drafts_root::Mounted);

#[wasm_bindgen]
impl Drafts {
    /// The shell's newer drafts state (`drafts_root::PanelState`, as bytes) and language.
    pub fn update(&mut self, state: &[u8], language: String) {
        self.0.update(state, language);
    }

    /// Unmounts the panel and drops everything it held.
    pub fn destroy(self) {
        self.0.destroy();
    }
}

/// Mounts the panel in `root` (`drafts_root::mount` says what `ondraft` is given);
/// nothing when `state` is not a panel's state.
#[wasm_bindgen]
pub fn mount(
    root: web_sys::Element,
    state: &[u8],
    language: String,
    ondraft: js_sys::Function,
) -> Option<Drafts> {
    confidant_web::drafts_root::mount(root, state, language, ondraft).map(Drafts)
}
