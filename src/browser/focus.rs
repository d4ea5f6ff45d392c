//! The one place the app moves the keyboard focus: to a screen's heading when it opens
//! (so that a screen reader announces it), to the error summary after a check, and to a
//! question from the summary's links.

use wasm_bindgen::JsCast;

/// Focuses `element`, if it is an element that can take the focus.
pub fn focus(element: &web_sys::Element) {
    if let Some(element) = element.dyn_ref::<web_sys::HtmlElement>() {
        let _ = element.focus();
    }
}

/// Focuses the element with this id, if there is one.
pub fn focus_id(id: &str) {
    if let Some(element) = gloo::utils::document().get_element_by_id(id) {
        focus(&element);
    }
}
