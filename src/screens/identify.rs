use confidant_core::form::{Answer, Answers};
use yew::prelude::*;

use crate::components::new_person::NewPerson;
use crate::components::outcome_panel::OutcomePanel;
use crate::screens::form_screen::FormScreen;
use crate::state::SharedForm;

#[derive(Debug)]
pub struct IdentifyProps {
    /// Whose answers these are: a new person starts the form afresh. The form screen's
    /// key names the form as well, so that moving between the checklist and the referral
    /// starts the other afresh too (its section, its last check, a load under way), as
    /// when each was a component of its own.
    pub person: u32,
    pub answers: Answers,
    pub onanswer: Callback<(String, Option<Answer>)>,
    /// The language to show the form in, when the form has it.
    pub language: AttrValue,
    /// The definition's address; tests point it elsewhere.
    pub source: AttrValue,
    /// The form's texts in the worker's language, when it has a file of its own.
    pub translation: Option<AttrValue>,
    /// Told the definition once loaded (the referral starts from it).
    pub onload: Callback<SharedForm>,
    /// The worker wants to refer the person.
    pub onrefer: Callback<()>,
    /// "Mark the remaining questions Not asked".
    pub onmark: Callback<()>,
    /// How many questions the last marking answered, while it can be taken back.
    pub marked: Option<usize>,
    /// Take the marking back.
    pub onundo: Callback<()>,
    /// Answers about the person that are neither sealed nor saved are in memory.
    pub unsaved: bool,
    /// "New person".
    pub onnewperson: Callback<()>,
    /// The person's drafts (`components::draft_panel`), shown above the form.
    pub drafts: Html,
}

/// The identification checklist: the questions, the worker's answers (held by the shell,
/// in memory only), a check of what is missing, where the indicators stand, and the way
/// on to a referral.
pub fn identify(props: &IdentifyProps) -> Html {
    let words = crate::interface_text::for_language(&props.language);
    let after = {
        let answers = props.answers.clone();
        let interface_language = props.language.clone();
        let onrefer = props.onrefer.clone();
        let onmark = props.onmark.clone();
        let onundo = props.onundo.clone();
        let marked = props.marked;
        let unsaved = props.unsaved;
        let onnewperson = props.onnewperson.clone();
        Callback::from(move |(form, language): (SharedForm, AttrValue)| {
            let outcome = form.outcome(&answers);
            let onclick = onrefer.reform(|_: MouseEvent| ());
            let remaining = !form.unanswered_yes_no(&answers).is_empty();
            html! {
                <>
                    <div class="actions">
                        if remaining {
                            <button type="button" class="secondary" id="mark-not-asked" onclick={onmark.reform(|_: MouseEvent| ())}>
                                { words.mark_not_asked() }
                            </button>
                        }
                        if let Some(count) = marked {
                            <p role="status" id="marked-not-asked">
                                { words.marked_not_asked().replace("{n}", &count.to_string()) }
                            </p>
                            <button type="button" class="secondary" id="undo-not-asked" onclick={onundo.reform(|_: MouseEvent| ())}>
                                { words.undo() }
                            </button>
                        }
                    </div>
                    if let Some(outcome) = outcome {
                        <OutcomePanel form={form.clone()} {outcome} {language}
                            interface_language={interface_language.clone()} />
                    }
                    <div class="actions">
                        <button type="button" class="primary" id="start-referral" {onclick}>
                            { words.start_referral() }
                        </button>
                    </div>
                    <NewPerson language={interface_language.clone()} {unsaved}
                        onstart={onnewperson.clone()} />
                </>
            }
        })
    };
    let before = {
        let drafts = props.drafts.clone();
        Callback::from(move |_: SharedForm| drafts.clone())
    };
    html! {
        <FormScreen key={format!("identification-{}", props.person)} source={props.source.clone()} translation={props.translation.clone()} answers={props.answers.clone()}
            onanswer={props.onanswer.clone()} language={props.language.clone()}
            heading={words.identify()} onload={props.onload.clone()} {before} {after} />
    }
}
