// Faults at the authorization server's JWKS endpoint, seen from warden-quickstart: the
// endpoint down, slow past the fetch timeout, answering 500, garbage or a set without the
// needed key; key rotation while clients are active; a flood of random kids. Known keys keep
// working, unknown ones get 401 (never 5xx), the server logs why, and a flood costs at most
// one fetch per cooldown. Everything on 127.0.0.1, against tests/e2e/as/jwks-server.mjs.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import http from 'node:http';

import { makeKey, startJwksServer } from './as/jwks-server.mjs';
import { rawInitialize, startServer } from './auth-helpers.mjs';

async function initStatus(url, token) {
  const res = await rawInitialize(url, { authorization: `Bearer ${token}` });
  await res.arrayBuffer();
  return res.status;
}

function entryFor(jwks) {
  return JSON.stringify([
    { authorization_server_url: jwks.issuer, issuer: jwks.issuer, jwks_uri: jwks.jwksUri },
  ]);
}

describe('JWKS endpoint faults', { timeout: 120000 }, () => {
  let jwks;
  let server;
  let known;
  let stranger;
  before(async () => {
    known = await makeKey('known');
    stranger = await makeKey('stranger');
    jwks = await startJwksServer({ slowMs: 7000 });
    jwks.publish([known]);
    server = await startServer({
      issuer: jwks.issuer,
      extraEnv: {
        MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS: entryFor(jwks),
        MCP_RESOURCE_SERVER_JWKS_REFETCH_COOLDOWN: '1',
      },
    });
    // The first token loads the keys.
    assert.equal(await initStatus(server.url, await jwks.sign(known, { aud: server.url })), 200);
  });
  after(async () => {
    await server?.stop();
    await jwks?.close();
  });

  // Each case: let the cooldown pass, so the stranger's kid triggers a fetch that meets
  // the fault; the stranger gets 401, a fresh token of the known key 200.
  const cases = [
    { name: 'down (connection refused)', mode: 'down', log: /JWKS fetch from \S+ failed: HTTP transfer failed; keeping the last good keys/ },
    { name: 'answering 500', mode: '500', log: /JWKS fetch from \S+ failed: HTTP status 500; keeping the last good keys/ },
    { name: 'answering garbage JSON', mode: 'garbage', log: /JWKS fetch from \S+ failed: not a JWK set \(.+\); keeping the last good keys/ },
    { name: 'answering HTML', mode: 'html', log: /JWKS fetch from \S+ failed: Content-Type is not application\/json/ },
    { name: 'slow past the fetch timeout', mode: 'slow', log: /JWKS fetch from \S+ failed: HTTP request timed out; keeping the last good keys/ },
  ];
  for (const c of cases) {
    it(`${c.name}: known keys keep working, unknown ones get 401, the log says why`, async () => {
      if (c.mode === 'down') await jwks.down();
      else jwks.setMode(c.mode);
      try {
        await sleep(1100);
        const before = server.log().length;
        const strangerStatus = initStatus(server.url, await jwks.sign(stranger, { aud: server.url }));
        // While that fetch fails (or hangs), the known key is served without waiting.
        assert.equal(await initStatus(server.url, await jwks.sign(known, { aud: server.url })), 200);
        assert.equal(await strangerStatus, 401);
        assert.equal(await initStatus(server.url, await jwks.sign(known, { aud: server.url })), 200);
        assert.match(server.log().slice(before), c.log);
      } finally {
        if (c.mode === 'down') await jwks.up();
        jwks.setMode('ok');
      }
    });
  }

  it('a set without the needed key: that kid gets 401, the known key keeps working', async () => {
    await sleep(1100);
    const fetchesBefore = jwks.fetches;
    assert.equal(await initStatus(server.url, await jwks.sign(stranger, { aud: server.url })), 401);
    assert.equal(jwks.fetches, fetchesBefore + 1, 'the unknown kid caused one re-fetch');
    assert.equal(await initStatus(server.url, await jwks.sign(known, { aud: server.url })), 200);
  });
});

describe('key rotation while clients are active', { timeout: 120000 }, () => {
  let jwks;
  let server;
  after(async () => {
    await server?.stop();
    await jwks?.close();
  });

  it('calls keep succeeding across the rotation', async () => {
    const first = await makeKey('rot-1');
    const second = await makeKey('rot-2');
    jwks = await startJwksServer();
    jwks.publish([first]);
    server = await startServer({
      issuer: jwks.issuer,
      extraEnv: {
        MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS: entryFor(jwks),
        MCP_RESOURCE_SERVER_JWKS_REFETCH_COOLDOWN: '1',
      },
      // Every call is an initialize: without sessions a fast machine never meets the
      // session cap, which is not what this test is about.
      extraArgs: ['--stateless'],
    });
    let signing = first;
    const tally = { ok: 0, failed: [] };
    let stop = false;
    const call = async (i) => {
      const token = await jwks.sign(signing, { aud: server.url });
      const headers = {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      };
      const res = await fetch(server.url, {
        method: 'POST',
        headers,
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: `c${i}`, version: '1' } } }),
      });
      const text = await res.text();
      if (res.status === 200 && JSON.parse(text).result) tally.ok += 1;
      else tally.failed.push(`${res.status} ${text.slice(0, 200)}`);
    };
    const workers = Array.from({ length: 8 }, async (_, w) => {
      for (let i = 0; !stop && i < 2000; ++i) await call(w);
    });
    // The AS rotates as real ones do: publish the new key, then sign with it, then retire
    // the old one. The server learns the new key through the kid miss.
    await sleep(1500);
    jwks.publish([first, second]);
    await sleep(1100); // past the re-fetch cooldown of the server's last fetch
    signing = second;
    await sleep(1500);
    jwks.publish([second]);
    await sleep(1500);
    stop = true;
    await Promise.all(workers);
    assert.deepEqual(tally.failed, []);
    assert.ok(tally.ok > 0);
    assert.doesNotMatch(server.log(), /JWKS fetch from \S+ failed/);
  });
});

describe('a flood of tokens with random kids', { timeout: 300000 }, () => {
  let jwks;
  let server;
  const COOLDOWN = 30;
  after(async () => {
    await server?.stop();
    await jwks?.close();
  });

  it('10,000 requests cost at most one JWKS fetch per cooldown; all get 401, no 5xx', async () => {
    const key = await makeKey('real');
    jwks = await startJwksServer();
    jwks.publish([key]);
    server = await startServer({
      issuer: jwks.issuer,
      extraEnv: {
        MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS: entryFor(jwks),
        MCP_RESOURCE_SERVER_JWKS_REFETCH_COOLDOWN: String(COOLDOWN),
      },
    });
    assert.equal(await initStatus(server.url, await jwks.sign(key, { aud: server.url })), 200);
    // The keys were fetched just now: within the cooldown the flood may cause no fetch at all.
    const base = jwks.fetches;
    const started = Date.now();
    // A valid-looking header and payload with a random kid; the signature is never reached.
    const payload = Buffer.from(JSON.stringify({ iss: jwks.issuer, sub: 'x', aud: server.url, exp: 4e9 })).toString('base64url');
    const forged = () => {
      const kid = Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2);
      const header = Buffer.from(JSON.stringify({ alg: 'ES256', kid })).toString('base64url');
      return `${header}.${payload}.${'A'.repeat(86)}`;
    };
    const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' });
    const statuses = new Map();
    const one = () =>
      new Promise((resolve, reject) => {
        const req = http.request(server.url, {
          method: 'POST',
          agent,
          headers: { authorization: `Bearer ${forged()}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        }, (res) => {
          res.resume();
          res.on('end', () => {
            statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
            resolve();
          });
        });
        req.on('error', reject);
        req.end(body);
      });
    const TOTAL = 10000;
    let next = 0;
    await Promise.all(Array.from({ length: 32 }, async () => {
      while (next < TOTAL) {
        next += 1;
        await one();
      }
    }));
    agent.destroy();
    const elapsed = (Date.now() - started) / 1000;
    const fetches = jwks.fetches - base;
    assert.deepEqual([...statuses], [[401, TOTAL]]);
    assert.ok(fetches <= 1 + Math.floor(elapsed / COOLDOWN), `${fetches} fetches in ${elapsed} s`);
  });
});
