#!/usr/bin/env bash
# Bounded soak of warden-quickstart with server-level auth (node load generator, nothing
# else to install): valid, invalid and expired tokens over many keep-alive connections.
# Every valid call must succeed, every invalid/expired one get 401, no 5xx, RSS flat.
# Usage: scripts/soak.sh [SECONDS]   (default 60; SOAK_CONNECTIONS, default 32;
#        SOAK_MAX_REQUESTS caps the count). Needs a build (build/bin) and `npm ci`.
set -euo pipefail
cd "$(dirname "$0")/.."
SOAK_SECONDS=${1:-${SOAK_SECONDS:-60}} exec node_modules/.bin/node tests/e2e/tools/soak.mjs
