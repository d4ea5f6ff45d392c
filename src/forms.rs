//! The built-in forms the app shows, where their definitions are, and which of them may
//! be kept in the browser.

/// The language the built-in definitions are written in; every other language comes
/// from a translation file beside the definition (`docs/forms.md`).
pub const BASE_LANGUAGE: &str = "en";

/// Where the app fetches a file of `forms/`: its own origin.
pub fn address(file: &str) -> String {
    format!("/forms/{file}")
}

/// A built-in form. Its definition is a file of the app's own origin, fetched when a
/// screen needs it, so that fixing a form never means a new app.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FormKey {
    Identification,
    Referral,
    GroupFramework,
    GroupAgreement,
}

impl FormKey {
    /// Every built-in form.
    pub const ALL: [FormKey; 4] = [
        FormKey::Identification,
        FormKey::Referral,
        FormKey::GroupFramework,
        FormKey::GroupAgreement,
    ];

    /// The form's id, as its definition states it.
    pub fn id(self) -> &'static str {
        match self {
            Self::Identification => "identification",
            Self::Referral => "referral",
            Self::GroupFramework => "group-framework",
            Self::GroupAgreement => "group-agreement",
        }
    }

    /// The name of the definition's file under `forms/`.
    pub fn file(self) -> String {
        format!("{}.json", self.id())
    }

    /// The name of the file with the form's texts in `language`, when the definition is
    /// not written in it.
    pub fn translation_file(self, language: &str) -> Option<String> {
        (language != BASE_LANGUAGE).then(|| format!("{}.{language}.json", self.id()))
    }

    /// The group's own checklists: they hold no personal data (the definitions say so
    /// field by field, and the app checks it before keeping anything).
    pub fn is_group_checklist(self) -> bool {
        matches!(self, Self::GroupFramework | Self::GroupAgreement)
    }
}

/// One value per built-in form at most: what the shell holds form by form (answers,
/// loaded definitions, drafts' texts). Four slots rather than a map: each map type adds
/// its own copy of the map's code to the app's module, about 1.5 KiB brotli per value
/// type (`bench/weight.mjs`). Iteration follows [`FormKey::ALL`].
#[derive(Clone, Debug, PartialEq)]
pub struct PerForm<T>([Option<T>; 4]);

impl<T> Default for PerForm<T> {
    fn default() -> Self {
        Self([None, None, None, None])
    }
}

impl<T> PerForm<T> {
    pub fn get(&self, form: &FormKey) -> Option<&T> {
        self.0[*form as usize].as_ref()
    }

    pub fn get_mut(&mut self, form: &FormKey) -> Option<&mut T> {
        self.0[*form as usize].as_mut()
    }

    /// Sets the form's value, and gives back the one it replaced.
    pub fn insert(&mut self, form: FormKey, value: T) -> Option<T> {
        self.0[form as usize].replace(value)
    }

    pub fn remove(&mut self, form: &FormKey) -> Option<T> {
        self.0[*form as usize].take()
    }

    pub fn contains_key(&self, form: &FormKey) -> bool {
        self.0[*form as usize].is_some()
    }

    /// The form's value, made with `Default` if it has none yet.
    pub fn or_default(&mut self, form: FormKey) -> &mut T
    where
        T: Default,
    {
        self.0[form as usize].get_or_insert_with(T::default)
    }

    pub fn clear(&mut self) {
        *self = Self::default();
    }

    pub fn len(&self) -> usize {
        self.0.iter().flatten().count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The forms that have a value.
    pub fn keys(&self) -> impl Iterator<Item = FormKey> + '_ {
        self.iter().map(|(form, _)| form)
    }

    pub fn iter(&self) -> impl Iterator<Item = (FormKey, &T)> {
        FormKey::ALL
            .into_iter()
            .zip(&self.0)
            .filter_map(|(form, value)| Some((form, value.as_ref()?)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_form_holds_one_value_a_form_and_lists_them_in_form_order() {
        let mut held = PerForm::default();
        assert!(held.is_empty());
        assert_eq!(held.insert(FormKey::GroupAgreement, "agreement"), None);
        assert_eq!(held.insert(FormKey::Referral, "first"), None);
        assert_eq!(held.insert(FormKey::Referral, "second"), Some("first"));
        assert_eq!(held.get(&FormKey::Referral), Some(&"second"));
        assert!(!held.contains_key(&FormKey::Identification));
        assert_eq!(held.len(), 2);
        let listed: Vec<(FormKey, &str)> =
            held.iter().map(|(form, value)| (form, *value)).collect();
        assert_eq!(
            listed,
            [
                (FormKey::Referral, "second"),
                (FormKey::GroupAgreement, "agreement")
            ]
        );
        *held.or_default(FormKey::Identification) = "made";
        assert_eq!(held.keys().next(), Some(FormKey::Identification));
        assert_eq!(held.remove(&FormKey::Referral), Some("second"));
        assert_eq!(held.remove(&FormKey::Referral), None);
        held.clear();
        assert!(held.is_empty());
    }
}
