// Tool-level auth in MCP 2026-07-28: a tool whose downstream token is missing ends its request
// with an InputRequiredResult carrying a URL-mode elicitation (the authorization link), and
// nothing waits on the server; the retry after the user completed the flow runs the tool.
// Server-level auth is on (dev keys, `warden dev token`); oidc-provider plays GitHub and a
// stand-in plays its API (toolauth-helpers.mjs); the TypeScript SDK v2 client (2.4.0) and raw
// requests drive it.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';

import { POST_ACCEPT, binary, readMessages, recordSecret } from './helpers.mjs';
import { freePort, startServer } from './auth-helpers.mjs';
import { approve, providerEnv, startProvider } from './toolauth-helpers.mjs';

const MODERN = '2026-07-28';
const DEV_ISSUER = 'http://localhost/warden-dev';
const GITHUB_LOGIN = { alice: 'alice-gh', bob: 'bob-gh', carol: 'carol-gh' };
const reposOf = (user) => `${GITHUB_LOGIN[user]}/repo-one\n${GITHUB_LOGIN[user]}/repo-two\n`;

function warden(...args) {
  const r = spawnSync(binary('warden'), args, { encoding: 'utf8' });
  assert.equal(r.status, 0, `warden ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

describe('toolauth in 2026-07-28: the authorization link as an input request', { timeout: 120000 }, () => {
  let dir;
  let as;
  let server;
  let url;
  let callback;
  const front = {};
  let nextId = 1;

  /** A raw tools/call of list_my_repos as `user`, from a client with `capabilities`. */
  const callRepos = async (user, extra = {}, capabilities = { elicitation: { url: {} } }) => {
    const id = `t${nextId++}`;
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: POST_ACCEPT,
        authorization: `Bearer ${front[user]}`,
        'mcp-protocol-version': MODERN,
        'mcp-method': 'tools/call',
        'mcp-name': 'list_my_repos',
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id,
        method: 'tools/call',
        params: {
          name: 'list_my_repos',
          arguments: {},
          ...extra,
          _meta: {
            'io.modelcontextprotocol/protocolVersion': MODERN,
            'io.modelcontextprotocol/clientInfo': { name: 'raw', version: '1' },
            'io.modelcontextprotocol/clientCapabilities': capabilities,
          },
        },
      }),
    });
    assert.equal(res.status, 200);
    const response = (await readMessages(res)).find((m) => m.id === id);
    if (response.result?.requestState) recordSecret(response.result.requestState);
    return response;
  };
  /** The one input request of an InputRequiredResult: [key, request]. */
  const onlyRequest = (response) => {
    assert.equal(response.result?.resultType, 'input_required', JSON.stringify(response));
    const entries = Object.entries(response.result.inputRequests);
    assert.equal(entries.length, 1);
    return entries[0];
  };
  const consentAndReturn = async (link, login) => {
    const redirect = await approve(link, login, callback);
    recordSecret(new URL(redirect).searchParams.get('code'));
    const page = await fetch(redirect);
    assert.equal(page.status, 200, await page.text());
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'warden-toolauth-modern-'));
    warden('dev', 'keygen', '--dir', join(dir, 'keys'));
    const port = await freePort();
    url = `http://127.0.0.1:${port}/mcp`;
    callback = `http://127.0.0.1:${port}/oauth/callback`;
    for (const user of Object.keys(GITHUB_LOGIN))
      front[user] = warden(
        'dev', 'token', '--key', join(dir, 'keys', 'signing-key.pem'),
        '--sub', user, '--aud', url, '--scope', 'mcp:tools',
      ).trim();
    as = await startProvider([callback]);
    server = await startServer({
      issuer: DEV_ISSUER,
      jwksUri: `file://${join(dir, 'keys', 'jwks.json')}`,
      port,
      extraEnv: {
        WARDEN_TOOLAUTH_DB: join(dir, 'tokens.db'),
        WARDEN_TOOLAUTH_KEY_FILE: join(dir, 'toolauth.key'),
        WEATHER_API_KEY: 'weather-secret-value-7d1e',
        WARDEN_TOOLAUTH_UNBOUND_LINKS: '1',
        ...providerEnv(as),
      },
    });
  });

  after(async () => {
    await server?.stop();
    await as?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('alice: link as an input request, asked again until the flow completes, then the tool runs', async () => {
    const first = await callRepos('alice');
    const [key1, request] = onlyRequest(first);
    assert.equal(request.method, 'elicitation/create');
    assert.equal(request.params.mode, 'url');
    const link = request.params.url;
    assert.ok(link.startsWith(`${as.issuer}/auth?`), link);
    assert.equal(new URL(link).searchParams.get('redirect_uri'), callback);
    recordSecret(new URL(link).searchParams.get('state'));
    assert.deepEqual(as.grants, []);

    // The user said yes but has not finished at the provider: asked again, same link, new key.
    const early = await callRepos('alice', {
      inputResponses: { [key1]: { action: 'accept' } },
      requestState: first.result.requestState,
    });
    const [key2, again] = onlyRequest(early);
    assert.notEqual(key2, key1);
    assert.equal(again.params.url, link, 'the pending authorization is reused');

    await consentAndReturn(link, GITHUB_LOGIN.alice);
    const done = await callRepos('alice', {
      inputResponses: { [key2]: { action: 'accept' } },
      requestState: early.result.requestState,
    });
    assert.equal(done.result?.resultType, 'complete', JSON.stringify(done));
    assert.equal(done.result.isError, undefined);
    assert.equal(done.result.content[0].text, reposOf('alice'));
    assert.deepEqual(as.grants, ['authorization_code']);

    // From now on the stored token serves her at once.
    const later = await callRepos('alice');
    assert.equal(later.result.content[0].text, reposOf('alice'));
  });

  it('bob declines: the tool does not run; a client without URL elicitation gets the link in the result', async () => {
    const first = await callRepos('bob');
    const [key] = onlyRequest(first);
    const declined = await callRepos('bob', {
      inputResponses: { [key]: { action: 'decline' } },
      requestState: first.result.requestState,
    });
    assert.equal(declined.result.isError, true);
    assert.match(declined.result.content[0].text, /did not authorize/);

    const plain = await callRepos('bob', {}, {});
    assert.equal(plain.result.resultType, 'complete');
    assert.equal(plain.result.isError, true);
    assert.ok(plain.result._meta.warden.authorization_url.startsWith(`${as.issuer}/auth?`));
    recordSecret(new URL(plain.result._meta.warden.authorization_url).searchParams.get('state'));
  });

  it("carol's SDK client completes the flow inside one callTool (URL elicitation, then retry)", async () => {
    const client = new Client(
      { name: 'warden-e2e-toolauth-modern', version: '1.0.0' },
      { capabilities: { elicitation: { url: {} } }, versionNegotiation: { mode: { pin: MODERN } } },
    );
    const links = [];
    client.setRequestHandler('elicitation/create', async (request) => {
      assert.equal(request.params.mode, 'url');
      links.push(request.params.url);
      recordSecret(new URL(request.params.url).searchParams.get('state'));
      // The user opens the link and approves before the client answers.
      await consentAndReturn(request.params.url, GITHUB_LOGIN.carol);
      return { action: 'accept' };
    });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(url), {
        requestInit: { headers: { authorization: `Bearer ${front.carol}` } },
      }),
    );
    try {
      const result = await client.callTool({ name: 'list_my_repos', arguments: {} });
      assert.equal(result.isError, undefined, JSON.stringify(result));
      assert.equal(result.content[0].text, reposOf('carol'));
      assert.equal(links.length, 1);
    } finally {
      await client.close();
    }
  });
});
