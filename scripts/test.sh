#!/usr/bin/env bash
# Sets up, builds, and runs every test: unit tests (ctest), end-to-end tests with the
# official TypeScript SDK client, and the official conformance suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh default

status=0
passed=0
failed=0
step() {
    echo
    echo "=== $1"
    shift
    if "$@"; then
        passed=$((passed + 1))
    else
        echo "=== FAILED: $*"
        failed=$((failed + 1))
        status=1
    fi
}

step "unit and CLI tests (ctest)" ctest --preset default -j "$(nproc)"
if ls tests/e2e/*.test.mjs >/dev/null 2>&1; then
    step "end-to-end tests (node:test + @modelcontextprotocol/sdk)" \
        env WARDEN_E2E_SERVER_ARGS="--io-threads 2" \
        node_modules/.bin/node --test --test-concurrency=1 tests/e2e/*.test.mjs
fi
for extra in scripts/test-*.sh; do
    [ -x "$extra" ] && step "$extra" "$extra"
done
echo
echo "steps: $passed passed, $failed failed"
exit $status
