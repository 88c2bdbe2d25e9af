// The Streamable HTTP transport's status codes, over real sockets on 127.0.0.1, with raw
// requests an SDK client would never send.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';

import { POST_ACCEPT, openSession, postMessage, rawRequest, readMessages, startHttpServer } from './helpers.mjs';

const PING = { jsonrpc: '2.0', id: 1, method: 'ping' };

function jsonHeaders(extra = {}) {
  return { 'Content-Type': 'application/json', Accept: POST_ACCEPT, ...extra };
}

describe('HTTP status codes (stateful)', { timeout: 120000 }, () => {
  let server;
  let sessionId;

  before(async () => {
    server = await startHttpServer('warden-everything', { args: ['--max-body-bytes', '65536'] });
    sessionId = await openSession(server.url);
  });
  after(async () => {
    await server?.kill();
  });

  it('initialize answers 200 with a 32-hex-char Mcp-Session-Id', () => {
    assert.match(sessionId, /^[0-9a-f]{32}$/);
  });

  it('GET /healthz answers 200 ok', async () => {
    const res = await rawRequest(`${server.origin}/healthz`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.json, { status: 'ok' });
  });

  it('an unknown path answers 404', async () => {
    const res = await rawRequest(`${server.origin}/nope`);
    assert.equal(res.status, 404);
  });

  it('a request answers 200 with its response', async () => {
    const res = await postMessage(server.url, PING, { sessionId });
    assert.equal(res.status, 200);
    const [answer] = await readMessages(res);
    assert.deepEqual(answer, { jsonrpc: '2.0', id: 1, result: {} });
  });

  it('202 for a notification', async () => {
    const res = await postMessage(
      server.url,
      { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 'none' } },
      { sessionId },
    );
    assert.equal(res.status, 202);
    assert.equal(await res.text(), '');
  });

  it('202 for a response', async () => {
    const res = await postMessage(server.url, { jsonrpc: '2.0', id: 'nobody-asked', result: {} }, { sessionId });
    assert.equal(res.status, 202);
  });

  it('400 without Mcp-Session-Id', async () => {
    const res = await postMessage(server.url, PING);
    assert.equal(res.status, 400);
    assert.equal((await res.json()).error.code, -32600);
  });

  it('400 for an unsupported MCP-Protocol-Version', async () => {
    const res = await postMessage(server.url, PING, {
      sessionId,
      headers: { 'MCP-Protocol-Version': '1999-01-01' },
    });
    assert.equal(res.status, 400);
    assert.match((await res.json()).error.message, /MCP-Protocol-Version/);
  });

  it('400 with a -32700 body for malformed JSON', async () => {
    const res = await postMessage(server.url, '{"jsonrpc": "2.0", "id": 1,', { sessionId });
    assert.equal(res.status, 400);
    const body = await res.json();
    assert.equal(body.jsonrpc, '2.0');
    assert.equal(body.id, null);
    assert.equal(body.error.code, -32700);
  });

  it('400 for a batch containing initialize', async () => {
    const res = await postMessage(server.url, [
      {
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-03-26', capabilities: {}, clientInfo: { name: 'x', version: '1' } },
      },
      PING,
    ]);
    assert.equal(res.status, 400);
    assert.match((await res.json()).error.message, /initialize/);
  });

  it('403 for a foreign Host, without CORS headers', async () => {
    const res = await rawRequest(server.url, {
      method: 'POST',
      headers: jsonHeaders({ Host: `evil.example:${server.port}`, 'Mcp-Session-Id': sessionId }),
      body: JSON.stringify(PING),
    });
    assert.equal(res.status, 403);
    assert.equal(res.headers['access-control-allow-origin'], undefined);
  });

  it('403 for a missing Host (HTTP/1.0 style)', async () => {
    const reply = await new Promise((resolve, reject) => {
      const socket = net.connect(server.port, '127.0.0.1');
      let data = '';
      socket.on('data', (c) => (data += c));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
      socket.write('GET /healthz HTTP/1.0\r\n\r\n');
    });
    assert.match(reply, /^HTTP\/1\.0 403 /);
  });

  it('403 for a foreign Origin, without CORS headers', async () => {
    for (const origin of [
      'http://evil.example',
      'null',
      'file://',
      'http://localhost.evil.example',
      'http://127.0.0.1.evil.example',
    ]) {
      const res = await rawRequest(server.url, {
        method: 'POST',
        headers: jsonHeaders({ Origin: origin, 'Mcp-Session-Id': sessionId }),
        body: JSON.stringify(PING),
      });
      assert.equal(res.status, 403, origin);
      assert.equal(res.headers['access-control-allow-origin'], undefined, origin);
    }
  });

  it('an allowed loopback Origin gets CORS headers', async () => {
    for (const origin of ['http://localhost:5173', server.origin, `http://[::1]:${server.port}`]) {
      const res = await rawRequest(server.url, {
        method: 'POST',
        headers: jsonHeaders({ Origin: origin, 'Mcp-Session-Id': sessionId, 'MCP-Protocol-Version': '2025-11-25' }),
        body: JSON.stringify(PING),
      });
      assert.equal(res.status, 200, origin);
      assert.equal(res.headers['access-control-allow-origin'], origin);
      assert.match(res.headers.vary, /Origin/);
      assert.match(res.headers['access-control-expose-headers'], /Mcp-Session-Id/);
    }
  });

  it('an OPTIONS preflight lists the headers a browser client needs', async () => {
    const res = await rawRequest(server.url, {
      method: 'OPTIONS',
      headers: {
        Origin: 'http://127.0.0.1:5173',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization, content-type, mcp-session-id',
      },
    });
    assert.ok(res.status === 204 || res.status === 200, `status ${res.status}`);
    assert.equal(res.headers['access-control-allow-origin'], 'http://127.0.0.1:5173');
    const allowHeaders = res.headers['access-control-allow-headers'].toLowerCase().split(/\s*,\s*/);
    for (const h of ['authorization', 'content-type', 'mcp-session-id', 'mcp-protocol-version', 'last-event-id'])
      assert.ok(allowHeaders.includes(h), `allow-headers lacks ${h}`);
    const allowMethods = res.headers['access-control-allow-methods'].split(/\s*,\s*/);
    for (const m of ['GET', 'POST', 'DELETE']) assert.ok(allowMethods.includes(m), `allow-methods lacks ${m}`);
    const expose = res.headers['access-control-expose-headers'].toLowerCase().split(/\s*,\s*/);
    for (const h of ['mcp-session-id', 'www-authenticate']) assert.ok(expose.includes(h), `expose-headers lacks ${h}`);
  });

  it('404 for an unknown session', async () => {
    const res = await postMessage(server.url, PING, { sessionId: '0123456789abcdef0123456789abcdef' });
    assert.equal(res.status, 404);
    const get = await fetch(server.url, {
      headers: { Accept: 'text/event-stream', 'Mcp-Session-Id': '0123456789abcdef0123456789abcdef' },
    });
    assert.equal(get.status, 404);
    await get.arrayBuffer();
  });

  it('405 for PUT, with Allow', async () => {
    const res = await rawRequest(server.url, { method: 'PUT', headers: jsonHeaders(), body: '{}' });
    assert.equal(res.status, 405);
    assert.match(res.headers.allow, /POST/);
  });

  it('406 when Accept lacks a required type', async () => {
    for (const accept of ['application/json', 'text/event-stream', 'text/html', 'application/json, text/event-stream;q=0']) {
      const res = await postMessage(server.url, PING, { sessionId, headers: { Accept: accept } });
      assert.equal(res.status, 406, accept);
      await res.arrayBuffer();
    }
    const get = await fetch(server.url, { headers: { Accept: 'application/json', 'Mcp-Session-Id': sessionId } });
    assert.equal(get.status, 406);
    await get.arrayBuffer();
  });

  it('409 for a second standalone GET stream', async () => {
    const controller = new AbortController();
    const headers = { Accept: 'text/event-stream', 'Mcp-Session-Id': sessionId, 'MCP-Protocol-Version': '2025-11-25' };
    const first = await fetch(server.url, { headers, signal: controller.signal });
    try {
      assert.equal(first.status, 200);
      assert.match(first.headers.get('content-type'), /^text\/event-stream/);
      const second = await fetch(server.url, { headers });
      assert.equal(second.status, 409);
      await second.arrayBuffer();
    } finally {
      controller.abort();
    }
  });

  it('413 for a body over --max-body-bytes', async () => {
    const big = JSON.stringify({ ...PING, params: { pad: 'x'.repeat(100 * 1024) } });
    const res = await rawRequest(server.url, {
      method: 'POST',
      headers: jsonHeaders({ 'Mcp-Session-Id': sessionId }),
      body: big,
    });
    assert.equal(res.status, 413);
  });

  it('a body just under the limit is served', async () => {
    const body = JSON.stringify({ ...PING, params: { _meta: { pad: 'x'.repeat(60 * 1024) } } });
    const res = await postMessage(server.url, body, { sessionId });
    assert.equal(res.status, 200);
    await res.arrayBuffer();
  });

  it('415 for a wrong Content-Type', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
      const res = await postMessage(server.url, PING, { sessionId, headers: { 'Content-Type': type } });
      assert.equal(res.status, 415, type);
      await res.arrayBuffer();
    }
    const ok = await postMessage(server.url, PING, {
      sessionId,
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
    });
    assert.equal(ok.status, 200);
    await ok.arrayBuffer();
  });

  it('431 for oversized headers', async () => {
    const res = await rawRequest(server.url, {
      method: 'POST',
      headers: jsonHeaders({ 'Mcp-Session-Id': sessionId, 'X-Padding': 'x'.repeat(32 * 1024) }),
      body: JSON.stringify(PING),
    });
    assert.equal(res.status, 431);
  });

  it('DELETE ends a session; it is 404 afterwards', async () => {
    const id = await openSession(server.url);
    const del = await rawRequest(server.url, { method: 'DELETE', headers: { 'Mcp-Session-Id': id } });
    assert.equal(del.status, 200);
    const after = await postMessage(server.url, PING, { sessionId: id });
    assert.equal(after.status, 404);
    await after.arrayBuffer();
    const again = await rawRequest(server.url, { method: 'DELETE', headers: { 'Mcp-Session-Id': id } });
    assert.equal(again.status, 404);
  });

  it('DELETE without a session id is 400', async () => {
    const res = await rawRequest(server.url, { method: 'DELETE' });
    assert.equal(res.status, 400);
  });
});

describe('HTTP status codes (default body limit)', { timeout: 120000 }, () => {
  let server;
  before(async () => {
    server = await startHttpServer();
  });
  after(async () => {
    await server?.kill();
  });

  it('413 for a body over the default 4 MiB', async () => {
    const big = JSON.stringify({ ...PING, params: { pad: 'x'.repeat(4 * 1024 * 1024 + 1) } });
    const res = await rawRequest(server.url, { method: 'POST', headers: jsonHeaders(), body: big });
    assert.equal(res.status, 413);
  });
});

describe('HTTP status codes (stateless)', { timeout: 120000 }, () => {
  let server;
  before(async () => {
    server = await startHttpServer('warden-everything', { args: ['--stateless'] });
  });
  after(async () => {
    await server?.kill();
  });

  it('a POST needs no session and gets no session id', async () => {
    const res = await postMessage(server.url, PING, { headers: { 'MCP-Protocol-Version': '2025-11-25' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('mcp-session-id'), null);
    const [answer] = await readMessages(res);
    assert.deepEqual(answer.result, {});
  });

  it('initialize gets no session id', async () => {
    const res = await postMessage(server.url, {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'x', version: '1' } },
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('mcp-session-id'), null);
    const [answer] = await readMessages(res);
    assert.equal(answer.result.protocolVersion, '2025-11-25');
  });

  it('405 for GET and DELETE', async () => {
    for (const method of ['GET', 'DELETE']) {
      const res = await rawRequest(server.url, { method, headers: { Accept: 'text/event-stream' } });
      assert.equal(res.status, 405, method);
      assert.match(res.headers.allow, /POST/);
    }
  });

  it('202 for a notification', async () => {
    const res = await postMessage(server.url, { jsonrpc: '2.0', method: 'notifications/initialized' });
    assert.equal(res.status, 202);
  });
});

// However the bytes of a request arrive, it is read whole and answered once, in order: the
// body in the headers' packet (parsed from the buffer), the body later (read), several
// requests in one write (pipelined), a chunked body, a body split mid-way.
describe('HTTP request framing (stateless)', { timeout: 120000 }, () => {
  let server;

  before(async () => {
    server = await startHttpServer('warden-everything', { args: ['--stateless', '--json-response'] });
  });
  after(async () => {
    await server?.kill();
  });

  // Writes `parts` with `gapMs` between them; resolves with everything read until `count`
  // HTTP responses have arrived (counted by their status lines).
  function exchange(parts, count, gapMs = 0) {
    return new Promise((resolve, reject) => {
      const socket = net.connect(server.port, '127.0.0.1');
      let data = '';
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`timed out; got: ${data}`));
      }, 10000);
      socket.on('data', (chunk) => {
        data += chunk;
        if ((data.match(/HTTP\/1\.1 \d{3} /g) ?? []).length >= count && data.endsWith('}')) {
          clearTimeout(timer);
          socket.end();
          resolve(data);
        }
      });
      socket.on('error', reject);
      socket.on('connect', async () => {
        for (const part of parts) {
          socket.write(part);
          if (gapMs) await new Promise((r) => setTimeout(r, gapMs));
        }
      });
    });
  }
  function post(body, extra = '') {
    return (
      `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nContent-Type: application/json\r\n` +
      `Accept: ${POST_ACCEPT}\r\nMCP-Protocol-Version: 2025-11-25\r\n${extra}` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
    );
  }
  const ping = (id) => JSON.stringify({ jsonrpc: '2.0', id, method: 'ping' });
  const ids = (data) => [...data.matchAll(/"id":(\d+)/g)].map((m) => Number(m[1]));

  it('headers and body in one packet', async () => {
    const data = await exchange([post(ping(1))], 1);
    assert.match(data, /^HTTP\/1\.1 200 /);
    assert.deepEqual(ids(data), [1]);
  });

  it('the body after the headers, in two pieces', async () => {
    const whole = post(ping(2));
    const cut = whole.indexOf('\r\n\r\n') + 4;
    const data = await exchange([whole.slice(0, cut), whole.slice(cut, cut + 10), whole.slice(cut + 10)], 1, 50);
    assert.match(data, /^HTTP\/1\.1 200 /);
    assert.deepEqual(ids(data), [2]);
  });

  it('three pipelined requests in one write are answered in order', async () => {
    const data = await exchange([post(ping(3)) + post(ping(4)) + post(ping(5))], 3);
    assert.equal((data.match(/HTTP\/1\.1 200 /g) ?? []).length, 3);
    assert.deepEqual(ids(data), [3, 4, 5]);
  });

  it('a chunked body in the headers packet', async () => {
    const body = ping(6);
    const head =
      `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nContent-Type: application/json\r\n` +
      `Accept: ${POST_ACCEPT}\r\nTransfer-Encoding: chunked\r\n\r\n`;
    const half = Math.floor(body.length / 2);
    const chunks =
      `${half.toString(16)}\r\n${body.slice(0, half)}\r\n` +
      `${(body.length - half).toString(16)}\r\n${body.slice(half)}\r\n0\r\n\r\n`;
    const data = await exchange([head + chunks], 1);
    assert.match(data, /^HTTP\/1\.1 200 /);
    assert.deepEqual(ids(data), [6]);
  });
});
