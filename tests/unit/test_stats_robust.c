/*
 * No line can crash the parser or the correlator: every sample file, random
 * bytes, mutated real lines and every prefix of real lines, each in a heap
 * buffer of its exact length so that AddressSanitizer sees any over-read.
 */

#include <criterion/criterion.h>

#include <sys/stat.h>

#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "correlate.h"
#include "stats_support.h"

#define DATA	"../shared/testdata/maillogs-public"
#define LC	DATA "/lightmeter-controlcenter/complete_logs_sample/"

static struct lp_corr	*corr;
static uint64_t		 rng = 0x9e3779b97f4a7c15ULL;
static int		 kinds[LP_EV__COUNT];

static uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (rng);
}

static void
setup(void)
{
	struct lp_corr_config	cfg;

	memset(&cfg, 0, sizeof(cfg));
	cfg.capacity = 64;
	cfg.deferred_max = 8;
	cr_assert_eq(lp_source_init(&lpt_src, LP_FMT_AUTO, "Europe/Amsterdam",
	    LPT_REF), 0);
	cr_assert_eq(lp_source_add_webmail(&lpt_src, "127.0.0.1"), 0);
	cr_assert_not_null(corr = lp_corr_new(&cfg, NULL));
	memset(kinds, 0, sizeof(kinds));
}

static void
teardown(void)
{
	lp_corr_free(corr);
}

/* Parse a copy of exactly len bytes; feed the correlator. */
static int
one(const char *p, size_t len)
{
	struct lp_event	 ev;
	char		*b;
	int		 r;

	cr_assert_not_null(b = malloc(len > 0 ? len : 1));
	memcpy(b, p, len);
	r = lp_parse_line(&lpt_src, b, len, &ev);
	if (r) {
		cr_assert(ev.kind > LP_EV_NONE && ev.kind < LP_EV__COUNT);
		kinds[ev.kind]++;
		(void)lp_corr_feed(corr, &ev);
	} else
		cr_assert(ev.skip > LP_SKIP_NONE && ev.skip < LP_SKIP__COUNT);
	free(b);
	return (r);
}

static long	walked, walked_ok;
static char	walk_err[600];

/* Lightmeter traces without a single countable line. */
static int
no_events(const char *path)
{
	return (strstr(path, "/7_only_connections_and_disconnections.log") !=
	    NULL || strstr(path, "/19_postfix_version.log") != NULL);
}

/* The Dovecot, Postfix and Roundcube samples must yield events. */
static int
must_parse(const char *path)
{
	size_t	len = strlen(path);

	if (strstr(path, "/fail2ban/dovecot") != NULL ||
	    strstr(path, "/fail2ban/postfix") != NULL ||
	    strstr(path, "/fail2ban/roundcube-auth") != NULL ||
	    strstr(path, "/complete_logs_sample/mail.log") != NULL)
		return (1);
	return (strstr(path, "/lightmeter-controlcenter/") != NULL &&
	    len > 4 && strcmp(path + len - 4, ".log") == 0);
}

/* No assertion in here: it would leave nftw's memory behind. */
static int
walk_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	size_t	len = strlen(path);
	long	ok;

	(void)st;
	(void)ftw;
	if (type != FTW_F || (len > 3 && strcmp(path + len - 3, ".gz") == 0))
		return (0);
	if ((ok = lpt_file_lines(path, one)) < 0) {
		snprintf(walk_err, sizeof(walk_err), "unreadable %s", path);
		return (1);
	}
	walked++;
	walked_ok += ok;
	if (no_events(path) ? ok != 0 : must_parse(path) && ok == 0) {
		snprintf(walk_err, sizeof(walk_err), "%ld events in %s", ok,
		    path);
		return (1);
	}
	return (0);
}

TestSuite(stats_robust, .init = setup, .fini = teardown);

Test(stats_robust, every_sample_file)
{
	struct stat	st;

	if (stat(DATA, &st) == -1)
		cr_skip_test(DATA " missing");
	walked = walked_ok = 0;
	walk_err[0] = '\0';
	cr_assert_eq(nftw(DATA, walk_one, 16, FTW_PHYS), 0, "%s", walk_err);
	lp_corr_flush(corr);
	cr_assert_gt(walked, 40);
	cr_assert_gt(walked_ok, 3000);
	cr_assert_gt(kinds[LP_EV_LOGIN_FAILED], 10);
	cr_assert_gt(kinds[LP_EV_SMTP_AUTH_FAILED], 5);
	cr_assert_gt(kinds[LP_EV_NOQUEUE_REJECT], 10);
	cr_assert_gt(kinds[LP_EV_WEBMAIL_LOGIN_FAILED], 0);
}

/*
 * The Debian mail.log pair: every line SOURCES.md counted with grep is
 * an event (imap-login Login, pop3-login Login, sasl_username, saved mail).
 */
static void
counts(const char *name, int imap, int pop3, int lmtp)
{
	memset(kinds, 0, sizeof(kinds));
	if (lpt_file_lines(name, one) < 0)
		cr_skip_test("%s missing", name);
	cr_assert_eq(kinds[LP_EV_LOGIN], imap + pop3, "%s", name);
	cr_assert_eq(kinds[LP_EV_LMTP_SAVED], lmtp, "%s", name);
}

Test(stats_robust, debian_mail_log_counts)
{
	counts(LC "mail.log.1", 724, 3, 95);
	counts(LC "mail.log", 141, 24, 48);
}

static const char	*real[] = {
	"Dec  9 10:18:23 mail postfix/submission/smtpd[20040]: BA8F630001DA: "
	"client=client.example.com[89.247.252.52], sasl_method=PLAIN, "
	"sasl_username=sender@mydomain.com",
	"Dec  9 10:18:23 mail postfix/qmgr[3398]: BA8F630001DA: from=<sender@"
	"mydomain.com>, size=502, nrcpt=5 (queue active)",
	"Dec  9 10:18:24 mail postfix/smtp[20049]: BA8F630001DA: to=<recipient1"
	"@dst1.example.com>, relay=127.0.0.1[127.0.0.1]:10024, delay=0.38, "
	"delays=0.23/0.02/0/0.13, dsn=2.0.0, status=sent (250 2.0.0 from MTA("
	"smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: queued as 1310930001DB)",
	"Jun 20 05:02:07 ns4 postfix/local[16460]: 95154657C: to=<h-493fac8f3@"
	"h-ea3f4afa.com>, orig_to=<h-195704c@h-20b651e8120a33ec11.com>, relay="
	"local, delay=0.1, delays=0.09/0/0/0.01, dsn=2.0.0, status=sent "
	"(delivered to command: procmail)",
	"Sep 30 20:46:08 smtpnode16 postfix-239.58.50.50/qmgr[31214]: "
	"23EBE3D5C0: from=<h-498b874f2bf0cf639807ad80e1@h-5e67b9b4406.com>, "
	"status=expired, returned to sender",
	"Dec  9 10:18:24 mail postfix/qmgr[3398]: BA8F630001DA: removed",
	"Jul 12 07:47:48 saturn postfix/smtpd[8738]: NOQUEUE: reject: RCPT "
	"from 1-2-3-4-example.com[1.2.3.4]: 554 5.7.1 <smtp@example.com>: "
	"Relay access denied; from=<john@example.com> to=<smtp@example.org> "
	"proto=SMTP helo=<198.51.100.17>",
	"May  5 15:51:11 xxx postfix/postscreen[1148]: NOQUEUE: reject: RCPT "
	"from [216.245.194.173]:60591: 550 5.7.1 Service unavailable; from=<"
	"spammer@example.com>, to=<goodguy@example.com>, proto=ESMTP, helo=<b>",
	"Aug 4 16:47:52 mail3 postfix/smtpd[31152]: warning: unknown[192.0.2."
	"237]:55729: SASL LOGIN authentication failed: authentication failure, "
	"sasl_username=x@y.z",
	"Jan 25 18:54:51 mx postfix/cleanup[8966]: B37FD2E05B9: milter-reject: "
	"END-OF-MESSAGE from h-ca74a0a011076cd81347f8f11e[254.65.43.194]: "
	"4.7.1 Try again later; from=<a@b.c> to=<d@e.f> proto=ESMTP helo=<h>",
	"Oct 13 16:40:42 ucs postfix/smtpd[18581]: ED01244770: client=localhost"
	"[127.0.0.1], orig_queue_id=4F5C64474F, orig_client=unknown[28.55.140."
	"112]",
	"Dec  7 13:30:14 mail dovecot: imap-login: Login: user=<another.user@"
	"some.example.com>, method=PLAIN, rip=79.106.69.106, lip=172.18.0.2, "
	"mpid=19430, TLS, session=<jBCG09+1huxPakVq>",
	"Jun 12 19:07:29 hostname dovecot[241]: imap-login: Login aborted: "
	"Connection closed (auth failed, 3 attempts in 16 secs) (auth_failed): "
	"user=<test>, method=PLAIN, rip=192.0.2.241, lip=203.0.113.104, TLS, "
	"session=<9ZHq02g3J8S60fan>",
	"Dec  7 13:30:51 mail dovecot: imap(user2@some.example.com)<11729><K05"
	"Rbt+1rN1ONwWt>: Connection closed (IDLE running for 0.001 + waiting "
	"input for 1097.183 secs, 2 B in + 10 B out, state=wait-input) in=1516 "
	"out=259996 deleted=0",
	"Dec  7 13:29:38 mail dovecot: pop3(discourse@some.example.com)<19259><"
	"US9g0d+1NL9ONwWt>: Disconnected: Logged out top=0/0, retr=2/4113, "
	"del=0/0, size=0",
	"Dec  7 13:30:14 mail dovecot: lmtp(user2@some.example.com)<19423><I861"
	"FWYuzl/fSwAAWP5Hkg>: msgid=<bd78bb15@some.example.com>: saved mail to "
	"INBOX",
	"Oct  1 07:49:20 u86 deliver(macaco@monos.org): msgid=<3196@huginn>: "
	"save failed to INBOX: Quota exceeded (mailbox for user is full)",
	"Nov 22 17:47:52 imap(a@b.c)<1><s>: Info: Logged out in=1 out=2",
	"Jan 29 09:34:17 pop3-login: Info: Aborted login (auth failed, 1 "
	"attempts in 62 secs): user=<carl.matx@sxxxxxxx.net>, method=PLAIN, "
	"rip=1.2.3.4, TLS",
	"2026-11-22T17:44:23.473223+00:00 mail postfix/qmgr[1005]: "
	"4AA091855DA0: removed",
	"[10-May-2015 13:02:52 -0400]: <4z506z6r> Failed login for admin@"
	"example.com from 1.2.3.4 in session 4z506z6rvddstv6k7jz08hxo27 "
	"(error: 0)",
	"[22-Nov-2026 17:44:23 +0100]: <9dm4ha3p> Successful login for alice@"
	"example.com (ID: 12) from 192.0.2.10 in session 9dm4ha3pa8tb6ck2u",
	"May 19 06:07:48 server roundcube[21296]: <crk9n97i> Failed login for "
	"test from 192.0.2.1 in session crk9n97iabc (error: 0)",
	NULL
};

/* Real lines that are no event. */
static const char	*noise[] = {
	"2013-08-11 03:56:40 auth-worker(default): Info: pam(username,"
	"1.2.3.4): pam_authenticate() failed: Authentication failure "
	"(password mismatch?)",
	"@400000004c91b044077a9e94 imap-login: Info: Aborted login (auth "
	"failed, 1 attempts): user=<martin@waschbuesch.de>, method=CRAM-MD5, "
	"rip=80.187.101.33, lip=80.254.129.240, TLS",
	"Dec  7 13:33:34 mail postfix/anvil[18492]: statistics: max connection "
	"rate 2/60s for (submission:68.183.218.8) at Dec  7 13:28:01",
	"Jan 28 11:13:13 mail dovecot: pop3-login: Disconnected (no auth "
	"attempts in 10 secs): user=<>, rip=222.85.252.239, lip=170.45.1.1, "
	"session=<UDI/+fO5tq7A8c5h>",
	"Dec  7 13:30:14 mail dovecot: lmtp(19423): Connect from local",
	NULL
};

static void
prefixes(const char *l)
{
	size_t	n, len = strlen(l);

	for (n = 0; n <= len; n++)
		(void)one(l, n);
}

Test(stats_robust, every_prefix_of_real_lines)
{
	size_t	i;

	for (i = 0; real[i] != NULL; i++) {
		cr_assert_eq(one(real[i], strlen(real[i])), 1, "%s", real[i]);
		prefixes(real[i]);
	}
	for (i = 0; noise[i] != NULL; i++) {
		cr_assert_eq(one(noise[i], strlen(noise[i])), 0, "%s",
		    noise[i]);
		prefixes(noise[i]);
	}
	lp_corr_flush(corr);
}

Test(stats_robust, mutated_real_lines)
{
	char	buf[512];
	size_t	i, len, k;
	int	round;

	for (round = 0; round < 400; round++) {
		for (i = 0; real[i] != NULL; i++) {
			len = strlen(real[i]);
			memcpy(buf, real[i], len);
			for (k = 0; k < 1 + rnd() % 4; k++)
				buf[rnd() % len] = (char)(rnd() & 0xff);
			/* Cut somewhere, sometimes. */
			if (rnd() % 3 == 0)
				len = rnd() % (len + 1);
			(void)one(buf, len);
		}
	}
	lp_corr_flush(corr);
}

Test(stats_robust, random_bytes)
{
	static const char	alpha[] = "0123456789 :[]<>=,.()/-+@ABCDEFZ"
	    "abcdefz\t\n\r";
	static const char	*tok[] = {
		"Nov 22 17:44:23 ", "2026-11-22T17:44:23+01:00 ", "mail ",
		"postfix/smtpd[1]: ", "dovecot: ", "imap-login: ", "Login: ",
		"user=<", "rip=", "(auth failed, ", "imap(", ")<1><", ">: ",
		" in=", " out=", "retr=", "ABCDEF12: ", "client=", "from=<",
		"to=<", ", ", "status=", "sent (", "queued as ", "removed",
		"NOQUEUE: reject: ", "RCPT from ", "[1.2.3.4]", "; from=<",
		"warning: ", "SASL ", " authentication failed",
		"[22-Nov-2026 17:44:23 +0100]: ", "Failed login for ",
		" from ", " in session ", "(ID: ", "lmtp(", "msgid=<",
		": saved mail to ", ": save failed to ", "Quota exceeded",
		"<", ">", "\xff", "\0"
	};
	char			 buf[400];
	size_t			 len, t, n;
	int			 i;

	for (i = 0; i < 30000; i++) {
		len = 0;
		while (len < sizeof(buf) - 40 && rnd() % 24 != 0) {
			if (rnd() % 2) {
				t = rnd() % (sizeof(tok) / sizeof(tok[0]));
				n = strlen(tok[t]);
				if (n == 0)
					n = 1;
				memcpy(buf + len, tok[t], n);
				len += n;
			} else if (rnd() % 2)
				buf[len++] = alpha[rnd() % (sizeof(alpha) - 1)];
			else
				buf[len++] = (char)(rnd() & 0xff);
		}
		(void)one(buf, len);
	}
	lp_corr_flush(corr);
}
