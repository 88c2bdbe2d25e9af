#!/usr/bin/env bash
# Runs every libFuzzer target for a bounded time under ASan + UBSan (clang).
# WARDEN_FUZZ_SECONDS sets the time per target (default 20).
set -euo pipefail
cd "$(dirname "$0")/.."
exec scripts/fuzz.sh "${WARDEN_FUZZ_SECONDS:-20}"
