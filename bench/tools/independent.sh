#!/usr/bin/env bash
# The outside check of bench/run.sh: Sluice's ratios to lighttpd measured by LoadGen and by an independent client
# (Node.js + the ws library, bench/tools/independent/wsload.mjs), interleaved against the same two servers.
#   bench/tools/independent.sh            after a bench/run.sh (it reuses its echo and configs in /tmp/sluice-bench)
#   R=5 D=5 bench/tools/independent.sh    rounds and seconds per run (defaults 3 and 5)
#   CASES_ONLY="churn pp-1" ...            only the cases whose names start with one of these words
#   CHURN_WARMUP=10 ...                    seconds of unrecorded LoadGen churn per server before the rounds (default 10;
#                                          run.sh's warm churn case gets the same: the JIT needs sessions to warm)
# Prints a Markdown table: per case the median Sluice/lighttpd ratio of msg/s, p50 and server CPU per message (its
# process tree, echo included, from /proc) for each client, with the range over the rounds, and the clients' own CPU
# per message; for the churn case (8 slots of back-to-back sessions, LoadGen's churn shape) sessions/s, 101 p50 and
# server CPU per session, and each server's own figures per client. Writes bench/results/independent-<stamp>.jsonl
# (every run) and .md (the tables).
set -euo pipefail
HERE=$(cd "$(dirname "$0")/.." && pwd)
W=/tmp/sluice-bench
LG=$HERE/target/loadgen.jar
WS=$HERE/tools/independent
D=${D:-5}; R=${R:-3}; CASES_ONLY=${CASES_ONLY:-}; CHURN_WARMUP=${CHURN_WARMUP:-10}
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
# through the launcher, as bench/run.sh does (memory defaults, class-data archive)
setsid env JAVA_OPTS="${SLUICE_JAVA_OPTS:-}" SLUICE_JAR="$SLUICE_JAR" "$(dirname "$HERE")/sluice" run -c "$W/sluice.yaml" \
    >"$W/independent-sluice.log" 2>&1 & SP=$!
stop() { for p in $LP $SP; do kill -TERM -- "-$p" 2>/dev/null || true; done; sleep 1
         for p in $LP $SP; do kill -KILL -- "-$p" 2>/dev/null || true; done; }
trap stop EXIT
for port in 8082 8081; do
    for _ in $(seq 150); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.2; done
done

# name|mode|conns|size|Node processes. Churn takes two: one Node thread spends ~400 µs per session (http request,
# handshake, socket set-up and teardown), so with one it is the limit for both servers and reads ~1.0× whatever they
# cost (independent-20261203-171234 against -171626).
CASES=("pp-1x64|pingpong|1|64|1" "pp-64x64|pingpong|64|64|1" "pp-64x4k|pingpong|64|4096|1" "st-16x64k|stream|16|65536|2"
       "churn-8x64|churn|8|64|2")
if [[ -n $CASES_ONLY ]]; then
    kept=()
    for c in "${CASES[@]}"; do
        for word in $CASES_ONLY; do [[ $c == "$word"* ]] && { kept+=("$c"); break; }; done
    done
    CASES=("${kept[@]}")
    ((${#CASES[@]})) || { echo "independent.sh: no case starts with any of: $CASES_ONLY" >&2; exit 2; }
fi

# the same unrecorded warm-ups as run.sh's, for both servers
for port in 8082 8081; do
    timeout 60 java $LGO -jar "$LG" pingpong --conns 64 --size 4096 --duration 3 --warmup 0 --port "$port" >/dev/null
    if [[ " ${CASES[*]} " == *"|churn|"* ]] && ((CHURN_WARMUP > 0)); then
        timeout $((CHURN_WARMUP + 60)) java $LGO -jar "$LG" churn --conns 8 --size 64 --duration "$CHURN_WARMUP" \
            --warmup 0 --port "$port" >/dev/null
    fi
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

# TIME_WAIT sockets of PORT's connections on the server's side and on the clients' side. Churn leaves one per session;
# the clients' side is what could run out of ports (28,232 here; Linux reuses them for loopback connects,
# tcp_tw_reuse 2). Each side closes first as it happens: the server once it sent its CLOSE, the client (LoadGen, and
# ws) once it read it.
time_wait() {
    ss -Htan state time-wait | awk -v port="$1" '{ l = $3; p = $4; sub(/.*:/, "", l); sub(/.*:/, "", p)
        if (l == port) s++; else if (p == port) c++ } END { printf "{\"server\":%d,\"client\":%d}", s, c }'
}

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
                # server CPU over the whole run, warm-up second included: counted against all the messages (or
                # sessions) it carried
                ticks=$(($(tree_ticks "$pid") - before))
                [[ -n $line ]] || line='{"valid":false,"first_error":"no result"}'
                if [[ $mode == churn ]]; then
                    jq -c --arg s "$server" --arg c "$name" --arg k "$client" --argjson r "$round" \
                        --argjson ticks "$ticks" --argjson hz "$CLK_TCK" --argjson secs "$((D + 1))" \
                        --argjson tw "$(time_wait "$port")" \
                        '{server:$s, case:$c, client:$k, round:$r, rate_sessions_s, upgrade_p50_us, upgrade_p99_us,
                          close_p50_us, close_p99_us, valid, first_error, time_wait:$tw,
                          server_cpu_us_per_session: (if (.rate_sessions_s // 0) > 0
                                                      then $ticks / $hz * 1e6 / (.rate_sessions_s * $secs) else null end),
                          client_cpu_us_per_session: (.client_cpu_us_per_session
                              // (if (.sessions // 0) > 0 then .client_cpu_ms * 1000 / .sessions else null end))}' \
                        <<<"$line" | tee -a "$OUT" | jq -r '"[\(.round)] \(.case) \(.client) \(.server): \(.rate_sessions_s // 0 | floor) sessions/s, 101 p50 \(.upgrade_p50_us // 0 | floor) µs, TIME_WAIT \(.time_wait)\(if .valid then "" else " INVALID: \(.first_error)" end)"' >&2
                    continue
                fi
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
