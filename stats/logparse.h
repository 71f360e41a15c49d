/*
 * Mail log line parser: one line of Postfix, Dovecot or Roundcube logging
 * in, at most one event out.  Pure C, no allocation, no global state except
 * the TZ switch on a time zone cache miss (see lp_source below).
 *
 * Every string in an event points into the caller's line buffer as a
 * (pointer, length) pair: it is valid only as long as that buffer is.  (The
 * one exception: the program of a Dovecot or Roundcube own-log line is the
 * static "dovecot" or "roundcube".)  An absent field has len 0.
 */

#ifndef LOGPARSE_H
#define LOGPARSE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define LP_LINE_MAX	65536	/* longer lines are skipped, never parsed */
#define LP_WEBMAIL_MAX	16	/* webmail host addresses per source */
#define LP_TZ_MAX	64	/* IANA zone name, with its NUL */
#define LP_TZ_CACHE	64	/* local hours remembered, power of 2 */

struct lp_str {
	const char	*p;
	size_t		 len;
};

enum lp_kind {
	LP_EV_NONE = 0,
	LP_EV_LOGIN,			/* Dovecot *-login: Login: */
	LP_EV_LOGIN_FAILED,		/* Dovecot auth failed, attempts = N */
	LP_EV_SESSION_END,		/* imap/pop3 logout with byte counts */
	LP_EV_LMTP_SAVED,		/* lmtp/lda saved or stored mail */
	LP_EV_LMTP_QUOTA_FAILED,	/* lmtp/lda save failed: quota */
	LP_EV_SMTPD_CLIENT,		/* smtpd QID: client=..., sasl_... */
	LP_EV_SMTP_AUTH_FAILED,		/* smtpd SASL ... failed */
	LP_EV_QMGR_FROM,		/* qmgr QID: from=<>, size=, nrcpt= */
	LP_EV_DELIVERY,			/* QID: to=<>, relay=, dsn=, status= */
	LP_EV_QMGR_REMOVED,		/* QID: removed */
	LP_EV_QMGR_EXPIRED,		/* qmgr QID: from=<>, status=expired */
	LP_EV_NOQUEUE_REJECT,		/* smtpd/postscreen NOQUEUE: reject: */
	LP_EV_REJECT,			/* QID: reject: / milter-reject: */
	LP_EV_WEBMAIL_LOGIN,		/* Roundcube Successful login */
	LP_EV_WEBMAIL_LOGIN_FAILED,	/* Roundcube Failed login */
	LP_EV__COUNT
};

enum lp_proto {
	LP_PROTO_NONE = 0,
	LP_PROTO_IMAP,
	LP_PROTO_POP3,
	LP_PROTO_SMTP,		/* Postfix smtpd, Dovecot submission-login */
	LP_PROTO_WEBMAIL,
	LP_PROTO_LMTP,		/* also Dovecot lda/deliver */
	LP_PROTO_SIEVE,		/* managesieve-login */
	LP_PROTO__COUNT
};

/* Delivery status of a DELIVERY event (also QMGR_EXPIRED: EXPIRED). */
enum lp_status {
	LP_ST_NONE = 0,
	LP_ST_SENT,
	LP_ST_DEFERRED,
	LP_ST_BOUNCED,
	LP_ST_EXPIRED,
	LP_ST_OTHER,		/* deliverable, undeliverable (verify) ... */
	LP_ST__COUNT
};

/* Why lp_parse_line returned 0; the caller counts and samples these. */
enum lp_skip {
	LP_SKIP_NONE = 0,
	LP_SKIP_TOOLONG,	/* longer than LP_LINE_MAX */
	LP_SKIP_FRAME,		/* no timestamp/host/program: garbage */
	LP_SKIP_PROGRAM,	/* a program we do not read (amavis, ...) */
	LP_SKIP_MESSAGE,	/* our program, a message we do not count */
	LP_SKIP__COUNT
};

/* Format hint of a source: decides whether a host field is present. */
enum lp_format {
	LP_FMT_AUTO = 0,	/* guess per line */
	LP_FMT_SYSLOG,		/* Mmm dd hh:mm:ss host prog[pid]: (also */
				/* Postfix maillog_file) */
	LP_FMT_RFC3339,		/* 2026-11-22T17:44:23.47+00:00 host prog: */
	LP_FMT_DOVECOT,		/* Dovecot log_path: no host, no pid */
	LP_FMT_ROUNDCUBE,	/* [22-Nov-2026 17:44:23 +0100]: ... */
	LP_FMT__COUNT
};

struct lp_event {
	int64_t		time_us;	/* UTC, microseconds since epoch */
	enum lp_kind	kind;
	enum lp_proto	proto;
	enum lp_status	status;
	enum lp_skip	skip;		/* when lp_parse_line returned 0 */
	int		tls;		/* Dovecot: TLS token seen */
	int		attempts;	/* LOGIN_FAILED and friends */
	int		nrcpt;		/* QMGR_FROM */
	int64_t		pid;		/* syslog pid, -1 when absent */
	int64_t		size;		/* QMGR_FROM size; pop3 mailbox size */
	int64_t		bytes_in;	/* SESSION_END in= */
	int64_t		bytes_out;	/* SESSION_END out= (pop3: retr+top) */
	int64_t		retr_msgs;	/* pop3 retr=N/B */
	int64_t		retr_bytes;
	int64_t		top_msgs;	/* pop3 top=N/B */
	int64_t		top_bytes;
	int64_t		del_msgs;	/* pop3 del=N/M */
	int64_t		user_id;	/* Roundcube (ID: N), -1 when absent */

	struct lp_str	host;		/* syslog host; empty for own logs */
	struct lp_str	program;	/* postfix/submission/smtpd, dovecot */
	struct lp_str	instance;	/* postfix, postfix-out */
	struct lp_str	service;	/* smtpd, qmgr, imap-login, imap */

	struct lp_str	user;		/* login user; sasl_username */
	struct lp_str	method;		/* auth method; sasl_method */
	struct lp_str	remote_ip;	/* rip=; client=host[IP]; Roundcube */
	struct lp_str	remote_host;	/* client=HOST[ip] */
	struct lp_str	session;	/* Dovecot session=<...>, Roundcube */

	struct lp_str	qid;		/* Postfix queue id */
	struct lp_str	sender;		/* from=<...>; <> has p set, len 0 */
	struct lp_str	recipient;	/* to=<...> */
	struct lp_str	orig_to;	/* orig_to=<...> */
	struct lp_str	relay;		/* relay=host[ip]:port */
	struct lp_str	dsn;		/* 2.0.0, 5.1.1 */
	struct lp_str	queued_as;	/* "... queued as QID)" in a reply */
	struct lp_str	orig_qid;	/* smtpd orig_queue_id= (XFORWARD) */
	struct lp_str	orig_ip;	/* smtpd orig_client=host[IP] */
	struct lp_str	stage;		/* reject: RCPT, END-OF-MESSAGE, ... */
	struct lp_str	mailbox;	/* lmtp: saved mail to MAILBOX */
	struct lp_str	reason;		/* status text, reject or quota text */
};

struct lp_tzcache {
	int64_t		hour;		/* local naive seconds / 3600 */
	int32_t		off;		/* seconds east of UTC */
	int		valid;
};

struct lp_webmail {
	int		family;
	unsigned char	addr[16];
};

/*
 * One log source.  Fill with lp_source_init; the rest is private.
 *
 * Time zone: a named zone's civil time is converted to UTC through a small
 * cache keyed on the local hour.  On a miss the offset is computed with
 * mktime() under TZ=<zone>, and TZ is restored afterwards: that switch is
 * not thread-safe, so keep all lp_ calls of a process in one thread (or
 * use "UTC", which never switches).  In a repeated (DST overlap) hour the
 * first mapping mktime() picks is used for the whole hour; a time in a
 * skipped (DST gap) hour is converted with mktime()'s normalisation.
 *
 * Year inference for timestamps without one: the year that puts the line
 * closest to the reference time and not more than one day after it.  Set
 * the reference to the file's mtime for old files, to now when following.
 */
struct lp_source {
	enum lp_format		format;
	char			tz[LP_TZ_MAX];
	int			tz_utc;
	int64_t			ref;		/* reference, UTC seconds */
	int64_t			ref_local;	/* reference, local naive */
	int			ref_year;	/* local year of reference */
	size_t			nwebmail;
	struct lp_webmail	webmail[LP_WEBMAIL_MAX];
	struct lp_tzcache	cache[LP_TZ_CACHE];
	struct lp_tzcache	ucache[LP_TZ_CACHE];	/* by UTC hour */
	uint64_t		tz_misses;	/* offset computations */
	/* The last yearless date: its day numbers in ref_year - 1, +0, +1. */
	int			day_key;	/* mon * 32 + mday; 0: none */
	int			day_year;	/* ref_year when cached */
	int64_t			day_num[3];
};

/*
 * tz: IANA name ("Europe/Amsterdam"); NULL, "" or "UTC" for UTC.
 * ref: reference time in UTC seconds (year inference).
 * Returns 0, or -1 for an unknown zone or bad format.
 */
int	lp_source_init(struct lp_source *, enum lp_format, const char *tz,
	    int64_t ref);
void	lp_source_set_ref(struct lp_source *, int64_t ref);

/* An IPv4 or IPv6 address as text (IPv4-mapped made IPv4); -1 if not. */
int	lp_ip_parse(const char *, size_t, struct lp_webmail *);

/* IMAP/POP3 logins from this address count as webmail; -1 bad or full. */
int	lp_source_add_webmail(struct lp_source *, const char *addr);

/*
 * Parse one line (without or with its trailing newline).  Returns 1 and
 * fills *ev, or 0 with ev->skip saying why.  Never reads past line + len,
 * never writes anything but *ev and the source's time zone cache.
 */
int	lp_parse_line(struct lp_source *, const char *line, size_t len,
	    struct lp_event *ev);

/* Convert a local civil time of this source to UTC seconds. */
int64_t	lp_local_to_utc(struct lp_source *, int year, int mon, int mday,
	    int hour, int min, int sec);

/* The zone's offset (seconds east of UTC) at a UTC instant. */
int32_t	lp_utc_offset(struct lp_source *, int64_t utc);

/* a / b rounded down (towards minus infinity). */
int64_t	lp_floor_div(int64_t a, int64_t b);

/* The proleptic Gregorian date of a day number (days since 1970-01-01). */
void	lp_civil_from_days(int64_t days, int *year, int *mon, int *mday);

const char	*lp_kind_name(enum lp_kind);
const char	*lp_proto_name(enum lp_proto);
const char	*lp_status_name(enum lp_status);
const char	*lp_skip_name(enum lp_skip);

/* 1 when s equals the NUL-terminated c (inline: c is mostly a literal). */
static inline int
lp_str_eq(struct lp_str s, const char *c)
{
	size_t	n = strlen(c);

	return (s.len == n && (n == 0 || memcmp(s.p, c, n) == 0));
}

#endif
