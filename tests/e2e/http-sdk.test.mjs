// warden-everything over Streamable HTTP with the official TypeScript SDK client, stateful
// and stateless.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';

import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  LoggingMessageNotificationSchema,
  ResourceUpdatedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';

import { connectHttp, echoSampling, startHttpServer, waitFor } from './helpers.mjs';

function clientHandlers(record) {
  return (client) => {
    client.setRequestHandler(CreateMessageRequestSchema, async (request) => {
      record.sampling.push(request.params);
      return echoSampling(request);
    });
    client.setRequestHandler(ElicitRequestSchema, async (request) => {
      record.elicit.push(request.params);
      return { action: 'accept', content: { username: 'ada', email: 'ada@example.com' } };
    });
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => record.logs.push(n.params));
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => record.updated.push(n.params));
  };
}

describe('SDK client over HTTP (stateful)', { timeout: 120000 }, () => {
  let server;
  let peer;
  const record = { sampling: [], elicit: [], logs: [], updated: [] };

  before(async () => {
    server = await startHttpServer('warden-everything', { env: { WARDEN_EVERYTHING_WATCH_MS: '100' } });
    peer = await connectHttp(server.url, {
      capabilities: { sampling: {}, elicitation: {} },
      setup: clientHandlers(record),
      transportOptions: {
        reconnectionOptions: {
          initialReconnectionDelay: 50,
          maxReconnectionDelay: 1000,
          reconnectionDelayGrowFactor: 1.5,
          maxRetries: 20,
        },
      },
    });
  });
  after(async () => {
    await peer?.close().catch(() => {});
    await server?.kill();
  });

  it('initializes a session and negotiates the latest version', () => {
    assert.match(peer.transport.inner.sessionId, /^[0-9a-f]{32}$/);
    assert.equal(peer.client.getServerVersion().name, 'warden-everything');
    assert.ok(peer.client.getServerCapabilities().resources.subscribe);
  });

  it('lists and calls tools', async () => {
    const { tools } = await peer.client.listTools();
    assert.ok(tools.some((t) => t.name === 'test_simple_text'));
    const result = await peer.client.callTool({ name: 'test_simple_text', arguments: {} });
    assert.deepEqual(result.content, [{ type: 'text', text: 'This is a simple text response for testing.' }]);
  });

  it('delivers log notifications sent during a call', async () => {
    const before = record.logs.length;
    const result = await peer.client.callTool({ name: 'test_tool_with_logging', arguments: {} });
    assert.equal(result.content[0].text, 'Tool with logging executed successfully');
    await waitFor(() => record.logs.length >= before + 3, 5000, 'three log notifications');
  });

  it('delivers progress notifications', async () => {
    const progress = [];
    const result = await peer.client.callTool({ name: 'test_tool_with_progress', arguments: {} }, undefined, {
      onprogress: (p) => progress.push(p.progress),
    });
    assert.equal(result.content[0].text, 'Tool with progress executed successfully');
    await waitFor(() => progress.length === 3, 5000, 'three progress notifications');
    assert.deepEqual(progress, [0, 50, 100]);
  });

  it('answers sampling requests', async () => {
    const result = await peer.client.callTool({ name: 'test_sampling', arguments: { prompt: 'What is 2+2?' } });
    assert.equal(result.content[0].text, 'LLM response: echo:What is 2+2?');
    assert.equal(record.sampling.at(-1).maxTokens, 100);
  });

  it('answers elicitation requests', async () => {
    const result = await peer.client.callTool({ name: 'test_elicitation', arguments: { message: 'Who are you?' } });
    assert.equal(result.content[0].text, 'User response: action=accept, content={"username":"ada","email":"ada@example.com"}');
    assert.equal(record.elicit.at(-1).message, 'Who are you?');
  });

  it('reconnects when the server closes the stream mid-call (SEP-1699)', async () => {
    const result = await peer.client.callTool({ name: 'test_reconnection', arguments: {} });
    assert.match(result.content[0].text, /Reconnection test completed successfully/);
  });

  it('lists, reads and subscribes to resources', async () => {
    const { resources } = await peer.client.listResources();
    assert.ok(resources.some((r) => r.uri === 'test://static-text'));
    const { resourceTemplates } = await peer.client.listResourceTemplates();
    assert.ok(resourceTemplates.some((t) => t.uriTemplate === 'test://template/{id}/data'));
    const read = await peer.client.readResource({ uri: 'test://static-text' });
    assert.equal(read.contents[0].uri, 'test://static-text');
    await peer.client.subscribeResource({ uri: 'test://watched-resource' });
    await waitFor(
      () => record.updated.some((u) => u.uri === 'test://watched-resource'),
      20000,
      'notifications/resources/updated on the standalone stream',
    );
    await peer.client.unsubscribeResource({ uri: 'test://watched-resource' });
  });

  it('lists and gets prompts', async () => {
    const { prompts } = await peer.client.listPrompts();
    assert.ok(prompts.some((p) => p.name === 'test_prompt_with_arguments'));
    const prompt = await peer.client.getPrompt({
      name: 'test_prompt_with_arguments',
      arguments: { arg1: 'a', arg2: 'b' },
    });
    assert.ok(prompt.messages.length > 0);
  });

  it('ends the session with DELETE on terminateSession', async () => {
    const other = await connectHttp(server.url);
    const id = other.transport.inner.sessionId;
    await other.transport.inner.terminateSession();
    const res = await fetch(server.url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json, text/event-stream',
        'Mcp-Session-Id': id,
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
    });
    assert.equal(res.status, 404);
    await res.arrayBuffer();
    await other.close();
  });
});

describe('SDK client over HTTP (stateless)', { timeout: 120000 }, () => {
  let server;
  let peer;
  const record = { sampling: [], elicit: [], logs: [], updated: [] };

  before(async () => {
    server = await startHttpServer('warden-everything', { args: ['--stateless'] });
    peer = await connectHttp(server.url, {
      capabilities: { sampling: {}, elicitation: {} },
      setup: clientHandlers(record),
    });
  });
  after(async () => {
    await peer?.close().catch(() => {});
    await server?.kill();
  });

  it('has no session id', () => {
    assert.equal(peer.transport.inner.sessionId, undefined);
  });

  it('lists and calls tools', async () => {
    const { tools } = await peer.client.listTools();
    assert.ok(tools.some((t) => t.name === 'test_simple_text'));
    const result = await peer.client.callTool({ name: 'test_simple_text', arguments: {} });
    assert.equal(result.content[0].text, 'This is a simple text response for testing.');
  });

  it('streams progress within one POST', async () => {
    const progress = [];
    const result = await peer.client.callTool({ name: 'test_tool_with_progress', arguments: {} }, undefined, {
      onprogress: (p) => progress.push(p.progress),
    });
    assert.equal(result.content[0].text, 'Tool with progress executed successfully');
    await waitFor(() => progress.length === 3, 5000, 'three progress notifications');
  });

  it('sampling fails cleanly: an error result, no request to the client', async () => {
    const result = await peer.client.callTool({ name: 'test_sampling', arguments: { prompt: 'hi' } });
    assert.equal(result.isError, true);
    assert.match(result.content[0].text, /Sampling not supported or error/);
    assert.equal(record.sampling.length, 0);
  });

  it('elicitation fails cleanly: an error result, no request to the client', async () => {
    const result = await peer.client.callTool({ name: 'test_elicitation', arguments: { message: 'x' } });
    assert.equal(result.isError, true);
    assert.match(result.content[0].text, /Elicitation not supported or error/);
    assert.equal(record.elicit.length, 0);
  });

  it('reads resources and gets prompts', async () => {
    const read = await peer.client.readResource({ uri: 'test://static-text' });
    assert.equal(read.contents[0].uri, 'test://static-text');
    const prompt = await peer.client.getPrompt({ name: 'test_simple_prompt' });
    assert.ok(prompt.messages.length > 0);
  });
});
