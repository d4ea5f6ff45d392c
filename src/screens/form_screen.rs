//! A whole form on a screen: loading its definition, the questions, a check of what is
//! missing with a summary that leads to each problem, and whatever the screen adds after
//! the form (the checklist's outcome, the group agreement's draft).

use confidant_core::form::{Answer, Answers, FormDefinition, ReviewStatus, ValidationError};
use yew::prelude::*;

use crate::browser::{clock, focus, network};
use crate::components::form_view::{FormView, control_id, error_text};
use crate::components::screen_heading::ScreenHeading;
use crate::state::SharedForm;

#[derive(Debug, Properties, PartialEq)]
pub struct FormScreenProps {
    /// The definition's address.
    pub source: AttrValue,
    /// The address of the form's texts in the worker's language, when the definition is
    /// not written in it. Where there is none, the form shows in its own language.
    #[prop_or_default]
    pub translation: Option<AttrValue>,
    pub answers: Answers,
    pub onanswer: Callback<(String, Option<Answer>)>,
    /// The language to show the form in, when the form has it.
    pub language: AttrValue,
    /// The heading while the definition loads.
    pub heading: AttrValue,
    /// Told the definition once it is loaded and checked.
    #[prop_or_default]
    pub onload: Callback<SharedForm>,
    /// Shown between the heading and the form (notices about the answers).
    #[prop_or_default]
    pub before: Option<Callback<SharedForm, Html>>,
    /// Shown after the form and its check button.
    #[prop_or_default]
    pub after: Option<Callback<(SharedForm, AttrValue), Html>>,
    /// The check button's words, when not "Check answers".
    #[prop_or_default]
    pub check_label: Option<AttrValue>,
    /// Called when a check finds nothing missing.
    #[prop_or_default]
    pub onvalid: Option<Callback<()>>,
}

#[derive(Clone, Debug, PartialEq)]
enum Loading {
    Waiting,
    Ready(SharedForm),
    Failed(String),
}

/// The language a form is shown in: the worker's when the form has it, else the form's
/// first.
pub fn form_language(form: &FormDefinition, wanted: &AttrValue) -> AttrValue {
    if form.languages.iter().any(|language| *language == **wanted) {
        wanted.clone()
    } else {
        AttrValue::from(form.languages.first().cloned().unwrap_or_default())
    }
}

#[function_component(FormScreen)]
pub fn form_screen(props: &FormScreenProps) -> Html {
    let words = crate::interface_text::for_language(&props.language);
    let loading = use_state(|| Loading::Waiting);
    let errors = use_state(Vec::<ValidationError>::new);
    let summary = use_node_ref();
    {
        let loading = loading.clone();
        let onload = props.onload.clone();
        use_effect_with(
            (props.source.clone(), props.translation.clone()),
            move |(source, translation)| {
                let source = source.to_string();
                let translation = translation.as_ref().map(ToString::to_string);
                loading.set(Loading::Waiting);
                wasm_bindgen_futures::spawn_local(async move {
                    // A language without a translation file shows the form in its own.
                    let translated = match translation {
                        Some(address) => network::fetch_text(&address).await.ok(),
                        None => None,
                    };
                    let translations: Vec<&str> = translated.iter().map(String::as_str).collect();
                    // The reasons stay out of the page's text; they name the definition's
                    // problem (a path), never an answer.
                    let loaded = match network::fetch_text(&source).await {
                        Ok(text) => match FormDefinition::parse_translated(&text, &translations) {
                            Ok(form) => {
                                let form = SharedForm::new(form, text, translated.clone());
                                onload.emit(form.clone());
                                Loading::Ready(form)
                            }
                            Err(error) => Loading::Failed(format!("the form is damaged ({error})")),
                        },
                        Err(error) => {
                            Loading::Failed(format!("the form could not be loaded: {error}"))
                        }
                    };
                    loading.set(loaded);
                });
            },
        );
    }
    {
        // After a check that found problems, the summary takes the focus so that a
        // screen reader reads it and Tab leads to the first problem.
        let summary = summary.clone();
        use_effect_with(errors.len(), move |count| {
            if *count > 0
                && let Some(summary) = summary.cast::<web_sys::Element>()
            {
                focus::focus(&summary);
            }
        });
    }

    let form = match &*loading {
        Loading::Waiting => {
            return html! {
                <>
                    <ScreenHeading title={props.heading.clone()} />
                    <p role="status">{ words.loading_form }</p>
                </>
            };
        }
        Loading::Failed(message) => {
            return html! {
                <>
                    <ScreenHeading title={props.heading.clone()} />
                    <p role="alert" class="error" title={message.clone()}>{ words.form_failed }</p>
                </>
            };
        }
        Loading::Ready(form) => form.clone(),
    };
    let language = form_language(&form, &props.language);
    let unreviewed = form.review_status(&language) == ReviewStatus::Unreviewed;

    let oncheck = {
        let form = form.clone();
        let answers = props.answers.clone();
        let errors = errors.clone();
        let onvalid = props.onvalid.clone();
        Callback::from(move |_: MouseEvent| {
            let found = form.validate(&answers, &clock::today());
            if found.is_empty()
                && let Some(onvalid) = &onvalid
            {
                onvalid.emit(());
            }
            errors.set(found);
        })
    };
    // Errors shown are those of the last check, less the ones answered since.
    let current: Vec<ValidationError> = if errors.is_empty() {
        Vec::new()
    } else {
        let now = form.validate(&props.answers, &clock::today());
        errors
            .iter()
            .filter(|error| now.contains(error))
            .cloned()
            .collect()
    };

    html! {
        <>
            <ScreenHeading title={form.title.get(&language).to_owned()} />
            if unreviewed {
                <p class="notice" role="note">
                    { words.unreviewed_notice }
                </p>
            }
            { props.before.as_ref().map(|before| before.emit(form.clone())) }
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
                                focus::focus_id(&target);
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
                <button type="button" class="primary" id="check-answers" onclick={oncheck}>
                    { props.check_label.clone().unwrap_or(AttrValue::Static(words.check_answers)) }
                </button>
            </div>
            { props.after.as_ref().map(|after| after.emit((form.clone(), language.clone()))) }
        </>
    }
}
