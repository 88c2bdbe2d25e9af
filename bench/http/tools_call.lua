-- wrk script: POST tools/call to /mcp, with `Authorization: Bearer $TOKEN` when TOKEN is
-- set and `Mcp-Session-Id: $SESSION` when SESSION is set. The call is `echo` with a fixed
-- text unless TOOL, ARGS (a JSON object) and EXPECT (text the answer must contain) say
-- otherwise. With MODERN set, the request is MCP 2026-07-28 (per-request _meta, Mcp-Method
-- and Mcp-Name headers, no session). Counts non-200 answers and 200 answers whose body lacks the expected text;
-- done() prints one machine-readable RESULT line.
local text = "hello from wrk 0123456789"
local tool = os.getenv("TOOL") or "echo"
local args = os.getenv("ARGS") or ('{"text":"' .. text .. '"}')
local expect = os.getenv("EXPECT") or text
local modern = os.getenv("MODERN")
modern = modern and modern ~= ""
wrk.method = "POST"
local meta = ""
if modern then
    meta = ',"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28",'
        .. '"io.modelcontextprotocol/clientCapabilities":{}}'
end
wrk.body = '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"' .. tool
    .. '","arguments":' .. args .. meta .. '}}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json, text/event-stream"
wrk.headers["MCP-Protocol-Version"] = modern and "2026-07-28" or "2025-11-25"
if modern then
    wrk.headers["Mcp-Method"] = "tools/call"
    wrk.headers["Mcp-Name"] = tool
end
local token = os.getenv("TOKEN")
if token and token ~= "" then wrk.headers["Authorization"] = "Bearer " .. token end
local session = os.getenv("SESSION")
if session and session ~= "" then wrk.headers["Mcp-Session-Id"] = session end

local threads = {}
function setup(thread)
    table.insert(threads, thread)
end

function init(args)
    non200 = 0
    badbody = 0
end

function response(status, headers, body)
    if status ~= 200 then
        non200 = non200 + 1
    elseif not string.find(body, expect, 1, true) then
        badbody = badbody + 1
    end
end

function done(summary, latency, requests)
    local n, b = 0, 0
    for _, t in ipairs(threads) do
        n = n + t:get("non200")
        b = b + t:get("badbody")
    end
    local e = summary.errors
    local sock = e.connect + e.read + e.write + e.timeout
    io.write(string.format("RESULT requests=%d seconds=%.3f rps=%.1f p50_us=%d p99_us=%d non200=%d badbody=%d socket_errors=%d\n",
        summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
        latency:percentile(50), latency:percentile(99), n, b, sock))
end
