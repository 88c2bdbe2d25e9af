#!/usr/bin/env bash
# Runs the micro benchmarks and compares token verification with `openssl speed` on this
# machine. Usage: scripts/bench-micro.sh [BUILD_DIR]   (default: build, preset "default")
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
if [[ ! -x $build/bin/bench_micro ]]; then
    cmake --preset default >/dev/null
    cmake --build "$build" -j2 --target bench_micro
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$build/bin/bench_micro" --benchmark_min_time=2 --benchmark_repetitions=1 \
    --benchmark_format=json --benchmark_out="$tmp/bench.json" --benchmark_out_format=json \
    --benchmark_format=console
openssl speed -seconds 2 rsa2048 ecdsap256 ecdsap384 ed25519 >"$tmp/speed.txt" 2>/dev/null
echo "openssl: $(openssl version); load average: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$tmp/bench.json" "$tmp/speed.txt" <<'PY'
import json, re, sys
bench = {b["name"]: b for b in json.load(open(sys.argv[1]))["benchmarks"]}
speed = open(sys.argv[2]).read()
def last_col(pattern):
    m = re.search(pattern + r".*?(\d+(?:\.\d+)?)\s*$", speed, re.M)
    return float(m.group(1)) if m else None
ref = {
    "RS256": ("rsa2048 verify", last_col(r"^rsa\s+2048 bits")),
    "ES256": ("ecdsap256 verify", last_col(r"256 bits ecdsa \(nistp256\)")),
    "ES384": ("ecdsap384 verify", last_col(r"384 bits ecdsa \(nistp384\)")),
    "EdDSA": ("ed25519 verify", last_col(r"EdDSA \(Ed25519\)")),
}
print()
print("| algorithm | warden verify/s (full token) | openssl speed | openssl verify/s | ratio | in-process EVP_PKEY_verify/s | ratio |")
print("|---|---:|---|---:|---:|---:|---:|")
for alg in ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"]:
    b = bench.get(f"BM_Verify/{alg}")
    if not b:
        continue
    ours = b["items_per_second"]
    name, theirs = ref.get(alg, ("", None))
    ratio = f"{ours / theirs:.0%}" if theirs else ""
    inproc = bench.get("BM_OpenSslVerifyEd25519" if alg == "EdDSA" else f"BM_OpenSslVerifyPrehashed/{alg}")
    ip = f"{inproc['items_per_second']:,.0f} | {ours / inproc['items_per_second']:.0%}" if inproc else " | "
    print(f"| {alg} | {ours:,.0f} | {name} | {theirs:,.0f} | {ratio} | {ip} |" if theirs
          else f"| {alg} | {ours:,.0f} | | | | {ip} |")
print()
print("| benchmark | what | time per op | ops/s |")
print("|---|---|---:|---:|")
what = {
    "BM_TokenCacheHit": "verified-token cache hit (a client reusing its token: the thread hashed it last, no SHA-256)",
    "BM_TokenCacheHitInterleaved": "verified-token cache hit, two clients taking turns on one thread (SHA-256 each time)",
    "BM_HashToken": "SHA-256 of the token (the cache key)",
    "BM_ValidateWithoutTokenCache": "full validation, ES256, token cache off (key set cached)",
    "BM_JwksParse": "parse a 15-key JWKS",
    "BM_JwksFindKid": "JWKS lookup by kid",
    "BM_DecodeUnverified": "split + base64url + JSON of a token, no signature",
    "BM_FormatChallenge": "WWW-Authenticate challenge (auth::format_challenge)",
    "BM_JsonParseToolsCall": "JSON parse of a tools/call body",
    "BM_TypedArgs": "typed argument conversion (schema::read into the echo struct)",
    "BM_SchemaCheck": "raw schema checker (check_against_schema) on the same arguments",
    "BM_SessionToolsCall/0": "tools/call text -> Session -> worker pool -> serialized response",
    "BM_SessionToolsCall/1": "the same with a non_blocking tool (runs on the calling thread)",
}
for n, w in what.items():
    b = bench.get(n) or bench.get(n + "/real_time")
    if not b:
        continue
    ns = 1e9 / b["items_per_second"]
    t = f"{ns / 1000:.2f} us" if ns >= 1000 else f"{ns:.0f} ns"
    print(f"| {n[3:]} | {w} | {t} | {b['items_per_second']:,.0f} |")
PY
