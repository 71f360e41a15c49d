# A throwaway Postroom (PostgreSQL + server) for `make test` and
# `make bench`: never the `make run` one, removed afterwards.  Sourced,
# after pg.sh and kore.sh.

# stack_up PORT [MODULE]: sets STACK_TMP, PGDIR, POSTROOM_DB, KORE_PID.
stack_up() {
	STACK_TMP=$(mktemp -d /tmp/postroom-stack.XXXXXX)
	chmod 755 "$STACK_TMP"
	PGDIR=$STACK_TMP/pg
	# Durability does not matter for a throwaway cluster.
	PG_FSYNC=off pg_setup "$PGDIR"
	POSTROOM_DB=$(pg_conninfo "$PGDIR")
	export POSTROOM_DB
	build/postroom db migrate >/dev/null
	mkdir -p "$STACK_TMP/var/log"
	kore_config "$STACK_TMP/var/postroom.conf" "$STACK_TMP/var" \
	    127.0.0.1 "$1" "${2:-}"
	kore_start "$STACK_TMP/var/postroom.conf" \
	    "$STACK_TMP/var/log/postroom.log"
	if ! kore_wait "http://127.0.0.1:$1"; then
		echo "the server did not start:" >&2
		cat "$STACK_TMP/var/log/postroom.log" >&2
		return 1
	fi
}

stack_down() {
	kore_stop
	[ -n "${PGDIR:-}" ] && pg_stop "$PGDIR"
	[ -n "${STACK_TMP:-}" ] && rm -rf "$STACK_TMP"
	STACK_TMP=
	PGDIR=
}
