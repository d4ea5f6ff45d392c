//! The one place the app touches the document outside its own root element: where to
//! mount, the page language, and the boot script's status flag.

use web_sys::Element;

/// The element the app renders into; the whole body if the page has no `#app`.
pub fn app_root() -> Element {
    let document = gloo::utils::document();
    document
        .get_element_by_id("app")
        .or_else(|| document.body().map(Element::from))
        .expect("a page with a body")
}

/// Tells `www/boot.js` that the app is running, so it hides its loading notice and does
/// not report a failure.
pub fn mark_started() {
    if let Some(root) = gloo::utils::document().document_element() {
        let _ = root.set_attribute("data-confidant", "started");
    }
}

/// Sets the page's language and writing direction, so that screen readers pronounce it
/// right and right-to-left scripts mirror the whole layout.
pub fn set_language(tag: &str, right_to_left: bool) {
    if let Some(root) = gloo::utils::document().document_element() {
        let _ = root.set_attribute("lang", tag);
        let _ = root.set_attribute("dir", if right_to_left { "rtl" } else { "ltr" });
    }
}
