//! The passphrase-strength worker: zxcvbn's estimate of a new passphrase, off the page.
//!
//! zxcvbn is a maintained estimator, and its dictionaries are what make it one; they
//! weigh hundreds of KiB. So they live in this worker of their own, which the page
//! starts only when a worker begins to choose a new draft passphrase
//! (`src/browser/workers.rs`), never for anything else. Once started it says `"ready"`;
//! then, for each message `{passphrase}`, it answers `{score}` (0 to 4). It keeps
//! nothing: the passphrase is wiped once judged.

// A passphrase and the key made from it leave no copy behind in freed memory.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static WIPED_ON_FREE: zeroizing_alloc::ZeroAlloc<std::alloc::System> =
    zeroizing_alloc::ZeroAlloc(std::alloc::System);

#[cfg(target_arch = "wasm32")]
fn main() {
    use confidant_core::keys::Passphrase;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;

    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply_to = scope.clone();
    let onmessage =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            let passphrase = Passphrase::new(
                js_sys::Reflect::get(&event.data(), &"passphrase".into())
                    .ok()
                    .and_then(|value| value.as_string())
                    .unwrap_or_default(),
            );
            let score = u8::from(
                zxcvbn::zxcvbn(passphrase.as_str(), &["confidant", "draft", "referral"]).score(),
            );
            drop(passphrase);
            let answer = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&answer, &"score".into(), &score.into());
            let _ = reply_to.post_message(&answer);
        });
    scope.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    onmessage.forget();
    // Messages that arrive before a handler is set are lost: say when it is.
    let _ = scope.post_message(&"ready".into());
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {}
