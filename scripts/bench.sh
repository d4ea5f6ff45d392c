#!/usr/bin/env bash
# Prints Confidant's figures, each next to a reference measured in the same run:
# - what the app transfers for its first load and for the whole path to a sealed
#   referral, and its times to a working quick exit and to first render on a slow phone,
#   against a minimal Yew app served the same way (bench/shell.mjs), and where the
#   modules' bytes go, by crate and by part of the app (bench/weight.mjs), and how much of
#   the app's module the path runs (bench/usage.mjs);
# - packet seal and open throughput natively, and in headless Chromium against the
#   browser's own AES-GCM on the same data in the same page (bench/packet-speed);
# - the server's ingest with 20 concurrent clients against bare SQLite inserts of the
#   same packets with the same durability (bench/packet-speed/src/ingest.rs);
# - what Project Fluent would add to the download, against the same minimal Yew app
#   (bench/fluent-size.mjs);
# - the time from a tap on a checklist answer to the next paint, and from a tap on
#   "Next" to the next section painted, against a static copy of the same page
#   (bench/interaction.mjs);
# - the taps and keystrokes of the standard case on a phone, against those counted on
#   the one-page referral before the pages (bench/effort.mjs);
# - the time from "Seal and send" to the sealed referral in the outbox, against a button
#   that keeps and shows the same text (bench/send.mjs);
# - the time from "Unlock the inbox" to 300 referrals opened and listed, and the longest
#   the page stops answering meanwhile, against the same work natively (bench/inbox.mjs).
#
# `scripts/bench.sh --quick` runs every bench once, briefly, to show that they all still
# run (scripts/test.sh does so); its figures mean little.
set -euo pipefail
cd "$(dirname "$0")/.."

QUICK=()
if [ "${1:-}" = "--quick" ]; then
  QUICK=(--quick)
  export BENCH_QUICK=1
fi

scripts/setup.sh
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

scripts/release-build.sh --locked >/dev/null
# The reference builds in a folder of its own under target/, never mixed with the app.
(cd bench/hello && CARGO_TARGET_DIR="$PWD/../../target/hello" ../../scripts/release-build.sh >/dev/null)
cargo build --profile native --locked -p confidant
CONFIDANT_BIN="$PWD/target/native/confidant" node bench/shell.mjs dist bench/hello/dist "${QUICK[@]}"
# Where the modules' bytes go, by crate and by part of Confidant, and what each lever
# keeps off the path to a sealed referral.
node bench/weight.mjs dist "${QUICK[@]}"
# What of the app's module the path to a sealed referral runs, and what a module of only
# that would weigh: the most a split of the module by use could save.
CONFIDANT_BIN="$PWD/target/native/confidant" node bench/usage.mjs dist "${QUICK[@]}"
# The same reference with Project Fluent in it: what that library alone would cost.
(cd bench/hello && cargo fetch --locked --quiet &&
  CARGO_TARGET_DIR="$PWD/../../target/hello" ../../scripts/release-build.sh --features fluent \
    --dist ../../target/hello-fluent >/dev/null)
node bench/fluent-size.mjs bench/hello/dist target/hello-fluent
echo
CONFIDANT_BIN="$PWD/target/native/confidant" node bench/interaction.mjs
echo
CONFIDANT_BIN="$PWD/target/native/confidant" node bench/effort.mjs
echo
CONFIDANT_BIN="$PWD/target/native/confidant" node bench/send.mjs
echo
cargo build --profile native --locked -p confidant-bench --bin inbox-open
CONFIDANT_BIN="$PWD/target/native/confidant" CONFIDANT_INBOX_OPEN="$PWD/target/native/inbox-open" \
  node bench/inbox.mjs

echo
cargo run --quiet --profile native --locked -p confidant-bench --bin packet-speed
echo
CONFIDANT_BIN="$PWD/target/native/confidant" \
  cargo run --quiet --profile native --locked -p confidant-bench --bin ingest
echo
# Built as the app's modules are (scripts/release-env.sh), so that it times the code that ships.
(source scripts/release-env.sh &&
  WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-600}" \
  cargo test --release --locked --target wasm32-unknown-unknown -p confidant-bench \
  --test browser_speed -- --nocapture 2>&1) |
  sed -n '/^Packets, in headless Chromium/,/^sealing a 20 KB referral/p'
