#!/usr/bin/env bash
# Warden's benchmark suite, side by side with the official TypeScript SDK, in one command:
#   HTTP load (wrk): warden-quickstart and bench/http/peer/server.mjs, no auth / ES256 / RS256,
#     1 and 32 connections; MCP 2026-07-28 (ES256) against the SDK v2 peer (server-v2.mjs); Warden stateful; the nginx ceiling (one worker, fixed reply)
#     against Warden with one I/O thread;
#   memory: idle RSS and 10,000 idle sessions;
#   micro benchmarks (Google Benchmark) beside `openssl speed` (scripts/bench-micro.sh);
#   a CPU profile of Warden under load (perf, else callgrind).
# Prints one markdown table and writes it, the chart (gnuplot PNG) and the raw results to
# bench/results/. Not part of the tests. Usage: scripts/bench.sh
# Environment: DURATION (s per measured wrk run, default 10), WARMUP (s, default 2),
# SKIP_MICRO=1, SKIP_PROFILE=1, NO_BUILD=1, BENCH_OUT (default bench/results),
# BENCH_BUILD (the build directory, default build-release), ONLY_OBSERVABILITY=1 (just the
# rows that compare metrics and the audit log off and on, printed, nothing written).
# ONLY=modern runs just the 2026-07-28 rows, the ES256 rows they are compared with and the
# nginx ceiling, and prints their table; with REPEAT=N the legacy and 2026-07-28 rows at 32
# connections then alternate N more times on one server and their medians are printed (on a
# shared machine two runs of one row differ by more than the two eras do).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
duration=${DURATION:-10}
warmup=${WARMUP:-2}
repeat=${REPEAT:-1}
out=${BENCH_OUT:-$root/bench/results}
build=$(realpath -m "${BENCH_BUILD:-$root/build-release}")
mkdir -p "$out"

# --- tools (idempotent, as scripts/setup.sh) -----------------------------------------------
if [ -z "${NO_BUILD:-}" ]; then
    scripts/setup.sh
    missing=()
    command -v nginx >/dev/null || missing+=(nginx-light)
    command -v wrk >/dev/null || missing+=(wrk)
    command -v gnuplot >/dev/null || missing+=(gnuplot-nox)
    command -v python3 >/dev/null || missing+=(python3)
    command -v perf >/dev/null || missing+=(linux-perf)
    if ((${#missing[@]})); then
        echo "bench: installing ${missing[*]}"
        sudo_cmd=()
        [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
        "${sudo_cmd[@]}" apt-get update -qq
        DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq \
            --no-install-recommends "${missing[@]}"
    fi
    cmake --preset release >/dev/null
    cmake --build "$build" -j2 --target warden-quickstart bench_micro
fi
node=$root/node_modules/.bin/node

tmp=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    rm -rf "$tmp"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wport=$(free_port)
pport=$(free_port)
nport=$(free_port)
canonical="http://127.0.0.1:$wport/mcp"
issuer="http://localhost/warden-bench"
"$node" bench/http/keys.mjs "$tmp" "$issuer" "$canonical"
es256=$(cat "$tmp/es256.jwt")
rs256=$(cat "$tmp/rs256.jwt")
auth_env=(MCP_RESOURCE_SERVER_CANONICAL_URL="$canonical"
    MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS="[{\"authorization_server_url\":\"$issuer\",\"issuer\":\"$issuer\",\"jwks_uri\":\"file://$tmp/jwks.json\"}]")

server_pid=""
# start_warden AUTH(on|off) ARGS...: warden-quickstart on $wport, from $tmp (no stray .env).
start_warden() {
    local auth=$1 log=$tmp/warden.log
    shift
    local envs=(PATH="$PATH" HOME="$HOME")
    [ "$auth" = on ] && envs+=("${auth_env[@]}")
    (cd "$tmp" && exec env -i "${envs[@]}" "$build/bin/warden-quickstart" --transport http \
        --host 127.0.0.1 --port "$wport" "$@" >"$log" 2>&1) &
    server_pid=$!
    pids+=("$server_pid")
    wait_listening "$log"
}
# start_peer AUTH(on|off) [SCRIPT]: the TypeScript SDK server on $pport (SDK v1,
# bench/http/peer/server.mjs, unless SCRIPT names the v2 peer, server-v2.mjs).
start_peer() {
    local log=$tmp/peer.log envs=(PATH="$PATH" HOME="$HOME" PORT="$pport")
    [ "$1" = on ] && envs+=(JWKS_FILE="$tmp/jwks.json" ISSUER="$issuer" AUDIENCE="$canonical")
    env -i "${envs[@]}" "$node" "bench/http/peer/${2:-server.mjs}" >"$log" 2>&1 &
    server_pid=$!
    pids+=("$server_pid")
    wait_listening "$log"
}
start_nginx() {
    mkdir -p "$tmp/nginx/logs"
    local reply='{"result":{"content":[{"type":"text","text":"hello from wrk 0123456789"}]},"jsonrpc":"2.0","id":1}'
    cat >"$tmp/nginx/nginx.conf" <<EOF
worker_processes 1;
error_log $tmp/nginx/logs/error.log warn;
pid $tmp/nginx/nginx.pid;
events { worker_connections 1024; }
http {
    access_log off;
    keepalive_requests 1000000;
    client_body_temp_path $tmp/nginx/body;
    proxy_temp_path $tmp/nginx/proxy;
    fastcgi_temp_path $tmp/nginx/fastcgi;
    uwsgi_temp_path $tmp/nginx/uwsgi;
    scgi_temp_path $tmp/nginx/scgi;
    server {
        listen 127.0.0.1:$nport;
        location /mcp { default_type application/json; return 200 '$reply'; }
    }
}
EOF
    nginx -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -g 'daemon off;' 2>"$tmp/nginx/stderr" &
    server_pid=$!
    pids+=("$server_pid")
    for _ in $(seq 1 50); do
        curl -s -o /dev/null "http://127.0.0.1:$nport/mcp" -d x && return 0
        sleep 0.1
    done
    cat "$tmp/nginx/stderr" >&2
    return 1
}
wait_listening() {
    for _ in $(seq 1 100); do
        grep -q "serving MCP" "$1" && return 0
        kill -0 "$server_pid" 2>/dev/null || break
        sleep 0.1
    done
    echo "bench: the server did not start; its log:" >&2
    cat "$1" >&2
    return 1
}
stop_server() {
    kill "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
}
# The process that answers: for nginx, its one worker (the child of the master).
serving_pid() {
    local child
    child=$(pgrep -n -P "$server_pid" || true)
    [ -n "$child" ] && [ "$(cat /proc/$server_pid/comm)" = nginx ] && echo "$child" || echo "$server_pid"
}
status_kb() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }

results=$tmp/results.tsv
printf 'server\tmode\tauth\tconns\trps\tp50_us\tp99_us\terrors\thwm_kb\n' >"$results"
# load SERVER MODE AUTH CONNS PORT [TOKEN] [SESSION]: warm-up, then one measured wrk run.
load() {
    local server=$1 mode=$2 auth=$3 conns=$4 port=$5 token=${6:-} session=${7:-}
    local url="http://127.0.0.1:$port/mcp" line
    TOKEN=$token SESSION=$session wrk -t1 -c"$conns" -d"${warmup}s" -s bench/http/tools_call.lua "$url" >/dev/null
    line=$(TOKEN=$token SESSION=$session wrk -t1 -c"$conns" -d"${duration}s" --latency \
        -s bench/http/tools_call.lua "$url" | grep '^RESULT')
    local rps p50 p99 non200 bad sock
    eval "$(echo "$line" | sed 's/^RESULT //' | tr ' ' '\n' | sed 's/^/local r_/')"
    local errors=$((r_non200 + r_badbody + r_socket_errors))
    local hwm
    hwm=$(status_kb "$(serving_pid)" VmHWM)
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$server" "$mode" "$auth" "$conns" "$r_rps" \
        "$r_p50_us" "$r_p99_us" "$errors" "$hwm" >>"$results"
    awk -v s="$server" -v m="$mode" -v a="$auth" -v c="$conns" -v r="$r_rps" -v p50="$r_p50_us" \
        -v p99="$r_p99_us" -v e="$errors" -v n="$r_non200" -v b="$r_badbody" -v k="$r_socket_errors" \
        -v h="$hwm" 'BEGIN { printf "  %-7s %-24s %-6s c%-3s %9.0f req/s  p50 %6.2f ms  p99 %6.2f ms  errors %s (non-200 %s, bad body %s, socket %s)  peak RSS %s kB\n", s, m, a, c, r, p50 / 1000, p99 / 1000, e, n, b, k, h }'
}
# Three auth modes at 1 and 32 connections against the server started by START.
sweep() {
    local server=$1 mode=$2 start=$3 port=$4
    shift 4
    $start off "$@"
    load "$server" "$mode" none 1 "$port"
    load "$server" "$mode" none 32 "$port"
    stop_server
    $start on "$@"
    for c in 1 32; do load "$server" "$mode" ES256 "$c" "$port" "$es256"; done
    for c in 1 32; do load "$server" "$mode" RS256 "$c" "$port" "$rs256"; done
    stop_server
}

post() {  # post PORT BODY [HEADER...]: prints the response headers
    local port=$1 body=$2
    shift 2
    curl -sS -D - -o /dev/null "http://127.0.0.1:$port/mcp" -H 'Content-Type: application/json' \
        -H 'Accept: application/json, text/event-stream' -H 'MCP-Protocol-Version: 2025-11-25' \
        "$@" -d "$body"
}
init='{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}'

# Observability's cost: one I/O thread, ES256, stateless JSON; off, then metrics on (their
# own port), then metrics and the audit log (a file: two lines per request, auth + tool_call).
observability_rows() {
    local base=(--stateless --json-response --io-threads 1)
    start_warden on "${base[@]}"
    for c in 1 32; do load warden "1 I/O, observability off" ES256 "$c" "$wport" "$es256"; done
    stop_server
    start_warden on "${base[@]}" --metrics-port 0
    for c in 1 32; do load warden "1 I/O, metrics on" ES256 "$c" "$wport" "$es256"; done
    stop_server
    start_warden on "${base[@]}" --metrics-port 0 --audit-log "$tmp/audit.log"
    for c in 1 32; do load warden "1 I/O, metrics + audit log" ES256 "$c" "$wport" "$es256"; done
    stop_server
}
if [ -n "${ONLY_OBSERVABILITY:-}" ]; then
    echo "== observability off / on: wrk -t1, ${warmup}s warm-up + ${duration}s per row"
    observability_rows
    exit 0
fi
# MCP 2026-07-28 (per-request _meta, Mcp-Method/Mcp-Name checked), authenticated, beside
# the legacy stateless row on the same server process; then the TypeScript SDK v2 peer in
# its 2026-07-28 pattern.
modern_rows() {
    start_warden on --stateless --json-response
    for c in 1 32; do load warden "stateless JSON" ES256 "$c" "$wport" "$es256"; done
    for c in 1 32; do MODERN=1 load warden "2026-07-28 stateless" ES256 "$c" "$wport" "$es256"; done
    stop_server
    start_peer on server-v2.mjs
    for c in 1 32; do MODERN=1 load peer "2026-07-28 (SDK v2)" ES256 "$c" "$pport" "$es256"; done
    stop_server
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
echo "== HTTP load: wrk -t1, ${warmup}s warm-up + ${duration}s per row; load average before: $load_before"
if [ "${ONLY:-}" = modern ]; then
    # The 2026-07-28 rows alone, with the legacy stateless and the SDK v1 peer's ES256 rows
    # to compare with: a short run that leaves bench/results/ alone.
    modern_rows
    start_peer on
    for c in 1 32; do load peer "stateless JSON (SDK)" ES256 "$c" "$pport" "$es256"; done
    stop_server
    # The ceiling of this machine and load generator: no server answers faster than nginx
    # with a fixed reply, so no ratio to a peer can exceed nginx's.
    start_nginx
    for c in 1 32; do load nginx "fixed reply" none "$c" "$nport"; done
    stop_server
    if [ "$repeat" -gt 1 ]; then
        echo "== A/B: legacy and 2026-07-28 alternating, $repeat times each, 32 connections"
        local_results=$results
        results=$tmp/ab.tsv  # these rows stay out of the table
        head -1 "$local_results" >"$results"
        start_warden on --stateless --json-response
        for _ in $(seq 1 "$repeat"); do
            load warden "stateless JSON" ES256 32 "$wport" "$es256"
            MODERN=1 load warden "2026-07-28 stateless" ES256 32 "$wport" "$es256"
        done
        stop_server
        python3 - "$results" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
med = {m: statistics.median(float(r["rps"]) for r in rows if r["mode"] == m)
       for m in dict.fromkeys(r["mode"] for r in rows)}
for m, v in med.items(): print(f"  median {m}: {v:,.0f} req/s")
legacy, modern = med.get("stateless JSON"), med.get("2026-07-28 stateless")
if legacy and modern: print(f"  2026-07-28 / legacy: {modern / legacy:.1%}")
PY
        results=$local_results
    fi
    echo "== table (started $started; load average before $load_before, after $(cut -d' ' -f1-3 /proc/loadavg))"
    python3 bench/http/report.py "$results" "$tmp/chart.dat"
    exit 0
fi
sweep warden "stateless JSON" start_warden "$wport" --stateless --json-response
sweep peer "stateless JSON (SDK)" start_peer "$pport"
modern_rows

# The same request path, but the tool runs on the worker pool (echo is non_blocking and
# runs on the I/O thread): convert_temperature, a typed tool with structured output.
start_warden on --stateless --json-response
for c in 1 32; do
    TOOL=convert_temperature ARGS='{"value":212,"to":"celsius"}' EXPECT='"value":1E2' \
        load warden "stateless JSON, tool on worker pool" ES256 "$c" "$wport" "$es256"
done
stop_server

start_warden on
session=$(post "$wport" "$init" -H "Authorization: Bearer $es256" | awk -F': ' 'tolower($1)=="mcp-session-id"{print $2}' | tr -d '\r')
post "$wport" '{"jsonrpc":"2.0","method":"notifications/initialized"}' -H "Authorization: Bearer $es256" \
    -H "Mcp-Session-Id: $session" >/dev/null
for c in 1 32; do load warden "stateful (one session)" ES256 "$c" "$wport" "$es256" "$session"; done
stop_server

start_nginx
for c in 1 32; do load nginx "fixed reply" none "$c" "$nport"; done
stop_server
start_warden off --stateless --json-response --io-threads 1
for c in 1 32; do load warden "stateless, 1 I/O thread" none "$c" "$wport"; done
stop_server
start_warden on --stateless --json-response --io-threads 1
for c in 1 32; do load warden "stateless, 1 I/O thread" ES256 "$c" "$wport" "$es256"; done
for c in 1 32; do MODERN=1 load warden "2026-07-28, 1 I/O thread" ES256 "$c" "$wport" "$es256"; done
stop_server
start_warden on --stateless --json-response --io-threads 1 --workers 1
for c in 1 32; do load warden "stateless, 1 I/O, 1 worker" ES256 "$c" "$wport" "$es256"; done
stop_server
observability_rows
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

echo "== memory: idle, then 10,000 idle sessions (stateful, ES256)"
start_warden on --max-sessions 20000
sleep 0.5
rss_idle=$(status_kb "$server_pid" VmRSS)
python3 bench/http/sessions.py "$wport" 100 "$es256" >/dev/null
rss_100=$(status_kb "$server_pid" VmRSS)
made=$(python3 bench/http/sessions.py "$wport" 10000 "$es256")
rss_10k=$(status_kb "$server_pid" VmRSS)
stop_server
per_session=$(((rss_10k - rss_100) * 1024 / 10000))
memory="RSS idle $rss_idle kB; after 100 sessions $rss_100 kB; after 10,000 more ($made created) $rss_10k kB: $per_session bytes per idle session"
echo "  $memory"

if [ -z "${SKIP_PROFILE:-}" ]; then
    echo "== profile: Warden, stateless, ES256, 32 connections"
    start_warden on --stateless --json-response
    if perf stat -e instructions true >/dev/null 2>&1; then
        perf record -F 999 -g -o "$tmp/perf.data" -p "$server_pid" -- sleep 8 >/dev/null 2>&1 &
        prof=$!
        TOKEN=$es256 wrk -t1 -c32 -d8s -s bench/http/tools_call.lua "http://127.0.0.1:$wport/mcp" >/dev/null
        wait "$prof" || true
        perf report -i "$tmp/perf.data" --no-children --sort dso,symbol --stdio -g none \
            >"$tmp/report.txt" 2>/dev/null || true
        grep '%' "$tmp/report.txt" | sed -n 1,40p >"$out/profile.txt" || true
        perf report -i "$tmp/perf.data" --no-children --sort dso --stdio -g none \
            >"$tmp/report-dso.txt" 2>/dev/null || true
        grep '%' "$tmp/report-dso.txt" | sed -n 1,15p >"$out/profile-dso.txt" || true
    else
        echo "  perf unavailable; see docs/performance.md for the callgrind recipe"
    fi
    stop_server
    sed -i 's/ *- *- *$//; s/ *$//' "$out/profile.txt" "$out/profile-dso.txt" 2>/dev/null || true
    sed -n 1,25p "$out/profile.txt" 2>/dev/null | cut -c1-150 | sed 's/^/  /' || true
fi

echo "== table (started $started; load average before $load_before, after $load_after)"
{
    echo "Run $started on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')); load average before: $load_before, after: $load_after. wrk -t1, ${warmup} s warm-up + ${duration} s per row."
    echo
    python3 bench/http/report.py "$results" "$tmp/chart.dat"
    echo
    echo "Memory: $memory."
} | tee "$out/http.md"
cp "$results" "$out/results.tsv"

gnuplot <<EOF
set terminal pngcairo size 1000,420 font "sans,10"
set output "$out/http.png"
set multiplot layout 1,2 title "tools/call echo, stateless HTTP + JSON, $(nproc) cores, wrk on the same machine"
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set xtics rotate by -30
set grid ytics
set key top left
set logscale y
set yrange [100:*]
set ylabel "requests/s (log)"
set title "throughput (higher is better)"
plot "$tmp/chart.dat" using 2:xtic(1) title "Warden" lc rgb "#2b6cb0", '' using 3 title "TypeScript SDK" lc rgb "#c05621"
set autoscale y
set ylabel "p99 latency, ms (log)"
set title "p99 latency (lower is better)"
plot "$tmp/chart.dat" using 4:xtic(1) title "Warden" lc rgb "#2b6cb0", '' using 5 title "TypeScript SDK" lc rgb "#c05621"
unset multiplot
EOF
echo "chart: $out/http.png"

if [ -z "${SKIP_MICRO:-}" ]; then
    echo "== micro benchmarks beside openssl speed"
    scripts/bench-micro.sh "$build" | tee "$out/micro.md"
fi
