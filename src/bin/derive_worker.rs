//! The key-derivation worker: runs Argon2id for a draft's key off the page's thread, so
//! that the page keeps answering while it works (`src/browser/derive.rs` starts it,
//! through `www/derive-worker-loader.js`).
//!
//! Once started it says `"ready"`; then it takes one message, `{passphrase, memory_kib,
//! iterations, parallelism, salt}`, and answers with the 32-byte key (a `Uint8Array`) or `{error}` naming what was wrong. It
//! keeps nothing: every copy of the passphrase and the key it made is wiped before it
//! answers.

// A passphrase and the key made from it leave no copy behind in freed memory.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static WIPED_ON_FREE: zeroizing_alloc::ZeroAlloc<std::alloc::System> =
    zeroizing_alloc::ZeroAlloc(std::alloc::System);

#[cfg(target_arch = "wasm32")]
fn main() {
    use confidant_core::draft::{Derivation, DraftError, SALT_LEN};
    use confidant_core::keys::{KdfParams, Passphrase};
    use wasm_bindgen::JsCast;
    use wasm_bindgen::JsValue;
    use wasm_bindgen::closure::Closure;

    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply_to = scope.clone();
    let onmessage =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            let data = event.data();
            let number = |name: &str| {
                js_sys::Reflect::get(&data, &name.into())
                    .ok()
                    .and_then(|value| value.as_f64())
                    .map(|value| value as u32)
                    .unwrap_or(0)
            };
            let passphrase = Passphrase::new(
                js_sys::Reflect::get(&data, &"passphrase".into())
                    .ok()
                    .and_then(|value| value.as_string())
                    .unwrap_or_default(),
            );
            let salt = js_sys::Reflect::get(&data, &"salt".into())
                .ok()
                .map(|salt| js_sys::Uint8Array::new(&salt).to_vec())
                .and_then(|salt| <[u8; SALT_LEN]>::try_from(salt).ok());
            let answer: JsValue = match salt {
                Some(salt) => {
                    let derivation = Derivation {
                        params: KdfParams {
                            memory_kib: number("memory_kib"),
                            iterations: number("iterations"),
                            parallelism: number("parallelism"),
                        },
                        salt,
                    };
                    match derivation.derive(&passphrase) {
                        Ok(key) => js_sys::Uint8Array::from(key.as_slice()).into(),
                        Err(error) => {
                            // Named as src/browser/derive.rs reads them. Not by Debug,
                            // which the release build compiles to nothing
                            // (scripts/release-env.sh).
                            let name = match error {
                                DraftError::EmptyPassphrase => "EmptyPassphrase",
                                DraftError::KdfOutOfRange => "KdfOutOfRange",
                                _ => "Malformed",
                            };
                            let answer = js_sys::Object::new();
                            let _ = js_sys::Reflect::set(&answer, &"error".into(), &name.into());
                            answer.into()
                        }
                    }
                }
                None => {
                    let answer = js_sys::Object::new();
                    let _ = js_sys::Reflect::set(&answer, &"error".into(), &"Malformed".into());
                    answer.into()
                }
            };
            let _ = reply_to.post_message(&answer);
        });
    scope.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    onmessage.forget();
    // Messages that arrive before a handler is set are lost: say when it is.
    let _ = scope.post_message(&"ready".into());
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {}
