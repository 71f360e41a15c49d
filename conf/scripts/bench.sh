#!/usr/bin/env bash
# `make bench`: throughput and latency of the server on this machine, with
# PostgreSQL's own rate for the same query as the ceiling.  Prints figures;
# asserts nothing.  BENCH_SECONDS (default 10) sets each run's length,
# BENCH_CONNECTIONS (64) wrk's connections and pgbench's clients,
# BENCH_CREATE_CONNECTIONS (8) those of the create run, BENCH_WORKERS (1)
# and BENCH_DB_CONNS (4) the server's workers and database connections
# per worker.
set -euo pipefail
cd "$(dirname "$0")/../.."
. conf/scripts/pg.sh
. conf/scripts/kore.sh
. conf/scripts/stack.sh

SECS=${BENCH_SECONDS:-10}
CONNS=${BENCH_CONNECTIONS:-64}
CREATE_CONNS=${BENCH_CREATE_CONNECTIONS:-8}
PORT=${POSTROOM_BENCH_PORT:-18988}
KORE_PID=

# The server as this machine wants it: PostgreSQL takes three quarters of
# its 2 cores, and one Kore worker (its event loop uses a fraction of a
# core) keeps every request in one line for the database connections.
# With two, wrk's 64 connections split unevenly between the workers (56
# and 8 seen) and so did the waits: search p99 31-37 ms with 2 workers of
# 2 connections, 19-21 ms with 1 worker of 4 (lookup p99 5-6 ms and
# 4.7-5.5 ms).
export POSTROOM_WORKERS=${BENCH_WORKERS:-1}
export POSTROOM_DB_CONNS=${BENCH_DB_CONNS:-4}

trap stack_down EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Kore's own access log costs most of the throughput (measured here:
# /healthz 140k req/s without, 31k with): the first row shows it, the
# rest run without it, as behind nginx, which logs the requests itself.
# A million mailboxes and their indexes fit in 1 GB of shared buffers, as
# they would on a database server sized for them.
PG_SHARED_BUFFERS=1GB stack_up "$PORT"

# wrk_run LABEL PATH [SCRIPT [CONNS]]: one wrk run; prints a row.
wrk_run() {
	out=$(wrk -t 2 -c "${4:-$CONNS}" -d "${SECS}s" --latency \
	    ${3:+-s "$3"} "http://127.0.0.1:$PORT$2")
	rps=$(echo "$out" | awk '/^Requests\/sec:/ { print $2 }')
	p50=$(echo "$out" | awk '$1 == "50%" { print $2 }')
	p99=$(echo "$out" | awk '$1 == "99%" { print $2 }')
	errs=$(echo "$out" | awk '/Non-2xx/ { print $5 }')
	printf '%-44s %10s %10s %10s %s\n' "$1" "$rps" "$p50" "$p99" \
	    "${errs:+($errs non-2xx)}"
	LAST_RPS=$rps
}

# wrk_warm PATH SCRIPT: 2 s unmeasured, so that the workers' database
# connections are open and their statements prepared (both synchronous,
# once per connection) before the measured run.
wrk_warm() {
	wrk -t 2 -c "$CONNS" -d 2s -s "$2" "http://127.0.0.1:$PORT$1" \
	    >/dev/null
}

# pgbench_run LABEL FILE [-M MODE]: pgbench's rate over the unix socket.
pgbench_run() {
	label=$1 file=$2
	shift 2
	pg_out=$("$PG_BIN/pgbench" -h "$PGDIR" -U postroom -n -c "$CONNS" \
	    -j 2 -T "$SECS" "$@" -f "$file" postroom 2>&1) || {
		echo "pgbench failed: $pg_out" >&2
		return 1
	}
	tps=$(echo "$pg_out" | awk '/^tps = / { print $3 }')
	lat=$(echo "$pg_out" | awk '/^latency average/ { print $4 }')
	printf '%-44s %10s %10s %10s\n' "$label" "$tps" "avg ${lat}ms" "-"
	LAST_TPS=$tps
}

ratio() {
	awk -v a="$2" -v b="$3" -v l="$1" 'BEGIN { if (b > 0)
	    printf "%s: %.0f%%\n", l, 100 * a / b }'
}

echo "Postroom benchmark: $(nproc) cores, ${SECS} s per run, $CONNS" \
    "connections; the server: $POSTROOM_WORKERS worker(s) of" \
    "$POSTROOM_DB_CONNS database connections"
printf '%-44s %10s %10s %10s\n' "what" "req/s" "p50" "p99"
wrk_run "GET /healthz (Kore access log on)" /healthz
kore_stop
POSTROOM_ACCESS_LOG=off kore_config "$STACK_TMP/var/postroom.conf" \
    "$STACK_TMP/var" 127.0.0.1 "$PORT"
kore_start "$STACK_TMP/var/postroom.conf" "$STACK_TMP/var/log/postroom.log"
kore_wait "http://127.0.0.1:$PORT"
wrk_run "GET /healthz (no database)" /healthz
wrk_run "GET /readyz (SELECT 1, async)" /readyz
readyz=$LAST_RPS
echo "SELECT 1;" > "$STACK_TMP/select1.sql"
pgbench_run "pgbench SELECT 1" "$STACK_TMP/select1.sql"
ratio "readyz / pgbench" "$readyz" "$LAST_TPS"

# 1,000,000 mailboxes over 10,000 domains, and a key of the first company.
t0=$(date +%s.%N)
"$PG_BIN/psql" -q -h "$PGDIR" -U postroom -d postroom \
    -f tests/bench/data.sql >/dev/null
t1=$(date +%s.%N)
echo
"$PG_BIN/psql" -At -h "$PGDIR" -U postroom -d postroom -c "SELECT \
    format('data: %s mailboxes, %s domains, %s companies (loaded in %s s)', \
    (SELECT count(*) FROM mailboxes), (SELECT count(*) FROM domains), \
    (SELECT count(*) FROM companies), round(($t1 - $t0)::numeric, 1))"
BENCH_KEY=$(build/postroom key create --role company_admin \
    --company "Bench 01" | grep -o 'pr_[a-z0-9]*_[A-Za-z0-9_-]*' | head -1)
export BENCH_KEY
company=$("$PG_BIN/psql" -At -h "$PGDIR" -U postroom -d postroom \
    -c "SELECT id FROM companies WHERE name = 'Bench 01'")

printf '%-44s %10s %10s %10s\n' "what" "req/s" "p50" "p99"
wrk_warm / tests/bench/lookup.lua
wrk_run "GET /api/v1/mailboxes/{address} (key)" / tests/bench/lookup.lua
lookup=$LAST_RPS
# The same statement the server runs, prepared, with the same scope.
{
	printf '%s\n' '\set u random(1, 100)' '\set d random(1, 1000)'
	build/bench-mailbox-sql | sed -e "s/\$1/false/g" \
	    -e "s/\$2/$company/g" -e "s/\$3/NULL/g" \
	    -e "s/\$4/('u' || :u || '@d' || :d || '.bench.example')/g"
} > "$STACK_TMP/lookup.sql"
pgbench_run "pgbench the same SELECT (prepared)" "$STACK_TMP/lookup.sql" \
    -M prepared
ratio "lookup / pgbench" "$lookup" "$LAST_TPS"
wrk_warm / tests/bench/search.lua
wrk_run "GET /api/v1/mailboxes?q=…&limit=50 (key)" / tests/bench/search.lua
# The same below saturation: each search returns 50 mailboxes, and at 64
# connections the two machines' worth of work share these cores.
wrk_run "  the same, 16 connections" / tests/bench/search.lua 16
wrk_run "POST /api/v1/mailboxes (${CREATE_CONNS} connections)" / \
    tests/bench/create.lua "$CREATE_CONNS"
