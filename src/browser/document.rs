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
