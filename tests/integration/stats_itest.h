/* Helpers of the collector's integration tests (test_stats_*.c). */
#ifndef STATS_ITEST_H
#define STATS_ITEST_H

#include <sys/types.h>

#include <libpq-fe.h>

#define STI_MAILBOXES	"-m 300 -d 20 -c 4"	/* stats-genlog's directory */

/* Run a shell command, which must succeed. */
void	sti_sh(const char *, ...) __attribute__((format(printf, 1, 2)));

/* A new migrated database with the generated directory; its conninfo. */
PGconn	*sti_fresh(const char *name, char **conninfo);

/* build/postroom-asan with argv[1..] on that database, output to out. */
pid_t	 sti_spawn(const char *conninfo, const char *out,
	    const char *const *argv);

/* Events, roll-ups, and the sources' counters and saved state. */
extern const char *const	sti_tables[];

/* The tables (or queries in parentheses) must hold the same rows. */
void	 sti_same(PGconn *, PGconn *, const char *const *tables,
	    const char *what);

#endif
