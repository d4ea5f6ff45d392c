use confidant_core::form::{DimensionStatus, Outcome};
use yew::prelude::*;

use super::form_view::SharedForm;

#[derive(Debug, Properties, PartialEq)]
pub struct OutcomePanelProps {
    pub form: SharedForm,
    pub outcome: Outcome,
    pub language: AttrValue,
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
    let summary = match (&outcome.profile, outcome.consistent_with_trafficking) {
        (None, _) => "Answer the age question to see how the indicators add up.",
        (Some(_), DimensionStatus::Positive) => {
            "The indicators present are consistent with trafficking."
        }
        (Some(_), DimensionStatus::Undetermined) => {
            "Some questions are still open: their answers could make the indicators consistent with trafficking."
        }
        (Some(_), DimensionStatus::Negative) => {
            "From these answers, the indicators do not add up to the pattern of trafficking. Indicators neither prove nor rule it out."
        }
    };
    html! {
        <section class="outcome" aria-labelledby="outcome-title" aria-live="polite" id="outcome">
            <h2 id="outcome-title">{ "Where the indicators stand" }</h2>
            <p>{ summary }</p>
            if !positive.is_empty() {
                <p>{ "Dimensions with indicators present: " }{ positive.join(", ") }</p>
            }
            if !open.is_empty() {
                <p>{ "Dimensions still open: " }{ open.join(", ") }</p>
            }
            if outcome.prompt_referral {
                <p class="prompt" id="prompt-referral">
                    <strong>{ "Presume victim status and refer." }</strong>
                    { " Offer support and make a referral now; the decision on status belongs to the competent authority." }
                </p>
            }
        </section>
    }
}
