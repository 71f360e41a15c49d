/*
 * Postfix messages, the text after "postfix/<service>[pid]: ":
 *
 *   QID: client=host[ip], sasl_method=M, sasl_username=U	smtpd
 *   QID: from=<s>, size=N, nrcpt=K (queue active)		qmgr
 *   QID: from=<s>, status=expired, returned to sender	qmgr
 *   QID: to=<r>, orig_to=<o>, relay=..., dsn=X, status=S (text)
 *   QID: removed
 *   QID: reject: RCPT from host[ip]: 550 5.1.1 ...; from=<> to=<>
 *   QID: milter-reject: END-OF-MESSAGE from host[ip]: 5.7.1 ...
 *   NOQUEUE: reject: RCPT from host[ip]: 554 5.7.1 ...; from=<> to=<>
 *   warning: host[ip]: SASL LOGIN authentication failed: ...
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* memmem */
#endif

#include <stdint.h>
#include <string.h>

#include "logparse.h"
#include "lp_scan.h"

#define QID_MIN		5
#define QID_MAX		32

static int
skip_msg(struct lp_event *ev)
{
	ev->skip = LP_SKIP_MESSAGE;
	return (0);
}

/* Value of <...> at p (p after '<'): ends at ">, ", or '>' at the end. */
static const char *
angle_end(const char *p, const char *end)
{
	const char	*q;

	if ((q = LP_FIND(p, end, ">, ")) != NULL)
		return (q);
	if (end > p && end[-1] == '>')
		return (end - 1);
	return (lp_chr(p, end, '>'));
}

/* Next ", key=" pair: returns the value start, or NULL at the end. */
static const char *
next_kv(const char **pp, const char *end, struct lp_str *key)
{
	const char	*p = *pp, *eq;

	if (!LP_HAS(p, end, ", "))
		return (NULL);
	p += 2;
	for (eq = p; eq < end && *eq != '=' && *eq != ',' && *eq != ' ';
	    eq++)
		;
	if (eq >= end || *eq != '=')
		return (NULL);
	*key = lp_mkstr(p, eq);
	*pp = eq + 1;
	return (eq + 1);
}

/* A DSN status code d.d.d at p, returning its end or NULL. */
static const char *
dsn_end(const char *p, const char *end)
{
	int	dots = 0;

	if (p >= end || !lp_isdigit(*p))
		return (NULL);
	for (; p < end && (lp_isdigit(*p) || *p == '.'); p++) {
		if (*p == '.')
			dots++;
	}
	return (dots == 2 ? p : NULL);
}

static int
sasl_failed(const char *p, const char *end, struct lp_event *ev)
{
	const char	*q, *u;

	if ((p = lp_host_ip(p, end, &ev->remote_host, &ev->remote_ip)) == NULL)
		return (skip_msg(ev));
	if (!LP_HAS(p, end, ": SASL "))
		return (skip_msg(ev));
	p += LP_LEN(": SASL ");
	if ((q = lp_chr(p, end, ' ')) == NULL ||
	    !LP_HAS(q, end, " authentication failed"))
		return (skip_msg(ev));
	ev->method = lp_mkstr(p, q);
	p = q + LP_LEN(" authentication failed");
	if (p < end && *p == ':')
		p++;
	if (p < end && *p == ' ')
		p++;
	/* Newer Postfix appends the name tried; the last one is Postfix's. */
	u = lp_find_last(p, end, ", sasl_username=",
	    LP_LEN(", sasl_username="));
	if (u != NULL) {
		ev->reason = lp_mkstr(p, u);
		ev->user = lp_mkstr(u + LP_LEN(", sasl_username="), end);
	} else
		ev->reason = lp_mkstr(p, end);
	ev->kind = LP_EV_SMTP_AUTH_FAILED;
	ev->proto = LP_PROTO_SMTP;
	ev->attempts = 1;
	return (1);
}

static int
warning(const char *p, const char *end, struct lp_event *ev)
{
	if (!lp_str_eq(ev->service, "smtpd") ||
	    !LP_FIND(p, end, "authentication failed"))
		return (skip_msg(ev));
	return (sasl_failed(p, end, ev));
}

/*
 * "RCPT from host[ip]: 550 5.1.1 <x>: text; from=<s> to=<r> proto=..."
 * Postscreen: "RCPT from [ip]:port: 550 ...; from=<s>, to=<r>, proto=..."
 */
static int
reject(const char *p, const char *end, struct lp_event *ev, enum lp_kind k)
{
	const char	*q, *r, *f;

	if ((q = lp_chr(p, end, ' ')) == NULL)
		q = end;
	ev->stage = lp_mkstr(p, q);
	ev->kind = k;
	ev->proto = LP_PROTO_SMTP;
	if (LP_HAS(q, end, " from ") &&
	    (r = lp_host_ip(q + 6, end, &ev->remote_host, &ev->remote_ip)) !=
	    NULL) {
		q = r;
		if (LP_HAS(q, end, ": "))
			q += 2;
	} else if (q < end)
		q++;
	/* Reply: optional "550 " then the DSN code. */
	if (end - q >= 4 && lp_isdigit(q[0]) && lp_isdigit(q[1]) &&
	    lp_isdigit(q[2]) && q[3] == ' ')
		q += 4;
	if ((r = dsn_end(q, end)) != NULL) {
		ev->dsn = lp_mkstr(q, r);
		q = r;
		if (q < end && *q == ' ')
			q++;
	}
	/* The envelope comes last; the reply text may hold ';'. */
	f = lp_find_last(q, end, "; from=<", LP_LEN("; from=<"));
	ev->reason = lp_mkstr(q, f != NULL ? f : end);
	if (f == NULL)
		return (1);
	f += LP_LEN("; from=<");
	if ((r = lp_chr(f, end, '>')) == NULL)
		return (1);
	ev->sender = lp_mkstr(f, r);
	if ((q = LP_FIND(r, end, "to=<")) != NULL &&
	    (r = lp_chr(q + 4, end, '>')) != NULL)
		ev->recipient = lp_mkstr(q + 4, r);
	return (1);
}

static int
client(const char *p, const char *end, struct lp_event *ev)
{
	struct lp_str	 key, h;
	const char	*v, *ve;

	p = lp_host_ip(p, end, &ev->remote_host, &ev->remote_ip);
	if (p == NULL)
		return (skip_msg(ev));
	while ((v = next_kv(&p, end, &key)) != NULL) {
		ve = lp_comma_end(v, end);
		if (lp_str_eq(key, "sasl_method"))
			ev->method = lp_mkstr(v, ve);
		else if (lp_str_eq(key, "sasl_username"))
			ev->user = lp_mkstr(v, ve);
		else if (lp_str_eq(key, "orig_queue_id"))
			ev->orig_qid = lp_mkstr(v, ve);
		else if (lp_str_eq(key, "orig_client"))
			(void)lp_host_ip(v, ve, &h, &ev->orig_ip);
		p = ve;
	}
	ev->kind = LP_EV_SMTPD_CLIENT;
	ev->proto = LP_PROTO_SMTP;
	return (1);
}

static int
from(const char *p, const char *end, struct lp_event *ev)
{
	const char	*q;
	int64_t		 n;

	if ((q = angle_end(p, end)) == NULL)
		return (skip_msg(ev));
	ev->sender = lp_mkstr(p, q);
	p = q + 1;
	if (LP_HAS(p, end, ", status=expired")) {
		ev->kind = LP_EV_QMGR_EXPIRED;
		ev->status = LP_ST_EXPIRED;
		return (1);
	}
	if (!LP_HAS(p, end, ", size="))
		return (skip_msg(ev));
	p += LP_LEN(", size=");
	if (lp_num(&p, end, &ev->size) == -1)
		return (skip_msg(ev));
	if (LP_HAS(p, end, ", nrcpt=")) {
		p += LP_LEN(", nrcpt=");
		if (lp_num(&p, end, &n) == 0)
			ev->nrcpt = n > INT32_MAX ? INT32_MAX : (int)n;
	}
	ev->kind = LP_EV_QMGR_FROM;
	return (1);
}

static enum lp_status
status_word(struct lp_str w)
{
	if (lp_str_eq(w, "sent"))
		return (LP_ST_SENT);
	if (lp_str_eq(w, "deferred"))
		return (LP_ST_DEFERRED);
	if (lp_str_eq(w, "bounced"))
		return (LP_ST_BOUNCED);
	if (lp_str_eq(w, "expired"))
		return (LP_ST_EXPIRED);
	return (LP_ST_OTHER);
}

/* "status=sent (250 2.0.0 Ok: queued as 1310930001DB)" at p (value). */
static void
status(const char *p, const char *end, struct lp_event *ev)
{
	const char	*q, *r;

	for (q = p; q < end && *q != ' ' && *q != ','; q++)
		;
	ev->status = status_word(lp_mkstr(p, q));
	if (!LP_HAS(q, end, " ("))
		return;
	q += 2;
	r = end > q && end[-1] == ')' ? end - 1 : end;
	ev->reason = lp_mkstr(q, r);
	if ((p = lp_find_last(q, r, "queued as ", LP_LEN("queued as "))) ==
	    NULL)
		return;
	p += LP_LEN("queued as ");
	for (q = p; q < r && lp_isalnum(*q); q++)
		;
	if (q - p >= QID_MIN && q - p <= QID_MAX)
		ev->queued_as = lp_mkstr(p, q);
}

static int
to(const char *p, const char *end, struct lp_event *ev)
{
	struct lp_str	 key;
	const char	*q, *v;

	if ((q = angle_end(p, end)) == NULL)
		return (skip_msg(ev));
	ev->recipient = lp_mkstr(p, q);
	p = q + 1;
	while ((v = next_kv(&p, end, &key)) != NULL) {
		if (lp_str_eq(key, "status")) {
			status(v, end, ev);
			break;
		}
		if (lp_str_eq(key, "orig_to") && v < end && *v == '<') {
			if ((q = angle_end(v + 1, end)) == NULL)
				break;
			ev->orig_to = lp_mkstr(v + 1, q);
			p = q + 1;
			continue;
		}
		q = lp_comma_end(v, end);
		if (lp_str_eq(key, "relay"))
			ev->relay = lp_mkstr(v, q);
		else if (lp_str_eq(key, "dsn"))
			ev->dsn = lp_mkstr(v, q);
		p = q;
	}
	if (ev->status == LP_ST_NONE)
		return (skip_msg(ev));
	ev->kind = LP_EV_DELIVERY;
	if (lp_str_eq(ev->service, "smtp"))
		ev->proto = LP_PROTO_SMTP;
	else if (lp_str_eq(ev->service, "lmtp"))
		ev->proto = LP_PROTO_LMTP;
	return (1);
}

/* Length of a queue id at p followed by ": ", or 0. */
static size_t
qid_len(const char *p, const char *end)
{
	const char	*q;

	for (q = p; q < end && q - p <= QID_MAX && lp_isalnum(*q); q++)
		;
	if (q - p < QID_MIN || q - p > QID_MAX || !LP_HAS(q, end, ": "))
		return (0);
	return (q - p);
}

int
lp_postfix_parse(struct lp_source *src, const char *p, const char *end,
    struct lp_event *ev)
{
	size_t	n;

	(void)src;
	if (LP_HAS(p, end, "warning: "))
		return (warning(p + LP_LEN("warning: "), end, ev));
	if (LP_HAS(p, end, "NOQUEUE: reject: "))
		return (reject(p + LP_LEN("NOQUEUE: reject: "), end, ev,
		    LP_EV_NOQUEUE_REJECT));
	if ((n = qid_len(p, end)) == 0)
		return (skip_msg(ev));
	ev->qid = lp_mkstr(p, p + n);
	p += n + 2;
	if (LP_HAS(p, end, "client="))
		return (client(p + LP_LEN("client="), end, ev));
	if (LP_HAS(p, end, "from=<"))
		return (from(p + LP_LEN("from=<"), end, ev));
	if (LP_HAS(p, end, "to=<"))
		return (to(p + LP_LEN("to=<"), end, ev));
	if (LP_HAS(p, end, "removed") && p + LP_LEN("removed") == end) {
		ev->kind = LP_EV_QMGR_REMOVED;
		return (1);
	}
	if (LP_HAS(p, end, "reject: "))
		return (reject(p + LP_LEN("reject: "), end, ev, LP_EV_REJECT));
	if (LP_HAS(p, end, "milter-reject: "))
		return (reject(p + LP_LEN("milter-reject: "), end, ev,
		    LP_EV_REJECT));
	return (skip_msg(ev));
}
