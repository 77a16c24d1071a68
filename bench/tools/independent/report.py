#!/usr/bin/env python3
"""The Markdown table of bench/tools/independent.sh from its JSON lines: python3 report.py independent-<stamp>.jsonl"""
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
cases = list(dict.fromkeys(r["case"] for r in rows))
def ratios(case, client, key):
    out = []
    for rnd in sorted({r["round"] for r in rows}):
        got = {r["server"]: r for r in rows if r["case"] == case and r["client"] == client and r["round"] == rnd}
        if all(s in got and got[s]["valid"] and got[s].get(key) for s in ("lighttpd", "sluice")):
            out.append(got["sluice"][key] / got["lighttpd"][key])
    return out
def cell(v):
    return f"{statistics.median(v):.2f}× ({min(v):.2f}–{max(v):.2f})" if v else "—"
print(f"Sluice / lighttpd, median of {max(r['round'] for r in rows)} interleaved rounds (range); {sys.argv[1]}\n")
def client_cpu(case, client):
    v = [r["client_cpu_us_per_msg"] for r in rows
         if r["case"] == case and r["client"] == client and r["valid"] and r.get("client_cpu_us_per_msg")]
    return f"{statistics.median(v):.1f}" if v else "—"
print("| case | msg/s, LoadGen | msg/s, Node.js + ws | p50, LoadGen | p50, Node.js + ws "
      "| server CPU/msg, LoadGen | server CPU/msg, Node.js + ws | client CPU µs/msg, LoadGen / ws |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
for c in cases:
    cols = [cell(ratios(c, k, key)) for key in ("rate_msgs_s", "p50_us", "server_cpu_us_per_msg")
            for k in ("loadgen", "ws")]
    print(f"| {c} | {' | '.join(cols)} | {client_cpu(c, 'loadgen')} / {client_cpu(c, 'ws')} |")
print("\n— : no round in which both servers' runs were valid and measured this column.")
