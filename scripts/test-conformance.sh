#!/usr/bin/env bash
# Runs the official MCP conformance suite (server mode) against warden-everything over
# Streamable HTTP: the active suite must pass entirely, the pending suite without warnings.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
trap stop_server EXIT

node=node_modules/.bin/node  # Node 22 from the npm package node@22; the suite needs it
work=$(mktemp -d)
status=0
for suite in active pending; do
    start_server warden-everything "$work/server-$suite.log"
    # The suite writes results/ into the working directory: keep it out of the repo.
    (cd "$work" && "$OLDPWD/$node" "$OLDPWD/node_modules/@modelcontextprotocol/conformance/dist/index.js" server \
        --url "$SERVER_URL" --suite "$suite") >"$work/$suite.log" 2>&1 || status=1
    stop_server
    echo "conformance ($suite suite):"
    sed -n '/=== SUMMARY ===/,$p' "$work/$suite.log"
    grep -q '^Total: [0-9]* passed, 0 failed' "$work/$suite.log" || status=1
    if grep -Eq '[1-9][0-9]* warnings?' "$work/$suite.log"; then
        echo "conformance ($suite suite): warnings found" && status=1
    fi
done
[ $status -eq 0 ] || { echo "conformance failed; logs in $work"; exit 1; }
rm -rf "$work"
