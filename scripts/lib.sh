# Shared by the test scripts: start a server on a free loopback port and stop it by PID.

# start_server NAME LOGFILE ARGS...: starts build/bin/NAME with --port 0, waits until it
# says where it listens, and sets SERVER_PID and SERVER_URL (the MCP endpoint).
start_server() {
    local name=$1 log=$2
    shift 2
    "build/bin/$name" --transport http --host 127.0.0.1 --port 0 "$@" >"$log" 2>&1 &
    SERVER_PID=$!
    SERVER_URL=""
    for _ in $(seq 1 100); do
        SERVER_URL=$(grep -o 'http://127\.0\.0\.1:[0-9]*/mcp' "$log" | head -1 || true)
        [ -n "$SERVER_URL" ] && return 0
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.1
    done
    echo "server $name did not start; its log:" >&2
    cat "$log" >&2
    return 1
}

stop_server() {
    if [ -n "${SERVER_PID:-}" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=""
}

# start_postgres DIR: a throwaway PostgreSQL 15 cluster in DIR on a free loopback port,
# run as the `postgres` user when we are root (the server refuses root). Sets PG_PID,
# PG_PORT, PG_URL, and PG_START / PG_STOP (commands that restart it on the same port).
pg_bin=/usr/lib/postgresql/15/bin
pg_as() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
start_postgres() {
    local dir=$1
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    pg_as "$pg_bin/initdb" -D "$dir/data" -A trust -U warden --no-sync >"$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log" >&2; return 1; }
    PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    PG_URL="postgresql://warden@127.0.0.1:$PG_PORT/postgres"
    PG_START="$(declare -f pg_as); pg_bin=$pg_bin; pg_as $pg_bin/pg_ctl -D $dir/data -l $dir/server.log -w -o '-p $PG_PORT -k $dir -c listen_addresses=127.0.0.1 -c fsync=off' start >/dev/null"
    PG_STOP="$(declare -f pg_as); pg_bin=$pg_bin; pg_as $pg_bin/pg_ctl -D $dir/data -m fast -w stop >/dev/null"
    bash -c "$PG_START" || { cat "$dir/server.log" >&2; return 1; }
    PG_PID=$(head -1 "$dir/data/postmaster.pid")
}

stop_postgres() {
    if [ -n "${PG_PID:-}" ] && kill -0 "$PG_PID" 2>/dev/null; then
        kill -INT "$PG_PID" 2>/dev/null || true  # fast shutdown
        for _ in $(seq 1 50); do kill -0 "$PG_PID" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$PG_PID" 2>/dev/null || true
    fi
    PG_PID=""
}
