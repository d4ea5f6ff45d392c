//! The checked types a form definition is parsed into (`docs/forms.md`), and the lookups
//! on them.
//!
//! Nothing here parses or evaluates: the `parse` module builds these values, and the
//! other modules of `form` read them. This module depends on no other part of `form`, so
//! that every other part may depend on it.

use crate::agency::AgencyKind;
use crate::str_map::StrMap;

/// The kinds of agency a directory lists (`docs/server.md`), for `only_to`.
pub const AGENCY_KINDS: [&str; 7] = [
    "police",
    "ngo",
    "shelter",
    "child-protection",
    "labour-inspectorate",
    "health",
    "other",
];

/// A text in every language of its form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Text(pub(super) StrMap<String>);

impl Text {
    /// The text in `language`; the form's first language when it has not that one (a
    /// parsed form has every text in all its languages, so this only matters for a
    /// language the form does not declare).
    pub fn get(&self, language: &str) -> &str {
        self.0
            .get(language)
            .or_else(|| self.0.values().next())
            .map_or("", String::as_str)
    }
}

/// One choice of a `single_choice`, `multiple_choice` or `needs_matrix` field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValueOption {
    pub id: String,
    pub label: Text,
    /// The sharing category this choice belongs to (see [`SharingRules`]), when it is
    /// more sensitive than the rest of its field's answer: a risk factor that is health
    /// information, say. A recipient the person did not agree may have that category
    /// gets the answer without this choice.
    pub sharing: Option<String>,
}

/// Whether a native speaker has checked a language's texts. Only checked translations
/// belong in a deployment; the app says so on every form whose texts are not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReviewStatus {
    /// The language the form was written in.
    Original,
    /// Translated, not yet checked by a native speaker.
    Unreviewed,
    /// Checked by a native speaker.
    Reviewed,
}

/// What kind of answer a field takes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldKind {
    Text,
    LongText,
    Number,
    Date,
    DateTime,
    SingleChoice(Vec<ValueOption>),
    MultipleChoice(Vec<ValueOption>),
    YesNo,
    Country,
    Language,
    Consent,
    NeedsMatrix(Vec<ValueOption>),
    Info,
}

impl FieldKind {
    /// The values an `equals`/`in` condition may name, for the kinds that have a fixed set.
    pub(crate) fn values(&self) -> Option<Vec<&str>> {
        match self {
            Self::SingleChoice(options) | Self::MultipleChoice(options) => {
                Some(options.iter().map(|option| option.id.as_str()).collect())
            }
            Self::YesNo => Some(vec!["yes", "no", "unknown", "not_asked"]),
            Self::Consent => Some(vec!["given", "declined"]),
            _ => None,
        }
    }
}

/// The keyboard a phone shows for a one-line `text` field: digits and `+` for a phone
/// number, `@` at hand for an email address. Only a hint: the answer is still text, and
/// nothing checks its shape (a worker may need to write "via the shelter, 0700…").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextInput {
    Tel,
    Email,
}

impl TextInput {
    /// The HTML `type` of the input that shows this keyboard.
    pub fn input_type(self) -> &'static str {
        match self {
            Self::Tel => "tel",
            Self::Email => "email",
        }
    }
}

/// A field's starting answer, given when the form opens and changed like any other
/// answer. Only a question about the day the form is filled in has one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldDefault {
    /// Today, by the reader's clock: a `date` field only.
    Today,
}

/// Who the answer of a field is about, and so where it may go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DataClass {
    Personal,
    Special,
    Thematic,
    /// About the partner organisations and their arrangements, never about a person the
    /// forms are used for (the group checklists).
    Organisational,
}

/// A fact of a form's scoring another form can start from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutcomeFact {
    /// The positive dimensions, as the option ids (lower case) of a `multiple_choice`.
    PositiveDimensions,
    /// The undetermined dimensions, likewise.
    UndeterminedDimensions,
    /// Whether the outcome prompted to presume victim status and refer, as `yes`/`no`.
    ReferralPrompted,
    /// Every dimension with at least one item answered "yes", whether or not it meets
    /// the rule, as the option ids (lower case) of a `multiple_choice`.
    DimensionsWithIndicators,
}

/// Where a field takes its starting answer from when its form follows another.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Prefill {
    /// The answer of the other form's field `field`.
    Answer { form: String, field: String },
    /// A fact of the other form's outcome.
    Outcome { form: String, fact: OutcomeFact },
}

impl Prefill {
    /// The form this prefill reads.
    pub fn form(&self) -> &str {
        match self {
            Self::Answer { form, .. } | Self::Outcome { form, .. } => form,
        }
    }
}

/// A printable document composed from some sections' answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Draft {
    pub title: Text,
    pub help: Option<Text>,
    /// Section ids, in the document's order.
    pub sections: Vec<String>,
}

/// How a thematic answer is coarsened before it feeds statistics.
#[derive(Clone, Debug, PartialEq)]
pub enum Coarsen {
    AsIs,
    Month,
    Bands(Vec<f64>),
    /// Each choice counts as its group: `(group id, the option ids in it)`, every option
    /// in exactly one group. Fewer, larger categories for answers whose own choices are
    /// too fine to publish (a sex of "another", in a small region, is nearly a name).
    Groups(Vec<(String, Vec<String>)>),
}

/// The checks an answer must pass.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Validation {
    pub max_length: Option<usize>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub integer: bool,
    pub not_in_future: bool,
}

/// A checked field.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    pub id: String,
    pub kind: FieldKind,
    pub label: Text,
    pub help: Option<Text>,
    pub required: bool,
    /// `None` only for `info` blocks.
    pub data_class: Option<DataClass>,
    pub coarsen: Option<Coarsen>,
    pub show_if: Option<Condition>,
    pub validation: Validation,
    /// For a `text` field, the keyboard to show ([`TextInput`]).
    pub input: Option<TextInput>,
    /// For a `date` field about today, its starting answer ([`FieldDefault`]).
    pub default: Option<FieldDefault>,
    /// For a `country` or `language` field, the deployment's common choices, offered
    /// first, in this order (their codes).
    pub common: Vec<String>,
    pub prefill: Option<Prefill>,
    /// For a `single_choice` field, the earlier answer it follows ([`Follows`]).
    pub follows: Option<Follows>,
    /// For a `text` field the worker never types: what fills it ([`Filled`]).
    pub filled: Option<Filled>,
    /// The agency kinds that alone may receive this answer (`None`: any recipient).
    pub only_to: Option<Vec<AgencyKind>>,
    /// The sharing category of the whole answer (see [`SharingRules`]).
    pub sharing: Option<String>,
    /// When this holds, the answer is kept out of every packet, as if the question had
    /// not been shown (the worker's choice to leave the account out of an anonymous
    /// notification). Unlike `show_if`, it may look at any field of the form: it decides
    /// only what leaves, never what is asked.
    pub leave_out_if: Option<Condition>,
    /// For a personal or special answer, the coarsened copy of it that statistics may
    /// count: the answer itself never feeds them (`docs/forms.md`, "Data class").
    pub thematic_copy: Option<Coarsen>,
}

/// What fills a field the worker is never asked: it is not shown, and each packet gets
/// its answer when the referral is sealed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Filled {
    /// The names of the packet's agency recipients, as the worker chose them at review.
    Recipients,
}

/// A single choice that follows an earlier answer of the same form: when the worker gives
/// `field` one of the values listed, this field takes the choice paired with it. The
/// worker can still change it; another answer to `field` sets it again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Follows {
    pub field: String,
    /// `(value of field, choice of this field)`, each value once.
    pub answers: Vec<(String, String)>,
}

/// Where a form records what the person agreed may be shared, and with whom.
///
/// `choices` names a `multiple_choice` field whose options are the sharing categories:
/// every `sharing` category of a field or a choice is one of them, and an answer in a
/// category the person did not choose goes to nobody. `recipients`, when given, names a
/// `multiple_choice` field whose options are agency kinds: only agencies of the kinds the
/// person chose may receive the form at all. Each rule applies while its field is shown
/// (an adult's referral with consent); a hidden one restricts nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SharingRules {
    pub choices: String,
    pub recipients: Option<String>,
}

/// A checked section.
#[derive(Clone, Debug, PartialEq)]
pub struct Section {
    pub id: String,
    pub title: Text,
    pub help: Option<Text>,
    pub show_if: Option<Condition>,
    pub fields: Vec<Field>,
}

/// A form definition whose ids are unique, whose references resolve backwards, whose
/// conditions fit the fields they test, and whose texts exist in every declared language.
#[derive(Clone, Debug, PartialEq)]
pub struct FormDefinition {
    pub id: String,
    pub version: String,
    pub languages: Vec<String>,
    pub title: Text,
    pub sections: Vec<Section>,
    pub scoring: Option<Scoring>,
    pub draft: Option<Draft>,
    /// Where the person's own choices about sharing are recorded, when the form has them.
    pub sharing: Option<SharingRules>,
    pub(super) review: StrMap<ReviewStatus>,
    /// Where each field is: its section's index and its own.
    pub(super) index: StrMap<(usize, usize)>,
}

/// A checked condition.
#[derive(Clone, Debug, PartialEq)]
pub enum Condition {
    Equals {
        field: String,
        value: String,
    },
    In {
        field: String,
        values: Vec<String>,
    },
    LessThan {
        field: String,
        value: f64,
    },
    GreaterThan {
        field: String,
        value: f64,
    },
    Includes {
        field: String,
        value: String,
    },
    /// The days from the date `from` to the date `to` are fewer than `less_than` (both
    /// answered): a period shorter than the minimum a deployment sets in its form.
    DaysBetweenLessThan {
        from: String,
        to: String,
        less_than: f64,
    },
    Answered(String),
    All(Vec<Condition>),
    Any(Vec<Condition>),
    Not(Box<Condition>),
}

/// The weight of an indicator in a profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Weight {
    Strong,
    Medium,
    Weak,
}

/// Minimum counts of "yes" items, by weight.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub strong: u32,
    pub medium: u32,
    pub weak: u32,
}

/// One scored item: a `yes_no` field and its weight in each profile it counts in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    pub field: String,
    pub weights: StrMap<Weight>,
}

/// A dimension of indicators.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dimension {
    pub id: String,
    pub label: Text,
    pub items: Vec<Item>,
    /// The dimension's own rule, when the form's `dimension_rule` does not fit it (the act
    /// of a child's case is there when any one of its items is).
    pub rule: Option<Vec<Counts>>,
    /// The sub-type a positive recruitment dimension names ("through deception").
    pub sub_type: Option<Text>,
}

/// A form's checked scoring declaration.
#[derive(Clone, Debug, PartialEq)]
pub struct Scoring {
    pub profiles: Vec<(String, Condition)>,
    pub dimension_rule: Vec<Counts>,
    pub dimensions: Vec<Dimension>,
    /// Per profile, groups of dimension ids; every group needs a positive dimension.
    pub indicates: StrMap<Vec<Vec<String>>>,
    pub prompt_referral_if_any: Vec<String>,
    /// Per profile, dimensions any one "yes" in which prompts a referral (a child: one
    /// indicator is enough).
    pub prompt_referral_if_any_in: StrMap<Vec<String>>,
    /// Per profile, groups of dimension ids; when each group has a positive dimension, a
    /// referral is prompted even if the profile's whole rule is not met (exploitation and
    /// coercion found at a work site, recruitment not yet asked about).
    pub prompt_referral_if_positive: StrMap<Vec<Vec<String>>>,
}

impl FormDefinition {
    /// Whether the texts in `language` were checked: the first language is the original
    /// unless the form says otherwise; any other language is unreviewed until it says so.
    pub fn review_status(&self, language: &str) -> ReviewStatus {
        self.review.get(language).copied().unwrap_or(
            if self
                .languages
                .first()
                .is_some_and(|first| first == language)
            {
                ReviewStatus::Original
            } else {
                ReviewStatus::Unreviewed
            },
        )
    }

    /// The field with this id, and its section.
    pub fn locate(&self, id: &str) -> Option<(&Section, &Field)> {
        let (s, f) = *self.index.get(id)?;
        let section = &self.sections[s];
        Some((section, &section.fields[f]))
    }

    /// The field with this id.
    pub fn field(&self, id: &str) -> Option<&Field> {
        self.locate(id).map(|(_, field)| field)
    }

    /// Every field, in order.
    pub fn fields(&self) -> impl Iterator<Item = &Field> {
        self.sections.iter().flat_map(|section| &section.fields)
    }

    /// Whether every answer this form takes is about organisations rather than a person,
    /// so that its answers may be kept in the browser unsealed when the user chooses to.
    pub fn is_organisational(&self) -> bool {
        self.fields()
            .filter_map(|field| field.data_class)
            .all(|class| class == DataClass::Organisational)
    }
}
