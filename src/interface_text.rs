//! The interface's own words (buttons, messages, headings), one file per language in
//! `www/lang/`. Form texts are not here: they travel in the form definitions.
//!
//! English is built into every module. The other languages are files the app fetches
//! when a worker chooses one (`use_cases::when_language_loaded`), each checked against the SHA-384
//! that the page names, so that a module carries one language rather than all of them.
//! Adding a language is adding its file and a line in [`LANGUAGES`]; a test then insists
//! that the file gives every phrase, in order. The French, Spanish and Arabic files have
//! not yet been checked by native speakers (`docs/forms.md` says why that matters before
//! a deployment).

use std::cell::RefCell;

/// Declares [`Words`], one phrase's text per name, with the names a language file gives
/// them in and how a file's lines fill them.
macro_rules! words {
    ($($(#[$doc:meta])* $name:ident,)*) => {
        /// Each phrase's place in a language file, and in [`Words`].
        #[allow(non_camel_case_types)]
        enum Phrase {
            $($name,)*
        }

        /// [`Words::NAMES`], declared apart so that the type of `Words` can use its length.
        const PHRASES: &[&str] = &[$(stringify!($name)),*];

        /// The built-in English, a literal per phrase, in the order of [`Words::NAMES`]
        /// (written by `build.rs` from `www/lang/en.txt`). Read only at places known when
        /// compiling, so that a module keeps the phrases it shows and no others.
        const ENGLISH: [&str; PHRASES.len()] = include!(concat!(env!("OUT_DIR"), "/en.rs"));

        /// Every phrase of the interface in one language: the built-in English, or a
        /// file's texts in the order of [`Words::NAMES`]. A file's texts are one array,
        /// read by one method per phrase: filling it from a file is then a move of the
        /// array, where a field per phrase took a few KiB of code (bench/weight.mjs).
        #[derive(Debug)]
        pub struct Words(Option<[&'static str; PHRASES.len()]>);

        impl Words {
            /// The phrases' names, in the order a language file gives them.
            pub const NAMES: &'static [&'static str] = PHRASES;

            /// The words from every phrase's text, in the order of [`Words::NAMES`]; `None`
            /// unless there is exactly one text for each.
            fn from_texts(texts: Vec<&'static str>) -> Option<Words> {
                texts.try_into().ok().map(|texts| Words(Some(texts)))
            }

            /// Every phrase's text, in the order of [`Words::NAMES`].
            #[cfg(test)]
            fn texts(&self) -> [&'static str; PHRASES.len()] {
                self.0.unwrap_or(ENGLISH)
            }

            $(
                $(#[$doc])*
                pub fn $name(&self) -> &'static str {
                    match &self.0 {
                        Some(texts) => texts[Phrase::$name as usize],
                        None => ENGLISH[Phrase::$name as usize],
                    }
                }
            )*
        }
    };
}

words! {
    quick_exit,
    quick_exit_hint,
    language,
    /// Shown under the language picker when the chosen language could not be loaded.
    language_unavailable,
    home_heading,
    identify,
    identify_about,
    refer,
    refer_about,
    refer_intro,
    inbox,
    inbox_about,
    inbox_loading,
    inbox_failed,
    drafts_loading,
    drafts_failed,
    inbox_unlock_intro,
    key_file,
    key_passphrase,
    inbox_credential,
    lock_after,
    unlock,
    unlocking,
    unlock_no_file,
    unlock_not_key_file,
    unlock_wrong_passphrase,
    unlock_credential_refused,
    unlock_unreachable,
    inbox_locked_idle,
    lock_inbox,
    inbox_empty,
    received_on,
    sealed_on,
    sent_by,
    sort_by,
    sort_received,
    sort_urgency,
    sort_sealed,
    packet_opening,
    packet_damaged,
    packet_not_for_key,
    packet_tampered,
    packet_not_referral,
    packet_bad_form,
    packet_unfetched,
    read_referral,
    form_not_builtin,
    in_senders_language,
    not_sent_to_you,
    print_referral,
    print_warning,
    print_now,
    back_to_inbox,
    sender_key,
    acknowledged,
    packet_label,
    form_version,
    show_more,
    inbox_opened,
    embed_snippet,
    embed_whose,
    embed_loading,
    embed_unreachable,
    embed_refused,
    embed_not_pinned,
    embed_not_listed,
    embed_no_recipient,
    embed_full_tab,
    embed_sent,
    embed_not_delivered,
    embed_retry,
    embed_goes_to,
    former_keys,
    former_keys_help,
    retire_key,
    retire_refused,
    keyring_retire_intro,
    keyring_retired,
    backup_check_failed,
    backup_check_failed_what,
    agency_vouched,
    keyring_endorsement_help,
    keyring_save_endorsement,
    keyring_signing_fingerprint,
    keyring_save_signing,
    signed_by,
    signed_by_unknown_key,
    not_signed,
    packet_forged,
    signing_as,
    signing_other_agency,
    not_signing,
    changed_signing_key,
    new_signing_key,
    rotate_keyring,
    keyring_rotate_intro,
    keyring_rotated,
    keyring_full,
    create_keyring,
    keyring_intro,
    keyring_name,
    keyring_passphrase,
    keyring_passphrase_again,
    keyring_make,
    keyring_making,
    keyring_mismatch,
    keyring_weak,
    keyring_no_name,
    keyring_failed,
    keyring_save_intro,
    keyring_download,
    keyring_give_back,
    keyring_check_passphrase,
    keyring_check,
    keyring_not_that_file,
    keyring_check_failed,
    keyring_verified,
    keyring_save_public,
    backup_check_due,
    filter_kind,
    filter_urgency,
    filter_sender,
    filter_all,
    answers_kind,
    inbox_filtered,
    key_drop,
    answer_heading,
    ack_received,
    ack_accepted,
    ack_declined,
    ack_referred_onward,
    decline_reason,
    reason_no_capacity,
    reason_not_eligible,
    reason_outside_area,
    reason_person_declined,
    reason_duplicate,
    reason_other,
    ack_note,
    send_answer,
    answer_sent,
    answer_not_sent,
    answer_refused,
    answer_reason_needed,
    answer_to,
    answers_sent_referral,
    keep_packet,
    kept_explained,
    keep_failed,
    groups,
    groups_about,
    groups_intro,
    yes,
    no,
    unknown,
    not_asked,
    given,
    declined,
    required,
    error_required,
    error_too_long,
    error_too_small,
    error_too_large,
    error_not_integer,
    error_in_future,
    answers_to_look_at,
    check_answers,
    unreviewed_notice,
    outcome_heading,
    outcome_no_profile,
    outcome_consistent,
    outcome_open,
    outcome_not_consistent,
    dimensions_present,
    dimensions_open,
    prompt_referral,
    prompt_referral_more,
    loading_form,
    form_failed,
    start_referral,
    prefilled_notice,
    new_person,
    new_person_confirm,
    new_person_start,
    new_person_cancel,
    mark_not_asked,
    marked_not_asked,
    undo,
    section_back,
    section_next,
    section_progress,
    all_sections,
    section_answered,
    check_passed,
    refer_not_sent,
    group_framework,
    group_framework_about,
    group_agreement,
    group_agreement_about,
    keep_in_browser,
    keep_in_browser_help,
    show_draft,
    print,
    back_to_form,
    to_be_agreed,
    need_none,
    need_urgent,
    need_non_urgent,
    find_country,
    find_language,
    common_choices,
    all_choices,
    choose,
    review_and_send,
    review_intro,
    send_as_full,
    send_as_anonymous,
    gate_age_missing,
    gate_type_missing,
    gate_consent_missing,
    gate_consent_declined,
    gate_child_not_informed,
    gate_child_anonymous,
    back_to_referral,
    sending_for,
    sending_for_help,
    recipients,
    recipients_help,
    directory_loading,
    directory_failed,
    agency_new,
    agency_changed,
    confirm_new_key,
    what_is_sent,
    seal_and_send,
    sealing,
    seal_failed,
    outbox_not_kept,
    outbox,
    outbox_about,
    outbox_intro,
    outbox_empty,
    delivery_waiting,
    delivery_delivered,
    delivery_refused,
    save_as_file,
    sealed_at,
    /// The packet's short reference (`XXXX-XXXX`), for the phone.
    reference,
    to,
    tries,
    draft_heading,
    draft_keep_intro,
    passphrase,
    passphrase_repeat,
    keep_draft,
    passphrases_differ,
    passphrase_too_short,
    draft_kept,
    lock_now,
    draft_stored_intro,
    resume,
    draft_wrong_passphrase,
    discard_draft,
    deriving_key,
    draft_label,
    draft_label_help,
    draft_label_missing,
    draft_label_too_long,
    draft_saved_on,
    drafts_unopened,
    draft_unreadable,
    drafts_none,
    draft_resume_later,
    draft_keep_unlocked,
    open_drafts,
    drafts_delete,
    drafts_delete_confirm,
    draft_earlier,
    profile_intro,
    profile_keep,
    profile_kept,
    profile_forget,
    draft_locked_heading,
    draft_locked,
    draft_not_saved,
    withheld,
    kind_police,
    kind_ngo,
    kind_shelter,
    kind_child_protection,
    kind_labour_inspectorate,
    kind_health,
    kind_other,
    fingerprint_explained,
    directory_refused,
    changed_key,
    changed_name,
    changed_kind,
    not_agreed,
    gate_no_recipient,
    gate_recipient_not_agreed,
    packets_heading,
    packets_intro,
    reason_only_to,
    reason_not_agreed,
    save_failed,
    outbox_unreadable,
    unknown_agency,
    passphrase_weak,
    /// Shown by the draft panel where no Web Worker could start: the key is derived on
    /// the page's thread, and a new passphrase is held to the plain rule.
    workers_unavailable,
    update_ready,
    /// `{n}` stands for the number of packets.
    outbox_waiting,
    outcome_sub_type,
    dimensions_with_yes,
    weight_strong,
    weight_medium,
    weight_weak,
    meets_rule,
    below_rule,
    outcome_ask_about,
    /// Why a referral is prompted, beside or instead of the pattern (`PromptReason`).
    reason_pattern,
    reason_strong,
    reason_child_item,
    reason_child_indicator,
    gate_child_protection_missing,
    gate_consent_withdrawn,
    /// Followed by the date the person withdrew their consent.
    consent_withdrawn_on,
}

/// A language of the interface.
#[derive(Debug)]
pub struct Language {
    /// BCP 47 tag; the forms' translation files carry the same (`forms/ID.TAG.json`), and
    /// the interface's is `www/lang/TAG.txt`.
    pub tag: &'static str,
    /// Its name, in itself.
    pub name: &'static str,
    pub right_to_left: bool,
}

/// Every language the interface speaks, in the order the picker lists them.
pub const LANGUAGES: [Language; 4] = [
    Language {
        tag: "en",
        name: "English",
        right_to_left: false,
    },
    Language {
        tag: "fr",
        name: "Français",
        right_to_left: false,
    },
    Language {
        tag: "es",
        name: "Español",
        right_to_left: false,
    },
    Language {
        tag: "ar",
        name: "العربية",
        right_to_left: true,
    },
];

/// The language built into every module.
pub const BUILT_IN: &str = "en";

/// A language file that does not give every phrase of [`Words`], each on a line of its
/// own as `name = text`, and nothing more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unreadable;

/// Reads a language file (`www/lang/TAG.txt`): lines starting with `#` and empty lines
/// are notes; every other line is `name = text`, in the order of [`Words::NAMES`]. The
/// names are checked by this crate's tests against the files it ships, not here: a file
/// reaches the page only when its SHA-384 is the one the page names.
pub fn read(file: &'static str) -> Result<Words, Unreadable> {
    let texts = file
        .lines()
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| line.split_once(" = ").map(|(_, text)| text))
        .collect::<Option<Vec<&'static str>>>()
        .ok_or(Unreadable)?;
    Words::from_texts(texts).ok_or(Unreadable)
}

thread_local! {
    /// The languages read so far besides English: each is read once and kept for the
    /// page's life (a few KiB each, at most three).
    static LOADED: RefCell<Vec<(&'static str, &'static Words)>> = const { RefCell::new(Vec::new()) };
}

/// The built-in English.
static BUILT_IN_WORDS: Words = Words(None);

/// Keeps a language's words once its file has been read: what [`for_language`] gives for
/// `tag` from then on. A tag the interface does not speak is refused.
pub fn install(tag: &str, file: String) -> Result<(), Unreadable> {
    let language = LANGUAGES
        .iter()
        .find(|language| language.tag == tag && language.tag != BUILT_IN)
        .ok_or(Unreadable)?;
    if is_loaded(tag) {
        return Ok(());
    }
    let words: &'static Words = Box::leak(Box::new(read(file.leak())?));
    LOADED.with_borrow_mut(|loaded| loaded.push((language.tag, words)));
    Ok(())
}

/// Whether [`for_language`] has `tag`'s own words (English always).
pub fn is_loaded(tag: &str) -> bool {
    tag == BUILT_IN || LOADED.with_borrow(|loaded| loaded.iter().any(|(given, _)| *given == tag))
}

/// The words for a language tag; English for a language the interface does not have or
/// has not loaded yet.
pub fn for_language(tag: &str) -> &'static Words {
    LOADED
        .with_borrow(|loaded| {
            loaded
                .iter()
                .find(|(given, _)| *given == tag)
                .map(|(_, words)| *words)
        })
        .unwrap_or(&BUILT_IN_WORDS)
}

/// The name of an agency kind in the interface's words, never its code.
pub fn kind_name(kind: confidant_core::agency::AgencyKind, words: &Words) -> &'static str {
    use confidant_core::agency::AgencyKind;
    match kind {
        AgencyKind::Police => words.kind_police(),
        AgencyKind::Ngo => words.kind_ngo(),
        AgencyKind::Shelter => words.kind_shelter(),
        AgencyKind::ChildProtection => words.kind_child_protection(),
        AgencyKind::LabourInspectorate => words.kind_labour_inspectorate(),
        AgencyKind::Health => words.kind_health(),
        AgencyKind::Other => words.kind_other(),
    }
}

/// Why an answer is kept from an agency by the form's `only_to`: "only for: police, …".
pub fn only_for(kinds: &[confidant_core::agency::AgencyKind], words: &Words) -> String {
    let kinds: Vec<&str> = kinds.iter().map(|kind| kind_name(*kind, words)).collect();
    format!("{} {}", words.reason_only_to(), kinds.join(", "))
}

/// Whether a language tag is written right to left.
pub fn is_right_to_left(tag: &str) -> bool {
    LANGUAGES
        .iter()
        .any(|language| language.tag == tag && language.right_to_left)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every language file the app ships, as the build copies it to `lang/`.
    const FILES: [(&str, &str); 4] = [
        ("en", include_str!("../www/lang/en.txt")),
        ("fr", include_str!("../www/lang/fr.txt")),
        ("es", include_str!("../www/lang/es.txt")),
        ("ar", include_str!("../www/lang/ar.txt")),
    ];

    #[test]
    fn every_language_file_gives_every_phrase_by_name_in_order() {
        assert_eq!(
            FILES.map(|(tag, _)| tag),
            LANGUAGES.map(|language| language.tag)
        );
        for (tag, file) in FILES {
            let names: Vec<&str> = file
                .lines()
                .filter(|line| !line.is_empty() && !line.starts_with('#'))
                .map(|line| line.split_once(" = ").map_or(line, |(name, _)| name))
                .collect();
            assert_eq!(names, Words::NAMES, "www/lang/{tag}.txt");
            let words = read(file).unwrap_or_else(|_| panic!("www/lang/{tag}.txt is unreadable"));
            for (name, text) in file.lines().filter_map(|line| line.split_once(" = ")) {
                assert!(!text.trim().is_empty(), "{tag}: {name} is empty");
            }
            assert!(!words.quick_exit().is_empty());
        }
    }

    #[test]
    fn the_built_in_english_is_en_txt_phrase_for_phrase() {
        let file = read(FILES[0].1).unwrap_or_else(|_| panic!("www/lang/en.txt is unreadable"));
        assert_eq!(for_language("en").texts(), file.texts());
    }

    #[test]
    fn a_file_missing_a_phrase_or_with_one_too_many_is_refused() {
        let english = FILES[0].1;
        let last_line = english.trim_end().rfind('\n').unwrap_or_default();
        assert_eq!(read(&english[..last_line]).map(|_| ()), Err(Unreadable));
        let longer: &'static str = format!("{english}extra = one too many\n").leak();
        assert_eq!(read(longer).map(|_| ()), Err(Unreadable));
        let broken: &'static str = english.replacen("quick_exit = ", "quick_exit: ", 1).leak();
        assert_eq!(read(broken).map(|_| ()), Err(Unreadable));
        assert_eq!(read("").map(|_| ()), Err(Unreadable));
    }

    #[test]
    fn a_language_is_english_until_its_file_is_installed() {
        assert!(is_loaded("en"));
        assert!(!is_loaded("fr"));
        assert_eq!(for_language("fr").quick_exit(), "Quick exit");
        assert_eq!(
            install("fr", "quick_exit = Sortie rapide\n".to_owned()),
            Err(Unreadable)
        );
        assert!(!is_loaded("fr"));
        assert_eq!(install("fr", FILES[1].1.to_owned()), Ok(()));
        assert!(is_loaded("fr"));
        assert_eq!(for_language("fr").quick_exit(), "Sortie rapide");
        assert_eq!(for_language("en").quick_exit(), "Quick exit");
        // Only the languages of the picker, and never in place of the built-in one.
        assert_eq!(install("de", FILES[1].1.to_owned()), Err(Unreadable));
        assert_eq!(install("en", FILES[1].1.to_owned()), Err(Unreadable));
        assert_eq!(for_language("de").quick_exit(), "Quick exit");
    }
}
