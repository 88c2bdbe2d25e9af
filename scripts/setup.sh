#!/usr/bin/env bash
# Installs what Warden needs to build and test, from Debian packages and npm only.
# Idempotent: does nothing when everything is present.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
    g++ cmake ninja-build ccache pkg-config clang libclang-rt-14-dev
    libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev libboost-system1.81-dev
    libssl-dev libcurl4-openssl-dev libsqlite3-dev libpq-dev libspdlog-dev libcli11-dev libfmt-dev
    libgtest-dev libgmock-dev libbenchmark-dev libmimalloc-dev
    prometheus-cpp-dev prometheus postgresql-15
    nodejs npm curl openssl
)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# A machine may have Node and npm from elsewhere (e.g. a newer Node); those serve as well.
if command -v node >/dev/null && command -v npm >/dev/null; then
    missing=("${missing[@]/nodejs/}"); missing=("${missing[@]/npm/}")
fi
missing=($(printf '%s\n' "${missing[@]}" | grep -v '^$' || true))

if ((${#missing[@]})); then
    echo "setup: installing ${missing[*]}"
    sudo_cmd=()
    [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm packages pinned by package-lock.json: the MCP SDK client, the conformance suite,
# oidc-provider, jose, and Node 22 (for the conformance suite). Reinstalled only when the
# lockfile changed.
stamp=node_modules/.warden-lock-stamp
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
    echo "setup: npm ci"
    npm ci --no-audit --no-fund --loglevel=error
    cp package-lock.json "$stamp"
fi
