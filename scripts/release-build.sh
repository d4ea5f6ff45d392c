#!/usr/bin/env bash
# `trunk build --release` as Confidant ships it, with the compiler settings of
# scripts/release-env.sh (arguments are passed on to Trunk).
set -euo pipefail
# shellcheck source=release-env.sh
source "$(dirname "$0")/release-env.sh"
exec trunk build --release "$@"
