/*
 * The commit of one batch (see store.h): in one transaction, the addresses
 * matched to mailboxes, the events and staged roll-ups sent with COPY, the
 * roll-ups upserted, the unparsed sample, the source's counters and
 * correlator state, and the file position.
 *
 * Roll-up rows are upserted in key order, so that collectors committing at
 * once lock shared rows (a company's day) in the same order and wait for
 * each other instead of deadlocking.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "copyout.h"
#include "correlate.h"
#include "db_int.h"
#include "store.h"

#define CHUNK		(1024 * 1024)
#define TRIES		5

/* Each roll-up set's stage and table, and the table's key. */
static const struct {
	const char	*stage;
	const char	*table;
	const char	*keys;
} sets[ST_SET__COUNT] = {
	[ST_SET_MAILBOX] = { "stats_stage_mailbox", "stats_mailbox_daily",
	    "company_id, mailbox_id, day" },
	[ST_SET_DOMAIN] = { "stats_stage_domain", "stats_domain_daily",
	    "company_id, domain_id, day" },
	[ST_SET_COMPANY] = { "stats_stage_company", "stats_company_daily",
	    "company_id, day" },
	[ST_SET_LAST] = { "stats_stage_last", "stats_last_login",
	    "company_id, mailbox_id" },
	[ST_SET_MINUTE] = { "stats_stage_minute", "stats_outbound_minute",
	    "company_id, mailbox_id, minute" },
};

/* Later wins; at the same instant the smaller protocol name. */
static const char	last_login_set[] =
    "last_login_at = GREATEST(t.last_login_at, excluded.last_login_at), "
    "last_login_protocol = CASE WHEN t.last_login_at IS NULL OR "
    "excluded.last_login_at > t.last_login_at OR (excluded.last_login_at = "
    "t.last_login_at AND excluded.last_login_protocol < "
    "t.last_login_protocol) THEN coalesce(excluded.last_login_protocol, "
    "t.last_login_protocol) ELSE t.last_login_protocol END";

static const char	last_set[] =
    "at = GREATEST(t.at, excluded.at), protocol = CASE WHEN excluded.at > "
    "t.at OR (excluded.at = t.at AND excluded.protocol < t.protocol) THEN "
    "excluded.protocol ELSE t.protocol END";

static const char	minute_set[] =
    "messages = t.messages + excluded.messages, recipients = t.recipients "
    "+ excluded.recipients, bytes = t.bytes + excluded.bytes";

/* A set's upsert: its stage added to the table, in key order. */
static char *
upsert_sql(enum st_set set)
{
	struct sbuf	b;
	size_t		i;

	sbuf_init(&b);
	sbuf_printf(&b, "INSERT INTO %s AS t SELECT * FROM %s ORDER BY %s ON "
	    "CONFLICT (%s) DO UPDATE SET ", sets[set].table, sets[set].stage,
	    sets[set].keys, sets[set].keys);
	if (set == ST_SET_LAST)
		sbuf_puts(&b, last_set);
	else if (set == ST_SET_MINUTE)
		sbuf_puts(&b, minute_set);
	else {
		for (i = 0; i < ST_C__COUNT; i++)
			sbuf_printf(&b, "%s = t.%s + excluded.%s, ",
			    st_counter_cols[i], st_counter_cols[i],
			    st_counter_cols[i]);
		sbuf_puts(&b, last_login_set);
	}
	return (b.data);
}

int
st_db_stages(struct st_store *s)
{
	char	sql[256];
	int	set;

	for (set = 0; set < ST_SET__COUNT; set++) {
		s->upsert_sql[set] = upsert_sql(set);
		snprintf(sql, sizeof(sql), "CREATE TEMP TABLE %s (LIKE %s) ON "
		    "COMMIT DELETE ROWS", sets[set].stage, sets[set].table);
		if (st_db_exec(s, sql) == -1)
			return (-1);
	}
	return (0);
}

static int
copy_in(struct st_store *s, const char *sql, const struct sbuf *data)
{
	PGresult	*res;
	size_t		 off, n;
	int		 ok;

	if (data->len == 0)
		return (0);
	res = PQexec(s->db, sql);
	ok = PQresultStatus(res) == PGRES_COPY_IN;
	PQclear(res);
	if (!ok) {
		snprintf(s->err, sizeof(s->err), "%s", PQerrorMessage(s->db));
		return (-1);
	}
	for (off = 0; off < data->len; off += n) {
		n = data->len - off < CHUNK ? data->len - off : CHUNK;
		if (PQputCopyData(s->db, data->data + off, (int)n) != 1)
			break;
	}
	ok = off == data->len && PQputCopyEnd(s->db, NULL) == 1;
	while ((res = PQgetResult(s->db)) != NULL) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK)
			ok = 0;
		PQclear(res);
	}
	if (!ok)
		snprintf(s->err, sizeof(s->err), "%s", PQerrorMessage(s->db));
	return (ok ? 0 : -1);
}

static void
put_mbox(struct st_store *s, struct st_addr *a, PGresult *res, int row)
{
	a->mbox.known = 1;
	a->mbox.company = strtoll(PQgetvalue(res, row, 1), NULL, 10);
	a->mbox.domain = strtoll(PQgetvalue(res, row, 2), NULL, 10);
	a->mbox.mailbox = strtoll(PQgetvalue(res, row, 3), NULL, 10);
	a->mbox.tz = st_dir_zone(&s->dir, PQgetvalue(res, row, 4));
}

/*
 * Addresses of our domains that the cache does not know are looked up,
 * those at a domain alias under the domain's name; an address of another
 * domain is nobody's mailbox.
 */
static int
resolve(struct st_store *s, struct st_batch *b)
{
	struct st_addr	*a;
	PGresult	*res;
	size_t		 i;
	int		 r;

	if (st_dir_resolve(&s->dir, b) == 0)
		return (0);
	sbuf_reset(&s->buf);
	for (i = 0; i < b->naddrs; i++) {
		a = &b->addrs[i];
		if (!a->ask)
			continue;
		st_copy_int(&s->buf, (int64_t)i);
		st_copy_text(&s->buf, st_batch_key(b, a), a->len,
		    ST_ADDR_MAX);
		st_copy_end(&s->buf);
	}
	if (copy_in(s, "COPY stats_stage_addr FROM STDIN", &s->buf) == -1)
		return (-1);
	res = st_db_query(s, "SELECT s.i, m.company_id, m.domain_id, m.id, "
	    "c.time_zone FROM stats_stage_addr s CROSS JOIN LATERAL ("
	    "SELECT company_id, domain_id, id FROM mailboxes WHERE address = "
	    "s.address UNION ALL SELECT m.company_id, m.domain_id, m.id FROM "
	    "domain_aliases a JOIN domains d ON d.company_id = a.company_id "
	    "AND d.id = a.domain_id JOIN mailboxes m ON m.address = "
	    "split_part(s.address, '@', 1) || '@' || d.name WHERE a.name = "
	    "split_part(s.address, '@', 2) LIMIT 1) m JOIN companies c ON "
	    "c.id = m.company_id", 0, NULL);
	if (res == NULL)
		return (-1);
	for (r = 0; r < PQntuples(res); r++) {
		i = strtoul(PQgetvalue(res, r, 0), NULL, 10);
		if (i < b->naddrs && b->addrs[i].ask)
			put_mbox(s, &b->addrs[i], res, r);
	}
	PQclear(res);
	st_dir_remember(&s->dir, b);
	return (0);
}

/* The event partitions of every day the batch may write, made first. */
static int
partitions(struct st_store *s, const struct st_batch *b)
{
	const char	*p[1];
	PGresult	*res;
	size_t		 i, j;
	int		 y, m, d, missing = 0;

	st_rollup_days(&s->roll, b);
	sbuf_reset(&s->buf);
	sbuf_puts(&s->buf, "{");
	for (i = 0; i < s->roll.ndays; i++) {
		for (j = 0; j < s->nknown; j++) {
			if (s->known_days[j] == s->roll.days[i])
				break;
		}
		missing += j == s->nknown;
		lp_civil_from_days(s->roll.days[i], &y, &m, &d);
		sbuf_printf(&s->buf, "%s%04d-%02d-%02d", i ? "," : "", y, m,
		    d);
	}
	sbuf_puts(&s->buf, "}");
	if (missing == 0)
		return (0);
	p[0] = s->buf.data;
	if ((res = st_db_query(s, "SELECT stats_partitions_ensure("
	    "$1::date[])", 1, p)) == NULL)
		return (-1);
	PQclear(res);
	for (i = 0; i < s->roll.ndays; i++) {
		if (s->nknown == ST_KNOWN_DAYS)
			s->nknown = 0;
		s->known_days[s->nknown++] = s->roll.days[i];
	}
	return (0);
}

static int
copy_events(struct st_store *s, const struct st_batch *b)
{
	const struct st_sample	*x;
	char			 sql[128];
	size_t			 r, slot;
	int			 set;

	sbuf_reset(&s->buf);
	for (r = LP_SKIP_TOOLONG; r < LP_SKIP__COUNT; r++) {
		for (slot = 0; slot < ST_SAMPLE_SLOTS; slot++) {
			x = &b->sample[r][slot];
			if (!x->used)
				continue;
			st_copy_str(&s->buf, lp_skip_name(r));
			st_copy_int(&s->buf, (int64_t)slot);
			st_copy_text(&s->buf, x->line, x->len,
			    ST_SAMPLE_MAX);
			st_copy_end(&s->buf);
		}
	}
	if (copy_in(s, "COPY stats_login_events (at, company_id, mailbox_id, "
	    "address, protocol, remote_addr, success, attempts, source_id) "
	    "FROM STDIN", &s->roll.logins) == -1 ||
	    copy_in(s, "COPY stats_delivery_events (at, company_id, "
	    "mailbox_id, address, direction, counterpart, queue_id, size, "
	    "status, deferrals, dsn, source_id) FROM STDIN",
	    &s->roll.deliveries) == -1 ||
	    copy_in(s, "COPY stats_stage_unparsed FROM STDIN", &s->buf) == -1)
		return (-1);
	for (set = 0; set < ST_SET__COUNT; set++) {
		snprintf(sql, sizeof(sql), "COPY %s FROM STDIN",
		    sets[set].stage);
		if (copy_in(s, sql, &s->roll.stage[set]) == -1)
			return (-1);
	}
	return (0);
}

static int
upserts(struct st_store *s, const char *id)
{
	const char	*p[1] = { id };
	PGresult	*res;
	int		 set;

	for (set = 0; set < ST_SET__COUNT; set++) {
		if (s->roll.set[set].n > 0 &&
		    st_db_exec(s, s->upsert_sql[set]) == -1)
			return (-1);
	}
	res = st_db_query(s, "INSERT INTO stats_unparsed (source_id, reason, "
	    "slot, line) SELECT $1, reason, slot, line FROM "
	    "stats_stage_unparsed ON CONFLICT (source_id, reason, slot) DO "
	    "UPDATE SET line = excluded.line, seen_at = now()", 1, p);
	if (res == NULL)
		return (-1);
	PQclear(res);
	return (0);
}

/* The source's counters and open messages, and the file's position. */
static int
position(struct st_store *s, const struct st_flush *x, const char *id,
    uint64_t unknown)
{
	char		 v[17][32];
	const char	*p[17];
	int		 len[17] = { 0 }, fmt[17] = { 0 }, i;
	PGresult	*res;

	for (i = 0; i < 17; i++)
		p[i] = v[i];
	p[0] = id;
	p[1] = x->corr.data;
	len[1] = (int)x->corr.len;
	fmt[1] = 1;
	snprintf(v[2], 32, "%llu", (unsigned long long)x->n.lines);
	snprintf(v[3], 32, "%llu", (unsigned long long)x->n.events);
	for (i = LP_SKIP_TOOLONG; i < LP_SKIP__COUNT; i++)
		snprintf(v[3 + i], 32, "%llu",
		    (unsigned long long)x->n.skip[i]);
	snprintf(v[8], 32, "%llu", (unsigned long long)unknown);
	snprintf(v[9], 32, "%lld", (long long)x->n.last_us);
	p[10] = x->fp;
	p[11] = x->path;
	snprintf(v[12], 32, "%llu", (unsigned long long)x->dev);
	snprintf(v[13], 32, "%llu", (unsigned long long)x->ino);
	snprintf(v[14], 32, "%llu", (unsigned long long)x->offset);
	snprintf(v[15], 32, "%llu", (unsigned long long)x->size);
	p[16] = x->compressed ? "t" : "f";
	res = PQexecParams(s->db, "WITH src AS (UPDATE stats_sources SET "
	    "corr_state = $2, lines = $3, events = $4, skip_toolong = $5, "
	    "skip_frame = $6, skip_program = $7, skip_message = $8, "
	    "unknown_users = $9, last_line_at = CASE WHEN $10::bigint > 0 "
	    "THEN timestamptz 'epoch' + $10::bigint * interval "
	    "'1 microsecond' END, updated_at = now() WHERE id = $1::integer) "
	    "INSERT INTO stats_positions (source_id, fingerprint, path, "
	    "device, inode, byte_offset, file_size, compressed) VALUES "
	    "($1::integer, $11, $12, $13, $14, $15, $16, $17) "
	    "ON CONFLICT (source_id, "
	    "fingerprint) DO UPDATE SET path = excluded.path, device = "
	    "excluded.device, inode = excluded.inode, byte_offset = "
	    "excluded.byte_offset, file_size = excluded.file_size, compressed "
	    "= excluded.compressed, updated_at = now()", 17, NULL, p, len,
	    fmt, 0);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		snprintf(s->err, sizeof(s->err), "%s", PQerrorMessage(s->db));
		PQclear(res);
		return (-1);
	}
	PQclear(res);
	return (0);
}

static int
flush_once(struct st_store *s, struct st_flush *x, int source_id)
{
	char	id[16];

	snprintf(id, sizeof(id), "%d", source_id);
	if (st_db_exec(s, "BEGIN") == -1 || resolve(s, x->batch) == -1)
		return (-1);
	s->roll.source_id = source_id;
	st_rollup_render(&s->roll, x->batch, &s->dir);
	if (copy_events(s, x->batch) == -1 || upserts(s, id) == -1 ||
	    position(s, x, id, x->n.unknown + s->roll.unknown) == -1)
		return (-1);
	return (st_db_exec(s, "COMMIT"));
}

void
st_flush_init(struct st_flush *x)
{
	memset(x, 0, sizeof(*x));
	sbuf_init(&x->corr);
}

void
st_flush_free(struct st_flush *x)
{
	sbuf_free(&x->corr);
}

void
st_flush_take(struct st_flush *x, struct st_collector *c,
    struct st_batch *b, const struct st_file *f, uint64_t offset)
{
	x->batch = b;
	sbuf_reset(&x->corr);
	lp_corr_save(c->corr, &x->corr);
	x->n = c->n;
	snprintf(x->fp, sizeof(x->fp), "%s", f->fp);
	snprintf(x->path, sizeof(x->path), "%s", f->path);
	x->dev = f->dev;
	x->ino = f->ino;
	x->size = f->size;
	x->compressed = st_file_compressed(f);
	x->offset = offset;
	x->unknown = 0;
}

int
st_store_commit(struct st_store *s, const struct st_source_row *row,
    struct st_flush *x)
{
	int	try;

	if (st_store_refresh(s, 0) == -1)
		return (-1);
	for (try = 0; try < TRIES; try++) {
		if (partitions(s, x->batch) == 0 &&
		    flush_once(s, x, row->id) == 0) {
			x->unknown = s->roll.unknown;
			s->login_rows += s->roll.login_rows;
			s->delivery_rows += s->roll.delivery_rows;
			s->unknown += s->roll.unknown;
			s->out_of_range += s->roll.out_of_range;
			s->commits++;
			st_batch_reset(x->batch);
			return (0);
		}
		PQclear(PQexec(s->db, "ROLLBACK"));
		/* A lost connection took the lock and the stage with it. */
		if (PQstatus(s->db) != CONNECTION_OK)
			return (-1);
		usleep(100000 << try);
	}
	return (-1);
}

int
st_store_flush(struct st_store *s, struct st_collector *c,
    const struct st_source_row *row, const struct st_file *f,
    uint64_t offset)
{
	struct st_flush	x;
	int		rc;

	st_flush_init(&x);
	st_flush_take(&x, c, &c->batch, f, offset);
	if ((rc = st_store_commit(s, row, &x)) == 0)
		c->n.unknown += x.unknown;
	st_flush_free(&x);
	return (rc);
}
