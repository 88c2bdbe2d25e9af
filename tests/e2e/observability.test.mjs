// Observability end to end (docs/operations.md): warden-quickstart with server-level auth
// against a real authorization server (oidc-provider), metrics on their own loopback port
// and an audit log file. Known traffic, then: the live exposition passes `promtool check
// metrics` and its counters moved by exactly that traffic (refused tokens by reason, tool
// calls per registered tool, no series for an unknown tool); the audit log has one parsed
// line per decision and per tool call and none of the tokens; the trace id of a
// `traceparent` header or of `_meta` (SEP-414) reaches the audit line and the handler's
// Context; SIGHUP makes the log reopen after a rotation; /metrics is not on the main port
// unless asked for, and then outside the MCP auth.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { MACHINE, clientCredentialsToken, rawInitialize, startAS, startServer } from './auth-helpers.mjs';
import { binary, recordSecret, waitFor } from './helpers.mjs';

const MODERN = '2026-07-28';
const HEADER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const META_TRACE = '0af7651916cd43dd8448eb211c80319c';

/** One 2026-07-28 tools/call (self-contained: no session). */
async function callTool(url, token, name, args = {}, { headers = {}, meta = {} } = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': MODERN,
      'mcp-method': 'tools/call',
      'mcp-name': name,
      ...(token && { authorization: `Bearer ${token}` }),
      ...headers,
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: Math.floor(Math.random() * 1e9),
      method: 'tools/call',
      params: {
        name,
        arguments: args,
        _meta: {
          'io.modelcontextprotocol/protocolVersion': MODERN,
          'io.modelcontextprotocol/clientCapabilities': {},
          ...meta,
        },
      },
    }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** Samples of the text exposition: [{ name, labels, value }]. */
function parseExposition(text) {
  const out = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = line.match(/^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/);
    assert.ok(m, `unparsable exposition line: ${line}`);
    const labels = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    out.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return out;
}

/** The value of the sample named `name` with exactly `labels` (0 when absent). */
function valueOf(samples, name, labels) {
  const want = JSON.stringify(Object.entries(labels).sort());
  const found = samples.find((s) => s.name === name && JSON.stringify(Object.entries(s.labels).sort()) === want);
  return found ? found.value : 0;
}

function auditLines(file) {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

describe('observability: metrics, audit log and trace context', () => {
  let as;
  let server;
  let metricsUrl;
  let token;
  let dir;
  let auditFile;
  const tokens = [];

  before(async () => {
    as = await startAS();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warden-obs-'));
    auditFile = path.join(dir, 'audit.log');
    server = await startServer({
      issuer: as.issuer,
      extraArgs: ['--metrics-port', '0', '--audit-log', auditFile],
    });
    const m = server.log().match(/serving Prometheus metrics at (http:\/\/127\.0\.0\.1:\d+\/metrics)/);
    assert.ok(m, server.log());
    metricsUrl = m[1];
    token = await clientCredentialsToken(as.issuer, { scope: 'mcp:tools', resource: server.url });
    tokens.push(token);
  });

  after(async () => {
    await server?.stop();
    await as?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const scrape = async () => {
    const res = await fetch(metricsUrl);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
    return res.text();
  };

  it('counts known traffic exactly and the exposition passes promtool', async () => {
    const before = parseExposition(await scrape());
    const deny = (reason) => ({ result: 'deny', reason });

    // Three tokens with a flipped signature byte: three refusals, reason invalid_signature.
    for (let i = 0; i < 3; i++) {
      const [h, p, s] = token.split('.');
      const bad = `${h}.${p}.${s.slice(0, 10)}${s[10] === 'A' ? 'B' : 'A'}${s.slice(11)}`;
      tokens.push(bad);
      recordSecret(bad);
      assert.equal((await callTool(server.url, bad, 'echo', { text: 'x' })).status, 401);
    }
    assert.equal((await callTool(server.url, null, 'echo', { text: 'x' })).status, 401);
    // Two calls of echo, one of whoami, one of a tool nobody registered.
    for (const text of ['one', 'two'])
      assert.equal((await callTool(server.url, token, 'echo', { text })).body.result.content[0].text, text);
    assert.equal((await callTool(server.url, token, 'whoami')).status, 200);
    const unknown = await callTool(server.url, token, 'no_such_tool_e2e');
    assert.ok(unknown.body.error, 'an unknown tool is a JSON-RPC error');

    const text = await scrape();
    const promtool = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    assert.equal(promtool.error, undefined, 'promtool (Debian package prometheus) must be installed');
    assert.equal(promtool.status, 0, `promtool: ${promtool.stdout}${promtool.stderr}`);

    const after = parseExposition(text);
    const delta = (name, labels) => valueOf(after, name, labels) - valueOf(before, name, labels);
    assert.equal(delta('warden_auth_decisions_total', deny('invalid_signature')), 3);
    assert.equal(delta('warden_auth_decisions_total', deny('missing_token')), 1);
    assert.equal(delta('warden_auth_decisions_total', { result: 'allow', reason: 'ok' }), 4);
    const calls = (tool) =>
      delta('warden_request_duration_seconds_count', { method: 'tools/call', tool });
    assert.equal(calls('echo'), 2);
    assert.equal(calls('whoami'), 1);
    assert.equal(delta('warden_requests_total', { method: 'tools/call', era: 'modern', outcome: 'ok' }), 3);
    assert.equal(delta('warden_requests_total', { method: 'tools/call', era: 'modern', outcome: 'error' }), 1);
    assert.ok(!text.includes('no_such_tool_e2e'), 'a name the client chose creates no series');
    // The key set was fetched once for the first token; the verified token is cached.
    assert.ok(valueOf(after, 'warden_jwks_fetches_total', { result: 'ok' }) >= 1);
    assert.ok(after.some((s) => s.name === 'warden_jwks_key_set_age_seconds' && s.value >= 0));
    assert.ok(delta('warden_token_cache_lookups_total', { result: 'hit' }) >= 3);
  });

  it('writes one audit line per decision and per tool call, with no token in it', async () => {
    const start = auditLines(auditFile).length;
    assert.equal((await callTool(server.url, token, 'echo', { text: 'audited' })).status, 200);
    // admin_ping needs mcp:admin: refused before the handler, naming the scope.
    assert.equal((await callTool(server.url, token, 'admin_ping')).status, 403);
    await waitFor(() => auditLines(auditFile).length >= start + 4, 5000, 'audit lines');
    const lines = auditLines(auditFile);
    for (const l of lines) assert.match(l.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    const refused = lines.filter((l) => l.event === 'auth' && l.decision === 'deny');
    assert.equal(refused.filter((l) => l.reason === 'invalid_signature').length, 3);
    assert.equal(refused.filter((l) => l.reason === 'missing_token').length, 1);
    for (const l of refused.filter((l) => l.reason !== 'insufficient_scope')) {
      assert.equal(l.subject, undefined, 'a refused token names nobody');
      assert.equal(l.operation, 'POST /mcp');
    }
    const scope = lines.find((l) => l.reason === 'insufficient_scope');
    assert.ok(scope, 'the 403 is audited');
    assert.equal(scope.operation, 'tools/call admin_ping');
    assert.ok(scope.required_scopes.includes('mcp:admin'));
    assert.equal(scope.client_id, MACHINE.id);

    const allowed = lines.filter((l) => l.event === 'auth' && l.decision === 'allow');
    assert.ok(allowed.length >= 5);
    for (const l of allowed) {
      assert.equal(l.issuer, as.issuer);
      assert.equal(l.client_id, MACHINE.id);
      assert.equal(typeof l.duration_ms, 'number');
    }
    const echoes = lines.filter((l) => l.event === 'tool_call' && l.operation === 'tools/call echo');
    assert.equal(echoes.length, 3);
    for (const l of echoes) {
      assert.equal(l.decision, 'ok');
      assert.equal(l.issuer, as.issuer);
      assert.match(l.trace_id, /^[0-9a-f]{32}$/);
      assert.ok(l.request_id);
    }
    const unknown = lines.find((l) => l.operation === 'tools/call no_such_tool_e2e');
    assert.equal(unknown.decision, 'error');
    assert.equal(unknown.reason, 'unknown_tool');

    const raw = fs.readFileSync(auditFile, 'utf8') + server.log();
    for (const t of tokens) {
      assert.ok(!raw.includes(t), 'no token in the audit log or the server log');
      assert.ok(!raw.includes(t.split('.')[2]), 'not even a signature');
    }
  });

  it('carries the trace of a traceparent header or of _meta to the audit line and the Context', async () => {
    const header = `00-${HEADER_TRACE}-00f067aa0ba902b7-01`;
    const viaHeader = await callTool(server.url, token, 'whoami', {}, { headers: { traceparent: header } });
    assert.equal(viaHeader.body.result.structuredContent.trace_id, HEADER_TRACE);

    const viaMeta = await callTool(server.url, token, 'whoami', {}, {
      meta: { traceparent: `00-${META_TRACE}-b7ad6b7169203331-01`, tracestate: 'rojo=00f067aa0ba902b7' },
    });
    assert.equal(viaMeta.body.result.structuredContent.trace_id, META_TRACE);

    // Neither: a fresh trace, and the auth line and the call line share it.
    const none = await callTool(server.url, token, 'whoami');
    const fresh = none.body.result.structuredContent.trace_id;
    assert.match(fresh, /^[0-9a-f]{32}$/);
    assert.notEqual(fresh, HEADER_TRACE);

    await waitFor(() => auditLines(auditFile).some((l) => l.trace_id === fresh && l.event === 'tool_call'), 5000, 'audit');
    const lines = auditLines(auditFile);
    const of = (trace, event) => lines.filter((l) => l.trace_id === trace && l.event === event);
    assert.equal(of(HEADER_TRACE, 'auth').length, 1);
    assert.equal(of(HEADER_TRACE, 'tool_call').length, 1);
    assert.equal(of(META_TRACE, 'tool_call').length, 1);
    assert.equal(of(fresh, 'auth').length, 1);
    assert.equal(of(fresh, 'tool_call').length, 1);
    // An invalid traceparent is not continued.
    const bad = await callTool(server.url, token, 'whoami', {}, { headers: { traceparent: `00-${'0'.repeat(32)}-00f067aa0ba902b7-01` } });
    assert.notEqual(bad.body.result.structuredContent.trace_id, '0'.repeat(32));
  });

  it('caps the audit lines of refusals without a verified caller, and accounts for every one', async () => {
    const unauthenticated = (lines) =>
      lines.filter((l) => l.event === 'auth' && l.decision === 'deny' && l.subject === undefined);
    const start = unauthenticated(auditLines(auditFile)).length;
    const metricsBefore = valueOf(parseExposition(await scrape()), 'warden_auth_decisions_total', {
      result: 'deny',
      reason: 'missing_token',
    });
    const flood = 250;
    for (let i = 0; i < flood; i += 50)
      await Promise.all(
        Array.from({ length: 50 }, async () => assert.equal((await callTool(server.url, null, 'echo', { text: 'x' })).status, 401)),
      );
    // A refusal in a later second carries the count of the lines left out before it.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    assert.equal((await callTool(server.url, null, 'echo', { text: 'x' })).status, 401);
    await waitFor(() => unauthenticated(auditLines(auditFile)).length > start, 5000, 'audit lines');
    const lines = unauthenticated(auditLines(auditFile)).slice(start);
    const suppressed = lines.reduce((n, l) => n + (l.suppressed ?? 0), 0);
    assert.equal(lines.length + suppressed, flood + 1, 'every refusal is written or counted');
    const metricsAfter = valueOf(parseExposition(await scrape()), 'warden_auth_decisions_total', {
      result: 'deny',
      reason: 'missing_token',
    });
    assert.equal(metricsAfter - metricsBefore, flood + 1, 'metrics count them all');
  });

  it('follows open sessions in the warden_sessions gauge', async () => {
    const sessions = async () => valueOf(parseExposition(await scrape()), 'warden_sessions', {});
    const before = await sessions();
    const res = await rawInitialize(server.url, { authorization: `Bearer ${token}` });
    assert.equal(res.status, 200);
    await res.text();
    const id = res.headers.get('mcp-session-id');
    assert.equal(await sessions(), before + 1);
    const del = await fetch(server.url, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}`, 'mcp-session-id': id, 'mcp-protocol-version': '2025-11-25' },
    });
    assert.equal(del.status, 200);
    // The session goes once nothing holds it any more (its last stream is done).
    let now = await sessions();
    for (let i = 0; i < 100 && now !== before; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      now = await sessions();
    }
    assert.equal(now, before);
  });

  it('reopens the audit log after SIGHUP (logrotate moved it)', async () => {
    const rotated = `${auditFile}.1`;
    fs.renameSync(auditFile, rotated);
    const before = auditLines(rotated).length;
    process.kill(server.child.pid, 'SIGHUP');
    // The signal is handled when the server gets to it: a call made before that still
    // writes to the moved file (as with any logrotate). Calls go on until one writes to a
    // fresh file at the path.
    for (let i = 0; i < 100 && !auditLines(auditFile).some((l) => l.event === 'tool_call'); i++) {
      assert.equal((await callTool(server.url, token, 'echo', { text: 'after-rotation' })).status, 200);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const fresh = auditLines(auditFile);
    assert.ok(fresh.some((l) => l.event === 'tool_call'), 'a fresh audit file');
    assert.equal(server.child.exitCode, null, 'SIGHUP does not stop the server');
    assert.equal((fs.statSync(auditFile).mode & 0o777).toString(8), '600');
    // No line is written twice: what the fresh file holds is not in the moved one.
    const old = auditLines(rotated);
    assert.ok(old.length >= before);
    const oldIds = new Set(old.map((l) => `${l.event} ${l.request_id} ${l.time}`));
    assert.ok(fresh.every((l) => !oldIds.has(`${l.event} ${l.request_id} ${l.time}`)));
  });

  it('serves nothing but the exposition on the metrics port, and not on the main port unasked', async () => {
    const origin = new URL(server.url).origin;
    assert.equal((await fetch(`${origin}/metrics`)).status, 404);
    const metricsOrigin = new URL(metricsUrl).origin;
    assert.equal((await fetch(`${metricsOrigin}/mcp`, { method: 'POST', body: '{}' })).status, 404);
    assert.equal((await fetch(metricsUrl, { method: 'POST' })).status, 405);
  });
});

describe('observability: /metrics on the main port is opt-in and outside the MCP auth', () => {
  let as;
  let server;
  before(async () => {
    as = await startAS();
    server = await startServer({ issuer: as.issuer, extraArgs: ['--metrics-on-main-port', '--metrics-path', '/internal/metrics'] });
  });
  after(async () => {
    await server?.stop();
    await as?.stop();
  });

  it('answers a scraper without a token at the configured path', async () => {
    const origin = new URL(server.url).origin;
    const res = await fetch(`${origin}/internal/metrics`);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /# TYPE warden_requests_total counter/);
    assert.equal((await fetch(`${origin}/metrics`)).status, 404);
    // The MCP endpoint still needs its token.
    assert.equal((await callTool(server.url, null, 'echo', { text: 'x' })).status, 401);
  });

  it('refuses an audit log on stdout over stdio (stdout is the protocol)', () => {
    const r = spawnSync(binary('warden-quickstart'), ['--audit-log', '-'], { encoding: 'utf8', input: '' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /standard output/);
  });
});
