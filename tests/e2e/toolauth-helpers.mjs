// Tool-level auth against a real provider, shared by the toolauth flow tests: oidc-provider
// plays GitHub (the github preset with its endpoints overridden by WARDEN_PROVIDER_GITHUB_*),
// a small node:http server plays api.github.com and verifies every bearer it gets against
// the provider's keys, and `approve` drives the provider's dev login and consent pages
// headlessly (fetch and a cookie jar) up to the redirect to Warden's callback.
import assert from 'node:assert/strict';
import http from 'node:http';

import Provider from 'oidc-provider';
import * as jose from 'jose';

const CLIENT_ID = 'warden-e2e';
const CLIENT_SECRET = 'e2e-client-secret-0f7c2a9d41';

function listen(server) {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));
}

/**
 * Follows the authorization URL through oidc-provider's development login and consent
 * pages as `login`, with a cookie jar; returns the redirect to Warden's callback without
 * following it.
 */
export async function approve(authorizationUrl, login, callbackPrefix) {
  const jar = new Map();
  let url = authorizationUrl;
  let method = 'GET';
  let body;
  for (let step = 0; step < 20; step++) {
    const res = await fetch(url, {
      method,
      body,
      redirect: 'manual',
      headers: {
        cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(body && { 'content-type': 'application/x-www-form-urlencoded' }),
      },
    });
    for (const c of res.headers.getSetCookie()) {
      const pair = c.split(';')[0];
      const eq = pair.indexOf('=');
      const [name, value] = [pair.slice(0, eq).trim(), pair.slice(eq + 1)];
      if (value) jar.set(name, value);
      else jar.delete(name);
    }
    if (res.status >= 300 && res.status < 400) {
      await res.arrayBuffer();
      const next = new URL(res.headers.get('location'), url).href;
      if (next.startsWith(callbackPrefix)) return next;
      [url, method, body] = [next, 'GET', undefined];
      continue;
    }
    const html = await res.text();
    assert.equal(res.status, 200, `provider page ${url}: ${html.slice(0, 500)}`);
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
    assert.ok(action && prompt, `no interaction form at ${url}`);
    url = new URL(action, url).href;
    method = 'POST';
    body = new URLSearchParams(prompt === 'login' ? { prompt, login, password: 'x' } : { prompt }).toString();
  }
  throw new Error('too many steps before the redirect to Warden');
}

/**
 * oidc-provider standing in for GitHub, plus the GitHub API stand-in. `callbackUris` are the
 * redirect URIs registered for Warden's client. Resolves to { issuer, apiBase, settings
 * (accessTokenTTL, changeable), grants (grant types exchanged), issued (tokens handed out),
 * seen (every Authorization header the API got), accepted (token -> sub), close() }.
 */
export async function startProvider(callbackUris) {
  const providerServer = http.createServer();
  const providerPort = await listen(providerServer);
  const issuer = `http://127.0.0.1:${providerPort}`;
  const apiServer = http.createServer();
  const apiPort = await listen(apiServer);
  const apiBase = `http://127.0.0.1:${apiPort}`;

  const { privateKey, publicKey } = await jose.generateKeyPair('RS256', { extractable: true });
  const signingJwk = { ...(await jose.exportJWK(privateKey)), kid: 'e2e', alg: 'RS256', use: 'sig' };
  const settings = { accessTokenTTL: 3600 };
  const grants = [];
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uris: callbackUris,
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    jwks: { keys: [signingJwk] },
    scopes: ['openid', 'offline_access', 'repo'],
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: true },
      revocation: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => apiBase,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: 'repo',
          audience: apiBase,
          accessTokenFormat: 'jwt',
          accessTokenTTL: settings.accessTokenTTL,
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    findAccount: async (_ctx, id) => ({ accountId: id, claims: async () => ({ sub: id }) }),
  });
  // Every token the provider hands out (access and refresh), for the "never logged" checks.
  const issued = [];
  provider.on('grant.success', (ctx) => {
    grants.push(ctx.oidc.params.grant_type);
    for (const key of ['access_token', 'refresh_token', 'id_token'])
      if (ctx.body?.[key]) issued.push(ctx.body[key]);
  });
  providerServer.on('request', provider.callback());

  // The GitHub API stand-in: accepts only access tokens the provider signed for it, and
  // remembers every Authorization header it was ever sent.
  const seen = [];
  const accepted = new Map(); // token -> sub
  apiServer.on('request', async (req, res) => {
    const header = req.headers.authorization ?? '';
    seen.push(header);
    const token = /^Bearer (.+)$/.exec(header)?.[1];
    try {
      const { payload } = await jose.jwtVerify(token ?? '', publicKey, {
        issuer,
        audience: apiBase,
        algorithms: ['RS256'],
      });
      if (!String(payload.scope ?? '').split(' ').includes('repo')) throw new Error('no repo scope');
      accepted.set(token, payload.sub);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify([{ full_name: `${payload.sub}/repo-one` }, { full_name: `${payload.sub}/repo-two` }]));
    } catch {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end('{"message":"Bad credentials"}');
    }
  });

  return {
    issuer,
    apiBase,
    settings,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    grants,
    issued,
    seen,
    accepted,
    close: async () => {
      providerServer.closeAllConnections();
      apiServer.closeAllConnections();
      await Promise.all([
        new Promise((r) => providerServer.close(r)),
        new Promise((r) => apiServer.close(r)),
      ]);
    },
  };
}


/** The environment that points Warden's github preset at `as` (from startProvider). */
export function providerEnv(as) {
  return {
    WARDEN_PROVIDER_GITHUB_CLIENT_ID: as.clientId,
    WARDEN_PROVIDER_GITHUB_CLIENT_SECRET: as.clientSecret,
    WARDEN_PROVIDER_GITHUB_AUTHORIZATION_ENDPOINT: `${as.issuer}/auth`,
    WARDEN_PROVIDER_GITHUB_TOKEN_ENDPOINT: `${as.issuer}/token`,
    WARDEN_PROVIDER_GITHUB_ISSUER: as.issuer,
    WARDEN_PROVIDER_GITHUB_API_BASE_URL: as.apiBase,
  };
}

/**
 * Replays a redirect Warden already consumed, then sends it with a forged state (with
 * `headers`): both must get 400 at the callback.
 */
export async function assertReplayAndForgeryRejected(redirect, headers = {}) {
  const replay = await fetch(redirect, { headers });
  assert.equal(replay.status, 400);
  assert.match(await replay.text(), /invalid, expired or was already used/);
  const forged = new URL(redirect);
  forged.searchParams.set('state', 'A'.repeat(43));
  const res = await fetch(forged, { headers });
  assert.equal(res.status, 400);
  await res.arrayBuffer();
}
