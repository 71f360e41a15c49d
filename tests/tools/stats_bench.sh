#!/usr/bin/env bash
# The collector's benchmark (part of `make bench`): a generated mixed log of
# STATS_BENCH_LINES lines (default 2,000,000; 100,000 mailboxes over 5,000
# domains), read by `wc -l` (the ceiling of reading), parsed without a
# database (`postroom stats parse`: parser, correlator, batch records), and
# ingested into a throwaway PostgreSQL with fsync on (`stats ingest`).
# Prints lines/s; asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/../.."
. conf/scripts/pg.sh

LINES=${STATS_BENCH_LINES:-2000000}
TMP=$(mktemp -d /tmp/postroom-stats-bench.XXXXXX)
chmod 755 "$TMP"
PGDIR=$TMP/pg

cleanup() {
	pg_stop "$PGDIR"
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

now() { date +%s.%N; }
rate() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%.0f", n / (b - a) }'; }

# Shared buffers as `make bench` gives the API's cluster (1 GB, a database
# server sized for a million mailboxes); with the default 128 MB the
# events' indexes no longer fit and ingestion is 8 % slower.
PG_SHARED_BUFFERS=1GB pg_setup "$PGDIR"
POSTROOM_DB=$(pg_conninfo "$PGDIR")
export POSTROOM_DB
build/postroom db migrate >/dev/null
build/stats-genlog -S -m 100000 -d 5000 -c 50 |
    "$PG_BIN/psql" -q -v ON_ERROR_STOP=1 "$POSTROOM_DB" >/dev/null
build/stats-genlog -n "$LINES" -m 100000 -d 5000 -s 1 > "$TMP/mail.log"
# The directory's pages written now, not by a checkpoint during the run,
# and the disk settled after whatever ran before (the API's benchmark
# leaves gigabytes to write back): ingestion commits with fsync.
"$PG_BIN/psql" -q "$POSTROOM_DB" -c CHECKPOINT
sync
n=$(wc -l < "$TMP/mail.log")
size=$(du -m "$TMP/mail.log" | cut -f1)

echo "Collector benchmark: $n lines ($size MB), 100000 mailboxes, $(nproc) cores"
printf '%-44s %12s\n' "what" "lines/s"
t0=$(now); wc -l "$TMP/mail.log" >/dev/null; t1=$(now)
printf '%-44s %12s\n' "wc -l (reading, the ceiling)" "$(rate "$n" "$t0" "$t1")"
t0=$(now)
build/postroom stats parse --webmail-host 10.0.0.5 "$TMP/mail.log" >/dev/null
t1=$(now)
printf '%-44s %12s\n' "stats parse (parse, correlate, no database)" \
    "$(rate "$n" "$t0" "$t1")"
t0=$(now)
build/postroom stats ingest --quiet --source bench --webmail-host 10.0.0.5 \
    "$TMP/mail.log" > "$TMP/ingest.out"
t1=$(now)
printf '%-44s %12s\n' "stats ingest (into PostgreSQL, fsync on)" \
    "$(rate "$n" "$t0" "$t1")"
grep -E '^(stored|unknown)' "$TMP/ingest.out"
if command -v pflogsumm >/dev/null; then
	t0=$(now); pflogsumm "$TMP/mail.log" >/dev/null 2>&1 || true; t1=$(now)
	printf '%-44s %12s\n' "pflogsumm on the same file (stores nothing)" \
	    "$(rate "$n" "$t0" "$t1")"
fi
