/*
 * A batch whose addresses are resolved, turned into what the database
 * takes: COPY rows of login and delivery events, and the batch's roll-up
 * counters summed in memory per mailbox and local day and per mailbox and
 * minute (the database adds them to its rows and sums domains and
 * companies).  No database here: stats/db_flush.c sends it.
 *
 * Which rows a record gives:
 *   login		a login event, unknown users too
 *   recipient		'in' for the recipient when its domain is ours;
 *			'out' for the message's account when the message
 *			was authenticated, or was handed in locally by an
 *			address of ours
 *   message		messages and bytes out, and the minute counters,
 *			for a mailbox (same rule as 'out')
 *   session, lmtp	counters of a mailbox
 *   quota		an 'in' event (quota_exceeded) and a counter
 * Events of days before the horizon count in the roll-ups only; records
 * after max_day (a clock or year gone wrong) are left out altogether.
 */

#ifndef ST_ROLLUP_H
#define ST_ROLLUP_H

#include <stdint.h>

#include "batch.h"
#include "dircache.h"
#include "hmap.h"
#include "sbuf.h"

/* The counters of a roll-up, in the order of the database's columns. */
enum st_counter {
	ST_C_IMAP = 0,
	ST_C_POP3,
	ST_C_WEBMAIL,
	ST_C_SMTP,
	ST_C_SIEVE,
	ST_C_FAILED,
	ST_C_MSG_IN,
	ST_C_BYTES_IN,
	ST_C_MSG_OUT,
	ST_C_BYTES_OUT,
	ST_C_BOUNCES,
	ST_C_DEFERRALS,
	ST_C_LMTP,
	ST_C_QUOTA,
	ST_C_SESSION_IN,
	ST_C_SESSION_OUT,
	ST_C__COUNT
};

/* Column names of the counters (sql/012_stats.sql, stats_counters). */
extern const char	*st_counter_cols[ST_C__COUNT];

/* The roll-up tables, summed here and staged for the upserts. */
enum st_set {
	ST_SET_MAILBOX = 0,	/* stats_mailbox_daily */
	ST_SET_DOMAIN,		/* stats_domain_daily */
	ST_SET_COMPANY,		/* stats_company_daily */
	ST_SET_LAST,		/* stats_last_login */
	ST_SET_MINUTE,		/* stats_outbound_minute: c[0..2] are */
				/* messages, recipients, bytes */
	ST_SET__COUNT
};

struct st_agg {
	int64_t		company;
	int64_t		mailbox;
	int64_t		domain;
	int64_t		when;		/* local day, or UTC minute */
	int64_t		c[ST_C__COUNT];
	int64_t		last_at;	/* 0: no login */
	int		last_proto;
};

/* Rows of one roll-up table, keyed by (its id, when). */
struct st_aggset {
	struct st_agg	*v;
	size_t		 n;
	size_t		 cap;
	struct st_hmap	 map;
};

struct st_rollup {
	int		 source_id;
	int64_t		 horizon;	/* first UTC day of events kept */
	int64_t		 max_day;	/* last UTC day accepted */

	struct sbuf	 logins;	/* COPY stats_login_events */
	struct sbuf	 deliveries;	/* COPY stats_delivery_events */
	struct sbuf	 stage[ST_SET__COUNT];	/* COPY each set's stage */
	int64_t		*days;		/* UTC days of the events, sorted */
	size_t		 ndays;

	uint64_t	 login_rows;
	uint64_t	 delivery_rows;
	uint64_t	 unknown;	/* rows of no mailbox */
	uint64_t	 out_of_range;	/* records after max_day */

	struct st_aggset set[ST_SET__COUNT];
	size_t		 capdays;
};

void	st_rollup_init(struct st_rollup *);
void	st_rollup_free(struct st_rollup *);

/*
 * Render a batch whose addresses are resolved (mbox and ours set); what
 * the rollup held before is emptied first.
 */
void	st_rollup_render(struct st_rollup *, const struct st_batch *,
	    struct st_dir *);

/* The UTC days of the events the batch may store (in days). */
void	st_rollup_days(struct st_rollup *, const struct st_batch *);

#endif
