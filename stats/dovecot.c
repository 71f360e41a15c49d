/*
 * Dovecot messages.  The service token comes either from the syslog text
 * ("dovecot: imap-login: ...") or is the tag of Dovecot's own log file
 * ("imap-login: Info: ...", "imap(user)<pid><session>: Info: ...").
 *
 *   imap-login: Login: user=<u>, method=PLAIN, rip=ip, lip=ip, mpid=N,
 *	TLS, session=<s>
 *   imap-login: Disconnected (auth failed, 2 attempts in 9 secs): user=..
 *   imap-login: Login aborted: ... (auth failed, 3 attempts ...)
 *	(auth_failed): user=<u>, ...			(2.4)
 *   imap(u)<pid><s>: Logged out in=229 out=835 ...
 *   pop3(u)<pid><s>: Disconnected: Logged out top=0/0, retr=1/20,
 *	del=0/1, size=20
 *   lmtp(u)<pid><s>: msgid=<m>: saved mail to INBOX
 *   lmtp(u)<pid><s>: sieve: msgid=<m>: stored mail into mailbox 'Junk'
 *   lmtp(u)<pid><s>: msgid=<m>: save failed to INBOX: Quota exceeded ...
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* memmem, memrchr */
#endif

#include <stdint.h>
#include <string.h>

#include "logparse.h"
#include "lp_scan.h"

enum svc {
	SVC_NONE = 0,
	SVC_LOGIN,
	SVC_IMAP,
	SVC_POP3,
	SVC_LMTP
};

static int
skip_msg(struct lp_event *ev)
{
	ev->skip = LP_SKIP_MESSAGE;
	return (0);
}

/* Service name: the token up to '(' (imap(user)) or its end. */
static const char *
name_end(const char *p, const char *end)
{
	const char	*q;

	return ((q = lp_chr(p, end, '(')) != NULL ? q : end);
}

static int
name_is(const char *p, const char *e, const char *name)
{
	return (lp_str_eq(lp_mkstr(p, e), name));
}

int
lp_dovecot_service(const char *p, const char *end)
{
	const char	*e = name_end(p, end);

	if (name_is(p, e, "imap-login") || name_is(p, e, "pop3-login") ||
	    name_is(p, e, "submission-login") ||
	    name_is(p, e, "managesieve-login"))
		return (SVC_LOGIN);
	if (e == end)
		return (SVC_NONE);	/* mail processes carry (user) */
	if (name_is(p, e, "imap"))
		return (SVC_IMAP);
	if (name_is(p, e, "pop3"))
		return (SVC_POP3);
	if (name_is(p, e, "lmtp") || name_is(p, e, "lda") ||
	    name_is(p, e, "deliver"))
		return (SVC_LMTP);
	return (SVC_NONE);
}

static enum lp_proto
login_proto(const char *p, const char *e)
{
	if (LP_HAS(p, e, "imap"))
		return (LP_PROTO_IMAP);
	if (LP_HAS(p, e, "pop3"))
		return (LP_PROTO_POP3);
	if (LP_HAS(p, e, "submission"))
		return (LP_PROTO_SMTP);
	return (LP_PROTO_SIEVE);
}

/* Dovecot's own log writes "Info: ", "Error: " ... after the tag. */
static const char *
skip_level(const char *p, const char *end)
{
	if (LP_HAS(p, end, "Info: "))
		return (p + LP_LEN("Info: "));
	if (LP_HAS(p, end, "Error: "))
		return (p + LP_LEN("Error: "));
	if (LP_HAS(p, end, "Warning: "))
		return (p + LP_LEN("Warning: "));
	if (LP_HAS(p, end, "Debug: "))
		return (p + LP_LEN("Debug: "));
	if (LP_HAS(p, end, "Fatal: "))
		return (p + LP_LEN("Fatal: "));
	if (LP_HAS(p, end, "Panic: "))
		return (p + LP_LEN("Panic: "));
	return (p);
}

static int
all_digits(struct lp_str s)
{
	size_t	i;

	if (s.len == 0)
		return (0);
	for (i = 0; i < s.len; i++) {
		if (!lp_isdigit(s.p[i]))
			return (0);
	}
	return (1);
}

/*
 * imap(user)<pid><session>, lmtp(user)<pid><session>, 2.2's
 * lmtp(pid, user) and lmtp(pid) (no user: a connection line).
 */
static int
svc_user(const char *p, const char *end, struct lp_event *ev)
{
	struct lp_str	 last = { NULL, 0 };
	const char	*lp, *lt, *e = end, *c;
	int		 groups = 0;

	if ((lp = lp_chr(p, end, '(')) == NULL)
		return (-1);
	/* Trailing <pid><session>: the rightmost one is the session. */
	while (e > lp + 1 && e[-1] == '>' &&
	    (lt = memrchr(lp, '<', e - lp)) != NULL) {
		if (groups++ == 0)
			last = lp_mkstr(lt + 1, e - 1);
		e = lt;
	}
	if (groups > 0 && !all_digits(last))
		ev->session = last;
	if (e <= lp + 1 || e[-1] != ')')
		return (-1);
	ev->user = lp_mkstr(lp + 1, e - 1);
	if ((c = LP_FIND(ev->user.p, e - 1, ", ")) != NULL &&
	    all_digits(lp_mkstr(ev->user.p, c)))
		ev->user = lp_mkstr(c + 2, e - 1);
	if (ev->user.len == 0 || all_digits(ev->user))
		return (-1);
	return (0);
}

/* "user=<u>, method=M, rip=ip, lip=ip, mpid=N, TLS, session=<s>" */
static void
login_kv(const char *p, const char *end, struct lp_event *ev)
{
	const char	*v, *q;

	while (p < end) {
		if (LP_HAS(p, end, "user=<")) {
			v = p + LP_LEN("user=<");
			if ((q = LP_FIND(v, end, ">, ")) == NULL)
				q = end > v && end[-1] == '>' ? end - 1 : end;
			ev->user = lp_mkstr(v, q);
			p = q < end ? q + 1 : end;
		} else if (LP_HAS(p, end, "session=<")) {
			v = p + LP_LEN("session=<");
			if ((q = lp_chr(v, end, '>')) == NULL)
				q = end;
			ev->session = lp_mkstr(v, q);
			p = q;
		}
		q = lp_comma_end(p, end);
		if (LP_HAS(p, end, "method="))
			ev->method = lp_mkstr(p + LP_LEN("method="), q);
		else if (LP_HAS(p, end, "rip="))
			ev->remote_ip = lp_mkstr(p + LP_LEN("rip="), q);
		else if ((q - p == 3 || LP_HAS(p, q, "TLS:")) &&
		    LP_HAS(p, q, "TLS"))
			ev->tls = 1;
		p = q + 2 <= end ? q + 2 : end;
	}
}

/* Start of the key list of a failure line: ": user=<", or later keys. */
static const char *
kv_start(const char *p, const char *end)
{
	const char	*q;

	if ((q = LP_FIND(p, end, ": user=<")) != NULL ||
	    (q = LP_FIND(p, end, ": method=")) != NULL ||
	    (q = LP_FIND(p, end, ": rip=")) != NULL)
		return (q);
	return (end);
}

/* Attempts of a failed login, 0 when the line is no auth failure. */
static int
auth_attempts(const char *p, const char *end)
{
	const char	*q;
	int64_t		 n;

	if ((q = LP_FIND(p, end, "(auth failed, ")) != NULL) {
		q += LP_LEN("(auth failed, ");
		if (lp_num(&q, end, &n) == 0 && n > 0)
			return (n > 1000000 ? 1000000 : (int)n);
		return (1);
	}
	if (LP_FIND(p, end, "(auth_failed)") != NULL ||
	    LP_FIND(p, end, "(proxy dest auth failed)") != NULL)
		return (1);
	return (0);
}

static int
login(struct lp_source *src, const char *name, const char *nend,
    const char *p, const char *end, struct lp_event *ev)
{
	const char	*kv;

	ev->proto = login_proto(name, nend);
	if (LP_HAS(p, end, "Login: ")) {
		ev->kind = LP_EV_LOGIN;
		login_kv(p + LP_LEN("Login: "), end, ev);
	} else {
		kv = kv_start(p, end);
		if ((ev->attempts = auth_attempts(p, kv)) == 0)
			return (skip_msg(ev));
		ev->kind = LP_EV_LOGIN_FAILED;
		ev->reason = lp_mkstr(p, kv);
		if (kv < end)
			login_kv(kv + 2, end, ev);
	}
	if (ev->proto == LP_PROTO_IMAP && lp_is_webmail(src, ev->remote_ip))
		ev->proto = LP_PROTO_WEBMAIL;
	return (1);
}

/* The number after the first " key=" at or after lo; -1 when absent. */
static int
key_num(const char *lo, const char *end, const char *key, size_t n,
    int64_t *v)
{
	const char	*q;

	if ((q = lp_find(lo, end, key, n)) == NULL)
		return (-1);
	q += n;
	return (lp_num(&q, end, v));
}

/* " key=N/M" */
static int
key_pair(const char *lo, const char *end, const char *key, size_t n,
    int64_t *a, int64_t *b)
{
	const char	*q;

	if ((q = lp_find(lo, end, key, n)) == NULL)
		return (-1);
	q += n;
	if (lp_num(&q, end, a) == -1)
		return (-1);
	if (b != NULL && q < end && *q == '/') {
		q++;
		(void)lp_num(&q, end, b);
	}
	return (0);
}

/* msg[-1] is always the blank of the ": " before it. */
static int
session_end(enum svc svc, const char *p, const char *end,
    struct lp_event *ev)
{
	const char	*lo = p - 1;
	int		 io;

	io = key_num(lo, end, " in=", 4, &ev->bytes_in) == 0 &&
	    key_num(lo, end, " out=", 5, &ev->bytes_out) == 0;
	if (svc == SVC_IMAP) {
		if (!io)
			return (skip_msg(ev));
		ev->proto = LP_PROTO_IMAP;
	} else {
		if (key_pair(lo, end, " retr=", 6, &ev->retr_msgs,
		    &ev->retr_bytes) == -1 && !io)
			return (skip_msg(ev));
		(void)key_pair(lo, end, " top=", 5, &ev->top_msgs,
		    &ev->top_bytes);
		(void)key_pair(lo, end, " del=", 5, &ev->del_msgs, NULL);
		(void)key_num(lo, end, " size=", 6, &ev->size);
		if (!io)
			ev->bytes_out = ev->retr_bytes + ev->top_bytes;
		ev->proto = LP_PROTO_POP3;
	}
	ev->kind = LP_EV_SESSION_END;
	return (1);
}

static struct lp_str
unquote(const char *p, const char *e)
{
	if (e - p >= 2 && (*p == '\'' || *p == '"') && e[-1] == *p)
		return (lp_mkstr(p + 1, e - 1));
	return (lp_mkstr(p, e));
}

/*
 * The action is the last of these markers: the msgid before it is the
 * sender's text and may quote any of them.
 */
static int
lmtp(const char *p, const char *end, struct lp_event *ev)
{
	static const struct {
		const char	*s;
		int		 fail;
	} marks[] = {
		{ ": saved mail to ", 0 },
		{ ": stored mail into mailbox ", 0 },
		{ ": save failed to ", 1 },
		{ ": failed to store into mailbox ", 1 },
		{ ": rejected: ", 2 },
	};
	const char	*lo = p - 2, *best = NULL, *q, *c;
	size_t		 i, n, bestn = 0;
	int		 fail = 0;

	for (i = 0; i < sizeof(marks) / sizeof(marks[0]); i++) {
		n = strlen(marks[i].s);
		q = lp_find_last(lo, end, marks[i].s, n);
		if (q != NULL && (best == NULL || q > best)) {
			best = q;
			bestn = n;
			fail = marks[i].fail;
		}
	}
	if (best == NULL)
		return (skip_msg(ev));
	p = best + bestn;
	ev->proto = LP_PROTO_LMTP;
	if (fail == 0) {
		ev->mailbox = unquote(p, end);
		ev->kind = LP_EV_LMTP_SAVED;
		return (1);
	}
	if (fail == 1) {
		if ((c = LP_FIND(p, end, ": ")) == NULL)
			return (skip_msg(ev));
		ev->mailbox = unquote(p, c);
		p = c + 2;
	}
	if (!LP_HAS(p, end, "Quota exceeded"))
		return (skip_msg(ev));
	ev->reason = lp_mkstr(p, end);
	ev->kind = LP_EV_LMTP_QUOTA_FAILED;
	return (1);
}

int
lp_dovecot_parse(struct lp_source *src, const char *svc, const char *svcend,
    const char *p, const char *end, struct lp_event *ev)
{
	enum svc	 k;
	const char	*ne;

	if ((k = lp_dovecot_service(svc, svcend)) == SVC_NONE)
		return (skip_msg(ev));
	ne = name_end(svc, svcend);
	ev->service = lp_mkstr(svc, ne);
	p = skip_level(p, end);
	if (k == SVC_LOGIN)
		return (login(src, svc, ne, p, end, ev));
	if (svc_user(svc, svcend, ev) == -1)
		return (skip_msg(ev));
	if (k == SVC_LMTP)
		return (lmtp(p, end, ev));
	return (session_end(k, p, end, ev));
}
