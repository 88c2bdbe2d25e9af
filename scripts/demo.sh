#!/usr/bin/env bash
# Sets up, builds, and runs the quickstart demo server. Extra arguments go to the server.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh default
exec build/bin/warden-quickstart "$@"
