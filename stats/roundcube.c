/*
 * Roundcube's userlogins log, as its own file or through syslog:
 *
 *   [22-Nov-2026 17:44:23 +0100]: <sess> Successful login for USER
 *	(ID: 5) from 192.0.2.1 in session SESSIONID
 *   [10-May-2015 13:02:52 -0400]: <4z506z6r> Failed login for USER from
 *	1.2.3.4 in session SESSIONID (error: 0)
 *   May 19 06:07:48 host roundcube: <sess> Failed login for ...
 *
 * The user name is typed by the client and may hold " from " or "(ID: ",
 * so the fixed text after it is located from the end of the line.
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* memmem */
#endif

#include <stdint.h>
#include <string.h>

#include "logparse.h"
#include "lp_scan.h"

static int
skip_msg(struct lp_event *ev)
{
	ev->skip = LP_SKIP_MESSAGE;
	return (0);
}

/* "[dd-Mon-YYYY hh:mm:ss +zzzz]: " at p; returns the text after it. */
const char *
lp_roundcube_time(struct lp_source *src, const char *p, const char *end,
    struct lp_event *ev)
{
	int64_t	y, utc;
	int	mday, mon, h, mi, s, sign, zh, zm, i;

	if (end - p < 22 || *p++ != '[' || !lp_isdigit(*p))
		return (NULL);
	mday = *p++ - '0';
	if (lp_isdigit(*p))
		mday = mday * 10 + (*p++ - '0');
	if (*p++ != '-' || (mon = lp_month(p)) == 0 || p[3] != '-')
		return (NULL);
	p += 4;
	for (y = 0, i = 0; i < 4; i++, p++) {
		if (!lp_isdigit(*p))
			return (NULL);
		y = y * 10 + (*p - '0');
	}
	if (*p++ != ' ' || end - p < 9 || p[2] != ':' || p[5] != ':')
		return (NULL);
	h = lp_2dig(p);
	mi = lp_2dig(p + 3);
	s = lp_2dig(p + 6);
	if (mday < 1 || mday > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 ||
	    s < 0 || s > 60)
		return (NULL);
	p += 8;
	if (end - p >= 6 && p[0] == ' ' && (p[1] == '+' || p[1] == '-') &&
	    (zh = lp_2dig(p + 2)) >= 0 && (zm = lp_2dig(p + 4)) >= 0) {
		sign = p[1] == '-' ? -1 : 1;
		utc = lp_days_from_civil(y, mon, mday) * 86400 + h * 3600 +
		    mi * 60 + s - sign * (zh * 3600 + zm * 60);
		p += 6;
	} else
		utc = lp_local_to_utc(src, (int)y, mon, mday, h, mi, s);
	if ((p = lp_chr(p, end, ']')) == NULL)
		return (NULL);
	ev->time_us = utc * 1000000;
	p++;
	if (p < end && *p == ':')
		p++;
	while (p < end && *p == ' ')
		p++;
	return (p);
}

/* The IP after " from ": up to a blank or "(X-Forwarded-For: ...)". */
static const char *
ip_end(const char *p, const char *end)
{
	while (p < end && *p != ' ' && *p != '(')
		p++;
	return (p);
}

static void
session(const char *p, const char *end, struct lp_event *ev)
{
	const char	*q;

	if ((q = lp_find_last(p, end, " in session ",
	    LP_LEN(" in session "))) == NULL)
		return;
	q += LP_LEN(" in session ");
	ev->session = lp_mkstr(q, ip_end(q, end));
}

static int
success(const char *p, const char *end, struct lp_event *ev)
{
	const char	*id, *q;

	if ((id = lp_find_last(p, end, " (ID: ", LP_LEN(" (ID: "))) == NULL)
		return (skip_msg(ev));
	ev->user = lp_mkstr(p, id);
	q = id + LP_LEN(" (ID: ");
	if (lp_num(&q, end, &ev->user_id) == -1)
		ev->user_id = -1;
	if ((q = LP_FIND(q, end, ") from ")) == NULL)
		return (skip_msg(ev));
	q += LP_LEN(") from ");
	ev->remote_ip = lp_mkstr(q, ip_end(q, end));
	session(q, end, ev);
	ev->kind = LP_EV_WEBMAIL_LOGIN;
	return (1);
}

static int
failure(const char *p, const char *end, struct lp_event *ev)
{
	const char	*lim, *f;

	if ((lim = lp_find_last(p, end, " in session ",
	    LP_LEN(" in session "))) == NULL)
		lim = end;
	if ((f = lp_find_last(p, lim, " from ", LP_LEN(" from "))) == NULL)
		return (skip_msg(ev));
	ev->user = lp_mkstr(p, f);
	f += LP_LEN(" from ");
	ev->remote_ip = lp_mkstr(f, ip_end(f, lim));
	session(f, end, ev);
	ev->kind = LP_EV_WEBMAIL_LOGIN_FAILED;
	ev->attempts = 1;
	return (1);
}

int
lp_roundcube_parse(struct lp_source *src, const char *p, const char *end,
    struct lp_event *ev)
{
	const char	*q;

	(void)src;
	/* Roundcube 1.1+ puts "<session-prefix> " first. */
	if (p < end && *p == '<' && (q = lp_chr(p, end, '>')) != NULL &&
	    q - p <= 64 && LP_HAS(q, end, "> "))
		p = q + 2;
	ev->proto = LP_PROTO_WEBMAIL;
	if (LP_HAS(p, end, "Successful login for "))
		return (success(p + LP_LEN("Successful login for "), end, ev));
	if (LP_HAS(p, end, "Failed login for "))
		return (failure(p + LP_LEN("Failed login for "), end, ev));
	ev->proto = LP_PROTO_NONE;
	return (skip_msg(ev));
}
