//! A person's sealed drafts: keeping the checklist's and the referral's answers between
//! sessions, one draft per person under one passphrase, found again by the label the
//! worker chose; opening one, deleting one, locking them all.
//!
//! Storage holds only sealed text under random names (`browser::drafts`). Labels and
//! dates are inside the ciphertext, so the list of drafts exists only once they are
//! unlocked, in memory.

use std::rc::Rc;

use confidant_core::draft::{Derivation, DraftError, DraftKey, PersonDraft};
use confidant_core::keys::KdfParams;
use yew::prelude::*;
use zeroize::Zeroizing;

use crate::browser::drafts::{self, EARLIER, PROFILE};
use crate::browser::{clock, derive, focus, intl, workers};
use crate::forms::FormKey;
use crate::interface_text::Words;
use crate::state::{DraftAnswers, DraftEntry, PERSON_FORMS, SharedDraftKey};

/// The shortest passphrase a draft takes.
pub const MIN_PASSPHRASE_CHARS: usize = 10;

/// The cost of a draft key: the Argon2id floor the key files accept (19 MiB, 2 passes),
/// so that it derives in a few seconds in a browser on a modest phone.
pub const DRAFT_KDF: KdfParams = KdfParams::MINIMUM;

/// At most this many different derivations are tried on unlocking (drafts made under
/// another passphrase, before drafts shared one): each costs seconds.
const MAX_DERIVATIONS: usize = 3;

/// What the worker did in the panel, for the shell to take in.
#[derive(Clone, Debug, PartialEq)]
pub enum DraftEvent {
    Unlocked(SharedDraftKey, Vec<DraftEntry>, Option<DraftAnswers>),
    /// "Remember my agency's details": the referral's answers about the worker's agency
    /// are to be kept, sealed.
    KeepProfile,
    ForgetProfile,
    Kept(SharedDraftKey, DraftEntry),
    Resumed(DraftEntry, Vec<(FormKey, DraftAnswers)>),
    Deleted(String),
    Lock,
}

#[derive(Debug, Properties, PartialEq)]
pub struct DraftPanelProps {
    pub language: AttrValue,
    /// The drafts' key, while they are unlocked.
    pub draft_key: Option<SharedDraftKey>,
    /// The drafts, while they are unlocked.
    pub drafts: Vec<DraftEntry>,
    /// The draft that keeps this person's answers.
    pub open: Option<DraftEntry>,
    /// The last draft opened did not fit the forms as they are now.
    pub unreadable: bool,
    /// The person has answers no draft keeps: opening another draft would lose them.
    pub unsaved: bool,
    /// On the referral: whether the worker's agency details are kept (`None` elsewhere).
    #[prop_or_default]
    pub profile: Option<bool>,
    /// The worker opened the fold before the panel was here (`components::draft_host`):
    /// it shows open.
    #[prop_or_default]
    pub unfolded: bool,
    pub ondraft: Callback<DraftEvent>,
}

#[derive(Clone, Debug, PartialEq)]
enum Step {
    Idle,
    Deriving,
    Problem(&'static str),
    /// Unlocked, with this many drafts that did not open with the passphrase.
    Unopened(usize),
    /// "Delete all drafts" asks first.
    ConfirmDeleteAll,
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

fn label_problem(error: DraftError, words: &'static Words) -> &'static str {
    match error {
        DraftError::LabelTooLong => words.draft_label_too_long(),
        _ => words.draft_label_missing(),
    }
}

/// The day a draft was saved, in the worker's language.
fn saved_on(saved: &str, language: &str) -> String {
    let millis = js_sys::Date::parse(saved);
    if saved.is_empty() || millis.is_nan() {
        return String::new();
    }
    intl::day((millis / 1000.0) as u64, language)
}

/// What an unlock gives: the shared key, the drafts listed, how many did not open, and
/// the worker's agency details if they are kept.
type Unlocked = (DraftKey, Vec<DraftEntry>, usize, Option<DraftAnswers>);

/// Opens every kept draft with the passphrase. The drafts' shared derivation is derived
/// once; a draft kept under another one (made before drafts shared one) is opened with
/// its own and sealed again under the shared key, and a referral's draft of the earlier
/// kind becomes a person's draft. Gives the key, the list and how many did not open;
/// fails when none opened. Nothing that did not open is touched.
async fn unlock(passphrase: &str, words: &'static Words) -> Result<Unlocked, DraftError> {
    let mut keys: Vec<DraftKey> = Vec::new();
    let mut opened: Vec<(drafts::Stored, usize, PersonDraft)> = Vec::new();
    let mut unopened = 0;
    for stored in drafts::stored() {
        let Ok(derivation) = Derivation::of_draft(&stored.sealed, stored.form()) else {
            unopened += 1;
            continue;
        };
        let at = match keys.iter().position(|key| key.derivation() == derivation) {
            Some(at) => at,
            None if keys.len() < MAX_DERIVATIONS => {
                let key = derive::derive(passphrase, derivation).await?;
                keys.push(DraftKey::from_derived(derivation, key));
                keys.len() - 1
            }
            None => {
                unopened += 1;
                continue;
            }
        };
        let content = match keys[at].open_sealed(&stored.sealed, stored.form()) {
            Ok(content) => content,
            Err(_) => {
                unopened += 1;
                continue;
            }
        };
        let draft = if stored.id == EARLIER {
            serde_json::from_str::<serde_json::Value>(&content)
                .ok()
                .filter(serde_json::Value::is_object)
                .map(|answers| PersonDraft {
                    label: words.draft_earlier().to_owned(),
                    saved: String::new(),
                    forms: [(FormKey::Referral.id().to_owned(), answers)].into(),
                })
        } else {
            PersonDraft::from_text(&content).ok()
        };
        match draft {
            Some(draft) => opened.push((stored, at, draft)),
            None => unopened += 1,
        }
    }
    // The agency details alone (no draft kept) are opened with their own derivation.
    let profile = drafts::read(PROFILE);
    if opened.is_empty()
        && let Some(sealed) = &profile
        && let Ok(derivation) = Derivation::of_draft(sealed, PROFILE)
    {
        let key = derive::derive(passphrase, derivation).await?;
        let key = DraftKey::from_derived(derivation, key);
        let content = key.open_sealed(sealed, PROFILE)?;
        return Ok((key, Vec::new(), unopened, Some(Rc::new(content))));
    }
    let Some(&(_, shared, _)) = opened.first() else {
        return Err(DraftError::CouldNotOpen);
    };
    let mut entries = Vec::new();
    for (stored, at, draft) in opened {
        let mut id = stored.id.clone();
        if at != shared || stored.id == EARLIER {
            // Kept again under the shared key (and a name of its own), then the old one
            // goes: never before the new one is safely stored.
            // A draft that cannot be kept again now stays as it was, unlisted.
            if stored.id == EARLIER {
                let Some(new) = drafts::new_id() else {
                    unopened += 1;
                    continue;
                };
                id = new;
            }
            let sealed = keys[shared].seal(
                confidant_core::draft::PERSON,
                &draft.to_text(),
                &mut getrandom::SysRng,
            );
            if !sealed.is_ok_and(|sealed| drafts::keep(&id, &sealed)) {
                unopened += 1;
                continue;
            }
            if id != stored.id {
                drafts::forget(&stored.id);
            }
        }
        entries.push(DraftEntry {
            id,
            label: draft.label,
            saved: draft.saved,
        });
    }
    let key = keys.swap_remove(shared);
    if entries.is_empty() {
        return Err(DraftError::CouldNotOpen);
    }
    let profile = profile
        .and_then(|sealed| key.open_sealed(&sealed, PROFILE).ok())
        .map(Rc::new);
    Ok((key, entries, unopened, profile))
}

/// The person's forms as a draft keeps them, read from storage with the key.
fn open_draft(
    key: &DraftKey,
    entry: &DraftEntry,
) -> Result<Vec<(FormKey, DraftAnswers)>, DraftError> {
    let sealed = drafts::read(&entry.id).ok_or(DraftError::Malformed)?;
    let content = key.open_sealed(&sealed, confidant_core::draft::PERSON)?;
    let draft = PersonDraft::from_text(&content)?;
    Ok(PERSON_FORMS
        .iter()
        .filter_map(|form| {
            let answers = draft.forms.get(form.id())?;
            Some((
                *form,
                Rc::new(Zeroizing::new(confidant_core::json_text(answers))),
            ))
        })
        .collect())
}

// Where the focus goes (`focus::after_next_paint`): after a draft is kept, or the drafts
// locked, the button pressed has made way for a sentence that says where the drafts
// stand ("Kept as the draft …", "Sealed drafts kept in this browser: …"), which takes
// it; after a passphrase was refused once its key was derived (the button pressed was
// disabled meanwhile, and lost the focus), the passphrase field, emptied, takes it
// beside the problem. A draft resumed or unlocked opens its screen again, whose heading
// takes it; the drafts locked after a while without activity leave it where it is.
#[function_component(DraftPanel)]
pub fn draft_panel(props: &DraftPanelProps) -> Html {
    let words = crate::interface_text::for_language(&props.language);
    let step = use_state(|| Step::Idle);
    // Bumped when the kept drafts change here (deleted), to read storage again.
    let version = use_state(|| 0u32);
    // The fold shows open on the panel's first render when the worker opened it before
    // the panel was here; once the panel has shown anything else (a draft kept, the drafts
    // locked), it folds again, as it would have.
    let unfolded = use_mut_ref(|| props.unfolded);
    let label = use_node_ref();
    let first = use_node_ref();
    let second = use_node_ref();
    let _ = *version;

    let status = match &*step {
        Step::Idle | Step::ConfirmDeleteAll => html! {},
        Step::Deriving => html! { <p role="status" id="draft-status">{ words.deriving_key() }</p> },
        Step::Problem(text) => {
            html! { <p role="alert" class="error" id="draft-problem">{ *text }</p> }
        }
        Step::Unopened(count) => html! {
            <p role="status" class="notice" id="drafts-unopened">
                { words.drafts_unopened().replace("{n}", &count.to_string()) }
            </p>
        },
    };
    // Where no worker could start, the panel says what that changes (the page pauses; a
    // new passphrase is held to the plain rule), rather than fall back silently.
    let fallback = if workers::unavailable() {
        html! { <p class="notice" id="workers-unavailable">{ words.workers_unavailable() }</p> }
    } else {
        html! {}
    };
    let unreadable = if props.unreadable {
        html! { <p role="alert" class="error" id="draft-unreadable">{ words.draft_unreadable() }</p> }
    } else {
        html! {}
    };
    let label_field = html! {
        <div class="field">
            <label for="draft-label">{ words.draft_label() }</label>
            <p class="help" id="draft-label-help">{ words.draft_label_help() }</p>
            <input type="text" id="draft-label" ref={label.clone()} autocomplete="off" spellcheck="false"
                aria-describedby="draft-label-help" maxlength="60" />
        </div>
    };

    // The worker's agency details, on the referral, while the drafts are unlocked.
    let profile = match props.profile.filter(|_| props.draft_key.is_some()) {
        None => html! {},
        Some(true) => html! {
            <div class="profile" id="profile">
                <p id="profile-kept">{ words.profile_kept() }</p>
                <button type="button" class="secondary" id="forget-profile"
                    onclick={props.ondraft.reform(|_: MouseEvent| DraftEvent::ForgetProfile)}>{ words.profile_forget() }</button>
            </div>
        },
        Some(false) => html! {
            <div class="profile" id="profile">
                <p>{ words.profile_intro() }</p>
                <button type="button" class="secondary" id="keep-profile"
                    onclick={props.ondraft.reform(|_: MouseEvent| DraftEvent::KeepProfile)}>{ words.profile_keep() }</button>
            </div>
        },
    };

    if let Some(open) = &props.open {
        *unfolded.borrow_mut() = false;
        let onlock = props.ondraft.reform(|_: MouseEvent| {
            focus::after_next_paint("draft-stored");
            DraftEvent::Lock
        });
        return html! {
            <section class="draft-panel" aria-labelledby="draft-heading">
                <h2 id="draft-heading">{ words.draft_heading() }</h2>
                <p id="draft-kept" tabindex="-1">{ words.draft_kept().replace("{label}", &open.label) }</p>
                { fallback }
                <button type="button" class="secondary" id="lock-draft" onclick={onlock}>{ words.lock_now() }</button>
                { profile }
            </section>
        };
    }

    if let Some(key) = &props.draft_key {
        *unfolded.borrow_mut() = false;
        // Unlocked: the drafts by label, and keeping this person's answers as a new one.
        let onkeep = {
            let (step, label, key, ondraft) = (
                step.clone(),
                label.clone(),
                key.clone(),
                props.ondraft.clone(),
            );
            Callback::from(move |_: MouseEvent| {
                let typed = read_and_clear(&label);
                match (PersonDraft::check_label(&typed), drafts::new_id()) {
                    (Err(error), _) => step.set(Step::Problem(label_problem(error, words))),
                    (Ok(_), None) => step.set(Step::Problem(words.draft_not_saved())),
                    (Ok(label), Some(id)) => {
                        step.set(Step::Idle);
                        ondraft.emit(DraftEvent::Kept(
                            key.clone(),
                            DraftEntry {
                                id,
                                label,
                                saved: clock::today(),
                            },
                        ));
                        focus::after_next_paint("draft-kept");
                    }
                }
            })
        };
        let rows = props.drafts.iter().map(|entry| {
            let onresume = {
                let (step, key, entry, ondraft) = (
                    step.clone(),
                    key.clone(),
                    entry.clone(),
                    props.ondraft.clone(),
                );
                Callback::from(move |_: MouseEvent| match open_draft(&key.0, &entry) {
                    Ok(forms) => ondraft.emit(DraftEvent::Resumed(entry.clone(), forms)),
                    Err(_) => step.set(Step::Problem(words.draft_wrong_passphrase())),
                })
            };
            let ondelete = {
                let (id, ondraft) = (entry.id.clone(), props.ondraft.clone());
                Callback::from(move |_: MouseEvent| {
                    drafts::forget(&id);
                    ondraft.emit(DraftEvent::Deleted(id.clone()));
                })
            };
            let saved = saved_on(&entry.saved, &props.language);
            html! {
                <li class="draft-entry">
                    <span class="draft-label" dir="auto">{ entry.label.clone() }</span>
                    if !saved.is_empty() {
                        <span class="draft-saved">{ words.draft_saved_on().replace("{day}", &saved) }</span>
                    }
                    <span class="actions">
                        if !props.unsaved {
                            <button type="button" class="secondary resume-draft" onclick={onresume}>{ words.resume() }</button>
                        }
                        <button type="button" class="secondary delete-draft" onclick={ondelete}>{ words.discard_draft() }</button>
                    </span>
                </li>
            }
        });
        let onlock = props.ondraft.reform(|_: MouseEvent| {
            focus::after_next_paint("draft-stored");
            DraftEvent::Lock
        });
        return html! {
            <section class="draft-panel" aria-labelledby="draft-heading">
                <h2 id="draft-heading">{ words.draft_heading() }</h2>
                { unreadable }
                if props.drafts.is_empty() {
                    <p id="drafts-none">{ words.drafts_none() }</p>
                } else {
                    <ul class="draft-list" id="draft-list">{ for rows }</ul>
                    if props.unsaved {
                        <p class="notice" id="draft-resume-later">{ words.draft_resume_later() }</p>
                    }
                }
                <p id="draft-intro">{ words.draft_keep_unlocked() }</p>
                { label_field }
                { status }
                <div class="actions">
                    <button type="button" class="secondary" id="keep-draft" onclick={onkeep}>{ words.keep_draft() }</button>
                    <button type="button" class="secondary" id="lock-draft" onclick={onlock}>{ words.lock_now() }</button>
                </div>
                { profile }
            </section>
        };
    }

    // Locked: drafts are kept, or the agency details alone.
    let kept = drafts::count();
    if kept > 0 || drafts::read(PROFILE).is_some() {
        *unfolded.borrow_mut() = false;
        let onopen = {
            let (step, first, ondraft) = (step.clone(), first.clone(), props.ondraft.clone());
            Callback::from(move |_: MouseEvent| {
                let passphrase = Zeroizing::new(read_and_clear(&first));
                let (step, ondraft) = (step.clone(), ondraft.clone());
                step.set(Step::Deriving);
                wasm_bindgen_futures::spawn_local(async move {
                    // Whatever went wrong, the drafts are left as they were; a wrong
                    // passphrase and a changed draft read the same.
                    match unlock(&passphrase, words).await {
                        Ok((key, entries, unopened, profile)) => {
                            step.set(if unopened > 0 {
                                Step::Unopened(unopened)
                            } else {
                                Step::Idle
                            });
                            ondraft.emit(DraftEvent::Unlocked(
                                SharedDraftKey(Rc::new(key)),
                                entries,
                                profile,
                            ));
                        }
                        Err(_) => {
                            step.set(Step::Problem(words.draft_wrong_passphrase()));
                            focus::after_next_paint("draft-passphrase");
                        }
                    }
                });
            })
        };
        let delete_all = if *step == Step::ConfirmDeleteAll {
            let ondelete = {
                let (step, version) = (step.clone(), version.clone());
                Callback::from(move |_: MouseEvent| {
                    for stored in drafts::stored() {
                        drafts::forget(&stored.id);
                    }
                    drafts::forget(PROFILE);
                    step.set(Step::Idle);
                    version.set(*version + 1);
                })
            };
            let oncancel = {
                let step = step.clone();
                Callback::from(move |_: MouseEvent| step.set(Step::Idle))
            };
            html! {
                <div class="notice" role="group" aria-labelledby="delete-drafts-question">
                    <p id="delete-drafts-question">{ words.drafts_delete_confirm().replace("{n}", &kept.to_string()) }</p>
                    <div class="actions">
                        <button type="button" class="secondary" id="delete-drafts-confirm" onclick={ondelete}>{ words.drafts_delete() }</button>
                        <button type="button" class="primary" id="delete-drafts-cancel" onclick={oncancel}>{ words.new_person_cancel() }</button>
                    </div>
                </div>
            }
        } else {
            let onask = {
                let step = step.clone();
                Callback::from(move |_: MouseEvent| step.set(Step::ConfirmDeleteAll))
            };
            html! {
                <button type="button" class="secondary" id="discard-draft" onclick={onask}>{ words.drafts_delete() }</button>
            }
        };
        return html! {
            <section class="draft-panel" aria-labelledby="draft-heading">
                <h2 id="draft-heading">{ words.draft_heading() }</h2>
                <p id="draft-stored" tabindex="-1">{ words.draft_stored_intro().replace("{n}", &kept.to_string()) }</p>
                <div class="field">
                    <label for="draft-passphrase">{ words.passphrase() }</label>
                    <input type="password" id="draft-passphrase" ref={first} autocomplete="off" spellcheck="false" />
                </div>
                { status }
                { fallback }
                <div class="actions">
                    <button type="button" class="primary" id="open-draft" onclick={onopen}
                        disabled={*step == Step::Deriving}>{ words.open_drafts() }</button>
                    { delete_all }
                </div>
            </section>
        };
    }

    let onkeep = {
        let (step, label, first, second, ondraft) = (
            step.clone(),
            label.clone(),
            first.clone(),
            second.clone(),
            props.ondraft.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let typed = label
                .cast::<web_sys::HtmlInputElement>()
                .map(|input| input.value())
                .unwrap_or_default();
            let name = match PersonDraft::check_label(&typed) {
                Ok(name) => name,
                Err(error) => {
                    step.set(Step::Problem(label_problem(error, words)));
                    return;
                }
            };
            let (one, two) = (read_and_clear(&first), read_and_clear(&second));
            if one.chars().count() < MIN_PASSPHRASE_CHARS {
                step.set(Step::Problem(words.passphrase_too_short()));
                return;
            }
            if one != two {
                step.set(Step::Problem(words.passphrases_differ()));
                return;
            }
            let Some(id) = drafts::new_id() else {
                step.set(Step::Problem(words.draft_not_saved()));
                return;
            };
            let passphrase = Zeroizing::new(one);
            drop(Zeroizing::new(two));
            let (step, ondraft, label) = (step.clone(), ondraft.clone(), label.clone());
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
                        if let Some(input) = label.cast::<web_sys::HtmlInputElement>() {
                            input.set_value("");
                        }
                        let entry = DraftEntry {
                            id,
                            label: name,
                            saved: clock::today(),
                        };
                        ondraft.emit(DraftEvent::Kept(SharedDraftKey(Rc::new(key)), entry));
                        focus::after_next_paint("draft-kept");
                    }
                    Err(error) => {
                        step.set(Step::Problem(if error == DraftError::WeakPassphrase {
                            words.passphrase_weak()
                        } else {
                            words.draft_not_saved()
                        }));
                        focus::after_next_paint("draft-passphrase");
                    }
                }
            });
        })
    };
    // No drafts yet: keeping one is offered folded under the panel's name, so that on a
    // phone the form's first question is on the first screen rather than below a screen
    // and a half of this panel.
    html! {
        <section class="draft-panel" aria-labelledby="draft-heading">
            { unreadable }
            <details id="draft-keep" open={*unfolded.borrow()}>
                <summary id="draft-heading">{ words.draft_heading() }</summary>
                <p id="draft-intro">{ words.draft_keep_intro() }</p>
                { label_field }
                <div class="field">
                    <label for="draft-passphrase">{ words.passphrase() }</label>
                    <input type="password" id="draft-passphrase" ref={first} autocomplete="off" spellcheck="false"
                        onfocus={Callback::from(|_: FocusEvent| derive::prepare_judge())} />
                </div>
                <div class="field">
                    <label for="draft-passphrase-again">{ words.passphrase_repeat() }</label>
                    <input type="password" id="draft-passphrase-again" ref={second} autocomplete="off" spellcheck="false" />
                </div>
                { status }
                { fallback }
                <button type="button" class="secondary" id="keep-draft" onclick={onkeep}
                    disabled={*step == Step::Deriving}>{ words.keep_draft() }</button>
            </details>
        </section>
    }
}
