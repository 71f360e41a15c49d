/*
 * The collector's database connection: staging tables, the directory
 * cache's refresh, sources and positions; see store.h.  The commit of a
 * batch is in db_flush.c.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "correlate.h"
#include "db_int.h"
#include "store.h"

#define LOCK_CLASS	"1937007987"	/* advisory locks of stats sources */
#define REFRESH_S	60
#define FORGET_S	300

/* Notices ("already exists, skipping") are not news to the user. */
static void
quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

int
st_db_exec(struct st_store *s, const char *sql)
{
	PGresult	*res = PQexec(s->db, sql);
	int		 ok;

	ok = PQresultStatus(res) == PGRES_COMMAND_OK ||
	    PQresultStatus(res) == PGRES_TUPLES_OK;
	if (!ok)
		snprintf(s->err, sizeof(s->err), "%s", PQerrorMessage(s->db));
	PQclear(res);
	return (ok ? 0 : -1);
}

/* A parameterised statement; NULL with err set on failure. */
PGresult *
st_db_query(struct st_store *s, const char *sql, int n,
    const char *const *p)
{
	PGresult	*res;

	res = PQexecParams(s->db, sql, n, NULL, p, NULL, NULL, 0);
	if (PQresultStatus(res) == PGRES_COMMAND_OK ||
	    PQresultStatus(res) == PGRES_TUPLES_OK)
		return (res);
	snprintf(s->err, sizeof(s->err), "%s", PQerrorMessage(s->db));
	PQclear(res);
	return (NULL);
}

int
st_store_init(struct st_store *s, PGconn *db)
{
	memset(s, 0, sizeof(*s));
	s->db = db;
	PQsetNoticeProcessor(db, quiet, NULL);
	st_dir_init(&s->dir, ST_DIR_MAX);
	st_rollup_init(&s->roll);
	sbuf_init(&s->buf);
	if (st_db_exec(s, "SET TIME ZONE 'UTC'") == -1 ||
	    st_db_stages(s) == -1 ||
	    st_db_exec(s, "CREATE TEMP TABLE stats_stage_addr (i integer, "
	    "address text COLLATE \"C\") ON COMMIT DELETE ROWS") == -1 ||
	    st_db_exec(s, "CREATE TEMP TABLE stats_stage_unparsed (reason "
	    "text, slot smallint, line text) ON COMMIT DELETE ROWS") == -1)
		return (-1);
	return (st_store_refresh(s, 1));
}

void
st_store_free(struct st_store *s)
{
	size_t	i;

	st_dir_free(&s->dir);
	st_rollup_free(&s->roll);
	sbuf_free(&s->buf);
	for (i = 0; i < sizeof(s->upsert_sql) / sizeof(s->upsert_sql[0]);
	    i++)
		free(s->upsert_sql[i]);
	memset(s, 0, sizeof(*s));
}

static int
load_domains(struct st_store *s)
{
	PGresult	*res;
	int		 i;

	if ((res = st_db_query(s, "SELECT name FROM domain_names", 0,
	    NULL)) == NULL)
		return (-1);
	st_dir_domains_clear(&s->dir);
	for (i = 0; i < PQntuples(res); i++)
		st_dir_domain_add(&s->dir, PQgetvalue(res, i, 0),
		    PQgetlength(res, i, 0));
	PQclear(res);
	return (0);
}

int
st_store_refresh(struct st_store *s, int force)
{
	PGresult	*res;
	time_t		 now = time(NULL);

	if (!force && now - s->refreshed < REFRESH_S)
		return (0);
	if (load_domains(s) == -1)
		return (-1);
	res = st_db_query(s, "SELECT stats_horizon() - date '1970-01-01', "
	    "(now() AT TIME ZONE 'UTC')::date - date '1970-01-01' + 7", 0,
	    NULL);
	if (res == NULL)
		return (-1);
	s->roll.horizon = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	s->roll.max_day = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
	PQclear(res);
	if (force || now - s->forgotten >= FORGET_S) {
		st_dir_forget(&s->dir);
		s->forgotten = now;
	}
	s->refreshed = now;
	return (0);
}

static int
lock_source(struct st_store *s, const char *id, int wait_s)
{
	const char	*p[2] = { LOCK_CLASS, id };
	PGresult	*res;
	int		 got, tries;

	/* A killed collector's session may take a moment to end. */
	for (tries = 0; tries <= wait_s * 5; tries++) {
		res = st_db_query(s, "SELECT pg_try_advisory_lock("
		    "$1::integer, $2::integer)", 2, p);
		if (res == NULL)
			return (-1);
		got = PQgetvalue(res, 0, 0)[0] == 't';
		PQclear(res);
		if (got)
			return (0);
		usleep(200000);
	}
	snprintf(s->err, sizeof(s->err), "another collector is reading "
	    "this source");
	return (-1);
}

static void
load_counts(PGresult *res, struct st_counts *n)
{
	int	i;

	n->lines = strtoull(PQgetvalue(res, 0, 2), NULL, 10);
	n->events = strtoull(PQgetvalue(res, 0, 3), NULL, 10);
	for (i = LP_SKIP_TOOLONG; i < LP_SKIP__COUNT; i++)
		n->skip[i] = strtoull(PQgetvalue(res, 0, 3 + i), NULL, 10);
	n->unknown = strtoull(PQgetvalue(res, 0, 8), NULL, 10);
	n->last_us = strtoll(PQgetvalue(res, 0, 9), NULL, 10);
}

static int
load_state(struct st_store *s, struct st_collector *c, PGresult *res)
{
	unsigned char	*bytes;
	size_t		 len;
	int		 rc;

	if (PQgetisnull(res, 0, 1))
		return (0);
	bytes = PQunescapeBytea((const unsigned char *)PQgetvalue(res, 0, 1),
	    &len);
	if (bytes == NULL) {
		snprintf(s->err, sizeof(s->err), "out of memory");
		return (-1);
	}
	rc = lp_corr_load(c->corr, bytes, len);
	PQfreemem(bytes);
	if (rc == -1)
		snprintf(s->err, sizeof(s->err), "the saved Postfix messages "
		    "of source %s do not fit a table of this capacity",
		    c->cfg.name);
	return (rc);
}

int
st_store_source(struct st_store *s, struct st_collector *c,
    struct st_source_row *row, int wait_s)
{
	const char	*p[1] = { c->cfg.name };
	PGresult	*res;
	char		 id[16];
	int		 rc;

	memset(row, 0, sizeof(*row));
	if ((res = st_db_query(s, "INSERT INTO stats_sources (name) VALUES "
	    "($1) ON CONFLICT (name) DO NOTHING", 1, p)) == NULL)
		return (-1);
	PQclear(res);
	if ((res = st_db_query(s, "SELECT id FROM stats_sources WHERE "
	    "name = $1", 1, p)) == NULL)
		return (-1);
	row->id = atoi(PQgetvalue(res, 0, 0));
	PQclear(res);
	snprintf(id, sizeof(id), "%d", row->id);
	if (lock_source(s, id, wait_s) == -1)
		return (-1);
	p[0] = id;
	if ((res = st_db_query(s, "SELECT id, corr_state, lines, events, "
	    "skip_toolong, skip_frame, skip_program, skip_message, "
	    "unknown_users, coalesce((extract(epoch FROM last_line_at) * "
	    "1000000)::bigint, 0) FROM stats_sources WHERE id = $1", 1,
	    p)) == NULL)
		return (-1);
	load_counts(res, &row->n);
	c->n = row->n;
	rc = load_state(s, c, res);
	PQclear(res);
	return (rc);
}

int
st_store_position(struct st_store *s, int source_id, const struct st_file *f,
    uint64_t *off)
{
	const char	*p[2];
	PGresult	*res;
	char		 id[16];
	int		 found;

	snprintf(id, sizeof(id), "%d", source_id);
	p[0] = id;
	p[1] = f->fp;
	if ((res = st_db_query(s, "SELECT byte_offset FROM stats_positions "
	    "WHERE source_id = $1 AND fingerprint = $2", 2, p)) == NULL)
		return (-1);
	found = PQntuples(res) == 1;
	*off = found ? strtoull(PQgetvalue(res, 0, 0), NULL, 10) : 0;
	PQclear(res);
	return (found);
}

void
st_store_error(struct st_store *s, int source_id, const struct st_file *f,
    const char *msg)
{
	const char	*p[3];
	PGresult	*res;
	char		 id[16];

	snprintf(id, sizeof(id), "%d", source_id);
	p[0] = id;
	p[1] = msg;
	p[2] = f != NULL && f->fp[0] != '\0' ? f->fp : NULL;
	/* The transaction that failed is gone: this stands alone. */
	res = PQexecParams(s->db, "WITH src AS (UPDATE stats_sources SET "
	    "last_error = $2, last_error_at = now() WHERE id = $1) "
	    "UPDATE stats_positions SET last_error = $2 WHERE source_id = $1 "
	    "AND fingerprint = $3", 3, NULL, p, NULL, NULL, 0);
	PQclear(res);
}

int
st_store_prune(struct st_store *s)
{
	PGresult	*res;
	int		 n;

	if ((res = st_db_query(s, "SELECT stats_prune()", 0, NULL)) == NULL)
		return (-1);
	n = atoi(PQgetvalue(res, 0, 0));
	PQclear(res);
	s->nknown = 0;		/* partitions may be gone */
	return (n);
}
