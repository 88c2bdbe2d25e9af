// Helpers for the server-level auth tests: a real AS (oidc-provider, tests/e2e/as), a
// warden-quickstart over HTTP with MCP_RESOURCE_SERVER_* set, and a headless browser
// stand-in for oidc-provider's dev login and consent pages.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import { binary, recordSecret, serverLogSink, waitFor } from './helpers.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

export const MACHINE = { id: 'machine-client', secret: 'machine-secret-0123456789' };
export const SHORT = { id: 'short-lived-client', secret: 'short-secret-0123456789' };
export const APP = { id: 'mcp-app', redirect: 'http://127.0.0.1:1/callback' };
export const OPAQUE = { id: 'opaque-client', secret: 'opaque-secret-0123456789' };
export const RESOURCE_SERVER = { id: 'warden-rs', secret: 'warden-rs-secret-0123456789' };
export const LOGIN = { id: 'warden-login', secret: 'warden-login-secret-0123456789' };

/** A port that was free a moment ago (the canonical URL must name it before start). */
export async function freePort() {
  const srv = createServer();
  await new Promise((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address();
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

async function stopChild(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/**
 * Starts the AS (`scopes`: extra scopes it grants; `loginRedirect`: the redirect URI of
 * Warden's sign-in client); resolves to { issuer, port, kid, stop() }.
 */
export async function startAS({ port = 0, kid, scopes, loginRedirect } = {}) {
  const args = [path.join(here, 'as', 'oidc-as.mjs'), '--port', String(port)];
  if (kid) args.push('--kid', kid);
  if (scopes) args.push('--scopes', scopes);
  if (loginRedirect) args.push('--login-redirect', loginRedirect);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  const line = await Promise.race([
    new Promise((resolve) => createInterface({ input: child.stdout }).once('line', resolve)),
    once(child, 'exit').then(() => {
      throw new Error(`AS exited: ${stderr}`);
    }),
  ]);
  return { ...JSON.parse(line), stop: () => stopChild(child) };
}

/**
 * Starts warden-quickstart (or `binaryName`) over HTTP trusting `issuer` (its keys at `jwksUri`, else
 * discovered); `port` when the caller needs the URL in advance (else a free one). Resolves
 * to { url, port, log(), stop(), child }.
 */
export async function startServer({
  issuer,
  jwksUri,
  port,
  extraEnv = {},
  extraArgs = [],
  binaryName = 'warden-quickstart',
}) {
  port ??= await freePort();
  const url = `http://127.0.0.1:${port}/mcp`;
  const env = {
    ...process.env,
    MCP_RESOURCE_SERVER_CANONICAL_URL: url,
    MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS: JSON.stringify([
      { authorization_server_url: issuer, issuer, ...(jwksUri && { jwks_uri: jwksUri }) },
    ]),
    MCP_RESOURCE_SERVER_SCOPES_SUPPORTED: 'mcp:tools mcp:admin',
    MCP_RESOURCE_SERVER_DEFAULT_CHALLENGE_SCOPES: 'mcp:tools',
    MCP_RESOURCE_SERVER_JWKS_REFETCH_COOLDOWN: '1',
    ...extraEnv,
  };
  const child = spawn(
    binary(binaryName),
    ['--transport', 'http', '--port', String(port), ...extraArgs],
    { env, stdio: ['ignore', 'ignore', 'pipe'], cwd: here },
  );
  let log = '';
  const sink = serverLogSink(binaryName);
  child.stderr.on('data', (c) => {
    log += c;
    sink(c);
  });
  await waitFor(() => log.includes('serving MCP at') || child.exitCode !== null, 5000, 'server start');
  if (child.exitCode !== null) throw new Error(`server exited: ${log}`);
  return { url, port, log: () => log, stop: () => stopChild(child), child };
}

/** A client_credentials token from the AS for `resource`. */
export async function clientCredentialsToken(issuer, { client = MACHINE, scope = 'mcp:tools', resource }) {
  const res = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers: {
      authorization: 'Basic ' + Buffer.from(`${client.id}:${client.secret}`).toString('base64'),
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope, resource }),
  });
  const body = await res.json();
  if (!res.ok) throw new Error(`token request failed: ${JSON.stringify(body)}`);
  recordSecret(body.access_token);
  return body.access_token;
}

/** A raw MCP initialize POST; resolves to the fetch Response. */
export function rawInitialize(url, headers = {}) {
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...headers,
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: {
        protocolVersion: '2025-11-25',
        capabilities: {},
        clientInfo: { name: 'raw', version: '1' },
      },
    }),
  });
}

/**
 * Follows an authorization URL through oidc-provider's dev login and consent pages like a
 * browser would (cookies, redirects, form posts) and returns the `code` sent to the
 * redirect URI.
 */
export async function loginAndConsent(authorizationUrl, login = 'alice') {
  return (await loginAndConsentResponse(authorizationUrl, login)).get('code');
}

/** As loginAndConsent, but the redirect's whole query (`code`, and `iss` per RFC 9207). */
export async function loginAndConsentResponse(authorizationUrl, login = 'alice') {
  const jar = new Map();
  const send = async (url, init = {}) => {
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...init.headers, cookie } });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair.indexOf('=');
      jar.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    return res;
  };
  let url = String(authorizationUrl);
  for (let step = 0; step < 20; ++step) {
    if (url.startsWith(APP.redirect)) {
      const u = new URL(url);
      if (u.searchParams.get('error')) throw new Error(`AS error: ${u.search}`);
      recordSecret(u.searchParams.get('code'));
      return u.searchParams;
    }
    const res = await send(url);
    if (res.status >= 300 && res.status < 400) {
      url = new URL(res.headers.get('location'), url).toString();
      continue;
    }
    const html = await res.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    if (!action) throw new Error(`no form at ${url}: ${res.status} ${html.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").slice(500, 1000)}`);
    const prompt = /name="prompt" value="([^"]+)"/.exec(html)[1];
    const form = prompt === 'login' ? { prompt, login, password: 'any' } : { prompt };
    const post = await send(new URL(action, url).toString(), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form),
    });
    url = new URL(post.headers.get('location'), url).toString();
  }
  throw new Error('too many steps in the login flow');
}

/** A user's access token for `resource` (authorization code + PKCE through the dev login). */
export async function userToken(issuer, resource, user, scope = 'openid mcp:tools') {
  const verifier = crypto.randomBytes(32).toString('base64url');
  const challenge = crypto.createHash('sha256').update(verifier).digest('base64url');
  const auth = new URL(`${issuer}/auth`);
  for (const [k, v] of Object.entries({
    response_type: 'code',
    client_id: APP.id,
    redirect_uri: APP.redirect,
    scope,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    resource,
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
      resource,
    }),
  });
  const body = await res.json();
  if (!res.ok) throw new Error(`token request failed: ${JSON.stringify(body)}`);
  recordSecret(body.access_token);
  return body.access_token;
}
