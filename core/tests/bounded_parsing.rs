//! No input makes a parser hold more than a small multiple of its own size: lists an
//! attacker controls fail at the first element over their limit while being read, and
//! trees are budgeted before they are built. Measured with a counting allocator, so this
//! file holds one test (the tests of one binary share the allocator).
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::print_stderr)]

use confidant_core::form::FormDefinition;
use confidant_core::packet::Packet;
use peak_alloc::PeakAlloc;

#[global_allocator]
static HEAP: PeakAlloc = PeakAlloc;

const MIB: usize = 1024 * 1024;

/// The most the heap grew above its level before `parse` ran on `text`.
fn peak_growth(text: &str, parse: impl FnOnce(&str) -> bool) -> usize {
    let before = HEAP.current_usage();
    HEAP.reset_peak_usage();
    let refused = parse(text);
    assert!(refused, "the flood was accepted");
    HEAP.peak_usage().saturating_sub(before)
}

fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len() * 4 / 3 + 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
        }
    }
    out
}

#[test]
fn floods_of_elements_are_refused_within_a_small_multiple_of_their_size() {
    let packet = |text: &str| Packet::parse(text).is_err();

    // 25 MB of empty recipient objects: about 8 million elements, which a whole-array
    // read turned into gigabytes before the 64-recipient limit applied.
    let empties = "{},".repeat(25 * MIB / 3);
    let flood = format!(
        r#"{{"recipients":[{}{{}}],"protected":"eyJlbmMiOiJBMjU2R0NNIn0","aad":"e30"}}"#,
        empties
    );
    let growth = peak_growth(&flood, packet);
    eprintln!(
        "recipients flood of {} MB: heap grew {} KiB",
        flood.len() / 1_000_000,
        growth / 1024
    );
    assert!(growth < MIB, "recipients flood: heap grew {growth} bytes");

    // The same after the other members, the order JOSE libraries write.
    let flood = format!(
        r#"{{"protected":"eyJlbmMiOiJBMjU2R0NNIn0","aad":"e30","iv":"AAAAAAAAAAAAAAAA","recipients":[{}{{}}]}}"#,
        empties
    );
    let growth = peak_growth(&flood, packet);
    assert!(
        growth < MIB,
        "recipients flood after aad: heap grew {growth} bytes"
    );

    // The recipient list inside the authenticated metadata: its base64 is decoded (a copy
    // of three quarters of it), then read element by element.
    let meta = format!(
        r#"{{"format_version":1,"form_id":"f","form_version":"1","packet_id":"AAAAAAAAAAAAAAAAAAAAAA","created":0,"recipients":[{}""]}}"#,
        "\"\",".repeat(18 * MIB / 3)
    );
    let flood = format!(
        r#"{{"protected":"eyJlbmMiOiJBMjU2R0NNIn0","aad":"{}","recipients":[]}}"#,
        base64url(meta.as_bytes())
    );
    let growth = peak_growth(&flood, packet);
    eprintln!(
        "aad flood of {} MB: heap grew {} MiB",
        flood.len() / 1_000_000,
        growth / MIB
    );
    assert!(
        growth < flood.len() * 3 / 2,
        "aad flood: heap grew {growth} bytes"
    );

    // A form definition arrives inside every packet a receiver opens: 4 MiB of empty
    // sections is refused before any tree is built.
    let flood = format!(
        r#"{{"format":"confidant-form","format_version":1,"sections":[{}{{}}]}}"#,
        "{},".repeat(4 * MIB / 3 - 40)
    );
    let growth = peak_growth(&flood, |text| FormDefinition::parse(text).is_err());
    eprintln!(
        "definition flood of {} MB: heap grew {} KiB",
        flood.len() / 1_000_000,
        growth / 1024
    );
    assert!(
        growth < 64 * 1024,
        "definition flood: heap grew {growth} bytes"
    );
}
