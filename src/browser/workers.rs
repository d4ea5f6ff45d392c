//! The one place the app starts Web Workers, and talks to them.
//!
//! Two workers exist, each a WebAssembly module of its own started by a loader script
//! from the page's origin: the key-derivation worker (Argon2id for drafts,
//! `src/bin/derive_worker.rs`) and the passphrase-strength worker (zxcvbn,
//! `src/bin/strength_worker.rs`). The page's policy requires Trusted Types, so a worker's
//! URL goes through a policy that allows exactly these two loaders and the two scripts of
//! each module the app starts in its page, the inbox's and the drafts panel's
//! ([`crate::browser::page_modules::SCRIPTS`]), and nothing else: the page's one policy
//! for script URLs.

use std::cell::{Cell, RefCell};

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

/// The key-derivation worker's loader.
pub const DERIVE: &str = "/derive-worker-loader.js";
/// The passphrase-strength worker's loader.
pub const STRENGTH: &str = "/strength-worker-loader.js";

thread_local! {
    /// The Trusted Types policy for script URLs (the page's policy requires one).
    static POLICY: RefCell<Option<JsValue>> = const { RefCell::new(None) };
    /// Whether this browser refused a worker in this page (blocked, or no Worker at all).
    static FAILED: Cell<bool> = const { Cell::new(false) };
}

/// Whether this browser refused to start a worker in this page: the callers fall back to
/// the page's thread, and the page says so ([`crate::components::draft_panel`]).
pub fn unavailable() -> bool {
    FAILED.with(Cell::get)
}

/// A script's URL, as a TrustedScriptURL where the browser has Trusted Types: one of the
/// workers' loaders, or a script of the inbox's module; the policy refuses any other.
pub fn script_url(loader: &'static str) -> Option<JsValue> {
    let window = web_sys::window()?;
    let trusted_types = js_sys::Reflect::get(&window, &"trustedTypes".into()).ok()?;
    if trusted_types.is_undefined() {
        return Some(JsValue::from_str(loader));
    }
    let policy = POLICY.with(|policy| {
        if policy.borrow().is_none() {
            let create = Closure::<dyn Fn(String) -> String>::new(|url: String| {
                let allowed = [DERIVE, STRENGTH];
                if !allowed.contains(&url.as_str())
                    && !crate::browser::page_modules::SCRIPTS.contains(&url.as_str())
                {
                    wasm_bindgen::throw_str("the app loads no other script");
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
    create_url.call1(&policy, &loader.into()).ok()
}

/// The worker's next message, or an error when it fails (it could not load, for one).
/// The handlers are in place when this returns, before anything is posted.
fn next_message(worker: &web_sys::Worker) -> wasm_bindgen_futures::JsFuture {
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        let on_message = Closure::once_into_js(move |event: web_sys::MessageEvent| {
            let _ = resolve.call1(&JsValue::NULL, &event.data());
        });
        let on_error = Closure::once_into_js(move |_: JsValue| {
            let _ = reject.call0(&JsValue::NULL);
        });
        worker.set_onmessage(Some(on_message.unchecked_ref()));
        worker.set_onerror(Some(on_error.unchecked_ref()));
    });
    wasm_bindgen_futures::JsFuture::from(promise)
}

/// A worker of `url`, unless this browser has no workers or refuses to start one: then
/// the page notes it ([`unavailable`]). A worker that fails later (its file did not
/// load, offline) is not the browser's refusal, and is not noted.
fn construct(url: &JsValue) -> Option<web_sys::Worker> {
    let constructor = js_sys::Reflect::get(&js_sys::global(), &"Worker".into())
        .ok()
        .and_then(|constructor| constructor.dyn_into::<js_sys::Function>().ok());
    let worker = constructor
        .and_then(|constructor| {
            js_sys::Reflect::construct(&constructor, &js_sys::Array::of1(url)).ok()
        })
        .and_then(|worker| worker.dyn_into::<web_sys::Worker>().ok());
    if worker.is_none() {
        FAILED.with(|failed| failed.set(true));
    }
    worker
}

/// Starts the worker of `loader` and waits until it says it is ready (messages posted
/// before its handler exists would be lost); `None` when no worker could start.
pub async fn start(loader: &'static str) -> Option<web_sys::Worker> {
    let url = script_url(loader)?;
    let worker = construct(&url)?;
    let ready = next_message(&worker).await.ok();
    if ready.and_then(|message| message.as_string()).as_deref() != Some("ready") {
        worker.terminate();
        return None;
    }
    Some(worker)
}

/// Posts `request` to a started worker and returns its answer.
pub async fn ask(worker: &web_sys::Worker, request: &JsValue) -> Option<JsValue> {
    let answer = next_message(worker);
    worker.post_message(request).ok()?;
    answer.await.ok()
}
