// Shared helpers for the end-to-end tests: where the binaries are, an SDK client connected
// over stdio that records every message it receives, and a raw line-level stdio peer.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const binDir = path.resolve(repoRoot, process.env.WARDEN_BIN_DIR ?? 'build/bin');

/** The first eight bytes of every PNG file. */
export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

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
    env: { WARDEN_EVERYTHING_WATCH_MS: '0', ...env },
    stderr: 'pipe',
  });
  let stderr = '';
  inner.stderr?.on('data', (chunk) => {
    stderr += chunk;
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
    this.child.stderr.on('data', (chunk) => {
      this.stderr += chunk;
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
