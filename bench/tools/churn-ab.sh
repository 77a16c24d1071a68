#!/usr/bin/env bash
# Session churn of Sluice jars against lighttpd, interleaved: for each round every jar gets a fresh server, an
# unrecorded warm-up, then measured churn runs; lighttpd runs once per round. The before/after tool of issue 14's
# session-setup work (docs/performance.md, "Session setup and teardown"). Needs a built bench (target/loadgen.jar),
# lighttpd and gcc.
#   JARS="/tmp/before.jar tunnel/target/sluice.jar" bench/tools/churn-ab.sh
#   R=3 D=5 W=20 RUNS=2 JARS=... bench/tools/churn-ab.sh     rounds, seconds per run, warm-up seconds, runs per server
# Per run: sessions/s, 101 p50, close p50 (µs), server CPU per session (process tree), and the same CPU split into
# the server process's user/sys and its echo worker's user/sys (µs per session; read from /proc around the whole
# LoadGen run, warm-up included, then scaled so that the four add up to the measured window's CPU per session),
# LoadGen's own CPU per session, and
# the cores the run kept busy ((server + LoadGen CPU) × sessions/s): when that is the same for every server, the
# machine is the bound and sessions/s follow CPU per session. Ports 18181/18182.
set -u
HERE=$(cd "$(dirname "$0")/.." && pwd)
LG=$HERE/target/loadgen.jar
R=${R:-2}; D=${D:-5}; W=${W:-20}; RUNS=${RUNS:-2}
JARS=${JARS:-$(dirname "$HERE")/tunnel/target/sluice.jar}
T=$(mktemp -d /tmp/sluice-churn-ab.XXXXXX)
gcc -O2 -o "$T/echo" "$HERE/backends/echo.c"
mkdir -p "$T/www"
cat > "$T/lighttpd.conf" <<CONF
server.document-root = "$T/www"
server.bind = "127.0.0.1"
server.port = 18182
server.modules = ( "mod_wstunnel" )
server.errorlog = "$T/lighttpd-error.log"
server.max-connections = 6000
wstunnel.frame-type = "binary"
wstunnel.server = ( "/echo" => ( ( "socket" => "$T/lt-echo.sock", "bin-path" => "$T/echo --fd0",
                                   "min-procs" => 1, "max-procs" => 1 ) ) )
CONF
cat > "$T/sluice.yaml" <<CONF
server: { bind: 127.0.0.1, port: 18181, max-connections: 20000, runtime-dir: $T/run }
wstunnel:
  frame-type: binary
  ping-interval: 0
  server:
    "/echo":
      - socket: $T/echo.sock
        bin-path: $T/echo --fd0
        min-procs: 1
        max-procs: 1
CONF
PID=
cleanup() { [[ -n $PID ]] && kill "$PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
wait_port() { for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return; sleep 0.2; done; }
churn() { # port pid seconds
    java -XX:+UseParallelGC -Dio.netty.leakDetection.level=disabled -jar "$LG" churn --conns 8 --size 64 \
        --duration "$3" --warmup 1 --port "$1" --pid "$2" --label x 2>/dev/null
}
ticks() { awk '{print $14, $15}' "/proc/$1/stat"; }
measure() { # name port pid
    local worker a w line b w2 n
    worker=$(pgrep -f "$T/echo --fd0" -P "$3" | head -1)
    for _ in $(seq "$RUNS"); do
        a=$(ticks "$3"); w=$(ticks "$worker"); line=$(churn "$2" "$3" "$D"); b=$(ticks "$3"); w2=$(ticks "$worker")
        n=$(jq '.rate_sessions_s * '"$D" <<<"$line")
        printf '%-14s %8.0f sessions/s  101 p50 %5.0f  close p50 %5.0f  CPU/session %4.0f  server user/sys %s  worker user/sys %s  LoadGen %s  cores %s\n' \
            "$1" "$(jq .rate_sessions_s <<<"$line")" "$(jq .upgrade_p50_us <<<"$line")" "$(jq .close_p50_us <<<"$line")" \
            "$(jq .server_cpu_us_per_session <<<"$line")" \
            $(echo "$a $b $w $w2 $(jq .server_cpu_us_per_session <<<"$line")" | awk '{
                su = $3 - $1; ss = $4 - $2; wu = $7 - $5; ws = $8 - $6; f = $9 / ((su + ss + wu + ws) * 1e4 / '"$n"')
                printf "%.0f/%.0f %.0f/%.0f", su * 1e4 / '"$n"' * f, ss * 1e4 / '"$n"' * f, wu * 1e4 / '"$n"' * f, ws * 1e4 / '"$n"' * f}') \
            "$(jq '.client_cpu_ms * 1000 / .sessions | round' <<<"$line")" \
            "$(jq '(.server_cpu_ms + .client_cpu_ms) / (.duration_s * 1000) * 100 | round / 100' <<<"$line")"
    done
}
for round in $(seq "$R"); do
    echo "round $round"
    lighttpd -D -f "$T/lighttpd.conf" > "$T/lighttpd.log" 2>&1 & PID=$!
    wait_port 18182; churn 18182 "$PID" "$W" > /dev/null; measure lighttpd 18182 "$PID"
    kill "$PID"; wait "$PID" 2>/dev/null; PID=
    for jar in $JARS; do
        rm -rf "$T/run"
        java -jar "$jar" run -c "$T/sluice.yaml" > "$T/sluice.log" 2>&1 & PID=$!
        wait_port 18181; churn 18181 "$PID" "$W" > /dev/null; measure "$(basename "$jar")" 18181 "$PID"
        kill "$PID"; wait "$PID" 2>/dev/null; PID=
    done
done
