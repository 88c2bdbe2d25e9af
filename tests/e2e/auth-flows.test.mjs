// Server-level auth end to end: warden-quickstart as an OAuth 2.1 resource server, a real
// AS (oidc-provider) and the official TypeScript SDK client, all on 127.0.0.1.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as jose from 'jose';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ClientCredentialsProvider } from '@modelcontextprotocol/sdk/client/auth-extensions.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';

import {
  APP,
  MACHINE,
  OPAQUE,
  RESOURCE_SERVER,
  SHORT,
  clientCredentialsToken,
  loginAndConsent,
  rawInitialize,
  startAS,
  startServer,
} from './auth-helpers.mjs';
import { recordSecret, waitFor } from './helpers.mjs';

/** An in-memory OAuthClientProvider for a pre-registered public client (PKCE). */
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
}

async function connectClient(url, authProvider) {
  const transport = new StreamableHTTPClientTransport(new URL(url), { authProvider });
  const client = new Client({ name: 'auth-e2e', version: '1.0.0' });
  await client.connect(transport);
  return { client, transport };
}

function challengeParams(header) {
  const out = {};
  for (const m of header.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) out[m[1]] = m[2];
  return out;
}

describe('server-level auth with a real authorization server', () => {
  let as;
  let server;
  before(async () => {
    as = await startAS();
    server = await startServer({ issuer: as.issuer });
  });
  after(async () => {
    await server?.stop();
    await as?.stop();
  });

  it('logs that auth is on, the canonical URL and the issuer, and no secrets', async () => {
    // The line follows "serving MCP at", which is all startServer waits for.
    await waitFor(() => server.log().includes('auth: on'), 5000, 'the auth line');
    assert.match(server.log(), /auth: on .*canonical URL http:\/\/127\.0\.0\.1:\d+\/mcp; trusted issuers: http:\/\/127\.0\.0\.1:\d+/);
  });

  it('publishes protected resource metadata at the path-specific and root URLs', async () => {
    const origin = new URL(server.url).origin;
    for (const path of ['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource']) {
      const res = await fetch(origin + path, { headers: { origin: 'http://localhost:6274' } });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('access-control-allow-origin'), 'http://localhost:6274');
      assert.deepEqual(await res.json(), {
        resource: server.url,
        authorization_servers: [as.issuer],
        bearer_methods_supported: ['header'],
        dpop_signing_alg_values_supported: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'],
        dpop_bound_access_tokens_required: false,
        scopes_supported: ['mcp:tools', 'mcp:admin'],
      });
    }
  });

  it('answers a request without a token with 401 and a challenge without an error code', async () => {
    const res = await rawInitialize(server.url);
    assert.equal(res.status, 401);
    const header = res.headers.get('www-authenticate');
    assert.match(header, /^Bearer /);
    const p = challengeParams(header);
    assert.equal(p.resource_metadata, new URL(server.url).origin + '/.well-known/oauth-protected-resource/mcp');
    assert.equal(p.scope, 'mcp:tools');
    assert.equal(p.error, undefined);
  });

  it('client_credentials: 401 -> discovery -> token with resource -> calls succeed', async () => {
    const provider = new ClientCredentialsProvider({
      clientId: MACHINE.id,
      clientSecret: MACHINE.secret,
      expectedIssuer: as.issuer,
      scope: 'mcp:tools',
    });
    const { client } = await connectClient(server.url, provider);
    try {
      const echo = await client.callTool({ name: 'echo', arguments: { text: 'hi' } });
      assert.equal(echo.content[0].text, 'hi');
      const who = await client.callTool({ name: 'whoami', arguments: {} });
      // oidc-provider makes the client id the subject of a client_credentials token.
      assert.equal(who.structuredContent.user_id, MACHINE.id);
      assert.equal(who.structuredContent.client_id, MACHINE.id);
      assert.equal(who.structuredContent.issuer, as.issuer);
      assert.deepEqual(who.structuredContent.scopes, ['mcp:tools']);
      const claims = jose.decodeJwt(provider.tokens().access_token);
      assert.equal(claims.aud, server.url);
    } finally {
      await client.close();
    }
  });

  it('authorization code + PKCE, then a 403 step-up to mcp:admin and a retry', async () => {
    const provider = new AppProvider();
    const transport = new StreamableHTTPClientTransport(new URL(server.url), { authProvider: provider });
    const client = new Client({ name: 'auth-e2e', version: '1.0.0' });
    await assert.rejects(client.connect(transport), UnauthorizedError);
    assert.equal(provider.authorizationUrls.length, 1);
    const first = provider.authorizationUrls[0];
    assert.equal(first.searchParams.get('resource'), server.url);
    assert.equal(first.searchParams.get('code_challenge_method'), 'S256');
    await transport.finishAuth(await loginAndConsent(first, 'alice'));

    const { client: c2, transport: t2 } = await connectClient(server.url, provider);
    try {
      const who = await c2.callTool({ name: 'whoami', arguments: {} });
      assert.equal(who.structuredContent.user_id, 'alice');
      assert.equal(who.structuredContent.client_id, APP.id);
      assert.ok(!who.structuredContent.scopes.includes('mcp:admin'));

      // admin_ping needs mcp:admin: 403 insufficient_scope; the SDK asks for a wider scope.
      await assert.rejects(c2.callTool({ name: 'admin_ping', arguments: {} }), UnauthorizedError);
      assert.equal(provider.authorizationUrls.length, 2);
      const stepUp = provider.authorizationUrls[1];
      assert.deepEqual(stepUp.searchParams.get('scope').split(' ').sort(), ['mcp:admin', 'mcp:tools']);
      await t2.finishAuth(await loginAndConsent(stepUp, 'alice'));
      const pong = await c2.callTool({ name: 'admin_ping', arguments: {} });
      assert.equal(pong.content[0].text, 'pong for alice');
    } finally {
      await c2.close();
    }
  });

  it('answers a missing scope with 403 insufficient_scope naming the scopes to ask for', async () => {
    const token = await clientCredentialsToken(as.issuer, { resource: server.url });
    const auth = { authorization: `Bearer ${token}` };
    const init = await rawInitialize(server.url, auth);
    assert.equal(init.status, 200);
    const session = init.headers.get('mcp-session-id');
    const res = await fetch(server.url, {
      method: 'POST',
      headers: {
        ...auth,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-session-id': session,
        'mcp-protocol-version': '2025-11-25',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'admin_ping', arguments: {} } }),
    });
    assert.equal(res.status, 403);
    const p = challengeParams(res.headers.get('www-authenticate'));
    assert.equal(p.error, 'insufficient_scope');
    assert.equal(p.scope, 'mcp:tools mcp:admin');
  });

  it('binds a session to its principal: another subject gets 404', async () => {
    const mine = await clientCredentialsToken(as.issuer, { resource: server.url });
    // Another subject with a long-lived token (SHORT's one-second token may expire before
    // it is used: oidc-provider counts iat in whole seconds).
    const theirs = await clientCredentialsToken(as.issuer, { client: RESOURCE_SERVER, resource: server.url });
    const init = await rawInitialize(server.url, { authorization: `Bearer ${mine}` });
    const session = init.headers.get('mcp-session-id');
    assert.ok(session);
    const res = await fetch(server.url, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${theirs}`, 'mcp-session-id': session },
    });
    assert.equal(res.status, 404);
  });

  describe('rejects', () => {
    async function expectInvalid(headers, { error = 'invalid_token' } = {}) {
      const res = await rawInitialize(server.url, headers);
      assert.equal(res.status, 401);
      const p = challengeParams(res.headers.get('www-authenticate'));
      assert.equal(p.error, error);
      return p;
    }

    it('a token for another audience', async () => {
      const other = server.url.replace(/:\d+\//, ':1/');
      const token = await clientCredentialsToken(as.issuer, { resource: other });
      const p = await expectInvalid({ authorization: `Bearer ${token}` });
      assert.ok(!p.error_description.includes(token.slice(0, 20)));
    });

    it('an expired token', async () => {
      const token = await clientCredentialsToken(as.issuer, { client: SHORT, resource: server.url });
      await new Promise((r) => setTimeout(r, 2100));
      await expectInvalid({ authorization: `Bearer ${token}` });
    });

    it('a token from an untrusted issuer', async () => {
      const { privateKey } = await jose.generateKeyPair('ES256');
      const token = await new jose.SignJWT({ scope: 'mcp:tools' })
        .setProtectedHeader({ alg: 'ES256', kid: 'evil' })
        .setIssuer('http://127.0.0.1:9/evil')
        .setSubject('mallory')
        .setAudience(server.url)
        .setExpirationTime('5m')
        .sign(privateKey);
      const p = await expectInvalid({ authorization: `Bearer ${token}` });
      assert.match(p.error_description, /issuer is not trusted/);
    });

    it('a tampered token', async () => {
      const token = await clientCredentialsToken(as.issuer, { resource: server.url });
      const [h, payload, sig] = token.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url'));
      claims.sub = 'admin';
      const forged = [h, Buffer.from(JSON.stringify(claims)).toString('base64url'), sig].join('.');
      await expectInvalid({ authorization: `Bearer ${forged}` });
    });

    it('a token in the query string (never read)', async () => {
      const token = await clientCredentialsToken(as.issuer, { resource: server.url });
      const res = await rawInitialize(`${server.url}?access_token=${token}`);
      assert.equal(res.status, 401);
      assert.equal(challengeParams(res.headers.get('www-authenticate')).error, undefined);
    });

    it('accepts the scheme name in any case', async () => {
      const token = await clientCredentialsToken(as.issuer, { resource: server.url });
      const res = await rawInitialize(server.url, { authorization: `bEaReR ${token}` });
      assert.equal(res.status, 200);
    });
  });
});

describe('opaque tokens through RFC 7662 introspection', () => {
  let as;
  let server;
  before(async () => {
    as = await startAS();
    const entry = {
      authorization_server_url: as.issuer,
      issuer: as.issuer,
      introspection: {
        endpoint: `${as.issuer}/token/introspection`,
        client_id: RESOURCE_SERVER.id,
        client_secret: RESOURCE_SERVER.secret,
        client_auth: 'client_secret_basic',
      },
    };
    server = await startServer({
      issuer: as.issuer,
      extraEnv: { MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS: JSON.stringify([entry]) },
    });
  });
  after(async () => {
    await server?.stop();
    await as?.stop();
  });

  it('accepts an active opaque token for this resource and rejects others', async () => {
    const token = await clientCredentialsToken(as.issuer, { client: OPAQUE, resource: server.url });
    assert.equal(token.split('.').length, 1, 'oidc-provider issued an opaque token');
    const ok = await rawInitialize(server.url, { authorization: `Bearer ${token}` });
    assert.equal(ok.status, 200);
    const bogus = await rawInitialize(server.url, { authorization: 'Bearer not-a-real-token' });
    assert.equal(bogus.status, 401);
    assert.match(bogus.headers.get('www-authenticate'), /error="invalid_token"/);
    const other = server.url.replace(/:\d+\//, ':1/');
    const foreign = await clientCredentialsToken(as.issuer, { client: OPAQUE, resource: other });
    assert.equal((await rawInitialize(server.url, { authorization: `Bearer ${foreign}` })).status, 401);
  });
});

describe('key rotation and an unreachable authorization server', () => {
  let as;
  let server;
  after(async () => {
    await server?.stop();
    await as?.stop();
  });

  it('picks up a rotated key through the kid miss; tokens of the removed key stop working', async () => {
    as = await startAS({ kid: 'first' });
    server = await startServer({ issuer: as.issuer });
    const oldToken = await clientCredentialsToken(as.issuer, { resource: server.url });
    assert.equal((await rawInitialize(server.url, { authorization: `Bearer ${oldToken}` })).status, 200);

    await as.stop();
    as = await startAS({ port: as.port, kid: 'second' });
    await new Promise((r) => setTimeout(r, 1100)); // the test server's re-fetch cooldown is 1 s
    const newToken = await clientCredentialsToken(as.issuer, { resource: server.url });
    assert.equal(jose.decodeProtectedHeader(newToken).kid, 'second');
    assert.equal((await rawInitialize(server.url, { authorization: `Bearer ${newToken}` })).status, 200);
    assert.equal((await rawInitialize(server.url, { authorization: `Bearer ${oldToken}` })).status, 401);
  });

  it('keeps known keys while the AS is down; unknown keys get 401, never 5xx', async () => {
    const used = await clientCredentialsToken(as.issuer, { resource: server.url });
    const fresh = await clientCredentialsToken(as.issuer, { resource: server.url });
    assert.equal((await rawInitialize(server.url, { authorization: `Bearer ${used}` })).status, 200);
    await as.stop();
    await new Promise((r) => setTimeout(r, 1100));
    assert.equal((await rawInitialize(server.url, { authorization: `Bearer ${used}` })).status, 200);
    assert.equal((await rawInitialize(server.url, { authorization: `Bearer ${fresh}` })).status, 200);

    const { privateKey } = await jose.generateKeyPair('ES256');
    const unknownKey = await new jose.SignJWT({ scope: 'mcp:tools' })
      .setProtectedHeader({ alg: 'ES256', kid: 'third' })
      .setIssuer(as.issuer)
      .setSubject('someone')
      .setAudience(server.url)
      .setExpirationTime('5m')
      .sign(privateKey);
    const res = await rawInitialize(server.url, { authorization: `Bearer ${unknownKey}` });
    assert.equal(res.status, 401);
  });
});
