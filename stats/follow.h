/*
 * `postroom stats follow`: the sources of a configuration file followed as
 * they grow, in one process, until told to stop.
 *
 * Each source's file is read to its end, then watched.  Lines are
 * committed a batch at a time, and at the latest a second after they
 * arrived.  Rotation:
 *   rename and create	the old file is read to its end (the writer may
 *			still add to it) until the new one has a first line;
 *			then the new one from its start
 *   copytruncate	the file empties in place: what was not read yet is
 *			in the copy (the source's `rotated` path), read from
 *			where the source stood, then the new file
 * On start, the rotated file is finished first when the source stopped
 * inside it.  Stopped (SIGTERM) after a commit of every source.  A
 * database failure ends it (-1): a restart goes on from the committed
 * positions.
 */

#ifndef ST_FOLLOW_H
#define ST_FOLLOW_H

#include <signal.h>

#include "config.h"
#include "store.h"

struct st_follow_opts {
	volatile sig_atomic_t	*stop;
	int			 poll_ms;	/* idle wait; 0: 250 */
	size_t			 batch_lines;	/* 0: ST_BATCH_LINES */
	void			(*note)(void *, const char *source,
				    const char *msg);
	void			*arg;
};

int	st_follow(struct st_store *, const struct st_config *,
	    const struct st_follow_opts *);

#endif
