// CLI test: runs `warden jwt verify|decode` on the vectors and checks exit codes (0/1/2)
// and output. Usage: node cli_test.mjs path/to/warden
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const warden = process.argv[2];
const here = path.dirname(new URL(import.meta.url).pathname);
const v = JSON.parse(fs.readFileSync(path.join(here, 'vectors.json'), 'utf8'));
const jwks = path.join(here, 'jwks.json');
let failures = 0;
const check = (cond, what) => { if (!cond) { failures++; console.error(`FAIL: ${what}`); } };
const run = (args, input) => spawnSync(warden, args, { input, encoding: 'utf8' });
const base = ['jwt', 'verify', '--jwks', jwks, '--issuer', v.issuer, '--audience', v.audience, '--now', String(v.now)];

for (const t of v.tokens) {
  const args = [...base];
  if (t.options.leeway !== undefined) args.push('--leeway', String(t.options.leeway));
  if (t.options.required_typ) args.push('--require-typ', t.options.required_typ);
  if (t.options.algorithms) args.push('--algorithms', t.options.algorithms.join(','));
  const r = run([...args, '--', t.token]);
  if (t.expect === 'ok') {
    check(r.status === 0, `${t.name}: exit ${r.status}, want 0 (${r.stderr.trim()})`);
    if (r.status === 0) check(JSON.parse(r.stdout).sub !== undefined, `${t.name}: no sub in output`);
  } else {
    check(r.status === 1, `${t.name}: exit ${r.status}, want 1`);
    const lines = r.stderr.trim().split('\n');
    check(lines.at(-1).startsWith('warden: token rejected: '), `${t.name}: stderr ${r.stderr}`);
    check(r.stdout === '', `${t.name}: printed claims of a rejected token`);
    check(!r.stderr.includes(t.token.slice(0, 20)) || t.token.length < 20, `${t.name}: token echoed`);
  }
}

const good = v.tokens.find((t) => t.name === 'valid ES256').token;
let r = run([...base, '-'], `${good}\n`);
check(r.status === 0, `stdin token: exit ${r.status}`);
r = run(['jwt', 'verify', '--jwks', jwks, '--now', String(v.now), good]);
check(r.status === 0 && r.stderr.includes('warning'), `no --audience: exit ${r.status}, warning expected`);
r = run(['jwt', 'verify', '--jwks', jwks, '--now', String(v.now), v.tokens.find((t) => t.name === 'missing audience').token]);
check(r.status === 1, `no --audience and no aud: exit ${r.status}`);
r = run(['jwt', 'verify', '--jwks', jwks, '--now', String(v.now + 7200), good]);
check(r.status === 1 && r.stderr.includes('expired'), `expired without --now override: ${r.stderr}`);
r = run(['jwt', 'decode', good]);
check(r.status === 0 && JSON.parse(r.stdout).verified === false && r.stderr.includes('NOT VERIFIED'), 'decode');
r = run(['jwt', 'decode', 'a.b']);
check(r.status === 1, `decode garbage: exit ${r.status}`);
for (const bad of [[], ['jwt'], ['jwt', 'verify', good], ['jwt', 'verify', '--jwks', jwks],
  ['jwt', 'verify', '--jwks', jwks, '--algorithms', 'HS256', good],
  ['jwt', 'verify', '--jwks', jwks, '--algorithms', 'none', good],
  ['jwt', 'verify', '--jwks', jwks, '--leeway', 'x', good],
  ['jwt', 'verify', '--jwks', '/nonexistent/jwks.json', good], ['jwt', 'frobnicate']]) {
  r = run(bad);
  check(r.status === 2, `usage ${JSON.stringify(bad)}: exit ${r.status}, want 2`);
}
r = run(['jwt', 'verify', '--jwks', 'http://example.com/jwks.json', '--audience', v.audience, good]);
check(r.status === 1 && r.stderr.includes('https'), `plain http JWKS URL refused: ${r.stderr}`);

console.log(`${v.tokens.length} vectors, ${failures} failures`);
process.exit(failures ? 1 : 0);
