/*
 * Helpers of the collector's integration tests; see stats_itest.h.
 */
#include <criterion/criterion.h>

#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "itest.h"
#include "stats_itest.h"

const char *const	sti_tables[] = {
	"stats_login_events", "stats_delivery_events", "stats_mailbox_daily",
	"stats_domain_daily", "stats_company_daily", "stats_last_login",
	"stats_outbound_minute",
	"(SELECT name, md5(corr_state), lines, events, skip_toolong, "
	    "skip_frame, skip_program, skip_message, unknown_users, "
	    "last_line_at, last_error FROM stats_sources)",
	NULL
};

void
sti_sh(const char *fmt, ...)
{
	struct sbuf	res;
	va_list		ap;
	char		buf[4096];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	sbuf_init(&res);
	cr_assert_eq(it_run(buf, &res), 0, "%s: %s", buf, res.data);
	sbuf_free(&res);
}

PGconn *
sti_fresh(const char *name, char **conninfo)
{
	struct sbuf	 res;
	PGconn		*db;
	PGresult	*r;

	*conninfo = it_fresh_db(name);
	db = it_connect(*conninfo);
	sbuf_init(&res);
	cr_assert_eq(it_run("build/stats-genlog -S " STI_MAILBOXES, &res), 0);
	r = PQexec(db, res.data);
	cr_assert(PQresultStatus(r) == PGRES_COMMAND_OK, "%s",
	    PQerrorMessage(db));
	PQclear(r);
	sbuf_free(&res);
	return (db);
}

pid_t
sti_spawn(const char *conninfo, const char *out, const char *const *argv)
{
	pid_t	pid;
	int	fd;

	if ((pid = fork()) != 0) {
		cr_assert_neq(pid, -1);
		return (pid);
	}
	setenv("POSTROOM_DB", conninfo, 1);
	if ((fd = open(out, O_WRONLY | O_CREAT | O_APPEND, 0600)) != -1) {
		dup2(fd, 1);
		dup2(fd, 2);
	}
	execv("build/postroom-asan", (char *const *)(uintptr_t)argv);
	_exit(127);
}

static char *
digest(PGconn *db, const char *table)
{
	char	sql[1024];

	snprintf(sql, sizeof(sql), "SELECT count(*) || ' ' || md5(coalesce("
	    "string_agg(t::text, '|' ORDER BY t::text), '')) FROM %s t", table);
	return (it_value(db, sql, 0, NULL));
}

void
sti_same(PGconn *a, PGconn *b, const char *const *tables, const char *what)
{
	char	*x, *y;
	int	 i;

	for (i = 0; tables[i] != NULL; i++) {
		x = digest(a, tables[i]);
		y = digest(b, tables[i]);
		cr_assert_str_eq(x, y, "%s: %s differs", what, tables[i]);
		free(x);
		free(y);
	}
}
