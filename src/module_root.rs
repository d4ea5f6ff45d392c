//! What the app's other modules (the inbox's, the drafts panel's) need to mount inside
//! the app's page: their own numbers for their roots, and the app's language.

use std::cell::Cell;

use yew::prelude::*;

use crate::interface_text::{BUILT_IN, is_loaded};

thread_local! {
    /// Whether this module has skipped the number of the app's root (below).
    static APPS_NUMBER_SKIPPED: Cell<bool> = const { Cell::new(false) };
}

/// Nothing: the app mounted and dropped to skip a root number.
#[function_component(Nothing)]
fn nothing() -> Html {
    html! {}
}

/// Yew numbers the roots it mounts, counting from the same first number in every module,
/// and marks each root's element, and each event it handles, with that number. The app's
/// module has one root, `#app`, and the other modules mount inside it: numbered alike,
/// the app would take their clicks for its own and run its own handlers. So before its
/// first real root, a module mounts and drops an empty one, and its roots never share the
/// app's number. (The app mounts no other root, no portal: a second one would need a
/// second skip here. The inbox and the drafts panel may share numbers: they are never in
/// the page together, as the panel is on the checklist's and the referral's screens.)
/// `tests/e2e/inbox.test.mjs` clicks through the inbox, and `tests/e2e/send.test.mjs`
/// through the panel, which fail without this.
pub fn skip_the_apps_root_number() {
    if APPS_NUMBER_SKIPPED.with(|skipped| skipped.replace(true)) {
        return;
    }
    if let Ok(detached) = gloo::utils::document().create_element("div") {
        yew::Renderer::<Nothing>::with_root(detached)
            .render()
            .destroy();
    }
}

/// The language to show: the app's, once this module has its words (it fetches them as
/// the app did), English until then.
#[hook]
pub fn use_loaded_language(language: &AttrValue) -> AttrValue {
    let shown = use_state(|| {
        if is_loaded(language) {
            language.clone()
        } else {
            AttrValue::from(BUILT_IN)
        }
    });
    {
        let shown = shown.clone();
        use_effect_with(language.clone(), move |language| {
            crate::use_cases::when_language_loaded(language.to_string(), move |tag, loaded| {
                if loaded {
                    shown.set(tag.into());
                }
            });
        });
    }
    (*shown).clone()
}
