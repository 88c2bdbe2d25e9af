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
