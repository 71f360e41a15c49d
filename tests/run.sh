#!/usr/bin/env bash
# `make test`: every suite against a throwaway PostgreSQL and server.
set -euo pipefail
cd "$(dirname "$0")/.."
. conf/scripts/pg.sh
. conf/scripts/kore.sh
. conf/scripts/stack.sh

PORT=${POSTROOM_TEST_PORT:-18888}
KORE_PID=

trap stack_down EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The server under test runs the module built with AddressSanitizer and
# UBSan; kore itself is not instrumented, so the runtime is preloaded.
# Leak checking needs ptrace, which the sandbox forbids: it stays off
# there and on everywhere else.
KORE_PRELOAD=$(cc -print-file-name=libasan.so)
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=0:verify_asan_link_order=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
stack_up "$PORT" "$PWD/build/postroom-asan.so"
KORE_PRELOAD=
# Under the preloaded runtime a worker that has used libpq hangs in exit()
# (a reader count of glibc's setlocale lock underflows; p11-kit's
# destructor then waits for it forever): not seen without the sanitizer.
# The server under test is stopped after 2 s, without a message.
KORE_STOP_WAIT=2
KORE_STOP_QUIET=1
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0

# What the integration suite needs to know about its surroundings.
export PR_TEST_URL="http://127.0.0.1:$PORT"
export PR_TEST_TMP=$STACK_TMP
export PR_TEST_PGDIR=$PGDIR
export PR_TEST_RUN_PORT=$((PORT + 1))
export PR_TEST_TLS_PORT=$((PORT + 2))
# Every API answer, for the check against the OpenAPI document.
export PR_TEST_RESPONSES=$STACK_TMP/responses.jsonl

status=0
echo "== unit tests (AddressSanitizer, UBSan)"
build/unit --jobs 2 || status=1
echo "== integration tests (PostgreSQL, HTTP, CLI; AddressSanitizer, UBSan)"
# One job: a test stops and starts the database under the running server.
build/itest --jobs 1 ${ITEST_FILTER:+--filter "$ITEST_FILTER"} || status=1
echo "== API answers against assets/openapi.json"
python3 tests/schema/check.py assets/openapi.json "$PR_TEST_RESPONSES" ||
    status=1

# A worker that crashed under the sanitizers answered nothing, which a test
# may not notice: the server's log must hold no report.
if grep -q -E 'ERROR: AddressSanitizer|runtime error:' \
    "$STACK_TMP/var/log/postroom.log"; then
	echo "the server under test reported sanitizer errors:"
	grep -E -A 12 'ERROR: AddressSanitizer|runtime error:' \
	    "$STACK_TMP/var/log/postroom.log"
	status=1
fi
exit $status
