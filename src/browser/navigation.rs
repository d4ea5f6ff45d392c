//! The one place the app touches the location and the history.
//!
//! Screens inside the app are in-memory state, not history entries: the app occupies a
//! single entry, so that leaving it with [`leave_for_neutral_page`] leaves nothing behind
//! for the back button to return to.

/// Where the quick exit goes unless the page names another address in
/// `<meta name="confidant-quick-exit" content="...">`: a busy, ordinary website.
pub const DEFAULT_NEUTRAL_PAGE: &str = "https://www.bbc.com/weather";

/// The neutral address configured for this deployment.
pub fn neutral_page() -> String {
    super::document::meta_content("confidant-quick-exit")
        .filter(|url| !url.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_NEUTRAL_PAGE.to_owned())
}

/// Replaces the app's history entry with the neutral page.
///
/// `location.replace` swaps the current entry instead of pushing one, so the back button
/// goes to whatever was open before the app, never to the app. The entry's own address is
/// first reset to the bare origin path, in case anything was appended to it.
pub fn leave_for_neutral_page() {
    LEAVING.with(|leaving| leaving.set(true));
    let Some(window) = web_sys::window() else {
        return;
    };
    // In a partner's frame, the whole tab goes: the frame's sandbox lets it navigate the
    // top window on the visitor's press, and on nothing else.
    if let Ok(Some(top)) = window.top()
        && !js_sys::Object::is(top.as_ref(), window.as_ref())
        && top.location().replace(&neutral_page()).is_ok()
    {
        return;
    }
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some("/"));
    }
    let _ = window.location().replace(&neutral_page());
}

thread_local! {
    /// Set by the quick exit, which must never be held up by a question.
    static LEAVING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Asks before the page is left while `unsaved` says there are answers that would be lost
/// (Back, a reload, closing the tab: the browser shows its own question). Never on the
/// quick exit. Stops asking when the returned handle is dropped.
pub fn ask_before_leaving(
    unsaved: std::rc::Rc<std::cell::Cell<bool>>,
) -> gloo::events::EventListener {
    let options = gloo::events::EventListenerOptions::enable_prevent_default();
    gloo::events::EventListener::new_with_options(
        &gloo::utils::window(),
        "beforeunload",
        options,
        move |event| {
            if unsaved.get() && !LEAVING.with(std::cell::Cell::get) {
                event.prevent_default();
                // Older engines ask only when a return value is set.
                let _ = js_sys::Reflect::set(event, &"returnValue".into(), &"".into());
            }
        },
    )
}
