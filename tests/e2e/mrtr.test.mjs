// MCP 2026-07-28 multi round-trip requests (InputRequiredResult) over HTTP with server-level
// auth on: a real AS (oidc-provider) issues alice's and bob's tokens, warden-everything asks
// for input through InputRequiredResult, and the TypeScript SDK v2 client (2.4.0) answers
// and retries by itself. The sealed requestState is alice's alone: bob cannot use it, a
// tampered one is refused, a used one cannot be replayed, and the server keeps serving.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';

import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';

import { POST_ACCEPT, binary, readMessages, recordSecret, startHttpServer } from './helpers.mjs';
import { startAS, startServer, userToken } from './auth-helpers.mjs';

const MODERN = '2026-07-28';
const TOOL = 'test_input_required_result_elicitation';

/** One raw 2026-07-28 request as `token`'s holder; resolves to its JSON-RPC response. */
async function rpc(url, token, method, params, id) {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: POST_ACCEPT,
      ...(token && { authorization: `Bearer ${token}` }),
      'mcp-protocol-version': MODERN,
      'mcp-method': method,
      ...(params.name && { 'mcp-name': params.name }),
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id,
      method,
      params: {
        ...params,
        _meta: {
          'io.modelcontextprotocol/protocolVersion': MODERN,
          'io.modelcontextprotocol/clientInfo': { name: 'raw', version: '1' },
          'io.modelcontextprotocol/clientCapabilities': { elicitation: {} },
        },
      },
    }),
  });
  assert.equal(res.status, 200, `${method}: HTTP ${res.status}`);
  const messages = await readMessages(res);
  const response = messages.find((m) => m.id === id);
  assert.ok(response, `a response to ${id}`);
  // Not a credential, but no log line should carry one either (scripts/test-log-leak.sh).
  if (response.result?.requestState) recordSecret(response.result.requestState);
  return response;
}

const answer = (name) => ({ user_name: { action: 'accept', content: { name } } });

describe('multi round-trip requests with server-level auth (2026-07-28)', { timeout: 120000 }, () => {
  let as;
  let server;
  const tokens = {};
  let nextId = 1;
  const call = (who, params) =>
    rpc(server.url, tokens[who], 'tools/call', { name: TOOL, arguments: {}, ...params }, `r${nextId++}`);

  before(async () => {
    as = await startAS();
    server = await startServer({ issuer: as.issuer, binaryName: 'warden-everything' });
    tokens.alice = await userToken(as.issuer, server.url, 'alice');
    tokens.bob = await userToken(as.issuer, server.url, 'bob');
  });
  after(async () => {
    await server?.stop();
    await as?.stop();
  });

  it("runs alice's elicitation round trip through the SDK client", async () => {
    const client = new Client(
      { name: 'warden-e2e-mrtr', version: '1.0.0' },
      { capabilities: { elicitation: { form: {} } }, versionNegotiation: { mode: { pin: MODERN } } },
    );
    const asked = [];
    client.setRequestHandler('elicitation/create', (request) => {
      asked.push(request.params.message);
      return { action: 'accept', content: { name: 'Alice' } };
    });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(server.url), {
        requestInit: { headers: { authorization: `Bearer ${tokens.alice}` } },
      }),
    );
    try {
      assert.equal(client.getNegotiatedProtocolVersion(), MODERN);
      const result = await client.callTool({ name: TOOL, arguments: {} });
      assert.deepEqual(result.content, [{ type: 'text', text: 'Hello, Alice!' }]);
      assert.deepEqual(asked, ['What is your name?']);
      const prompt = await client.getPrompt({ name: 'test_input_required_result_prompt' });
      assert.match(prompt.messages[0].content.text, /Use this context/);
    } finally {
      await client.close();
    }
  });

  it("refuses alice's requestState to bob, and alice still completes with it once", async () => {
    const first = await call('alice', {});
    assert.equal(first.result.resultType, 'input_required');
    assert.equal(first.result.inputRequests.user_name.method, 'elicitation/create');
    const state = first.result.requestState;
    assert.equal(typeof state, 'string');

    const stolen = await call('bob', { inputResponses: answer('Mallory'), requestState: state });
    assert.equal(stolen.error?.code, -32602, JSON.stringify(stolen));
    assert.equal(stolen.error.data.reason, 'principal_mismatch');
    assert.ok(!JSON.stringify(stolen).includes(state), 'the error does not echo the state');

    const own = await call('alice', { inputResponses: answer('Alice'), requestState: state });
    assert.deepEqual(own.result.content, [{ type: 'text', text: 'Hello, Alice!' }]);

    const replayed = await call('alice', { inputResponses: answer('Eve'), requestState: state });
    assert.equal(replayed.error?.code, -32602);
    assert.equal(replayed.error.data.reason, 'replayed');
  });

  it('refuses a tampered requestState clearly, and keeps serving everyone', async () => {
    const first = await call('alice', {});
    const state = first.result.requestState;
    const middle = Math.floor(state.length / 2);
    const flipped = state.slice(0, middle) + (state[middle] === 'A' ? 'B' : 'A') + state.slice(middle + 1);
    for (const bad of [flipped, state.slice(0, -4), `${state}-TAMPERED`, 'not-a-state']) {
      const r = await call('alice', { inputResponses: answer('Alice'), requestState: bad });
      assert.equal(r.error?.code, -32602, JSON.stringify(r));
      assert.ok(['malformed', 'authentication_failed'].includes(r.error.data.reason), r.error.data.reason);
    }
    // Another tool's arguments under the same state: refused as well.
    const other = await rpc(
      server.url,
      tokens.alice,
      'tools/call',
      { name: 'test_input_required_result_multi_round', arguments: {}, inputResponses: answer('A'), requestState: state },
      `r${nextId++}`,
    );
    assert.equal(other.error?.data?.reason, 'params_mismatch');

    // Nothing was consumed by the refusals, and the server answers bob as usual.
    const own = await call('alice', { inputResponses: answer('Alice'), requestState: state });
    assert.equal(own.result.resultType, 'complete');
    const simple = await rpc(server.url, tokens.bob, 'tools/call', { name: 'test_simple_text', arguments: {} }, `r${nextId++}`);
    assert.equal(simple.result.content[0].text, 'This is a simple text response for testing.');
    assert.equal(server.child.exitCode, null);
  });
});

describe('a retry on another replica (shared WARDEN_STATE_KEY, no server-level auth)', { timeout: 60000 }, () => {
  const key = crypto.randomBytes(32).toString('hex');
  let a;
  let b;
  let c;
  before(async () => {
    recordSecret(key);
    a = await startHttpServer('warden-everything', { env: { WARDEN_STATE_KEY: key } });
    b = await startHttpServer('warden-everything', { env: { WARDEN_STATE_KEY: key } });
    c = await startHttpServer('warden-everything', { env: { WARDEN_STATE_KEY: '' } });
  });
  after(async () => {
    await a?.kill();
    await b?.kill();
    await c?.kill();
  });

  it('resumes on replica B what replica A started; a replica with its own key refuses it', async () => {
    const params = { name: 'test_input_required_result_multi_round', arguments: {} };
    const first = await rpc(a.url, undefined, 'tools/call', params, 'a1');
    const second = await rpc(b.url, undefined, 'tools/call', {
      ...params,
      inputResponses: { step1: { action: 'accept', content: { name: 'Ann' } } },
      requestState: first.result.requestState,
    }, 'b1');
    assert.ok(second.result.inputRequests.step2, JSON.stringify(second));
    const foreign = await rpc(c.url, undefined, 'tools/call', {
      ...params,
      inputResponses: { step2: { action: 'accept', content: { color: 'red' } } },
      requestState: second.result.requestState,
    }, 'c1');
    assert.equal(foreign.error?.data?.reason, 'unknown_key');
    const done = await rpc(a.url, undefined, 'tools/call', {
      ...params,
      inputResponses: { step2: { action: 'accept', content: { color: 'red' } } },
      requestState: second.result.requestState,
    }, 'a2');
    assert.equal(done.result.content[0].text, 'Ann likes red');
  });

  it('a malformed key stops the server at start, naming the variable but not the value', () => {
    const bad = 'zz-not-a-key-0123456789';
    const r = spawnSync(binary('warden-everything'), ['--transport', 'http', '--port', '0'], {
      env: { ...process.env, WARDEN_STATE_KEY: bad },
      encoding: 'utf8',
      timeout: 10000,
    });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /WARDEN_STATE_KEY/);
    assert.ok(!r.stderr.includes(bad));
  });
});
