#!/usr/bin/env bash
# Syscalls, context switches and CPU per message of lighttpd and Sluice (each with its echo worker) under one case,
# from perf stat tracepoints; also the server process's utime/stime ticks. Needs a finished bench/run.sh first.
#   CASE="pingpong --conns 64 --size 64" bench/tools/syscalls.sh
set -u
HERE=$(cd "$(dirname "$0")/.." && pwd)
W=/tmp/sluice-bench; LG=$HERE/target/loadgen.jar
ulimit -n $(ulimit -Hn)
EV=task-clock,context-switches,raw_syscalls:sys_enter,syscalls:sys_enter_read,syscalls:sys_enter_recvfrom,syscalls:sys_enter_write,syscalls:sys_enter_writev,syscalls:sys_enter_sendto,syscalls:sys_enter_epoll_wait,syscalls:sys_enter_epoll_pwait2,syscalls:sys_enter_epoll_pwait,syscalls:sys_enter_epoll_ctl,syscalls:sys_enter_futex,syscalls:sys_enter_sendmsg,syscalls:sys_enter_recvmsg
LGO="-XX:+UseParallelGC -Dio.netty.leakDetection.level=disabled"
measure() { # name port pid
  java $LGO -jar $LG pingpong --conns 64 --size 4096 --duration 3 --warmup 0 --port $2 >/dev/null 2>&1
  java $LGO -jar $LG $CASE --duration 7 --warmup 1 --port $2 > /tmp/sys-lg.json 2>/dev/null &
  local L=$!
  sleep 2
  local p1=$(echo $3 | cut -d, -f1); local a=$(awk "{print \$14, \$15}" /proc/$p1/stat); perf stat -e $EV -p $3 -- sleep 4 2> /tmp/sys-$1.txt; echo "main proc utime/stime ticks before: $a after: $(awk "{print \$14, \$15}" /proc/$p1/stat)"
  wait $L
  local rate=$(jq .rate_msgs_s /tmp/sys-lg.json)
  echo "== $1 rate $rate"
  awk -v r=$rate '/^ *[0-9]/{gsub(",","",$1); v=$1/(r*4); if ($2=="msec") {v=v*1000; $2="task-clock-us"}; printf "%-40s %10.2f per msg\n", $2, v}' /tmp/sys-$1.txt | grep -v " 0.00 per"
}
setsid lighttpd -D -f $W/lighttpd.conf > /tmp/lt.log 2>&1 & LP=$!
setsid java ${SLUICE_JAVA_OPTS:-} -jar ${JAR:-$(dirname "$HERE")/tunnel/target/sluice.jar} run -c $W/sluice.yaml > /tmp/perf-sys-sluice.log 2>&1 & SP=$!
trap 'kill -TERM -- -$LP -$SP 2>/dev/null' EXIT
sleep 4
measure lighttpd 8082 $LP,$(pgrep -P $LP | tr '\n' ',' | sed 's/,$//')
measure sluice 8081 $SP,$(pgrep -P $SP | tr '\n' ',' | sed 's/,$//')
