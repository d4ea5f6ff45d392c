use confidant_core::str_map::StrMap;
use std::rc::Rc;

use confidant_core::form::{
    Answer, Answers, Field, FieldKind, NeedLevel, TextInput, ValidationError, ValidationKind, YesNo,
};
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};

use crate::browser::frames;
use crate::components::code_select::{self, CodeChoice, Codes};
use crate::interface_text::{self, Words};
use crate::state::SharedForm;
use yew::prelude::*;

#[derive(Debug, Properties, PartialEq)]
pub struct FormViewProps {
    pub form: SharedForm,
    pub answers: Answers,
    pub language: AttrValue,
    /// Errors to show, once the worker asked for the answers to be checked.
    #[prop_or_default]
    pub errors: Vec<ValidationError>,
    /// A field's new answer, or `None` when it was cleared.
    pub onanswer: Callback<(String, Option<Answer>)>,
    /// The one section to show (by id); the others stay in the page, hidden. `None`
    /// shows every section.
    #[prop_or_default]
    pub current: Option<AttrValue>,
}

/// A whole form: one `fieldset` per shown section, one labelled control per shown field,
/// help and errors linked to their control with `aria-describedby`.
///
/// Each section is its own component, given only what it shows (its shown fields, their
/// answers and errors): answering a question renders that question's section again and
/// no other (`bench/interaction.mjs` measures it).
#[function_component(FormView)]
pub fn form_view(props: &FormViewProps) -> Html {
    let form = &props.form;
    html! {
        <div class="form">
            { for form.sections.iter().enumerate().map(|(index, section)| {
                let shown = section
                    .show_if
                    .as_ref()
                    .is_none_or(|condition| condition.holds(form, &props.answers));
                // Every section and every question keeps its place in the page, hidden
                // while its condition does not hold: one that appears then never moves
                // the others, nor takes the keyboard focus from the question being
                // answered.
                if !shown {
                    return html! { <div key={section.id.as_str()} hidden=true></div> };
                }
                let fields = section
                    .fields
                    .iter()
                    .enumerate()
                    .map(|(at, field)| ShownField {
                        at,
                        shown: form.is_shown(&field.id, &props.answers),
                        answer: props.answers.get(&field.id).cloned(),
                        error: props
                            .errors
                            .iter()
                            .find(|error| error.path.rsplit('.').next() == Some(field.id.as_str()))
                            .map(|error| error.kind),
                    })
                    .collect::<Vec<_>>();
                let hidden = props
                    .current
                    .as_ref()
                    .is_some_and(|current| current.as_str() != section.id);
                html! { <SectionView key={section.id.as_str()} form={props.form.clone()} {index} {fields}
                    {hidden} language={props.language.clone()} onanswer={props.onanswer.clone()} /> }
            }) }
        </div>
    }
}

/// A field a section shows, with what it needs to render.
#[derive(Clone, Debug, PartialEq)]
pub struct ShownField {
    /// The field's index in its section.
    pub at: usize,
    /// Whether its condition holds; a hidden field keeps an empty place.
    pub shown: bool,
    pub answer: Option<Answer>,
    pub error: Option<ValidationKind>,
}

#[derive(Debug, Properties, PartialEq)]
struct SectionViewProps {
    form: SharedForm,
    /// The section's index in `form`.
    index: usize,
    fields: Vec<ShownField>,
    /// Another section is the one shown.
    hidden: bool,
    language: AttrValue,
    onanswer: Callback<(String, Option<Answer>)>,
}

#[function_component(SectionView)]
fn section_view(props: &SectionViewProps) -> Html {
    let Some(section) = props.form.sections.get(props.index) else {
        return html! {};
    };
    html! {
        <fieldset class="form-section" id={format!("section-{}", section.id)} hidden={props.hidden}>
            <legend>{ section.title.get(&props.language) }</legend>
            if let Some(help) = &section.help {
                <p class="help">{ help.get(&props.language) }</p>
            }
            { for props.fields.iter().filter_map(|shown| {
                let field = section.fields.get(shown.at)?;
                if !shown.shown {
                    return Some(html! { <div key={field.id.as_str()} hidden=true></div> });
                }
                Some(html! { <FieldView
                    key={field.id.as_str()}
                    form={props.form.clone()}
                    field={field.id.clone()}
                    answer={shown.answer.clone()}
                    error={shown.error}
                    language={props.language.clone()}
                    onanswer={props.onanswer.clone()} /> })
            }) }
        </fieldset>
    }
}

#[derive(Debug, Properties, PartialEq)]
pub struct FieldViewProps {
    pub form: SharedForm,
    /// The field's id in `form`.
    pub field: String,
    pub answer: Option<Answer>,
    pub error: Option<ValidationKind>,
    pub language: AttrValue,
    pub onanswer: Callback<(String, Option<Answer>)>,
}

/// The words for an error kind; they name the problem, never the answer.
pub fn error_text(kind: ValidationKind, words: &Words) -> &'static str {
    match kind {
        ValidationKind::Required => words.error_required(),
        ValidationKind::TooLong => words.error_too_long(),
        ValidationKind::TooSmall => words.error_too_small(),
        ValidationKind::TooLarge => words.error_too_large(),
        ValidationKind::NotInteger => words.error_not_integer(),
        ValidationKind::InFuture => words.error_in_future(),
    }
}

/// The id of a field's first control, where the error summary sends the focus.
pub fn control_id(field: &Field) -> String {
    match field.kind {
        FieldKind::YesNo
        | FieldKind::SingleChoice(_)
        | FieldKind::MultipleChoice(_)
        | FieldKind::Consent => {
            format!("field-{}-0", field.id)
        }
        FieldKind::NeedsMatrix(_) => format!("field-{}-0-0", field.id),
        _ => format!("field-{}", field.id),
    }
}

#[function_component(FieldView)]
fn field_view(props: &FieldViewProps) -> Html {
    let Some(field) = props.form.field(&props.field) else {
        return html! {};
    };
    let language = props.language.as_str();
    let words = interface_text::for_language(language);
    let id = field.id.clone();
    let help_id = format!("help-{id}");
    let error_id = format!("error-{id}");
    let described_by = [
        field.help.as_ref().map(|_| help_id.clone()),
        props.error.map(|_| error_id.clone()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    let described_by = (!described_by.is_empty()).then(|| AttrValue::from(described_by));
    let invalid = props.error.map(|_| AttrValue::from("true"));
    let label = field.label.get(language).to_owned();
    let required = field
        .required
        .then(|| html! { <span class="required">{ " " }{ words.required() }</span> });
    let help = field
        .help
        .as_ref()
        .map(|help| html! { <p class="help" id={help_id.clone()}>{ help.get(language) }</p> });
    let error = props.error.map(
        |kind| html! { <p class="error" id={error_id.clone()}>{ error_text(kind, words) }</p> },
    );
    let emit = {
        let onanswer = props.onanswer.clone();
        let id = id.clone();
        move |answer: Option<Answer>| onanswer.emit((id.clone(), answer))
    };
    // Radio buttons and checkboxes show a click themselves; the answer is recorded once
    // that is painted (see `frames::after_next_paint`). Typed text is recorded at once,
    // so that a render never lags behind the keys pressed.
    let emit_after_paint = {
        let emit = emit.clone();
        move |answer: Option<Answer>| {
            let emit = emit.clone();
            frames::after_next_paint(move || emit(answer));
        }
    };

    let choices = |options: Vec<(String, String)>,
                   selected: Option<String>,
                   make: Rc<dyn Fn(String) -> Answer>| {
        html! {
            <fieldset class="field choice" aria-describedby={described_by.clone()} aria-invalid={invalid.clone()}>
                <legend>{ label.clone() }{ required.clone() }</legend>
                { help.clone() }
                { error.clone() }
                <div class="options">
                { for options.into_iter().enumerate().map(|(i, (value, text))| {
                    let control = format!("field-{id}-{i}");
                    let checked = selected.as_deref() == Some(value.as_str());
                    let onchange = {
                        let emit = emit_after_paint.clone();
                        let make = make.clone();
                        let value = value.clone();
                        Callback::from(move |_: Event| emit(Some(make(value.clone()))))
                    };
                    html! {
                        <label class="option" for={control.clone()}>
                            <input type="radio" id={control} name={format!("field-{id}")} value={value} {checked} {onchange} />
                            { text }
                        </label>
                    }
                }) }
                </div>
            </fieldset>
        }
    };

    match &field.kind {
        FieldKind::Info => html! {
            <div class="info" role="note">
                <p class="info-title">{ label }</p>
                { help }
            </div>
        },
        FieldKind::YesNo => {
            let options = [
                ("yes", words.yes()),
                ("no", words.no()),
                ("unknown", words.unknown()),
                ("not_asked", words.not_asked()),
            ]
            .into_iter()
            .map(|(value, text)| (value.to_owned(), text.to_owned()))
            .collect();
            let selected = match &props.answer {
                Some(Answer::YesNo(answer)) => Some(answer.as_str().to_owned()),
                _ => None,
            };
            choices(
                options,
                selected,
                Rc::new(|value: String| {
                    Answer::YesNo(match value.as_str() {
                        "yes" => YesNo::Yes,
                        "no" => YesNo::No,
                        "unknown" => YesNo::Unknown,
                        _ => YesNo::NotAsked,
                    })
                }),
            )
        }
        FieldKind::SingleChoice(options) => {
            let options = options
                .iter()
                .map(|option| (option.id.clone(), option.label.get(language).to_owned()))
                .collect();
            let selected = match &props.answer {
                Some(Answer::Choice(choice)) => Some(choice.clone()),
                _ => None,
            };
            choices(options, selected, Rc::new(Answer::Choice))
        }
        FieldKind::Consent => {
            let options = vec![
                ("given".to_owned(), words.given().to_owned()),
                ("declined".to_owned(), words.declined().to_owned()),
            ];
            let selected = match &props.answer {
                Some(Answer::Consent(true)) => Some("given".to_owned()),
                Some(Answer::Consent(false)) => Some("declined".to_owned()),
                _ => None,
            };
            choices(
                options,
                selected,
                Rc::new(|value: String| Answer::Consent(value == "given")),
            )
        }
        FieldKind::MultipleChoice(options) => {
            let chosen = match &props.answer {
                Some(Answer::Choices(choices)) => choices.clone(),
                _ => Vec::new(),
            };
            let ids: Rc<[String]> = options.iter().map(|option| option.id.clone()).collect();
            html! {
                <fieldset class="field choice" aria-describedby={described_by} aria-invalid={invalid}>
                    <legend>{ label }{ required }</legend>
                    { help }
                    { error }
                    <div class="options">
                    { for options.iter().enumerate().map(|(i, option)| {
                        let control = format!("field-{id}-{i}");
                        let checked = chosen.contains(&option.id);
                        let onchange = {
                            let emit = emit.clone();
                            let ids = ids.clone();
                            let id = id.clone();
                            // The boxes as they are when the answer is recorded: two
                            // clicks within one frame must both count.
                            Callback::from(move |_: Event| {
                                let emit = emit.clone();
                                let ids = ids.clone();
                                let id = id.clone();
                                frames::after_next_paint(move || {
                                    let chosen: Vec<String> = ids
                                        .iter()
                                        .enumerate()
                                        .filter(|(i, _)| is_checked(&format!("field-{id}-{i}")))
                                        .map(|(_, value)| value.clone())
                                        .collect();
                                    emit((!chosen.is_empty()).then_some(Answer::Choices(chosen)));
                                });
                            })
                        };
                        html! {
                            <label class="option" for={control.clone()}>
                                <input type="checkbox" id={control} {checked} {onchange} />
                                { option.label.get(language) }
                            </label>
                        }
                    }) }
                    </div>
                </fieldset>
            }
        }
        FieldKind::NeedsMatrix(needs) => {
            let levels = [
                (NeedLevel::None, words.need_none()),
                (NeedLevel::Urgent, words.need_urgent()),
                (NeedLevel::NonUrgent, words.need_non_urgent()),
            ];
            let ids: Rc<[String]> = needs.iter().map(|need| need.id.clone()).collect();
            let current = |need: &str| match &props.answer {
                Some(Answer::Needs(matrix)) => matrix.get(need).copied(),
                _ => None,
            };
            html! {
                <fieldset class="field choice needs" aria-describedby={described_by} aria-invalid={invalid}>
                    <legend>{ label }{ required }</legend>
                    { help }
                    { error }
                    { for needs.iter().enumerate().map(|(n, need)| html! {
                        <fieldset class="need">
                            <legend>{ need.label.get(language) }</legend>
                            <div class="options">
                            { for levels.iter().enumerate().map(|(l, (level, text))| {
                                let control = format!("field-{id}-{n}-{l}");
                                let checked = current(&need.id) == Some(*level);
                                let onchange = {
                                    let emit = emit.clone();
                                    let ids = ids.clone();
                                    let id = id.clone();
                                    // The whole matrix as the radios show it when the
                                    // answer is recorded: two clicks within one frame
                                    // must both count.
                                    Callback::from(move |_: Event| {
                                        let emit = emit.clone();
                                        let ids = ids.clone();
                                        let id = id.clone();
                                        frames::after_next_paint(move || {
                                            let matrix: StrMap<NeedLevel> = ids
                                                .iter()
                                                .enumerate()
                                                .filter_map(|(n, need)| {
                                                    let level = levels_checked(&id, n)?;
                                                    Some((need.clone(), level))
                                                })
                                                .collect();
                                            emit((!matrix.is_empty()).then_some(Answer::Needs(matrix)));
                                        });
                                    })
                                };
                                html! {
                                    <label class="option" for={control.clone()}>
                                        <input type="radio" id={control} name={format!("field-{id}-{n}")} {checked} {onchange} />
                                        { *text }
                                    </label>
                                }
                            }) }
                            </div>
                        </fieldset>
                    }) }
                </fieldset>
            }
        }
        FieldKind::Country | FieldKind::Language => {
            let codes = Codes::of(&field.kind).unwrap_or(Codes::Country);
            let selected = match &props.answer {
                Some(Answer::Code(code)) => code.clone(),
                _ => String::new(),
            };
            let onchoose = Callback::from(move |code: Option<String>| emit(code.map(Answer::Code)));
            labelled(
                &id,
                label,
                required,
                help,
                error,
                html! {
                    <CodeChoice id={id.clone()} {codes} common={field.common.clone()} {selected}
                        language={props.language.clone()} {described_by} {invalid} {onchoose} />
                },
            )
        }
        FieldKind::LongText => {
            let value = match &props.answer {
                Some(Answer::Text(text)) => text.clone(),
                _ => String::new(),
            };
            let oninput = Callback::from(move |event: InputEvent| {
                let text = event.target_unchecked_into::<HtmlTextAreaElement>().value();
                emit((!text.is_empty()).then_some(Answer::Text(text)));
            });
            // No spell-checking service and no autofill history may see the answers.
            labelled(
                &id,
                label,
                required,
                help,
                error,
                html! {
                    <textarea id={format!("field-{id}")} rows="4" {value} {oninput}
                        spellcheck="false" autocomplete="off" dir="auto"
                        aria-describedby={described_by} aria-invalid={invalid} />
                },
            )
        }
        kind => {
            let (input_type, value) = match (kind, &props.answer) {
                (FieldKind::Number, Some(Answer::Number(number))) => {
                    ("number", crate::browser::intl::number(*number))
                }
                (FieldKind::Number, _) => ("number", String::new()),
                (FieldKind::Date, Some(Answer::Date(date))) => ("date", date.clone()),
                (FieldKind::Date, _) => ("date", String::new()),
                (FieldKind::DateTime, Some(Answer::DateTime(date))) => {
                    ("datetime-local", date.clone())
                }
                (FieldKind::DateTime, _) => ("datetime-local", String::new()),
                (_, Some(Answer::Text(text) | Answer::Code(text))) => ("text", text.clone()),
                _ => ("text", String::new()),
            };
            // A phone shows digits for a phone number and `@` for an email address.
            let input_type = field.input.map_or(input_type, TextInput::input_type);
            let kind = kind.clone();
            let oninput = Callback::from(move |event: InputEvent| {
                let input = event.target_unchecked_into::<HtmlInputElement>();
                let text = input.value();
                let answer = match kind {
                    _ if text.is_empty() => None,
                    // The browser's reading of what was typed, as it checked it: the
                    // module then carries none of Rust's float parsing (bench/weight.mjs).
                    FieldKind::Number => Some(input.value_as_number())
                        .filter(|number| number.is_finite())
                        .map(Answer::Number),
                    FieldKind::Date => Some(Answer::Date(text)),
                    FieldKind::DateTime => Some(Answer::DateTime(text.chars().take(16).collect())),
                    _ => Some(Answer::Text(text)),
                };
                emit(answer);
            });
            labelled(
                &id,
                label,
                required,
                help,
                error,
                html! {
                    <input type={input_type} id={format!("field-{id}")} {value} {oninput}
                        spellcheck="false" autocomplete="off" dir="auto"
                        aria-describedby={described_by} aria-invalid={invalid} />
                },
            )
        }
    }
}

/// A field whose one control (`field-ID`) has its label, help and error above it.
fn labelled(
    id: &str,
    label: String,
    required: Option<Html>,
    help: Option<Html>,
    error: Option<Html>,
    control: Html,
) -> Html {
    html! {
        <div class="field">
            <label for={format!("field-{id}")}>{ label }{ required }</label>
            { help }
            { error }
            { control }
        </div>
    }
}

/// Whether the radio button or checkbox `id` is checked on the page.
fn is_checked(id: &str) -> bool {
    gloo::utils::document()
        .get_element_by_id(id)
        .and_then(|element| element.dyn_into::<HtmlInputElement>().ok())
        .is_some_and(|input| input.checked())
}

/// The level checked for need `n` of the needs matrix `field`, as the page shows it.
fn levels_checked(field: &str, n: usize) -> Option<NeedLevel> {
    [NeedLevel::None, NeedLevel::Urgent, NeedLevel::NonUrgent]
        .into_iter()
        .enumerate()
        .find(|(l, _)| is_checked(&format!("field-{field}-{n}-{l}")))
        .map(|(_, level)| level)
}

/// An answer in words, for documents and reviews: option labels in `language`, the
/// interface's words for yes/no and consent, codes named by the browser.
pub fn answer_text(field: &Field, answer: &Answer, language: &str, words: &Words) -> String {
    let option = |options: &[confidant_core::form::ValueOption], id: &str| {
        options.iter().find(|option| option.id == id).map_or_else(
            || id.to_owned(),
            |option| option.label.get(language).to_owned(),
        )
    };
    match (&field.kind, answer) {
        (FieldKind::SingleChoice(options), Answer::Choice(id)) => option(options, id),
        (FieldKind::MultipleChoice(options), Answer::Choices(ids)) => ids
            .iter()
            .map(|id| option(options, id))
            .collect::<Vec<_>>()
            .join(", "),
        (FieldKind::NeedsMatrix(needs), Answer::Needs(levels)) => levels
            .iter()
            .map(|(need, level)| {
                let level = match level {
                    NeedLevel::None => words.need_none(),
                    NeedLevel::Urgent => words.need_urgent(),
                    NeedLevel::NonUrgent => words.need_non_urgent(),
                };
                format!("{}: {level}", option(needs, need))
            })
            .collect::<Vec<_>>()
            .join("; "),
        (kind @ (FieldKind::Country | FieldKind::Language), Answer::Code(code)) => {
            let codes = Codes::of(kind).unwrap_or(Codes::Country);
            code_select::named(codes, language)
                .iter()
                .find(|(known, _)| known == code)
                .map_or_else(|| code.clone(), |(_, name)| name.clone())
        }
        (_, Answer::YesNo(answer)) => match answer {
            YesNo::Yes => words.yes(),
            YesNo::No => words.no(),
            YesNo::Unknown => words.unknown(),
            YesNo::NotAsked => words.not_asked(),
        }
        .to_owned(),
        (_, Answer::Consent(given)) => if *given {
            words.given()
        } else {
            words.declined()
        }
        .to_owned(),
        (_, Answer::Number(number)) => crate::browser::intl::number(*number),
        (
            _,
            Answer::Text(text)
            | Answer::Date(text)
            | Answer::DateTime(text)
            | Answer::Choice(text)
            | Answer::Code(text),
        ) => text.clone(),
        (_, Answer::Choices(ids)) => ids.join(", "),
        (_, Answer::Needs(_)) => String::new(),
    }
}
