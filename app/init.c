/*
 * Module initialisation: the sandbox additions and the database.
 */
#include <kore/kore.h>
#include <kore/pgsql.h>
#include <kore/seccomp.h>

#include <stdlib.h>

#include "postroom.h"

int	init(int);

/*
 * Debian's glibc stats files with newfstatat (libpq reading its service
 * and password files, time-zone lookups), starts threads with clone3
 * and rseq (kore's task threads: the import hashes passwords on them),
 * and grows large allocations with mremap (a CSV import's megabytes);
 * AddressSanitizer, in the test build, notes each new thread with gettid
 * and sched_getaffinity.  Kore 4.1's filter predates them.  Kore's own
 * access log calls getppid when its buffer has stayed full for a second
 * (src/accesslog.c), which its filter does not allow either: under load
 * a worker was killed (seen in the benchmark, the parent then spinning).
 * A refused call kills the calling thread: a worker with task threads
 * would hang instead of restarting.
 */
KORE_SECCOMP_FILTER("postroom",
	KORE_SYSCALL_ALLOW(newfstatat),
	KORE_SYSCALL_ALLOW(clone3),
	KORE_SYSCALL_ALLOW(rseq),
	KORE_SYSCALL_ALLOW(mremap),
	KORE_SYSCALL_ALLOW(gettid),
	KORE_SYSCALL_ALLOW(sched_getaffinity),
	KORE_SYSCALL_ALLOW(getppid)
);

/*
 * init() runs in every worker, and again on reload: register the database
 * only once per process.
 */
int
init(int state)
{
	static int	registered;
	const char	*conninfo;

	if (state == KORE_MODULE_UNLOAD || registered)
		return (KORE_RESULT_OK);

	if ((conninfo = getenv("POSTROOM_DB")) == NULL || *conninfo == '\0') {
		kore_log(LOG_ERR, "POSTROOM_DB is not set");
		return (KORE_RESULT_ERROR);
	}
	if (!kore_pgsql_register(PR_DB, conninfo)) {
		kore_log(LOG_ERR, "cannot register the database");
		return (KORE_RESULT_ERROR);
	}
	registered = 1;
	return (KORE_RESULT_OK);
}
