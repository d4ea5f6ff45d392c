//! The drafts panel's own module (`src/bin/drafts.rs`, [`super::page_modules::DRAFTS`]),
//! as the app mounts it ([`crate::components::draft_host`]). What crosses: [`crate::drafts_root`].

use wasm_bindgen::JsValue;
use wasm_bindgen::closure::Closure;

use super::page_modules::{self, Loaded, ModuleError, Mounted};
use crate::components::draft_panel::DraftEvent;
use crate::drafts_root::{PanelState, read_event};

/// Mounts the panel in `root` with the shell's drafts state; `ondraft` gets each thing the
/// worker does in it.
pub fn mount(
    loaded: &Loaded,
    root: &web_sys::Element,
    state: &PanelState,
    language: &str,
    ondraft: yew::Callback<DraftEvent>,
) -> Result<Mounted, ModuleError> {
    let callback = Closure::<dyn Fn(JsValue)>::new(move |given: JsValue| {
        if let Some(event) = page_modules::take_bytes(given).and_then(|bytes| read_event(&bytes)) {
            ondraft.emit(event);
        }
    });
    let crossing = state.to_crossing();
    let given = page_modules::bytes(crossing.bytes());
    let mounted = loaded.mount(&[root.as_ref(), &given, &language.into()], callback);
    page_modules::wipe(&given);
    mounted
}

/// Gives the mounted panel the shell's newer drafts state and language.
pub fn update(mounted: &Mounted, state: &PanelState, language: &str) {
    let crossing = state.to_crossing();
    let given = page_modules::bytes(crossing.bytes());
    mounted.call("update", &[&given, &language.into()]);
    page_modules::wipe(&given);
}
