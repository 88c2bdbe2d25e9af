// Lifecycle and JSON-RPC framing of warden-everything over stdio.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { connect, RawServer } from './helpers.mjs';

describe('warden-everything: initialize with the SDK client', () => {
  let peer;
  before(async () => {
    peer = await connect('warden-everything');
  });
  after(async () => {
    await peer?.close();
  });

  it('reports its server info and instructions', () => {
    const info = peer.client.getServerVersion();
    assert.equal(info.name, 'warden-everything');
    assert.match(info.version, /^\d+\.\d+\.\d+/);
    assert.equal(info.title, 'Warden conformance fixture');
    assert.ok(peer.client.getInstructions()?.length > 0);
  });

  it('declares tools, resources (subscribe), prompts, logging and completions', () => {
    const caps = peer.client.getServerCapabilities();
    assert.ok(caps.tools, 'tools');
    assert.equal(caps.resources?.subscribe, true);
    assert.ok(caps.prompts, 'prompts');
    assert.deepEqual(caps.logging, {});
    assert.deepEqual(caps.completions, {});
  });

  it('negotiates the latest version the client asked for', () => {
    const init = peer.transport.received.find((m) => m.result?.protocolVersion);
    assert.equal(init.result.protocolVersion, '2025-11-25');
  });

  it('answers ping with an empty object', async () => {
    assert.deepEqual(await peer.client.ping(), {});
  });

  it('accepts logging/setLevel', async () => {
    assert.deepEqual(await peer.client.setLoggingLevel('warning'), {});
  });
});

describe('warden-everything: JSON-RPC over raw stdio', () => {
  let server;
  before(() => {
    server = new RawServer('warden-everything');
  });
  after(async () => {
    await server?.close();
  });

  it('refuses requests before initialize', async () => {
    const response = await server.request(1, 'tools/list', {});
    assert.equal(response.error?.code, -32600);
  });

  it('still answers ping before initialize', async () => {
    const response = await server.request('early-ping', 'ping');
    assert.deepEqual(response.result, {});
  });

  it('answers an older supported version with that version', async () => {
    const response = await server.initialize('2025-06-18');
    assert.equal(response.result.protocolVersion, '2025-06-18');
  });

  it('answers a malformed line with a parse error and goes on', async () => {
    const from = server.messages.length;
    server.writeLine('{"jsonrpc":"2.0","id":7,"method":');
    const error = await server.next((m) => m.error?.code === -32700, { from });
    assert.equal(error.id, null);
    const pong = await server.request(8, 'ping');
    assert.deepEqual(pong.result, {});
  });

  it('answers a message that is not a request with invalid request', async () => {
    const from = server.messages.length;
    server.writeLine({ jsonrpc: '2.0', id: 9, method: 42 });
    const error = await server.next((m) => m.error?.code === -32600, { from });
    assert.equal(error.id, 9);
  });

  it('rejects JSON-RPC batches under 2025-06-18', async () => {
    const from = server.messages.length;
    server.writeLine([
      { jsonrpc: '2.0', id: 10, method: 'ping' },
      { jsonrpc: '2.0', id: 11, method: 'ping' },
    ]);
    const error = await server.next((m) => m.error?.code === -32600, { from });
    assert.equal(error.id, null);
    assert.equal(server.messages.slice(from).some((m) => m.id === 10 || m.id === 11), false);
  });

  it('answers an unknown method with method not found', async () => {
    const response = await server.request(12, 'tools/explode', {});
    assert.equal(response.error?.code, -32601);
  });

  it('answers a bad list cursor with invalid params', async () => {
    const response = await server.request(13, 'tools/list', { cursor: 'not-a-cursor' });
    assert.equal(response.error?.code, -32602);
  });

  it('answers an unknown tool with invalid params', async () => {
    const response = await server.request(14, 'tools/call', { name: 'no_such_tool' });
    assert.equal(response.error?.code, -32602);
  });

  it('does not answer notifications', async () => {
    const from = server.messages.length;
    server.writeLine({ jsonrpc: '2.0', method: 'notifications/roots/list_changed' });
    const pong = await server.request(15, 'ping');
    assert.deepEqual(pong.result, {});
    assert.equal(server.messages.length - from, 1);
  });

  it('exits cleanly when stdin closes', async () => {
    assert.equal(await server.close(), 0);
  });
});

describe('warden-everything: version negotiation', () => {
  it('answers an unsupported version with the latest it speaks', async () => {
    const server = new RawServer('warden-everything');
    try {
      const response = await server.initialize('1999-01-01');
      assert.equal(response.result.protocolVersion, '2025-11-25');
    } finally {
      await server.close();
    }
  });

  it('processes batches under 2025-03-26', async () => {
    const server = new RawServer('warden-everything');
    try {
      await server.initialize('2025-03-26');
      const from = server.messages.length;
      server.writeLine([
        { jsonrpc: '2.0', id: 'a', method: 'ping' },
        { jsonrpc: '2.0', id: 'b', method: 'ping' },
      ]);
      const batch = await server.next((m) => Array.isArray(m), { from });
      assert.deepEqual(batch.map((r) => r.id).sort(), ['a', 'b']);
    } finally {
      await server.close();
    }
  });
});
