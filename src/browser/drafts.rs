//! The worker's sealed drafts in the browser's storage (`confidant_core::draft`), one per
//! person, each under a random name: only the sealed text is ever stored; the passphrase,
//! the key, the labels and the answers stay in memory.

use super::storage;

const PREFIX: &str = "confidant.draft.";
/// The name of a referral's draft kept before drafts were kept per person: opened with
/// the others and then kept as a person's draft.
pub const EARLIER: &str = "referral";

/// The name of the worker's agency details (`state::PROFILE_SECTION`), kept by their
/// choice sealed under the drafts' key, and the form name they are sealed under.
pub const PROFILE: &str = "profile";

/// A draft as storage holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stored {
    /// Its name after the prefix: `person.RANDOM`, or [`EARLIER`].
    pub id: String,
    pub sealed: String,
}

impl Stored {
    /// The form name it is sealed under (`confidant_core::draft::PERSON`, or the
    /// referral's for the earlier kind).
    pub fn form(&self) -> &'static str {
        if self.id == EARLIER {
            EARLIER
        } else {
            confidant_core::draft::PERSON
        }
    }
}

/// Every draft kept in this browser, persons' first (the earlier kind last).
pub fn stored() -> Vec<Stored> {
    let (mut persons, earlier): (Vec<Stored>, Vec<Stored>) = storage::keys_with_prefix(PREFIX)
        .into_iter()
        .filter_map(|key| {
            let id = key
                .strip_prefix(PREFIX)
                .filter(|id| is_draft(id))?
                .to_owned();
            let sealed = storage::read(&key)?;
            Some(Stored { id, sealed })
        })
        .partition(|draft| draft.id != EARLIER);
    persons.extend(earlier);
    persons
}

/// Whether `id` (the name after the prefix) is a draft's.
fn is_draft(id: &str) -> bool {
    id == EARLIER || id.starts_with("person.")
}

/// How many drafts are kept (their names only are read).
pub fn count() -> usize {
    storage::keys_with_prefix(PREFIX)
        .iter()
        .filter(|key| key.strip_prefix(PREFIX).is_some_and(is_draft))
        .count()
}

/// The sealed draft named `id`, if it is kept.
pub fn read(id: &str) -> Option<String> {
    storage::read(&format!("{PREFIX}{id}"))
}

/// A new draft's name: random, so that it says nothing of the person or the time.
pub fn new_id() -> Option<String> {
    let mut bytes = [0u8; 12];
    getrandom::fill(&mut bytes).ok()?;
    let hex: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
    Some(format!("person.{hex}"))
}

/// Keeps a sealed draft; `false` when the browser refused (storage off or full).
pub fn keep(id: &str, sealed: &str) -> bool {
    storage::write(&format!("{PREFIX}{id}"), sealed).is_ok()
}

/// Deletes the draft `id`.
pub fn forget(id: &str) {
    storage::remove(&format!("{PREFIX}{id}"));
}
