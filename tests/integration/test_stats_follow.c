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

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "itest.h"
#include "stats_itest.h"

static char	dir[256];

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
	const char	*argv[] = { "postroom", "stats", "follow", conf,
	    NULL };

	return (sti_spawn(conninfo, out, argv));
}

Test(stats_follow, rotations_and_sigterm, .timeout = 600)
{
	char		*live_ci, *ref_ci, conf[1024], out[300];
	PGconn		*live, *ref;
	struct sbuf	 res;
	long		 total;
	pid_t		 pid;
	int		 status;

	snprintf(dir, sizeof(dir), "%s/stats-follow", it_env("PR_TEST_TMP"));
	sti_sh("rm -rf '%s' && mkdir -p '%s'", dir, dir);
	sti_sh("build/stats-genlog -n 24000 " STI_MAILBOXES " -s 11 > "
	    "'%s/all'", dir);
	snprintf(conf, sizeof(conf), "%s/all", dir);
	total = count_lines(conf);
	sti_sh("cd '%s' && sed -n 1,6000p all > c1 && sed -n 6001,9000p all > "
	    "c2a && sed -n 9001,12000p all > c2b && sed -n 12001,18000p all > "
	    "c3 && sed -n 18001,21000p all > c4a && sed -n '21001,$p' all > "
	    "c4b", dir);
	snprintf(conf, sizeof(conf), "%s/collector.conf", dir);
	snprintf(out, sizeof(out), "%s/follow.out", dir);
	sti_sh("printf '[source live]\\npath = %s/mail.log\\n"
	    "webmail_hosts = 10.0.0.5\\n' > '%s'", dir, conf);
	live = sti_fresh("it_stats_follow", &live_ci);
	ref = sti_fresh("it_stats_follow_ref", &ref_ci);

	srand((unsigned)getpid());
	sti_sh("cd '%s' && cat c1 > mail.log", dir);
	pid = follower(live_ci, conf, out);
	wait_lines(live, 6000);

	/*
	 * Rename and create, the writer still adding to the old file, while
	 * the follower is stopped: it must finish the old file after.
	 */
	cr_assert_eq(kill(pid, SIGSTOP), 0);
	sti_sh("cd '%s' && cat c2a >> mail.log && mv mail.log mail.log.1 && "
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
	sti_sh("cd '%s' && cat c4a >> mail.log && mv mail.log.1 mail.log.2 && "
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
	sti_same(live, ref, sti_tables, "followed and ingested");
	cr_assert_gt(it_count(live, "SELECT count(*) FROM stats_login_events",
	    0, NULL), 3000);
	/* The renamed file, the truncated one (and its copy), the new one. */
	cr_assert_eq(it_count(live, "SELECT count(*) FROM stats_positions",
	    0, NULL), 3);
	PQfinish(live);
	PQfinish(ref);
	free(live_ci);
	free(ref_ci);
}
