#!/usr/bin/env bash
# Builds with AddressSanitizer + UndefinedBehaviorSanitizer (preset "asan", into
# build-asan/) and runs the unit tests and the end-to-end suite against those binaries.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh asan
# halt_on_error: any UBSan finding fails the run. No suppressions.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
# The install test builds a consumer without sanitizers against the instrumented libraries:
# it belongs to the normal build only.
ctest --preset asan -j "$(nproc)" -LE install
# One I/O thread here (no strands, Asio's single-thread mode); the default build's e2e run
# uses two.
WARDEN_SANITIZED=1 WARDEN_BIN_DIR=build-asan/bin WARDEN_E2E_SERVER_ARGS="--io-threads 1" node_modules/.bin/node --test --test-concurrency=1 tests/e2e/*.test.mjs
