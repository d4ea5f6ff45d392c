//! "New person": everything about the current person leaves memory and the checklist
//! opens empty (`ShellAction::NewPerson`). Where that would lose answers that are neither
//! sealed nor saved, the worker is asked first, on the page itself.

use yew::prelude::*;

use crate::browser::focus;

#[derive(Debug, Properties, PartialEq)]
pub struct NewPersonProps {
    pub language: AttrValue,
    /// Answers about the current person that are neither sealed nor saved are in memory.
    pub unsaved: bool,
    pub onstart: Callback<()>,
}

#[function_component(NewPerson)]
pub fn new_person(props: &NewPersonProps) -> Html {
    let words = crate::interface_text::for_language(&props.language);
    let asking = use_state(|| false);
    {
        // The question takes the focus from the button it replaces, on its safe answer.
        use_effect_with(*asking, |asking| {
            if *asking {
                focus::focus_id("new-person-cancel");
            }
        });
    }
    if *asking {
        let start = props.onstart.reform(|_: MouseEvent| ());
        let cancel = {
            let asking = asking.clone();
            Callback::from(move |_: MouseEvent| {
                asking.set(false);
                focus::after_next_paint("new-person");
            })
        };
        return html! {
            <div class="notice new-person" role="group" aria-labelledby="new-person-question">
                <p id="new-person-question">{ words.new_person_confirm() }</p>
                <div class="actions">
                    <button type="button" class="secondary" id="new-person-start" onclick={start}>{ words.new_person_start() }</button>
                    <button type="button" id="new-person-cancel" class="primary" onclick={cancel}>{ words.new_person_cancel() }</button>
                </div>
            </div>
        };
    }
    let onclick = {
        let onstart = props.onstart.clone();
        let unsaved = props.unsaved;
        Callback::from(move |_: MouseEvent| {
            if unsaved {
                asking.set(true);
            } else {
                onstart.emit(());
            }
        })
    };
    html! {
        <div class="actions">
            <button type="button" class="secondary" id="new-person" {onclick}>{ words.new_person() }</button>
        </div>
    }
}
