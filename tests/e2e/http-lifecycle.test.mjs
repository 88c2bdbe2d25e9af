// Sessions expiring and capped, graceful shutdown, and slow clients, over real sockets.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

import { openSession, postMessage, rawRequest, sseEvents, startHttpServer, waitFor } from './helpers.mjs';

const PING = { jsonrpc: '2.0', id: 1, method: 'ping' };

async function pingStatus(url, sessionId) {
  const res = await postMessage(url, PING, { sessionId });
  await res.arrayBuffer();
  return res.status;
}

describe('HTTP session expiry', { timeout: 120000 }, () => {
  let server;
  before(async () => {
    server = await startHttpServer('warden-everything', { args: ['--session-idle-timeout-ms', '200'] });
  });
  after(async () => {
    await server?.kill();
  });

  it('an idle session is closed and then answers 404', async () => {
    const id = await openSession(server.url);
    // Every check uses the session again, so wait longer each time: no assumption about how
    // soon the sweep runs on a loaded machine.
    let status = 200;
    for (let wait = 400; status === 200 && wait < 60000; wait *= 2) {
      await sleep(wait);
      status = await pingStatus(server.url, id);
    }
    assert.equal(status, 404);
  });
});

describe('HTTP session cap', { timeout: 120000 }, () => {
  let server;
  before(async () => {
    server = await startHttpServer('warden-everything', { args: ['--max-sessions', '2'] });
  });
  after(async () => {
    await server?.kill();
  });

  it('initialize past --max-sessions is 503; ending a session frees a place', async () => {
    const a = await openSession(server.url);
    await openSession(server.url);
    await assert.rejects(openSession(server.url), /initialize answered 503/);
    const del = await rawRequest(server.url, { method: 'DELETE', headers: { 'Mcp-Session-Id': a } });
    assert.equal(del.status, 200);
    assert.match(await openSession(server.url), /^[0-9a-f]{32}$/);
  });
});

describe('HTTP graceful shutdown', { timeout: 120000 }, () => {
  let server;
  before(async () => {
    server = await startHttpServer('warden-everything', { args: ['--shutdown-grace-ms', '20000'] });
  });
  after(async () => {
    await server?.kill();
  });

  it('SIGTERM lets a call in flight finish, refuses new work, then exits 0', async () => {
    const sessionId = await openSession(server.url);
    const res = await postMessage(
      server.url,
      { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'test_tool_with_progress', arguments: {}, _meta: { progressToken: 't' } } },
      { sessionId },
    );
    assert.equal(res.status, 200);
    const events = sseEvents(res);
    const messages = [];
    // Wait for the first progress notification: the tool is running.
    for (;;) {
      const { value, done } = await events.next();
      assert.ok(!done, 'the stream ended before any progress');
      if (!value.data) continue;
      messages.push(JSON.parse(value.data));
      if (messages.at(-1).method === 'notifications/progress') break;
    }
    process.kill(server.child.pid, 'SIGTERM');
    // The signal is handled asynchronously: wait until the server says it is shutting down.
    await waitFor(() => /shutting down/.test(server.stderr()), 20000, 'the server to begin shutting down');

    // New work is refused: the connection fails, or it gets 503.
    const late = await fetch(`${server.origin}/healthz`).then(
      async (r) => {
        await r.arrayBuffer();
        return r.status;
      },
      () => 'refused',
    );
    assert.ok(late === 'refused' || late === 503, `a request after SIGTERM got ${late}`);

    for await (const e of { [Symbol.asyncIterator]: () => events }) if (e.data) messages.push(JSON.parse(e.data));
    const results = messages.filter((m) => m.id === 7);
    assert.equal(results.length, 1, 'the call in flight completes');
    assert.equal(results[0].result.content[0].text, 'Tool with progress executed successfully');

    const { code, signal } = await server.exited;
    assert.equal(signal, null);
    assert.equal(code, 0);
  });
});

describe('HTTP slow clients', { timeout: 120000 }, () => {
  let server;
  before(async () => {
    server = await startHttpServer('warden-everything', { args: ['--read-timeout-ms', '1000'] });
  });
  after(async () => {
    await server?.kill();
  });

  it('a client dribbling its headers past the read timeout is dropped; others are served', async () => {
    const socket = net.connect(server.port, '127.0.0.1');
    await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    let closed = false;
    let received = '';
    socket.on('data', (c) => (received += c));
    socket.on('error', () => {});
    const closedPromise = new Promise((resolve) => socket.once('close', resolve)).then(() => (closed = true));
    socket.write(`POST /mcp HTTP/1.1\r\nHost: ${server.hostHeader}\r\n`);

    // Meanwhile another client is served.
    const other = await rawRequest(`${server.origin}/healthz`);
    assert.equal(other.status, 200);

    // One header byte every 200 ms, never finishing the headers; bounded in count.
    for (let i = 0; i < 300 && !closed; ++i) {
      if (!socket.destroyed) socket.write(i % 2 ? 'a' : 'X');
      await sleep(200);
    }
    await Promise.race([closedPromise, sleep(1000)]);
    assert.ok(closed, 'the slow connection was closed by the server');
    assert.doesNotMatch(received, /^HTTP\/1\.1 2/);
  });
});

describe('HTTP connection limits from the command line', { timeout: 120000 }, () => {
  let server;
  before(async () => {
    server = await startHttpServer('warden-everything', {
      args: ['--max-connections', '2', '--keep-alive-timeout-ms', '300', '--sse-retry-ms', '2500'],
    });
  });
  after(async () => {
    await server?.kill();
  });

  // A raw keep-alive connection; `request()` sends a GET /healthz and resolves with the
  // response head once it arrives.
  async function openConnection() {
    const socket = net.connect(server.port, '127.0.0.1');
    socket.on('error', () => {});
    await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    let received = '';
    socket.on('data', (c) => (received += c));
    const closed = new Promise((resolve) => socket.once('close', resolve));
    const request = async () => {
      const before = received.length;
      socket.write(`GET /healthz HTTP/1.1\r\nHost: ${server.hostHeader}\r\n\r\n`);
      await waitFor(() => received.length > before && received.includes('\r\n\r\n', before), 5000, 'a response');
      return received.slice(before);
    };
    return { socket, request, closed };
  }

  it('--keep-alive-timeout-ms closes an idle keep-alive connection', async () => {
    const c = await openConnection();
    assert.match(await c.request(), /^HTTP\/1\.1 200 /);
    const started = Date.now();
    await Promise.race([c.closed, sleep(5000)]);
    assert.ok(c.socket.destroyed || c.socket.readableEnded, 'the server closed the idle connection');
    assert.ok(Date.now() - started < 4000);
  });

  it('--max-connections: a request on a connection over the limit gets 503', async () => {
    const a = await openConnection();
    const b = await openConnection();
    assert.match(await a.request(), /^HTTP\/1\.1 200 /);
    assert.match(await b.request(), /^HTTP\/1\.1 200 /);
    const c = await openConnection();
    assert.match(await c.request(), /^HTTP\/1\.1 503 /);
    for (const x of [a, b, c]) x.socket.destroy();
    // Once they are gone, new connections are served again.
    let status = 0;
    for (let i = 0; i < 100 && status !== 200; ++i) {
      status = (await rawRequest(`${server.origin}/healthz`)).status;
      if (status !== 200) await sleep(50);
    }
    assert.equal(status, 200);
  });

  it('--sse-retry-ms sets the retry of priming events', async () => {
    const sessionId = await openSession(server.url);
    const res = await rawStream(server.url, sessionId);
    assert.equal(res.status, 200);
    const { value: priming } = await sseEvents(res.body)[Symbol.asyncIterator]().next();
    assert.equal(priming.retry, 2500);
    res.controller.abort();
  });

  // The standalone GET stream of a session (its first event is the priming event).
  async function rawStream(url, sessionId) {
    const controller = new AbortController();
    const res = await fetch(url, {
      headers: { Accept: 'text/event-stream', 'Mcp-Session-Id': sessionId, 'MCP-Protocol-Version': '2025-11-25' },
      signal: controller.signal,
    });
    return { status: res.status, body: res, controller };
  }
});
