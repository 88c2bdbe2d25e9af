// DPoP (RFC 9449) end to end: oidc-provider issues DPoP-bound access tokens to a real DPoP
// client (oauth4webapi, with panva's `dpop` for hand-made proofs), and warden-quickstart
// checks them over HTTP: binding, stolen tokens, Bearer use of bound tokens, replays,
// server nonces, policy and the 403 step-up.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as oauth from 'oauth4webapi';
import * as dpop from 'dpop';

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { MACHINE, startAS, startServer } from './auth-helpers.mjs';
import { binary, readMessages, recordSecret } from './helpers.mjs';

const insecure = { [oauth.allowInsecureRequests]: true };
const INIT = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'dpop-e2e', version: '1' } },
};
const MCP_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

function challengeParams(header, scheme) {
  // The parameters of one challenge of a WWW-Authenticate value holding several.
  const at = header.search(new RegExp(`(^|, )${scheme} `, 'i'));
  if (at < 0) return undefined;
  const rest = header.slice(at).replace(/^, /, '').slice(scheme.length + 1);
  const out = {};
  for (const m of rest.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"(, |$)/g)) {
    out[m[1]] = m[2];
    if (m[3] === '' || /^, [A-Za-z]+ /.test(rest.slice(m.index + m[0].length - 2))) break;
  }
  return out;
}

function serversEnv(issuer, dpopPolicy) {
  return JSON.stringify([
    { authorization_server_url: issuer, issuer, ...(dpopPolicy && { dpop: dpopPolicy }) },
  ]);
}

/** A client_credentials token; DPoP-bound when `handle` is given. */
async function token(as, { handle, resource, scope = 'mcp:tools' }) {
  const client = { client_id: MACHINE.id };
  const params = new URLSearchParams({ scope, resource });
  const call = () =>
    oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretBasic(MACHINE.secret), params, {
      ...insecure,
      ...(handle && { DPoP: handle }),
    });
  let res = await call();
  let tokens;
  try {
    tokens = await oauth.processClientCredentialsResponse(as, client, res);
  } catch (err) {
    if (!oauth.isDPoPNonceError(err)) throw err;
    tokens = await oauth.processClientCredentialsResponse(as, client, await call());
  }
  recordSecret(tokens.access_token);
  return tokens;
}

/** POSTs `message` through oauth4webapi (DPoP proof per request when `handle`). */
function mcpRequest(url, accessToken, handle, message = INIT, extraHeaders = {}) {
  return oauth.protectedResourceRequest(
    accessToken,
    'POST',
    new URL(url),
    new Headers({ ...MCP_HEADERS, ...extraHeaders }),
    JSON.stringify(message),
    { ...insecure, ...(handle && { DPoP: handle }) },
  );
}

/** A raw POST with the given Authorization and DPoP headers. */
function rawPost(url, headers, message = INIT) {
  return fetch(url, { method: 'POST', headers: { ...MCP_HEADERS, ...headers }, body: JSON.stringify(message) });
}

async function newHandle() {
  return oauth.DPoP({}, await oauth.generateKeyPair('ES256'));
}

describe('DPoP-bound tokens from oidc-provider at warden-quickstart', () => {
  let asInfo;
  let as;
  let server;
  let holder;
  let bound;
  before(async () => {
    asInfo = await startAS();
    const issuer = new URL(asInfo.issuer);
    as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, insecure));
    server = await startServer({ issuer: asInfo.issuer });
    holder = await newHandle();
    bound = await token(as, { handle: holder, resource: server.url });
  });
  after(async () => {
    await server?.stop();
    await asInfo?.stop();
  });

  it('the authorization server issued a DPoP-bound JWT', () => {
    assert.equal(bound.token_type.toLowerCase(), 'dpop');
    const claims = JSON.parse(Buffer.from(bound.access_token.split('.')[1], 'base64url'));
    assert.match(claims.cnf?.jkt ?? '', /^[A-Za-z0-9_-]{43}$/);
  });

  it('publishes DPoP in the protected resource metadata and in challenges', async () => {
    const meta = await (await fetch(new URL('/.well-known/oauth-protected-resource/mcp', server.url))).json();
    assert.ok(meta.dpop_signing_alg_values_supported.includes('ES256'));
    assert.equal(meta.dpop_bound_access_tokens_required, false);
    const res = await rawPost(server.url, {});
    assert.equal(res.status, 401);
    const header = res.headers.get('www-authenticate');
    assert.match(header, /^Bearer resource_metadata="[^"]+", scope="mcp:tools", DPoP /);
    assert.match(challengeParams(header, 'DPoP').algs, /\bES256\b/);
  });

  it('accepts the bound token with a fresh proof per request, and the tool sees the caller', async () => {
    const res = await mcpRequest(server.url, bound.access_token, holder);
    assert.equal(res.status, 200);
    const sessionId = res.headers.get('mcp-session-id');
    await readMessages(res);
    const ack = await mcpRequest(server.url, bound.access_token, holder, { jsonrpc: '2.0', method: 'notifications/initialized' }, {
      'mcp-session-id': sessionId,
      'mcp-protocol-version': '2025-11-25',
    });
    assert.equal(ack.status, 202);
    const call = await mcpRequest(
      server.url,
      bound.access_token,
      holder,
      { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'whoami', arguments: {} } },
      { 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-11-25' },
    );
    assert.equal(call.status, 200);
    const [answer] = await readMessages(call);
    assert.equal(answer.result.structuredContent.client_id, MACHINE.id);
  });

  it('refuses the stolen token with a proof from another key', async () => {
    const thief = await newHandle();
    await assert.rejects(mcpRequest(server.url, bound.access_token, thief), (err) => {
      assert.ok(err instanceof oauth.WWWAuthenticateChallengeError);
      const c = err.cause.find((ch) => ch.scheme === 'dpop');
      assert.equal(c.parameters.error, 'invalid_dpop_proof');
      assert.match(c.parameters.error_description, /not the key the access token is bound to/);
      return true;
    });
  });

  it('refuses the bound token presented as a Bearer token', async () => {
    const res = await rawPost(server.url, { authorization: `Bearer ${bound.access_token}` });
    assert.equal(res.status, 401);
    const header = res.headers.get('www-authenticate');
    assert.equal(challengeParams(header, 'Bearer').error, 'invalid_token');
    assert.match(challengeParams(header, 'Bearer').error_description, /DPoP scheme/);
    // The DPoP scheme without a proof is refused too.
    const noProof = await rawPost(server.url, { authorization: `DPoP ${bound.access_token}` });
    assert.equal(noProof.status, 401);
    assert.equal(challengeParams(noProof.headers.get('www-authenticate'), 'DPoP').error, 'invalid_dpop_proof');
  });

  it('refuses a replayed proof and a proof for another URI or method', async () => {
    const keys = await dpop.generateKeyPair('ES256');
    // Bound to the holder's key in oauth4webapi: these hand-made proofs use their own key,
    // so bind a second token to it first.
    const handle = oauth.DPoP({}, keys);
    const mine = await token(as, { handle, resource: server.url });
    const proof = await dpop.generateProof(keys, server.url, 'POST', undefined, mine.access_token);
    const headers = { authorization: `DPoP ${mine.access_token}`, dpop: proof };
    const first = await rawPost(server.url, headers);
    assert.equal(first.status, 200);
    await first.arrayBuffer();
    const again = await rawPost(server.url, headers);
    assert.equal(again.status, 401);
    assert.match(challengeParams(again.headers.get('www-authenticate'), 'DPoP').error_description, /already used/);
    const elsewhere = await dpop.generateProof(keys, 'http://127.0.0.1:1/mcp', 'POST', undefined, mine.access_token);
    const wrongUri = await rawPost(server.url, { ...headers, dpop: elsewhere });
    assert.equal(wrongUri.status, 401);
    assert.match(challengeParams(wrongUri.headers.get('www-authenticate'), 'DPoP').error_description, /htu/);
    const get = await dpop.generateProof(keys, server.url, 'GET', undefined, mine.access_token);
    const wrongMethod = await rawPost(server.url, { ...headers, dpop: get });
    assert.equal(wrongMethod.status, 401);
    assert.match(challengeParams(wrongMethod.headers.get('www-authenticate'), 'DPoP').error_description, /htm/);
    // Two proofs joined into one field (as fetch or a proxy joins repeated fields): refused.
    const two = await rawPost(server.url, { ...headers, dpop: `${proof}, ${proof}` });
    assert.equal(two.status, 401);
  });

  it('still accepts plain Bearer tokens without cnf under the default policy', async () => {
    const plain = await token(as, { resource: server.url });
    assert.equal(plain.token_type.toLowerCase(), 'bearer');
    const res = await rawPost(server.url, { authorization: `Bearer ${plain.access_token}` });
    assert.equal(res.status, 200);
    await res.arrayBuffer();
  });

  it('answers a missing scope with a DPoP insufficient_scope challenge (step-up)', async () => {
    const res = await mcpRequest(server.url, bound.access_token, holder);
    const sessionId = res.headers.get('mcp-session-id');
    await readMessages(res);
    const h = { 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-11-25' };
    await (await mcpRequest(server.url, bound.access_token, holder, { jsonrpc: '2.0', method: 'notifications/initialized' }, h)).arrayBuffer();
    await assert.rejects(
      mcpRequest(
        server.url,
        bound.access_token,
        holder,
        { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'admin_ping', arguments: {} } },
        h,
      ),
      (err) => {
        assert.ok(err instanceof oauth.WWWAuthenticateChallengeError);
        assert.equal(err.response.status, 403);
        const c = err.cause.find((ch) => ch.scheme === 'dpop');
        assert.equal(c.parameters.error, 'insufficient_scope');
        assert.match(c.parameters.scope, /mcp:admin/);
        return true;
      },
    );
  });
});

describe('DPoP policy "required" and server nonces', () => {
  let asInfo;
  let as;
  let server;
  before(async () => {
    asInfo = await startAS();
    const issuer = new URL(asInfo.issuer);
    as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, insecure));
    server = await startServer({
      issuer: asInfo.issuer,
      extraEnv: {
        MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS: serversEnv(asInfo.issuer, 'required'),
        MCP_RESOURCE_SERVER_DPOP_NONCE: 'true',
        MCP_RESOURCE_SERVER_DPOP_ALGORITHMS: 'ES256 EdDSA',
      },
    });
  });
  after(async () => {
    await server?.stop();
    await asInfo?.stop();
  });

  it('publishes that bound tokens are required, and only the DPoP challenge', async () => {
    const meta = await (await fetch(new URL('/.well-known/oauth-protected-resource', server.url))).json();
    assert.equal(meta.dpop_bound_access_tokens_required, true);
    assert.deepEqual(meta.dpop_signing_alg_values_supported, ['ES256', 'EdDSA']);
    const res = await rawPost(server.url, {});
    assert.equal(res.status, 401);
    assert.match(res.headers.get('www-authenticate'), /^DPoP resource_metadata="[^"]+", scope="mcp:tools", algs="ES256 EdDSA"$/);
    // A nonce comes with the first 401 so the first proof can carry it (RFC 9449 section 8).
    assert.match(res.headers.get('dpop-nonce') ?? '', /^[A-Za-z0-9_-]+$/);
  });

  it('refuses an unbound Bearer token', async () => {
    const plain = await token(as, { resource: server.url });
    const res = await rawPost(server.url, { authorization: `Bearer ${plain.access_token}` });
    assert.equal(res.status, 401);
    assert.match(res.headers.get('www-authenticate'), /error_description="this server requires DPoP-bound tokens"/);
  });

  it('asks for a nonce (use_dpop_nonce), then accepts the retry with it', async () => {
    const handle = await newHandle();
    const bound = await token(as, { handle, resource: server.url });
    // The AS's nonce is not ours: the first request gets use_dpop_nonce and a DPoP-Nonce.
    let first;
    await assert.rejects(mcpRequest(server.url, bound.access_token, handle), (err) => {
      assert.ok(oauth.isDPoPNonceError(err));
      first = err.response;
      return true;
    });
    assert.equal(first.status, 401);
    const nonce = first.headers.get('dpop-nonce');
    assert.match(nonce, /^[A-Za-z0-9_-]+$/);
    // oauth4webapi cached the nonce from the response and puts it in the next proof.
    const res = await mcpRequest(server.url, bound.access_token, handle);
    assert.equal(res.status, 200);
    await res.arrayBuffer();
    // A hand-made proof with a forged nonce is refused with a fresh nonce.
    const keys = await dpop.generateKeyPair('ES256');
    const mine = await token(as, { handle: oauth.DPoP({}, keys), resource: server.url });
    const forged = await dpop.generateProof(keys, server.url, 'POST', 'AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAhIiMkJSYnKCkq', mine.access_token);
    const refused = await rawPost(server.url, { authorization: `DPoP ${mine.access_token}`, dpop: forged });
    assert.equal(refused.status, 401);
    assert.equal(challengeParams(refused.headers.get('www-authenticate'), 'DPoP').error, 'use_dpop_nonce');
    assert.ok(refused.headers.get('dpop-nonce'));
    const good = await dpop.generateProof(keys, server.url, 'POST', refused.headers.get('dpop-nonce'), mine.access_token);
    const ok = await rawPost(server.url, { authorization: `DPoP ${mine.access_token}`, dpop: good });
    assert.equal(ok.status, 200);
    await ok.arrayBuffer();
  });

  it('lets a browser send the DPoP header and read DPoP-Nonce (CORS)', async () => {
    const pre = await fetch(server.url, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:6274', 'access-control-request-headers': 'authorization, dpop' },
    });
    assert.match(pre.headers.get('access-control-allow-headers'), /\bDPoP\b/);
    const res = await rawPost(server.url, { origin: 'http://localhost:6274' });
    assert.match(res.headers.get('access-control-expose-headers'), /\bDPoP-Nonce\b/);
  });
});

describe('the curl walkthrough: warden dev token --dpop-key and warden dev dpop-proof', () => {
  const DEV_ISSUER = 'http://localhost/warden-dev';
  let dir;
  let server;
  const warden = (...args) => execFileSync(binary('warden'), args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'warden-dpop-'));
    warden('dev', 'keygen', '--dir', dir);
    server = await startServer({
      issuer: DEV_ISSUER,
      extraEnv: {
        MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS: JSON.stringify([
          { authorization_server_url: DEV_ISSUER, issuer: DEV_ISSUER, jwks_uri: `file://${dir}/jwks.json`, dpop: 'required' },
        ]),
      },
    });
  });
  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('binds a dev token to a dev DPoP key, and proofs made by the CLI pass once', async () => {
    const key = path.join(dir, 'dpop-key.pem');
    const token = warden('dev', 'token', '--key', path.join(dir, 'signing-key.pem'), '--sub', 'alice', '--scope', 'mcp:tools', '--aud', server.url, '--dpop-key', key);
    recordSecret(token);
    assert.equal(statSync(key).mode & 0o077, 0, 'the DPoP key is private');
    const jkt = warden('dev', 'dpop-proof', '--key', key, '--jkt');
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url'));
    assert.equal(claims.cnf.jkt, jkt);
    const proof = warden('dev', 'dpop-proof', '--key', key, '--url', server.url, '--token', token);
    const ok = await rawPost(server.url, { authorization: `DPoP ${token}`, dpop: proof });
    assert.equal(ok.status, 200);
    await ok.arrayBuffer();
    const again = await rawPost(server.url, { authorization: `DPoP ${token}`, dpop: proof });
    assert.equal(again.status, 401);
    const bearer = await rawPost(server.url, { authorization: `Bearer ${token}` });
    assert.equal(bearer.status, 401);
    // A token bound with --dpop-jkt to someone else's key: the CLI's proofs do not fit it.
    const other = warden('dev', 'token', '--key', path.join(dir, 'signing-key.pem'), '--sub', 'bob', '--aud', server.url, '--dpop-jkt', 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    const mismatch = await rawPost(server.url, {
      authorization: `DPoP ${other}`,
      dpop: warden('dev', 'dpop-proof', '--key', key, '--url', server.url, '--token', other),
    });
    assert.equal(mismatch.status, 401);
    assert.match(mismatch.headers.get('www-authenticate'), /error="invalid_dpop_proof"/);
  });
});
