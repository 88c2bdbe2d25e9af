#!/usr/bin/env bash
# Sets up, builds, and runs the demo: warden-quickstart over Streamable HTTP with
# server-level auth on (local development keys, no external authorization server). It
# shows a 401 challenge, a token being minted, authenticated calls, a 403 step-up and a
# tampered token being refused, then keeps serving on http://127.0.0.1:PORT/mcp until Ctrl-C.
# Usage: scripts/demo.sh [PORT]   (default 8000)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh default
NO_BUILD=1 KEEP_RUNNING=1 exec scripts/demo-auth.sh "$@"
