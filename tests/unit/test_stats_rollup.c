/*
 * Lines to rows without a database: a collector fed real-looking lines,
 * its batch matched against a directory cache filled by hand, rendered.
 * Which rows a record gives (in, out, unknown users), the roll-up
 * counters, the company's local day, the horizon, webmail backend logins.
 */

#include <criterion/criterion.h>

#include <stdio.h>
#include <string.h>

#include "collect.h"
#include "config.h"
#include "dircache.h"
#include "rollup.h"

#define REF	1795867200	/* 2026-11-28T12:00:00Z */

static struct st_collector	c;
static struct st_dir		dir;
static struct st_rollup		r;

static void
mailbox(const char *addr, int64_t company, int64_t id, const char *tz)
{
	struct st_mbox	m;

	memset(&m, 0, sizeof(m));
	m.known = 1;
	m.company = company;
	m.domain = company * 10;
	m.mailbox = id;
	m.tz = st_dir_zone(&dir, tz);
	st_dir_put(&dir, addr, strlen(addr), &m);
}

static void
start(enum st_backend backend)
{
	struct st_source_cfg	cfg;
	char			err[256];

	st_source_defaults(&cfg, "t");
	cfg.backend = backend;
	snprintf(cfg.webmail[0], sizeof(cfg.webmail[0]), "10.0.0.5");
	cfg.nwebmail = 1;
	cr_assert_eq(st_collector_init(&c, &cfg, err, sizeof(err)), 0, "%s",
	    err);
	st_collector_ref(&c, REF);
	st_dir_init(&dir, 100);
	st_dir_domain_add(&dir, "a.example", 9);
	st_dir_domain_add(&dir, "b.example", 9);
	mailbox("u1@a.example", 1, 100, "Europe/Amsterdam");
	mailbox("u2@b.example", 2, 200, "UTC");
	st_rollup_init(&r);
	r.source_id = 7;
	r.horizon = 20000;
	r.max_day = 20800;
}

static void
setup(void)
{
	start(ST_BACKEND_COUNT);
}

static void
teardown(void)
{
	st_collector_free(&c);
	st_dir_free(&dir);
	st_rollup_free(&r);
}

static void
feed(const char *line)
{
	st_collect_line(&c, line, strlen(line));
}

/* What the database side does, with the cache as the database. */
static void
render(void)
{
	(void)st_dir_resolve(&dir, &c.batch);
	st_dir_remember(&dir, &c.batch);
	st_rollup_render(&r, &c.batch, &dir);
}

static const struct st_agg *
agg(int64_t mailbox, int64_t day)
{
	const struct st_aggset	*set = &r.set[ST_SET_MAILBOX];
	size_t			 i;

	for (i = 0; i < set->n; i++) {
		if (set->v[i].mailbox == mailbox && set->v[i].when == day)
			return (&set->v[i]);
	}
	cr_assert_fail("no roll-up for mailbox %lld day %lld",
	    (long long)mailbox, (long long)day);
	return (NULL);
}

static void
has(const struct sbuf *b, const char *row)
{
	cr_assert(strstr(b->data, row) != NULL, "no row [%s] in\n%s", row,
	    b->data);
}

TestSuite(stats_rollup, .init = setup, .fini = teardown);

Test(stats_rollup, logins)
{
	feed("Nov 22 10:00:00 mail dovecot: imap-login: Login: "
	    "user=<U1@A.EXAMPLE>, method=PLAIN, rip=192.0.2.7, lip=192.0.2.1, "
	    "mpid=1, TLS, session=<a>");
	feed("Nov 22 10:00:01 mail dovecot: imap-login: Disconnected (auth "
	    "failed, 3 attempts in 9 secs): user=<nobody@a.example>, "
	    "method=PLAIN, rip=198.51.100.9, lip=192.0.2.1, TLS, session=<b>");
	feed("Nov 22 10:00:02 mail dovecot: pop3-login: Disconnected (auth "
	    "failed, 2 attempts in 9 secs): user=<u1@a.example>, "
	    "method=PLAIN, rip=fe80::1%eth0, lip=192.0.2.1, TLS, session=<c>");
	feed("Nov 22 10:00:03 mail postfix/submission/smtpd[5]: 0123456789: "
	    "client=x[192.0.2.8], sasl_method=PLAIN, "
	    "sasl_username=u2@b.example");
	feed("Nov 22 10:00:04 mail postfix/smtpd[5]: warning: unknown[192.0.2."
	    "9]: SASL LOGIN authentication failed: UGFzc3dvcmQ6");
	render();
	cr_assert_eq(r.login_rows, 5);
	cr_assert_eq(r.unknown, 2);
	has(&r.logins, "2026-11-22 10:00:00.000000+00\t1\t100\tU1@A.EXAMPLE\t"
	    "imap\t192.0.2.7\tt\t1\t7\n");
	has(&r.logins, "\t\\N\t\\N\tnobody@a.example\timap\t198.51.100.9\tf\t3"
	    "\t7\n");
	/* Not an address PostgreSQL's inet takes: none. */
	has(&r.logins, "\t1\t100\tu1@a.example\tpop3\t\\N\tf\t2\t7\n");
	has(&r.logins, "\t2\t200\tu2@b.example\tsmtp\t192.0.2.8\tt\t1\t7\n");
	has(&r.logins, "\t\\N\t\\N\t\tsmtp\t192.0.2.9\tf\t1\t7\n");
	cr_assert_eq(agg(100, 20779)->c[ST_C_IMAP], 1);
	cr_assert_eq(agg(100, 20779)->c[ST_C_FAILED], 2);
	cr_assert_eq(agg(100, 20779)->last_proto, LP_PROTO_IMAP);
	cr_assert_eq(agg(200, 20779)->c[ST_C_SMTP], 1);
	has(&r.stage[ST_SET_MAILBOX], "1\t100\t2026-11-22\t10\t1\t0\t0\t0\t0"
	    "\t2\t0\t0\t0\t0\t0"
	    "\t0\t0\t0\t0\t0\t2026-11-22 10:00:00.000000+00\timap\n");
}

/* A login late in the UTC day is the next day in Amsterdam. */
Test(stats_rollup, local_day_of_the_company)
{
	feed("Nov 22 23:30:00 mail dovecot: imap-login: Login: "
	    "user=<u1@a.example>, method=PLAIN, rip=192.0.2.7, lip=192.0.2.1");
	feed("Nov 22 23:30:00 mail dovecot: pop3-login: Login: "
	    "user=<u2@b.example>, method=PLAIN, rip=192.0.2.7, lip=192.0.2.1");
	render();
	cr_assert_eq(agg(100, 20780)->c[ST_C_IMAP], 1);
	cr_assert_eq(agg(200, 20779)->c[ST_C_POP3], 1);
	cr_assert_eq(r.ndays, 1);
	cr_assert_eq(r.days[0], 20779);
}

/* At the same instant the last login is the smaller protocol name. */
Test(stats_rollup, last_login_tie)
{
	feed("Nov 22 08:00:00 mail dovecot: pop3-login: Login: "
	    "user=<u1@a.example>, method=PLAIN, rip=192.0.2.7");
	feed("Nov 22 08:00:00 mail dovecot: imap-login: Login: "
	    "user=<u1@a.example>, method=PLAIN, rip=192.0.2.7");
	feed("Nov 22 07:00:00 mail dovecot: submission-login: Login: "
	    "user=<u1@a.example>, method=PLAIN, rip=192.0.2.7");
	render();
	cr_assert_eq(agg(100, 20779)->last_proto, LP_PROTO_IMAP);
	cr_assert_eq(agg(100, 20779)->c[ST_C_SMTP], 1);
	has(&r.stage[ST_SET_LAST], "1\t100\t2026-11-22 08:00:00.000000+00\t"
	    "imap\n");
}

/* Domains and companies sum their mailboxes; the latest login wins. */
Test(stats_rollup, domains_companies_last_logins)
{
	struct st_mbox	m;

	memset(&m, 0, sizeof(m));
	m.known = 1;
	m.company = 1;
	m.domain = 10;
	m.mailbox = 101;
	m.tz = st_dir_zone(&dir, "Europe/Amsterdam");
	st_dir_put(&dir, "u3@a.example", 12, &m);
	feed("Nov 22 09:00:00 mail dovecot: imap-login: Login: "
	    "user=<u1@a.example>, method=PLAIN, rip=192.0.2.7");
	feed("Nov 22 09:30:00 mail dovecot: pop3-login: Login: "
	    "user=<u3@a.example>, method=PLAIN, rip=192.0.2.7");
	feed("Nov 22 09:40:00 mail dovecot: imap-login: Disconnected (auth "
	    "failed, 4 attempts in 9 secs): user=<u3@a.example>, "
	    "method=PLAIN, rip=192.0.2.7");
	feed("Nov 23 09:00:00 mail dovecot: imap-login: Login: "
	    "user=<u1@a.example>, method=PLAIN, rip=192.0.2.7");
	feed("Nov 22 09:00:00 mail dovecot: imap-login: Login: "
	    "user=<u2@b.example>, method=PLAIN, rip=192.0.2.7");
	render();
	has(&r.stage[ST_SET_DOMAIN], "1\t10\t2026-11-22\t1\t1\t0\t0\t0\t4"
	    "\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t2026-11-22 09:30:00.000000+00"
	    "\tpop3\n");
	has(&r.stage[ST_SET_DOMAIN], "1\t10\t2026-11-23\t1\t0\t");
	has(&r.stage[ST_SET_COMPANY], "1\t2026-11-22\t1\t1\t0\t0\t0\t4\t");
	has(&r.stage[ST_SET_COMPANY], "2\t2026-11-22\t1\t0\t");
	cr_assert_eq(r.set[ST_SET_COMPANY].n, 3);
	cr_assert_eq(r.set[ST_SET_LAST].n, 3);
	has(&r.stage[ST_SET_LAST], "1\t100\t2026-11-23 09:00:00.000000+00\t"
	    "imap\n");
	has(&r.stage[ST_SET_LAST], "1\t101\t2026-11-22 09:30:00.000000+00\t"
	    "pop3\n");
}

static void
message(const char *qid, const char *client, const char *from,
    const char *to, const char *relay)
{
	char	line[1024];

	if (client != NULL) {
		snprintf(line, sizeof(line), "Nov 22 11:00:00 mail postfix/"
		    "smtpd[9]: %s: client=%s", qid, client);
		feed(line);
	}
	snprintf(line, sizeof(line), "Nov 22 11:00:01 mail postfix/qmgr[8]: "
	    "%s: from=<%s>, size=1000, nrcpt=1 (queue active)", qid, from);
	feed(line);
	snprintf(line, sizeof(line), "Nov 22 11:00:02 mail postfix/%s[7]: %s: "
	    "to=<%s>, relay=%s, delay=1, dsn=2.0.0, status=sent (250 ok)",
	    strstr(relay, "lmtp") ? "lmtp" : "smtp", qid, to, relay);
	feed(line);
	snprintf(line, sizeof(line), "Nov 22 11:00:03 mail postfix/qmgr[8]: "
	    "%s: removed", qid);
	feed(line);
}

Test(stats_rollup, deliveries_in_and_out)
{
	/* From outside to u1. */
	message("AAAAA00001", "mx.far[203.0.113.1]", "x@far.example",
	    "U1@a.example", "mail[private/dovecot-lmtp]");
	/* u2, logged in, to outside. */
	message("AAAAA00002", "h[192.0.2.8], sasl_method=PLAIN, "
	    "sasl_username=u2@b.example", "u2@b.example", "y@far.example",
	    "mx.far[203.0.113.1]:25");
	/* u2 to u1: in for one, out for the other. */
	message("AAAAA00003", "h[192.0.2.8], sasl_method=PLAIN, "
	    "sasl_username=u2@b.example", "u2@b.example", "u1@a.example",
	    "mail[private/dovecot-lmtp]");
	/* Someone outside claiming to be u1, to u2: in only. */
	message("AAAAA00004", "mx.far[203.0.113.1]", "u1@a.example",
	    "u2@b.example", "mail[private/dovecot-lmtp]");
	/* Handed in on this host (sendmail) by u1. */
	message("AAAAA00005", NULL, "u1@a.example", "z@far.example",
	    "mx.far[203.0.113.1]:25");
	/* Outside to outside (a relay): nobody's. */
	message("AAAAA00006", "mx.far[203.0.113.1]", "p@far.example",
	    "q@far.example", "mx.far[203.0.113.1]:25");
	render();
	cr_assert_eq(r.delivery_rows, 6);
	cr_assert_eq(r.unknown, 0);
	has(&r.deliveries, "\t1\t100\tU1@a.example\tin\tx@far.example\t"
	    "AAAAA00001\t1000\tsent\t0\t2.0.0\t7\n");
	has(&r.deliveries, "\t2\t200\tu2@b.example\tout\ty@far.example\t"
	    "AAAAA00002\t1000\tsent\t0\t2.0.0\t7\n");
	has(&r.deliveries, "\t1\t100\tu1@a.example\tin\tu2@b.example\t"
	    "AAAAA00003\t");
	has(&r.deliveries, "\t2\t200\tu2@b.example\tout\tu1@a.example\t"
	    "AAAAA00003\t");
	has(&r.deliveries, "\t2\t200\tu2@b.example\tin\tu1@a.example\t"
	    "AAAAA00004\t");
	has(&r.deliveries, "\t1\t100\tu1@a.example\tout\tz@far.example\t"
	    "AAAAA00005\t");
	cr_assert_eq(agg(100, 20779)->c[ST_C_MSG_IN], 2);
	cr_assert_eq(agg(100, 20779)->c[ST_C_BYTES_IN], 2000);
	cr_assert_eq(agg(100, 20779)->c[ST_C_MSG_OUT], 1);
	cr_assert_eq(agg(200, 20779)->c[ST_C_MSG_OUT], 2);
	cr_assert_eq(agg(200, 20779)->c[ST_C_BYTES_OUT], 2000);
	cr_assert_eq(agg(200, 20779)->c[ST_C_MSG_IN], 1);
	cr_assert_eq(r.set[ST_SET_MINUTE].n, 2);
	has(&r.stage[ST_SET_MINUTE], "2\t200\t2026-11-22 "
	    "11:00:00.000000+00\t20\t2\t2\t2000"
	    "\n");
}

Test(stats_rollup, bounces_deferrals_quota)
{
	feed("Nov 22 12:00:00 mail postfix/submission/smtpd[9]: BBBBB00001: "
	    "client=h[192.0.2.8], sasl_method=PLAIN, "
	    "sasl_username=u1@a.example");
	feed("Nov 22 12:00:01 mail postfix/qmgr[8]: BBBBB00001: "
	    "from=<u1@a.example>, size=500, nrcpt=2 (queue active)");
	feed("Nov 22 12:00:02 mail postfix/smtp[7]: BBBBB00001: "
	    "to=<a@far.example>, relay=none, delay=1, dsn=4.4.1, "
	    "status=deferred (timeout)");
	feed("Nov 22 12:00:03 mail postfix/smtp[7]: BBBBB00001: "
	    "to=<b@far.example>, relay=mx[203.0.113.1]:25, delay=1, "
	    "dsn=5.1.1, status=bounced "
	    "(no such user)");
	feed("Nov 22 12:30:00 mail postfix/qmgr[8]: BBBBB00001: "
	    "from=<u1@a.example>, size=500, nrcpt=2 (queue active)");
	feed("Nov 22 12:30:02 mail postfix/smtp[7]: BBBBB00001: "
	    "to=<a@far.example>, relay=mx[203.0.113.1]:25, delay=1, "
	    "dsn=2.0.0, status=sent (ok)");
	feed("Nov 22 12:30:03 mail postfix/qmgr[8]: BBBBB00001: removed");
	feed("Nov 22 12:31:00 mail dovecot: lmtp(u2@b.example)<1><x>: "
	    "msgid=<m>: save failed to INBOX: Quota exceeded (mailbox for "
	    "user is full)");
	feed("Nov 22 12:31:01 mail dovecot: lmtp(u2@b.example)<1><x>: "
	    "msgid=<n>: saved mail to INBOX");
	feed("Nov 22 12:32:00 mail dovecot: imap(u2@b.example)<2><y>: "
	    "Logged out in=10 out=2000");
	render();
	has(&r.deliveries, "\tu1@a.example\tout\ta@far.example\tBBBBB00001\t500"
	    "\tsent\t1\t2.0.0\t7\n");
	has(&r.deliveries, "\tu1@a.example\tout\tb@far.example\tBBBBB00001\t500"
	    "\tbounced\t0\t5.1.1\t7\n");
	has(&r.deliveries, "\t2\t200\tu2@b.example\tin\t\t\\N\t\\N\t"
	    "quota_exceeded\t0\t\\N\t7\n");
	cr_assert_eq(agg(100, 20779)->c[ST_C_BOUNCES], 1);
	cr_assert_eq(agg(100, 20779)->c[ST_C_DEFERRALS], 1);
	cr_assert_eq(agg(100, 20779)->c[ST_C_MSG_OUT], 1);
	cr_assert_eq(agg(200, 20779)->c[ST_C_QUOTA], 1);
	cr_assert_eq(agg(200, 20779)->c[ST_C_LMTP], 1);
	cr_assert_eq(agg(200, 20779)->c[ST_C_SESSION_IN], 10);
	cr_assert_eq(agg(200, 20779)->c[ST_C_SESSION_OUT], 2000);
}

/* No line can push a roll-up past 64 bits. */
Test(stats_rollup, absurd_sizes_are_capped)
{
	int	i;

	for (i = 0; i < 20; i++)
		feed("Nov 22 12:32:00 mail dovecot: imap(u2@b.example)<2><y>: "
		    "Logged out in=999999999999999999 out=999999999999999999");
	render();
	cr_assert_eq(agg(200, 20779)->c[ST_C_SESSION_IN], 20 * ST_VALUE_MAX);
	cr_assert_eq(agg(200, 20779)->c[ST_C_SESSION_OUT], 20 * ST_VALUE_MAX);
}

/* Before the horizon: counted, not kept; after max_day: left out. */
Test(stats_rollup, horizon_and_future)
{
	r.horizon = 20780;
	feed("Nov 22 10:00:00 mail dovecot: imap-login: Login: "
	    "user=<u2@b.example>, method=PLAIN, rip=192.0.2.7");
	feed("2031-01-01T00:00:00Z mail dovecot: imap-login: Login: "
	    "user=<u2@b.example>, method=PLAIN, rip=192.0.2.7");
	render();
	cr_assert_eq(r.login_rows, 0);
	cr_assert_eq(r.ndays, 0);
	cr_assert_eq(r.out_of_range, 1);
	cr_assert_eq(agg(200, 20779)->c[ST_C_IMAP], 1);
	cr_assert_eq(r.set[ST_SET_MAILBOX].n, 1);
}

static void
webmail(void)
{
	feed("Nov 22 10:00:00 mail dovecot: imap-login: Login: "
	    "user=<u1@a.example>, method=PLAIN, rip=10.0.0.5, lip=10.0.0.1");
	feed("Nov 22 10:00:00 mail roundcube: <abcd> Successful login for "
	    "u1@a.example (ID: 5) from 198.51.100.4 in session xyz");
	render();
}

/* One webmail login, whether Roundcube's log is read or not. */
Test(stats_rollup, webmail_backend)
{
	webmail();
	cr_assert_eq(agg(100, 20779)->c[ST_C_WEBMAIL], 2);
	teardown();
	start(ST_BACKEND_IGNORE);
	webmail();
	cr_assert_eq(agg(100, 20779)->c[ST_C_WEBMAIL], 1);
	cr_assert_eq(c.backend, 1);
	has(&r.logins, "\tu1@a.example\twebmail\t198.51.100.4\tt\t1\t7\n");
}
