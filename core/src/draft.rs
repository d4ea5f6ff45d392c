//! Drafts kept between sessions in the browser: a form's answers sealed with AES-256-GCM
//! under a key derived with Argon2id from a passphrase the worker sets. The passphrase
//! and the key stay in memory; storage only ever holds the sealed text.
//!
//! ```json
//! {"format":"confidant-draft","version":1,"form":"referral",
//!  "kdf":{"alg":"argon2id","memory_kib":19456,"iterations":2,"parallelism":1,"salt":"…"},
//!  "iv":"…","ciphertext":"…"}
//! ```
//!
//! The additional data binds the ciphertext to everything before it (format, version,
//! form, parameters, salt), so none of them can be swapped.
//!
//! The web app keeps one draft per person (form `person`, [`PersonDraft`]): the label
//! the worker gave it, the day it was last saved and the answers of each form begun for
//! the person, all inside the ciphertext. A worker's drafts share one passphrase and one
//! derivation, so that one unlock opens them all.

use core::fmt;
use std::collections::BTreeMap;

use rand_core::TryCryptoRng;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::b64;
use crate::keys::{KdfParams, Passphrase};
use crate::primitives::{self, GCM_IV_LEN, GCM_TAG_LEN, SymmetricKey};
use crate::random::random_bytes;

const FORMAT: &str = "confidant-draft";
const VERSION: u32 = 1;
/// The salt's length in bytes.
pub const SALT_LEN: usize = 16;
/// A draft is a form's answers: well under this.
pub const MAX_DRAFT_LEN: usize = 8 * 1024 * 1024;

/// The key a draft is sealed with, derived once per session (Argon2id is slow on
/// purpose) and kept in memory to seal the draft again after each change.
pub struct DraftKey {
    key: SymmetricKey,
    params: KdfParams,
    salt: [u8; SALT_LEN],
}

impl fmt::Debug for DraftKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DraftKey(..)")
    }
}

/// Why a draft could not be sealed or opened. Never carries the passphrase or content.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DraftError {
    EmptyPassphrase,
    Randomness,
    /// Not a draft (or one from another form, or too large).
    Malformed,
    /// The Argon2id parameters are outside what key files accept.
    KdfOutOfRange,
    /// A wrong passphrase, or a changed draft: the same answer for both.
    CouldNotOpen,
    /// A new draft's passphrase is too easy to guess (`keys::MIN_PASSPHRASE_SCORE`).
    WeakPassphrase,
    /// A person's draft needs a label to be found again by.
    NoLabel,
    /// The label is longer than [`MAX_LABEL_CHARS`].
    LabelTooLong,
}

impl fmt::Display for DraftError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::EmptyPassphrase => "the passphrase is empty",
            Self::Randomness => "the browser gave no random numbers",
            Self::Malformed => "this is not a draft of this form",
            Self::KdfOutOfRange => "the draft's key derivation parameters are out of range",
            Self::CouldNotOpen => "could not open the draft with this passphrase",
            Self::WeakPassphrase => crate::keys::WEAK_PASSPHRASE,
            Self::NoLabel => "the draft has no label",
            Self::LabelTooLong => "the draft's label is too long",
        })
    }
}

impl std::error::Error for DraftError {}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct DraftJson {
    format: String,
    version: u32,
    form: String,
    kdf: KdfJson,
    iv: String,
    ciphertext: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct KdfJson {
    alg: String,
    memory_kib: u32,
    iterations: u32,
    parallelism: u32,
    salt: String,
}

fn associated_data(form: &str, params: &KdfParams, salt: &[u8]) -> String {
    format!(
        "{FORMAT}/{VERSION}/{form}/argon2id/{}/{}/{}/{}",
        params.memory_kib,
        params.iterations,
        params.parallelism,
        b64::encode(salt)
    )
}

/// What a draft key is derived from, besides the passphrase: the Argon2id parameters and
/// the salt. The slow part, [`Derivation::derive`], can run elsewhere (the web app runs
/// it in a Web Worker, so that the page never stops answering).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Derivation {
    pub params: KdfParams,
    pub salt: [u8; SALT_LEN],
}

impl Derivation {
    /// A derivation with a new random salt, for a new draft.
    pub fn new<R: TryCryptoRng + ?Sized>(
        params: KdfParams,
        rng: &mut R,
    ) -> Result<Self, DraftError> {
        params.check().map_err(|_| DraftError::KdfOutOfRange)?;
        let salt = *random_bytes::<SALT_LEN, R>(rng).map_err(|_| DraftError::Randomness)?;
        Ok(Self { params, salt })
    }

    /// The derivation a sealed draft of `form` records, checked before any work.
    pub fn of_draft(text: &str, form: &str) -> Result<Self, DraftError> {
        let (derivation, _) = parse(text, form)?;
        Ok(derivation)
    }

    /// Argon2id: the passphrase's key under these parameters and salt.
    pub fn derive(&self, passphrase: &Passphrase) -> Result<SymmetricKey, DraftError> {
        if passphrase.is_empty() {
            return Err(DraftError::EmptyPassphrase);
        }
        self.params.check().map_err(|_| DraftError::KdfOutOfRange)?;
        self.params
            .derive_key(passphrase, &self.salt)
            .map_err(|_| DraftError::KdfOutOfRange)
    }
}

impl DraftKey {
    /// The derivation this key came from: drafts that record it open with this key.
    pub fn derivation(&self) -> Derivation {
        Derivation {
            params: self.params,
            salt: self.salt,
        }
    }

    /// The key itself: the web app's drafts panel, a module of its own, hands it to the
    /// shell's module, which keeps sealing the open draft with it.
    pub fn key(&self) -> &SymmetricKey {
        &self.key
    }

    /// Derives a new draft key (with a new salt) from the worker's passphrase.
    pub fn derive<R: TryCryptoRng + ?Sized>(
        passphrase: &Passphrase,
        params: KdfParams,
        rng: &mut R,
    ) -> Result<Self, DraftError> {
        if passphrase.is_empty() {
            return Err(DraftError::EmptyPassphrase);
        }
        let derivation = Derivation::new(params, rng)?;
        Ok(Self::from_derived(
            derivation,
            derivation.derive(passphrase)?,
        ))
    }

    /// The draft key of `derivation`, whose key was derived (elsewhere) as
    /// [`Derivation::derive`] does.
    pub fn from_derived(derivation: Derivation, key: SymmetricKey) -> Self {
        Self {
            key,
            params: derivation.params,
            salt: derivation.salt,
        }
    }

    /// Seals `content` (the answers' JSON) as a draft of `form`.
    pub fn seal<R: TryCryptoRng + ?Sized>(
        &self,
        form: &str,
        content: &str,
        rng: &mut R,
    ) -> Result<String, DraftError> {
        let iv = random_bytes::<GCM_IV_LEN, R>(rng).map_err(|_| DraftError::Randomness)?;
        let mut sealed = Zeroizing::new(content.as_bytes().to_vec());
        let aad = associated_data(form, &self.params, &self.salt);
        let tag = primitives::aes256_gcm_seal(&self.key, &iv, aad.as_bytes(), &mut sealed);
        sealed.extend_from_slice(&tag);
        let draft = DraftJson {
            format: FORMAT.into(),
            version: VERSION,
            form: form.into(),
            kdf: KdfJson {
                alg: "argon2id".into(),
                memory_kib: self.params.memory_kib,
                iterations: self.params.iterations,
                parallelism: self.params.parallelism,
                salt: b64::encode(&self.salt),
            },
            iv: b64::encode(iv.as_ref()),
            ciphertext: b64::encode(&sealed),
        };
        serde_json::to_string(&draft).map_err(|_| DraftError::Malformed)
    }

    /// Opens a draft of `form` with the passphrase, and gives back its content and the
    /// key, to keep sealing the draft as the worker goes on. The parameters are checked
    /// before any key is derived.
    pub fn open(
        text: &str,
        form: &str,
        passphrase: &Passphrase,
    ) -> Result<(Self, Zeroizing<String>), DraftError> {
        let derivation = Derivation::of_draft(text, form)?;
        if passphrase.is_empty() {
            return Err(DraftError::CouldNotOpen);
        }
        let key = Self::from_derived(derivation, derivation.derive(passphrase)?);
        let content = key.open_sealed(text, form)?;
        Ok((key, content))
    }

    /// Opens a draft of `form` with this key (derived from its passphrase and its
    /// [`Derivation`]).
    pub fn open_sealed(&self, text: &str, form: &str) -> Result<Zeroizing<String>, DraftError> {
        let (derivation, sealed) = parse(text, form)?;
        if derivation.params != self.params || derivation.salt != self.salt {
            return Err(DraftError::CouldNotOpen);
        }
        let (iv, mut sealed) = sealed;
        let at = sealed.len() - GCM_TAG_LEN;
        let tag: [u8; GCM_TAG_LEN] = sealed[at..].try_into().map_err(|_| DraftError::Malformed)?;
        sealed.truncate(at);
        let aad = associated_data(form, &self.params, &self.salt);
        primitives::aes256_gcm_open(&self.key, &iv, aad.as_bytes(), &mut sealed, &tag)
            .map_err(|_| DraftError::CouldNotOpen)?;
        let content = String::from_utf8(core::mem::take(&mut *sealed))
            .map_err(|_| DraftError::CouldNotOpen)?;
        Ok(Zeroizing::new(content))
    }
}

/// A sealed draft of `form`: its derivation, nonce and ciphertext with the tag.
type Sealed = ([u8; GCM_IV_LEN], Zeroizing<Vec<u8>>);

fn parse(text: &str, form: &str) -> Result<(Derivation, Sealed), DraftError> {
    if text.len() > MAX_DRAFT_LEN {
        return Err(DraftError::Malformed);
    }
    let draft: DraftJson = serde_json::from_str(text).map_err(|_| DraftError::Malformed)?;
    if draft.format != FORMAT
        || draft.version != VERSION
        || draft.form != form
        || draft.kdf.alg != "argon2id"
    {
        return Err(DraftError::Malformed);
    }
    let params = KdfParams {
        memory_kib: draft.kdf.memory_kib,
        iterations: draft.kdf.iterations,
        parallelism: draft.kdf.parallelism,
    };
    params.check().map_err(|_| DraftError::KdfOutOfRange)?;
    let salt: [u8; SALT_LEN] = b64::decode(&draft.kdf.salt)
        .and_then(|salt| salt.try_into().ok())
        .ok_or(DraftError::Malformed)?;
    let iv: [u8; GCM_IV_LEN] = b64::decode(&draft.iv)
        .and_then(|iv| iv.try_into().ok())
        .ok_or(DraftError::Malformed)?;
    let sealed = Zeroizing::new(b64::decode(&draft.ciphertext).ok_or(DraftError::Malformed)?);
    if sealed.len() < GCM_TAG_LEN {
        return Err(DraftError::Malformed);
    }
    Ok((Derivation { params, salt }, (iv, sealed)))
}

/// The form name a person's draft is sealed under.
pub const PERSON: &str = "person";
/// The longest label a person's draft takes, in characters.
pub const MAX_LABEL_CHARS: usize = 60;

/// What a person's draft holds, sealed: the worker's label, the day it was last saved
/// (`YYYY-MM-DD` on the worker's device, or empty when not known) and each begun form's
/// answers (their JSON, by form id). Nothing of it is readable outside the ciphertext.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonDraft {
    pub label: String,
    pub saved: String,
    pub forms: BTreeMap<String, serde_json::Value>,
}

impl PersonDraft {
    /// The label as kept: trimmed, not empty, at most [`MAX_LABEL_CHARS`] characters.
    pub fn check_label(label: &str) -> Result<String, DraftError> {
        let label = label.trim();
        if label.is_empty() {
            return Err(DraftError::NoLabel);
        }
        if label.chars().count() > MAX_LABEL_CHARS {
            return Err(DraftError::LabelTooLong);
        }
        Ok(label.to_owned())
    }

    /// The text to seal.
    pub fn to_text(&self) -> Zeroizing<String> {
        Zeroizing::new(serde_json::to_string(self).unwrap_or_default())
    }

    /// Reads an opened draft's content, checking its label, its date and that each form's
    /// answers are an object (the form's own rules check them when they are used).
    pub fn from_text(text: &str) -> Result<Self, DraftError> {
        let draft: Self = serde_json::from_str(text).map_err(|_| DraftError::Malformed)?;
        let checked = Self::check_label(&draft.label).map_err(|_| DraftError::Malformed)?;
        let day = |s: &str| {
            s.len() == 10
                && s.bytes().enumerate().all(|(at, b)| {
                    if at == 4 || at == 7 {
                        b == b'-'
                    } else {
                        b.is_ascii_digit()
                    }
                })
        };
        if checked != draft.label
            || !(draft.saved.is_empty() || day(&draft.saved))
            || draft.forms.values().any(|answers| !answers.is_object())
        {
            return Err(DraftError::Malformed);
        }
        Ok(draft)
    }
}
