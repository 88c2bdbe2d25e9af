#!/usr/bin/env bash
# Server-level auth in one command, no external authorization server: generates a local
# signing key (gitignored .warden/demo/), starts warden-quickstart over HTTP with auth on
# via MCP_RESOURCE_SERVER_*, mints a token with `warden dev token`, and shows an
# unauthenticated call getting 401 and authenticated calls working.
# Usage: scripts/demo-auth.sh [PORT]   (default 8000). Set NO_BUILD=1 to skip the build, and
# KEEP_RUNNING=1 to leave the server running afterwards (until Ctrl-C).
set -euo pipefail
cd "$(dirname "$0")/.."
port=${1:-8000}
if [ -z "${NO_BUILD:-}" ]; then
    scripts/setup.sh
    scripts/build.sh default
fi
bin=build/bin
keys=.warden/demo
url="http://127.0.0.1:$port/mcp"
log=$(mktemp)
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    rm -f "$log"
}
trap cleanup EXIT

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "1. a local signing key and its JWKS (for development only)"
[ -f "$keys/signing-key.pem" ] || "$bin/warden" dev keygen --dir "$keys" >/dev/null
ls -l "$keys"

step "2. warden-quickstart over HTTP with server-level auth on (environment)"
issuer="http://localhost/warden-dev"
export MCP_RESOURCE_SERVER_CANONICAL_URL="$url"
export MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS="[{\"authorization_server_url\":\"$issuer\",\"issuer\":\"$issuer\",\"jwks_uri\":\"file://$PWD/$keys/jwks.json\"}]"
export MCP_RESOURCE_SERVER_SCOPES_SUPPORTED="mcp:tools mcp:admin"
export MCP_RESOURCE_SERVER_DEFAULT_CHALLENGE_SCOPES="mcp:tools"
env | grep '^MCP_RESOURCE_SERVER_' | sed 's/^/  /'
"$bin/warden-quickstart" --transport http --port "$port" 2>"$log" &
server_pid=$!
for _ in $(seq 1 50); do grep -q "serving MCP" "$log" && break; sleep 0.1; done
sed 's/^/  /' "$log"

init='{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"curl","version":"1"}}}'
post() {  # post BODY [HEADER...]: prints status, challenge and session; body on stdout
    local body=$1
    shift
    curl -sS -D /tmp/warden-demo-headers.$$ -o /tmp/warden-demo-body.$$ "$url" \
        -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \
        -H 'MCP-Protocol-Version: 2025-11-25' "$@" -d "$body"
    head -1 /tmp/warden-demo-headers.$$ | tr -d '\r' | sed 's/^/  /'
    grep -i '^www-authenticate' /tmp/warden-demo-headers.$$ | tr -d '\r' | sed 's/^/  /' || true
    sed -n 's/^data: //p; /^{/p' /tmp/warden-demo-body.$$ | sed 's/^/  /'
    echo
}

step "3. no token: 401 with a challenge pointing at the protected resource metadata"
post "$init"
echo "  metadata: $(curl -sS "http://127.0.0.1:$port/.well-known/oauth-protected-resource/mcp")"

step "4. mint a token for alice (scope mcp:tools, audience $url)"
token=$("$bin/warden" dev token --key "$keys/signing-key.pem" --sub alice --scope "mcp:tools" --aud "$url")
echo "  ${token:0:40}... (a JWT signed with the dev key)"

step "5. with the token: initialize, then whoami"
post "$init" -H "Authorization: Bearer $token"
session=$(grep -i '^mcp-session-id' /tmp/warden-demo-headers.$$ | cut -d' ' -f2 | tr -d '\r')
auth=(-H "Authorization: Bearer $token" -H "Mcp-Session-Id: $session")
curl -sS -o /dev/null "$url" -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \
    "${auth[@]}" -d '{"jsonrpc":"2.0","method":"notifications/initialized"}'
post '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"whoami","arguments":{}}}' "${auth[@]}"

step "6. admin_ping needs mcp:admin: 403 insufficient_scope (the client would step up)"
post '{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"admin_ping","arguments":{}}}' "${auth[@]}"

step "7. a tampered signature: 401 invalid_token"
i=$((${#token} - 10))
c=${token:$i:1}
[ "$c" = A ] && c=B || c=A
post "$init" -H "Authorization: Bearer ${token:0:$i}$c${token:$((i + 1))}"
rm -f /tmp/warden-demo-headers.$$ /tmp/warden-demo-body.$$

if [ -n "${KEEP_RUNNING:-}" ]; then
    step "the server keeps running at $url (Ctrl-C stops it)"
    cat <<EOT
  A token for alice, valid for an hour:
    export TOKEN=$token
  Call it with curl:
    curl -s $url -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \\
      -H "Authorization: Bearer \$TOKEN" \\
      -d '$init'
  or connect the MCP Inspector (npx @modelcontextprotocol/inspector) to $url with the header
  "Authorization: Bearer <token>". Mint more tokens with:
    $bin/warden dev token --key $keys/signing-key.pem --sub bob --scope "mcp:tools mcp:admin" --aud $url
EOT
    wait "$server_pid"
fi
