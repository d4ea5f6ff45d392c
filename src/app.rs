//! The root component: which screen is open, and the quick exit that covers them all.
//!
//! Screens are in-memory state (see [`crate::browser::navigation`] for why they are not
//! history entries). All side effects of the shell happen here, at the root; the screens
//! below only render and call back.

use std::rc::Rc;

use gloo::events::EventListener;
use yew::prelude::*;

use crate::browser::{
    clock, document, drafts, kept_checklists, navigation, network, offline, outbox, pins,
};
use crate::components::draft_host::DraftHost;
use crate::components::draft_panel::DraftEvent;
use crate::components::language_picker::{LanguagePicker, is_right_to_left};
use crate::components::quick_exit_button::{QuickExitButtonProps, quick_exit_button};
use crate::forms::{self, FormKey};
use crate::quick_exit;
use crate::state::{
    DRAFT_LOCK_AFTER_MS, Listing, Outgoing, PERSON_FORMS, Screen, SharedForm, SharedSigner,
    ShellAction, ShellState,
};
use crate::use_cases::{self, Backoff};
use confidant_core::draft::{PERSON, PersonDraft};
use confidant_core::form::{Answer, Answers};

use crate::screens::draft::{DraftProps, draft};
use crate::screens::groups::{GroupFormProps, GroupsProps, group_form, groups};
use crate::screens::home::{HomeProps, home};
use crate::screens::identify::{IdentifyProps, identify};
use crate::screens::inbox::SentReferral;
use crate::screens::inbox_host::InboxHost;
use crate::screens::outbox::Outbox;
use crate::screens::refer::{ReferProps, refer};
use crate::screens::review::Review;

#[derive(Debug, Default, Properties, PartialEq)]
pub struct AppProps {
    /// Called last by the quick exit, after state and session storage are cleared. Leaves
    /// for the neutral page unless given (tests give it, to stay on their page).
    #[prop_or_default]
    pub on_exit: Option<Callback<()>>,
    /// Where files of `forms/` are fetched from, by file name, for those not served at
    /// their usual address (tests give `data:` addresses). A list, searched in order:
    /// only tests give one, and a map's code would weigh on every worker's download.
    #[prop_or_default]
    pub sources: Vec<(String, AttrValue)>,
    /// How long an open draft stays open without an answer, in ms (10 minutes unless
    /// given; tests give less).
    #[prop_or_default]
    pub draft_lock_after_ms: Option<f64>,
    /// The screen to open first (what the worker chose before the app had arrived).
    #[prop_or_default]
    pub first_screen: Option<Screen>,
}

#[function_component(App)]
pub fn app(props: &AppProps) -> Html {
    let first_screen = props.first_screen;
    let state = use_reducer(move || ShellState {
        screen: first_screen.unwrap_or_default(),
        ..ShellState::default()
    });

    // Callbacks made once (per `on_exit`), so that the components given them, and the
    // keyboard listener below, are not rebuilt on every answer.
    let quick_exit = {
        let dispatcher = state.dispatcher();
        use_callback(props.on_exit.clone(), move |(), on_exit| {
            dispatcher.dispatch(ShellAction::Exit);
            quick_exit::leave(on_exit.as_ref());
        })
    };
    let open = {
        let dispatcher = state.dispatcher();
        use_callback((), move |screen, ()| {
            dispatcher.dispatch(ShellAction::Open(screen))
        })
    };
    let choose_language = {
        let dispatcher = state.dispatcher();
        use_callback((), move |language: String, ()| {
            let dispatcher = dispatcher.clone();
            use_cases::when_language_loaded(language, move |language, loaded| {
                dispatcher.dispatch(if loaded {
                    ShellAction::Language(language)
                } else {
                    ShellAction::LanguageUnavailable
                });
            });
        })
    };

    {
        let quick_exit = quick_exit.clone();
        use_effect_with(quick_exit, |quick_exit| {
            let listener = quick_exit::on_double_escape(quick_exit.clone());
            move || drop(listener)
        });
    }

    {
        // The agency directory: when the app starts (the service worker keeps the last
        // answer, so that a referral can be sealed after a reload without network), and
        // afresh whenever the review or the outbox opens. Each entry's trust is checked
        // against this device's pins, and agencies never seen are pinned.
        let dispatcher = state.dispatcher();
        let wanted = matches!(state.screen, Screen::Review | Screen::Outbox);
        use_effect_with(wanted, move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let listing = match network::directory().await {
                    Ok(directory) => {
                        let trust = pins::check(&directory.entries);
                        Listing::Ready(Rc::new(directory), trust)
                    }
                    Err(_) => Listing::Failed,
                };
                dispatcher.dispatch(ShellAction::Directory(listing));
            });
        });
    }

    {
        // Leaving with answers that would be lost asks first: a person's answers are
        // unsaved unless a sealed draft of the person is open, and a group checklist's
        // unless they are kept in the browser. The quick exit never asks.
        let unsaved = use_mut_ref(|| Rc::new(std::cell::Cell::new(false)));
        let lost = state.answers.keys().any(|form| {
            state.given(form)
                && match form {
                    FormKey::Referral | FormKey::Identification => state.draft.is_none(),
                    FormKey::GroupFramework | FormKey::GroupAgreement => {
                        !state.kept.contains_key(&form)
                    }
                }
        });
        unsaved.borrow().set(lost);
        let cell = unsaved.borrow().clone();
        use_effect_with((), move |()| {
            let listener = navigation::ask_before_leaving(cell);
            move || drop(listener)
        });
    }

    {
        // A new build installed while the app runs is used on the next open, never now.
        let dispatcher = state.dispatcher();
        use_effect_with((), move |()| {
            if offline::update_ready() {
                dispatcher.dispatch(ShellAction::UpdateReady);
            }
            let listener =
                offline::on_update_ready(move || dispatcher.dispatch(ShellAction::UpdateReady));
            move || drop(listener)
        });
    }

    use_effect_with(state.language.clone(), |language| {
        document::set_language(language, is_right_to_left(language));
    });

    // One callback per purpose for the whole life of the shell: a question whose answer
    // did not change then compares equal and is not rendered again.
    let answer = {
        let dispatcher = state.dispatcher();
        use_callback((), move |(form, field, answer), ()| {
            dispatcher.dispatch(ShellAction::Answer {
                form,
                field,
                answer,
                at: clock::now_millis(),
            })
        })
    };
    let loaded = {
        let dispatcher = state.dispatcher();
        use_callback((), move |(form, definition): (FormKey, SharedForm), ()| {
            if form.is_group_checklist()
                && let Some(kept) = kept_checklists::kept(&definition)
            {
                dispatcher.dispatch(ShellAction::Restore(form, kept));
            }
            dispatcher.dispatch(ShellAction::Loaded(form, definition, clock::today()));
        })
    };
    let keep = {
        let dispatcher = state.dispatcher();
        use_callback((), move |(form, keep): (FormKey, bool), ()| {
            if !keep {
                kept_checklists::forget(form.id());
            }
            dispatcher.dispatch(ShellAction::Keep(form, keep));
        })
    };
    {
        // The answers of a kept group checklist follow every change into storage. The
        // storage module itself refuses any form that is not wholly organisational.
        let kept: Vec<(SharedForm, Answers)> = state
            .kept
            .keys()
            .filter_map(|form| Some((state.loaded.get(&form)?.clone(), state.answers(form))))
            .collect();
        use_effect_with(kept, |kept| {
            for (form, answers) in kept {
                let _ = kept_checklists::keep(form, answers);
            }
        });
    }

    {
        // The outbox's delivery (`use_cases::deliver_due`): every second, and at once when
        // the page opens or the network comes back. Storage is the truth of what waits (a
        // reload, or another tab, sees the same); the state is its mirror.
        let dispatcher = state.dispatcher();
        use_effect_with((), move |()| {
            let running = Rc::new(std::cell::Cell::new(true));
            let back_online = Rc::new(std::cell::Cell::new(false));
            let online = {
                let back_online = back_online.clone();
                EventListener::new(&gloo::utils::window(), "online", move |_| {
                    back_online.set(true);
                })
            };
            let alive = running.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let mut backoff = Backoff::default();
                while alive.get() {
                    if back_online.replace(false) {
                        backoff.clear();
                    }
                    dispatcher.dispatch(ShellAction::Outbox(outbox::load()));
                    for tried in use_cases::deliver_due(&mut backoff).await {
                        if alive.get() {
                            dispatcher.dispatch(ShellAction::Tried(tried));
                        }
                    }
                    // A second, or less once the network is back.
                    for _ in 0..10 {
                        if !alive.get() || back_online.get() {
                            break;
                        }
                        clock::sleep(100).await;
                    }
                }
            });
            move || {
                running.set(false);
                drop(online);
            }
        });
    }

    {
        // The person's open draft follows every change of their answers into storage,
        // sealed with its label and the day. A form not loaded since the draft was opened
        // is kept as the draft gave it.
        let person = PERSON_FORMS.map(|form| state.answers(form));
        let deps = (
            person,
            state.pending.clone(),
            state.draft_key.clone(),
            state.draft.clone(),
        );
        use_effect_with(deps, |(person, pending, key, draft)| {
            if let (Some(key), Some(draft)) = (key, draft) {
                let mut kept = PersonDraft {
                    label: draft.label.clone(),
                    saved: clock::today(),
                    ..PersonDraft::default()
                };
                for (form, answers) in PERSON_FORMS.iter().zip(person) {
                    let json = match pending.get(form) {
                        Some(text) => serde_json::from_str(text).ok(),
                        None => (!answers.is_empty()).then(|| answers.to_json()),
                    };
                    if let Some(json) = json {
                        kept.forms.insert(form.id().to_owned(), json);
                    }
                }
                if let Ok(sealed) = key.0.seal(PERSON, &kept.to_text(), &mut getrandom::SysRng) {
                    let _ = drafts::keep(&draft.id, &sealed);
                }
            }
        });
    }
    {
        // The draft's lock: checked every few seconds.
        let dispatcher = state.dispatcher();
        let lock_after = props.draft_lock_after_ms.unwrap_or(DRAFT_LOCK_AFTER_MS);
        use_effect_with(lock_after, move |lock_after| {
            let lock_after = *lock_after;
            let interval = clock::every(1000, move || {
                dispatcher.dispatch(ShellAction::DraftTick {
                    now: clock::now_millis(),
                    lock_after,
                });
            });
            move || drop(interval)
        });
    }

    if state.exited {
        return html! {};
    }

    let go_home = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.emit(Screen::Home))
    };
    let address = |file: String| -> AttrValue {
        props
            .sources
            .iter()
            .find(|(name, _)| *name == file)
            .map(|(_, address)| address.clone())
            .unwrap_or_else(|| forms::address(&file).into())
    };
    let source = |form: FormKey| address(form.file());
    let translation = |form: FormKey| form.translation_file(&state.language).map(address);
    let onanswer = |form: FormKey| {
        answer.reform(move |(field, value): (String, Option<Answer>)| (form, field, value))
    };
    let onload = |form: FormKey| loaded.reform(move |definition| (form, definition));

    // What "New person" would lose: the person's answers, unless their sealed draft is
    // open.
    let person_begun = state.given(FormKey::Identification) || state.given(FormKey::Referral);
    let person_unsaved = person_begun && state.draft.is_none();
    let ondraft = {
        let dispatcher = state.dispatcher();
        let key = state.draft_key.clone();
        let referral = state.loaded.get(&FormKey::Referral).cloned();
        let answers = state.answers(FormKey::Referral);
        Callback::from(move |event: DraftEvent| {
            let at = clock::now_millis();
            dispatcher.dispatch(match event {
                DraftEvent::Unlocked(key, drafts, profile) => ShellAction::DraftsUnlocked {
                    key,
                    drafts,
                    profile,
                    at,
                },
                DraftEvent::KeepProfile => {
                    let kept = key
                        .as_ref()
                        .zip(referral.as_ref())
                        .and_then(|(key, form)| use_cases::keep_profile(&key.0, form, &answers));
                    match kept {
                        Some(profile) => ShellAction::ProfileKept(profile),
                        None => return,
                    }
                }
                DraftEvent::ForgetProfile => {
                    drafts::forget(drafts::PROFILE);
                    ShellAction::ProfileForgotten
                }
                DraftEvent::Kept(key, draft) => ShellAction::DraftKept { key, draft, at },
                DraftEvent::Resumed(draft, forms) => ShellAction::DraftResumed { draft, forms, at },
                DraftEvent::Deleted(id) => ShellAction::DraftDeleted(id),
                DraftEvent::Lock => ShellAction::DraftLock,
            });
        })
    };
    let draft_panel = html! {
        <DraftHost language={state.language.clone()} draft_key={state.draft_key.clone()}
            drafts={state.drafts.clone()} open={state.draft.clone()}
            unreadable={state.draft_unreadable} unsaved={person_unsaved}
            profile={(state.screen == Screen::Refer).then_some(state.profile.is_some())} {ondraft} />
    };
    let new_person = {
        let dispatcher = state.dispatcher();
        Callback::from(move |()| dispatcher.dispatch(ShellAction::NewPerson))
    };

    let language: AttrValue = state.language.clone().into();
    let words = crate::interface_text::for_language(&state.language);
    let body = match state.screen {
        Screen::Home => home(&HomeProps {
            onopen: open.clone(),
            language: language.clone(),
            update_ready: state.update_ready,
            waiting: state
                .outbox
                .iter()
                .filter(|packet| packet.delivery == crate::state::Delivery::Waiting)
                .count(),
            person_begun,
            person_unsaved,
            onnewperson: new_person.clone(),
        }),
        // A person's draft that locked: the unlock, or a new person; never a blank form
        // that looks like theirs.
        Screen::Identify | Screen::Refer if state.draft_locked => html! {
            <section class="draft-locked" aria-labelledby="draft-locked-heading">
                <h1 id="draft-locked-heading" tabindex="-1">{ words.draft_locked_heading() }</h1>
                <p class="notice" role="status" id="draft-locked">{ words.draft_locked() }</p>
                { draft_panel.clone() }
                <div class="actions">
                    <button type="button" class="secondary" id="new-person"
                        onclick={new_person.reform(|_: MouseEvent| ())}>{ words.new_person() }</button>
                </div>
            </section>
        },
        Screen::Identify => {
            let dispatcher = state.dispatcher();
            let onrefer = Callback::from(move |()| dispatcher.dispatch(ShellAction::StartReferral));
            let dispatcher = state.dispatcher();
            let onmark = Callback::from(move |()| {
                dispatcher.dispatch(ShellAction::MarkNotAsked {
                    form: FormKey::Identification,
                    at: clock::now_millis(),
                });
            });
            let dispatcher = state.dispatcher();
            let onundo = Callback::from(move |()| {
                dispatcher.dispatch(ShellAction::UndoNotAsked(FormKey::Identification));
            });
            let marked = state
                .marked
                .as_ref()
                .filter(|(form, _)| *form == FormKey::Identification)
                .map(|(_, fields)| fields.len());
            identify(&IdentifyProps {
                person: state.person,
                answers: state.answers(FormKey::Identification),
                onanswer: onanswer(FormKey::Identification),
                language: language.clone(),
                source: source(FormKey::Identification),
                translation: translation(FormKey::Identification),
                onload: onload(FormKey::Identification),
                onrefer,
                onmark,
                marked,
                onundo,
                unsaved: person_unsaved,
                onnewperson: new_person.clone(),
                drafts: draft_panel.clone(),
            })
        }
        Screen::Refer => refer(&ReferProps {
            person: state.person,
            answers: state.answers(FormKey::Referral),
            onanswer: onanswer(FormKey::Referral),
            onreview: open.reform(|()| Screen::Review),
            drafts: draft_panel.clone(),
            language: language.clone(),
            source: source(FormKey::Referral),
            translation: translation(FormKey::Referral),
            onload: onload(FormKey::Referral),
            prefilled: state.prefilled,
        }),
        Screen::Review => match state.loaded.get(&FormKey::Referral) {
            Some(form) => {
                let onsealed = {
                    let dispatcher = state.dispatcher();
                    let open = state.draft.as_ref().map(|draft| draft.id.clone());
                    Callback::from(move |packets: Vec<Outgoing>| {
                        // Sent: the person's draft has done its work.
                        if let Some(id) = &open {
                            drafts::forget(id);
                        }
                        dispatcher.dispatch(ShellAction::Sealed(packets));
                    })
                };
                let onconfirm = {
                    let dispatcher = state.dispatcher();
                    Callback::from(move |entry: confidant_core::agency::DirectoryEntry| {
                        pins::confirm(&entry);
                        dispatcher.dispatch(ShellAction::Confirmed(entry.kid().to_owned()));
                    })
                };
                html! {
                    <Review form={form.clone()} answers={state.answers(FormKey::Referral)}
                        listing={state.directory.clone()}
                        language={language.clone()} onback={open.reform(|()| Screen::Refer)} {onsealed} {onconfirm}
                        sender={state.sender.clone()} signer={state.signer.clone()} onsender={{
                            let dispatcher = state.dispatcher();
                            Callback::from(move |kid| dispatcher.dispatch(ShellAction::Sender(kid)))
                        }} />
                }
            }
            None => html! {},
        },
        Screen::Outbox => html! {
            <Outbox packets={state.outbox.clone()} unreadable={state.outbox_unreadable.clone()}
                directory={state.directory.clone()} language={language.clone()} />
        },
        Screen::Inbox => html! {
            <InboxHost language={language.clone()}
                sent={state.outbox.iter().map(|outgoing| SentReferral {
                    packet_id: outgoing.packet_id.clone(),
                    day: outgoing.day,
                    recipients: outgoing.recipients.clone(),
                }).collect::<Vec<_>>()}
                onsigner={{
                    let dispatcher = state.dispatcher();
                    Callback::from(move |signer: Option<SharedSigner>| dispatcher.dispatch(match signer {
                        Some(signer) => ShellAction::SignerUnlocked { signer, at: clock::now_millis() },
                        None => ShellAction::SignerLock,
                    }))
                }} />
        },
        Screen::GroupChecklists => {
            let onopen = open.reform(Screen::Group);
            groups(&GroupsProps {
                language: language.clone(),
                onopen,
            })
        }
        Screen::Group(form) => {
            let onkeep = keep.reform(move |keep| (form, keep));
            let ondraft = open.reform(move |()| Screen::Draft(form));
            group_form(&GroupFormProps {
                form,
                source: source(form),
                translation: translation(form),
                answers: state.answers(form),
                onanswer: onanswer(form),
                language: language.clone(),
                onload: onload(form),
                kept: state.kept.contains_key(&form),
                onkeep,
                ondraft,
            })
        }
        Screen::Draft(form) => {
            let onback = open.reform(move |()| Screen::Group(form));
            match state.loaded.get(&form) {
                Some(definition) => draft(&DraftProps {
                    form: definition.clone(),
                    answers: state.answers(form),
                    language: language.clone(),
                    onback,
                }),
                None => html! {},
            }
        }
    };

    html! {
        <div class="shell">
            <header class="shell-header">
                if state.screen == Screen::Home {
                    <span class="brand">{ "Confidant" }</span>
                } else {
                    <button type="button" class="brand brand-link" onclick={go_home}>
                        { "Confidant" }
                    </button>
                }
                <LanguagePicker language={language.clone()} onchoose={choose_language}
                    unavailable={state.language_unavailable} />
                { quick_exit_button(&QuickExitButtonProps { onexit: quick_exit, language }) }
            </header>
            <main class="screen" id="screen">{ body }</main>
        </div>
    }
}
