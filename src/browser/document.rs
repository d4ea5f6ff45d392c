//! The one place the app touches the document outside its own root element: where to
//! mount, the page language and the SHA-384 of each language file, and what the boot
//! script (`www/boot.js`) and the app tell each other: that the app has started, and what
//! the worker chose before it had.

use web_sys::Element;

/// The element the app renders into; the whole body if the page has no `#app`.
pub fn app_root() -> Element {
    let document = gloo::utils::document();
    document
        .get_element_by_id("app")
        .or_else(|| document.body().map(Element::from))
        .expect("a page with a body")
}

/// Tells `www/boot.js` that the app is running, and removes the page's first screen (the
/// plain-HTML home screen and Quick exit, `#boot`): from now on the app draws every screen.
pub fn mark_started() {
    let document = gloo::utils::document();
    if let Some(root) = document.document_element() {
        let _ = root.set_attribute("data-confidant", "started");
    }
    if let Some(first_screen) = document.get_element_by_id("boot") {
        first_screen.remove();
    }
}

/// Tells `www/boot.js` that the app will not start, which it shows as its failure notice.
pub fn mark_failed() {
    if let Some(root) = gloo::utils::document().document_element() {
        let _ = root.set_attribute("data-confidant", "failed");
    }
}

/// Where an embedded form's frame is, when the page is one (`/embed/FORM?partner=ID`).
pub fn embed_address() -> Option<crate::embed::EmbedAddress> {
    let location = gloo::utils::window().location();
    crate::embed::EmbedAddress::parse(
        &location.pathname().ok()?,
        &location.search().ok()?,
        &location.hash().ok()?,
    )
}

/// How tall the app's content is, in CSS pixels: what an embedded form's frame needs.
pub fn content_height() -> f64 {
    f64::from(app_root().scroll_height())
}

/// What the worker chose on the first screen before the app had arrived (`boot.js` writes
/// it as `data-confidant-open` on `<html>`): `identify`, `refer`, `inbox`, `outbox` or
/// `groups`. Read once; the mark is removed.
pub fn take_first_choice() -> Option<String> {
    let root = gloo::utils::document().document_element()?;
    let choice = root.get_attribute("data-confidant-open")?;
    let _ = root.remove_attribute("data-confidant-open");
    Some(choice)
}

/// Sets the page's language and writing direction, so that screen readers pronounce it
/// right and right-to-left scripts mirror the whole layout.
pub fn set_language(tag: &str, right_to_left: bool) {
    if let Some(root) = gloo::utils::document().document_element() {
        let _ = root.set_attribute("lang", tag);
        let _ = root.set_attribute("dir", if right_to_left { "rtl" } else { "ltr" });
    }
}

/// What the page's `<meta name="NAME" content="…">` says, the build's settings for the
/// app (the quick exit's address, the integrity of files fetched later). `None` without
/// such a tag, or without a document (never a panic: the quick exit reads it).
pub fn meta_content(name: &str) -> Option<String> {
    web_sys::window()?
        .document()?
        .query_selector(&format!(r#"meta[name="{name}"]"#))
        .ok()??
        .get_attribute("content")
}

/// The SHA-384 (`sha384-…`) the page names for the interface's language file
/// `lang/TAG.txt`: `<meta name="confidant-languages" content="TAG sha384-… TAG sha384-…">`,
/// written at build time (`scripts/pin-wasm-integrity.mjs`). `None` for a language the page
/// names none for: such a file is never fetched.
pub fn language_integrity(tag: &str) -> Option<String> {
    let content = meta_content("confidant-languages")?;
    let mut words = content.split_whitespace();
    while let (Some(given), Some(integrity)) = (words.next(), words.next()) {
        if given == tag && integrity.starts_with("sha384-") {
            return Some(integrity.to_owned());
        }
    }
    None
}
