#!/usr/bin/env bash
# Runs the store tests that need a real PostgreSQL 15: starts a throwaway cluster on a
# free loopback port (stopped by PID at exit, even on failure), then the PostgreSQL store
# tests (tokens, pending authorizations, single-use caches) and the end-to-end replica
# tests against it, among them three replicas behind nginx (tests/e2e/postgres/, which
# start nginx from a temporary prefix and stop it by PID).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v nginx >/dev/null || { echo "test-postgres: nginx is missing (scripts/setup.sh installs it)" >&2; exit 1; }
source scripts/lib.sh
work=$(mktemp -d /tmp/warden-pg.XXXXXX)
chmod 755 "$work"
cleanup() { stop_postgres; stop_server; rm -rf "$work"; }
trap cleanup EXIT

start_postgres "$work/pg"
# The stop/start commands leave PG_PID stale after a restart: re-read it before cleanup.
export WARDEN_TEST_POSTGRES_URL=$PG_URL WARDEN_TEST_POSTGRES_STOP=$PG_STOP WARDEN_TEST_POSTGRES_START=$PG_START
status=0
# Bounded: a statement that waits forever must fail the run, not hang it.
timeout 300 build/tests/postgres_store_test || status=1
timeout 300 build/tests/postgres_task_store_test || status=1
PG_PID=$(head -1 "$work/pg/data/postmaster.pid" 2>/dev/null || true)
if ls tests/e2e/postgres/*.test.mjs >/dev/null 2>&1; then
    node_modules/.bin/node --test --test-concurrency=1 tests/e2e/postgres/*.test.mjs || status=1
fi
PG_PID=$(head -1 "$work/pg/data/postmaster.pid" 2>/dev/null || true)
exit $status
