#!/usr/bin/env python3
"""Turns the rows bench.sh collected (results.tsv) into the markdown table (stdout) and the
gnuplot data file for the chart. Usage: report.py RESULTS_TSV CHART_DAT"""
import csv
import sys

rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))


def find(server, auth, conns, mode):
    for r in rows:
        if (r["server"], r["auth"], r["conns"], r["mode"]) == (server, auth, str(conns), mode):
            return r
    return None


WARDEN, PEER, NGINX = "stateless JSON", "stateless JSON (SDK)", "fixed reply"
# 2026-07-28 rows are compared with the SDK v2 peer serving that revision.
MODERN_PEER = "2026-07-28 (SDK v2)"


def ratio(a, b, key, invert=False):
    if not a or not b:
        return ""
    x, y = float(a[key]), float(b[key])
    if invert:
        x, y = y, x
    return f"{x / y:.1f}x" if y else ""


print("| server | mode | auth | conns | requests/s | p50 ms | p99 ms | errors | peak RSS MB | vs peer (req/s) | vs peer (p99, lower is better) | of nginx ceiling |")
print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for r in rows:
    # The peer runs one configuration; Warden's rows in other modes are compared with it too.
    peer_mode = MODERN_PEER if r["mode"].startswith("2026-07-28") else PEER
    peer = find("peer", r["auth"], r["conns"], peer_mode) if r["server"] == "warden" else None
    ceiling = ""
    nginx = find("nginx", "none", r["conns"], NGINX)
    if r["server"] == "warden" and nginx:
        ceiling = f"{float(r['rps']) / float(nginx['rps']):.0%}"
    print(f"| {r['server']} | {r['mode']} | {r['auth']} | {r['conns']} | {float(r['rps']):,.0f} | "
          f"{int(r['p50_us']) / 1000:.2f} | {int(r['p99_us']) / 1000:.2f} | {r['errors']} | "
          f"{int(r['hwm_kb']) / 1024:.1f} | {ratio(r, peer, 'rps')} | "
          f"{ratio(r, peer, 'p99_us', invert=True)} | {ceiling} |")

with open(sys.argv[2], "w") as out:
    out.write("# config warden_rps peer_rps warden_p99_ms peer_p99_ms\n")
    for auth in ["none", "ES256", "RS256"]:
        for conns in [1, 32]:
            w, p = find("warden", auth, conns, WARDEN), find("peer", auth, conns, PEER)
            if w and p:
                out.write(f'"{auth} c{conns}" {w["rps"]} {p["rps"]} '
                          f'{int(w["p99_us"]) / 1000} {int(p["p99_us"]) / 1000}\n')
