use confidant_core::form::{DimensionResult, DimensionStatus, Outcome, PromptReason};
use yew::prelude::*;

use crate::interface_text::Words;
use crate::state::SharedForm;

#[derive(Debug, Properties, PartialEq)]
pub struct OutcomePanelProps {
    pub form: SharedForm,
    pub outcome: Outcome,
    /// The language of the form's texts (the dimension names).
    pub language: AttrValue,
    /// The language of the interface's own words.
    pub interface_language: AttrValue,
}

/// "1 strong, 2 medium": the items answered "yes", by weight, the empty weights left out.
fn counts_text(dimension: &DimensionResult, words: &Words) -> String {
    [
        (dimension.present.strong, words.weight_strong()),
        (dimension.present.medium, words.weight_medium()),
        (dimension.present.weak, words.weight_weak()),
    ]
    .into_iter()
    .filter(|(count, _)| *count > 0)
    .map(|(count, weight)| format!("{count} {weight}"))
    .collect::<Vec<_>>()
    .join(", ")
}

/// Why the referral is prompted, when it is not only because the pattern is complete.
fn reason_text(reason: PromptReason, words: &Words) -> Option<&'static str> {
    match reason {
        PromptReason::Consistent => None,
        PromptReason::PositivePattern => Some(words.reason_pattern()),
        PromptReason::StrongIndicator => Some(words.reason_strong()),
        PromptReason::ChildItem => Some(words.reason_child_item()),
        PromptReason::ChildIndicator => Some(words.reason_child_indicator()),
    }
}

/// What the indicators add up to, in words that list and prompt, and never conclude that
/// someone is or is not a victim. Every dimension with a "yes" is listed with its counts,
/// whether or not it meets the rule; a prompt that does not come from the whole pattern
/// says what it comes from, and then the screen does not say that the indicators fall
/// short of the pattern beside it.
#[function_component(OutcomePanel)]
pub fn outcome_panel(props: &OutcomePanelProps) -> Html {
    let outcome = &props.outcome;
    let dimension = |id: &str| {
        props.form.scoring.as_ref().and_then(|scoring| {
            scoring
                .dimensions
                .iter()
                .find(|dimension| dimension.id == id)
        })
    };
    let label = |id: &str| {
        dimension(id)
            .map(|dimension| dimension.label.get(&props.language).to_owned())
            .unwrap_or_else(|| id.to_owned())
    };
    let labels = |ids: &[String]| ids.iter().map(|id| label(id)).collect::<Vec<_>>();
    let open: Vec<String> = outcome
        .dimensions
        .iter()
        .filter(|dimension| dimension.status == DimensionStatus::Undetermined)
        .map(|dimension| label(&dimension.id))
        .collect();
    let sub_types: Vec<String> = outcome
        .sub_types
        .iter()
        .filter_map(|id| dimension(id)?.sub_type.as_ref())
        .map(|text| text.get(&props.language).to_owned())
        .collect();
    let words = crate::interface_text::for_language(&props.interface_language);
    let summary = match (&outcome.profile, outcome.consistent_with_trafficking) {
        (None, _) => Some(words.outcome_no_profile().to_owned()),
        (Some(_), DimensionStatus::Positive) => Some(words.outcome_consistent().to_owned()),
        (Some(_), DimensionStatus::Undetermined) if !outcome.ask_about.is_empty() => Some(format!(
            "{} {}.",
            words.outcome_ask_about(),
            labels(&outcome.ask_about).join(", ")
        )),
        (Some(_), DimensionStatus::Undetermined) => Some(words.outcome_open().to_owned()),
        // A prompt that stands without the pattern is explained by its reasons below.
        (Some(_), DimensionStatus::Negative) if outcome.prompt_referral => None,
        (Some(_), DimensionStatus::Negative) => Some(words.outcome_not_consistent().to_owned()),
    };
    let reasons: Vec<&'static str> = outcome
        .reasons()
        .into_iter()
        .filter_map(|reason| reason_text(reason, words))
        .collect();
    html! {
        <section class="outcome" aria-labelledby="outcome-title" aria-live="polite" id="outcome">
            <h2 id="outcome-title">{ words.outcome_heading() }</h2>
            if let Some(summary) = summary {
                <p id="outcome-summary">{ summary }</p>
            }
            if !sub_types.is_empty() {
                <p id="outcome-sub-type">{ words.outcome_sub_type() }{ ": " }{ sub_types.join("; ") }</p>
            }
            if outcome.with_indicators().next().is_some() {
                <p>{ words.dimensions_with_yes() }{ ":" }</p>
                <ul id="outcome-dimensions">
                    { for outcome.with_indicators().map(|dimension| html! {
                        <li data-dimension={dimension.id.clone()} data-meets-rule={dimension.meets_rule().to_string()}>
                            { label(&dimension.id) }{ ": " }{ counts_text(dimension, words) }{ " · " }
                            if dimension.meets_rule() {
                                <strong>{ words.meets_rule() }</strong>
                            } else {
                                { words.below_rule() }
                            }
                        </li>
                    }) }
                </ul>
            }
            if !open.is_empty() {
                <p>{ words.dimensions_open() }{ ": " }{ open.join(", ") }</p>
            }
            if outcome.prompt_referral {
                <p class="prompt" id="prompt-referral">
                    <strong>{ words.prompt_referral() }</strong>
                    { " " }{ words.prompt_referral_more() }
                </p>
                if !reasons.is_empty() {
                    <ul id="prompt-reasons">
                        { for reasons.iter().map(|reason| html! { <li>{ *reason }</li> }) }
                    </ul>
                }
            }
        </section>
    }
}
