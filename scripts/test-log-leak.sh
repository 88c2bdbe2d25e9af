#!/usr/bin/env bash
# Runs the auth, toolauth and HTTP end-to-end tests with the servers at debug log level
# (WARDEN_LOG_LEVEL=debug) and fails if any server log holds a credential the tests used:
# access and refresh tokens, authorization codes, OAuth state, client secrets, tool secrets,
# the sealed requestState of input requests, or anything shaped like a JWT.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/logs"
: >"$work/secrets"
WARDEN_LOG_LEVEL=debug WARDEN_E2E_LOG_DIR="$work/logs" WARDEN_E2E_SECRETS_FILE="$work/secrets" \
    node_modules/.bin/node --test --test-concurrency=1 \
    tests/e2e/auth-*.test.mjs tests/e2e/toolauth-*.test.mjs tests/e2e/http-status.test.mjs \
    tests/e2e/http-sdk.test.mjs tests/e2e/http-hardening.test.mjs tests/e2e/dpop.test.mjs tests/e2e/mrtr.test.mjs \
    tests/e2e/observability.test.mjs \
    >"$work/run.log" 2>&1 || {
    tail -40 "$work/run.log"
    echo "log-leak: the e2e tests themselves failed"
    exit 1
}
exec node_modules/.bin/node tests/e2e/tools/check-log-leak.mjs "$work/logs" "$work/secrets"
