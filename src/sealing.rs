//! Sealing and opening packets in the browser: the core does everything but the bulk
//! AES-GCM, which goes to WebCrypto when the payload is large enough for it to matter
//! and the browser offers it, and to the core's own cipher otherwise.
//!
//! The two ciphers give the same bytes (tests/sealing.rs holds them to it), so a packet
//! does not show which one sealed it.

use confidant_core::keys::{AgencySecretKey, Passphrase};
use confidant_core::packet::{
    ContentKey, FormRef, OpenedPacket, Packet, PacketError, PendingSeal, Recipient,
    prepare_signed_seal,
};
use confidant_core::signing::SigningKeyPair;

use crate::browser::webcrypto;

/// Padded payloads from this size go through WebCrypto. Below it, the round trip to the
/// browser's cipher costs more than it saves (a referral of a few KiB seals in well under
/// a millisecond either way).
pub const WEBCRYPTO_FROM_BYTES: usize = 16 * 1024;

/// Which AES-GCM does the bulk work.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContentCipher {
    /// The core's own, pure Rust: always there.
    Core,
    /// The browser's WebCrypto, falling back to the core where it is missing.
    WebCrypto,
}

impl ContentCipher {
    /// The cipher for a padded payload of `len` bytes.
    pub fn for_len(len: usize) -> Self {
        if len >= WEBCRYPTO_FROM_BYTES && webcrypto::available() {
            Self::WebCrypto
        } else {
            Self::Core
        }
    }
}

/// Seals `payload_json` for `recipients`, created at `created_unix_seconds`, signed by
/// `signer` when given (the sending agency's key, from its unlocked keyring). The packet
/// comes back as the bytes of its JSON text, ready to upload or save.
pub async fn seal(
    payload_json: &str,
    form: &FormRef,
    created_unix_seconds: u64,
    recipients: &[Recipient],
    signer: Option<&SigningKeyPair>,
) -> Result<Vec<u8>, PacketError> {
    let pending = prepare_signed_seal(
        payload_json,
        form,
        created_unix_seconds,
        recipients,
        signer,
        &mut getrandom::SysRng,
    )?;
    let cipher = ContentCipher::for_len(pending.padded_payload().len());
    finish_seal(pending, cipher).await
}

/// Completes a prepared packet with the given cipher.
pub async fn finish_seal(
    pending: PendingSeal,
    cipher: ContentCipher,
) -> Result<Vec<u8>, PacketError> {
    if cipher == ContentCipher::WebCrypto {
        let encrypted = webcrypto::aes256_gcm_encrypt(
            pending.content_key(),
            pending.iv(),
            pending.associated_data().as_bytes(),
            pending.padded_payload(),
        )
        .await;
        if let Ok(encrypted) = encrypted {
            return pending.finish_bytes(encrypted);
        }
    }
    Ok(pending.seal_bytes())
}

/// Opens a packet as the holder of an agency key.
pub async fn open_with_key(
    packet: &Packet,
    secret_key: &AgencySecretKey,
) -> Result<OpenedPacket, PacketError> {
    let content_key = packet.content_key_for_agency(secret_key)?;
    decrypt(
        packet,
        &content_key,
        ContentCipher::for_len(packet.ciphertext_len()),
    )
    .await
}

/// Opens a packet with its passphrase.
pub async fn open_with_passphrase(
    packet: &Packet,
    passphrase: &Passphrase,
) -> Result<OpenedPacket, PacketError> {
    let content_key = packet.content_key_for_passphrase(passphrase)?;
    decrypt(
        packet,
        &content_key,
        ContentCipher::for_len(packet.ciphertext_len()),
    )
    .await
}

/// Decrypts the payload with an unwrapped content key and the given cipher.
pub async fn decrypt(
    packet: &Packet,
    content_key: &ContentKey,
    cipher: ContentCipher,
) -> Result<OpenedPacket, PacketError> {
    if cipher == ContentCipher::WebCrypto && webcrypto::available() {
        let plaintext = webcrypto::aes256_gcm_decrypt(
            content_key.as_bytes(),
            packet.iv(),
            packet.associated_data().as_bytes(),
            &packet.ciphertext_and_tag(),
        )
        .await
        // A failed tag check reads like every other failure to open.
        .map_err(|_| PacketError::CouldNotOpen)?;
        return packet.finish_open(plaintext);
    }
    packet.decrypt(content_key)
}
