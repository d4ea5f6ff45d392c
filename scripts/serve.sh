#!/usr/bin/env bash
# Builds the release app and serves it with `confidant serve` on 127.0.0.1, with the
# store's files under ./data. PORT (default 8080) picks the port.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

scripts/release-build.sh --locked
cargo build --profile native --locked -p confidant
exec target/native/confidant serve --listen "127.0.0.1:${PORT:-8080}" --data ./data --static dist
