//! The one place the app speaks to a page that frames it: an embedded form's height,
//! posted to the partner's registered origin and to no other (`crate::embed`). Nothing
//! else is ever posted, and the app listens to no message.

/// Posts `{ type: "confidant:embed:height", version: 1, height }` to the parent window,
/// delivered by the browser only if the parent's origin is `origin`. Outside a frame it
/// does nothing.
pub fn post_height(origin: &str, height: u32) {
    let window = gloo::utils::window();
    let Ok(Some(parent)) = window.parent() else {
        return;
    };
    if js_sys::Object::is(parent.as_ref(), window.as_ref()) {
        return;
    }
    let message = js_sys::Object::new();
    for (key, value) in [
        (
            "type",
            wasm_bindgen::JsValue::from_str("confidant:embed:height"),
        ),
        ("version", wasm_bindgen::JsValue::from(1)),
        ("height", wasm_bindgen::JsValue::from(height)),
    ] {
        let _ = js_sys::Reflect::set(&message, &key.into(), &value);
    }
    let _ = parent.post_message(&message, origin);
}
