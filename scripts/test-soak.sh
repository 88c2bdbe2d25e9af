#!/usr/bin/env bash
# The CI soak: scripts/soak.sh for WARDEN_SOAK_SECONDS (default 60 s; about 65 s in all).
set -euo pipefail
cd "$(dirname "$0")/.."
exec scripts/soak.sh "${WARDEN_SOAK_SECONDS:-60}"
