#!/usr/bin/env bash
# Takes a new profile of the path to a sealed referral (scripts/split-profile.txt): the
# names of the functions of the app's module that the path runs, which the build keeps in
# the module's first part (scripts/split-module.mjs). Run it when bench/usage.mjs says the
# path loaded the rest, and commit the new profile with the change that made it stale.
#
# It builds the app left whole, its module with its functions' names
# (CONFIDANT_PROFILE_BUILD=1, into target/profile-dist), walks the path on it three times
# in headless Chromium, once through an outage (bench/usage.mjs --write-profile), and
# writes the profile.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

CONFIDANT_PROFILE_BUILD=1 scripts/release-build.sh --locked --dist target/profile-dist >/dev/null
cargo build --profile native --locked -p confidant
CONFIDANT_BIN="$PWD/target/native/confidant" \
  node bench/usage.mjs target/profile-dist --write-profile scripts/split-profile.txt
