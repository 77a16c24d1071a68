#!/usr/bin/env bash
# Interleaved A/B of server.transport with the whole bench/run.sh matrix (Sluice only): epoll, io_uring, epoll, ...
# Each run is a fresh bench/run.sh under the shared lock (/tmp/bench.lock), so other benchmarks slot in between.
#   ROUNDS=4 bench/tools/transport-ab.sh              then: bench/tools/transport_medians.py <the printed .jsonl files>
#   TRANSPORTS="epoll nio" ROUNDS=2 bench/tools/transport-ab.sh
# Needs the jars built (bench/run.sh builds them; this passes BENCH_SKIP_BUILD=1) and what bench/run.sh needs.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ROUNDS=${ROUNDS:-3}
TRANSPORTS=${TRANSPORTS:-epoll io_uring}
cd "$ROOT"
for round in $(seq "$ROUNDS"); do
    for transport in $TRANSPORTS; do
        echo "=== round $round transport $transport $(date +%T) load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
        flock /tmp/bench.lock env BENCH_SERVERS=sluice BENCH_CHURN_SERVERS=sluice BENCH_SKIP_INSTALL=1 \
            BENCH_SKIP_BUILD=1 BENCH_DURATION="${BENCH_DURATION:-3}" BENCH_SLUICE_TRANSPORT="$transport" \
            bench/run.sh 2>&1 | grep -E '^    |done:' >&2
        ls -t bench/results/results-*.jsonl | head -1
    done
done
