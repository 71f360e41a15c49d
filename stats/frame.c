/*
 * Line frames: the timestamp, the host and the program[pid] tag in front
 * of every log line, then dispatch to the Postfix, Dovecot and Roundcube
 * message parsers.
 *
 *   Nov 22 17:44:23 host prog[pid]: text		classic syslog
 *   2026-11-22T17:44:23.473223+00:00 host prog: text	RFC 3339 syslog
 *   Nov 22 17:47:52 imap-login: Info: text		Dovecot log_path
 *   2026-11-22 17:47:52 imap-login: Info: text		Dovecot, ISO stamp
 *   [22-Nov-2026 17:44:23 +0100]: text			Roundcube userlogins
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* memmem, memrchr */
#endif

#include <stdint.h>
#include <string.h>

#include "logparse.h"
#include "lp_scan.h"

#define D10(x)	x, x, x, x, x, x, x, x, x, x
#define L26(x)	D10(x), D10(x), x, x, x, x, x, x

const unsigned char	lp_alnum[256] = {
	['0'] = D10(1), ['A'] = L26(1), ['a'] = L26(1)
};

static const char	dovecot_name[] = "dovecot";
static const char	roundcube_name[] = "roundcube";

/* Fraction of a second after '.' or ',' as microseconds; advances *pp. */
static int64_t
frac_us(const char **pp, const char *end)
{
	const char	*p = *pp;
	int64_t		 us = 0;
	int		 n = 0;

	if (p >= end || (*p != '.' && *p != ','))
		return (0);
	if (p + 1 >= end || !lp_isdigit(p[1]))
		return (0);
	for (p++; p < end && lp_isdigit(*p); p++) {
		if (n < 6) {
			us = us * 10 + (*p - '0');
			n++;
		}
	}
	for (; n < 6; n++)
		us *= 10;
	*pp = p;
	return (us);
}

/* hh:mm:ss at p. */
static int
hms(const char *p, const char *end, int *h, int *m, int *s)
{
	if (end - p < 8 || p[2] != ':' || p[5] != ':')
		return (-1);
	*h = lp_2dig(p);
	*m = lp_2dig(p + 3);
	*s = lp_2dig(p + 6);
	if (*h < 0 || *h > 23 || *m < 0 || *m > 59 || *s < 0 || *s > 60)
		return (-1);
	return (0);
}

/* Classic syslog "Nov 22 17:44:23[.frac] ": local time without a year. */
static const char *
time_classic(struct lp_source *src, const char *p, const char *end,
    struct lp_event *ev)
{
	int64_t	frac, utc;
	int	mon, mday, h, mi, s;

	if (end - p < 15)
		return (NULL);
	if ((mon = lp_month(p)) == 0 || p[3] != ' ')
		return (NULL);
	p += 4;
	if (*p == ' ')
		p++;
	if (!lp_isdigit(*p))
		return (NULL);
	mday = *p++ - '0';
	if (lp_isdigit(*p))
		mday = mday * 10 + (*p++ - '0');
	if (mday < 1 || mday > 31 || *p != ' ')
		return (NULL);
	p++;
	if (hms(p, end, &h, &mi, &s) == -1)
		return (NULL);
	p += 8;
	frac = frac_us(&p, end);
	if (p >= end || *p != ' ')
		return (NULL);
	utc = lp_naive_to_utc(src, lp_yearless_naive(src, mon, mday, h, mi,
	    s));
	ev->time_us = utc * 1000000 + frac;
	return (p + 1);
}

/* Z, +hh:mm, -hh:mm, +hhmm: seconds east in *off; 0 when absent. */
static int
zone_offset(const char **pp, const char *end, int32_t *off)
{
	const char	*p = *pp;
	int		 sign, h, m;

	if (p < end && (*p == 'Z' || *p == 'z')) {
		*off = 0;
		*pp = p + 1;
		return (1);
	}
	if (p >= end || (*p != '+' && *p != '-') || end - p < 5)
		return (0);
	sign = *p == '-' ? -1 : 1;
	if ((h = lp_2dig(p + 1)) < 0)
		return (0);
	p += 3;
	if (*p == ':')
		p++;
	if (end - p < 2 || (m = lp_2dig(p)) < 0 || h > 23 || m > 59)
		return (0);
	*off = sign * (h * 3600 + m * 60);
	*pp = p + 2;
	return (1);
}

/* "2026-11-22T17:44:23[.frac][Z|+01:00] " or with a space for the T. */
static const char *
time_iso(struct lp_source *src, const char *p, const char *end,
    struct lp_event *ev)
{
	int64_t	frac, y, utc;
	int32_t	off;
	int	i, mon, mday, h, mi, s;

	if (end - p < 20)
		return (NULL);
	for (y = 0, i = 0; i < 4; i++) {
		if (!lp_isdigit(p[i]))
			return (NULL);
		y = y * 10 + (p[i] - '0');
	}
	if (p[4] != '-' || p[7] != '-' || (p[10] != 'T' && p[10] != ' '))
		return (NULL);
	mon = lp_2dig(p + 5);
	mday = lp_2dig(p + 8);
	if (mon < 1 || mon > 12 || mday < 1 || mday > 31)
		return (NULL);
	if (hms(p + 11, end, &h, &mi, &s) == -1)
		return (NULL);
	p += 19;
	frac = frac_us(&p, end);
	if (zone_offset(&p, end, &off)) {
		utc = lp_days_from_civil(y, mon, mday) * 86400 + h * 3600 +
		    mi * 60 + s - off;
	} else
		utc = lp_local_to_utc(src, (int)y, mon, mday, h, mi, s);
	if (p >= end || *p != ' ')
		return (NULL);
	ev->time_us = utc * 1000000 + frac;
	return (p + 1);
}

/*
 * Does a host field follow the timestamp?  Dovecot's own log has none:
 * its first token is "imap-login:" or "imap(user)<..>:", ending in ':'.
 */
static int
has_host(const struct lp_source *src, const char *p, const char *end)
{
	const char	*sp;

	switch (src->format) {
	case LP_FMT_DOVECOT:
		return (0);
	case LP_FMT_SYSLOG:
	case LP_FMT_RFC3339:
		return (1);
	default:
		break;
	}
	sp = lp_chr(p, end, ' ');
	return (!(sp != NULL && sp > p && sp[-1] == ':'));
}

/* program = instance/.../service, e.g. postfix-out/submission/smtpd */
static int
postfix_tag(struct lp_source *src, const char *tag, const char *tagend,
    const char *msg, const char *end, struct lp_event *ev)
{
	const char	*slash, *last;

	if (tagend - tag < 8 || (tag[7] != '/' && tag[7] != '-')) {
		ev->skip = LP_SKIP_PROGRAM;
		return (0);
	}
	if ((slash = lp_chr(tag, tagend, '/')) == NULL) {
		ev->skip = LP_SKIP_PROGRAM;
		return (0);
	}
	last = memrchr(slash, '/', tagend - slash);
	ev->instance = lp_mkstr(tag, slash);
	ev->service = lp_mkstr(last + 1, tagend);
	return (lp_postfix_parse(src, msg, end, ev));
}

/* "dovecot: imap-login: Login: ..." : the service is the next token. */
static int
dovecot_tag(struct lp_source *src, const char *msg, const char *end,
    struct lp_event *ev)
{
	const char	*svcend;

	if ((svcend = LP_FIND(msg, end, ": ")) == NULL) {
		ev->skip = LP_SKIP_MESSAGE;
		return (0);
	}
	return (lp_dovecot_parse(src, msg, svcend, svcend + 2, end, ev));
}

static int
dispatch(struct lp_source *src, const char *tag, const char *tagend,
    const char *msg, const char *end, struct lp_event *ev)
{
	const char	*lb, *q, *prog_end = tagend;
	int64_t		 pid;

	if (tagend > tag && tagend[-1] == ']' &&
	    (lb = memrchr(tag, '[', tagend - tag)) != NULL) {
		q = lb + 1;
		if (lp_num(&q, tagend - 1, &pid) == 0 && q == tagend - 1)
			ev->pid = pid;
		prog_end = lb;
	}
	ev->program = lp_mkstr(tag, prog_end);
	if (LP_HAS(tag, prog_end, "postfix"))
		return (postfix_tag(src, tag, prog_end, msg, end, ev));
	if (lp_str_eq(ev->program, dovecot_name))
		return (dovecot_tag(src, msg, end, ev));
	if (LP_HAS(tag, prog_end, "roundcube"))
		return (lp_roundcube_parse(src, msg, end, ev));
	if (lp_dovecot_service(tag, prog_end)) {
		/* Dovecot's own log, or a syslog tag like deliver(user). */
		ev->program = lp_mkstr(dovecot_name, dovecot_name +
		    LP_LEN(dovecot_name));
		return (lp_dovecot_parse(src, tag, prog_end, msg, end, ev));
	}
	ev->skip = LP_SKIP_PROGRAM;
	return (0);
}

static int
roundcube_line(struct lp_source *src, const char *p, const char *end,
    struct lp_event *ev)
{
	if ((p = lp_roundcube_time(src, p, end, ev)) == NULL) {
		ev->skip = LP_SKIP_FRAME;
		return (0);
	}
	ev->program = lp_mkstr(roundcube_name, roundcube_name +
	    LP_LEN(roundcube_name));
	return (lp_roundcube_parse(src, p, end, ev));
}

int
lp_parse_line(struct lp_source *src, const char *line, size_t len,
    struct lp_event *ev)
{
	const char	*p, *end, *sp, *tagend;
	size_t		 evlen = sizeof(*ev);

	/*
	 * gcc expands a memset of a size it knows as rep stos, slow to start
	 * for 450 bytes on every line; through a size it cannot see, memset
	 * is glibc's, which is not.
	 */
	__asm__("" : "+r" (evlen));
	memset(ev, 0, evlen);
	ev->pid = -1;
	ev->user_id = -1;
	ev->skip = LP_SKIP_FRAME;
	if (line == NULL)
		return (0);
	if (len > LP_LINE_MAX) {
		ev->skip = LP_SKIP_TOOLONG;
		return (0);
	}
	p = line;
	end = line + len;
	while (end > p && (end[-1] == '\n' || end[-1] == '\r'))
		end--;
	if (p < end && *p == '[') {
		ev->skip = LP_SKIP_NONE;
		return (roundcube_line(src, p, end, ev));
	}
	if (p < end && lp_isdigit(*p))
		p = time_iso(src, p, end, ev);
	else
		p = time_classic(src, p, end, ev);
	if (p == NULL)
		return (0);
	while (p < end && *p == ' ')
		p++;
	if (has_host(src, p, end)) {
		if ((sp = lp_chr(p, end, ' ')) == NULL || sp == p)
			return (0);
		ev->host = lp_mkstr(p, sp);
		p = sp + 1;
	}
	if ((tagend = LP_FIND(p, end, ": ")) == NULL || tagend == p)
		return (0);
	ev->skip = LP_SKIP_NONE;
	return (dispatch(src, p, tagend, tagend + 2, end, ev));
}

const char *
lp_kind_name(enum lp_kind k)
{
	static const char	*names[LP_EV__COUNT] = {
		"none", "login", "login_failed", "session_end", "lmtp_saved",
		"lmtp_quota_failed", "smtpd_client", "smtp_auth_failed",
		"qmgr_from", "delivery", "qmgr_removed", "qmgr_expired",
		"noqueue_reject", "reject", "webmail_login",
		"webmail_login_failed"
	};

	if ((int)k < 0 || k >= LP_EV__COUNT)
		return ("unknown");
	return (names[k]);
}

const char *
lp_proto_name(enum lp_proto p)
{
	static const char	*names[LP_PROTO__COUNT] = {
		"", "imap", "pop3", "smtp", "webmail", "lmtp", "sieve"
	};

	if ((int)p < 0 || p >= LP_PROTO__COUNT)
		return ("");
	return (names[p]);
}

const char *
lp_status_name(enum lp_status s)
{
	static const char	*names[LP_ST__COUNT] = {
		"", "sent", "deferred", "bounced", "expired", "other"
	};

	if ((int)s < 0 || s >= LP_ST__COUNT)
		return ("");
	return (names[s]);
}

const char *
lp_skip_name(enum lp_skip s)
{
	static const char	*names[LP_SKIP__COUNT] = {
		"none", "toolong", "frame", "program", "message"
	};

	if ((int)s < 0 || s >= LP_SKIP__COUNT)
		return ("unknown");
	return (names[s]);
}
