/*
 * The Postfix queue-id correlator, on Lightmeter's real traces (expected
 * outcomes read off the files by hand, see each test) and on made-up
 * sequences for expiry, eviction, reuse and the deferred pool.
 */

#include <criterion/criterion.h>

#include <stdio.h>
#include <string.h>

#include "correlate.h"
#include "stats_support.h"

#define DATA	"../shared/testdata/maillogs-public/lightmeter-controlcenter/"
#define MAXREC	128

struct rec_rcpt {
	char		qid[LP_QID_MAX + 1];
	struct lp_rcpt	r;
};

static struct lp_corr	*corr;
static struct lp_msg	 msgs[MAXREC];
static int		 nmsgs;
static struct rec_rcpt	 rcpts[MAXREC];
static int		 nrcpts;

static void
on_rcpt(void *arg, const struct lp_msg *m, const struct lp_rcpt *r)
{
	(void)arg;
	cr_assert_lt(nrcpts, MAXREC);
	memcpy(rcpts[nrcpts].qid, m->qid, sizeof(rcpts[nrcpts].qid));
	rcpts[nrcpts++].r = *r;
}

static void
on_msg(void *arg, const struct lp_msg *m)
{
	(void)arg;
	cr_assert_lt(nmsgs, MAXREC);
	msgs[nmsgs++] = *m;
}

static void
start(size_t cap, size_t dmax)
{
	struct lp_corr_config	cfg;
	struct lp_corr_cb	cb = { on_rcpt, on_msg, NULL };

	memset(&cfg, 0, sizeof(cfg));
	cfg.capacity = cap;
	cfg.deferred_max = dmax;
	lpt_setup();
	lp_corr_free(corr);
	cr_assert_not_null(corr = lp_corr_new(&cfg, &cb));
	nmsgs = nrcpts = 0;
}

static void
setup(void)
{
	corr = NULL;
	start(0, 0);
}

static void
teardown(void)
{
	lp_corr_free(corr);
	corr = NULL;
}

static void
feed(const char *line)
{
	struct lp_event	ev;

	if (lp_parse_line(&lpt_src, line, strlen(line), &ev))
		(void)lp_corr_feed(corr, &ev);
}

static int
feed_line(const char *line, size_t len)
{
	(void)len;
	feed(line);
	return (0);
}

/* Feed a trace file, then flush; skip the test when the data is absent. */
static void
feed_file(const char *name)
{
	char	path[512];

	snprintf(path, sizeof(path), DATA "%s", name);
	if (lpt_file_lines(path, feed_line) < 0)
		cr_skip_test("test data %s missing", path);
	lp_corr_flush(corr);
}

/* The nth (from 0) message reported under qid. */
static const struct lp_msg *
msg(const char *qid, int nth)
{
	int	i;

	for (i = 0; i < nmsgs; i++) {
		if (strcmp(msgs[i].qid, qid) == 0 && nth-- == 0)
			return (&msgs[i]);
	}
	cr_assert_fail("no message %s", qid);
	return (NULL);
}

static int
count_msgs(const char *qid)
{
	int	i, n = 0;

	for (i = 0; i < nmsgs; i++)
		n += strcmp(msgs[i].qid, qid) == 0;
	return (n);
}

static const struct lp_rcpt *
rcpt(const char *qid, const char *addr)
{
	int	i;

	for (i = 0; i < nrcpts; i++) {
		if (strcmp(rcpts[i].qid, qid) == 0 &&
		    strcmp(rcpts[i].r.addr, addr) == 0)
			return (&rcpts[i].r);
	}
	cr_assert_fail("no recipient %s of %s", addr, qid);
	return (NULL);
}

static int
count_outcome(enum lp_outcome o)
{
	int	i, n = 0;

	for (i = 0; i < nrcpts; i++)
		n += rcpts[i].r.outcome == o;
	return (n);
}

TestSuite(stats_correlate, .init = setup, .fini = teardown);

/*
 * 11_single_successful_delivery.log: BA8F630001DA comes in by submission
 * (sasl_username=sender@mydomain.com), goes to amavis at 127.0.0.1:10024
 * and comes back as 1310930001DB from localhost, which is sent to Google.
 */
Test(stats_correlate, single_successful_delivery)
{
	const struct lp_msg	*a, *b;
	const struct lp_rcpt	*r;

	feed_file("11_single_successful_delivery.log");
	cr_assert_eq(nmsgs, 2);
	cr_assert_eq(nrcpts, 2);

	a = msg("BA8F630001DA", 0);
	cr_assert_eq(a->end, LP_END_REMOVED);
	cr_assert_str_eq(a->parent_qid, "");
	cr_assert_str_eq(a->host, "mail");
	cr_assert_str_eq(a->sender, "sender@mydomain.com");
	cr_assert_str_eq(a->sasl_user, "sender@mydomain.com");
	cr_assert_str_eq(a->sasl_method, "PLAIN");
	cr_assert_str_eq(a->client_ip, "89.247.252.52");
	cr_assert_str_eq(lp_msg_account(a), "sender@mydomain.com");
	cr_assert_eq(a->flags, LP_MSG_CLIENT | LP_MSG_QUEUED | LP_MSG_AUTH);
	cr_assert_eq(a->size, 502);
	cr_assert_eq(a->nrcpt, 5);
	cr_assert_eq(a->forwarded, 1);
	cr_assert_eq(a->sent + a->bounced + a->deferred + a->expired, 0);
	/* Dec  9 10:18:23 .. 10:18:24 (2026) */
	cr_assert_eq(a->first_us, 1796811503LL * 1000000);
	cr_assert_eq(a->last_us, 1796811504LL * 1000000);

	r = rcpt("BA8F630001DA", "recipient1@dst1.example.com");
	cr_assert_eq(r->outcome, LP_OUT_FORWARDED);
	cr_assert_str_eq(r->queued_as, "1310930001DB");
	cr_assert_str_eq(r->relay, "127.0.0.1[127.0.0.1]:10024");
	cr_assert_str_eq(r->dsn, "2.0.0");

	b = msg("1310930001DB", 0);
	cr_assert_eq(b->end, LP_END_REMOVED);
	cr_assert_str_eq(b->parent_qid, "BA8F630001DA");
	cr_assert_str_eq(b->client_ip, "127.0.0.1");
	cr_assert_str_eq(b->origin_ip, "89.247.252.52");
	cr_assert_str_eq(b->sasl_user, "sender@mydomain.com");
	cr_assert_str_eq(lp_msg_account(b), "sender@mydomain.com");
	cr_assert(b->flags & LP_MSG_AUTH);
	cr_assert_eq(b->size, 1188);
	cr_assert_eq(b->sent, 1);

	r = rcpt("1310930001DB", "recipient1@dst1.example.com");
	cr_assert_eq(r->outcome, LP_OUT_SENT);
	cr_assert_eq(r->deferrals, 0);
	cr_assert_str_eq(r->relay,
	    "gmail-smtp-in.l.google.com[74.125.206.26]:25");
	cr_assert_str_eq(r->queued_as, "");
}

/* 26_two_recipients.log: one authenticated message, two recipients sent. */
Test(stats_correlate, two_recipients)
{
	const struct lp_msg	*m;

	feed_file("26_two_recipients.log");
	cr_assert_eq(nmsgs, 1);
	m = msg("B9996EABB6", 0);
	cr_assert_eq(m->end, LP_END_REMOVED);
	cr_assert_str_eq(lp_msg_account(m), "sender@internal.org");
	cr_assert_str_eq(m->client_ip, "1.2.3.4");
	cr_assert_eq(m->size, 2239);
	cr_assert_eq(m->nrcpt, 2);
	cr_assert_eq(m->sent, 2);
	cr_assert_eq(nrcpts, 2);
	cr_assert_str_eq(rcpts[0].r.addr, "recipient1@external.org");
	cr_assert_str_eq(rcpts[1].r.addr, "recipient2@external.org");
	cr_assert_eq(rcpts[1].r.outcome, LP_OUT_SENT);
	cr_assert_str_eq(rcpts[1].r.relay,
	    "example-com.mail.protection.outlook.com[13.11.12.13]:25");
	/* The client= line is logged at 19:48:04, before the rest. */
	cr_assert_eq(m->first_us, 1768938484LL * 1000000);
}

/*
 * 14_reuse_of_queueid.log: 72 qmgr from= lines, 72 distinct messages;
 * 67 removed, 5 still queued at the end; 35 deliveries are "queued as" a
 * queue id of this log (the DKIM signer at 170.55.103.23:2501), 32 go out.
 * BABABABABA is used twice: removed at 01:24:11, new at 01:25:12.
 */
Test(stats_correlate, reuse_of_queueid)
{
	const struct lp_msg	*b1, *b2;
	int			 i, top = 0;

	feed_file("14_reuse_of_queueid.log");
	cr_assert_eq(nmsgs, 72);
	for (i = 0; i < nmsgs; i++)
		top += msgs[i].parent_qid[0] == '\0';
	cr_assert_eq(top, 37);
	cr_assert_eq(count_outcome(LP_OUT_FORWARDED), 35);
	cr_assert_eq(count_outcome(LP_OUT_SENT), 32);
	cr_assert_eq(nrcpts, 67);

	cr_assert_eq(count_msgs("BABABABABA"), 2);
	b1 = msg("BABABABABA", 0);
	b2 = msg("BABABABABA", 1);
	cr_assert_eq(b1->end, LP_END_REMOVED);
	cr_assert_eq(b1->size, 11214);
	cr_assert_str_eq(b1->parent_qid, "DADADADADA");
	cr_assert_str_eq(b1->origin_ip, "112.83.23.93");
	cr_assert_eq(b1->sent, 1);
	cr_assert_eq(b2->end, LP_END_REMOVED);
	cr_assert_eq(b2->size, 10673);
	cr_assert_str_eq(b2->parent_qid, "");
	cr_assert_str_eq(b2->sender,
	    "h-e65bbe8f9ea3a961d1ac28b1c0971@h-5e67b9b4406.com");
	cr_assert_eq(b2->forwarded, 1);
	cr_assert_str_eq(msg("CACACACACACA", 0)->parent_qid, "BABABABABA");

	cr_assert_eq(msg("DADADADADA", 0)->forwarded, 1);
	cr_assert_str_eq(rcpt("DADADADADA",
	    "h-4037cdee42da82c8d@h-526472e87.com")->queued_as, "BABABABABA");
}

/*
 * 6_deferred_message_retry.log: A17F830001CA is greylisted (deferred at
 * 13:28:02), seen again by qmgr at 13:35:07 and sent at 13:35:08: one
 * message, one recipient sent after one deferral.
 */
Test(stats_correlate, deferred_then_sent)
{
	const struct lp_msg	*m;
	const struct lp_rcpt	*r;

	feed_file("6_deferred_message_retry.log");
	cr_assert_eq(count_msgs("A17F830001CA"), 1);
	m = msg("A17F830001CA", 0);
	cr_assert_eq(m->end, LP_END_REMOVED);
	cr_assert_eq(m->sent, 1);
	cr_assert_eq(m->deferred, 0);
	cr_assert_eq(m->deferrals, 1);
	cr_assert_eq(m->size, 2259);
	cr_assert_str_eq(m->parent_qid, "78E8330001C7");
	r = rcpt("A17F830001CA", "recipient@recipient.com");
	cr_assert_eq(r->outcome, LP_OUT_SENT);
	cr_assert_eq(r->deferrals, 1);
	cr_assert_str_eq(r->dsn, "2.0.0");
	cr_assert_str_eq(r->relay,
	    "mailin5.zih.recipient.relay.example.com[11.22.33.44]:25");
	cr_assert_eq(count_outcome(LP_OUT_DEFERRED), 0);
	/* One line per recipient outcome: sent once, not twice. */
	cr_assert_eq(nrcpts, 6);
	cr_assert_eq(nmsgs, 6);
}

/*
 * 18_expired.log: 23EBE3D5C0 is deferred five times over five days, then
 * qmgr expires it ("returned to sender") and removes it; the bounce to the
 * sender, A7E673C067 from <>, is delivered locally.
 */
Test(stats_correlate, expired)
{
	const struct lp_msg	*m;
	const struct lp_rcpt	*r;

	feed_file("18_expired.log");
	cr_assert_eq(nmsgs, 3);
	cr_assert_eq(count_msgs("23EBE3D5C0"), 1);
	m = msg("23EBE3D5C0", 0);
	cr_assert_eq(m->end, LP_END_REMOVED);
	cr_assert(m->flags & LP_MSG_EXPIRED);
	cr_assert_eq(m->expired, 1);
	cr_assert_eq(m->deferred, 0);
	cr_assert_eq(m->deferrals, 5);
	cr_assert_eq(m->size, 312343);
	r = rcpt("23EBE3D5C0", "h-664d01@h-695da2287.com");
	cr_assert_eq(r->outcome, LP_OUT_EXPIRED);
	cr_assert_eq(r->deferrals, 5);
	cr_assert_str_eq(r->dsn, "4.1.1");

	m = msg("A7E673C067", 0);
	cr_assert_str_eq(m->sender, "");
	cr_assert_eq(m->sent, 1);
	cr_assert_str_eq(rcpt("A7E673C067",
	    "h-498b874f2bf0cf639807ad80e1@h-5e67b9b4406.com")->relay, "local");
}

/*
 * 1_bounce_simple.log: user@sender.com submits 4AA091855DA0; amavis
 * re-injects it as 776E41855DB2, which bounces (5.1.1); the notification
 * A48191855DA0 from <> goes back to user@sender.com over LMTP.
 */
Test(stats_correlate, bounce_simple)
{
	const struct lp_msg	*a, *b, *n;
	const struct lp_rcpt	*r;

	feed_file("1_bounce_simple.log");
	cr_assert_eq(nmsgs, 3);
	a = msg("4AA091855DA0", 0);
	cr_assert_eq(a->forwarded, 1);
	cr_assert_eq(a->bounced, 0);
	cr_assert_str_eq(lp_msg_account(a), "user@sender.com");

	b = msg("776E41855DB2", 0);
	cr_assert_str_eq(b->parent_qid, "4AA091855DA0");
	cr_assert_str_eq(lp_msg_account(b), "user@sender.com");
	cr_assert_str_eq(b->origin_ip, "1.2.3.4");
	cr_assert_eq(b->bounced, 1);
	cr_assert_eq(b->size, 1111);
	r = rcpt("776E41855DB2", "invalid.email@example.com");
	cr_assert_eq(r->outcome, LP_OUT_BOUNCED);
	cr_assert_str_eq(r->dsn, "5.1.1");
	cr_assert_str_eq(r->relay, "mx.example.com[11.22.33.44]:25");

	n = msg("A48191855DA0", 0);
	cr_assert_str_eq(n->sender, "");
	cr_assert_eq(n->flags, LP_MSG_QUEUED);
	cr_assert_eq(n->sent, 1);
	r = rcpt("A48191855DA0", "user@sender.com");
	cr_assert_eq(r->outcome, LP_OUT_SENT);
	cr_assert_str_eq(r->relay, "mail.sender.com[/var/run/dovecot/lmtp]");
}

/* 15_milter-reject.log: rejected at end of data; the repeat is ignored. */
Test(stats_correlate, milter_reject)
{
	const struct lp_msg	*m;

	feed_file("15_milter-reject.log");
	cr_assert_eq(nmsgs, 1);
	m = msg("B37FD2E05B9", 0);
	cr_assert_eq(m->end, LP_END_REJECTED);
	cr_assert_eq(m->flags, LP_MSG_CLIENT);
	cr_assert_str_eq(m->client_ip, "254.65.43.194");
	cr_assert_eq(nrcpts, 0);
}

/* 17-smtpd-reject-with-milter-reject.log: two RCPT rejects, then DATA. */
Test(stats_correlate, rcpt_rejects_then_milter)
{
	const struct lp_msg	*m;

	feed_file("17-smtpd-reject-with-milter-reject.log");
	cr_assert_eq(nmsgs, 1);
	m = msg("769FF2E0760", 0);
	cr_assert_eq(m->end, LP_END_REJECTED);
	cr_assert_eq(m->rejected, 2);
}

/* 17-smtpd-reject.log: an authenticated client, its recipient rejected. */
Test(stats_correlate, authenticated_rcpt_reject)
{
	const struct lp_msg	*m;

	feed_file("17-smtpd-reject.log");
	cr_assert_eq(nmsgs, 1);
	m = msg("DE81A2E2DAA", 0);
	cr_assert_eq(m->end, LP_END_FLUSHED);
	cr_assert_eq(m->rejected, 1);
	cr_assert_eq(m->flags, LP_MSG_CLIENT | LP_MSG_AUTH);
	cr_assert_str_eq(m->sasl_user, "h-d2315d@h-24e89d.com");
}

/* 8_weird_log_file.log: amavis re-injection named by orig_queue_id. */
Test(stats_correlate, xforward_orig_queue_id)
{
	const struct lp_msg	*m;

	feed_file("8_weird_log_file.log");
	m = msg("ED01244770", 0);
	cr_assert_str_eq(m->parent_qid, "4F5C64474F");
	cr_assert_str_eq(m->origin_ip, "28.55.140.112");
	cr_assert_eq(m->sent, 1);
	cr_assert_eq(msg("4F5C64474F", 0)->forwarded, 1);
}

/* Made-up lines from here on: a tiny Postfix on host "mx". */

static void
line(int day, int h, int m, const char *prog, const char *text)
{
	char	buf[512];

	snprintf(buf, sizeof(buf), "Nov %2d %02d:%02d:00 mx postfix/%s[1]: %s",
	    day, h, m, prog, text);
	feed(buf);
}

Test(stats_correlate, age_expiry)
{
	const struct lp_msg	*m;

	line(1, 10, 0, "qmgr", "AAAAA1: from=<a@x.test>, size=10, nrcpt=1 "
	    "(queue active)");
	line(1, 10, 1, "smtp", "AAAAA1: to=<b@y.test>, relay=none, delay=1, "
	    "dsn=4.4.1, status=deferred (connect to y.test: Connection "
	    "refused)");
	line(1, 10, 2, "smtpd", "BBBBB1: client=unknown[192.0.2.1]");
	/* 2 hours later the smtpd-only entry is gone, the queued one not. */
	line(1, 12, 3, "qmgr", "CCCCC1: removed");
	cr_assert_eq(nmsgs, 1);
	cr_assert_str_eq(msgs[0].qid, "BBBBB1");
	cr_assert_eq(msgs[0].end, LP_END_TIMEOUT);
	/* 8 days later the queued one times out, its recipient deferred. */
	line(9, 10, 2, "qmgr", "CCCCC1: removed");
	cr_assert_eq(nmsgs, 2);
	m = msg("AAAAA1", 0);
	cr_assert_eq(m->end, LP_END_TIMEOUT);
	cr_assert_eq(m->deferred, 1);
	cr_assert_eq(m->deferrals, 1);
	cr_assert_eq(rcpt("AAAAA1", "b@y.test")->outcome, LP_OUT_DEFERRED);
	cr_assert_eq(rcpt("AAAAA1", "b@y.test")->deferrals, 1);
}

Test(stats_correlate, lru_eviction)
{
	struct lp_corr_stats	st;

	start(4, 0);
	line(1, 10, 0, "qmgr", "QUEUED1: from=<a@x.test>, size=1, nrcpt=1 "
	    "(queue active)");
	line(1, 10, 1, "smtpd", "SMTPD01: client=unknown[192.0.2.1]");
	line(1, 10, 2, "smtpd", "SMTPD02: client=unknown[192.0.2.2]");
	line(1, 10, 3, "smtpd", "SMTPD03: client=unknown[192.0.2.3]");
	cr_assert_eq(nmsgs, 0);
	/* Full: the oldest smtpd-only entry goes before the queued one. */
	line(1, 10, 4, "smtpd", "SMTPD04: client=unknown[192.0.2.4]");
	cr_assert_eq(nmsgs, 1);
	cr_assert_str_eq(msgs[0].qid, "SMTPD01");
	cr_assert_eq(msgs[0].end, LP_END_EVICTED);
	line(1, 10, 5, "qmgr", "QUEUED2: from=<a@x.test>, size=1, nrcpt=1 "
	    "(queue active)");
	line(1, 10, 6, "qmgr", "QUEUED3: from=<a@x.test>, size=1, nrcpt=1 "
	    "(queue active)");
	line(1, 10, 7, "qmgr", "QUEUED4: from=<a@x.test>, size=1, nrcpt=1 "
	    "(queue active)");
	cr_assert_eq(nmsgs, 4);
	/* Only queued ones left: the least recently used goes. */
	line(1, 10, 8, "qmgr", "QUEUED5: from=<a@x.test>, size=1, nrcpt=1 "
	    "(queue active)");
	cr_assert_str_eq(msgs[4].qid, "QUEUED1");
	cr_assert_eq(msgs[4].end, LP_END_EVICTED);
	lp_corr_stats(corr, &st);
	cr_assert_eq(st.live, 4);
	cr_assert_eq(st.ends[LP_END_EVICTED], 5);
	cr_assert_eq(st.messages, 9);
}

Test(stats_correlate, reuse_without_removed)
{
	line(1, 10, 0, "smtpd", "DDDDD1: client=unknown[192.0.2.1]");
	line(1, 10, 0, "qmgr", "DDDDD1: from=<a@x.test>, size=100, nrcpt=1 "
	    "(queue active)");
	/* A retry: same message. */
	line(1, 10, 5, "qmgr", "DDDDD1: from=<a@x.test>, size=100, nrcpt=1 "
	    "(queue active)");
	cr_assert_eq(nmsgs, 0);
	/* Another size: another message. */
	line(1, 11, 0, "qmgr", "DDDDD1: from=<a@x.test>, size=200, nrcpt=1 "
	    "(queue active)");
	cr_assert_eq(nmsgs, 1);
	cr_assert_eq(msgs[0].end, LP_END_REUSED);
	cr_assert_eq(msgs[0].size, 100);
	/* A new smtpd transaction under the same id. */
	line(1, 11, 1, "smtpd", "DDDDD1: client=unknown[192.0.2.9]");
	cr_assert_eq(nmsgs, 2);
	cr_assert_eq(msgs[1].size, 200);
	lp_corr_flush(corr);
	cr_assert_str_eq(msgs[2].client_ip, "192.0.2.9");
	cr_assert_eq(msgs[2].end, LP_END_FLUSHED);
}

Test(stats_correlate, deferred_pool_full)
{
	struct lp_corr_stats	st;
	const struct lp_msg	*m;

	start(0, 1);
	line(1, 10, 0, "qmgr", "EEEEE1: from=<a@x.test>, size=1, nrcpt=2 "
	    "(queue active)");
	line(1, 10, 1, "smtp", "EEEEE1: to=<b@y.test>, relay=none, dsn=4.4.1, "
	    "status=deferred (timeout)");
	line(1, 10, 1, "smtp", "EEEEE1: to=<c@y.test>, relay=none, dsn=4.4.1, "
	    "status=deferred (timeout)");
	line(1, 10, 9, "smtp", "EEEEE1: to=<b@y.test>, relay=none, dsn=4.4.1, "
	    "status=deferred (timeout)");
	line(1, 11, 0, "smtp", "EEEEE1: to=<b@y.test>, relay=y.test[192.0.2.5]"
	    ":25, dsn=2.0.0, status=sent (250 ok)");
	line(1, 11, 0, "smtp", "EEEEE1: to=<c@y.test>, relay=y.test[192.0.2.5]"
	    ":25, dsn=2.0.0, status=sent (250 ok)");
	line(1, 11, 0, "qmgr", "EEEEE1: removed");
	lp_corr_stats(corr, &st);
	cr_assert_eq(st.untracked, 1);
	m = msg("EEEEE1", 0);
	cr_assert_eq(m->deferrals, 3);
	cr_assert_eq(m->sent, 2);
	cr_assert_eq(rcpt("EEEEE1", "b@y.test")->deferrals, 2);
	cr_assert_eq(rcpt("EEEEE1", "c@y.test")->deferrals, 0);
}

Test(stats_correlate, hosts_are_separate)
{
	struct lp_event	 ev;
	const char	*l;

	feed("Nov  1 10:00:00 mx1 postfix/qmgr[1]: FFFFF1: from=<a@x.test>, "
	    "size=1, nrcpt=1 (queue active)");
	feed("Nov  1 10:00:00 mx2 postfix/qmgr[1]: FFFFF1: from=<b@x.test>, "
	    "size=2, nrcpt=1 (queue active)");
	feed("Nov  1 10:00:01 mx2 postfix/qmgr[1]: FFFFF1: removed");
	cr_assert_eq(nmsgs, 1);
	cr_assert_str_eq(msgs[0].host, "mx2");
	cr_assert_str_eq(msgs[0].sender, "b@x.test");

	/* Not a queue event: not consumed. */
	l = "Dec  7 13:30:14 mail dovecot: imap-login: Login: user=<a@b.c>, "
	    "method=PLAIN, rip=192.0.2.1, lip=192.0.2.2, mpid=1, session=<s>";
	cr_assert_eq(lp_parse_line(&lpt_src, l, strlen(l), &ev), 1);
	cr_assert_eq(lp_corr_feed(corr, &ev), 0);
}

Test(stats_correlate, names)
{
	cr_assert_str_eq(lp_outcome_name(LP_OUT_FORWARDED), "forwarded");
	cr_assert_str_eq(lp_end_name(LP_END_TIMEOUT), "timeout");
	cr_assert_str_eq(lp_end_name((enum lp_msg_end)77), "");
}
