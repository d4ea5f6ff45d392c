//! The interface's own words (buttons, messages, headings), one file per language in
//! `interface_text/`. Form texts are not here: they travel in the form definitions.
//!
//! Adding a language is adding a file with its [`Words`] and a line in [`LANGUAGES`];
//! the compiler then insists that every phrase is translated. The
//! French, Spanish and Arabic files have not yet been checked by native speakers
//! (`docs/forms.md` says why that matters before a deployment).

mod ar;
mod en;
mod es;
mod fr;

/// Every phrase of the interface in one language.
#[derive(Debug)]
pub struct Words {
    pub quick_exit: &'static str,
    pub quick_exit_hint: &'static str,
    pub language: &'static str,
    pub home_heading: &'static str,
    pub identify: &'static str,
    pub identify_about: &'static str,
    pub refer: &'static str,
    pub refer_about: &'static str,
    pub refer_intro: &'static str,
    pub inbox: &'static str,
    pub inbox_about: &'static str,
    pub inbox_unlock_intro: &'static str,
    pub key_file: &'static str,
    pub key_passphrase: &'static str,
    pub inbox_credential: &'static str,
    pub lock_after: &'static str,
    pub unlock: &'static str,
    pub unlocking: &'static str,
    pub unlock_no_file: &'static str,
    pub unlock_not_key_file: &'static str,
    pub unlock_wrong_passphrase: &'static str,
    pub unlock_credential_refused: &'static str,
    pub unlock_unreachable: &'static str,
    pub inbox_locked_idle: &'static str,
    pub lock_inbox: &'static str,
    pub inbox_empty: &'static str,
    pub received_on: &'static str,
    pub sealed_on: &'static str,
    pub sent_by: &'static str,
    pub sort_by: &'static str,
    pub sort_received: &'static str,
    pub sort_urgency: &'static str,
    pub sort_sealed: &'static str,
    pub packet_opening: &'static str,
    pub packet_damaged: &'static str,
    pub packet_not_for_key: &'static str,
    pub packet_tampered: &'static str,
    pub packet_not_referral: &'static str,
    pub packet_bad_form: &'static str,
    pub packet_unfetched: &'static str,
    pub read_referral: &'static str,
    pub form_not_builtin: &'static str,
    pub in_senders_language: &'static str,
    pub not_sent_to_you: &'static str,
    pub print_referral: &'static str,
    pub print_warning: &'static str,
    pub print_now: &'static str,
    pub back_to_inbox: &'static str,
    pub sender_key: &'static str,
    pub acknowledged: &'static str,
    pub packet_label: &'static str,
    pub show_more: &'static str,
    pub inbox_opened: &'static str,
    pub answer_heading: &'static str,
    pub ack_received: &'static str,
    pub ack_accepted: &'static str,
    pub ack_declined: &'static str,
    pub ack_referred_onward: &'static str,
    pub decline_reason: &'static str,
    pub reason_no_capacity: &'static str,
    pub reason_not_eligible: &'static str,
    pub reason_outside_area: &'static str,
    pub reason_person_declined: &'static str,
    pub reason_duplicate: &'static str,
    pub reason_other: &'static str,
    pub ack_note: &'static str,
    pub send_answer: &'static str,
    pub answer_sent: &'static str,
    pub answer_not_sent: &'static str,
    pub answer_refused: &'static str,
    pub answer_reason_needed: &'static str,
    pub answer_to: &'static str,
    pub keep_packet: &'static str,
    pub kept_explained: &'static str,
    pub keep_failed: &'static str,
    pub groups: &'static str,
    pub groups_about: &'static str,
    pub groups_intro: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub unknown: &'static str,
    pub not_asked: &'static str,
    pub given: &'static str,
    pub declined: &'static str,
    pub required: &'static str,
    pub error_required: &'static str,
    pub error_too_long: &'static str,
    pub error_too_small: &'static str,
    pub error_too_large: &'static str,
    pub error_not_integer: &'static str,
    pub error_in_future: &'static str,
    pub answers_to_look_at: &'static str,
    pub check_answers: &'static str,
    pub unreviewed_notice: &'static str,
    pub outcome_heading: &'static str,
    pub outcome_no_profile: &'static str,
    pub outcome_consistent: &'static str,
    pub outcome_open: &'static str,
    pub outcome_not_consistent: &'static str,
    pub dimensions_present: &'static str,
    pub dimensions_open: &'static str,
    pub prompt_referral: &'static str,
    pub prompt_referral_more: &'static str,
    pub loading_form: &'static str,
    pub form_failed: &'static str,
    pub start_referral: &'static str,
    pub prefilled_notice: &'static str,
    pub new_person: &'static str,
    pub new_person_confirm: &'static str,
    pub new_person_start: &'static str,
    pub new_person_cancel: &'static str,
    pub mark_not_asked: &'static str,
    pub marked_not_asked: &'static str,
    pub undo: &'static str,
    pub section_back: &'static str,
    pub section_next: &'static str,
    pub section_progress: &'static str,
    pub all_sections: &'static str,
    pub section_answered: &'static str,
    pub check_passed: &'static str,
    pub refer_not_sent: &'static str,
    pub group_framework: &'static str,
    pub group_framework_about: &'static str,
    pub group_agreement: &'static str,
    pub group_agreement_about: &'static str,
    pub keep_in_browser: &'static str,
    pub keep_in_browser_help: &'static str,
    pub show_draft: &'static str,
    pub print: &'static str,
    pub back_to_form: &'static str,
    pub to_be_agreed: &'static str,
    pub need_none: &'static str,
    pub need_urgent: &'static str,
    pub need_non_urgent: &'static str,
    pub choose: &'static str,
    pub review_and_send: &'static str,
    pub review_intro: &'static str,
    pub send_as_full: &'static str,
    pub send_as_anonymous: &'static str,
    pub gate_age_missing: &'static str,
    pub gate_type_missing: &'static str,
    pub gate_consent_missing: &'static str,
    pub gate_consent_declined: &'static str,
    pub gate_child_not_informed: &'static str,
    pub gate_child_anonymous: &'static str,
    pub back_to_referral: &'static str,
    pub sending_for: &'static str,
    pub sending_for_help: &'static str,
    pub recipients: &'static str,
    pub recipients_help: &'static str,
    pub directory_loading: &'static str,
    pub directory_failed: &'static str,
    pub agency_new: &'static str,
    pub agency_changed: &'static str,
    pub confirm_new_key: &'static str,
    pub what_is_sent: &'static str,
    pub seal_and_send: &'static str,
    pub sealing: &'static str,
    pub seal_failed: &'static str,
    pub outbox_not_kept: &'static str,
    pub outbox: &'static str,
    pub outbox_about: &'static str,
    pub outbox_intro: &'static str,
    pub outbox_empty: &'static str,
    pub delivery_waiting: &'static str,
    pub delivery_delivered: &'static str,
    pub delivery_refused: &'static str,
    pub save_as_file: &'static str,
    pub sealed_at: &'static str,
    /// The packet's short reference (`XXXX-XXXX`), for the phone.
    pub reference: &'static str,
    pub to: &'static str,
    pub tries: &'static str,
    pub draft_heading: &'static str,
    pub draft_keep_intro: &'static str,
    pub passphrase: &'static str,
    pub passphrase_repeat: &'static str,
    pub keep_draft: &'static str,
    pub passphrases_differ: &'static str,
    pub passphrase_too_short: &'static str,
    pub draft_kept: &'static str,
    pub lock_now: &'static str,
    pub draft_stored_intro: &'static str,
    pub resume: &'static str,
    pub draft_wrong_passphrase: &'static str,
    pub discard_draft: &'static str,
    pub deriving_key: &'static str,
    pub draft_label: &'static str,
    pub draft_label_help: &'static str,
    pub draft_label_missing: &'static str,
    pub draft_label_too_long: &'static str,
    pub draft_saved_on: &'static str,
    pub drafts_unopened: &'static str,
    pub draft_unreadable: &'static str,
    pub drafts_none: &'static str,
    pub draft_resume_later: &'static str,
    pub draft_keep_unlocked: &'static str,
    pub open_drafts: &'static str,
    pub drafts_delete: &'static str,
    pub drafts_delete_confirm: &'static str,
    pub draft_earlier: &'static str,
    pub draft_not_saved: &'static str,
    pub withheld: &'static str,
    pub kind_police: &'static str,
    pub kind_ngo: &'static str,
    pub kind_shelter: &'static str,
    pub kind_child_protection: &'static str,
    pub kind_labour_inspectorate: &'static str,
    pub kind_health: &'static str,
    pub kind_other: &'static str,
    pub fingerprint_explained: &'static str,
    pub directory_refused: &'static str,
    pub changed_key: &'static str,
    pub changed_name: &'static str,
    pub changed_kind: &'static str,
    pub not_agreed: &'static str,
    pub gate_no_recipient: &'static str,
    pub gate_recipient_not_agreed: &'static str,
    pub packets_heading: &'static str,
    pub packets_intro: &'static str,
    pub reason_only_to: &'static str,
    pub reason_not_agreed: &'static str,
    pub save_failed: &'static str,
    pub outbox_unreadable: &'static str,
    pub unknown_agency: &'static str,
    pub passphrase_weak: &'static str,
    /// Shown by the draft panel where no Web Worker could start: the key is derived on
    /// the page's thread, and a new passphrase is held to the plain rule.
    pub workers_unavailable: &'static str,
    pub update_ready: &'static str,
    /// `{n}` stands for the number of packets.
    pub outbox_waiting: &'static str,
    pub outcome_sub_type: &'static str,
    pub dimensions_with_yes: &'static str,
    pub weight_strong: &'static str,
    pub weight_medium: &'static str,
    pub weight_weak: &'static str,
    pub meets_rule: &'static str,
    pub below_rule: &'static str,
    pub outcome_ask_about: &'static str,
    /// Why a referral is prompted, beside or instead of the pattern (`PromptReason`).
    pub reason_pattern: &'static str,
    pub reason_strong: &'static str,
    pub reason_child_item: &'static str,
    pub reason_child_indicator: &'static str,
    pub gate_child_protection_missing: &'static str,
    pub gate_consent_withdrawn: &'static str,
    /// Followed by the date the person withdrew their consent.
    pub consent_withdrawn_on: &'static str,
}

/// A language of the interface.
#[derive(Debug)]
pub struct Language {
    /// BCP 47 tag; the forms' translation files carry the same (`forms/ID.TAG.json`).
    pub tag: &'static str,
    /// Its name, in itself.
    pub name: &'static str,
    pub right_to_left: bool,
    pub words: &'static Words,
}

/// Every language the interface speaks, in the order the picker lists them. Adding one
/// is adding its file of [`Words`] and its line here (and, for the forms, a translation
/// file per form under `forms/`).
pub const LANGUAGES: [Language; 4] = [
    Language {
        tag: "en",
        name: "English",
        right_to_left: false,
        words: &en::WORDS,
    },
    Language {
        tag: "fr",
        name: "Français",
        right_to_left: false,
        words: &fr::WORDS,
    },
    Language {
        tag: "es",
        name: "Español",
        right_to_left: false,
        words: &es::WORDS,
    },
    Language {
        tag: "ar",
        name: "العربية",
        right_to_left: true,
        words: &ar::WORDS,
    },
];

/// The words for a language tag; English for a language the interface does not have.
pub fn for_language(tag: &str) -> &'static Words {
    LANGUAGES
        .iter()
        .find(|language| language.tag == tag)
        .map_or(&en::WORDS, |language| language.words)
}

/// The name of an agency kind in the interface's words, never its code.
pub fn kind_name(kind: confidant_core::agency::AgencyKind, words: &Words) -> &'static str {
    use confidant_core::agency::AgencyKind;
    match kind {
        AgencyKind::Police => words.kind_police,
        AgencyKind::Ngo => words.kind_ngo,
        AgencyKind::Shelter => words.kind_shelter,
        AgencyKind::ChildProtection => words.kind_child_protection,
        AgencyKind::LabourInspectorate => words.kind_labour_inspectorate,
        AgencyKind::Health => words.kind_health,
        AgencyKind::Other => words.kind_other,
    }
}

/// Why an answer is kept from an agency by the form's `only_to`: "only for: police, …".
pub fn only_for(kinds: &[confidant_core::agency::AgencyKind], words: &Words) -> String {
    let kinds: Vec<&str> = kinds.iter().map(|kind| kind_name(*kind, words)).collect();
    format!("{} {}", words.reason_only_to, kinds.join(", "))
}

/// Whether a language tag is written right to left.
pub fn is_right_to_left(tag: &str) -> bool {
    LANGUAGES
        .iter()
        .any(|language| language.tag == tag && language.right_to_left)
}
