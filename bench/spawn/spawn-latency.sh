#!/usr/bin/env bash
# Spawn latency: connect-to-first-echoed-byte when the worker must be started for the connection (min-procs: 0)
# against a running worker, both with the C echo backend on fd 0 (bench/backends/echo.c). Loopback only; bounded;
# stops what it started. Usage: bench/spawn/spawn-latency.sh [ROUNDS]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
rounds="${1:-10}"
work="$(mktemp -d /tmp/sluice-spawn.XXXXXX)"
pid=""
cleanup() {
    [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

gcc -O2 -Wall -o "$work/echo" "$root/bench/backends/echo.c"
[ -f "$root/tunnel/target/sluice.jar" ] || (cd "$root" && ./mvnw -q -B -DskipTests -pl tunnel -am package)
cat > "$work/sluice.yaml" <<YAML
server: { bind: 127.0.0.1, port: 0, runtime-dir: $work/run }
wstunnel:
  frame-type: binary
  server:
    "/cold": [ { bin-path: [ "$work/echo", "--fd0" ], min-procs: 0, max-procs: 1, idle-timeout: 1 } ]
    "/warm": [ { bin-path: [ "$work/echo", "--fd0" ], min-procs: 1, max-procs: 1 } ]
YAML
java -jar "$root/tunnel/target/sluice.jar" run -c "$work/sluice.yaml" > "$work/sluice.log" 2>&1 &
pid=$!
port=""
for _ in $(seq 1 100); do
    port="$(sed -n 's/.*listening on ws:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$work/sluice.log")"
    [ -n "$port" ] && break
    sleep 0.1
done
[ -n "$port" ] || { cat "$work/sluice.log" >&2; exit 1; }
timeout 300 java "$here/SpawnLatency.java" "ws://127.0.0.1:$port/cold" "ws://127.0.0.1:$port/warm" "$rounds" 3000
echo "spawns logged: $(grep -c 'DEAD -> STARTING' "$work/sluice.log")"
