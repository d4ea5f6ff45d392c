use confidant_core::form::{Answer, Answers};
use yew::prelude::*;

use crate::components::screen_heading::ScreenHeading;
use crate::forms::FormKey;
use crate::screens::form_screen::FormScreen;
use crate::state::SharedForm;

#[derive(Debug)]
pub struct GroupsProps {
    pub language: AttrValue,
    pub onopen: Callback<FormKey>,
}

/// The group's own checklists, to choose from.
pub fn groups(props: &GroupsProps) -> Html {
    let words = crate::interface_text::for_language(&props.language);
    let entry = |form: FormKey, title: &'static str, about: &'static str| {
        let onclick = props.onopen.reform(move |_: MouseEvent| form);
        html! {
            <li>
                <button type="button" class="home-entry" id={format!("open-{}", form.id())} {onclick}>
                    <span class="home-entry-title">{ title }</span>
                    <span class="home-entry-about">{ about }</span>
                </button>
            </li>
        }
    };
    html! {
        <>
            <ScreenHeading title={words.groups()} />
            <p>{ words.groups_intro() }</p>
            <ul class="home-entries">
                { entry(FormKey::GroupFramework, words.group_framework(), words.group_framework_about()) }
                { entry(FormKey::GroupAgreement, words.group_agreement(), words.group_agreement_about()) }
            </ul>
        </>
    }
}

#[derive(Debug)]
pub struct GroupFormProps {
    pub form: FormKey,
    pub source: AttrValue,
    /// The form's texts in the worker's language, when it has a file of its own.
    pub translation: Option<AttrValue>,
    pub answers: Answers,
    pub onanswer: Callback<(String, Option<Answer>)>,
    pub language: AttrValue,
    pub onload: Callback<SharedForm>,
    /// Whether the coordinator chose to keep these answers in the browser.
    pub kept: bool,
    pub onkeep: Callback<bool>,
    /// Open the draft document (for a form that composes one).
    pub ondraft: Callback<()>,
}

/// One of the group's checklists, with the choice to keep its answers in this browser
/// (offered only for a form whose fields are all about organisations) and, for the
/// agreement, the way to its printable draft.
pub fn group_form(props: &GroupFormProps) -> Html {
    let words = crate::interface_text::for_language(&props.language);
    let before = {
        let kept = props.kept;
        let onkeep = props.onkeep.clone();
        Callback::from(move |form: SharedForm| {
            if !form.is_organisational() {
                return html! {};
            }
            let onchange = onkeep.reform(|event: Event| {
                event
                    .target_unchecked_into::<web_sys::HtmlInputElement>()
                    .checked()
            });
            html! {
                <div class="keep">
                    <label class="option" for="keep-in-browser">
                        <input type="checkbox" id="keep-in-browser" checked={kept} {onchange}
                            aria-describedby="keep-in-browser-help" />
                        { words.keep_in_browser() }
                    </label>
                    <p class="help" id="keep-in-browser-help">{ words.keep_in_browser_help() }</p>
                </div>
            }
        })
    };
    let after = {
        let ondraft = props.ondraft.clone();
        Callback::from(move |(form, _): (SharedForm, AttrValue)| {
            if form.draft.is_none() {
                return html! {};
            }
            let onclick = ondraft.reform(|_: MouseEvent| ());
            html! {
                <div class="actions">
                    <button type="button" class="primary" id="show-draft" {onclick}>{ words.show_draft() }</button>
                </div>
            }
        })
    };
    let heading = match props.form {
        FormKey::GroupAgreement => words.group_agreement(),
        _ => words.group_framework(),
    };
    html! {
        <FormScreen key={props.form.id()} source={props.source.clone()} translation={props.translation.clone()} answers={props.answers.clone()}
            onanswer={props.onanswer.clone()} language={props.language.clone()}
            {heading} onload={props.onload.clone()} {before} {after} />
    }
}
