// The shared PostgreSQL store stops answering: the store calls a request makes before its
// handler (a DPoP proof's jti, a listen's task ids) run off the I/O thread, so a silent
// database delays only those requests (a proof then fails closed with 503), never the
// other requests the one I/O thread serves. The database sits behind a relay this test starts, which can go silent
// without closing anything (a hung host or pooler, as libpq sees it).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import crypto from 'node:crypto';
import * as oauth from 'oauth4webapi';

import { MACHINE, clientCredentialsToken, startAS, startServer } from '../auth-helpers.mjs';
import { recordSecret } from '../helpers.mjs';

const PG_URL = process.env.WARDEN_TEST_POSTGRES_URL;
const insecure = { [oauth.allowInsecureRequests]: true };
const MCP_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const PING = { jsonrpc: '2.0', id: 1, method: 'ping' };

/** A TCP relay to `port` on a free loopback port; `silence(true)` swallows both ways. */
async function startRelay(port) {
  let silent = false;
  const sockets = new Set();
  const server = net.createServer((client) => {
    const upstream = net.connect(port, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => sockets.delete(s));
    }
    client.on('data', (d) => silent || upstream.write(d));
    upstream.on('data', (d) => silent || client.write(d));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    silence: (on) => (silent = on),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('the shared store stops answering', () => {
  let asInfo;
  let as;
  let relay;
  let server;
  let holder;
  let bound;
  before(async () => {
    assert.ok(PG_URL, 'run through scripts/test-postgres.sh');
    relay = await startRelay(Number(new URL(PG_URL).port));
    const viaRelay = new URL(PG_URL);
    viaRelay.port = String(relay.port);
    asInfo = await startAS();
    const issuer = new URL(asInfo.issuer);
    as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, insecure));
    server = await startServer({
      issuer: asInfo.issuer,
      binaryName: 'warden-everything', // it has task tools: its tasks are kept on the store
      // One I/O thread: whatever it waits on, every connection waits on.
      extraArgs: ['--stateless', '--json-response', '--io-threads', '1'],
      extraEnv: {
        WARDEN_STORE_URL: viaRelay.toString(),
        WARDEN_TOOLAUTH_KEY: crypto.randomBytes(32).toString('hex'),
        WARDEN_STATE_KEY: crypto.randomBytes(32).toString('hex'),
      },
    });
    holder = oauth.DPoP({}, await oauth.generateKeyPair('ES256'));
    const client = { client_id: MACHINE.id };
    const params = new URLSearchParams({ scope: 'mcp:tools', resource: server.url });
    const call = () =>
      oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretBasic(MACHINE.secret), params, {
        ...insecure,
        DPoP: holder,
      });
    try {
      bound = await oauth.processClientCredentialsResponse(as, client, await call());
    } catch (err) {
      if (!oauth.isDPoPNonceError(err)) throw err;
      bound = await oauth.processClientCredentialsResponse(as, client, await call());
    }
    recordSecret(bound.access_token);
  });
  after(async () => {
    await server?.stop();
    await asInfo?.stop();
    await relay?.close();
  });

  const withProof = () =>
    oauth.protectedResourceRequest(
      bound.access_token,
      'POST',
      new URL(server.url),
      new Headers({ ...MCP_HEADERS, 'mcp-protocol-version': '2025-11-25' }),
      JSON.stringify(PING),
      { ...insecure, DPoP: holder },
    );

  it('a proof is recorded in the store and the request answered', async () => {
    const res = await withProof();
    assert.equal(res.status, 200);
    assert.deepEqual((await res.json()).result, {});
  });

  it('while the store is silent, other requests are served and the proof fails closed', async () => {
    relay.silence(true);
    const order = [];
    const pending = withProof().then((res) => {
      order.push('proof');
      return res;
    });
    // Give the proof time to reach the store (it then waits for an answer that never comes).
    await new Promise((resolve) => setTimeout(resolve, 500));
    const metadata = await fetch(new URL('/.well-known/oauth-protected-resource/mcp', server.url));
    order.push('metadata');
    assert.equal(metadata.status, 200);
    // Before: the one I/O thread waited on the database inside the proof's check, and the
    // metadata request was not even accepted until that check gave up.
    const refused = await pending;
    assert.deepEqual(order, ['metadata', 'proof']);
    assert.equal(refused.status, 503);
    assert.equal((await refused.json()).error, 'temporarily_unavailable');
    assert.match(server.log(), /did not answer within 6 s/);
  });

  it('while the store is silent, a listen naming tasks waits for them off the I/O thread', async () => {
    relay.silence(true);
    const bearer = await clientCredentialsToken(asInfo.issuer, { resource: server.url });
    recordSecret(bearer);
    const order = [];
    const listen = fetch(server.url, {
      method: 'POST',
      headers: {
        ...MCP_HEADERS,
        authorization: `Bearer ${bearer}`,
        'mcp-protocol-version': '2026-07-28',
        'mcp-method': 'subscriptions/listen',
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 9,
        method: 'subscriptions/listen',
        params: {
          notifications: { taskIds: ['no-such-task'] },
          _meta: {
            'io.modelcontextprotocol/protocolVersion': '2026-07-28',
            'io.modelcontextprotocol/clientCapabilities': { extensions: { 'io.modelcontextprotocol/tasks': {} } },
          },
        },
      }),
    }).then(async (res) => {
      const reader = res.body.getReader();
      let text = '';
      while (!text.includes('subscriptions/acknowledged')) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      order.push('acknowledged');
      await reader.cancel();
      return text;
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const metadata = await fetch(new URL('/.well-known/oauth-protected-resource/mcp', server.url));
    order.push('metadata');
    assert.equal(metadata.status, 200);
    // Before: the task ids were looked up on the one I/O thread, which then served nothing
    // until the database gave up.
    const text = await listen;
    assert.deepEqual(order, ['metadata', 'acknowledged']);
    // The store could not confirm the task: it is dropped like an unknown one.
    assert.match(text, /subscriptions\/acknowledged/);
    assert.doesNotMatch(text, /no-such-task/);
  });

  it('once the store answers again, proofs are accepted again', async () => {
    relay.silence(false);
    const res = await withProof();
    assert.equal(res.status, 200);
  });
});
