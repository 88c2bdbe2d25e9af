// Three warden-quickstart replicas on one PostgreSQL store behind nginx, configured with the
// shipped deploy/nginx.conf (ports replaced). scripts/test-postgres.sh starts the database
// and passes WARDEN_TEST_POSTGRES_URL, _STOP and _START; nginx runs from a temporary prefix
// on a free loopback port and is stopped by PID. oidc-provider plays GitHub
// (toolauth-helpers.mjs); front-door tokens come from `warden dev token`.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { binary, connectHttp, freePort, waitFor } from '../helpers.mjs';
import { startServer } from '../auth-helpers.mjs';
import { approve, providerEnv, startProvider } from '../toolauth-helpers.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const PG_URL = process.env.WARDEN_TEST_POSTGRES_URL;
const DEV_ISSUER = 'http://localhost/warden-dev';
const TOOLAUTH_KEY = crypto.randomBytes(32).toString('hex');
const STATE_KEY = crypto.randomBytes(32).toString('hex');
const NAMES = ['a', 'b', 'c'];

function warden(...args) {
  const r = spawnSync(binary('warden'), args, { encoding: 'utf8' });
  assert.equal(r.status, 0, `warden ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

function psql(sql) {
  return execFileSync('psql', [PG_URL, '-v', 'ON_ERROR_STOP=1', '-tAc', sql], { encoding: 'utf8' }).trim();
}

/** One JSON-RPC message over HTTP (JSON or SSE answer); resolves { status, sessionId, message }. */
async function rpc(url, token, message, sessionId) {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2025-11-25',
      ...(sessionId && { 'mcp-session-id': sessionId }),
    },
    body: JSON.stringify(message),
  });
  const text = await res.text();
  let parsed;
  if ((res.headers.get('content-type') ?? '').includes('text/event-stream')) {
    const datas = text.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).filter(Boolean);
    parsed = datas.map((d) => JSON.parse(d)).find((m) => m.id === message.id);
  } else if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }
  return { status: res.status, sessionId: res.headers.get('mcp-session-id'), message: parsed };
}

async function initialize(url, token) {
  const r = await rpc(url, token, {
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'nginx-e2e', version: '1' } },
  });
  assert.equal(r.status, 200, JSON.stringify(r));
  await rpc(url, token, { jsonrpc: '2.0', method: 'notifications/initialized' }, r.sessionId);
  return r.sessionId;
}

let nextId = 10;
const echo = (url, token, sessionId, text) =>
  rpc(url, token, { jsonrpc: '2.0', id: nextId++, method: 'tools/call', params: { name: 'echo', arguments: { text } } }, sessionId);

describe('three replicas on PostgreSQL behind nginx', () => {
  let dir;
  let as;
  let url; // through nginx
  let callback;
  let token;
  const replicas = {}; // name -> { port, url, server }
  let nginxPid;

  const startReplica = async (name) => {
    const port = replicas[name]?.port ?? (await freePort());
    const server = await startServer({
      issuer: DEV_ISSUER,
      jwksUri: `file://${join(dir, 'keys', 'jwks.json')}`,
      port,
      extraArgs: ['--replica-id', name],
      extraEnv: {
        MCP_RESOURCE_SERVER_CANONICAL_URL: url,
        WARDEN_STORE_URL: PG_URL,
        WARDEN_TOOLAUTH_KEY: TOOLAUTH_KEY,
        WARDEN_STATE_KEY: STATE_KEY,
        WARDEN_TOOLAUTH_REDIRECT_URI: callback,
        WARDEN_TOOLAUTH_UNBOUND_LINKS: '1',
        ...providerEnv(as),
      },
    });
    replicas[name] = { port, url: `http://127.0.0.1:${port}/mcp`, origin: `http://127.0.0.1:${port}`, server };
  };

  before(async () => {
    assert.ok(PG_URL, 'run through scripts/test-postgres.sh');
    psql('DROP TABLE IF EXISTS warden_tokens, warden_pending, warden_single_use, warden_schema');
    dir = mkdtempSync(join(tmpdir(), 'warden-nginx-'));
    warden('dev', 'keygen', '--dir', join(dir, 'keys'));
    const nginxPort = await freePort();
    url = `http://127.0.0.1:${nginxPort}/mcp`;
    callback = `http://127.0.0.1:${nginxPort}/oauth/callback`;
    token = warden(
      'dev', 'token', '--key', join(dir, 'keys', 'signing-key.pem'),
      '--sub', 'alice', '--aud', url, '--scope', 'mcp:tools',
    ).trim();
    as = await startProvider([callback]);
    for (const name of NAMES) replicas[name] = { port: await freePort() };
    // Replicas start together: their migrations meet at the advisory lock.
    await Promise.all(NAMES.map((name) => startReplica(name)));
    // The shipped configuration, pointed at this test's ports.
    let conf = readFileSync(join(here, '../../../deploy/nginx.conf'), 'utf8');
    conf = conf.replaceAll('127.0.0.1:8000', `127.0.0.1:${nginxPort}`);
    NAMES.forEach((name, i) => {
      conf = conf.replaceAll(`127.0.0.1:800${i + 1}`, `127.0.0.1:${replicas[name].port}`);
    });
    writeFileSync(join(dir, 'nginx.conf'), conf);
    // -p: every relative path (pid, temp directories) under the test's directory;
    // `daemon off` keeps the master as our child, stopped by its PID.
    const nginx = spawn('nginx', ['-p', `${dir}/`, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'nginx-error.log'), '-g', 'daemon off;'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    nginxPid = nginx.pid;
    let nginxErr = '';
    nginx.stderr.on('data', (c) => (nginxErr += c));
    const deadline = Date.now() + 10000;
    for (;;) {
      try {
        await fetch(`http://127.0.0.1:${nginxPort}/`);
        break;
      } catch {
        if (Date.now() > deadline || nginx.exitCode !== null) throw new Error(`nginx did not start: ${nginxErr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  });

  after(async () => {
    if (nginxPid) {
      try {
        process.kill(nginxPid, 'SIGQUIT');
      } catch {}
      const deadline = Date.now() + 5000;
      while (Date.now() < deadline) {
        try {
          process.kill(nginxPid, 0);
        } catch {
          break;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      try {
        process.kill(nginxPid, 'SIGKILL');
      } catch {}
    }
    for (const r of Object.values(replicas)) await r.server?.stop();
    await as?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('sessions carry their replica in their id; nginx routes them home; an unknown session is 404', async () => {
    const sessions = [];
    for (let i = 0; i < 6; i++) sessions.push(await initialize(url, token));
    const owners = new Set(sessions.map((s) => s.split('.')[0]));
    assert.ok(owners.size >= 2, `initialize spread over replicas: ${sessions}`);
    for (const s of sessions) {
      assert.match(s, /^[abc]\.[0-9a-f]{32}$/);
      for (let i = 0; i < 3; i++) {
        const r = await echo(url, token, s, `hi ${i}`);
        assert.equal(r.status, 200, `${s}: ${JSON.stringify(r)}`);
        assert.equal(r.message.result.content[0].text, `hi ${i}`);
      }
    }
    // The same id under another replica's name, or sent straight to another replica: that
    // replica does not know it and says 404, so the client starts again.
    const [owner, random] = sessions[0].split('.');
    const other = NAMES.find((n) => n !== owner);
    assert.equal((await echo(url, token, `${other}.${random}`, 'x')).status, 404);
    assert.equal((await echo(replicas[other].url, token, sessions[0], 'x')).status, 404);
    assert.equal((await echo(url, token, `zz.${random}`, 'x')).status, 404, 'unknown replica name');
    // A real SDK client through nginx works end to end.
    const sdk = await connectHttp(url, {
      transportOptions: { requestInit: { headers: { Authorization: `Bearer ${token}` } } },
    });
    try {
      const r = await sdk.client.callTool({ name: 'echo', arguments: { text: 'through nginx' } });
      assert.equal(r.content[0].text, 'through nginx');
    } finally {
      await sdk.close();
    }
  });

  it('a downstream authorization started on A completes on B, and the tool call on C uses it', async () => {
    const onA = await initialize(replicas.a.url, token);
    const first = await rpc(replicas.a.url, token, { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'list_my_repos', arguments: {} } }, onA);
    const result = first.message.result;
    assert.equal(result.isError, true, JSON.stringify(first));
    const authorizationUrl = result._meta.warden.authorization_url;
    assert.equal(new URL(authorizationUrl).searchParams.get('redirect_uri'), callback);
    assert.equal(psql('SELECT count(*) FROM warden_pending'), '1', 'the flow is in the shared store');
    const redirect = new URL(await approve(authorizationUrl, 'alice-gh', callback));
    // The browser's redirect lands on B (sent straight there, not left to round robin).
    const onB = `${replicas.b.origin}${redirect.pathname}${redirect.search}`;
    const page = await fetch(onB);
    assert.equal(page.status, 200, await page.clone().text());
    assert.match(await page.text(), /Authorized/);
    // Single use across replicas: the same redirect on C is refused.
    const replay = await fetch(`${replicas.c.origin}${redirect.pathname}${redirect.search}`);
    assert.equal(replay.status, 400);
    const onC = await initialize(replicas.c.url, token);
    const repos = await rpc(replicas.c.url, token, { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'list_my_repos', arguments: {} } }, onC);
    assert.equal(repos.message.result.isError, undefined, JSON.stringify(repos));
    assert.match(repos.message.result.content[0].text, /alice-gh\/repo-one/);
  });

  it('SIGKILL of a replica under load: the others keep answering and stored tokens survive', async () => {
    let stop = false;
    const failures = [];
    let ok = 0;
    // Eight clients through nginx, each re-initializing when its session is gone.
    const worker = async (w) => {
      let session = await initialize(url, token);
      while (!stop) {
        const r = await echo(url, token, session, `w${w}`).catch((e) => ({ status: 0, error: e }));
        if (r.status === 200 && r.message?.result?.content?.[0]?.text === `w${w}`) ok++;
        else {
          failures.push(r.status);
          session = await initialize(url, token).catch(() => session);
        }
      }
    };
    const workers = Array.from({ length: 8 }, (_, w) => worker(w));
    await waitFor(() => ok >= 50, 20000, 'load before the kill');
    replicas.b.server.child.kill('SIGKILL');
    const okAtKill = ok;
    await waitFor(() => ok >= okAtKill + 200, 30000, 'the survivors to carry the load');
    stop = true;
    await Promise.all(workers);
    // What B's clients saw: 502 from nginx or 404; never a wrong answer.
    for (const status of failures) assert.ok([0, 404, 502].includes(status), `status ${status}`);
    // The token stored before the kill (acknowledged to the user) is still there for A.
    const onA = await initialize(replicas.a.url, token);
    const repos = await rpc(replicas.a.url, token, { jsonrpc: '2.0', id: 4, method: 'tools/call', params: { name: 'list_my_repos', arguments: {} } }, onA);
    assert.equal(repos.message.result.isError, undefined, JSON.stringify(repos));
    await startReplica('b'); // back for the next test, on the same port
  });

  it('PostgreSQL restart under load: store-needing calls say so, the rest keep serving, all reconnect', async () => {
    // Eight clients call echo through nginx the whole time: the store going away and
    // coming back must cost them nothing.
    let stop = false;
    const failures = [];
    let ok = 0;
    const worker = async (w) => {
      const session = await initialize(url, token);
      while (!stop) {
        const r = await echo(url, token, session, `w${w}`).catch((e) => ({ status: 0, error: String(e) }));
        if (r.status === 200 && r.message?.result?.content?.[0]?.text === `w${w}`) ok++;
        else failures.push(r.status ?? r.error);
      }
    };
    const workers = Array.from({ length: 8 }, (_, w) => worker(w));
    try {
      await waitFor(() => ok >= 50, 20000, 'load before the restart');
      execFileSync('bash', ['-c', process.env.WARDEN_TEST_POSTGRES_STOP]);
      try {
        const okAtStop = ok;
        for (const name of NAMES) {
          const s = await initialize(replicas[name].url, token);
          const r = await rpc(replicas[name].url, token, { jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name: 'list_my_repos', arguments: {} } }, s);
          assert.equal(r.message.result.isError, true);
          assert.match(r.message.result.content[0].text, /unavailable/);
        }
        await waitFor(() => ok >= okAtStop + 200, 30000, 'echo to keep serving while the store is down');
      } finally {
        execFileSync('bash', ['-c', process.env.WARDEN_TEST_POSTGRES_START]);
      }
      for (const name of NAMES) {
        const s = await initialize(replicas[name].url, token);
        const r = await rpc(replicas[name].url, token, { jsonrpc: '2.0', id: 6, method: 'tools/call', params: { name: 'list_my_repos', arguments: {} } }, s);
        assert.equal(r.message.result.isError, undefined, `${name}: ${JSON.stringify(r)}`);
      }
      const okAtStart = ok;
      await waitFor(() => ok >= okAtStart + 50, 20000, 'load after the restart');
    } finally {
      stop = true;
      await Promise.all(workers);
    }
    assert.deepEqual(failures, [], 'no echo call failed during the restart');
  });
});
