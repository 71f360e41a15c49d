# Start and stop the Kore server.  Sourced by run.sh and tests/run.sh.

# kore_config OUT VAR BIND PORT [MODULE]: write a Kore config.
# POSTROOM_ACCESS_LOG: a file, or "off" (default VAR/log/access.log).
kore_config() {
	alog=${POSTROOM_ACCESS_LOG:-$2/log/access.log}
	if [ "$alog" = off ]; then
		alog_sed='/@ACCESSLOG@/d'
	else
		alog_sed="s|@ACCESSLOG@|$alog|"
	fi
	sed -e "s|@BIND@|$3|" -e "s|@PORT@|$4|" -e "$alog_sed" \
	    -e "s|@MODULE@|${5:-$PWD/build/postroom.so}|" \
	    -e "s|@VAR@|$2|g" \
	    -e "s|@WORKERS@|${POSTROOM_WORKERS:-$(nproc)}|" \
	    -e "s|@DB_CONNS@|${POSTROOM_DB_CONNS:-2}|" \
	    -e "s|@BODY_MAX@|${POSTROOM_BODY_MAX:-20971520}|" \
	    conf/postroom.conf.in > "$1"
}

# kore_start CONF LOG: start kore in the background; sets KORE_PID.
# Line-buffered, appended: a fully buffered stdout repeats lines across fork.
# KORE_PRELOAD, when set, is preloaded into kore alone (the sanitizer
# runtime for a module built with it).
kore_start() {
	env ${KORE_PRELOAD:+LD_PRELOAD="$KORE_PRELOAD"} \
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

# kore_stop: stop the server and its workers, waiting for them; what has
# not exited after KORE_STOP_WAIT seconds (default 10) is killed, so
# nothing is left behind.
kore_stop() {
	[ -n "${KORE_PID:-}" ] || return 0
	kill -TERM "$KORE_PID" 2>/dev/null || true
	i=0
	while kill -0 "$KORE_PID" 2>/dev/null &&
	    [ $i -lt $((${KORE_STOP_WAIT:-10} * 10)) ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if kill -0 "$KORE_PID" 2>/dev/null; then
		[ -n "${KORE_STOP_QUIET:-}" ] ||
		    echo "kore: did not stop in ${KORE_STOP_WAIT:-10} s; killing it" >&2
		pkill -KILL -P "$KORE_PID" 2>/dev/null || true
		kill -KILL "$KORE_PID" 2>/dev/null || true
	fi
	wait "$KORE_PID" 2>/dev/null || true
	KORE_PID=
}
