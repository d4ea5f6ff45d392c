//! The one place the app loads the inbox's own module (`src/bin/inbox.rs`) and talks to
//! it. The module's two scripts, its `wasm_bindgen` glue and `www/inbox-loader.js`, are
//! added to the page when a worker first opens the inbox, each with the SHA-384 the page
//! names (`<meta name="confidant-inbox">`, written at build time by
//! `scripts/pin-wasm-integrity.mjs`); the loader fetches the WebAssembly with its own.
//! What crosses between the app and the module: `crate::inbox_root`.

use std::cell::{Cell, RefCell};

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

/// The module's `wasm_bindgen` glue, built by Trunk.
pub const GLUE: &str = "/inbox.js";
/// The script that starts it (`www/inbox-loader.js`).
pub const LOADER: &str = "/inbox-loader.js";

thread_local! {
    /// The module's exports (a promise of them), once asked for.
    static EXPORTS: RefCell<Option<js_sys::Promise>> = const { RefCell::new(None) };
    /// Whether the glue ran: it defines `wasm_bindgen` once per page, so a second try
    /// after a failed load adds the loader alone.
    static GLUE_RAN: Cell<bool> = const { Cell::new(false) };
}

/// The integrity of the glue and of the loader, as the page names them.
fn integrities() -> Option<(String, String)> {
    let content = crate::browser::document::meta_content("confidant-inbox")?;
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
fn start() -> js_sys::Promise {
    js_sys::Promise::new(&mut |resolve, reject| {
        let added = (|| {
            let (glue_integrity, loader_integrity) = integrities()?;
            let body = gloo::utils::document().body()?;
            if !GLUE_RAN.with(Cell::get) {
                let glue = script(GLUE, &glue_integrity)?;
                let ran = Closure::once_into_js(|| GLUE_RAN.with(|ran| ran.set(true)));
                glue.set_onload(Some(ran.unchecked_ref()));
                let failed = reject.clone();
                let onerror = Closure::once_into_js(move || {
                    let _ = failed.call0(&JsValue::NULL);
                });
                glue.set_onerror(Some(onerror.unchecked_ref()));
                body.append_child(&glue).ok()?;
            }
            let loader = script(LOADER, &loader_integrity)?;
            let (resolve, failed) = (resolve.clone(), reject.clone());
            let onload = Closure::once_into_js(move || {
                let exports = js_sys::Reflect::get(&js_sys::global(), &"confidantInbox".into())
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

/// The module's exports, loaded once per page; after a failure the next call tries again.
async fn exports() -> Result<JsValue, ()> {
    let promise = EXPORTS.with_borrow_mut(|exports| exports.get_or_insert_with(start).clone());
    let loaded = wasm_bindgen_futures::JsFuture::from(promise).await;
    match loaded {
        // `wasm_bindgen` is a function that carries the exports.
        Ok(exports) if exports.is_function() => Ok(exports),
        _ => {
            EXPORTS.with_borrow_mut(|exports| *exports = None);
            Err(())
        }
    }
}

/// The inbox, mounted by its module in an element of the app's page.
#[derive(Debug)]
pub struct Mounted {
    handle: JsValue,
    /// The app's function the module calls with the signing key; kept while mounted.
    _onsigner: Closure<dyn Fn(JsValue)>,
}

/// Loads the module if needed, and mounts the inbox in `root`. `onsigner` gets the
/// unlocked keyring's 32-byte signing seed (then zero-filled), or `None` when it locks.
pub async fn mount(
    root: &web_sys::Element,
    sent: &str,
    language: &str,
    onsigner: impl Fn(Option<zeroize::Zeroizing<[u8; 32]>>) + 'static,
) -> Result<Mounted, ()> {
    let exports = exports().await?;
    let onsigner = Closure::<dyn Fn(JsValue)>::new(move |given: JsValue| {
        let seed = given
            .dyn_into::<js_sys::Uint8Array>()
            .ok()
            .and_then(|given| {
                let mut seed = zeroize::Zeroizing::new([0u8; 32]);
                let fits = given.length() == 32;
                if fits {
                    given.copy_to(&mut seed[..]);
                }
                given.fill(0, 0, given.length());
                fits.then_some(seed)
            });
        onsigner(seed);
    });
    let mount = js_sys::Reflect::get(&exports, &"mount".into())
        .ok()
        .and_then(|mount| mount.dyn_into::<js_sys::Function>().ok())
        .ok_or(())?;
    let arguments = js_sys::Array::of4(
        root.as_ref(),
        &sent.into(),
        &language.into(),
        onsigner.as_ref(),
    );
    let handle = mount.apply(&JsValue::NULL, &arguments).map_err(|_| ())?;
    Ok(Mounted {
        handle,
        _onsigner: onsigner,
    })
}

impl Mounted {
    fn call(&self, method: &str, arguments: &js_sys::Array) {
        if let Some(function) = js_sys::Reflect::get(&self.handle, &method.into())
            .ok()
            .and_then(|function| function.dyn_into::<js_sys::Function>().ok())
        {
            let _ = function.apply(&self.handle, arguments);
        }
    }

    /// Gives the inbox the shell's newer sent referrals and language.
    pub fn update(&self, sent: &str, language: &str) {
        self.call(
            "update",
            &js_sys::Array::of2(&sent.into(), &language.into()),
        );
    }

    /// Unmounts the inbox: the module drops the keyring and everything opened.
    pub fn destroy(self) {
        self.call("destroy", &js_sys::Array::new());
    }
}
