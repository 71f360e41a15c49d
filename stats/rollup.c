/*
 * Resolved batch records to COPY rows and in-memory roll-ups; see rollup.h.
 */

#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "copyout.h"
#include "correlate.h"
#include "dircache.h"
#include "hmap.h"
#include "logparse.h"
#include "rollup.h"
#include "xalloc.h"

#define US_DAY	(86400LL * 1000000)
#define US_MIN	(60LL * 1000000)

const char	*st_counter_cols[ST_C__COUNT] = {
	"imap_logins", "pop3_logins", "webmail_logins", "smtp_logins",
	"sieve_logins", "failed_logins", "messages_in", "bytes_in",
	"messages_out", "bytes_out", "bounces", "deferrals",
	"lmtp_deliveries", "quota_failures", "session_bytes_in",
	"session_bytes_out"
};

void
st_rollup_init(struct st_rollup *r)
{
	int	i;

	memset(r, 0, sizeof(*r));
	sbuf_init(&r->logins);
	sbuf_init(&r->deliveries);
	for (i = 0; i < ST_SET__COUNT; i++) {
		sbuf_init(&r->stage[i]);
		st_hmap_init(&r->set[i].map);
	}
}

void
st_rollup_free(struct st_rollup *r)
{
	int	i;

	sbuf_free(&r->logins);
	sbuf_free(&r->deliveries);
	for (i = 0; i < ST_SET__COUNT; i++) {
		sbuf_free(&r->stage[i]);
		st_hmap_free(&r->set[i].map);
		free(r->set[i].v);
	}
	free(r->days);
	memset(r, 0, sizeof(*r));
}

static void
reset(struct st_rollup *r)
{
	int	i;

	sbuf_reset(&r->logins);
	sbuf_reset(&r->deliveries);
	for (i = 0; i < ST_SET__COUNT; i++) {
		sbuf_reset(&r->stage[i]);
		st_hmap_clear(&r->set[i].map);
		r->set[i].n = 0;
	}
	r->ndays = 0;
	r->login_rows = r->delivery_rows = r->unknown = r->out_of_range = 0;
}

/* The key of a row: the id its table is by, and when. */
static int64_t
key_id(enum st_set set, const struct st_agg *g)
{
	switch (set) {
	case ST_SET_DOMAIN:
		return (g->domain);
	case ST_SET_COMPANY:
		return (g->company);
	default:
		return (g->mailbox);
	}
}

struct key {
	const struct st_aggset	*s;
	enum st_set		 set;
	int64_t			 id;
	int64_t			 when;
};

static int
key_eq(const void *arg, uint32_t i)
{
	const struct key	*k = arg;

	return (key_id(k->set, &k->s->v[i]) == k->id &&
	    k->s->v[i].when == k->when);
}

/* The row of a set for the ids of like (a mailbox's) and when. */
static struct st_agg *
row(struct st_rollup *r, enum st_set set, const struct st_agg *like,
    int64_t when)
{
	struct st_aggset	*s = &r->set[set];
	struct key		 k = { s, set, key_id(set, like), when };
	struct st_agg		*g;
	int64_t			 v[2] = { k.id, when };
	uint64_t		 h = st_hash(v, sizeof(v));
	uint32_t		 i;

	if ((i = st_hmap_find(&s->map, h, key_eq, &k)) != ST_NONE)
		return (&s->v[i]);
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 256;
		s->v = st_xrealloc(s->v, s->cap, sizeof(*s->v));
	}
	g = &s->v[s->n];
	memset(g, 0, sizeof(*g));
	g->company = like->company;
	g->mailbox = like->mailbox;
	g->domain = like->domain;
	g->when = when;
	st_hmap_put(&s->map, h, (uint32_t)s->n++);
	return (g);
}

static struct st_agg *
mbox_row(struct st_rollup *r, enum st_set set, const struct st_mbox *m,
    int64_t when)
{
	struct st_agg	like;

	like.company = m->company;
	like.mailbox = m->mailbox;
	like.domain = m->domain;
	return (row(r, set, &like, when));
}

static void
add_day(struct st_rollup *r, int64_t day)
{
	size_t	i;

	for (i = r->ndays; i > 0 && r->days[i - 1] >= day; i--) {
		if (r->days[i - 1] == day)
			return;
	}
	if (r->ndays == r->capdays) {
		r->capdays = r->capdays ? r->capdays * 2 : 8;
		r->days = st_xrealloc(r->days, r->capdays, sizeof(*r->days));
	}
	memmove(r->days + i + 1, r->days + i, (r->ndays - i) *
	    sizeof(*r->days));
	r->days[i] = day;
	r->ndays++;
}

/* Is an event of this time stored?  Its partition is then needed. */
static int
stored(struct st_rollup *r, int64_t at)
{
	int64_t	day = lp_floor_div(at, US_DAY);

	if (day < r->horizon)
		return (0);
	add_day(r, day);
	return (1);
}

/* Later wins; at the same instant the smaller protocol name. */
static void
last_login(struct st_agg *g, int64_t at, int proto)
{
	if (g->last_at == 0 || at > g->last_at || (at == g->last_at &&
	    strcmp(lp_proto_name(proto), lp_proto_name(g->last_proto)) < 0)) {
		g->last_at = at;
		g->last_proto = proto;
	}
}

/* The first columns of an event row: time, company, mailbox, address. */
static void
head(struct sbuf *b, int64_t at, const struct st_mbox *m, const char *raw)
{
	st_copy_time(b, at);
	if (m->known) {
		st_copy_int(b, m->company);
		st_copy_int(b, m->mailbox);
	} else {
		st_copy_null(b);
		st_copy_null(b);
	}
	st_copy_str(b, raw);
}

static struct st_agg *
mailbox_agg(struct st_rollup *r, const struct st_mbox *m, int64_t at,
    struct st_dir *dir)
{
	if (!m->known)
		return (NULL);
	return (mbox_row(r, ST_SET_MAILBOX, m, st_dir_local_day(dir, m->tz,
	    at)));
}

static void
do_login(struct st_rollup *r, const struct st_batch *b,
    const struct st_rec *x, struct st_dir *dir)
{
	static const int	 col[LP_PROTO__COUNT] = {
		[LP_PROTO_IMAP] = ST_C_IMAP, [LP_PROTO_POP3] = ST_C_POP3,
		[LP_PROTO_SMTP] = ST_C_SMTP, [LP_PROTO_WEBMAIL] = ST_C_WEBMAIL,
		[LP_PROTO_SIEVE] = ST_C_SIEVE
	};
	const struct st_mbox	*m = &b->addrs[x->addr].mbox;
	struct st_agg		*g;
	const char		*ip = st_batch_at(b, x->ip);

	if (stored(r, x->at)) {
		head(&r->logins, x->at, m, st_batch_at(b, x->raw));
		st_copy_str(&r->logins, lp_proto_name(x->what));
		if (ip[0] != '\0')
			st_copy_str(&r->logins, ip);
		else
			st_copy_null(&r->logins);
		st_copy_bool(&r->logins, x->flags & ST_F_SUCCESS);
		st_copy_int(&r->logins, x->n);
		st_copy_int(&r->logins, r->source_id);
		st_copy_end(&r->logins);
		r->login_rows++;
		r->unknown += !m->known;
	}
	if ((g = mailbox_agg(r, m, x->at, dir)) == NULL)
		return;
	if (x->flags & ST_F_SUCCESS) {
		g->c[col[x->what]]++;
		last_login(g, x->at, x->what);
	} else
		g->c[ST_C_FAILED] += x->n;
}

static const char *
status_name(int outcome)
{
	switch (outcome) {
	case LP_OUT_SENT:
		return ("sent");
	case LP_OUT_BOUNCED:
		return ("bounced");
	case LP_OUT_EXPIRED:
		return ("expired");
	case LP_OUT_DEFERRED:
		return ("deferred");
	default:
		return ("quota_exceeded");
	}
}

/* One delivery event row and the counters of its mailbox. */
static struct st_agg *
delivery(struct st_rollup *r, const struct st_batch *b,
    const struct st_rec *x, int out, struct st_dir *dir)
{
	const struct st_mbox	*m;
	struct st_agg		*g;
	uint32_t		 raw, peer;

	m = &b->addrs[out ? x->acct : x->addr].mbox;
	raw = out ? x->acct_raw : x->raw;
	peer = out ? x->raw : x->peer;
	if (stored(r, x->at)) {
		head(&r->deliveries, x->at, m, st_batch_at(b, raw));
		st_copy_str(&r->deliveries, out ? "out" : "in");
		st_copy_str(&r->deliveries, st_batch_at(b, peer));
		if (x->kind == ST_REC_RCPT) {
			st_copy_str(&r->deliveries, st_batch_at(b, x->qid));
			st_copy_int(&r->deliveries, x->size);
		} else {
			st_copy_null(&r->deliveries);
			st_copy_null(&r->deliveries);
		}
		st_copy_str(&r->deliveries, x->kind == ST_REC_RCPT ?
		    status_name(x->what) : "quota_exceeded");
		st_copy_int(&r->deliveries, x->kind == ST_REC_RCPT ? x->n : 0);
		if (x->dsn != 0)
			st_copy_str(&r->deliveries, st_batch_at(b, x->dsn));
		else
			st_copy_null(&r->deliveries);
		st_copy_int(&r->deliveries, r->source_id);
		st_copy_end(&r->deliveries);
		r->delivery_rows++;
		r->unknown += !m->known;
	}
	if ((g = mailbox_agg(r, m, x->at, dir)) == NULL)
		return (NULL);
	if (x->kind == ST_REC_RCPT) {
		if (x->what == LP_OUT_BOUNCED || x->what == LP_OUT_EXPIRED)
			g->c[ST_C_BOUNCES]++;
		g->c[ST_C_DEFERRALS] += x->n;
	}
	return (g);
}

/* Does the message count as its account's outgoing mail? */
static int
outgoing(const struct st_batch *b, const struct st_rec *x, uint32_t acct)
{
	if (acct == ST_NONE)
		return (0);
	if (x->flags & ST_F_AUTH)
		return (1);
	return (!(x->flags & ST_F_CLIENT) && b->addrs[acct].ours);
}

static void
do_rcpt(struct st_rollup *r, const struct st_batch *b,
    const struct st_rec *x, struct st_dir *dir)
{
	struct st_agg	*g;

	if (b->addrs[x->addr].ours &&
	    (g = delivery(r, b, x, 0, dir)) != NULL &&
	    x->what == LP_OUT_SENT) {
		g->c[ST_C_MSG_IN]++;
		g->c[ST_C_BYTES_IN] += x->size;
	}
	if (outgoing(b, x, x->acct))
		(void)delivery(r, b, x, 1, dir);
}

static void
do_msg(struct st_rollup *r, const struct st_batch *b,
    const struct st_rec *x, struct st_dir *dir)
{
	const struct st_mbox	*m = &b->addrs[x->addr].mbox;
	struct st_agg		*g, *n;

	if (!outgoing(b, x, x->addr) ||
	    (g = mailbox_agg(r, m, x->at, dir)) == NULL)
		return;
	g->c[ST_C_MSG_OUT]++;
	g->c[ST_C_BYTES_OUT] += x->size;
	n = mbox_row(r, ST_SET_MINUTE, m, lp_floor_div(x->at, US_MIN));
	n->c[0]++;
	n->c[1] += x->n;
	n->c[2] += x->size;
}

static void
do_mailbox(struct st_rollup *r, const struct st_batch *b,
    const struct st_rec *x, struct st_dir *dir)
{
	const struct st_mbox	*m = &b->addrs[x->addr].mbox;
	struct st_agg		*g;

	if (x->kind == ST_REC_QUOTA) {
		if ((g = delivery(r, b, x, 0, dir)) != NULL)
			g->c[ST_C_QUOTA]++;
		return;
	}
	if ((g = mailbox_agg(r, m, x->at, dir)) == NULL)
		return;
	if (x->kind == ST_REC_LMTP) {
		g->c[ST_C_LMTP]++;
		return;
	}
	g->c[ST_C_SESSION_IN] += x->size;
	g->c[ST_C_SESSION_OUT] += x->n;
}

static void
merge(struct st_agg *dst, const struct st_agg *src)
{
	size_t	i;

	for (i = 0; i < ST_C__COUNT; i++)
		dst->c[i] += src->c[i];
	if (src->last_at != 0)
		last_login(dst, src->last_at, src->last_proto);
}

/* Domains, companies and last logins from the mailboxes' rows. */
static void
fold(struct st_rollup *r)
{
	const struct st_agg	*g;
	size_t			 i;

	for (i = 0; i < r->set[ST_SET_MAILBOX].n; i++) {
		g = &r->set[ST_SET_MAILBOX].v[i];
		merge(row(r, ST_SET_DOMAIN, g, g->when), g);
		merge(row(r, ST_SET_COMPANY, g, g->when), g);
		if (g->last_at != 0)
			merge(row(r, ST_SET_LAST, g, 0), g);
	}
}

static void
write_last(struct sbuf *b, const struct st_agg *g)
{
	if (g->last_at != 0) {
		st_copy_time(b, g->last_at);
		st_copy_str(b, lp_proto_name(g->last_proto));
	} else {
		st_copy_null(b);
		st_copy_null(b);
	}
}

/* One staged row, in the column order of its table. */
static void
write_row(struct sbuf *b, enum st_set set, const struct st_agg *g)
{
	size_t	i;

	st_copy_int(b, g->company);
	if (set == ST_SET_MAILBOX || set == ST_SET_LAST ||
	    set == ST_SET_MINUTE)
		st_copy_int(b, g->mailbox);
	if (set == ST_SET_DOMAIN)
		st_copy_int(b, g->domain);
	if (set == ST_SET_LAST) {
		write_last(b, g);
		st_copy_end(b);
		return;
	}
	if (set == ST_SET_MINUTE)
		st_copy_time(b, g->when * US_MIN);
	else
		st_copy_date(b, g->when);
	if (set == ST_SET_MAILBOX || set == ST_SET_MINUTE)
		st_copy_int(b, g->domain);
	for (i = 0; i < (set == ST_SET_MINUTE ? 3 : ST_C__COUNT); i++)
		st_copy_int(b, g->c[i]);
	if (set != ST_SET_MINUTE)
		write_last(b, g);
	st_copy_end(b);
}

static void
write_sets(struct st_rollup *r)
{
	size_t	i;
	int	set;

	for (set = 0; set < ST_SET__COUNT; set++) {
		for (i = 0; i < r->set[set].n; i++)
			write_row(&r->stage[set], set, &r->set[set].v[i]);
	}
}

void
st_rollup_days(struct st_rollup *r, const struct st_batch *b)
{
	size_t	i;
	int64_t	day;

	r->ndays = 0;
	for (i = 0; i < b->nrecs; i++) {
		day = lp_floor_div(b->recs[i].at, US_DAY);
		if (day >= r->horizon && day <= r->max_day)
			add_day(r, day);
	}
}

void
st_rollup_render(struct st_rollup *r, const struct st_batch *b,
    struct st_dir *dir)
{
	const struct st_rec	*x;
	size_t			 i;

	reset(r);
	for (i = 0; i < b->nrecs; i++) {
		x = &b->recs[i];
		if (x->at < 0 || lp_floor_div(x->at, US_DAY) > r->max_day) {
			r->out_of_range++;
			continue;
		}
		switch (x->kind) {
		case ST_REC_LOGIN:
			do_login(r, b, x, dir);
			break;
		case ST_REC_RCPT:
			do_rcpt(r, b, x, dir);
			break;
		case ST_REC_MSG:
			do_msg(r, b, x, dir);
			break;
		default:
			do_mailbox(r, b, x, dir);
			break;
		}
	}
	fold(r);
	write_sets(r);
}
