use confidant_core::form::Answers;
use yew::prelude::*;

use crate::components::form_view::answer_text;
use crate::components::screen_heading::ScreenHeading;
use crate::screens::form_screen::form_language;
use crate::state::SharedForm;

#[derive(Debug)]
pub struct DraftProps {
    pub form: SharedForm,
    pub answers: Answers,
    pub language: AttrValue,
    pub onback: Callback<()>,
}

/// The document a form composes from its answers (the group agreement's draft protocol
/// and memorandum of understanding), laid out to be read and printed. A question not yet
/// answered reads "to be agreed".
pub fn draft(props: &DraftProps) -> Html {
    let words = crate::interface_text::for_language(&props.language);
    let language = form_language(&props.form, &props.language);
    let Some((draft, sections)) = props.form.draft_contents(&props.answers) else {
        return html! {};
    };
    let onprint = Callback::from(|_: MouseEvent| crate::browser::print::print());
    let onback = props.onback.reform(|_: MouseEvent| ());
    html! {
        <article class="draft" id="draft">
            <ScreenHeading title={draft.title.get(&language).to_owned()} />
            if let Some(help) = &draft.help {
                <p class="draft-intro">{ help.get(&language) }</p>
            }
            { for sections.iter().map(|part| html! {
                <section class="draft-section" id={format!("draft-{}", part.section.id)}>
                    <h2>{ part.section.title.get(&language) }</h2>
                    { for part.entries.iter().map(|(field, answer)| html! {
                        <>
                            <h3>{ field.label.get(&language) }</h3>
                            if let Some(answer) = answer {
                                <p class="draft-answer" dir="auto">{ answer_text(field, answer, &language, words) }</p>
                            } else {
                                <p class="draft-answer draft-open">{ words.to_be_agreed() }</p>
                            }
                        </>
                    }) }
                </section>
            }) }
            <div class="actions">
                <button type="button" class="primary" id="print-draft" onclick={onprint}>{ words.print() }</button>
                { " " }
                <button type="button" class="secondary" id="back-to-form" onclick={onback}>{ words.back_to_form() }</button>
            </div>
        </article>
    }
}
