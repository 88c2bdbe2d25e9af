// Tool-level auth without a downstream provider: requirements in _meta, secrets, the
// authorization URL answer over stdio, forged and replayed states at the loopback
// callback, and the refusal over HTTP without server-level auth.
// The full flow against a real provider is in toolauth-flow.test.mjs.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

import { binary, connect, freePort, recordSecret, serverLogSink, waitFor } from './helpers.mjs';

describe('toolauth over stdio', () => {
  let peer;
  let dir;
  let port;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'warden-toolauth-'));
    port = await freePort();
    peer = await connect('warden-quickstart', {
      env: {
        WARDEN_TOOLAUTH_DB: join(dir, 'tokens.db'),
        WARDEN_TOOLAUTH_KEY_FILE: join(dir, 'toolauth.key'),
        WARDEN_TOOLAUTH_CALLBACK_PORT: String(port),
        WARDEN_PROVIDER_GITHUB_CLIENT_ID: 'e2e-client',
        WARDEN_PROVIDER_GITHUB_CLIENT_SECRET: 'e2e-client-secret-value',
        WARDEN_PROVIDER_GITHUB_AUTHORIZATION_ENDPOINT: 'http://127.0.0.1:9/authorize',
        WEATHER_API_KEY: 'weather-secret-value',
      },
    });
  });
  after(async () => {
    await peer?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('tools/list shows requirements in _meta', async () => {
    const { tools } = await peer.client.listTools();
    const repos = tools.find((t) => t.name === 'list_my_repos');
    assert.deepEqual(repos._meta.warden.requirements.authorization, {
      provider_id: 'github',
      provider_type: 'oauth2',
      oauth2: { scopes: ['repo'] },
    });
    const weather = tools.find((t) => t.name === 'weather_key_status');
    assert.deepEqual(weather._meta.warden.requirements.secrets, [{ key: 'WEATHER_API_KEY' }]);
  });

  it('a declared secret reaches the tool', async () => {
    const result = await peer.client.callTool({ name: 'weather_key_status', arguments: {} });
    assert.equal(result.isError, undefined);
    assert.match(result.content[0].text, /set \(20 characters\)/);
  });

  let authorizationUrl;
  it('a tool needing GitHub answers with an authorization URL (PKCE, state)', async () => {
    const result = await peer.client.callTool({ name: 'list_my_repos', arguments: {} });
    assert.equal(result.isError, true);
    authorizationUrl = new URL(result._meta.warden.authorization_url);
    assert.equal(authorizationUrl.origin + authorizationUrl.pathname, 'http://127.0.0.1:9/authorize');
    const q = authorizationUrl.searchParams;
    assert.equal(q.get('client_id'), 'e2e-client');
    assert.equal(q.get('code_challenge_method'), 'S256');
    assert.match(q.get('code_challenge'), /^[A-Za-z0-9_-]{43}$/);
    assert.match(q.get('state'), /^[A-Za-z0-9_-]{43}$/);
    assert.equal(q.get('scope'), 'repo');
    assert.equal(q.get('redirect_uri'), `http://127.0.0.1:${port}/oauth/callback`);
    assert.match(result.content[0].text, /open this URL/);
    assert.ok(!peer.stderr().includes('e2e-client-secret-value'));
  });

  it('the callback rejects a forged state and a replayed one', async () => {
    const forged = await fetch(`http://127.0.0.1:${port}/oauth/callback?state=forged&code=x`);
    assert.equal(forged.status, 400);
    assert.equal(forged.headers.get('cache-control'), 'no-store');
    const state = authorizationUrl.searchParams.get('state');
    recordSecret(state);
    // The provider says access was denied: the state is used up either way.
    const denied = await fetch(
      `http://127.0.0.1:${port}/oauth/callback?state=${state}&error=access_denied`,
    );
    assert.equal(denied.status, 403);
    const replay = await fetch(`http://127.0.0.1:${port}/oauth/callback?state=${state}&code=x`);
    assert.equal(replay.status, 400);
  });
});

describe('toolauth over HTTP without server-level auth', () => {
  let server;
  let client;
  before(async () => {
    const port = await freePort();
    server = spawn(binary('warden-quickstart'), ['--transport', 'http', '--port', String(port)], {
      env: { ...process.env, WEATHER_API_KEY: 'weather-secret-value' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    const sink = serverLogSink('warden-quickstart');
    server.stderr.on('data', (c) => {
      stderr += c;
      sink(c);
    });
    await waitFor(() => stderr.includes('serving MCP'), 5000, 'server start');
    client = new Client({ name: 'warden-e2e', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`)));
  });
  after(async () => {
    await client?.close();
    server?.kill('SIGTERM');
  });

  it('tools needing secrets or GitHub refuse to run (isError)', async () => {
    for (const name of ['weather_key_status', 'list_my_repos']) {
      const result = await client.callTool({ name, arguments: {} });
      assert.equal(result.isError, true, name);
      assert.match(result.content[0].text, /without server-level authentication/);
      assert.ok(!result.content[0].text.includes('weather-secret-value'));
    }
  });
});
