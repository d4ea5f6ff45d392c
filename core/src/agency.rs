//! Agencies as a sender sees them: the server's directory, read without trusting it, and
//! trust on first use pinned to what the directory cannot forge.
//!
//! The directory comes from the server, through whatever proxy stands in between; either
//! may be hostile. So a directory entry is believed about nothing it says of its own key:
//! the key id and the fingerprint a worker compares are computed here from the key bytes,
//! and an entry whose stated `kid` or `fingerprint` disagrees with its key is refused,
//! never offered. What the entry does say (a name, a kind) is pinned on first sight, by
//! key id, and any later difference (a new key under a known name, a known key under a new
//! name, a new kind) blocks sending until a person has confirmed it.
//!
//! Pins are kept on the worker's device, which may be shared or seized, so they hold no
//! name and no kind in the clear: only digests, which match the directory's entries and
//! say nothing to someone without the directory (see `docs/threats.md`).
//!
//! Nothing here touches storage or the network: the web app reads and writes the
//! [`Pins`] and fetches the directory text.

use core::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::b64;
use crate::format_error::FormatError;
use crate::json_object::{BoundedArray, JsonObject, ListLimit};
use crate::keys::{KeyError, PublicKey};
use crate::signing::SigningPublicKey;
use crate::str_map::StrMap;
use crate::untrusted_text::{parse_error, shown};

/// The most agencies a directory may list.
pub const MAX_DIRECTORY_ENTRIES: usize = 1024;
/// The longest agency name, in characters.
pub const MAX_NAME_CHARS: usize = 100;
/// The largest directory text accepted.
const MAX_DIRECTORY_LEN: usize = 2 * 1024 * 1024;

// ---------------------------------------------------------------------------------------
// Kinds

/// What an agency is. Forms name kinds (`only_to`) and a person's consent names them, so
/// the kind decides what an agency receives: it is pinned like the key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AgencyKind {
    Police,
    Ngo,
    Shelter,
    ChildProtection,
    LabourInspectorate,
    Health,
    Other,
}

impl AgencyKind {
    /// Every kind, in the order lists show them.
    pub const ALL: [Self; 7] = [
        Self::Police,
        Self::Ngo,
        Self::Shelter,
        Self::ChildProtection,
        Self::LabourInspectorate,
        Self::Health,
        Self::Other,
    ];

    /// The kind's name in directories, forms and packets.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Police => "police",
            Self::Ngo => "ngo",
            Self::Shelter => "shelter",
            Self::ChildProtection => "child-protection",
            Self::LabourInspectorate => "labour-inspectorate",
            Self::Health => "health",
            Self::Other => "other",
        }
    }

    /// The kind named `text`, if it is one.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == text)
    }
}

impl fmt::Display for AgencyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

// ---------------------------------------------------------------------------------------
// Names

/// Why a name cannot be shown to a worker as an agency's name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameProblem {
    Empty,
    TooLong,
    /// Spaces at either end, or two in a row: names that differ only there look alike.
    Spacing,
    /// A control, format or other invisible character (a zero-width space, a
    /// direction override, …), which makes one name look like another.
    Invisible,
    /// Letters of the Latin, Greek and Cyrillic scripts mixed in one word, which is how
    /// look-alikes are made ("Pοlice" with a Greek omicron).
    MixedScripts,
}

impl fmt::Display for NameProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Empty => "the name is empty",
            Self::TooLong => "the name is longer than 100 characters",
            Self::Spacing => "the name has spaces at an end or two in a row",
            Self::Invisible => "the name contains control or invisible characters",
            Self::MixedScripts => "the name mixes latin, greek or cyrillic letters in one word",
        })
    }
}

/// Whether `c` is invisible or changes how the text around it is shown: controls, the
/// format characters of Unicode (general category Cf) and the other default-ignorable
/// code points that render as nothing.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{ad}' | '\u{34f}' | '\u{61c}' | '\u{115f}' | '\u{1160}'
        | '\u{17b4}' | '\u{17b5}' | '\u{180b}'..='\u{180f}'
        | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{206f}'
        | '\u{3164}' | '\u{fe00}'..='\u{fe0f}' | '\u{feff}' | '\u{ffa0}' | '\u{fff0}'..='\u{fffb}'
        | '\u{600}'..='\u{605}' | '\u{6dd}' | '\u{70f}' | '\u{8e2}' | '\u{110bd}'
        | '\u{1bca0}'..='\u{1bca3}' | '\u{1d173}'..='\u{1d17a}'
        | '\u{e0000}'..='\u{e0fff}')
        // Spaces other than the ordinary one: they pass for it.
        || (c.is_whitespace() && c != ' ')
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Script {
    Latin,
    Greek,
    Cyrillic,
}

fn script_of(c: char) -> Option<Script> {
    match c {
        'A'..='Z' | 'a'..='z' | '\u{c0}'..='\u{24f}' | '\u{1e00}'..='\u{1eff}' => {
            Some(Script::Latin)
        }
        '\u{370}'..='\u{3ff}' | '\u{1f00}'..='\u{1fff}' => Some(Script::Greek),
        '\u{400}'..='\u{52f}' => Some(Script::Cyrillic),
        _ => None,
    }
}

/// Checks that `name` can be shown as an agency's name without passing for another.
pub fn check_name(name: &str) -> Result<(), NameProblem> {
    if name.is_empty() {
        return Err(NameProblem::Empty);
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(NameProblem::TooLong);
    }
    if name.chars().any(is_invisible) {
        return Err(NameProblem::Invisible);
    }
    if name.starts_with(' ') || name.ends_with(' ') || name.contains("  ") {
        return Err(NameProblem::Spacing);
    }
    for word in name.split(|c: char| !c.is_alphanumeric()) {
        let mut scripts = word.chars().filter_map(script_of);
        if let Some(first) = scripts.next()
            && scripts.any(|script| script != first)
        {
            return Err(NameProblem::MixedScripts);
        }
    }
    Ok(())
}

/// The form of a name that look-alikes share: lower case, without accents' look-alikes
/// across scripts, without the digits and letters people confuse, without spacing and
/// punctuation. Two names with the same comparable form are the same name to a person
/// glancing at a list, so pins compare these.
pub fn comparable_name(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(crate::lower_case::lower_case)
        .map(|c| match c {
            // Greek and Cyrillic letters that look like Latin ones.
            'α' | 'а' => 'a',
            'в' | 'β' => 'b',
            'ϲ' | 'с' => 'c',
            'ԁ' => 'd',
            'ε' | 'е' | 'ё' => 'e',
            'һ' | 'н' => 'h',
            'i' | 'ı' | 'ι' | 'і' | 'ї' | 'ӏ' | '1' => 'l',
            'ј' => 'j',
            'κ' | 'к' => 'k',
            'м' => 'm',
            'η' | 'п' => 'n',
            'ο' | 'о' | 'σ' | '0' => 'o',
            'ρ' | 'р' => 'p',
            'ԛ' => 'q',
            'ѕ' | '5' => 's',
            'τ' | 'т' => 't',
            'υ' | 'ц' => 'u',
            'ν' | 'ѵ' => 'v',
            'ѡ' | 'ω' | 'ш' => 'w',
            'χ' | 'х' => 'x',
            'γ' | 'у' => 'y',
            'ζ' => 'z',
            other => other,
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// The directory

/// An agency of the directory, as far as it can be believed: its key (whose id and
/// fingerprint are computed from it), and the name and kind it is listed with, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirectoryEntry {
    pub key: PublicKey,
    pub name: String,
    pub kind: AgencyKind,
    /// The agency's Ed25519 signing key, when it has published one: what its signed
    /// packets verify under.
    pub signing_key: Option<SigningPublicKey>,
    /// Whether that signing key endorses `key` (the directory's `endorsement`, checked):
    /// after a rotation, what lets a device that pinned the signing key accept the new key
    /// without a call.
    pub endorsed: bool,
}

impl DirectoryEntry {
    /// The key id, computed from the key.
    pub fn kid(&self) -> &str {
        self.key.kid()
    }

    /// The fingerprint, computed from the key.
    pub fn fingerprint(&self) -> String {
        self.key.fingerprint()
    }
}

/// Why a directory entry is not offered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EntryRefusal {
    /// The entry is not an object with `kid`, `name`, `kind`, `fingerprint` and `jwk`.
    Malformed(String),
    /// The key is not an acceptable public key.
    Key(KeyError),
    /// The signing key is not an acceptable Ed25519 public key.
    SigningKey(KeyError),
    /// The key carries no `kid`, which directory keys must.
    KidMissing,
    /// The `kid` stated in the entry or in its key is not the key's thumbprint.
    KidMismatch,
    /// The `fingerprint` stated is not the key's.
    FingerprintMismatch,
    /// A kind this version does not know.
    UnknownKind(String),
    /// The name could pass for another.
    Name(NameProblem),
    /// A second entry with a key already listed.
    Duplicate,
}

impl fmt::Display for EntryRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed(message) => write!(f, "not a directory entry: {message}"),
            Self::Key(error) => write!(f, "its key is not acceptable: {error}"),
            Self::SigningKey(error) => write!(f, "its signing key is not acceptable: {error}"),
            Self::KidMissing => f.write_str("its key has no key id"),
            Self::KidMismatch => f.write_str("its key id does not match its key"),
            Self::FingerprintMismatch => f.write_str("its fingerprint does not match its key"),
            Self::UnknownKind(kind) => write!(f, "unknown kind `{kind}`"),
            Self::Name(problem) => problem.fmt(f),
            Self::Duplicate => f.write_str("its key is listed twice"),
        }
    }
}

/// A directory entry that was not offered: the name it gave (escaped, shortened) and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefusedEntry {
    /// The name as the entry gave it, escaped for display; empty when there was none.
    pub shown_name: String,
    pub reason: EntryRefusal,
}

/// The directory as read: the entries that can be offered, and those refused.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Directory {
    pub entries: Vec<DirectoryEntry>,
    pub refused: Vec<RefusedEntry>,
}

/// Why a directory could not be read at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DirectoryError {
    TooLarge,
    Malformed(String),
}

impl fmt::Display for DirectoryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooLarge => f.write_str("the directory is larger than 2 MiB"),
            Self::Malformed(message) => write!(f, "not a directory: {message}"),
        }
    }
}

impl std::error::Error for DirectoryError {}

#[derive(Deserialize)]
struct RawDirectory {
    agencies: BoundedArray<serde_json::Value, Agencies>,
}

struct Agencies;

impl ListLimit for Agencies {
    const MAX: usize = MAX_DIRECTORY_ENTRIES;
    const WHAT: &'static str = "agencies";
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    kid: String,
    name: String,
    kind: String,
    fingerprint: String,
    jwk: serde_json::Value,
    #[serde(default)]
    signing_jwk: Option<serde_json::Value>,
    #[serde(default)]
    endorsement: Option<String>,
}

impl Directory {
    /// Reads the text of `GET /api/v1/directory`. Each entry is checked on its own: one
    /// bad entry is refused with its reason and the others stay usable.
    pub fn parse(text: &str) -> Result<Self, DirectoryError> {
        if text.len() > MAX_DIRECTORY_LEN {
            return Err(DirectoryError::TooLarge);
        }
        let JsonObject(raw): JsonObject<RawDirectory> = serde_json::from_str(text)
            .map_err(|error| DirectoryError::Malformed(parse_error(&error)))?;
        let mut directory = Self::default();
        for value in raw.agencies.into_vec() {
            let shown_name = value
                .get("name")
                .and_then(serde_json::Value::as_str)
                .map(shown)
                .unwrap_or_default();
            match read_entry(value) {
                Ok(entry) if directory.entries.iter().any(|e| e.kid() == entry.kid()) => {
                    directory.refused.push(RefusedEntry {
                        shown_name,
                        reason: EntryRefusal::Duplicate,
                    });
                }
                Ok(entry) => directory.entries.push(entry),
                Err(reason) => directory.refused.push(RefusedEntry { shown_name, reason }),
            }
        }
        Ok(directory)
    }

    /// The entry whose key has this id.
    pub fn get(&self, kid: &str) -> Option<&DirectoryEntry> {
        self.entries.iter().find(|entry| entry.kid() == kid)
    }
}

fn read_entry(value: serde_json::Value) -> Result<DirectoryEntry, EntryRefusal> {
    // Read again from text rather than from the `Value`: the typed structures have one
    // reader in the module, from text (see `form::parse`).
    let JsonObject(raw): JsonObject<RawEntry> = serde_json::from_str(&crate::json_text(&value))
        .map_err(|error| EntryRefusal::Malformed(parse_error(&error)))?;
    let jwk = serde_json::to_string(&raw.jwk)
        .map_err(|error| EntryRefusal::Malformed(parse_error(&error)))?;
    let key = PublicKey::from_published_jwk_json(&jwk).map_err(|error| match error {
        KeyError::Format(FormatError::Missing("kid")) => EntryRefusal::KidMissing,
        KeyError::KidMismatch => EntryRefusal::KidMismatch,
        other => EntryRefusal::Key(other),
    })?;
    if raw.kid != key.kid() {
        return Err(EntryRefusal::KidMismatch);
    }
    if raw.fingerprint != key.fingerprint() {
        return Err(EntryRefusal::FingerprintMismatch);
    }
    let kind =
        AgencyKind::parse(&raw.kind).ok_or_else(|| EntryRefusal::UnknownKind(shown(&raw.kind)))?;
    check_name(&raw.name).map_err(EntryRefusal::Name)?;
    let signing_key = match raw.signing_jwk {
        None => None,
        Some(jwk) => Some(
            SigningPublicKey::from_jwk_json(&crate::json_text(&jwk))
                .map_err(EntryRefusal::SigningKey)?,
        ),
    };
    // An endorsement that does not hold is no endorsement: the key is then a plain
    // change, which a person confirms.
    let endorsed = match (&signing_key, &raw.endorsement) {
        (Some(signing), Some(endorsement)) => signing.endorses(endorsement, &key),
        _ => false,
    };
    Ok(DirectoryEntry {
        key,
        name: raw.name,
        kind,
        signing_key,
        endorsed,
    })
}

// ---------------------------------------------------------------------------------------
// Trust on first use

/// What changed since an agency was first seen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// A new key under a name already pinned to another key (or a name that looks like
    /// it); the fingerprint of the key pinned before.
    Key { before: String },
    /// The key pinned before, under another name.
    Name,
    /// The key pinned before, with another kind.
    Kind,
    /// A signing key other than the one pinned, or one where none was: whoever holds it
    /// could sign packets in this agency's name. The fingerprint of the one before, if any.
    SigningKey { before: Option<String> },
}

/// How far a directory entry can be trusted on this device.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Trust {
    /// Never seen: pinned now.
    New,
    /// Exactly as pinned.
    Known,
    /// A new key under a pinned agency (same name, same kind), endorsed by the signing key
    /// pinned for it: the agency vouches for its own rotation. Pinned now, like a new
    /// agency; the fingerprint of the key pinned before.
    Vouched { before: String },
    /// Different from what was pinned: not to be sent to until a person confirms.
    Changed(Vec<Change>),
}

/// A digest of 128 bits, base64url: enough to tell names apart, and nothing to read.
fn digest(label: &str, parts: &[&str]) -> String {
    let mut hash = Sha256::new();
    hash.update(b"confidant-pin\0");
    hash.update(label.as_bytes());
    for part in parts {
        hash.update([0u8]);
        hash.update(part.as_bytes());
    }
    b64::encode(&hash.finalize()[..16])
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Pin {
    /// Digest of the key id with the name's comparable form.
    name: String,
    /// Digest of the key id with the kind.
    kind: String,
    /// The signing key's id, when the agency had one: public, and needed to say which
    /// key it was if it changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    signing: Option<String>,
}

/// The agencies pinned on this device: by key id, the digests of the name and the kind it
/// was first seen with; by digest of a name's comparable form, the key id it belongs to.
/// Stored as JSON by the web app; holds no name or kind in the clear.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pins {
    keys: StrMap<Pin>,
    names: StrMap<String>,
}

impl Pins {
    /// Pins as stored; anything unreadable gives no pins, so that every agency is new and
    /// shows its fingerprint (never a silent "known").
    pub fn from_json(text: &str) -> Self {
        serde_json::from_str(text).unwrap_or_default()
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    fn name_index(entry: &DirectoryEntry) -> String {
        digest("name-index", &[&comparable_name(&entry.name)])
    }

    /// How `entry` compares with what is pinned. Does not pin anything.
    pub fn trust(&self, entry: &DirectoryEntry) -> Trust {
        let kid = entry.kid();
        let mut changes = Vec::new();
        if let Some(pinned_kid) = self.names.get(&Self::name_index(entry))
            && pinned_kid != kid
        {
            changes.push(Change::Key {
                before: fingerprint_of_kid(pinned_kid).unwrap_or_default(),
            });
        }
        if let [Change::Key { before }] = changes.as_slice()
            && !self.keys.contains_key(kid)
            && self.vouched_for(entry)
        {
            return Trust::Vouched {
                before: before.clone(),
            };
        }
        match self.keys.get(kid) {
            None if changes.is_empty() => return Trust::New,
            None => {}
            Some(pin) => {
                if pin.name != digest("name", &[kid, &comparable_name(&entry.name)]) {
                    changes.push(Change::Name);
                }
                if pin.kind != digest("kind", &[kid, entry.kind.as_str()]) {
                    changes.push(Change::Kind);
                }
                let signing = entry.signing_key.as_ref().map(SigningPublicKey::kid);
                if pin.signing.as_deref() != signing && signing.is_some() {
                    changes.push(Change::SigningKey {
                        before: pin.signing.as_deref().and_then(fingerprint_of_kid),
                    });
                }
            }
        }
        if changes.is_empty() {
            Trust::Known
        } else {
            Trust::Changed(changes)
        }
    }

    /// Whether `entry`'s new key is endorsed by the signing key pinned for the key its
    /// name was pinned to, with the same name and kind as pinned then.
    fn vouched_for(&self, entry: &DirectoryEntry) -> bool {
        let (Some(signing), true) = (&entry.signing_key, entry.endorsed) else {
            return false;
        };
        let Some(before) = self.names.get(&Self::name_index(entry)) else {
            return false;
        };
        self.keys.get(before).is_some_and(|pin| {
            pin.signing.as_deref() == Some(signing.kid())
                && pin.name == digest("name", &[before, &comparable_name(&entry.name)])
                && pin.kind == digest("kind", &[before, entry.kind.as_str()])
        })
    }

    /// Pins `entry` as it is now: on first sight, or once a person has confirmed its
    /// change. Whatever the name or the key was pinned to before is replaced.
    pub fn pin(&mut self, entry: &DirectoryEntry) {
        let kid = entry.kid().to_owned();
        self.names.retain(|_, pinned| *pinned != kid);
        self.keys.insert(
            kid.clone(),
            Pin {
                name: digest("name", &[&kid, &comparable_name(&entry.name)]),
                kind: digest("kind", &[&kid, entry.kind.as_str()]),
                signing: entry.signing_key.as_ref().map(|key| key.kid().to_owned()),
            },
        );
        self.names.insert(Self::name_index(entry), kid);
    }

    /// Checks every entry, pins those never seen, and gives each one's trust.
    pub fn check_all(&mut self, entries: &[DirectoryEntry]) -> Vec<Trust> {
        entries
            .iter()
            .map(|entry| {
                let trust = self.trust(entry);
                if matches!(trust, Trust::New | Trust::Vouched { .. }) {
                    self.pin(entry);
                }
                trust
            })
            .collect()
    }
}

// ---------------------------------------------------------------------------------------
// Who sent a packet

/// Who sent an opened packet, as its verified signature and the directory tell it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Sender<'a> {
    /// Signed with the signing key the directory lists for this agency.
    SignedBy(&'a DirectoryEntry),
    /// Signed with a key no agency of the directory lists: the signature holds, but
    /// nothing says whose it is. The key's fingerprint, to compare by other means.
    SignedByUnknownKey { fingerprint: String },
    /// Not signed: the sender key the payload names is a bare claim.
    NotSigned,
}

/// Why a signed packet's sender is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SenderRefusal {
    /// The payload names one agency's key as its sender, and another agency signed it:
    /// content re-signed by someone who could read it (a co-recipient) to pass as the
    /// first agency's.
    NotTheSender {
        /// The agency whose key signed.
        signed_by: String,
        /// The agency the payload names.
        claims: String,
    },
}

impl fmt::Display for SenderRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotTheSender { signed_by, claims } => write!(
                f,
                "signed by {}, but it says it comes from {}: refused as forged",
                shown(signed_by),
                shown(claims)
            ),
        }
    }
}

/// Who sent a packet that `signer` signed (`None` when unsigned) and whose payload names
/// `claimed_sender_kid` as its sender's encryption key, judged against the directory
/// `entries` the reader trusts (pinned, unchanged).
///
/// The signing key decides: the payload's sender key only has to not belong to another
/// agency (after a rotation it may be a key the directory no longer lists).
pub fn sender<'a>(
    entries: &'a [DirectoryEntry],
    signer: Option<&SigningPublicKey>,
    claimed_sender_kid: &str,
) -> Result<Sender<'a>, SenderRefusal> {
    let Some(signer) = signer else {
        return Ok(Sender::NotSigned);
    };
    let Some(signed_by) = entries
        .iter()
        .find(|entry| entry.signing_key.as_ref() == Some(signer))
    else {
        return Ok(Sender::SignedByUnknownKey {
            fingerprint: signer.fingerprint(),
        });
    };
    if let Some(claimed) = entries
        .iter()
        .find(|entry| entry.kid() == claimed_sender_kid)
        && claimed.signing_key.as_ref() != Some(signer)
    {
        return Err(SenderRefusal::NotTheSender {
            signed_by: signed_by.name.clone(),
            claims: claimed.name.clone(),
        });
    }
    Ok(Sender::SignedBy(signed_by))
}

// ---------------------------------------------------------------------------------------
// An embedded form's recipients

/// Why an embedded form will not seal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EmbedRefusal {
    /// The agencies the server names for the partner are not exactly those its snippet
    /// pins: the server changed them since, or the snippet was edited.
    NotPinned,
    /// A pinned agency is not in the directory under that key id: its key changed, or it
    /// left.
    NotListed,
    /// No agency is named at all.
    NoRecipient,
}

/// The recipients of an embedded form: the key ids the server fixes for the partner
/// (`fixed`), which must be exactly the key ids the partner's snippet pins (`pins`), each
/// as the directory lists it. Key ids are computed from the keys, so a pinned id is the
/// key itself: a server that swaps a key, adds an agency or drops one is refused.
pub fn embed_recipients(
    entries: &[DirectoryEntry],
    fixed: &[String],
    pins: &[String],
) -> Result<Vec<DirectoryEntry>, EmbedRefusal> {
    if fixed.is_empty() {
        return Err(EmbedRefusal::NoRecipient);
    }
    fn set(kids: &[String]) -> std::collections::BTreeSet<&str> {
        kids.iter().map(String::as_str).collect()
    }
    if set(fixed) != set(pins) || fixed.len() != set(fixed).len() {
        return Err(EmbedRefusal::NotPinned);
    }
    fixed
        .iter()
        .map(|kid| {
            entries
                .iter()
                .find(|entry| entry.kid() == kid)
                .cloned()
                .ok_or(EmbedRefusal::NotListed)
        })
        .collect()
}

/// The key id a payload names as its sender's: a referral's `sender`, an answer's `from`.
/// Only those members are read; the rest of the payload is skipped unparsed.
pub fn claimed_sender(payload_json: &str) -> Option<String> {
    #[derive(Deserialize)]
    struct Named {
        kid: String,
    }
    #[derive(Deserialize)]
    struct Claims {
        sender: Option<Named>,
        from: Option<Named>,
    }
    let claims: Claims = serde_json::from_str(payload_json).ok()?;
    claims.sender.or(claims.from).map(|named| named.kid)
}

/// The fingerprint of the key whose id is `kid` (both come from the same thumbprint).
pub fn fingerprint_of_kid(kid: &str) -> Option<String> {
    let digest = b64::decode_array::<32>(kid)?.ok()?;
    Some(crate::keys::fingerprint_of_thumbprint(&digest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn look_alike_names_are_refused_or_compared_alike() {
        assert_eq!(
            check_name("P\u{3bf}lice unit"),
            Err(NameProblem::MixedScripts)
        );
        assert_eq!(
            check_name("Police\u{200b} unit"),
            Err(NameProblem::Invisible)
        );
        assert_eq!(
            check_name("Police unit\u{202e}"),
            Err(NameProblem::Invisible)
        );
        assert_eq!(check_name(" Police unit"), Err(NameProblem::Spacing));
        assert_eq!(check_name("Police  unit"), Err(NameProblem::Spacing));
        for fine in [
            "Unité de police",
            "وحدة الشرطة",
            "Protección de la infancia",
            "Отдел полиции",
            "Shelter 24/7",
        ] {
            assert_eq!(check_name(fine), Ok(()), "{fine}");
        }
        assert_eq!(
            comparable_name("Police Unit"),
            comparable_name("PoIice unit")
        );
        assert_eq!(
            comparable_name("Police unit"),
            comparable_name("Pοlice-unit")
        );
        assert_eq!(comparable_name("Shelter 1"), comparable_name("Shelter l"));
        assert_ne!(
            comparable_name("Shelter North"),
            comparable_name("Shelter South")
        );
    }
}
