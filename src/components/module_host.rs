//! What the hosts of the app's other modules share (the inbox's, `screens/inbox_host.rs`,
//! and the drafts panel's, `components/draft_host.rs`): the element the module mounts in,
//! loading the module when it is needed, mounting it, unmounting it when the host goes,
//! and trying again after a failure, and giving the mounted module the host's newer state.
//! Each host shows its own words around it.

use std::cell::Cell;
use std::rc::Rc;

use yew::prelude::*;

use crate::browser::page_modules::{self, Loaded, Loading, ModuleError, Mounted, PageModule};

/// Mounts the loaded module in the host's element with the state of the latest render
/// (called once it has loaded, and only if the host is still in the page).
pub type MountIn<S> = Rc<dyn Fn(&Loaded, &web_sys::Element, &S) -> Result<Mounted, ModuleError>>;

/// A host's module, as its view needs it.
#[derive(Debug)]
pub struct HostedModule {
    /// The element the module mounts in: the host puts it in its view.
    pub root: NodeRef,
    pub loading: Loading,
    /// "Try again", after a failure.
    pub onretry: Callback<MouseEvent>,
}

/// Loads `module` and mounts it with `mount` once `needed`, hands it each new `state` by
/// `update` while it is mounted, and unmounts it when the host leaves the page.
#[hook]
pub fn use_module_host<S>(
    module: &'static PageModule,
    needed: bool,
    state: S,
    mount: MountIn<S>,
    update: fn(&Mounted, &S),
) -> HostedModule
where
    S: Clone + PartialEq + 'static,
{
    // What the module is given when it mounts: the latest render's state, which may be
    // newer than the render that started the loading.
    let latest = use_mut_ref(|| state.clone());
    *latest.borrow_mut() = state.clone();
    let root = use_node_ref();
    let loading = use_state(|| Loading::Waiting);
    let attempt = use_state(|| 0u32);
    let mounted = use_mut_ref(|| None::<Mounted>);
    {
        let (root, loading, mounted) = (root.clone(), loading.clone(), mounted.clone());
        let latest = latest.clone();
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
                    // A copy: mounting may call back into the shell, which renders the
                    // host again and writes `latest`.
                    let given = latest.borrow().clone();
                    match loaded.and_then(|loaded| mount(&loaded, &element, &given)) {
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
    {
        let mounted = mounted.clone();
        use_effect_with(state, move |state| {
            if let Some(handle) = &*mounted.borrow() {
                update(handle, state);
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
        onretry,
    }
}
