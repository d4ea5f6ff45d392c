//! The inbox's own module: the app loads it when a worker opens the inbox
//! (`src/screens/inbox_host.rs`, through `www/inbox-loader.js`) and mounts it in the
//! inbox screen. It holds the inbox, keyrings and the opening of packets, which the way to
//! a sealed referral never needs, so the app's own module does not carry them.
//! `src/inbox_root.rs` says what crosses between the two modules.

use wasm_bindgen::prelude::wasm_bindgen;

// A keyring's secrets and what was opened leave no copy in the module's memory once
// dropped.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static WIPED_ON_FREE: zeroizing_alloc::ZeroAlloc<std::alloc::System> =
    zeroizing_alloc::ZeroAlloc(std::alloc::System);

fn main() {}

/// The inbox, mounted in an element of the app's page.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Inbox(confidant_web::inbox_root::Mounted);

#[wasm_bindgen]
impl Inbox {
    /// The shell's newer state: its sent referrals (`inbox_root::sent_text`) and language.
    pub fn update(&mut self, sent: &str, language: String) {
        self.0.update(sent, language);
    }

    /// Unmounts the inbox and drops everything it held.
    pub fn destroy(self) {
        self.0.destroy();
    }
}

/// Mounts the inbox in `root` (`inbox_root::mount` says what `onsigner` is given).
#[wasm_bindgen]
pub fn mount(
    root: web_sys::Element,
    sent: &str,
    language: String,
    onsigner: js_sys::Function,
) -> Inbox {
    Inbox(confidant_web::inbox_root::mount(
        root, sent, language, onsigner,
    ))
}
