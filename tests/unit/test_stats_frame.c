/*
 * Line frames and time: classic and RFC 3339 syslog, Postfix maillog_file,
 * Dovecot's own log, year inference, time zones and their cache.
 */

#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats_support.h"

#define SEC	1000000LL

/* Epoch seconds of UTC times used below (checked with timegm). */
#define T_20261122_174423	1795369463LL
#define T_20261122_164423	1795365863LL
#define T_20261201		1796083200LL
#define T_20270101_000010	1798761610LL
#define T_20261231_235959	1798761599LL
#define T_20261231_230000	1798758000LL
#define T_20270101_003000	1798763400LL
#define T_20260615		1781481600LL
#define T_20260616_120000	1781611200LL
#define T_20250617_120000	1750161600LL
#define T_20280301		1835481600LL
#define T_20280229_120000	1835438400LL
#define T_20260115_110000	1768474800LL
#define T_20260715_100000	1784109600LL
#define T_20260329_005959	1774745999LL
#define T_20260329_010000	1774746000LL
#define T_20260329_003000	1774744200LL
#define T_20260329_013000	1774747800LL
#define T_20261025_003000	1792888200LL
#define T_20261025_013000	1792891800LL
#define T_20260201		1769904000LL
#define T_20260801		1785542400LL

static int64_t
time_of(const char *line)
{
	struct lp_event	ev;

	lpt_ok(line, &ev);
	return (ev.time_us);
}

/* A Postfix line with the given timestamp in front. */
static int64_t
stamp(const char *ts)
{
	char	line[256];

	snprintf(line, sizeof(line), "%s mail postfix/qmgr[1005]: "
	    "4AA091855DA0: removed", ts);
	return (time_of(line));
}

TestSuite(stats_frame);

Test(stats_frame, classic_syslog)
{
	struct lp_event	ev;

	lpt_init(LP_FMT_AUTO, "UTC", T_20261201);
	lpt_ok("Nov 22 17:44:23 mail postfix/qmgr[1005]: 4AA091855DA0: "
	    "removed\n", &ev);
	cr_assert_eq(ev.time_us, T_20261122_174423 * SEC);
	cr_assert_eq(ev.pid, 1005);
	STR_EQ(ev.host, "mail");
	STR_EQ(ev.program, "postfix/qmgr");
	STR_EQ(ev.qid, "4AA091855DA0");

	/* Single-digit day, space padded; CRLF. */
	cr_assert_eq(time_of("Nov  2 17:44:23 mail postfix/qmgr[1005]: "
	    "4AA091855DA0: removed\r\n"), (T_20261122_174423 - 20 * 86400) *
	    SEC);
}

Test(stats_frame, maillog_file_and_zero_padded_day)
{
	/* Postfix's maillog_file writes "%b %d %H:%M:%S host prog[pid]: ". */
	lpt_init(LP_FMT_SYSLOG, "UTC", T_20261201);
	cr_assert_eq(stamp("Nov 02 17:44:23"), (T_20261122_174423 - 20 *
	    86400) * SEC);
	/* A fraction of a second, should a logger add one. */
	cr_assert_eq(stamp("Nov 22 17:44:23.250000"), T_20261122_174423 *
	    SEC + 250000);
}

Test(stats_frame, rfc3339)
{
	struct lp_event	ev;

	lpt_init(LP_FMT_AUTO, "Europe/Amsterdam", T_20261201);
	lpt_ok("2026-11-22T17:44:23.473223+00:00 mail postfix/qmgr[1005]: "
	    "4AA091855DA0: removed", &ev);
	cr_assert_eq(ev.time_us, T_20261122_174423 * SEC + 473223);
	STR_EQ(ev.host, "mail");
	cr_assert_eq(ev.kind, LP_EV_QMGR_REMOVED);

	/* The offset in the line wins over the source's zone. */
	cr_assert_eq(stamp("2026-11-22T17:44:23.473223+01:00"),
	    T_20261122_164423 * SEC + 473223);
	cr_assert_eq(stamp("2026-11-22T17:44:23Z"), T_20261122_174423 * SEC);
	cr_assert_eq(stamp("2026-11-22T17:44:23.4-0100"),
	    (T_20261122_174423 + 3600) * SEC + 400000);
	/* No offset: the source's zone (CET in November). */
	cr_assert_eq(stamp("2026-11-22T17:44:23"), T_20261122_164423 * SEC);
}

Test(stats_frame, rfc3339_hint)
{
	lpt_init(LP_FMT_RFC3339, "UTC", T_20261201);
	cr_assert_eq(stamp("2026-11-22T17:44:23.000001+00:00"),
	    T_20261122_174423 * SEC + 1);
}

Test(stats_frame, dovecot_iso_stamp)
{
	struct lp_event	ev;

	/* log_timestamp = "%Y-%m-%d %H:%M:%S " in Dovecot's own log. */
	lpt_init(LP_FMT_DOVECOT, "UTC", T_20261201);
	lpt_ok("2026-11-22 17:44:23 imap-login: Info: Login: user=<a@b.c>, "
	    "method=PLAIN, rip=192.0.2.1, lip=192.0.2.2, mpid=1, TLS, "
	    "session=<x>", &ev);
	cr_assert_eq(ev.time_us, T_20261122_174423 * SEC);
	cr_assert_eq(ev.kind, LP_EV_LOGIN);
	STR_EQ(ev.host, "");
}

Test(stats_frame, year_boundary)
{
	/* Read on Jan 1: Dec 31 is last year. */
	lpt_init(LP_FMT_AUTO, "UTC", T_20270101_000010);
	cr_assert_eq(stamp("Dec 31 23:59:59"), T_20261231_235959 * SEC);
	/* Read late on Dec 31: a line of Jan 1 is at most a day ahead. */
	lpt_init(LP_FMT_AUTO, "UTC", T_20261231_230000);
	cr_assert_eq(stamp("Jan  1 00:30:00"), T_20270101_003000 * SEC);
	cr_assert_eq(stamp("Dec 31 23:59:59"), T_20261231_235959 * SEC);
}

Test(stats_frame, year_not_more_than_a_day_ahead)
{
	const int64_t	year = 365 * 86400;

	/* Reference 2026-06-15T00:00Z: up to a day later is this year. */
	lpt_init(LP_FMT_AUTO, "UTC", T_20260615);
	cr_assert_eq(stamp("Jun 15 23:00:00"), (T_20260615 + 23 * 3600) *
	    SEC);
	cr_assert_eq(stamp("Jun 16 12:00:00"), (T_20260616_120000 - year) *
	    SEC);
	cr_assert_eq(stamp("Jun 17 12:00:00"), T_20250617_120000 * SEC);
	cr_assert_eq(stamp("Jan  1 00:00:00"), (T_20270101_000010 - 10 -
	    year) * SEC);

	/* lp_source_set_ref moves the reference. */
	lp_source_set_ref(&lpt_src, T_20260615 + 3 * 86400);
	cr_assert_eq(stamp("Jun 17 12:00:00"), (T_20250617_120000 + year) *
	    SEC);
}

Test(stats_frame, leap_day)
{
	lpt_init(LP_FMT_AUTO, "UTC", T_20280301);
	cr_assert_eq(stamp("Feb 29 12:00:00"), T_20280229_120000 * SEC);
}

Test(stats_frame, amsterdam_winter_summer)
{
	lpt_init(LP_FMT_AUTO, "Europe/Amsterdam", T_20260201);
	cr_assert_eq(stamp("Jan 15 12:00:00"), T_20260115_110000 * SEC);
	lpt_init(LP_FMT_AUTO, "Europe/Amsterdam", T_20260801);
	cr_assert_eq(stamp("Jul 15 12:00:00"), T_20260715_100000 * SEC);
}

Test(stats_frame, amsterdam_dst_gap)
{
	int64_t	t;

	/* 2026-03-29: 02:00 CET jumps to 03:00 CEST. */
	lpt_init(LP_FMT_AUTO, "Europe/Amsterdam", T_20260801);
	cr_assert_eq(stamp("Mar 29 01:59:59"), T_20260329_005959 * SEC);
	cr_assert_eq(stamp("Mar 29 03:00:00"), T_20260329_010000 * SEC);
	/* 02:30 does not exist: any answer in the gap's range will do. */
	t = stamp("Mar 29 02:30:00");
	cr_assert(t >= T_20260329_003000 * SEC && t <= T_20260329_013000 *
	    SEC, "gap time %lld", (long long)t);
}

Test(stats_frame, amsterdam_dst_overlap)
{
	int64_t	t;

	/* 2026-10-25: 03:00 CEST falls back to 02:00 CET; 02:30 twice. */
	lpt_init(LP_FMT_AUTO, "Europe/Amsterdam", T_20260801 + 100 * 86400);
	t = stamp("Oct 25 02:30:00");
	cr_assert(t == T_20261025_003000 * SEC || t == T_20261025_013000 *
	    SEC, "overlap time %lld", (long long)t);
	cr_assert_eq(stamp("Oct 25 01:30:00"), (T_20261025_003000 - 3600) *
	    SEC);
	cr_assert_eq(stamp("Oct 25 03:30:00"), (T_20261025_013000 + 3600) *
	    SEC);
}

Test(stats_frame, zone_cache_and_tz_restored)
{
	char	line[128];
	int	i;

	cr_assert_eq(setenv("TZ", "America/New_York", 1), 0);
	lpt_init(LP_FMT_AUTO, "Europe/Amsterdam", T_20260801);
	cr_assert_eq(lpt_src.tz_misses, 0);
	for (i = 0; i < 600; i++) {
		snprintf(line, sizeof(line), "Jul 15 12:%02d:%02d", i / 60,
		    i % 60);
		cr_assert_eq(stamp(line), (T_20260715_100000 + i) * SEC);
	}
	cr_assert_eq(lpt_src.tz_misses, 1, "misses %llu",
	    (unsigned long long)lpt_src.tz_misses);
	(void)stamp("Jul 15 13:00:00");
	cr_assert_eq(lpt_src.tz_misses, 2);
	cr_assert_str_eq(getenv("TZ"), "America/New_York");
}

Test(stats_frame, utc_never_switches_tz)
{
	cr_assert_eq(unsetenv("TZ"), 0);
	lpt_init(LP_FMT_AUTO, "Etc/UTC", T_20260801);
	(void)stamp("Jul 15 12:00:00");
	cr_assert_eq(lpt_src.tz_misses, 0);
	cr_assert_null(getenv("TZ"));
	lpt_init(LP_FMT_AUTO, NULL, T_20260801);
	cr_assert_eq(stamp("Jul 15 10:00:00"), T_20260715_100000 * SEC);
}

Test(stats_frame, bad_zone)
{
	struct lp_source	s;

	cr_assert_eq(lp_source_init(&s, LP_FMT_AUTO, "Mars/Olympus", 0), -1);
	cr_assert_eq(lp_source_init(&s, LP_FMT_AUTO, "../../etc/passwd", 0),
	    -1);
	cr_assert_eq(lp_source_init(&s, LP_FMT_AUTO, "/etc/localtime", 0),
	    -1);
	cr_assert_eq(lp_source_init(&s, LP_FMT_AUTO, "Europe", 0), -1);
	cr_assert_eq(lp_source_init(&s, LP_FMT_AUTO, "CET-1CEST", 0), -1);
	cr_assert_eq(lp_source_init(&s, (enum lp_format)99, "UTC", 0), -1);
}

Test(stats_frame, host_heuristic)
{
	struct lp_event	 ev;
	const char	*l;

	lpt_init(LP_FMT_AUTO, "UTC", T_20261201);
	/* Dovecot's own log: the first token ends in ':'. */
	lpt_ok("Nov 22 17:47:52 imap-login: Info: Login: user=<a@b.c>, "
	    "method=PLAIN, rip=192.0.2.1, lip=192.0.2.2, mpid=1, TLS, "
	    "session=<x>", &ev);
	STR_EQ(ev.host, "");
	STR_EQ(ev.program, "dovecot");
	STR_EQ(ev.remote_ip, "192.0.2.1");

	/* A syslog hint always takes a host: this line has none. */
	lpt_init(LP_FMT_SYSLOG, "UTC", T_20261201);
	l = "Nov 22 17:47:52 imap-login: Info: Login: user=<a@b.c>";
	cr_assert_eq(lp_parse_line(&lpt_src, l, strlen(l), &ev), 0);
	cr_assert_eq(ev.skip, LP_SKIP_PROGRAM);
}

Test(stats_frame, skip_reasons)
{
	struct lp_event	 ev;
	char		*big;
	const char	*l;

	lpt_init(LP_FMT_AUTO, "UTC", T_20261201);
	l = "garbage";
	cr_assert_eq(lp_parse_line(&lpt_src, l, strlen(l), &ev), 0);
	cr_assert_eq(ev.skip, LP_SKIP_FRAME);
	l = "@400000004c91b044077a9e94 imap-login: Info: Aborted login (auth "
	    "failed, 1 attempts): user=<martin@waschbuesch.de>";
	cr_assert_eq(lp_parse_line(&lpt_src, l, strlen(l), &ev), 0);
	cr_assert_eq(ev.skip, LP_SKIP_FRAME);
	l = "Nov 22 17:44:23 mail";
	cr_assert_eq(lp_parse_line(&lpt_src, l, strlen(l), &ev), 0);
	cr_assert_eq(ev.skip, LP_SKIP_FRAME);
	l = "Xyz 22 17:44:23 mail postfix/qmgr[1]: ABCDEF: removed";
	cr_assert_eq(lp_parse_line(&lpt_src, l, strlen(l), &ev), 0);
	cr_assert_eq(ev.skip, LP_SKIP_FRAME);
	l = "Nov 22 25:44:23 mail postfix/qmgr[1]: ABCDEF: removed";
	cr_assert_eq(lp_parse_line(&lpt_src, l, strlen(l), &ev), 0);
	cr_assert_eq(ev.skip, LP_SKIP_FRAME);
	l = "Sep  4 01:24:11 smtpnode06 h-353d61658b320[3831]: connect from "
	    "170.55.103.23";
	cr_assert_eq(lp_parse_line(&lpt_src, l, strlen(l), &ev), 0);
	cr_assert_eq(ev.skip, LP_SKIP_PROGRAM);
	l = "Nov 22 17:44:23 mail rsyslogd: message repeated 3 times: [foo]";
	cr_assert_eq(lp_parse_line(&lpt_src, l, strlen(l), &ev), 0);
	cr_assert_eq(ev.skip, LP_SKIP_PROGRAM);
	cr_assert_eq(lp_parse_line(&lpt_src, NULL, 0, &ev), 0);
	cr_assert_eq(lp_parse_line(&lpt_src, "", 0, &ev), 0);

	big = malloc(LP_LINE_MAX + 2);
	cr_assert_not_null(big);
	memset(big, 'a', LP_LINE_MAX + 1);
	memcpy(big, "Nov 22 17:44:23 mail postfix/qmgr[1]: ABCDEF: ", 46);
	cr_assert_eq(lp_parse_line(&lpt_src, big, LP_LINE_MAX + 1, &ev), 0);
	cr_assert_eq(ev.skip, LP_SKIP_TOOLONG);
	free(big);
}

Test(stats_frame, names)
{
	cr_assert_str_eq(lp_kind_name(LP_EV_LOGIN_FAILED), "login_failed");
	cr_assert_str_eq(lp_kind_name(LP_EV_WEBMAIL_LOGIN_FAILED),
	    "webmail_login_failed");
	cr_assert_str_eq(lp_kind_name((enum lp_kind)1000), "unknown");
	cr_assert_str_eq(lp_proto_name(LP_PROTO_WEBMAIL), "webmail");
	cr_assert_str_eq(lp_status_name(LP_ST_BOUNCED), "bounced");
	cr_assert_str_eq(lp_skip_name(LP_SKIP_PROGRAM), "program");
}
