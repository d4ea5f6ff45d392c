//! The receiving agency's inbox: unlocked with the agency's key file, its passphrase and
//! the inbox credential; each waiting packet fetched, opened and read in the page; a
//! referral shown read-only from the definition it carries, and printed on purpose.
//!
//! Nothing of it is ever stored. The key, the credential and every opened referral live
//! in this screen's memory only, and are dropped (the key wiped) when the inbox locks:
//! by the button, after the chosen idle time, on leaving the screen, or by the quick
//! exit, which leaves the page altogether.
//!
//! One thing outlives leaving the screen: the keyring's signing key, handed to the shell
//! so that the referrals the worker sends are signed as their agency's. It goes with the
//! inbox's lock button and idle lock, after the drafts' idle time without an answer, and
//! with the quick exit.
//!
//! Each packet says who signed it, judged by `confidant_core::agency::sender` against the
//! directory as this device pinned it: signed by a named agency, signed by a key nobody
//! lists, or not signed. A packet one agency signed in another's name is refused.

use std::cell::Cell;
use std::rc::Rc;

use confidant_core::acknowledgment::{
    ACKNOWLEDGMENT_FORM_ID, AckState, Acknowledgment, DeclineReason, MAX_NOTE_CHARS,
};
use confidant_core::agency::{self, Directory, DirectoryEntry, Sender, SenderRefusal, Trust};
use confidant_core::draft::Derivation;
use confidant_core::form::{Definitions, FieldKind, ReceivedError, ReceivedReferral, Withheld};
use confidant_core::keys::{KeyFile, KeyFileError, Keyring, MAX_KEY_FILE_LEN};
use confidant_core::packet::{Packet, Recipient, reference_code};
use confidant_core::signing::SigningPublicKey;
use wasm_bindgen::JsCast;
use yew::prelude::*;
use zeroize::Zeroizing;

use crate::browser::network::{self, NetworkError, Upload, Waiting};
use crate::browser::{backup_checks, clock, derive, files, intl, print};
use crate::components::form_view::answer_text;
use crate::components::keyring_setup::{KeyringSetup, RingToRotate};
use crate::components::screen_heading::ScreenHeading;
use crate::components::take_secret;
use crate::forms::FormKey;
use crate::interface_text::{Words, only_for};
use crate::screens::outbox::recipient_name;
use crate::state::{Listing, SharedSigner};

/// The idle times the worker may choose, in minutes; the first is the default.
const LOCK_AFTER_MINUTES: [u32; 4] = [10, 5, 15, 30];

/// How long to wait when the server says too many requests (it asks for 60 s, the
/// length of its window; half of it is usually enough), and how many times.
const LIMITED_PAUSE_MS: i32 = 30_000;
const RETRIES_WHEN_LIMITED: u32 = 6;

/// What the unlocked inbox holds: the agency's key and its credential, in memory only.
/// Dropping it wipes the key (and the credential's copy here).
struct Unlocked {
    /// The agency's keyring: its current key, and former ones for packets sealed to them
    /// before a rotation.
    ring: Rc<Keyring>,
    credential: Zeroizing<String>,
}

/// Why the inbox did not unlock. None of them changes anything.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum UnlockProblem {
    NoFile,
    NotKeyFile,
    WrongPassphrase,
    CredentialRefused,
    Unreachable,
}

/// What a waiting packet turned out to be. Compared by identity where it holds what was
/// read, so that the list renders again only the packets that changed.
#[derive(Clone, Debug)]
enum Opened {
    Opening,
    Read(Rc<ReceivedReferral>),
    /// Another agency's answer to one of this agency's referrals.
    Answer(Rc<Acknowledgment>),
    /// The server asked to slow down (its limit of requests per client); tried again.
    Limited,
    Unfetched,
    Damaged,
    NotForThisKey,
    Tampered,
    NotAReferral,
    BadForm,
}

impl PartialEq for Opened {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::Read(one), Self::Read(other)) => Rc::ptr_eq(one, other),
            (Self::Answer(one), Self::Answer(other)) => Rc::ptr_eq(one, other),
            _ => {
                std::mem::discriminant(self) == std::mem::discriminant(other)
                    && !matches!(self, Self::Read(_) | Self::Answer(_))
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
struct Entry {
    waiting: Waiting,
    opened: Opened,
    /// The key whose signature the packet carried, verified; `None` when unsigned.
    signer: Option<SigningPublicKey>,
    /// The key ids the packet is sealed to, once it was read; what retiring a key checks.
    sealed_to: Option<Vec<String>>,
}

/// What opening a packet learnt besides what it is.
#[derive(Clone, Debug, Default, PartialEq)]
struct Seen {
    signer: Option<SigningPublicKey>,
    sealed_to: Option<Vec<String>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sort {
    Received,
    Urgency,
    Sealed,
}

/// What the list is narrowed to, by what the opened packets say: the form (or answers to
/// this agency's referrals), the urgency chosen, and the key that sealed it. Empty shows
/// everything. It lives with the opened packets, in memory only.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Filter {
    /// A referral form's id, or [`ACKNOWLEDGMENT_FORM_ID`] for answers.
    kind: Option<String>,
    /// The id of the urgency chosen in the referral.
    urgency: Option<String>,
    /// The kid of the key the packet says sealed it.
    sender: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FilterBy {
    Kind,
    Urgency,
    Sender,
}

impl Filter {
    fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    fn set(&mut self, by: FilterBy, value: Option<String>) {
        *match by {
            FilterBy::Kind => &mut self.kind,
            FilterBy::Urgency => &mut self.urgency,
            FilterBy::Sender => &mut self.sender,
        } = value;
    }

    /// Whether `entry` passes: a packet not (yet) read passes only an empty filter.
    fn passes(&self, entry: &Entry) -> bool {
        if self.is_empty() {
            return true;
        }
        let facts = facts(entry);
        let wanted = |want: &Option<String>, have: Option<&str>| {
            want.as_deref().is_none_or(|want| have == Some(want))
        };
        facts.is_some_and(|facts| {
            wanted(&self.kind, Some(facts.kind))
                && wanted(&self.urgency, facts.urgency)
                && wanted(&self.sender, Some(facts.sender))
        })
    }
}

/// What an opened packet says that the list filters by.
struct Facts<'a> {
    kind: &'a str,
    urgency: Option<&'a str>,
    sender: &'a str,
}

fn facts(entry: &Entry) -> Option<Facts<'_>> {
    match &entry.opened {
        Opened::Read(referral) => Some(Facts {
            kind: &referral.form.id,
            urgency: match referral.answers.get("urgency") {
                Some(confidant_core::form::Answer::Choice(id)) => Some(id),
                _ => None,
            },
            sender: referral.sender.kid(),
        }),
        Opened::Answer(answer) => Some(Facts {
            kind: ACKNOWLEDGMENT_FORM_ID,
            urgency: None,
            sender: answer.from.kid(),
        }),
        _ => None,
    }
}

#[derive(Clone, Default)]
struct InboxState {
    /// The unlocked key and credential; work started under one unlock finds, by pointer,
    /// whether its inbox is still the open one.
    unlocked: Option<Rc<Unlocked>>,
    unlocking: bool,
    problem: Option<UnlockProblem>,
    locked_idle: bool,
    entries: Vec<Entry>,
    reading: Option<String>,
    sort: Option<Sort>,
    filter: Filter,
    print_asked: bool,
    /// How many of the sorted packets the list shows: a page at a time, so that a full
    /// inbox never renders at once.
    pages: usize,
}

/// The packets the list shows per page.
const PAGE: usize = 20;

fn same_unlock(one: Option<&Rc<Unlocked>>, other: Option<&Rc<Unlocked>>) -> bool {
    match (one, other) {
        (Some(one), Some(other)) => Rc::ptr_eq(one, other),
        (None, None) => true,
        _ => false,
    }
}

impl PartialEq for InboxState {
    fn eq(&self, other: &Self) -> bool {
        same_unlock(self.unlocked.as_ref(), other.unlocked.as_ref())
            && self.unlocking == other.unlocking
            && self.problem == other.problem
            && self.locked_idle == other.locked_idle
            && self.entries == other.entries
            && self.reading == other.reading
            && self.sort == other.sort
            && self.filter == other.filter
            && self.print_asked == other.print_asked
            && self.pages == other.pages
    }
}

enum Action {
    Unlocking,
    Problem(UnlockProblem),
    Unlocked(Rc<Unlocked>, Vec<Waiting>),
    /// Packets opened since the last report, by id, with the key that signed each.
    Opened(Rc<Unlocked>, Vec<(String, Opened, Seen)>),
    Read(Option<String>),
    Sort(Sort),
    Filter(FilterBy, Option<String>),
    AskPrint(bool),
    MorePages,
    Lock {
        idle: bool,
    },
}

impl Reducible for InboxState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut state = (*self).clone();
        match action {
            Action::Unlocking => {
                state.unlocking = true;
                state.problem = None;
                state.locked_idle = false;
            }
            Action::Problem(problem) => {
                state.unlocking = false;
                state.problem = Some(problem);
            }
            Action::Unlocked(unlocked, waiting) => {
                state.unlocking = false;
                state.pages = 1;
                state.unlocked = Some(unlocked);
                state.entries = waiting
                    .into_iter()
                    .map(|waiting| Entry {
                        waiting,
                        opened: Opened::Opening,
                        signer: None,
                        sealed_to: None,
                    })
                    .collect();
            }
            Action::Opened(unlock, opened) => {
                if !same_unlock(state.unlocked.as_ref(), Some(&unlock)) {
                    return self;
                }
                for (id, opened, seen) in opened {
                    if let Some(entry) =
                        state.entries.iter_mut().find(|e| e.waiting.packet_id == id)
                    {
                        entry.opened = opened;
                        entry.signer = seen.signer;
                        entry.sealed_to = seen.sealed_to;
                    }
                }
            }
            Action::Read(id) => {
                state.reading = id;
                state.print_asked = false;
            }
            Action::Sort(sort) => state.sort = Some(sort),
            Action::Filter(by, value) => {
                state.filter.set(by, value);
                state.pages = 1;
            }
            Action::AskPrint(asked) => state.print_asked = asked,
            Action::MorePages => state.pages += 1,
            Action::Lock { idle } => {
                // Everything opened goes with the key.
                state = InboxState {
                    locked_idle: idle,
                    sort: state.sort,
                    ..InboxState::default()
                };
            }
        }
        Rc::new(state)
    }
}

/// Lists the inbox with `credential`, then unlocks `key_file` with `passphrase` (the
/// derivation in the worker): the credential is checked first, since it costs nothing.
async fn unlock(
    key_file: web_sys::File,
    passphrase: Zeroizing<String>,
    credential: Zeroizing<String>,
) -> Result<(Unlocked, Vec<Waiting>), UnlockProblem> {
    let text = Zeroizing::new(
        files::read_text(&key_file, MAX_KEY_FILE_LEN)
            .await
            .map_err(|_| UnlockProblem::NotKeyFile)?,
    );
    let (params, salt) = KeyFile::kdf(&text).map_err(|_| UnlockProblem::NotKeyFile)?;
    if credential.trim().is_empty() {
        return Err(UnlockProblem::CredentialRefused);
    }
    let waiting = network::inbox(credential.trim())
        .await
        .map_err(|error| match error {
            NetworkError::Status(401 | 403) => UnlockProblem::CredentialRefused,
            _ => UnlockProblem::Unreachable,
        })?;
    if passphrase.is_empty() {
        return Err(UnlockProblem::WrongPassphrase);
    }
    let key = derive::derive(&passphrase, Derivation { params, salt })
        .await
        .map_err(|_| UnlockProblem::NotKeyFile)?;
    let ring = KeyFile::open_ring_with_key(&text, &key).map_err(|error| match error {
        KeyFileError::CouldNotOpen => UnlockProblem::WrongPassphrase,
        _ => UnlockProblem::NotKeyFile,
    })?;
    // The keyring's file opened with its passphrase: that is a backup check.
    let former: Vec<&str> = ring.former.iter().map(|pair| pair.public.kid()).collect();
    backup_checks::checked(ring.current.public.kid(), &former);
    let credential = Zeroizing::new(credential.trim().to_owned());
    Ok((
        Unlocked {
            ring: Rc::new(ring),
            credential,
        },
        waiting,
    ))
}

/// Fetches and opens one packet: what it is, the key that signed it, and the keys it is
/// sealed to.
async fn open_one(
    unlocked: &Unlocked,
    packet_id: &str,
    definitions: &mut Definitions,
) -> (Opened, Seen) {
    let mut seen = Seen::default();
    let opened = read_one(unlocked, packet_id, definitions, &mut seen).await;
    (opened, seen)
}

/// Fetches and opens one packet: every way it can fail is told apart, so that one bad
/// packet says what is wrong with it and the rest of the inbox reads on. A signature that
/// does not hold is tampering, like a tag that does not.
async fn read_one(
    unlocked: &Unlocked,
    packet_id: &str,
    definitions: &mut Definitions,
    seen: &mut Seen,
) -> Opened {
    let text = match network::inbox_packet(&unlocked.credential, packet_id).await {
        Ok(text) => text,
        Err(NetworkError::Status(429)) => return Opened::Limited,
        Err(_) => return Opened::Unfetched,
    };
    let text = Zeroizing::new(text);
    clock::sleep(0).await;
    let Ok(packet) = Packet::parse(&text) else {
        return Opened::Damaged;
    };
    seen.sealed_to = Some(packet.recipient_ids().map(str::to_owned).collect());
    let Some(pair) = packet
        .recipients()
        .iter()
        .find_map(|recipient| unlocked.ring.get(recipient.kid()))
    else {
        return Opened::NotForThisKey;
    };
    // Each step is a task of its own, so that the page answers between them.
    clock::sleep(0).await;
    let Ok(opened) = packet.open_with_key(&pair.secret) else {
        return Opened::Tampered;
    };
    clock::sleep(0).await;
    // The server lists the packet under the id its sealed label says, or it swapped them.
    if opened.meta().packet_id() != packet_id {
        return Opened::Tampered;
    }
    seen.signer = opened.signer().cloned();
    let meta = opened.meta();
    if meta.form_id() == ACKNOWLEDGMENT_FORM_ID {
        return match Acknowledgment::read(
            opened.payload_json(),
            meta.form_id(),
            meta.form_version(),
        ) {
            Ok(answer) => Opened::Answer(Rc::new(answer)),
            Err(_) => Opened::NotAReferral,
        };
    }
    // The form's definition is most of the work of the first referral of a form: a task
    // of its own, so that no single step holds the page for long.
    definitions.prepare(opened.payload_json());
    clock::sleep(0).await;
    match ReceivedReferral::read_with(
        opened.payload_json(),
        meta.form_id(),
        meta.form_version(),
        definitions,
    ) {
        Ok(referral) => Opened::Read(Rc::new(referral)),
        Err(ReceivedError::NotAReferral(_) | ReceivedError::UnsupportedVersion(_)) => {
            Opened::NotAReferral
        }
        Err(_) => Opened::BadForm,
    }
}

/// Where the chosen answer of `field` stands among its choices (the first most urgent);
/// unanswered last.
fn choice_rank(referral: &ReceivedReferral, field: &str) -> usize {
    let chosen = match referral.answers.get(field) {
        Some(confidant_core::form::Answer::Choice(id)) => id,
        _ => return usize::MAX,
    };
    match referral.form.field(field).map(|field| &field.kind) {
        Some(FieldKind::SingleChoice(options)) => options
            .iter()
            .position(|option| &option.id == chosen)
            .unwrap_or(usize::MAX),
        _ => usize::MAX,
    }
}

fn sorted(entries: &[Entry], sort: Sort) -> Vec<&Entry> {
    let mut sorted: Vec<&Entry> = entries.iter().collect();
    let referral = |entry: &Entry| match &entry.opened {
        Opened::Read(referral) => Some(referral.clone()),
        _ => None,
    };
    match sort {
        Sort::Received => sorted.sort_by_key(|entry| std::cmp::Reverse(entry.waiting.received)),
        Sort::Sealed => sorted.sort_by_key(|entry| {
            std::cmp::Reverse(referral(entry).map_or(0, |r| r.sealed_at_unix_seconds))
        }),
        Sort::Urgency => sorted.sort_by_key(|entry| {
            (
                referral(entry).map_or(usize::MAX, |r| choice_rank(&r, "urgency")),
                std::cmp::Reverse(entry.waiting.received),
            )
        }),
    }
    sorted
}

/// Whether `problem` means the keyring file did not open: a failed backup check when one
/// was due.
fn drill_failed(problem: UnlockProblem) -> bool {
    matches!(
        problem,
        UnlockProblem::WrongPassphrase | UnlockProblem::NotKeyFile
    )
}

fn problem_text(problem: UnlockProblem, words: &Words) -> &'static str {
    match problem {
        UnlockProblem::NoFile => words.unlock_no_file(),
        UnlockProblem::NotKeyFile => words.unlock_not_key_file(),
        UnlockProblem::WrongPassphrase => words.unlock_wrong_passphrase(),
        UnlockProblem::CredentialRefused => words.unlock_credential_refused(),
        UnlockProblem::Unreachable => words.unlock_unreachable(),
    }
}

fn opened_problem(opened: &Opened, words: &Words) -> Option<&'static str> {
    Some(match opened {
        Opened::Opening | Opened::Limited | Opened::Read(_) | Opened::Answer(_) => return None,
        Opened::Unfetched => words.packet_unfetched(),
        Opened::Damaged => words.packet_damaged(),
        Opened::NotForThisKey => words.packet_not_for_key(),
        Opened::Tampered => words.packet_tampered(),
        Opened::NotAReferral => words.packet_not_referral(),
        Opened::BadForm => words.packet_bad_form(),
    })
}

/// The reference of a packet in the inbox that, of the ring's keys, only `kid` opens, or
/// that was not read (so might be one): what stops `kid` from being retired.
fn needed_by(entries: &[Entry], ring: &Keyring, kid: &str) -> Option<String> {
    entries
        .iter()
        .find(|entry| match &entry.sealed_to {
            None => true,
            Some(kids) => {
                kids.iter().any(|sealed| sealed == kid)
                    && !kids
                        .iter()
                        .any(|sealed| sealed != kid && ring.get(sealed).is_some())
            }
        })
        .map(|entry| reference_code(&entry.waiting.packet_id).unwrap_or_default())
}

/// The ring's former keys, each of which may be retired once nothing in the inbox needs
/// it; the retirement makes a new keyring file without it.
fn former_keys(
    state: &InboxState,
    ring: &Keyring,
    retiring: &UseStateHandle<Option<String>>,
    refused: &UseStateHandle<Option<String>>,
    words: &'static Words,
) -> Html {
    if ring.former.is_empty() {
        return html! {};
    }
    html! {
        <section class="former-keys no-print" id="former-keys" aria-labelledby="former-keys-title">
            <h2 id="former-keys-title">{ words.former_keys() }</h2>
            <p class="help">{ words.former_keys_help() }</p>
            <ul>
                { for ring.former.iter().enumerate().map(|(i, pair)| {
                    let kid = pair.public.kid().to_owned();
                    let blocker = needed_by(&state.entries, ring, &kid);
                    let onretire = {
                        let (retiring, refused) = (retiring.clone(), refused.clone());
                        Callback::from(move |_: MouseEvent| match &blocker {
                            Some(reference) => refused.set(Some(reference.clone())),
                            None => {
                                refused.set(None);
                                retiring.set(Some(kid.clone()));
                            }
                        })
                    };
                    html! {
                        <li>
                            <code dir="ltr">{ pair.public.fingerprint() }</code>{ " " }
                            <button type="button" class="secondary" id={format!("retire-{i}")} onclick={onretire}>
                                { words.retire_key() }
                            </button>
                        </li>
                    }
                }) }
            </ul>
            if let Some(reference) = &**refused {
                <p class="error" id="retire-refused" role="alert">
                    { words.retire_refused().replace("{reference}", reference) }
                </p>
            }
        </section>
    }
}

/// The directory's entries this device trusts: pinned, and unchanged since.
fn trusted(listing: &Listing) -> Vec<DirectoryEntry> {
    match listing {
        Listing::Ready(directory, trust) => directory
            .entries
            .iter()
            .zip(trust)
            .filter(|(_, trust)| !matches!(trust, Trust::Changed(_)))
            .map(|(entry, _)| entry.clone())
            .collect(),
        Listing::NotLoaded | Listing::Failed => Vec::new(),
    }
}

/// Who sent an opened packet, as its signature and the trusted directory tell it.
fn sender_of<'a>(
    entry: &Entry,
    trusted: &'a [DirectoryEntry],
) -> Option<Result<Sender<'a>, SenderRefusal>> {
    let facts = facts(entry)?;
    Some(agency::sender(trusted, entry.signer.as_ref(), facts.sender))
}

/// "Signed by …", "signed with a key nobody lists" or "not signed", for one packet.
fn signature_html(sender: &Sender<'_>, id: Option<&'static str>, words: &Words) -> Html {
    let (signed, text) = match sender {
        Sender::SignedBy(entry) => (
            "yes",
            words.signed_by().replace("{name}", &entry.name).replace(
                "{fingerprint}",
                &entry
                    .signing_key
                    .as_ref()
                    .map(SigningPublicKey::fingerprint)
                    .unwrap_or_default(),
            ),
        ),
        Sender::SignedByUnknownKey { fingerprint } => (
            "unknown",
            words
                .signed_by_unknown_key()
                .replace("{fingerprint}", fingerprint),
        ),
        Sender::NotSigned => ("no", words.not_signed().to_owned()),
    };
    let class = if signed == "yes" {
        "signature"
    } else {
        "signature unverified"
    };
    html! { <p {class} {id} data-signed={signed}>{ text }</p> }
}

fn forged_text(refusal: &SenderRefusal, words: &Words) -> String {
    match refusal {
        SenderRefusal::NotTheSender { signed_by, claims } => words
            .packet_forged()
            .replace("{signer}", signed_by)
            .replace("{claims}", claims),
    }
}

/// How the sender is named: as the directory lists the key inside the packet, or as a
/// key not in the directory, with its fingerprint.
fn sender_name(
    referral: &ReceivedReferral,
    directory: Option<&Directory>,
    words: &Words,
) -> String {
    recipient_name(referral.sender.kid(), directory, words)
}

/// A referral this browser sealed, as its outbox keeps it.
#[derive(Clone, Debug, PartialEq)]
pub struct SentReferral {
    pub packet_id: String,
    /// The day it was sealed (seconds since the epoch).
    pub day: u64,
    /// The key ids it was sealed to.
    pub recipients: Vec<String>,
}

#[derive(Debug, Properties, PartialEq)]
pub struct InboxProps {
    /// The agency directory, to name senders (read at the root).
    pub directory: Listing,
    /// The referrals this browser sealed, from its outbox: an answer names the one it
    /// answers.
    pub sent: Vec<SentReferral>,
    pub language: AttrValue,
    /// The unlocked keyring's signing key, for the shell to sign what the worker sends
    /// (`None` when the keyring locks).
    #[prop_or_default]
    pub onsigner: Callback<Option<SharedSigner>>,
}

/// The inbox screen: the unlock form, then the list of waiting packets, or one referral.
#[function_component(Inbox)]
pub fn inbox(props: &InboxProps) -> Html {
    let words = crate::interface_text::for_language(&props.language);
    let state = use_reducer(InboxState::default);
    let key_file = use_node_ref();
    let passphrase = use_node_ref();
    let credential = use_node_ref();
    let idle_minutes = use_mut_ref(|| LOCK_AFTER_MINUTES[0]);
    // Making a new keyring instead of unlocking one, or adding a key to the unlocked one.
    let creating = use_state(|| false);
    let rotating = use_state(|| false);
    // Retiring a former key (its key id), and why the last one asked for was refused.
    let retiring = use_state(|| None::<String>);
    let retire_refused = use_state(|| None::<String>);
    let last_activity = use_mut_ref(|| Rc::new(Cell::new(clock::now_millis())));

    // The list's dates need the browser's date format, slow to make the first time (tens
    // of milliseconds on a slow phone): it is made while the worker chooses the key file
    // and types, not while the inbox opens.
    use_effect_with(props.language.clone(), |language| {
        let language = language.to_string();
        wasm_bindgen_futures::spawn_local(async move {
            clock::sleep(100).await;
            intl::day(0, &language);
        });
    });

    // Any key or touch is activity; the inbox locks after the chosen time without any.
    {
        let last_activity = last_activity.borrow().clone();
        let unlocked = state.unlocked.is_some();
        let dispatcher = state.dispatcher();
        let idle_minutes = idle_minutes.clone();
        let onsigner = props.onsigner.clone();
        use_effect_with(unlocked, move |unlocked| {
            let listeners = unlocked.then(|| {
                last_activity.set(clock::now_millis());
                let document = gloo::utils::document();
                let touched = |name: &'static str| {
                    let last_activity = last_activity.clone();
                    gloo::events::EventListener::new(&document, name, move |_| {
                        last_activity.set(clock::now_millis());
                    })
                };
                let listeners = [touched("keydown"), touched("pointerdown")];
                let ticker = clock::every(5_000, move || {
                    let limit = f64::from(*idle_minutes.borrow()) * 60_000.0;
                    if clock::now_millis() - last_activity.get() > limit {
                        dispatcher.dispatch(Action::Lock { idle: true });
                        onsigner.emit(None);
                    }
                });
                (listeners, ticker)
            });
            move || drop(listeners)
        });
    }

    let onunlock = {
        let state = state.clone();
        let onsigner = props.onsigner.clone();
        let (key_file, passphrase, credential) =
            (key_file.clone(), passphrase.clone(), credential.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if state.unlocking {
                return;
            }
            let file = key_file
                .cast::<web_sys::HtmlInputElement>()
                .and_then(|input| input.files())
                .and_then(|files| files.get(0));
            let (secret, token) = (take_secret(&passphrase), take_secret(&credential));
            let Some(file) = file else {
                state.dispatch(Action::Problem(UnlockProblem::NoFile));
                return;
            };
            state.dispatch(Action::Unlocking);
            let dispatcher = state.dispatcher();
            let onsigner = onsigner.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match unlock(file, secret, token).await {
                    Err(problem) => dispatcher.dispatch(Action::Problem(problem)),
                    Ok((unlocked, waiting)) => {
                        if let Some(signing) = &unlocked.ring.signing {
                            onsigner.emit(Some(SharedSigner(Rc::new(signing.clone()))));
                        }
                        // The key was opened in this task; the list renders in the next.
                        clock::sleep(0).await;
                        let unlocked = Rc::new(unlocked);
                        let ids: Vec<String> =
                            waiting.iter().map(|w| w.packet_id.clone()).collect();
                        dispatcher.dispatch(Action::Unlocked(unlocked.clone(), waiting));
                        open_all(dispatcher, unlocked, ids).await;
                    }
                }
            });
        })
    };

    // One callback for the whole life of the screen, so that a packet's entry that did
    // not change compares equal and is not rendered again.
    let onread = {
        let dispatcher = state.dispatcher();
        use_callback((), move |id: String, ()| {
            dispatcher.dispatch(Action::Read(Some(id)))
        })
    };
    // A lock (by the button, the idle time or leaving) also ends a rotation or a
    // retirement under way.
    {
        let (rotating, retiring, retire_refused) =
            (rotating.clone(), retiring.clone(), retire_refused.clone());
        use_effect_with(state.unlocked.is_some(), move |unlocked| {
            if !*unlocked {
                rotating.set(false);
                retiring.set(None);
                retire_refused.set(None);
            }
        });
    }
    let onrotate = {
        let rotating = rotating.clone();
        Callback::from(move |_: MouseEvent| rotating.set(true))
    };
    let onlock = {
        let dispatcher = state.dispatcher();
        let onsigner = props.onsigner.clone();
        Callback::from(move |_: MouseEvent| {
            dispatcher.dispatch(Action::Lock { idle: false });
            onsigner.emit(None);
        })
    };

    let body = match (&state.unlocked, &state.reading) {
        (None, _) if *creating => {
            let onclose = {
                let creating = creating.clone();
                Callback::from(move |()| creating.set(false))
            };
            html! { <KeyringSetup language={props.language.clone()} {onclose} /> }
        }
        (None, _) => {
            let oncreate = {
                let creating = creating.clone();
                Callback::from(move |_: MouseEvent| creating.set(true))
            };
            html! {
                <>
                    { unlock_form(
                        &state,
                        words,
                        &props.language,
                        &onunlock,
                        [&key_file, &passphrase, &credential],
                        &idle_minutes,
                    ) }
                    <p class="no-print">
                        <button type="button" class="secondary" id="create-keyring" onclick={oncreate}>
                            { words.create_keyring() }
                        </button>
                    </p>
                </>
            }
        }
        (Some(_), Some(id)) => match state
            .entries
            .iter()
            .find(|entry| &entry.waiting.packet_id == id)
            .map(|entry| &entry.opened)
        {
            Some(Opened::Read(referral)) => reading_view(
                &state,
                referral,
                id,
                &props.directory,
                &props.language,
                words,
            ),
            _ => html! {},
        },
        (Some(unlocked), None) if retiring.is_some() => {
            let onclose = {
                let retiring = retiring.clone();
                Callback::from(move |()| retiring.set(None))
            };
            html! {
                <KeyringSetup language={props.language.clone()} {onclose}
                    rotate={RingToRotate(unlocked.ring.clone())}
                    retire={retiring.as_deref().map(|kid| AttrValue::from(kid.to_owned()))} />
            }
        }
        (Some(unlocked), None) if *rotating => {
            let onclose = {
                let rotating = rotating.clone();
                Callback::from(move |()| rotating.set(false))
            };
            html! {
                <KeyringSetup language={props.language.clone()} {onclose}
                    rotate={RingToRotate(unlocked.ring.clone())} />
            }
        }
        (Some(unlocked), None) => html! {
            <>
                { list_view(
                    &state,
                    &props.directory,
                    &props.sent,
                    &props.language,
                    words,
                    &onread,
                ) }
                { former_keys(&state, &unlocked.ring, &retiring, &retire_refused, words) }
            </>
        },
    };

    html! {
        <section class="inbox" aria-labelledby="screen-title">
            <ScreenHeading title={words.inbox()} />
            if state.unlocked.is_some() {
                <p class="no-print">
                    <button type="button" class="secondary" id="lock-inbox" onclick={onlock}>
                        { words.lock_inbox() }
                    </button>
                    if state.reading.is_none() && !*rotating && retiring.is_none() {
                        { " " }
                        <button type="button" class="secondary" id="rotate-keyring" onclick={onrotate}>
                            { words.rotate_keyring() }
                        </button>
                    }
                </p>
            }
            { body }
        </section>
    }
}

/// How often the list shows what was opened since: each report renders the whole list,
/// so packets are reported together, a few times a second.
const REPORT_EVERY_MS: f64 = 100.0;

/// Opens the listed packets one after the other, giving the page a turn between them,
/// and reports them to the list in batches.
async fn open_all(
    dispatcher: UseReducerDispatcher<InboxState>,
    unlocked: Rc<Unlocked>,
    ids: Vec<String>,
) {
    let mut definitions = Definitions::default();
    let mut opened_since = Vec::new();
    let mut reported_at = clock::now_millis();
    for id in ids {
        clock::sleep(0).await;
        if Rc::strong_count(&unlocked) == 1 {
            // Locked meanwhile: nothing more is opened, and the key goes now.
            return;
        }
        let (mut opened, mut seen) = open_one(&unlocked, &id, &mut definitions).await;
        // Past the server's limit of requests per minute: wait as it asks, and go on.
        for _ in 0..RETRIES_WHEN_LIMITED {
            if opened != Opened::Limited || Rc::strong_count(&unlocked) == 1 {
                break;
            }
            dispatcher.dispatch(Action::Opened(
                unlocked.clone(),
                std::mem::take(&mut opened_since),
            ));
            clock::sleep(LIMITED_PAUSE_MS).await;
            (opened, seen) = open_one(&unlocked, &id, &mut definitions).await;
        }
        if opened == Opened::Limited {
            opened = Opened::Unfetched;
        }
        opened_since.push((id, opened, seen));
        if clock::now_millis() - reported_at >= REPORT_EVERY_MS {
            dispatcher.dispatch(Action::Opened(
                unlocked.clone(),
                std::mem::take(&mut opened_since),
            ));
            reported_at = clock::now_millis();
        }
    }
    dispatcher.dispatch(Action::Opened(unlocked, opened_since));
}

fn unlock_form(
    state: &InboxState,
    words: &'static Words,
    language: &str,
    onunlock: &Callback<SubmitEvent>,
    [key_file, passphrase, credential]: [&NodeRef; 3],
    idle_minutes: &Rc<std::cell::RefCell<u32>>,
) -> Html {
    let chosen = *idle_minutes.borrow();
    let onlockafter = {
        let idle_minutes = idle_minutes.clone();
        Callback::from(move |event: Event| {
            if let Some(minutes) = event
                .target()
                .and_then(|target| target.dyn_into::<web_sys::HtmlSelectElement>().ok())
                .and_then(|select| select.value().parse().ok())
            {
                *idle_minutes.borrow_mut() = minutes;
            }
        })
    };
    // A key file dropped anywhere on its zone becomes the input's file, as if picked.
    let ondragover = Callback::from(|event: DragEvent| event.prevent_default());
    let ondrop = {
        let key_file = key_file.clone();
        Callback::from(move |event: DragEvent| {
            event.prevent_default();
            let files = event.data_transfer().and_then(|transfer| transfer.files());
            if let (Some(files), Some(input)) =
                (files, key_file.cast::<web_sys::HtmlInputElement>())
                && files.length() > 0
            {
                input.set_files(Some(&files));
            }
        })
    };
    html! {
        <form class="unlock" id="unlock-form" onsubmit={onunlock.clone()} novalidate=true>
            if state.locked_idle {
                <p class="notice" id="inbox-locked" role="status">{ words.inbox_locked_idle() }</p>
            }
            <p>{ words.inbox_unlock_intro() }</p>
            if let Some(due) = backup_checks::due() {
                <p class="notice" id="backup-check-due" role="status">
                    { words.backup_check_due().replace("{day}", &intl::day(due.last_day * 86_400, language)) }
                </p>
            }
            <div class="field drop-zone" id="key-drop" {ondragover} {ondrop}>
                <label for="key-file">{ words.key_file() }</label>
                <input type="file" id="key-file" ref={key_file.clone()} accept=".key,application/json"
                    aria-describedby="key-drop-hint" />
                <p class="help" id="key-drop-hint">{ words.key_drop() }</p>
            </div>
            <div class="field">
                <label for="key-passphrase">{ words.key_passphrase() }</label>
                <input type="password" id="key-passphrase" ref={passphrase.clone()}
                    autocomplete="off" spellcheck="false" />
            </div>
            <div class="field">
                <label for="inbox-credential">{ words.inbox_credential() }</label>
                <input type="password" id="inbox-credential" ref={credential.clone()}
                    autocomplete="off" spellcheck="false" />
            </div>
            <div class="field">
                <label for="lock-after">{ words.lock_after() }</label>
                <select id="lock-after" onchange={onlockafter}>
                    { for LOCK_AFTER_MINUTES.iter().map(|minutes| html! {
                        <option value={minutes.to_string()} selected={*minutes == chosen}>{ minutes }</option>
                    }) }
                </select>
            </div>
            if let Some(problem) = state.problem {
                // A backup check that fails is the warning that matters most: the file that
                // would replace a lost device does not open.
                if drill_failed(problem) && backup_checks::due().is_some() {
                    <div class="error-summary drill-failed" id="backup-check-failed" role="alert">
                        <p><strong>{ words.backup_check_failed() }</strong></p>
                        <p>{ words.backup_check_failed_what() }</p>
                    </div>
                } else {
                    <p class="error" id="unlock-problem" role="alert">{ problem_text(problem, words) }</p>
                }
            }
            if state.unlocking {
                <p class="notice" id="unlocking" role="status">
                    <progress aria-label={words.unlocking()}></progress>{ " " }{ words.unlocking() }
                </p>
            }
            <button type="submit" class="primary" id="unlock" disabled={state.unlocking}>{ words.unlock() }</button>
        </form>
    }
}

/// The waiting packets, each with what it says once opened, or what is wrong with it.
fn list_view(
    state: &UseReducerHandle<InboxState>,
    listing: &Listing,
    sent: &[SentReferral],
    language: &str,
    words: &'static Words,
    onread: &Callback<String>,
) -> Html {
    if state.entries.is_empty() {
        return html! { <p id="inbox-empty">{ words.inbox_empty() }</p> };
    }
    let sort = state.sort.unwrap_or(Sort::Received);
    let onsort = {
        let dispatcher = state.dispatcher();
        Callback::from(move |event: Event| {
            let value = event
                .target()
                .and_then(|target| target.dyn_into::<web_sys::HtmlSelectElement>().ok())
                .map(|select| select.value());
            dispatcher.dispatch(Action::Sort(match value.as_deref() {
                Some("urgency") => Sort::Urgency,
                Some("sealed") => Sort::Sealed,
                _ => Sort::Received,
            }));
        })
    };
    let opened = state
        .entries
        .iter()
        .filter(|entry| !matches!(entry.opened, Opened::Opening | Opened::Limited))
        .count();
    let onmore = {
        let dispatcher = state.dispatcher();
        Callback::from(move |_: MouseEvent| dispatcher.dispatch(Action::MorePages))
    };
    let option = |value: &'static str, this: Sort, text: &'static str| {
        html! { <option {value} selected={sort == this}>{ text }</option> }
    };
    let shown: Vec<&Entry> = sorted(&state.entries, sort)
        .into_iter()
        .filter(|entry| state.filter.passes(entry))
        .collect();
    html! {
        <>
            <div class="field inbox-sort no-print">
                <label for="inbox-sort">{ words.sort_by() }</label>
                <select id="inbox-sort" onchange={onsort}>
                    { option("received", Sort::Received, words.sort_received()) }
                    { option("urgency", Sort::Urgency, words.sort_urgency()) }
                    { option("sealed", Sort::Sealed, words.sort_sealed()) }
                </select>
            </div>
            { filters(state, listing, language, words) }
            <p id="inbox-progress" role="status" data-done={(opened == state.entries.len()).to_string()}>
                { words.inbox_opened().replace("{opened}", &opened.to_string()).replace("{total}", &state.entries.len().to_string()) }
                if !state.filter.is_empty() {
                    <span id="inbox-filtered">
                        { " · " }
                        { words.inbox_filtered().replace("{shown}", &shown.len().to_string()).replace("{total}", &state.entries.len().to_string()) }
                    </span>
                }
            </p>
            <ul class="inbox-list" id="inbox-list">
                { for shown.iter().take(state.pages * PAGE).map(|entry| {
                    html! {
                        <InboxItem key={entry.waiting.packet_id.clone()} entry={(*entry).clone()}
                            answers={answered(entry, sent)}
                            listing={listing.clone()} language={AttrValue::from(language.to_owned())}
                            onread={onread.clone()} />
                    }
                }) }
            </ul>
            if shown.len() > state.pages * PAGE {
                <button type="button" class="secondary no-print" id="inbox-more" onclick={onmore}>
                    { words.show_more() }
                </button>
            }
        </>
    }
}

/// The three filters, each offering what the packets opened so far say (in the reader's
/// language where the packet carries it).
fn filters(
    state: &UseReducerHandle<InboxState>,
    listing: &Listing,
    language: &str,
    words: &'static Words,
) -> Html {
    let directory = listing.directory();
    // value -> (order, label); the order keeps urgencies as their form lists them.
    let mut kinds = std::collections::BTreeMap::new();
    let mut urgencies = std::collections::BTreeMap::new();
    let mut senders = std::collections::BTreeMap::new();
    for entry in &state.entries {
        let Some(facts) = facts(entry) else { continue };
        if !senders.contains_key(facts.sender) {
            let name = recipient_name(facts.sender, directory, words);
            senders.insert(facts.sender.to_owned(), (0, name));
        }
        match &entry.opened {
            Opened::Read(referral) => {
                let (shown, _) = referral.reading_language(language);
                // Each choice's label is made once, from the first packet that offers it.
                if !kinds.contains_key(&referral.form.id) {
                    let title = referral.form.title.get(shown).to_owned();
                    kinds.insert(referral.form.id.clone(), (0, title));
                }
                if let Some(urgency) = facts.urgency.filter(|id| !urgencies.contains_key(*id))
                    && let Some(label) = referral.choice_label("urgency", shown)
                {
                    let rank = choice_rank(referral, "urgency");
                    urgencies.insert(urgency.to_owned(), (rank, label));
                }
            }
            _ => {
                kinds
                    .entry(ACKNOWLEDGMENT_FORM_ID.to_owned())
                    .or_insert_with(|| (1, words.answers_kind().to_owned()));
            }
        }
    }
    let select = |by: FilterBy,
                  id: &'static str,
                  label: &'static str,
                  chosen: &Option<String>,
                  choices: std::collections::BTreeMap<String, (usize, String)>| {
        let mut choices: Vec<(String, (usize, String))> = choices.into_iter().collect();
        choices.sort_by(|(_, one), (_, other)| one.cmp(other));
        let onchange = {
            let dispatcher = state.dispatcher();
            Callback::from(move |event: Event| {
                let value = event
                    .target()
                    .and_then(|target| target.dyn_into::<web_sys::HtmlSelectElement>().ok())
                    .map(|select| select.value())
                    .filter(|value| !value.is_empty());
                dispatcher.dispatch(Action::Filter(by, value));
            })
        };
        html! {
            <div class="field">
                <label for={id}>{ label }</label>
                <select {id} {onchange}>
                    <option value="" selected={chosen.is_none()}>{ words.filter_all() }</option>
                    { for choices.into_iter().map(|(value, (_, text))| {
                        let selected = chosen.as_deref() == Some(value.as_str());
                        html! { <option {selected} {value}>{ text }</option> }
                    }) }
                </select>
            </div>
        }
    };
    let filter = &state.filter;
    html! {
        <div class="inbox-filters no-print" id="inbox-filters">
            { select(FilterBy::Kind, "filter-kind", words.filter_kind(), &filter.kind, kinds) }
            { select(FilterBy::Urgency, "filter-urgency", words.filter_urgency(), &filter.urgency, urgencies) }
            { select(FilterBy::Sender, "filter-sender", words.filter_sender(), &filter.sender, senders) }
        </div>
    }
}

/// The referral of this browser's outbox that `entry` answers, if it is an answer.
fn answered(entry: &Entry, sent: &[SentReferral]) -> Option<SentReferral> {
    match &entry.opened {
        Opened::Answer(answer) => sent
            .iter()
            .find(|sent| sent.packet_id == answer.referral)
            .cloned(),
        _ => None,
    }
}

#[derive(Properties, PartialEq)]
struct ItemProps {
    entry: Entry,
    /// For an answer: the referral it answers, as this browser's outbox keeps it.
    answers: Option<SentReferral>,
    listing: Listing,
    language: AttrValue,
    onread: Callback<String>,
}

/// One waiting packet in the list: rendered again only when it changes.
#[function_component(InboxItem)]
fn inbox_item(props: &ItemProps) -> Html {
    let words = crate::interface_text::for_language(&props.language);
    let (entry, language) = (&props.entry, props.language.as_str());
    let directory = props.listing.directory();
    let id = entry.waiting.packet_id.clone();
    let reference = reference_code(&id).unwrap_or_default();
    let received = intl::day(entry.waiting.received, language);
    let size = format!("{} kB", entry.waiting.size.div_ceil(1000));
    let facts = html! {
        <p class="inbox-facts">
            { format!("{}: {received} · {size} · {reference}", words.received_on()) }
            if entry.waiting.acknowledged.is_some() {
                { format!(" · {}", words.acknowledged()) }
            }
        </p>
    };
    let item_id = format!("packet-{id}");
    let trusted = trusted(&props.listing);
    let signature = match sender_of(entry, &trusted) {
        Some(Err(refusal)) => {
            return html! {
                <li class="inbox-entry inbox-problem" id={item_id} data-opened="forged">
                    <p class="error">{ forged_text(&refusal, words) }</p>
                    { facts }
                </li>
            };
        }
        Some(Ok(sender)) => signature_html(&sender, None, words),
        None => html! {},
    };
    match &entry.opened {
        Opened::Read(referral) => {
            let (shown, _) = referral.reading_language(language);
            let kind = |field: &str| referral.choice_label(field, shown);
            let onread = {
                let id = id.clone();
                props.onread.reform(move |_: MouseEvent| id.clone())
            };
            html! {
                <li class="inbox-entry" id={item_id} data-opened="read">
                    <h2>{ referral.form.title.get(shown) }</h2>
                    <p class="inbox-kind" dir="auto">
                        { [kind("referral_type"), kind("urgency")].into_iter().flatten().collect::<Vec<_>>().join(" · ") }
                    </p>
                    <p>{ format!("{}: {}", words.sent_by(), sender_name(referral, directory, words)) }</p>
                    { signature }
                    <p>{ format!("{}: {}", words.sealed_on(), intl::day(referral.sealed_at_unix_seconds, language)) }</p>
                    { facts }
                    <button type="button" class="primary" id={format!("read-{id}")} onclick={onread}>{ words.read_referral() }</button>
                </li>
            }
        }
        Opened::Answer(answer) => html! {
            <li class="inbox-entry" id={item_id} data-opened="answer">
                <h2>{ format!("{} {}", words.answer_to(), reference_code(&answer.referral).unwrap_or_default()) }</h2>
                <p class="inbox-kind">
                    { state_name(answer.state, words) }
                    if let Some(reason) = answer.reason {
                        { format!(" · {}", reason_name(reason, words)) }
                    }
                </p>
                if !answer.note.is_empty() {
                    <p dir="auto" class="answer-note">{ answer.note.clone() }</p>
                }
                if let Some(sent) = &props.answers {
                    <p class="answer-referral" data-outbox="found">
                        { words.answers_sent_referral()
                            .replace("{day}", &intl::day(sent.day, language))
                            .replace("{recipients}", &sent.recipients.iter()
                                .map(|kid| recipient_name(kid, directory, words))
                                .collect::<Vec<_>>()
                                .join(", ")) }
                    </p>
                }
                <p>{ format!("{}: {}", words.sent_by(), recipient_name(answer.from.kid(), directory, words)) }</p>
                { signature }
                { facts }
            </li>
        },
        Opened::Opening | Opened::Limited => html! {
            <li class="inbox-entry" id={item_id} data-opened="opening">
                <p role="status">{ words.packet_opening() }</p>
                { facts }
            </li>
        },
        problem => html! {
            <li class="inbox-entry inbox-problem" id={item_id} data-opened="problem">
                <p class="error">{ opened_problem(problem, words).unwrap_or_default() }</p>
                { facts }
            </li>
        },
    }
}

/// One referral, read-only, from the definition it carries: what was withheld from this
/// agency and why, and a paper copy on purpose.
fn reading_view(
    state: &UseReducerHandle<InboxState>,
    referral: &ReceivedReferral,
    packet_id: &str,
    listing: &Listing,
    language: &str,
    words: &'static Words,
) -> Html {
    let trusted = trusted(listing);
    let signature = match state
        .entries
        .iter()
        .find(|entry| entry.waiting.packet_id == packet_id)
        .and_then(|entry| sender_of(entry, &trusted))
    {
        Some(Ok(sender)) => signature_html(&sender, Some("received-signature"), words),
        // A forged packet is never offered for reading; should one get here, it says why
        // and shows nothing of itself.
        Some(Err(refusal)) => {
            return html! { <p class="error">{ forged_text(&refusal, words) }</p> };
        }
        None => html! {},
    };
    let (shown, own_language) = referral.reading_language(language);
    let shown = shown.to_owned();
    let form = &referral.form;
    let builtin = FormKey::ALL.iter().any(|key| key.id() == form.id);
    let onback = {
        let dispatcher = state.dispatcher();
        Callback::from(move |_: MouseEvent| dispatcher.dispatch(Action::Read(None)))
    };
    let onprint = {
        let dispatcher = state.dispatcher();
        Callback::from(move |_: MouseEvent| dispatcher.dispatch(Action::AskPrint(true)))
    };
    // A printed copy is kept outside the app: the server may start its deletion clock.
    let onprintnow = {
        let unlocked = state.unlocked.clone();
        let packet_id = packet_id.to_owned();
        Callback::from(move |_: MouseEvent| {
            if let Some(unlocked) = unlocked.clone() {
                let packet_id = packet_id.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    let _ = network::acknowledge(&unlocked.credential, &packet_id).await;
                });
            }
            print::print();
        })
    };
    let withheld = |withheld: &Withheld| {
        let why = match withheld {
            Withheld::OnlyTo { kinds, .. } => only_for(kinds, words),
            Withheld::NotAgreed { .. } => words.reason_not_agreed().to_owned(),
        };
        html! { <li><span dir="auto">{ format!("{} ({why})", referral.withheld_label(withheld, &shown)) }</span></li> }
    };
    html! {
        <article class="received" id="received" lang={shown.clone()}>
            <h2 id="received-title">{ form.title.get(&shown) }</h2>
            <dl class="received-label">
                <dt>{ words.reference() }</dt>
                <dd id="received-reference">{ reference_code(packet_id).unwrap_or_default() }</dd>
                <dt>{ words.packet_label() }</dt>
                <dd id="received-packet"><code>{ packet_id }</code></dd>
                <dt>{ words.sent_by() }</dt>
                <dd id="received-sender">{ sender_name(referral, listing.directory(), words) }</dd>
                <dt>{ words.sender_key() }</dt>
                <dd id="received-fingerprint"><code>{ referral.sender.fingerprint() }</code></dd>
                <dt>{ words.sealed_on() }</dt>
                <dd>{ intl::day(referral.sealed_at_unix_seconds, language) }</dd>
                <dt>{ words.form_version() }</dt>
                <dd id="received-form-version">{ form.version.clone() }</dd>
            </dl>
            { signature }
            if !builtin {
                <p class="notice" id="received-foreign-form">{ words.form_not_builtin() }</p>
            }
            if !own_language {
                <p class="notice" id="received-language">{ words.in_senders_language() }</p>
            }
            if !referral.withheld.is_empty() {
                <div class="received-withheld" id="received-withheld">
                    <p>{ words.not_sent_to_you() }</p>
                    <ul>{ for referral.withheld.iter().map(withheld) }</ul>
                </div>
            }
            { for form.sections.iter().filter_map(|section| {
                let answered: Vec<_> = section
                    .fields
                    .iter()
                    .filter_map(|field| referral.answers.get(&field.id).map(|answer| (field, answer)))
                    .collect();
                (!answered.is_empty()).then(|| html! {
                    <section class="received-section" id={format!("received-{}", section.id)}>
                        <h3>{ section.title.get(&shown) }</h3>
                        <dl>
                            { for answered.into_iter().map(|(field, answer)| html! {
                                <>
                                    <dt>{ field.label.get(&shown) }</dt>
                                    <dd dir="auto">{ answer_text(field, answer, &shown, words) }</dd>
                                </>
                            }) }
                        </dl>
                    </section>
                })
            }) }
            if let Some(unlocked) = &state.unlocked {
                <AnswerPanel unlocked={UnlockedRef(unlocked.clone())} packet_id={AttrValue::from(packet_id.to_owned())}
                    sender={SenderKey(referral.sender.clone())} language={AttrValue::from(language.to_owned())} />
            }
            <div class="actions no-print">
                if state.print_asked {
                    <p class="notice" id="print-warning" role="alert">{ words.print_warning() }</p>
                    <button type="button" class="primary" id="print-now" onclick={onprintnow}>{ words.print_now() }</button>
                } else {
                    <button type="button" class="primary" id="print-referral" onclick={onprint}>{ words.print_referral() }</button>
                }
                { " " }
                <button type="button" class="secondary" id="back-to-inbox" onclick={onback}>{ words.back_to_inbox() }</button>
            </div>
        </article>
    }
}

fn state_name(state: AckState, words: &Words) -> &'static str {
    match state {
        AckState::Received => words.ack_received(),
        AckState::Accepted => words.ack_accepted(),
        AckState::Declined => words.ack_declined(),
        AckState::ReferredOnward => words.ack_referred_onward(),
    }
}

fn reason_name(reason: DeclineReason, words: &Words) -> &'static str {
    match reason {
        DeclineReason::NoCapacity => words.reason_no_capacity(),
        DeclineReason::NotEligible => words.reason_not_eligible(),
        DeclineReason::OutsideArea => words.reason_outside_area(),
        DeclineReason::PersonDeclined => words.reason_person_declined(),
        DeclineReason::Duplicate => words.reason_duplicate(),
        DeclineReason::Other => words.reason_other(),
    }
}

/// The unlocked inbox, compared by identity.
#[derive(Clone)]
struct UnlockedRef(Rc<Unlocked>);

impl PartialEq for UnlockedRef {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

#[derive(Clone, PartialEq)]
struct SenderKey(confidant_core::keys::PublicKey);

#[derive(Properties, PartialEq)]
struct AnswerProps {
    unlocked: UnlockedRef,
    /// The referral answered.
    packet_id: AttrValue,
    /// The key the referral says it was sealed with: the answer is sealed to it.
    sender: SenderKey,
    language: AttrValue,
}

/// What became of the answer or of marking the packet kept.
#[derive(Clone, Debug, PartialEq)]
enum Sent {
    Not,
    Sending,
    Answered,
    AnswerRefused(String),
    AnswerFailed,
    ReasonNeeded,
    Kept,
    KeepFailed,
}

/// The receiver's answer to the referral, sealed to the sender's key and sent like any
/// packet; and marking the packet kept, which starts the server's deletion clock.
#[function_component(AnswerPanel)]
fn answer_panel(props: &AnswerProps) -> Html {
    let words = crate::interface_text::for_language(&props.language);
    let chosen = use_state(|| AckState::Received);
    // What a submit reads: the latest choice, whichever render made the handler.
    let latest = use_mut_ref(|| AckState::Received);
    let reason = use_node_ref();
    let note = use_node_ref();
    let sent = use_state(|| Sent::Not);
    let onsend = {
        let (latest, reason, note, sent) =
            (latest.clone(), reason.clone(), note.clone(), sent.clone());
        let (unlocked, packet_id, sender) = (
            props.unlocked.0.clone(),
            props.packet_id.to_string(),
            props.sender.0.clone(),
        );
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if *sent == Sent::Sending {
                return;
            }
            let state = *latest.borrow();
            let reason = (state == AckState::Declined).then(|| {
                reason
                    .cast::<web_sys::HtmlSelectElement>()
                    // The first choice is the empty "—".
                    .and_then(|select| {
                        usize::try_from(select.selected_index())
                            .ok()?
                            .checked_sub(1)
                    })
                    .and_then(|index| DeclineReason::ALL.get(index).copied())
            });
            let reason = match reason {
                Some(None) => {
                    sent.set(Sent::ReasonNeeded);
                    return;
                }
                Some(Some(reason)) => Some(reason),
                None => None,
            };
            let note = note
                .cast::<web_sys::HtmlTextAreaElement>()
                .map(|area| area.value())
                .unwrap_or_default();
            let now = (clock::now_millis() / 1000.0) as u64;
            let answer = Acknowledgment {
                referral: packet_id.clone(),
                state,
                reason,
                note,
                from: unlocked.ring.current.public.clone(),
                at_unix_seconds: now,
            };
            sent.set(Sent::Sending);
            let (sent, sender) = (sent.clone(), sender.clone());
            // Answers are signed as referrals are, with the agency's signing key.
            let signing = unlocked.ring.signing.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let Ok(payload) = answer.to_payload() else {
                    sent.set(Sent::AnswerFailed);
                    return;
                };
                let sealed = crate::sealing::seal(
                    &payload,
                    &Acknowledgment::form_ref(),
                    now,
                    &[Recipient::Agency(sender)],
                    signing.as_ref(),
                )
                .await
                .ok()
                .and_then(|bytes| String::from_utf8(bytes).ok());
                let Some(packet) = sealed else {
                    sent.set(Sent::AnswerFailed);
                    return;
                };
                sent.set(match network::upload(&packet).await {
                    Upload::Stored => Sent::Answered,
                    Upload::Refused(kind) => Sent::AnswerRefused(kind),
                    Upload::Retry(_) => Sent::AnswerFailed,
                });
            });
        })
    };
    let onkeep = {
        let sent = sent.clone();
        let (unlocked, packet_id) = (props.unlocked.0.clone(), props.packet_id.to_string());
        Callback::from(move |_: MouseEvent| {
            let (sent, unlocked, packet_id) = (sent.clone(), unlocked.clone(), packet_id.clone());
            wasm_bindgen_futures::spawn_local(async move {
                sent.set(
                    match network::acknowledge(&unlocked.credential, &packet_id).await {
                        Ok(()) => Sent::Kept,
                        Err(_) => Sent::KeepFailed,
                    },
                );
            });
        })
    };
    let choice = |state: AckState, n: usize| {
        let onchange = {
            let (chosen, latest) = (chosen.clone(), latest.clone());
            Callback::from(move |_: Event| {
                *latest.borrow_mut() = state;
                chosen.set(state);
            })
        };
        let id = format!("answer-state-{n}");
        html! {
            // The answers' own control, so that each is a phone-sized target.
            <label class="option" for={id.clone()}>
                <input type="radio" name="answer-state" id={id} checked={*chosen == state} {onchange} />
                { state_name(state, words) }
            </label>
        }
    };
    let message = match &*sent {
        Sent::Not | Sent::Sending => None,
        Sent::Answered => Some(("notice", words.answer_sent().to_owned())),
        Sent::AnswerRefused(kind) => Some(("error", format!("{} {kind}", words.answer_refused()))),
        Sent::AnswerFailed => Some(("error", words.answer_not_sent().to_owned())),
        Sent::ReasonNeeded => Some(("error", words.answer_reason_needed().to_owned())),
        Sent::Kept => Some(("notice", words.kept_explained().to_owned())),
        Sent::KeepFailed => Some(("error", words.keep_failed().to_owned())),
    };
    html! {
        <form class="answer no-print" id="answer-form" onsubmit={onsend} novalidate=true>
            <fieldset>
                <legend>{ words.answer_heading() }</legend>
                <div class="options">
                    { for AckState::ALL.iter().enumerate().map(|(n, state)| choice(*state, n)) }
                </div>
            </fieldset>
            if *chosen == AckState::Declined {
                <div class="field">
                    <label for="answer-reason">{ words.decline_reason() }</label>
                    <select id="answer-reason" ref={reason}>
                        // Each option says whether it is chosen: left unsaid, the page
                        // showed the last one chosen.
                        <option value="" selected=true>{ "—" }</option>
                        { for DeclineReason::ALL.iter().map(|reason| html! {
                            <option selected=false>{ reason_name(*reason, words) }</option>
                        }) }
                    </select>
                </div>
            }
            <div class="field">
                <label for="answer-note">{ words.ack_note() }</label>
                <textarea id="answer-note" rows="3" maxlength={MAX_NOTE_CHARS.to_string()} ref={note} />
            </div>
            if let Some((class, text)) = message {
                <p class={class} id="answer-result" role="status">{ text }</p>
            }
            <button type="submit" class="primary" id="send-answer" disabled={*sent == Sent::Sending}>{ words.send_answer() }</button>
            { " " }
            <button type="button" class="secondary" id="keep-packet" onclick={onkeep}>{ words.keep_packet() }</button>
        </form>
    }
}
