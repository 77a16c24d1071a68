#!/usr/bin/env bash
# Interleaved A/B of Sluice variants against lighttpd, for tuning (not the published table: that is bench/run.sh).
# Needs a finished bench/run.sh first (it leaves the echo, lighttpd.conf and sluice.yaml in /tmp/sluice-bench).
#   VARIANTS="io4|||4;io1|||1" bench/tools/ab.sh
#   VARIANTS="epoll|||;nio|-Dio.netty.transport.noNative=true||" R=2 D=4 bench/tools/ab.sh
# VARIANTS: "name|JVM options|sluice jar (default tunnel/target/sluice.jar)|server.io-threads" separated by ';'.
# Every variant and lighttpd run at once on their own ports (idle but for the one measured); each case runs for
# every server in turn, R rounds. Prints: case, server, msg/s, p50 us, server CPU us/msg, errors.
set -u
HERE=$(cd "$(dirname "$0")/.." && pwd)
W=/tmp/sluice-bench; LG=$HERE/target/loadgen.jar
D=${D:-4}; R=${R:-2}
ulimit -n $(ulimit -Hn)
PIDS=(); NAMES=(); PORTS=()
setsid lighttpd -D -f $W/lighttpd.conf > /tmp/lt.log 2>&1 & PIDS+=($!); NAMES+=(lighttpd); PORTS+=(8082)
port=8091
IFS=';' read -ra VS <<< "$VARIANTS"
for v in "${VS[@]}"; do
  IFS='|' read -r name opts jar io <<< "$v"
  jar=${jar:-$(dirname "$HERE")/tunnel/target/sluice.jar}
  sed "s/port: 8081/port: $port/; s#echo.sock#echo-$port.sock#; s#sluice-run#sluice-run-$port#" $W/sluice.yaml > $W/sluice-$port.yaml
  [ -n "${io:-}" ] && sed -i "s/max-connections: 20000,/max-connections: 20000, io-threads: $io,/" $W/sluice-$port.yaml
  setsid java $opts -jar $jar run -c $W/sluice-$port.yaml > /tmp/perf-ab-$name.log 2>&1 & PIDS+=($!); NAMES+=($name); PORTS+=($port)
  port=$((port+1))
done
trap 'for p in "${PIDS[@]}"; do kill -TERM -- -$p 2>/dev/null; done' EXIT
sleep 4
LGO="-XX:+UseParallelGC -Dio.netty.leakDetection.level=disabled"
for i in "${!PIDS[@]}"; do java $LGO -jar $LG pingpong --conns 64 --size 4096 --duration ${WU:-4} --warmup 0 --port ${PORTS[$i]} >/dev/null 2>&1; done
CASELIST=${CASES:-"pingpong --conns 1 --size 64
pingpong --conns 64 --size 64
pingpong --conns 64 --size 4096
stream --conns 16 --size 65536 --window 8"}
for r in $(seq $R); do
while IFS= read -r c; do
  for i in "${!PIDS[@]}"; do
    java $LGO -jar $LG $c --duration $D --warmup 1 --port ${PORTS[$i]} --pid ${PIDS[$i]} --clk-tck 100 2>/dev/null | jq -r --arg c "$c" --arg n "${NAMES[$i]}" '"\($c|.[0:36])\t\($n)\t\(.rate_msgs_s|floor)\tp50 \(.p50_us|floor)\tcpu \(.server_cpu_us_per_msg)\terr \(.errors)"'
  done
done <<< "$CASELIST"
done
