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
    inproc = bench.get(f"BM_OpenSslVerifyPrehashed/{alg}")
    ip = f"{inproc['items_per_second']:,.0f} | {ours / inproc['items_per_second']:.0%}" if inproc else " | "
    print(f"| {alg} | {ours:,.0f} | {name} | {theirs:,.0f} | {ratio} | {ip} |" if theirs
          else f"| {alg} | {ours:,.0f} | | | | {ip} |")
for n in ["BM_JwksParse", "BM_JwksFindKid", "BM_DecodeUnverified"]:
    if n in bench:
        print(f"| {n[3:]} | {bench[n]['items_per_second']:,.0f} /s | | | | | |")
PY
