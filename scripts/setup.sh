#!/usr/bin/env bash
# Installs everything Confidant needs to build, serve and test, and skips whatever is
# already present at the right version. Safe to run again; every other script calls it.
#
# Versions live here and nowhere else (except the npm ones, pinned by package-lock.json).
set -euo pipefail

RUST_TOOLCHAIN=1.95.0          # must match rust-toolchain.toml
TRUNK_TOOLCHAIN=1.96.1         # Trunk 0.22.1 needs it to compile
TRUNK_VERSION=0.22.1
WASM_BINDGEN_VERSION=0.2.130   # must equal the wasm-bindgen crate pinned in Cargo.toml
GECKODRIVER_VERSION=0.37.1     # drives Debian's firefox-esr for the tests
# The three engines the tests run in (Chromium, Firefox, WebKitGTK's MiniBrowser, with
# their WebDriver servers; WebKitGTK needs a display, so Xvfb), and brotli for the bench.
APT_PACKAGES=(chromium chromium-driver firefox-esr webkit2gtk-driver xvfb xauth brotli)

cd "$(dirname "$0")/.."
say() { printf 'setup: %s\n' "$*"; }

export PATH="$HOME/.cargo/bin:$PATH"

# Rust: the project's toolchain with the wasm32 target and the standard library's source
# (the release build compiles it for size: scripts/release-build.sh), and the one Trunk
# compiles with.
if ! rustup toolchain list | grep -q "^$RUST_TOOLCHAIN"; then
  say "installing rust $RUST_TOOLCHAIN"
  rustup toolchain install "$RUST_TOOLCHAIN" --profile minimal -c clippy,rustfmt,rust-src
fi
for component in clippy rustfmt rust-src; do
  if ! rustup component list --toolchain "$RUST_TOOLCHAIN" --installed | grep -q "^$component"; then
    rustup component add --toolchain "$RUST_TOOLCHAIN" "$component"
  fi
done
if ! rustup target list --toolchain "$RUST_TOOLCHAIN" --installed | grep -q '^wasm32-unknown-unknown$'; then
  say "adding the wasm32 target"
  rustup target add --toolchain "$RUST_TOOLCHAIN" wasm32-unknown-unknown
fi
# The standard library's own dependencies, which the release build compiles with it. Trunk
# builds offline (Trunk.toml), and cargo then resolves the library's lock file from the
# local registry cache alone: on a fresh machine the release build stopped at "no
# matching package named `moto-rt`" until these were fetched. A no-op once they are here.
# RUSTC_BOOTSTRAP: the library's manifest uses cargo features of the nightly channel.
RUSTC_BOOTSTRAP=1 cargo "+$RUST_TOOLCHAIN" fetch --locked --quiet \
  --manifest-path "$(rustc "+$RUST_TOOLCHAIN" --print sysroot)/lib/rustlib/src/rust/library/Cargo.toml"

# wasm-bindgen-cli (also provides wasm-bindgen-test-runner). Without --locked: the
# registry snapshot here lacks a crate its lock file pins (see shared/TOOLCHAIN.md).
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 8 minutes)"
  cargo "+$RUST_TOOLCHAIN" install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

# Trunk, compiled with the toolchain it requires; no update check (no network here).
if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
  if ! rustup toolchain list | grep -q "^$TRUNK_TOOLCHAIN"; then
    say "installing rust $TRUNK_TOOLCHAIN for trunk"
    rustup toolchain install "$TRUNK_TOOLCHAIN" --profile minimal
  fi
  say "installing trunk $TRUNK_VERSION (about 17 minutes)"
  cargo "+$TRUNK_TOOLCHAIN" install trunk --version "$TRUNK_VERSION" \
    --no-default-features --features rustls --force
fi

# geckodriver: not packaged by Debian, built from crates.io (about 3 minutes).
if [ "$(geckodriver --version 2>/dev/null | head -n1)" != "geckodriver $GECKODRIVER_VERSION" ]; then
  say "installing geckodriver $GECKODRIVER_VERSION (about 3 minutes)"
  cargo "+$RUST_TOOLCHAIN" install geckodriver --version "$GECKODRIVER_VERSION" --locked --force
fi

# Debian packages (APT_PACKAGES above).
# Debian's own python3 splits venv's pip bootstrap (ensurepip) into python3-venv; the
# python3 found first here may be another build that has it, and then needs nothing.
if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
  APT_PACKAGES+=(python3-venv)
fi
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  say "installing ${missing[*]} from Debian"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# npm packages exactly as package-lock.json pins them: wasm-opt (binaryen), playwright-core,
# axe-core, jose. Reinstalled only when the lock file changed since the last install.
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat node_modules/.confidant-lock 2>/dev/null)" != "$lock_sum" ]; then
  say "installing npm packages from package-lock.json"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_sum" > node_modules/.confidant-lock
fi

# The Python side of the interop tests (jwcrypto, tests/interop/requirements.txt, every
# wheel pinned by hash) in a venv of its own, so nothing touches the system's Python.
# Reinstalled only when the requirements file changed since the last install, like npm's.
# (Also when the venv no longer runs, e.g. the python3 it was made from is gone.)
req_sum=$(sha256sum tests/interop/requirements.txt | cut -d' ' -f1)
if [ "$(cat .venv-interop/.confidant-requirements 2>/dev/null)" != "$req_sum" ] ||
  ! .venv-interop/bin/python -c 'import jwcrypto' 2>/dev/null; then
  say "installing the Python interop packages from tests/interop/requirements.txt"
  # --clear: start from an empty venv, so a package dropped from the file goes too.
  python3 -m venv --clear .venv-interop
  .venv-interop/bin/pip install --quiet --disable-pip-version-check \
    --require-hashes --only-binary=:all: -r tests/interop/requirements.txt
  echo "$req_sum" > .venv-interop/.confidant-requirements
fi

say "ready"
