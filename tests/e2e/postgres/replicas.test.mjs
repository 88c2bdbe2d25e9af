// Several replicas on one PostgreSQL store (scripts/test-postgres.sh starts the database
// and passes WARDEN_TEST_POSTGRES_URL, _STOP and _START): the shared key is required, a
// token stored for a user is used by another replica, and a database outage gives a
// clear error for what needs the store while everything else keeps serving.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { binary, connect } from '../helpers.mjs';

const PG_URL = process.env.WARDEN_TEST_POSTGRES_URL;
const KEY = crypto.randomBytes(32);
const STATE_KEY = crypto.randomBytes(32);
const USER = 'replica-user';

function psql(sql) {
  return execFileSync('psql', [PG_URL, '-v', 'ON_ERROR_STOP=1', '-tAc', sql], { encoding: 'utf8' }).trim();
}

// The store's sealing, written independently: AES-256-GCM, nonce || ciphertext || tag,
// the row (user, provider, field) in the associated data.
function seal(plaintext, user, provider, field) {
  const nonce = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', KEY, nonce);
  cipher.setAAD(Buffer.from(['warden.toolauth.v1', user, provider, field].join('\0')));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('hex');
}

function replicaEnv(extra = {}) {
  return {
    USER,
    WARDEN_STORE_URL: PG_URL,
    WARDEN_TOOLAUTH_KEY: KEY.toString('hex'),
    WARDEN_STATE_KEY: STATE_KEY.toString('hex'),
    WARDEN_PROVIDER_GITHUB_CLIENT_ID: 'e2e-client',
    WARDEN_PROVIDER_GITHUB_CLIENT_SECRET: 'e2e-client-secret-value',
    WARDEN_PROVIDER_GITHUB_AUTHORIZATION_ENDPOINT: 'http://127.0.0.1:9/authorize',
    ...extra,
  };
}

function startRefused(env) {
  return spawnSync(binary('warden-quickstart'), ['--transport', 'http', '--host', '127.0.0.1', '--port', '0'], {
    env: { PATH: process.env.PATH, HOME: tmpdir(), ...env },
    encoding: 'utf8',
    timeout: 10000,
  });
}

describe('replicas on one PostgreSQL store', () => {
  let api;
  let apiBase;
  const bearers = [];
  let dir;
  before(async () => {
    assert.ok(PG_URL, 'run through scripts/test-postgres.sh');
    dir = mkdtempSync(join(tmpdir(), 'warden-pg-e2e-'));
    psql('DROP TABLE IF EXISTS warden_tokens, warden_pending, warden_single_use, warden_schema');
    // Plays api.github.com: records the bearer it gets and lists one repository.
    api = http.createServer((req, res) => {
      bearers.push(req.headers.authorization);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify([{ full_name: 'replica-user/shared' }]));
    });
    await new Promise((resolve) => api.listen(0, '127.0.0.1', resolve));
    apiBase = `http://127.0.0.1:${api.address().port}`;
  });
  after(() => {
    api?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a replica without the shared key refuses to start, naming it', () => {
    const r = startRefused({ WARDEN_STORE_URL: PG_URL, WARDEN_TOOLAUTH_KEY_FILE: join(dir, 'absent.key') });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /WARDEN_TOOLAUTH_KEY/);
    assert.match(r.stderr, /not starting/);
  });

  it('a replica without the shared requestState key refuses to start, naming it', () => {
    const r = startRefused({
      WARDEN_STORE_URL: PG_URL,
      WARDEN_TOOLAUTH_KEY: KEY.toString('hex'),
      WARDEN_STATE_KEY_FILE: join(dir, 'absent-state.key'),
    });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /WARDEN_STATE_KEY/);
    assert.match(r.stderr, /not starting/);
  });

  it('a replica requiring DPoP nonces without the shared nonce key refuses to start', () => {
    const r = startRefused({
      ...replicaEnv(),
      MCP_RESOURCE_SERVER_CANONICAL_URL: 'http://127.0.0.1:1/mcp',
      MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS: JSON.stringify([
        { authorization_server_url: 'http://127.0.0.1:1', issuer: 'http://127.0.0.1:1', jwks_uri: 'http://127.0.0.1:1/jwks' },
      ]),
      MCP_RESOURCE_SERVER_DPOP_NONCE: 'true',
    });
    assert.notEqual(r.status, 0, r.stderr);
    assert.match(r.stderr, /MCP_RESOURCE_SERVER_DPOP_NONCE_KEY/);
  });

  it('a malformed store URL is refused at startup', () => {
    const r = startRefused({ WARDEN_STORE_URL: 'mysql://127.0.0.1/x' });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /WARDEN_STORE_URL must be sqlite:PATH or postgresql:/);
  });

  it("a token stored for a user is used by another replica", async () => {
    const a = await connect('warden-quickstart', { env: replicaEnv({ WARDEN_PROVIDER_GITHUB_API_BASE_URL: apiBase }) });
    try {
      // No token yet: replica A asks for an authorization (and has created the tables).
      const first = await a.client.callTool({ name: 'list_my_repos', arguments: {} });
      assert.match(JSON.stringify(first), /authoriz/i);
    } finally {
      await a.close();
    }
    // What A would have stored after the user's consent, sealed with the shared key.
    const token = `gho_${crypto.randomBytes(12).toString('hex')}`;
    psql(
      `INSERT INTO warden_tokens (user_id, provider, scopes, access_token, expires_at, updated_at) VALUES ` +
        `('${USER}', 'github', 'repo', decode('${seal(token, USER, 'github', 'access_token')}', 'hex'), NULL, 1)`,
    );
    const b = await connect('warden-quickstart', { env: replicaEnv({ WARDEN_PROVIDER_GITHUB_API_BASE_URL: apiBase }) });
    try {
      const result = await b.client.callTool({ name: 'list_my_repos', arguments: {} });
      assert.equal(result.isError, undefined, JSON.stringify(result));
      assert.match(result.content[0].text, /replica-user\/shared/);
      assert.equal(bearers.at(-1), `Bearer ${token}`);
    } finally {
      await b.close();
    }
  });

  it('while the database is down, tools that need the store say so and the rest keep serving', async () => {
    const r = await connect('warden-quickstart', { env: replicaEnv({ WARDEN_PROVIDER_GITHUB_API_BASE_URL: apiBase }) });
    try {
      execFileSync('bash', ['-c', process.env.WARDEN_TEST_POSTGRES_STOP]);
      try {
        const down = await r.client.callTool({ name: 'list_my_repos', arguments: {} });
        assert.equal(down.isError, true);
        assert.match(down.content[0].text, /token store is unavailable/);
        const echo = await r.client.callTool({ name: 'echo', arguments: { text: 'still here' } });
        assert.equal(echo.content[0].text, 'still here');
      } finally {
        execFileSync('bash', ['-c', process.env.WARDEN_TEST_POSTGRES_START]);
      }
      // The replica reconnects on its own.
      const back = await r.client.callTool({ name: 'list_my_repos', arguments: {} });
      assert.equal(back.isError, undefined, JSON.stringify(back));
    } finally {
      await r.close();
    }
  });
});
