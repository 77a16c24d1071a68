#!/usr/bin/env bash
# Sluice side by side with lighttpd, websocketd and websockify: one command, a few minutes, loopback only.
#   bench/run.sh                       the whole matrix with short defaults
#   BENCH_DURATION=20 bench/run.sh     longer measured intervals (seconds per closed-loop case)
# Environment knobs (defaults in brackets): BENCH_DURATION [3] BENCH_WARMUP [1] BENCH_WINDOW [8]
#   BENCH_IDLE_CONNS [5000] BENCH_IDLE_CONNS_WEBSOCKETD [2500] BENCH_IDLE_CONNS_WEBSOCKIFY [400] BENCH_IDLE_HOLD [3]
#   BENCH_SERVERS ["raw lighttpd sluice sluice-perconn websocketd websockify"]
#   BENCH_THREADS [1] LoadGen event loops; BENCH_MIN_AVAILABLE_MIB [2048] idle stops opening sessions below it
#   BENCH_SERVER_WARMUP [3] seconds of unrecorded load per server before its closed-loop cases (JIT, caches)
#   BENCH_SLUICE_SPAWN [1] 1 = Sluice spawns the echo with bin-path like lighttpd; 0 = static socket, echo by us
#   BENCH_ROUNDS [1] rounds of the closed-loop cases; the report takes each case's median run
#   BENCH_REPEAT_SERVERS ["lighttpd sluice"] the servers that rounds 2.. repeat (the pair the targets compare)
#   BENCH_SKIP_INSTALL [0] BENCH_SKIP_BUILD [0] SLUICE_JAR [tunnel/target/sluice.jar] SLUICE_JAVA_OPTS []
#   BENCH_SLUICE_TRANSPORT [] server.transport of "sluice" (auto, epoll, io_uring, nio); empty = not written (auto)
#   LOADGEN_JAVA_OPTS [-XX:+UseParallelGC -Dio.netty.leakDetection.level=disabled]
#   BENCH_CHURN_SERVERS ["lighttpd sluice sluice-perconn websocketd"] servers that get the session-churn cases (churn-cold on a
#     fresh server, then churn-Nx64 after the matrix); BENCH_CHURN_CONNS [8] slots; BENCH_CHURN_COLD [5] seconds;
#     BENCH_CHURN_WARMUP [10] seconds of unrecorded churn right before churn-Nx64 (the JIT needs sessions to warm)
#   BENCH_SLUICE_PER_CONNECTION [1] 0 = leave out "sluice-perconn" (Sluice with instances: per-connection and
#     echo --stdio, the websocketd comparison) even when BENCH_SERVERS names it.
#   BENCH_FOOTPRINT_SERVERS ["lighttpd sluice"] servers whose Pss is sampled in round 1 (footprint-rest after the start,
#     footprint-matrix after every case, each after BENCH_SETTLE [15] s without load) and that then hold
#     BENCH_IDLE_CONNS idle sessions again (footprint-idle-N: the memory of a server that has been under load)
# Sluice starts through ./sluice (SLUICE_JAR, JAVA_OPTS=SLUICE_JAVA_OPTS), with its memory defaults and class-data
# archive, the way users start it; SLUICE_JVM_DEFAULTS=0 and SLUICE_CDS=0 pass through to the launcher.
# Writes bench/results/results-<stamp>.{md,jsonl,png}. Everything it starts is stopped on exit.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
DURATION=${BENCH_DURATION:-3}
WARMUP=${BENCH_WARMUP:-1}
WINDOW=${BENCH_WINDOW:-8}
IDLE_CONNS=${BENCH_IDLE_CONNS:-5000}
# per-process-per-session peers get fewer idle sessions by default: websocketd needs ~4 descriptors per session
# (20,000 is a common hard ulimit); websockify 0.10 uses select(), so descriptors above 1023 fail ("filedescriptor
# out of range in select()") at about 500 sessions, and it forks a ~3 MiB Python process per session
IDLE_CONNS_WEBSOCKETD=${BENCH_IDLE_CONNS_WEBSOCKETD:-$((IDLE_CONNS < 2500 ? IDLE_CONNS : 2500))}
IDLE_CONNS_WEBSOCKIFY=${BENCH_IDLE_CONNS_WEBSOCKIFY:-$((IDLE_CONNS < 400 ? IDLE_CONNS : 400))}
IDLE_HOLD=${BENCH_IDLE_HOLD:-3}
THREADS=${BENCH_THREADS:-1}
SERVERS=${BENCH_SERVERS:-raw lighttpd sluice sluice-perconn websocketd websockify}
MIN_AVAILABLE_MIB=${BENCH_MIN_AVAILABLE_MIB:-2048}
SERVER_WARMUP=${BENCH_SERVER_WARMUP:-3}
SLUICE_SPAWN=${BENCH_SLUICE_SPAWN:-1}
ROUNDS=${BENCH_ROUNDS:-1}
REPEAT_SERVERS=${BENCH_REPEAT_SERVERS:-lighttpd sluice}
CHURN_SERVERS=${BENCH_CHURN_SERVERS:-lighttpd sluice sluice-perconn websocketd}
CHURN_CONNS=${BENCH_CHURN_CONNS:-8}
CHURN_COLD=${BENCH_CHURN_COLD:-5}
CHURN_WARMUP=${BENCH_CHURN_WARMUP:-10}
SLUICE_PER_CONNECTION=${BENCH_SLUICE_PER_CONNECTION:-1}
SLUICE_TRANSPORT=${BENCH_SLUICE_TRANSPORT:-}
FOOTPRINT_SERVERS=${BENCH_FOOTPRINT_SERVERS:-lighttpd sluice}
SETTLE=${BENCH_SETTLE:-15}
ROUND=1
PHASE=matrix   # cold: a fresh server runs only churn-cold; matrix: the cases below (bench_* call run_cases)
LOADGEN_JAVA_OPTS=${LOADGEN_JAVA_OPTS:--XX:+UseParallelGC -Dio.netty.leakDetection.level=disabled}
SLUICE_JAR_GIVEN=${SLUICE_JAR:+1}
SLUICE_JAR=${SLUICE_JAR:-$ROOT/tunnel/target/sluice.jar}
WORK=/tmp/sluice-bench
STAMP=$(date +%Y%m%d-%H%M%S)
OUT=$HERE/results
JSONL=$OUT/results-$STAMP.jsonl
LOADGEN=$HERE/target/loadgen.jar
ECHO=$WORK/echo
CLK_TCK=$(getconf CLK_TCK)

declare -a STARTED=()   # process-group leaders started by this script

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

stop_group() {   # TERM the group, KILL what is left after 5 s
    local pid=$1
    kill -TERM -- "-$pid" 2>/dev/null || return 0
    for _ in $(seq 50); do kill -0 -- "-$pid" 2>/dev/null || return 0; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
}

cleanup() {
    local pid
    for pid in "${STARTED[@]}"; do stop_group "$pid"; done
    STARTED=()
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start NAME CMD...: runs CMD as the leader of a new process group (setsid does not fork in a background job),
# output to $WORK/NAME.log; sets STARTED_PID. Not to be called in $(...): STARTED must grow in this shell.
start() {
    local name=$1; shift
    setsid "$@" >"$WORK/$name.log" 2>&1 </dev/null &
    STARTED_PID=$!
    STARTED+=("$STARTED_PID")
}

stop() {
    local pid=$1 kept=() p
    stop_group "$pid"
    for p in "${STARTED[@]}"; do [[ $p == "$pid" ]] || kept+=("$p"); done
    STARTED=("${kept[@]+"${kept[@]}"}")
}

wait_port() {   # wait_port PORT PID SECONDS
    local port=$1 pid=$2 deadline=$((SECONDS + $3))
    while ((SECONDS < deadline)); do
        kill -0 "$pid" 2>/dev/null || return 1
        timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null && return 0
        sleep 0.2
    done
    return 1
}

skip() {   # skip SERVER REASON: a row that says why it is missing
    log "skipping $1: $2"
    jq -cn --arg s "$1" --arg r "$2" '{server:$s, skipped:$r}' >>"$JSONL"
}

install_peers() {
    local missing=()
    command -v lighttpd >/dev/null || missing+=(lighttpd)
    command -v websocketd >/dev/null || missing+=(websocketd)
    command -v websockify >/dev/null || missing+=(websockify)
    command -v gnuplot >/dev/null || missing+=(gnuplot-nox)
    command -v jq >/dev/null || missing+=(jq)
    command -v gcc >/dev/null || missing+=(gcc)
    ((${#missing[@]} == 0)) && return 0
    [[ ${BENCH_SKIP_INSTALL:-0} == 1 ]] && { log "missing ${missing[*]} and BENCH_SKIP_INSTALL=1"; return 0; }
    log "installing ${missing[*]} from Debian"
    local sudo=; ((EUID == 0)) || sudo=sudo
    timeout 300 $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive timeout 600 $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

build() {
    log "building echo backend"
    gcc -O2 -Wall -o "$ECHO" "$HERE/backends/echo.c"
    if [[ ${BENCH_SKIP_BUILD:-0} != 1 ]]; then
        log "building LoadGen"
        (cd "$ROOT" && timeout 600 ./mvnw -q -o -pl bench -am -DskipTests package)
        if [[ -z $SLUICE_JAR_GIVEN ]]; then
            log "building Sluice"
            (cd "$ROOT" && timeout 600 ./mvnw -q -o -pl tunnel -am -DskipTests package) \
                || log "Sluice does not build; its row will be skipped"
        fi
    fi
}

# run_case SERVER CASE PORT PIDS [LoadGen options...]
run_case() {
    local server=$1 case=$2 port=$3 pids=$4; shift 4
    local limit=$((${DURATION%.*} + ${WARMUP%.*} + 90)) line rc=0
    [[ $case == idle-* || $case == footprint-idle-* ]] && limit=$((${IDLE_HOLD%.*} + 300))
    [[ $case == footprint-rest || $case == footprint-matrix ]] && limit=$((${SETTLE%.*} + 60))
    [[ $case == churn-* ]] && limit=$((${DURATION%.*} + ${WARMUP%.*} + ${CHURN_COLD%.*} + 120))
    log "$server $case"
    # --foreground: Ctrl-C reaches LoadGen; bash ignores a SIGINT its child survived, so 130 ends the run here
    line=$(timeout --foreground -k 5 "$limit" java $LOADGEN_JAVA_OPTS -jar "$LOADGEN" "$@" --port "$port" \
        --pid "$pids" --threads "$THREADS" --clk-tck "$CLK_TCK" --label "$server" 2>>"$WORK/loadgen.err") || rc=$?
    ((rc != 130)) || exit 130
    if [[ -z $line ]]; then
        line=$(jq -cn --arg e "LoadGen exited $rc without a result (see $WORK/loadgen.err)" \
            '{errors:1, first_error:$e, valid:false}')
    fi
    jq -c --arg s "$server" --arg c "$case" --argjson r "$ROUND" '. + {server:$s, case:$c, round:$r}' <<<"$line" \
        >>"$JSONL"
    jq -r 'if .rate_sessions_s then "    \(.case): \(.rate_sessions_s) sessions/s, 101 p50 \(.upgrade_p50_us) us, errors \(.errors)"
           elif .pss_kib then "    \(.case): Pss \(.pss_kib / 1024 | floor) MiB"
           else "    \(.case): \(.rate_msgs_s // "-") msg/s, p50 \(.p50_us // "-") us, errors \(.errors)" end' \
        <<<"$(tail -1 "$JSONL")" >&2
}

warm_up() {   # warm_up SERVER PORT [extra LoadGen options]: unrecorded load, the same for every server
    local server=$1 port=$2; shift 2
    ((${SERVER_WARMUP%.*} > 0)) || return 0
    log "$server warm-up (${SERVER_WARMUP} s, not recorded)"
    local rc=0
    timeout --foreground -k 5 $((${SERVER_WARMUP%.*} * 2 + 60)) java $LOADGEN_JAVA_OPTS -jar "$LOADGEN" pingpong \
        --conns 64 --size 4096 --duration "$SERVER_WARMUP" --warmup 0 --port "$port" "$@" >/dev/null \
        2>>"$WORK/loadgen.err" || rc=$?
    ((rc != 130)) || exit 130
    ((rc == 0)) || log "$server warm-up had errors (see $WORK/loadgen.err)"
}

warm_up_churn() {   # warm_up_churn SERVER PORT [extra LoadGen options]: unrecorded churn before the warm churn case
    local server=$1 port=$2; shift 2
    ((${CHURN_WARMUP%.*} > 0)) || return 0
    log "$server churn warm-up (${CHURN_WARMUP} s, not recorded)"
    local rc=0
    timeout --foreground -k 5 $((${CHURN_WARMUP%.*} * 2 + 60)) java $LOADGEN_JAVA_OPTS -jar "$LOADGEN" churn \
        --conns "$CHURN_CONNS" --size 64 --duration "$CHURN_WARMUP" --warmup 0 --port "$port" "$@" >/dev/null \
        2>>"$WORK/loadgen.err" || rc=$?
    ((rc != 130)) || exit 130
    ((rc == 0)) || log "$server churn warm-up had errors (see $WORK/loadgen.err)"
}

idle_conns() {   # idle_conns SERVER: how many idle sessions SERVER holds
    case $1 in
        websocketd | sluice-perconn) echo "$IDLE_CONNS_WEBSOCKETD" ;;
        websockify) echo "$IDLE_CONNS_WEBSOCKIFY" ;;
        *) echo "$IDLE_CONNS" ;;
    esac
}

run_matrix() {   # run_matrix SERVER PORT PIDS [extra LoadGen options]
    local server=$1 port=$2 pids=$3; shift 3
    local common=(--duration "$DURATION" --warmup "$WARMUP" "$@") idle
    idle=$(idle_conns "$server")
    # idle first, while the server is fresh: its Pss before the sessions is then the same baseline for every server;
    # once, in round 1
    if ((ROUND == 1)); then
        run_case "$server" "idle-$idle" "$port" "$pids" idle --conns "$idle" --size 64 --hold "$IDLE_HOLD" \
            --min-available-mib "$MIN_AVAILABLE_MIB" "$@"
    fi
    warm_up "$server" "$port" "$@"
    run_case "$server" pp-1x64 "$port" "$pids" pingpong --conns 1 --size 64 "${common[@]}"
    run_case "$server" pp-64x64 "$port" "$pids" pingpong --conns 64 --size 64 "${common[@]}"
    run_case "$server" pp-64x4k "$port" "$pids" pingpong --conns 64 --size 4096 "${common[@]}"
    run_case "$server" st-16x64k "$port" "$pids" stream --conns 16 --size 65536 --window "$WINDOW" "${common[@]}"
}

churns() { [[ " $CHURN_SERVERS " == *" $1 "* ]]; }
footprints() { [[ " $FOOTPRINT_SERVERS " == *" $1 "* ]] && ((ROUND == 1)); }

footprint() {   # footprint SERVER CASE PORT PIDS: the tree's Pss after SETTLE s without load
    run_case "$1" "$2" "$3" "$4" footprint --hold "$SETTLE"
}

# run_cases SERVER PORT PIDS [extra LoadGen options]: what a started server runs in this PHASE
run_cases() {
    local server=$1 port=$2 pids=$3; shift 3
    if [[ $PHASE == cold ]]; then
        # the first seconds of a server that just started: no warm-up of any kind
        run_case "$server" churn-cold "$port" "$pids" churn --conns "$CHURN_CONNS" --size 64 --duration "$CHURN_COLD" \
            --warmup 0 "$@"
        return
    fi
    if footprints "$server"; then footprint "$server" footprint-rest "$port" "$pids"; fi
    if [[ $server != sluice-perconn ]]; then
        run_matrix "$server" "$port" "$pids" "$@"
    elif ((ROUND == 1)); then
        run_case "$server" "idle-$(idle_conns "$server")" "$port" "$pids" idle --conns "$(idle_conns "$server")" \
            --size 64 --hold "$IDLE_HOLD" --min-available-mib "$MIN_AVAILABLE_MIB" "$@"
    fi
    if churns "$server"; then
        warm_up_churn "$server" "$port" "$@"
        run_case "$server" "churn-${CHURN_CONNS}x64" "$port" "$pids" churn --conns "$CHURN_CONNS" --size 64 \
            --duration "$DURATION" --warmup "$WARMUP" "$@"
    fi
    if footprints "$server"; then
        # what the server kept after all its load, then the same idle sessions on top of it
        footprint "$server" footprint-matrix "$port" "$pids"
        run_case "$server" "footprint-idle-$(idle_conns "$server")" "$port" "$pids" idle \
            --conns "$(idle_conns "$server")" --size 64 --hold "$IDLE_HOLD" --min-available-mib "$MIN_AVAILABLE_MIB" "$@"
    fi
}

bench_raw() {
    local echo_pid
    start raw-echo "$ECHO" --tcp 9000
    echo_pid=$STARTED_PID
    wait_port 9000 "$echo_pid" 10 || { skip raw "echo --tcp did not listen"; return; }
    run_matrix raw 9000 "$echo_pid" --raw
    stop "$echo_pid"
}

bench_lighttpd() {
    command -v lighttpd >/dev/null || { skip lighttpd "lighttpd not installed"; return; }
    mkdir -p "$WORK/www"
    cat >"$WORK/lighttpd.conf" <<CONF
server.document-root = "$WORK/www"
server.bind = "127.0.0.1"
server.port = 8082
server.modules = ( "mod_wstunnel" )
server.errorlog = "$WORK/lighttpd-error.log"
server.max-fds = $(ulimit -Hn)
server.max-connections = 6000
server.max-read-idle = 3600
server.max-write-idle = 3600
wstunnel.frame-type = "binary"
wstunnel.server = ( "/echo" => ( ( "socket" => "$WORK/lt-echo.sock", "bin-path" => "$ECHO --fd0",
                                   "min-procs" => 1, "max-procs" => 1 ) ) )
CONF
    local pid
    start lighttpd lighttpd -D -f "$WORK/lighttpd.conf"
    pid=$STARTED_PID
    wait_port 8082 "$pid" 15 || { skip lighttpd "did not start (see $WORK/lighttpd.log)"; stop "$pid"; return; }
    run_cases lighttpd 8082 "$pid"
    stop "$pid"
}

# start_sluice NAME CONFIG: Sluice the way users start it, through the launcher (memory defaults, class-data archive)
start_sluice() {
    start "$1" env JAVA_OPTS="${SLUICE_JAVA_OPTS:-}" SLUICE_JAR="$SLUICE_JAR" "$ROOT/sluice" run -c "$2"
}

record_command() {   # record_command PID: the JVM command line the launcher ran, once per run, for the report
    [[ -s $WORK/sluice.cmdline ]] || tr '\0' ' ' <"/proc/$1/cmdline" >"$WORK/sluice.cmdline" 2>/dev/null || true
}

write_sluice_yaml() {   # the configuration of the "sluice" server: one spawned echo (or a static socket)
    cat >"$WORK/sluice.yaml" <<CONF
server: { bind: 127.0.0.1, port: 8081, max-connections: 20000, runtime-dir: $WORK/sluice-run${SLUICE_TRANSPORT:+, transport: $SLUICE_TRANSPORT} }
wstunnel:
  frame-type: binary
  ping-interval: 0
  server:
    "/echo":
      - socket: $WORK/echo.sock
CONF
    if [[ $SLUICE_SPAWN == 1 ]]; then
        cat >>"$WORK/sluice.yaml" <<CONF
        bin-path: $ECHO --fd0
        min-procs: 1
        max-procs: 1
CONF
    fi
}

# The launcher records its class-data archive in the first run after a build (written when that run stops) and maps
# it in later runs: one unrecorded start with a little churn and ping-pong first, so every measured start maps it.
prime_sluice() {
    [[ " $SERVERS " == *" sluice"* && -f $SLUICE_JAR && ${SLUICE_CDS:-1} != 0 ]] || return 0
    log "sluice: one unrecorded start for the launcher's class-data archive"
    local pid
    SLUICE_SPAWN=1 write_sluice_yaml
    start_sluice sluice-prime "$WORK/sluice.yaml"
    pid=$STARTED_PID
    if wait_port 8081 "$pid" 30; then
        timeout -k 5 60 java $LOADGEN_JAVA_OPTS -jar "$LOADGEN" churn --conns 4 --duration 2 --warmup 0 --port 8081 \
            >/dev/null 2>>"$WORK/loadgen.err" || true
        timeout -k 5 60 java $LOADGEN_JAVA_OPTS -jar "$LOADGEN" pingpong --conns 8 --size 4096 --duration 1 \
            --warmup 0 --port 8081 >/dev/null 2>>"$WORK/loadgen.err" || true
    fi
    # TERM Sluice alone and wait: it writes the archive on its way out (JDK 25 in a child JVM), which takes seconds
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1200); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.1; done
    stop "$pid"
}

bench_sluice() {
    [[ -f $SLUICE_JAR ]] || { skip sluice "no $SLUICE_JAR (the tunnel does not build yet)"; return; }
    write_sluice_yaml
    local echo_pid=0 pid
    if [[ $SLUICE_SPAWN != 1 ]]; then
        start sluice-echo "$ECHO" --unix "$WORK/echo.sock"
        echo_pid=$STARTED_PID
    fi
    start_sluice sluice "$WORK/sluice.yaml"
    pid=$STARTED_PID
    if ! wait_port 8081 "$pid" 30; then
        skip sluice "did not listen on 8081 within 30 s: $(tail -3 "$WORK/sluice.log" | tr '\n' ' ')"
        stop "$pid"; ((echo_pid == 0)) || stop "$echo_pid"; return
    fi
    record_command "$pid"
    if ((echo_pid == 0)); then run_cases sluice 8081 "$pid"; else run_cases sluice 8081 "$pid,$echo_pid"; fi
    stop "$pid"; ((echo_pid == 0)) || stop "$echo_pid"
}

bench_websocketd() {
    command -v websocketd >/dev/null || { skip websocketd "websocketd not installed"; return; }
    local pid
    start websocketd websocketd --address=127.0.0.1 --port=8083 --binary=true --loglevel=error \
        "$ECHO" --stdio
    pid=$STARTED_PID
    wait_port 8083 "$pid" 15 || { skip websocketd "did not start (see $WORK/websocketd.log)"; stop "$pid"; return; }
    run_cases websocketd 8083 "$pid"
    stop "$pid"
}

# Sluice running one echo --stdio per session, as websocketd does: the per-connection comparison (issue 9). It runs
# the churn cases and the idle case (memory per live session), nothing else.
bench_sluice_perconn() {
    if [[ $SLUICE_PER_CONNECTION != 1 ]]; then
        [[ $PHASE == cold ]] || skip sluice-perconn "BENCH_SLUICE_PER_CONNECTION=0"
        return
    fi
    [[ -f $SLUICE_JAR ]] || { skip sluice-perconn "no $SLUICE_JAR"; return; }
    cat >"$WORK/sluice-perconn.yaml" <<CONF
server: { bind: 127.0.0.1, port: 8085, max-connections: 20000, runtime-dir: $WORK/sluice-perconn-run }
wstunnel:
  frame-type: binary
  ping-interval: 0
  server:
    "/echo":
      - bin-path: $ECHO --stdio
        instances: per-connection
        max-procs: 20000
CONF
    local pid
    start_sluice sluice-perconn "$WORK/sluice-perconn.yaml"
    pid=$STARTED_PID
    if ! wait_port 8085 "$pid" 30; then
        skip sluice-perconn "did not listen on 8085 within 30 s: $(tail -3 "$WORK/sluice-perconn.log" | tr '\n' ' ')"
        stop "$pid"; return
    fi
    run_cases sluice-perconn 8085 "$pid"
    stop "$pid"
}

bench_websockify() {
    command -v websockify >/dev/null || { skip websockify "websockify not installed"; return; }
    local echo_pid pid
    start websockify-echo "$ECHO" --tcp 9001
    echo_pid=$STARTED_PID
    start websockify websockify 127.0.0.1:8084 127.0.0.1:9001
    pid=$STARTED_PID
    if ! wait_port 8084 "$pid" 15; then
        skip websockify "did not start (see $WORK/websockify.log)"; stop "$pid"; stop "$echo_pid"; return
    fi
    run_matrix websockify 8084 "$pid,$echo_pid" --subprotocol binary
    stop "$pid"; stop "$echo_pid"
}

main() {
    rm -rf "$WORK"; mkdir -p "$WORK" "$OUT"
    ulimit -n "$(ulimit -Hn)"
    install_peers
    build
    prime_sluice
    : >"$JSONL"
    {
        jq -cn --arg stamp "$STAMP" --arg cpu "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs)" \
            --arg cores "$(nproc)" --arg kernel "$(uname -r)" --arg load "$(cut -d' ' -f1-3 /proc/loadavg)" \
            --arg lighttpd "$(lighttpd -v 2>/dev/null | head -1 || true)" \
            --arg websocketd "$(websocketd --version 2>/dev/null | head -1 || true)" \
            --arg websockify "$(dpkg-query -W -f='${Version}' websockify 2>/dev/null || true)" \
            --arg java "$("${JAVA_HOME:+$JAVA_HOME/bin/}java" -version 2>&1 | head -1)" \
            --arg java_opts "${SLUICE_JAVA_OPTS:-}" --arg settle "$SETTLE" \
            --arg duration "$DURATION" --arg window "$WINDOW" --arg idle "$IDLE_CONNS" --arg threads "$THREADS" \
            --arg spawn "$SLUICE_SPAWN" --arg swarm "$SERVER_WARMUP" --arg rounds "$ROUNDS" \
            --arg transport "$SLUICE_TRANSPORT" \
            '{meta:true, stamp:$stamp, cpu:$cpu, cores:$cores, kernel:$kernel, loadavg_start:$load,
              lighttpd:$lighttpd, websocketd:$websocketd, websockify:$websockify, java:$java,
              duration_s:$duration, window:$window, idle_conns:$idle, loadgen_threads:$threads,
              sluice_spawn:($spawn == "1"), server_warmup_s:$swarm, rounds:($rounds | tonumber),
              sluice_transport:(if $transport == "" then "auto" else $transport end),
              sluice_java_opts:$java_opts, settle_s:$settle}'
    } >>"$JSONL"
    local server
    for ((ROUND = 1; ROUND <= ROUNDS; ROUND++)); do
        ((ROUNDS == 1)) || log "round $ROUND of $ROUNDS"
        for server in $SERVERS; do
            # rounds interleave the servers, so a slow minute of a shared host does not hit one server only
            if ((ROUND > 1)) && [[ " $REPEAT_SERVERS " != *" $server "* ]]; then continue; fi
            for PHASE in cold matrix; do
                # the cold churn case gets a server of its own, so the idle case still meets a fresh one
                if [[ $PHASE == cold ]] && { ((ROUND > 1)) || ! churns "$server"; }; then continue; fi
                case $server in
                    raw) bench_raw ;;
                    lighttpd) bench_lighttpd ;;
                    sluice) bench_sluice ;;
                    sluice-perconn) bench_sluice_perconn ;;
                    websocketd) bench_websocketd ;;
                    websockify) bench_websockify ;;
                    *) log "unknown server '$server'" ;;
                esac
            done
        done
    done
    jq -c --arg load "$(cut -d' ' -f1-3 /proc/loadavg)" --arg cmd "$(cat "$WORK/sluice.cmdline" 2>/dev/null)" \
        'select(.meta) | . + {loadavg_end:$load, sluice_command:$cmd}' "$JSONL" \
        >"$WORK/meta.json"
    { cat "$WORK/meta.json"; grep -v '"meta":true' "$JSONL"; } >"$WORK/all.jsonl" && mv "$WORK/all.jsonl" "$JSONL"
    log "writing the report"
    local python=python3; [[ -x /usr/bin/python3 ]] && python=/usr/bin/python3
    timeout 60 "$python" "$HERE/report.py" "$JSONL"
    log "done: ${JSONL%.jsonl}.md"
}

main "$@"
