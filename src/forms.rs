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
