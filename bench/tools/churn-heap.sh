#!/usr/bin/env bash
# The session-leak check of docs/architecture.md ("Ended sessions are garbage"): runs the jar with one spawned worker
# that ends every connection after its reply, churns N sessions through it, then prints what a full GC leaves of
# them (jcmd GC.class_histogram forces one). Needs tunnel/target/sluice.jar and the integration tests' compiled
# classes (./mvnw -o -pl integration-tests -am verify -DskipTests, or any IT run).
#   bench/tools/churn-heap.sh            # 100,000 sessions over 32 client threads
#   N=20000 T=16 bench/tools/churn-heap.sh
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
N=${N:-100000}; T=${T:-32}
JAR=$ROOT/tunnel/target/sluice.jar; CLASSES=$ROOT/integration-tests/target/test-classes
JAVA=$(readlink -f "$(command -v java)")
W=$(mktemp -d /tmp/sluice-churn.XXXXXX)
cat > "$W/sluice.yaml" <<YAML
server: { bind: 127.0.0.1, port: 0, runtime-dir: $W/run }
wstunnel:
  frame-type: binary
  ping-interval: 0
  server:
    "/once":
      - bin-path: ["$JAVA", "-Xmx64m", "-XX:+UseSerialGC", "-cp", "$CLASSES", "io.sluice.it.fixture.TestBackend", "--mode", "echo-once"]
        min-procs: 1
        max-procs: 1
YAML
java -jar "$JAR" run -c "$W/sluice.yaml" > "$W/sluice.log" 2>&1 &
PID=$!
trap 'kill -TERM $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$W"' EXIT
for _ in $(seq 60); do grep -q "listening on ws://" "$W/sluice.log" && break; sleep 0.5; done
PORT=$(grep -o "listening on ws://[^ ]*" "$W/sluice.log" | sed 's/.*://')
sleep 2 # the worker's JVM starts
# One histogram (a full GC first) per report: instances of the session's classes and of Netty's connections.
report() {
  jcmd $PID GC.class_histogram | awk -v when="$1" '
    $4 == "io.sluice.tunnel.session.TunnelSession" { ts = $2 }
    $4 == "io.sluice.tunnel.session.SessionRelay" { sr = $2 }
    $4 == "io.sluice.spawner.registry.Lease" { ls = $2 }
    $4 ~ /^io\.netty\.channel\..*SocketChannel$/ && $4 !~ /Server/ { nc += $2 }
    END { printf "%s: TunnelSession %d, SessionRelay %d, Lease %d, Netty connections %d\n", when, ts, sr, ls, nc }'
}
echo "sluice pid $PID, port $PORT"
report "before"
java -cp "$CLASSES" io.sluice.it.harness.Churn "$PORT" /once "$N" "$T"
# A closed session's channels stay referenced by their 2 s linger timers until those fire; wait them out.
sleep 3
report "after the churn and a full GC"
echo "worker starts in the log: $(grep -c 'Worker - worker .* STARTING -> RUNNING' "$W/sluice.log") (1 = never restarted)"
