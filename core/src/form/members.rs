//! Reading a definition's JSON objects member by member: each object is read once into
//! its members' names and JSON texts, and each member is then read as the type it must
//! have, with the path of the member in any error.
//!
//! Derived readers did this before, one generated reader per structure (ten in the
//! definition, five in its scoring), each with a second way in for an object written as
//! an array, which a definition never is, and a clean-up for every member of every
//! structure on every way out. Here every object goes through one reader of objects and
//! every member through one reader per type: measured on 2026-12-03, brotli, the app's
//! module 7,145 bytes smaller, the embedded form's 6,736 and the inbox's 6,559
//! (bench/weight.mjs).
//!
//! The errors are sharper: a member given twice and a member the format does not know
//! are refused, with the object's path; a member of the wrong type or a required one
//! left out is named by its own path. And one spelling more is refused: an object written
//! as an array of its members' values, which the derived readers let in.
//!
//! Maps (a text's languages, an item's weights) and conditions are read whole, as
//! serde_json reads them: a key given twice there keeps its last value, as `JSON.parse`
//! does.

use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use std::fmt;

use super::error::{FormError, FormErrorKind as Kind, error};

/// One JSON object of a definition: the members not read yet, by name, each as its text.
///
/// A reader takes what it needs and never stops early: a member that is missing or of
/// the wrong type reads as its default, and the first fault in the object or below it is
/// kept for [`Members::read`] to return. So no reader returns with half a structure to
/// drop, which would compile a different clean-up for every member of every structure.
pub(super) struct Members<'a> {
    /// The object's path from the definition's root; empty for the root.
    path: String,
    members: Vec<(String, &'a RawValue)>,
    /// The first fault found in this object or below it.
    fault: Option<FormError>,
}

/// The members of a JSON object as written, and nothing but an object.
struct MemberList<'a>(Vec<(String, &'a RawValue)>);

impl<'de> Deserialize<'de> for MemberList<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Each;

        impl<'de> Visitor<'de> for Each {
            type Value = MemberList<'de>;

            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("a json object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut members = Vec::new();
                while let Some(name) = map.next_key::<String>()? {
                    members.push((name, map.next_value()?));
                }
                Ok(MemberList(members))
            }
        }

        deserializer.deserialize_map(Each)
    }
}

/// `path` and `name` joined as a definition's paths are written (`sections[2].fields`).
fn joined(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

impl<'a> Members<'a> {
    /// The definition's root object read from its whole text by `read`. What is not a
    /// JSON object is not a form definition, and serde_json's message says where the
    /// text went wrong.
    pub(super) fn read<T>(text: &'a str, read: fn(&mut Members<'a>) -> T) -> Result<T, FormError> {
        let members = match serde_json::from_str(text) {
            Ok(MemberList(members)) => members,
            Err(e) => {
                let message = format!("not a form definition: {e}");
                return Err(error(Kind::Malformed, "", message));
            }
        };
        Self::checked(String::new(), members).outcome(read)
    }

    /// The definition's `scoring` object, from its text, read by `read`.
    pub(super) fn read_scoring<T>(
        text: &'a str,
        read: fn(&mut Members<'a>) -> T,
    ) -> Result<T, FormError> {
        Self::at("scoring".to_owned(), text).outcome(read)
    }

    /// This object read by `read`, or the first fault in it or below it.
    fn outcome<T>(mut self, read: fn(&mut Members<'a>) -> T) -> Result<T, FormError> {
        let read = self.finish(read);
        self.fault.map_or(Ok(read), Err)
    }

    /// The object at `path` within this one, from its text, read by `read`; its fault
    /// is noted here.
    fn inner<T>(&mut self, path: String, text: &'a str, read: fn(&mut Members<'a>) -> T) -> T {
        let mut object = Self::at(path, text);
        let read = object.finish(read);
        if let Some(fault) = object.fault {
            self.note(fault);
        }
        read
    }

    /// The object at `path`, from its text.
    fn at(path: String, text: &'a str) -> Self {
        match serde_json::from_str(text) {
            Ok(MemberList(members)) => Self::checked(path, members),
            Err(_) => Self {
                fault: Some(error(Kind::Malformed, path.clone(), "must be an object")),
                path,
                members: Vec::new(),
            },
        }
    }

    /// The object of `members`, with a fault if it gives a member twice, which JSON
    /// readers settle differently: the first wins in some, the last in others.
    fn checked(path: String, members: Vec<(String, &'a RawValue)>) -> Self {
        let mut names: Vec<&str> = members.iter().map(|(name, _)| name.as_str()).collect();
        names.sort_unstable();
        let fault = (names.windows(2).find(|pair| pair[0] == pair[1])).map(|twice| {
            error(
                Kind::Malformed,
                path.clone(),
                format!("`{}` is given twice", twice[0]),
            )
        });
        Self {
            path,
            members,
            fault,
        }
    }

    /// Keeps `fault` unless an earlier one is kept.
    fn note(&mut self, fault: FormError) {
        self.fault.get_or_insert(fault);
    }

    /// Notes that member `name` is not what it must be.
    fn wrong(&mut self, name: &str, message: String) {
        let path = joined(&self.path, name);
        self.note(error(Kind::Malformed, path, message));
    }

    /// This object read by `read`; a member left unread is one the format does not know.
    fn finish<T>(&mut self, read: fn(&mut Members<'a>) -> T) -> T {
        let read = read(self);
        if let Some((name, _)) = self.members.first() {
            let message = format!("`{name}` is not a member the format knows here");
            let path = self.path.clone();
            self.note(error(Kind::Malformed, path, message));
        }
        read
    }

    /// The text of member `name`, taken out of those left to read.
    fn take_given(&mut self, name: &str) -> Option<&'a RawValue> {
        let at = self.members.iter().position(|(given, _)| given == name)?;
        Some(self.members.remove(at).1)
    }

    /// The text of member `name`, as [`Members::take_given`], but none for `null`, which
    /// leaves an optional member out as its absence would.
    fn take(&mut self, name: &str) -> Option<&'a RawValue> {
        self.take_given(name).filter(|raw| raw.get() != "null")
    }

    /// Member `name` as a `T` read from `raw`, or a fault saying it must be `expected`.
    fn read_as<T: Deserialize<'a>>(
        &mut self,
        name: &str,
        raw: &'a RawValue,
        expected: &str,
    ) -> Option<T> {
        let read = serde_json::from_str(raw.get()).ok();
        if read.is_none() {
            self.wrong(name, format!("must be {expected}"));
        }
        read
    }

    /// Member `name` as a `T`, if given; `expected` says what it must be ("a string").
    pub(super) fn optional<T: Deserialize<'a>>(&mut self, name: &str, expected: &str) -> Option<T> {
        let raw = self.take(name)?;
        self.read_as(name, raw, expected)
    }

    /// Member `name` as a `T`, or `T`'s default where it is left out. Unlike an optional
    /// member, it cannot be given as `null`.
    pub(super) fn defaulted<T: Deserialize<'a> + Default>(
        &mut self,
        name: &str,
        expected: &str,
    ) -> T {
        match self.take_given(name) {
            Some(raw) => self.read_as(name, raw, expected).unwrap_or_default(),
            None => T::default(),
        }
    }

    /// Member `name` as a `T`, which the format requires.
    pub(super) fn required<T: Deserialize<'a> + Default>(
        &mut self,
        name: &str,
        expected: &str,
    ) -> T {
        let read = self.optional(name, expected);
        if read.is_none() {
            self.wrong(name, format!("is missing: it must be {expected}"));
        }
        read.unwrap_or_default()
    }

    /// Member `name` as an object read by `read`, if given.
    pub(super) fn object<T>(&mut self, name: &str, read: fn(&mut Members<'a>) -> T) -> Option<T> {
        let raw = self.take(name)?;
        Some(self.inner(joined(&self.path, name), raw.get(), read))
    }

    /// Member `name` as a list of objects, each read by `read`, if given; each object's
    /// path ends with its place in the list (`fields[3]`).
    pub(super) fn objects<T>(
        &mut self,
        name: &str,
        read: fn(&mut Members<'a>) -> T,
    ) -> Option<Vec<T>> {
        let items = self.optional::<Vec<&'a RawValue>>(name, "a list of objects")?;
        let path = joined(&self.path, name);
        let objects = (items.into_iter().enumerate())
            .map(|(i, raw)| self.inner(format!("{path}[{i}]"), raw.get(), read))
            .collect();
        Some(objects)
    }

    /// Member `name` as a list of objects, which the format requires.
    pub(super) fn required_objects<T>(
        &mut self,
        name: &str,
        read: fn(&mut Members<'a>) -> T,
    ) -> Vec<T> {
        let read = self.objects(name, read);
        if read.is_none() {
            self.wrong(name, "is missing: it must be a list of objects".to_owned());
        }
        read.unwrap_or_default()
    }
}
