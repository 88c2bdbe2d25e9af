// Bounded soak of warden-quickstart with server-level auth: many connections send a mix of
// valid, invalid (forged signature, unknown kid, wrong audience, garbage) and expired
// tokens. Every valid call must succeed, every invalid or expired one get 401, nothing 5xx;
// the server's RSS (VmRSS) is sampled every second and may not grow more than 16 MiB in
// the second half of the run. Prints a JSON summary; exits 1 on any
// failure. Bounded by SOAK_SECONDS (default 60) and SOAK_MAX_REQUESTS (default 2,000,000).
//   node tests/e2e/tools/soak.mjs
import fs from 'node:fs';
import http from 'node:http';

import { makeKey, startJwksServer } from '../as/jwks-server.mjs';
import { startServer } from '../auth-helpers.mjs';

const seconds = Number(process.env.SOAK_SECONDS ?? 60);
const maxRequests = Number(process.env.SOAK_MAX_REQUESTS ?? 2000000);
const connections = Number(process.env.SOAK_CONNECTIONS ?? 32);
const rss = (pid) => Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);

const key = await makeKey('soak');
const jwks = await startJwksServer();
jwks.publish([key]);
const server = await startServer({
  issuer: jwks.issuer,
  extraEnv: {
    MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS: JSON.stringify([
      { authorization_server_url: jwks.issuer, issuer: jwks.issuer, jwks_uri: jwks.jwksUri },
    ]),
    MCP_RESOURCE_SERVER_JWKS_REFETCH_COOLDOWN: '5',
  },
  // Stateless: every call stands alone, so hours of soak do not run into the session cap.
  extraArgs: ['--stateless'],
});
const pid = server.child.pid;
const counts = { requests: 0, valid_ok: 0, invalid_401: 0, expired_401: 0, failures: 0, status_5xx: 0, transport_errors: 0 };
const failures = [];
try {
  // A pool of tokens per kind, so valid tokens also exercise the verified-token cache, and a
  // stream of fresh ones so the signature check runs too.
  const sign = (opts = {}) => jwks.sign(key, { aud: server.url, ...opts });
  const valid = await Promise.all(Array.from({ length: 50 }, (_, i) => sign({ sub: `user-${i}` })));
  const expired = await Promise.all(Array.from({ length: 20 }, () => sign({ exp: Math.floor(Date.now() / 1000) - 60 })));
  const stranger = await makeKey('stranger');
  const invalid = [
    ...(await Promise.all(Array.from({ length: 10 }, () => jwks.sign(stranger, { aud: server.url })))),
    ...(await Promise.all(Array.from({ length: 10 }, () => sign({ aud: 'http://127.0.0.1:1/mcp' })))),
    ...valid.slice(0, 10).map((t) => t.slice(0, -4) + (t.endsWith('AAAA') ? 'BBBB' : 'AAAA')),
    'not-a-token', 'a.b.c', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
  ];
  let fresh = [];
  const refill = async () => {
    fresh = await Promise.all(Array.from({ length: 20 }, (_, i) => sign({ sub: `fresh-${i}` })));
  };
  await refill();

  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo', arguments: { text: 'soak' } } });
  const post = (token, payload) =>
    new Promise((resolve) => {
      const req = http.request(server.url, {
        method: 'POST',
        agent,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25' },
      }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString() }));
        res.on('error', (e) => resolve({ status: 0, text: e.message }));
      });
      req.on('error', (e) => resolve({ status: 0, text: e.message }));
      req.end(payload);
    });

  const samples = [rss(pid)];
  const sampler = setInterval(() => samples.push(rss(pid)), 1000);
  const deadline = Date.now() + seconds * 1000;
  let n = 0;
  const fail = (what) => {
    counts.failures += 1;
    if (failures.length < 20) failures.push(what);
  };
  const worker = async () => {
    while (Date.now() < deadline && n < maxRequests) {
      const i = n++;
      const kind = i % 10 < 6 ? 'valid' : i % 10 < 8 ? 'invalid' : 'expired';
      let token;
      if (kind === 'valid') token = i % 7 === 0 ? fresh[i % fresh.length] : valid[i % valid.length];
      else if (kind === 'invalid') token = invalid[i % invalid.length];
      else token = expired[i % expired.length];
      const r = await post(token, body);
      counts.requests += 1;
      if (r.status >= 500) counts.status_5xx += 1;
      if (r.status === 0) counts.transport_errors += 1;
      if (kind === 'valid') {
        if (r.status === 200 && r.text.includes('"text":"soak"')) counts.valid_ok += 1;
        else fail(`valid -> ${r.status} ${r.text.slice(0, 120)}`);
      } else if (r.status === 401) counts[`${kind}_401`] += 1;
      else fail(`${kind} -> ${r.status} ${r.text.slice(0, 120)}`);
      if (i % 5000 === 0) await refill();
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: connections }, worker));
  clearInterval(sampler);
  samples.push(rss(pid));
  agent.destroy();
  const elapsed = (Date.now() - started) / 1000;
  const summary = {
    seconds: Math.round(elapsed),
    connections,
    ...counts,
    requests_per_second: Math.round(counts.requests / elapsed),
    rss_kib: { start: samples[0], half_time: samples[Math.floor(samples.length / 2)], peak: Math.max(...samples), end: samples.at(-1) },
    jwks_fetches: jwks.fetches,
    failure_examples: failures,
  };
  console.log(JSON.stringify(summary, null, 2));
  // Flat: after the first half (caches filled), RSS may not keep growing.
  const growth = summary.rss_kib.end - summary.rss_kib.half_time;
  if (growth > 16 * 1024) console.log(`RSS grew ${growth} KiB in the second half`);
  const ok = growth <= 16 * 1024 && counts.failures === 0 && counts.status_5xx === 0 && counts.transport_errors === 0 && counts.requests > 0;
  process.exitCode = ok ? 0 : 1;
} finally {
  await server.stop();
  await jwks.close();
}
