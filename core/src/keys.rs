//! Agency keys: X25519 key pairs, their public JWK form, their fingerprints, and the
//! passphrase-encrypted key file that is the only form in which a secret key is stored.
//!
//! A receiving agency generates one key pair, publishes the public key (a JWK whose `kid`
//! is its RFC 7638 thumbprint) in the recipient directory, and keeps the secret key in a
//! key file sealed with Argon2id and AES-256-GCM (format in `docs/keyfile.md`).
//!
//! This module never writes a secret anywhere but into a key file, never prints one
//! (`Debug` shows `AgencySecretKey(..)`), never puts one in an error, and does no I/O:
//! the key file is a `String` that the caller stores.

use core::fmt;

use rand_core::TryCryptoRng;
use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::b64;
use crate::format_error::{ByteLength, FormatError};
use crate::json_object::JsonObject;
use crate::primitives::{self, X25519_LEN};
use crate::random::random_bytes;
use crate::signing::{ED25519_LEN, RawSigningJwk, SigningJwk, SigningKeyPair, SigningPublicKey};
use crate::untrusted_text::{parse_error, shown};

/// The JWE `alg` an agency key is used with.
pub const AGENCY_KEY_ALG: &str = "ECDH-ES+A256KW";

// ---------------------------------------------------------------------------------------
// Public keys

/// An agency's X25519 public key, checked: 32 bytes, canonical, not a low-order point, with its key
/// id computed from the key itself.
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey {
    x: [u8; X25519_LEN],
    kid: String,
}

impl PublicKey {
    /// Parses a public JWK strictly.
    ///
    /// Required: `kty` = `OKP`, `crv` = `X25519`, `x` (32 bytes). Optional, but checked
    /// when present: `kid` (must equal the RFC 7638 thumbprint), `use` (must be `enc`),
    /// `alg` (must be `ECDH-ES+A256KW`). Anything else is refused, private key material
    /// (`d`) above all.
    ///
    /// A key read this way is identified by the key id computed from it, whatever the
    /// JWK said; where a format requires the `kid` to be present (a directory entry, the
    /// sender of a payload), use [`PublicKey::from_published_jwk_json`].
    pub fn from_jwk_json(json: &str) -> Result<Self, KeyError> {
        let JsonObject(raw): JsonObject<RawPublicJwk> =
            serde_json::from_str(json).map_err(|error| FormatError::MalformedJson {
                document: "public key",
                message: parse_error(&error),
            })?;
        Self::from_raw_jwk(raw)
    }

    /// Parses a public JWK as [`PublicKey::from_jwk_json`] does, and also requires its
    /// `kid`: where a key is published for others to pin (the directory, the sender key
    /// in a payload), it must name itself, and the name must be its own thumbprint.
    pub fn from_published_jwk_json(json: &str) -> Result<Self, KeyError> {
        let JsonObject(raw): JsonObject<RawPublicJwk> =
            serde_json::from_str(json).map_err(|error| FormatError::MalformedJson {
                document: "public key",
                message: parse_error(&error),
            })?;
        if raw.kid.is_none() {
            return Err(FormatError::Missing("kid").into());
        }
        Self::from_raw_jwk(raw)
    }

    fn from_raw_jwk(raw: RawPublicJwk) -> Result<Self, KeyError> {
        if raw.d.is_some() {
            return Err(KeyError::PrivateKeyMaterial);
        }
        let kty = raw.kty.ok_or(FormatError::Missing("kty"))?;
        if kty != "OKP" {
            return Err(FormatError::Unsupported {
                member: "kty",
                value: shown(&kty),
            }
            .into());
        }
        let crv = raw.crv.ok_or(FormatError::Missing("crv"))?;
        if crv != "X25519" {
            return Err(FormatError::Unsupported {
                member: "crv",
                value: shown(&crv),
            }
            .into());
        }
        let x = raw.x.ok_or(FormatError::Missing("x"))?;
        let x = b64::decode_array::<X25519_LEN>(&x)
            .ok_or(FormatError::InvalidBase64("x"))?
            .map_err(|_| FormatError::InvalidLength {
                member: "x",
                expected: ByteLength::Exactly(X25519_LEN),
            })?;
        if let Some(key_use) = raw.key_use
            && key_use != "enc"
        {
            return Err(FormatError::Unsupported {
                member: "use",
                value: shown(&key_use),
            }
            .into());
        }
        if let Some(alg) = raw.alg
            && alg != AGENCY_KEY_ALG
        {
            return Err(FormatError::Unsupported {
                member: "alg",
                value: shown(&alg),
            }
            .into());
        }
        let key = Self::from_bytes(x)?;
        if let Some(kid) = raw.kid
            && kid != key.kid
        {
            return Err(KeyError::KidMismatch);
        }
        Ok(key)
    }

    /// A public key from its 32 raw bytes, refusing low-order points.
    pub fn from_bytes(x: [u8; X25519_LEN]) -> Result<Self, KeyError> {
        if !primitives::is_canonical_x25519_public(&x) {
            return Err(KeyError::NonCanonical);
        }
        // Every low-order point gives the all-zero shared secret with every scalar, so one
        // trial multiplication with any scalar finds them all.
        let probe_scalar = [0x5a; X25519_LEN];
        if primitives::x25519_shared_secret(&probe_scalar, &x).is_err() {
            return Err(KeyError::LowOrderPoint);
        }
        let kid = primitives::okp_thumbprint("X25519", &b64::encode(&x));
        Ok(Self { x, kid })
    }

    /// The public JWK: `kty`, `crv`, `x`, `kid`, `use`, `alg`, in that order, compact.
    pub fn to_jwk_json(&self) -> String {
        serde_json::to_string(&self.to_jwk()).expect("a jwk serializes")
    }

    pub(crate) fn to_jwk(&self) -> PublicJwk {
        PublicJwk {
            kty: "OKP".into(),
            crv: "X25519".into(),
            x: b64::encode(&self.x),
            kid: self.kid.clone(),
            key_use: "enc".into(),
            alg: AGENCY_KEY_ALG.into(),
        }
    }

    /// The key id: the RFC 7638 JWK thumbprint (SHA-256, base64url, 43 characters).
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The fingerprint a person compares by reading it aloud; see [`fingerprint`].
    pub fn fingerprint(&self) -> String {
        fingerprint(self)
    }

    /// The 32 raw bytes of the key.
    pub fn as_bytes(&self) -> &[u8; X25519_LEN] {
        &self.x
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PublicKey").field("kid", &self.kid).finish()
    }
}

/// Crockford's base32 alphabet: digits and capitals without I, L, O and U, so that no two
/// characters are confused when read aloud or copied by hand.
const FINGERPRINT_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// The human-comparable fingerprint of a public key: the first 160 bits of its RFC 7638
/// thumbprint in Crockford base32, as 8 groups of 4 characters separated by spaces, for
/// example `7K3M 9QXD 2RTV H8PA 0C4N WZ6E J5FG B1YS`.
///
/// It is a prefix of the key id in another alphabet, so a matching fingerprint vouches for
/// the key id as well. 160 bits leave no room for a second key to be ground to match.
pub fn fingerprint(key: &PublicKey) -> String {
    fingerprint_of_thumbprint(&primitives::okp_thumbprint_digest(
        "X25519",
        &b64::encode(&key.x),
    ))
}

/// Five bytes (40 bits) as eight characters of Crockford's base32.
pub(crate) fn crockford_40_bits(chunk: &[u8; 5]) -> [char; 8] {
    let bits = chunk
        .iter()
        .fold(0u64, |bits, byte| (bits << 8) | u64::from(*byte));
    core::array::from_fn(|i| {
        let index = usize::try_from((bits >> ((7 - i) * 5)) & 0x1f).unwrap_or(0);
        char::from(FINGERPRINT_ALPHABET[index])
    })
}

/// The fingerprint of the key whose RFC 7638 thumbprint (SHA-256) is `digest`.
pub(crate) fn fingerprint_of_thumbprint(digest: &[u8; 32]) -> String {
    let mut characters = Vec::with_capacity(32);
    // 20 bytes = 160 bits = 32 five-bit characters; take them 5 bytes (8 characters) at a time.
    for chunk in digest[..20].chunks_exact(5) {
        if let Ok(chunk) = <&[u8; 5]>::try_from(chunk) {
            characters.extend(crockford_40_bits(chunk));
        }
    }
    let groups: Vec<String> = characters
        .chunks(4)
        .map(|group| group.iter().collect())
        .collect();
    groups.join(" ")
}

/// The wire form of a public JWK, both for writing and (via [`RawPublicJwk`]) reading.
#[derive(Serialize)]
pub(crate) struct PublicJwk {
    kty: String,
    crv: String,
    x: String,
    kid: String,
    #[serde(rename = "use")]
    key_use: String,
    alg: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPublicJwk {
    kty: Option<String>,
    crv: Option<String>,
    x: Option<String>,
    kid: Option<String>,
    #[serde(rename = "use")]
    key_use: Option<String>,
    alg: Option<String>,
    // Recognised only to be refused with a clear message.
    d: Option<IgnoredAny>,
}

// ---------------------------------------------------------------------------------------
// Secret keys

/// An agency's X25519 secret key, with its public key alongside for the key id.
///
/// The scalar is wiped on drop and never printed.
#[derive(Clone)]
pub struct AgencySecretKey {
    secret: x25519_dalek::StaticSecret,
    public: PublicKey,
}

impl AgencySecretKey {
    fn from_secret_bytes(bytes: &[u8; X25519_LEN]) -> Result<Self, KeyError> {
        let secret = x25519_dalek::StaticSecret::from(*bytes);
        let public = PublicKey::from_bytes(x25519_dalek::PublicKey::from(&secret).to_bytes())?;
        Ok(Self { secret, public })
    }

    /// The matching public key.
    pub fn public_key(&self) -> &PublicKey {
        &self.public
    }

    /// The key id of the matching public key.
    pub fn kid(&self) -> &str {
        self.public.kid()
    }

    pub(crate) fn secret_bytes(&self) -> &[u8; X25519_LEN] {
        self.secret.as_bytes()
    }
}

impl fmt::Debug for AgencySecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AgencySecretKey(..)")
    }
}

/// A freshly generated or freshly unlocked agency key pair.
#[derive(Clone, Debug)]
pub struct AgencyKeyPair {
    /// The key to publish.
    pub public: PublicKey,
    /// The key to keep, only ever stored through [`KeyFile::seal`].
    pub secret: AgencySecretKey,
}

impl AgencyKeyPair {
    /// Generates a key pair from the caller's cryptographic RNG.
    pub fn generate<R: TryCryptoRng + ?Sized>(rng: &mut R) -> Result<Self, KeyError> {
        // A clamped scalar times the base point is never a low-order point, so the check
        // inside `from_secret_bytes` cannot fail here; it stays for keys read from files.
        let secret_bytes = random_bytes::<X25519_LEN, R>(rng).map_err(|_| KeyError::Randomness)?;
        let secret = AgencySecretKey::from_secret_bytes(&secret_bytes)?;
        Ok(Self {
            public: secret.public.clone(),
            secret,
        })
    }
}

/// An agency's key pairs as a keyring file (version 2) holds them: the current one, which
/// the directory publishes and new packets are sealed to, and former ones, kept to open
/// what was sealed to them before a rotation. A version 1 key file opens as a ring of one.
#[derive(Clone, Debug)]
pub struct Keyring {
    pub current: AgencyKeyPair,
    /// Newest first.
    pub former: Vec<AgencyKeyPair>,
    /// The agency's long-lived Ed25519 signing key pair, which the directory publishes
    /// beside the current encryption key. Rings made before signing have none until one
    /// is added ([`Keyring::add_signing_key`]).
    pub signing: Option<SigningKeyPair>,
}

/// Why a keyring cannot change as asked.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyringError {
    /// It holds [`Keyring::MAX_KEYS`] already: retire a former key first.
    Full,
    /// The key is the current one, which is replaced by rotating, never retired.
    Current,
    /// No key of the ring has this key id.
    NoSuchKey,
}

impl fmt::Display for KeyringError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Full => write!(
                f,
                "the keyring holds {} keys already: retire a former key first",
                Keyring::MAX_KEYS
            ),
            Self::Current => {
                f.write_str("this is the current key: rotate to a new one first, then retire it")
            }
            Self::NoSuchKey => f.write_str("no key of this keyring has that key id"),
        }
    }
}

impl std::error::Error for KeyringError {}

impl Keyring {
    /// The most key pairs a ring holds, current included.
    pub const MAX_KEYS: usize = 16;

    /// A ring of one encryption key pair, with no signing key.
    pub fn new(current: AgencyKeyPair) -> Self {
        Self {
            current,
            former: Vec::new(),
            signing: None,
        }
    }

    /// A new agency's ring: a fresh encryption key pair and a fresh signing key pair.
    pub fn generate<R: TryCryptoRng + ?Sized>(rng: &mut R) -> Result<Self, KeyError> {
        let mut ring = Self::new(AgencyKeyPair::generate(rng)?);
        ring.signing = Some(SigningKeyPair::generate(rng)?);
        Ok(ring)
    }

    /// Gives a ring without a signing key a fresh one, and says whether it did. A ring
    /// keeps its signing key for good: it is what vouches for the agency across
    /// rotations of its encryption key.
    pub fn add_signing_key<R: TryCryptoRng + ?Sized>(
        &mut self,
        rng: &mut R,
    ) -> Result<bool, KeyError> {
        if self.signing.is_some() {
            return Ok(false);
        }
        self.signing = Some(SigningKeyPair::generate(rng)?);
        Ok(true)
    }

    /// Every key pair, current first.
    pub fn pairs(&self) -> impl Iterator<Item = &AgencyKeyPair> {
        std::iter::once(&self.current).chain(&self.former)
    }

    /// The key pair with key id `kid`.
    pub fn get(&self, kid: &str) -> Option<&AgencyKeyPair> {
        self.pairs().find(|pair| pair.public.kid() == kid)
    }

    /// Makes `next` the current key; the current one becomes the newest former key.
    pub fn rotate(&mut self, next: AgencyKeyPair) -> Result<(), KeyringError> {
        if self.former.len() + 1 >= Self::MAX_KEYS {
            return Err(KeyringError::Full);
        }
        let previous = std::mem::replace(&mut self.current, next);
        self.former.insert(0, previous);
        Ok(())
    }

    /// Removes the former key `kid`. Whether anything still needs it (a packet waiting
    /// that only it opens) is for the caller to have checked.
    pub fn retire(&mut self, kid: &str) -> Result<AgencyKeyPair, KeyringError> {
        if self.current.public.kid() == kid {
            return Err(KeyringError::Current);
        }
        let at = self
            .former
            .iter()
            .position(|pair| pair.public.kid() == kid)
            .ok_or(KeyringError::NoSuchKey)?;
        Ok(self.former.remove(at))
    }
}

/// A passphrase, for a passphrase recipient of a packet or for a key file.
///
/// Used as its UTF-8 bytes exactly; no Unicode normalisation happens here, so a user
/// interface that lets people type on different keyboards should normalise (NFC) before
/// constructing one. Wiped on drop, never printed.
#[derive(Clone)]
pub struct Passphrase(Zeroizing<String>);

impl Passphrase {
    /// Takes ownership of the passphrase text.
    pub fn new(passphrase: String) -> Self {
        Self(Zeroizing::new(passphrase))
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    /// The text, for a strength estimator to judge ([`MIN_PASSPHRASE_SCORE`]); it is not
    /// copied, and the passphrase is still wiped on drop.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The least score on zxcvbn's scale (0 to 4) a new passphrase that protects a secret
/// (an agency's key file, a worker's draft) must reach: 4, for which zxcvbn estimates more
/// than 10^10 guesses, each of which costs an attacker an Argon2id derivation. (At 3,
/// two words that name the agency, "confidant shelter", passed.) The
/// estimator itself runs where it can (the command line, the key-derivation worker); it
/// cannot run in this crate, which names no browser crate and zxcvbn does on wasm32.
pub const MIN_PASSPHRASE_SCORE: u8 = 4;

/// What a weak new passphrase is refused with: how to choose a better one, never a
/// word of the one refused.
pub const WEAK_PASSPHRASE: &str = "this passphrase is too easy to guess: use four or more \
    ordinary words that do not belong together, such as a short odd sentence of your own";

impl fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Passphrase(..)")
    }
}

// ---------------------------------------------------------------------------------------
// Key files

/// Argon2id cost parameters of a key file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KdfParams {
    /// Memory in KiB.
    pub memory_kib: u32,
    /// Passes over the memory (Argon2's `t`).
    pub iterations: u32,
    /// Lanes (Argon2's `p`).
    pub parallelism: u32,
}

impl KdfParams {
    /// The parameters new key files get: 64 MiB, 3 passes, 1 lane.
    pub const DEFAULT: Self = Self {
        memory_kib: 64 * 1024,
        iterations: 3,
        parallelism: 1,
    };
    /// The cheapest parameters a key file may have: 19 MiB, 2 passes, 1 lane (the OWASP
    /// minimum for Argon2id). Tests use these; real key files should not.
    pub const MINIMUM: Self = Self {
        memory_kib: 19 * 1024,
        iterations: 2,
        parallelism: 1,
    };
    /// The most expensive parameters accepted: 1 GiB, 10 passes, 4 lanes. A key file
    /// beyond them is refused before any work, so a hostile file cannot exhaust memory.
    pub const MAXIMUM: Self = Self {
        memory_kib: 1024 * 1024,
        iterations: 10,
        parallelism: 4,
    };

    pub(crate) fn check(&self) -> Result<(), KeyFileError> {
        let (min, max) = (Self::MINIMUM, Self::MAXIMUM);
        if !(min.memory_kib..=max.memory_kib).contains(&self.memory_kib) {
            return Err(KeyFileError::KdfOutOfRange("memory"));
        }
        if !(min.iterations..=max.iterations).contains(&self.iterations) {
            return Err(KeyFileError::KdfOutOfRange("iterations"));
        }
        if !(min.parallelism..=max.parallelism).contains(&self.parallelism) {
            return Err(KeyFileError::KdfOutOfRange("parallelism"));
        }
        Ok(())
    }

    pub(crate) fn derive_key(
        &self,
        passphrase: &Passphrase,
        salt: &[u8],
    ) -> Result<primitives::SymmetricKey, KeyFileError> {
        let params = argon2::Params::new(
            self.memory_kib,
            self.iterations,
            self.parallelism,
            Some(primitives::KEY_LEN),
        )
        .map_err(|_| KeyFileError::KdfOutOfRange("argon2"))?;
        let argon2 =
            argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
        let mut key = Zeroizing::new([0u8; primitives::KEY_LEN]);
        argon2
            .hash_password_into(passphrase.as_bytes(), salt, key.as_mut())
            .map_err(|_| KeyFileError::KdfOutOfRange("argon2"))?;
        Ok(key)
    }
}

impl Default for KdfParams {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// The passphrase-encrypted key file (format: `docs/keyfile.md`).
#[derive(Debug)]
pub struct KeyFile;

const KEY_FILE_FORMAT: &str = "confidant-agency-key";
const KEY_FILE_VERSION: u32 = 1;
/// A keyring: several key pairs under one passphrase.
const KEYRING_VERSION: u32 = 2;
/// What a keyring's encryption binds besides the secrets: this label, then its key ids in
/// order, so that no key can be swapped, dropped, reordered or made current.
const KEYRING_AAD_LABEL: &str = "confidant-agency-keyring";
/// The length of a key file's Argon2id salt.
pub const KEY_FILE_SALT_LEN: usize = 16;
const KEY_FILE_CIPHERTEXT_LEN: usize = X25519_LEN + primitives::GCM_TAG_LEN;
/// A key file is a few hundred bytes; anything much larger is not one.
pub const MAX_KEY_FILE_LEN: usize = 64 * 1024;

impl KeyFile {
    /// Encrypts `secret` under `passphrase` and returns the key file text (pretty JSON).
    ///
    /// `public` must be the public key of `secret` and `params` within
    /// [`KdfParams::MINIMUM`]..=[`KdfParams::MAXIMUM`].
    pub fn seal<R: TryCryptoRng + ?Sized>(
        secret: &AgencySecretKey,
        public: &PublicKey,
        passphrase: &Passphrase,
        params: KdfParams,
        rng: &mut R,
    ) -> Result<String, KeyFileError> {
        if passphrase.is_empty() {
            return Err(KeyFileError::EmptyPassphrase);
        }
        if secret.public_key() != public {
            return Err(KeyFileError::KeyMismatch);
        }
        params.check()?;
        let salt =
            random_bytes::<KEY_FILE_SALT_LEN, R>(rng).map_err(|_| KeyFileError::Randomness)?;
        let iv = random_bytes::<{ primitives::GCM_IV_LEN }, R>(rng)
            .map_err(|_| KeyFileError::Randomness)?;
        let key = params.derive_key(passphrase, salt.as_ref())?;
        let mut sealed = Zeroizing::new(Vec::with_capacity(KEY_FILE_CIPHERTEXT_LEN));
        sealed.extend_from_slice(secret.secret_bytes());
        let tag =
            primitives::aes256_gcm_seal(&key, &iv, public.kid().as_bytes(), sealed.as_mut_slice());
        sealed.extend_from_slice(&tag);
        let file = KeyFileJson {
            format: KEY_FILE_FORMAT.into(),
            version: KEY_FILE_VERSION,
            public_key: public.to_jwk(),
            kdf: KdfJson::of(params, salt.as_ref()),
            encrypted_secret_key: EncryptedSecretJson {
                alg: "A256GCM".into(),
                iv: b64::encode(iv.as_ref()),
                ciphertext: b64::encode(&sealed),
            },
        };
        Ok(serde_json::to_string_pretty(&file).expect("a key file serializes"))
    }

    /// Encrypts every key pair of `ring` under `passphrase` and returns the keyring file
    /// text (version 2, pretty JSON).
    pub fn seal_ring<R: TryCryptoRng + ?Sized>(
        ring: &Keyring,
        passphrase: &Passphrase,
        params: KdfParams,
        rng: &mut R,
    ) -> Result<String, KeyFileError> {
        if passphrase.is_empty() {
            return Err(KeyFileError::EmptyPassphrase);
        }
        params.check()?;
        let salt =
            random_bytes::<KEY_FILE_SALT_LEN, R>(rng).map_err(|_| KeyFileError::Randomness)?;
        let key = params.derive_key(passphrase, salt.as_ref())?;
        Self::seal_ring_with_key(ring, &key, params, &salt, rng)
    }

    /// As [`KeyFile::seal_ring`], with the key the passphrase gives under `params` and
    /// `salt` derived elsewhere (the web app derives it in its worker, with a salt it drew
    /// for this file).
    pub fn seal_ring_with_key<R: TryCryptoRng + ?Sized>(
        ring: &Keyring,
        key: &primitives::SymmetricKey,
        params: KdfParams,
        salt: &[u8; KEY_FILE_SALT_LEN],
        rng: &mut R,
    ) -> Result<String, KeyFileError> {
        let pairs: Vec<&AgencyKeyPair> = ring.pairs().collect();
        if pairs.len() > Keyring::MAX_KEYS {
            return Err(KeyFileError::TooManyKeys);
        }
        if pairs
            .iter()
            .any(|pair| pair.secret.public_key() != &pair.public)
        {
            return Err(KeyFileError::KeyMismatch);
        }
        params.check()?;
        let iv = random_bytes::<{ primitives::GCM_IV_LEN }, R>(rng)
            .map_err(|_| KeyFileError::Randomness)?;
        let publics: Vec<PublicKey> = pairs.iter().map(|pair| pair.public.clone()).collect();
        let signing_public = ring.signing.as_ref().map(|pair| pair.public().clone());
        let mut sealed = Zeroizing::new(Vec::with_capacity(
            pairs.len() * X25519_LEN + ED25519_LEN + primitives::GCM_TAG_LEN,
        ));
        for pair in &pairs {
            sealed.extend_from_slice(pair.secret.secret_bytes());
        }
        if let Some(signing) = &ring.signing {
            sealed.extend_from_slice(signing.seed().as_ref());
        }
        let tag = primitives::aes256_gcm_seal(
            key,
            &iv,
            keyring_aad(&publics, signing_public.as_ref()).as_bytes(),
            sealed.as_mut_slice(),
        );
        sealed.extend_from_slice(&tag);
        let file = KeyringJson {
            format: KEY_FILE_FORMAT.into(),
            version: KEYRING_VERSION,
            keys: publics.iter().map(PublicKey::to_jwk).collect(),
            signing_key: signing_public.as_ref().map(SigningPublicKey::to_jwk),
            kdf: KdfJson::of(params, salt),
            encrypted_secret_keys: EncryptedSecretJson {
                alg: "A256GCM".into(),
                iv: b64::encode(iv.as_ref()),
                ciphertext: b64::encode(&sealed),
            },
        };
        Ok(serde_json::to_string_pretty(&file).expect("a keyring file serializes"))
    }

    /// Reads a key file of either version and decrypts every key pair it holds.
    pub fn open_ring(text: &str, passphrase: &Passphrase) -> Result<Keyring, KeyFileError> {
        let parsed = ParsedKeyFile::parse(text)?;
        let key = parsed.params.derive_key(passphrase, &parsed.salt)?;
        parsed.unwrap_ring(&key)
    }

    /// As [`KeyFile::open_ring`], with the key [`KeyFile::kdf`]'s derivation gave.
    pub fn open_ring_with_key(
        text: &str,
        key: &primitives::SymmetricKey,
    ) -> Result<Keyring, KeyFileError> {
        ParsedKeyFile::parse(text)?.unwrap_ring(key)
    }

    /// The file's format version: 1 (one key pair) or 2 (a keyring).
    pub fn version(text: &str) -> Result<u32, KeyFileError> {
        Ok(ParsedKeyFile::parse(text)?.version)
    }

    /// Reads a key file and decrypts its secret key with `passphrase`.
    ///
    /// The format and the Argon2id parameters are checked before any key derivation. A
    /// wrong passphrase and a tampered file both give [`KeyFileError::CouldNotOpen`].
    pub fn open(text: &str, passphrase: &Passphrase) -> Result<AgencyKeyPair, KeyFileError> {
        Ok(Self::open_ring(text, passphrase)?.current)
    }

    /// The Argon2id parameters and salt a key file's passphrase is stretched with, read
    /// and checked without the passphrase: the slow derivation can then run elsewhere (the
    /// web app runs it in a worker), and its result open the file with
    /// [`KeyFile::open_with_key`].
    pub fn kdf(text: &str) -> Result<(KdfParams, [u8; KEY_FILE_SALT_LEN]), KeyFileError> {
        let parsed = ParsedKeyFile::parse(text)?;
        let salt = parsed
            .salt
            .as_slice()
            .try_into()
            .map_err(|_| KeyFileError::from(FormatError::Missing("kdf.salt")))?;
        Ok((parsed.params, salt))
    }

    /// Opens a key file with the key its passphrase gives under [`KeyFile::kdf`]'s
    /// parameters and salt. A wrong key and a tampered file both give
    /// [`KeyFileError::CouldNotOpen`].
    pub fn open_with_key(
        text: &str,
        key: &primitives::SymmetricKey,
    ) -> Result<AgencyKeyPair, KeyFileError> {
        Ok(ParsedKeyFile::parse(text)?.unwrap_ring(key)?.current)
    }

    /// The current public key recorded in a key file, without the passphrase.
    pub fn public_key(text: &str) -> Result<PublicKey, KeyFileError> {
        let mut publics = ParsedKeyFile::parse(text)?.publics;
        Ok(publics.swap_remove(0))
    }

    /// Every public key a key file records, current first, without the passphrase.
    pub fn public_keys(text: &str) -> Result<Vec<PublicKey>, KeyFileError> {
        Ok(ParsedKeyFile::parse(text)?.publics)
    }

    /// The signing public key a keyring file records, if it has one, without the
    /// passphrase.
    pub fn signing_key(text: &str) -> Result<Option<SigningPublicKey>, KeyFileError> {
        Ok(ParsedKeyFile::parse(text)?.signing)
    }
}

/// The additional data a keyring's secrets are sealed with: the label, then the key ids
/// of the encryption keys, current first, and after another NUL the signing key's, when
/// the ring has one.
fn keyring_aad(publics: &[PublicKey], signing: Option<&SigningPublicKey>) -> String {
    let kids: Vec<&str> = publics.iter().map(PublicKey::kid).collect();
    let mut aad = format!("{KEYRING_AAD_LABEL}\0{}", kids.join(","));
    if let Some(signing) = signing {
        aad.push('\0');
        aad.push_str(signing.kid());
    }
    aad
}

/// A key file of either version, checked and not yet decrypted: its public keys (current
/// first), how its passphrase is stretched, and its sealed secrets.
struct ParsedKeyFile {
    version: u32,
    publics: Vec<PublicKey>,
    signing: Option<SigningPublicKey>,
    params: KdfParams,
    salt: Vec<u8>,
    iv: [u8; primitives::GCM_IV_LEN],
    ciphertext: Vec<u8>,
}

impl ParsedKeyFile {
    /// Decrypts the secret keys with the key derived from the passphrase.
    fn unwrap_ring(&self, key: &primitives::SymmetricKey) -> Result<Keyring, KeyFileError> {
        let secrets_len = self.ciphertext.len() - primitives::GCM_TAG_LEN;
        let mut secrets = Zeroizing::new(self.ciphertext[..secrets_len].to_vec());
        let tag: [u8; primitives::GCM_TAG_LEN] = self.ciphertext[secrets_len..]
            .try_into()
            .expect("length checked at parse");
        let aad = match self.version {
            KEY_FILE_VERSION => self.publics[0].kid().to_owned(),
            _ => keyring_aad(&self.publics, self.signing.as_ref()),
        };
        primitives::aes256_gcm_open(key, &self.iv, aad.as_bytes(), secrets.as_mut(), &tag)
            .map_err(|_| KeyFileError::CouldNotOpen)?;
        let encryption_len = self.publics.len() * X25519_LEN;
        let signing = match &self.signing {
            None => None,
            Some(public) => {
                let mut seed = Zeroizing::new([0u8; ED25519_LEN]);
                seed.copy_from_slice(&secrets[encryption_len..]);
                let pair =
                    SigningKeyPair::from_seed(&seed).map_err(|_| KeyFileError::KeyMismatch)?;
                if pair.public() != public {
                    return Err(KeyFileError::KeyMismatch);
                }
                Some(pair)
            }
        };
        let mut pairs = Vec::with_capacity(self.publics.len());
        for (public, bytes) in self.publics[..]
            .iter()
            .zip(secrets[..encryption_len].chunks_exact(X25519_LEN))
        {
            let mut secret = Zeroizing::new([0u8; X25519_LEN]);
            secret.copy_from_slice(bytes);
            let secret = AgencySecretKey::from_secret_bytes(&secret)
                .map_err(|_| KeyFileError::KeyMismatch)?;
            if &secret.public != public {
                return Err(KeyFileError::KeyMismatch);
            }
            pairs.push(AgencyKeyPair {
                public: public.clone(),
                secret,
            });
        }
        let mut pairs = pairs.into_iter();
        let current = pairs.next().ok_or(KeyFileError::KeyMismatch)?;
        Ok(Keyring {
            current,
            former: pairs.collect(),
            signing,
        })
    }

    fn parse(text: &str) -> Result<Self, KeyFileError> {
        if text.len() > MAX_KEY_FILE_LEN {
            return Err(KeyFileError::TooLarge);
        }
        let malformed = |error: serde_json::Error| FormatError::MalformedJson {
            document: "key file",
            message: parse_error(&error),
        };
        // What the file says it is, before its shape is held to that version's.
        let JsonObject(said): JsonObject<SaidKeyFile> =
            serde_json::from_str(text).map_err(malformed)?;
        if said.format != KEY_FILE_FORMAT {
            return Err(FormatError::Unsupported {
                member: "format",
                value: shown(&said.format),
            }
            .into());
        }
        let mut signing = None;
        let (publics, kdf, encrypted, secrets_len) = match said.version {
            KEY_FILE_VERSION => {
                let JsonObject(raw): JsonObject<RawKeyFile> =
                    serde_json::from_str(text).map_err(malformed)?;
                let public =
                    PublicKey::from_raw_jwk(raw.public_key.0).map_err(KeyFileError::PublicKey)?;
                (
                    vec![public],
                    raw.kdf.0,
                    raw.encrypted_secret_key.0,
                    X25519_LEN,
                )
            }
            KEYRING_VERSION => {
                let JsonObject(raw): JsonObject<RawKeyring> =
                    serde_json::from_str(text).map_err(malformed)?;
                if raw.keys.is_empty() || raw.keys.len() > Keyring::MAX_KEYS {
                    return Err(KeyFileError::TooManyKeys);
                }
                let mut publics: Vec<PublicKey> = Vec::with_capacity(raw.keys.len());
                for key in raw.keys {
                    let public = PublicKey::from_raw_jwk(key.0).map_err(KeyFileError::PublicKey)?;
                    if publics.contains(&public) {
                        return Err(KeyFileError::DuplicateKey);
                    }
                    publics.push(public);
                }
                let mut secrets_len = publics.len() * X25519_LEN;
                if let Some(key) = raw.signing_key {
                    signing = Some(key.0.into_key().map_err(KeyFileError::PublicKey)?);
                    secrets_len += ED25519_LEN;
                }
                (publics, raw.kdf.0, raw.encrypted_secret_keys.0, secrets_len)
            }
            other => {
                return Err(FormatError::Unsupported {
                    member: "version",
                    value: other.to_string(),
                }
                .into());
            }
        };
        if kdf.alg != "argon2id" {
            return Err(FormatError::Unsupported {
                member: "kdf.alg",
                value: shown(&kdf.alg),
            }
            .into());
        }
        if kdf.version != 0x13 {
            return Err(FormatError::Unsupported {
                member: "kdf.version",
                value: kdf.version.to_string(),
            }
            .into());
        }
        let params = KdfParams {
            memory_kib: kdf.memory_kib,
            iterations: kdf.iterations,
            parallelism: kdf.parallelism,
        };
        params.check()?;
        let salt = b64::decode_array::<KEY_FILE_SALT_LEN>(&kdf.salt)
            .ok_or(FormatError::InvalidBase64("kdf.salt"))?
            .map_err(|_| FormatError::InvalidLength {
                member: "kdf.salt",
                expected: ByteLength::Exactly(KEY_FILE_SALT_LEN),
            })?;
        if encrypted.alg != "A256GCM" {
            return Err(FormatError::Unsupported {
                member: "encrypted_secret_key.alg",
                value: shown(&encrypted.alg),
            }
            .into());
        }
        let iv = b64::decode_array::<{ primitives::GCM_IV_LEN }>(&encrypted.iv)
            .ok_or(FormatError::InvalidBase64("encrypted_secret_key.iv"))?
            .map_err(|_| FormatError::InvalidLength {
                member: "encrypted_secret_key.iv",
                expected: ByteLength::Exactly(primitives::GCM_IV_LEN),
            })?;
        let ciphertext = b64::decode(&encrypted.ciphertext).ok_or(FormatError::InvalidBase64(
            "encrypted_secret_key.ciphertext",
        ))?;
        let expected = secrets_len + primitives::GCM_TAG_LEN;
        if ciphertext.len() != expected {
            return Err(FormatError::InvalidLength {
                member: "encrypted_secret_key.ciphertext",
                expected: ByteLength::Exactly(expected),
            }
            .into());
        }
        Ok(Self {
            version: said.version,
            publics,
            signing,
            params,
            salt: salt.to_vec(),
            iv,
            ciphertext,
        })
    }
}

#[derive(Serialize)]
struct KeyFileJson {
    format: String,
    version: u32,
    public_key: PublicJwk,
    kdf: KdfJson,
    encrypted_secret_key: EncryptedSecretJson,
}

/// A keyring file as written (version 2).
#[derive(Serialize)]
struct KeyringJson {
    format: String,
    version: u32,
    keys: Vec<PublicJwk>,
    #[serde(skip_serializing_if = "Option::is_none")]
    signing_key: Option<SigningJwk>,
    kdf: KdfJson,
    encrypted_secret_keys: EncryptedSecretJson,
}

/// The two members every version has, read first.
#[derive(Deserialize)]
struct SaidKeyFile {
    format: String,
    version: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKeyring {
    #[allow(dead_code, reason = "read through SaidKeyFile")]
    format: String,
    #[allow(dead_code, reason = "read through SaidKeyFile")]
    version: u32,
    keys: Vec<JsonObject<RawPublicJwk>>,
    signing_key: Option<JsonObject<RawSigningJwk>>,
    kdf: JsonObject<KdfJson>,
    encrypted_secret_keys: JsonObject<EncryptedSecretJson>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct KdfJson {
    alg: String,
    version: u32,
    memory_kib: u32,
    iterations: u32,
    parallelism: u32,
    salt: String,
}

impl KdfJson {
    fn of(params: KdfParams, salt: &[u8]) -> Self {
        Self {
            alg: "argon2id".into(),
            version: 0x13,
            memory_kib: params.memory_kib,
            iterations: params.iterations,
            parallelism: params.parallelism,
            salt: b64::encode(salt),
        }
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct EncryptedSecretJson {
    alg: String,
    iv: String,
    ciphertext: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKeyFile {
    #[allow(dead_code, reason = "read through SaidKeyFile")]
    format: String,
    #[allow(dead_code, reason = "read through SaidKeyFile")]
    version: u32,
    public_key: JsonObject<RawPublicJwk>,
    kdf: JsonObject<KdfJson>,
    encrypted_secret_key: JsonObject<EncryptedSecretJson>,
}

// ---------------------------------------------------------------------------------------
// Errors

/// Why a public key could not be read or a key pair generated.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyError {
    /// Malformed JSON, a missing member, an unsupported value, bad base64url or a wrong
    /// length: the faults a public key shares with the other formats.
    Format(FormatError),
    /// The `kid` is not the key's RFC 7638 thumbprint.
    KidMismatch,
    /// The JWK carries a private key (`d`).
    PrivateKeyMaterial,
    /// The key is a low-order point, with which no secret can be agreed.
    LowOrderPoint,
    /// The key is not the canonical encoding of its point (top bit set, or not reduced).
    NonCanonical,
    /// The caller's random number generator failed.
    Randomness,
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Format(error) => fmt::Display::fmt(error, f),
            Self::KidMismatch => f.write_str("kid does not match the key's thumbprint"),
            Self::PrivateKeyMaterial => f.write_str("public key contains private key material `d`"),
            Self::LowOrderPoint => f.write_str("public key is a low-order point"),
            Self::NonCanonical => f.write_str("public key is not canonically encoded"),
            Self::Randomness => f.write_str("random number generator failed"),
        }
    }
}

// As for `PacketError`: the format fault is the whole error, so it is not its source.
impl std::error::Error for KeyError {}

impl From<FormatError> for KeyError {
    fn from(error: FormatError) -> Self {
        Self::Format(error)
    }
}

/// Why a key file could not be written or opened.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyFileError {
    /// Larger than [`MAX_KEY_FILE_LEN`].
    TooLarge,
    /// Malformed JSON, an unsupported value, bad base64url or a wrong length: the faults
    /// a key file shares with the other formats.
    Format(FormatError),
    /// An Argon2id parameter is outside [`KdfParams::MINIMUM`]..=[`KdfParams::MAXIMUM`].
    KdfOutOfRange(&'static str),
    /// The recorded public key is not acceptable.
    PublicKey(KeyError),
    /// The passphrase is empty.
    EmptyPassphrase,
    /// The secret key and the public key do not belong together.
    KeyMismatch,
    /// Wrong passphrase or tampered file; deliberately not told apart.
    CouldNotOpen,
    /// The caller's random number generator failed.
    Randomness,
    /// A keyring with no key, or more than [`Keyring::MAX_KEYS`].
    TooManyKeys,
    /// A keyring that lists the same key twice.
    DuplicateKey,
}

impl fmt::Display for KeyFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooLarge => write!(f, "key file is larger than {MAX_KEY_FILE_LEN} bytes"),
            Self::Format(error) => fmt::Display::fmt(error, f),
            Self::KdfOutOfRange(parameter) => write!(
                f,
                "argon2id {parameter} is outside the accepted range (memory 19 MiB to 1 GiB, \
                 iterations 2 to 10, parallelism 1 to 4)"
            ),
            Self::PublicKey(error) => write!(f, "public key: {error}"),
            Self::EmptyPassphrase => f.write_str("passphrase is empty"),
            Self::KeyMismatch => f.write_str("secret key does not match the public key"),
            Self::CouldNotOpen => f.write_str("could not open the key file with this passphrase"),
            Self::Randomness => f.write_str("random number generator failed"),
            Self::TooManyKeys => write!(f, "a keyring holds 1 to {} keys", Keyring::MAX_KEYS),
            Self::DuplicateKey => f.write_str("the keyring lists the same key twice"),
        }
    }
}

impl std::error::Error for KeyFileError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::PublicKey(error) => Some(error),
            _ => None,
        }
    }
}

impl From<FormatError> for KeyFileError {
    fn from(error: FormatError) -> Self {
        Self::Format(error)
    }
}
