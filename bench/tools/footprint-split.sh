#!/usr/bin/env bash
# Where the Sluice process's resident memory goes: starts the jar through ./sluice (the launcher's memory defaults)
# with Native Memory Tracking at detail, runs a short matrix (each ping-pong and stream case and churn for 5 s), lets
# it settle 15 s, opens 5,000 idle sessions, and maps NMT's address ranges onto /proc/PID/smaps: the Pss of each NMT
# category (Java heap, metaspace, code, GC, ...), of each library, and of the rest (glibc's malloc arenas). NMT's
# "committed" counts pages that were never touched; Pss does not. docs/performance.md, "Memory footprint".
# Needs a built bench (target/loadgen.jar), the jar, gcc, jcmd. Port 18184. NMT detail adds ~2 MiB of its own.
#   bench/tools/footprint-split.sh
#   JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 JAVA_OPTS="-XX:MarkStackSize=512k" bench/tools/footprint-split.sh
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
LG=$ROOT/bench/target/loadgen.jar; P=18184
JAR=${JAR:-$ROOT/tunnel/target/sluice.jar}
[[ -n ${JAVA_HOME:-} ]] && PATH=$JAVA_HOME/bin:$PATH
T=$(mktemp -d /tmp/sluice-footprint.XXXXXX)
PID=
cleanup() { [[ -n $PID ]] && kill -TERM -- "-$PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
gcc -O2 -o "$T/echo" "$ROOT/bench/backends/echo.c"
cat > "$T/sluice.yaml" <<CONF
server: { bind: 127.0.0.1, port: $P, max-connections: 20000, runtime-dir: $T/run }
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
ulimit -n 20000
# its own process group, so the cleanup reaches the launcher's JVM and the worker; no class-data archive, whose
# recording run would differ from the others
SLUICE_JAR=$JAR SLUICE_CDS=0 JAVA_OPTS="-XX:NativeMemoryTracking=detail ${JAVA_OPTS:-}" \
    setsid "$ROOT/sluice" run -c "$T/sluice.yaml" > "$T/sluice.log" 2>&1 & PID=$!
for _ in $(seq 150); do (exec 3<>"/dev/tcp/127.0.0.1/$P") 2>/dev/null && break; sleep 0.2; done
JPID=$(pgrep -f -- "-c $T/sluice.yaml" | while read -r p; do [[ $(cat "/proc/$p/comm") == java ]] && echo "$p"; done | head -1)
[[ -n $JPID ]] || { echo "Sluice did not start: $(tail -3 "$T/sluice.log")" >&2; exit 1; }
lg() { java -XX:+UseParallelGC -jar "$LG" "$@" --port "$P" --pid "$JPID" --label sluice 2>/dev/null; }
pss() { awk '/^Pss:/ {s += $2} END {printf "%.1f", s / 1024}' "/proc/$JPID/smaps_rollup"; }
echo "$(java -version 2>&1 | head -1); JAVA_OPTS=${JAVA_OPTS:-}"
lg idle --conns 5000 --size 64 --hold 3 > /dev/null
for c in "pingpong --conns 1 --size 64" "pingpong --conns 64 --size 64" "pingpong --conns 64 --size 4096" \
         "stream --conns 16 --size 65536 --window 8" "churn --conns 8 --size 64"; do
    # shellcheck disable=SC2086
    lg $c --duration 5 --warmup 1 > /dev/null
done
sleep 15
echo "after the matrix, settled 15 s: Pss $(pss) MiB"
lg idle --conns 5000 --size 64 --hold 15 > /dev/null & IDLE=$!
sleep 13
echo "with 5,000 idle sessions: Pss $(pss) MiB"
jcmd "$JPID" VM.native_memory detail > "$T/nmt.txt"
cp "/proc/$JPID/smaps" "$T/smaps.txt"
wait "$IDLE"
python3 - "$T/nmt.txt" "$T/smaps.txt" <<'PY'
import re, sys
from collections import defaultdict
nmt = open(sys.argv[1]).read()
regions = [(int(m.group(1), 16), int(m.group(2), 16), m.group(3)) for m in re.finditer(
    r'^\[(0x[0-9a-f]+) - (0x[0-9a-f]+)\] reserved \d+KB for ([\w ]+?) from', nmt, re.M)]
pss = defaultdict(int)
mapping = None
for line in open(sys.argv[2]):
    m = re.match(r'^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$', line)
    if m:
        mapping = (int(m.group(1), 16), int(m.group(2), 16), m.group(3))
    elif line.startswith('Pss:') and mapping:
        start, end, name = mapping
        what = next((f'NMT {c}' for s, e, c in regions if start >= s and end <= e), None)
        pss[what or (name.split('/')[-1] if name else 'anonymous: malloc arenas, direct buffers')] += int(line.split()[1])
print(f'{"MiB":>7}  Pss by NMT category or mapping (with 5,000 idle sessions)')
for what, kib in sorted(pss.items(), key=lambda x: -x[1]):
    if kib >= 256:
        print(f'{kib / 1024:7.1f}  {what}')
print(f'{sum(pss.values()) / 1024:7.1f}  total')
malloc = re.search(r'^\s+malloc: (\d+)KB', nmt, re.M)
if malloc:
    print(f'(NMT: {int(malloc.group(1)) / 1024:.1f} MiB live malloc of the JVM itself)')
PY
