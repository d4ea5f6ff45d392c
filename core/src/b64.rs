//! Base64url without padding (RFC 4648 §5), the only encoding JOSE uses for bytes.
//!
//! Decoding is strict: no padding, no whitespace, no characters outside the url-safe
//! alphabet, and no non-zero trailing bits, so each byte string has exactly one text
//! form. That matters because the protected header and `aad` are authenticated as text.

use base64ct::{Base64UrlUnpadded, Encoding};

pub(crate) fn encode(bytes: &[u8]) -> String {
    Base64UrlUnpadded::encode_string(bytes)
}

/// The decoded bytes, or `None` when `text` is not canonical base64url.
pub(crate) fn decode(text: &str) -> Option<Vec<u8>> {
    Base64UrlUnpadded::decode_vec(text).ok()
}

/// Decodes into exactly `N` bytes, or `None` (not base64url, or another length).
pub(crate) fn decode_array<const N: usize>(text: &str) -> Option<Result<[u8; N], usize>> {
    let bytes = decode(text)?;
    Some(<[u8; N]>::try_from(bytes.as_slice()).map_err(|_| bytes.len()))
}
