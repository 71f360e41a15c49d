/*
 * The collector's database side (libpq, no Kore): sources and their
 * positions, and the commit of a batch.
 *
 * Exactly once: a batch's rows, the roll-ups it adds to, the source's
 * counters, its correlator state (the Postfix messages still open) and
 * the position just past the last line that produced them are committed
 * in one transaction.  A crash before the commit leaves none of it; the
 * restart reads the same lines again, from the same correlator state.
 * A source is read by one collector at a time (a session advisory lock).
 */

#ifndef ST_STORE_H
#define ST_STORE_H

#include <stdint.h>
#include <time.h>

#include <libpq-fe.h>

#include "collect.h"
#include "dircache.h"
#include "reader.h"
#include "rollup.h"

#define ST_KNOWN_DAYS	64
#define ST_DIR_MAX	(512 * 1024)	/* mailboxes remembered */

struct st_store {
	PGconn		*db;
	struct st_dir	 dir;
	struct st_rollup roll;
	struct sbuf	 buf;
	int64_t		 known_days[ST_KNOWN_DAYS];	/* partitions */
	size_t		 nknown;
	time_t		 refreshed;
	time_t		 forgotten;
	char		*upsert_sql[ST_SET__COUNT];
	/* Committed by this process. */
	uint64_t	 login_rows;
	uint64_t	 delivery_rows;
	uint64_t	 unknown;
	uint64_t	 out_of_range;
	uint64_t	 commits;
	char		 err[1024];
};

/* What a source had when it was opened. */
struct st_source_row {
	int		id;
	struct st_counts n;
};

int	st_store_init(struct st_store *, PGconn *);
void	st_store_free(struct st_store *);

/* Domains, horizon and the day: again after a minute, mailboxes after 5. */
int	st_store_refresh(struct st_store *, int force);

/*
 * The source row (created when new), locked for this collector; its
 * counters and correlator state go into the collector.  -1 with err set,
 * also when another collector holds it for longer than wait_s seconds.
 */
int	st_store_source(struct st_store *, struct st_collector *,
	    struct st_source_row *, int wait_s);

/* The offset recorded for the file: 1 found, 0 new, -1 error. */
int	st_store_position(struct st_store *, int source_id,
	    const struct st_file *, uint64_t *);

/*
 * One commit: a batch and what the collector had at its end (counters,
 * correlator state) and the file's position, taken apart from the
 * collector so that it can go on reading while this is stored.
 */
struct st_flush {
	struct st_batch		*batch;
	struct sbuf		 corr;		/* lp_corr_save() */
	struct st_counts	 n;
	char			 fp[ST_FP_LEN + 1];
	char			 path[4096];
	uint64_t		 dev;
	uint64_t		 ino;
	uint64_t		 size;
	int			 compressed;
	uint64_t		 offset;
	uint64_t		 unknown;	/* out: unknown users' rows */
};

void	st_flush_init(struct st_flush *);
void	st_flush_free(struct st_flush *);
/* The collector's state at the end of batch b, at offset in f. */
void	st_flush_take(struct st_flush *, struct st_collector *,
	    struct st_batch *b, const struct st_file *f, uint64_t offset);

/*
 * Commit it, then empty its batch.  Retried a few times on a transient
 * failure; -1 with err set when it could not be done (nothing of it is
 * stored).  Uses nothing of the collector: another thread may go on.
 */
int	st_store_commit(struct st_store *, const struct st_source_row *,
	    struct st_flush *);

/* Take and commit the collector's batch (st_flush_take, st_store_commit). */
int	st_store_flush(struct st_store *, struct st_collector *,
	    const struct st_source_row *, const struct st_file *, uint64_t);

/* Record an error for the source (and the file, when given). */
void	st_store_error(struct st_store *, int source_id,
	    const struct st_file *, const char *);

/* Drop what is past the retention settings: partitions dropped, or -1. */
int	st_store_prune(struct st_store *);

#endif
