//! Base64url without padding (RFC 4648 §5) for bytes that are public anyway: a packet's
//! ciphertext, megabytes of it, written on every seal and read on every upload and open.
//!
//! A crate of its own so that it is built at opt-level 3 while the rest of the core is
//! built for the size of the wasm download (the workspace's `Cargo.toml` says why).
//! Secrets go through the core's constant-time `b64::encode` instead: these loops look
//! up tables by the value of each byte, which only public data can afford.
//!
//! Decoding is strict: no padding, no whitespace, no characters outside the url-safe
//! alphabet, and no non-zero trailing bits, so each byte string has exactly one text
//! form. The core's property tests hold both functions to `base64ct`'s output.

#![no_std]

extern crate alloc;

use alloc::vec;
use alloc::vec::Vec;

/// The url-safe alphabet, each character at its value.
pub const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// The value of each base64url character, or 0xff (the only value with its top bit set).
const VALUES: [u8; 256] = {
    let mut values = [0xff; 256];
    let mut i = 0;
    while i < 64 {
        values[ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    values
};

/// Every 12-bit value as its two base64url characters: three bytes become four
/// characters in two look-ups instead of four, which writes a packet twice as fast.
/// Built for each call rather than kept as a constant: as data the table weighed about
/// 3.8 KiB of brotli in every module that seals, and building it takes microseconds.
fn pairs() -> [[u8; 2]; 4096] {
    let mut pairs = [[0u8; 2]; 4096];
    for (i, pair) in pairs.iter_mut().enumerate() {
        *pair = [ALPHABET[(i >> 6) & 63], ALPHABET[i & 63]];
    }
    pairs
}

/// The length of the unpadded base64url text of `len` bytes.
pub fn encoded_len(len: usize) -> usize {
    len / 3 * 4
        + match len % 3 {
            0 => 0,
            1 => 2,
            _ => 3,
        }
}

/// Appends the base64url text of `bytes` to `out`. Writes bytes, not a `String`: the
/// packet goes to the network as bytes, and checking megabytes of what is ASCII by
/// construction as UTF-8 took a good part of the time to write it.
///
/// Never inlined: in its caller, under link-time optimisation, it would be compiled at
/// the core's opt-level "z", which is what this crate exists to avoid.
#[inline(never)]
pub fn encode_into(out: &mut Vec<u8>, bytes: &[u8]) {
    let start = out.len();
    out.resize(start + encoded_len(bytes.len()), 0);
    let text = &mut out[start..];
    let whole = bytes.len() / 3 * 4;
    let pairs = pairs();
    // Fixed-size arrays and masked indices let the compiler drop every bounds check.
    for (chunk, text) in bytes.chunks_exact(3).zip(text.chunks_exact_mut(4)) {
        let (Ok(&[x, y, z]), Ok(text)) =
            (<&[u8; 3]>::try_from(chunk), <&mut [u8; 4]>::try_from(text))
        else {
            continue;
        };
        let n = (usize::from(x) << 16) | (usize::from(y) << 8) | usize::from(z);
        let [a, b] = pairs[(n >> 12) & 0xfff];
        let [c, d] = pairs[n & 0xfff];
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

/// The bytes `text` encodes, or `None` for anything but canonical unpadded base64url.
/// Never inlined, for the same reason as [`encode_into`].
#[inline(never)]
pub fn decode(text: &str) -> Option<Vec<u8>> {
    let text = text.as_bytes();
    let tail = match text.len() % 4 {
        0 => 0,
        1 => return None,
        2 => 1,
        _ => 2,
    };
    let whole = text.len() / 4 * 3;
    // Written into place: appending three bytes at a time checked the capacity for each,
    // and decoding a megabyte packet's ciphertext was the largest part of what the server
    // spent on an upload (`bench/packet-speed`, ingest).
    let mut bytes = vec![0u8; whole + tail];
    let mut invalid = 0u8;
    for (chunk, out) in text.chunks_exact(4).zip(bytes.chunks_exact_mut(3)) {
        let (Ok(&[a, b, c, d]), Ok(out)) =
            (<&[u8; 4]>::try_from(chunk), <&mut [u8; 3]>::try_from(out))
        else {
            continue;
        };
        let [a, b, c, d] = [a, b, c, d].map(|ch| VALUES[usize::from(ch)]);
        // One test after the loop rather than one per character.
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
            if (a | b) & 0x80 != 0 || b & 15 != 0 {
                return None;
            }
            out[0] = (a << 2) | (b >> 4);
        }
        [a, b, c] => {
            let [a, b, c] = [a, b, c].map(|ch| VALUES[usize::from(ch)]);
            // Three characters carry two bytes; the last two bits must be zero.
            if (a | b | c) & 0x80 != 0 || c & 3 != 0 {
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
