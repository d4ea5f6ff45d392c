//! The one place the app moves the keyboard focus: to a screen's heading when it opens
//! (so that a screen reader announces it), to the error summary after a check, to a
//! question from the summary's links, and to whatever takes the place of a control the
//! worker pressed ([`after_next_paint`]).

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

/// Focuses the element with this id once the render that the worker's action scheduled
/// is painted: for when the control pressed makes way for something else (a fold for
/// its first field, a button for the sentence that says what it did, a section for the
/// next), so that the focus, and a screen reader with it, is not left on the page's
/// body.
pub fn after_next_paint(id: impl AsRef<str> + 'static) {
    super::frames::after_next_paint(move || focus_id(id.as_ref()));
}
