// Shared helpers for the end-to-end tests: where the binaries are, an SDK client connected
// over stdio or Streamable HTTP that records every message it receives, a raw line-level
// stdio peer, and raw HTTP helpers (server on a free port, requests, an SSE reader).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import http from 'node:http';
import { createServer } from 'node:net';
import fs from 'node:fs';
import { randomUUID } from 'node:crypto';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const binDir = path.resolve(repoRoot, process.env.WARDEN_BIN_DIR ?? 'build/bin');

/**
 * Where a server's stderr goes besides the test's own buffer: with WARDEN_E2E_LOG_DIR set,
 * a file per server process there (scripts/test-log-leak.sh greps them). Returns a chunk sink.
 */
let logSeq = 0;
export function serverLogSink(name) {
  const dir = process.env.WARDEN_E2E_LOG_DIR;
  if (!dir) return () => {};
  const file = path.join(dir, `${process.pid}-${++logSeq}-${name}.log`);
  return (chunk) => fs.appendFileSync(file, chunk);
}

/** Notes a credential a test used (token, code, secret) in WARDEN_E2E_SECRETS_FILE, if set. */
export function recordSecret(value) {
  const file = process.env.WARDEN_E2E_SECRETS_FILE;
  if (file && value) fs.appendFileSync(file, `${value}\n`);
}

/** Variables every server under test inherits, even over stdio (the SDK passes few). */
function passedEnv() {
  return process.env.WARDEN_LOG_LEVEL ? { WARDEN_LOG_LEVEL: process.env.WARDEN_LOG_LEVEL } : {};
}

/** The first eight bytes of every PNG file. */
export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The client's answer to a sampling request in the tests: echoes the first message. */
export function echoSampling(request) {
  return {
    role: 'assistant',
    content: { type: 'text', text: `echo:${request.params.messages[0].content.text}` },
    model: 'e2e-model',
    stopReason: 'endTurn',
  };
}

/** Absolute path of a binary built into WARDEN_BIN_DIR (default build/bin). */
export function binary(name) {
  return path.join(binDir, name);
}

/** Wraps a transport and keeps every JSON-RPC message that passes through it. */
class RecordingTransport {
  constructor(inner) {
    this.inner = inner;
    this.received = [];
    this.sent = [];
  }
  async start() {
    this.inner.onmessage = (message, extra) => {
      this.received.push(message);
      this.onmessage?.(message, extra);
    };
    this.inner.onerror = (error) => this.onerror?.(error);
    this.inner.onclose = () => this.onclose?.();
    await this.inner.start();
  }
  async send(message, options) {
    this.sent.push(message);
    await this.inner.send(message, options);
  }
  async close() {
    await this.inner.close();
  }
}

/**
 * Starts `binaryName` and connects an SDK client to it over stdio.
 * `setup(client)` runs before connecting (register request handlers there).
 * Returns { client, transport, stderr(), close() }; always call close() in a finally/after.
 */
export async function connect(binaryName, { capabilities = {}, env = {}, setup } = {}) {
  const inner = new StdioClientTransport({
    command: binary(binaryName),
    args: [],
    env: { WARDEN_EVERYTHING_WATCH_MS: '0', ...passedEnv(), ...env },
    stderr: 'pipe',
  });
  let stderr = '';
  const sink = serverLogSink(binaryName);
  inner.stderr?.on('data', (chunk) => {
    stderr += chunk;
    sink(chunk);
  });
  const transport = new RecordingTransport(inner);
  const client = new Client({ name: 'warden-e2e', version: '1.0.0' }, { capabilities });
  if (setup) setup(client);
  try {
    await client.connect(transport);
  } catch (error) {
    await client.close().catch(() => {});
    throw new Error(`connect failed: ${error.message}\nserver stderr:\n${stderr}`);
  }
  return {
    client,
    transport,
    stderr: () => stderr,
    close: () => client.close(),
  };
}

/** A TCP port on 127.0.0.1 that was free a moment ago (for servers that need it in advance). */
export async function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Resolves when `predicate()` is true, polling; rejects after `timeoutMs`. */
export async function waitFor(predicate, timeoutMs = 5000, what = 'condition') {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * A server process spoken to line by line, for what an SDK client will not send
 * (malformed JSON, batches, requests before initialize).
 */
export class RawServer {
  constructor(binaryName, env = {}) {
    this.child = spawn(binary(binaryName), [], {
      env: { ...process.env, WARDEN_EVERYTHING_WATCH_MS: '0', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.messages = [];
    this.rawLines = [];
    this.stderr = '';
    const sink = serverLogSink(binaryName);
    this.child.stderr.on('data', (chunk) => {
      this.stderr += chunk;
      sink(chunk);
    });
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      this.rawLines.push(line);
      this.messages.push(JSON.parse(line));
    });
  }

  /** Writes one line (a string as is, anything else serialized). */
  writeLine(message) {
    this.child.stdin.write((typeof message === 'string' ? message : JSON.stringify(message)) + '\n');
  }

  /** The next message (after index `from`) that satisfies `predicate`. */
  async next(predicate, { from = 0, timeoutMs = 5000 } = {}) {
    let found;
    await waitFor(
      () => (found = this.messages.slice(from).find(predicate)) !== undefined,
      timeoutMs,
      'a matching message from the server',
    );
    return found;
  }

  /** Sends a request and waits for the response with the same id. */
  async request(id, method, params) {
    this.writeLine({ jsonrpc: '2.0', id, method, ...(params !== undefined && { params }) });
    return this.next((m) => m.id === id && ('result' in m || 'error' in m));
  }

  async initialize(protocolVersion = '2025-11-25') {
    const response = await this.request('init', 'initialize', {
      protocolVersion,
      capabilities: {},
      clientInfo: { name: 'raw-e2e', version: '1.0.0' },
    });
    this.writeLine({ jsonrpc: '2.0', method: 'notifications/initialized' });
    return response;
  }

  /** Closes stdin and waits for the process to exit (kills it after `timeoutMs`). */
  async close(timeoutMs = 5000) {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode;
    const exited = once(this.child, 'exit');
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    try {
      const [code] = await exited;
      return code;
    } finally {
      clearTimeout(timer);
    }
  }
}

// --- Streamable HTTP ------------------------------------------------------------------------

/** Accept header every POST to the MCP endpoint must carry. */
export const POST_ACCEPT = 'application/json, text/event-stream';

/**
 * Starts `binaryName --transport http --host 127.0.0.1 --port 0 ...args` and waits until it
 * logs where it listens. Returns { url, origin, port, hostHeader, child, stderr(), exited,
 * kill() }. Always call kill() in `after`: it kills the process by its PID if it still runs.
 */
export async function startHttpServer(binaryName = 'warden-everything', { args = [], env = {} } = {}) {
  // WARDEN_E2E_SERVER_ARGS (e.g. "--io-threads 1"): the test scripts run the suite once per
  // I/O threading mode, since one I/O thread and several take different paths (strands).
  const extra = (process.env.WARDEN_E2E_SERVER_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(
    binary(binaryName),
    ['--transport', 'http', '--host', '127.0.0.1', '--port', '0', ...extra, ...args],
    { env: { ...process.env, WARDEN_EVERYTHING_WATCH_MS: '0', ...env }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  const sink = serverLogSink(binaryName);
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
    sink(chunk);
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(child.pid, 'SIGKILL');
      await exited;
    }
  };
  try {
    await waitFor(() => /http:\/\/127\.0\.0\.1:\d+\/mcp/.test(stderr) || child.exitCode !== null, 10000, 'the server to listen');
  } catch (error) {
    await kill();
    throw error;
  }
  const match = stderr.match(/http:\/\/127\.0\.0\.1:(\d+)\/mcp/);
  if (!match) {
    await kill();
    throw new Error(`server did not start; its log:\n${stderr}`);
  }
  const port = Number(match[1]);
  return {
    url: match[0],
    origin: `http://127.0.0.1:${port}`,
    port,
    hostHeader: `127.0.0.1:${port}`,
    child,
    stderr: () => stderr,
    exited,
    kill,
  };
}

/**
 * One request over a fresh connection with node:http, which (unlike fetch) sends Host and
 * any other header exactly as given. Resolves { status, headers, body, json } once the
 * whole response is in.
 */
export function rawRequest(url, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode, headers: res.headers, body: text, json });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** A JSON-RPC message POSTed with the headers the transport requires (plus `headers`). */
export function postMessage(url, message, { sessionId, headers = {}, signal } = {}) {
  return fetch(url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Accept: POST_ACCEPT,
      ...(sessionId && { 'Mcp-Session-Id': sessionId, 'MCP-Protocol-Version': '2025-11-25' }),
      ...headers,
    },
    body: typeof message === 'string' ? message : JSON.stringify(message),
    signal,
  });
}

/**
 * Reads Server-Sent Events from a fetch Response: yields { id, event, data, retry } per event
 * (data as text; '' for a priming event).
 */
export async function* sseEvents(response) {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of response.body) {
    buffer += decoder.decode(chunk, { stream: true });
    let end;
    while ((end = buffer.search(/\r?\n\r?\n/)) !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '');
      const event = { id: undefined, event: 'message', data: undefined, retry: undefined };
      let comment = true;
      for (const line of block.split(/\r?\n/)) {
        if (line.startsWith(':')) continue;
        comment = false;
        const colon = line.indexOf(':');
        const field = colon === -1 ? line : line.slice(0, colon);
        const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'id') event.id = value;
        else if (field === 'event') event.event = value;
        else if (field === 'retry') event.retry = Number(value);
        else if (field === 'data') event.data = event.data === undefined ? value : `${event.data}\n${value}`;
      }
      if (!comment) yield event;
    }
  }
}

/** The JSON-RPC messages of a POST's answer, whether it came as JSON or as SSE. */
export async function readMessages(response) {
  const type = response.headers.get('content-type') ?? '';
  if (type.startsWith('application/json')) return [await response.json()];
  const messages = [];
  for await (const e of sseEvents(response)) if (e.data) messages.push(JSON.parse(e.data));
  return messages;
}

/** Initializes a session over raw HTTP; returns its id (the initialized notification sent). */
export async function openSession(url, { protocolVersion = '2025-11-25', capabilities = {} } = {}) {
  const res = await postMessage(url, {
    jsonrpc: '2.0',
    id: 'init',
    method: 'initialize',
    params: { protocolVersion, capabilities, clientInfo: { name: 'raw-http-e2e', version: '1.0.0' } },
  });
  if (res.status !== 200) throw new Error(`initialize answered ${res.status}: ${await res.text()}`);
  const sessionId = res.headers.get('mcp-session-id');
  const [answer] = await readMessages(res);
  if (!answer?.result) throw new Error(`initialize failed: ${JSON.stringify(answer)}`);
  const ack = await postMessage(
    url,
    { jsonrpc: '2.0', method: 'notifications/initialized' },
    { sessionId, headers: { 'MCP-Protocol-Version': protocolVersion } },
  );
  await ack.arrayBuffer();
  if (ack.status !== 202) throw new Error(`initialized answered ${ack.status}`);
  return sessionId;
}

/** An SDK client connected over Streamable HTTP; `setup(client)` runs before connecting. */
export async function connectHttp(url, { capabilities = {}, setup, transportOptions = {} } = {}) {
  const transport = new RecordingTransport(new StreamableHTTPClientTransport(new URL(url), transportOptions));
  const client = new Client({ name: 'warden-http-e2e', version: '1.0.0' }, { capabilities });
  if (setup) setup(client);
  await client.connect(transport);
  return { client, transport, close: () => client.close() };
}

/**
 * One 2026-07-28 request over raw HTTP, with the headers SEP-2243 and SEP-2663 ask for
 * (`Mcp-Name` from params.name, .uri or .taskId); `token` (optional) goes in as a bearer.
 * The client declares the tasks extension unless `capabilities` says otherwise. Resolves
 * the first result or error message of the answer.
 */
export async function modernRequest(
  url,
  token,
  method,
  params = {},
  { capabilities = { extensions: { 'io.modelcontextprotocol/tasks': {} } }, clientInfo } = {},
) {
  const name = params.name ?? params.uri ?? params.taskId;
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: POST_ACCEPT,
      ...(token && { authorization: `Bearer ${token}` }),
      'mcp-protocol-version': '2026-07-28',
      'mcp-method': method,
      ...(typeof name === 'string' && { 'mcp-name': name }),
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: randomUUID(),
      method,
      params: {
        ...params,
        _meta: {
          'io.modelcontextprotocol/protocolVersion': '2026-07-28',
          'io.modelcontextprotocol/clientCapabilities': capabilities,
          ...(clientInfo && { 'io.modelcontextprotocol/clientInfo': clientInfo }),
        },
      },
    }),
  });
  const messages = await readMessages(res);
  return messages.find((m) => 'result' in m || 'error' in m);
}
