// SSE over the Streamable HTTP transport: priming events, resumption with Last-Event-ID after
// a dropped stream, the server closing a stream mid-call (SEP-1699), the standalone GET stream.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { openSession, postMessage, sseEvents, startHttpServer } from './helpers.mjs';

function callTool(id, name, progressToken) {
  return {
    jsonrpc: '2.0',
    id,
    method: 'tools/call',
    params: { name, arguments: {}, ...(progressToken && { _meta: { progressToken } }) },
  };
}

function sessionGet(url, sessionId, { lastEventId, signal } = {}) {
  return fetch(url, {
    headers: {
      Accept: 'text/event-stream',
      'Mcp-Session-Id': sessionId,
      'MCP-Protocol-Version': '2025-11-25',
      ...(lastEventId && { 'Last-Event-ID': lastEventId }),
    },
    signal,
  });
}

// Reads a stream's events until `done(message)` says so (or the stream ends); returns the
// events seen, each with its parsed `message` (undefined for priming events).
async function collect(response, done = () => false) {
  const events = [];
  for await (const e of sseEvents(response)) {
    const message = e.data ? JSON.parse(e.data) : undefined;
    events.push({ ...e, message });
    if (message && done(message)) break;
  }
  return events;
}

// Subscribes to the fixture's watched resource, opens the standalone GET stream and reads
// it until notifications/resources/updated arrives; returns the events read.
async function awaitResourceUpdate(url, sessionId, requestId) {
  const sub = await postMessage(
    url,
    { jsonrpc: '2.0', id: requestId, method: 'resources/subscribe', params: { uri: 'test://watched-resource' } },
    { sessionId },
  );
  assert.equal(sub.status, 200);
  await sub.arrayBuffer();
  const controller = new AbortController();
  try {
    const res = await sessionGet(url, sessionId, { signal: controller.signal });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^text\/event-stream/);
    const events = await collect(res, (m) => m.method === 'notifications/resources/updated');
    assert.equal(events.at(-1).message.method, 'notifications/resources/updated');
    assert.equal(events.at(-1).message.params.uri, 'test://watched-resource');
    return events;
  } finally {
    controller.abort();
  }
}

function seqOf(id) {
  return Number(id.slice(id.lastIndexOf('_') + 1));
}

describe('HTTP SSE streams and resumption', { timeout: 120000 }, () => {
  let server;
  let sessionId;

  before(async () => {
    server = await startHttpServer('warden-everything', { env: { WARDEN_EVERYTHING_WATCH_MS: '100' } });
    sessionId = await openSession(server.url);
  });
  after(async () => {
    await server?.kill();
  });

  it('a POST that notifies first answers with SSE, starting with a priming event', async () => {
    const res = await postMessage(server.url, callTool(10, 'test_tool_with_logging'), { sessionId });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^text\/event-stream/);
    const events = await collect(res);
    assert.ok(events.length >= 5, `only ${events.length} events`);
    const [priming] = events;
    assert.equal(priming.data, '');
    assert.ok(priming.id, 'the priming event has an id');
    assert.ok(Number.isInteger(priming.retry), 'the priming event says when to reconnect');
    const logs = events.filter((e) => e.message?.method === 'notifications/message');
    assert.ok(logs.length >= 3);
    const results = events.filter((e) => e.message?.id === 10);
    assert.equal(results.length, 1);
    assert.equal(results[0].message.result.content[0].text, 'Tool with logging executed successfully');
    // Ids are unique and increase.
    const seqs = events.map((e) => seqOf(e.id));
    assert.deepEqual([...seqs].sort((a, b) => a - b), seqs);
    assert.equal(new Set(seqs).size, seqs.length);
  });

  it('a dropped POST stream resumes with Last-Event-ID: the rest arrives exactly once', async () => {
    const controller = new AbortController();
    const res = await postMessage(server.url, callTool(20, 'test_tool_with_progress', 'p20'), {
      sessionId,
      signal: controller.signal,
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^text\/event-stream/);
    // Read only the priming event, then drop the connection mid-stream.
    const reader = sseEvents(res);
    const { value: priming } = await reader.next();
    assert.equal(priming.data, '');
    controller.abort();
    await reader.return().catch(() => {});

    const resumed = await sessionGet(server.url, sessionId, { lastEventId: priming.id });
    assert.equal(resumed.status, 200);
    const events = await collect(resumed, (m) => m.id === 20);
    const messages = events.filter((e) => e.message).map((e) => e.message);
    const progress = messages.filter((m) => m.method === 'notifications/progress');
    assert.deepEqual(
      progress.map((m) => m.params.progress),
      [0, 50, 100],
      'every progress notification, each once',
    );
    assert.ok(progress.every((m) => m.params.progressToken === 'p20'));
    const results = messages.filter((m) => m.id === 20);
    assert.equal(results.length, 1);
    assert.equal(results[0].result.content[0].text, 'Tool with progress executed successfully');
    assert.ok(events.filter((e) => e.id).every((e) => seqOf(e.id) > seqOf(priming.id)), 'nothing replayed twice');
  });

  it('resuming from the middle replays only what followed', async () => {
    const res = await postMessage(server.url, callTool(21, 'test_tool_with_progress', 'p21'), { sessionId });
    const all = await collect(res, (m) => m.id === 21);
    const firstProgress = all.find((e) => e.message?.method === 'notifications/progress');
    // The stream finished, but it is kept for a while: a client that lost the tail resumes.
    const resumed = await sessionGet(server.url, sessionId, { lastEventId: firstProgress.id });
    assert.equal(resumed.status, 200);
    const rest = await collect(resumed, (m) => m.id === 21);
    const expected = all.filter((e) => seqOf(e.id) > seqOf(firstProgress.id) && e.message);
    assert.deepEqual(
      rest.filter((e) => e.message).map((e) => e.message),
      expected.map((e) => e.message),
    );
  });

  it('an unknown Last-Event-ID is 404', async () => {
    for (const id of ['ffffffffffffffff_3', 'garbage']) {
      const res = await sessionGet(server.url, sessionId, { lastEventId: id });
      assert.equal(res.status, 404, id);
      await res.arrayBuffer();
    }
  });

  it('the server closes a stream mid-call and the client resumes (SEP-1699)', async () => {
    const res = await postMessage(server.url, callTool(30, 'test_reconnection'), { sessionId });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^text\/event-stream/);
    const before = await collect(res); // ends when the server closes the stream
    assert.ok(before.length >= 1);
    assert.ok(before.every((e) => e.message?.id !== 30), 'no result before the close');
    const last = before[before.length - 1];
    assert.ok(before[0].retry > 0, 'the priming event says when to reconnect');

    const resumed = await sessionGet(server.url, sessionId, { lastEventId: last.id });
    assert.equal(resumed.status, 200);
    const after = await collect(resumed, (m) => m.id === 30);
    const results = after.filter((e) => e.message?.id === 30);
    assert.equal(results.length, 1);
    assert.match(results[0].message.result.content[0].text, /Reconnection test completed successfully/);
  });

  it('the standalone GET stream delivers notifications/resources/updated after subscribe', async () => {
    const events = await awaitResourceUpdate(server.url, sessionId, 40);
    assert.equal(events[0].data, '', 'the standalone stream starts with a priming event');
  });

  it('after the standalone stream drops, a new GET is served (not 409 forever)', async () => {
    const id = await openSession(server.url);
    const first = new AbortController();
    const res = await sessionGet(server.url, id, { signal: first.signal });
    assert.equal(res.status, 200);
    const reader = sseEvents(res);
    const { value: priming } = await reader.next();
    first.abort();
    await reader.return().catch(() => {});
    // Resuming by the priming event's id takes the stream over at once.
    const second = new AbortController();
    try {
      const again = await sessionGet(server.url, id, { lastEventId: priming.id, signal: second.signal });
      assert.equal(again.status, 200);
    } finally {
      second.abort();
    }
  });
});

describe('HTTP JSON mode (--json-response)', { timeout: 120000 }, () => {
  let server;
  let sessionId;

  before(async () => {
    server = await startHttpServer('warden-everything', {
      args: ['--json-response'],
      env: { WARDEN_EVERYTHING_WATCH_MS: '100' },
    });
    sessionId = await openSession(server.url);
  });
  after(async () => {
    await server?.kill();
  });

  it('answers a notifying call with one JSON body', async () => {
    const res = await postMessage(server.url, callTool(50, 'test_tool_with_progress', 'p50'), { sessionId });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^application\/json/);
    const body = await res.json();
    assert.equal(body.id, 50);
    assert.equal(body.result.content[0].text, 'Tool with progress executed successfully');
  });

  it('still delivers notifications on the standalone GET stream', async () => {
    await awaitResourceUpdate(server.url, sessionId, 51);
  });
});
