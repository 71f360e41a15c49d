/*
 * `postroom stats follow`: a log written in four parts while the collector
 * follows it, rotated in between by rename and create (the writer adding
 * to the old file after the rename) and by copytruncate, killed once and
 * restarted, then SIGTERM.  Every event, roll-up and counter, and the
 * saved correlator state, must equal one `ingest` of the whole log; the
 * daemon must stop by itself.
 */
#include <criterion/criterion.h>

#include <sys/wait.h>

#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "itest.h"

static char	dir[256];

static const char	*tables[] = {
	"stats_login_events", "stats_delivery_events", "stats_mailbox_daily",
	"stats_domain_daily", "stats_company_daily", "stats_last_login",
	"stats_outbound_minute",
	"(SELECT name, md5(corr_state), lines, events, skip_toolong, "
	    "skip_frame, skip_program, skip_message, unknown_users, "
	    "last_line_at FROM stats_sources)",
	NULL
};

static void
sh(const char *fmt, ...)
{
	struct sbuf	res;
	va_list		ap;
	char		buf[2048];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	sbuf_init(&res);
	cr_assert_eq(it_run(buf, &res), 0, "%s: %s", buf, res.data);
	sbuf_free(&res);
}

static PGconn *
fresh(const char *name, char **conninfo)
{
	struct sbuf	 res;
	PGconn		*db;
	PGresult	*r;

	*conninfo = it_fresh_db(name);
	db = it_connect(*conninfo);
	sbuf_init(&res);
	cr_assert_eq(it_run("build/stats-genlog -S -m 300 -d 20 -c 4", &res),
	    0);
	r = PQexec(db, res.data);
	cr_assert(PQresultStatus(r) == PGRES_COMMAND_OK, "%s",
	    PQerrorMessage(db));
	PQclear(r);
	sbuf_free(&res);
	return (db);
}

static long
count_lines(const char *path)
{
	FILE	*fp = fopen(path, "r");
	long	 n = 0;
	int	 c;

	cr_assert_not_null(fp);
	while ((c = getc(fp)) != EOF)
		n += c == '\n';
	fclose(fp);
	return (n);
}

/* Until the source has consumed n lines (the daemon commits each second). */
static void
wait_lines(PGconn *db, long long n)
{
	long long	got = -1;
	int		i;

	for (i = 0; i < 1200; i++) {
		if (it_count(db, "SELECT count(*) FROM stats_sources WHERE "
		    "name = 'live'", 0, NULL) == 1 &&
		    (got = it_count(db, "SELECT lines FROM stats_sources WHERE "
		    "name = 'live'", 0, NULL)) >= n)
			break;
		usleep(100000);
	}
	cr_assert_eq(got, n, "the follower read %lld of %lld lines; see "
	    "%s/follow.out", got, n, dir);
}

static pid_t
follower(const char *conninfo, const char *conf, const char *out)
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
	execl("build/postroom-asan", "postroom", "stats", "follow", conf,
	    (char *)NULL);
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

Test(stats_follow, rotations_and_sigterm, .timeout = 600)
{
	char		*live_ci, *ref_ci, conf[1024], out[300], *x, *y;
	PGconn		*live, *ref;
	struct sbuf	 res;
	long		 total;
	pid_t		 pid;
	int		 status, i;

	snprintf(dir, sizeof(dir), "%s/stats-follow", it_env("PR_TEST_TMP"));
	sh("rm -rf '%s' && mkdir -p '%s'", dir, dir);
	sh("build/stats-genlog -n 24000 -m 300 -d 20 -c 4 -s 11 > '%s/all'",
	    dir);
	snprintf(conf, sizeof(conf), "%s/all", dir);
	total = count_lines(conf);
	sh("cd '%s' && sed -n 1,6000p all > c1 && sed -n 6001,9000p all > "
	    "c2a && sed -n 9001,12000p all > c2b && sed -n 12001,18000p all > "
	    "c3 && sed -n 18001,21000p all > c4a && sed -n '21001,$p' all > "
	    "c4b", dir);
	snprintf(conf, sizeof(conf), "%s/collector.conf", dir);
	snprintf(out, sizeof(out), "%s/follow.out", dir);
	sh("printf '[source live]\\npath = %s/mail.log\\n"
	    "webmail_hosts = 10.0.0.5\\n' > '%s'", dir, conf);
	live = fresh("it_stats_follow", &live_ci);
	ref = fresh("it_stats_follow_ref", &ref_ci);

	srand((unsigned)getpid());
	sh("cd '%s' && cat c1 > mail.log", dir);
	pid = follower(live_ci, conf, out);
	wait_lines(live, 6000);

	/*
	 * Rename and create, the writer still adding to the old file, while
	 * the follower is stopped: it must finish the old file after.
	 */
	cr_assert_eq(kill(pid, SIGSTOP), 0);
	sh("cd '%s' && cat c2a >> mail.log && mv mail.log mail.log.1 && "
	    "cat c2b >> mail.log.1 && cat c3 > mail.log", dir);
	cr_assert_eq(kill(pid, SIGCONT), 0);
	/* Killed somewhere in there and started again. */
	usleep((useconds_t)(rand() % 300) * 1000);
	cr_assert_eq(kill(pid, SIGKILL), 0);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	pid = follower(live_ci, conf, out);
	wait_lines(live, 18000);

	/* Copytruncate while it is stopped: the unread rest is in the copy. */
	cr_assert_eq(kill(pid, SIGSTOP), 0);
	sh("cd '%s' && cat c4a >> mail.log && mv mail.log.1 mail.log.2 && "
	    "cp mail.log mail.log.1 && : > mail.log && cat c4b >> mail.log",
	    dir);
	cr_assert_eq(kill(pid, SIGCONT), 0);
	wait_lines(live, total);

	cr_assert_eq(kill(pid, SIGTERM), 0);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "follower: status %d; see %s", status, out);

	/* The same log read whole, once. */
	sbuf_init(&res);
	snprintf(conf, sizeof(conf), "POSTROOM_DB='%s' build/postroom-asan "
	    "stats ingest --source live --webmail-host 10.0.0.5 --quiet "
	    "'%s/all'", ref_ci, dir);
	cr_assert_eq(it_run(conf, &res), 0, "%s", res.data);
	sbuf_free(&res);
	for (i = 0; tables[i] != NULL; i++) {
		x = digest(live, tables[i]);
		y = digest(ref, tables[i]);
		cr_assert_str_eq(x, y, "%s differs", tables[i]);
		free(x);
		free(y);
	}
	cr_assert_gt(it_count(live, "SELECT count(*) FROM stats_login_events",
	    0, NULL), 3000);
	/* The renamed file, the truncated one (its copy is the same), the new. */
	cr_assert_eq(it_count(live, "SELECT count(*) FROM stats_positions",
	    0, NULL), 3);
	PQfinish(live);
	PQfinish(ref);
	free(live_ci);
	free(ref_ci);
}
