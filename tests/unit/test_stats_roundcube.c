/*
 * Roundcube userlogins lines.  Failures are real lines from fail2ban's
 * roundcube-auth test log; successes follow Roundcube's format string
 * "Successful login for %s (ID: %d) from %s in session %s" in
 * rcmail::log_login(), with write_log()'s "[date]: <session> " prefix.
 */

#include <criterion/criterion.h>

#include <string.h>

#include "stats_support.h"

TestSuite(stats_roundcube, .init = lpt_setup);

Test(stats_roundcube, failed_login_file)
{
	struct lp_event	ev;

	lpt_ok("[10-May-2015 13:02:52 -0400]: Failed login for sampleuser "
	    "from 1.2.3.4 in session 1z506z6rvddstv6k7jz08hxo27 (error: 0)",
	    &ev);
	cr_assert_eq(ev.kind, LP_EV_WEBMAIL_LOGIN_FAILED);
	cr_assert_eq(ev.proto, LP_PROTO_WEBMAIL);
	cr_assert_eq(ev.attempts, 1);
	/* 2015-05-10T17:02:52Z */
	cr_assert_eq(ev.time_us, 1431277372LL * 1000000);
	STR_EQ(ev.program, "roundcube");
	STR_EQ(ev.user, "sampleuser");
	STR_EQ(ev.remote_ip, "1.2.3.4");
	STR_EQ(ev.session, "1z506z6rvddstv6k7jz08hxo27");
	cr_assert_eq(ev.user_id, -1);

	/* Roundcube 1.1: a session prefix after the date. */
	lpt_ok("[10-May-2015 13:02:52 -0400]: <4z506z6r> Failed login for "
	    "admin@example.com from 1.2.3.4 in session 4z506z6rvddstv6k7jz08h"
	    "xo27 (error: 0)", &ev);
	STR_EQ(ev.user, "admin@example.com");
	STR_EQ(ev.session, "4z506z6rvddstv6k7jz08hxo27");
}

Test(stats_roundcube, successful_login)
{
	struct lp_event	ev;

	lpt_ok("[22-Nov-2026 17:44:23 +0100]: <9dm4ha3p> Successful login "
	    "for alice@example.com (ID: 12) from 192.0.2.10 in session "
	    "9dm4ha3pa8tb6ck2uvpafcf3a0", &ev);
	cr_assert_eq(ev.kind, LP_EV_WEBMAIL_LOGIN);
	cr_assert_eq(ev.proto, LP_PROTO_WEBMAIL);
	/* 2026-11-22T16:44:23Z */
	cr_assert_eq(ev.time_us, 1795365863LL * 1000000);
	cr_assert_eq(ev.user_id, 12);
	cr_assert_eq(ev.attempts, 0);
	STR_EQ(ev.user, "alice@example.com");
	STR_EQ(ev.remote_ip, "192.0.2.10");
	STR_EQ(ev.session, "9dm4ha3pa8tb6ck2uvpafcf3a0");
}

Test(stats_roundcube, forwarded_for)
{
	struct lp_event	ev;

	lpt_ok("[22-Nov-2026 17:44:23 +0100]: <9dm4ha3p> Successful login "
	    "for bob (ID: 3) from 192.0.2.2(X-Real-IP: 192.0.2.3,X-Forwarded-"
	    "For: 192.0.2.4) in session 9dm4ha3pa8tb6ck2uvpafcf3a0", &ev);
	STR_EQ(ev.user, "bob");
	STR_EQ(ev.remote_ip, "192.0.2.2");
	STR_EQ(ev.session, "9dm4ha3pa8tb6ck2uvpafcf3a0");
}

Test(stats_roundcube, user_name_injection)
{
	struct lp_event	ev;

	/* The typed name holds " from " and "(ID: ": the tail decides. */
	lpt_ok("[22-Nov-2026 17:44:23 +0100]: <9dm4ha3p> Failed login for "
	    "admin from 127.0.0.1 in session x from 1.2.3.4 in session "
	    "9dm4ha3pa8tb6ck2uvpafcf3a0 (error: 0)", &ev);
	STR_EQ(ev.user, "admin from 127.0.0.1 in session x");
	STR_EQ(ev.remote_ip, "1.2.3.4");
	lpt_ok("[22-Nov-2026 17:44:23 +0100]: Successful login for a (ID: "
	    "9) from 6.6.6.6 (ID: 12) from 192.0.2.10 in session s1", &ev);
	STR_EQ(ev.user, "a (ID: 9) from 6.6.6.6");
	cr_assert_eq(ev.user_id, 12);
	STR_EQ(ev.remote_ip, "192.0.2.10");
}

Test(stats_roundcube, syslog)
{
	struct lp_event	ev;

	lpt_ok("May 19 06:07:48 server roundcube[21296]: <crk9n97i> Failed "
	    "login for test from 192.0.2.1 in session crk9n97iabc (error: 0)",
	    &ev);
	cr_assert_eq(ev.kind, LP_EV_WEBMAIL_LOGIN_FAILED);
	cr_assert_eq(ev.pid, 21296);
	STR_EQ(ev.host, "server");
	STR_EQ(ev.user, "test");
	STR_EQ(ev.remote_ip, "192.0.2.1");
}

Test(stats_roundcube, errors_log_skipped)
{
	struct lp_event	 ev;
	const char	*l[] = {
		"[30-Dec-2014 13:02:34 -0500]: <3z506z6r> IMAP Error: Login "
		"failed for admin@example.com from 1.2.3.4. AUTHENTICATE PLAIN:"
		" Authentication failed. in /docroot/path/program/lib/Roundcube"
		"/rcube_imap.php on line 198 (POST /?_task=login?_task=login&_"
		"action=login)",
		"May 26 07:12:40 hamster roundcube: IMAP Error: Login failed "
		"for sales@example.com from 10.1.1.47",
		"[22-Jan-2013 22:28:21 +0200]: FAILED login for user1 from "
		"192.0.43.10",
		"[bogus",
		NULL
	};
	int		 i;

	for (i = 0; l[i] != NULL; i++) {
		cr_assert_eq(lp_parse_line(&lpt_src, l[i], strlen(l[i]), &ev),
		    0, "%s", l[i]);
	}
}
