#!/usr/bin/env bash
# `make bench`: throughput and latency of the server on this machine, with
# PostgreSQL's own rate for the same query as the ceiling.  Prints figures;
# asserts nothing.  BENCH_SECONDS (default 10) sets each run's length.
set -euo pipefail
cd "$(dirname "$0")/../.."
. conf/scripts/pg.sh
. conf/scripts/kore.sh
. conf/scripts/stack.sh

SECS=${BENCH_SECONDS:-10}
CONNS=${BENCH_CONNECTIONS:-64}
PORT=${POSTROOM_BENCH_PORT:-18988}
KORE_PID=

trap stack_down EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Kore's own access log costs most of the throughput (measured here:
# /healthz 140k req/s without, 31k with): the first row shows it, the
# rest run without it, as behind nginx, which logs the requests itself.
stack_up "$PORT"

# wrk_run LABEL PATH: one wrk run; prints a row.
wrk_run() {
	out=$(wrk -t 2 -c "$CONNS" -d "${SECS}s" --latency \
	    "http://127.0.0.1:$PORT$2")
	rps=$(echo "$out" | awk '/^Requests\/sec:/ { print $2 }')
	p50=$(echo "$out" | awk '$1 == "50%" { print $2 }')
	p99=$(echo "$out" | awk '$1 == "99%" { print $2 }')
	errs=$(echo "$out" | awk '/Non-2xx/ { print $5 }')
	printf '%-34s %12s %10s %10s %s\n' "$1" "$rps" "$p50" "$p99" \
	    "${errs:+($errs non-2xx)}"
	LAST_RPS=$rps
}

echo "Postroom benchmark: $(nproc) cores, ${SECS} s per run, $CONNS connections"
printf '%-34s %12s %10s %10s\n' "what" "req/s" "p50" "p99"
wrk_run "GET /healthz (Kore access log on)" /healthz
kore_stop
POSTROOM_ACCESS_LOG=off kore_config "$STACK_TMP/var/postroom.conf" \
    "$STACK_TMP/var" 127.0.0.1 "$PORT"
kore_start "$STACK_TMP/var/postroom.conf" "$STACK_TMP/var/log/postroom.log"
kore_wait "http://127.0.0.1:$PORT"
wrk_run "GET /healthz (no database)" /healthz
wrk_run "GET /readyz (SELECT 1, async)" /readyz
readyz=$LAST_RPS

# The ceiling: the same query straight over the unix socket.
echo "SELECT 1;" > "$STACK_TMP/select1.sql"
pg_out=$("$PG_BIN/pgbench" -h "$PGDIR" -U postroom -n -c "$CONNS" -j 2 \
    -T "$SECS" -f "$STACK_TMP/select1.sql" postroom 2>&1)
tps=$(echo "$pg_out" | awk '/^tps = / { print $3 }')
lat=$(echo "$pg_out" | awk '/^latency average/ { print $4 " " $5 }')
printf '%-34s %12s %10s %10s\n' "pgbench SELECT 1 ($CONNS clients)" "$tps" \
    "avg $lat" "-"
awk -v a="$readyz" -v b="$tps" 'BEGIN { if (b > 0)
    printf "readyz / pgbench: %.0f%%\n", 100 * a / b }'
