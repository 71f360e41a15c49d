# Private PostgreSQL clusters for `make run` and `make test`.  Sourced.
#
# A cluster listens on a unix socket in its own data directory, never on
# TCP, and trusts local connections: the 0700 data directory is the gate.
# PostgreSQL refuses to run as root, so as root its tools run as the
# unprivileged user `postgres` (created by Debian's postgresql package).

PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)

pg_as() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

# pg_conninfo DIR: the libpq conninfo of the cluster in DIR.
pg_conninfo() {
	echo "host=$1 user=postroom dbname=postroom"
}

# pg_setup DIR: create the cluster and its database once.
pg_setup() {
	dir=$1
	if [ -z "$PG_BIN" ]; then
		echo "pg: no PostgreSQL server found under /usr/lib/postgresql" >&2
		return 1
	fi
	if [ ${#dir} -gt 90 ]; then
		echo "pg: $dir is too long a path for a unix socket;" \
		    "set POSTROOM_DB or use a shorter checkout path" >&2
		return 1
	fi
	[ -f "$dir/PG_VERSION" ] && return 0
	mkdir -p "$dir"
	if [ "$(id -u)" = 0 ]; then
		chown postgres: "$dir"
		if ! runuser -u postgres -- test -w "$dir"; then
			echo "pg: user postgres cannot reach $dir (a parent" \
			    "directory is closed to it); set POSTROOM_DB or" \
			    "move the checkout" >&2
			return 1
		fi
	fi
	chmod 700 "$dir"
	pg_as "$PG_BIN/initdb" -D "$dir" -U postroom -E UTF8 \
	    --locale=C.UTF-8 --auth=trust >"$dir.initdb.log" 2>&1 || {
		cat "$dir.initdb.log" >&2
		return 1
	}
	rm -f "$dir.initdb.log"
	pg_start "$dir" || return 1
	pg_as "$PG_BIN/createdb" -h "$dir" -U postroom postroom
}

# pg_start DIR: start the cluster unless it runs; wait until it answers.
pg_start() {
	# The socket directory is resolved by the server from its data
	# directory: give it an absolute path.
	dir=$(cd "$1" && pwd)
	pg_as "$PG_BIN/pg_ctl" -D "$dir" status >/dev/null 2>&1 && return 0
	pg_as "$PG_BIN/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 30 \
	    -o "-c listen_addresses='' -c unix_socket_directories='$dir' -c max_connections=200 -c fsync=${PG_FSYNC:-on} -c shared_buffers=${PG_SHARED_BUFFERS:-128MB}" \
	    start >/dev/null || {
		tail -n 20 "$dir/server.log" >&2
		return 1
	}
}

# pg_stop DIR: stop the cluster if it runs.
pg_stop() {
	dir=$1
	[ -f "$dir/postmaster.pid" ] || return 0
	pg_as "$PG_BIN/pg_ctl" -D "$dir" -m fast -w stop >/dev/null 2>&1 || true
}
