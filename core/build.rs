//! Writes the lower-case table of `src/lower_case.rs` (see there) from the standard
//! library's own `char::to_lowercase`, so that the table follows the toolchain's Unicode
//! version. The build script runs on the host, with the same toolchain as the crate.

use std::fmt::Write as _;
use std::path::PathBuf;

/// One rule: `len` characters from `start`, `stride` apart, each lowered by adding `delta`.
struct Rule {
    start: u32,
    len: u32,
    stride: u32,
    delta: i32,
}

#[allow(
    clippy::print_stdout,
    reason = "cargo reads a build script's instructions there"
)]
fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    // Every character whose lower case is one other character, and by how much.
    let mut moved: Vec<(u32, i32)> = Vec::new();
    for c in (0..=0x10_ffff_u32).filter_map(char::from_u32) {
        let mut lower = c.to_lowercase();
        let first = lower.next().unwrap_or(c);
        if lower.next().is_some() {
            // U+0130 alone lowers to two characters; src/lower_case.rs spells it out.
            assert_eq!(c, '\u{130}', "{c:?} lowers to more than one character");
            continue;
        }
        if first != c {
            moved.push((c as u32, first as i32 - c as i32));
        }
    }
    let mut rules: Vec<Rule> = Vec::new();
    for (code, delta) in moved {
        if let Some(last) = rules.last_mut()
            && last.delta == delta
            && (last.len == 1 && matches!(code - last.start, 1 | 2)
                || last.len > 1 && code == last.start + last.len * last.stride)
        {
            if last.len == 1 {
                last.stride = code - last.start;
            }
            last.len += 1;
            continue;
        }
        rules.push(Rule {
            start: code,
            len: 1,
            stride: 1,
            delta,
        });
    }
    // Packed as start (21 bits), len - 1 (10 bits), stride - 1 (1 bit) and delta (32 bits).
    let mut table = String::from("[\n");
    for rule in &rules {
        assert!(rule.len <= 1 << 10 && rule.stride <= 2);
        let packed = u64::from(rule.start)
            | (u64::from(rule.len - 1) << 21)
            | (u64::from(rule.stride - 1) << 31)
            | (u64::from(rule.delta as u32) << 32);
        writeln!(table, "    {packed:#018x},").unwrap_or_default();
    }
    table.push(']');
    let out = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default()).join("lower_case.rs");
    std::fs::write(out, table)
        .unwrap_or_else(|error| panic!("cannot write the lower-case table: {error}"));
}
