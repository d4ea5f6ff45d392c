//! The one place the app uses the browser's WebCrypto: AES-256-GCM over the bulk of a
//! packet's payload.
//!
//! Why: in WebAssembly the pure-Rust AES-GCM of the core runs at about a tenth of the
//! speed of the browser's own (see `scripts/bench.sh`). The core prepares everything
//! else (keys, wrapping, metadata, padding) and the result is the same packet byte for
//! byte. Where WebCrypto is missing (an insecure context, an old browser) callers fall
//! back to the core; nothing here is required for Confidant to work.

use js_sys::{Array, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AesGcmParams, CryptoKey, SubtleCrypto};
use zeroize::Zeroizing;

/// WebCrypto is not available here, or refused the operation. For decryption this is
/// also what a wrong key or a tampered ciphertext gives: WebCrypto does not say which.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WebCryptoFailure;

/// The page's `SubtleCrypto`, if it has one (only secure contexts do).
fn subtle() -> Option<SubtleCrypto> {
    let crypto = web_sys::window()?.crypto().ok()?;
    let subtle = crypto.subtle();
    // `subtle` is undefined outside secure contexts even though the type says otherwise.
    (!JsValue::from(&subtle).is_undefined()).then_some(subtle)
}

/// Whether [`aes256_gcm_encrypt`] and [`aes256_gcm_decrypt`] can work on this page.
pub fn available() -> bool {
    subtle().is_some()
}

async fn import_key(
    subtle: &SubtleCrypto,
    key: &[u8; 32],
    usage: &str,
) -> Result<CryptoKey, WebCryptoFailure> {
    // Copied into a JS buffer only for the call, then wiped; the imported key is not
    // extractable.
    let raw = Uint8Array::new_with_length(32);
    raw.copy_from(key);
    let usages = Array::of1(&JsValue::from_str(usage));
    let promise = subtle
        .import_key_with_str("raw", &raw, "AES-GCM", false, &usages)
        .map_err(|_| WebCryptoFailure)?;
    let imported = JsFuture::from(promise).await;
    raw.fill(0, 0, 32);
    imported
        .map_err(|_| WebCryptoFailure)?
        .dyn_into::<CryptoKey>()
        .map_err(|_| WebCryptoFailure)
}

fn params(iv: &[u8; 12], associated_data: &[u8]) -> AesGcmParams {
    let params = AesGcmParams::new("AES-GCM", &Uint8Array::from(&iv[..]));
    params.set_additional_data_u8_array(&Uint8Array::from(associated_data));
    params.set_tag_length(128);
    params
}

/// AES-256-GCM encryption: returns the ciphertext followed by the 16-byte tag.
pub async fn aes256_gcm_encrypt(
    key: &[u8; 32],
    iv: &[u8; 12],
    associated_data: &[u8],
    plaintext: &[u8],
) -> Result<Vec<u8>, WebCryptoFailure> {
    let subtle = subtle().ok_or(WebCryptoFailure)?;
    let key = import_key(&subtle, key, "encrypt").await?;
    let promise = subtle
        .encrypt_with_object_and_u8_array(&params(iv, associated_data), &key, plaintext)
        .map_err(|_| WebCryptoFailure)?;
    let buffer = JsFuture::from(promise)
        .await
        .map_err(|_| WebCryptoFailure)?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// AES-256-GCM decryption of ciphertext-and-tag; fails on any tag mismatch.
pub async fn aes256_gcm_decrypt(
    key: &[u8; 32],
    iv: &[u8; 12],
    associated_data: &[u8],
    ciphertext_and_tag: &[u8],
) -> Result<Zeroizing<Vec<u8>>, WebCryptoFailure> {
    let subtle = subtle().ok_or(WebCryptoFailure)?;
    let key = import_key(&subtle, key, "decrypt").await?;
    let promise = subtle
        .decrypt_with_object_and_u8_array(&params(iv, associated_data), &key, ciphertext_and_tag)
        .map_err(|_| WebCryptoFailure)?;
    let buffer = JsFuture::from(promise)
        .await
        .map_err(|_| WebCryptoFailure)?;
    let view = Uint8Array::new(&buffer);
    let plaintext = Zeroizing::new(view.to_vec());
    // The JS copy of the plaintext is wiped as soon as it is in wasm memory.
    view.fill(0, 0, view.length());
    Ok(plaintext)
}
