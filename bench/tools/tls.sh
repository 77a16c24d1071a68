#!/usr/bin/env bash
# What TLS costs: the same Sluice (jar), the same spawned echo worker (bench/backends/echo.c, --fd0, one worker),
# once as ws:// and once as wss://, measured with LoadGen (--tls) for messages and with LoadGen churn (--tls) for
# sessions (TCP connect, TLS handshake, upgrade with its backend connect, one echoed message, close). Certificates
# are made here with openssl: an EC P-256 and an RSA 2048 leaf, each self-signed. Loopback only; short runs: the
# numbers are indicative.
#   bench/tools/tls.sh                  # DURATION=3 CONNS=16
# Needs gcc, openssl and the jars (built unless BENCH_SKIP_BUILD=1).
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DURATION=${DURATION:-3}; CONNS=${CONNS:-16}
JAR=$ROOT/tunnel/target/sluice.jar; BENCH=$ROOT/bench/target/loadgen.jar
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  (cd "$ROOT" && ./mvnw -q -o -pl tunnel,bench -am package -DskipTests)
fi
W=$(mktemp -d /tmp/sluice-tls.XXXXXX)
gcc -O2 -Wall -o "$W/echo" "$ROOT/bench/backends/echo.c"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$W/ec-key.pem" -out "$W/ec.pem" \
  -days 2 -subj /CN=localhost 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$W/rsa-key.pem" -out "$W/rsa.pem" -days 2 -subj /CN=localhost \
  2>/dev/null
ulimit -n "$(ulimit -Hn)"
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done; wait 2>/dev/null; [ "${KEEP:-0}" = 1 ] || rm -rf "$W"' EXIT

start() { # NAME TLS-LINE -> sets PORT and PID
  cat > "$W/$1.yaml" <<YAML
server:
  bind: 127.0.0.1
  port: 0
  runtime-dir: $W/run-$1
  max-connections: 20000
$2
wstunnel:
  frame-type: binary
  ping-interval: 0
  server:
    "/echo": [ { bin-path: ["$W/echo", "--fd0"], min-procs: 1, max-procs: 1 } ]
YAML
  java ${SLUICE_JAVA_OPTS:-} -jar "$JAR" run -c "$W/$1.yaml" > "$W/$1.log" 2>&1 &
  PID=$!; PIDS+=("$PID")
  for _ in $(seq 60); do grep -q "listening on wss\?://" "$W/$1.log" && break; sleep 0.5; done
  PORT=$(grep -o "listening on [a-z]*://[^ ]*" "$W/$1.log" | sed 's/.*://')
  grep -h "TLS:" "$W/$1.log" | sed 's/^.*TLS:/# TLS:/' || true
}

echo "# machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%FT%TZ)"
start plain ""; PLAIN_PORT=$PORT; PLAIN_PID=$PID
start ec "  tls: { certificate: $W/ec.pem, key: $W/ec-key.pem }"; EC_PORT=$PORT; EC_PID=$PID
start rsa "  tls: { certificate: $W/rsa.pem, key: $W/rsa-key.pem }"; RSA_PORT=$PORT; RSA_PID=$PID

loadgen() { timeout 120 java -cp "$BENCH" io.sluice.bench.LoadGen "$@" --duration "$DURATION" --warmup 1 || true; }
churn() { loadgen churn "$@"; }

for shape in "pingpong --conns 1 --size 64" "pingpong --conns $CONNS --size 4096" "stream --conns $CONNS --size 65536"; do
  loadgen $shape --port "$PLAIN_PORT" --pid "$PLAIN_PID" --label "ws $shape"
  loadgen $shape --port "$EC_PORT" --pid "$EC_PID" --tls --label "wss-ec $shape"
done
churn --port "$PLAIN_PORT" --pid "$PLAIN_PID" --conns 8 --label "ws churn"
churn --port "$EC_PORT" --pid "$EC_PID" --conns 8 --tls --label "wss-ec churn"
churn --port "$RSA_PORT" --pid "$RSA_PID" --conns 8 --tls --label "wss-rsa churn"
