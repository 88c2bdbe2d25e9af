// Cross-replica notifications through PostgreSQL LISTEN/NOTIFY: two warden-everything
// replicas on one store; only replica A changes test://watched-resource (its timer runs,
// C's is off), and clients of replica C hear about it on a 2026-07-28 listen stream and on
// a legacy GET stream. Also a 2026-07-28 requestState: sealed on A, completed on C, and a
// replay refused on A (one key, one single-use table). Tasks: created on A, polled and
// cancelled on C; and one whose replica is killed mid-run ends failed (its lease runs
// out). scripts/test-postgres.sh passes WARDEN_TEST_POSTGRES_URL.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import { tmpdir } from 'node:os';

import { POST_ACCEPT, binary, modernRequest, readMessages, sseEvents, startHttpServer } from '../helpers.mjs';

const PG_URL = process.env.WARDEN_TEST_POSTGRES_URL;
const MODERN = '2026-07-28';
const WATCHED = 'test://watched-resource';

/** Reads SSE events from `response` until `predicate(message)`, then aborts the stream
 * with `controller`; resolves that message. */
async function firstMatching(response, predicate, controller) {
  let found;
  try {
    for await (const event of sseEvents(response)) {
      if (!event.data) continue;
      const message = JSON.parse(event.data);
      if (predicate(message)) {
        found = message;
        break;
      }
    }
  } catch (error) {
    if (!found) throw error;
  } finally {
    controller.abort();
  }
  if (!found) throw new Error('stream ended first');
  return found;
}

/** One 2026-07-28 request to `url`, no token, the tasks extension declared. */
const request = (url, method, params) => modernRequest(url, undefined, method, params);

describe('notifications across replicas (PostgreSQL LISTEN/NOTIFY)', () => {
  let a;
  let c;
  const env = {
    WARDEN_STORE_URL: PG_URL,
    WARDEN_TOOLAUTH_KEY: crypto.randomBytes(32).toString('hex'),
    WARDEN_STATE_KEY: crypto.randomBytes(32).toString('hex'),
    // Short task leases, so that a killed replica's task ends within the test.
    WARDEN_TASK_LEASE_MS: '1500',
  };
  before(async () => {
    assert.ok(PG_URL, 'run through scripts/test-postgres.sh');
    a = await startHttpServer('warden-everything', { env: { ...env, WARDEN_EVERYTHING_WATCH_MS: '300' } });
    c = await startHttpServer('warden-everything', { env: { ...env, WARDEN_EVERYTHING_WATCH_MS: '0' } });
  });
  after(async () => {
    await a?.kill();
    await c?.kill();
  });

  it('a listen stream on C sees resources/updated raised on A', { timeout: 20000 }, async () => {
    const controller = new AbortController();
    const res = await fetch(c.url, {
      method: 'POST',
      signal: controller.signal,
      headers: {
        'Content-Type': 'application/json',
        Accept: POST_ACCEPT,
        'MCP-Protocol-Version': MODERN,
        'Mcp-Method': 'subscriptions/listen',
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'subscriptions/listen',
        params: {
          _meta: {
            'io.modelcontextprotocol/protocolVersion': MODERN,
            'io.modelcontextprotocol/clientCapabilities': {},
          },
          notifications: { resourceSubscriptions: [WATCHED] },
        },
      }),
    });
    assert.equal(res.status, 200);
    const message = await firstMatching(res, (m) => m.method === 'notifications/resources/updated', controller);
    assert.equal(message?.params?.uri, WATCHED, JSON.stringify(message));
  });

  it('the replica that raised a change delivers it once (its own NOTIFY is ignored)', { timeout: 30000 }, async () => {
    // Listen on A and on C at once and count updates until C has seen five: were A to
    // deliver its own NOTIFY too, it would see about twice as many as C.
    const counts = { a: 0, c: 0 };
    const controllers = { a: new AbortController(), c: new AbortController() };
    const open = (server, signal) =>
      fetch(server.url, {
        method: 'POST',
        signal,
        headers: {
          'Content-Type': 'application/json',
          Accept: POST_ACCEPT,
          'MCP-Protocol-Version': MODERN,
          'Mcp-Method': 'subscriptions/listen',
        },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 3,
          method: 'subscriptions/listen',
          params: {
            _meta: { 'io.modelcontextprotocol/protocolVersion': MODERN, 'io.modelcontextprotocol/clientCapabilities': {} },
            notifications: { resourceSubscriptions: [WATCHED] },
          },
        }),
      });
    const [onA, onC] = await Promise.all([open(a, controllers.a.signal), open(c, controllers.c.signal)]);
    const count = async (name, res) => {
      try {
        for await (const event of sseEvents(res)) {
          if (!event.data) continue;
          if (JSON.parse(event.data).method !== 'notifications/resources/updated') continue;
          counts[name]++;
          if (name === 'c' && counts.c >= 5) break;
        }
      } catch (error) {
        if (error.name !== 'AbortError') throw error;
      }
    };
    const readingA = count('a', onA);
    await count('c', onC);
    controllers.c.abort();
    controllers.a.abort();
    await readingA;
    assert.ok(counts.c >= 5);
    // A's stream opened at the same time; allow the one tick either side of the window.
    assert.ok(counts.a <= counts.c + 2, `A saw ${counts.a} updates, C ${counts.c}`);
    assert.ok(counts.a >= counts.c - 2, `A saw ${counts.a} updates, C ${counts.c}`);
  });

  it('a requestState sealed on A completes on C, and cannot be replayed on A', { timeout: 20000 }, async () => {
    let id = 100;
    const call = async (server, params) => {
      const rid = id++;
      const res = await fetch(server.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Accept: POST_ACCEPT,
          'MCP-Protocol-Version': MODERN,
          'Mcp-Method': 'tools/call',
          'Mcp-Name': 'test_input_required_result_elicitation',
        },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: rid,
          method: 'tools/call',
          params: {
            name: 'test_input_required_result_elicitation',
            arguments: {},
            ...params,
            _meta: {
              'io.modelcontextprotocol/protocolVersion': MODERN,
              'io.modelcontextprotocol/clientCapabilities': { elicitation: {} },
            },
          },
        }),
      });
      assert.equal(res.status, 200);
      return (await readMessages(res)).find((m) => m.id === rid);
    };
    const answer = { user_name: { action: 'accept', content: { name: 'Ada' } } };
    const first = await call(a, {});
    assert.equal(first.result?.resultType, 'input_required', JSON.stringify(first));
    const state = first.result.requestState;
    const onC = await call(c, { inputResponses: answer, requestState: state });
    assert.deepEqual(onC.result?.content, [{ type: 'text', text: 'Hello, Ada!' }], JSON.stringify(onC));
    const replay = await call(a, { inputResponses: answer, requestState: state });
    assert.equal(replay.error?.data?.reason, 'replayed', JSON.stringify(replay));
  });

  it("a legacy GET stream on C sees A's change to a resource it subscribed to", { timeout: 20000 }, async () => {
    const post = (message, sessionId) =>
      fetch(c.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Accept: POST_ACCEPT,
          'MCP-Protocol-Version': '2025-11-25',
          ...(sessionId && { 'Mcp-Session-Id': sessionId }),
        },
        body: JSON.stringify(message),
      });
    const init = await post({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'e2e', version: '1' } },
    });
    assert.equal(init.status, 200);
    await init.text();
    const session = init.headers.get('mcp-session-id');
    await (await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, session)).text();
    const sub = await post({ jsonrpc: '2.0', id: 2, method: 'resources/subscribe', params: { uri: WATCHED } }, session);
    assert.equal(sub.status, 200);
    await sub.text();
    const controller = new AbortController();
    const stream = await fetch(c.url, {
      signal: controller.signal,
      headers: { Accept: 'text/event-stream', 'Mcp-Session-Id': session, 'MCP-Protocol-Version': '2025-11-25' },
    });
    assert.equal(stream.status, 200);
    const message = await firstMatching(stream, (m) => m.method === 'notifications/resources/updated', controller);
    assert.equal(message?.params?.uri, WATCHED, JSON.stringify(message));
  });

  it('a task created on A is polled to its result on C, and cancelled from C', { timeout: 30000 }, async () => {
    const created = await request(a.url, 'tools/call', {
      name: 'slow_compute',
      arguments: { seconds: 0.3, label: 'across' },
    });
    assert.equal(created.result?.resultType, 'task', JSON.stringify(created));
    const { taskId } = created.result;
    let task;
    for (let i = 0; i < 200; i++) {
      task = (await request(c.url, 'tasks/get', { taskId })).result;
      if (task?.status !== 'working') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(task?.status, 'completed', JSON.stringify(task));
    assert.match(JSON.stringify(task.result), /across/);

    const long = await request(a.url, 'tools/call', { name: 'slow_compute', arguments: { seconds: 20 } });
    const longId = long.result.taskId;
    const ack = await request(c.url, 'tasks/cancel', { taskId: longId });
    assert.ok(ack.result, JSON.stringify(ack));
    for (let i = 0; i < 200; i++) {
      task = (await request(a.url, 'tasks/get', { taskId: longId })).result;
      if (task?.status !== 'working') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(task?.status, 'cancelled', JSON.stringify(task));
  });

  it('a task whose replica is killed mid-run ends failed, seen from another replica', { timeout: 30000 }, async () => {
    const k = await startHttpServer('warden-everything', { env });
    let taskId;
    try {
      const long = await request(k.url, 'tools/call', { name: 'slow_compute', arguments: { seconds: 60 } });
      assert.equal(long.result?.resultType, 'task', JSON.stringify(long));
      taskId = long.result.taskId;
      // Its lease is taken when the run starts: seen from C, it is working.
      assert.equal((await request(c.url, 'tasks/get', { taskId })).result?.status, 'working');
    } finally {
      await k.kill(); // SIGKILL: the run is lost, nobody records its end
    }
    // Before: the task stayed working until its TTL (an hour). Now C (or A) marks it failed
    // once its lease has run out.
    let task;
    for (let i = 0; i < 200; i++) {
      task = (await request(c.url, 'tasks/get', { taskId })).result;
      if (task?.status !== 'working') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(task?.status, 'failed', JSON.stringify(task));
    assert.match(task.statusMessage ?? '', /stopped/);
  });

  it('a task lease below 100 ms, or not a number, is refused at startup', () => {
    for (const lease of ['10', 'soon']) {
      const r = spawnSync(binary('warden-everything'), ['--transport', 'http', '--host', '127.0.0.1', '--port', '0'], {
        env: { PATH: process.env.PATH, HOME: tmpdir(), ...env, WARDEN_TASK_LEASE_MS: lease },
        encoding: 'utf8',
        timeout: 10000,
      });
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /not starting: WARDEN_TASK_LEASE_MS/);
    }
  });
});
