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

/// The public-data encoding, built for speed in a crate of its own (see there).
pub(crate) use confidant_b64::{
    decode as decode_public, encode_into as encode_public_into, encoded_len,
};

/// [`encode`] for data that is public anyway (the ciphertext), by table look-up.
///
/// `base64ct` takes the same time whatever the bytes, which secrets need and ciphertext
/// does not; in WebAssembly it made encoding the bulk of a large packet cost more than
/// encrypting it. Output is identical to [`encode`] (a property test holds them to it).
#[cfg(test)]
pub(crate) fn encode_public(bytes: &[u8]) -> String {
    let mut text = Vec::new();
    encode_public_into(&mut text, bytes);
    String::from_utf8(text).expect("the alphabet is ASCII")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn public_encoding_is_the_same_encoding(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let text = encode_public(&bytes);
            prop_assert_eq!(&text, &encode(&bytes));
            prop_assert_eq!(decode_public(&text), Some(bytes));
        }

        #[test]
        fn public_decoding_is_as_strict(text in "[A-Za-z0-9_+/=. -]{0,20}") {
            prop_assert_eq!(decode_public(&text), decode(&text));
        }

        /// One character outside the alphabet anywhere in a long text, in a whole group of
        /// four or in the tail, and the text is refused (not only by the packet's tag).
        #[test]
        fn public_decoding_refuses_a_stray_character_anywhere(
            bytes in proptest::collection::vec(any::<u8>(), 0..600),
            at in any::<proptest::sample::Index>(),
            stray in proptest::sample::select(vec!['=', '+', '/', '.', ' ', '\n', '\0', '\u{7f}', 'é', '€']),
        ) {
            let mut text: Vec<char> = encode(&bytes).chars().collect();
            if text.is_empty() {
                text.push(stray);
            } else {
                let i = at.index(text.len());
                text[i] = stray;
            }
            let text: String = text.into_iter().collect();
            prop_assert_eq!(decode_public(&text), None);
            prop_assert_eq!(decode(&text), None);
        }

        #[test]
        fn public_decoding_refuses_stray_trailing_bits(bytes in proptest::collection::vec(any::<u8>(), 1..20), last in 0u8..64) {
            let mut text = encode(&bytes).into_bytes();
            let end = text.len() - 1;
            text[end] = confidant_b64::ALPHABET[usize::from(last)];
            let text = String::from_utf8(text).unwrap_or_default();
            prop_assert_eq!(decode_public(&text), decode(&text));
        }
    }
}
