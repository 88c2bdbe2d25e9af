// Generates the benchmark's signing keys (ES256 P-256 and RS256 RSA-2048) with `jose`, their
// JWKS, and one access token per algorithm (RFC 9068 shape, typ at+jwt, 2 h lifetime), so
// Warden and the peer verify exactly the same tokens against exactly the same keys.
// Usage: node bench/http/keys.mjs DIR ISSUER AUDIENCE
import { writeFileSync } from 'node:fs';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT } from 'jose';

const [dir, issuer, audience] = process.argv.slice(2);
const keys = [];
const now = Math.floor(Date.now() / 1000);
for (const [alg, opts] of [['ES256', {}], ['RS256', { modulusLength: 2048 }]]) {
    const { publicKey, privateKey } = await generateKeyPair(alg, opts);
    const jwk = await exportJWK(publicKey);
    jwk.kid = await calculateJwkThumbprint(jwk);
    jwk.alg = alg;
    jwk.use = 'sig';
    keys.push(jwk);
    const token = await new SignJWT({ scope: 'mcp:tools', client_id: 'bench-client' })
        .setProtectedHeader({ alg, kid: jwk.kid, typ: 'at+jwt' })
        .setIssuer(issuer)
        .setAudience(audience)
        .setSubject('bench-user')
        .setIssuedAt(now)
        .setExpirationTime(now + 7200)
        .setJti(crypto.randomUUID())
        .sign(privateKey);
    writeFileSync(`${dir}/${alg.toLowerCase()}.jwt`, token);
}
writeFileSync(`${dir}/jwks.json`, JSON.stringify({ keys }));
