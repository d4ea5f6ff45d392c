//! Agency signatures: Ed25519 (RFC 8032) keys, published as OKP JWKs (RFC 8037), and the
//! JWS (RFC 7515, flattened JSON serialization, `alg` = `EdDSA`) a signed packet carries
//! inside its encryption. `docs/packet.md` ("Signed packets") specifies the format.
//!
//! ECDH-ES says nothing about who sealed a packet: anyone with the directory can seal to
//! an agency and write any sender key into the payload. A signature by the sending
//! agency's long-lived signing key, which the directory publishes and every reader pins,
//! is what lets a shelter tell a packet from the police unit from one that only says so.
//!
//! What is signed binds the content to its packet: the JWS protected header carries the
//! packet's authenticated metadata (the JWE `aad`, naming the packet id, the form and the
//! recipients) verbatim, and an opener refuses a signature made for any other. So a
//! co-recipient, who can decrypt and re-encrypt, cannot move the signed content to a new
//! packet id or to other recipients, and cannot change a byte of it.
//!
//! The same key **endorses** the agency's new encryption key at a rotation ([`endorse`]):
//! a sender's browser that pinned the signing key accepts a new key it endorses without
//! the phone call a changed key otherwise needs (`confidant_core::agency::Pins`).

use core::fmt;

use ed25519_dalek::{Signer, SigningKey as DalekSigningKey, VerifyingKey};
use rand_core::TryCryptoRng;
use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::b64;
use crate::format_error::{ByteLength, FormatError};
use crate::json_object::{JsonObject, from_json_bytes};
use crate::keys::{KeyError, PublicKey, fingerprint_of_thumbprint};
use crate::primitives;
use crate::random::random_bytes;
use crate::untrusted_text::{parse_error, plaintext_parse_error, shown};
use crate::wipe::WipedString;

/// The JWS `alg` of an agency's signing key (RFC 8037 §3.1).
pub const SIGNING_KEY_ALG: &str = "EdDSA";
/// The length of an Ed25519 public key and of its secret seed.
pub const ED25519_LEN: usize = 32;
/// The length of an Ed25519 signature.
pub const SIGNATURE_LEN: usize = 64;
/// The name of the private JWS header parameter (RFC 7515 §4.3) that carries the packet's
/// metadata: the JWE `aad` member, exactly as the packet has it.
pub const PACKET_HEADER_PARAM: &str = "confidant_packet";

// ---------------------------------------------------------------------------------------
// Public keys

/// An agency's Ed25519 public key, checked: a canonical encoding of a point that is not of
/// small order, with its key id computed from the key itself.
#[derive(Clone, PartialEq, Eq)]
pub struct SigningPublicKey {
    x: [u8; ED25519_LEN],
    kid: String,
}

impl SigningPublicKey {
    /// Parses a published signing JWK strictly: `kty` = `OKP`, `crv` = `Ed25519`, `x`
    /// (32 bytes) and `kid` (its RFC 7638 thumbprint) are required; `use` (`sig`) and
    /// `alg` (`EdDSA`) are checked when present. Anything else is refused, the private
    /// part (`d`) above all.
    pub fn from_jwk_json(json: &str) -> Result<Self, KeyError> {
        let JsonObject(raw): JsonObject<RawSigningJwk> =
            serde_json::from_str(json).map_err(|error| FormatError::MalformedJson {
                document: "signing key",
                message: parse_error(&error),
            })?;
        Self::from_raw_jwk(raw)
    }

    fn from_raw_jwk(raw: RawSigningJwk) -> Result<Self, KeyError> {
        if raw.d.is_some() {
            return Err(KeyError::PrivateKeyMaterial);
        }
        let required = |value: Option<String>, member| value.ok_or(FormatError::Missing(member));
        let kty = required(raw.kty, "kty")?;
        if kty != "OKP" {
            return Err(unsupported("kty", &kty));
        }
        let crv = required(raw.crv, "crv")?;
        if crv != "Ed25519" {
            return Err(unsupported("crv", &crv));
        }
        let x = required(raw.x, "x")?;
        let x = b64::decode_array::<ED25519_LEN>(&x)
            .ok_or(FormatError::InvalidBase64("x"))?
            .map_err(|_| FormatError::InvalidLength {
                member: "x",
                expected: ByteLength::Exactly(ED25519_LEN),
            })?;
        if let Some(key_use) = raw.key_use
            && key_use != "sig"
        {
            return Err(unsupported("use", &key_use));
        }
        if let Some(alg) = raw.alg
            && alg != SIGNING_KEY_ALG
        {
            return Err(unsupported("alg", &alg));
        }
        let kid = required(raw.kid, "kid")?;
        let key = Self::from_bytes(x)?;
        if kid != key.kid {
            return Err(KeyError::KidMismatch);
        }
        Ok(key)
    }

    /// A public key from its 32 bytes, refusing encodings that are not canonical and points
    /// of small order (with which one signature verifies for many messages).
    pub fn from_bytes(x: [u8; ED25519_LEN]) -> Result<Self, KeyError> {
        let point = VerifyingKey::from_bytes(&x).map_err(|_| KeyError::NonCanonical)?;
        // The key keeps the bytes it was given: compressing its point again tells
        // whether they were the one canonical encoding.
        if point.to_edwards().compress().to_bytes() != x {
            return Err(KeyError::NonCanonical);
        }
        if point.is_weak() {
            return Err(KeyError::LowOrderPoint);
        }
        let kid = primitives::okp_thumbprint("Ed25519", &b64::encode(&x));
        Ok(Self { x, kid })
    }

    /// The public JWK: `kty`, `crv`, `x`, `kid`, `use`, `alg`, in that order, compact.
    pub fn to_jwk_json(&self) -> String {
        serde_json::to_string(&self.to_jwk()).expect("a jwk serializes")
    }

    pub(crate) fn to_jwk(&self) -> SigningJwk {
        SigningJwk {
            kty: "OKP",
            crv: "Ed25519",
            x: b64::encode(&self.x),
            kid: self.kid.clone(),
            key_use: "sig",
            alg: SIGNING_KEY_ALG,
        }
    }

    /// The key id: the RFC 7638 JWK thumbprint (SHA-256, base64url, 43 characters).
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The fingerprint a person compares by reading it aloud, made as an encryption key's
    /// is ([`crate::keys::fingerprint`]).
    pub fn fingerprint(&self) -> String {
        fingerprint_of_thumbprint(&primitives::okp_thumbprint_digest(
            "Ed25519",
            &b64::encode(&self.x),
        ))
    }

    /// The 32 bytes of the key.
    pub fn as_bytes(&self) -> &[u8; ED25519_LEN] {
        &self.x
    }

    /// Whether `signature` is this key's Ed25519 signature of `message`, checked strictly
    /// (RFC 8032 §5.1.7, with a canonical `S` and no small-order `R`).
    pub fn verifies(&self, message: &[u8], signature: &[u8; SIGNATURE_LEN]) -> bool {
        let Ok(key) = VerifyingKey::from_bytes(&self.x) else {
            return false;
        };
        let signature = ed25519_dalek::Signature::from_bytes(signature);
        key.verify_strict(message, &signature).is_ok()
    }
}

impl fmt::Debug for SigningPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningPublicKey")
            .field("kid", &self.kid)
            .finish()
    }
}

fn unsupported(member: &'static str, value: &str) -> KeyError {
    FormatError::Unsupported {
        member,
        value: shown(value),
    }
    .into()
}

#[derive(Serialize)]
pub(crate) struct SigningJwk {
    kty: &'static str,
    crv: &'static str,
    x: String,
    kid: String,
    #[serde(rename = "use")]
    key_use: &'static str,
    alg: &'static str,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSigningJwk {
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

impl RawSigningJwk {
    pub(crate) fn into_key(self) -> Result<SigningPublicKey, KeyError> {
        SigningPublicKey::from_raw_jwk(self)
    }
}

// ---------------------------------------------------------------------------------------
// Key pairs

/// An agency's signing key pair. The secret is wiped on drop and never printed.
#[derive(Clone)]
pub struct SigningKeyPair {
    secret: DalekSigningKey,
    public: SigningPublicKey,
}

impl SigningKeyPair {
    /// Generates a key pair from the caller's cryptographic RNG.
    pub fn generate<R: TryCryptoRng + ?Sized>(rng: &mut R) -> Result<Self, KeyError> {
        let seed = random_bytes::<ED25519_LEN, R>(rng).map_err(|_| KeyError::Randomness)?;
        Self::from_seed(&seed)
    }

    /// The key pair of a 32-byte secret seed (RFC 8032 §5.1.5's private key).
    pub fn from_seed(seed: &[u8; ED25519_LEN]) -> Result<Self, KeyError> {
        let secret = DalekSigningKey::from_bytes(seed);
        let public = SigningPublicKey::from_bytes(secret.verifying_key().to_bytes())?;
        Ok(Self { secret, public })
    }

    /// The key to publish.
    pub fn public(&self) -> &SigningPublicKey {
        &self.public
    }

    /// The 32-byte secret seed, wiped on drop: for sealing it into a key file, and for the
    /// web app's inbox, a module of its own, to hand the unlocked key to the page's shell,
    /// which signs what the worker sends.
    pub fn seed(&self) -> Zeroizing<[u8; ED25519_LEN]> {
        Zeroizing::new(self.secret.to_bytes())
    }

    /// The Ed25519 signature of `message` (deterministic, RFC 8032 §5.1.6).
    pub fn sign(&self, message: &[u8]) -> [u8; SIGNATURE_LEN] {
        self.secret.sign(message).to_bytes()
    }
}

impl fmt::Debug for SigningKeyPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKeyPair")
            .field("public", &self.public)
            .finish_non_exhaustive()
    }
}

// ---------------------------------------------------------------------------------------
// Endorsing a new encryption key

/// The endorsement of the encryption key `key` by the agency's signing key: a JWS in
/// compact serialization whose protected header is exactly `{"alg":"EdDSA","kid":…}` (the
/// signing key's id) and whose payload is `{"confidant_endorses":…}` (the encryption key's
/// id). It says "this new key is ours", and nothing else: the header and the payload
/// differ from a signed packet's, so neither can pass for the other.
pub fn endorse(signing: &SigningKeyPair, key: &PublicKey) -> String {
    let header = serde_json::json!({ "alg": SIGNING_KEY_ALG, "kid": signing.public.kid() });
    let payload = serde_json::json!({ ENDORSES: key.kid() });
    let protected = b64::encode(crate::json_text(&header).as_bytes());
    let payload = b64::encode(crate::json_text(&payload).as_bytes());
    let signature = signing.sign(&signing_input(&protected, &payload));
    format!("{protected}.{payload}.{}", b64::encode(&signature))
}

const ENDORSES: &str = "confidant_endorses";

impl SigningPublicKey {
    /// Whether `endorsement` is this key's endorsement of `key` ([`endorse`]), read
    /// strictly: exactly those header and payload members, this key's id, that key's id,
    /// and a signature that verifies.
    pub fn endorses(&self, endorsement: &str, key: &PublicKey) -> bool {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Header {
            alg: String,
            kid: String,
        }
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Payload {
            confidant_endorses: String,
        }
        if endorsement.len() > 1024 {
            return false;
        }
        let mut parts = endorsement.split('.');
        let (Some(protected), Some(payload), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return false;
        };
        let header: Option<JsonObject<Header>> =
            b64::decode(protected).and_then(|bytes| from_json_bytes(&bytes).ok());
        let claims: Option<JsonObject<Payload>> =
            b64::decode(payload).and_then(|bytes| from_json_bytes(&bytes).ok());
        let signature = b64::decode_array::<SIGNATURE_LEN>(signature).and_then(Result::ok);
        match (header, claims, signature) {
            (Some(JsonObject(header)), Some(JsonObject(claims)), Some(signature)) => {
                header.alg == SIGNING_KEY_ALG
                    && header.kid == self.kid
                    && claims.confidant_endorses == key.kid()
                    && self.verifies(&signing_input(protected, payload), &signature)
            }
            _ => false,
        }
    }
}

// ---------------------------------------------------------------------------------------
// The JWS a signed packet carries

/// Signs `payload` (the packet's payload JSON) for the packet whose `aad` member is
/// `packet_aad`, and returns the JWS in flattened JSON serialization: the plaintext a
/// signed packet encrypts. Wiped when dropped, since it holds the payload.
pub(crate) fn sign_payload(
    key: &SigningKeyPair,
    payload: &str,
    packet_aad: &str,
) -> Zeroizing<String> {
    let header = JwsHeader {
        alg: SIGNING_KEY_ALG,
        kid: key.public.kid(),
        jwk: key.public.to_jwk(),
        confidant_packet: packet_aad,
    };
    let protected = b64::encode(
        serde_json::to_string(&header)
            .expect("a header serializes")
            .as_bytes(),
    );
    let encoded_payload = Zeroizing::new(b64::encode(payload.as_bytes()));
    let signing_input = signing_input(&protected, &encoded_payload);
    let signature = b64::encode(&key.sign(&signing_input));
    // Every part is base64url, which a JSON string holds as it is.
    let mut jws = Zeroizing::new(String::with_capacity(
        encoded_payload.len() + protected.len() + signature.len() + 48,
    ));
    jws.push_str(r#"{"protected":""#);
    jws.push_str(&protected);
    jws.push_str(r#"","payload":""#);
    jws.push_str(&encoded_payload);
    jws.push_str(r#"","signature":""#);
    jws.push_str(&signature);
    jws.push_str(r#""}"#);
    jws
}

/// `ASCII(protected) || '.' || ASCII(payload)` (RFC 7515 §5.1 step 5).
fn signing_input(protected: &str, payload: &str) -> Zeroizing<Vec<u8>> {
    let mut input = Zeroizing::new(Vec::with_capacity(protected.len() + payload.len() + 1));
    input.extend_from_slice(protected.as_bytes());
    input.push(b'.');
    input.extend_from_slice(payload.as_bytes());
    input
}

/// A JWS a signed packet carried, verified: who signed, and the payload they signed.
pub(crate) struct VerifiedPayload {
    pub(crate) signer: SigningPublicKey,
    pub(crate) payload: WipedString,
}

/// Verifies the flattened JWS `jws` a signed packet decrypted to, for the packet whose
/// `aad` member is `packet_aad`: the signature must verify under the key its header
/// carries, and the header must name this very packet.
pub(crate) fn verify_payload(
    jws: &str,
    packet_aad: &str,
) -> Result<VerifiedPayload, SignatureError> {
    let JsonObject(raw): JsonObject<RawJws> = serde_json::from_str(jws)
        .map_err(|error| SignatureError::Malformed(plaintext_parse_error(&error)))?;
    let header_bytes = b64::decode(&raw.protected)
        .ok_or_else(|| SignatureError::Malformed("protected header is not base64url".into()))?;
    let JsonObject(header): JsonObject<RawJwsHeader> =
        from_json_bytes(&header_bytes).map_err(|error| {
            SignatureError::Malformed(format!("header: {}", plaintext_parse_error(&error)))
        })?;
    if header.alg != SIGNING_KEY_ALG {
        return Err(SignatureError::Malformed(format!(
            "unsupported alg `{}`",
            shown(&header.alg)
        )));
    }
    let signer = header.jwk.0.into_key().map_err(SignatureError::Key)?;
    if header.kid != signer.kid() {
        return Err(SignatureError::Key(KeyError::KidMismatch));
    }
    let signature = b64::decode_array::<SIGNATURE_LEN>(&raw.signature)
        .and_then(Result::ok)
        .ok_or_else(|| {
            SignatureError::Malformed("signature is not 64 bytes of base64url".into())
        })?;
    if !signer.verifies(&signing_input(&raw.protected, &raw.payload), &signature) {
        return Err(SignatureError::DoesNotVerify);
    }
    // Authentic from here on: the signer wrote this header.
    if header.confidant_packet != packet_aad {
        return Err(SignatureError::OtherPacket);
    }
    let bytes = Zeroizing::new(
        b64::decode(&raw.payload)
            .ok_or_else(|| SignatureError::Malformed("payload is not base64url".into()))?,
    );
    let text = core::str::from_utf8(&bytes)
        .map_err(|_| SignatureError::Malformed("payload is not UTF-8".into()))?;
    let payload = WipedString(text.to_owned());
    Ok(VerifiedPayload { signer, payload })
}

#[derive(Serialize)]
struct JwsHeader<'a> {
    alg: &'static str,
    kid: &'a str,
    jwk: SigningJwk,
    confidant_packet: &'a str,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawJws {
    protected: String,
    payload: String,
    signature: String,
}

// No `crit`, no `b64` (RFC 7797), no `x5c` or `jku`: anything but these four members is
// refused, so a reader never has to decide what an unknown member would have meant.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawJwsHeader {
    alg: String,
    kid: String,
    jwk: JsonObject<RawSigningJwk>,
    confidant_packet: String,
}

/// Why a signed packet's signature was refused. Every case is tampering or a forgery:
/// a reader refuses the packet, never shows it as unsigned.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignatureError {
    /// The JWS or its header is not in the format (the message says how).
    Malformed(String),
    /// The signing key in the header is not acceptable.
    Key(KeyError),
    /// The signature does not verify: the content changed after signing, or was forged.
    DoesNotVerify,
    /// The signature is authentic but was made for another packet (its id, form or
    /// recipients differ): signed content moved into a new packet.
    OtherPacket,
}

impl fmt::Display for SignatureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed(message) => write!(f, "malformed signature: {message}"),
            Self::Key(error) => write!(f, "signing key: {error}"),
            Self::DoesNotVerify => f.write_str(
                "the signature does not verify: the packet was changed after it was signed, \
                 or the signature is forged",
            ),
            Self::OtherPacket => f.write_str(
                "the signature was made for another packet (its id, form or recipients \
                 differ): signed content was moved into this one",
            ),
        }
    }
}

impl std::error::Error for SignatureError {}
