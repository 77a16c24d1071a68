#!/usr/bin/env bash
# The outside check of bench/run.sh: Sluice's ratios to lighttpd measured by LoadGen and by an independent client
# (Node.js + the ws library, bench/tools/independent/wsload.mjs), interleaved against the same two servers.
#   bench/tools/independent.sh            after a bench/run.sh (it reuses its echo and configs in /tmp/sluice-bench)
#   R=5 D=5 bench/tools/independent.sh    rounds and seconds per run (defaults 3 and 5)
# Prints a Markdown table: per case the median Sluice/lighttpd ratio of msg/s, p50 and server CPU per message (its
# process tree, echo included, from /proc) for each client, with the range over the rounds, and the clients' own CPU
# per message; writes bench/results/independent-<stamp>.jsonl (every run) and .md (the table).
set -euo pipefail
HERE=$(cd "$(dirname "$0")/.." && pwd)
W=/tmp/sluice-bench
LG=$HERE/target/loadgen.jar
WS=$HERE/tools/independent
D=${D:-5}; R=${R:-3}
SLUICE_JAR=${SLUICE_JAR:-$(dirname "$HERE")/tunnel/target/sluice.jar}
OUT=$HERE/results/independent-$(date +%Y%m%d-%H%M%S).jsonl
LGO="-XX:+UseParallelGC -Dio.netty.leakDetection.level=disabled"

for f in "$W/echo" "$W/lighttpd.conf" "$W/sluice.yaml" "$LG" "$SLUICE_JAR"; do
    [[ -e $f ]] || { echo "independent.sh: $f is missing; run bench/run.sh first" >&2; exit 2; }
done
grep -q bin-path "$W/sluice.yaml" || { echo "independent.sh: $W/sluice.yaml does not spawn the echo (BENCH_SLUICE_SPAWN=1)" >&2; exit 2; }
command -v node >/dev/null || { echo "independent.sh: needs node (Node.js 18 or later)" >&2; exit 2; }
[[ -d $WS/node_modules/ws ]] || (cd "$WS" && npm ci --no-audit --no-fund >&2)

ulimit -n "$(ulimit -Hn)"
rm -rf "$W/sluice-run"; mkdir -p "$W/sluice-run"
setsid lighttpd -D -f "$W/lighttpd.conf" >/dev/null 2>&1 & LP=$!
# through the launcher, as bench/run.sh does (jvm.options, class-data archive)
setsid env JAVA_OPTS="${SLUICE_JAVA_OPTS:-}" SLUICE_JAR="$SLUICE_JAR" "$(dirname "$HERE")/sluice" run -c "$W/sluice.yaml" \
    >"$W/independent-sluice.log" 2>&1 & SP=$!
stop() { for p in $LP $SP; do kill -TERM -- "-$p" 2>/dev/null || true; done; sleep 1
         for p in $LP $SP; do kill -KILL -- "-$p" 2>/dev/null || true; done; }
trap stop EXIT
for port in 8082 8081; do
    for _ in $(seq 150); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.2; done
done

# the same unrecorded warm-up as run.sh's, for both servers
for port in 8082 8081; do
    timeout 60 java $LGO -jar "$LG" pingpong --conns 64 --size 4096 --duration 3 --warmup 0 --port "$port" >/dev/null
done

tree_ticks() {   # utime + stime of PID and all its descendants, in clock ticks
    python3 - "$1" <<'PY'
import os, sys
procs = {}
for d in os.listdir('/proc'):
    if d.isdigit():
        try:
            f = open(f'/proc/{d}/stat').read().rsplit(')', 1)[1].split()
        except OSError:
            continue
        procs[int(d)] = (int(f[1]), int(f[11]) + int(f[12]))
todo, total = [int(sys.argv[1])], 0
while todo:
    p = todo.pop()
    total += procs.get(p, (0, 0))[1]
    todo += [c for c, (pp, _) in procs.items() if pp == p]
print(total)
PY
}
CLK_TCK=$(getconf CLK_TCK)

CASES=("pp-1x64|pingpong|1|64|1" "pp-64x64|pingpong|64|64|1" "pp-64x4k|pingpong|64|4096|1" "st-16x64k|stream|16|65536|2")
for round in $(seq "$R"); do
    for c in "${CASES[@]}"; do
        IFS='|' read -r name mode conns size procs <<<"$c"
        for client in loadgen ws; do
            for server in lighttpd sluice; do
                port=$([[ $server == lighttpd ]] && echo 8082 || echo 8081)
                pid=$([[ $server == lighttpd ]] && echo $LP || echo $SP)
                before=$(tree_ticks "$pid")
                if [[ $client == loadgen ]]; then
                    line=$(timeout $((D + 60)) java $LGO -jar "$LG" "$mode" --conns "$conns" --size "$size" --window 8 \
                        --duration "$D" --warmup 1 --port "$port" 2>/dev/null || true)
                else
                    line=$(timeout $((D + 60)) node "$WS/wsload.mjs" --url "ws://127.0.0.1:$port/echo" --mode "$mode" \
                        --conns "$conns" --size "$size" --window 8 --duration "$D" --warmup 1 --procs "$procs" \
                        2>/dev/null || true)
                fi
                # server CPU over the whole run, warm-up second included: counted against all the messages it carried
                ticks=$(($(tree_ticks "$pid") - before))
                [[ -n $line ]] || line='{"valid":false,"first_error":"no result"}'
                jq -c --arg s "$server" --arg c "$name" --arg k "$client" --argjson r "$round" \
                    --argjson ticks "$ticks" --argjson hz "$CLK_TCK" --argjson secs "$((D + 1))" \
                    '{server:$s, case:$c, client:$k, round:$r, rate_msgs_s, p50_us, valid, first_error,
                      server_cpu_us_per_msg: (if (.rate_msgs_s // 0) > 0
                                              then $ticks / $hz * 1e6 / (.rate_msgs_s * $secs) else null end),
                      client_cpu_us_per_msg: (.client_cpu_us_per_msg
                                              // (if (.msgs // 0) > 0 then .client_cpu_ms * 1000 / .msgs else null end))}' \
                    <<<"$line" | tee -a "$OUT" | jq -r '"[\(.round)] \(.case) \(.client) \(.server): \(.rate_msgs_s|floor) msg/s, p50 \(.p50_us|floor) µs\(if .valid then "" else " INVALID: \(.first_error)" end)"' >&2
            done
        done
    done
done

python3 "$WS/report.py" "$OUT" | tee "${OUT%.jsonl}.md"
