/*
 * Postfix queue-id correlation: a fixed table of live messages, chained
 * hashing on (host, instance, queue id), two LRU lists (entries that only
 * saw smtpd, which age out fast, and queued ones), and a fixed pool of
 * deferred-recipient slots.  See correlate.h for the contract.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "corr_int.h"
#include "correlate.h"
#include "logparse.h"

#define CAP_DEFAULT	16384
#define CAP_MIN		4
#define CAP_MAX		(1U << 28)
#define AGE_DEFAULT	(7LL * 86400 * 1000000)
#define UNQ_DEFAULT	(3600LL * 1000000)

static uint64_t
fnv(uint64_t h, const char *p, size_t n)
{
	while (n-- > 0) {
		h ^= (unsigned char)*p++;
		h *= 0x100000001b3ULL;
	}
	return (h);
}

static uint64_t
ns_hash(const struct lp_event *ev)
{
	uint64_t	h = 0xcbf29ce484222325ULL;

	h = fnv(h, ev->host.p, ev->host.len);
	h = fnv(h, "/", 1);
	return (fnv(h, ev->instance.p, ev->instance.len));
}

static uint32_t
bucket(const struct lp_corr *c, uint64_t ns, const char *q, size_t n)
{
	uint64_t	h = fnv(ns ^ 0x9e3779b97f4a7c15ULL, q, n);

	return ((uint32_t)(h ^ (h >> 32)) & c->mask);
}

/* Copy with truncation; the result is always NUL-terminated. */
static void
cpy(char *dst, size_t cap, struct lp_str s)
{
	size_t	n = s.len < cap - 1 ? s.len : cap - 1;

	if (n > 0)
		memcpy(dst, s.p, n);
	dst[n] = '\0';
}

/* Does the stored (possibly cut) copy equal s cut the same way? */
static int
same(const char *stored, size_t cap, struct lp_str s)
{
	size_t	n = s.len < cap - 1 ? s.len : cap - 1;

	return (strlen(stored) == n && (n == 0 || memcmp(stored, s.p, n) == 0));
}

static void
lru_unlink(struct lp_corr *c, uint32_t i)
{
	struct entry	*e = &c->ents[i];
	struct lru	*l = &c->lru[e->list];

	if (e->prev != NIL)
		c->ents[e->prev].next = e->next;
	else
		l->head = e->next;
	if (e->next != NIL)
		c->ents[e->next].prev = e->prev;
	else
		l->tail = e->prev;
	e->prev = e->next = NIL;
}

void
lpc_lru_push(struct lp_corr *c, uint32_t i, int list)
{
	struct entry	*e = &c->ents[i];
	struct lru	*l = &c->lru[list];

	e->list = list;
	e->prev = NIL;
	e->next = l->head;
	if (l->head != NIL)
		c->ents[l->head].prev = i;
	l->head = i;
	if (l->tail == NIL)
		l->tail = i;
}

/* Mark activity; an entry past the smtpd stage moves to the long list. */
static void
touch(struct lp_corr *c, uint32_t i, int64_t t, int is_long)
{
	struct entry	*e = &c->ents[i];
	int		 list = e->list == L_LONG || is_long ? L_LONG : L_SHORT;

	if (t > e->m.last_us)
		e->m.last_us = t;
	lru_unlink(c, i);
	lpc_lru_push(c, i, list);
}

static uint32_t
find(const struct lp_corr *c, uint64_t ns, struct lp_str qid)
{
	uint32_t	i;

	for (i = c->buckets[bucket(c, ns, qid.p, qid.len)]; i != NIL;
	    i = c->ents[i].hnext) {
		if (c->ents[i].ns == ns && same(c->ents[i].m.qid,
		    sizeof(c->ents[i].m.qid), qid))
			return (i);
	}
	return (NIL);
}

void
lpc_hash_insert(struct lp_corr *c, uint32_t i)
{
	struct entry	*e = &c->ents[i];
	uint32_t	 b;

	b = bucket(c, e->ns, e->m.qid, strlen(e->m.qid));
	e->hnext = c->buckets[b];
	c->buckets[b] = i;
}

static void
hash_remove(struct lp_corr *c, uint32_t i)
{
	struct entry	*e = &c->ents[i];
	uint32_t	*pp;

	pp = &c->buckets[bucket(c, e->ns, e->m.qid, strlen(e->m.qid))];
	while (*pp != NIL && *pp != i)
		pp = &c->ents[*pp].hnext;
	if (*pp == i)
		*pp = e->hnext;
}

static void
emit_rcpt(struct lp_corr *c, struct entry *e, const struct lp_rcpt *r)
{
	switch (r->outcome) {
	case LP_OUT_SENT:
		e->m.sent++;
		break;
	case LP_OUT_BOUNCED:
		e->m.bounced++;
		break;
	case LP_OUT_EXPIRED:
		e->m.expired++;
		break;
	case LP_OUT_DEFERRED:
		e->m.deferred++;
		break;
	case LP_OUT_FORWARDED:
		e->m.forwarded++;
		break;
	default:
		return;
	}
	if (c->cb.rcpt != NULL)
		c->cb.rcpt(c->cb.arg, &e->m, r);
}

/* Report and free every deferred slot of an entry with this outcome. */
static void
drain_deferred(struct lp_corr *c, struct entry *e, enum lp_outcome out,
    int64_t t)
{
	struct dslot	*d;
	uint32_t	 s;

	while ((s = e->defer) != NIL) {
		d = &c->dslots[s];
		e->defer = d->next;
		d->r.outcome = out;
		if (t != 0)
			d->r.time_us = t;
		emit_rcpt(c, e, &d->r);
		d->next = c->dfree;
		c->dfree = s;
	}
}

static void
finish(struct lp_corr *c, uint32_t i, enum lp_msg_end why)
{
	struct entry	*e = &c->ents[i];

	drain_deferred(c, e, LP_OUT_DEFERRED, 0);
	e->m.end = why;
	c->st.done++;
	c->st.ends[why]++;
	if (c->cb.msg != NULL)
		c->cb.msg(c->cb.arg, &e->m);
	hash_remove(c, i);
	lru_unlink(c, i);
	e->list = -1;
	e->hnext = c->efree;
	c->efree = i;
	c->st.live--;
}

static void
evict(struct lp_corr *c)
{
	uint32_t	i;

	if ((i = c->lru[L_SHORT].tail) == NIL)
		i = c->lru[L_LONG].tail;
	if (i != NIL)
		finish(c, i, LP_END_EVICTED);
}

static uint32_t
create(struct lp_corr *c, const struct lp_event *ev, uint64_t ns,
    struct lp_str qid)
{
	struct entry	*e;
	uint32_t	 i;

	if (c->efree == NIL)
		evict(c);
	if ((i = c->efree) == NIL)
		return (NIL);
	e = &c->ents[i];
	c->efree = e->hnext;
	memset(&e->m, 0, sizeof(e->m));
	cpy(e->m.qid, sizeof(e->m.qid), qid);
	cpy(e->m.host, sizeof(e->m.host), ev->host);
	e->m.first_us = e->m.last_us = ev->time_us;
	e->ns = ns;
	e->defer = NIL;
	lpc_hash_insert(c, i);
	e->prev = e->next = NIL;
	lpc_lru_push(c, i, L_SHORT);
	c->st.messages++;
	c->st.live++;
	return (i);
}

/* Message child re-injects message parent after a content filter. */
static void
adopt(struct entry *child, const struct entry *parent)
{
	const struct lp_msg	*p = &parent->m;
	struct lp_msg		*m = &child->m;

	if (m->parent_qid[0] != '\0')
		return;
	memcpy(m->parent_qid, p->qid, sizeof(m->parent_qid));
	if (m->sasl_user[0] == '\0' && p->sasl_user[0] != '\0') {
		memcpy(m->sasl_user, p->sasl_user, sizeof(m->sasl_user));
		memcpy(m->sasl_method, p->sasl_method,
		    sizeof(m->sasl_method));
		m->flags |= LP_MSG_AUTH;
	}
	if (m->origin_ip[0] == '\0')
		memcpy(m->origin_ip, p->origin_ip[0] != '\0' ?
		    p->origin_ip : p->client_ip, sizeof(m->origin_ip));
}

static void
on_client(struct lp_corr *c, uint32_t i, const struct lp_event *ev)
{
	struct entry	*e = &c->ents[i];
	uint32_t	 p;

	e->m.flags |= LP_MSG_CLIENT;
	cpy(e->m.client_ip, sizeof(e->m.client_ip), ev->remote_ip);
	if (ev->user.len > 0) {
		cpy(e->m.sasl_user, sizeof(e->m.sasl_user), ev->user);
		cpy(e->m.sasl_method, sizeof(e->m.sasl_method), ev->method);
		e->m.flags |= LP_MSG_AUTH;
	}
	if (ev->orig_ip.len > 0)
		cpy(e->m.origin_ip, sizeof(e->m.origin_ip), ev->orig_ip);
	if (ev->orig_qid.len == 0 || ev->orig_qid.len > LP_QID_MAX)
		return;
	if ((p = find(c, e->ns, ev->orig_qid)) != NIL && p != i)
		adopt(e, &c->ents[p]);
	else if (e->m.parent_qid[0] == '\0')
		cpy(e->m.parent_qid, sizeof(e->m.parent_qid), ev->orig_qid);
}

static void
on_from(struct entry *e, const struct lp_event *ev)
{
	if (e->m.flags & LP_MSG_QUEUED)
		return;		/* a retry of the same message */
	e->m.flags |= LP_MSG_QUEUED;
	cpy(e->m.sender, sizeof(e->m.sender), ev->sender);
	e->m.size = ev->size;
	e->m.nrcpt = ev->nrcpt;
}

static uint32_t
dslot_find(const struct lp_corr *c, const struct entry *e,
    const struct lp_event *ev)
{
	uint32_t	s;

	for (s = e->defer; s != NIL; s = c->dslots[s].next) {
		if (same(c->dslots[s].r.addr, LP_ADDR_MAX, ev->recipient) &&
		    same(c->dslots[s].r.orig_to, LP_ADDR_MAX, ev->orig_to))
			return (s);
	}
	return (NIL);
}

static void
rcpt_fill(struct lp_rcpt *r, const struct lp_event *ev)
{
	cpy(r->addr, sizeof(r->addr), ev->recipient);
	cpy(r->orig_to, sizeof(r->orig_to), ev->orig_to);
	cpy(r->relay, sizeof(r->relay), ev->relay);
	cpy(r->dsn, sizeof(r->dsn), ev->dsn);
	r->time_us = ev->time_us;
}

/*
 * A recipient's outcome: every field set, but not every byte of the
 * strings, as a memset of the whole (700 bytes) on every delivery line
 * cost more than the rest.
 */
static void
rcpt_new(struct lp_rcpt *r, const struct lp_event *ev)
{
	rcpt_fill(r, ev);
	r->queued_as[0] = '\0';
	r->deferrals = 0;
}

static void
on_deferred(struct lp_corr *c, struct entry *e, const struct lp_event *ev)
{
	struct dslot	*d;
	uint32_t	 s;

	e->m.deferrals++;
	if ((s = dslot_find(c, e, ev)) == NIL) {
		if ((s = c->dfree) == NIL) {
			c->st.untracked++;
			return;
		}
		d = &c->dslots[s];
		c->dfree = d->next;
		memset(&d->r, 0, sizeof(d->r));
		d->next = e->defer;
		e->defer = s;
	}
	d = &c->dslots[s];
	rcpt_fill(&d->r, ev);
	d->r.deferrals++;
}

/* Take a recipient's deferred slot off the entry; its deferral count. */
static int
dslot_take(struct lp_corr *c, struct entry *e, const struct lp_event *ev)
{
	uint32_t	 s, *pp;
	int		 n;

	if ((s = dslot_find(c, e, ev)) == NIL)
		return (0);
	for (pp = &e->defer; *pp != s; pp = &c->dslots[*pp].next)
		;
	*pp = c->dslots[s].next;
	n = c->dslots[s].r.deferrals;
	c->dslots[s].next = c->dfree;
	c->dfree = s;
	return (n);
}

static int
loopback(struct lp_str relay)
{
	const char	*lb;

	if (relay.len == 0)
		return (0);
	if ((lb = memchr(relay.p, '[', relay.len)) == NULL)
		return (0);
	lb++;
	relay.len -= lb - relay.p;
	relay.p = lb;
	return ((relay.len >= 4 && memcmp(relay.p, "127.", 4) == 0) ||
	    (relay.len >= 4 && memcmp(relay.p, "::1]", 4) == 0));
}

/* Sent with "queued as X": X is our own re-injected copy? */
static enum lp_outcome
forward(struct lp_corr *c, uint32_t i, const struct lp_event *ev)
{
	uint32_t	x;

	if (ev->queued_as.len == 0 || ev->queued_as.len > LP_QID_MAX)
		return (LP_OUT_SENT);
	x = find(c, c->ents[i].ns, ev->queued_as);
	if (x == i)
		return (LP_OUT_SENT);
	if (x == NIL) {
		if (!loopback(ev->relay))
			return (LP_OUT_SENT);
		if ((x = create(c, ev, c->ents[i].ns, ev->queued_as)) == NIL)
			return (LP_OUT_SENT);
	}
	adopt(&c->ents[x], &c->ents[i]);
	touch(c, x, ev->time_us, 1);
	return (LP_OUT_FORWARDED);
}

static void
on_delivery(struct lp_corr *c, uint32_t i, const struct lp_event *ev)
{
	struct lp_rcpt	r;

	switch (ev->status) {
	case LP_ST_DEFERRED:
		on_deferred(c, &c->ents[i], ev);
		return;
	case LP_ST_SENT:
		rcpt_new(&r, ev);
		r.outcome = forward(c, i, ev);
		if (r.outcome == LP_OUT_FORWARDED)
			cpy(r.queued_as, sizeof(r.queued_as), ev->queued_as);
		break;
	case LP_ST_BOUNCED:
		rcpt_new(&r, ev);
		r.outcome = LP_OUT_BOUNCED;
		break;
	case LP_ST_EXPIRED:
		rcpt_new(&r, ev);
		r.outcome = LP_OUT_EXPIRED;
		break;
	default:
		return;		/* verify probes and the like */
	}
	r.deferrals = dslot_take(c, &c->ents[i], ev);
	emit_rcpt(c, &c->ents[i], &r);
}

static void
on_expired(struct lp_corr *c, uint32_t i, const struct lp_event *ev)
{
	struct entry	*e = &c->ents[i];

	e->m.flags |= LP_MSG_EXPIRED;
	if (e->m.sender[0] == '\0')
		cpy(e->m.sender, sizeof(e->m.sender), ev->sender);
	drain_deferred(c, e, LP_OUT_EXPIRED, ev->time_us);
}

/* Rejects that end the whole message rather than one recipient. */
static int
whole_message(struct lp_str stage)
{
	return (lp_str_eq(stage, "END-OF-MESSAGE") ||
	    lp_str_eq(stage, "DATA") || lp_str_eq(stage, "BDAT") ||
	    lp_str_eq(stage, "header") || lp_str_eq(stage, "body"));
}

/* A new message under a live queue id: report the old one first. */
static uint32_t
reused(struct lp_corr *c, uint32_t i, const struct lp_event *ev)
{
	const struct lp_msg	*m = &c->ents[i].m;

	if (ev->kind == LP_EV_SMTPD_CLIENT &&
	    (m->flags & (LP_MSG_CLIENT | LP_MSG_QUEUED)) == 0)
		return (i);
	if (ev->kind == LP_EV_QMGR_FROM && (!(m->flags & LP_MSG_QUEUED) ||
	    (m->size == ev->size &&
	    same(m->sender, sizeof(m->sender), ev->sender))))
		return (i);
	finish(c, i, LP_END_REUSED);
	return (NIL);
}

static int
wanted(const struct lp_event *ev)
{
	switch (ev->kind) {
	case LP_EV_SMTPD_CLIENT:
	case LP_EV_QMGR_FROM:
	case LP_EV_QMGR_EXPIRED:
	case LP_EV_DELIVERY:
	case LP_EV_QMGR_REMOVED:
	case LP_EV_REJECT:
		return (ev->qid.len > 0 && ev->qid.len <= LP_QID_MAX);
	default:
		return (0);
	}
}

int
lp_corr_feed(struct lp_corr *c, const struct lp_event *ev)
{
	uint64_t	ns;
	uint32_t	i;

	if (!wanted(ev))
		return (0);
	c->st.events++;
	if (ev->time_us > c->now_us)
		c->now_us = ev->time_us;
	lp_corr_expire(c, c->now_us);
	ns = ns_hash(ev);
	i = find(c, ns, ev->qid);
	if (i != NIL && (ev->kind == LP_EV_SMTPD_CLIENT ||
	    ev->kind == LP_EV_QMGR_FROM))
		i = reused(c, i, ev);
	if (i == NIL) {
		/* An end for a message we never saw tells nothing. */
		if (ev->kind == LP_EV_QMGR_REMOVED ||
		    ev->kind == LP_EV_REJECT)
			return (1);
		if ((i = create(c, ev, ns, ev->qid)) == NIL)
			return (1);
	}
	touch(c, i, ev->time_us, ev->kind != LP_EV_SMTPD_CLIENT &&
	    ev->kind != LP_EV_REJECT);
	switch (ev->kind) {
	case LP_EV_SMTPD_CLIENT:
		on_client(c, i, ev);
		break;
	case LP_EV_QMGR_FROM:
		on_from(&c->ents[i], ev);
		break;
	case LP_EV_QMGR_EXPIRED:
		on_expired(c, i, ev);
		break;
	case LP_EV_DELIVERY:
		on_delivery(c, i, ev);
		break;
	case LP_EV_QMGR_REMOVED:
		finish(c, i, LP_END_REMOVED);
		break;
	case LP_EV_REJECT:
		if (whole_message(ev->stage))
			finish(c, i, LP_END_REJECTED);
		else
			c->ents[i].m.rejected++;
		break;
	default:
		break;
	}
	return (1);
}

void
lp_corr_expire(struct lp_corr *c, int64_t now_us)
{
	const int64_t	age[L_NLISTS] = {
		c->cfg.unqueued_age_us, c->cfg.max_age_us
	};
	uint32_t	i;
	int		l;

	for (l = 0; l < L_NLISTS; l++) {
		while ((i = c->lru[l].tail) != NIL &&
		    c->ents[i].m.last_us < now_us - age[l])
			finish(c, i, LP_END_TIMEOUT);
	}
}

void
lp_corr_flush(struct lp_corr *c)
{
	uint32_t	i;
	int		l;

	for (l = 0; l < L_NLISTS; l++) {
		while ((i = c->lru[l].tail) != NIL)
			finish(c, i, LP_END_FLUSHED);
	}
}

struct lp_corr *
lp_corr_new(const struct lp_corr_config *cfg, const struct lp_corr_cb *cb)
{
	struct lp_corr	*c;
	size_t		 cap, nb, i;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return (NULL);
	if (cfg != NULL)
		c->cfg = *cfg;
	if (cb != NULL)
		c->cb = *cb;
	cap = c->cfg.capacity == 0 ? CAP_DEFAULT : c->cfg.capacity;
	cap = cap < CAP_MIN ? CAP_MIN : cap > CAP_MAX ? CAP_MAX : cap;
	c->cfg.capacity = cap;
	if (c->cfg.deferred_max == 0 || c->cfg.deferred_max > CAP_MAX)
		c->cfg.deferred_max = cap;
	if (c->cfg.max_age_us <= 0)
		c->cfg.max_age_us = AGE_DEFAULT;
	if (c->cfg.unqueued_age_us <= 0)
		c->cfg.unqueued_age_us = UNQ_DEFAULT;
	for (nb = 1; nb < cap * 2; nb <<= 1)
		;
	c->mask = (uint32_t)(nb - 1);
	c->ents = calloc(cap, sizeof(*c->ents));
	c->buckets = calloc(nb, sizeof(*c->buckets));
	c->dslots = calloc(c->cfg.deferred_max, sizeof(*c->dslots));
	if (c->ents == NULL || c->buckets == NULL || c->dslots == NULL) {
		lp_corr_free(c);
		return (NULL);
	}
	for (i = 0; i < nb; i++)
		c->buckets[i] = NIL;
	for (i = 0; i < cap; i++) {
		c->ents[i].list = -1;
		c->ents[i].hnext = i + 1 < cap ? (uint32_t)(i + 1) : NIL;
	}
	c->efree = 0;
	for (i = 0; i < c->cfg.deferred_max; i++)
		c->dslots[i].next = i + 1 < c->cfg.deferred_max ?
		    (uint32_t)(i + 1) : NIL;
	c->dfree = 0;
	for (i = 0; i < L_NLISTS; i++)
		c->lru[i].head = c->lru[i].tail = NIL;
	return (c);
}

void
lp_corr_free(struct lp_corr *c)
{
	if (c == NULL)
		return;
	free(c->ents);
	free(c->buckets);
	free(c->dslots);
	free(c);
}

void
lp_corr_stats(const struct lp_corr *c, struct lp_corr_stats *st)
{
	*st = c->st;
}

const char *
lp_msg_account(const struct lp_msg *m)
{
	return (m->sasl_user[0] != '\0' ? m->sasl_user : m->sender);
}

const char *
lp_outcome_name(enum lp_outcome o)
{
	static const char	*names[LP_OUT__COUNT] = {
		"", "sent", "bounced", "expired", "deferred", "forwarded"
	};

	if ((int)o < 0 || o >= LP_OUT__COUNT)
		return ("");
	return (names[o]);
}

const char *
lp_end_name(enum lp_msg_end e)
{
	static const char	*names[LP_END__COUNT] = {
		"", "removed", "rejected", "timeout", "evicted", "reused",
		"flushed"
	};

	if ((int)e < 0 || e >= LP_END__COUNT)
		return ("");
	return (names[e]);
}
