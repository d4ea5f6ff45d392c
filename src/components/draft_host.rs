//! The drafts panel as the app shows it: a place in the page where the drafts panel's own
//! module ([`crate::browser::drafts_module`]) mounts the panel.
//!
//! The module is loaded only when the panel has something to do: when the worker opens
//! its fold ("Drafts", folded while no draft is kept), or when drafts are kept, or
//! unlocked. Until then the app shows the fold itself, so that the way to a sealed
//! referral, which never opens it, never downloads the module.

use std::rc::Rc;

use yew::prelude::*;

use crate::browser::drafts::{self, PROFILE};
use crate::browser::page_modules::{DRAFTS, Loaded, Loading};
use crate::browser::{drafts_module, focus};
use crate::components::draft_panel::DraftPanelProps;
use crate::components::module_host::{HostedModule, MountIn, use_module_host};
use crate::drafts_root::PanelState;

/// Takes the panel's own props, and hands them across (`unfolded` is the host's own: the
/// worker opened its fold).
#[function_component(DraftHost)]
pub fn draft_host(props: &DraftPanelProps) -> Html {
    let words = crate::interface_text::for_language(&props.language);
    let unfolded = use_state(|| false);
    let state = PanelState {
        key: props.draft_key.clone(),
        drafts: props.drafts.clone(),
        open: props.open.clone(),
        unreadable: props.unreadable,
        unsaved: props.unsaved,
        profile: props.profile,
        unfolded: *unfolded,
    };
    // What the module calls: the latest render's.
    let ondraft = use_mut_ref(|| props.ondraft.clone());
    *ondraft.borrow_mut() = props.ondraft.clone();

    // Something beyond the fold to show: drafts kept (or the agency details alone), or
    // unlocked, or the fold opened.
    let needed = *unfolded
        || props.draft_key.is_some()
        || props.open.is_some()
        || drafts::count() > 0
        || drafts::read(PROFILE).is_some();

    let from_fold = *unfolded;
    let mount_in: MountIn<(PanelState, String)> = Rc::new(
        move |loaded: &Loaded, element: &web_sys::Element, (state, language)| {
            let ondraft = ondraft.clone();
            let ondraft = Callback::from(move |event| {
                let emit = ondraft.borrow().clone();
                emit.emit(event);
            });
            let mounted = drafts_module::mount(loaded, element, state, language, ondraft)?;
            // The worker opened the fold: the panel's first field takes the focus from
            // the fold that made way for it, once the module's first render, which its
            // renderer schedules, and the host's without the fold are in the page.
            if from_fold {
                focus::after_next_paint("draft-label");
            }
            Ok(mounted)
        },
    );
    let HostedModule {
        root,
        loading,
        onretry,
    } = use_module_host(
        &DRAFTS,
        needed,
        (state, props.language.to_string()),
        mount_in,
        |handle, (state, language)| drafts_module::update(handle, state, language),
    );

    let status = match loading {
        Loading::Mounted => html! {},
        Loading::Waiting if needed => {
            html! { <p role="status" id="drafts-loading">{ words.drafts_loading() }</p> }
        }
        Loading::Waiting => html! {},
        Loading::Failed => {
            html! {
                <div class="error-summary" role="alert" id="drafts-failed">
                    <p>{ words.drafts_failed() }</p>
                    <button type="button" class="primary" id="drafts-retry" onclick={onretry}>{ words.embed_retry() }</button>
                </div>
            }
        }
    };
    // Until the module's panel shows: the fold as the panel shows it, or the panel's
    // heading where there is more than the fold to show.
    let onunfold = {
        let unfolded = unfolded.clone();
        Callback::from(move |_: MouseEvent| unfolded.set(true))
    };
    let standin = html! {
        <section class="draft-panel" aria-labelledby="draft-heading">
            if needed && !*unfolded {
                <h2 id="draft-heading">{ words.draft_heading() }</h2>
                { status }
            } else {
                if props.unreadable {
                    <p role="alert" class="error" id="draft-unreadable">{ words.draft_unreadable() }</p>
                }
                <details id="draft-keep">
                    <summary id="draft-heading" onclick={onunfold}>{ words.draft_heading() }</summary>
                    { status }
                </details>
            }
        </section>
    };
    html! {
        <>
            if loading != Loading::Mounted {
                { standin }
            }
            <div class="drafts-module" ref={root}></div>
        </>
    }
}
