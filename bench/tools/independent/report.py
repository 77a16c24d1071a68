#!/usr/bin/env python3
"""The Markdown tables of bench/tools/independent.sh from its JSON lines: python3 report.py independent-<stamp>.jsonl"""
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
cases = list(dict.fromkeys(r["case"] for r in rows))
churn_cases = [c for c in cases if any("rate_sessions_s" in r for r in rows if r["case"] == c)]
message_cases = [c for c in cases if c not in churn_cases]
def ratios(case, client, key):
    out = []
    for rnd in sorted({r["round"] for r in rows}):
        got = {r["server"]: r for r in rows if r["case"] == case and r["client"] == client and r["round"] == rnd}
        if all(s in got and got[s]["valid"] and got[s].get(key) for s in ("lighttpd", "sluice")):
            out.append(got["sluice"][key] / got["lighttpd"][key])
    return out
def cell(v):
    return f"{statistics.median(v):.2f}× ({min(v):.2f}–{max(v):.2f})" if v else "—"
def values(case, client, key, server=None):
    return [r[key] for r in rows if r["case"] == case and r["client"] == client and r["valid"] and r.get(key)
            and server in (None, r["server"])]
def median(case, client, key, server=None, digits=1):
    v = values(case, client, key, server)
    return f"{statistics.median(v):,.{digits}f}" if v else "—"
print(f"Sluice / lighttpd, median of {max(r['round'] for r in rows)} interleaved rounds (range); {sys.argv[1]}\n")
if message_cases:
    print("| case | msg/s, LoadGen | msg/s, Node.js + ws | p50, LoadGen | p50, Node.js + ws "
          "| server CPU/msg, LoadGen | server CPU/msg, Node.js + ws | client CPU µs/msg, LoadGen / ws |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for c in message_cases:
        cols = [cell(ratios(c, k, key)) for key in ("rate_msgs_s", "p50_us", "server_cpu_us_per_msg")
                for k in ("loadgen", "ws")]
        print(f"| {c} | {' | '.join(cols)} | {median(c, 'loadgen', 'client_cpu_us_per_msg')}"
              f" / {median(c, 'ws', 'client_cpu_us_per_msg')} |")
    print()
if churn_cases:
    print("| case | sessions/s, LoadGen | sessions/s, Node.js + ws | 101 p50, LoadGen | 101 p50, Node.js + ws "
          "| server CPU/session, LoadGen | server CPU/session, Node.js + ws | client CPU µs/session, LoadGen / ws |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for c in churn_cases:
        cols = [cell(ratios(c, k, key)) for key in ("rate_sessions_s", "upgrade_p50_us", "server_cpu_us_per_session")
                for k in ("loadgen", "ws")]
        print(f"| {c} | {' | '.join(cols)} | {median(c, 'loadgen', 'client_cpu_us_per_session', digits=0)}"
              f" / {median(c, 'ws', 'client_cpu_us_per_session', digits=0)} |")
    # the absolute figures behind the ratios (the close latency of ws includes the TCP close, LoadGen's does not)
    print("\nMedians per server and client:\n")
    print("| case | server | client | sessions/s | 101 p50 / p99 µs | close p50 / p99 µs | server CPU µs/session "
          "| client CPU µs/session | TIME_WAIT after the run, server / client side (most) |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|")
    for c in churn_cases:
        for s in ("lighttpd", "sluice"):
            for k in ("loadgen", "ws"):
                tw = [r["time_wait"] for r in rows if r["case"] == c and r["client"] == k and r["server"] == s
                      and r.get("time_wait")]
                tws = f"{max(t['server'] for t in tw):,} / {max(t['client'] for t in tw):,}" if tw else "—"
                print(f"| {c} | {s} | {'Node.js + ws' if k == 'ws' else 'LoadGen'} "
                      f"| {median(c, k, 'rate_sessions_s', s, 0)} "
                      f"| {median(c, k, 'upgrade_p50_us', s, 0)} / {median(c, k, 'upgrade_p99_us', s, 0)} "
                      f"| {median(c, k, 'close_p50_us', s, 0)} / {median(c, k, 'close_p99_us', s, 0)} "
                      f"| {median(c, k, 'server_cpu_us_per_session', s, 0)} "
                      f"| {median(c, k, 'client_cpu_us_per_session', s, 0)} | {tws} |")
    print()
print("— : no round in which both servers' runs were valid and measured this column.")
