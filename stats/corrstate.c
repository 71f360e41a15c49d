/*
 * The correlator's live messages to bytes and back, so that the collector
 * can commit them with a source's position: a message whose qmgr line was
 * in one committed batch and its delivery lines in the next is then
 * counted once, across a crash too.
 *
 * A restored table behaves exactly as the saved one would have: same
 * entries, same LRU order in both lists (eviction and expiry pick the same
 * victims), same deferred recipients in the same order, same clock.
 * Integers are little-endian; strings are a 16-bit length and the bytes.
 */

#include <stdint.h>
#include <string.h>

#include "corr_int.h"
#include "correlate.h"
#include "sbuf.h"

#define MAGIC		"LPC1"

struct rd {
	const unsigned char	*p;
	const unsigned char	*end;
	int			 bad;
};

static void
put_u(struct sbuf *b, uint64_t v, int bytes)
{
	unsigned char	buf[8];
	int		i;

	for (i = 0; i < bytes; i++)
		buf[i] = (unsigned char)(v >> (8 * i));
	sbuf_append(b, buf, bytes);
}

static void
put_str(struct sbuf *b, const char *s)
{
	size_t	n = strlen(s);

	put_u(b, n, 2);
	sbuf_append(b, s, n);
}

static uint64_t
get_u(struct rd *r, int bytes)
{
	uint64_t	v = 0;
	int		i;

	if (r->bad || r->end - r->p < bytes) {
		r->bad = 1;
		return (0);
	}
	for (i = 0; i < bytes; i++)
		v |= (uint64_t)r->p[i] << (8 * i);
	r->p += bytes;
	return (v);
}

static int64_t
get_i64(struct rd *r)
{
	return ((int64_t)get_u(r, 8));
}

static int
get_int(struct rd *r)
{
	return ((int)(int32_t)get_u(r, 4));
}

/* Into a buffer of cap bytes, NUL-terminated; too long is malformed. */
static void
get_str(struct rd *r, char *dst, size_t cap)
{
	size_t	n = get_u(r, 2);

	if (r->bad || n >= cap || (size_t)(r->end - r->p) < n) {
		r->bad = 1;
		dst[0] = '\0';
		return;
	}
	memcpy(dst, r->p, n);
	dst[n] = '\0';
	r->p += n;
}

static void
put_rcpt(struct sbuf *b, const struct lp_rcpt *r)
{
	put_str(b, r->addr);
	put_str(b, r->orig_to);
	put_str(b, r->relay);
	put_str(b, r->dsn);
	put_str(b, r->queued_as);
	put_u(b, r->outcome, 1);
	put_u(b, (uint32_t)r->deferrals, 4);
	put_u(b, (uint64_t)r->time_us, 8);
}

static void
get_rcpt(struct rd *r, struct lp_rcpt *x)
{
	memset(x, 0, sizeof(*x));
	get_str(r, x->addr, sizeof(x->addr));
	get_str(r, x->orig_to, sizeof(x->orig_to));
	get_str(r, x->relay, sizeof(x->relay));
	get_str(r, x->dsn, sizeof(x->dsn));
	get_str(r, x->queued_as, sizeof(x->queued_as));
	x->outcome = (enum lp_outcome)get_u(r, 1);
	if (x->outcome >= LP_OUT__COUNT)
		r->bad = 1;
	x->deferrals = get_int(r);
	x->time_us = get_i64(r);
}

static void
put_msg(struct sbuf *b, const struct lp_msg *m)
{
	put_str(b, m->qid);
	put_str(b, m->parent_qid);
	put_str(b, m->host);
	put_str(b, m->sender);
	put_str(b, m->sasl_user);
	put_str(b, m->sasl_method);
	put_str(b, m->client_ip);
	put_str(b, m->origin_ip);
	put_u(b, (uint32_t)m->flags, 4);
	put_u(b, (uint64_t)m->first_us, 8);
	put_u(b, (uint64_t)m->last_us, 8);
	put_u(b, (uint64_t)m->size, 8);
	put_u(b, (uint32_t)m->nrcpt, 4);
	put_u(b, (uint32_t)m->sent, 4);
	put_u(b, (uint32_t)m->bounced, 4);
	put_u(b, (uint32_t)m->expired, 4);
	put_u(b, (uint32_t)m->deferred, 4);
	put_u(b, (uint32_t)m->forwarded, 4);
	put_u(b, (uint32_t)m->deferrals, 4);
	put_u(b, (uint32_t)m->rejected, 4);
}

static void
get_msg(struct rd *r, struct lp_msg *m)
{
	memset(m, 0, sizeof(*m));
	get_str(r, m->qid, sizeof(m->qid));
	get_str(r, m->parent_qid, sizeof(m->parent_qid));
	get_str(r, m->host, sizeof(m->host));
	get_str(r, m->sender, sizeof(m->sender));
	get_str(r, m->sasl_user, sizeof(m->sasl_user));
	get_str(r, m->sasl_method, sizeof(m->sasl_method));
	get_str(r, m->client_ip, sizeof(m->client_ip));
	get_str(r, m->origin_ip, sizeof(m->origin_ip));
	m->flags = get_int(r);
	m->first_us = get_i64(r);
	m->last_us = get_i64(r);
	m->size = get_i64(r);
	m->nrcpt = get_int(r);
	m->sent = get_int(r);
	m->bounced = get_int(r);
	m->expired = get_int(r);
	m->deferred = get_int(r);
	m->forwarded = get_int(r);
	m->deferrals = get_int(r);
	m->rejected = get_int(r);
}

static void
put_entry(struct sbuf *b, const struct lp_corr *c, const struct entry *e)
{
	uint32_t	s;
	size_t		n = 0;

	put_u(b, (uint32_t)e->list, 1);
	put_u(b, e->ns, 8);
	put_msg(b, &e->m);
	for (s = e->defer; s != NIL; s = c->dslots[s].next)
		n++;
	put_u(b, n, 4);
	for (s = e->defer; s != NIL; s = c->dslots[s].next)
		put_rcpt(b, &c->dslots[s].r);
}

void
lp_corr_save(const struct lp_corr *c, struct sbuf *b)
{
	uint32_t	i;
	int		l;

	sbuf_append(b, MAGIC, 4);
	put_u(b, (uint64_t)c->now_us, 8);
	put_u(b, c->st.live, 4);
	/* Oldest first: restoring pushes each to the head in turn. */
	for (l = 0; l < L_NLISTS; l++) {
		for (i = c->lru[l].tail; i != NIL; i = c->ents[i].prev)
			put_entry(b, c, &c->ents[i]);
	}
}

/* Append deferred recipients in their saved order. */
static void
get_deferred(struct rd *r, struct lp_corr *c, struct entry *e)
{
	uint32_t	 n, s, *tail = &e->defer;

	n = (uint32_t)get_u(r, 4);
	while (n-- > 0 && !r->bad) {
		if ((s = c->dfree) == NIL) {
			r->bad = 1;
			return;
		}
		c->dfree = c->dslots[s].next;
		get_rcpt(r, &c->dslots[s].r);
		c->dslots[s].next = NIL;
		*tail = s;
		tail = &c->dslots[s].next;
	}
}

static int
get_entry(struct rd *r, struct lp_corr *c)
{
	struct entry	*e;
	uint32_t	 i;
	int		 list;

	if ((i = c->efree) == NIL)
		return (-1);
	e = &c->ents[i];
	list = (int)get_u(r, 1);
	e->ns = get_u(r, 8);
	get_msg(r, &e->m);
	if (r->bad || list < 0 || list >= L_NLISTS || e->m.qid[0] == '\0')
		return (-1);
	c->efree = e->hnext;
	e->defer = NIL;
	e->prev = e->next = NIL;
	lpc_hash_insert(c, i);
	lpc_lru_push(c, i, list);
	c->st.live++;
	get_deferred(r, c, e);
	return (r->bad ? -1 : 0);
}

int
lp_corr_load(struct lp_corr *c, const void *buf, size_t len)
{
	struct rd	r;
	uint32_t	n;

	if (c->st.live != 0)
		return (-1);
	if (len == 0)
		return (0);
	r.p = buf;
	r.end = r.p + len;
	r.bad = 0;
	if (len < 4 || memcmp(buf, MAGIC, 4) != 0)
		return (-1);
	r.p += 4;
	c->now_us = get_i64(&r);
	n = (uint32_t)get_u(&r, 4);
	while (n-- > 0) {
		if (get_entry(&r, c) == -1)
			return (-1);
	}
	return (r.bad || r.p != r.end ? -1 : 0);
}
