//! Answers to a form: typed, checked against the definition when read from JSON, and
//! never printed.

use crate::str_map::StrMap;
use std::fmt;

use serde_json::Value;

use super::definition::{FieldKind, FormDefinition};

/// The four answers of a `yes_no` field. Only `Yes` counts as an indicator present, and
/// `Unknown` and `NotAsked` never count as `No`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum YesNo {
    Yes,
    No,
    Unknown,
    NotAsked,
}

impl YesNo {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Yes => "yes",
            Self::No => "no",
            Self::Unknown => "unknown",
            Self::NotAsked => "not_asked",
        }
    }
}

/// How urgent one need of a needs matrix is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NeedLevel {
    None,
    Urgent,
    NonUrgent,
}

/// One field's answer.
#[derive(Clone, PartialEq)]
pub enum Answer {
    Text(String),
    Number(f64),
    Date(String),
    DateTime(String),
    Choice(String),
    Choices(Vec<String>),
    YesNo(YesNo),
    /// A country (ISO 3166-1 alpha-2) or a language (ISO 639-1) code.
    Code(String),
    Consent(bool),
    Needs(StrMap<NeedLevel>),
}

impl Answer {
    /// The value id a condition compares with, for answers that have one.
    pub(crate) fn token(&self) -> Option<&str> {
        match self {
            Self::Choice(choice) => Some(choice),
            Self::YesNo(answer) => Some(answer.as_str()),
            Self::Consent(true) => Some("given"),
            Self::Consent(false) => Some("declined"),
            _ => None,
        }
    }
}

impl fmt::Debug for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The kind only: answers are personal data.
        let kind = match self {
            Self::Text(_) => "Text",
            Self::Number(_) => "Number",
            Self::Date(_) => "Date",
            Self::DateTime(_) => "DateTime",
            Self::Choice(_) => "Choice",
            Self::Choices(_) => "Choices",
            Self::YesNo(_) => "YesNo",
            Self::Code(_) => "Code",
            Self::Consent(_) => "Consent",
            Self::Needs(_) => "Needs",
        };
        write!(f, "{kind}(..)")
    }
}

/// The answers given so far, by field id.
#[derive(Clone, Default, PartialEq)]
pub struct Answers(StrMap<Answer>);

impl fmt::Debug for Answers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.0.keys()).finish()
    }
}

/// An answer that does not fit its field: the field and what is wrong, never the value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnswersError {
    pub field: String,
    pub kind: &'static str,
}

impl fmt::Display for AnswersError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.kind)
    }
}

impl std::error::Error for AnswersError {}

impl Answers {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn get(&self, field: &str) -> Option<&Answer> {
        self.0.get(field)
    }

    pub fn set(&mut self, field: impl Into<String>, answer: Answer) {
        self.0.insert(field.into(), answer);
    }

    pub fn remove(&mut self, field: &str) {
        self.0.remove(field);
    }

    /// The answer of a `yes_no` field, if given.
    pub fn yes_no(&self, field: &str) -> Option<YesNo> {
        match self.0.get(field) {
            Some(Answer::YesNo(answer)) => Some(*answer),
            _ => None,
        }
    }

    /// Every answer, by field id, in the order of the ids.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Answer)> {
        self.0
            .iter()
            .map(|(field, answer)| (field.as_str(), answer))
    }

    /// Whether nothing is answered.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Adds every answer of `other` whose field has none here: starting answers never
    /// overwrite what the worker already gave.
    pub fn fill_from(&mut self, other: Answers) {
        for (field, answer) in other.0 {
            self.0.insert_if_absent(field, answer);
        }
    }

    /// The answers as their JSON object, the form [`Answers::from_json`] reads back.
    pub fn to_json(&self) -> Value {
        let mut object = serde_json::Map::new();
        for (field, answer) in &self.0 {
            let value = match answer {
                Answer::Text(text)
                | Answer::Date(text)
                | Answer::DateTime(text)
                | Answer::Choice(text)
                | Answer::Code(text) => Value::String(text.clone()),
                Answer::Number(number) => {
                    serde_json::Number::from_f64(*number).map_or(Value::Null, Value::Number)
                }
                Answer::Choices(choices) => {
                    Value::Array(choices.iter().cloned().map(Value::String).collect())
                }
                Answer::YesNo(answer) => Value::String(answer.as_str().to_owned()),
                Answer::Consent(given) => {
                    Value::String(if *given { "given" } else { "declined" }.to_owned())
                }
                Answer::Needs(levels) => {
                    // Inserted one by one: collecting into the map would bring a sort of
                    // its own into the web app's download.
                    let mut needs = serde_json::Map::new();
                    for (need, level) in levels.iter() {
                        let level = match level {
                            NeedLevel::None => "none",
                            NeedLevel::Urgent => "urgent",
                            NeedLevel::NonUrgent => "non_urgent",
                        };
                        needs.insert(need.clone(), Value::String(level.to_owned()));
                    }
                    Value::Object(needs)
                }
            };
            object.insert(field.clone(), value);
        }
        Value::Object(object)
    }

    /// Reads answers from the text of their JSON object.
    pub fn from_json_text(form: &FormDefinition, text: &str) -> Result<Self, AnswersError> {
        let json: Value = serde_json::from_str(text).map_err(|_| AnswersError {
            field: String::new(),
            kind: "not_json",
        })?;
        Self::from_json(form, &json)
    }

    /// Reads answers from their JSON object (`{"field_id": value, …}`), checking each
    /// against its field's kind.
    pub fn from_json(form: &FormDefinition, json: &Value) -> Result<Self, AnswersError> {
        let Value::Object(object) = json else {
            return Err(AnswersError {
                field: String::new(),
                kind: "not_an_object",
            });
        };
        let mut answers = Self::new();
        for (id, value) in object {
            let wrong = |kind| AnswersError {
                field: id.clone(),
                kind,
            };
            let field = form.field(id).ok_or_else(|| wrong("unknown_field"))?;
            let text = || {
                value
                    .as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| wrong("not_text"))
            };
            let answer = match &field.kind {
                FieldKind::Text | FieldKind::LongText => Answer::Text(text()?),
                FieldKind::Number => {
                    Answer::Number(value.as_f64().ok_or_else(|| wrong("not_a_number"))?)
                }
                FieldKind::Date => {
                    let date = text()?;
                    if !is_date(&date) {
                        return Err(wrong("not_a_date"));
                    }
                    Answer::Date(date)
                }
                FieldKind::DateTime => {
                    let date_time = text()?;
                    let valid = date_time.len() == 16
                        && is_date(&date_time[..10])
                        && date_time.as_bytes()[10] == b'T'
                        && is_time(&date_time[11..]);
                    if !valid {
                        return Err(wrong("not_a_date_time"));
                    }
                    Answer::DateTime(date_time)
                }
                FieldKind::SingleChoice(options) => {
                    let choice = text()?;
                    if !options.iter().any(|option| option.id == choice) {
                        return Err(wrong("unknown_choice"));
                    }
                    Answer::Choice(choice)
                }
                FieldKind::MultipleChoice(options) => {
                    let Value::Array(items) = value else {
                        return Err(wrong("not_a_list"));
                    };
                    let mut choices = Vec::new();
                    for item in items {
                        let choice = item.as_str().ok_or_else(|| wrong("unknown_choice"))?;
                        if !options.iter().any(|option| option.id == choice)
                            || choices.iter().any(|c| c == choice)
                        {
                            return Err(wrong("unknown_choice"));
                        }
                        choices.push(choice.to_owned());
                    }
                    Answer::Choices(choices)
                }
                FieldKind::YesNo => Answer::YesNo(match value.as_str() {
                    Some("yes") => YesNo::Yes,
                    Some("no") => YesNo::No,
                    Some("unknown") => YesNo::Unknown,
                    Some("not_asked") => YesNo::NotAsked,
                    _ => return Err(wrong("not_yes_no")),
                }),
                FieldKind::Country => {
                    let code = text()?;
                    if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
                        return Err(wrong("not_a_country_code"));
                    }
                    Answer::Code(code)
                }
                FieldKind::Language => {
                    let code = text()?;
                    if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_lowercase()) {
                        return Err(wrong("not_a_language_code"));
                    }
                    Answer::Code(code)
                }
                FieldKind::Consent => Answer::Consent(match value.as_str() {
                    Some("given") => true,
                    Some("declined") => false,
                    _ => return Err(wrong("not_a_consent")),
                }),
                FieldKind::NeedsMatrix(needs) => {
                    let Value::Object(levels) = value else {
                        return Err(wrong("not_a_needs_object"));
                    };
                    let mut matrix = StrMap::new();
                    for (need, level) in levels {
                        if !needs.iter().any(|option| option.id == *need) {
                            return Err(wrong("unknown_need"));
                        }
                        let level = match level.as_str() {
                            Some("none") => NeedLevel::None,
                            Some("urgent") => NeedLevel::Urgent,
                            Some("non_urgent") => NeedLevel::NonUrgent,
                            _ => return Err(wrong("not_a_need_level")),
                        };
                        matrix.insert(need.clone(), level);
                    }
                    Answer::Needs(matrix)
                }
                FieldKind::Info => return Err(wrong("info_takes_no_answer")),
            };
            answers.set(id.clone(), answer);
        }
        Ok(answers)
    }
}

fn digits(text: &str) -> Option<u32> {
    (!text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

/// `YYYY-MM-DD` with a real month and a day that month can have.
fn is_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let [year, month, day] = parts[..] else {
        return false;
    };
    let (Some(year), Some(month), Some(day)) = (digits(year), digits(month), digits(day)) else {
        return false;
    };
    if text.len() != 10 || !(1..=12).contains(&month) {
        return false;
    }
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    (1..=days).contains(&day)
}

fn is_time(text: &str) -> bool {
    let Some((hours, minutes)) = text.split_once(':') else {
        return false;
    };
    hours.len() == 2
        && minutes.len() == 2
        && digits(hours).is_some_and(|h| h < 24)
        && digits(minutes).is_some_and(|m| m < 60)
}
