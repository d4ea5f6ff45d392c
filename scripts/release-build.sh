#!/usr/bin/env bash
# `trunk build --release` as Confidant ships it (arguments are passed on to Trunk): every
# WebAssembly module built against a standard library compiled with it, for size, and
# with panics that stop the module at once.
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
# Measured on 2026-12-02 on the app's module (wasm-opt, functions ordered, brotli 11):
# 278,637 bytes as before; 273,181 with the library built for size; 256,464 with panics
# aborting at once as well.
#
# Both are unstable options of the pinned stable toolchain (rust-toolchain.toml), enabled
# by RUSTC_BOOTSTRAP for this build alone: lints, tests and the native binaries use the
# toolchain as released. A new toolchain pin must build this again before it lands, since
# unstable options may change between releases; the end-to-end tests run against what
# this builds. The library's source comes with the toolchain (scripts/setup.sh installs
# its rust-src component).
set -euo pipefail

export RUSTC_BOOTSTRAP=1
export CARGO_UNSTABLE_BUILD_STD=std,panic_abort
export CARGO_UNSTABLE_BUILD_STD_FEATURES=optimize_for_size
# Added to .cargo/config.toml's flags for wasm32, which cargo keeps.
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-Z unstable-options -C panic=immediate-abort"
exec trunk build --release "$@"
