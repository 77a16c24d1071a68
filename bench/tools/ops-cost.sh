#!/usr/bin/env bash
# What the operations features cost the data path: the same Sluice workload with two jars, A (BASE_JAR, e.g. built
# from the commit before them) with a plain config, and B (this tree's jar) with admin: (metrics on) and a JSON
# access log to a file, in rounds A B B A ... so drift on a busy machine hits both alike. Per run: LoadGen ping-pong
# 64 x 64 B and 1 x 64 B, a 16 x 64 KiB stream, and a session churn (Churn from the integration tests: connect, one
# message, close). Prints one line per case and variant. VARIANTS (A B) may add C: this tree's jar, plain config.
# CASES: the LoadGen cases, ';'-separated ("" = churn only).
#   BASE_JAR=/tmp/base/tunnel/target/sluice.jar ROUNDS=2 DURATION=5 bench/tools/ops-cost.sh
# Needs: bench/target/loadgen.jar, tunnel/target/sluice.jar, integration-tests/target/test-classes, gcc.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BASE_JAR=${BASE_JAR:?set BASE_JAR to the jar to compare with}
NEW_JAR=$ROOT/tunnel/target/sluice.jar
LOADGEN=$ROOT/bench/target/loadgen.jar
CLASSES=$ROOT/integration-tests/target/test-classes
ROUNDS=${ROUNDS:-2}; DURATION=${DURATION:-5}; CHURN=${CHURN:-3000}
JAVA=$(readlink -f "$(command -v java)")
W=$(mktemp -d /tmp/sluice-ops-cost.XXXXXX)
gcc -O2 -o "$W/echo" "$ROOT/bench/backends/echo.c"
PID=0
stop() { [ "$PID" = 0 ] || { kill -TERM "$PID" 2>/dev/null; wait "$PID" 2>/dev/null || true; PID=0; }; }
trap 'stop; rm -rf "$W"' EXIT

config() { # variant
    cat <<YAML
server: { bind: 127.0.0.1, port: 8091, max-connections: 20000, runtime-dir: $W/run-$1 }
wstunnel:
  frame-type: binary
  ping-interval: 0
  server:
    "/echo":
      - bin-path: $W/echo --fd0
        min-procs: 1
        max-procs: 1
    "/once":
      - bin-path: ["$JAVA", "-Xmx64m", "-XX:+UseSerialGC", "-cp", "$CLASSES", "io.sluice.it.fixture.TestBackend", "--mode", "echo-once"]
        min-procs: 1
        max-procs: 1
YAML
    if [ "$1" = B ]; then # C: this tree's jar without admin: and access-log:
        printf 'admin: { port: 9191 }\naccess-log: { path: %s/access.jsonl, format: json }\n' "$W"
    fi
}

run() { # variant jar
    config "$1" > "$W/$1.yaml"
    java -jar "$2" run -c "$W/$1.yaml" > "$W/$1.log" 2>&1 &
    PID=$!
    for _ in $(seq 100); do grep -q "listening on ws://" "$W/$1.log" && break; sleep 0.3; done
    sleep 3 # the echo-once worker's JVM starts
    java -jar "$LOADGEN" pingpong --conns 64 --size 4096 --duration 3 --warmup 0 --port 8091 --path /echo >/dev/null
    IFS=';' read -ra cases <<< "${CASES-pingpong --conns 64 --size 64;pingpong --conns 1 --size 64;stream --conns 16 --size 65536}"
    for c in "${cases[@]}"; do
        line=$(java -jar "$LOADGEN" $c --duration "$DURATION" --warmup 1 --port 8091 --path /echo --pid "$PID" \
            --label "$1" 2>/dev/null)
        echo "$1 ${c// /_} $(echo "$line" | jq -c '{rate_msgs_s, p50_us, server_cpu_us_per_msg, valid}' 2>/dev/null || echo "$line")"
    done
    echo "$1 churn $(java -cp "$CLASSES" io.sluice.it.harness.Churn 8091 /once "$CHURN" 16)"
    stop
}

jar() { [ "$1" = A ] && echo "$BASE_JAR" || echo "$NEW_JAR"; }
VARIANTS=${VARIANTS:-A B}
for r in $(seq "$ROUNDS"); do
    order=$VARIANTS; [ $((r % 2)) = 1 ] || order=$(echo "$VARIANTS" | tr ' ' '\n' | tac | tr '\n' ' ')
    for v in $order; do run "$v" "$(jar "$v")"; done
done
[ ! -f "$W/access.jsonl" ] || echo "B access log lines: $(wc -l < "$W/access.jsonl")"
