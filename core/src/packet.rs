//! The sealed packet: a JWE in JSON General Serialization (RFC 7516) that carries one
//! form's answers to one or more recipients. The format is specified in `docs/packet.md`.
//!
//! [`seal_packet`] pads the payload, encrypts it with a fresh AES-256-GCM content key and
//! wraps that key for each recipient: agencies with `ECDH-ES+A256KW` over X25519, shared
//! passphrases with `PBES2-HS512+A256KW`. [`Packet::parse`] reads a packet once, strictly,
//! into a typed [`Packet`] that the server inspects without any key and that an agency
//! then opens with its secret key or a passphrase.
//!
//! Errors are specific about the format and opaque about decryption: every failure to
//! open an otherwise well-formed packet (not addressed to this key, wrong key, wrong
//! passphrase, tampered bytes) is [`PacketError::CouldNotOpen`], and no plaintext,
//! partial or whole, is ever returned unless the tag verified. This module reads no clock
//! and draws randomness only from the RNG its caller passes in.

use core::fmt;
use std::borrow::Cow;

use rand_core::TryCryptoRng;
use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::b64;
use crate::format_error::{ByteLength, FormatError};
use crate::json_object::{BoundedArray, JsonObject, ListLimit, from_json_bytes};
use crate::keys::{AgencySecretKey, Passphrase, PublicKey};
use crate::primitives::{
    self, GCM_IV_LEN, GCM_TAG_LEN, KEY_LEN, SymmetricKey, WRAPPED_KEY_LEN, X25519_LEN,
};
use crate::random::random_bytes;
use crate::signing::{self, SignatureError, SigningKeyPair, SigningPublicKey};
use crate::untrusted_text::{parse_error, shown};
use crate::wipe::{WipedBytes, WipedString, wipe};

/// The version of this format, recorded in the authenticated metadata.
pub const FORMAT_VERSION: u32 = 1;
/// The largest packet text accepted by [`Packet::parse`].
pub const MAX_PACKET_LEN: usize = 32 * 1024 * 1024;
/// The most recipients a packet may have.
pub const MAX_RECIPIENTS: usize = 64;
/// The most passphrase recipients a packet may have; each may cost up to a million
/// PBKDF2 iterations to try, so their number is bounded separately.
pub const MAX_PASSPHRASE_RECIPIENTS: usize = 4;
/// The largest padded payload [`seal_packet`] produces (its base64url form, about
/// 21.4 MiB, leaves room for headers under [`MAX_PACKET_LEN`]).
pub const MAX_PADDED_PAYLOAD_LEN: usize = 16 * 1024 * 1024;
/// The PBES2 iteration count used when sealing.
pub const PBES2_SEAL_ITERATIONS: u32 = 210_000;
/// The smallest PBES2 iteration count accepted when opening.
pub const PBES2_MIN_ITERATIONS: u32 = 210_000;
/// The largest PBES2 iteration count accepted when opening; beyond it a packet could make
/// its opener burn minutes of CPU.
pub const PBES2_MAX_ITERATIONS: u32 = 1_000_000;
/// The longest `aad` member accepted: the metadata of a packet with the most recipients
/// is under 4 KiB of base64url.
const MAX_AAD_LEN: usize = 16 * 1024;
/// The smallest padded payload: everything up to 1 KiB looks alike.
pub const MIN_PADDED_PAYLOAD_LEN: usize = 1024;
/// Above this size the padding grows in steps of this size instead of doubling.
pub const PADDING_STEP: usize = 1024 * 1024;

/// The kinds with which `POST /api/v1/packets` refuses for good a packet it will never take
/// (`{"error": KIND, "message": …}`, a 4xx status): the only ones a browser keeps with a
/// refused packet. The server's own refusals are checked against this list
/// (`server/src/upload.rs`, and its answers over HTTP in `server/tests/store_api.rs`);
/// `unreadable` and `conflict` are its answers to a body that could not be read and to a
/// packet id it holds with other bytes.
pub const UPLOAD_REFUSAL_KINDS: [&str; 8] = [
    "unsupported_media_type",
    "too_large",
    "not_json",
    "not_a_packet",
    "unknown_recipient",
    "no_agency_recipient",
    "unreadable",
    "conflict",
];

const CONTENT_ENCRYPTION: &str = "A256GCM";
const AGENCY_ALG: &str = "ECDH-ES+A256KW";
const PASSPHRASE_ALG: &str = "PBES2-HS512+A256KW";
const PASSPHRASE_KID_PREFIX: &str = "passphrase:";
const PBES2_SEAL_SALT_LEN: usize = 16;
const PBES2_MIN_SALT_LEN: usize = 16;
const PBES2_MAX_SALT_LEN: usize = 64;
const PACKET_ID_LEN: usize = 16;
const THUMBPRINT_LEN: usize = 32;
const MAX_FORM_FIELD_LEN: usize = 128;
/// 9999-12-31T23:59:59Z: later creation times are typing errors, and every JSON reader
/// represents numbers this small exactly.
const MAX_CREATED: u64 = 253_402_300_799;
/// The protected header of every packet Confidant seals.
const PROTECTED_HEADER_JSON: &str = r#"{"enc":"A256GCM"}"#;
/// The protected header of a signed packet: its plaintext is a JWS in flattened JSON
/// serialization (RFC 7515 §9.2.2 registers `application/jose+json`), see
/// [`crate::signing`].
const SIGNED_PROTECTED_HEADER_JSON: &str = r#"{"enc":"A256GCM","cty":"JOSE+JSON"}"#;
const SIGNED_CONTENT_TYPE: &str = "JOSE+JSON";

// ---------------------------------------------------------------------------------------
// Sealing

/// One recipient to seal a packet to.
#[derive(Clone, Debug)]
pub enum Recipient {
    /// An agency, by its public key.
    Agency(PublicKey),
    /// Whoever knows this passphrase.
    Passphrase(Passphrase),
}

/// Which form, in which version, the sealed answers belong to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormRef {
    /// The form's id (1 to 128 bytes, no control characters).
    pub id: String,
    /// The form's version (1 to 128 bytes, no control characters).
    pub version: String,
}

/// The short reference of a packet, for people to name it over the phone: the first 40
/// bits of its random id in Crockford's base32 (digits and capitals without I, L, O and
/// U, which are read alike), as two groups of four, such as `7K3M-9QXD`. The sender sees
/// it in the outbox and the receiver when opening (`confidant open` prints it). Two
/// packets share a reference about once in a million million; the packet id stays the
/// exact name. `None` for something that is not a packet id.
pub fn reference_code(packet_id: &str) -> Option<String> {
    let id = b64::decode_array::<PACKET_ID_LEN>(packet_id)?.ok()?;
    let first: &[u8; 5] = id[..5].try_into().ok()?;
    let characters = crate::keys::crockford_40_bits(first);
    let (a, b) = characters.split_at(4);
    Some(format!(
        "{}-{}",
        a.iter().collect::<String>(),
        b.iter().collect::<String>()
    ))
}

/// A creation time coarsened to the start of its day (00:00 UTC), as packets record it.
///
/// The packet's metadata is authenticated but not encrypted: a store, its backups and
/// anyone on the way can read it. To the second, a creation time ties a packet to the
/// moment a worker sealed it ("referred at 14:03, right after the raid"); the day is what
/// retention and a receiver's sorting need. The exact time, where a form wants it, travels
/// inside the encrypted payload.
pub fn created_day(unix_seconds: u64) -> u64 {
    unix_seconds - unix_seconds % SECONDS_PER_DAY
}

const SECONDS_PER_DAY: u64 = 24 * 60 * 60;

/// The padded length of a payload of `payload_len` bytes, or `None` when it is too large
/// to seal.
///
/// The rule: at least 1 KiB; up to 1 MiB, the next power of two; above 1 MiB, the next
/// multiple of 1 MiB; at most 16 MiB. An observer of the ciphertext learns only the
/// bucket.
pub fn padded_len(payload_len: usize) -> Option<usize> {
    let padded = if payload_len <= PADDING_STEP {
        payload_len.next_power_of_two().max(MIN_PADDED_PAYLOAD_LEN)
    } else {
        payload_len.div_ceil(PADDING_STEP) * PADDING_STEP
    };
    (padded <= MAX_PADDED_PAYLOAD_LEN).then_some(padded)
}

/// Seals `payload_json` (a JSON object) for `recipients` and returns the packet text.
///
/// `created_unix_seconds` is the creation time the caller read from its clock; the packet
/// records only its day (see [`created_day`]), since the metadata is readable by the
/// store and by anyone who sees the packet on its way. Trailing
/// ASCII spaces of the payload are not preserved (they are where the padding goes).
pub fn seal_packet<R: TryCryptoRng + ?Sized>(
    payload_json: &str,
    form: &FormRef,
    created_unix_seconds: u64,
    recipients: &[Recipient],
    rng: &mut R,
) -> Result<String, PacketError> {
    Ok(prepare_seal(payload_json, form, created_unix_seconds, recipients, rng)?.seal())
}

/// Everything of a packet but its content encryption: the content key is drawn and
/// wrapped for every recipient, the metadata and the padded payload are ready.
///
/// Why the split: in a browser the pure-Rust AES-GCM runs at about a tenth of the speed
/// of the browser's own (WebCrypto), which is asynchronous and so cannot be called from
/// inside the core. The web app takes the [`content_key`](Self::content_key), the
/// [`iv`](Self::iv), the [`associated_data`](Self::associated_data) and the
/// [`padded_payload`](Self::padded_payload) to WebCrypto and hands the result to
/// [`finish`](Self::finish); [`seal`](Self::seal) does the same with the core's own
/// AES-GCM. Both give the same packet, byte for byte, and the tests hold them to it.
pub struct PendingSeal {
    /// Whether the plaintext is a JWS by the sending agency.
    signer: bool,
    content_key: SymmetricKey,
    iv: [u8; GCM_IV_LEN],
    protected: String,
    aad: String,
    meta: PacketMeta,
    recipients: Vec<PacketRecipient>,
    padded: WipedBytes,
}

impl fmt::Debug for PendingSeal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PendingSeal")
            .field("meta", &self.meta)
            .field("padded_len", &self.padded.len())
            .finish_non_exhaustive()
    }
}

impl PendingSeal {
    /// The packet's AES-256-GCM key. Hand it only to an AES-GCM implementation.
    pub fn content_key(&self) -> &[u8; KEY_LEN] {
        &self.content_key
    }

    /// The packet's 96-bit AES-GCM nonce.
    pub fn iv(&self) -> &[u8; GCM_IV_LEN] {
        &self.iv
    }

    /// The AES-GCM additional data (RFC 7516 §5.1 step 14).
    pub fn associated_data(&self) -> String {
        content_associated_data(&self.protected, &self.aad)
    }

    /// The payload with its padding: the AES-GCM plaintext.
    pub fn padded_payload(&self) -> &[u8] {
        &self.padded
    }

    /// The authenticated metadata the packet will carry.
    pub fn meta(&self) -> &PacketMeta {
        &self.meta
    }

    /// Encrypts with the core's own AES-GCM and returns the packet text.
    pub fn seal(self) -> String {
        String::from_utf8(self.seal_bytes()).expect("a packet is ASCII")
    }

    /// [`PendingSeal::seal`], giving the bytes of the packet's text.
    pub fn seal_bytes(mut self) -> Vec<u8> {
        let associated_data = self.associated_data();
        let tag = primitives::aes256_gcm_seal(
            &self.content_key,
            &self.iv,
            associated_data.as_bytes(),
            self.padded.as_mut_slice(),
        );
        let ciphertext = core::mem::take(&mut *self.padded);
        self.into_packet(ciphertext, tag).to_json_bytes()
    }

    /// [`PendingSeal::finish`], giving the packet as the bytes of its text (ASCII), which is
    /// what goes over the network: it spares checking megabytes of text as UTF-8.
    pub fn finish_bytes(self, ciphertext_and_tag: Vec<u8>) -> Result<Vec<u8>, PacketError> {
        Ok(self.into_finished(ciphertext_and_tag)?.to_json_bytes())
    }

    /// Completes the packet with the output of another AES-256-GCM implementation run on
    /// this content key, nonce, additional data and padded payload: the ciphertext followed
    /// by the 16-byte tag, as WebCrypto returns them.
    pub fn finish(self, ciphertext_and_tag: Vec<u8>) -> Result<String, PacketError> {
        Ok(self.into_finished(ciphertext_and_tag)?.to_json())
    }

    fn into_finished(self, mut ciphertext_and_tag: Vec<u8>) -> Result<Packet, PacketError> {
        if ciphertext_and_tag.len() != self.padded.len() + GCM_TAG_LEN {
            return Err(PacketError::Invalid(
                "encrypted payload has the wrong length for its plaintext",
            ));
        }
        let tag = ciphertext_and_tag.split_off(self.padded.len());
        let tag: [u8; GCM_TAG_LEN] = tag.as_slice().try_into().expect("split at the tag length");
        Ok(self.into_packet(ciphertext_and_tag, tag))
    }

    fn into_packet(self, ciphertext: Vec<u8>, tag: [u8; GCM_TAG_LEN]) -> Packet {
        Packet {
            signed: self.signer,
            protected: self.protected,
            aad: self.aad,
            meta: self.meta,
            recipients: self.recipients,
            iv: self.iv,
            ciphertext,
            tag,
            size: 0,
        }
    }
}

/// Prepares a packet for `recipients` up to its content encryption (see [`PendingSeal`]).
/// The checks and the randomness are those of [`seal_packet`].
pub fn prepare_seal<R: TryCryptoRng + ?Sized>(
    payload_json: &str,
    form: &FormRef,
    created_unix_seconds: u64,
    recipients: &[Recipient],
    rng: &mut R,
) -> Result<PendingSeal, PacketError> {
    prepare_signed_seal(
        payload_json,
        form,
        created_unix_seconds,
        recipients,
        None,
        rng,
    )
}

/// As [`prepare_seal`], and when `signer` is given, signs the payload with the sending
/// agency's key before it is encrypted: the plaintext becomes a JWS over the payload and
/// this packet's metadata (see [`crate::signing`]).
pub fn prepare_signed_seal<R: TryCryptoRng + ?Sized>(
    payload_json: &str,
    form: &FormRef,
    created_unix_seconds: u64,
    recipients: &[Recipient],
    signer: Option<&SigningKeyPair>,
    rng: &mut R,
) -> Result<PendingSeal, PacketError> {
    check_form_field(
        &form.id,
        "form id must be 1 to 128 bytes without control characters",
    )?;
    check_form_field(
        &form.version,
        "form version must be 1 to 128 bytes without control characters",
    )?;
    if created_unix_seconds > MAX_CREATED {
        return Err(PacketError::Invalid("creation time is after the year 9999"));
    }
    check_recipient_count(recipients.len())?;
    if recipients
        .iter()
        .filter(|recipient| matches!(recipient, Recipient::Passphrase(_)))
        .count()
        > MAX_PASSPHRASE_RECIPIENTS
    {
        return Err(PacketError::Invalid(
            "packet has more than 4 passphrase recipients",
        ));
    }

    let payload = payload_json.trim_end_matches(' ');
    check_payload_is_json_object(payload)?;
    // Checked before any work, for the signed plaintext is larger still.
    padded_len(payload.len()).ok_or(PacketError::Invalid("payload is larger than 16 MiB"))?;

    let content_key = random_bytes::<KEY_LEN, R>(rng).map_err(|_| PacketError::Randomness)?;
    let iv = *random_bytes::<GCM_IV_LEN, R>(rng).map_err(|_| PacketError::Randomness)?;
    let packet_id = b64::encode(
        random_bytes::<PACKET_ID_LEN, R>(rng)
            .map_err(|_| PacketError::Randomness)?
            .as_ref(),
    );

    let mut sealed_recipients = Vec::with_capacity(recipients.len());
    let mut passphrase_ordinal = 0;
    for recipient in recipients {
        let sealed = match recipient {
            Recipient::Agency(public_key) => seal_to_agency(public_key, &content_key, rng)?,
            Recipient::Passphrase(passphrase) => {
                passphrase_ordinal += 1;
                seal_to_passphrase(passphrase, passphrase_ordinal, &content_key, rng)?
            }
        };
        if sealed_recipients
            .iter()
            .any(|other: &PacketRecipient| other.kid == sealed.kid)
        {
            return Err(PacketError::Invalid("the same recipient is listed twice"));
        }
        sealed_recipients.push(sealed);
    }

    let meta = PacketMeta {
        format_version: FORMAT_VERSION,
        form_id: form.id.clone(),
        form_version: form.version.clone(),
        packet_id,
        created: created_day(created_unix_seconds),
        recipients: sealed_recipients
            .iter()
            .map(|recipient| recipient.kid.clone())
            .collect(),
    };
    let protected = b64::encode(match signer {
        Some(_) => SIGNED_PROTECTED_HEADER_JSON.as_bytes(),
        None => PROTECTED_HEADER_JSON.as_bytes(),
    });
    let aad = b64::encode(
        serde_json::to_string(&meta.to_json())
            .expect("metadata serializes")
            .as_bytes(),
    );

    let signed = signer.map(|key| signing::sign_payload(key, payload, &aad));
    let plaintext = signed.as_deref().map_or(payload, String::as_str);
    let padded_len = padded_len(plaintext.len()).ok_or(PacketError::Invalid(
        "payload is larger than 16 MiB once signed",
    ))?;
    let mut padded = WipedBytes(Vec::with_capacity(padded_len));
    padded.extend_from_slice(plaintext.as_bytes());
    padded.resize(padded_len, b' ');
    Ok(PendingSeal {
        signer: signer.is_some(),
        content_key,
        iv,
        protected,
        aad,
        meta,
        recipients: sealed_recipients,
        padded,
    })
}

fn seal_to_agency<R: TryCryptoRng + ?Sized>(
    public_key: &PublicKey,
    content_key: &[u8; KEY_LEN],
    rng: &mut R,
) -> Result<PacketRecipient, PacketError> {
    // A fresh ephemeral key per recipient, so that no two recipients share a KEK input.
    let ephemeral_secret =
        random_bytes::<X25519_LEN, R>(rng).map_err(|_| PacketError::Randomness)?;
    let shared = primitives::x25519_shared_secret(&ephemeral_secret, public_key.as_bytes())
        .map_err(|_| PacketError::Invalid("recipient public key is a low-order point"))?;
    let kek = primitives::ecdh_es_a256kw_kek(&shared);
    Ok(PacketRecipient {
        kid: public_key.kid().to_owned(),
        kind: RecipientKind::Agency {
            ephemeral_public: primitives::x25519_public_key(&ephemeral_secret),
        },
        encrypted_key: primitives::aes256_key_wrap(&kek, content_key),
    })
}

fn seal_to_passphrase<R: TryCryptoRng + ?Sized>(
    passphrase: &Passphrase,
    ordinal: usize,
    content_key: &[u8; KEY_LEN],
    rng: &mut R,
) -> Result<PacketRecipient, PacketError> {
    if passphrase.is_empty() {
        return Err(PacketError::Invalid("passphrase is empty"));
    }
    let salt = random_bytes::<PBES2_SEAL_SALT_LEN, R>(rng).map_err(|_| PacketError::Randomness)?;
    let kek = primitives::pbes2_hs512_a256kw_kek(
        passphrase.as_bytes(),
        salt.as_ref(),
        PBES2_SEAL_ITERATIONS,
    );
    Ok(PacketRecipient {
        kid: format!("{PASSPHRASE_KID_PREFIX}{ordinal}"),
        kind: RecipientKind::Passphrase {
            salt: salt.to_vec(),
            iterations: PBES2_SEAL_ITERATIONS,
        },
        encrypted_key: primitives::aes256_key_wrap(&kek, content_key),
    })
}

fn check_payload_is_json_object(payload: &str) -> Result<(), PacketError> {
    let is_object = payload.trim_start().starts_with('{');
    if !is_object || serde_json::from_str::<IgnoredAny>(payload).is_err() {
        return Err(PacketError::Invalid("payload must be a json object"));
    }
    Ok(())
}

/// The AES-GCM additional data of RFC 7516 §5.1 step 14 with an `aad` member:
/// `ASCII(protected) || '.' || ASCII(aad)`.
fn content_associated_data(protected: &str, aad: &str) -> String {
    format!("{protected}.{aad}")
}

// ---------------------------------------------------------------------------------------
// The parsed packet

/// The authenticated metadata of a packet (the JWE `aad` member).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PacketMeta {
    format_version: u32,
    form_id: String,
    form_version: String,
    packet_id: String,
    created: u64,
    recipients: Vec<String>,
}

impl PacketMeta {
    /// The metadata of a packet's text, checked as [`Packet::parse`] checks it, without
    /// reading the rest of the packet: its recipients' entries, header and ciphertext are
    /// skipped, not checked. For a browser's outbox, which lists what the browser sealed
    /// itself; whoever receives a packet still parses it whole (the server does, on every
    /// upload). Because it holds no packet parser, the app's module is smaller.
    pub fn of_packet_text(text: &str) -> Result<Self, PacketError> {
        #[derive(Deserialize)]
        struct AadOnly<'a> {
            #[serde(borrow)]
            aad: Option<Cow<'a, str>>,
        }
        let only: AadOnly = read_packet_object(text)?;
        parse_meta(&bounded_aad(only.aad)?)
    }

    /// The format version, currently always [`FORMAT_VERSION`].
    pub fn format_version(&self) -> u32 {
        self.format_version
    }

    /// The id of the form the answers belong to.
    pub fn form_id(&self) -> &str {
        &self.form_id
    }

    /// The version of that form.
    pub fn form_version(&self) -> &str {
        &self.form_version
    }

    /// The packet's random id: 128 bits, base64url (22 characters).
    pub fn packet_id(&self) -> &str {
        &self.packet_id
    }

    /// The day the sender sealed it, by the sender's clock: seconds since the Unix epoch,
    /// at 00:00 UTC for packets Confidant seals ([`created_day`]); other writers may give
    /// any second.
    pub fn created_unix_seconds(&self) -> u64 {
        self.created
    }

    /// The key ids of the recipients, in packet order; passphrase recipients appear as
    /// `passphrase:1`, `passphrase:2`, …
    pub fn recipient_ids(&self) -> &[String] {
        &self.recipients
    }

    /// The key ids of the agency recipients, in packet order: the passphrase recipients
    /// left out.
    pub fn agency_recipient_ids(&self) -> impl Iterator<Item = &str> {
        self.recipients
            .iter()
            .map(String::as_str)
            .filter(|kid| !kid.starts_with(PASSPHRASE_KID_PREFIX))
    }

    fn to_json(&self) -> MetaJson {
        MetaJson {
            format_version: self.format_version,
            form_id: self.form_id.clone(),
            form_version: self.form_version.clone(),
            packet_id: self.packet_id.clone(),
            created: self.created,
            recipients: self.recipients.clone(),
        }
    }
}

/// One recipient entry of a parsed packet: whom the content key is wrapped for, and how.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PacketRecipient {
    kid: String,
    kind: RecipientKind,
    encrypted_key: [u8; WRAPPED_KEY_LEN],
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum RecipientKind {
    Agency { ephemeral_public: [u8; X25519_LEN] },
    Passphrase { salt: Vec<u8>, iterations: u32 },
}

impl PacketRecipient {
    /// The key id: an agency key's RFC 7638 thumbprint, or `passphrase:N`.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// Whether this entry is for a passphrase rather than an agency key.
    pub fn is_passphrase(&self) -> bool {
        matches!(self.kind, RecipientKind::Passphrase { .. })
    }

    /// The JWE `alg` of this entry.
    pub fn alg(&self) -> &'static str {
        match self.kind {
            RecipientKind::Agency { .. } => AGENCY_ALG,
            RecipientKind::Passphrase { .. } => PASSPHRASE_ALG,
        }
    }
}

/// A strictly parsed packet. It holds only ciphertext and public metadata.
#[derive(Clone, PartialEq, Eq)]
pub struct Packet {
    protected: String,
    /// Whether the protected header says the plaintext is a signed JWS.
    signed: bool,
    aad: String,
    meta: PacketMeta,
    recipients: Vec<PacketRecipient>,
    iv: [u8; GCM_IV_LEN],
    ciphertext: Vec<u8>,
    tag: [u8; GCM_TAG_LEN],
    size: usize,
}

impl fmt::Debug for Packet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Packet")
            .field("meta", &self.meta)
            .field("recipients", &self.recipients)
            .field("ciphertext_len", &self.ciphertext.len())
            .field("size", &self.size)
            .finish_non_exhaustive()
    }
}

/// The content key of one packet, unwrapped for its holder: wiped when dropped, never
/// printed by `Debug`.
pub struct ContentKey(SymmetricKey);

impl ContentKey {
    /// The key bytes, to hand to another AES-256-GCM implementation.
    pub fn as_bytes(&self) -> &[u8; KEY_LEN] {
        &self.0
    }
}

impl fmt::Debug for ContentKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ContentKey(..)")
    }
}

/// The plaintext of an opened packet, wiped when dropped and never printed by `Debug`.
pub struct OpenedPacket {
    meta: PacketMeta,
    payload: WipedString,
    signer: Option<SigningPublicKey>,
}

impl OpenedPacket {
    /// The authenticated metadata.
    pub fn meta(&self) -> &PacketMeta {
        &self.meta
    }

    /// The key that signed the payload, verified, or `None` for an unsigned packet.
    ///
    /// A verified signature says that the holder of this key wrote this payload for this
    /// packet; whose key it is, the reader learns from the directory it pinned.
    pub fn signer(&self) -> Option<&SigningPublicKey> {
        self.signer.as_ref()
    }

    /// The payload JSON, without its padding (for a signed packet, the payload it signed).
    pub fn payload_json(&self) -> &str {
        &self.payload.0
    }

    /// The payload JSON, owned; still wiped when dropped.
    pub fn into_payload_json(mut self) -> Zeroizing<String> {
        Zeroizing::new(core::mem::take(&mut self.payload.0))
    }
}

impl fmt::Debug for OpenedPacket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OpenedPacket")
            .field("meta", &self.meta)
            .field("signer", &self.signer)
            .field("payload", &format_args!("({} bytes)", self.payload.0.len()))
            .finish()
    }
}

impl Packet {
    /// Parses a packet strictly (see `docs/packet.md` for every rule). No key is needed
    /// and no key derivation runs: this is what the server calls on every upload.
    pub fn parse(text: &str) -> Result<Self, PacketError> {
        let raw: RawPacket = read_packet_object(text)?;
        if raw.unprotected.is_some() {
            return Err(PacketError::NotSupported(
                "a shared unprotected header (`unprotected`) is not supported",
            ));
        }
        if raw.header.is_some() || raw.encrypted_key.is_some() {
            return Err(PacketError::NotSupported(
                "the flattened serialization is not supported",
            ));
        }

        let protected = raw.protected.ok_or(FormatError::Missing("protected"))?;
        let signed = parse_protected_header(&protected)?;

        let aad = bounded_aad(raw.aad)?;
        let meta = parse_meta(&aad)?;
        let aad = aad.into_owned();

        let raw_recipients = raw
            .recipients
            .ok_or(FormatError::Missing("recipients"))?
            .into_vec();
        check_recipient_count(raw_recipients.len())?;
        let mut recipients: Vec<PacketRecipient> = Vec::with_capacity(raw_recipients.len());
        let mut passphrase_ordinal = 0;
        for raw_recipient in raw_recipients {
            let recipient = parse_recipient(raw_recipient, &mut passphrase_ordinal)?;
            if recipients.iter().any(|other| other.kid == recipient.kid) {
                return Err(PacketError::Invalid("the same recipient is listed twice"));
            }
            recipients.push(recipient);
        }
        if passphrase_ordinal > MAX_PASSPHRASE_RECIPIENTS {
            return Err(PacketError::Invalid(
                "packet has more than 4 passphrase recipients",
            ));
        }
        let header_ids = recipients.iter().map(|recipient| recipient.kid.as_str());
        if !header_ids.eq(meta.recipients.iter().map(String::as_str)) {
            return Err(PacketError::Invalid(
                "recipient list in `aad` does not match the recipients",
            ));
        }

        let iv = decode_exact::<GCM_IV_LEN>(raw.iv.as_deref(), "iv")?;
        let tag = decode_exact::<GCM_TAG_LEN>(raw.tag.as_deref(), "tag")?;
        let ciphertext =
            b64::decode_public(&raw.ciphertext.ok_or(FormatError::Missing("ciphertext"))?)
                .ok_or(FormatError::InvalidBase64("ciphertext"))?;
        if ciphertext.is_empty() {
            return Err(PacketError::Invalid("ciphertext is empty"));
        }

        Ok(Self {
            protected,
            signed,
            aad,
            meta,
            recipients,
            iv,
            ciphertext,
            tag,
            size: text.len(),
        })
    }

    /// The bytes of the packet's JSON text (ASCII), in the member order Confidant writes.
    /// The protected header and `aad` are kept exactly as they were read, since they are
    /// authenticated as text; so parsing the output gives back an equal packet.
    pub fn to_json_bytes(&self) -> Vec<u8> {
        let recipients = self
            .recipients
            .iter()
            .map(|recipient| RecipientJson {
                header: match &recipient.kind {
                    RecipientKind::Agency { ephemeral_public } => RecipientHeaderJson {
                        alg: AGENCY_ALG,
                        kid: recipient.kid.clone(),
                        epk: Some(EpkJson {
                            kty: "OKP",
                            crv: "X25519",
                            x: b64::encode(ephemeral_public),
                        }),
                        p2s: None,
                        p2c: None,
                    },
                    RecipientKind::Passphrase { salt, iterations } => RecipientHeaderJson {
                        alg: PASSPHRASE_ALG,
                        kid: recipient.kid.clone(),
                        epk: None,
                        p2s: Some(b64::encode(salt)),
                        p2c: Some(*iterations),
                    },
                },
                encrypted_key: b64::encode(&recipient.encrypted_key),
            })
            .collect();
        let json = PacketJson {
            protected: &self.protected,
            recipients,
            aad: &self.aad,
            iv: b64::encode(&self.iv),
            ciphertext: "",
            tag: b64::encode(&self.tag),
        };
        let text = serde_json::to_string(&json).expect("a packet serializes");
        // The ciphertext goes in afterwards: it is base64url, which JSON strings hold as is,
        // and running megabytes of it through the serializer's escaping made writing a
        // large packet in wasm take longer than encrypting it.
        let marker = r#""ciphertext":"""#;
        let at = text.find(marker).expect("the ciphertext member is written") + marker.len() - 1;
        let mut packet = Vec::with_capacity(text.len() + b64::encoded_len(self.ciphertext.len()));
        packet.extend_from_slice(&text.as_bytes()[..at]);
        b64::encode_public_into(&mut packet, &self.ciphertext);
        packet.extend_from_slice(&text.as_bytes()[at..]);
        packet
    }

    /// The packet in its JSON serialization, as text.
    pub fn to_json(&self) -> String {
        String::from_utf8(self.to_json_bytes()).expect("a packet is ASCII")
    }

    /// The authenticated metadata. Readable without a key; authentic only once the packet
    /// has been opened (until then, anyone could have written it).
    pub fn meta(&self) -> &PacketMeta {
        &self.meta
    }

    /// The recipient entries, in packet order.
    pub fn recipients(&self) -> &[PacketRecipient] {
        &self.recipients
    }

    /// The key ids of the recipient entries, in packet order (equal to
    /// `meta().recipient_ids()`, which parsing checked).
    pub fn recipient_ids(&self) -> impl Iterator<Item = &str> {
        self.recipients
            .iter()
            .map(|recipient| recipient.kid.as_str())
    }

    /// The length in bytes of the text this packet was parsed from.
    pub fn size(&self) -> usize {
        self.size
    }

    /// The length of the ciphertext in bytes (the padded payload length).
    pub fn ciphertext_len(&self) -> usize {
        self.ciphertext.len()
    }

    /// Opens the packet with an agency's secret key.
    pub fn open_with_key(&self, secret_key: &AgencySecretKey) -> Result<OpenedPacket, PacketError> {
        self.decrypt(&self.content_key_for_agency(secret_key)?)
    }

    /// Opens the packet with a passphrase, trying each passphrase entry in turn.
    ///
    /// Costs one PBKDF2 run (210,000 to 1,000,000 iterations) per passphrase entry tried.
    pub fn open_with_passphrase(
        &self,
        passphrase: &Passphrase,
    ) -> Result<OpenedPacket, PacketError> {
        self.decrypt(&self.content_key_for_passphrase(passphrase)?)
    }

    /// Decrypts the payload with the content key, using the core's own AES-GCM.
    pub fn decrypt(&self, content_key: &ContentKey) -> Result<OpenedPacket, PacketError> {
        self.decrypt_content(&content_key.0)
    }

    /// The AES-GCM nonce, for decrypting with another implementation (see
    /// [`PendingSeal`] for why one would).
    pub fn iv(&self) -> &[u8; GCM_IV_LEN] {
        &self.iv
    }

    /// The AES-GCM additional data (RFC 7516 §5.1 step 14).
    pub fn associated_data(&self) -> String {
        content_associated_data(&self.protected, &self.aad)
    }

    /// The ciphertext followed by the tag, as WebCrypto takes them.
    pub fn ciphertext_and_tag(&self) -> Vec<u8> {
        let mut joined = Vec::with_capacity(self.ciphertext.len() + GCM_TAG_LEN);
        joined.extend_from_slice(&self.ciphertext);
        joined.extend_from_slice(&self.tag);
        joined
    }

    /// Completes an opening whose AES-GCM decryption (and tag check) another
    /// implementation did: strips the padding and checks the payload is JSON.
    pub fn finish_open(
        &self,
        mut plaintext: Zeroizing<Vec<u8>>,
    ) -> Result<OpenedPacket, PacketError> {
        if plaintext.len() != self.ciphertext.len() {
            return Err(PacketError::CouldNotOpen);
        }
        self.unpad(WipedBytes(core::mem::take(&mut *plaintext)))
    }

    /// Unwraps the content key of the entry for this agency key.
    pub fn content_key_for_agency(
        &self,
        secret_key: &AgencySecretKey,
    ) -> Result<ContentKey, PacketError> {
        let Some((recipient, ephemeral_public)) =
            self.recipients
                .iter()
                .find_map(|recipient| match &recipient.kind {
                    RecipientKind::Agency { ephemeral_public }
                        if recipient.kid == secret_key.kid() =>
                    {
                        Some((recipient, ephemeral_public))
                    }
                    _ => None,
                })
        else {
            return Err(PacketError::CouldNotOpen);
        };
        let shared = primitives::x25519_shared_secret(secret_key.secret_bytes(), ephemeral_public)
            .map_err(|_| PacketError::CouldNotOpen)?;
        let kek = primitives::ecdh_es_a256kw_kek(&shared);
        let content_key = primitives::aes256_key_unwrap(kek.as_ref(), &recipient.encrypted_key)
            .map_err(|_| PacketError::CouldNotOpen)?;
        Ok(ContentKey(content_key))
    }

    /// Unwraps the content key with a passphrase, trying each passphrase entry in turn
    /// (AES key wrap's integrity check tells the right entry).
    ///
    /// Costs one PBKDF2 run (210,000 to 1,000,000 iterations) per passphrase entry tried.
    pub fn content_key_for_passphrase(
        &self,
        passphrase: &Passphrase,
    ) -> Result<ContentKey, PacketError> {
        for recipient in &self.recipients {
            let RecipientKind::Passphrase { salt, iterations } = &recipient.kind else {
                continue;
            };
            let kek = primitives::pbes2_hs512_a256kw_kek(passphrase.as_bytes(), salt, *iterations);
            if let Ok(content_key) =
                primitives::aes256_key_unwrap(kek.as_ref(), &recipient.encrypted_key)
            {
                return Ok(ContentKey(content_key));
            }
        }
        Err(PacketError::CouldNotOpen)
    }

    fn decrypt_content(&self, content_key: &[u8; KEY_LEN]) -> Result<OpenedPacket, PacketError> {
        let mut buffer = WipedBytes(self.ciphertext.clone());
        primitives::aes256_gcm_open(
            content_key,
            &self.iv,
            content_associated_data(&self.protected, &self.aad).as_bytes(),
            buffer.as_mut_slice(),
            &self.tag,
        )
        .map_err(|_| PacketError::CouldNotOpen)?;
        self.unpad(buffer)
    }

    /// The payload of an authentic plaintext, without its padding.
    fn unpad(&self, mut buffer: WipedBytes) -> Result<OpenedPacket, PacketError> {
        // Authentic from here on, so a specific error cannot help a forger.
        let unpadded_len = buffer
            .iter()
            .rposition(|byte| *byte != b' ')
            .map_or(0, |last| last + 1);
        // The plaintext becomes the payload where it lies: a megabyte payload is neither
        // copied nor wiped twice. Only padding spaces are cut off.
        let mut bytes = core::mem::take(&mut *buffer);
        bytes.truncate(unpadded_len);
        let text = String::from_utf8(bytes).map_err(|error| {
            wipe(&mut error.into_bytes());
            PacketError::PayloadNotJson
        })?;
        let mut payload = WipedString(text);
        let mut signer = None;
        if self.signed {
            let verified =
                signing::verify_payload(&payload.0, &self.aad).map_err(PacketError::Signature)?;
            payload = verified.payload;
            signer = Some(verified.signer);
        }
        if serde_json::from_str::<IgnoredAny>(&payload.0).is_err() {
            return Err(PacketError::PayloadNotJson);
        }
        Ok(OpenedPacket {
            meta: self.meta.clone(),
            payload,
            signer,
        })
    }
}

// ---------------------------------------------------------------------------------------
// Parsing helpers

/// Checks the protected header and says whether it declares a signed plaintext.
fn parse_protected_header(protected: &str) -> Result<bool, PacketError> {
    let bytes = b64::decode(protected).ok_or(FormatError::InvalidBase64("protected"))?;
    let JsonObject(header): JsonObject<RawProtectedHeader> =
        from_json_bytes(&bytes).map_err(|error| FormatError::MalformedJson {
            document: "packet",
            message: format!("protected header: {}", parse_error(&error)),
        })?;
    check_no_zip_or_crit(header.zip.as_ref(), header.crit.as_ref())?;
    if header.alg.is_some() {
        return Err(PacketError::NotSupported(
            "`alg` belongs in each recipient header, not the protected header",
        ));
    }
    let enc = header.enc.ok_or(FormatError::Missing("enc"))?;
    if enc != CONTENT_ENCRYPTION {
        return Err(FormatError::Unsupported {
            member: "enc",
            value: shown(&enc),
        }
        .into());
    }
    match header.cty {
        None => Ok(false),
        Some(cty) if cty == SIGNED_CONTENT_TYPE => Ok(true),
        Some(cty) => Err(FormatError::Unsupported {
            member: "cty",
            value: shown(&cty),
        }
        .into()),
    }
}

fn check_no_zip_or_crit(
    zip: Option<&IgnoredAny>,
    crit: Option<&IgnoredAny>,
) -> Result<(), PacketError> {
    if zip.is_some() {
        return Err(PacketError::NotSupported(
            "compression (`zip`) is not supported",
        ));
    }
    if crit.is_some() {
        return Err(PacketError::NotSupported(
            "critical header parameters (`crit`) are not supported",
        ));
    }
    Ok(())
}

/// A packet's text read as a JSON object of type `T`, once its size is within bounds.
fn read_packet_object<'a, T: Deserialize<'a>>(text: &'a str) -> Result<T, PacketError> {
    if text.len() > MAX_PACKET_LEN {
        return Err(PacketError::TooLarge);
    }
    let JsonObject(object): JsonObject<T> =
        serde_json::from_str(text).map_err(|error| FormatError::MalformedJson {
            document: "packet",
            message: parse_error(&error),
        })?;
    Ok(object)
}

/// The packet's `aad` member: present, and within its bound.
fn bounded_aad(aad: Option<Cow<'_, str>>) -> Result<Cow<'_, str>, PacketError> {
    let aad = aad.ok_or(FormatError::Missing("aad"))?;
    if aad.len() > MAX_AAD_LEN {
        return Err(PacketError::Invalid("`aad` is longer than 16 KiB"));
    }
    Ok(aad)
}

fn parse_meta(aad: &str) -> Result<PacketMeta, PacketError> {
    let bytes = b64::decode(aad).ok_or(FormatError::InvalidBase64("aad"))?;
    let JsonObject(raw): JsonObject<RawMetaJson> =
        from_json_bytes(&bytes).map_err(|error| FormatError::MalformedJson {
            document: "packet",
            message: format!("aad: {}", parse_error(&error)),
        })?;
    if raw.format_version != FORMAT_VERSION {
        return Err(FormatError::Unsupported {
            member: "format_version",
            value: raw.format_version.to_string(),
        }
        .into());
    }
    check_form_field(
        &raw.form_id,
        "form id must be 1 to 128 bytes without control characters",
    )?;
    check_form_field(
        &raw.form_version,
        "form version must be 1 to 128 bytes without control characters",
    )?;
    match b64::decode_array::<PACKET_ID_LEN>(&raw.packet_id) {
        Some(Ok(_)) => {}
        Some(Err(_)) => {
            return Err(FormatError::InvalidLength {
                member: "packet_id",
                expected: ByteLength::Exactly(PACKET_ID_LEN),
            }
            .into());
        }
        None => return Err(FormatError::InvalidBase64("packet_id").into()),
    }
    if raw.created > MAX_CREATED {
        return Err(PacketError::Invalid("creation time is after the year 9999"));
    }
    let recipients = raw.recipients.into_vec();
    check_recipient_count(recipients.len())?;
    Ok(PacketMeta {
        format_version: raw.format_version,
        form_id: raw.form_id,
        form_version: raw.form_version,
        packet_id: raw.packet_id,
        created: raw.created,
        recipients,
    })
}

fn parse_recipient(
    JsonObject(raw): JsonObject<RawRecipient>,
    passphrase_ordinal: &mut usize,
) -> Result<PacketRecipient, PacketError> {
    let JsonObject(header) = raw.header.ok_or(FormatError::Missing("header"))?;
    check_no_zip_or_crit(header.zip.as_ref(), header.crit.as_ref())?;
    if header.enc.is_some() {
        return Err(PacketError::NotSupported(
            "`enc` belongs in the protected header, not a recipient header",
        ));
    }
    if header.apu.is_some() || header.apv.is_some() {
        return Err(PacketError::NotSupported(
            "`apu` and `apv` are not supported",
        ));
    }
    let alg = header.alg.ok_or(FormatError::Missing("alg"))?;
    let kid = header.kid.ok_or(FormatError::Missing("kid"))?;
    let encrypted_key =
        decode_exact::<WRAPPED_KEY_LEN>(raw.encrypted_key.as_deref(), "encrypted_key")?;
    let kind = match alg.as_str() {
        AGENCY_ALG => {
            if header.p2s.is_some() || header.p2c.is_some() {
                return Err(PacketError::Invalid(
                    "`p2s` and `p2c` are not allowed with ECDH-ES+A256KW",
                ));
            }
            match b64::decode_array::<THUMBPRINT_LEN>(&kid) {
                Some(Ok(_)) => {}
                _ => {
                    return Err(PacketError::Invalid(
                        "an agency kid must be a base64url SHA-256 thumbprint",
                    ));
                }
            }
            let JsonObject(epk) = header.epk.ok_or(FormatError::Missing("epk"))?;
            RecipientKind::Agency {
                ephemeral_public: parse_epk(epk)?,
            }
        }
        PASSPHRASE_ALG => {
            if header.epk.is_some() {
                return Err(PacketError::Invalid(
                    "`epk` is not allowed with PBES2-HS512+A256KW",
                ));
            }
            *passphrase_ordinal += 1;
            if kid != format!("{PASSPHRASE_KID_PREFIX}{passphrase_ordinal}") {
                return Err(PacketError::Invalid(
                    "the kid of the n-th passphrase recipient must be `passphrase:n`",
                ));
            }
            // Checked before any PBKDF2 work, so a hostile packet cannot set the price.
            let iterations = header.p2c.ok_or(FormatError::Missing("p2c"))?;
            let iterations = u32::try_from(iterations)
                .ok()
                .filter(|count| (PBES2_MIN_ITERATIONS..=PBES2_MAX_ITERATIONS).contains(count))
                .ok_or(PacketError::Invalid(
                    "p2c must be between 210000 and 1000000",
                ))?;
            let salt = b64::decode(&header.p2s.ok_or(FormatError::Missing("p2s"))?)
                .ok_or(FormatError::InvalidBase64("p2s"))?;
            if !(PBES2_MIN_SALT_LEN..=PBES2_MAX_SALT_LEN).contains(&salt.len()) {
                return Err(FormatError::InvalidLength {
                    member: "p2s",
                    expected: ByteLength::Between(PBES2_MIN_SALT_LEN, PBES2_MAX_SALT_LEN),
                }
                .into());
            }
            RecipientKind::Passphrase { salt, iterations }
        }
        other => {
            return Err(FormatError::Unsupported {
                member: "alg",
                value: shown(other),
            }
            .into());
        }
    };
    Ok(PacketRecipient {
        kid,
        kind,
        encrypted_key,
    })
}

fn parse_epk(epk: RawEpk) -> Result<[u8; X25519_LEN], PacketError> {
    let kty = epk.kty.ok_or(FormatError::Missing("epk.kty"))?;
    if kty != "OKP" {
        return Err(FormatError::Unsupported {
            member: "epk kty",
            value: shown(&kty),
        }
        .into());
    }
    let crv = epk.crv.ok_or(FormatError::Missing("epk.crv"))?;
    if crv != "X25519" {
        return Err(FormatError::Unsupported {
            member: "epk crv",
            value: shown(&crv),
        }
        .into());
    }
    let x = decode_exact::<X25519_LEN>(epk.x.as_deref(), "epk.x")?;
    if !primitives::is_canonical_x25519_public(&x) {
        return Err(PacketError::Invalid("epk.x is not canonically encoded"));
    }
    Ok(x)
}

fn decode_exact<const N: usize>(
    text: Option<&str>,
    member: &'static str,
) -> Result<[u8; N], PacketError> {
    let text = text.ok_or(FormatError::Missing(member))?;
    match b64::decode_array::<N>(text) {
        Some(Ok(bytes)) => Ok(bytes),
        Some(Err(_)) => Err(FormatError::InvalidLength {
            member,
            expected: ByteLength::Exactly(N),
        }
        .into()),
        None => Err(FormatError::InvalidBase64(member).into()),
    }
}

fn check_recipient_count(count: usize) -> Result<(), PacketError> {
    if count == 0 {
        return Err(PacketError::Invalid("packet has no recipients"));
    }
    if count > MAX_RECIPIENTS {
        return Err(PacketError::Invalid("packet has more than 64 recipients"));
    }
    Ok(())
}

fn check_form_field(value: &str, message: &'static str) -> Result<(), PacketError> {
    if value.is_empty() || value.len() > MAX_FORM_FIELD_LEN || value.chars().any(char::is_control) {
        return Err(PacketError::Invalid(message));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Wire structures. Reading structures list the members we refuse by name, so that the
// refusal can say what it refused; every other unknown member is refused by serde.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPacket<'a> {
    protected: Option<String>,
    unprotected: Option<IgnoredAny>,
    /// Bounded while it is read: a flood of elements stops at the first one too many.
    recipients: Option<BoundedArray<JsonObject<RawRecipient>, Recipients>>,
    /// Borrowed, so that an oversized one is refused before it is copied.
    #[serde(borrow)]
    aad: Option<Cow<'a, str>>,
    iv: Option<String>,
    /// Borrowed from the packet text when it can be (it always can for what JOSE
    /// libraries write): megabytes, and not worth copying before decoding.
    #[serde(borrow)]
    ciphertext: Option<Cow<'a, str>>,
    tag: Option<String>,
    header: Option<IgnoredAny>,
    encrypted_key: Option<IgnoredAny>,
}

/// The recipient lists: the entries and the key ids in `aad`.
struct Recipients;

impl ListLimit for Recipients {
    const MAX: usize = MAX_RECIPIENTS;
    const WHAT: &'static str = "recipients";
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProtectedHeader {
    enc: Option<String>,
    cty: Option<String>,
    alg: Option<IgnoredAny>,
    zip: Option<IgnoredAny>,
    crit: Option<IgnoredAny>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRecipient {
    header: Option<JsonObject<RawRecipientHeader>>,
    encrypted_key: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRecipientHeader {
    alg: Option<String>,
    kid: Option<String>,
    epk: Option<JsonObject<RawEpk>>,
    p2s: Option<String>,
    p2c: Option<u64>,
    enc: Option<IgnoredAny>,
    zip: Option<IgnoredAny>,
    crit: Option<IgnoredAny>,
    apu: Option<IgnoredAny>,
    apv: Option<IgnoredAny>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEpk {
    kty: Option<String>,
    crv: Option<String>,
    x: Option<String>,
}

#[derive(Serialize)]
struct MetaJson {
    format_version: u32,
    form_id: String,
    form_version: String,
    packet_id: String,
    created: u64,
    recipients: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMetaJson {
    format_version: u32,
    form_id: String,
    form_version: String,
    packet_id: String,
    created: u64,
    recipients: BoundedArray<String, Recipients>,
}

#[derive(Serialize)]
struct PacketJson<'a> {
    protected: &'a str,
    recipients: Vec<RecipientJson>,
    aad: &'a str,
    iv: String,
    ciphertext: &'a str,
    tag: String,
}

#[derive(Serialize)]
struct RecipientJson {
    header: RecipientHeaderJson,
    encrypted_key: String,
}

#[derive(Serialize)]
struct RecipientHeaderJson {
    alg: &'static str,
    kid: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    epk: Option<EpkJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    p2s: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    p2c: Option<u32>,
}

#[derive(Serialize)]
struct EpkJson {
    kty: &'static str,
    crv: &'static str,
    x: String,
}

// ---------------------------------------------------------------------------------------
// Errors

/// Why a packet could not be sealed, parsed or opened.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PacketError {
    /// The packet text is larger than [`MAX_PACKET_LEN`].
    TooLarge,
    /// Malformed JSON, a missing member, an unsupported value, bad base64url or a wrong
    /// length: the faults a packet shares with the key formats.
    Format(FormatError),
    /// A JWE feature this format does not use (the message names it).
    NotSupported(&'static str),
    /// Any other violation of the format, described.
    Invalid(&'static str),
    /// Not addressed to this key, wrong key, wrong passphrase or tampered; deliberately
    /// not told apart.
    CouldNotOpen,
    /// The authentic plaintext is not UTF-8 JSON (the sender did not follow the format).
    PayloadNotJson,
    /// The caller's random number generator failed.
    Randomness,
    /// A signed packet whose signature is refused: changed, forged, or moved from
    /// another packet. Never shown as an unsigned packet.
    Signature(SignatureError),
}

impl fmt::Display for PacketError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooLarge => f.write_str("packet is larger than 32 MiB"),
            Self::Format(error) => fmt::Display::fmt(error, f),
            Self::NotSupported(message) => f.write_str(message),
            Self::Invalid(message) => f.write_str(message),
            Self::CouldNotOpen => f.write_str("could not open the packet with this key"),
            Self::PayloadNotJson => f.write_str("payload is not valid json"),
            Self::Randomness => f.write_str("random number generator failed"),
            Self::Signature(error) => fmt::Display::fmt(error, f),
        }
    }
}

// The format fault is the whole error, not its cause: its text is this error's text, so
// it is not also given as the source.
impl std::error::Error for PacketError {}

impl From<FormatError> for PacketError {
    fn from(error: FormatError) -> Self {
        Self::Format(error)
    }
}
