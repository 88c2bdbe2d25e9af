// warden-everything in MCP 2026-07-28 with the TypeScript SDK v2 client (2.4.0): pinned
// to the modern revision over HTTP and stdio, and in auto mode.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';

import { binary, sseEvents, startHttpServer, waitFor, POST_ACCEPT } from './helpers.mjs';

const MODERN = '2026-07-28';

// Elicitation and roots, not sampling: test_missing_capability must still miss it.
function newClient(mode) {
  const client = new Client(
    { name: 'warden-e2e-v2', version: '1.0.0' },
    { capabilities: { elicitation: { form: {} }, roots: {} }, versionNegotiation: { mode } },
  );
  client.setRequestHandler('elicitation/create', (request) => ({
    action: 'accept',
    content: request.params.message.includes('color') ? { color: 'teal' } : { name: 'Robin' },
  }));
  client.setRequestHandler('roots/list', () => ({ roots: [{ uri: 'file:///work', name: 'work' }] }));
  return client;
}

// What both transports must do the same way.
function commonChecks(peer) {
  it('speaks 2026-07-28', () => {
    assert.equal(peer().client.getNegotiatedProtocolVersion(), MODERN);
    assert.equal(peer().client.getProtocolEra(), 'modern');
  });

  it('lists tools in a stable order and calls one', async () => {
    const first = await peer().client.listTools();
    const second = await peer().client.listTools();
    assert.deepEqual(first.tools.map((t) => t.name), second.tools.map((t) => t.name));
    const result = await peer().client.callTool({ name: 'test_simple_text', arguments: {} });
    assert.deepEqual(result.content, [
      { type: 'text', text: 'This is a simple text response for testing.' },
    ]);
  });

  it('keeps JSON Schema 2020-12 keywords in inputSchema', async () => {
    const { tools } = await peer().client.listTools();
    const schema = tools.find((t) => t.name === 'json_schema_2020_12_tool').inputSchema;
    assert.equal(schema.$defs.address.$anchor, 'addressDef');
    assert.ok(Array.isArray(schema.allOf));
    assert.ok(schema.if && schema.then && schema.else);
  });

  it('reads resources and templates, and gets prompts', async () => {
    const { resources } = await peer().client.listResources();
    assert.ok(resources.some((r) => r.uri === 'test://static-text'));
    const read = await peer().client.readResource({ uri: 'test://template/42/data' });
    assert.match(read.contents[0].text, /42/);
    const prompt = await peer().client.getPrompt({
      name: 'test_prompt_with_arguments',
      arguments: { arg1: 'a', arg2: 'b' },
    });
    assert.ok(prompt.messages.length > 0);
  });

  it('completes prompt arguments', async () => {
    const result = await peer().client.complete({
      ref: { type: 'ref/prompt', name: 'test_prompt_with_arguments' },
      argument: { name: 'arg1', value: '' },
    });
    assert.ok(Array.isArray(result.completion.values));
  });

  it('reports progress', async () => {
    const progress = [];
    await peer().client.callTool(
      { name: 'test_tool_with_progress', arguments: {} },
      { onprogress: (p) => progress.push(p) },
    );
    assert.ok(progress.length >= 1, 'progress notifications arrived');
  });

  it('asks for input through InputRequiredResult rounds, answered by the client\'s handlers', async () => {
    const twoRounds = await peer().client.callTool({
      name: 'test_input_required_result_multi_round',
      arguments: {},
    });
    assert.deepEqual(twoRounds.content, [{ type: 'text', text: 'Robin likes teal' }]);
    const roots = await peer().client.callTool({
      name: 'test_input_required_result_list_roots',
      arguments: {},
    });
    assert.deepEqual(roots.content, [{ type: 'text', text: 'Client roots: file:///work' }]);
  });

  it('refuses a tool whose client capability is missing with -32021', async () => {
    await assert.rejects(
      peer().client.callTool({ name: 'test_missing_capability', arguments: {} }),
      (error) => error.code === -32021,
    );
  });

  it('delivers list changes on a subscriptions/listen stream', async () => {
    const changes = [];
    peer().client.setNotificationHandler('notifications/tools/list_changed', () => changes.push(1));
    const subscription = await peer().client.listen({ toolsListChanged: true });
    assert.equal(subscription.honoredFilter.toolsListChanged, true);
    await peer().client.callTool({ name: 'test_trigger_tool_change', arguments: {} });
    await waitFor(() => changes.length > 0, 5000, 'notifications/tools/list_changed');
    await subscription.close();
  });
}

describe('SDK v2 client pinned to 2026-07-28 over HTTP', { timeout: 120000 }, () => {
  let server;
  let peer;
  before(async () => {
    server = await startHttpServer('warden-everything');
    const client = newClient({ pin: MODERN });
    await client.connect(new StreamableHTTPClientTransport(new URL(server.url)));
    peer = { client };
  });
  after(async () => {
    await peer?.client.close().catch(() => {});
    await server?.kill();
  });

  commonChecks(() => peer);

  it('cancels a call when its response stream closes', async () => {
    // A raw POST whose SSE stream is abandoned mid-call: the server must not crash and
    // must keep serving.
    const controller = new AbortController();
    const res = await fetch(server.url, {
      method: 'POST',
      signal: controller.signal,
      headers: {
        'Content-Type': 'application/json',
        Accept: POST_ACCEPT,
        'MCP-Protocol-Version': MODERN,
        'Mcp-Method': 'tools/call',
        'Mcp-Name': 'test_tool_with_progress',
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 'c1',
        method: 'tools/call',
        params: {
          name: 'test_tool_with_progress',
          arguments: {},
          _meta: {
            progressToken: 'p',
            'io.modelcontextprotocol/protocolVersion': MODERN,
            'io.modelcontextprotocol/clientCapabilities': {},
          },
        },
      }),
    });
    assert.equal(res.headers.get('content-type'), 'text/event-stream');
    assert.equal(res.headers.get('x-accel-buffering'), 'no');
    const reader = res.body.getReader();
    await reader.read();
    controller.abort();
    const after = await peer.client.callTool({ name: 'test_simple_text', arguments: {} });
    assert.equal(after.content[0].type, 'text');
  });

  it('answers GET with 405 and ignores Mcp-Session-Id', async () => {
    const res = await fetch(server.url, {
      headers: { Accept: 'text/event-stream', 'MCP-Protocol-Version': MODERN },
    });
    assert.equal(res.status, 405);
  });
});

describe('SDK v2 client pinned to 2026-07-28 over stdio', { timeout: 120000 }, () => {
  let peer;
  before(async () => {
    const client = newClient({ pin: MODERN });
    await client.connect(
      new StdioClientTransport({
        command: binary('warden-everything'),
        args: [],
        env: { ...process.env, WARDEN_EVERYTHING_WATCH_MS: '0' },
        stderr: 'ignore',
      }),
    );
    peer = { client };
  });
  after(async () => {
    await peer?.client.close().catch(() => {});
  });

  commonChecks(() => peer);
});

describe('SDK v2 client in auto mode', { timeout: 120000 }, () => {
  it('picks 2026-07-28 over HTTP', async () => {
    const server = await startHttpServer('warden-everything');
    const client = newClient('auto');
    try {
      await client.connect(new StreamableHTTPClientTransport(new URL(server.url)));
      assert.equal(client.getProtocolEra(), 'modern');
      assert.equal(client.getNegotiatedProtocolVersion(), MODERN);
      const { tools } = await client.listTools();
      assert.ok(tools.length > 0);
    } finally {
      await client.close().catch(() => {});
      await server.kill();
    }
  });
});

describe('2026-07-28 listen streams on shutdown', () => {
  it('a server shutting down ends each listen stream with its result (graceful closure)', async () => {
    const server = await startHttpServer('warden-everything');
    try {
      const listen = {
        jsonrpc: '2.0',
        id: 7,
        method: 'subscriptions/listen',
        params: {
          _meta: {
            'io.modelcontextprotocol/protocolVersion': MODERN,
            'io.modelcontextprotocol/clientCapabilities': {},
          },
          notifications: { toolsListChanged: true },
        },
      };
      const res = await fetch(server.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Accept: POST_ACCEPT,
          'MCP-Protocol-Version': MODERN,
          'Mcp-Method': 'subscriptions/listen',
        },
        body: JSON.stringify(listen),
      });
      assert.equal(res.status, 200);
      const messages = [];
      for await (const event of sseEvents(res)) {
        const message = JSON.parse(event.data);
        messages.push(message);
        // Acknowledged: now stop the server; the stream must end with the result, not be
        // cut when the shutdown's grace period runs out.
        if (message.method === 'notifications/subscriptions/acknowledged') server.child.kill('SIGTERM');
      }
      const last = messages.at(-1);
      assert.equal(last?.id, 7, JSON.stringify(messages));
      assert.ok(last.result, JSON.stringify(last));
    } finally {
      await server.kill();
    }
  });
});
