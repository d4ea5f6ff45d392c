//! The shell's state in one pure place: where the worker is, the answers in memory, the
//! forms loaded, the open draft's key and the outbox as the worker sees it, and the
//! reducer that changes them.
//!
//! Nothing here touches the browser. Time comes in with the actions that need it (an
//! answer's time, a clock tick), read by the root (`app.rs`) from `browser::clock`;
//! randomness is never needed. So the reducer is tested with plain `cargo test` on the
//! host, like the core (the tests at the end of this file). The quick exit is one action,
//! [`ShellAction::Exit`], which leaves nothing but an empty, exited state.

use std::rc::Rc;

use confidant_core::agency::{Directory, Trust};
use confidant_core::draft::DraftKey;
use confidant_core::form::{Answer, Answers, FormDefinition, YesNo};
use confidant_core::packet::PacketMeta;
use confidant_core::signing::SigningKeyPair;
use yew::Reducible;
use zeroize::Zeroizing;

use crate::forms::{FormKey, PerForm};

/// A parsed form shared by the components that show it, with the texts it was parsed
/// from (a referral's payload carries them). Two are equal when they are the same
/// definition: comparing definitions field by field on every keystroke cost more than
/// rendering.
#[derive(Clone, Debug)]
pub struct SharedForm(pub Rc<LoadedForm>);

/// A definition and its sources.
#[derive(Debug)]
pub struct LoadedForm {
    pub form: FormDefinition,
    /// The definition's JSON text.
    pub definition: String,
    /// The translation file's JSON text, when the form is shown through one.
    pub translation: Option<String>,
}

impl SharedForm {
    pub fn new(form: FormDefinition, definition: String, translation: Option<String>) -> Self {
        Self(Rc::new(LoadedForm {
            form,
            definition,
            translation,
        }))
    }
}

impl PartialEq for SharedForm {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl std::ops::Deref for SharedForm {
    type Target = FormDefinition;

    fn deref(&self) -> &FormDefinition {
        &self.0.form
    }
}

/// The worker's agency signing key, from its keyring unlocked in the inbox: what the
/// referrals they send are signed with. Memory only; equal when it is the same key.
#[derive(Clone, Debug)]
pub struct SharedSigner(pub Rc<SigningKeyPair>);

impl PartialEq for SharedSigner {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// A draft key in memory, shared with the shell. Equal when it is the same key.
#[derive(Clone, Debug)]
pub struct SharedDraftKey(pub Rc<DraftKey>);

impl PartialEq for SharedDraftKey {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// One of the worker's drafts (a person's), as the draft panel lists it once the drafts
/// are unlocked. Its label and date come from inside the ciphertext: memory only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DraftEntry {
    /// Its name in storage (`browser::drafts`): random, saying nothing.
    pub id: String,
    pub label: String,
    /// The day it was last saved, `YYYY-MM-DD`, or empty when not known.
    pub saved: String,
}

/// A form's answers as a draft kept them (their JSON text), waiting for the form's
/// definition to be loaded to be read.
pub type DraftAnswers = Rc<Zeroizing<String>>;

/// Where a packet stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// Not yet accepted by the server; tried again with growing pauses.
    Waiting,
    /// The server has it (201, or 200 for a packet it already had); gone from storage.
    Delivered,
    /// The server refused it for good, with this kind of refusal (`unknown_recipient`, …);
    /// saving it as a file is the way left.
    Refused(String),
}

/// One sealed packet of the outbox, as the worker's list shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Outgoing {
    /// The packet's random id (from its authenticated metadata).
    pub packet_id: String,
    /// The packet: JSON text, sealed.
    pub packet: String,
    /// The key ids of its agency recipients, from the packet.
    pub recipients: Vec<String>,
    /// The day it was sealed, from the packet (seconds since the epoch, 00:00 UTC).
    pub day: u64,
    pub delivery: Delivery,
    /// Uploads tried so far in this session.
    pub attempts: u32,
    /// The last failure, as a kind (`unreachable`, `status_503`, …), in this session.
    pub last_error: Option<String>,
}

impl Outgoing {
    /// A freshly sealed packet, or one read back from storage.
    pub fn new(packet: String, delivery: Delivery) -> Option<Self> {
        // Only the metadata: the server parses the whole packet when it arrives.
        let meta = PacketMeta::of_packet_text(&packet).ok()?;
        Some(Self {
            packet_id: meta.packet_id().to_owned(),
            recipients: meta.agency_recipient_ids().map(str::to_owned).collect(),
            day: meta.created_unix_seconds(),
            packet,
            delivery,
            attempts: 0,
            last_error: None,
        })
    }
}

/// What became of one upload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tried {
    /// Delivered: the packet has left storage.
    Stored { packet_id: String },
    /// Refused for good, with the server's kind of refusal.
    Refused { packet_id: String, kind: String },
    /// To be tried again after a pause.
    Retry {
        packet_id: String,
        kind: String,
        attempts: u32,
    },
}

/// How long an open draft stays open without an answer: 10 minutes.
pub const DRAFT_LOCK_AFTER_MS: f64 = 10.0 * 60.0 * 1000.0;

/// The places a worker can be in the app.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Screen {
    #[default]
    Home,
    Identify,
    Refer,
    Inbox,
    /// The list of the group's checklists.
    GroupChecklists,
    /// One of the group's checklists.
    Group(FormKey),
    /// The draft document a form composes.
    Draft(FormKey),
    /// The referral's review, before it is sealed.
    Review,
    /// Sealed referrals and their delivery.
    Outbox,
}

impl Screen {
    /// The screen a choice on the page's first screen names (`www/boot.js` keeps it
    /// while the app loads).
    pub fn from_first_choice(choice: &str) -> Option<Self> {
        Some(match choice {
            "identify" => Self::Identify,
            "refer" => Self::Refer,
            "inbox" => Self::Inbox,
            "outbox" => Self::Outbox,
            "groups" => Self::GroupChecklists,
            _ => return None,
        })
    }
}

/// An outbox entry that cannot be read: kept as it is, and offered as a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unreadable {
    pub key: String,
    pub text: String,
}

/// The deployment's agency directory, as far as the app has it: read without trusting it
/// (`confidant_core::agency`), with each entry's trust on this device.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Listing {
    #[default]
    NotLoaded,
    Failed,
    Ready(Rc<Directory>, Vec<Trust>),
}

impl Listing {
    /// The directory, once read.
    pub fn directory(&self) -> Option<&Directory> {
        match self {
            Self::Ready(directory, _) => Some(directory),
            Self::NotLoaded | Self::Failed => None,
        }
    }
}

/// Everything the outbox holds, as read from storage: the packets, and the entries that
/// could not be read (kept as they are, never overwritten).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StoredOutbox {
    /// Waiting and refused packets, in no particular order.
    pub packets: Vec<Outgoing>,
    pub unreadable: Vec<Unreadable>,
}

/// What can happen to the shell's state.
#[derive(Clone, Debug, PartialEq)]
pub enum ShellAction {
    Open(Screen),
    /// The interface's words in the language the worker chose are loaded: switch to it.
    Language(String),
    /// The language the worker chose could not be loaded (offline before it was ever
    /// fetched, or a file that failed its check): the interface stays as it was and says so.
    LanguageUnavailable,
    /// A new answer (or `None`: cleared) to a field of a form, given at `at` (ms since
    /// the epoch, from the clock of the root).
    Answer {
        form: FormKey,
        field: String,
        answer: Option<Answer>,
        at: f64,
    },
    /// A form's definition was loaded, on the day given (`YYYY-MM-DD`, the reader's).
    /// Its dates about today start as that day, and a referral asked for with
    /// [`ShellAction::StartReferral`] starts from the checklist's answers, once.
    Loaded(FormKey, SharedForm, String),
    /// "Start a referral from these answers": the referral opens and starts from the
    /// checklist's answers. Opening the referral any other way starts it empty.
    StartReferral,
    /// "Mark the remaining questions Not asked": every yes/no question of the form shown
    /// and not yet answered is answered Not asked, at `at`, in one move that
    /// [`ShellAction::UndoNotAsked`] takes back.
    MarkNotAsked {
        form: FormKey,
        at: f64,
    },
    /// Takes back the last marking of the form, leaving any of its questions answered
    /// since.
    UndoNotAsked(FormKey),
    /// "New person": the checklist's and the referral's answers leave memory (a sealed
    /// draft stays sealed in storage, locked), and the checklist opens empty.
    NewPerson,
    /// Answers kept in this browser for a group checklist, read back: they fill only what
    /// is not answered, and the form counts as kept.
    Restore(FormKey, Answers),
    /// The coordinator chose whether to keep a group checklist's answers in the browser.
    Keep(FormKey, bool),
    /// The outbox as kept in storage: waiting and refused packets. Packets delivered in
    /// this session stay in the list (in memory only) until the app closes.
    Outbox(StoredOutbox),
    /// What became of an upload.
    Tried(Tried),
    /// A referral was sealed into these packets: its answers are forgotten.
    Sealed(Vec<Outgoing>),
    /// The worker's drafts were unlocked with their passphrase, at `at`: the key and the
    /// list of drafts (labels and dates) are in memory.
    DraftsUnlocked {
        key: SharedDraftKey,
        drafts: Vec<DraftEntry>,
        /// The worker's agency details, when they chose to keep them ([`PROFILE_SECTION`]).
        profile: Option<DraftAnswers>,
        at: f64,
    },
    /// The worker's agency details were kept, sealed (their answers' JSON text): they
    /// fill each new referral while the drafts are unlocked.
    ProfileKept(DraftAnswers),
    /// The worker's agency details were deleted from storage.
    ProfileForgotten,
    /// The person's answers are now kept in a new draft, sealed under `key` (the key
    /// just made with a first passphrase, or the unlocked one).
    DraftKept {
        key: SharedDraftKey,
        draft: DraftEntry,
        at: f64,
    },
    /// A kept draft was opened: the answers in memory are replaced by its forms'
    /// answers (read now for the forms loaded, on loading for the others).
    DraftResumed {
        draft: DraftEntry,
        forms: Vec<(FormKey, DraftAnswers)>,
        at: f64,
    },
    /// A draft was deleted from storage (its id). The open one closes; the answers stay.
    DraftDeleted(String),
    /// The drafts lock: the key and the list leave memory, and so do the person's
    /// answers when a draft keeps them (they stay sealed in storage).
    DraftLock,
    /// The worker unlocked their agency's keyring in the inbox, at `at`: its signing key
    /// signs what they send until it locks.
    SignerUnlocked {
        signer: SharedSigner,
        at: f64,
    },
    /// The keyring locked (by its button, or the inbox's idle time): nothing more is
    /// signed.
    SignerLock,
    /// A clock tick: the drafts lock once nothing was answered for `lock_after` ms, and
    /// the signing key goes after as long without an answer or an unlock.
    DraftTick {
        now: f64,
        lock_after: f64,
    },
    /// A new build is installed and will be used on the next open.
    UpdateReady,
    /// The agency directory was read (or could not be).
    Directory(Listing),
    /// The worker confirmed an agency's change with the agency (its key id): it is
    /// pinned as it now is.
    Confirmed(String),
    /// The worker chose the agency they send on behalf of (its key id), remembered for
    /// the next referral of this session, in memory only.
    Sender(Option<String>),
    /// The quick exit: forget everything.
    Exit,
}

/// The shell's in-memory state, answers included, so that the quick exit drops them in
/// one move. Nothing here is written to storage, except the answers of a group checklist
/// the coordinator chose to keep (`kept`; see [`crate::browser::kept_checklists`]).
#[derive(Clone, Debug, PartialEq)]
pub struct ShellState {
    pub screen: Screen,
    pub exited: bool,
    /// The language tag of the interface and of the forms.
    pub language: String,
    /// The last language chosen could not be loaded (the picker says so).
    pub language_unavailable: bool,
    pub answers: PerForm<Answers>,
    /// The definitions loaded so far.
    pub loaded: PerForm<SharedForm>,
    pub kept: PerForm<()>,
    /// Whether the referral was started from the checklist's answers.
    pub prefilled: bool,
    /// The worker asked for the referral to start from the checklist's answers, and its
    /// definition has not been loaded since.
    pub carry_forward: bool,
    /// The questions the last "Not asked" marking answered, and their form, until it is
    /// taken back or the person's answers leave memory.
    pub marked: Option<(FormKey, Vec<String>)>,
    /// Each loaded form's starting answers (its dates about today), which the worker has
    /// not given: answers equal to them are not the worker's to lose.
    pub defaults: PerForm<Answers>,
    /// The agency the worker last sent on behalf of (its key id): the next review starts
    /// with it. In memory only, never in storage: it says which agency this device works
    /// for.
    pub sender: Option<String>,
    /// Counts the people worked with in this session: the screens about a person start
    /// afresh (no error list, no open question) when it changes.
    pub person: u32,
    /// The sealed packets of this browser (ciphertext only): those waiting or refused, as
    /// kept in storage, and those delivered in this session.
    pub outbox: Vec<Outgoing>,
    /// Entries of the stored outbox that could not be read (kept, never overwritten).
    pub outbox_unreadable: Vec<Unreadable>,
    /// The key of the worker's drafts, while they are unlocked.
    pub draft_key: Option<SharedDraftKey>,
    /// The drafts kept, while they are unlocked.
    pub drafts: Vec<DraftEntry>,
    /// The worker's agency details, kept sealed by their choice, while the drafts are
    /// unlocked: the answers of the referral's [`PROFILE_SECTION`].
    pub profile: Option<DraftAnswers>,
    /// The draft that keeps this person's answers, while it is open.
    pub draft: Option<DraftEntry>,
    /// Answers of the open draft whose form is not loaded yet.
    pub pending: PerForm<DraftAnswers>,
    /// The last draft opened did not fit the forms as they are now: it was closed and
    /// left as it was in storage.
    pub draft_unreadable: bool,
    /// The person's open draft locked (their answers left memory): the person's screens
    /// offer the unlock or a new person, never a blank form that looks like theirs.
    pub draft_locked: bool,
    /// When the person's forms were last answered (ms since the epoch), for the drafts'
    /// lock.
    pub last_activity: f64,
    /// A new build waits for the next open (the home screen says so).
    pub update_ready: bool,
    /// The agency directory, for the review and the outbox's list.
    pub directory: Listing,
    /// The signing key of the worker's agency, while its keyring is unlocked, and when it
    /// was unlocked (ms since the epoch).
    pub signer: Option<SharedSigner>,
    pub signer_since: f64,
}

impl Default for ShellState {
    fn default() -> Self {
        Self {
            screen: Screen::default(),
            exited: false,
            language: "en".to_owned(),
            language_unavailable: false,
            answers: PerForm::default(),
            loaded: PerForm::default(),
            kept: PerForm::default(),
            prefilled: false,
            carry_forward: false,
            marked: None,
            defaults: PerForm::default(),
            person: 0,
            sender: None,
            outbox: Vec::new(),
            outbox_unreadable: Vec::new(),
            draft_key: None,
            drafts: Vec::new(),
            profile: None,
            draft: None,
            pending: PerForm::default(),
            draft_unreadable: false,
            draft_locked: false,
            last_activity: 0.0,
            update_ready: false,
            directory: Listing::NotLoaded,
            signer: None,
            signer_since: 0.0,
        }
    }
}

impl ShellState {
    /// The answers given to a form so far.
    pub fn answers(&self, form: FormKey) -> Answers {
        self.answers.get(&form).cloned().unwrap_or_default()
    }

    /// Whether the worker has answered anything of a form: an answer other than the one
    /// the form started with.
    pub fn given(&self, form: FormKey) -> bool {
        let defaults = self.defaults.get(&form);
        self.answers.get(&form).is_some_and(|answers| {
            answers
                .iter()
                .any(|(field, answer)| defaults.and_then(|d| d.get(field)) != Some(answer))
        })
    }
}

impl Reducible for ShellState {
    type Action = ShellAction;

    fn reduce(self: Rc<Self>, action: ShellAction) -> Rc<Self> {
        if self.exited {
            return self;
        }
        let mut state = (*self).clone();
        match action {
            ShellAction::Open(screen) => state.screen = screen,
            ShellAction::Language(language) => {
                state.language = language;
                state.language_unavailable = false;
            }
            ShellAction::LanguageUnavailable => state.language_unavailable = true,
            ShellAction::Answer {
                form,
                field,
                answer,
                at,
            } => {
                if is_person_form(form) {
                    state.last_activity = at;
                }
                let answers = state.answers.or_default(form);
                match answer {
                    Some(answer) => {
                        answers.set(field.clone(), answer);
                        // The answers that follow this one (the referral's type follows
                        // the person's consent).
                        if let Some(definition) = state.loaded.get(&form) {
                            definition.follow(&field, answers);
                        }
                    }
                    None => answers.remove(&field),
                }
            }
            ShellAction::Loaded(form, definition, today) => {
                let defaults = definition.defaults(&today);
                if let Some(kept) = state.pending.remove(&form) {
                    read_kept(&mut state, form, &definition, &kept);
                }
                state.loaded.insert(form, definition);
                if form == FormKey::Referral {
                    fill_profile(&mut state);
                }
                state.defaults.insert(form, defaults.clone());
                if form == FormKey::Referral {
                    carry_forward(&mut state);
                }
                state.answers.or_default(form).fill_from(defaults);
            }
            ShellAction::StartReferral => {
                state.screen = Screen::Refer;
                state.carry_forward = true;
                carry_forward(&mut state);
            }
            ShellAction::MarkNotAsked { form, at } => {
                let Some(definition) = state.loaded.get(&form) else {
                    return self;
                };
                let fields = definition.unanswered_yes_no(&state.answers(form));
                if fields.is_empty() {
                    return self;
                }
                let answers = state.answers.or_default(form);
                for field in &fields {
                    answers.set(field.clone(), Answer::YesNo(YesNo::NotAsked));
                }
                if is_person_form(form) {
                    state.last_activity = at;
                }
                state.marked = Some((form, fields));
            }
            ShellAction::UndoNotAsked(form) => {
                let Some((marked_form, fields)) = state.marked.take() else {
                    return self;
                };
                if marked_form != form {
                    state.marked = Some((marked_form, fields));
                    return self;
                }
                let answers = state.answers.or_default(form);
                for field in fields {
                    if answers.get(&field) == Some(&Answer::YesNo(YesNo::NotAsked)) {
                        answers.remove(&field);
                    }
                }
            }
            ShellAction::NewPerson => {
                forget_person(&mut state);
                state.screen = Screen::Identify;
            }
            ShellAction::Restore(form, kept) => {
                state.answers.or_default(form).fill_from(kept);
                state.kept.insert(form, ());
            }
            ShellAction::Keep(form, keep) => {
                if keep {
                    state.kept.insert(form, ());
                } else {
                    state.kept.remove(&form);
                }
            }
            ShellAction::Outbox(stored) => {
                let merged = merge_outbox(&state.outbox, stored.packets);
                if merged == state.outbox && stored.unreadable == state.outbox_unreadable {
                    return self;
                }
                state.outbox = merged;
                state.outbox_unreadable = stored.unreadable;
            }
            ShellAction::Tried(tried) => record_try(&mut state.outbox, tried),
            ShellAction::Sealed(packets) => {
                for packet in packets {
                    if !state.outbox.iter().any(|p| p.packet_id == packet.packet_id) {
                        state.outbox.push(packet);
                    }
                }
                // The person's answers go with the referral: the next person starts
                // clean, and nothing of this one is carried into their referral.
                forget_person(&mut state);
                state.screen = Screen::Outbox;
            }
            ShellAction::DraftsUnlocked {
                key,
                drafts,
                profile,
                at,
            } => {
                state.draft_key = Some(key);
                state.drafts = drafts;
                state.profile = profile;
                state.draft_unreadable = false;
                state.draft_locked = false;
                state.last_activity = at;
                fill_profile(&mut state);
            }
            ShellAction::ProfileKept(profile) => {
                if state.draft_key.is_none() {
                    return self;
                }
                state.profile = Some(profile);
            }
            ShellAction::ProfileForgotten => state.profile = None,
            ShellAction::DraftKept { key, draft, at } => {
                state.draft_key = Some(key);
                state.drafts.retain(|kept| kept.id != draft.id);
                state.drafts.push(draft.clone());
                state.draft = Some(draft);
                state.draft_unreadable = false;
                state.last_activity = at;
            }
            ShellAction::DraftResumed { draft, forms, at } => {
                if state.draft_key.is_none() {
                    return self;
                }
                forget_answers(&mut state);
                state.draft = Some(draft);
                state.draft_unreadable = false;
                state.last_activity = at;
                for (form, kept) in forms {
                    match state.loaded.get(&form).cloned() {
                        Some(definition) => read_kept(&mut state, form, &definition, &kept),
                        None => {
                            state.pending.insert(form, kept);
                        }
                    }
                }
                fill_profile(&mut state);
            }
            ShellAction::DraftDeleted(id) => {
                state.drafts.retain(|kept| kept.id != id);
                if state.draft.as_ref().is_some_and(|open| open.id == id) {
                    state.draft = None;
                    state.pending.clear();
                }
            }
            ShellAction::DraftLock => lock_drafts(&mut state),
            ShellAction::SignerUnlocked { signer, at } => {
                state.signer = Some(signer);
                state.signer_since = at;
            }
            ShellAction::SignerLock => state.signer = None,
            ShellAction::DraftTick { now, lock_after } => {
                let idle = |since: f64| now - since > lock_after;
                let drafts = state.draft_key.is_some() && idle(state.last_activity);
                let signer =
                    state.signer.is_some() && idle(state.last_activity.max(state.signer_since));
                if !drafts && !signer {
                    return self;
                }
                if drafts {
                    lock_drafts(&mut state);
                }
                if signer {
                    state.signer = None;
                }
            }
            ShellAction::UpdateReady => state.update_ready = true,
            ShellAction::Directory(listing) => {
                // A failed refresh keeps what was read before.
                if listing != Listing::Failed || state.directory.directory().is_none() {
                    state.directory = listing;
                }
            }
            ShellAction::Confirmed(kid) => {
                if let Listing::Ready(directory, trust) = &mut state.directory {
                    for (entry, trust) in directory.entries.iter().zip(trust.iter_mut()) {
                        if entry.kid() == kid {
                            *trust = Trust::Known;
                        }
                    }
                }
            }
            ShellAction::Sender(kid) => state.sender = kid,
            ShellAction::Exit => {
                return Rc::new(ShellState {
                    exited: true,
                    ..ShellState::default()
                });
            }
        }
        Rc::new(state)
    }
}

/// The referral asked for with "Start a referral" starts from the checklist's answers,
/// once both definitions are loaded.
fn carry_forward(state: &mut ShellState) {
    if !state.carry_forward {
        return;
    }
    let (Some(checklist), Some(referral)) = (
        state.loaded.get(&FormKey::Identification),
        state.loaded.get(&FormKey::Referral),
    ) else {
        return;
    };
    state.carry_forward = false;
    let given = state.answers(FormKey::Identification);
    let started = referral.prefill_from(checklist, &given);
    if !started.is_empty() && state.given(FormKey::Identification) {
        // A starting answer replaces one the referral only started with (today's date,
        // where the checklist gives the day of identification).
        fill_unanswered(state, FormKey::Referral, &started);
        state.prefilled = true;
    }
}

/// The forms about a person, which a person's draft keeps.
pub const PERSON_FORMS: [FormKey; 2] = [FormKey::Identification, FormKey::Referral];

/// The referral's section that holds the worker's own agency details: the answers a
/// profile keeps.
pub const PROFILE_SECTION: &str = "referring_agency";

/// The worker's agency details fill the referral where it has no answer of the worker's
/// (none, or only its starting one).
fn fill_profile(state: &mut ShellState) {
    let (Some(profile), Some(referral)) = (&state.profile, state.loaded.get(&FormKey::Referral))
    else {
        return;
    };
    if state.pending.contains_key(&FormKey::Referral) {
        return;
    }
    let Ok(kept) = Answers::from_json_text(referral, profile) else {
        return;
    };
    fill_unanswered(state, FormKey::Referral, &kept);
}

/// Sets each of `given` where `form` has no answer of the worker's: none, or only the
/// one it started with (today's date).
fn fill_unanswered(state: &mut ShellState, form: FormKey, given: &Answers) {
    let defaults = state.defaults.get(&form).cloned().unwrap_or_default();
    let answers = state.answers.or_default(form);
    for (field, answer) in given.iter() {
        if answers
            .get(field)
            .is_none_or(|current| defaults.get(field) == Some(current))
        {
            answers.set(field, answer.clone());
        }
    }
}

fn is_person_form(form: FormKey) -> bool {
    PERSON_FORMS.contains(&form)
}

/// A kept form's answers, read with its definition. Answers that no longer fit the form
/// (a question removed since) close the draft, which stays as it was in storage: the
/// answers in memory are then the worker's, unsaved, and never written over the draft.
fn read_kept(state: &mut ShellState, form: FormKey, definition: &FormDefinition, kept: &str) {
    match Answers::from_json_text(definition, kept) {
        Ok(answers) => {
            state.answers.insert(form, answers);
        }
        Err(_) => {
            state.draft = None;
            state.pending.clear();
            state.draft_unreadable = true;
        }
    }
}

/// The person's answers leave memory: the checklist's and the referral's, what came with
/// them and the open draft (which stays sealed in storage). The drafts stay unlocked.
fn forget_answers(state: &mut ShellState) {
    state.answers.remove(&FormKey::Identification);
    state.answers.remove(&FormKey::Referral);
    state.prefilled = false;
    state.carry_forward = false;
    state.marked = None;
    state.draft = None;
    state.pending.clear();
    state.draft_unreadable = false;
    state.draft_locked = false;
    state.person = state.person.wrapping_add(1);
}

/// Everything in memory about the person, and the drafts' key and list: nothing of the
/// person before is in reach without the passphrase.
fn forget_person(state: &mut ShellState) {
    forget_answers(state);
    state.draft_key = None;
    state.drafts.clear();
    state.profile = None;
}

/// The drafts lock: the key and the list leave memory; the person's answers too when a
/// draft keeps them (answers no draft keeps stay, as unsaved).
fn lock_drafts(state: &mut ShellState) {
    if state.draft.is_some() {
        forget_answers(state);
        state.draft_locked = true;
    }
    state.draft_key = None;
    state.drafts.clear();
    state.profile = None;
}

/// The outbox after reading storage: what is stored, with this session's counts of tries
/// kept, and the packets delivered in this session (gone from storage) after them.
fn merge_outbox(current: &[Outgoing], stored: Vec<Outgoing>) -> Vec<Outgoing> {
    let mut merged: Vec<Outgoing> = stored
        .into_iter()
        .map(|mut packet| {
            if let Some(known) = current.iter().find(|p| p.packet_id == packet.packet_id) {
                packet.attempts = known.attempts;
                packet.last_error = known.last_error.clone();
            }
            packet
        })
        .collect();
    crate::short_sort::sort_short_by(&mut merged, |a, b| {
        let position = |id: &str| current.iter().position(|p| p.packet_id == id);
        position(&a.packet_id)
            .map_or(usize::MAX, |at| at)
            .cmp(&position(&b.packet_id).map_or(usize::MAX, |at| at))
    });
    let delivered: Vec<Outgoing> = current
        .iter()
        .filter(|packet| packet.delivery == Delivery::Delivered)
        .filter(|packet| !merged.iter().any(|p| p.packet_id == packet.packet_id))
        .cloned()
        .collect();
    merged.extend(delivered);
    merged
}

fn record_try(outbox: &mut [Outgoing], tried: Tried) {
    let id = match &tried {
        Tried::Stored { packet_id }
        | Tried::Refused { packet_id, .. }
        | Tried::Retry { packet_id, .. } => packet_id.clone(),
    };
    let Some(packet) = outbox.iter_mut().find(|packet| packet.packet_id == id) else {
        return;
    };
    match tried {
        Tried::Stored { .. } => {
            packet.attempts += 1;
            packet.delivery = Delivery::Delivered;
            packet.last_error = None;
        }
        Tried::Refused { kind, .. } => {
            packet.attempts += 1;
            packet.delivery = Delivery::Refused(kind.clone());
            packet.last_error = Some(kind);
        }
        Tried::Retry { kind, attempts, .. } => {
            packet.attempts = attempts;
            packet.last_error = Some(kind);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use confidant_core::draft::Derivation;

    fn reduce(state: ShellState, action: ShellAction) -> ShellState {
        (*Rc::new(state).reduce(action)).clone()
    }

    fn answer(form: FormKey, field: &str, at: f64) -> ShellAction {
        ShellAction::Answer {
            form,
            field: field.into(),
            answer: Some(Answer::YesNo(YesNo::Yes)),
            at,
        }
    }

    fn draft_key() -> SharedDraftKey {
        let derivation = Derivation::new(
            confidant_core::keys::KdfParams::MINIMUM,
            &mut getrandom::SysRng,
        )
        .expect("randomness");
        SharedDraftKey(Rc::new(DraftKey::from_derived(
            derivation,
            Zeroizing::new([7u8; 32]),
        )))
    }

    fn entry(label: &str) -> DraftEntry {
        DraftEntry {
            id: format!("person.{label}"),
            label: label.into(),
            saved: TODAY.into(),
        }
    }

    fn outgoing(id: &str, delivery: Delivery) -> Outgoing {
        Outgoing {
            packet_id: id.into(),
            packet: format!("sealed {id}"),
            recipients: vec!["kid".into()],
            day: 1_764_460_800,
            delivery,
            attempts: 0,
            last_error: None,
        }
    }

    #[test]
    fn navigation_opens_screens_and_a_first_choice_names_one() {
        let state = reduce(ShellState::default(), ShellAction::Open(Screen::Refer));
        assert_eq!(state.screen, Screen::Refer);
        let state = reduce(
            state,
            ShellAction::Open(Screen::Group(FormKey::GroupAgreement)),
        );
        assert_eq!(state.screen, Screen::Group(FormKey::GroupAgreement));
        assert_eq!(
            Screen::from_first_choice("groups"),
            Some(Screen::GroupChecklists)
        );
        assert_eq!(Screen::from_first_choice("refer"), Some(Screen::Refer));
        assert_eq!(Screen::from_first_choice("anything else"), None);
    }

    #[test]
    fn a_language_that_did_not_load_leaves_the_interface_as_it_was() {
        let state = reduce(ShellState::default(), ShellAction::Language("fr".into()));
        let state = reduce(state, ShellAction::LanguageUnavailable);
        assert_eq!(state.language, "fr");
        assert!(state.language_unavailable);
        let state = reduce(state, ShellAction::Language("ar".into()));
        assert_eq!(state.language, "ar");
        assert!(!state.language_unavailable);
    }

    #[test]
    fn the_quick_exit_leaves_nothing_and_nothing_comes_back() {
        let mut state = ShellState::default();
        for action in [
            answer(FormKey::Referral, "age_disputed", 1.0),
            answer(FormKey::Identification, "dr_job", 2.0),
            ShellAction::DraftKept {
                key: draft_key(),
                draft: entry("first"),
                at: 3.0,
            },
            ShellAction::Sealed(vec![outgoing("a", Delivery::Waiting)]),
            ShellAction::Language("ar".into()),
            ShellAction::Sender(Some("outreach-kid".into())),
            ShellAction::Open(Screen::Review),
        ] {
            state = reduce(state, action);
        }
        assert!(!state.outbox.is_empty());
        let state = reduce(state, ShellAction::Exit);
        assert!(state.exited);
        assert!(state.answers.is_empty() && state.outbox.is_empty());
        assert!(state.draft_key.is_none() && state.loaded.is_empty());
        assert!(state.sender.is_none());
        assert_eq!(state.screen, Screen::Home);
        // Once exited, nothing is taken in any more (a late answer, a late delivery).
        let after = reduce(
            state.clone(),
            answer(FormKey::Referral, "age_disputed", 9.0),
        );
        assert_eq!(after, state);
        let after = reduce(state.clone(), ShellAction::Outbox(StoredOutbox::default()));
        assert_eq!(after, state);
    }

    #[test]
    fn the_signing_key_goes_after_the_idle_time_on_its_lock_and_on_the_quick_exit() {
        let lock_after = 600_000.0;
        let signer = SharedSigner(Rc::new(
            SigningKeyPair::from_seed(&[7; 32]).expect("a seed makes a key"),
        ));
        let unlocked = |state| {
            reduce(
                state,
                ShellAction::SignerUnlocked {
                    signer: signer.clone(),
                    at: 1_000.0,
                },
            )
        };
        let tick = |state, now| reduce(state, ShellAction::DraftTick { now, lock_after });
        let state = unlocked(ShellState::default());
        assert_eq!(state.signer.as_ref(), Some(&signer));
        // Kept while the worker answers, counted from the later of unlock and answer.
        let state = tick(state, 1_000.0 + lock_after);
        assert!(state.signer.is_some());
        let state = reduce(state, answer(FormKey::Referral, "age_disputed", 300_000.0));
        let state = tick(state, 1_001.0 + lock_after);
        assert!(state.signer.is_some());
        let state = tick(state, 300_001.0 + lock_after);
        assert!(state.signer.is_none());
        // Its lock, and the quick exit.
        let state = reduce(unlocked(ShellState::default()), ShellAction::SignerLock);
        assert!(state.signer.is_none());
        let state = reduce(unlocked(ShellState::default()), ShellAction::Exit);
        assert!(state.signer.is_none());
    }

    #[test]
    fn an_open_draft_locks_after_the_time_without_answers_from_the_clock_given() {
        let lock_after = 600_000.0;
        let state = reduce(
            ShellState::default(),
            answer(FormKey::Identification, "dr_job", 500.0),
        );
        let state = reduce(
            state,
            ShellAction::DraftKept {
                key: draft_key(),
                draft: entry("first"),
                at: 1_000.0,
            },
        );
        let state = reduce(state, answer(FormKey::Referral, "age_disputed", 2_000.0));
        // A tick before the time: still open.
        let state = reduce(
            state,
            ShellAction::DraftTick {
                now: 2_000.0 + lock_after,
                lock_after,
            },
        );
        assert!(state.draft_key.is_some() && state.draft.is_some());
        // An answer to the checklist keeps the person's draft open too; one to a group
        // checklist does not.
        let state = reduce(state, answer(FormKey::Identification, "dr_pay", 500_000.0));
        let state = reduce(state, answer(FormKey::GroupFramework, "g", 900_000.0));
        let state = reduce(
            state,
            ShellAction::DraftTick {
                now: 500_001.0 + lock_after,
                lock_after,
            },
        );
        assert!(state.draft_key.is_none() && state.draft.is_none() && state.drafts.is_empty());
        // The person's screens now offer the unlock, not a blank form; "New person"
        // leaves that.
        assert!(state.draft_locked);
        assert!(!reduce(state.clone(), ShellAction::NewPerson).draft_locked);
        // The person's answers are in the draft: they leave memory. The group's stay.
        assert!(state.answers(FormKey::Referral).is_empty());
        assert!(state.answers(FormKey::Identification).is_empty());
        assert!(!state.answers(FormKey::GroupFramework).is_empty());
    }

    #[test]
    fn the_workers_agency_details_fill_each_new_referral_while_the_drafts_are_unlocked() {
        let profile = Rc::new(Zeroizing::new(
            r#"{"referring_organisation":"CANARY-Outreach","referrer_name":"Sam"}"#.to_owned(),
        ));
        let state = reduce(
            ShellState::default(),
            ShellAction::Loaded(FormKey::Referral, built_in(FormKey::Referral), TODAY.into()),
        );
        // An answer of the worker's is never written over.
        let state = reduce(
            state,
            ShellAction::Answer {
                form: FormKey::Referral,
                field: "referrer_name".into(),
                answer: Some(Answer::Text("Alex".into())),
                at: 1.0,
            },
        );
        let state = reduce(
            state,
            ShellAction::DraftsUnlocked {
                key: draft_key(),
                drafts: Vec::new(),
                profile: Some(profile.clone()),
                at: 2.0,
            },
        );
        let referral = state.answers(FormKey::Referral);
        assert_eq!(
            referral.get("referring_organisation"),
            Some(&Answer::Text("CANARY-Outreach".into()))
        );
        assert_eq!(
            referral.get("referrer_name"),
            Some(&Answer::Text("Alex".into()))
        );
        // Locking takes the details out of memory with the key; "New person" too.
        let locked = reduce(state.clone(), ShellAction::DraftLock);
        assert!(locked.profile.is_none());
        let next = reduce(state, ShellAction::NewPerson);
        assert!(next.profile.is_none());
        assert!(next.answers(FormKey::Referral).is_empty());
        // Kept without a key: refused.
        let refused = reduce(next.clone(), ShellAction::ProfileKept(profile));
        assert_eq!(refused, next);
    }

    #[test]
    fn a_declined_consent_makes_the_referral_an_anonymous_notification_at_once() {
        let state = reduce(
            ShellState::default(),
            ShellAction::Loaded(FormKey::Referral, built_in(FormKey::Referral), TODAY.into()),
        );
        let consent = |given: bool, at: f64| ShellAction::Answer {
            form: FormKey::Referral,
            field: "consent_referral".into(),
            answer: Some(Answer::Consent(given)),
            at,
        };
        let state = reduce(state, consent(false, 1.0));
        assert_eq!(
            state.answers(FormKey::Referral).get("referral_type"),
            Some(&Answer::Choice("anonymous".into()))
        );
        let state = reduce(state, consent(true, 2.0));
        assert_eq!(
            state.answers(FormKey::Referral).get("referral_type"),
            Some(&Answer::Choice("full".into()))
        );
    }

    #[test]
    fn unlocked_drafts_lock_without_taking_answers_no_draft_keeps() {
        let state = reduce(
            ShellState::default(),
            answer(FormKey::Identification, "dr_job", 1.0),
        );
        let state = reduce(
            state,
            ShellAction::DraftsUnlocked {
                key: draft_key(),
                drafts: vec![entry("Tuesday")],
                profile: None,
                at: 2.0,
            },
        );
        assert_eq!(state.drafts, [entry("Tuesday")]);
        let state = reduce(state, ShellAction::DraftLock);
        assert!(state.draft_key.is_none() && state.drafts.is_empty());
        assert!(!state.answers(FormKey::Identification).is_empty());
        // No draft held these answers: the form stays, with them.
        assert!(!state.draft_locked);
    }

    #[test]
    fn a_resumed_draft_replaces_the_persons_answers_and_waits_for_unloaded_forms() {
        let kept = |text: &str| Rc::new(Zeroizing::new(text.to_owned()));
        let state = reduce(
            ShellState::default(),
            ShellAction::Loaded(
                FormKey::Identification,
                built_in(FormKey::Identification),
                TODAY.into(),
            ),
        );
        let state = reduce(state, answer(FormKey::Identification, "dr_pay", 1.0));
        // Not unlocked: nothing is opened.
        let resume = |label: &str, forms: Vec<(FormKey, DraftAnswers)>| ShellAction::DraftResumed {
            draft: entry(label),
            forms,
            at: 5.0,
        };
        let locked = reduce(
            state.clone(),
            resume(
                "A",
                vec![(FormKey::Identification, kept(r#"{"dr_job":"yes"}"#))],
            ),
        );
        assert_eq!(locked, state);
        let state = reduce(
            state,
            ShellAction::DraftsUnlocked {
                key: draft_key(),
                drafts: vec![entry("A"), entry("B")],
                profile: None,
                at: 2.0,
            },
        );
        let person = state.person;
        let state = reduce(
            state,
            resume(
                "A",
                vec![
                    (FormKey::Identification, kept(r#"{"dr_job":"yes"}"#)),
                    (FormKey::Referral, kept(r#"{"subject_names":"CANARY-A"}"#)),
                ],
            ),
        );
        assert_ne!(state.person, person);
        assert_eq!(state.draft, Some(entry("A")));
        let checklist = state.answers(FormKey::Identification);
        assert_eq!(checklist.get("dr_job"), Some(&Answer::YesNo(YesNo::Yes)));
        assert_eq!(checklist.get("dr_pay"), None);
        // The referral is read when its definition is.
        assert!(state.pending.contains_key(&FormKey::Referral));
        let state = reduce(
            state,
            ShellAction::Loaded(FormKey::Referral, built_in(FormKey::Referral), TODAY.into()),
        );
        assert!(state.pending.is_empty());
        assert_eq!(
            state.answers(FormKey::Referral).get("subject_names"),
            Some(&Answer::Text("CANARY-A".into()))
        );
        // A draft that no longer fits its form closes, and is never written over.
        let state = reduce(
            state,
            resume(
                "B",
                vec![(FormKey::Identification, kept(r#"{"gone":"yes"}"#))],
            ),
        );
        assert!(state.draft.is_none() && state.draft_unreadable);
        // Deleting the open draft closes it; the answers stay, unsaved.
        let state = reduce(
            state,
            resume(
                "A",
                vec![(FormKey::Identification, kept(r#"{"dr_job":"yes"}"#))],
            ),
        );
        let state = reduce(state, ShellAction::DraftDeleted("person.A".into()));
        assert!(state.draft.is_none());
        assert_eq!(state.drafts, [entry("B")]);
        assert!(state.given(FormKey::Identification));
    }

    #[test]
    fn sealing_forgets_the_referral_and_shows_the_outbox() {
        let state = reduce(
            ShellState::default(),
            answer(FormKey::Referral, "age_disputed", 1.0),
        );
        let state = reduce(
            state,
            ShellAction::DraftKept {
                key: draft_key(),
                draft: entry("first"),
                at: 2.0,
            },
        );
        let state = reduce(
            state,
            ShellAction::Sealed(vec![
                outgoing("to-police", Delivery::Waiting),
                outgoing("to-shelter", Delivery::Waiting),
            ]),
        );
        assert!(state.answers(FormKey::Referral).is_empty());
        assert!(state.draft_key.is_none());
        assert_eq!(state.screen, Screen::Outbox);
        let ids: Vec<&str> = state.outbox.iter().map(|p| p.packet_id.as_str()).collect();
        assert_eq!(ids, ["to-police", "to-shelter"]);
    }

    /// The day the tests' forms are filled in.
    const TODAY: &str = "2026-12-01";

    /// A built-in form, as the app loads it.
    fn built_in(form: FormKey) -> SharedForm {
        let text = match form {
            FormKey::Identification => include_str!("../forms/identification.json"),
            FormKey::Referral => include_str!("../forms/referral.json"),
            FormKey::GroupFramework => include_str!("../forms/group-framework.json"),
            FormKey::GroupAgreement => include_str!("../forms/group-agreement.json"),
        };
        let definition = FormDefinition::parse(text).expect("a built-in form parses");
        SharedForm::new(definition, text.to_owned(), None)
    }

    fn choose(form: FormKey, field: &str, answer: Answer) -> ShellAction {
        ShellAction::Answer {
            form,
            field: field.into(),
            answer: Some(answer),
            at: 1.0,
        }
    }

    /// A checklist half answered for an adult, with both definitions loaded.
    fn checklist_begun() -> ShellState {
        let mut state = ShellState::default();
        for action in [
            ShellAction::Loaded(
                FormKey::Identification,
                built_in(FormKey::Identification),
                TODAY.into(),
            ),
            choose(
                FormKey::Identification,
                "age_group",
                Answer::Choice("adult".into()),
            ),
            choose(FormKey::Identification, "dr_job", Answer::YesNo(YesNo::Yes)),
        ] {
            state = reduce(state, action);
        }
        state
    }

    #[test]
    fn only_start_a_referral_carries_the_checklist_into_the_referral() {
        // Opened from home, the referral starts empty, however far the checklist went.
        let state = reduce(checklist_begun(), ShellAction::Open(Screen::Refer));
        let state = reduce(
            state,
            ShellAction::Loaded(FormKey::Referral, built_in(FormKey::Referral), TODAY.into()),
        );
        assert!(!state.given(FormKey::Referral));
        assert_eq!(state.answers(FormKey::Referral).get("age_group"), None);
        assert!(!state.prefilled);
        // "Start a referral" with the referral already loaded: it starts at once.
        let state = reduce(state, ShellAction::StartReferral);
        assert_eq!(state.screen, Screen::Refer);
        assert_eq!(
            state.answers(FormKey::Referral).get("age_group"),
            Some(&Answer::Choice("adult".into()))
        );
        assert!(state.prefilled && !state.carry_forward);
        // Before the referral is loaded: it starts once it is, once.
        let state = reduce(checklist_begun(), ShellAction::StartReferral);
        assert!(state.carry_forward);
        let state = reduce(
            state,
            ShellAction::Loaded(FormKey::Referral, built_in(FormKey::Referral), TODAY.into()),
        );
        assert!(state.prefilled && !state.carry_forward);
        assert!(state.answers(FormKey::Referral).get("age_group").is_some());
    }

    #[test]
    fn dates_about_today_start_as_today_and_are_not_the_workers_to_lose() {
        let state = reduce(
            ShellState::default(),
            ShellAction::Loaded(
                FormKey::Identification,
                built_in(FormKey::Identification),
                TODAY.into(),
            ),
        );
        let today = Some(Answer::Date(TODAY.into()));
        assert_eq!(
            state.answers(FormKey::Identification).get("id_date"),
            today.as_ref()
        );
        // Opened and left alone, the checklist holds nothing the worker gave.
        assert!(!state.given(FormKey::Identification));
        // The checklist's own day of identification reaches the referral over the
        // referral's starting day, which a later load never puts back.
        let state = reduce(
            state,
            ShellAction::Loaded(FormKey::Referral, built_in(FormKey::Referral), TODAY.into()),
        );
        assert!(!state.given(FormKey::Referral));
        let state = reduce(
            state,
            choose(
                FormKey::Identification,
                "id_date",
                Answer::Date("2026-11-20".into()),
            ),
        );
        assert!(state.given(FormKey::Identification));
        let state = reduce(state, ShellAction::StartReferral);
        let state = reduce(
            state,
            ShellAction::Loaded(FormKey::Referral, built_in(FormKey::Referral), TODAY.into()),
        );
        let referral = state.answers(FormKey::Referral);
        assert_eq!(
            referral.get("identification_date"),
            Some(&Answer::Date("2026-11-20".into()))
        );
        assert_eq!(referral.get("consent_date"), today.as_ref());
        assert!(state.given(FormKey::Referral));
        // A date changed by the worker is theirs, whatever day it names.
        let state = reduce(
            state,
            ShellAction::Loaded(
                FormKey::GroupAgreement,
                built_in(FormKey::GroupAgreement),
                TODAY.into(),
            ),
        );
        assert!(!state.given(FormKey::GroupAgreement));
    }

    #[test]
    fn marking_the_rest_not_asked_is_one_move_and_undone_in_one() {
        let state = checklist_begun();
        let definition = built_in(FormKey::Identification);
        let remaining = definition.unanswered_yes_no(&state.answers(FormKey::Identification));
        assert!(
            remaining.len() > 10,
            "only {} questions left",
            remaining.len()
        );
        let state = reduce(
            state,
            ShellAction::MarkNotAsked {
                form: FormKey::Identification,
                at: 2.0,
            },
        );
        let answers = state.answers(FormKey::Identification);
        for field in &remaining {
            assert_eq!(
                answers.get(field),
                Some(&Answer::YesNo(YesNo::NotAsked)),
                "{field}"
            );
        }
        // What was answered before is untouched.
        assert_eq!(answers.get("dr_job"), Some(&Answer::YesNo(YesNo::Yes)));
        // One question is answered again after the marking; the undo leaves it.
        let changed = remaining[0].clone();
        let state = reduce(
            state,
            choose(FormKey::Identification, &changed, Answer::YesNo(YesNo::No)),
        );
        // Another form's undo takes back nothing.
        let same = reduce(state.clone(), ShellAction::UndoNotAsked(FormKey::Referral));
        assert_eq!(same, state);
        let state = reduce(state, ShellAction::UndoNotAsked(FormKey::Identification));
        let answers = state.answers(FormKey::Identification);
        assert_eq!(answers.get(&changed), Some(&Answer::YesNo(YesNo::No)));
        for field in &remaining[1..] {
            assert_eq!(answers.get(field), None, "{field}");
        }
        assert_eq!(answers.get("dr_job"), Some(&Answer::YesNo(YesNo::Yes)));
        assert!(state.marked.is_none());
        // Nothing left to mark: nothing changes, and no undo is offered.
        let marked = reduce(
            state,
            ShellAction::MarkNotAsked {
                form: FormKey::Identification,
                at: 3.0,
            },
        );
        let again = Rc::new(marked.clone());
        assert!(Rc::ptr_eq(
            &again,
            &again.clone().reduce(ShellAction::MarkNotAsked {
                form: FormKey::Identification,
                at: 4.0,
            })
        ));
    }

    #[test]
    fn a_new_person_and_a_sent_referral_leave_nothing_of_the_last_person() {
        let begun = || {
            let state = reduce(checklist_begun(), ShellAction::StartReferral);
            let state = reduce(
                state,
                ShellAction::Loaded(FormKey::Referral, built_in(FormKey::Referral), TODAY.into()),
            );
            let state = reduce(
                state,
                ShellAction::DraftKept {
                    key: draft_key(),
                    draft: entry("first"),
                    at: 2.0,
                },
            );
            reduce(
                state,
                ShellAction::MarkNotAsked {
                    form: FormKey::Identification,
                    at: 3.0,
                },
            )
        };
        let state = begun();
        assert!(!state.answers(FormKey::Referral).is_empty());
        let state = reduce(state, ShellAction::NewPerson);
        assert_eq!(state.screen, Screen::Identify);
        for form in [FormKey::Identification, FormKey::Referral] {
            assert!(state.answers(form).is_empty(), "{form:?}");
        }
        assert!(state.draft_key.is_none() && state.marked.is_none());
        assert!(!state.prefilled && !state.carry_forward);
        // The definitions stay: they are the deployment's, not the person's.
        assert_eq!(state.loaded.len(), 2);
        // Opening the referral now starts it afresh: nothing but its dates about today.
        let state = reduce(
            state,
            ShellAction::Loaded(FormKey::Referral, built_in(FormKey::Referral), TODAY.into()),
        );
        assert!(!state.given(FormKey::Referral));
        assert_eq!(state.answers(FormKey::Referral).get("age_group"), None);

        // The agency the worker sends for is theirs, not the person's: it stays.
        let state = reduce(begun(), ShellAction::Sender(Some("outreach-kid".into())));
        let state = reduce(
            state,
            ShellAction::Sealed(vec![outgoing("sent", Delivery::Waiting)]),
        );
        assert_eq!(state.sender.as_deref(), Some("outreach-kid"));
        let state = reduce(state, ShellAction::NewPerson);
        assert_eq!(state.sender.as_deref(), Some("outreach-kid"));
        for form in [FormKey::Identification, FormKey::Referral] {
            assert!(state.answers(form).is_empty(), "{form:?}");
        }
        assert!(state.marked.is_none() && state.draft_key.is_none());
    }

    #[test]
    fn the_outbox_follows_storage_and_keeps_this_sessions_deliveries() {
        let state = reduce(
            ShellState::default(),
            ShellAction::Sealed(vec![
                outgoing("a", Delivery::Waiting),
                outgoing("b", Delivery::Waiting),
            ]),
        );
        let state = reduce(
            state,
            ShellAction::Tried(Tried::Retry {
                packet_id: "a".into(),
                kind: "unreachable".into(),
                attempts: 2,
            }),
        );
        assert_eq!(state.outbox[0].attempts, 2);
        assert_eq!(state.outbox[0].last_error.as_deref(), Some("unreachable"));
        let state = reduce(
            state,
            ShellAction::Tried(Tried::Stored {
                packet_id: "b".into(),
            }),
        );
        assert_eq!(state.outbox[1].delivery, Delivery::Delivered);
        // Storage now holds only `a` (b left it when delivered): `a` keeps its tries, and
        // `b` stays in the list, delivered, until the app closes.
        let stored = StoredOutbox {
            packets: vec![outgoing("a", Delivery::Waiting)],
            unreadable: vec![Unreadable {
                key: "confidant.outbox.x".into(),
                text: "?".into(),
            }],
        };
        let state = reduce(state, ShellAction::Outbox(stored.clone()));
        let ids: Vec<(&str, u32)> = state
            .outbox
            .iter()
            .map(|p| (p.packet_id.as_str(), p.attempts))
            .collect();
        assert_eq!(ids, [("a", 2), ("b", 1)]);
        assert_eq!(state.outbox_unreadable.len(), 1);
        // Reading the same storage again changes nothing (and renders nothing).
        let again = Rc::new(state.clone());
        assert!(Rc::ptr_eq(
            &again,
            &again.clone().reduce(ShellAction::Outbox(stored))
        ));
        let state = reduce(
            state,
            ShellAction::Tried(Tried::Refused {
                packet_id: "a".into(),
                kind: "unknown_recipient".into(),
            }),
        );
        assert_eq!(
            state.outbox[0].delivery,
            Delivery::Refused("unknown_recipient".into())
        );
    }

    #[test]
    fn the_directory_is_kept_through_a_failed_refresh_and_a_confirmed_change_is_trusted() {
        use confidant_core::agency::{AgencyKind, Change, DirectoryEntry};
        use confidant_core::keys::AgencyKeyPair;
        let key = AgencyKeyPair::generate(&mut getrandom::SysRng)
            .expect("randomness")
            .public;
        let kid = key.kid().to_owned();
        let directory = Directory {
            entries: vec![DirectoryEntry {
                key,
                name: "Shelter North".into(),
                kind: AgencyKind::Shelter,
                signing_key: None,
                endorsed: false,
            }],
            refused: Vec::new(),
        };
        let ready = Listing::Ready(Rc::new(directory), vec![Trust::Changed(vec![Change::Kind])]);
        let state = reduce(ShellState::default(), ShellAction::Directory(ready.clone()));
        let state = reduce(state, ShellAction::Directory(Listing::Failed));
        assert_eq!(state.directory, ready);
        let state = reduce(state, ShellAction::Confirmed(kid));
        let Listing::Ready(_, trust) = &state.directory else {
            panic!("the directory is gone");
        };
        assert_eq!(trust, &[Trust::Known]);
        // Never read, then failing: the failure is what the review shows.
        let state = reduce(
            ShellState::default(),
            ShellAction::Directory(Listing::Failed),
        );
        assert_eq!(state.directory, Listing::Failed);
    }
}
