#!/usr/bin/env bash
# Per-key workers (instances: per-key, docs/per-user-sandboxes.md), measured with the jar and bench/backends/echo.c as
# each key's worker: a cold start (a new key's first connection to its first echo, a worker spawned for it), a running
# key (a reconnect to a key whose worker runs), and K keys alive at once with one idle session each: Sluice's own
# memory per key (Pss of the Sluice JVM alone, and heap used after a full GC), then that nothing is left once the
# sessions closed and idle-timeout passed (workers, socket files, per-key objects in the heap).
#   bench/tools/per-key.sh                    # COLD=50 WARM=200 KEYS=1000 IDLE=5
#   KEYS=200 bench/tools/per-key.sh
# Needs gcc, jcmd, and the jars (built unless BENCH_SKIP_BUILD=1).
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
COLD=${COLD:-50}; WARM=${WARM:-200}; KEYS=${KEYS:-1000}; IDLE=${IDLE:-5}
JAR=$ROOT/tunnel/target/sluice.jar; BENCH=$ROOT/bench/target/loadgen.jar
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  (cd "$ROOT" && ./mvnw -q -o -pl tunnel,bench -am package -DskipTests)
fi
W=$(mktemp -d /tmp/sluice-perkey.XXXXXX)
gcc -O2 -Wall -o "$W/echo" "$ROOT/bench/backends/echo.c"
ulimit -n "$(ulimit -Hn)"
cat > "$W/sluice.yaml" <<YAML
server: { bind: 127.0.0.1, port: 0, runtime-dir: $W/run, max-connections: 20000 }
wstunnel:
  frame-type: binary
  ping-interval: 0
  server:
    "/sandbox/":
      - bin-path: ["$W/echo", "--fd0"]
        instances: per-key
        key: query:user
        allow-root: true
        max-procs: $((KEYS + 100))
        idle-timeout: ${IDLE}s
        listen-backlog: 64
YAML
java ${SLUICE_JAVA_OPTS:-} -jar "$JAR" run -c "$W/sluice.yaml" > "$W/sluice.log" 2>&1 &
PID=$!
trap 'kill -TERM $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$W"' EXIT
for _ in $(seq 60); do grep -q "listening on ws://" "$W/sluice.log" && break; sleep 0.5; done
PORT=$(grep -o "listening on ws://[^ ]*" "$W/sluice.log" | sed 's/.*://')
client() { java -Xss256k -cp "$BENCH" io.sluice.bench.PerKeyRun "$@"; }
pss_kib() { awk '/^Pss:/ { print $2 }' "/proc/$PID/smaps_rollup"; }
heap_kib() { jcmd "$PID" GC.run > /dev/null; jcmd "$PID" GC.heap_info | grep -o 'used [0-9]*K' | head -1 | tr -dc 0-9; }
workers() { pgrep -P "$PID" -c || true; }
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); sluice pid $PID port $PORT"
client cold "$PORT" "$COLD"
client warm "$PORT" "$WARM"
sleep $((IDLE + 2)) # the cold and warm keys' workers stop
heap0=$(heap_kib); pss0=$(pss_kib)
mkfifo "$W/hold"
client idle "$PORT" "$KEYS" < "$W/hold" > "$W/idle.out" &
CLIENT=$!
exec 3> "$W/hold"
for _ in $(seq 600); do grep -q "^open" "$W/idle.out" && break; sleep 0.5; done
heap1=$(heap_kib); pss1=$(pss_kib); alive=$(workers)
echo "{\"case\":\"idle-keys\",\"keys\":$KEYS,\"workers\":$alive,\"pss_before_kib\":$pss0,\"pss_after_kib\":$pss1,\"pss_per_key_kib\":$(( (pss1 - pss0) / KEYS )),\"heap_used_before_kib\":$heap0,\"heap_used_after_kib\":$heap1,\"heap_per_key_kib\":$(( (heap1 - heap0) / KEYS ))}"
echo >&3; exec 3>&-
wait $CLIENT
cat "$W/idle.out" | grep -v "^open"
for _ in $(seq $(( (IDLE + 10) * 2 ))); do [ "$(workers)" = 0 ] && break; sleep 0.5; done
sleep 1
left_objects=$(jcmd "$PID" GC.class_histogram | awk '$4 == "io.sluice.spawner.pool.KeyWorker" { n += $2 } END { print n + 0 }')
left_sockets=$(find "$W/run" -type s | wc -l)
echo "{\"case\":\"after-idle-timeout\",\"workers\":$(workers),\"socket_files\":$left_sockets,\"key_workers_in_heap\":$left_objects,\"heap_used_kib\":$(heap_kib)}"
