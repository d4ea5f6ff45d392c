//! Deriving a draft's key without stopping the page: Argon2id runs in a Web Worker
//! (`src/bin/derive_worker.rs`); where no worker can be started (the page served without
//! it, a browser that refuses), on the page's thread, after the page has shown that it
//! is working.

use std::cell::RefCell;

use confidant_core::draft::{Derivation, DraftError};
use confidant_core::keys::Passphrase;
use confidant_core::primitives::{KEY_LEN, SymmetricKey};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use zeroize::Zeroizing;

use super::clock;

/// The worker's loader, the only script URL the app ever makes for a worker.
const LOADER: &str = "/derive-worker-loader.js";

thread_local! {
    /// The Trusted Types policy for the worker's URL (the page's policy requires one).
    static POLICY: RefCell<Option<JsValue>> = const { RefCell::new(None) };
}

/// The loader's URL, as a TrustedScriptURL where the browser has Trusted Types.
fn worker_url() -> Option<JsValue> {
    let window = web_sys::window()?;
    let trusted_types = js_sys::Reflect::get(&window, &"trustedTypes".into()).ok()?;
    if trusted_types.is_undefined() {
        return Some(JsValue::from_str(LOADER));
    }
    let policy = POLICY.with(|policy| {
        if policy.borrow().is_none() {
            let create = Closure::<dyn Fn(String) -> String>::new(|url: String| {
                if url != LOADER {
                    wasm_bindgen::throw_str("the app starts no other worker");
                }
                url
            });
            let options = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&options, &"createScriptURL".into(), create.as_ref());
            create.forget();
            let create_policy = js_sys::Reflect::get(&trusted_types, &"createPolicy".into())
                .ok()?
                .dyn_into::<js_sys::Function>()
                .ok()?;
            let made = create_policy
                .call2(&trusted_types, &"confidant-worker".into(), &options)
                .ok()?;
            *policy.borrow_mut() = Some(made);
        }
        policy.borrow().clone()
    })?;
    let create_url = js_sys::Reflect::get(&policy, &"createScriptURL".into())
        .ok()?
        .dyn_into::<js_sys::Function>()
        .ok()?;
    create_url.call1(&policy, &LOADER.into()).ok()
}

/// Runs the derivation in a worker; `None` when no worker could do it.
async fn in_worker(
    passphrase: &str,
    derivation: Derivation,
) -> Option<Result<SymmetricKey, DraftError>> {
    let url = worker_url()?;
    let constructor = js_sys::Reflect::get(&js_sys::global(), &"Worker".into())
        .ok()?
        .dyn_into::<js_sys::Function>()
        .ok()?;
    let worker: web_sys::Worker =
        js_sys::Reflect::construct(&constructor, &js_sys::Array::of1(&url))
            .ok()?
            .dyn_into()
            .ok()?;
    // The worker's next message, or its failure (it could not load, for one).
    let next_message = |worker: &web_sys::Worker| {
        js_sys::Promise::new(&mut |resolve, reject| {
            let on_message = Closure::once_into_js(move |event: web_sys::MessageEvent| {
                let _ = resolve.call1(&JsValue::NULL, &event.data());
            });
            let on_error = Closure::once_into_js(move |_: JsValue| {
                let _ = reject.call0(&JsValue::NULL);
            });
            worker.set_onmessage(Some(on_message.unchecked_ref()));
            worker.set_onerror(Some(on_error.unchecked_ref()));
        })
    };
    let ready = wasm_bindgen_futures::JsFuture::from(next_message(&worker)).await;
    if ready
        .ok()
        .and_then(|message| message.as_string())
        .as_deref()
        != Some("ready")
    {
        worker.terminate();
        return None;
    }
    let answer = next_message(&worker);
    let request = js_sys::Object::new();
    let set = |name: &str, value: JsValue| js_sys::Reflect::set(&request, &name.into(), &value);
    set("passphrase", passphrase.into()).ok()?;
    set("memory_kib", derivation.params.memory_kib.into()).ok()?;
    set("iterations", derivation.params.iterations.into()).ok()?;
    set("parallelism", derivation.params.parallelism.into()).ok()?;
    set(
        "salt",
        js_sys::Uint8Array::from(derivation.salt.as_slice()).into(),
    )
    .ok()?;
    worker.post_message(&request).ok()?;
    let answer = wasm_bindgen_futures::JsFuture::from(answer).await;
    worker.terminate();
    let answer = answer.ok()?;
    if let Some(bytes) = answer.dyn_ref::<js_sys::Uint8Array>() {
        let mut key = Zeroizing::new([0u8; KEY_LEN]);
        if bytes.length() as usize != KEY_LEN {
            return None;
        }
        bytes.copy_to(key.as_mut());
        bytes.fill(0, 0, KEY_LEN as u32);
        return Some(Ok(key));
    }
    let error = js_sys::Reflect::get(&answer, &"error".into())
        .ok()?
        .as_string()?;
    Some(Err(match error.as_str() {
        "EmptyPassphrase" => DraftError::EmptyPassphrase,
        "KdfOutOfRange" => DraftError::KdfOutOfRange,
        _ => DraftError::Malformed,
    }))
}

/// Derives the key of `derivation` from `passphrase`, in a worker when one can be
/// started, else on the page's thread.
pub async fn derive(passphrase: &str, derivation: Derivation) -> Result<SymmetricKey, DraftError> {
    if let Some(result) = in_worker(passphrase, derivation).await {
        return result;
    }
    // Let the page show that it is working before it stops to derive.
    clock::sleep(30).await;
    derivation.derive(&Passphrase::new(passphrase.to_owned()))
}
