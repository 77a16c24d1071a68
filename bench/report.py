#!/usr/bin/env python3
"""Turns one run's JSON lines (bench/run.sh) into a Markdown report and a gnuplot PNG chart beside it.

usage: report.py results-STAMP.jsonl   -> results-STAMP.md, results-STAMP.png (ratios of msg/s to lighttpd)
"""
import json
import shutil
import subprocess
import sys
from pathlib import Path

SERVERS = ["raw", "lighttpd", "sluice", "sluice-perconn", "websocketd", "websockify"]
CASES = {
    "pp-1x64": "ping-pong 1 × 64 B",
    "pp-64x64": "ping-pong 64 × 64 B",
    "pp-64x4k": "ping-pong 64 × 4 KiB",
    "st-16x64k": "stream 16 × 64 KiB",
}
NOTES = {
    "raw": "raw TCP to the C echo (no WebSocket): the load generator's ceiling, not a peer",
    "lighttpd": "mod_wstunnel, bin-path = echo --fd0, min/max-procs 1 (one spawned worker), frame-type binary",
    "sluice": "static unix-socket backend (echo --unix started by the script, not spawned by Sluice yet)",
    "sluice-perconn": "instances: per-connection, one echo --stdio process per session (websocketd's model); "
                      "churn and idle only",
    "websocketd": "--binary, one echo --stdio process per connection",
    "websockify": "in front of echo --tcp; forks one Python process per connection",
}
# Sluice targets as ratios to lighttpd (issue): case -> (metric, bound, higher_is_better)
TARGETS = [
    ("pp-1x64", "rate_msgs_s", 1.0, True), ("pp-1x64", "p50_us", 1.1, False),
    ("pp-64x64", "rate_msgs_s", 1.5, True), ("pp-64x4k", "rate_msgs_s", 2.0, True),
    ("st-16x64k", "rate_msgs_s", 3.0, True),
]


def fmt(value, digits=0):
    if value is None:
        return "—"
    if isinstance(value, float) and digits == 0 and abs(value) < 10:
        digits = 1
    return f"{value:,.{digits}f}"


def ratio(value, base):
    if value is None or not base:
        return None
    return value / base


def fmt_ratio(r):
    return "—" if r is None else f"{r:.2f}×"


def rounds_note(meta):
    n = meta.get("rounds") or 1
    if n == 1:
        return ""
    return (f" {n} rounds (every server restarted and warmed up each round; rounds 2.. repeat lighttpd and Sluice"
            f" only); each closed-loop row is the round with the median msg/s, its range in the result column.")


def representative(rounds):
    """The run a case is reported by: an invalid one if any (a run with errors is not a result), else the median by
    msg/s (the lower middle for an even count); it carries how many rounds there were and their msg/s range."""
    bad = [r for r in rounds if not r.get("valid")]
    if bad:
        return bad[0]
    key = "rate_sessions_s" if any("rate_sessions_s" in r for r in rounds) else "rate_msgs_s"
    ordered = sorted(rounds, key=lambda r: r.get(key) or 0)
    chosen = dict(ordered[(len(ordered) - 1) // 2])
    rates = [r[key] for r in ordered if r.get(key) is not None]
    chosen["rounds"] = len(rounds)
    chosen["rate_range"] = (rates[0], rates[-1]) if rates else None
    return chosen


def main(path):
    jsonl = Path(path)
    lines = [json.loads(l) for l in jsonl.read_text().splitlines() if l.strip()]
    meta = next((l for l in lines if l.get("meta")), {})
    skipped = {l["server"]: l["skipped"] for l in lines if "skipped" in l}
    grouped = {}
    for l in lines:
        if "case" in l:
            grouped.setdefault((l["server"], l["case"]), []).append(l)
    runs = {k: representative(v) for k, v in grouped.items()}
    valid = {k: r for k, r in runs.items() if r.get("valid")}
    if meta.get("sluice_spawn"):
        NOTES["sluice"] = "wstunnel binary, bin-path = echo --fd0, min/max-procs 1: spawned like lighttpd's"
    servers = [s for s in SERVERS if any(k[0] == s for k in runs) or s in skipped]

    out = [f"# Sluice benchmark {meta.get('stamp', '')}", ""]
    out += [f"Machine: {meta.get('cpu', '?')}, {meta.get('cores', '?')} cores, Linux {meta.get('kernel', '?')}; "
            f"load average {meta.get('loadavg_start', '?')} at start, {meta.get('loadavg_end', '?')} at end. "
            f"Client and servers share these cores: **quote the ratios**, not the absolute numbers.", ""]
    out += [f"Versions: {meta.get('lighttpd', '?')}; websocketd {meta.get('websocketd', '?')}; "
            f"websockify {meta.get('websockify', '?')}; {meta.get('java', '?')}.", ""]
    out += [f"Settings: {meta.get('duration_s', '?')} s measured per closed-loop case after warm-up, stream window "
            f"{meta.get('window', '?')} messages per connection, {meta.get('idle_conns', '?')} idle sessions, "
            f"{meta.get('loadgen_threads', '?')} LoadGen event loop(s), {meta.get('server_warmup_s', '?')} s of unrecorded "
            f"load per server before its closed-loop cases. CPU = utime+stime of the server's process "
            f"tree plus its echo backend, from /proc. Every echoed byte is verified; a run with any error is "
            f"marked INVALID and gets no ratio.{rounds_note(meta)}", ""]
    if meta.get("sluice_command"):
        out += [f"Sluice's JVM, as `./sluice` started it (SLUICE_JAVA_OPTS `{meta.get('sluice_java_opts') or ''}`): "
                f"`{meta['sluice_command'].strip()}`.", ""]

    out += ["## Throughput and latency", "",
            "| case | server | msg/s | × lighttpd | MB/s | p50 µs | × lighttpd | p90 µs | p99 µs | max µs "
            "| server CPU µs/msg | × lighttpd | LoadGen CPU µs/msg | result |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for case, title in CASES.items():
        base = valid.get(("lighttpd", case), {})
        for server in servers:
            r = runs.get((server, case))
            if r is None:
                if server in skipped and server != "sluice-perconn":  # it runs churn and idle only
                    out.append(f"| {title} | {server} | " + "— | " * 12 + "skipped (see Setups) |")
                continue
            ok = r.get("valid")
            msgs = r.get("msgs") or 0
            client = r.get("client_cpu_ms")
            client_per_msg = client * 1000 / msgs if client is not None and msgs else None
            rate_r = ratio(r.get("rate_msgs_s"), base.get("rate_msgs_s")) if ok else None
            p50_r = ratio(r.get("p50_us"), base.get("p50_us")) if ok else None
            cpu_r = ratio(r.get("server_cpu_us_per_msg"), base.get("server_cpu_us_per_msg")) if ok else None
            result = "ok" if ok else f"INVALID: {r.get('errors')} errors, {r.get('first_error')}"
            if ok and r.get("rounds", 1) > 1 and r.get("rate_range"):
                low, high = r["rate_range"]
                result = f"ok, median of {r['rounds']} ({fmt(low)}–{fmt(high)})"
            out.append(f"| {title} | {server} | {fmt(r.get('rate_msgs_s'))} | {fmt_ratio(rate_r)} "
                       f"| {fmt(r.get('mb_s'), 1)} | {fmt(r.get('p50_us'))} | {fmt_ratio(p50_r)} "
                       f"| {fmt(r.get('p90_us'))} | {fmt(r.get('p99_us'))} | {fmt(r.get('max_us'))} "
                       f"| {fmt(r.get('server_cpu_us_per_msg'), 1)} | {fmt_ratio(cpu_r)} "
                       f"| {fmt(client_per_msg, 1)} | {result} |")
    out.append("")

    out += ["## Idle sessions", "",
            "| server | sessions | Pss before MiB | Pss after MiB | KiB per session | × lighttpd "
            "| processes before → after | result |", "|---|---:|---:|---:|---:|---:|---|---|"]
    idle = {k[0]: r for k, r in runs.items() if k[1].startswith("idle-")}
    base_idle = idle.get("lighttpd") if idle.get("lighttpd", {}).get("valid") else None
    for server in servers:
        r = idle.get(server)
        if r is None:
            if server in skipped:
                out.append(f"| {server} | — | — | — | — | — | — | skipped (see Setups) |")
            continue
        ok = r.get("valid")
        mem_r = ratio(r.get("pss_per_session_kib"), base_idle.get("pss_per_session_kib")) if ok and base_idle else None
        before, after = r.get("pss_before_kib"), r.get("pss_after_kib")
        result = "ok" if ok else f"INVALID: {r.get('errors')} errors, {r.get('first_error')}"
        out.append(f"| {server} | {fmt(r.get('sessions'))} | {fmt(before / 1024 if before is not None else None, 1)} "
                   f"| {fmt(after / 1024 if after is not None else None, 1)} | {fmt(r.get('pss_per_session_kib'), 1)} "
                   f"| {fmt_ratio(mem_r)} | {r.get('server_processes_before', '?')} → "
                   f"{r.get('server_processes_after', '?')} | {result} |")
    out.append("")

    out += churn_table(runs, servers, skipped)
    out += footprint_table(runs, servers, meta)

    out += ["## Sluice against its targets (ratios to lighttpd with one spawned worker)", "",
            "| target | required | measured | met |", "|---|---|---|---|"]
    for case, metric, bound, higher in TARGETS:
        s, b = valid.get(("sluice", case)), valid.get(("lighttpd", case))
        r = ratio(s.get(metric), b.get(metric)) if s and b else None
        need = f"{'≥' if higher else '≤'} {bound}×"
        met = "—" if r is None else ("yes" if (r >= bound if higher else r <= bound) else "**no**")
        out.append(f"| {CASES[case]} {'msg/s' if metric == 'rate_msgs_s' else 'p50'} | {need} | {fmt_ratio(r)} | {met} |")
    cpu = [ratio(valid[("sluice", c)].get("server_cpu_us_per_msg"), valid[("lighttpd", c)].get("server_cpu_us_per_msg"))
           for c in CASES if ("sluice", c) in valid and ("lighttpd", c) in valid]
    cpu = [c for c in cpu if c is not None]
    worst = max(cpu) if cpu else None
    out.append(f"| CPU per message (worst case) | ≤ 1.0× | {fmt_ratio(worst)} | "
               f"{'—' if worst is None else ('yes' if worst <= 1.0 else '**no**')} |")
    s_idle = idle.get("sluice") if idle.get("sluice", {}).get("valid") else None
    mem = ratio(s_idle.get("pss_per_session_kib"), base_idle.get("pss_per_session_kib")) if s_idle and base_idle else None
    out.append(f"| memory per idle session | ≤ 1.0× | {fmt_ratio(mem)} | "
               f"{'—' if mem is None else ('yes' if mem <= 1.0 else '**no**')} |")
    kib = s_idle.get("pss_per_session_kib") if s_idle else None
    out.append(f"| memory per idle session | ≤ 8 KiB | {fmt(kib, 1)} KiB | "
               f"{'—' if kib is None else ('yes' if kib <= 8 else '**no**')} |")
    loaded = {srv: r for (srv, case), r in valid.items() if case.startswith("footprint-idle-")}
    held = ratio(loaded.get("sluice", {}).get("pss_after_kib"), loaded.get("lighttpd", {}).get("pss_after_kib"))
    out.append(f"| Pss with the idle sessions after the matrix | ≤ 2.0× | {fmt_ratio(held)} | "
               f"{'—' if held is None else ('yes' if held <= 2.0 else '**no**')} |")
    out.append("")

    out += ["## Setups", ""] + [f"* **{s}**: {NOTES[s]}" + (f" — skipped: {skipped[s]}" if s in skipped else "")
                                 for s in servers] + [""]

    png = chart(jsonl, valid, servers)
    if png:
        out += ["## Chart", "", f"![msg/s as a ratio to lighttpd]({png.name})", ""]
    md = jsonl.with_suffix(".md")
    md.write_text("\n".join(out))
    print(md)


def churn_table(runs, servers, skipped):
    """Session churn: connect, handshake, one 64 B message and its echo, client CLOSE, server CLOSE, back to back."""
    rows = sorted((k, r) for k, r in runs.items() if k[1].startswith("churn-"))
    if not rows:
        return []
    out = ["## Session churn", "",
           "Each slot runs sessions back to back: connect, handshake, one 64 B message and its echo, the client's "
           "CLOSE, the server's CLOSE. `churn-cold` is the first seconds of a freshly started server (no warm-up); "
           "the other row runs after the matrix. 101 latency counts from the TCP connect, close latency from the "
           "client's CLOSE to the server's.", "",
           "| case | server | sessions/s | × lighttpd | × websocketd | 101 p50 µs | 101 p99 µs | close p50 µs "
           "| close p99 µs | server CPU µs/session | processes before → after | result |",
           "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|"]
    for case in sorted({k[1] for k, _ in rows}):
        base = {s: runs.get((s, case)) for s in ("lighttpd", "websocketd")}
        base = {s: r for s, r in base.items() if r and r.get("valid")}
        for server in servers:
            r = runs.get((server, case))
            if r is None:
                if server in skipped and server in ("lighttpd", "sluice", "sluice-perconn", "websocketd"):
                    out.append(f"| {case} | {server} | " + "— | " * 9 + "skipped (see Setups) |")
                continue
            ok = r.get("valid")
            rate = r.get("rate_sessions_s")
            vs = [fmt_ratio(ratio(rate, base[s].get("rate_sessions_s")) if ok and s in base else None)
                  for s in ("lighttpd", "websocketd")]
            result = "ok" if ok else f"INVALID: {r.get('errors')} errors, {r.get('first_error')}"
            out.append(f"| {case} | {server} | {fmt(rate)} | {vs[0]} | {vs[1]} | {fmt(r.get('upgrade_p50_us'))} "
                       f"| {fmt(r.get('upgrade_p99_us'))} | {fmt(r.get('close_p50_us'))} "
                       f"| {fmt(r.get('close_p99_us'))} | {fmt(r.get('server_cpu_us_per_session'), 1)} "
                       f"| {r.get('server_processes_before', '?')} → {r.get('server_processes_after', '?')} "
                       f"| {result} |")
    out.append("")
    return out


def footprint_table(runs, servers, meta):
    """Pss of each server tree: at rest after its start, after all its cases, with the idle sessions fresh and after
    the matrix; each with its ratio to lighttpd's."""
    columns = [("footprint-rest", "pss_kib"), ("footprint-matrix", "pss_kib"), ("idle-", "pss_after_kib"),
               ("footprint-idle-", "pss_after_kib")]

    def cell(server, prefix, key):
        r = next((r for (s, case), r in runs.items() if s == server and case.startswith(prefix)), None)
        return r.get(key) if r and r.get("valid") else None

    rows = [s for s in servers if cell(s, "footprint-rest", "pss_kib") is not None]
    if not rows:
        return []
    base = {c: cell("lighttpd", *c) for c in columns}
    out = ["## Memory footprint", "",
           f"Pss of each server's tree (its spawned echo included), in MiB: at rest {meta.get('settle_s', '?')} s after "
           f"its start, {meta.get('settle_s', '?')} s after all its cases (the matrix and churn), with "
           f"{meta.get('idle_conns', '?')} idle sessions on the fresh server (the idle case) and on the server after "
           f"the matrix; in brackets the ratio to lighttpd's in the same column.", "",
           "| server | at rest | after the matrix | idle sessions, fresh | idle sessions after the matrix |",
           "|---|---:|---:|---:|---:|"]
    for server in rows:
        cells = []
        for c in columns:
            value = cell(server, *c)
            text = fmt(value / 1024 if value is not None else None, 1)
            if server != "lighttpd" and value is not None and base[c]:
                text += f" ({fmt_ratio(ratio(value, base[c]))})"
            cells.append(text)
        out.append(f"| {server} | " + " | ".join(cells) + " |")
    out.append("")
    return out


def chart(jsonl, valid, servers):
    """Clustered bars of msg/s relative to lighttpd, one cluster per closed-loop case; None without gnuplot."""
    gnuplot = shutil.which("gnuplot")
    plotted = [s for s in servers if s != "raw" and any((s, c) in valid for c in CASES)]
    if not gnuplot or "lighttpd" not in plotted:
        return None
    dat = jsonl.with_suffix(".dat")
    rows = ["case " + " ".join(plotted)]
    for case in CASES:
        base = valid.get(("lighttpd", case), {}).get("rate_msgs_s")
        cells = []
        for s in plotted:
            r = ratio(valid.get((s, case), {}).get("rate_msgs_s"), base)
            cells.append("NaN" if r is None else f"{r:.3f}")
        rows.append(f"{case} " + " ".join(cells))
    dat.write_text("\n".join(rows) + "\n")
    png = jsonl.with_suffix(".png")
    script = f"""
set terminal pngcairo size 900,480 noenhanced
set output '{png}'
set title 'messages per second relative to lighttpd (one spawned worker); higher is better'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set yrange [0:*]
set grid ytics
set key top left
set arrow from graph 0, first 1 to graph 1, first 1 nohead dashtype 2
plot for [i=2:{len(plotted) + 1}] '{dat}' using i:xtic(1) title columnheader(i)
"""
    result = subprocess.run([gnuplot], input=script, text=True, capture_output=True, timeout=30)
    if result.returncode != 0:
        script = script.replace("pngcairo size 900,480 noenhanced", "png size 900,480")
        result = subprocess.run([gnuplot], input=script, text=True, capture_output=True, timeout=30)
    if result.returncode != 0:
        print(f"gnuplot failed: {result.stderr.strip()}", file=sys.stderr)
        return None
    return png


if __name__ == "__main__":
    main(sys.argv[1])
