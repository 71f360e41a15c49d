# Start and stop the Kore server.  Sourced by run.sh and tests/run.sh.

# kore_config OUT VAR BIND PORT: write a Kore config for this checkout.
kore_config() {
	sed -e "s|@BIND@|$3|" -e "s|@PORT@|$4|" \
	    -e "s|@MODULE@|$PWD/build/postroom.so|" \
	    -e "s|@VAR@|$2|g" \
	    -e "s|@WORKERS@|${POSTROOM_WORKERS:-$(nproc)}|" \
	    -e "s|@BODY_MAX@|${POSTROOM_BODY_MAX:-10485760}|" \
	    conf/postroom.conf.in > "$1"
}

# kore_start CONF LOG: start kore in the background; sets KORE_PID.
# Line-buffered, appended: a fully buffered stdout repeats lines across fork.
kore_start() {
	stdbuf -oL -eL /usr/bin/kore -f -n -r -c "$1" >>"$2" 2>&1 &
	KORE_PID=$!
}

# kore_wait URL: wait up to 10 s for the server to answer.
kore_wait() {
	i=0
	while [ $i -lt 100 ]; do
		curl -fs -o /dev/null "$1/healthz" && return 0
		kill -0 "$KORE_PID" 2>/dev/null || return 1
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# kore_stop: stop the server and its workers, waiting for them.
kore_stop() {
	[ -n "${KORE_PID:-}" ] || return 0
	kill -TERM "$KORE_PID" 2>/dev/null || true
	wait "$KORE_PID" 2>/dev/null || true
	KORE_PID=
}
