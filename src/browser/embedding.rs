//! The one place the app speaks to a page that frames it: an embedded form's height, and
//! when the partner asked for it a bare "completed", posted to the partner's registered
//! origin and to no other (`crate::embed`). Nothing else is ever posted, and the app
//! listens to no message.

use wasm_bindgen::JsValue;

/// Posts `{ type: "confidant:embed:height", version: 1, height }` to the parent window,
/// delivered by the browser only if the parent's origin is `origin`. Outside a frame it
/// does nothing.
pub fn post_height(origin: &str, height: u32) {
    post(
        origin,
        &[
            ("type", JsValue::from_str("confidant:embed:height")),
            ("version", JsValue::from(1)),
            ("height", JsValue::from(height)),
        ],
    );
}

/// Posts `{ type: "confidant:embed:completed", version: 1 }`: that something was sent,
/// and nothing of what, to whom or when.
pub fn post_completed(origin: &str) {
    post(
        origin,
        &[
            ("type", JsValue::from_str("confidant:embed:completed")),
            ("version", JsValue::from(1)),
        ],
    );
}

/// Whether the page is in a frame (a partner's), rather than a tab of its own.
pub fn framed() -> bool {
    let window = gloo::utils::window();
    window
        .top()
        .ok()
        .flatten()
        .is_some_and(|top| !js_sys::Object::is(top.as_ref(), window.as_ref()))
}

fn post(origin: &str, members: &[(&str, JsValue)]) {
    let window = gloo::utils::window();
    let Ok(Some(parent)) = window.parent() else {
        return;
    };
    if js_sys::Object::is(parent.as_ref(), window.as_ref()) {
        return;
    }
    let message = js_sys::Object::new();
    for (key, value) in members {
        let _ = js_sys::Reflect::set(&message, &JsValue::from_str(key), value);
    }
    let _ = parent.post_message(&message, origin);
}
