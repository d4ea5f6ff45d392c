//! The cryptographic building blocks of the packet and key-file formats, each a thin,
//! fixed-size wrapper over a RustCrypto primitive.
//!
//! They are public so that the known-answer tests (RFC 7518, RFC 8037, RFC 7520,
//! Wycheproof) can reach exactly the code the formats use. The app has no reason to call
//! them: [`crate::packet`] and [`crate::keys`] are the API. Nothing here parses, reads a
//! clock or draws randomness, and every failure is the single opaque [`CryptoFailure`],
//! so that no caller can learn *why* an operation on secret data failed.

use aes_gcm::aead::AeadInOut;
use aes_gcm::{Aes256Gcm, KeyInit};
use aes_kw::KwAes256;
use sha2::{Digest, Sha256, Sha512};
use zeroize::Zeroizing;

/// Length of an AES-256 key, a content key or a key-encryption key.
pub const KEY_LEN: usize = 32;
/// Length of an AES-GCM nonce (the JWE `iv`).
pub const GCM_IV_LEN: usize = 12;
/// Length of an AES-GCM authentication tag.
pub const GCM_TAG_LEN: usize = 16;
/// Length of a 256-bit key wrapped with AES key wrap (RFC 3394): the key plus 8 bytes.
pub const WRAPPED_KEY_LEN: usize = KEY_LEN + 8;
/// Length of an X25519 public key, secret key or shared secret.
pub const X25519_LEN: usize = 32;

/// A 256-bit symmetric key that is wiped when dropped.
pub type SymmetricKey = Zeroizing<[u8; KEY_LEN]>;

/// The one error of this module: an operation on secret data did not succeed.
///
/// It deliberately carries no detail (wrong key, bad tag and bad input all look alike).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CryptoFailure;

impl core::fmt::Display for CryptoFailure {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("cryptographic operation failed")
    }
}

impl std::error::Error for CryptoFailure {}

/// X25519 (RFC 7748) between our secret scalar and their public point.
///
/// Refuses an all-zero result, which is what every low-order public point yields: such a
/// "shared" secret is known to anyone, so a packet built on it would not be sealed at all
/// (RFC 7748 §6.1, RFC 8037 §3.2). `their_public` is a slice so that wrong lengths are
/// refused here rather than trusted.
pub fn x25519_shared_secret(
    our_secret: &[u8; X25519_LEN],
    their_public: &[u8],
) -> Result<Zeroizing<[u8; X25519_LEN]>, CryptoFailure> {
    let their_public: [u8; X25519_LEN] = their_public.try_into().map_err(|_| CryptoFailure)?;
    let secret = x25519_dalek::StaticSecret::from(*our_secret);
    let shared = secret.diffie_hellman(&x25519_dalek::PublicKey::from(their_public));
    if !shared.was_contributory() {
        return Err(CryptoFailure);
    }
    Ok(Zeroizing::new(shared.to_bytes()))
}

/// Whether `public` is the canonical encoding of an X25519 u-coordinate: below
/// p = 2^255 - 19, so with the top bit clear.
///
/// X25519 ignores the top bit and reduces modulo p (RFC 7748 §5), so every public key has
/// up to two other encodings that agree the same secret. The formats refuse them, so that
/// a key id names exactly one byte string and a packet cannot be altered without effect.
pub fn is_canonical_x25519_public(public: &[u8; X25519_LEN]) -> bool {
    let top_bit_clear = public[31] & 0x80 == 0;
    // The non-canonical values below 2^255 are p..2^255-1: ed ff … ff 7f (little-endian)
    // and the 18 values above it.
    let at_least_p =
        public[31] == 0x7f && public[1..31].iter().all(|byte| *byte == 0xff) && public[0] >= 0xed;
    top_bit_clear && !at_least_p
}

/// The X25519 public key of a secret scalar.
pub fn x25519_public_key(secret: &[u8; X25519_LEN]) -> [u8; X25519_LEN] {
    let secret = x25519_dalek::StaticSecret::from(*secret);
    x25519_dalek::PublicKey::from(&secret).to_bytes()
}

/// The Concat KDF of NIST SP 800-56A as profiled by RFC 7518 §4.6.2, with SHA-256.
///
/// `algorithm_id` is the JWE `alg` (for key agreement with key wrapping) or `enc`;
/// `party_u_info` and `party_v_info` are the decoded `apu` and `apv` (empty when absent,
/// which is how Confidant seals). The output has `output.len()` bytes.
pub fn concat_kdf(
    shared_secret: &[u8],
    algorithm_id: &str,
    party_u_info: &[u8],
    party_v_info: &[u8],
    output: &mut [u8],
) {
    let key_bits = u32::try_from(output.len() * 8).expect("concat kdf output fits in u32 bits");
    for (index, chunk) in output.chunks_mut(32).enumerate() {
        let round = u32::try_from(index + 1).expect("concat kdf round fits in u32");
        let mut hash = Sha256::new();
        hash.update(round.to_be_bytes());
        hash.update(shared_secret);
        update_with_length_prefix(&mut hash, algorithm_id.as_bytes());
        update_with_length_prefix(&mut hash, party_u_info);
        update_with_length_prefix(&mut hash, party_v_info);
        hash.update(key_bits.to_be_bytes());
        let digest = Zeroizing::new(<[u8; 32]>::from(hash.finalize()));
        chunk.copy_from_slice(&digest[..chunk.len()]);
    }
}

fn update_with_length_prefix(hash: &mut Sha256, data: &[u8]) {
    let len = u32::try_from(data.len()).expect("concat kdf field fits in u32 length");
    hash.update(len.to_be_bytes());
    hash.update(data);
}

/// The key-encryption key of `ECDH-ES+A256KW` (RFC 7518 §4.6) from an X25519 shared
/// secret, with `apu` and `apv` absent.
pub fn ecdh_es_a256kw_kek(shared_secret: &[u8; X25519_LEN]) -> SymmetricKey {
    let mut kek = Zeroizing::new([0u8; KEY_LEN]);
    concat_kdf(shared_secret, "ECDH-ES+A256KW", &[], &[], kek.as_mut());
    kek
}

/// The key-encryption key of `PBES2-HS512+A256KW` (RFC 7518 §4.8): PBKDF2 with
/// HMAC-SHA-512 over the salt input `alg || 0x00 || p2s`.
///
/// The caller bounds `iterations`; this function does whatever work it is asked to.
pub fn pbes2_hs512_a256kw_kek(password: &[u8], salt: &[u8], iterations: u32) -> SymmetricKey {
    const ALG: &[u8] = b"PBES2-HS512+A256KW";
    let mut salt_input = Vec::with_capacity(ALG.len() + 1 + salt.len());
    salt_input.extend_from_slice(ALG);
    salt_input.push(0);
    salt_input.extend_from_slice(salt);
    let mut kek = Zeroizing::new([0u8; KEY_LEN]);
    pbkdf2::pbkdf2_hmac::<Sha512>(password, &salt_input, iterations, kek.as_mut());
    kek
}

/// AES-256 key wrap (RFC 3394) of a 256-bit key.
pub fn aes256_key_wrap(kek: &[u8; KEY_LEN], key: &[u8; KEY_LEN]) -> [u8; WRAPPED_KEY_LEN] {
    let wrapper = KwAes256::new(&(*kek).into());
    let mut wrapped = [0u8; WRAPPED_KEY_LEN];
    wrapper
        .wrap_key(key, &mut wrapped)
        .expect("a 32-byte key wraps into 40 bytes");
    wrapped
}

/// AES-256 key unwrap (RFC 3394). Accepts a slice so that every length can be tested
/// against published vectors; only 40-byte inputs (a wrapped 256-bit key) succeed.
pub fn aes256_key_unwrap(kek: &[u8], wrapped: &[u8]) -> Result<SymmetricKey, CryptoFailure> {
    if wrapped.len() != WRAPPED_KEY_LEN {
        return Err(CryptoFailure);
    }
    let wrapper = KwAes256::new_from_slice(kek).map_err(|_| CryptoFailure)?;
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    wrapper
        .unwrap_key(wrapped, key.as_mut())
        .map_err(|_| CryptoFailure)?;
    Ok(key)
}

/// AES-256-GCM encryption in place, returning the detached 128-bit tag.
pub fn aes256_gcm_seal(
    key: &[u8; KEY_LEN],
    iv: &[u8; GCM_IV_LEN],
    associated_data: &[u8],
    buffer: &mut [u8],
) -> [u8; GCM_TAG_LEN] {
    let cipher = Aes256Gcm::new(&(*key).into());
    let tag = cipher
        .encrypt_inout_detached(&(*iv).into(), associated_data, buffer.into())
        .expect("aes-gcm accepts any message below 64 GiB");
    tag.into()
}

/// AES-256-GCM decryption in place. On failure the buffer is wiped, so that no caller can
/// mistake it for plaintext.
pub fn aes256_gcm_open(
    key: &[u8; KEY_LEN],
    iv: &[u8; GCM_IV_LEN],
    associated_data: &[u8],
    buffer: &mut [u8],
    tag: &[u8; GCM_TAG_LEN],
) -> Result<(), CryptoFailure> {
    let cipher = Aes256Gcm::new(&(*key).into());
    let result = cipher.decrypt_inout_detached(
        &(*iv).into(),
        associated_data,
        buffer.into(),
        &(*tag).into(),
    );
    if result.is_err() {
        zeroize::Zeroize::zeroize(buffer);
        return Err(CryptoFailure);
    }
    Ok(())
}

/// The RFC 7638 thumbprint of an OKP key (RFC 8037 §2): SHA-256 over the JSON object of
/// its required members in lexicographic order, `{"crv":…,"kty":"OKP","x":…}`, without
/// whitespace, base64url-encoded.
///
/// `crv` and `x_base64url` must already be valid (a curve name and base64url text), as
/// they are copied verbatim.
pub fn okp_thumbprint(crv: &str, x_base64url: &str) -> String {
    crate::b64::encode(&okp_thumbprint_digest(crv, x_base64url))
}

pub(crate) fn okp_thumbprint_digest(crv: &str, x_base64url: &str) -> [u8; 32] {
    let canonical = format!(r#"{{"crv":"{crv}","kty":"OKP","x":"{x_base64url}"}}"#);
    Sha256::digest(canonical.as_bytes()).into()
}
