/*
 * Postfix lines, real ones: from Lightmeter's anonymised Postfix traces
 * and fail2ban's Postfix test log (../shared/testdata/maillogs-public).
 */

#include <criterion/criterion.h>

#include "stats_support.h"

TestSuite(stats_postfix, .init = lpt_setup);

Test(stats_postfix, smtpd_client_sasl)
{
	struct lp_event	ev;

	lpt_ok("Dec  9 10:18:23 mail postfix/submission/smtpd[20040]: "
	    "BA8F630001DA: client=client.example.com[89.247.252.52], "
	    "sasl_method=PLAIN, sasl_username=sender@mydomain.com", &ev);
	cr_assert_eq(ev.kind, LP_EV_SMTPD_CLIENT);
	cr_assert_eq(ev.proto, LP_PROTO_SMTP);
	cr_assert_eq(ev.pid, 20040);
	/* 2026-12-09T10:18:23Z */
	cr_assert_eq(ev.time_us, 1796811503LL * 1000000);
	STR_EQ(ev.host, "mail");
	STR_EQ(ev.program, "postfix/submission/smtpd");
	STR_EQ(ev.instance, "postfix");
	STR_EQ(ev.service, "smtpd");
	STR_EQ(ev.qid, "BA8F630001DA");
	STR_EQ(ev.remote_host, "client.example.com");
	STR_EQ(ev.remote_ip, "89.247.252.52");
	STR_EQ(ev.method, "PLAIN");
	STR_EQ(ev.user, "sender@mydomain.com");
	STR_EQ(ev.orig_qid, "");
}

Test(stats_postfix, smtpd_client_plain_and_ipv6)
{
	struct lp_event	ev;

	lpt_ok("Dec  9 10:18:24 mail postfix/smtpd[20051]: 1310930001DB: "
	    "client=localhost[127.0.0.1]", &ev);
	cr_assert_eq(ev.kind, LP_EV_SMTPD_CLIENT);
	STR_EQ(ev.program, "postfix/smtpd");
	STR_EQ(ev.remote_host, "localhost");
	STR_EQ(ev.remote_ip, "127.0.0.1");
	STR_EQ(ev.user, "");
	STR_EQ(ev.method, "");

	lpt_ok("Feb  8 21:28:47 mx postfix/smtps/smtpd[1036]: DE81A2E2DAA: "
	    "client=unknown[2a02:168:636a::15e2], sasl_method=PLAIN, "
	    "sasl_username=h-d2315d@h-24e89d.com", &ev);
	STR_EQ(ev.remote_ip, "2a02:168:636a::15e2");
	STR_EQ(ev.user, "h-d2315d@h-24e89d.com");
	STR_EQ(ev.program, "postfix/smtps/smtpd");
}

Test(stats_postfix, smtpd_client_xforward)
{
	struct lp_event	ev;

	lpt_ok("Oct 13 16:40:42 ucs postfix/smtpd[18581]: ED01244770: "
	    "client=localhost[127.0.0.1], orig_queue_id=4F5C64474F, "
	    "orig_client=unknown[28.55.140.112]", &ev);
	STR_EQ(ev.qid, "ED01244770");
	STR_EQ(ev.orig_qid, "4F5C64474F");
	STR_EQ(ev.orig_ip, "28.55.140.112");
}

Test(stats_postfix, instance_in_program)
{
	struct lp_event	ev;

	lpt_ok("Sep  4 01:24:11 smtpnode06 postfix-170.55.103.23/smtpd[5965]"
	    ": DADADADADA: client=h-d04c17c68166c9deda13c8e79ad[112.83.23.93]",
	    &ev);
	STR_EQ(ev.instance, "postfix-170.55.103.23");
	STR_EQ(ev.service, "smtpd");
	STR_EQ(ev.qid, "DADADADADA");
	STR_EQ(ev.remote_ip, "112.83.23.93");
}

Test(stats_postfix, qmgr_from)
{
	struct lp_event	ev;

	lpt_ok("Jan 20 19:48:05 teupos postfix/qmgr[1937864]: B9996EABB6: "
	    "from=<sender@internal.org>, size=2239, nrcpt=2 (queue active)",
	    &ev);
	cr_assert_eq(ev.kind, LP_EV_QMGR_FROM);
	cr_assert_eq(ev.size, 2239);
	cr_assert_eq(ev.nrcpt, 2);
	cr_assert_eq(ev.pid, 1937864);
	STR_EQ(ev.qid, "B9996EABB6");
	STR_EQ(ev.sender, "sender@internal.org");
	STR_EQ(ev.service, "qmgr");

	lpt_ok("Jun  3 10:40:59 mail postfix/qmgr[1005]: A48191855DA0: "
	    "from=<>, size=3147, nrcpt=1 (queue active)", &ev);
	cr_assert_eq(ev.kind, LP_EV_QMGR_FROM);
	cr_assert_eq(ev.size, 3147);
	cr_assert(ev.sender.p != NULL);
	STR_EQ(ev.sender, "");
}

Test(stats_postfix, qmgr_expired_and_removed)
{
	struct lp_event	ev;

	lpt_ok("Sep 30 20:46:08 smtpnode16 postfix-239.58.50.50/qmgr[31214]"
	    ": 23EBE3D5C0: from=<h-498b874f2bf0cf639807ad80e1@h-5e67b9b4406"
	    ".com>, status=expired, returned to sender", &ev);
	cr_assert_eq(ev.kind, LP_EV_QMGR_EXPIRED);
	cr_assert_eq(ev.status, LP_ST_EXPIRED);
	STR_EQ(ev.qid, "23EBE3D5C0");
	STR_EQ(ev.sender, "h-498b874f2bf0cf639807ad80e1@h-5e67b9b4406.com");

	lpt_ok("Sep 30 20:46:08 smtpnode16 postfix-239.58.50.50/qmgr[31214]"
	    ": 23EBE3D5C0: removed", &ev);
	cr_assert_eq(ev.kind, LP_EV_QMGR_REMOVED);
	STR_EQ(ev.qid, "23EBE3D5C0");
}

Test(stats_postfix, delivery_sent_queued_as)
{
	struct lp_event	ev;

	lpt_ok("Dec  9 10:18:24 mail postfix/smtp[20049]: BA8F630001DA: "
	    "to=<recipient1@dst1.example.com>, relay=127.0.0.1[127.0.0.1]:"
	    "10024, delay=0.38, delays=0.23/0.02/0/0.13, dsn=2.0.0, "
	    "status=sent (250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 "
	    "2.0.0 Ok: queued as 1310930001DB)", &ev);
	cr_assert_eq(ev.kind, LP_EV_DELIVERY);
	cr_assert_eq(ev.status, LP_ST_SENT);
	cr_assert_eq(ev.proto, LP_PROTO_SMTP);
	STR_EQ(ev.qid, "BA8F630001DA");
	STR_EQ(ev.recipient, "recipient1@dst1.example.com");
	STR_EQ(ev.orig_to, "");
	STR_EQ(ev.relay, "127.0.0.1[127.0.0.1]:10024");
	STR_EQ(ev.dsn, "2.0.0");
	STR_EQ(ev.queued_as, "1310930001DB");
	STR_EQ(ev.reason, "250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 "
	    "2.0.0 Ok: queued as 1310930001DB");
}

Test(stats_postfix, delivery_lmtp_and_conn_use)
{
	struct lp_event	ev;

	lpt_ok("Dec  7 13:30:14 mail postfix/lmtp[19422]: 4E8FF30001C8: "
	    "to=<user2@some.example.com>, relay=mail.some.example.com[/var/"
	    "run/dovecot/lmtp], delay=0.09, delays=0.01/0.03/0.01/0.04, "
	    "dsn=2.0.0, status=sent (250 2.0.0 <user2@some.example.com> "
	    "I861FWYuzl/fSwAAWP5Hkg Saved)", &ev);
	cr_assert_eq(ev.proto, LP_PROTO_LMTP);
	STR_EQ(ev.relay, "mail.some.example.com[/var/run/dovecot/lmtp]");
	STR_EQ(ev.queued_as, "");

	lpt_ok("Sep  4 01:25:13 smtpnode06 postfix-170.55.103.23/smtp[6980]"
	    ": BABABABABA: to=<h-629de2eeab377@h-05c3ae107.com>, relay=170.55."
	    "103.23[170.55.103.23]:2501, conn_use=5, delay=0.95, delays=0.17/"
	    "0.75/0/0.03, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as "
	    "CACACACACACA)", &ev);
	STR_EQ(ev.dsn, "2.0.0");
	STR_EQ(ev.queued_as, "CACACACACACA");
}

Test(stats_postfix, delivery_orig_to)
{
	struct lp_event	ev;

	lpt_ok("Jun 20 05:02:07 ns4 postfix/local[16460]: 95154657C: to=<h-"
	    "493fac8f3@h-ea3f4afa.com>, orig_to=<h-195704c@h-20b651e8120a33ec"
	    "11.com>, relay=local, delay=0.1, delays=0.09/0/0/0.01, dsn=2.0.0,"
	    " status=sent (delivered to command: procmail -a \"$EXTENSION\" "
	    "DEFAULT=$HOME/Maildir/)", &ev);
	cr_assert_eq(ev.kind, LP_EV_DELIVERY);
	cr_assert_eq(ev.status, LP_ST_SENT);
	STR_EQ(ev.qid, "95154657C");
	STR_EQ(ev.recipient, "h-493fac8f3@h-ea3f4afa.com");
	STR_EQ(ev.orig_to, "h-195704c@h-20b651e8120a33ec11.com");
	STR_EQ(ev.relay, "local");
	STR_EQ(ev.dsn, "2.0.0");
	STR_EQ(ev.reason, "delivered to command: procmail -a \"$EXTENSION\" "
	    "DEFAULT=$HOME/Maildir/");
	STR_EQ(ev.service, "local");
	cr_assert_eq(ev.proto, LP_PROTO_NONE);
}

Test(stats_postfix, delivery_deferred_bounced)
{
	struct lp_event	ev;

	lpt_ok("Sep 25 18:26:36 smtpnode16 postfix-239.58.50.50/smtp[5084]:"
	    " 23EBE3D5C0: to=<h-664d01@h-695da2287.com>, relay=ALT2.ASPMX.L."
	    "GOOGLE.com[3.155.237.60]:25, delay=2, delays=0.18/0/1.6/0.19, "
	    "dsn=4.1.1, status=deferred (host ALT2.ASPMX.L.GOOGLE.com[3.155."
	    "237.60] said: 452 4.1.1 <h-664d01@h-695da2287.com> user is over "
	    "quota, please try again later (in reply to RCPT TO command))",
	    &ev);
	cr_assert_eq(ev.status, LP_ST_DEFERRED);
	STR_EQ(ev.dsn, "4.1.1");
	STR_EQ(ev.relay, "ALT2.ASPMX.L.GOOGLE.com[3.155.237.60]:25");

	lpt_ok("Jun  3 10:40:59 mail postfix/smtp[9890]: 776E41855DB2: "
	    "to=<invalid.email@example.com>, relay=mx.example.com[11.22.33.44]"
	    ":25, delay=1.9, delays=0/0/1.5/0.37, dsn=5.1.1, status=bounced "
	    "(host mx.example.com[11.22.33.44] said: 550 5.1.1 <invalid.email"
	    "@example.com> User unknown (in reply to RCPT TO command))", &ev);
	cr_assert_eq(ev.status, LP_ST_BOUNCED);
	STR_EQ(ev.dsn, "5.1.1");
	STR_EQ(ev.recipient, "invalid.email@example.com");
	STR_EQ(ev.queued_as, "");
}

Test(stats_postfix, noqueue_reject)
{
	struct lp_event	ev;

	lpt_ok("Jul 12 07:47:48 saturn postfix/smtpd[8738]: NOQUEUE: "
	    "reject: RCPT from 1-2-3-4-example.com[1.2.3.4]: 554 5.7.1 <smtp@"
	    "example.com>: Relay access denied; from=<john@example.com> "
	    "to=<smtp@example.org> proto=SMTP helo=<198.51.100.17>", &ev);
	cr_assert_eq(ev.kind, LP_EV_NOQUEUE_REJECT);
	cr_assert_eq(ev.proto, LP_PROTO_SMTP);
	STR_EQ(ev.qid, "");
	STR_EQ(ev.stage, "RCPT");
	STR_EQ(ev.remote_host, "1-2-3-4-example.com");
	STR_EQ(ev.remote_ip, "1.2.3.4");
	STR_EQ(ev.dsn, "5.7.1");
	STR_EQ(ev.reason, "<smtp@example.com>: Relay access denied");
	STR_EQ(ev.sender, "john@example.com");
	STR_EQ(ev.recipient, "smtp@example.org");

	/* A reply text with ';' of its own. */
	lpt_ok("Dec 30 18:19:15 xxx postfix-incoming/smtpd[1574]: NOQUEUE: "
	    "reject: RCPT from badguy.example.com[93.184.216.34]: 454 4.7.1 "
	    "Service unavailable; Client host [93.184.216.34] blocked using "
	    "rbl.example.com; http://www.example.com/query?ip=93.184.216.34; "
	    "from=<spammer@example.com> to=<goodguy@example.com> proto=ESMTP "
	    "helo=<badguy.example.com>", &ev);
	STR_EQ(ev.instance, "postfix-incoming");
	STR_EQ(ev.dsn, "4.7.1");
	STR_EQ(ev.sender, "spammer@example.com");
	STR_EQ(ev.recipient, "goodguy@example.com");

	/* postscreen: [ip]:port, and commas in the envelope. */
	lpt_ok("May  5 15:51:11 xxx postfix/postscreen[1148]: NOQUEUE: "
	    "reject: RCPT from [216.245.194.173]:60591: 550 5.7.1 Service "
	    "unavailable; client [216.245.194.173] blocked using rbl.example."
	    "com; from=<spammer@example.com>, to=<goodguy@example.com>, "
	    "proto=ESMTP, helo=<badguy.example.com>", &ev);
	STR_EQ(ev.service, "postscreen");
	STR_EQ(ev.remote_host, "");
	STR_EQ(ev.remote_ip, "216.245.194.173");
	STR_EQ(ev.sender, "spammer@example.com");
	STR_EQ(ev.recipient, "goodguy@example.com");

	/* No envelope at CONNECT. */
	lpt_ok("Jun  1 19:00:55 mail postfix/smtpd[7749]: NOQUEUE: reject: "
	    "CONNECT from unknown[192.0.2.114]: 450 4.7.25 Client host "
	    "rejected: cannot find your hostname, [178.215.236.114]; "
	    "proto=SMTP", &ev);
	STR_EQ(ev.stage, "CONNECT");
	STR_EQ(ev.dsn, "4.7.25");
	STR_EQ(ev.sender, "");
	cr_assert_null(ev.sender.p);
}

Test(stats_postfix, reject_with_queue_id)
{
	struct lp_event	ev;

	lpt_ok("Feb 16 22:23:11 mx postfix/smtpd[17727]: 769FF2E0760: "
	    "reject: RCPT from h-72f555a0840e4b9553[117.165.155.187]: 550 "
	    "5.1.1 <h-f91a317fd08716dbf2@h-ff6b5e9182fd933.com>: Recipient "
	    "address rejected: User unknown in virtual mailbox table; from=<h"
	    "-59bd@h-183bcda0e2fe4.com> to=<h-f91a317fd08716dbf2@h-ff6b5e9182"
	    "fd933.com> proto=ESMTP helo=<h-72f555a0840e4b9553>", &ev);
	cr_assert_eq(ev.kind, LP_EV_REJECT);
	STR_EQ(ev.qid, "769FF2E0760");
	STR_EQ(ev.stage, "RCPT");
	STR_EQ(ev.dsn, "5.1.1");
	STR_EQ(ev.remote_ip, "117.165.155.187");

	lpt_ok("Jan 25 18:54:51 mx postfix/cleanup[8966]: B37FD2E05B9: "
	    "milter-reject: END-OF-MESSAGE from h-ca74a0a011076cd81347f8f11e"
	    "[254.65.43.194]: 4.7.1 Try again later; from=<bounce+1b6a63."
	    "922c68-christoph=h-ffd2115d4f@h-79b594737831a5d176dabf9.com> "
	    "to=<h-7abde52c2@h-ffd2115d4f.com> proto=ESMTP helo=<h-ca74a0a01"
	    "1076cd81347f8f11e>", &ev);
	cr_assert_eq(ev.kind, LP_EV_REJECT);
	STR_EQ(ev.stage, "END-OF-MESSAGE");
	STR_EQ(ev.dsn, "4.7.1");
	STR_EQ(ev.reason, "Try again later");
	STR_EQ(ev.recipient, "h-7abde52c2@h-ffd2115d4f.com");
}

Test(stats_postfix, sasl_failed)
{
	struct lp_event	ev;

	lpt_ok("Sep  6 00:44:56 trianon postfix/submission/smtpd[11538]: "
	    "warning: unknown[82.221.106.233]: SASL LOGIN authentication "
	    "failed: UGFzc3dvcmQ6", &ev);
	cr_assert_eq(ev.kind, LP_EV_SMTP_AUTH_FAILED);
	cr_assert_eq(ev.proto, LP_PROTO_SMTP);
	cr_assert_eq(ev.attempts, 1);
	STR_EQ(ev.remote_host, "unknown");
	STR_EQ(ev.remote_ip, "82.221.106.233");
	STR_EQ(ev.method, "LOGIN");
	STR_EQ(ev.reason, "UGFzc3dvcmQ6");
	STR_EQ(ev.user, "");

	/* With the client port. */
	lpt_ok("Aug 4 16:47:52 mail3 postfix/smtpd[31152]: warning: "
	    "unknown[192.0.2.237]:55729: SASL LOGIN authentication failed: "
	    "authentication failure", &ev);
	STR_EQ(ev.remote_ip, "192.0.2.237");
	STR_EQ(ev.reason, "authentication failure");

	/* Newer Postfix names the login that failed. */
	lpt_ok("Mar 24 13:01:16 myhost postfix/smtpd[494]: warning: unknown"
	    "[0.0.0.0]: SASL PLAIN authentication failed: authentication "
	    "failure, sasl_username=john.doe@example.com", &ev);
	STR_EQ(ev.method, "PLAIN");
	STR_EQ(ev.user, "john.doe@example.com");
	STR_EQ(ev.reason, "authentication failure");

	lpt_ok("Aug 3 15:30:49 ksusha postfix/smtpd[17041]: warning: mail."
	    "foldsandwalker.com[98.191.84.74]: SASL Plain authentication "
	    "failed:", &ev);
	STR_EQ(ev.method, "Plain");
	STR_EQ(ev.reason, "");
}

Test(stats_postfix, skipped)
{
	lpt_skip("Dec  9 10:18:23 mail postfix/submission/smtpd[20040]: "
	    "connect from client.example.com[89.247.252.52]", LP_SKIP_MESSAGE);
	lpt_skip("Dec  9 10:18:23 mail postfix/sender-cleanup/cleanup[20048]"
	    ": BA8F630001DA: message-id=<264dc34c-ad52-466c-6d41-6622dfced3b8@"
	    "mydomain.com>", LP_SKIP_MESSAGE);
	lpt_skip("Jan 12 11:07:49 emf1pt2-2-35-70 postfix/smtpd[13767]: "
	    "improper command pipelining after DATA from unknown[181.21.131."
	    "88]:", LP_SKIP_MESSAGE);
	lpt_skip("Jun  3 10:40:59 mail postfix/bounce[9719]: 776E41855DB2: "
	    "sender non-delivery notification: A48191855DA0", LP_SKIP_MESSAGE);
	lpt_skip("Dec  7 13:28:02 mail postfix/smtp[18832]: A17F830001CA: "
	    "host mailin5.zih.recipient.relay.example.com[11.22.33.44] said: "
	    "451-You have been greylisted.", LP_SKIP_MESSAGE);
	lpt_skip("Jan 24 18:46:56 mail postfix/submission/smtpd[8219]: "
	    "warning: hostname kraken-2-0-587-20000-lon1-1.1.1.1-0 does not "
	    "resolve to address 185.150.209.117: Name or service not known",
	    LP_SKIP_MESSAGE);
	lpt_skip("Jun  3 10:40:57 mail opendkim[235]: 4AA091855DA0: "
	    "DKIM-Signature field added (s=mail, d=mail.sender.com)",
	    LP_SKIP_PROGRAM);
	lpt_skip("Jun  3 10:40:57 mail amavis[2279]: (02279-04) Passed "
	    "CLEAN {RelayedOpenRelay}, [1.2.3.4]:6101 [1.2.3.4] <user@sender."
	    "com> -> <invalid.email@example.com>, Queue-ID: 4AA091855DA0",
	    LP_SKIP_PROGRAM);
	lpt_skip("Jun  3 10:40:57 mail postfixadmin[1]: x: y",
	    LP_SKIP_PROGRAM);
}
