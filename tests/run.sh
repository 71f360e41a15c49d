#!/usr/bin/env bash
# `make test`: a throwaway PostgreSQL (never the `make run` one), the
# migrations, then every suite; the cluster is removed afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
. conf/scripts/pg.sh
. conf/scripts/kore.sh

TMP=$(mktemp -d /tmp/postroom-test.XXXXXX)
chmod 755 "$TMP"
KORE_PID=
PGDIR=$TMP/pg
PORT=${POSTROOM_TEST_PORT:-18888}

cleanup() {
	trap - EXIT INT TERM
	kore_stop
	pg_stop "$PGDIR"
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Durability does not matter for a throwaway cluster.
PG_FSYNC=off pg_setup "$PGDIR"
export POSTROOM_DB
POSTROOM_DB=$(pg_conninfo "$PGDIR")
build/postroom-asan db migrate >/dev/null

mkdir -p "$TMP/var/log"
kore_config "$TMP/var/postroom.conf" "$TMP/var" 127.0.0.1 "$PORT"
kore_start "$TMP/var/postroom.conf" "$TMP/var/log/postroom.log"
if ! kore_wait "http://127.0.0.1:$PORT"; then
	echo "test: the server did not start" >&2
	cat "$TMP/var/log/postroom.log" >&2
	exit 1
fi

# What the integration suite needs to know about its surroundings.
export PR_TEST_URL="http://127.0.0.1:$PORT"
export PR_TEST_TMP=$TMP
export PR_TEST_PGDIR=$PGDIR
export PR_TEST_PGBIN=$PG_BIN
export PR_TEST_RUN_PORT=$((PORT + 1))
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

status=0
echo "== unit tests (AddressSanitizer, UBSan)"
build/unit --jobs 2 || status=1
echo "== integration tests (PostgreSQL, HTTP, CLI)"
# One job: a test stops and starts the database under the running server.
build/itest --jobs 1 || status=1
exit $status
