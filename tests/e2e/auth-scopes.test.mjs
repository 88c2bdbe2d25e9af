// Authorization for every operation (SEP-2350 scope challenges), end to end:
// 1. the contract of conformance issue #480, which the pinned suite (0.2.0-alpha.12) has no
//    scenario for yet: warden-everything --conformance-auth-scopes with opaque tokens
//    `mcp-conformance-scope-low` / `-full` resolved by an RFC 7662 endpoint run here;
// 2. the TypeScript SDK v2 client stepping up through ONE 403 per operation (tool,
//    resource, template, prompt) with a real authorization server (oidc-provider);
// 3. scope hierarchies: a broad scope passes checks for the narrow ones.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';

import {
  Client as ClientV2,
  StreamableHTTPClientTransport as TransportV2,
  UnauthorizedError as UnauthorizedErrorV2,
} from '@modelcontextprotocol/client';

import { APP, clientCredentialsToken, loginAndConsentResponse, startAS, startServer } from './auth-helpers.mjs';
import { POST_ACCEPT, binary, freePort, recordSecret, serverLogSink, waitFor } from './helpers.mjs';

const C = 'mcp:conformance:';
const NEEDED = {
  tool: [`${C}tools:call`, `${C}tools:test_simple_text`],
  resource: [`${C}resources:read`, `${C}resources:static`],
  template: [`${C}resources:read`, `${C}resources:template:123`],
  prompt: [`${C}prompts:get`, `${C}prompts:test_simple_prompt`],
};
const ALL = [...new Set(Object.values(NEEDED).flat())];
const CALLS = {
  tool: { method: 'tools/call', params: { name: 'test_simple_text', arguments: {} } },
  resource: { method: 'resources/read', params: { uri: 'test://static-text' } },
  template: { method: 'resources/read', params: { uri: 'test://template/123/data' } },
  prompt: { method: 'prompts/get', params: { name: 'test_simple_prompt' } },
};

function challengeParams(header) {
  const out = {};
  for (const m of header.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) out[m[1]] = m[2];
  return out;
}

const sorted = (list) => [...list].sort();

/** A tiny RFC 7662 endpoint: the two contract tokens, everything else inactive. */
async function startIntrospection(audience) {
  const seen = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const token = new URLSearchParams(body).get('token');
      seen.push({ token, authorization: req.headers.authorization });
      const scope = {
        'mcp-conformance-scope-low': `${C}baseline`,
        'mcp-conformance-scope-full': ALL.join(' '),
      }[token];
      const answer = scope
        ? { active: true, sub: `user-${token}`, client_id: 'conformance', scope, aud: audience() }
        : { active: false };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/introspect`,
    seen,
    stop: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** warden-everything with the #480 contract on a known port; killed by PID in stop(). */
async function startFixture(introspectionUrl, args = []) {
  const port = await freePort();
  const child = spawn(
    binary('warden-everything'),
    ['--transport', 'http', '--port', String(port), '--conformance-auth-scopes', introspectionUrl, ...args],
    { env: { ...process.env, WARDEN_EVERYTHING_WATCH_MS: '0' }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  const sink = serverLogSink('warden-everything');
  child.stderr.on('data', (c) => {
    log += c;
    sink(c);
  });
  await waitFor(() => log.includes('serving MCP at') || child.exitCode !== null, 10000, 'the fixture to listen');
  if (child.exitCode !== null) throw new Error(`fixture exited: ${log}`);
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    log: () => log,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      process.kill(child.pid, 'SIGKILL');
      await exited;
    },
  };
}

function post(url, token, message, { session, version = '2025-11-25' } = {}) {
  return fetch(url, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      accept: POST_ACCEPT,
      'mcp-protocol-version': version,
      ...(session && { 'mcp-session-id': session }),
    },
    body: JSON.stringify(message),
  });
}

async function initialize(url, token) {
  const res = await post(url, token, {
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'scopes', version: '1' } },
  });
  assert.equal(res.status, 200);
  await res.text();
  const session = res.headers.get('mcp-session-id');
  const note = await post(url, token, { jsonrpc: '2.0', method: 'notifications/initialized' }, { session });
  assert.equal(note.status, 202);
  return session;
}

/** The JSON-RPC result of a response, JSON or SSE. */
async function resultOf(res) {
  const text = await res.text();
  if (!(res.headers.get('content-type') ?? '').includes('text/event-stream')) return JSON.parse(text);
  const data = text
    .split('\n')
    .filter((l) => l.startsWith('data:') && l.length > 5)
    .map((l) => JSON.parse(l.slice(5)));
  return data.find((m) => 'result' in m || 'error' in m);
}

function assertChallenge(res, url, scopes) {
  assert.equal(res.status, 403);
  const header = res.headers.get('www-authenticate');
  assert.equal(header.match(/Bearer/g).length, 1, `one challenge: ${header}`);
  const p = challengeParams(header);
  assert.equal(p.error, 'insufficient_scope');
  assert.deepEqual(sorted(p.scope.split(' ')), sorted(scopes));
  assert.equal(p.resource_metadata, new URL(url).origin + '/.well-known/oauth-protected-resource/mcp');
  assert.ok(!p.scope.includes('offline_access'));
}

describe('conformance #480 contract: scope challenges on every operation', () => {
  let introspection;
  let fixture;
  let stateless;
  before(async () => {
    let canonical = [];
    introspection = await startIntrospection(() => canonical);
    fixture = await startFixture(introspection.url);
    stateless = await startFixture(introspection.url, ['--stateless']);
    canonical = [fixture.url, stateless.url];
  });
  after(async () => {
    await fixture?.stop();
    await stateless?.stop();
    await introspection?.stop();
  });

  it('publishes the contract scopes, without offline_access', async () => {
    const res = await fetch(new URL(fixture.url).origin + '/.well-known/oauth-protected-resource/mcp');
    const doc = await res.json();
    assert.equal(doc.resource, fixture.url);
    assert.deepEqual(sorted(doc.scopes_supported), sorted([...NEEDED.tool, ...NEEDED.resource, ...NEEDED.prompt]));
  });

  it('still answers a request without a token with 401', async () => {
    const res = await fetch(fixture.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: POST_ACCEPT },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
    });
    assert.equal(res.status, 401);
    assert.equal(challengeParams(res.headers.get('www-authenticate')).error, undefined);
  });

  it('the low token: one 403 per operation naming every scope it needs; the full token: results', async () => {
    const low = await initialize(fixture.url, 'mcp-conformance-scope-low');
    const full = await initialize(fixture.url, 'mcp-conformance-scope-full');
    let id = 10;
    for (const [op, call] of Object.entries(CALLS)) {
      const denied = await post(fixture.url, 'mcp-conformance-scope-low', { jsonrpc: '2.0', id: ++id, ...call }, { session: low });
      assertChallenge(denied, fixture.url, NEEDED[op]);
      assert.equal((await denied.json()).error, 'insufficient_scope');
      const allowed = await post(fixture.url, 'mcp-conformance-scope-full', { jsonrpc: '2.0', id: ++id, ...call }, { session: full });
      assert.equal(allowed.status, 200, op);
      const answer = await resultOf(allowed);
      assert.ok(answer.result, `${op}: ${JSON.stringify(answer)}`);
    }
    // The introspection endpoint saw the fixture's client authentication, never a query token.
    assert.ok(introspection.seen.every((s) => s.authorization?.startsWith('Basic ')));
  });

  it('the low token passes everything the contract leaves open', async () => {
    const low = await initialize(fixture.url, 'mcp-conformance-scope-low');
    const res = await post(
      fixture.url,
      'mcp-conformance-scope-low',
      { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'test_image_content', arguments: {} } },
      { session: low },
    );
    assert.equal(res.status, 200);
    const list = await post(fixture.url, 'mcp-conformance-scope-low', { jsonrpc: '2.0', id: 3, method: 'tools/list' }, { session: low });
    const names = (await resultOf(list)).result.tools.map((t) => t.name);
    assert.ok(names.includes('test_simple_text'), 'hiding is off unless configured');
    // An unknown tool is the handler's business: no 403 reveals anything about it.
    const unknown = await post(
      fixture.url,
      'mcp-conformance-scope-low',
      { jsonrpc: '2.0', id: 4, method: 'tools/call', params: { name: 'no_such_tool', arguments: {} } },
      { session: low },
    );
    assert.equal(unknown.status, 200);
  });

  it('expands the template scope from the URI read', async () => {
    const low = await initialize(fixture.url, 'mcp-conformance-scope-low');
    for (const [uri, id] of [
      ['test://template/abc/data', 'abc'],
      ['test://template/a%20b/data', 'a%20b'],
      ['test://template/%22x%22/data', '%22x%22'],
    ]) {
      const res = await post(
        fixture.url,
        'mcp-conformance-scope-low',
        { jsonrpc: '2.0', id: 5, method: 'resources/read', params: { uri } },
        { session: low },
      );
      assertChallenge(res, fixture.url, [`${C}resources:read`, `${C}resources:template:${id}`]);
    }
    // The full token holds template:123 only. In the 2025-11-25 era the challenge keeps the
    // token's published scopes too, for clients that replace their scope with the challenge's.
    const full = await initialize(fixture.url, 'mcp-conformance-scope-full');
    const other = await post(
      fixture.url,
      'mcp-conformance-scope-full',
      { jsonrpc: '2.0', id: 6, method: 'resources/read', params: { uri: 'test://template/abc/data' } },
      { session: full },
    );
    const p = challengeParams(other.headers.get('www-authenticate'));
    assert.deepEqual(
      sorted(p.scope.split(' ')),
      sorted([`${C}resources:template:abc`, ...NEEDED.tool, ...NEEDED.resource, ...NEEDED.prompt]),
    );
  });

  it('a batch gets one 403 naming what all its denied operations need', async () => {
    const low = await initialize(fixture.url, 'mcp-conformance-scope-low');
    const res = await post(
      fixture.url,
      'mcp-conformance-scope-low',
      [
        { jsonrpc: '2.0', id: 6, ...CALLS.tool },
        { jsonrpc: '2.0', id: 7, method: 'ping' },
        { jsonrpc: '2.0', id: 8, ...CALLS.prompt },
      ],
      { session: low },
    );
    assertChallenge(res, fixture.url, [...NEEDED.tool, ...NEEDED.prompt]);
  });

  it('stateless mode gives the same answers', async () => {
    for (const [op, call] of Object.entries(CALLS)) {
      const denied = await post(stateless.url, 'mcp-conformance-scope-low', { jsonrpc: '2.0', id: 9, ...call });
      assertChallenge(denied, stateless.url, NEEDED[op]);
      const allowed = await post(stateless.url, 'mcp-conformance-scope-full', { jsonrpc: '2.0', id: 9, ...call });
      assert.equal(allowed.status, 200);
      assert.ok((await resultOf(allowed)).result, op);
    }
  });

  it('refuses the flag without an explicit port', async () => {
    const child = spawn(binary('warden-everything'), ['--transport', 'http', '--port', '0', '--conformance-auth-scopes', introspection.url], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (c) => (err += c));
    const [code] = await once(child, 'exit');
    assert.equal(code, 2);
    assert.match(err, /needs an explicit --port/);
  });
});

/** An OAuthClientProvider for the pre-registered public client (PKCE), for the v2 client. */
class AppProvider {
  constructor() {
    this.authorizationUrls = [];
  }
  get redirectUrl() {
    return APP.redirect;
  }
  get clientMetadata() {
    return { client_name: 'e2e', redirect_uris: [APP.redirect], token_endpoint_auth_method: 'none' };
  }
  clientInformation() {
    return { client_id: APP.id };
  }
  tokens() {
    return this._tokens;
  }
  saveTokens(tokens) {
    recordSecret(tokens.access_token);
    recordSecret(tokens.refresh_token);
    this._tokens = tokens;
  }
  redirectToAuthorization(url) {
    this.authorizationUrls.push(url);
  }
  saveCodeVerifier(v) {
    this._verifier = v;
  }
  codeVerifier() {
    return this._verifier;
  }
  saveDiscoveryState(state) {
    this._discovery = state;
  }
  discoveryState() {
    return this._discovery;
  }
}

/** Logs alice in at `url` and hands the code and the RFC 9207 `iss` to the transport. */
async function finish(transport, url) {
  const params = await loginAndConsentResponse(url, 'alice');
  await transport.finishAuth(params.get('code'), params.get('iss') ?? undefined);
}

describe('step-up with the TypeScript SDK v2 client and oidc-provider', () => {
  const ADMIN = `${C}admin`;
  let as;
  let server;
  before(async () => {
    as = await startAS({ scopes: [`${C}baseline`, ADMIN, ...ALL].join(' ') });
    server = await startServer({
      issuer: as.issuer,
      binaryName: 'warden-everything',
      extraArgs: ['--conformance-auth-scopes', '-'],
      extraEnv: {
        WARDEN_EVERYTHING_WATCH_MS: '0',
        MCP_RESOURCE_SERVER_SCOPES_SUPPORTED: `${C}baseline offline_access`,
        MCP_RESOURCE_SERVER_DEFAULT_CHALLENGE_SCOPES: `${C}baseline`,
        // Server-wide: every request needs baseline, which admin implies too.
        MCP_RESOURCE_SERVER_REQUIRED_SCOPES: `${C}baseline`,
        MCP_RESOURCE_SERVER_SCOPE_IMPLICATIONS: JSON.stringify({ [ADMIN]: [...ALL, `${C}baseline`] }),
      },
    });
  });
  after(async () => {
    await server?.stop();
    await as?.stop();
  });

  it('drops offline_access from the metadata with a startup warning', async () => {
    assert.match(server.log(), /offline_access removed from scopes_supported/);
    const doc = await (await fetch(new URL(server.url).origin + '/.well-known/oauth-protected-resource/mcp')).json();
    assert.deepEqual(doc.scopes_supported, [`${C}baseline`]);
  });

  it('steps up through exactly one 403 per operation: tool, resource, template, prompt', async () => {
    const forbidden = [];
    const countingFetch = async (url, init) => {
      const res = await fetch(url, init);
      if (res.status === 403) forbidden.push(res.headers.get('www-authenticate'));
      return res;
    };
    const provider = new AppProvider();
    const transport = new TransportV2(new URL(server.url), { authProvider: provider, fetch: countingFetch });
    const client = new ClientV2({ name: 'scopes-e2e', version: '1.0.0' });
    await assert.rejects(client.connect(transport), UnauthorizedErrorV2);
    const first = provider.authorizationUrls.at(-1);
    assert.equal(first.searchParams.get('scope'), `${C}baseline`);
    await finish(transport, first);

    const c2 = new ClientV2({ name: 'scopes-e2e', version: '1.0.0' });
    const t2 = new TransportV2(new URL(server.url), { authProvider: provider, fetch: countingFetch });
    await c2.connect(t2);
    const invoke = {
      tool: () => c2.callTool({ name: 'test_simple_text', arguments: {} }),
      resource: () => c2.readResource({ uri: 'test://static-text' }),
      template: () => c2.readResource({ uri: 'test://template/123/data' }),
      prompt: () => c2.getPrompt({ name: 'test_simple_prompt' }),
    };
    try {
      let granted = [`${C}baseline`];
      for (const [op, run] of Object.entries(invoke)) {
        const before403 = forbidden.length;
        await assert.rejects(run(), UnauthorizedErrorV2, op);
        assert.equal(forbidden.length, before403 + 1, `${op}: one 403`);
        // Server-wide plus the operation's, all in the one challenge.
        const challenged = challengeParams(forbidden.at(-1)).scope.split(' ');
        for (const s of [`${C}baseline`, ...NEEDED[op]]) assert.ok(challenged.includes(s), `${op}: challenge names ${s}`);
        const stepUp = provider.authorizationUrls.at(-1);
        const asked = stepUp.searchParams.get('scope').split(' ');
        for (const s of [...granted, ...NEEDED[op]]) assert.ok(asked.includes(s), `${op}: asks for ${s}: ${asked}`);
        await finish(t2, stepUp);
        granted = [...new Set([...granted, ...NEEDED[op]])];
        const answer = await run();
        assert.ok(answer, op);
        assert.equal(forbidden.length, before403 + 1, `${op}: no second 403`);
      }
      // Every earlier operation still works with the accumulated token.
      for (const run of Object.values(invoke)) await run();
      assert.equal(forbidden.length, 4);
    } finally {
      await c2.close();
    }
  });

  it('a token with the broad scope passes every check for the narrow ones', async () => {
    const token = await clientCredentialsToken(as.issuer, { scope: ADMIN, resource: server.url });
    const session = await initialize(server.url, token);
    let id = 20;
    for (const [op, call] of Object.entries(CALLS)) {
      const res = await post(server.url, token, { jsonrpc: '2.0', id: ++id, ...call }, { session });
      assert.equal(res.status, 200, op);
      assert.ok((await resultOf(res)).result, op);
    }
    // The implication covers template:123 only, as declared: another id still needs its scope.
    const other = await post(
      server.url,
      token,
      { jsonrpc: '2.0', id: 30, method: 'resources/read', params: { uri: 'test://template/7/data' } },
      { session },
    );
    assert.equal(other.status, 403);
    // Server-wide plus the operation's. (2025-11-25 era: the challenge would also keep the
    // token's published scopes; admin is not published.)
    assert.deepEqual(
      sorted(challengeParams(other.headers.get('www-authenticate')).scope.split(' ')),
      sorted([`${C}baseline`, `${C}resources:read`, `${C}resources:template:7`]),
    );
    // Without the broad scope, the server-wide one is missing: 403 before anything else.
    const narrow = await clientCredentialsToken(as.issuer, { scope: `${C}tools:call`, resource: server.url });
    const res = await post(server.url, narrow, { jsonrpc: '2.0', id: 31, method: 'ping' });
    assert.equal(res.status, 403);
    assert.equal(challengeParams(res.headers.get('www-authenticate')).scope, `${C}baseline`);
  });
});
