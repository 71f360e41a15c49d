#!/usr/bin/env bash
# `make run`: a private PostgreSQL (unless POSTROOM_DB is set), migrations,
# demo data on first start, and the server in the foreground.  Ctrl-C or
# SIGTERM stops the server and the private database, leaving nothing behind.
set -euo pipefail
cd "$(dirname "$0")/../.."
. conf/scripts/pg.sh
. conf/scripts/kore.sh

VAR=${POSTROOM_VAR:-$PWD/var}
BIND=${POSTROOM_ADDR:-127.0.0.1}
PORT=${POSTROOM_PORT:-8888}
OWN_PG=
KORE_PID=

cleanup() {
	trap - EXIT INT TERM
	kore_stop
	if [ -n "$OWN_PG" ]; then
		pg_stop "$VAR/pg"
		echo "postroom: stopped server and database"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$VAR/log"
if [ -z "${POSTROOM_DB:-}" ]; then
	pg_setup "$VAR/pg"
	pg_start "$VAR/pg"
	OWN_PG=1
	POSTROOM_DB=$(pg_conninfo "$VAR/pg")
fi
export POSTROOM_DB

build/postroom db migrate
build/postroom purge
if [ "${POSTROOM_DEMO:-1}" != 0 ]; then
	build/postroom demo load --logins "$VAR/demo-logins.txt"
fi

kore_config "$VAR/postroom.conf" "$VAR" "$BIND" "$PORT"
kore_start "$VAR/postroom.conf" "$VAR/log/postroom.log"
if ! kore_wait "http://$BIND:$PORT"; then
	echo "postroom: the server did not start; see $VAR/log/postroom.log" >&2
	tail -n 20 "$VAR/log/postroom.log" >&2
	exit 1
fi

echo
echo "Postroom is running at http://$BIND:$PORT/"
echo "  log:        $VAR/log/postroom.log (requests: ${POSTROOM_ACCESS_LOG:-$VAR/log/access.log})"
[ -n "$OWN_PG" ] && echo "  database:   $POSTROOM_DB"
if [ -f "$VAR/demo-logins.txt" ]; then
	echo "  demo logins:"
	sed 's/^/    /' "$VAR/demo-logins.txt"
fi
echo "Press Ctrl-C to stop."
wait "$KORE_PID" || true
KORE_PID=
