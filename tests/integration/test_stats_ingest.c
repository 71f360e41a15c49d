/*
 * `postroom stats ingest` against the real database.
 *
 * Exactly once: a mixed log (a real Debian mail.log, then a generated one
 * rotated into a .gz and a plain file, with messages across the cut) is
 * ingested once cleanly into one database, and into another by a collector
 * killed with SIGKILL at random moments, with a different batch size each
 * time, and restarted until it finishes.  Every event, roll-up, counter,
 * position and the saved correlator state must be the same; ten rounds.
 */
#include <criterion/criterion.h>

#include <sys/wait.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "itest.h"
#include "stats_itest.h"

#define REAL	"../shared/testdata/maillogs-public/" \
		"lightmeter-controlcenter/complete_logs_sample/mail.log.1"
#define ROUNDS	10

static char	dir[256], part1[300], part2[300], out[300];

/* Besides sti_tables: where the source stands, what it skipped. */
static const char *const	more[] = {
	"(SELECT source_id, fingerprint, path, byte_offset, compressed "
	    "FROM stats_positions)",
	"(SELECT source_id, reason, slot, line FROM stats_unparsed)",
	NULL
};

/* The generated log, cut in two: the older part rotated and compressed. */
static void
make_logs(void)
{
	snprintf(dir, sizeof(dir), "%s/stats-ingest", it_env("PR_TEST_TMP"));
	snprintf(part1, sizeof(part1), "%s/mail.log.1.gz", dir);
	snprintf(part2, sizeof(part2), "%s/mail.log", dir);
	snprintf(out, sizeof(out), "%s/collector.out", dir);
	sti_sh("rm -rf '%s' && mkdir -p '%s'", dir, dir);
	sti_sh("build/stats-genlog -n 40000 " STI_MAILBOXES " -s 7 > '%s/all'",
	    dir);
	sti_sh("cd '%s' && head -n 17000 all | gzip > mail.log.1.gz && "
	    "tail -n +17001 all > mail.log && rm all", dir);
}

/* Start the collector on the three files; its pid. */
static pid_t
collector(const char *conninfo, int batch)
{
	char		 bl[16];
	const char	*argv[] = { "postroom", "stats", "ingest", "--source",
	    "mixed", "--webmail-host", "10.0.0.5", "--batch-lines", bl,
	    "--quiet", REAL, part1, part2, NULL };

	snprintf(bl, sizeof(bl), "%d", batch);
	return (sti_spawn(conninfo, out, argv));
}

static int
wait_exit(pid_t pid, int *killed)
{
	int	status;

	cr_assert_eq(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) {
		(*killed)++;
		return (-1);
	}
	cr_assert(WIFEXITED(status), "collector died of signal %d",
	    WTERMSIG(status));
	return (WEXITSTATUS(status));
}

static double
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec * 1e3 + ts.tv_nsec / 1e6);
}

/* Another round starts from nothing. */
static void
forget(PGconn *db)
{
	it_ok(db, "TRUNCATE stats_sources, stats_positions, stats_unparsed, "
	    "stats_login_events, stats_delivery_events, stats_mailbox_daily, "
	    "stats_domain_daily, stats_company_daily, stats_last_login, "
	    "stats_outbound_minute RESTART IDENTITY", 0, NULL);
}

Test(stats_ingest, killed_and_restarted_counts_exactly_once, .timeout = 900)
{
	char		*clean_ci, *killed_ci, what[64];
	PGconn		*clean, *killed;
	double		 t, clean_ms;
	unsigned	 seed = (unsigned)time(NULL) ^ (unsigned)getpid();
	int		 round, kills, runs, rc;
	pid_t		 pid;

	if (access(REAL, R_OK) != 0)
		cr_skip_test(REAL " missing");
	make_logs();
	clean = sti_fresh("it_stats_clean", &clean_ci);
	killed = sti_fresh("it_stats_killed", &killed_ci);

	t = now_ms();
	kills = 0;
	cr_assert_eq(wait_exit(collector(clean_ci, 100000), &kills), 0,
	    "clean run failed: see %s", out);
	clean_ms = now_ms() - t;
	/* Something of everything, and some of it unknown. */
	cr_assert_gt(it_count(clean, "SELECT count(*) FROM stats_login_events "
	    "WHERE company_id IS NOT NULL", 0, NULL), 5000);
	cr_assert_gt(it_count(clean, "SELECT count(*) FROM stats_login_events "
	    "WHERE company_id IS NULL", 0, NULL), 100);
	cr_assert_gt(it_count(clean, "SELECT count(*) FROM "
	    "stats_delivery_events WHERE direction = 'out'", 0, NULL), 500);
	cr_assert_gt(it_count(clean, "SELECT sum(messages_in) FROM "
	    "stats_company_daily", 0, NULL), 1000);
	cr_assert_gt(it_count(clean, "SELECT count(*) FROM "
	    "stats_outbound_minute", 0, NULL), 100);

	for (round = 1; round <= ROUNDS; round++) {
		srand(seed + round);
		kills = runs = 0;
		do {
			pid = collector(killed_ci, 500 + rand() % 8000);
			/* The first one surely dies before it is done. */
			usleep((useconds_t)(rand() % (int)(clean_ms /
			    (runs == 0 ? 2 : 1) + 1)) * 1000);
			kill(pid, SIGKILL);
			rc = wait_exit(pid, &kills);
			cr_assert(rc <= 0, "round %d: exit %d: see %s", round,
			    rc, out);
		} while (rc != 0 && ++runs < 100);
		cr_assert_eq(rc, 0, "round %d never finished (seed %u)", round,
		    seed);
		cr_assert_gt(kills, 0, "round %d: no kill landed", round);
		snprintf(what, sizeof(what), "round %d (seed %u)", round,
		    seed);
		sti_same(clean, killed, sti_tables, what);
		sti_same(clean, killed, more, what);
		fprintf(stderr, "stats_ingest: round %d: %d kills, same "
		    "totals\n", round, kills);
		forget(killed);
	}
	PQfinish(clean);
	PQfinish(killed);
	free(clean_ci);
	free(killed_ci);
}

static int
cli(const char *args, struct sbuf *res)
{
	struct sbuf	cmd;
	int		rc;

	sbuf_init(&cmd);
	sbuf_printf(&cmd, "build/postroom-asan %s 2>&1", args);
	sbuf_reset(res);
	rc = it_run(cmd.data, res);
	sbuf_free(&cmd);
	return (rc);
}

static void
append(const char *path, const char *text)
{
	FILE	*fp = fopen(path, "a");

	cr_assert_not_null(fp);
	fputs(text, fp);
	fclose(fp);
}

/* A login line of an hour ago. */
static void
login_line(char *buf, size_t len, const char *user)
{
	struct tm	tm;
	time_t		t = time(NULL) - 3600;
	char		stamp[32];

	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%b %e %H:%M:%S", &tm);
	snprintf(buf, len, "%s mail dovecot: imap-login: Login: user=<%s>, "
	    "method=PLAIN, rip=192.0.2.1, lip=192.0.2.2\n", stamp, user);
}

/*
 * A last line waits for its newline; a file read before is known again
 * after rotation and compression; a new file at the path is new.
 */
Test(stats_ingest, resume_wait_and_rotation)
{
	struct sbuf	 res;
	char		 path[300], line[300], args[800];
	const char	*p[1] = { "resume" };
	PGconn		*db = it_db();

	snprintf(dir, sizeof(dir), "%s/stats-resume", it_env("PR_TEST_TMP"));
	sti_sh("rm -rf '%s' && mkdir -p '%s'", dir, dir);
	snprintf(path, sizeof(path), "%s/mail.log", dir);
	login_line(line, sizeof(line), "one@resume.example");
	append(path, line);
	append(path, line);
	login_line(line, sizeof(line), "two@resume.example");
	line[strlen(line) - 1] = '\0';
	append(path, line);
	snprintf(args, sizeof(args), "stats ingest --source resume --quiet "
	    "'%s'", path);
	sbuf_init(&res);
	cr_assert_eq(cli(args, &res), 0, "%s", res.data);
	cr_assert(strstr(res.data, "lines: 2 ") != NULL, "%s", res.data);
	cr_assert(strstr(res.data, "waiting for a newline: ") != NULL, "%s",
	    res.data);
	cr_assert_eq(it_count(db, "SELECT p.byte_offset FROM stats_positions p "
	    "JOIN stats_sources s ON s.id = p.source_id WHERE s.name = $1", 1,
	    p), (long long)(2 * (strlen(line) + 1)));

	/* The line is whole now: it is read, once. */
	append(path, "\n");
	cr_assert_eq(cli(args, &res), 0, "%s", res.data);
	cr_assert(strstr(res.data, "lines: 1 ") != NULL, "%s", res.data);
	cr_assert_eq(it_count(db, "SELECT count(*) FROM stats_login_events e "
	    "JOIN stats_sources s ON s.id = e.source_id WHERE s.name = $1", 1,
	    p), 3);

	/* Rotated and compressed: the same file, nothing new. */
	sti_sh("cd '%s' && gzip -c mail.log > mail.log.1.gz && rm "
	    "mail.log", dir);
	snprintf(args, sizeof(args), "stats ingest --source resume --quiet "
	    "'%s/mail.log.1.gz'", dir);
	cr_assert_eq(cli(args, &res), 0, "%s", res.data);
	cr_assert(strstr(res.data, "1 already read before") != NULL, "%s",
	    res.data);

	/* A new file at the path: read from its start. */
	append(path, line);
	append(path, "\n");
	snprintf(args, sizeof(args), "stats ingest --source resume --quiet "
	    "'%s/mail.log.1.gz' '%s'", dir, path);
	cr_assert_eq(cli(args, &res), 0, "%s", res.data);
	cr_assert(strstr(res.data, "lines: 1 ") != NULL, "%s", res.data);
	cr_assert_eq(it_count(db, "SELECT count(*) FROM stats_positions p JOIN "
	    "stats_sources s ON s.id = p.source_id WHERE s.name = $1", 1, p),
	    2);
	cr_assert_eq(it_count(db, "SELECT lines FROM stats_sources WHERE "
	    "name = $1", 1, p), 4);

	cr_assert_eq(cli("stats status", &res), 0, "%s", res.data);
	cr_assert(strstr(res.data, "source resume\n") != NULL, "%s", res.data);
	cr_assert(strstr(res.data, path) != NULL, "%s", res.data);
	cr_assert(strstr(res.data, "0 behind") != NULL, "%s", res.data);
	sbuf_free(&res);
	PQfinish(db);
}

Test(stats_ingest, usage_and_failures)
{
	struct sbuf	res;

	sbuf_init(&res);
	cr_assert_eq(cli("stats", &res), 2);
	cr_assert(strstr(res.data, "usage: postroom stats ingest") != NULL);
	cr_assert_eq(cli("stats ingest", &res), 2);
	cr_assert(strstr(res.data, "no FILE") != NULL, "%s", res.data);
	cr_assert_eq(cli("stats ingest --bogus x", &res), 2);
	cr_assert(strstr(res.data, "unknown option '--bogus'") != NULL);
	cr_assert_eq(cli("stats ingest --time-zone Mars/Base x", &res), 2);
	cr_assert(strstr(res.data, "unknown time zone 'Mars/Base'") != NULL,
	    "%s", res.data);
	cr_assert_eq(cli("stats ingest --source 'a b' x", &res), 2);
	cr_assert_eq(cli("stats ingest --config /nonexistent x", &res), 2);
	cr_assert(strstr(res.data, "/nonexistent") != NULL, "%s", res.data);
	cr_assert_eq(cli("stats ingest --source fails --quiet "
	    "/nonexistent/mail.log", &res), 1);
	cr_assert(strstr(res.data, "1 failed") != NULL, "%s", res.data);

	/* Without a database: what the real Debian log yields. */
	if (access(REAL, R_OK) == 0) {
		cr_assert_eq(cli("stats parse " REAL, &res), 0, "%s", res.data);
		cr_assert(strstr(res.data, "events: login 727,") != NULL, "%s",
		    res.data);
		cr_assert(strstr(res.data, "lmtp_saved 95,") != NULL, "%s",
		    res.data);
	}
	sbuf_free(&res);
}
