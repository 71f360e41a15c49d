/*
 * Dovecot lines.  The lines are real: from the anonymised Debian mail.log
 * of Lightmeter's test data and from fail2ban's Dovecot test log (see
 * ../shared/testdata/maillogs-public/SOURCES.md); a few are put in
 * Dovecot's own log_path frame, whose prefix is "Mmm dd hh:mm:ss
 * service: Info: ".
 */

#include <criterion/criterion.h>

#include <stdio.h>

#include "stats_support.h"

/* 2026 + month/day/time in UTC, as microseconds. */
static int64_t
at(int mon, int mday, int h, int m, int s)
{
	static const int	cum[] = {
		0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334
	};
	int64_t			days;

	/* 2026-01-01 is day 20454 of the epoch; 2026 is no leap year. */
	days = 20454 + cum[mon - 1] + mday - 1;
	return ((days * 86400 + h * 3600 + m * 60 + s) * 1000000LL);
}

TestSuite(stats_dovecot, .init = lpt_setup);

Test(stats_dovecot, imap_login)
{
	struct lp_event	ev;

	lpt_ok("Dec  7 13:30:14 mail dovecot: imap-login: Login: "
	    "user=<another.user@some.example.com>, method=PLAIN, "
	    "rip=79.106.69.106, lip=172.18.0.2, mpid=19430, TLS, "
	    "session=<jBCG09+1huxPakVq>", &ev);
	cr_assert_eq(ev.kind, LP_EV_LOGIN);
	cr_assert_eq(ev.proto, LP_PROTO_IMAP);
	cr_assert_eq(ev.time_us, at(12, 7, 13, 30, 14));
	cr_assert_eq(ev.tls, 1);
	cr_assert_eq(ev.pid, -1);
	cr_assert_eq(ev.attempts, 0);
	STR_EQ(ev.host, "mail");
	STR_EQ(ev.program, "dovecot");
	STR_EQ(ev.service, "imap-login");
	STR_EQ(ev.user, "another.user@some.example.com");
	STR_EQ(ev.method, "PLAIN");
	STR_EQ(ev.remote_ip, "79.106.69.106");
	STR_EQ(ev.session, "jBCG09+1huxPakVq");
	STR_EQ(ev.qid, "");
}

Test(stats_dovecot, pop3_login_journald_tag)
{
	struct lp_event	ev;

	lpt_ok("Jan 28 11:20:08 mail dovecot[812]: pop3-login: Login: "
	    "user=<h-e8fcfa624@h-ffeb17e38996c.com>, method=PLAIN, "
	    "rip=217.30.6.105, lip=170.45.1.1, mpid=24015, TLS, "
	    "session=<W2L5EfS5DqNZDGoq>", &ev);
	cr_assert_eq(ev.kind, LP_EV_LOGIN);
	cr_assert_eq(ev.proto, LP_PROTO_POP3);
	cr_assert_eq(ev.pid, 812);
	cr_assert_eq(ev.tls, 1);
	STR_EQ(ev.user, "h-e8fcfa624@h-ffeb17e38996c.com");
	STR_EQ(ev.remote_ip, "217.30.6.105");
	STR_EQ(ev.session, "W2L5EfS5DqNZDGoq");
	STR_EQ(ev.service, "pop3-login");
}

Test(stats_dovecot, login_without_tls)
{
	struct lp_event	ev;

	lpt_ok("Nov 22 17:47:52 mx dovecot: imap-login: Login: "
	    "user=<bob@example.org>, method=LOGIN, rip=192.0.2.7, "
	    "lip=192.0.2.1, mpid=4711, session=<Q23ybvY8RLSkXGoP>", &ev);
	cr_assert_eq(ev.tls, 0);
	STR_EQ(ev.method, "LOGIN");
	STR_EQ(ev.user, "bob@example.org");
}

Test(stats_dovecot, own_log_file_frame)
{
	struct lp_event	ev;

	lpt_ok("Nov 22 17:47:52 imap-login: Info: Login: "
	    "user=<another.user@some.example.com>, method=PLAIN, "
	    "rip=79.106.69.106, lip=172.18.0.2, mpid=19430, TLS, "
	    "session=<jBCG09+1huxPakVq>", &ev);
	cr_assert_eq(ev.kind, LP_EV_LOGIN);
	cr_assert_eq(ev.time_us, at(11, 22, 17, 47, 52));
	STR_EQ(ev.host, "");
	STR_EQ(ev.program, "dovecot");
	STR_EQ(ev.service, "imap-login");
	STR_EQ(ev.user, "another.user@some.example.com");
	STR_EQ(ev.remote_ip, "79.106.69.106");

	lpt_ok("Nov 22 17:50:01 imap(another.user@some.example.com)"
	    "<19430><jBCG09+1huxPakVq>: Info: Logged out in=21756 out=588 "
	    "deleted=0 expunged=0 trashed=0 hdr_count=0 hdr_bytes=0 "
	    "body_count=0 body_bytes=0", &ev);
	cr_assert_eq(ev.kind, LP_EV_SESSION_END);
	cr_assert_eq(ev.bytes_in, 21756);
	cr_assert_eq(ev.bytes_out, 588);
	STR_EQ(ev.user, "another.user@some.example.com");
	STR_EQ(ev.session, "jBCG09+1huxPakVq");
}

Test(stats_dovecot, own_log_file_hint)
{
	struct lp_event	ev;

	cr_assert_eq(lp_source_init(&lpt_src, LP_FMT_DOVECOT, "UTC", LPT_REF),
	    0);
	lpt_ok("Jan 29 09:34:17 pop3-login: Info: Aborted login (auth "
	    "failed, 1 attempts in 62 secs): user=<carl.matx@sxxxxxxx.net>, "
	    "method=PLAIN, rip=1.2.3.4, TLS", &ev);
	cr_assert_eq(ev.kind, LP_EV_LOGIN_FAILED);
	cr_assert_eq(ev.proto, LP_PROTO_POP3);
	cr_assert_eq(ev.attempts, 1);
	cr_assert_eq(ev.tls, 1);
	STR_EQ(ev.user, "carl.matx@sxxxxxxx.net");
	STR_EQ(ev.remote_ip, "1.2.3.4");
}

Test(stats_dovecot, auth_failed_attempts)
{
	struct lp_event	ev;

	lpt_ok("Jun 13 16:30:54 platypus dovecot: imap-login: "
	    "Disconnected (auth failed, 2 attempts): user=<username.bob>, "
	    "method=PLAIN, rip=49.176.98.87, lip=113.212.99.194, TLS", &ev);
	cr_assert_eq(ev.kind, LP_EV_LOGIN_FAILED);
	cr_assert_eq(ev.proto, LP_PROTO_IMAP);
	cr_assert_eq(ev.attempts, 2);
	cr_assert_eq(ev.tls, 1);
	STR_EQ(ev.user, "username.bob");
	STR_EQ(ev.method, "PLAIN");
	STR_EQ(ev.remote_ip, "49.176.98.87");
	STR_EQ(ev.reason, "Disconnected (auth failed, 2 attempts)");
}

Test(stats_dovecot, auth_failed_without_user)
{
	struct lp_event	ev;

	lpt_ok("Jun 14 00:48:21 platypus dovecot: imap-login: "
	    "Disconnected (auth failed, 1 attempts): method=PLAIN, "
	    "rip=59.167.242.100, lip=113.212.99.194, TLS: Disconnected", &ev);
	cr_assert_eq(ev.kind, LP_EV_LOGIN_FAILED);
	cr_assert_eq(ev.attempts, 1);
	cr_assert_eq(ev.tls, 1);
	STR_EQ(ev.user, "");
	STR_EQ(ev.remote_ip, "59.167.242.100");
}

Test(stats_dovecot, auth_failed_reason_with_colons)
{
	struct lp_event	ev;

	lpt_ok("Aug 28 06:38:52 s166-62-100-187 dovecot: imap-login: "
	    "Disconnected: Connection closed: read(size=1003) failed: "
	    "Connection reset by peer (auth failed, 1 attempts in 0 secs): "
	    "user=<test@example.com>, rip=192.0.2.4, lip=127.0.0.19, "
	    "session=<Lsz0Oo7WXti3b7xe>", &ev);
	cr_assert_eq(ev.kind, LP_EV_LOGIN_FAILED);
	cr_assert_eq(ev.attempts, 1);
	cr_assert_eq(ev.tls, 0);
	STR_EQ(ev.user, "test@example.com");
	STR_EQ(ev.remote_ip, "192.0.2.4");
	STR_EQ(ev.session, "Lsz0Oo7WXti3b7xe");
}

Test(stats_dovecot, login_aborted_dovecot24)
{
	struct lp_event	ev;

	lpt_ok("Jun 12 19:07:29 hostname dovecot[241]: imap-login: Login "
	    "aborted: Connection closed (auth failed, 3 attempts in 16 secs) "
	    "(auth_failed): user=<test>, method=PLAIN, rip=192.0.2.241, "
	    "lip=203.0.113.104, TLS, session=<9ZHq02g3J8S60fan>", &ev);
	cr_assert_eq(ev.kind, LP_EV_LOGIN_FAILED);
	cr_assert_eq(ev.proto, LP_PROTO_IMAP);
	cr_assert_eq(ev.attempts, 3);
	cr_assert_eq(ev.pid, 241);
	cr_assert_eq(ev.tls, 1);
	STR_EQ(ev.user, "test");
	STR_EQ(ev.method, "PLAIN");
	STR_EQ(ev.remote_ip, "192.0.2.241");
	STR_EQ(ev.session, "9ZHq02g3J8S60fan");

	/* Without the attempt count, (auth_failed) alone is one attempt. */
	lpt_ok("Jun 12 19:07:29 hostname dovecot[241]: imap-login: Login "
	    "aborted: Logged out (auth_failed): user=<test>, method=PLAIN, "
	    "rip=192.0.2.241, lip=203.0.113.104, TLS, "
	    "session=<9ZHq02g3J8S60fan>", &ev);
	cr_assert_eq(ev.kind, LP_EV_LOGIN_FAILED);
	cr_assert_eq(ev.attempts, 1);
}

Test(stats_dovecot, managesieve_and_submission_failures)
{
	struct lp_event	ev;

	lpt_ok("Jun 13 16:35:56 mx dovecot[241]: managesieve-login: Login "
	    "aborted: Logged out (auth failed, 1 attempts in 10 secs) "
	    "(auth_failed): user=<user@domain>, method=PLAIN, "
	    "rip=192.0.2.241, lip=203.0.113.104, TLS, "
	    "session=<Dp8j1Ho3suQYdo+k>", &ev);
	cr_assert_eq(ev.proto, LP_PROTO_SIEVE);
	cr_assert_eq(ev.attempts, 1);
	STR_EQ(ev.user, "user@domain");

	lpt_ok("Aug 29 03:17:18 server dovecot: submission-login: Client "
	    "has quit the connection (auth failed, 1 attempts in 2 secs): "
	    "user=<user1>, method=LOGIN, rip=192.0.2.133, lip=0.0.0.0", &ev);
	cr_assert_eq(ev.kind, LP_EV_LOGIN_FAILED);
	cr_assert_eq(ev.proto, LP_PROTO_SMTP);
	STR_EQ(ev.method, "LOGIN");
	STR_EQ(ev.remote_ip, "192.0.2.133");
}

Test(stats_dovecot, not_failures)
{
	lpt_skip("Jan 28 11:13:13 mail dovecot: pop3-login: Disconnected "
	    "(no auth attempts in 10 secs): user=<>, rip=222.85.252.239, "
	    "lip=170.45.1.1, session=<UDI/+fO5tq7A8c5h>", LP_SKIP_MESSAGE);
	lpt_skip("Dec 12 11:19:11 dunnart dovecot: pop3-login: Aborted "
	    "login (tried to use disabled plaintext auth): "
	    "rip=190.210.136.21, lip=113.212.99.193", LP_SKIP_MESSAGE);
	lpt_skip("Aug 22 12:09:41 server dovecot: imap-login: Login "
	    "aborted: Connection closed: read(size=653) failed: Connection "
	    "reset by peer (no auth attempts in 1 secs) (no_auth_attempts): "
	    "user=<>, rip=192.0.2.6, lip=192.0.2.1, TLS: read(size=653) "
	    "failed: Connection reset by peer, session=<qMLsbvY8PLSkXGoP>",
	    LP_SKIP_MESSAGE);
	lpt_skip("Jan 29 05:13:50 mail dovecot: auth: "
	    "passwd-file(username,1.2.3.4): unknown user", LP_SKIP_MESSAGE);
	lpt_skip("Dec  7 13:30:14 mail dovecot: lmtp(19423): Connect from "
	    "local", LP_SKIP_MESSAGE);
	lpt_skip("Dec  7 13:30:14 mail dovecot: lmtp(19423): Disconnect "
	    "from local: Client has quit the connection (state=READY)",
	    LP_SKIP_MESSAGE);
}

Test(stats_dovecot, imap_logged_out)
{
	struct lp_event	ev;

	lpt_ok("Jan 28 08:54:48 mail dovecot: imap(h-aaf4c@h-ffeb17e38996c"
	    ".com)<10200></2+CoPG5GSVYgp83>: Logged out in=229 out=835 "
	    "deleted=0 expunged=0 trashed=0 hdr_count=0 hdr_bytes=0 "
	    "body_count=0 body_bytes=0", &ev);
	cr_assert_eq(ev.kind, LP_EV_SESSION_END);
	cr_assert_eq(ev.proto, LP_PROTO_IMAP);
	cr_assert_eq(ev.bytes_in, 229);
	cr_assert_eq(ev.bytes_out, 835);
	cr_assert_eq(ev.time_us, at(1, 28, 8, 54, 48));
	STR_EQ(ev.user, "h-aaf4c@h-ffeb17e38996c.com");
	STR_EQ(ev.session, "/2+CoPG5GSVYgp83");
	STR_EQ(ev.service, "imap");
	STR_EQ(ev.host, "mail");
}

Test(stats_dovecot, imap_connection_closed)
{
	struct lp_event	ev;

	/* The reason holds "2 B in + 10 B out": only in=/out= count. */
	lpt_ok("Dec  7 13:30:51 mail dovecot: imap(user2@some.example.com)"
	    "<11729><K05Rbt+1rN1ONwWt>: Connection closed (IDLE running for "
	    "0.001 + waiting input for 1097.183 secs, 2 B in + 10 B out, "
	    "state=wait-input) in=1516 out=259996 deleted=0 expunged=0 "
	    "trashed=0 hdr_count=2 hdr_bytes=705 body_count=2 "
	    "body_bytes=7325", &ev);
	cr_assert_eq(ev.kind, LP_EV_SESSION_END);
	cr_assert_eq(ev.bytes_in, 1516);
	cr_assert_eq(ev.bytes_out, 259996);
	STR_EQ(ev.user, "user2@some.example.com");
	STR_EQ(ev.session, "K05Rbt+1rN1ONwWt");

	lpt_ok("Dec  7 13:34:31 mail dovecot: imap(hello@some.example.com)"
	    "<30309><IoiuuN61mxFYgp+W>: Disconnected for inactivity in=1845 "
	    "out=3930 deleted=0 expunged=0 trashed=0 hdr_count=0 hdr_bytes=0 "
	    "body_count=0 body_bytes=0", &ev);
	cr_assert_eq(ev.bytes_in, 1845);
	cr_assert_eq(ev.bytes_out, 3930);
}

Test(stats_dovecot, imap_other_lines_skipped)
{
	lpt_skip("Dec  7 13:30:14 mail dovecot: imap(user@example.com)"
	    "<19430><jBCG09+1huxPakVq>: Error: Mailbox INBOX: UID=3: "
	    "read() failed", LP_SKIP_MESSAGE);
}

Test(stats_dovecot, pop3_logged_out)
{
	struct lp_event	ev;

	lpt_ok("Dec  7 13:29:38 mail dovecot: pop3(discourse@some.example."
	    "com)<19259><US9g0d+1NL9ONwWt>: Disconnected: Logged out "
	    "top=0/0, retr=0/0, del=0/0, size=0", &ev);
	cr_assert_eq(ev.kind, LP_EV_SESSION_END);
	cr_assert_eq(ev.proto, LP_PROTO_POP3);
	cr_assert_eq(ev.retr_msgs, 0);
	cr_assert_eq(ev.bytes_out, 0);
	STR_EQ(ev.user, "discourse@some.example.com");
	STR_EQ(ev.session, "US9g0d+1NL9ONwWt");

	/* Dovecot's pop3_logout_format: top=%t/%p, retr=%r/%b, del=%d/%m */
	lpt_ok("Dec  7 13:31:02 mail dovecot: pop3(discourse@some.example."
	    "com)<19301><Vb8q0d+1QL9ONwWt>: Disconnected: Logged out "
	    "top=1/120, retr=2/4113, del=2/3, size=8226", &ev);
	cr_assert_eq(ev.top_msgs, 1);
	cr_assert_eq(ev.top_bytes, 120);
	cr_assert_eq(ev.retr_msgs, 2);
	cr_assert_eq(ev.retr_bytes, 4113);
	cr_assert_eq(ev.del_msgs, 2);
	cr_assert_eq(ev.size, 8226);
	cr_assert_eq(ev.bytes_in, 0);
	cr_assert_eq(ev.bytes_out, 4233);
}

Test(stats_dovecot, lmtp_saved)
{
	struct lp_event	ev;

	lpt_ok("Dec  7 13:30:14 mail dovecot: lmtp(user2@some.example.com)"
	    "<19423><I861FWYuzl/fSwAAWP5Hkg>: msgid=<bd78bb15-025d-cc7b-7d73"
	    "-c79bf75eeace@some.example.com>: saved mail to INBOX", &ev);
	cr_assert_eq(ev.kind, LP_EV_LMTP_SAVED);
	cr_assert_eq(ev.proto, LP_PROTO_LMTP);
	STR_EQ(ev.user, "user2@some.example.com");
	STR_EQ(ev.session, "I861FWYuzl/fSwAAWP5Hkg");
	STR_EQ(ev.mailbox, "INBOX");
	STR_EQ(ev.service, "lmtp");
}

Test(stats_dovecot, lmtp_sieve_and_old_formats)
{
	struct lp_event	ev;

	lpt_ok("Dec  7 13:30:14 mail dovecot: lmtp(user@example.com)<123>"
	    "<SessID>: sieve: msgid=<x@y>: stored mail into mailbox 'Junk'",
	    &ev);
	cr_assert_eq(ev.kind, LP_EV_LMTP_SAVED);
	STR_EQ(ev.mailbox, "Junk");
	STR_EQ(ev.user, "user@example.com");

	/* Dovecot 2.2: lmtp(pid, user) */
	lpt_ok("Dec  7 13:30:14 mail dovecot: lmtp(31456, user@example.com)"
	    ": u9bSHJ+A1VkQeQAAhcjdnQ: msgid=<a@b>: saved mail to INBOX", &ev);
	STR_EQ(ev.user, "user@example.com");
	STR_EQ(ev.mailbox, "INBOX");

	/* A message id quoting the action does not fool the parser. */
	lpt_ok("Dec  7 13:30:14 mail dovecot: lmtp(u@example.com)<1><S>: "
	    "msgid=<x: saved mail to Spam>: save failed to INBOX: Quota "
	    "exceeded (mailbox for user is full)", &ev);
	cr_assert_eq(ev.kind, LP_EV_LMTP_QUOTA_FAILED);
	STR_EQ(ev.mailbox, "INBOX");
}

Test(stats_dovecot, lmtp_quota)
{
	struct lp_event	ev;

	lpt_ok("Dec  7 13:30:14 mail dovecot: lmtp(user@example.com)<123>"
	    "<SessID>: msgid=<x@y>: save failed to INBOX: Quota exceeded "
	    "(mailbox for user is full)", &ev);
	cr_assert_eq(ev.kind, LP_EV_LMTP_QUOTA_FAILED);
	cr_assert_eq(ev.proto, LP_PROTO_LMTP);
	STR_EQ(ev.user, "user@example.com");
	STR_EQ(ev.mailbox, "INBOX");
	STR_EQ(ev.reason, "Quota exceeded (mailbox for user is full)");

	/* Dovecot 1.x deliver, its own syslog tag. */
	lpt_ok("Oct  1 07:49:20 u86 deliver(macaco@monos.org): msgid=<3196"
	    "15.810035856-sendEmail@huginn>: save failed to INBOX: Quota "
	    "exceeded (mailbox for user is full)", &ev);
	cr_assert_eq(ev.kind, LP_EV_LMTP_QUOTA_FAILED);
	STR_EQ(ev.user, "macaco@monos.org");
	STR_EQ(ev.host, "u86");

	lpt_ok("Oct  1 07:49:20 u86 deliver(macaco@monos.org): msgid=<3196"
	    "15.810035856-sendEmail@huginn>: rejected: Quota exceeded "
	    "(mailbox for user is full)", &ev);
	cr_assert_eq(ev.kind, LP_EV_LMTP_QUOTA_FAILED);
	STR_EQ(ev.mailbox, "");

	lpt_skip("Dec  7 13:30:14 mail dovecot: lmtp(user@example.com)<1>"
	    "<S>: msgid=<x@y>: save failed to INBOX: Internal error",
	    LP_SKIP_MESSAGE);
}

Test(stats_dovecot, webmail_host)
{
	struct lp_event	ev;
	const char	*l = "Dec  7 13:30:14 mail dovecot: imap-login: Login: "
	    "user=<another.user@some.example.com>, method=PLAIN, "
	    "rip=127.0.0.1, lip=127.0.0.1, mpid=19430, secured, "
	    "session=<jBCG09+1huxPakVq>";
	const char	*l6 = "Dec  7 13:30:15 mail dovecot: imap-login: "
	    "Login: user=<a@example.com>, method=PLAIN, rip=2001:db8::10, "
	    "lip=2001:db8::1, mpid=19431, TLS, session=<kBCG09+1huxPakVq>";

	lpt_ok(l, &ev);
	cr_assert_eq(ev.proto, LP_PROTO_IMAP);
	cr_assert_eq(ev.tls, 0);

	cr_assert_eq(lp_source_add_webmail(&lpt_src, "127.0.0.1"), 0);
	cr_assert_eq(lp_source_add_webmail(&lpt_src, "2001:db8:0::10"), 0);
	cr_assert_eq(lp_source_add_webmail(&lpt_src, "not an address"), -1);
	lpt_ok(l, &ev);
	cr_assert_eq(ev.kind, LP_EV_LOGIN);
	cr_assert_eq(ev.proto, LP_PROTO_WEBMAIL);
	STR_EQ(ev.user, "another.user@some.example.com");
	lpt_ok(l6, &ev);
	cr_assert_eq(ev.proto, LP_PROTO_WEBMAIL);

	/* Other addresses and POP3 stay what they are. */
	lpt_ok("Dec  7 13:30:14 mail dovecot: imap-login: Login: "
	    "user=<x@example.com>, method=PLAIN, rip=127.0.0.2, "
	    "lip=127.0.0.1, mpid=1, session=<a>", &ev);
	cr_assert_eq(ev.proto, LP_PROTO_IMAP);
	lpt_ok("Jan 28 11:20:08 mail dovecot: pop3-login: Login: "
	    "user=<x@example.com>, method=PLAIN, rip=127.0.0.1, "
	    "lip=127.0.0.1, mpid=2, session=<b>", &ev);
	cr_assert_eq(ev.proto, LP_PROTO_POP3);
}

Test(stats_dovecot, webmail_host_limit)
{
	char	buf[32];
	int	i;

	for (i = 0; i < LP_WEBMAIL_MAX; i++) {
		snprintf(buf, sizeof(buf), "10.0.0.%d", i + 1);
		cr_assert_eq(lp_source_add_webmail(&lpt_src, buf), 0);
	}
	cr_assert_eq(lp_source_add_webmail(&lpt_src, "10.0.1.1"), -1);
}
