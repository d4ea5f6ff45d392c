use confidant_core::form::{DimensionStatus, Outcome};
use yew::prelude::*;

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

/// What the indicators add up to, in words that list and prompt, and never conclude that
/// someone is or is not a victim.
#[function_component(OutcomePanel)]
pub fn outcome_panel(props: &OutcomePanelProps) -> Html {
    let outcome = &props.outcome;
    let label = |id: &str| {
        props
            .form
            .scoring
            .as_ref()
            .and_then(|scoring| {
                scoring
                    .dimensions
                    .iter()
                    .find(|dimension| dimension.id == id)
            })
            .map(|dimension| dimension.label.get(&props.language).to_owned())
            .unwrap_or_else(|| id.to_owned())
    };
    let with_status = |status: DimensionStatus| -> Vec<String> {
        outcome
            .dimensions
            .iter()
            .filter(|dimension| dimension.status == status)
            .map(|dimension| label(&dimension.id))
            .collect()
    };
    let positive = with_status(DimensionStatus::Positive);
    let open = with_status(DimensionStatus::Undetermined);
    let words = crate::interface_text::for_language(&props.interface_language);
    let summary = match (&outcome.profile, outcome.consistent_with_trafficking) {
        (None, _) => words.outcome_no_profile,
        (Some(_), DimensionStatus::Positive) => words.outcome_consistent,
        (Some(_), DimensionStatus::Undetermined) => words.outcome_open,
        (Some(_), DimensionStatus::Negative) => words.outcome_not_consistent,
    };
    html! {
        <section class="outcome" aria-labelledby="outcome-title" aria-live="polite" id="outcome">
            <h2 id="outcome-title">{ words.outcome_heading }</h2>
            <p>{ summary }</p>
            if !positive.is_empty() {
                <p>{ words.dimensions_present }{ ": " }{ positive.join(", ") }</p>
            }
            if !open.is_empty() {
                <p>{ words.dimensions_open }{ ": " }{ open.join(", ") }</p>
            }
            if outcome.prompt_referral {
                <p class="prompt" id="prompt-referral">
                    <strong>{ words.prompt_referral }</strong>
                    { " " }{ words.prompt_referral_more }
                </p>
            }
        </section>
    }
}
