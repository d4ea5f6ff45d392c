//! Writes the English built into every module without its phrases' names and notes:
//! `www/lang/en.txt` keeps them for translators, who work from it, and `cargo test`
//! holds it to `interface_text::Words::NAMES`; the module needs only the texts, in the
//! same order, about 1.2 KiB brotli less. Each line is ` = text`, which
//! `interface_text::read` reads like any language file's.

#![allow(
    clippy::print_stdout,
    reason = "a build script speaks to Cargo on its standard output"
)]

use std::{env, fs, path::Path};

fn main() {
    println!("cargo::rerun-if-changed=www/lang/en.txt");
    let file = fs::read_to_string("www/lang/en.txt").unwrap_or_else(|error| {
        panic!("www/lang/en.txt: {error}");
    });
    let texts: String = file
        .lines()
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| match line.split_once(" = ") {
            Some((_, text)) => format!(" = {text}\n"),
            // Kept as it is: read() then refuses it, and the tests say which line.
            None => format!("{line}\n"),
        })
        .collect();
    let out = env::var("OUT_DIR").unwrap_or_else(|error| panic!("OUT_DIR: {error}"));
    fs::write(Path::new(&out).join("en.txt"), texts)
        .unwrap_or_else(|error| panic!("writing the built-in English: {error}"));
}
