/*
 * Cross-check with a peer: Debian's pflogsumm reads the Postfix part of a
 * generated mixed log, `postroom stats ingest` stores the same log, and
 * for every address pflogsumm's "Recipients by message count" (deliveries
 * with status=sent) and "Senders by message count" (messages received,
 * by envelope sender) equal an aggregate over the stored delivery events.
 *
 * Deliberate differences, bridged here rather than hidden:
 * - case: the collector keeps an address as logged (one login in twenty
 *   is in capitals) and matches it lower-cased; pflogsumm runs with -i
 *   (fold case) and the queries lower() the addresses;
 * - content filter: pflogsumm counts a filtered message twice (the
 *   hand-off to the filter is a status=sent delivery, and the re-injected
 *   copy is another received message); the collector counts it once, as
 *   README.md says;
 * - messages without an outcome: pflogsumm counts a sender when qmgr
 *   takes the message; the collector's delivery events are outcomes, so a
 *   message still in the queue when the log ends is in none.
 *   For these two, pflogsumm reads the log as tests/tools/
 *   pflogsumm_view.awk shows it: without the filter's hop lines and
 *   without the qmgr from= line of a message with no outcome;
 * - sender of outgoing mail: the collector attributes it to the SASL
 *   account, pflogsumm to from=; the generated log has them equal.
 */
#include <criterion/criterion.h>

#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "itest.h"
#include "stats_itest.h"

#define PFLOGSUMM	"/usr/sbin/pflogsumm"
#define VIEW		"tests/tools/pflogsumm_view.awk"

/*
 * One recipient's delivered outcome: an in event when the recipient's
 * domain is ours (a message from one of ours to one of ours also has an
 * out event for it), else the out event's counterpart.  Not DISTINCT: a
 * recipient given twice is delivered, and counted, twice.
 */
#define RCPT_SQL \
	"SELECT lower(CASE direction WHEN 'in' THEN address " \
	"ELSE counterpart END) AS addr, count(*) AS n " \
	"FROM stats_delivery_events e WHERE queue_id IS NOT NULL " \
	"AND status = 'sent' AND (direction = 'in' OR NOT EXISTS (SELECT 1 " \
	"FROM domain_names d WHERE d.name = " \
	"lower(split_part(e.counterpart, '@', 2)))) GROUP BY 1"

/* A message counts once for its sender, whatever became of it. */
#define SENDER_SQL \
	"SELECT sender AS addr, count(DISTINCT queue_id) AS n FROM (SELECT " \
	"lower(CASE direction WHEN 'out' THEN address ELSE counterpart END) " \
	"AS sender, queue_id FROM stats_delivery_events " \
	"WHERE queue_id IS NOT NULL) d GROUP BY sender"

/* $1: pflogsumm's list as "count address" lines.  "matched:mismatches" */
#define CMP_SQL(agg) \
	"WITH p AS (SELECT split_part(l, ' ', 2) AS addr, " \
	"split_part(l, ' ', 1)::bigint AS n FROM unnest(string_to_array(" \
	"$1, E'\\n')) l WHERE l <> ''), c AS (" agg ") " \
	"SELECT count(*) FILTER (WHERE p.n = c.n) || ':' || coalesce(" \
	"string_agg(coalesce(p.addr, c.addr) || ' pflogsumm ' || " \
	"coalesce(p.n::text, '-') || ' collector ' || coalesce(c.n::text, " \
	"'-'), ', ') FILTER (WHERE p.n IS DISTINCT FROM c.n), '') " \
	"FROM p FULL JOIN c ON p.addr = c.addr"

static char	dir[256], logf[300], out[300];

/*
 * The lines of one "... by message count" section as "count address\n";
 * pflogsumm lists every address when -u is not given.
 */
static char *
section(const char *report, const char *title)
{
	struct sbuf	 list;
	const char	*p, *nl;
	char		 want[128], addr[512], unit;
	long		 n;

	snprintf(want, sizeof(want), "\n%s\n", title);
	p = strstr(report, want);
	cr_assert_not_null(p, "no \"%s\" in pflogsumm's report", title);
	p = strchr(p + strlen(want), '\n');	/* the dashes */
	cr_assert_not_null(p);
	sbuf_init(&list);
	for (p++; *p != '\0' && *p != '\n'; p = nl + 1) {
		nl = strchr(p, '\n');
		cr_assert_not_null(nl);
		cr_assert_eq(sscanf(p, " %ld%c %511s", &n, &unit, addr), 3,
		    "%.*s", (int)(nl - p), p);
		cr_assert_eq(unit, ' ', "scaled count: %.*s", (int)(nl - p),
		    p);
		sbuf_printf(&list, "%ld %s\n", n, addr);
	}
	return (list.data);
}

static void
compare(PGconn *db, const char *sql, const char *list, const char *what)
{
	const char	*p[] = { list };
	char		*r, *colon;
	long		 matched;

	r = it_value(db, sql, 1, p);
	colon = strchr(r, ':');
	cr_assert_not_null(colon);
	cr_assert_str_eq(colon + 1, "", "%s differ: %s", what, colon + 1);
	matched = strtol(r, NULL, 10);
	/* The generated log has hundreds of each: nothing vacuous. */
	cr_assert_gt(matched, 100, "%s: only %ld addresses", what, matched);
	free(r);
}

/* --flush: the generated log is finished, as pflogsumm takes it to be. */
Test(stats_pflogsumm, counts_equal_pflogsumm_per_address, .timeout = 300)
{
	const char	*argv[] = { "postroom", "stats", "ingest", "--source",
	    "peer", "--webmail-host", "10.0.0.5", "--flush", "--quiet", logf,
	    NULL };
	struct sbuf	 report;
	char		*ci, *cmd, *rcpt, *send;
	PGconn		*db;
	pid_t		 pid;
	int		 status;

	if (access(PFLOGSUMM, X_OK) != 0)
		cr_skip_test(PFLOGSUMM " missing (make deps)");
	snprintf(dir, sizeof(dir), "%s/stats-pflogsumm",
	    it_env("PR_TEST_TMP"));
	snprintf(logf, sizeof(logf), "%s/mail.log", dir);
	snprintf(out, sizeof(out), "%s/collector.out", dir);
	sti_sh("rm -rf '%s' && mkdir -p '%s'", dir, dir);
	/*
	 * 300000 lines a day: the generator can hold a message's qmgr line
	 * back some 8000 lines after its smtpd line, and the collector
	 * forgets a message that is only smtpd's after an hour of log time.
	 */
	sti_sh("build/stats-genlog -n 300000 " STI_MAILBOXES " -s 11 > '%s'",
	    logf);

	db = sti_fresh("it_stats_pflogsumm", &ci);
	pid = sti_spawn(ci, out, argv);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "ingest: status %d; see %s", status, out);

	sbuf_init(&report);
	cr_assert(asprintf(&cmd, "LC_ALL=C awk -f " VIEW " '%s' '%s' | "
	    PFLOGSUMM " -i", logf, logf) != -1);
	cr_assert_eq(it_run(cmd, &report), 0, "%s: %s", cmd, report.data);
	rcpt = section(report.data, "Recipients by message count");
	send = section(report.data, "Senders by message count");

	compare(db, CMP_SQL(RCPT_SQL), rcpt, "recipients");
	compare(db, CMP_SQL(SENDER_SQL), send, "senders");

	free(cmd);
	free(rcpt);
	free(send);
	sbuf_free(&report);
	PQfinish(db);
	free(ci);
}
