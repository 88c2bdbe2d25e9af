// A real OAuth 2.1 authorization server for the end-to-end tests: oidc-provider on
// 127.0.0.1 with resource indicators (RFC 8707), so access tokens are JWTs (ES256) whose
// `aud` is the requested resource (opaque tokens for `opaque-client`), DPoP-bound when the
// token request carries a DPoP proof (RFC 9449); client_credentials;
// authorization code + PKCE with the dev login/consent pages; introspection.
//
//   node tests/e2e/as/oidc-as.mjs [--port N] [--kid KID] [--scopes "a b ..."]
// --scopes adds scopes the AS knows, grants for the MCP resource and lets the clients ask for.
// prints one JSON line {"issuer": "...", "port": N, "kid": "..."} when it listens.
import Provider, { errors } from 'oidc-provider';
import * as jose from 'jose';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    kid: { type: 'string' },
    scopes: { type: 'string', default: '' },
    // The redirect URI of Warden's sign-in client (tool-level auth's sign-in binding).
    'login-redirect': { type: 'string' },
  },
});

const { privateKey } = await jose.generateKeyPair('ES256', { extractable: true });
const jwk = await jose.exportJWK(privateKey);
jwk.kid = values.kid ?? `k-${Date.now()}`;
jwk.alg = 'ES256';
jwk.use = 'sig';

// The port must be known before the Provider (its issuer includes it).
import { createServer } from 'node:http';
const server = createServer();
await new Promise((resolve) => server.listen(Number(values.port), '127.0.0.1', resolve));
const port = server.address().port;
const EXTRA = values.scopes.split(' ').filter(Boolean);
const withExtra = (list) => [...list.split(' '), ...EXTRA].join(' ');
const issuer = `http://127.0.0.1:${port}`;

export const CLIENTS = {
  machine: { id: 'machine-client', secret: 'machine-secret-0123456789' },
  short: { id: 'short-lived-client', secret: 'short-secret-0123456789' },
  app: { id: 'mcp-app', redirect: 'http://127.0.0.1:1/callback' },
  opaque: { id: 'opaque-client', secret: 'opaque-secret-0123456789' },
  resourceServer: { id: 'warden-rs', secret: 'warden-rs-secret-0123456789' },
  login: { id: 'warden-login', secret: 'warden-login-secret-0123456789' },
};

const provider = new Provider(issuer, {
  clientDefaults: { id_token_signed_response_alg: 'ES256' },
  clients: [
    {
      client_id: CLIENTS.machine.id,
      client_secret: CLIENTS.machine.secret,
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      scope: withExtra('mcp:tools mcp:admin'),
    },
    {
      client_id: CLIENTS.short.id,
      client_secret: CLIENTS.short.secret,
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      scope: 'mcp:tools',
    },
    {
      client_id: CLIENTS.opaque.id,
      client_secret: CLIENTS.opaque.secret,
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      scope: 'mcp:tools',
    },
    {
      // The MCP server itself, for introspection (client_secret_basic).
      client_id: CLIENTS.resourceServer.id,
      client_secret: CLIENTS.resourceServer.secret,
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
    },
    {
      client_id: CLIENTS.app.id,
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code'],
      redirect_uris: [CLIENTS.app.redirect],
      response_types: ['code'],
      scope: withExtra('openid mcp:tools mcp:admin'),
    },
    ...(values['login-redirect']
      ? [
          {
            // Warden signing the browser in before a downstream authorization.
            client_id: CLIENTS.login.id,
            client_secret: CLIENTS.login.secret,
            grant_types: ['authorization_code'],
            redirect_uris: [values['login-redirect']],
            response_types: ['code'],
            scope: 'openid',
            token_endpoint_auth_method: 'client_secret_post',
          },
        ]
      : []),
  ],
  jwks: { keys: [jwk] },
  scopes: ['openid', 'mcp:tools', 'mcp:admin', ...EXTRA],
  findAccount: (_ctx, id) => ({ accountId: id, claims: () => ({ sub: id }) }),
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: true },
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    // RFC 9449: a token request with a DPoP proof gets a token bound to its key (cnf.jkt).
    dPoP: { enabled: true },
    resourceIndicators: {
      enabled: true,
      useGrantedResource: () => true,
      getResourceServerInfo: (_ctx, indicator, client) => {
        if (!indicator.startsWith('http://127.0.0.1:')) throw new errors.InvalidTarget();
        return {
          scope: withExtra('mcp:tools mcp:admin'),
          audience: indicator,
          accessTokenFormat: client.clientId === CLIENTS.opaque.id ? 'opaque' : 'jwt',
          accessTokenTTL: client.clientId === CLIENTS.short.id ? 1 : 600,
          jwt: { sign: { alg: 'ES256' } },
        };
      },
    },
  },
});
provider.on('server_error', (_ctx, err) => console.error('AS server_error', err));
server.on('request', provider.callback());
process.stdout.write(JSON.stringify({ issuer, port, kid: jwk.kid }) + '\n');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
