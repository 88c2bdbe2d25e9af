// Sign-in binding (issue 15, item 1): over HTTP with server-level auth, a downstream
// authorization link completes only in the browser of the user who started it. The front
// door is a real AS (oidc-provider, tests/e2e/as/oidc-as.mjs) that also signs the browser in
// (Warden's OpenID Connect client `warden-login`); a second oidc-provider plays GitHub
// (toolauth-helpers.mjs). Phishing is played end to end: bob (the attacker) obtains a link
// and alice (the victim) completes it in her own browser, in each of the ways bob can hand
// it over. Each must be refused with nothing stored for bob, while the honest flow works.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { binary, connectHttp, recordSecret } from './helpers.mjs';
import { APP, LOGIN, freePort, loginAndConsent, startAS, startServer } from './auth-helpers.mjs';
import { providerEnv, startProvider } from './toolauth-helpers.mjs';

const GITHUB_LOGIN = { alice: 'alice-gh', bob: 'bob-gh' };
const reposOf = (user) => `${GITHUB_LOGIN[user]}/repo-one\n${GITHUB_LOGIN[user]}/repo-two\n`;

/** A front-door access token for `user` (authorization code + PKCE, resource = `url`). */
async function frontDoorToken(issuer, url, user) {
  const verifier = crypto.randomBytes(32).toString('base64url');
  const challenge = crypto.createHash('sha256').update(verifier).digest('base64url');
  const auth = new URL(`${issuer}/auth`);
  for (const [k, v] of Object.entries({
    response_type: 'code',
    client_id: APP.id,
    redirect_uri: APP.redirect,
    scope: 'openid mcp:tools',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    resource: url,
  }))
    auth.searchParams.set(k, v);
  const code = await loginAndConsent(auth, user);
  const res = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: APP.redirect,
      code_verifier: verifier,
      client_id: APP.id,
      resource: url,
    }),
  });
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  recordSecret(body.access_token);
  return body.access_token;
}

/**
 * One person's browser: a cookie jar per origin (the two oidc-provider instances share
 * 127.0.0.1, and their session cookies must not meet), redirects followed, oidc-provider's
 * dev login and consent forms filled with `logins[origin]`. `open(url, { stop })` follows
 * until a page is shown, or returns early ({ stopped: url }) when `stop(url)` says so.
 */
function browser(logins) {
  const jars = new Map();
  const jarOf = (url) => {
    const origin = new URL(url).origin;
    if (!jars.has(origin)) jars.set(origin, new Map());
    return jars.get(origin);
  };
  const send = async (url, init = {}) => {
    const jar = jarOf(url);
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...init.headers, cookie } });
    // Codes, states, links and Warden's binding cookie: none may reach the server log.
    const seen = new URL(url);
    for (const key of ['code', 'state', 'link']) if (seen.searchParams.get(key)) recordSecret(seen.searchParams.get(key));
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair.indexOf('=');
      const [name, value] = [pair.slice(0, eq), pair.slice(eq + 1)];
      if (name.startsWith('warden_auth_') && value) recordSecret(value);
      if (value && !/max-age=0/i.test(c)) jar.set(name, value);
      else jar.delete(name);
    }
    return res;
  };
  return {
    cookies: (url) => jarOf(url),
    async open(start, { stop } = {}) {
      let url = String(start);
      for (let step = 0; step < 30; ++step) {
        if (step > 0 && stop?.(url)) return { stopped: url };
        const res = await send(url);
        if (res.status >= 300 && res.status < 400) {
          await res.arrayBuffer();
          url = new URL(res.headers.get('location'), url).href;
          continue;
        }
        const html = await res.text();
        const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
        const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
        if (res.status !== 200 || !action || !prompt) return { status: res.status, html, url };
        const login = logins[new URL(url).origin];
        const post = await send(new URL(action, url).href, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(prompt === 'login' ? { prompt, login, password: 'x' } : { prompt }),
        });
        await post.arrayBuffer();
        url = new URL(post.headers.get('location'), url).href;
      }
      throw new Error('too many steps');
    },
  };
}

function warden(...args) {
  const r = spawnSync(binary('warden'), args, { encoding: 'utf8' });
  assert.equal(r.status, 0, `warden ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

describe('toolauth sign-in binding over HTTP (front-door AS signs the browser in)', () => {
  let dir;
  let front; // the front-door AS
  let gh; // the GitHub stand-in
  let server;
  let unbound; // the same configuration without sign-in binding
  let url;
  let callback;
  const clients = {};
  const browsers = {};
  const tokensOf = () => warden('tokens', 'list', '--db', join(dir, 'tokens.db'));
  const linkFor = async (user) => {
    const r = await clients[user].client.callTool({ name: 'list_my_repos', arguments: {} });
    assert.equal(r.isError, true, JSON.stringify(r));
    return r._meta.warden.authorization_url;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'warden-toolauth-signin-'));
    const port = await freePort();
    url = `http://127.0.0.1:${port}/mcp`;
    callback = `http://127.0.0.1:${port}/oauth/callback`;
    front = await startAS({ loginRedirect: callback });
    gh = await startProvider([callback]);
    const toolEnv = {
      WARDEN_TOOLAUTH_DB: join(dir, 'tokens.db'),
      WARDEN_TOOLAUTH_KEY_FILE: join(dir, 'toolauth.key'),
      ...providerEnv(gh),
    };
    server = await startServer({
      issuer: front.issuer,
      port,
      extraEnv: {
        ...toolEnv,
        WARDEN_TOOLAUTH_LOGIN_ISSUER: front.issuer,
        WARDEN_TOOLAUTH_LOGIN_CLIENT_ID: LOGIN.id,
        WARDEN_TOOLAUTH_LOGIN_CLIENT_SECRET: LOGIN.secret,
        // No endpoints: discovered from the issuer's OpenID Connect metadata.
      },
    });
    unbound = await startServer({
      issuer: front.issuer,
      extraEnv: { ...toolEnv, WARDEN_TOOLAUTH_DB: join(dir, 'unbound.db') },
    });
    for (const user of ['alice', 'bob']) {
      const token = await frontDoorToken(front.issuer, url, user);
      clients[user] = await connectHttp(url, {
        transportOptions: { requestInit: { headers: { Authorization: `Bearer ${token}` } } },
      });
      browsers[user] = browser({ [front.issuer]: user, [gh.issuer]: GITHUB_LOGIN[user] });
    }
    const token = await frontDoorToken(front.issuer, unbound.url, 'bob');
    clients.unbound = await connectHttp(unbound.url, {
      transportOptions: { requestInit: { headers: { Authorization: `Bearer ${token}` } } },
    });
  });

  after(async () => {
    for (const c of Object.values(clients)) await c.close().catch(() => {});
    await server?.stop();
    await unbound?.stop();
    await front?.stop();
    await gh?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('without sign-in configured, an authorization is refused, saying what to configure', async () => {
    const r = await clients.unbound.client.callTool({ name: 'list_my_repos', arguments: {} });
    assert.equal(r.isError, true);
    assert.match(r.content[0].text, /WARDEN_TOOLAUTH_LOGIN_ISSUER/);
    assert.equal(r._meta?.warden?.authorization_url, undefined, 'no link handed out');
    assert.deepEqual(gh.grants, []);
  });

  it('honest flow: alice\'s link -> sign-in as alice -> GitHub -> tokens stored for alice', async () => {
    const link = await linkFor('alice');
    assert.ok(link.startsWith(`${callback}?link=`), link);
    const page = await browsers.alice.open(link);
    assert.equal(page.status, 200, page.html);
    assert.match(page.html, /Authorized/);
    assert.equal(browsers.alice.cookies(callback).size, 0, 'the binding cookie is cleared');
    const r = await clients.alice.client.callTool({ name: 'list_my_repos', arguments: {} });
    assert.equal(r.isError, undefined, JSON.stringify(r));
    assert.equal(r.content[0].text, reposOf('alice'));
    assert.deepEqual(gh.grants, ['authorization_code']);
  });

  it('phishing: alice opens bob\'s link and signs in as herself -> refused, nothing for bob', async () => {
    const link = await linkFor('bob');
    const page = await browsers.alice.open(link);
    assert.equal(page.status, 403, page.html);
    assert.match(page.html, /different user/);
    assert.equal(page.url.startsWith(callback), true, 'stopped at Warden, before GitHub');
    assert.deepEqual(gh.grants, ['authorization_code'], 'GitHub granted nothing more');
    assert.ok(!tokensOf().includes(`${front.issuer}|bob`), tokensOf());
    assert.match(server.log(), /authorization started by user .*\|bob completed by .*\|alice; refused/);
  });

  it('phishing: bob signs in himself and hands alice the sign-in redirect -> refused (cookie)', async () => {
    const link = await linkFor('bob');
    const { stopped } = await browsers.bob.open(link, {
      stop: (u) => u.startsWith(callback) && new URL(u).searchParams.has('code'),
    });
    assert.ok(stopped, 'bob holds the sign-in redirect');
    const page = await browsers.alice.open(stopped);
    assert.equal(page.status, 403, page.html);
    assert.match(page.html, /another browser/);
    assert.ok(!tokensOf().includes(`${front.issuer}|bob`));
  });

  it('phishing: bob hands alice the GitHub URL he reached after signing in -> refused (cookie)', async () => {
    const link = await linkFor('bob');
    const { stopped } = await browsers.bob.open(link, { stop: (u) => u.startsWith(`${gh.issuer}/auth`) });
    assert.ok(stopped, 'bob holds the GitHub authorization URL');
    const page = await browsers.alice.open(stopped);
    assert.equal(page.status, 403, page.html);
    assert.match(page.html, /another browser/);
    assert.ok(!tokensOf().includes(`${front.issuer}|bob`), tokensOf());
    const r = await clients.bob.client.callTool({ name: 'list_my_repos', arguments: {} });
    assert.equal(r.isError, true, 'bob has no token, least of all alice\'s');
    assert.doesNotMatch(JSON.stringify(r), /alice-gh/);
  });

  it('bob\'s own link in his own browser works, and each sees their own repos', async () => {
    const page = await browsers.bob.open(await linkFor('bob'));
    assert.equal(page.status, 200, page.html);
    const bob = await clients.bob.client.callTool({ name: 'list_my_repos', arguments: {} });
    assert.equal(bob.content[0].text, reposOf('bob'));
    const alice = await clients.alice.client.callTool({ name: 'list_my_repos', arguments: {} });
    assert.equal(alice.content[0].text, reposOf('alice'));
  });

  it('a link is single use', async () => {
    warden('tokens', 'revoke', '--user', `${front.issuer}|alice`, '--db', join(dir, 'tokens.db'));
    const link = await linkFor('alice');
    const first = await fetch(link, { redirect: 'manual' });
    assert.equal(first.status, 302);
    const again = await fetch(link, { redirect: 'manual' });
    assert.equal(again.status, 400);
    await again.arrayBuffer();
  });
});
