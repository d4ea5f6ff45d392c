use confidant_core::form::{Answer, Answers};
use yew::prelude::*;

use crate::screens::form_screen::FormScreen;
use crate::state::SharedForm;

#[derive(Debug)]
pub struct ReferProps {
    /// Whose answers these are: a new person starts the form afresh. The form screen's
    /// key names the form as well, so that moving between the checklist and the referral
    /// starts the other afresh too (its section, its last check, a load under way), as
    /// when each was a component of its own.
    pub person: u32,
    pub answers: Answers,
    pub onanswer: Callback<(String, Option<Answer>)>,
    pub language: AttrValue,
    pub source: AttrValue,
    /// The form's texts in the worker's language, when it has a file of its own.
    pub translation: Option<AttrValue>,
    /// Told the definition once loaded (the shell then fills in what the checklist gave).
    pub onload: Callback<SharedForm>,
    /// Whether some answers came from the identification checklist.
    pub prefilled: bool,
    /// The answers are complete: on to the review.
    pub onreview: Callback<()>,
    /// The person's drafts (`components::draft_panel`), shown above the form.
    pub drafts: Html,
}

/// The referral form. Answers live in the shell's memory only, until they are sealed on
/// the review screen.
pub fn refer(props: &ReferProps) -> Html {
    let words = crate::interface_text::for_language(&props.language);
    let before = {
        let prefilled = props.prefilled;
        let drafts = props.drafts.clone();
        Callback::from(move |_: SharedForm| {
            html! {
                <>
                    <p>{ words.refer_intro() }</p>
                    { drafts.clone() }
                    if prefilled {
                        <p class="notice" role="note" id="prefilled-notice">{ words.prefilled_notice() }</p>
                    }
                </>
            }
        })
    };
    html! {
        <FormScreen key={format!("referral-{}", props.person)} source={props.source.clone()} translation={props.translation.clone()} answers={props.answers.clone()}
            onanswer={props.onanswer.clone()} language={props.language.clone()}
            heading={words.refer()} onload={props.onload.clone()} {before}
            check_label={words.review_and_send()} onvalid={props.onreview.clone()} />
    }
}
