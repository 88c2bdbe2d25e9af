// A tiny scriptable JWKS endpoint for the fault tests: it signs tokens with keys it
// publishes, and can be switched to fail in the ways a real AS fails (down, slow, 500,
// garbage, a set without the needed key). It counts the fetches it receives.
import http from 'node:http';
import * as jose from 'jose';

import { recordSecret } from '../helpers.mjs';

export async function makeKey(kid) {
  const { privateKey, publicKey } = await jose.generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await jose.exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  return { kid, privateKey, jwk };
}

/**
 * Starts the JWKS server on 127.0.0.1. Returns { issuer, jwksUri, fetches, mode, published,
 * setMode(m), publish(keys), down(), up(), sign(key, claims), close() }.
 * Modes: 'ok', 'slow' (answers after `slowMs`), '500', 'garbage' (200 application/json, not
 * a JWK set), 'html' (200 text/html). down() stops listening (connection refused); up()
 * listens again on the same port.
 */
export async function startJwksServer({ slowMs = 7000 } = {}) {
  const state = { fetches: 0, mode: 'ok', published: [], slowMs };
  const sockets = new Set();
  const timers = new Set();
  const handler = (req, res) => {
    state.fetches += 1;
    const send = (status, type, body) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'max-age=3600' });
      res.end(body);
    };
    const keys = JSON.stringify({ keys: state.published.map((k) => k.jwk) });
    switch (state.mode) {
      case 'slow': {
        const t = setTimeout(() => {
          timers.delete(t);
          if (!res.destroyed) send(200, 'application/json', keys);
        }, state.slowMs);
        timers.add(t);
        return;
      }
      case '500':
        return send(500, 'application/json', '{"error":"server_error"}');
      case 'garbage':
        return send(200, 'application/json', '{"keys": "not-an-array", "\u0000": [');
      case 'html':
        return send(200, 'text/html', '<html>maintenance</html>');
      default:
        return send(200, 'application/json', keys);
    }
  };
  let server;
  const listen = async (port) => {
    server = http.createServer(handler);
    server.on('connection', (s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
    return server.address().port;
  };
  const port = await listen(0);
  const issuer = `http://127.0.0.1:${port}`;
  const closeServer = async () => {
    for (const t of timers) clearTimeout(t);
    timers.clear();
    const closed = new Promise((resolve) => server.close(resolve));
    for (const s of sockets) s.destroy();
    await closed;
  };
  return {
    issuer,
    jwksUri: `${issuer}/jwks`,
    get fetches() {
      return state.fetches;
    },
    setMode(m) {
      state.mode = m;
    },
    publish(keys) {
      state.published = keys;
    },
    down: closeServer,
    up: () => listen(port),
    close: closeServer,
    /** A fresh ES256 access token for `aud`, signed by `key`, valid 5 minutes. */
    async sign(key, { aud, sub = 'alice', scope = 'mcp:tools', exp = '5m' } = {}) {
      const token = await new jose.SignJWT({ scope, client_id: 'fault-client', jti: Math.random().toString(36).slice(2) })
        .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'at+jwt' })
        .setIssuer(issuer)
        .setSubject(sub)
        .setAudience(aud)
        .setIssuedAt()
        .setExpirationTime(exp)
        .sign(key.privateKey);
      recordSecret(token);
      return token;
    },
  };
}
