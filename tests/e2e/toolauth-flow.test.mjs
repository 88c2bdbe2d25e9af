// Tool-level auth end to end over stdio against a real authorization server: oidc-provider
// plays GitHub and a stand-in plays api.github.com (toolauth-helpers.mjs). Login and consent
// are driven headlessly; the redirect lands on the stdio server's loopback callback listener.
// The same flow over HTTP with server-level auth is in toolauth-http.test.mjs.
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

import { binary, connect, freePort, waitFor } from './helpers.mjs';
import {
  approve,
  assertReplayAndForgeryRejected,
  providerEnv,
  startProvider,
} from './toolauth-helpers.mjs';

describe('toolauth flow against oidc-provider (stdio)', () => {
  let dir;
  let as;
  const ports = {};
  const peers = {};
  const db = () => join(dir, 'tokens.db');

  function wardenEnv(user) {
    return {
      USER: user,
      WARDEN_TOOLAUTH_DB: db(),
      WARDEN_TOOLAUTH_KEY_FILE: join(dir, 'toolauth.key'),
      WARDEN_TOOLAUTH_CALLBACK_PORT: String(ports[user]),
      ...providerEnv(as),
    };
  }
  const callbackPrefix = (user) => `http://127.0.0.1:${ports[user]}/oauth/callback`;

  // Bob's client supports URL-mode elicitation: it accepts, then "opens" the URL (the
  // headless login) while Warden waits for the redirect.
  const bob = { elicitations: [], completed: [], callbacks: [], errors: [] };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'warden-toolauth-flow-'));
    ports.alice = await freePort();
    ports.bob = await freePort();
    as = await startProvider([callbackPrefix('alice'), callbackPrefix('bob')]);
    peers.alice = await connect('warden-quickstart', { env: wardenEnv('alice') });
    peers.bob = await connect('warden-quickstart', {
      env: wardenEnv('bob'),
      capabilities: { elicitation: { url: {} } },
      setup: (client) => {
        client.setRequestHandler(ElicitRequestSchema, async (request) => {
          bob.elicitations.push(request.params);
          setImmediate(async () => {
            try {
              const redirect = await approve(request.params.url, 'bob', callbackPrefix('bob'));
              const res = await fetch(redirect);
              bob.callbacks.push({ status: res.status, body: await res.text() });
            } catch (error) {
              bob.errors.push(error);
            }
          });
          return { action: 'accept' };
        });
        client.setNotificationHandler(ElicitationCompleteNotificationSchema, (n) => {
          bob.completed.push(n.params.elicitationId);
        });
      },
    });
  });

  after(async () => {
    await peers.alice?.close();
    await peers.bob?.close();
    await as?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const callRepos = (user) => peers[user].client.callTool({ name: 'list_my_repos', arguments: {} });

  let aliceRedirect;
  it('authorization URL -> login and consent -> callback -> the retried call succeeds', async () => {
    const first = await callRepos('alice');
    assert.equal(first.isError, true);
    const url = first._meta.warden.authorization_url;
    assert.ok(url.startsWith(`${as.issuer}/auth?`), url);

    aliceRedirect = await approve(url, 'alice', callbackPrefix('alice'));
    const redirect = new URL(aliceRedirect);
    assert.ok(redirect.searchParams.get('code'));
    assert.equal(redirect.searchParams.get('iss'), as.issuer); // RFC 9207
    const page = await fetch(aliceRedirect);
    assert.equal(page.status, 200, await page.clone().text());
    assert.match(await page.text(), /Authorized/);
    assert.deepEqual(as.grants, ['authorization_code']);

    const second = await callRepos('alice');
    assert.equal(second.isError, undefined, JSON.stringify(second));
    assert.equal(second.content[0].text, 'alice/repo-one\nalice/repo-two\n');
    // The next call uses the stored token: no new grant.
    const third = await callRepos('alice');
    assert.equal(third.content[0].text, 'alice/repo-one\nalice/repo-two\n');
    assert.deepEqual(as.grants, ['authorization_code']);
  });

  it('a replayed callback URL and a forged state are rejected', async () => {
    await assertReplayAndForgeryRejected(aliceRedirect);
    assert.deepEqual(as.grants, ['authorization_code'], 'no code exchange for a bad state');
  });

  it('URL-mode elicitation: accept, approve at the URL, and the same call succeeds', async () => {
    const result = await callRepos('bob');
    assert.deepEqual(bob.errors, []);
    assert.equal(result.isError, undefined, JSON.stringify(result));
    assert.equal(result.content[0].text, 'bob/repo-one\nbob/repo-two\n');
    assert.equal(bob.elicitations.length, 1);
    const [elicitation] = bob.elicitations;
    assert.equal(elicitation.mode, 'url');
    assert.ok(elicitation.url.startsWith(`${as.issuer}/auth?`));
    await waitFor(() => bob.callbacks.length === 1, 5000, 'the callback page');
    assert.equal(bob.callbacks[0].status, 200);
    await waitFor(() => bob.completed.length === 1, 5000, 'notifications/elicitation/complete');
    assert.equal(bob.completed[0], elicitation.elicitationId);
  });

  it('two users sharing one store and key never see each other\'s tokens', async () => {
    const a = await callRepos('alice');
    const b = await callRepos('bob');
    assert.equal(a.content[0].text, 'alice/repo-one\nalice/repo-two\n');
    assert.equal(b.content[0].text, 'bob/repo-one\nbob/repo-two\n');
    const subs = new Set(as.accepted.values());
    assert.deepEqual([...subs].sort(), ['alice', 'bob']);
  });

  it('warden tokens revoke: the next call needs authorization again; short-lived tokens refresh', async () => {
    const revoke = spawnSync(
      binary('warden'),
      ['tokens', 'revoke', '--user', 'alice', '--provider', 'github', '--db', db()],
      { encoding: 'utf8' },
    );
    assert.equal(revoke.status, 0, revoke.stderr);
    assert.match(revoke.stdout, /revoked 1 token record/);
    const list = spawnSync(binary('warden'), ['tokens', 'list', '--db', db()], { encoding: 'utf8' });
    assert.equal(list.status, 0, list.stderr);
    assert.doesNotMatch(list.stdout, /^alice\t/m);
    assert.match(list.stdout, /^bob\tgithub\tscopes=repo\t.*refresh=yes/m);

    const again = await callRepos('alice');
    assert.equal(again.isError, true);
    // From now on the provider issues access tokens valid for 10 s: inside Warden's
    // 30-second refresh margin, so every use refreshes first.
    as.settings.accessTokenTTL = 10;
    try {
      const redirect = await approve(again._meta.warden.authorization_url, 'alice', callbackPrefix('alice'));
      const page = await fetch(redirect);
      assert.equal(page.status, 200);
      await page.arrayBuffer();
      const exchanged = as.grants.length;
      const before = as.accepted.size;
      const ok = await callRepos('alice');
      assert.equal(ok.isError, undefined, JSON.stringify(ok));
      assert.equal(ok.content[0].text, 'alice/repo-one\nalice/repo-two\n');
      assert.deepEqual(as.grants.slice(exchanged), ['refresh_token']);
      assert.equal(as.accepted.size, before + 1, 'the API saw the refreshed token');
      const okAgain = await callRepos('alice');
      assert.equal(okAgain.isError, undefined);
      assert.deepEqual(as.grants.slice(exchanged), ['refresh_token', 'refresh_token']);
    } finally {
      as.settings.accessTokenTTL = 3600;
    }
  });

  it('URL-mode elicitation completes with a token already inside the refresh margin', async () => {
    const revoke = spawnSync(binary('warden'), ['tokens', 'revoke', '--user', 'bob', '--db', db()], {
      encoding: 'utf8',
    });
    assert.equal(revoke.status, 0, revoke.stderr);
    as.settings.accessTokenTTL = 10;
    try {
      const result = await peers.bob.client.callTool(
        { name: 'list_my_repos', arguments: {} },
        undefined,
        { timeout: 20000 },
      );
      assert.deepEqual(bob.errors, []);
      assert.equal(result.isError, undefined, JSON.stringify(result));
      assert.equal(result.content[0].text, 'bob/repo-one\nbob/repo-two\n');
      assert.equal(bob.elicitations.length, 2);
      await waitFor(() => bob.completed.length === 2, 5000, 'notifications/elicitation/complete');
    } finally {
      as.settings.accessTokenTTL = 3600;
    }
  });

  it('the API only ever saw provider-issued access tokens; secrets stay out of logs', () => {
    assert.ok(as.seen.length >= 6);
    for (const header of as.seen) {
      const token = header.replace(/^Bearer /, '');
      assert.ok(as.accepted.has(token), 'every Authorization header carried a valid access token');
    }
    for (const user of ['alice', 'bob']) {
      const log = peers[user].stderr();
      assert.ok(!log.includes(as.clientSecret), 'client secret in the log');
      for (const token of as.accepted.keys()) assert.ok(!log.includes(token), 'token in the log');
    }
  });
});
