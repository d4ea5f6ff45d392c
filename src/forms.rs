//! The built-in forms the app shows, where their definitions are, and which of them may
//! be kept in the browser.

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

    /// Where the definition is served.
    pub fn source(self) -> &'static str {
        match self {
            Self::Identification => "/forms/identification.json",
            Self::Referral => "/forms/referral.json",
            Self::GroupFramework => "/forms/group-framework.json",
            Self::GroupAgreement => "/forms/group-agreement.json",
        }
    }

    /// The group's own checklists: they hold no personal data (the definitions say so
    /// field by field, and the app checks it before keeping anything).
    pub fn is_group_checklist(self) -> bool {
        matches!(self, Self::GroupFramework | Self::GroupAgreement)
    }
}
