/*
 * Postfix message correlation by queue id, in bounded memory.
 *
 * Feed it the parser's events in log order (lp_corr_feed ignores the
 * non-Postfix ones).  It calls back:
 *
 *   rcpt	once per recipient outcome: sent, bounced, expired, forwarded
 *		(handed to a content filter, whose re-injected copy is the
 *		message named in queued_as), and when a message is dropped,
 *		deferred for each recipient still deferred.  A recipient that
 *		was deferred and later sent is reported once, as sent, with
 *		its deferral count.
 *   msg	once per message, when qmgr logs "removed", when cleanup or a
 *		milter rejects it, when it times out (no line for max_age of
 *		log time), when the table is full and it is the least
 *		recently used, or at lp_corr_flush.
 *
 * A message seen again at qmgr (a deferred retry) is the same message.  A
 * queue id reused after "removed" is a new one; so is one whose smtpd
 * client= line comes again, or whose qmgr size or sender changes.
 *
 * Content filters (amavis and the like): when a recipient is sent with
 * "queued as QID" and QID is a live message of the same Postfix instance
 * (or the relay is a loopback address), the recipient's outcome is
 * FORWARDED and message QID gets parent_qid, and inherits the parent's
 * SASL login and origin address.  Count messages without a parent_qid, and
 * recipient outcomes other than FORWARDED, to count each mail once.
 *
 * Everything lp_corr_feed needs is allocated by lp_corr_new; no call
 * allocates afterwards.  The state lives in memory; lp_corr_save and
 * lp_corr_load turn it into bytes and back (stats/corrstate.c).
 */

#ifndef CORRELATE_H
#define CORRELATE_H

#include <stddef.h>
#include <stdint.h>

#include "logparse.h"

#define LP_QID_MAX	32	/* longer queue ids are ignored */
#define LP_ADDR_MAX	256	/* with the NUL; longer ones are cut */
#define LP_IP_MAX	48
#define LP_METHOD_MAX	32
#define LP_HOST_MAX	64
#define LP_RELAY_MAX	128
#define LP_DSN_MAX	16

enum lp_outcome {
	LP_OUT_NONE = 0,
	LP_OUT_SENT,
	LP_OUT_BOUNCED,
	LP_OUT_EXPIRED,		/* returned after the queue lifetime */
	LP_OUT_DEFERRED,	/* still deferred when dropped */
	LP_OUT_FORWARDED,	/* to a content filter, see queued_as */
	LP_OUT__COUNT
};

enum lp_msg_end {
	LP_END_NONE = 0,
	LP_END_REMOVED,		/* qmgr: removed */
	LP_END_REJECTED,	/* whole message rejected (cleanup, milter) */
	LP_END_TIMEOUT,		/* no activity for max_age / unqueued_age */
	LP_END_EVICTED,		/* table full: least recently used */
	LP_END_REUSED,		/* queue id reused without "removed" */
	LP_END_FLUSHED,		/* lp_corr_flush */
	LP_END__COUNT
};

/* lp_msg.flags */
#define LP_MSG_CLIENT	0x01	/* smtpd client= seen */
#define LP_MSG_QUEUED	0x02	/* qmgr from=, size= seen */
#define LP_MSG_EXPIRED	0x04	/* qmgr status=expired */
#define LP_MSG_AUTH	0x08	/* SASL login, own or inherited */

struct lp_msg {
	char		qid[LP_QID_MAX + 1];
	char		parent_qid[LP_QID_MAX + 1];	/* content filter */
	char		host[LP_HOST_MAX];
	char		sender[LP_ADDR_MAX];		/* envelope, "" = <> */
	char		sasl_user[LP_ADDR_MAX];
	char		sasl_method[LP_METHOD_MAX];
	char		client_ip[LP_IP_MAX];		/* smtpd client */
	char		origin_ip[LP_IP_MAX];		/* first client of */
							/* a filter chain */
	int		flags;
	enum lp_msg_end	end;
	int64_t		first_us;	/* first line seen */
	int64_t		last_us;	/* last line seen */
	int64_t		size;		/* qmgr size= */
	int		nrcpt;		/* qmgr nrcpt= */
	int		sent;		/* recipient outcomes reported */
	int		bounced;
	int		expired;
	int		deferred;
	int		forwarded;
	int		deferrals;	/* deferred delivery attempts */
	int		rejected;	/* recipients rejected at RCPT */
};

struct lp_rcpt {
	char		addr[LP_ADDR_MAX];
	char		orig_to[LP_ADDR_MAX];
	char		relay[LP_RELAY_MAX];
	char		dsn[LP_DSN_MAX];
	char		queued_as[LP_QID_MAX + 1];	/* FORWARDED */
	enum lp_outcome	outcome;
	int		deferrals;	/* before this outcome */
	int64_t		time_us;	/* of the line that decided it */
};

struct lp_corr_config {
	size_t		capacity;	/* live messages; 0: 16384 */
	size_t		deferred_max;	/* deferred recipients tracked; */
					/* 0: same as capacity */
	int64_t		max_age_us;	/* 0: 7 days of log time */
	int64_t		unqueued_age_us; /* smtpd-only entries; 0: 1 hour */
};

struct lp_corr_cb {
	void	(*rcpt)(void *, const struct lp_msg *, const struct lp_rcpt *);
	void	(*msg)(void *, const struct lp_msg *);
	void	 *arg;
};

struct lp_corr_stats {
	uint64_t	events;		/* events consumed */
	uint64_t	messages;	/* entries created */
	uint64_t	done;		/* msg callbacks */
	uint64_t	ends[LP_END__COUNT];
	uint64_t	untracked;	/* deferrals not tracked: pool full */
	uint64_t	live;		/* entries now */
};

struct lp_corr;

struct lp_corr	*lp_corr_new(const struct lp_corr_config *,
		    const struct lp_corr_cb *);
void		 lp_corr_free(struct lp_corr *);

/* 1 when the event was a Postfix queue event and was consumed. */
int		 lp_corr_feed(struct lp_corr *, const struct lp_event *);

/* Drop entries idle for longer than their age at log time now_us. */
void		 lp_corr_expire(struct lp_corr *, int64_t now_us);

/* Report every live message (LP_END_FLUSHED) and empty the table. */
void		 lp_corr_flush(struct lp_corr *);

void		 lp_corr_stats(const struct lp_corr *, struct lp_corr_stats *);

struct sbuf;

/* Append the live messages to a buffer. */
void		 lp_corr_save(const struct lp_corr *, struct sbuf *);

/*
 * Restore saved messages into a new (empty) table of the same or a larger
 * capacity.  0, or -1 when the bytes are malformed or do not fit: the
 * table is then unusable (free it).
 */
int		 lp_corr_load(struct lp_corr *, const void *, size_t);

/* The account a message counts for: SASL user if any, else the sender. */
const char	*lp_msg_account(const struct lp_msg *);

const char	*lp_outcome_name(enum lp_outcome);
const char	*lp_end_name(enum lp_msg_end);

#endif
