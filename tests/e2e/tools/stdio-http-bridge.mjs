// Serves a stdio MCP server over Streamable HTTP, one child process per session, using the
// official SDK's server transport. Lets the conformance suite (which only speaks HTTP) run
// against a Warden server before Warden's own HTTP transport exists, e.g.:
//
//   node tests/e2e/tools/stdio-http-bridge.mjs --port 3001 -- build/bin/warden-everything &
//   node node_modules/@modelcontextprotocol/conformance/dist/index.js server --url http://127.0.0.1:3001/mcp
//
// It relays messages and nothing more: what it proves is the fixture's content, not Warden's
// HTTP behaviour (SSE resumability, Host checks, ... are the SDK's here).
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { createInterface } from 'node:readline';

import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';

const args = process.argv.slice(2);
const separator = args.indexOf('--');
if (separator < 0 || separator === args.length - 1) {
  console.error('usage: stdio-http-bridge.mjs [--port N] -- command [args...]');
  process.exit(2);
}
const portFlag = args.indexOf('--port');
const port = portFlag >= 0 && portFlag < separator ? Number(args[portFlag + 1]) : 3001;
const [command, ...commandArgs] = args.slice(separator + 1);

const sessions = new Map();

function startSession() {
  const child = spawn(command, commandArgs, { stdio: ['pipe', 'pipe', 'inherit'] });
  const inFlight = [];  // ids of client requests not yet answered, oldest first
  const progressOwners = new Map();  // progress token -> request id
  const transport = new StreamableHTTPServerTransport({
    sessionIdGenerator: () => randomUUID(),
    enableDnsRebindingProtection: true,
    allowedHosts: [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`],
    onsessioninitialized: (id) => sessions.set(id, transport),
  });
  transport.onmessage = (message) => {
    if (message.method && message.id !== undefined) {
      inFlight.push(message.id);
      const token = message.params?._meta?.progressToken;
      if (token !== undefined) progressOwners.set(token, message.id);
    }
    child.stdin.write(JSON.stringify(message) + '\n');
  };
  transport.onclose = () => {
    if (transport.sessionId) sessions.delete(transport.sessionId);
    child.stdin.end();
  };
  createInterface({ input: child.stdout }).on('line', (line) => {
    const message = JSON.parse(line);
    const isResponse = message.method === undefined;
    if (isResponse) {
      const i = inFlight.indexOf(message.id);
      if (i >= 0) inFlight.splice(i, 1);
      transport.send(message).catch((e) => console.error('bridge:', e.message));
      return;
    }
    // Messages the server sends during a request belong on that request's stream.
    let related = inFlight.at(-1);
    if (message.method === 'notifications/progress')
      related = progressOwners.get(message.params.progressToken) ?? related;
    if (message.method === 'notifications/resources/updated' || message.method.endsWith('list_changed'))
      related = undefined;
    transport
      .send(message, related === undefined ? {} : { relatedRequestId: related })
      .catch((e) => console.error('bridge:', e.message));
  });
  child.on('exit', () => transport.close().catch(() => {}));
  return transport;
}

const server = http.createServer(async (req, res) => {
  if (!req.url.startsWith('/mcp')) {
    res.writeHead(404).end();
    return;
  }
  let body;
  if (req.method === 'POST') {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } }));
      return;
    }
  }
  const sessionId = req.headers['mcp-session-id'];
  let transport = sessionId ? sessions.get(sessionId) : undefined;
  if (!transport && !sessionId && req.method === 'POST' && body?.method === 'initialize') {
    transport = startSession();
    await transport.start();
  }
  if (!transport) {
    res.writeHead(sessionId ? 404 : 400, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32000, message: 'No such session' } }));
    return;
  }
  await transport.handleRequest(req, res, body);
});

server.listen(port, '127.0.0.1', () => console.error(`bridge: http://127.0.0.1:${port}/mcp -> ${command}`));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));
