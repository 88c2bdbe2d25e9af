// Tool-level auth over Streamable HTTP with server-level auth on: warden-quickstart is an
// OAuth resource server trusting a local dev key (`warden dev keygen`, a file:// JWKS), and
// alice and bob call it with front-door tokens minted by `warden dev token` for its
// canonical URL. list_my_repos needs their GitHub tokens: oidc-provider plays GitHub and a
// stand-in plays api.github.com (toolauth-helpers.mjs). Login and consent are headless; the
// provider redirects to the Warden HTTP server's own /oauth/callback route.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  ElicitRequestSchema,
  ElicitationCompleteNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';

import { binary, connectHttp, startHttpServer, waitFor } from './helpers.mjs';
import { freePort, rawInitialize, startServer } from './auth-helpers.mjs';
import {
  approve,
  assertReplayAndForgeryRejected,
  providerEnv,
  startProvider,
} from './toolauth-helpers.mjs';

const DEV_ISSUER = 'http://localhost/warden-dev'; // `warden dev token`'s default issuer
// Their GitHub identities differ from their front-door subjects on purpose: the repos a
// user sees come from the account they consented with, linked to their front-door `sub`.
const GITHUB_LOGIN = { alice: 'alice-gh', bob: 'bob-gh' };
const reposOf = (user) => `${GITHUB_LOGIN[user]}/repo-one\n${GITHUB_LOGIN[user]}/repo-two\n`;

function warden(...args) {
  const r = spawnSync(binary('warden'), args, { encoding: 'utf8' });
  assert.equal(r.status, 0, `warden ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

function toolAuthEnv(dir, as) {
  return {
    WARDEN_TOOLAUTH_DB: join(dir, 'tokens.db'),
    WARDEN_TOOLAUTH_KEY_FILE: join(dir, 'toolauth.key'),
    WEATHER_API_KEY: 'weather-secret-value-7d1e',
    // The dev front door has no AS to sign the browser in at: this suite exercises the
    // unbound links (a link completes for whoever opens it); toolauth-signin.test.mjs covers
    // sign-in binding and the refusal without it.
    WARDEN_TOOLAUTH_UNBOUND_LINKS: '1',
    ...providerEnv(as),
  };
}

describe('toolauth over HTTP with server-level auth (front door + downstream GitHub)', () => {
  let dir;
  let as;
  let server;
  let url;
  let callback;
  const front = {}; // front-door bearer tokens by user
  const clients = {};
  const codes = []; // every authorization code the provider sent to Warden
  // Bob's client supports URL-mode elicitation; when `approveAs` is set it "opens" the URL
  // (headless login as that GitHub identity) while Warden waits for the redirect.
  const bob = { elicitations: [], completed: [], callbacks: [], errors: [], approveAs: undefined };

  const connectAs = (user, options = {}) =>
    connectHttp(url, {
      ...options,
      transportOptions: { requestInit: { headers: { Authorization: `Bearer ${front[user]}` } } },
    });
  const callRepos = (who) => clients[who].client.callTool({ name: 'list_my_repos', arguments: {} });
  /** Login and consent at the provider; returns the redirect to Warden (not followed). */
  const consent = async (authorizationUrl, githubLogin) => {
    const redirect = await approve(authorizationUrl, githubLogin, callback);
    codes.push(new URL(redirect).searchParams.get('code'));
    return redirect;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'warden-toolauth-http-'));
    warden('dev', 'keygen', '--dir', join(dir, 'keys'));
    // The canonical URL (the tokens' audience) and the redirect URI registered at the
    // provider must name the port before the server starts.
    const port = await freePort();
    url = `http://127.0.0.1:${port}/mcp`;
    callback = `http://127.0.0.1:${port}/oauth/callback`;
    for (const user of ['alice', 'bob'])
      front[user] = warden(
        'dev', 'token', '--key', join(dir, 'keys', 'signing-key.pem'),
        '--sub', user, '--aud', url, '--scope', 'mcp:tools',
      ).trim();
    as = await startProvider([callback]);
    server = await startServer({
      issuer: DEV_ISSUER,
      jwksUri: `file://${join(dir, 'keys', 'jwks.json')}`,
      port,
      extraEnv: toolAuthEnv(dir, as),
      extraArgs: ['--log-level', 'debug'],
    });
    clients.alice = await connectAs('alice');
    clients.bob = await connectAs('bob', {
      capabilities: { elicitation: { url: {} } },
      setup: (client) => {
        client.setRequestHandler(ElicitRequestSchema, async (request) => {
          bob.elicitations.push(request.params);
          const login = bob.approveAs;
          if (login)
            setImmediate(async () => {
              try {
                const res = await fetch(await consent(request.params.url, login));
                bob.callbacks.push({ status: res.status, body: await res.text() });
              } catch (error) {
                bob.errors.push(error);
              }
            });
          return { action: login ? 'accept' : 'decline' };
        });
        client.setNotificationHandler(ElicitationCompleteNotificationSchema, (n) => {
          bob.completed.push(n.params.elicitationId);
        });
      },
    });
    // Bob again, from a client without URL elicitation: he gets the URL in the result.
    clients.bobPlain = await connectAs('bob');
  });

  after(async () => {
    for (const c of Object.values(clients)) await c.close().catch(() => {});
    await server?.stop();
    await as?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  let aliceRedirect;
  it('alice: authorization URL -> consent -> the server\'s /oauth/callback -> retry succeeds', async () => {
    const who = await clients.alice.client.callTool({ name: 'whoami', arguments: {} });
    assert.equal(who.structuredContent.user_id, 'alice');

    const first = await callRepos('alice');
    assert.equal(first.isError, true, JSON.stringify(first));
    const authorizationUrl = new URL(first._meta.warden.authorization_url);
    assert.equal(authorizationUrl.origin + authorizationUrl.pathname, `${as.issuer}/auth`);
    assert.equal(authorizationUrl.searchParams.get('redirect_uri'), callback);
    assert.equal(authorizationUrl.searchParams.get('scope'), 'repo');
    assert.match(first.content[0].text, /open this URL/);

    aliceRedirect = await consent(authorizationUrl.href, GITHUB_LOGIN.alice);
    assert.equal(new URL(aliceRedirect).searchParams.get('iss'), as.issuer);
    // The browser follows the redirect to Warden's HTTP server: no front-door token.
    const page = await fetch(aliceRedirect);
    const text = await page.text();
    assert.equal(page.status, 200, text);
    assert.match(text, /Authorized/);
    assert.equal(page.headers.get('cache-control'), 'no-store');
    assert.deepEqual(as.grants, ['authorization_code']);

    const second = await callRepos('alice');
    assert.equal(second.isError, undefined, JSON.stringify(second));
    assert.equal(second.content[0].text, reposOf('alice'));
    const third = await callRepos('alice');
    assert.equal(third.content[0].text, reposOf('alice'));
    assert.deepEqual(as.grants, ['authorization_code'], 'the stored token is reused');
  });

  it('a replayed callback and a forged state are rejected at the HTTP callback', async () => {
    // Also when the request carries a valid front-door token: it does not make a state valid.
    await assertReplayAndForgeryRejected(aliceRedirect, { Authorization: `Bearer ${front.alice}` });
    assert.deepEqual(as.grants, ['authorization_code'], 'no code exchange for a bad state');
  });

  it('bob is not served alice\'s token: his own URL (URL elicitation), his own repos', async () => {
    // Declined first: the call ends without running the tool, and nothing was stored.
    const declined = await callRepos('bob');
    assert.equal(declined.isError, true);
    assert.match(declined.content[0].text, /did not authorize/);
    assert.doesNotMatch(JSON.stringify(declined), /alice/);

    const plain = await callRepos('bobPlain');
    assert.equal(plain.isError, true, 'bob gets no token from alice\'s authorization');
    const bobState = new URL(plain._meta.warden.authorization_url).searchParams.get('state');
    assert.notEqual(bobState, new URL(aliceRedirect).searchParams.get('state'));

    bob.approveAs = GITHUB_LOGIN.bob;
    try {
      const result = await callRepos('bob');
      assert.deepEqual(bob.errors, []);
      assert.equal(result.isError, undefined, JSON.stringify(result));
      assert.equal(result.content[0].text, reposOf('bob'));
    } finally {
      bob.approveAs = undefined;
    }
    assert.equal(bob.elicitations.length, 2);
    const elicitation = bob.elicitations[1];
    assert.equal(elicitation.mode, 'url');
    assert.ok(elicitation.url.startsWith(`${as.issuer}/auth?`));
    assert.equal(new URL(elicitation.url).searchParams.get('redirect_uri'), callback);
    await waitFor(() => bob.callbacks.length === 1, 5000, 'the callback page');
    assert.equal(bob.callbacks[0].status, 200);
    await waitFor(() => bob.completed.length === 1, 5000, 'notifications/elicitation/complete');
    assert.equal(bob.completed[0], elicitation.elicitationId);

    // Each sees their own, whichever client asks.
    assert.equal((await callRepos('bobPlain')).content[0].text, reposOf('bob'));
    assert.equal((await callRepos('alice')).content[0].text, reposOf('alice'));
    assert.deepEqual(new Set(as.accepted.values()), new Set(Object.values(GITHUB_LOGIN)));
  });

  it('a state is bound to the user who started it: it never stores tokens for another', async () => {
    // Over authenticated HTTP, downstream tokens belong to issuer + subject.
    warden('tokens', 'revoke', '--user', `${DEV_ISSUER}|alice`, '--db', join(dir, 'tokens.db'));
    warden('tokens', 'revoke', '--user', `${DEV_ISSUER}|bob`, '--db', join(dir, 'tokens.db'));
    const forAlice = (await callRepos('alice'))._meta.warden.authorization_url;
    const forBob = (await callRepos('bobPlain'))._meta.warden.authorization_url;
    const grants = as.grants.length;

    // Alice's code presented with bob's state: Warden redeems it with bob's PKCE verifier,
    // the provider refuses, and bob's state is used up.
    const aliceCode = new URL(await consent(forAlice, GITHUB_LOGIN.alice)).searchParams.get('code');
    const swapped = new URL(await consent(forBob, GITHUB_LOGIN.bob));
    swapped.searchParams.set('code', aliceCode);
    const refused = await fetch(swapped, { headers: { Authorization: `Bearer ${front.bob}` } });
    assert.equal(refused.status, 502, await refused.text());
    assert.equal(as.grants.length, grants, 'the provider granted nothing');
    assert.equal((await callRepos('bobPlain')).isError, true);

    // Alice's state completed by a request carrying bob's front-door token: the tokens
    // go to alice, who started it, and bob still has none.
    const page = await fetch(await consent(forAlice, GITHUB_LOGIN.alice), {
      headers: { Authorization: `Bearer ${front.bob}` },
    });
    assert.equal(page.status, 200, await page.text());
    const bobAfter = await callRepos('bobPlain');
    assert.equal(bobAfter.isError, true, JSON.stringify(bobAfter));
    assert.ok(bobAfter._meta.warden.authorization_url);
    assert.equal((await callRepos('alice')).content[0].text, reposOf('alice'));
    const list = warden('tokens', 'list', '--db', join(dir, 'tokens.db'));
    assert.ok(list.split('\n').some((l) => l.startsWith(`${DEV_ISSUER}|alice\tgithub\t`)), list);
    assert.ok(!list.includes(`${DEV_ISSUER}|bob\t`), list);
  });

  it('front-door tokens never reach the downstream API', () => {
    assert.ok(as.seen.length >= 6, `the API was called ${as.seen.length} times`);
    for (const header of as.seen) {
      const token = header.replace(/^Bearer /, '');
      assert.ok(as.accepted.has(token), 'every Authorization header carried a provider token');
      assert.ok(as.issued.includes(token), 'issued by the provider');
      for (const user of ['alice', 'bob']) assert.ok(!header.includes(front[user]), `${user}'s front-door token`);
    }
  });

  it('the debug log holds no front-door token, provider token, code or client secret', async () => {
    // A rejected front-door token is logged at debug level: the reason, never the token.
    const expired = warden(
      'dev', 'token', '--key', join(dir, 'keys', 'signing-key.pem'),
      '--sub', 'alice', '--aud', url, '--scope', 'mcp:tools', '--ttl', '-600',
    ).trim();
    const res = await rawInitialize(url, { Authorization: `Bearer ${expired}` });
    assert.equal(res.status, 401);
    await res.arrayBuffer();
    await waitFor(() => /token rejected/.test(server.log()), 5000, 'the debug line');
    const log = server.log();
    assert.ok(log.includes(`stored github tokens for user ${DEV_ISSUER}|alice`), log);
    const secrets = {
      'client secret': [as.clientSecret],
      'front-door token': [...Object.values(front), expired],
      'provider token': as.issued,
      'authorization code': codes,
    };
    assert.ok(as.issued.length >= 4 && codes.length >= 4);
    for (const [what, values] of Object.entries(secrets))
      for (const value of values) assert.ok(!log.includes(value), `${what} in the log`);
  });

  it('a client that never answers holds at most its cap of workers; others are served (issue 15)', async () => {
    warden('tokens', 'revoke', '--user', `${DEV_ISSUER}|alice`, '--db', join(dir, 'tokens.db'));
    const held = []; // elicitations alice's client received and never answers
    const silent = await connectAs('alice', {
      capabilities: { elicitation: { url: {} } },
      setup: (client) =>
        client.setRequestHandler(ElicitRequestSchema, () => new Promise((resolve) => held.push(resolve))),
    });
    try {
      // More calls than the server has workers (8): each would wait for the client.
      const settled = [];
      const calls = Array.from({ length: 12 }, () =>
        silent.client
          .callTool({ name: 'list_my_repos', arguments: {} }, undefined, { timeout: 300000 })
          .then((r) => (settled.push(r), r)),
      );
      // Past her cap (2 waiting calls per principal) calls do not wait: the link comes back
      // in the result, and no worker is held.
      await waitFor(() => settled.length === 10, 30000, 'the calls past the cap');
      for (const r of settled) {
        assert.equal(r.isError, true);
        assert.match(r.content[0].text, /open this URL/);
      }
      assert.equal(held.length, 2, 'only two elicitations wait');
      // Bob's calls run on the workers alice's silent client does not hold.
      for (let i = 0; i < 4; ++i) {
        const who = await clients.bob.client.callTool({ name: 'whoami', arguments: {} });
        assert.equal(who.structuredContent.user_id, 'bob');
      }
      assert.equal(settled.length, 10, "alice's two calls are still waiting");
      for (const resolve of held) resolve({ action: 'decline' });
      await Promise.all(calls);
    } finally {
      await silent.close();
    }
  });
});

describe('the same server over HTTP without server-level auth', () => {
  let dir;
  let as;
  let server;
  let peer;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'warden-toolauth-http-noauth-'));
    as = await startProvider(['http://127.0.0.1:1/oauth/callback']);
    server = await startHttpServer('warden-quickstart', {
      env: toolAuthEnv(dir, as),
      args: ['--log-level', 'debug'],
    });
    assert.match(server.stderr(), /auth: off/);
    peer = await connectHttp(server.url);
  });
  after(async () => {
    await peer?.close();
    await server?.kill();
    await as?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses list_my_repos and weather_key_status, explaining the fix; echo still works', async () => {
    for (const name of ['list_my_repos', 'weather_key_status']) {
      const result = await peer.client.callTool({ name, arguments: {} });
      assert.equal(result.isError, true, name);
      const text = result.content[0].text;
      assert.match(text, /without server-level authentication/);
      assert.match(text, /MCP_RESOURCE_SERVER_/);
      assert.match(text, /stdio/);
      assert.ok(!text.includes('weather-secret-value'));
      assert.equal(result._meta?.warden?.authorization_url, undefined, 'no authorization URL');
    }
    const echo = await peer.client.callTool({ name: 'echo', arguments: { text: 'still here' } });
    assert.equal(echo.isError, undefined);
    assert.equal(echo.content[0].text, 'still here');
    assert.deepEqual(as.grants, []);
    assert.deepEqual(as.seen, [], 'the API was never called');
  });
});
