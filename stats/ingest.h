/*
 * `postroom stats ingest`: whole files of one source, in the order given,
 * each from where the source stands in it (a file read before is skipped,
 * one read in part goes on), committed a batch at a time (store.h).
 */

#ifndef ST_INGEST_H
#define ST_INGEST_H

#include <signal.h>
#include <stdint.h>

#include "collect.h"
#include "store.h"

struct st_progress {
	const char	*path;
	uint64_t	 done;		/* bytes on disk */
	uint64_t	 total;
	uint64_t	 lines;		/* this run */
};

struct st_ingest_opts {
	size_t			 batch_lines;
	int			 flush_end;	/* report open messages */
	volatile sig_atomic_t	*stop;		/* set: stop after a commit */
	void			(*progress)(void *, const struct st_progress *);
	void			(*note)(void *, const char *path,
				    const char *msg);
	void			*arg;
};

struct st_ingest_result {
	uint64_t	files;		/* read (in part) */
	uint64_t	done_before;	/* already read to their end */
	uint64_t	failed;
	uint64_t	lines;
	uint64_t	partial;	/* bytes of last lines without newline */
	int		stopped;
};

/* 0, or -1 when a commit failed (the store's err says why). */
int	st_ingest(struct st_store *, struct st_collector *,
	    const struct st_source_row *, char **, int,
	    const struct st_ingest_opts *, struct st_ingest_result *);

#endif
