#!/usr/bin/env bash
# Builds the release app and the minimal Yew app in the same run, then prints their
# download sizes and times to first render side by side (bench/shell.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

trunk build --release --locked >/dev/null
# The reference builds in a folder of its own under target/, never mixed with the app.
(cd bench/hello && CARGO_TARGET_DIR="$PWD/../../target/hello" trunk build --release >/dev/null)
cargo build --release --locked -p confidant
CONFIDANT_BIN="$PWD/target/release/confidant" node bench/shell.mjs dist bench/hello/dist
