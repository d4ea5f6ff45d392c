//! `show_if` conditions: parsed against the fields declared before them, and evaluated
//! against answers, which decides what is shown. Whether a field is shown and whether a
//! condition holds call each other (a condition on a hidden field is false), so both live
//! here.

use core::cmp::Ordering;

use crate::str_map::StrMap;

use serde_json::Value;

use super::answers::{Answer, Answers};
use super::definition::{Condition, Field, FieldKind, FormDefinition, Section};
use super::error::{FormError, FormErrorKind as Kind, error};

/// What parsing knows about the fields declared so far: conditions may only look back.
/// Where each field is (its section and its position there) is read once, before any
/// field is checked, so that a look-up is a binary search whatever the form's size. A
/// field counts as declared once it is checked: in `sections`, or among the `current`
/// section's fields.
pub(super) struct Declared<'a> {
    pub(super) places: &'a StrMap<(usize, usize)>,
    pub(super) sections: &'a [Section],
    pub(super) current: &'a [Field],
}

impl<'a> Declared<'a> {
    pub(super) fn get(&self, id: &str) -> Option<&'a FieldKind> {
        let (section, at) = *self.places.get(id)?;
        let fields = match section.cmp(&self.sections.len()) {
            Ordering::Less => self.sections[section].fields.as_slice(),
            Ordering::Equal => self.current,
            Ordering::Greater => return None,
        };
        fields.get(at).map(|field| &field.kind)
    }
}

const MAX_DEPTH: usize = 16;

/// Parses the condition at `path`, which may only test fields in `declared`.
pub(super) fn parse(
    value: &Value,
    path: &str,
    declared: &Declared<'_>,
) -> Result<Condition, FormError> {
    parse_at(value, path, declared, 0)
}

impl Condition {
    /// Whether the condition holds. A condition on a field that is not shown is false.
    pub fn holds(&self, form: &FormDefinition, answers: &Answers) -> bool {
        let answer = |field: &str| {
            if form.is_shown(field, answers) {
                answers.get(field)
            } else {
                None
            }
        };
        match self {
            Self::Equals { field, value } => {
                answer(field).is_some_and(|a| a.token() == Some(value.as_str()))
            }
            Self::In { field, values } => answer(field)
                .and_then(Answer::token)
                .is_some_and(|token| values.iter().any(|value| value == token)),
            Self::LessThan { field, value } => {
                matches!(answer(field), Some(Answer::Number(number)) if number < value)
            }
            Self::GreaterThan { field, value } => {
                matches!(answer(field), Some(Answer::Number(number)) if number > value)
            }
            Self::Includes { field, value } => {
                matches!(answer(field), Some(Answer::Choices(choices)) if choices.contains(value))
            }
            Self::DaysBetweenLessThan {
                from,
                to,
                less_than,
            } => match (answer(from), answer(to)) {
                (Some(Answer::Date(start)), Some(Answer::Date(end))) => {
                    match (day_number(start), day_number(end)) {
                        (Some(start), Some(end)) => ((end - start) as f64) < *less_than,
                        _ => false,
                    }
                }
                _ => false,
            },
            Self::Answered(field) => answer(field).is_some(),
            Self::All(conditions) => conditions.iter().all(|c| c.holds(form, answers)),
            Self::Any(conditions) => conditions.iter().any(|c| c.holds(form, answers)),
            Self::Not(condition) => !condition.holds(form, answers),
        }
    }
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date (the proleptic Gregorian calendar, as
/// H. Hinnant's `days_from_civil`); `None` for anything else.
fn day_number(date: &str) -> Option<i64> {
    let mut parts = date.get(..10)?.splitn(3, '-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: i64 = parts.next()?.parse().ok()?;
    let day: i64 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    Some(era * 146_097 + day_of_era - 719_468)
}

impl FormDefinition {
    /// The yes/no questions shown and not yet answered, in order: what "mark the
    /// remaining questions Not asked" answers. A question that appears only because of
    /// such an answer is not among them; the worker sees it and answers it.
    pub fn unanswered_yes_no(&self, answers: &Answers) -> Vec<String> {
        self.fields()
            .filter(|field| matches!(field.kind, FieldKind::YesNo))
            .filter(|field| answers.get(&field.id).is_none())
            .filter(|field| self.is_shown(&field.id, answers))
            .map(|field| field.id.clone())
            .collect()
    }

    /// Whether the field `id` is shown, given the answers so far (its section's and its
    /// own condition). A field the worker is never asked (`filled`) is not.
    pub fn is_shown(&self, id: &str, answers: &Answers) -> bool {
        self.locate(id).is_some_and(|(section, field)| {
            field.filled.is_none()
                && section
                    .show_if
                    .as_ref()
                    .is_none_or(|c| c.holds(self, answers))
                && field
                    .show_if
                    .as_ref()
                    .is_none_or(|c| c.holds(self, answers))
        })
    }
}

fn parse_at(
    value: &Value,
    path: &str,
    declared: &Declared<'_>,
    depth: usize,
) -> Result<Condition, FormError> {
    if depth > MAX_DEPTH {
        return Err(error(Kind::TooComplex, path, "conditions nest too deeply"));
    }
    let Value::Object(object) = value else {
        return Err(error(Kind::Malformed, path, "a condition is an object"));
    };
    let field_of = |member: &str| -> Result<(String, &FieldKind), FormError> {
        let id = object.get(member).and_then(Value::as_str).ok_or_else(|| {
            error(
                Kind::Malformed,
                path,
                format!("`{member}` must name a field"),
            )
        })?;
        let kind = declared.get(id).ok_or_else(|| {
            error(
                Kind::UnknownReference,
                path,
                format!("`{id}` is not a field declared before this point"),
            )
        })?;
        Ok((id.to_owned(), kind))
    };
    let exactly = |members: &[&str]| -> Result<(), FormError> {
        if object.len() != members.len()
            || !members.iter().all(|member| object.contains_key(*member))
        {
            return Err(error(
                Kind::Malformed,
                path,
                format!("this condition takes exactly {}", members.join(" and ")),
            ));
        }
        Ok(())
    };
    let check_value = |field: &str, kind: &FieldKind, value: &str| -> Result<(), FormError> {
        match kind.values() {
            Some(values) if values.contains(&value) => Ok(()),
            Some(_) => Err(error(
                Kind::UnknownReference,
                path,
                format!("`{field}` never has the value `{value}`"),
            )),
            None => Err(error(
                Kind::DoesNotFit,
                path,
                format!("`{field}` has no fixed values to compare with"),
            )),
        }
    };
    let list = |member: &str| -> Result<Vec<Condition>, FormError> {
        let Some(Value::Array(items)) = object.get(member) else {
            return Err(error(
                Kind::Malformed,
                path,
                format!("`{member}` takes a list of conditions"),
            ));
        };
        if items.is_empty() {
            return Err(error(
                Kind::Missing,
                path,
                format!("`{member}` needs at least one condition"),
            ));
        }
        items
            .iter()
            .enumerate()
            .map(|(i, item)| parse_at(item, &format!("{path}.{member}[{i}]"), declared, depth + 1))
            .collect()
    };
    let number = |member: &str| -> Result<f64, FormError> {
        object
            .get(member)
            .and_then(Value::as_f64)
            .ok_or_else(|| error(Kind::Malformed, path, format!("`{member}` takes a number")))
    };

    if object.contains_key("all") {
        exactly(&["all"])?;
        Ok(Condition::All(list("all")?))
    } else if object.contains_key("any") {
        exactly(&["any"])?;
        Ok(Condition::Any(list("any")?))
    } else if let Some(inner) = object.get("not") {
        exactly(&["not"])?;
        Ok(Condition::Not(Box::new(parse_at(
            inner,
            &format!("{path}.not"),
            declared,
            depth + 1,
        )?)))
    } else if object.contains_key("answered") {
        exactly(&["answered"])?;
        let (field, kind) = field_of("answered")?;
        if *kind == FieldKind::Info {
            return Err(error(
                Kind::DoesNotFit,
                path,
                format!("`{field}` is an info block and takes no answer"),
            ));
        }
        Ok(Condition::Answered(field))
    } else if object.contains_key("equals") {
        exactly(&["field", "equals"])?;
        let (field, kind) = field_of("field")?;
        if matches!(kind, FieldKind::MultipleChoice(_)) {
            return Err(error(
                Kind::DoesNotFit,
                path,
                format!("`{field}` takes several choices: use `includes`"),
            ));
        }
        let value = object["equals"]
            .as_str()
            .ok_or_else(|| error(Kind::Malformed, path, "`equals` takes a value id"))?;
        check_value(&field, kind, value)?;
        Ok(Condition::Equals {
            field,
            value: value.to_owned(),
        })
    } else if object.contains_key("in") {
        exactly(&["field", "in"])?;
        let (field, kind) = field_of("field")?;
        if matches!(kind, FieldKind::MultipleChoice(_)) {
            return Err(error(
                Kind::DoesNotFit,
                path,
                format!("`{field}` takes several choices: use `includes`"),
            ));
        }
        let Some(Value::Array(items)) = object.get("in") else {
            return Err(error(
                Kind::Malformed,
                path,
                "`in` takes a list of value ids",
            ));
        };
        let values = items
            .iter()
            .map(|item| {
                item.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| error(Kind::Malformed, path, "`in` takes value ids"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        if values.is_empty() {
            return Err(error(Kind::Missing, path, "`in` needs at least one value"));
        }
        for value in &values {
            check_value(&field, kind, value)?;
        }
        Ok(Condition::In { field, values })
    } else if object.contains_key("includes") {
        exactly(&["field", "includes"])?;
        let (field, kind) = field_of("field")?;
        if !matches!(kind, FieldKind::MultipleChoice(_)) {
            return Err(error(
                Kind::DoesNotFit,
                path,
                format!("`includes` needs a multiple-choice field, and `{field}` is not one"),
            ));
        }
        let value = object["includes"]
            .as_str()
            .ok_or_else(|| error(Kind::Malformed, path, "`includes` takes a value id"))?;
        check_value(&field, kind, value)?;
        Ok(Condition::Includes {
            field,
            value: value.to_owned(),
        })
    } else if object.contains_key("days_from") {
        exactly(&["days_from", "to", "less_than"])?;
        let (from, from_kind) = field_of("days_from")?;
        let (to, to_kind) = field_of("to")?;
        if *from_kind != FieldKind::Date || *to_kind != FieldKind::Date {
            return Err(error(
                Kind::DoesNotFit,
                path,
                "`days_from` and `to` need date fields",
            ));
        }
        Ok(Condition::DaysBetweenLessThan {
            from,
            to,
            less_than: number("less_than")?,
        })
    } else if object.contains_key("less_than") || object.contains_key("greater_than") {
        let member = if object.contains_key("less_than") {
            "less_than"
        } else {
            "greater_than"
        };
        exactly(&["field", member])?;
        let (field, kind) = field_of("field")?;
        if *kind != FieldKind::Number {
            return Err(error(
                Kind::DoesNotFit,
                path,
                format!("`{member}` needs a number field, and `{field}` is not one"),
            ));
        }
        let value = number(member)?;
        Ok(if member == "less_than" {
            Condition::LessThan { field, value }
        } else {
            Condition::GreaterThan { field, value }
        })
    } else {
        Err(error(
            Kind::UnknownValue,
            path,
            "unknown condition; use field with equals, in, includes, less_than or greater_than; days_from with to and less_than; answered; all; any; not",
        ))
    }
}
