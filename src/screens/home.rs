use yew::prelude::*;

use crate::components::new_person::NewPerson;
use crate::components::screen_heading::ScreenHeading;
use crate::state::Screen;

#[derive(Debug)]
pub struct HomeProps {
    pub onopen: Callback<Screen>,
    pub language: AttrValue,
    /// A new build is installed and will be used on the next open.
    pub update_ready: bool,
    /// Sealed packets in the outbox not yet delivered.
    pub waiting: usize,
    /// Answers about a person are in memory ("New person" is offered).
    pub person_begun: bool,
    /// Some of them are neither sealed nor saved.
    pub person_unsaved: bool,
    pub onnewperson: Callback<()>,
}

/// The four things a worker comes to Confidant for.
pub fn home(props: &HomeProps) -> Html {
    let words = crate::interface_text::for_language(&props.language);
    let entry = |screen: Screen, id: &'static str, title: &'static str, about: &'static str| {
        let onclick = props.onopen.reform(move |_: MouseEvent| screen);
        html! {
            <li>
                <button type="button" class="home-entry" {id} {onclick}>
                    <span class="home-entry-title">{ title }</span>
                    <span class="home-entry-about">{ about }</span>
                </button>
            </li>
        }
    };
    html! {
        <>
            <ScreenHeading title={words.home_heading()} />
            if props.waiting > 0 {
                <p class="notice" role="status" id="outbox-waiting">
                    { words.outbox_waiting().replace("{n}", &props.waiting.to_string()) }
                </p>
            }
            if props.update_ready {
                <p class="notice" role="status" id="update-ready">{ words.update_ready() }</p>
            }
            <ul class="home-entries">
                { entry(Screen::Identify, "open-identify", words.identify(), words.identify_about()) }
                { entry(Screen::Refer, "open-refer", words.refer(), words.refer_about()) }
                { entry(Screen::Inbox, "open-inbox", words.inbox(), words.inbox_about()) }
                { entry(Screen::Outbox, "open-outbox", words.outbox(), words.outbox_about()) }
                { entry(Screen::GroupChecklists, "open-groups", words.groups(), words.groups_about()) }
            </ul>
            if props.person_begun {
                <NewPerson language={props.language.clone()} unsaved={props.person_unsaved}
                    onstart={props.onnewperson.clone()} />
            }
        </>
    }
}
