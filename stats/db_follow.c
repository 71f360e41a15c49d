/*
 * Following growing log files, through their rotations; see follow.h.
 */

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "collect.h"
#include "follow.h"
#include "ingest.h"
#include "reader.h"
#include "store.h"
#include "xalloc.h"

#define COMMIT_S	1.0	/* lines wait at most this long */
#define PRUNE_S		3600
#define RETRY_S		60	/* after an error with a file */

enum where { SAME = 0, TRUNCATED, RENAMED };

struct src {
	struct st_collector	c;
	struct st_source_row	row;
	struct st_file		f;
	int			open;
	int			inited;
	uint64_t		done;		/* past the last line read */
	uint64_t		committed;
	size_t			pending;	/* lines not committed */
	double			since;		/* the oldest pending line */
	double			retry;		/* a broken file: not before */
	char			last_note[256];
};

struct ctx {
	struct st_store			*s;
	const struct st_follow_opts	*o;
	size_t				 batch;
};

static double
now_s(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec + ts.tv_nsec / 1e9);
}

/* Say it once, not at every poll. */
static void
note(struct ctx *x, struct src *r, const char *msg)
{
	if (strcmp(r->last_note, msg) == 0)
		return;
	snprintf(r->last_note, sizeof(r->last_note), "%s", msg);
	if (x->o->note != NULL)
		x->o->note(x->o->arg, r->c.cfg.name, msg);
}

static int
commit(struct ctx *x, struct src *r)
{
	if (r->pending == 0 && r->done == r->committed)
		return (0);
	if (st_store_flush(x->s, &r->c, &r->row, &r->f, r->done) == -1) {
		st_store_error(x->s, r->row.id, &r->f, x->s->err);
		note(x, r, x->s->err);
		return (-1);
	}
	r->committed = r->done;
	r->pending = 0;
	return (0);
}

/* Up to a batch of lines; *got says how many.  -1: a commit failed. */
static int
read_lines(struct ctx *x, struct src *r, size_t *got)
{
	const char	*line;
	size_t		 len;
	uint64_t	 end;

	*got = 0;
	/* Year inference of a file followed for days: from now. */
	st_collector_ref(&r->c, time(NULL));
	while (*got < x->batch && !*x->o->stop &&
	    st_file_line(&r->f, &line, &len, &end) == 1) {
		if (r->pending++ == 0)
			r->since = now_s();
		st_collect_line(&r->c, line, len);
		r->done = end;
		(*got)++;
		if (st_batch_full(&r->c.batch, r->pending, x->batch) &&
		    commit(x, r) == -1)
			return (-1);
	}
	return (0);
}

/* Open a file where the source stands in it: 1 done, 0 not now. */
static int
open_at(struct ctx *x, struct src *r, const char *path, int known_only)
{
	char		err[512];
	uint64_t	off = 0;
	int		found;

	if (st_file_open(&r->f, path, err, sizeof(err)) == -1)
		return (0);
	if (r->f.fp[0] == '\0' || (found = st_store_position(x->s, r->row.id,
	    &r->f, &off)) == -1 || (known_only && !found)) {
		st_file_close(&r->f);
		return (0);
	}
	if (st_file_seek(&r->f, off) == -1) {
		snprintf(err, sizeof(err), "%s: shorter than its recorded "
		    "position %llu", path, (unsigned long long)off);
		st_store_error(x->s, r->row.id, &r->f, err);
		note(x, r, err);
		st_file_close(&r->f);
		r->retry = now_s() + RETRY_S;
		return (0);
	}
	r->open = 1;
	r->done = r->committed = off;
	return (1);
}

static void
close_file(struct src *r)
{
	if (r->open)
		st_file_close(&r->f);
	r->open = 0;
}

/* Read a file to its end and commit. */
static int
drain(struct ctx *x, struct src *r)
{
	size_t	got;

	do {
		if (read_lines(x, r, &got) == -1)
			return (-1);
	} while (got > 0 && !*x->o->stop);
	return (commit(x, r));
}

/* The rotated file first, when the source stopped inside it. */
static int
catch_up(struct ctx *x, struct src *r)
{
	char	path[sizeof(r->c.cfg.rotated) + 2];

	if (r->c.cfg.rotated[0] != '\0')
		snprintf(path, sizeof(path), "%s", r->c.cfg.rotated);
	else
		snprintf(path, sizeof(path), "%s.1", r->c.cfg.path);
	if (!open_at(x, r, path, 1))
		return (0);
	if (drain(x, r) == -1)
		return (-1);
	close_file(r);
	return (0);
}

/* Where is the file that was at the path? */
static enum where
where(struct src *r)
{
	struct st_file	next;
	struct stat	st;
	char		err[512];
	int		ready;

	if (stat(r->c.cfg.path, &st) == 0 && (uint64_t)st.st_ino == r->f.ino &&
	    (uint64_t)st.st_dev == r->f.dev)
		return (st_file_unchanged(&r->f) ? SAME : TRUNCATED);
	/* Renamed: the writer may use it until the new file has a line. */
	if (st_file_open(&next, r->c.cfg.path, err, sizeof(err)) == -1)
		return (SAME);
	ready = next.fp[0] != '\0';
	st_file_close(&next);
	return (ready ? RENAMED : SAME);
}

/* One turn of a source: 1 when it read something. */
static int
step(struct ctx *x, struct src *r)
{
	size_t	got;

	if (!r->open) {
		if (now_s() < r->retry)
			return (0);
		if (catch_up(x, r) == -1)
			return (-1);
		if (!open_at(x, r, r->c.cfg.path, 0))
			return (0);
	}
	if (read_lines(x, r, &got) == -1)
		return (-1);
	if (r->pending > 0 && now_s() - r->since >= COMMIT_S &&
	    commit(x, r) == -1)
		return (-1);
	if (got > 0)
		return (1);
	switch (where(r)) {
	case TRUNCATED:
		/* The rest is in the copy: catch_up on the next turn. */
		if (commit(x, r) == -1)
			return (-1);
		close_file(r);
		return (1);
	case RENAMED:
		if (drain(x, r) == -1)
			return (-1);
		close_file(r);
		return (1);
	default:
		return (0);
	}
}

static int
start(struct ctx *x, struct src *r, const struct st_source_cfg *cfg)
{
	char	err[512];

	if (st_collector_init(&r->c, cfg, err, sizeof(err)) == -1) {
		snprintf(x->s->err, sizeof(x->s->err), "%s", err);
		return (-1);
	}
	r->inited = 1;
	if (cfg->path[0] == '\0') {
		snprintf(x->s->err, sizeof(x->s->err), "source %s has no path",
		    cfg->name);
		return (-1);
	}
	return (st_store_source(x->s, &r->c, &r->row, 10));
}

static int
loop(struct ctx *x, struct src *v, size_t n)
{
	double	pruned = now_s();
	size_t	i;
	int	busy, rc;

	while (!*x->o->stop) {
		busy = 0;
		for (i = 0; i < n && !*x->o->stop; i++) {
			if ((rc = step(x, &v[i])) == -1)
				return (-1);
			busy |= rc;
		}
		if (now_s() - pruned >= PRUNE_S) {
			if (st_store_prune(x->s) == -1)
				return (-1);
			pruned = now_s();
		}
		if (!busy && !*x->o->stop)
			usleep((useconds_t)x->o->poll_ms * 1000);
	}
	for (i = 0; i < n; i++) {
		if (v[i].open && commit(x, &v[i]) == -1)
			return (-1);
	}
	return (0);
}

int
st_follow(struct st_store *s, const struct st_config *conf,
    const struct st_follow_opts *o)
{
	struct st_follow_opts	 opts = *o;
	struct ctx		 x;
	struct src		*v;
	size_t			 i;
	int			 rc = 0;

	if (opts.poll_ms <= 0)
		opts.poll_ms = 250;
	x.s = s;
	x.o = &opts;
	x.batch = o->batch_lines ? o->batch_lines : ST_BATCH_LINES;
	v = st_xcalloc(conf->n, sizeof(*v));
	for (i = 0; i < conf->n && rc == 0; i++)
		rc = start(&x, &v[i], &conf->src[i]);
	if (rc == 0)
		rc = loop(&x, v, conf->n);
	for (i = 0; i < conf->n; i++) {
		close_file(&v[i]);
		if (v[i].inited)
			st_collector_free(&v[i].c);
	}
	free(v);
	return (rc);
}
