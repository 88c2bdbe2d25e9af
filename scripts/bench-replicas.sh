#!/usr/bin/env bash
# Several replicas, measured (not a test, not in CI; see docs/scaling.md "Measuring"):
#   1. the shared store's latency per operation (build/bench/bench_store) on a throwaway
#      PostgreSQL 15 and on SQLite;
#   2. tools/call throughput through nginx (deploy/nginx.conf, ports replaced) with one and
#      with three warden-quickstart replicas on that PostgreSQL, via wrk.
# Everything runs on 127.0.0.1 and is stopped by PID. Prints markdown tables.
# Environment: DURATION (s per wrk run, default 10), CONNECTIONS (default 32), NO_BUILD=1.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
duration=${DURATION:-10}
conns=${CONNECTIONS:-32}

if ! command -v wrk >/dev/null || ! command -v nginx >/dev/null; then
    echo "bench-replicas: installing wrk nginx"
    sudo_cmd=()
    [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends wrk nginx
fi
[ -n "${NO_BUILD:-}" ] || cmake --build build -j2 --target warden-quickstart bench_store

work=$(mktemp -d /tmp/warden-bench-replicas.XXXXXX)
chmod 755 "$work"
pids=()
nginx_pid=""
cleanup() {
    [ -z "$nginx_pid" ] || kill -QUIT "$nginx_pid" 2>/dev/null || true
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    PG_PID=$(head -1 "$work/pg/data/postmaster.pid" 2>/dev/null || true)
    stop_postgres
    rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start_postgres "$work/pg"
echo "## Store latency (one caller; the throwaway cluster runs with fsync=off)"
echo
build/bench/bench_store "$PG_URL" 2000 2>/dev/null
echo
build/bench/bench_store "sqlite:$work/bench.db" 500
echo

key=$(openssl rand -hex 32)
state_key=$(openssl rand -hex 32)
ports=()
for name in a b c; do
    port=$(free_port)
    ports+=("$port")
    WARDEN_STORE_URL=$PG_URL WARDEN_TOOLAUTH_KEY=$key WARDEN_STATE_KEY=$state_key \
        build/bin/warden-quickstart --transport http --host 127.0.0.1 --port "$port" \
        --replica-id "$name" --stateless --io-threads 1 --max-connections-per-client 4096 \
        --log-level warn >"$work/$name.log" 2>&1 &
    pids+=($!)
done
sleep 1

run_nginx() { # run_nginx REPLICAS...: nginx in front of the given replica ports
    local nport=$1
    shift
    local conf
    conf=$(sed "s/127.0.0.1:8000/127.0.0.1:$nport/" deploy/nginx.conf)
    local i=1
    for p in "$@"; do conf=${conf//127.0.0.1:800$i/127.0.0.1:$p}; i=$((i + 1)); done
    # Fewer replicas: the remaining upstream lines point at the first one.
    for j in 1 2 3; do conf=${conf//127.0.0.1:800$j/127.0.0.1:$1}; done
    mkdir -p "$work/nginx"
    printf '%s\n' "$conf" >"$work/nginx/nginx.conf"
    nginx -p "$work/nginx/" -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log" -g 'daemon off;' &
    nginx_pid=$!
    sleep 0.5
}
stop_nginx() {
    kill -QUIT "$nginx_pid" 2>/dev/null || true
    wait "$nginx_pid" 2>/dev/null || true
    nginx_pid=""
}

echo "## tools/call (echo, stateless 2025-11-25) through nginx, $conns connections, ${duration}s"
echo
echo "| replicas | requests/s | p50 µs | p99 µs | non-200 | bad body |"
echo "|---|---|---|---|---|---|"
for n in 1 3; do
    nport=$(free_port)
    run_nginx "$nport" "${ports[@]:0:$n}"
    wrk -t1 -c"$conns" -d2s -s bench/http/tools_call.lua "http://127.0.0.1:$nport/mcp" >/dev/null
    line=$(wrk -t2 -c"$conns" -d"${duration}s" -s bench/http/tools_call.lua \
        "http://127.0.0.1:$nport/mcp" | grep '^RESULT' || true)
    field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" <<<"$line"; }
    echo "| $n | $(field rps) | $(field p50_us) | $(field p99_us) | $(field non200) | $(field badbody) |"
    stop_nginx
done
echo
echo "nproc: $(nproc). wrk, nginx, the replicas and PostgreSQL share these cores: with 2 cores,"
echo "three replicas cannot beat one; the table shows the routing's cost, not scaling."
