//! The inbox screen as the app shows it: a place in the page where the inbox's own module
//! ([`crate::browser::inbox_module`]) mounts the inbox, loaded the first time a worker
//! opens it. Leaving the screen unmounts it, and the module drops the keyring.

use std::rc::Rc;

use confidant_core::signing::SigningKeyPair;
use yew::prelude::*;

use crate::browser::inbox_module;
use crate::browser::page_modules::{INBOX, Loaded, Loading};
use crate::components::module_host::{HostedModule, MountIn, use_module_host};
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
    let mount_in: MountIn<(String, String)> = {
        let onsigner = props.onsigner.clone();
        Rc::new(
            move |loaded: &Loaded, element: &web_sys::Element, (sent, language)| {
                let onsigner = onsigner.clone();
                inbox_module::mount(loaded, element, sent, language, move |seed| {
                    let signer = seed
                        .and_then(|seed| SigningKeyPair::from_seed(&seed).ok())
                        .map(|signer| SharedSigner(Rc::new(signer)));
                    onsigner.emit(signer);
                })
            },
        )
    };
    let HostedModule {
        root,
        loading,
        onretry,
    } = use_module_host(
        &INBOX,
        true,
        (sent_text(&props.sent), props.language.to_string()),
        mount_in,
        |handle, (sent, language)| inbox_module::update(handle, sent, language),
    );

    html! {
        <>
            // Until the module's own inbox shows, the screen still has its heading, which
            // takes the focus as every screen's does.
            if loading != Loading::Mounted {
                <ScreenHeading title={words.inbox()} />
            }
            if loading == Loading::Waiting {
                <p role="status" id="inbox-loading">{ words.inbox_loading() }</p>
            }
            if loading == Loading::Failed {
                <div class="error-summary" role="alert" id="inbox-failed">
                    <p>{ words.inbox_failed() }</p>
                    <button type="button" class="primary" id="inbox-retry" onclick={onretry}>{ words.embed_retry() }</button>
                </div>
            }
            <div class="inbox-module" ref={root}></div>
        </>
    }
}
