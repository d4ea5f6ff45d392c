//! What the hosts of the app's other modules share (the inbox's, `screens/inbox_host.rs`,
//! and the drafts panel's, `components/draft_host.rs`): the element the module mounts in,
//! loading the module when it is needed, mounting it, unmounting it when the host goes,
//! and trying again after a failure. Each host shows its own words around it and gives
//! the module the shell's newer state ([`HostedModule::mounted`]).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use yew::prelude::*;

use crate::browser::page_modules::{self, Loaded, Loading, ModuleError, Mounted, PageModule};

/// Mounts the loaded module in the host's element (called once it has loaded, and only if
/// the host is still in the page).
pub type MountIn = Rc<dyn Fn(&Loaded, &web_sys::Element) -> Result<Mounted, ModuleError>>;

/// A host's module, as its view needs it.
#[derive(Debug)]
pub struct HostedModule {
    /// The element the module mounts in: the host puts it in its view.
    pub root: NodeRef,
    pub loading: Loading,
    /// What the module mounted, while it is mounted.
    pub mounted: Rc<RefCell<Option<Mounted>>>,
    /// "Try again", after a failure.
    pub onretry: Callback<MouseEvent>,
}

/// Loads `module` and mounts it with `mount` once `needed`; unmounts it when the host
/// leaves the page.
#[hook]
pub fn use_module_host(module: &'static PageModule, needed: bool, mount: MountIn) -> HostedModule {
    let root = use_node_ref();
    let loading = use_state(|| Loading::Waiting);
    let attempt = use_state(|| 0u32);
    let mounted = use_mut_ref(|| None::<Mounted>);
    {
        let (root, loading, mounted) = (root.clone(), loading.clone(), mounted.clone());
        use_effect_with((needed, *attempt), move |&(needed, _)| {
            let shown = Rc::new(Cell::new(true));
            if needed && let Some(element) = root.cast::<web_sys::Element>() {
                let (shown, mounted, loading) = (shown.clone(), mounted.clone(), loading.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    let loaded = page_modules::load(module).await;
                    // Left before the module arrived: nothing is mounted.
                    if !shown.get() {
                        return;
                    }
                    match loaded.and_then(|loaded| mount(&loaded, &element)) {
                        Ok(handle) => {
                            *mounted.borrow_mut() = Some(handle);
                            loading.set(Loading::Mounted);
                        }
                        Err(_) => loading.set(Loading::Failed),
                    }
                });
            }
            move || {
                shown.set(false);
                if let Some(handle) = mounted.borrow_mut().take() {
                    handle.destroy();
                }
                loading.set(Loading::Waiting);
            }
        });
    }
    let onretry = {
        let (loading, attempt) = (loading.clone(), attempt.clone());
        Callback::from(move |_: MouseEvent| {
            loading.set(Loading::Waiting);
            attempt.set(*attempt + 1);
        })
    };
    HostedModule {
        root,
        loading: *loading,
        mounted,
        onretry,
    }
}
