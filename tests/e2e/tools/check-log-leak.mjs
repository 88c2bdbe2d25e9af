// Checks captured server logs for credentials: every value in SECRETS_FILE (one per line,
// recorded by the e2e tests), the fixed client and tool secrets of the tests, and anything
// shaped like a JWS. Also checks that debug logging was on (a debug line was seen).
//   node tests/e2e/tools/check-log-leak.mjs LOG_DIR SECRETS_FILE
import fs from 'node:fs';
import path from 'node:path';

import { MACHINE, OPAQUE, RESOURCE_SERVER, SHORT } from '../auth-helpers.mjs';

const [logDir, secretsFile] = process.argv.slice(2);
const fixed = [
  MACHINE.secret,
  SHORT.secret,
  OPAQUE.secret,
  RESOURCE_SERVER.secret,
  'e2e-client-secret-value', // toolauth-basic: the GitHub client secret
  'weather-secret-value', // toolauth-basic: a tool secret
];
const recorded = fs.readFileSync(secretsFile, 'utf8').split('\n').filter((s) => s.length >= 8);
const secrets = [...new Set([...fixed, ...recorded])];
// A JWS: base64url of '{"' twice, dot-separated (header and payload of any JWT).
const jws = /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}/;

const files = fs.readdirSync(logDir).map((f) => path.join(logDir, f));
let bytes = 0;
let debugLines = 0;
const leaks = [];
for (const file of files) {
  const text = fs.readFileSync(file, 'utf8');
  bytes += text.length;
  debugLines += (text.match(/\[debug\]/g) ?? []).length;
  for (const s of secrets) if (text.includes(s)) leaks.push(`${path.basename(file)}: a recorded credential (${s.slice(0, 6)}...)`);
  const m = text.match(jws);
  if (m) leaks.push(`${path.basename(file)}: a JWT-shaped string (${m[0].slice(0, 12)}...)`);
}
console.log(`log-leak: ${files.length} server logs, ${bytes} bytes, ${debugLines} debug lines, ` +
  `${secrets.length} credentials checked (${recorded.length} recorded by the tests)`);
if (files.length === 0 || debugLines === 0 || recorded.length === 0) {
  console.log('log-leak: nothing to check: were the logs captured at debug level?');
  process.exit(1);
}
if (leaks.length) {
  for (const l of leaks) console.log(`LEAK ${l}`);
  process.exit(1);
}
console.log('log-leak: no credential in any server log');
