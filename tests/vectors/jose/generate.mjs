// Generates tests/vectors/jose/{vectors,jwks}.json with the npm `jose` package (and
// node:crypto for deliberately malformed tokens), an implementation independent of Warden.
// Run: node_modules/.bin/node tests/vectors/jose/generate.mjs
// Keys are random on each run; the output is committed. All times are relative to `now`,
// which the tests pass to the verifier, so the vectors never go stale.
import * as jose from 'jose';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const here = path.dirname(new URL(import.meta.url).pathname);
const now = 1700000000;
const ISS = 'https://as.example.com';
const AUD = 'https://mcp.example.com/mcp';
const b64 = (x) => Buffer.from(x).toString('base64url');
const enc = (o) => b64(JSON.stringify(o));

const algs = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
const kidFor = { RS: 'rsa-2048', PS: 'rsa-2048', ES256: 'ec-p256', ES384: 'ec-p384', ES512: 'ec-p521', EdDSA: 'ed25519' };
const kidOf = (alg) => kidFor[alg] ?? kidFor[alg.slice(0, 2)];

function nodeKeyPair(type, opts) {
  return crypto.generateKeyPairSync(type, opts);
}
const pairs = {
  'rsa-2048': nodeKeyPair('rsa', { modulusLength: 2048 }),
  'ec-p256': nodeKeyPair('ec', { namedCurve: 'P-256' }),
  'ec-p384': nodeKeyPair('ec', { namedCurve: 'P-384' }),
  'ec-p521': nodeKeyPair('ec', { namedCurve: 'P-521' }),
  'ed25519': nodeKeyPair('ed25519'),
  'rsa-rs256-only': nodeKeyPair('rsa', { modulusLength: 2048 }),
  'rsa-3072': nodeKeyPair('rsa', { modulusLength: 3072 }),
  'rsa-1024': nodeKeyPair('rsa', { modulusLength: 1024 }),
  'rsa-enc': nodeKeyPair('rsa', { modulusLength: 2048 }),
  'attacker': nodeKeyPair('rsa', { modulusLength: 2048 }),
};
const pub = (kid, extra = {}) => ({ ...pairs[kid].publicKey.export({ format: 'jwk' }), kid, ...extra });

const ecBad = pub('ec-p256');
const yBytes = Buffer.from(ecBad.y, 'base64url');
yBytes[yBytes.length - 1] ^= 1;
ecBad.y = b64(yBytes);
const jwks = {
  keys: [
    pub('rsa-2048', { use: 'sig' }),
    pub('ec-p256', { alg: 'ES256' }),
    pub('ec-p384', { key_ops: ['verify'] }),
    pub('ec-p521'),
    pub('ed25519', { use: 'sig' }),
    pub('rsa-rs256-only', { alg: 'RS256' }),
    pub('rsa-3072'),
    pub('rsa-1024'),
    pub('rsa-enc', { use: 'enc' }),
    { ...pub('rsa-enc'), kid: 'rsa-keyops-encrypt', key_ops: ['encrypt'] },
    { kty: 'oct', kid: 'hmac', k: b64('secret') },
    { kty: 'OKP', kid: 'x25519', crv: 'X25519', x: b64(crypto.randomBytes(32)) },
    { ...ecBad, kid: 'ec-off-curve' },
    { ...pub('ec-p256'), kid: 'ec-alg-rs256', alg: 'RS256' },
    { kty: 'RSA', kid: 'rsa-no-n', e: 'AQAB' },
    'not-an-object',
  ],
};
const expectedSkipped = [
  { index: 7, kid: 'rsa-1024', reason: 'weak_key' },
  { index: 8, kid: 'rsa-enc', reason: 'key_not_for_verify' },
  { index: 9, kid: 'rsa-keyops-encrypt', reason: 'key_not_for_verify' },
  { index: 10, kid: 'hmac', reason: 'unsupported_key' },
  { index: 11, kid: 'x25519', reason: 'unsupported_key' },
  { index: 12, kid: 'ec-off-curve', reason: 'bad_jwk' },
  { index: 13, kid: 'ec-alg-rs256', reason: 'bad_jwk' },
  { index: 14, kid: 'rsa-no-n', reason: 'bad_jwk' },
  { index: 15, kid: '', reason: 'bad_jwk' },
];

const baseClaims = () => ({ iss: ISS, aud: AUD, sub: 'user-123', iat: now - 60, exp: now + 3600, scope: 'read write' });

// Signs arbitrary segments with node:crypto (for tokens jose refuses to build).
function rawSign(alg, kid, signingInput, { der = false } = {}) {
  const key = pairs[kid].privateKey;
  const hash = alg === 'EdDSA' ? null : `sha${alg.slice(2)}`;
  const data = Buffer.from(signingInput);
  if (alg.startsWith('PS')) {
    return crypto.sign(hash, data, { key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: crypto.constants.RSA_PSS_SALTLEN_DIGEST });
  }
  if (alg.startsWith('ES')) return crypto.sign(hash, data, { key, dsaEncoding: der ? 'der' : 'ieee-p1363' });
  return crypto.sign(hash, data, key);
}
function raw(alg, kid, headerSeg, payloadSeg, opts) {
  const input = `${headerSeg}.${payloadSeg}`;
  return `${input}.${b64(rawSign(alg, kid, input, opts))}`;
}
const rawJwt = (header, claims, signKid = header.kid) => raw(header.alg, signKid, enc(header), enc(claims));

async function jwt(alg, claims = baseClaims(), header = {}) {
  const kid = kidOf(alg);
  const key = pairs[kid].privateKey;
  return new jose.SignJWT(claims).setProtectedHeader({ alg, kid, ...header }).sign(key);
}

const tokens = [];
const add = (name, token, expect, options = {}, extra = {}) => tokens.push({ name, token, expect, options, ...extra });

for (const alg of algs) {
  add(`valid ${alg}`, await jwt(alg), 'ok', {}, { sub: 'user-123' });
  add(`valid ${alg} without kid`, await new jose.SignJWT(baseClaims()).setProtectedHeader({ alg }).sign(pairs[kidOf(alg)].privateKey), 'ok');
}
add('valid RS256 with 3072-bit key', rawJwt({ alg: 'RS256', kid: 'rsa-3072' }, baseClaims()), 'ok');
add('valid RS256 with key alg RS256', rawJwt({ alg: 'RS256', kid: 'rsa-rs256-only' }, baseClaims()), 'ok');
add('scopes and client_id', await jwt('ES256', { ...baseClaims(), scope: 'a b', scp: ['c', 'd'], client_id: 'cli-1', aud: ['other', AUD] }), 'ok', {},
  { scopes: ['a', 'b', 'c', 'd'], client_id: 'cli-1' });
add('azp as client id', await jwt('ES256', { ...baseClaims(), scope: undefined, azp: 'azp-1' }), 'ok', {}, { scopes: [], client_id: 'azp-1' });

// Signature and structure.
const good = await jwt('RS256');
const [gh, gp, gs] = good.split('.');
add('tampered payload', `${gh}.${enc({ ...baseClaims(), sub: 'admin' })}.${gs}`, 'bad_signature');
add('wrong key under the same kid', rawJwt({ alg: 'RS256', kid: 'rsa-2048' }, baseClaims(), 'attacker'), 'bad_signature');
add('unknown kid', rawJwt({ alg: 'RS256', kid: 'nope' }, baseClaims(), 'rsa-2048'), 'unknown_key');
add('alg none', `${enc({ alg: 'none' })}.${enc(baseClaims())}.`, 'alg_not_allowed');
add('alg none with kid and signature', `${enc({ alg: 'none', kid: 'rsa-2048' })}.${enc(baseClaims())}.${gs}`, 'alg_not_allowed');
const pem = pairs['rsa-2048'].publicKey.export({ format: 'pem', type: 'spki' });
const hsInput = `${enc({ alg: 'HS256', kid: 'rsa-2048' })}.${enc(baseClaims())}`;
add('HS256 signed with the RSA public key', `${hsInput}.${b64(crypto.createHmac('sha256', pem).update(hsInput).digest())}`, 'alg_not_allowed');
add('ES256 DER signature', raw('ES256', 'ec-p256', enc({ alg: 'ES256', kid: 'ec-p256' }), enc(baseClaims()), { der: true }), 'bad_signature');
const esTok = await jwt('ES256');
const [eh, ep, es] = esTok.split('.');
const esSig = Buffer.from(es, 'base64url');
add('ES256 zero r and s', `${eh}.${ep}.${b64(Buffer.alloc(64))}`, 'bad_signature');
add('ES256 zero r', `${eh}.${ep}.${b64(Buffer.concat([Buffer.alloc(32), esSig.subarray(32)]))}`, 'bad_signature');
add('ES256 zero s', `${eh}.${ep}.${b64(Buffer.concat([esSig.subarray(0, 32), Buffer.alloc(32)]))}`, 'bad_signature');
add('truncated signature', `${gh}.${gp}.${b64(Buffer.from(gs, 'base64url').subarray(0, 200))}`, 'bad_signature');
add('truncated signature with stray bits', `${gh}.${gp}.${gs.slice(0, -5)}`, 'bad_base64');
add('empty signature', `${gh}.${gp}.`, 'bad_signature');
add('padding in signature', `${gh}.${gp}.${gs}==`.replace(/(.)==$/, '$1='), 'bad_base64');
add('padding in header', raw('RS256', 'rsa-2048', `${enc({ alg: 'RS256', kid: 'rsa-2048', x: 1 })}=`, enc(baseClaims())), 'bad_base64');
add('padding in payload', raw('RS256', 'rsa-2048', enc({ alg: 'RS256', kid: 'rsa-2048' }), `${enc(baseClaims())}=`), 'bad_base64');
add('standard base64 characters', raw('RS256', 'rsa-2048', enc({ alg: 'RS256', kid: 'rsa-2048' }), Buffer.from(JSON.stringify({ ...baseClaims(), x: '>>>???' })).toString('base64').replace(/=+$/, '')), 'bad_base64');
add('bad character in header', `*${gh}.${gp}.${gs}`, 'bad_base64');
add('two segments', `${gh}.${gp}`, 'malformed');
add('four segments', `${gh}.${gp}.${gs}.${gs}`, 'malformed');
add('one segment', gh, 'malformed');
add('empty header', `.${gp}.${gs}`, 'malformed');
add('empty token', '', 'malformed');
add('non-JSON header', raw('RS256', 'rsa-2048', b64('{"alg":"RS256",'), enc(baseClaims())), 'bad_header');
add('array header', raw('RS256', 'rsa-2048', enc(['RS256']), enc(baseClaims())), 'bad_header');
add('numeric alg', raw('RS256', 'rsa-2048', enc({ alg: 256, kid: 'rsa-2048' }), enc(baseClaims())), 'bad_header');
add('numeric kid', raw('RS256', 'rsa-2048', enc({ alg: 'RS256', kid: 7 }), enc(baseClaims())), 'bad_header');
add('non-JSON payload', raw('RS256', 'rsa-2048', enc({ alg: 'RS256', kid: 'rsa-2048' }), b64('sub=user-123')), 'bad_payload');
add('string payload', raw('RS256', 'rsa-2048', enc({ alg: 'RS256', kid: 'rsa-2048' }), enc('user-123')), 'bad_payload');
add('crit header', rawJwt({ alg: 'RS256', kid: 'rsa-2048', crit: ['exp'], exp: now + 10 }, baseClaims()), 'crit_unsupported');
const attackerJwk = pub('attacker');
add('jwk header with attacker key', rawJwt({ alg: 'RS256', jwk: attackerJwk }, baseClaims(), 'attacker'), 'bad_signature');
add('jwk header with attacker kid', rawJwt({ alg: 'RS256', kid: 'attacker', jwk: attackerJwk }, baseClaims(), 'attacker'), 'unknown_key');
add('jku header with legit kid', rawJwt({ alg: 'RS256', kid: 'rsa-2048', jku: 'https://attacker.example/jwks.json' }, baseClaims(), 'attacker'), 'bad_signature');
add('x5u header', rawJwt({ alg: 'RS256', kid: 'rsa-2048', x5u: 'https://attacker.example/cert.pem' }, baseClaims(), 'attacker'), 'bad_signature');
add('key with use enc', rawJwt({ alg: 'RS256', kid: 'rsa-enc' }, baseClaims()), 'unknown_key');
add('RSA-1024 key', rawJwt({ alg: 'RS256', kid: 'rsa-1024' }, baseClaims()), 'unknown_key');
add('key alg mismatch', rawJwt({ alg: 'PS256', kid: 'rsa-rs256-only' }, baseClaims()), 'alg_key_mismatch');
add('ES256 header on RSA kid', rawJwt({ alg: 'ES256', kid: 'rsa-2048' }, baseClaims(), 'ec-p256'), 'alg_key_mismatch');
add('ES384 signed by P-256 key', rawJwt({ alg: 'ES384', kid: 'ec-p256' }, baseClaims(), 'ec-p256'), 'alg_key_mismatch');
add('algorithm not on allow-list', await jwt('ES256'), 'alg_not_allowed', { algorithms: ['RS256', 'PS256'] });
add('algorithm on allow-list', await jwt('PS256'), 'ok', { algorithms: ['RS256', 'PS256'] });
const big = { ...baseClaims(), pad: 'x'.repeat(16 * 1024) };
add('oversize token', await jwt('ES256', big), 'token_too_large');

// typ (RFC 9068).
add('typ at+jwt required', await jwt('ES256', baseClaims(), { typ: 'at+jwt' }), 'ok', { required_typ: 'at+jwt' });
add('typ application/at+jwt', await jwt('ES256', baseClaims(), { typ: 'application/at+jwt' }), 'ok', { required_typ: 'at+jwt' });
add('typ upper case', await jwt('ES256', baseClaims(), { typ: 'AT+JWT' }), 'ok', { required_typ: 'at+jwt' });
add('typ JWT when at+jwt required', await jwt('ES256', baseClaims(), { typ: 'JWT' }), 'typ_mismatch', { required_typ: 'at+jwt' });
add('typ missing when required', await jwt('ES256'), 'typ_mismatch', { required_typ: 'at+jwt' });
add('typ JWT not required', await jwt('ES256', baseClaims(), { typ: 'JWT' }), 'ok');

// Times, with and without leeway.
const at = (claims) => jwt('ES256', { ...baseClaims(), ...claims });
add('expired', await at({ exp: now - 1 }), 'expired');
add('expires now', await at({ exp: now }), 'expired');
add('expires in 1 s', await at({ exp: now + 1 }), 'ok');
add('fractional exp in the future', await at({ exp: now + 0.5 }), 'ok');
add('fractional exp in the past', await at({ exp: now - 0.5 }), 'expired');
add('expired beyond leeway', await at({ exp: now - 61 }), 'expired', { leeway: 60 });
add('expired at leeway', await at({ exp: now - 60 }), 'expired', { leeway: 60 });
add('expired within leeway', await at({ exp: now - 59 }), 'ok', { leeway: 60 });
add('missing exp', await at({ exp: undefined }), 'expired');
add('string exp', await at({ exp: String(now + 3600) }), 'bad_claim_type');
add('nbf in the future', await at({ nbf: now + 1 }), 'not_yet_valid');
add('nbf now', await at({ nbf: now }), 'ok');
add('nbf beyond leeway', await at({ nbf: now + 61 }), 'not_yet_valid', { leeway: 60 });
add('nbf within leeway', await at({ nbf: now + 59 }), 'ok', { leeway: 60 });
add('string nbf', await at({ nbf: 'yesterday' }), 'bad_claim_type');
add('iat in the future', await at({ iat: now + 1 }), 'issued_in_future');
add('iat beyond leeway', await at({ iat: now + 61 }), 'issued_in_future', { leeway: 60 });
add('iat within leeway', await at({ iat: now + 59 }), 'ok', { leeway: 60 });
add('boolean iat', await at({ iat: true }), 'bad_claim_type');

// Issuer, audience, subject.
add('wrong issuer', await at({ iss: 'https://evil.example.com' }), 'issuer_mismatch');
add('missing issuer', await at({ iss: undefined }), 'issuer_mismatch');
add('issuer with trailing slash', await at({ iss: `${ISS}/` }), 'issuer_mismatch');
add('numeric issuer', await at({ iss: 42 }), 'bad_claim_type');
add('wrong audience', await at({ aud: 'https://other.example.com/mcp' }), 'audience_mismatch');
add('audience differs in scheme', await at({ aud: AUD.replace('https', 'http') }), 'audience_mismatch');
add('audience array with ours', await at({ aud: ['x', AUD] }), 'ok');
add('audience array without ours', await at({ aud: ['x', 'y'] }), 'audience_mismatch');
add('empty audience array', await at({ aud: [] }), 'audience_mismatch');
add('missing audience', await at({ aud: undefined }), 'audience_mismatch');
add('numeric audience', await at({ aud: [AUD, 1] }), 'bad_claim_type');
add('missing subject', await at({ sub: undefined }), 'missing_subject');
add('empty subject', await at({ sub: '' }), 'missing_subject');
add('numeric subject', await at({ sub: 123 }), 'bad_claim_type');
add('numeric scope', await at({ scope: 1 }), 'bad_claim_type');

const vectors = { generator: 'npm jose 6.2.18 + node:crypto', now, issuer: ISS, audience: AUD, jwks, expected_skipped: expectedSkipped, tokens };
fs.writeFileSync(path.join(here, 'vectors.json'), `${JSON.stringify(vectors, null, 1)}\n`);
fs.writeFileSync(path.join(here, 'jwks.json'), `${JSON.stringify(jwks, null, 1)}\n`);
console.log(`${tokens.length} tokens`);
