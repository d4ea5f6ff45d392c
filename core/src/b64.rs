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

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// The value of each base64url character, or 0xff.
const VALUES: [u8; 256] = {
    let mut values = [0xff; 256];
    let mut i = 0;
    while i < 64 {
        values[ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    values
};

/// The length of the unpadded base64url text of `len` bytes.
pub(crate) fn encoded_len(len: usize) -> usize {
    len / 3 * 4
        + match len % 3 {
            0 => 0,
            1 => 2,
            _ => 3,
        }
}

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

/// Every 12-bit value as its two base64url characters: three bytes become four
/// characters in two look-ups instead of four.
const PAIRS: [[u8; 2]; 4096] = {
    let mut pairs = [[0u8; 2]; 4096];
    let mut i = 0;
    while i < 4096 {
        pairs[i] = [ALPHABET[i >> 6], ALPHABET[i & 63]];
        i += 1;
    }
    pairs
};

/// Appends the base64url text of `bytes` to `out` (see [`encode_public`]). Writes bytes,
/// not a `String`: the packet goes to the network as bytes, and checking megabytes of
/// what is ASCII by construction as UTF-8 took a good part of the time to write it.
pub(crate) fn encode_public_into(out: &mut Vec<u8>, bytes: &[u8]) {
    let start = out.len();
    out.resize(start + encoded_len(bytes.len()), 0);
    let text = &mut out[start..];
    let whole = bytes.len() / 3 * 4;
    // Four bytes stored as one array rather than by `copy_from_slice`: the app is built
    // for size (opt-level "z"), and there a four-byte copy is a call to memcpy per three
    // bytes, which made writing a 4 MiB packet take longer than encrypting it.
    // Fixed-size arrays and masked indices let the compiler drop every bounds check,
    // which it does not work out for itself at that level either.
    for (chunk, text) in bytes.chunks_exact(3).zip(text.chunks_exact_mut(4)) {
        let (Ok(&[x, y, z]), Ok(text)) =
            (<&[u8; 3]>::try_from(chunk), <&mut [u8; 4]>::try_from(text))
        else {
            continue;
        };
        let n = (usize::from(x) << 16) | (usize::from(y) << 8) | usize::from(z);
        let [a, b] = PAIRS[(n >> 12) & 0xfff];
        let [c, d] = PAIRS[n & 0xfff];
        *text = [a, b, c, d];
    }
    let rest = &bytes[bytes.len() / 3 * 3..];
    let text = &mut text[whole..];
    match *rest {
        [a] => {
            text[0] = ALPHABET[usize::from(a >> 2)];
            text[1] = ALPHABET[usize::from(a & 3) << 4];
        }
        [a, b] => {
            let n = (u32::from(a) << 8) | u32::from(b);
            text[0] = ALPHABET[(n >> 10) as usize & 63];
            text[1] = ALPHABET[(n >> 4) as usize & 63];
            text[2] = ALPHABET[((n & 15) << 2) as usize];
        }
        _ => {}
    }
}

/// [`decode`] for data that is public anyway (the ciphertext), by table look-up, with the
/// same strictness: `None` for anything but canonical unpadded base64url.
pub(crate) fn decode_public(text: &str) -> Option<Vec<u8>> {
    let text = text.as_bytes();
    let tail = match text.len() % 4 {
        0 => 0,
        1 => return None,
        2 => 1,
        _ => 2,
    };
    let whole = text.len() / 4 * 3;
    // Written into place, as `encode_public_into` writes: appending three bytes at a time
    // checked the capacity for each, and decoding a megabyte packet's ciphertext was the
    // largest part of what the server spent on an upload (`bench/packet-speed`, ingest).
    let mut bytes = vec![0u8; whole + tail];
    let mut invalid = 0u8;
    for (chunk, out) in text.chunks_exact(4).zip(bytes.chunks_exact_mut(3)) {
        let (Ok(&[a, b, c, d]), Ok(out)) =
            (<&[u8; 4]>::try_from(chunk), <&mut [u8; 3]>::try_from(out))
        else {
            continue;
        };
        let [a, b, c, d] = [a, b, c, d].map(|ch| VALUES[usize::from(ch)]);
        // Only an invalid character has its top bit set: one test after the loop.
        invalid |= a | b | c | d;
        let n = (u32::from(a) << 18) | (u32::from(b) << 12) | (u32::from(c) << 6) | u32::from(d);
        *out = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
    }
    if invalid & 0x80 != 0 {
        return None;
    }
    let rest = &text[text.len() / 4 * 4..];
    let out = &mut bytes[whole..];
    match *rest {
        [a, b] => {
            let [a, b] = [a, b].map(|ch| VALUES[usize::from(ch)]);
            // Two characters carry one byte; the last four bits must be zero.
            if (a | b) == 0xff || b & 15 != 0 {
                return None;
            }
            out[0] = (a << 2) | (b >> 4);
        }
        [a, b, c] => {
            let [a, b, c] = [a, b, c].map(|ch| VALUES[usize::from(ch)]);
            // Three characters carry two bytes; the last two bits must be zero.
            if (a | b | c) == 0xff || c & 3 != 0 {
                return None;
            }
            let n = (u32::from(a) << 10) | (u32::from(b) << 4) | (u32::from(c) >> 2);
            out[0] = (n >> 8) as u8;
            out[1] = n as u8;
        }
        _ => {}
    }
    Some(bytes)
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

        #[test]
        fn public_decoding_refuses_stray_trailing_bits(bytes in proptest::collection::vec(any::<u8>(), 1..20), last in 0u8..64) {
            let mut text = encode(&bytes).into_bytes();
            let end = text.len() - 1;
            text[end] = ALPHABET[usize::from(last)];
            let text = String::from_utf8(text).unwrap_or_default();
            prop_assert_eq!(decode_public(&text), decode(&text));
        }
    }
}
