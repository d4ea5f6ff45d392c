//! Where a form's answers start, what one form hands to the next, and what a form
//! composes into a document: dates about today start as today, the referral starts from
//! the identification checklist's answers and outcome, and the group agreement becomes a
//! printable draft.

use super::answers::{Answer, Answers, YesNo};
use super::definition::{
    Draft, Field, FieldDefault, FieldKind, FormDefinition, OutcomeFact, Prefill, Section,
    ValueOption,
};
use super::scoring::DimensionStatus;

impl FormDefinition {
    /// The answers that follow `changed`, just answered in `answers`: every single choice
    /// that `follows` it takes the choice paired with its new value ([`Follows`]). They
    /// are set in `answers`; the ids of the fields set are returned.
    pub fn follow(&self, changed: &str, answers: &mut Answers) -> Vec<String> {
        let Some(value) = answers
            .get(changed)
            .and_then(Answer::token)
            .map(str::to_owned)
        else {
            return Vec::new();
        };
        let mut set = Vec::new();
        for field in self.fields() {
            let Some(follows) = field.follows.as_ref().filter(|f| f.field == changed) else {
                continue;
            };
            if let Some((_, choice)) = follows.answers.iter().find(|(when, _)| *when == value) {
                answers.set(field.id.clone(), Answer::Choice(choice.clone()));
                set.push(field.id.clone());
            }
        }
        set
    }

    /// The starting answers of the fields that have one, for a form filled in on `today`
    /// (`YYYY-MM-DD`, the reader's day).
    pub fn defaults(&self, today: &str) -> Answers {
        let mut answers = Answers::new();
        for field in self.fields() {
            if let Some(FieldDefault::Today) = field.default {
                answers.set(field.id.clone(), Answer::Date(today.to_owned()));
            }
        }
        answers
    }

    /// Starting answers for this form, taken from `source`'s answers wherever a field
    /// declares `prefill` from that form. A value this form's field cannot take (a choice
    /// it does not offer, another kind of answer) is left out, never forced in. The worker
    /// sees and can change every pre-filled answer.
    pub fn prefill_from(&self, source: &FormDefinition, source_answers: &Answers) -> Answers {
        let outcome = source.outcome(source_answers);
        let mut answers = Answers::new();
        for field in self.fields() {
            let Some(prefill) = field.prefill.as_ref().filter(|p| p.form() == source.id) else {
                continue;
            };
            let answer = match prefill {
                Prefill::Answer { field: from, .. } => source
                    .is_shown(from, source_answers)
                    .then(|| source_answers.get(from))
                    .flatten()
                    .and_then(|answer| fitted(field, answer)),
                Prefill::Outcome { fact, .. } => outcome.as_ref().and_then(|outcome| match fact {
                    OutcomeFact::ReferralPrompted => {
                        Some(Answer::YesNo(if outcome.prompt_referral {
                            YesNo::Yes
                        } else {
                            YesNo::No
                        }))
                    }
                    OutcomeFact::PositiveDimensions | OutcomeFact::UndeterminedDimensions => {
                        let wanted = if *fact == OutcomeFact::PositiveDimensions {
                            DimensionStatus::Positive
                        } else {
                            DimensionStatus::Undetermined
                        };
                        let ids = outcome
                            .dimensions
                            .iter()
                            .filter(|dimension| dimension.status == wanted)
                            .map(|dimension| dimension.id.to_ascii_lowercase())
                            .collect();
                        fitted(field, &Answer::Choices(ids))
                    }
                    OutcomeFact::DimensionsWithIndicators => {
                        let ids = outcome
                            .with_indicators()
                            .map(|dimension| dimension.id.to_ascii_lowercase())
                            .collect();
                        fitted(field, &Answer::Choices(ids))
                    }
                }),
            };
            if let Some(answer) = answer {
                answers.set(field.id.clone(), answer);
            }
        }
        answers
    }

    /// The sections of this form's draft document, in the draft's order, each with its
    /// shown fields and their answers (`None` where nothing is answered yet, which the
    /// document marks as still to be agreed). `None` when the form composes no draft.
    pub fn draft_contents<'a>(
        &'a self,
        answers: &'a Answers,
    ) -> Option<(&'a Draft, Vec<DraftSection<'a>>)> {
        let draft = self.draft.as_ref()?;
        let sections = draft
            .sections
            .iter()
            .filter_map(|id| self.sections.iter().find(|section| &section.id == id))
            .filter(|section| {
                section
                    .show_if
                    .as_ref()
                    .is_none_or(|c| c.holds(self, answers))
            })
            .map(|section| DraftSection {
                section,
                entries: section
                    .fields
                    .iter()
                    .filter(|field| field.kind != FieldKind::Info)
                    .filter(|field| self.is_shown(&field.id, answers))
                    .map(|field| (field, answers.get(&field.id)))
                    .collect(),
            })
            .collect();
        Some((draft, sections))
    }
}

/// One section of a draft document.
#[derive(Debug)]
pub struct DraftSection<'a> {
    pub section: &'a Section,
    pub entries: Vec<(&'a Field, Option<&'a Answer>)>,
}

/// `answer` as `field` can take it: choices it does not offer are dropped (and a single
/// choice it does not offer drops the answer), a different kind of answer is refused.
fn fitted(field: &Field, answer: &Answer) -> Option<Answer> {
    let offers = |options: &[ValueOption], id: &str| options.iter().any(|o| o.id == id);
    match (&field.kind, answer) {
        (FieldKind::Text | FieldKind::LongText, Answer::Text(_))
        | (FieldKind::Number, Answer::Number(_))
        | (FieldKind::Date, Answer::Date(_))
        | (FieldKind::DateTime, Answer::DateTime(_))
        | (FieldKind::YesNo, Answer::YesNo(_))
        | (FieldKind::Country | FieldKind::Language, Answer::Code(_))
        | (FieldKind::Consent, Answer::Consent(_)) => Some(answer.clone()),
        (FieldKind::SingleChoice(options), Answer::Choice(id)) if offers(options, id) => {
            Some(answer.clone())
        }
        (FieldKind::MultipleChoice(options), Answer::Choices(ids)) => Some(Answer::Choices(
            ids.iter()
                .filter(|id| offers(options, id))
                .cloned()
                .collect(),
        )),
        (FieldKind::NeedsMatrix(needs), Answer::Needs(levels)) => Some(Answer::Needs(
            levels
                .iter()
                .filter(|(id, _)| offers(needs, id))
                .map(|(id, level)| (id.clone(), *level))
                .collect(),
        )),
        _ => None,
    }
}
