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
 * and password files, time-zone lookups); Kore 4.1's filter predates it.
 */
KORE_SECCOMP_FILTER("postroom",
	KORE_SYSCALL_ALLOW(newfstatat)
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
