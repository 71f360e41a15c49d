/*
 * The collector of one log source, without the database: lines in, a batch
 * of records out (stats/batch.h), with the Postfix correlator in between.
 * A record is produced by the line that decides it: a login by its line,
 * a recipient's outcome by its delivery line (or when its message is
 * dropped), a message by the line that ends it.
 */

#ifndef ST_COLLECT_H
#define ST_COLLECT_H

#include <stdint.h>

#include "batch.h"
#include "correlate.h"
#include "logparse.h"

#define ST_NAME_MAX	64

/* IMAP logins from a webmail host (Roundcube's own connections). */
enum st_backend {
	ST_BACKEND_COUNT = 0,	/* they are the webmail logins */
	ST_BACKEND_IGNORE	/* Roundcube's log is read: not counted */
};

struct st_source_cfg {
	char		 name[ST_NAME_MAX + 1];
	char		 path[4096];		/* follow */
	char		 rotated[4096];		/* its last rotation */
	enum lp_format	 format;
	char		 tz[LP_TZ_MAX];
	char		 webmail[LP_WEBMAIL_MAX][48];
	size_t		 nwebmail;
	enum st_backend	 backend;
	size_t		 capacity;		/* correlator; 0: default */
};

/* What a source's lines became: committed with its position. */
struct st_counts {
	uint64_t	lines;
	uint64_t	events;			/* lines parsed */
	uint64_t	skip[LP_SKIP__COUNT];
	uint64_t	unknown;		/* rows of unknown users */
	int64_t		last_us;		/* newest line's log time */
};

struct st_collector {
	struct st_source_cfg	 cfg;
	struct lp_source	 src;
	struct lp_corr		*corr;
	struct st_batch		 batch;
	struct st_counts	 n;
	/* This process only, for the summary. */
	uint64_t		 kinds[LP_EV__COUNT];
	uint64_t		 backend;	/* webmail backend logins */
};

/* 0, or -1 with a message in err (bad zone, webmail address). */
int	st_collector_init(struct st_collector *, const struct st_source_cfg *,
	    char *err, size_t errlen);
void	st_collector_free(struct st_collector *);

/* Year inference reference: the file's modification time, or now. */
void	st_collector_ref(struct st_collector *, int64_t);

/* One line, with or without its newline. */
void	st_collect_line(struct st_collector *, const char *, size_t);

#endif
