# The compiler settings of every WebAssembly module Confidant ships, sourced by
# scripts/release-build.sh (Trunk's release build) and by scripts/bench.sh for the
# packet-speed bench in the browser, so that the bench measures the code that ships:
# a standard library compiled with the modules, for size, and panics that stop a module
# at once.
#
# - `-Z build-std` compiles `std` and `core` with the app, at the release profile's
#   opt-level "z" and across its link-time optimisation, and the `optimize_for_size`
#   feature picks the library's smaller code where it has two (its sorts, its formatting).
# - `-C panic=immediate-abort` makes a panic the WebAssembly trap it already ends in,
#   without first formatting its message for a standard error that wasm32 does not have:
#   no message text, no source paths, no formatting reached only from panics in the
#   module. A panic looked and behaved the same before (the module stops; nothing catches
#   a panic in the browser); now nothing personal can even be formatted on the way.
#
# Measured on 2026-12-02, brotli 11: the app's module 275,892 bytes before, 254,273
# after; the embedded form's 213,376 and 194,425; the inbox's 253,693 and 232,693. Of the
# app's 21.6 KB, the library built for size took 5.5 KB and panics aborting at once 16.7
# KB (each measured alone on wasm-bindgen's output, ordered as the build orders it).
#
# - `-Z fmt-debug=none` compiles every `{:?}` to nothing and every derived Debug to an
#   empty one. In these modules Debug served only messages: serde's "invalid type:
#   string ..." quoted the offending value, which could be an answer. Now no error text
#   can quote a value that way. Nothing may depend on Debug's text here: the
#   key-derivation worker names its errors by a match (src/bin/derive_worker.rs), as
#   the page reads them. Measured on 2026-12-03, brotli 11, the app's module 252,543
#   bytes before and 250,213 after; the embedded form's 194,012 and 191,410; the
#   inbox's 229,352 and 228,964; the key-derivation worker's 9,776 and 8,978; the
#   passphrase judge's 592,725 and 581,709.
#
# All are unstable options of the pinned stable toolchain (rust-toolchain.toml), enabled
# by RUSTC_BOOTSTRAP for these builds alone: lints, tests and the native binaries use the
# toolchain as released. RUSTC_BOOTSTRAP reaches every crate of the build, and a few
# probe for unstable features and use them when they find them (proc-macro2's span API,
# thiserror's generic member access), so this build can break on a new toolchain pin
# where the others do not: scripts/test.sh makes this build and runs the end-to-end tests
# on what it builds. The library's source comes with the toolchain (scripts/setup.sh
# installs its rust-src component).

export RUSTC_BOOTSTRAP=1
export CARGO_UNSTABLE_BUILD_STD=std,panic_abort
export CARGO_UNSTABLE_BUILD_STD_FEATURES=optimize_for_size
# Added to .cargo/config.toml's flags for wasm32, which cargo keeps. `-Z
# panic_abort_tests` lets the bench's test harness be built with such panics; it changes
# nothing else, and keeping it in every build of these settings lets the bench reuse the
# app's compiled library.
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-Z unstable-options -C panic=immediate-abort -Z panic_abort_tests -Z fmt-debug=none"
