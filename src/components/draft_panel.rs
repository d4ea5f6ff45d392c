//! Keeping a referral as a sealed draft between sessions, opening it again, locking it.

use std::rc::Rc;

use confidant_core::draft::{Derivation, DraftError, DraftKey};
use confidant_core::form::Answers;
use confidant_core::keys::KdfParams;
use yew::prelude::*;
use zeroize::Zeroizing;

use crate::browser::{derive, drafts, workers};
use crate::state::{SharedDraftKey, SharedForm};

/// The shortest passphrase a draft takes.
pub const MIN_PASSPHRASE_CHARS: usize = 10;

/// The cost of a draft key: the Argon2id floor the key files accept (19 MiB, 2 passes),
/// so that it derives in a few seconds in a browser on a modest phone.
pub const DRAFT_KDF: KdfParams = KdfParams::MINIMUM;

#[derive(Debug, Properties, PartialEq)]
pub struct DraftPanelProps {
    pub form: SharedForm,
    /// Whether the shell holds the draft's key (the draft is open).
    pub open: bool,
    pub language: AttrValue,
    /// A draft was started (no answers) or opened (its answers).
    pub onkey: Callback<(SharedDraftKey, Option<Answers>)>,
    pub onlock: Callback<()>,
}

#[derive(Clone, Debug, PartialEq)]
enum Step {
    Idle,
    Deriving,
    Problem(&'static str),
}

fn read_and_clear(input: &NodeRef) -> String {
    input
        .cast::<web_sys::HtmlInputElement>()
        .map(|input| {
            let value = input.value();
            input.set_value("");
            value
        })
        .unwrap_or_default()
}

#[function_component(DraftPanel)]
pub fn draft_panel(props: &DraftPanelProps) -> Html {
    let words = crate::interface_text::for_language(&props.language);
    let step = use_state(|| Step::Idle);
    // Bumped when the kept draft changes here (deleted), to read storage again.
    let version = use_state(|| 0u32);
    let first = use_node_ref();
    let second = use_node_ref();
    let form_id = props.form.id.clone();
    let stored = drafts::stored(&form_id);
    let _ = *version;

    let status = match &*step {
        Step::Idle => html! {},
        Step::Deriving => html! { <p role="status" id="draft-status">{ words.deriving_key }</p> },
        Step::Problem(text) => {
            html! { <p role="alert" class="error" id="draft-problem">{ *text }</p> }
        }
    };
    // Where no worker could start, the panel says what that changes (the page pauses; a
    // new passphrase is held to the plain rule), rather than fall back silently.
    let fallback = if workers::unavailable() {
        html! { <p class="notice" id="workers-unavailable">{ words.workers_unavailable }</p> }
    } else {
        html! {}
    };

    if props.open {
        let onlock = props.onlock.reform(|_: MouseEvent| ());
        return html! {
            <section class="draft-panel" aria-labelledby="draft-heading">
                <h2 id="draft-heading">{ words.draft_heading }</h2>
                <p id="draft-kept">{ words.draft_kept }</p>
                { fallback }
                <button type="button" class="secondary" id="lock-draft" onclick={onlock}>{ words.lock_now }</button>
            </section>
        };
    }

    if let Some(sealed) = stored {
        let onopen = {
            let (step, first, onkey, form) = (
                step.clone(),
                first.clone(),
                props.onkey.clone(),
                props.form.clone(),
            );
            Callback::from(move |_: MouseEvent| {
                let passphrase = Zeroizing::new(read_and_clear(&first));
                let (step, onkey, form, sealed) =
                    (step.clone(), onkey.clone(), form.clone(), sealed.clone());
                step.set(Step::Deriving);
                wasm_bindgen_futures::spawn_local(async move {
                    let opened = async {
                        let derivation = Derivation::of_draft(&sealed, &form.id)?;
                        let key = derive::derive(&passphrase, derivation).await?;
                        let key = DraftKey::from_derived(derivation, key);
                        let content = key.open_sealed(&sealed, &form.id)?;
                        let answers = Answers::from_json_text(&form, &content)
                            .map_err(|_| DraftError::Malformed)?;
                        Ok::<_, DraftError>((key, answers))
                    };
                    // Whatever went wrong, the draft is left as it was; a wrong
                    // passphrase and a changed draft read the same.
                    match opened.await {
                        Ok((key, answers)) => {
                            step.set(Step::Idle);
                            onkey.emit((SharedDraftKey(Rc::new(key)), Some(answers)));
                        }
                        Err(_) => step.set(Step::Problem(words.draft_wrong_passphrase)),
                    }
                });
            })
        };
        let ondiscard = {
            let (version, step, form_id) = (version.clone(), step.clone(), form_id.clone());
            Callback::from(move |_: MouseEvent| {
                drafts::forget(&form_id);
                step.set(Step::Idle);
                version.set(*version + 1);
            })
        };
        return html! {
            <section class="draft-panel" aria-labelledby="draft-heading">
                <h2 id="draft-heading">{ words.draft_heading }</h2>
                <p>{ words.draft_stored_intro }</p>
                <div class="field">
                    <label for="draft-passphrase">{ words.passphrase }</label>
                    <input type="password" id="draft-passphrase" ref={first} autocomplete="off" spellcheck="false" />
                </div>
                { status }
                { fallback }
                <div class="actions">
                    <button type="button" class="primary" id="open-draft" onclick={onopen}
                        disabled={*step == Step::Deriving}>{ words.resume }</button>
                    { " " }
                    <button type="button" class="secondary" id="discard-draft" onclick={ondiscard}>{ words.discard_draft }</button>
                </div>
            </section>
        };
    }

    let onkeep = {
        let (step, first, second, onkey) = (
            step.clone(),
            first.clone(),
            second.clone(),
            props.onkey.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let (one, two) = (read_and_clear(&first), read_and_clear(&second));
            if one.chars().count() < MIN_PASSPHRASE_CHARS {
                step.set(Step::Problem(words.passphrase_too_short));
                return;
            }
            if one != two {
                step.set(Step::Problem(words.passphrases_differ));
                return;
            }
            let passphrase = Zeroizing::new(one);
            drop(Zeroizing::new(two));
            let (step, onkey) = (step.clone(), onkey.clone());
            step.set(Step::Deriving);
            wasm_bindgen_futures::spawn_local(async move {
                let made = async {
                    let derivation = Derivation::new(DRAFT_KDF, &mut getrandom::SysRng)?;
                    let key = derive::derive_new(&passphrase, derivation).await?;
                    Ok::<_, DraftError>(DraftKey::from_derived(derivation, key))
                };
                match made.await {
                    Ok(key) => {
                        step.set(Step::Idle);
                        onkey.emit((SharedDraftKey(Rc::new(key)), None));
                    }
                    Err(DraftError::WeakPassphrase) => {
                        step.set(Step::Problem(words.passphrase_weak));
                    }
                    Err(_) => step.set(Step::Problem(words.draft_not_saved)),
                }
            });
        })
    };
    html! {
        <section class="draft-panel" aria-labelledby="draft-heading">
            <h2 id="draft-heading">{ words.draft_heading }</h2>
            <p id="draft-intro">{ words.draft_keep_intro }</p>
            <div class="field">
                <label for="draft-passphrase">{ words.passphrase }</label>
                <input type="password" id="draft-passphrase" ref={first} autocomplete="off" spellcheck="false"
                    onfocus={Callback::from(|_: FocusEvent| derive::prepare_judge())} />
            </div>
            <div class="field">
                <label for="draft-passphrase-again">{ words.passphrase_repeat }</label>
                <input type="password" id="draft-passphrase-again" ref={second} autocomplete="off" spellcheck="false" />
            </div>
            { status }
            { fallback }
            <button type="button" class="secondary" id="keep-draft" onclick={onkeep}
                disabled={*step == Step::Deriving}>{ words.keep_draft }</button>
        </section>
    }
}
