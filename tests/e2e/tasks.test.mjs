// Tasks over HTTP with server-level auth on (a real AS: oidc-provider): the tasks extension
// (io.modelcontextprotocol/tasks, SEP-2663) driven by @modelcontextprotocol/ext-tasks on the
// TypeScript SDK v2 client (2.4.0), the binding of every task request to its caller (alice's
// task id is "not found" for bob), a finished task surviving a restart on the same SQLite
// file, and the 2025-11-25 experimental tasks with the v1 SDK client (1.32.2).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { Client as ClientV2, StreamableHTTPClientTransport as TransportV2 } from '@modelcontextprotocol/client';
import { createTaskSessionFromClient, resultFromTaskOutcome } from '@modelcontextprotocol/ext-tasks/client';
import { Client as ClientV1 } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as TransportV1 } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';

import { APP, loginAndConsent, startAS, startServer } from './auth-helpers.mjs';
import { POST_ACCEPT, modernRequest as sharedModernRequest, readMessages, recordSecret } from './helpers.mjs';

const MODERN = '2026-07-28';
const TASKS = 'io.modelcontextprotocol/tasks';
const CLIENT_INFO = { name: 'warden-tasks-e2e', version: '1.0.0' };

/** An access token for `login` through the authorization code flow with PKCE (client APP). */
async function userToken(issuer, resource, login) {
  const meta = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
  const verifier = crypto.randomBytes(32).toString('base64url');
  const challenge = crypto.createHash('sha256').update(verifier).digest('base64url');
  const url = new URL(meta.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: APP.id,
    redirect_uri: APP.redirect,
    scope: 'mcp:tools',
    resource,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state: crypto.randomBytes(8).toString('hex'),
  }).toString();
  const code = await loginAndConsent(url, login);
  const res = await fetch(meta.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: APP.redirect,
      client_id: APP.id,
      code_verifier: verifier,
      resource,
    }),
  });
  const body = await res.json();
  if (!res.ok) throw new Error(`token request failed: ${JSON.stringify(body)}`);
  recordSecret(body.access_token);
  return body.access_token;
}

/** helpers' modernRequest, as this suite's client (CLIENT_INFO). */
function modernRequest(url, token, method, params = {}, options = {}) {
  return sharedModernRequest(url, token, method, params, { clientInfo: CLIENT_INFO, ...options });
}

/**
 * A task-enabled ext-tasks session for `token`: a v2 client pinned to 2026-07-28 for the
 * ordinary requests, and the raw path ext-tasks needs for task traffic (modernRequest's wire).
 */
async function taskSession(url, token) {
  const client = new ClientV2(CLIENT_INFO, {
    capabilities: { extensions: { [TASKS]: {} } },
    versionNegotiation: { mode: { pin: MODERN } },
  });
  await client.connect(
    new TransportV2(new URL(url), { requestInit: { headers: { authorization: `Bearer ${token}` } } }),
  );
  // ext-tasks hands over the request and expects { kind: 'result' | 'error', ... } back.
  const rawDispatch = async (request, options = {}) => {
    const message = { jsonrpc: '2.0', id: crypto.randomUUID(), ...request };
    const name = message.params?.name ?? message.params?.uri ?? message.params?.taskId;
    // One value per header (case-insensitively): ext-tasks names its own Mcp-Name.
    const headers = new Headers({
      'content-type': 'application/json',
      accept: POST_ACCEPT,
      authorization: `Bearer ${token}`,
      'mcp-protocol-version': MODERN,
      'mcp-method': message.method,
      ...(typeof name === 'string' && { 'mcp-name': name }),
    });
    for (const [k, v] of Object.entries(options.context?.headers ?? {})) headers.set(k, v);
    const res = await fetch(url, {
      method: 'POST',
      headers,
      body: JSON.stringify(message),
      signal: options.signal,
    });
    const messages = await readMessages(res);
    const answer = messages.find((m) => m.id === message.id && ('result' in m || 'error' in m));
    if (!answer) throw new Error(`no answer to ${message.method}: ${JSON.stringify(messages)}`);
    return 'error' in answer ? { kind: 'error', error: answer.error } : { kind: 'result', result: answer.result };
  };
  return createTaskSessionFromClient(client, {
    endpointId: url,
    rawDispatch,
    v2RequestFraming: {
      protocolVersion: MODERN,
      clientInfo: CLIENT_INFO,
      clientCapabilities: { extensions: { [TASKS]: {} } },
    },
  });
}

async function settle(url, token, taskId) {
  for (let i = 0; i < 300; i++) {
    const r = await modernRequest(url, token, 'tasks/get', { taskId });
    if (['completed', 'failed', 'cancelled'].includes(r.result?.status)) return r.result;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`task ${taskId} did not settle`);
}

describe('tasks with server-level auth', () => {
  let as;
  let server;
  let alice;
  let bob;
  let dir;
  let port;
  const start = async () => {
    server = await startServer({
      issuer: as.issuer,
      port,
      binaryName: 'warden-everything',
      extraEnv: { WARDEN_TASKS_DB: path.join(dir, 'tasks.db'), WARDEN_EVERYTHING_WATCH_MS: '0' },
    });
    port = server.port;
  };

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warden-tasks-e2e-'));
    as = await startAS();
    await start();
    alice = await userToken(as.issuer, server.url, 'alice');
    bob = await userToken(as.issuer, server.url, 'bob');
  });

  after(async () => {
    await server?.stop();
    await as?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('declares the extension in server/discover', async () => {
    const r = await modernRequest(server.url, alice, 'server/discover');
    assert.deepEqual(r.result.capabilities.extensions[TASKS], {});
  });

  it('alice runs a tool as a task through ext-tasks and gets its result', async () => {
    const session = await taskSession(server.url, alice);
    try {
      const execution = await session.callTool('slow_compute', { seconds: 0.2, label: 'alice-report' });
      const { outcome } = await execution.settle();
      const result = resultFromTaskOutcome(outcome);
      assert.match(result.content[0].text, /alice-report/);
    } finally {
      await session.close();
    }
  });

  it("bob's tasks/get, tasks/update and tasks/cancel on alice's task answer like an unknown id", async () => {
    const created = await modernRequest(server.url, alice, 'tools/call', {
      name: 'slow_compute',
      arguments: { seconds: 30, label: 'private' },
    });
    assert.equal(created.result.resultType, 'task');
    const taskId = created.result.taskId;
    const unknown = await modernRequest(server.url, bob, 'tasks/get', { taskId: 'no-such-task' });
    assert.equal(unknown.error.code, -32602);
    const asBob = [
      await modernRequest(server.url, bob, 'tasks/get', { taskId }),
      await modernRequest(server.url, bob, 'tasks/update', { taskId, inputResponses: {} }),
      await modernRequest(server.url, bob, 'tasks/cancel', { taskId }),
    ];
    for (const r of asBob) {
      assert.equal(r.error?.code, unknown.error.code);
      assert.equal(r.error?.message, unknown.error.message);
    }
    // bob's cancel did nothing; alice's does.
    const still = await modernRequest(server.url, alice, 'tasks/get', { taskId });
    assert.equal(still.result.status, 'working');
    const ack = await modernRequest(server.url, alice, 'tasks/cancel', { taskId });
    assert.equal(ack.result.resultType, 'complete');
    assert.equal((await settle(server.url, alice, taskId)).status, 'cancelled');
  });

  it("input inside alice's task: bob cannot answer it, alice's tasks/update resumes it", async () => {
    const capabilities = { elicitation: {}, extensions: { [TASKS]: {} } };
    const created = await modernRequest(
      server.url,
      alice,
      'tools/call',
      { name: 'confirm_delete', arguments: { filename: 'report.pdf' } },
      { capabilities },
    );
    const taskId = created.result.taskId;
    let task;
    for (let i = 0; i < 200; i++) {
      task = (await modernRequest(server.url, alice, 'tasks/get', { taskId })).result;
      if (task.status !== 'working') break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    assert.equal(task.status, 'input_required');
    const [key] = Object.keys(task.inputRequests);
    assert.equal(task.inputRequests[key].method, 'elicitation/create');
    const answer = { [key]: { action: 'accept', content: { confirm: true } } };
    const asBob = await modernRequest(server.url, bob, 'tasks/update', { taskId, inputResponses: answer });
    assert.equal(asBob.error.code, -32602);
    const still = await modernRequest(server.url, alice, 'tasks/get', { taskId });
    assert.equal(still.result.status, 'input_required');
    const ack = await modernRequest(server.url, alice, 'tasks/update', { taskId, inputResponses: answer });
    assert.equal(ack.result.resultType, 'complete');
    const done = await settle(server.url, alice, taskId);
    assert.equal(done.status, 'completed');
    assert.equal(done.result.content[0].text, 'Deleted report.pdf');
  });

  it('refuses tasks/get without a token', async () => {
    const res = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: POST_ACCEPT, 'mcp-protocol-version': MODERN },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tasks/get', params: { taskId: 'x' } }),
    });
    assert.equal(res.status, 401);
  });

  it('a finished task survives a restart on the same SQLite file', async () => {
    const created = await modernRequest(server.url, alice, 'tools/call', {
      name: 'slow_compute',
      arguments: { seconds: 0, label: 'kept' },
    });
    const taskId = created.result.taskId;
    const done = await settle(server.url, alice, taskId);
    assert.equal(done.status, 'completed');
    const running = await modernRequest(server.url, alice, 'tools/call', {
      name: 'slow_compute',
      arguments: { seconds: 60, label: 'interrupted' },
    });
    await server.stop();
    await start();
    const after = await modernRequest(server.url, alice, 'tasks/get', { taskId });
    assert.equal(after.result.status, 'completed');
    assert.deepEqual(after.result.result, done.result);
    // Still alice's alone.
    const asBob = await modernRequest(server.url, bob, 'tasks/get', { taskId });
    assert.equal(asBob.error.code, -32602);
    // The run that the restart interrupted has a defined end: failed, saying why.
    const lost = await modernRequest(server.url, alice, 'tasks/get', { taskId: running.result.taskId });
    assert.equal(lost.result.status, 'failed');
    assert.match(lost.result.error.message, /(restarted|shut down)/);
  });

  it('a v1 client uses the 2025-11-25 experimental tasks, bound to its user too', async () => {
    const connect = async (token) => {
      const client = new ClientV1({ name: 'warden-tasks-v1', version: '1.0.0' });
      const transport = new TransportV1(new URL(server.url), {
        requestInit: { headers: { authorization: `Bearer ${token}` } },
      });
      await client.connect(transport);
      return client;
    };
    const a = await connect(alice);
    const b = await connect(bob);
    try {
      const { tools } = await a.listTools();
      assert.equal(tools.find((t) => t.name === 'failing_job').execution.taskSupport, 'required');
      let taskId;
      let result;
      for await (const message of a.experimental.tasks.callToolStream(
        { name: 'slow_compute', arguments: { seconds: 0.1, label: 'legacy' } },
        CallToolResultSchema,
      )) {
        if (message.type === 'taskCreated') taskId = message.task.taskId;
        if (message.type === 'result') result = message.result;
        if (message.type === 'error') throw message.error;
      }
      assert.ok(taskId, 'a task was created');
      assert.match(result.content[0].text, /legacy/);
      const listed = await a.experimental.tasks.listTasks();
      assert.ok(listed.tasks.some((t) => t.taskId === taskId));
      const bobs = await b.experimental.tasks.listTasks();
      assert.ok(!bobs.tasks.some((t) => t.taskId === taskId));
      await assert.rejects(b.experimental.tasks.getTask(taskId), (e) => e.code === -32602);
      await assert.rejects(
        b.experimental.tasks.getTaskResult(taskId, CallToolResultSchema),
        (e) => e.code === -32602,
      );
    } finally {
      await a.close();
      await b.close();
    }
  });
});
