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
    prometheus-cpp-dev prometheus postgresql-15 nginx
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
    # postgresql and nginx must not start system services: the tests run their own
    # instances (temporary directories, free loopback ports, stopped by PID). A
    # policy-rc.d that says 101 (Debian's invoke-rc.d policy) keeps the packages' scripts
    # from starting them; one is put in place only for this install when none exists.
    own_policy=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' | "${sudo_cmd[@]}" tee /usr/sbin/policy-rc.d >/dev/null
        "${sudo_cmd[@]}" chmod 755 /usr/sbin/policy-rc.d
        own_policy=1
    fi
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
    [ -z "$own_policy" ] || "${sudo_cmd[@]}" rm -f /usr/sbin/policy-rc.d
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
