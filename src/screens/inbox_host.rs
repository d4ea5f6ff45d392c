//! The inbox screen as the app shows it: a place in the page where the inbox's own module
//! ([`crate::browser::inbox_module`]) mounts the inbox, loaded the first time a worker
//! opens it. Leaving the screen unmounts it, and the module drops the keyring.

use std::cell::Cell;
use std::rc::Rc;

use confidant_core::signing::SigningKeyPair;
use yew::prelude::*;

use crate::browser::inbox_module::{self, InboxMounted};
use crate::browser::page_modules::Loading;
use crate::components::screen_heading::ScreenHeading;
use crate::inbox_root::sent_text;
use crate::screens::inbox::SentReferral;
use crate::state::SharedSigner;

#[derive(Debug, Properties, PartialEq)]
pub struct InboxHostProps {
    /// The referrals this browser sealed: an answer names the one it answers.
    pub sent: Vec<SentReferral>,
    pub language: AttrValue,
    /// The unlocked keyring's signing key (`None` when it locks).
    pub onsigner: Callback<Option<SharedSigner>>,
}

#[function_component(InboxHost)]
pub fn inbox_host(props: &InboxHostProps) -> Html {
    let words = crate::interface_text::for_language(&props.language);
    let root = use_node_ref();
    let loading = use_state(|| Loading::Waiting);
    let attempt = use_state(|| 0u32);
    let mounted = use_mut_ref(|| None::<InboxMounted>);
    // What the module is given when it mounts: the props of the latest render.
    let latest = use_mut_ref(|| (String::new(), String::new()));
    *latest.borrow_mut() = (sent_text(&props.sent), props.language.to_string());

    {
        let (root, loading, mounted, latest) = (
            root.clone(),
            loading.clone(),
            mounted.clone(),
            latest.clone(),
        );
        let onsigner = props.onsigner.clone();
        use_effect_with(*attempt, move |_| {
            let shown = Rc::new(Cell::new(true));
            if let Some(element) = root.cast::<web_sys::Element>() {
                let shown = shown.clone();
                let mounted = mounted.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    let (sent, language) = latest.borrow().clone();
                    let given = inbox_module::mount(&element, &sent, &language, move |seed| {
                        let signer = seed
                            .and_then(|seed| SigningKeyPair::from_seed(&seed).ok())
                            .map(|signer| SharedSigner(Rc::new(signer)));
                        onsigner.emit(signer);
                    })
                    .await;
                    match given {
                        // Left before the module arrived: nothing stays mounted.
                        Ok(handle) if !shown.get() => handle.destroy(),
                        Ok(handle) => {
                            *mounted.borrow_mut() = Some(handle);
                            loading.set(Loading::Mounted);
                        }
                        Err(_) if shown.get() => loading.set(Loading::Failed),
                        Err(_) => {}
                    }
                });
            }
            move || {
                shown.set(false);
                if let Some(handle) = mounted.borrow_mut().take() {
                    handle.destroy();
                }
            }
        });
    }
    {
        let mounted = mounted.clone();
        let given = latest.borrow().clone();
        use_effect_with(given, move |(sent, language)| {
            if let Some(handle) = &*mounted.borrow() {
                handle.update(sent, language);
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
    html! {
        <>
            // Until the module's own inbox shows, the screen still has its heading, which
            // takes the focus as every screen's does.
            if *loading != Loading::Mounted {
                <ScreenHeading title={words.inbox()} />
            }
            if *loading == Loading::Waiting {
                <p role="status" id="inbox-loading">{ words.inbox_loading() }</p>
            }
            if *loading == Loading::Failed {
                <div class="error-summary" role="alert" id="inbox-failed">
                    <p>{ words.inbox_failed() }</p>
                    <button type="button" class="primary" id="inbox-retry" onclick={onretry}>{ words.embed_retry() }</button>
                </div>
            }
            <div class="inbox-module" ref={root}></div>
        </>
    }
}
