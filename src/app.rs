//! The root component: which screen is open, and the quick exit that covers them all.
//!
//! Screens are in-memory state (see [`crate::browser::navigation`] for why they are not
//! history entries). All side effects of the shell happen here, at the root; the screens
//! below only render and call back.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use gloo::events::EventListener;
use wasm_bindgen::JsCast;
use yew::prelude::*;
use zeroize::Zeroizing;

use crate::browser::outbox::{self, Delivery, Outgoing};
use crate::browser::{clock, document, drafts, kept_checklists, navigation, storage};
use crate::components::draft_panel::SharedDraftKey;
use crate::components::form_view::SharedForm;
use crate::components::language_picker::{LanguagePicker, is_right_to_left};
use crate::components::quick_exit_button::QuickExitButton;
use crate::forms::{self, FormKey};
use crate::interface_text;
use crate::quick_exit::DoubleEscape;
use crate::use_cases::{self, Backoff, Tried};
use confidant_core::form::{Answer, Answers};

use crate::screens::draft::Draft;
use crate::screens::groups::{GroupForm, Groups};
use crate::screens::outbox::Outbox;
use crate::screens::review::Review;
use crate::screens::{home::Home, identify::Identify, pending::Pending, refer::Refer};

/// How long an open draft stays open without an answer: 10 minutes.
pub const DRAFT_LOCK_AFTER_MS: f64 = 10.0 * 60.0 * 1000.0;

/// The places a worker can be in the app.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Screen {
    #[default]
    Home,
    Identify,
    Refer,
    Inbox,
    /// The list of the group's checklists.
    GroupChecklists,
    /// One of the group's checklists.
    Group(FormKey),
    /// The draft document a form composes.
    Draft(FormKey),
    /// The referral's review, before it is sealed.
    Review,
    /// Sealed referrals and their delivery.
    Outbox,
}

/// What can happen to the shell's state.
#[derive(Clone, Debug, PartialEq)]
pub enum ShellAction {
    Open(Screen),
    /// The worker chose a language.
    Language(String),
    /// A new answer (or `None`: cleared) to a field of a form.
    Answer(FormKey, String, Option<Answer>),
    /// A form's definition was loaded. The referral then starts from the checklist's
    /// answers, once.
    Loaded(FormKey, SharedForm),
    /// Answers kept in this browser for a group checklist, read back: they fill only what
    /// is not answered, and the form counts as kept.
    Restore(FormKey, Answers),
    /// The coordinator chose whether to keep a group checklist's answers in the browser.
    Keep(FormKey, bool),
    /// The outbox as kept in storage: waiting and refused packets. Packets delivered in
    /// this session stay in the list (in memory only) until the app closes.
    Outbox(outbox::Stored),
    /// What became of an upload.
    Tried(Tried),
    /// A referral was sealed into these packets: its answers are forgotten.
    Sealed(Vec<Outgoing>),
    /// The referral's sealed draft was started (no answers) or opened (its answers).
    DraftKey(SharedDraftKey, Option<Answers>),
    /// The referral's draft locks: its key and its answers leave memory (the sealed draft
    /// stays in storage).
    DraftLock,
    /// A clock tick: the draft locks once nothing was answered for `lock_after` ms.
    DraftTick {
        now: f64,
        lock_after: f64,
    },
    /// The quick exit: forget everything.
    Exit,
}

/// The shell's in-memory state, answers included, so that the quick exit drops them in
/// one move. Nothing here is written to storage, except the answers of a group checklist
/// the coordinator chose to keep (`kept`; see [`crate::browser::kept_checklists`]).
#[derive(Clone, Debug, PartialEq)]
pub struct ShellState {
    pub screen: Screen,
    pub exited: bool,
    /// The language tag of the interface and of the forms.
    pub language: String,
    pub answers: BTreeMap<FormKey, Answers>,
    /// The definitions loaded so far.
    pub loaded: BTreeMap<FormKey, SharedForm>,
    pub kept: BTreeSet<FormKey>,
    /// Whether the referral was started from the checklist's answers.
    pub prefilled: bool,
    /// The sealed packets of this browser (ciphertext only): those waiting or refused, as
    /// kept in storage, and those delivered in this session.
    pub outbox: Vec<Outgoing>,
    /// Entries of the stored outbox that could not be read (kept, never overwritten).
    pub outbox_unreadable: Vec<outbox::Unreadable>,
    /// The key of the referral's sealed draft, while it is open.
    pub draft_key: Option<SharedDraftKey>,
    /// When the referral was last answered (ms since the epoch), for the draft's lock.
    pub last_activity: f64,
}

impl Default for ShellState {
    fn default() -> Self {
        Self {
            screen: Screen::default(),
            exited: false,
            language: "en".to_owned(),
            answers: BTreeMap::new(),
            loaded: BTreeMap::new(),
            kept: BTreeSet::new(),
            prefilled: false,
            outbox: Vec::new(),
            outbox_unreadable: Vec::new(),
            draft_key: None,
            last_activity: 0.0,
        }
    }
}

impl ShellState {
    /// The answers given to a form so far.
    pub fn answers(&self, form: FormKey) -> Answers {
        self.answers.get(&form).cloned().unwrap_or_default()
    }
}

impl Reducible for ShellState {
    type Action = ShellAction;

    fn reduce(self: Rc<Self>, action: ShellAction) -> Rc<Self> {
        if self.exited {
            return self;
        }
        let mut state = (*self).clone();
        match action {
            ShellAction::Open(screen) => state.screen = screen,
            ShellAction::Language(language) => state.language = language,
            ShellAction::Answer(form, field, answer) => {
                if form == FormKey::Referral {
                    state.last_activity = clock::now_millis();
                }
                let answers = state.answers.entry(form).or_default();
                match answer {
                    Some(answer) => answers.set(field, answer),
                    None => answers.remove(&field),
                }
            }
            ShellAction::Loaded(form, definition) => {
                if form == FormKey::Referral
                    && !state.prefilled
                    && let Some(checklist) = state.loaded.get(&FormKey::Identification)
                {
                    let started =
                        definition.prefill_from(checklist, &state.answers(FormKey::Identification));
                    if !started.is_empty() && !state.answers(FormKey::Identification).is_empty() {
                        state.answers.entry(form).or_default().fill_from(started);
                        state.prefilled = true;
                    }
                }
                state.loaded.insert(form, definition);
            }
            ShellAction::Restore(form, kept) => {
                state.answers.entry(form).or_default().fill_from(kept);
                state.kept.insert(form);
            }
            ShellAction::Keep(form, keep) => {
                if keep {
                    state.kept.insert(form);
                } else {
                    state.kept.remove(&form);
                }
            }
            ShellAction::Outbox(stored) => {
                let merged = merge_outbox(&state.outbox, stored.packets);
                if merged == state.outbox && stored.unreadable == state.outbox_unreadable {
                    return self;
                }
                state.outbox = merged;
                state.outbox_unreadable = stored.unreadable;
            }
            ShellAction::Tried(tried) => record_try(&mut state.outbox, tried),
            ShellAction::Sealed(packets) => {
                for packet in packets {
                    if !state.outbox.iter().any(|p| p.packet_id == packet.packet_id) {
                        state.outbox.push(packet);
                    }
                }
                state.answers.remove(&FormKey::Referral);
                state.prefilled = false;
                state.draft_key = None;
                state.screen = Screen::Outbox;
            }
            ShellAction::DraftKey(key, answers) => {
                if let Some(answers) = answers {
                    state.answers.insert(FormKey::Referral, answers);
                }
                state.draft_key = Some(key);
                state.last_activity = clock::now_millis();
            }
            ShellAction::DraftLock => {
                state.draft_key = None;
                state.answers.remove(&FormKey::Referral);
                state.prefilled = false;
            }
            ShellAction::DraftTick { now, lock_after } => {
                if state.draft_key.is_some() && now - state.last_activity > lock_after {
                    state.draft_key = None;
                    state.answers.remove(&FormKey::Referral);
                    state.prefilled = false;
                }
            }
            ShellAction::Exit => {
                return Rc::new(ShellState {
                    exited: true,
                    ..ShellState::default()
                });
            }
        }
        Rc::new(state)
    }
}

/// The outbox after reading storage: what is stored, with this session's counts of tries
/// kept, and the packets delivered in this session (gone from storage) after them.
fn merge_outbox(current: &[Outgoing], stored: Vec<Outgoing>) -> Vec<Outgoing> {
    let mut merged: Vec<Outgoing> = stored
        .into_iter()
        .map(|mut packet| {
            if let Some(known) = current.iter().find(|p| p.packet_id == packet.packet_id) {
                packet.attempts = known.attempts;
                packet.last_error = known.last_error.clone();
            }
            packet
        })
        .collect();
    merged.sort_by(|a, b| {
        let position = |id: &str| current.iter().position(|p| p.packet_id == id);
        position(&a.packet_id)
            .map_or(usize::MAX, |at| at)
            .cmp(&position(&b.packet_id).map_or(usize::MAX, |at| at))
    });
    let delivered: Vec<Outgoing> = current
        .iter()
        .filter(|packet| packet.delivery == Delivery::Delivered)
        .filter(|packet| !merged.iter().any(|p| p.packet_id == packet.packet_id))
        .cloned()
        .collect();
    merged.extend(delivered);
    merged
}

fn record_try(outbox: &mut [Outgoing], tried: Tried) {
    let id = match &tried {
        Tried::Stored { packet_id }
        | Tried::Refused { packet_id, .. }
        | Tried::Retry { packet_id, .. } => packet_id.clone(),
    };
    let Some(packet) = outbox.iter_mut().find(|packet| packet.packet_id == id) else {
        return;
    };
    match tried {
        Tried::Stored { .. } => {
            packet.attempts += 1;
            packet.delivery = Delivery::Delivered;
            packet.last_error = None;
        }
        Tried::Refused { kind, .. } => {
            packet.attempts += 1;
            packet.delivery = Delivery::Refused(kind.clone());
            packet.last_error = Some(kind);
        }
        Tried::Retry { kind, attempts, .. } => {
            packet.attempts = attempts;
            packet.last_error = Some(kind);
        }
    }
}

#[derive(Debug, Default, Properties, PartialEq)]
pub struct AppProps {
    /// Called last by the quick exit, after state and session storage are cleared. Leaves
    /// for the neutral page unless given (tests give it, to stay on their page).
    #[prop_or_default]
    pub on_exit: Option<Callback<()>>,
    /// Where files of `forms/` are fetched from, by file name, for those not served at
    /// their usual address (tests give `data:` addresses).
    #[prop_or_default]
    pub sources: BTreeMap<String, AttrValue>,
    /// How long an open draft stays open without an answer, in ms (10 minutes unless
    /// given; tests give less).
    #[prop_or_default]
    pub draft_lock_after_ms: Option<f64>,
}

#[function_component(App)]
pub fn app(props: &AppProps) -> Html {
    let state = use_reducer(ShellState::default);

    // Callbacks made once (per `on_exit`), so that the components given them, and the
    // keyboard listener below, are not rebuilt on every answer.
    let quick_exit = {
        let dispatcher = state.dispatcher();
        use_callback(props.on_exit.clone(), move |(), on_exit| {
            dispatcher.dispatch(ShellAction::Exit);
            storage::clear_session();
            match on_exit {
                Some(on_exit) => on_exit.emit(()),
                None => navigation::leave_for_neutral_page(),
            }
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
        use_callback((), move |language, ()| {
            dispatcher.dispatch(ShellAction::Language(language))
        })
    };

    {
        let quick_exit = quick_exit.clone();
        use_effect_with(quick_exit, |quick_exit| {
            let quick_exit = quick_exit.clone();
            let keys = RefCell::new(DoubleEscape::default());
            let listener = EventListener::new(&gloo::utils::document(), "keydown", move |event| {
                let Some(event) = event.dyn_ref::<KeyboardEvent>() else {
                    return;
                };
                if event.key() != "Escape" {
                    keys.borrow_mut().other_key();
                } else if keys.borrow_mut().press(clock::now_millis()) {
                    quick_exit.emit(());
                }
            });
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
            dispatcher.dispatch(ShellAction::Answer(form, field, answer))
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
            dispatcher.dispatch(ShellAction::Loaded(form, definition));
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
            .iter()
            .filter_map(|form| Some((state.loaded.get(form)?.clone(), state.answers(*form))))
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
        // The open draft follows every change of the referral into storage, sealed.
        let referral = state.answers(FormKey::Referral);
        use_effect_with((referral, state.draft_key.clone()), |(answers, key)| {
            if let Some(key) = key {
                let content = Zeroizing::new(answers.to_json().to_string());
                if let Ok(sealed) =
                    key.0
                        .seal(FormKey::Referral.id(), &content, &mut getrandom::SysRng)
                {
                    let _ = drafts::keep(FormKey::Referral.id(), &sealed);
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
            let interval = gloo::timers::callback::Interval::new(1000, move || {
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
            .get(&file)
            .cloned()
            .unwrap_or_else(|| forms::address(&file).into())
    };
    let source = |form: FormKey| address(form.file());
    let translation = |form: FormKey| form.translation_file(&state.language).map(address);
    let onanswer = |form: FormKey| {
        answer.reform(move |(field, value): (String, Option<Answer>)| (form, field, value))
    };
    let onload = |form: FormKey| loaded.reform(move |definition| (form, definition));

    let words = interface_text::for_language(&state.language);
    let language: AttrValue = state.language.clone().into();
    let body = match state.screen {
        Screen::Home => html! { <Home onopen={open.clone()} language={language.clone()} /> },
        Screen::Identify => {
            let onrefer = open.reform(|()| Screen::Refer);
            html! { <Identify answers={state.answers(FormKey::Identification)}
            onanswer={onanswer(FormKey::Identification)} language={language.clone()}
            source={source(FormKey::Identification)}
            translation={translation(FormKey::Identification)}
            onload={onload(FormKey::Identification)} {onrefer} /> }
        }
        Screen::Refer => html! {
            <Refer answers={state.answers(FormKey::Referral)} onanswer={onanswer(FormKey::Referral)}
                onreview={open.reform(|()| Screen::Review)}
                draft_open={state.draft_key.is_some()}
                ondraftkey={{
                    let dispatcher = state.dispatcher();
                    Callback::from(move |(key, answers)| dispatcher.dispatch(ShellAction::DraftKey(key, answers)))
                }}
                ondraftlock={{
                    let dispatcher = state.dispatcher();
                    Callback::from(move |()| dispatcher.dispatch(ShellAction::DraftLock))
                }}
                language={language.clone()} source={source(FormKey::Referral)}
                translation={translation(FormKey::Referral)}
                onload={onload(FormKey::Referral)} prefilled={state.prefilled} />
        },
        Screen::Review => match state.loaded.get(&FormKey::Referral) {
            Some(form) => {
                let onsealed = {
                    let dispatcher = state.dispatcher();
                    Callback::from(move |packets: Vec<Outgoing>| {
                        // Sent: the draft has done its work.
                        drafts::forget(FormKey::Referral.id());
                        dispatcher.dispatch(ShellAction::Sealed(packets));
                    })
                };
                html! {
                    <Review form={form.clone()} answers={state.answers(FormKey::Referral)}
                        language={language.clone()} onback={open.reform(|()| Screen::Refer)} {onsealed} />
                }
            }
            None => html! {},
        },
        Screen::Outbox => html! {
            <Outbox packets={state.outbox.clone()} unreadable={state.outbox_unreadable.clone()}
                language={language.clone()} />
        },
        Screen::Inbox => html! {
            <Pending title={words.inbox} intro={words.inbox_intro} coming={words.inbox_coming} />
        },
        Screen::GroupChecklists => {
            let onopen = open.reform(Screen::Group);
            html! { <Groups language={language.clone()} {onopen} /> }
        }
        Screen::Group(form) => {
            let onkeep = keep.reform(move |keep| (form, keep));
            let ondraft = open.reform(move |()| Screen::Draft(form));
            html! {
                <GroupForm {form} source={source(form)} translation={translation(form)}
                    answers={state.answers(form)}
                    onanswer={onanswer(form)} language={language.clone()} onload={onload(form)}
                    kept={state.kept.contains(&form)} {onkeep} {ondraft} />
            }
        }
        Screen::Draft(form) => {
            let onback = open.reform(move |()| Screen::Group(form));
            match state.loaded.get(&form) {
                Some(definition) => html! {
                    <Draft form={definition.clone()} answers={state.answers(form)}
                        language={language.clone()} {onback} />
                },
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
                <LanguagePicker language={language.clone()} onchoose={choose_language} />
                <QuickExitButton onexit={quick_exit} language={language} />
            </header>
            <main class="screen" id="screen">{ body }</main>
        </div>
    }
}
