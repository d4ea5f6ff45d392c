#!/usr/bin/env bash
# Runs every test Confidant has, in order, and stops at the first failure: formatting,
# lints (host and wasm32), native tests, the same core tests and the app's component
# tests in headless Chromium, Firefox and WebKit, the release build and its WebAssembly
# features, end-to-end tests that drive Chromium (Playwright), then the key journeys in
# Chromium, Firefox and WebKit (WebDriver), all against `confidant serve`, every bench
# once (so that none rots, and the download stays within its budget), and interop tests
# with Python's jwcrypto.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# Two loaded cores make a cold headless Chromium slow to start.
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-300}"
# Where the core's interoperability tests, which run in Node, find npm `jose`.
export CONFIDANT_NODE_MODULES="$PWD/node_modules"

step() { printf '\n==> %s\n' "$*"; }

step "formatting"
cargo fmt --all --check

step "lints (host)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "lints (wasm32)"
cargo clippy --workspace --exclude confidant --all-targets --locked \
  --target wasm32-unknown-unknown -- -D warnings

step "tests (host)"
cargo test --workspace --locked

# wasm-bindgen-test-runner takes the first WebDriver it finds: each run names its own.
step "tests (wasm32: headless Chromium, and Node for the jose interop)"
CHROMEDRIVER="$(command -v chromedriver)" \
  cargo test --locked --target wasm32-unknown-unknown -p confidant-core -p confidant-web

step "tests (wasm32: headless Firefox ESR)"
GECKODRIVER="$(command -v geckodriver)" \
  cargo test --locked --target wasm32-unknown-unknown -p confidant-core -p confidant-web

step "tests (wasm32: WebKitGTK's MiniBrowser, on a virtual display)"
SAFARIDRIVER="$PWD/scripts/webkit-driver.sh" xvfb-run -a \
  cargo test --locked --target wasm32-unknown-unknown -p confidant-core -p confidant-web

step "release build of the app (Trunk)"
scripts/release-build.sh --locked

step "the modules use no WebAssembly feature beyond the supported browsers' (docs/browsers.md)"
node scripts/check-wasm-features.mjs dist

step "the server binary"
cargo build --locked -p confidant

step "end to end (Playwright driving Chromium against confidant serve)"
CONFIDANT_BIN="$PWD/target/debug/confidant" CONFIDANT_DIST="$PWD/dist" \
  node --test --test-concurrency=1 tests/e2e/

step "end to end in three engines (WebDriver: Chromium, Firefox ESR, WebKitGTK)"
CONFIDANT_BIN="$PWD/target/debug/confidant" CONFIDANT_DIST="$PWD/dist" \
  xvfb-run -a node --test --test-concurrency=1 tests/engines/

step "benches, once each (they must run; the download budget of bench/budget.json holds)"
scripts/bench.sh --quick

step "interop (Python jwcrypto)"
# A second independent JOSE implementation against the CLI built above; its venv comes
# from scripts/setup.sh.
CONFIDANT_BIN="$PWD/target/debug/confidant" .venv-interop/bin/python tests/interop/jwcrypto_interop.py
