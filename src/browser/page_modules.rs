//! The one place the app loads its other modules into its own page (the inbox's,
//! `src/bin/inbox.rs`, and the drafts panel's, `src/bin/drafts.rs`) and talks to them.
//! Each module's two scripts, its `wasm_bindgen` glue and its loader (`www/*-loader.js`),
//! are added to the page when first needed, each with the SHA-384 the page names (in a
//! `<meta>` written at build time by `scripts/pin-wasm-integrity.mjs`); the loader fetches
//! the WebAssembly with its own. What crosses between the app and a module:
//! `crate::inbox_root`, `crate::drafts_root`.

use std::cell::RefCell;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

/// Where a module's screen or panel stands in the app's page, for its host to show.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Loading {
    Waiting,
    Mounted,
    Failed,
}

/// Why a module's screen or panel is not in the page: its host says so, and offers to try
/// again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModuleError {
    /// Its scripts or its WebAssembly did not arrive, or not as built.
    NotLoaded,
    /// It arrived, and did not mount.
    NotMounted,
}

/// A module the app starts in its page.
#[derive(Debug)]
pub struct PageModule {
    /// Its `wasm_bindgen` glue, built by Trunk.
    pub glue: &'static str,
    /// The script that starts it (in `www/`).
    pub loader: &'static str,
    /// The `<meta>` that names the two scripts' integrity, the glue's first.
    meta: &'static str,
    /// The global the loader sets to a promise of the module's exports.
    exports: &'static str,
}

/// The inbox (`src/bin/inbox.rs`).
pub const INBOX: PageModule = PageModule {
    glue: "/inbox.js",
    loader: "/inbox-loader.js",
    meta: "confidant-inbox",
    exports: "confidantInbox",
};

/// The drafts panel (`src/bin/drafts.rs`).
pub const DRAFTS: PageModule = PageModule {
    glue: "/drafts.js",
    loader: "/drafts-loader.js",
    meta: "confidant-drafts",
    exports: "confidantDrafts",
};

/// Every script the app adds to its page: what its Trusted Types policy lets through.
pub const SCRIPTS: [&str; 4] = [INBOX.glue, INBOX.loader, DRAFTS.glue, DRAFTS.loader];

thread_local! {
    /// Each module's exports (a promise of them), once asked for, by glue.
    static EXPORTS: RefCell<Vec<(&'static str, js_sys::Promise)>> = const { RefCell::new(Vec::new()) };
    /// The glues that ran: each defines its global once per page, so a second try after a
    /// failed load adds the loader alone.
    static GLUES_RAN: RefCell<Vec<&'static str>> = const { RefCell::new(Vec::new()) };
}

/// The integrity of the glue and of the loader, as the page names them.
fn integrities(module: &PageModule) -> Option<(String, String)> {
    let content = crate::browser::document::meta_content(module.meta)?;
    let mut words = content.split_whitespace();
    let (glue, loader) = (words.next()?, words.next()?);
    (glue.starts_with("sha384-") && loader.starts_with("sha384-"))
        .then(|| (glue.to_owned(), loader.to_owned()))
}

/// A script element for `url` with `integrity`, run in the order it was added.
fn script(url: &'static str, integrity: &str) -> Option<web_sys::HtmlElement> {
    let element = gloo::utils::document()
        .create_element("script")
        .ok()?
        .dyn_into::<web_sys::HtmlElement>()
        .ok()?;
    element.set_attribute("integrity", integrity).ok()?;
    js_sys::Reflect::set(&element, &"async".into(), &JsValue::FALSE).ok()?;
    let trusted = crate::browser::workers::script_url(url)?;
    js_sys::Reflect::set(&element, &"src".into(), &trusted).ok()?;
    Some(element)
}

/// Adds the module's scripts to the page; the promise gives its exports once it runs.
fn start(module: &'static PageModule) -> js_sys::Promise {
    js_sys::Promise::new(&mut |resolve, reject| {
        let added = (|| {
            let (glue_integrity, loader_integrity) = integrities(module)?;
            let body = gloo::utils::document().body()?;
            if !GLUES_RAN.with_borrow(|ran| ran.contains(&module.glue)) {
                let glue = script(module.glue, &glue_integrity)?;
                let ran = Closure::once_into_js(|| {
                    GLUES_RAN.with_borrow_mut(|ran| ran.push(module.glue));
                });
                glue.set_onload(Some(ran.unchecked_ref()));
                let failed = reject.clone();
                let onerror = Closure::once_into_js(move || {
                    let _ = failed.call0(&JsValue::NULL);
                });
                glue.set_onerror(Some(onerror.unchecked_ref()));
                body.append_child(&glue).ok()?;
            }
            let loader = script(module.loader, &loader_integrity)?;
            let (resolve, failed) = (resolve.clone(), reject.clone());
            let onload = Closure::once_into_js(move || {
                let exports = js_sys::Reflect::get(&js_sys::global(), &module.exports.into())
                    .unwrap_or(JsValue::UNDEFINED);
                let _ = resolve.call1(&JsValue::NULL, &exports);
            });
            let onerror = Closure::once_into_js(move || {
                let _ = failed.call0(&JsValue::NULL);
            });
            loader.set_onload(Some(onload.unchecked_ref()));
            loader.set_onerror(Some(onerror.unchecked_ref()));
            body.append_child(&loader).ok()?;
            Some(())
        })();
        if added.is_none() {
            let _ = reject.call0(&JsValue::NULL);
        }
    })
}

/// A module's exports, once it runs.
#[derive(Debug)]
pub struct Loaded(JsValue);

/// Loads `module`, once per page; after a failure the next call tries again.
pub async fn load(module: &'static PageModule) -> Result<Loaded, ModuleError> {
    let promise = EXPORTS.with_borrow_mut(|loaded| {
        if let Some((_, promise)) = loaded.iter().find(|(glue, _)| *glue == module.glue) {
            return promise.clone();
        }
        let promise = start(module);
        loaded.push((module.glue, promise.clone()));
        promise
    });
    let loaded = wasm_bindgen_futures::JsFuture::from(promise).await;
    match loaded {
        // The glue's global is a function that carries the exports.
        Ok(exports) if exports.is_function() => Ok(Loaded(exports)),
        _ => {
            EXPORTS.with_borrow_mut(|loaded| loaded.retain(|(glue, _)| *glue != module.glue));
            Err(ModuleError::NotLoaded)
        }
    }
}

/// Gives `module`'s exports without loading its scripts: the component tests
/// (`tests/web.rs`), whose page has no built modules, mount the drafts panel from their
/// own module this way, behind the same crossing of bytes. The app never calls it.
pub fn provide(module: &'static PageModule, exports: JsValue) {
    let promise = js_sys::Promise::resolve(&exports);
    EXPORTS.with_borrow_mut(|loaded| {
        loaded.retain(|(glue, _)| *glue != module.glue);
        loaded.push((module.glue, promise));
    });
}

/// Something a module mounted in the page, with the app's function it calls back.
#[derive(Debug)]
pub struct Mounted {
    handle: JsValue,
    /// Kept while mounted.
    _callback: Closure<dyn Fn(JsValue)>,
}

impl Loaded {
    /// Calls the module's `mount` with `arguments` then `callback`; an error when it
    /// throws or mounts nothing.
    pub fn mount(
        &self,
        arguments: &[&JsValue],
        callback: Closure<dyn Fn(JsValue)>,
    ) -> Result<Mounted, ModuleError> {
        let mount = js_sys::Reflect::get(&self.0, &"mount".into())
            .ok()
            .and_then(|mount| mount.dyn_into::<js_sys::Function>().ok())
            .ok_or(ModuleError::NotMounted)?;
        let given: js_sys::Array = arguments.iter().copied().collect();
        given.push(callback.as_ref());
        let handle = mount
            .apply(&JsValue::NULL, &given)
            .map_err(|_| ModuleError::NotMounted)?;
        if handle.is_undefined() || handle.is_null() {
            return Err(ModuleError::NotMounted);
        }
        Ok(Mounted {
            handle,
            _callback: callback,
        })
    }
}

impl Mounted {
    /// Calls the mounted thing's `method` with `arguments`.
    pub fn call(&self, method: &str, arguments: &[&JsValue]) {
        if let Some(function) = js_sys::Reflect::get(&self.handle, &method.into())
            .ok()
            .and_then(|function| function.dyn_into::<js_sys::Function>().ok())
        {
            let given: js_sys::Array = arguments.iter().copied().collect();
            let _ = function.apply(&self.handle, &given);
        }
    }

    /// Unmounts it: the module drops what it held.
    pub fn destroy(self) {
        self.call("destroy", &[]);
    }
}

/// Bytes for a module, as a `Uint8Array` the caller zero-fills (with [`wipe`]) once the
/// call that takes it returns.
pub fn bytes(bytes: &[u8]) -> js_sys::Uint8Array {
    js_sys::Uint8Array::from(bytes)
}

/// Zero-fills what [`bytes`] gave.
pub fn wipe(given: &js_sys::Uint8Array) {
    given.fill(0, 0, given.length());
}

/// Copies bytes a module gave (a `Uint8Array`) into memory that is wiped when dropped,
/// and zero-fills the array; `None` for anything else.
pub fn take_bytes(given: JsValue) -> Option<zeroize::Zeroizing<Vec<u8>>> {
    let given = given.dyn_into::<js_sys::Uint8Array>().ok()?;
    let mut copy = zeroize::Zeroizing::new(vec![0u8; given.length() as usize]);
    given.copy_to(&mut copy);
    wipe(&given);
    Some(copy)
}
