//! How the identification checklist's indicators add up, as its definition declares
//! (`docs/forms.md`, "Scoring"). The rule that a dimension is positive, which dimensions
//! must be positive together, and every item's weight per profile are data.
//!
//! The outcome never says that a person is a victim: it lists dimensions and says whether
//! to presume victim status and refer.

use serde_json::Value;

use crate::str_map::{StrMap, StrSet, repeats};

use super::answers::{Answers, YesNo};
use super::condition::{self, Declared};
use super::definition::{
    Counts, Dimension, FieldKind, FormDefinition, Item, Scoring, Text, Weight,
};
use super::error::{FormError, FormErrorKind as Kind, error};
use super::members::Members;

impl Counts {
    fn reach(self, minimum: Counts) -> bool {
        self.strong >= minimum.strong && self.medium >= minimum.medium && self.weak >= minimum.weak
    }

    fn add(&mut self, weight: Weight) {
        match weight {
            Weight::Strong => self.strong += 1,
            Weight::Medium => self.medium += 1,
            Weight::Weak => self.weak += 1,
        }
    }
}

/// Where a dimension stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DimensionStatus {
    Positive,
    /// Not positive now, but would be if the unanswered, "unknown" and "not asked" items
    /// were "yes".
    Undetermined,
    Negative,
}

/// A dimension's result in the applying profile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DimensionResult {
    pub id: String,
    pub status: DimensionStatus,
    /// Items answered "yes", by weight.
    pub present: Counts,
}

impl DimensionResult {
    /// Whether its items answered "yes" meet the rule (the dimension is positive).
    pub fn meets_rule(&self) -> bool {
        self.status == DimensionStatus::Positive
    }

    /// How many of its items were answered "yes".
    pub fn yes_count(&self) -> u32 {
        self.present.strong + self.present.medium + self.present.weak
    }
}

/// Why the outcome prompts to presume victim status and refer. The screen says which,
/// so that a prompt never stands unexplained beside a pattern that is not complete.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PromptReason {
    /// The indicators are consistent with trafficking.
    Consistent,
    /// The dimensions the form names for it are positive together (exploitation and
    /// coercion at destination, found at a work site), whatever recruitment turns out to be.
    PositivePattern,
    /// An item weighted strong in the profile was answered "yes".
    StrongIndicator,
    /// One of the form's child items was answered "yes".
    ChildItem,
    /// The person is, or may be, a child, and an indicator was answered "yes".
    ChildIndicator,
}

/// What the indicators add up to. It lists, and prompts; it never concludes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The profile that applies; `None` until the answers decide one (the age group, say).
    pub profile: Option<String>,
    pub dimensions: Vec<DimensionResult>,
    /// `Positive`: consistent with trafficking; `Undetermined`: it could be once the open
    /// items are answered; `Negative`: not from these answers.
    pub consistent_with_trafficking: DimensionStatus,
    /// Whether an item weighted strong in the profile was answered "yes".
    pub strong_indicator: bool,
    /// Whether a field of `prompt_referral_if_any` (the child items) was answered "yes".
    pub prompt_item: bool,
    /// Whether an item of a dimension the profile's `prompt_referral_if_any_in` names was
    /// answered "yes" (for a child, one indicator is enough).
    pub any_indicator: bool,
    /// Whether the profile's `prompt_referral_if_positive` groups are all met.
    pub positive_pattern: bool,
    /// When consistent with trafficking: the positive dimensions that name a sub-type
    /// (deceptive, coercive, abuse of vulnerability), in the form's order.
    pub sub_types: Vec<String>,
    /// When undetermined: the open dimensions whose answers could complete the pattern
    /// (at a work site, the recruitment dimensions: ask about recruitment).
    pub ask_about: Vec<String>,
    /// Presume victim status and refer.
    pub prompt_referral: bool,
}

impl Outcome {
    /// Every dimension with at least one item answered "yes", whether or not it meets
    /// the rule: a single "yes" is information the receiver of a referral needs.
    pub fn with_indicators(&self) -> impl Iterator<Item = &DimensionResult> {
        self.dimensions
            .iter()
            .filter(|dimension| dimension.yes_count() > 0)
    }

    /// Why the referral is prompted, strongest reason first; empty when it is not.
    pub fn reasons(&self) -> Vec<PromptReason> {
        [
            (
                self.consistent_with_trafficking == DimensionStatus::Positive,
                PromptReason::Consistent,
            ),
            (self.positive_pattern, PromptReason::PositivePattern),
            (self.strong_indicator, PromptReason::StrongIndicator),
            (self.prompt_item, PromptReason::ChildItem),
            (self.any_indicator, PromptReason::ChildIndicator),
        ]
        .into_iter()
        .filter_map(|(holds, reason)| holds.then_some(reason))
        .collect()
    }
}

struct RawScoring {
    profiles: Vec<RawProfile>,
    dimension_rule: Vec<Counts>,
    dimensions: Vec<RawDimension>,
    indicates: StrMap<Vec<Vec<String>>>,
    prompt_referral_if_any: Vec<String>,
    prompt_referral_if_any_in: StrMap<Vec<String>>,
    prompt_referral_if_positive: StrMap<Vec<Vec<String>>>,
}

struct RawProfile {
    id: String,
    when: Value,
}

struct RawDimension {
    id: String,
    label: StrMap<String>,
    items: Vec<RawItem>,
    rule: Option<Vec<Counts>>,
    sub_type: Option<StrMap<String>>,
}

struct RawItem {
    field: String,
    weights: StrMap<String>,
}

/// What `indicates` and `prompt_referral_if_positive` hold: per profile, groups of
/// dimension ids.
const GROUPS: &str = "an object of lists of groups of ids";
const TEXTS: &str = "an object of texts by language";

impl RawScoring {
    fn read(m: &mut Members<'_>) -> Self {
        Self {
            profiles: m.required_objects("profiles", RawProfile::read),
            dimension_rule: m.required_objects("dimension_rule", read_counts),
            dimensions: m.required_objects("dimensions", RawDimension::read),
            indicates: m.required("indicates", GROUPS),
            prompt_referral_if_any: m.defaulted("prompt_referral_if_any", "a list of strings"),
            prompt_referral_if_any_in: m
                .defaulted("prompt_referral_if_any_in", "an object of lists of strings"),
            prompt_referral_if_positive: m.defaulted("prompt_referral_if_positive", GROUPS),
        }
    }
}

impl RawProfile {
    fn read(m: &mut Members<'_>) -> Self {
        Self {
            id: m.required("id", "a string"),
            when: m.required("when", "a condition"),
        }
    }
}

impl RawDimension {
    fn read(m: &mut Members<'_>) -> Self {
        Self {
            id: m.required("id", "a string"),
            label: m.required("label", TEXTS),
            items: m.required_objects("items", RawItem::read),
            rule: m.objects("rule", read_counts),
            sub_type: m.optional("sub_type", TEXTS),
        }
    }
}

impl RawItem {
    fn read(m: &mut Members<'_>) -> Self {
        Self {
            field: m.required("field", "a string"),
            weights: m.required("weights", "an object of weights by profile"),
        }
    }
}

/// One entry of a rule: minimum counts by weight, each 0 when left out.
fn read_counts(m: &mut Members<'_>) -> Counts {
    Counts {
        strong: m.defaulted("strong", "a whole number"),
        medium: m.defaulted("medium", "a whole number"),
        weak: m.defaulted("weak", "a whole number"),
    }
}

/// Reads a `scoring` declaration's shape from its JSON text as written, without checking
/// what it names: for a definition about to be merged with its translations into a
/// `Value`, which would keep the last of a member given twice unseen.
pub(super) fn read_as_written(json: &str) -> Result<(), FormError> {
    Members::read_scoring(json, RawScoring::read).map(drop)
}

/// Parses a `scoring` declaration from its JSON text; `text` checks a label has every
/// language of the form.
pub(super) fn parse<T>(json: &str, declared: &Declared<'_>, text: T) -> Result<Scoring, FormError>
where
    T: Fn(&str, StrMap<String>) -> Result<Text, FormError>,
{
    let raw = Members::read_scoring(json, RawScoring::read)?;
    if raw.profiles.is_empty() {
        return Err(error(
            Kind::Missing,
            "scoring.profiles",
            "at least one profile is needed",
        ));
    }
    let listed: Vec<&str> = raw
        .profiles
        .iter()
        .map(|profile| profile.id.as_str())
        .collect();
    let repeated = repeats(&listed);
    let profile_ids: StrSet = listed.iter().map(|id| (*id).to_owned()).collect();
    let mut profiles = Vec::new();
    for (i, profile) in raw.profiles.into_iter().enumerate() {
        let unique = !repeated[i];
        if let Some(kind) = Kind::of_id(!profile.id.is_empty(), unique) {
            return Err(error(
                kind,
                format!("scoring.profiles[{i}].id"),
                "must be a unique, non-empty id",
            ));
        }
        let when = condition::parse(
            &profile.when,
            &format!("scoring.profiles[{i}].when"),
            declared,
        )?;
        profiles.push((profile.id, when));
    }
    check_rule("scoring.dimension_rule", &raw.dimension_rule)?;
    let yes_no_field = |path: &str, field: &str| -> Result<(), FormError> {
        match declared.get(field) {
            Some(FieldKind::YesNo) => Ok(()),
            Some(_) => Err(error(
                Kind::DoesNotFit,
                path,
                format!("`{field}` is not a yes/no field"),
            )),
            None => Err(error(
                Kind::UnknownReference,
                path,
                format!("`{field}` is not a field of this form"),
            )),
        }
    };
    let listed: Vec<&str> = raw
        .dimensions
        .iter()
        .map(|dimension| dimension.id.as_str())
        .collect();
    let repeated_dimensions = repeats(&listed);
    let dimension_ids: StrSet = listed.iter().map(|id| (*id).to_owned()).collect();
    let listed: Vec<&str> = (raw.dimensions.iter())
        .flat_map(|dimension| &dimension.items)
        .map(|item| item.field.as_str())
        .collect();
    let repeated_fields = repeats(&listed);
    let mut scored = 0;
    let mut dimensions = Vec::new();
    for (d, dimension) in raw.dimensions.into_iter().enumerate() {
        let path = format!("scoring.dimensions[{d}]");
        let unique = !repeated_dimensions[d];
        if let Some(kind) = Kind::of_id(!dimension.id.is_empty(), unique) {
            return Err(error(
                kind,
                format!("{path}.id"),
                "must be a unique, non-empty id",
            ));
        }
        if dimension.items.is_empty() {
            return Err(error(
                Kind::Missing,
                format!("{path}.items"),
                "a dimension needs items",
            ));
        }
        let mut items = Vec::new();
        for (i, item) in dimension.items.into_iter().enumerate() {
            let path = format!("{path}.items[{i}]");
            yes_no_field(&format!("{path}.field"), &item.field)?;
            scored += 1;
            if repeated_fields[scored - 1] {
                return Err(error(
                    Kind::DuplicateId,
                    format!("{path}.field"),
                    format!("`{}` is scored twice", item.field),
                ));
            }
            let mut weights = StrMap::new();
            for (profile, weight) in item.weights {
                if !profile_ids.contains(&profile) {
                    return Err(error(
                        Kind::UnknownReference,
                        format!("{path}.weights"),
                        format!("`{profile}` is not a profile"),
                    ));
                }
                let weight = match weight.as_str() {
                    "strong" => Weight::Strong,
                    "medium" => Weight::Medium,
                    "weak" => Weight::Weak,
                    other => {
                        return Err(error(
                            Kind::UnknownValue,
                            format!("{path}.weights.{profile}"),
                            format!("unknown weight `{other}`"),
                        ));
                    }
                };
                weights.insert(profile, weight);
            }
            items.push(Item {
                field: item.field,
                weights,
            });
        }
        if let Some(rule) = &dimension.rule {
            check_rule(&format!("{path}.rule"), rule)?;
        }
        dimensions.push(Dimension {
            id: dimension.id,
            label: text(&format!("{path}.label"), dimension.label)?,
            items,
            rule: dimension.rule,
            sub_type: dimension
                .sub_type
                .map(|sub_type| text(&format!("{path}.sub_type"), sub_type))
                .transpose()?,
        });
    }
    for profile in &profile_ids {
        let groups = raw.indicates.get(profile).ok_or_else(|| {
            error(
                Kind::Missing,
                "scoring.indicates",
                format!("profile `{profile}` has no rule"),
            )
        })?;
        if groups.is_empty() || groups.iter().any(Vec::is_empty) {
            return Err(error(
                Kind::Missing,
                format!("scoring.indicates.{profile}"),
                "needs non-empty groups of dimensions",
            ));
        }
        if let Some(unknown) = groups
            .iter()
            .flatten()
            .find(|id| !dimension_ids.contains(id))
        {
            return Err(error(
                Kind::UnknownReference,
                format!("scoring.indicates.{profile}"),
                format!("`{unknown}` is not a dimension"),
            ));
        }
    }
    if let Some(extra) = raw
        .indicates
        .keys()
        .find(|profile| !profile_ids.contains(profile))
    {
        return Err(error(
            Kind::UnknownReference,
            "scoring.indicates",
            format!("`{extra}` is not a profile"),
        ));
    }
    for (i, field) in raw.prompt_referral_if_any.iter().enumerate() {
        yes_no_field(&format!("scoring.prompt_referral_if_any[{i}]"), field)?;
    }
    let known = |path: &str, profile: &str, ids: Vec<&String>| {
        if !profile_ids.contains(profile) {
            return Err(error(
                Kind::UnknownReference,
                path,
                format!("`{profile}` is not a profile"),
            ));
        }
        match ids.into_iter().find(|id| !dimension_ids.contains(id)) {
            Some(unknown) => Err(error(
                Kind::UnknownReference,
                format!("{path}.{profile}"),
                format!("`{unknown}` is not a dimension"),
            )),
            None => Ok(()),
        }
    };
    for (profile, ids) in &raw.prompt_referral_if_any_in {
        known(
            "scoring.prompt_referral_if_any_in",
            profile,
            ids.iter().collect(),
        )?;
    }
    for (profile, groups) in &raw.prompt_referral_if_positive {
        if groups.is_empty() || groups.iter().any(Vec::is_empty) {
            return Err(error(
                Kind::Missing,
                format!("scoring.prompt_referral_if_positive.{profile}"),
                "needs non-empty groups of dimensions",
            ));
        }
        known(
            "scoring.prompt_referral_if_positive",
            profile,
            groups.iter().flatten().collect(),
        )?;
    }
    Ok(Scoring {
        profiles,
        dimension_rule: raw.dimension_rule,
        dimensions,
        indicates: raw.indicates,
        prompt_referral_if_any: raw.prompt_referral_if_any,
        prompt_referral_if_any_in: raw.prompt_referral_if_any_in,
        prompt_referral_if_positive: raw.prompt_referral_if_positive,
    })
}

/// A rule needs at least one minimum, none of them all zero.
fn check_rule(path: &str, rule: &[Counts]) -> Result<(), FormError> {
    let fault = if rule.is_empty() {
        Some(Kind::Missing)
    } else if rule.iter().any(|minimum| *minimum == Counts::default()) {
        Some(Kind::InvalidValue)
    } else {
        None
    };
    match fault {
        Some(kind) => Err(error(
            kind,
            path,
            "needs at least one minimum, none of them all zero",
        )),
        None => Ok(()),
    }
}

impl FormDefinition {
    /// What the answers add up to, for a form that declares scoring.
    pub fn outcome(&self, answers: &Answers) -> Option<Outcome> {
        let scoring = self.scoring.as_ref()?;
        let answer = |field: &str| {
            if self.is_shown(field, answers) {
                answers.yes_no(field)
            } else {
                None
            }
        };
        let prompt_item = scoring
            .prompt_referral_if_any
            .iter()
            .any(|field| answer(field) == Some(YesNo::Yes));
        let profile = scoring
            .profiles
            .iter()
            .find(|(_, when)| when.holds(self, answers))
            .map(|(id, _)| id.clone());
        let Some(profile) = profile else {
            return Some(Outcome {
                profile: None,
                dimensions: Vec::new(),
                consistent_with_trafficking: DimensionStatus::Undetermined,
                strong_indicator: false,
                prompt_item,
                any_indicator: false,
                positive_pattern: false,
                sub_types: Vec::new(),
                ask_about: Vec::new(),
                prompt_referral: prompt_item,
            });
        };

        let mut strong_indicator = false;
        let dimensions: Vec<DimensionResult> = scoring
            .dimensions
            .iter()
            // A dimension none of whose items counts in this profile says nothing here
            // (the act of a child's case, for an adult).
            .filter(|dimension| {
                dimension
                    .items
                    .iter()
                    .any(|item| item.weights.contains_key(&profile))
            })
            .map(|dimension| {
                let mut present = Counts::default();
                let mut possible = Counts::default();
                for item in &dimension.items {
                    let Some(weight) = item.weights.get(&profile).copied() else {
                        continue;
                    };
                    match answer(&item.field) {
                        Some(YesNo::Yes) => {
                            present.add(weight);
                            possible.add(weight);
                            strong_indicator |= weight == Weight::Strong;
                        }
                        Some(YesNo::No) => {}
                        // Unknown, not asked, or not answered yet: it could still be yes.
                        Some(YesNo::Unknown | YesNo::NotAsked) | None => possible.add(weight),
                    }
                }
                let rule = dimension.rule.as_ref().unwrap_or(&scoring.dimension_rule);
                let reaches = |counts: Counts| rule.iter().any(|minimum| counts.reach(*minimum));
                let status = if reaches(present) {
                    DimensionStatus::Positive
                } else if reaches(possible) {
                    DimensionStatus::Undetermined
                } else {
                    DimensionStatus::Negative
                };
                DimensionResult {
                    id: dimension.id.clone(),
                    status,
                    present,
                }
            })
            .collect();

        let status_of = |id: &str| {
            dimensions
                .iter()
                .find(|result| result.id == id)
                .map_or(DimensionStatus::Negative, |result| result.status)
        };
        let group_status = |group: &[String]| {
            if group
                .iter()
                .any(|id| status_of(id) == DimensionStatus::Positive)
            {
                DimensionStatus::Positive
            } else if group
                .iter()
                .any(|id| status_of(id) == DimensionStatus::Undetermined)
            {
                DimensionStatus::Undetermined
            } else {
                DimensionStatus::Negative
            }
        };
        // Every profile has its rule (the parser checks it).
        let groups = scoring
            .indicates
            .get(&profile)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let mut consistent = DimensionStatus::Positive;
        for group in groups {
            consistent = match (consistent, group_status(group)) {
                (DimensionStatus::Negative, _) | (_, DimensionStatus::Negative) => {
                    DimensionStatus::Negative
                }
                (DimensionStatus::Undetermined, _) | (_, DimensionStatus::Undetermined) => {
                    DimensionStatus::Undetermined
                }
                _ => DimensionStatus::Positive,
            };
        }
        let ask_about = if consistent == DimensionStatus::Undetermined {
            groups
                .iter()
                .filter(|group| group_status(group) == DimensionStatus::Undetermined)
                .flatten()
                .filter(|id| status_of(id) == DimensionStatus::Undetermined)
                .cloned()
                .collect()
        } else {
            Vec::new()
        };
        let sub_types = if consistent == DimensionStatus::Positive {
            scoring
                .dimensions
                .iter()
                .filter(|dimension| {
                    dimension.sub_type.is_some()
                        && status_of(&dimension.id) == DimensionStatus::Positive
                })
                .map(|dimension| dimension.id.clone())
                .collect()
        } else {
            Vec::new()
        };
        let any_indicator = scoring
            .prompt_referral_if_any_in
            .get(&profile)
            .is_some_and(|ids| {
                dimensions
                    .iter()
                    .any(|result| result.yes_count() > 0 && ids.contains(&result.id))
            });
        let positive_pattern = scoring
            .prompt_referral_if_positive
            .get(&profile)
            .is_some_and(|groups| {
                groups
                    .iter()
                    .all(|group| group_status(group) == DimensionStatus::Positive)
            });
        Some(Outcome {
            profile: Some(profile),
            dimensions,
            consistent_with_trafficking: consistent,
            strong_indicator,
            prompt_item,
            any_indicator,
            positive_pattern,
            sub_types,
            ask_about,
            prompt_referral: consistent == DimensionStatus::Positive
                || positive_pattern
                || strong_indicator
                || prompt_item
                || any_indicator,
        })
    }
}
