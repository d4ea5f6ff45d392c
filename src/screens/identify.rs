use std::rc::Rc;

use confidant_core::form::{Answer, Answers, FormDefinition, ReviewStatus, ValidationError};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::browser::{clock, network};
use crate::components::form_view::{FormView, SharedForm, control_id, error_text};
use crate::components::outcome_panel::OutcomePanel;
use crate::components::screen_heading::ScreenHeading;

/// Where the definition comes from: a file of the app's own origin, loaded when the
/// screen opens, so that fixing a form never means a new app.
pub const IDENTIFICATION_FORM: &str = "/forms/identification.json";

#[derive(Debug, Properties, PartialEq)]
pub struct IdentifyProps {
    pub answers: Answers,
    pub onanswer: Callback<(String, Option<Answer>)>,
    /// The language to show the form in, when the form has it.
    pub language: AttrValue,
    /// The definition's address; tests point it elsewhere.
    #[prop_or(AttrValue::Static(IDENTIFICATION_FORM))]
    pub source: AttrValue,
}

#[derive(Clone, Debug, PartialEq)]
enum Loading {
    Waiting,
    Ready(SharedForm),
    Failed(String),
}

/// The identification checklist: the questions, the worker's answers (held by the shell,
/// in memory only), a check of what is missing, and where the indicators stand.
#[function_component(Identify)]
pub fn identify(props: &IdentifyProps) -> Html {
    let words = crate::interface_text::for_language(&props.language);
    let loading = use_state(|| Loading::Waiting);
    let errors = use_state(Vec::<ValidationError>::new);
    let summary = use_node_ref();
    {
        let loading = loading.clone();
        use_effect_with(props.source.clone(), move |source| {
            let source = source.to_string();
            wasm_bindgen_futures::spawn_local(async move {
                let loaded = match network::fetch_text(&source).await {
                    Ok(text) => FormDefinition::parse(&text)
                        .map(|form| Loading::Ready(SharedForm(Rc::new(form))))
                        .unwrap_or_else(|error| {
                            Loading::Failed(format!("the checklist is damaged ({error})"))
                        }),
                    Err(error) => {
                        Loading::Failed(format!("the checklist could not be loaded: {error}"))
                    }
                };
                loading.set(loaded);
            });
        });
    }
    {
        // After a check that found problems, the summary takes the focus so that a
        // screen reader reads it and Tab leads to the first problem.
        let summary = summary.clone();
        use_effect_with(errors.len(), move |count| {
            if *count > 0
                && let Some(summary) = summary.cast::<web_sys::HtmlElement>()
            {
                let _ = summary.focus();
            }
        });
    }

    let form = match &*loading {
        Loading::Waiting => {
            return html! {
                <>
                    <ScreenHeading title={words.identify} />
                    <p role="status">{ words.loading_checklist }</p>
                </>
            };
        }
        Loading::Failed(message) => {
            return html! {
                <>
                    <ScreenHeading title={words.identify} />
                    <p role="alert" class="error" title={message.clone()}>{ words.checklist_failed }</p>
                </>
            };
        }
        Loading::Ready(form) => form.clone(),
    };
    let language = if form
        .languages
        .iter()
        .any(|language| *language == props.language)
    {
        props.language.clone()
    } else {
        AttrValue::from(form.languages.first().cloned().unwrap_or_default())
    };
    let unreviewed = form.review_status(&language) == ReviewStatus::Unreviewed;

    let oncheck = {
        let form = form.clone();
        let answers = props.answers.clone();
        let errors = errors.clone();
        Callback::from(move |_: MouseEvent| errors.set(form.validate(&answers, &clock::today())))
    };
    // Errors shown are those of the last check, less the ones answered since.
    let current: Vec<ValidationError> = {
        let now = form.validate(&props.answers, &clock::today());
        errors
            .iter()
            .filter(|error| now.contains(error))
            .cloned()
            .collect()
    };
    let outcome = form.outcome(&props.answers);

    html! {
        <>
            <ScreenHeading title={form.title.get(&language).to_owned()} />
            if unreviewed {
                <p class="notice" role="note">
                    { words.unreviewed_notice }
                </p>
            }
            if !current.is_empty() {
                <div class="error-summary" role="alert" tabindex="-1" ref={summary} aria-labelledby="error-summary-title">
                    <h2 id="error-summary-title">{ format!("{}: {}", words.answers_to_look_at, current.len()) }</h2>
                    <ul>
                    { for current.iter().map(|error| {
                        let field_id = error.path.rsplit('.').next().unwrap_or_default().to_owned();
                        let field = form.field(&field_id);
                        let label = field.map(|field| field.label.get(&language).to_owned()).unwrap_or_default();
                        let target = field.map(control_id).unwrap_or_default();
                        let onclick = {
                            let target = target.clone();
                            // Focus the control without following the link: a `#` in the
                            // address would add a history entry the quick exit cannot remove.
                            Callback::from(move |event: MouseEvent| {
                                event.prevent_default();
                                if let Some(control) = gloo::utils::document()
                                    .get_element_by_id(&target)
                                    .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok())
                                {
                                    let _ = control.focus();
                                }
                            })
                        };
                        html! { <li><a href={format!("#{target}")} {onclick}>{ format!("{label}: {}", error_text(error.kind, words)) }</a></li> }
                    }) }
                    </ul>
                </div>
            }
            <FormView form={form.clone()} answers={props.answers.clone()} language={language.clone()}
                errors={current} onanswer={props.onanswer.clone()} />
            <div class="actions">
                <button type="button" class="primary" id="check-answers" onclick={oncheck}>{ words.check_answers }</button>
            </div>
            if let Some(outcome) = outcome {
                <OutcomePanel form={form.clone()} {outcome} {language}
                    interface_language={props.language.clone()} />
            }
        </>
    }
}
