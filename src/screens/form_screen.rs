//! A whole form on a screen: loading its definition, the questions one section at a
//! time (next and back, where the worker is, and a list of the sections to jump to), a
//! check of each section on "Next" and of the whole form at the end, with a summary that
//! leads to each problem, and whatever the screen adds after the form (the checklist's
//! outcome, the group agreement's draft).

use confidant_core::form::{
    Answer, Answers, FieldKind, FormDefinition, ReviewStatus, Section, ValidationError,
};
use yew::prelude::*;

use crate::browser::{clock, focus, frames, network};
use crate::components::form_view::{FormView, control_id, error_text};
use crate::components::screen_heading::ScreenHeading;
use crate::interface_text::Words;
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
    // The section shown, by id; the first shown one until the worker moves.
    let current = use_state(|| None::<String>);
    // A check found nothing missing: said on the page.
    let passed = use_state(|| false);
    let summary = use_node_ref();
    // The answers as last rendered, for "Next" to read once a render the same tap
    // scheduled (an answer given a moment before) has run.
    let latest = use_mut_ref(Answers::default);
    *latest.borrow_mut() = props.answers.clone();
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
                    <p role="status">{ words.loading_form() }</p>
                </>
            };
        }
        Loading::Failed(message) => {
            return html! {
                <>
                    <ScreenHeading title={props.heading.clone()} />
                    <p role="alert" class="error" title={message.clone()}>{ words.form_failed() }</p>
                </>
            };
        }
        Loading::Ready(form) => form.clone(),
    };
    let language = form_language(&form, &props.language);
    let unreviewed = form.review_status(&language) == ReviewStatus::Unreviewed;

    // The sections shown with the answers so far, and where the worker is among them.
    let shown = shown_sections(&form, &props.answers);
    let at = current
        .as_deref()
        .and_then(|id| shown.iter().position(|section| section.id == id))
        .unwrap_or(0);
    let section_id = shown.get(at).map(|section| section.id.clone());
    let last = at + 1 >= shown.len();
    // Moving to a section: its errors of the last check stay listed, and the focus goes
    // to where the worker now is, so that a screen reader says it.
    let go_to = {
        let current = current.clone();
        let passed = passed.clone();
        Callback::from(move |id: String| {
            current.set(Some(id));
            passed.set(false);
            focus::after_next_paint("section-progress");
        })
    };

    let oncheck = {
        let form = form.clone();
        let answers = props.answers.clone();
        let errors = errors.clone();
        let passed = passed.clone();
        let onvalid = props.onvalid.clone();
        Callback::from(move |_: MouseEvent| {
            let found = form.validate(&answers, &clock::today());
            if found.is_empty()
                && let Some(onvalid) = &onvalid
            {
                onvalid.emit(());
            }
            passed.set(found.is_empty());
            errors.set(found);
        })
    };
    // "Next" checks the section first, and stays on it while something is missing. A
    // choice is recorded once its click is painted (`frames::after_next_paint`), so
    // "Next" checks after the next paint too: a choice made just before the tap is then
    // in the answers it checks, and in the choice of the section that follows.
    let onnext = {
        let form = form.clone();
        let latest = latest.clone();
        let errors = errors.clone();
        let go_to = go_to.clone();
        let here = section_id.clone().unwrap_or_default();
        Callback::from(move |_: MouseEvent| {
            let (form, latest, errors, go_to, here) = (
                form.clone(),
                latest.clone(),
                errors.clone(),
                go_to.clone(),
                here.clone(),
            );
            frames::after_next_paint(move || {
                let answers = latest.borrow().clone();
                let found = form.validate_section(&here, &answers, &clock::today());
                if !found.is_empty() {
                    errors.set(found);
                    return;
                }
                errors.set(Vec::new());
                let shown = shown_sections(&form, &answers);
                let next = shown
                    .iter()
                    .position(|section| section.id == here)
                    .and_then(|at| shown.get(at + 1));
                if let Some(next) = next {
                    go_to.emit(next.id.clone());
                }
            });
        })
    };
    let onback = {
        let previous = at
            .checked_sub(1)
            .and_then(|before| shown.get(before))
            .map(|section| section.id.clone());
        let go_to = go_to.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(previous) = &previous {
                go_to.emit(previous.clone());
            }
        })
    };
    // Errors shown are those of the last check, less the ones answered since.
    let shown_errors: Vec<ValidationError> = if errors.is_empty() {
        Vec::new()
    } else {
        let now = form.validate(&props.answers, &clock::today());
        errors
            .iter()
            .filter(|error| now.contains(error))
            .cloned()
            .collect()
    };

    let current_errors_empty = shown_errors.is_empty();
    html! {
        <>
            <ScreenHeading title={form.title.get(&language).to_owned()} />
            if unreviewed {
                <p class="notice" role="note">
                    { words.unreviewed_notice() }
                </p>
            }
            { props.before.as_ref().map(|before| before.emit(form.clone())) }
            if !shown_errors.is_empty() {
                <div class="error-summary" role="alert" tabindex="-1" ref={summary} aria-labelledby="error-summary-title">
                    <h2 id="error-summary-title">{ format!("{}: {}", words.answers_to_look_at(), shown_errors.len()) }</h2>
                    <ul>
                    { for shown_errors.iter().map(|error| {
                        let field_id = error.path.rsplit('.').next().unwrap_or_default().to_owned();
                        let field = form.field(&field_id);
                        let label = field.map(|field| field.label.get(&language).to_owned()).unwrap_or_default();
                        let target = field.map(control_id).unwrap_or_default();
                        let section = error.path.split('.').next().unwrap_or_default().to_owned();
                        let onclick = {
                            let target = target.clone();
                            let current = current.clone();
                            // Show the problem's section, then focus its control (the first
                            // choice of a group) without following the link: a `#` in the
                            // address would add a history entry the quick exit cannot remove.
                            Callback::from(move |event: MouseEvent| {
                                event.prevent_default();
                                current.set(Some(section.clone()));
                                focus::after_next_paint(target.clone());
                            })
                        };
                        html! { <li><a href={format!("#{target}")} {onclick}>{ format!("{label}: {}", error_text(error.kind, words)) }</a></li> }
                    }) }
                    </ul>
                </div>
            }
            { pager(&form, &language, words, &shown, at, &props.answers, &go_to) }
            <FormView form={form.clone()} answers={props.answers.clone()} language={language.clone()}
                errors={shown_errors} onanswer={props.onanswer.clone()}
                current={section_id.map(AttrValue::from)} />
            <div class="actions pager-actions">
                if at > 0 {
                    <button type="button" class="secondary" id="section-back" onclick={onback}>{ words.section_back() }</button>
                }
                if !last {
                    <button type="button" class="primary" id="section-next" onclick={onnext}>{ words.section_next() }</button>
                }
                <button type="button" class={if last { "primary" } else { "secondary" }} id="check-answers" onclick={oncheck}>
                    { props.check_label.clone().unwrap_or(AttrValue::Static(words.check_answers())) }
                </button>
            </div>
            if *passed && current_errors_empty {
                <p class="notice" role="status" id="check-passed">{ words.check_passed() }</p>
            }
            { props.after.as_ref().map(|after| after.emit((form.clone(), language.clone()))) }
        </>
    }
}

/// Where the worker is: "Section 3 of 11" with the section's title (focused after each
/// move), a bar of the same, and the list of the shown sections with how much of each is
/// answered, to jump to any of them.
fn pager(
    form: &SharedForm,
    language: &str,
    words: &Words,
    shown: &[&Section],
    at: usize,
    answers: &Answers,
    go_to: &Callback<String>,
) -> Html {
    let total = shown.len();
    let title = shown
        .get(at)
        .map(|section| section.title.get(language).to_owned())
        .unwrap_or_default();
    let progress = words
        .section_progress()
        .replace("{n}", &(at + 1).to_string())
        .replace("{total}", &total.to_string());
    html! {
        <nav class="pager" aria-labelledby="section-progress">
            <p class="pager-progress" id="section-progress" tabindex="-1">
                { progress }{ ": " }<strong>{ title }</strong>
            </p>
            <progress max={total.to_string()} value={(at + 1).to_string()} aria-hidden="true"></progress>
            <details class="pager-list">
                <summary>{ words.all_sections() }</summary>
                <ol>
                { for shown.iter().enumerate().map(|(position, section)| {
                    let questions: Vec<_> = section
                        .fields
                        .iter()
                        .filter(|field| !matches!(field.kind, FieldKind::Info))
                        .filter(|field| form.is_shown(&field.id, answers))
                        .collect();
                    let answered = questions
                        .iter()
                        .filter(|field| answers.get(&field.id).is_some())
                        .count();
                    let state = words
                        .section_answered()
                        .replace("{answered}", &answered.to_string())
                        .replace("{total}", &questions.len().to_string());
                    let onclick = {
                        let go_to = go_to.clone();
                        let id = section.id.clone();
                        Callback::from(move |_: MouseEvent| go_to.emit(id.clone()))
                    };
                    let here = (position == at).then_some("step");
                    html! {
                        <li>
                            <button type="button" class="pager-section" id={format!("goto-{}", section.id)}
                                aria-current={here} {onclick}>
                                <span>{ section.title.get(language) }</span>
                                <span class="pager-state">{ state }</span>
                            </button>
                        </li>
                    }
                }) }
                </ol>
            </details>
        </nav>
    }
}

/// The sections shown with these answers (those whose condition holds), in order.
fn shown_sections<'a>(form: &'a FormDefinition, answers: &Answers) -> Vec<&'a Section> {
    form.sections
        .iter()
        .filter(|section| {
            section
                .show_if
                .as_ref()
                .is_none_or(|condition| condition.holds(form, answers))
        })
        .collect()
}
