// Server-level auth configuration end to end: startup errors, local dev keys (file://
// JWKS, `warden dev token`), hidden tools and server-wide required scopes.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

import { binary } from './helpers.mjs';
import { rawInitialize, startServer } from './auth-helpers.mjs';

const DEV_ISSUER = 'http://localhost/warden-dev';

function runServer(env, cwd) {
  return spawnSync(binary('warden-quickstart'), ['--transport', 'http', '--port', '0'], {
    env: { PATH: process.env.PATH, ...env },
    cwd,
    encoding: 'utf8',
    timeout: 5000,
  });
}

describe('invalid configuration stops the server at startup', () => {
  const cases = [
    [{ MCP_RESOURCE_SERVER_CANONICAL_URL: 'http://127.0.0.1:8000/mcp', MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS: '[{' },
      /MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS: is not valid JSON/],
    [{ MCP_RESOURCE_SERVER_CANONICAL_URL: 'https://m.example/mcp#x', MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS: '[{"authorization_server_url":"https://a","issuer":"https://a"}]' },
      /MCP_RESOURCE_SERVER_CANONICAL_URL: must not contain a fragment/],
    [{ MCP_RESOURCE_SERVER_CANONICAL_URL: 'http://mcp.example.com/mcp', MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS: '[{"authorization_server_url":"https://a","issuer":"https://a"}]' },
      /MCP_RESOURCE_SERVER_CANONICAL_URL: must use https/],
    [{ MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS: '[{"authorization_server_url":"https://a","issuer":"https://a"}]' },
      /MCP_RESOURCE_SERVER_CANONICAL_URL: is required/],
    [{ MCP_RESOURCE_SERVER_CANONICAL_URL: 'https://m.example/mcp', MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS: '[{"issuer":"https://a"}]' },
      /entry 0 is missing "authorization_server_url"/],
  ];
  for (const [env, message] of cases) {
    it(`${message}`, () => {
      const r = runServer(env);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, message);
    });
  }

  it('reads .env from the working directory; a real variable wins over it', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'warden-dotenv-'));
    try {
      writeFileSync(
        path.join(dir, '.env'),
        "MCP_RESOURCE_SERVER_CANONICAL_URL=https://m.example/mcp#from-dotenv\n" +
          "MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS='[{\"authorization_server_url\":\"https://a\",\"issuer\":\"https://a\"}]'\n",
      );
      const fromFile = runServer({}, dir);
      assert.equal(fromFile.status, 2);
      assert.match(fromFile.stderr, /CANONICAL_URL: must not contain a fragment/);
      const overridden = runServer({ MCP_RESOURCE_SERVER_CANONICAL_URL: 'http://mcp.example.com/mcp' }, dir);
      assert.match(overridden.stderr, /CANONICAL_URL: must use https/);
      writeFileSync(path.join(dir, '.env'), 'NOT A PAIR\n');
      const broken = runServer({}, dir);
      assert.equal(broken.status, 2);
      assert.match(broken.stderr, /\.env: \.env line 1: expected KEY=VALUE/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('local development keys, hidden tools and server-wide scopes', () => {
  let dir;
  let hidden;
  let strict;
  const mint = (aud, scope, extra = []) =>
    execFileSync(binary('warden'), ['dev', 'token', '--key', path.join(dir, 'signing-key.pem'), '--sub', 'alice', '--scope', scope, '--aud', aud, ...extra], { encoding: 'utf8' }).trim();
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'warden-devkeys-'));
    execFileSync(binary('warden'), ['dev', 'keygen', '--dir', dir]);
    const servers = JSON.stringify([{ authorization_server_url: DEV_ISSUER, issuer: DEV_ISSUER, jwks_uri: `file://${dir}/jwks.json` }]);
    hidden = await startServer({ issuer: DEV_ISSUER, extraEnv: { MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS: servers, MCP_RESOURCE_SERVER_HIDE_UNAUTHORIZED_TOOLS: 'true' } });
    strict = await startServer({ issuer: DEV_ISSUER, extraEnv: { MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS: servers, MCP_RESOURCE_SERVER_REQUIRED_SCOPES: 'mcp:tools' } });
  });
  after(async () => {
    await hidden?.stop();
    await strict?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a `warden dev token` works against a file:// JWKS; tools/list hides what the scopes cannot call', async () => {
    for (const [scope, expectAdmin] of [['mcp:tools', false], ['mcp:tools mcp:admin', true]]) {
      const token = mint(hidden.url, scope);
      const transport = new StreamableHTTPClientTransport(new URL(hidden.url), {
        requestInit: { headers: { authorization: `Bearer ${token}` } },
      });
      const client = new Client({ name: 'e2e', version: '1' });
      await client.connect(transport);
      try {
        const names = (await client.listTools()).tools.map((t) => t.name);
        assert.ok(names.includes('whoami'));
        assert.equal(names.includes('admin_ping'), expectAdmin, scope);
        const who = await client.callTool({ name: 'whoami', arguments: {} });
        assert.equal(who.structuredContent.user_id, 'alice');
        assert.equal(who.structuredContent.issuer, DEV_ISSUER);
      } finally {
        await client.close();
      }
    }
  });

  it('an expired dev token gets 401', async () => {
    const res = await rawInitialize(hidden.url, { authorization: `Bearer ${mint(hidden.url, 'mcp:tools', ['--ttl', '-5'])}` });
    assert.equal(res.status, 401);
    assert.match(res.headers.get('www-authenticate'), /error="invalid_token"/);
  });

  it('server-wide required scopes: 403 insufficient_scope before anything else', async () => {
    const without = await rawInitialize(strict.url, { authorization: `Bearer ${mint(strict.url, 'other')}` });
    assert.equal(without.status, 403);
    assert.match(without.headers.get('www-authenticate'), /error="insufficient_scope"/);
    assert.match(without.headers.get('www-authenticate'), /scope="mcp:tools"/);
    const withScope = await rawInitialize(strict.url, { authorization: `Bearer ${mint(strict.url, 'mcp:tools')}` });
    assert.equal(withScope.status, 200);
  });
});
