/*
 * Whole files into the database, exactly once; see ingest.h.
 *
 * A full batch is committed by a thread of its own while the next one is
 * read: reading and parsing (the collector) and storing (PostgreSQL) take
 * turns otherwise.  One commit at a time, in order, and the next one
 * starts only after it: nothing changes for exactly-once.  While it runs
 * the store belongs to it; the reader only parses into the other batch.
 */

#include <sys/stat.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "batch.h"
#include "collect.h"
#include "ingest.h"
#include "reader.h"
#include "store.h"

struct run {
	struct st_store			*s;
	struct st_collector		*c;
	const struct st_source_row	*row;
	const struct st_ingest_opts	*o;
	struct st_ingest_result		*res;
	struct st_progress		 prog;
	uint64_t			 before;	/* bytes of done files */
	struct st_file			 last;		/* for --flush */
	uint64_t			 last_off;
	int				 have_last;
	/* The commit under way, of the batch `spare`. */
	pthread_t			 thread;
	int				 busy;
	int				 rc;
	struct st_flush			 job;
	struct st_batch			 spare;
};

static void
note(struct run *r, const char *path, const char *msg)
{
	if (r->o->note != NULL)
		r->o->note(r->o->arg, path, msg);
}

static void
progress(struct run *r, const struct st_file *f)
{
	if (r->o->progress == NULL)
		return;
	r->prog.path = f->path;
	r->prog.done = r->before + st_file_disk_offset(f);
	r->prog.lines = r->res->lines;
	r->o->progress(r->o->arg, &r->prog);
}

static void *
commit_thread(void *arg)
{
	struct run	*r = arg;

	r->rc = st_store_commit(r->s, r->row, &r->job);
	return (NULL);
}

/* After a commit in the background: its outcome into the run. */
static int
finish(struct run *r)
{
	if (r->rc == -1) {
		st_store_error(r->s, r->row->id, NULL, r->s->err);
		return (-1);
	}
	r->c->n.unknown += r->job.unknown;
	return (0);
}

/* Wait for the commit under way; -1 when it failed. */
static int
settle(struct run *r)
{
	if (!r->busy)
		return (0);
	pthread_join(r->thread, NULL);
	r->busy = 0;
	return (finish(r));
}

/* Commit the batch in the background, and read on into the other one. */
static int
commit_behind(struct run *r, const struct st_file *f, uint64_t off)
{
	struct st_batch	full;

	if (settle(r) == -1)
		return (-1);
	full = r->c->batch;
	r->c->batch = r->spare;
	r->spare = full;
	st_flush_take(&r->job, r->c, &r->spare, f, off);
	if (pthread_create(&r->thread, NULL, commit_thread, r) != 0) {
		/* No thread to be had: commit here. */
		commit_thread(r);
		return (finish(r));
	}
	r->busy = 1;
	return (0);
}

static int
commit(struct run *r, const struct st_file *f, uint64_t off)
{
	if (settle(r) == -1)
		return (-1);
	if (st_store_flush(r->s, r->c, r->row, f, off) == -1) {
		st_store_error(r->s, r->row->id, f, r->s->err);
		return (-1);
	}
	return (0);
}

/* The lines of a file from its offset; 0, or -1 when a commit failed. */
static int
lines(struct run *r, struct st_file *f, uint64_t off)
{
	const char	*line;
	size_t		 len, pending = 0;
	uint64_t	 end, done = off;
	int		 rc = 0;

	while ((r->o->stop == NULL || !*r->o->stop) &&
	    (rc = st_file_line(f, &line, &len, &end)) == 1) {
		st_collect_line(r->c, line, len);
		r->res->lines++;
		done = end;
		if (!st_batch_full(&r->c->batch, ++pending,
		    r->o->batch_lines))
			continue;
		if (commit_behind(r, f, done) == -1)
			return (-1);
		pending = 0;
		progress(r, f);
	}
	if (settle(r) == -1)
		return (-1);
	if (r->o->stop != NULL && *r->o->stop)
		r->res->stopped = 1;
	else if (rc == -1) {
		note(r, f->path, "read error");
		st_store_error(r->s, r->row->id, f, "read error");
		r->res->failed++;
	}
	if ((pending > 0 || done != off) && commit(r, f, done) == -1)
		return (-1);
	if (!st_file_compressed(f) && f->size > done && !r->res->stopped)
		r->res->partial += f->size - done;
	r->last_off = done;
	progress(r, f);
	return (0);
}

static int
one_file(struct run *r, const char *path)
{
	struct st_file	 f;
	char		 err[512];
	uint64_t	 off;
	int		 found, rc;

	if (st_file_open(&f, path, err, sizeof(err)) == -1) {
		note(r, path, err);
		r->res->failed++;
		return (0);
	}
	if (f.fp[0] == '\0') {
		note(r, path, "no complete first line yet");
		st_file_close(&f);
		return (0);
	}
	st_collector_ref(r->c, f.mtime);
	if ((found = st_store_position(r->s, r->row->id, &f, &off)) == -1) {
		st_file_close(&f);
		return (-1);
	}
	if (found && st_file_seek(&f, off) == -1) {
		snprintf(err, sizeof(err), "shorter than its recorded position "
		    "%llu", (unsigned long long)off);
		note(r, path, err);
		st_store_error(r->s, r->row->id, &f, err);
		r->res->failed++;
		st_file_close(&f);
		return (0);
	}
	r->res->files++;
	rc = lines(r, &f, off);
	if (rc == 0 && found && r->last_off == off && !r->res->stopped)
		r->res->done_before++;
	if (r->have_last)
		st_file_close(&r->last);
	r->last = f;
	r->have_last = 1;
	r->before += f.size;
	return (rc);
}

/* --flush: the messages still open are reported and committed. */
static int
flush_end(struct run *r)
{
	lp_corr_flush(r->c->corr);
	if (!r->have_last || r->c->batch.nrecs == 0)
		return (0);
	return (commit(r, &r->last, r->last_off));
}

int
st_ingest(struct st_store *s, struct st_collector *c,
    const struct st_source_row *row, char **files, int n,
    const struct st_ingest_opts *o, struct st_ingest_result *res)
{
	struct run	r;
	struct stat	st;
	int		i, rc = 0;

	memset(res, 0, sizeof(*res));
	memset(&r, 0, sizeof(r));
	st_flush_init(&r.job);
	st_batch_init(&r.spare);
	r.s = s;
	r.c = c;
	r.row = row;
	r.o = o;
	r.res = res;
	for (i = 0; i < n; i++) {
		if (stat(files[i], &st) == 0)
			r.prog.total += (uint64_t)st.st_size;
	}
	for (i = 0; i < n && rc == 0 && !res->stopped; i++)
		rc = one_file(&r, files[i]);
	if (rc == 0 && o->flush_end && !res->stopped)
		rc = flush_end(&r);
	if (settle(&r) == -1)
		rc = -1;
	if (r.have_last)
		st_file_close(&r.last);
	st_batch_free(&r.spare);
	st_flush_free(&r.job);
	return (rc);
}
