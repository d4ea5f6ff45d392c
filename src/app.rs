//! The root component: which screen is open, and the quick exit that covers them all.
//!
//! Screens are in-memory state (see [`crate::browser::navigation`] for why they are not
//! history entries). All side effects of the shell happen here, at the root; the screens
//! below only render and call back.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::events::EventListener;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::browser::{clock, document, navigation, session_storage};
use crate::components::language_picker::{LanguagePicker, is_right_to_left};
use crate::components::quick_exit_button::QuickExitButton;
use crate::interface_text;
use crate::quick_exit::DoubleEscape;
use confidant_core::form::{Answer, Answers};

use crate::screens::{home::Home, identify::Identify, pending::Pending};

/// The places a worker can be in the app.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Screen {
    #[default]
    Home,
    Identify,
    Refer,
    Inbox,
    GroupChecklists,
}

/// What can happen to the shell's state.
#[derive(Clone, Debug, PartialEq)]
pub enum ShellAction {
    Open(Screen),
    /// The worker chose a language.
    Language(String),
    /// A new answer (or `None`: cleared) to a field of the identification checklist.
    Identification(String, Option<Answer>),
    /// The quick exit: forget everything.
    Exit,
}

/// The shell's in-memory state, answers included, so that the quick exit drops them in
/// one move. Nothing here is ever written to storage.
#[derive(Clone, Debug, PartialEq)]
pub struct ShellState {
    pub screen: Screen,
    pub exited: bool,
    /// The language tag of the forms (and, as translations come, of the interface).
    pub language: String,
    pub identification: Answers,
}

impl Default for ShellState {
    fn default() -> Self {
        Self {
            screen: Screen::default(),
            exited: false,
            language: "en".to_owned(),
            identification: Answers::default(),
        }
    }
}

impl Reducible for ShellState {
    type Action = ShellAction;

    fn reduce(self: Rc<Self>, action: ShellAction) -> Rc<Self> {
        if self.exited {
            return self;
        }
        match action {
            ShellAction::Open(screen) => Rc::new(ShellState {
                screen,
                ..(*self).clone()
            }),
            ShellAction::Language(language) => Rc::new(ShellState {
                language,
                ..(*self).clone()
            }),
            ShellAction::Identification(field, answer) => {
                let mut state = (*self).clone();
                match answer {
                    Some(answer) => state.identification.set(field, answer),
                    None => state.identification.remove(&field),
                }
                Rc::new(state)
            }
            ShellAction::Exit => Rc::new(ShellState {
                exited: true,
                ..ShellState::default()
            }),
        }
    }
}

#[derive(Debug, Properties, PartialEq)]
pub struct AppProps {
    /// Called last by the quick exit, after state and session storage are cleared. Leaves
    /// for the neutral page unless given (tests give it, to stay on their page).
    #[prop_or_default]
    pub on_exit: Option<Callback<()>>,
    /// Where the identification checklist's definition is fetched from.
    #[prop_or(AttrValue::Static(crate::screens::identify::IDENTIFICATION_FORM))]
    pub identification_source: AttrValue,
}

impl Default for AppProps {
    fn default() -> Self {
        Self {
            on_exit: None,
            identification_source: AttrValue::Static(crate::screens::identify::IDENTIFICATION_FORM),
        }
    }
}

#[function_component(App)]
pub fn app(props: &AppProps) -> Html {
    let state = use_reducer(ShellState::default);

    let quick_exit = {
        let state = state.clone();
        let on_exit = props.on_exit.clone();
        Callback::from(move |()| {
            state.dispatch(ShellAction::Exit);
            session_storage::clear();
            match &on_exit {
                Some(on_exit) => on_exit.emit(()),
                None => navigation::leave_for_neutral_page(),
            }
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

    if state.exited {
        return html! {};
    }

    let open = {
        let state = state.clone();
        Callback::from(move |screen| state.dispatch(ShellAction::Open(screen)))
    };
    let choose_language = {
        let state = state.clone();
        Callback::from(move |language| state.dispatch(ShellAction::Language(language)))
    };
    let go_home = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.emit(Screen::Home))
    };

    let words = interface_text::for_language(&state.language);
    let body = match state.screen {
        Screen::Home => html! { <Home onopen={open} language={state.language.clone()} /> },
        Screen::Identify => {
            let onanswer = {
                let state = state.clone();
                Callback::from(move |(field, answer)| {
                    state.dispatch(ShellAction::Identification(field, answer))
                })
            };
            html! { <Identify answers={state.identification.clone()} {onanswer}
            language={state.language.clone()} source={props.identification_source.clone()} /> }
        }
        Screen::Refer => html! {
            <Pending title={words.refer} intro={words.refer_intro} coming={words.refer_coming} />
        },
        Screen::Inbox => html! {
            <Pending title={words.inbox} intro={words.inbox_intro} coming={words.inbox_coming} />
        },
        Screen::GroupChecklists => html! {
            <Pending title={words.groups} intro={words.groups_intro} coming={words.groups_coming} />
        },
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
                <LanguagePicker language={state.language.clone()} onchoose={choose_language} />
                <QuickExitButton onexit={quick_exit} language={state.language.clone()} />
            </header>
            <main class="screen" id="screen">{ body }</main>
        </div>
    }
}
