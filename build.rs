//! Writes the English built into every module as an array of string literals, one per
//! phrase in the order of `interface_text::Words::NAMES`: `www/lang/en.txt` keeps the
//! phrases' names and notes for translators, who work from it, and `cargo test` holds it
//! to those names. Each phrase's method reads its literal from this array at a place
//! known when compiling, so a module keeps only the English it shows: the app's leaves
//! out the inbox's and the embedded form's phrases.

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
    // A line without ` = ` gives its whole self: the tests then say which line it is.
    let texts: String = file
        .lines()
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| line.split_once(" = ").map_or(line, |(_, text)| text))
        .map(|text| format!("    {text:?},\n"))
        .collect();
    let out = env::var("OUT_DIR").unwrap_or_else(|error| panic!("OUT_DIR: {error}"));
    fs::write(Path::new(&out).join("en.rs"), format!("[\n{texts}]\n"))
        .unwrap_or_else(|error| panic!("writing the built-in English: {error}"));
}
