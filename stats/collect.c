/*
 * One source's lines to batch records; see collect.h.
 */

#include <stdio.h>
#include <string.h>

#include "batch.h"
#include "collect.h"
#include "correlate.h"
#include "logparse.h"

/*
 * A count or size as logged, within reason: the roll-ups add up a year of
 * them in 64 bits, and a line must not be able to overflow that.
 */
static int64_t
sane(int64_t v)
{
	return (v < 0 ? 0 : v > ST_VALUE_MAX ? ST_VALUE_MAX : v);
}

static uint32_t
str(struct st_collector *c, struct lp_str s)
{
	return (st_batch_str(&c->batch, s.p, s.len, ST_TEXT_MAX));
}

static uint32_t
cstr(struct st_collector *c, const char *s)
{
	return (st_batch_str(&c->batch, s, strlen(s), ST_TEXT_MAX));
}

/* The remote address if it is one (an inet column takes nothing else). */
static uint32_t
ip(struct st_collector *c, struct lp_str s)
{
	struct lp_webmail	a;

	if (lp_ip_parse(s.p, s.len, &a) == -1)
		return (0);
	return (str(c, s));
}

static int
msg_flags(const struct lp_msg *m)
{
	return (((m->flags & LP_MSG_AUTH) ? ST_F_AUTH : 0) |
	    ((m->flags & LP_MSG_CLIENT) ? ST_F_CLIENT : 0));
}

static void
on_rcpt(void *arg, const struct lp_msg *m, const struct lp_rcpt *r)
{
	struct st_collector	*c = arg;
	struct st_rec		*rec;
	const char		*acct = lp_msg_account(m);

	/* Handed to a content filter: its re-injected copy counts. */
	if (r->outcome == LP_OUT_FORWARDED || r->outcome == LP_OUT_NONE)
		return;
	rec = st_batch_rec(&c->batch, ST_REC_RCPT,
	    r->time_us != 0 ? r->time_us : m->last_us);
	rec->addr = st_batch_addr(&c->batch, r->addr, strlen(r->addr));
	rec->raw = cstr(c, r->addr);
	if (acct[0] != '\0') {
		rec->acct = st_batch_addr(&c->batch, acct, strlen(acct));
		rec->acct_raw = cstr(c, acct);
	}
	rec->peer = cstr(c, m->sender);
	rec->qid = cstr(c, m->qid);
	rec->dsn = cstr(c, r->dsn);
	rec->size = sane(m->size);
	rec->n = sane(r->deferrals);
	rec->what = r->outcome;
	rec->flags = msg_flags(m);
}

/*
 * A message counts once, for its account, when it ends: a content
 * filter's re-injected copy (parent_qid) is the same message, and one
 * that came in from outside without a login is nobody's outgoing mail.
 */
static void
on_msg(void *arg, const struct lp_msg *m)
{
	struct st_collector	*c = arg;
	struct st_rec		*rec;
	const char		*acct = lp_msg_account(m);

	if (m->parent_qid[0] != '\0' || !(m->flags & LP_MSG_QUEUED) ||
	    m->end == LP_END_REJECTED || acct[0] == '\0')
		return;
	if ((m->flags & (LP_MSG_CLIENT | LP_MSG_AUTH)) == LP_MSG_CLIENT)
		return;
	rec = st_batch_rec(&c->batch, ST_REC_MSG, m->first_us);
	rec->addr = st_batch_addr(&c->batch, acct, strlen(acct));
	rec->raw = cstr(c, acct);
	rec->size = sane(m->size);
	rec->n = sane(m->nrcpt);
	rec->qid = cstr(c, m->qid);
	rec->flags = msg_flags(m);
}

int
st_collector_init(struct st_collector *c, const struct st_source_cfg *cfg,
    char *err, size_t errlen)
{
	struct lp_corr_config	ccfg;
	struct lp_corr_cb	cb;
	size_t			i;

	memset(c, 0, sizeof(*c));
	c->cfg = *cfg;
	if (lp_source_init(&c->src, cfg->format, cfg->tz, 0) == -1) {
		snprintf(err, errlen, "source %s: unknown time zone '%s'",
		    cfg->name, cfg->tz);
		return (-1);
	}
	for (i = 0; i < cfg->nwebmail; i++) {
		if (lp_source_add_webmail(&c->src, cfg->webmail[i]) == -1) {
			snprintf(err, errlen, "source %s: bad webmail host "
			    "'%s'", cfg->name, cfg->webmail[i]);
			return (-1);
		}
	}
	memset(&ccfg, 0, sizeof(ccfg));
	ccfg.capacity = cfg->capacity;
	cb.rcpt = on_rcpt;
	cb.msg = on_msg;
	cb.arg = c;
	if ((c->corr = lp_corr_new(&ccfg, &cb)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return (-1);
	}
	st_batch_init(&c->batch);
	return (0);
}

void
st_collector_free(struct st_collector *c)
{
	lp_corr_free(c->corr);
	st_batch_free(&c->batch);
	memset(c, 0, sizeof(*c));
}

void
st_collector_ref(struct st_collector *c, int64_t ref)
{
	lp_source_set_ref(&c->src, ref);
}

static int
login_proto(enum lp_proto p)
{
	return (p == LP_PROTO_IMAP || p == LP_PROTO_POP3 ||
	    p == LP_PROTO_SMTP || p == LP_PROTO_WEBMAIL ||
	    p == LP_PROTO_SIEVE);
}

static void
login(struct st_collector *c, const struct lp_event *ev, int ok,
    int attempts)
{
	struct st_rec	*rec;

	if (!login_proto(ev->proto))
		return;
	/* Dovecot's view of a webmail login: Roundcube's log says it. */
	if (ev->proto == LP_PROTO_WEBMAIL && c->cfg.backend ==
	    ST_BACKEND_IGNORE && (ev->kind == LP_EV_LOGIN ||
	    ev->kind == LP_EV_LOGIN_FAILED)) {
		c->backend++;
		return;
	}
	rec = st_batch_rec(&c->batch, ST_REC_LOGIN, ev->time_us);
	rec->addr = st_batch_addr(&c->batch, ev->user.p, ev->user.len);
	rec->raw = str(c, ev->user);
	rec->ip = ip(c, ev->remote_ip);
	rec->what = ev->proto;
	rec->flags = ok ? ST_F_SUCCESS : 0;
	rec->n = attempts < 1 ? 1 : attempts;
}

static void
mailbox(struct st_collector *c, const struct lp_event *ev,
    enum st_rec_kind kind)
{
	struct st_rec	*rec;

	rec = st_batch_rec(&c->batch, kind, ev->time_us);
	rec->addr = st_batch_addr(&c->batch, ev->user.p, ev->user.len);
	rec->raw = str(c, ev->user);
	rec->what = ev->proto;
	rec->size = sane(ev->bytes_in);
	rec->n = sane(ev->bytes_out);
}

static void
event(struct st_collector *c, const struct lp_event *ev)
{
	switch (ev->kind) {
	case LP_EV_LOGIN:
	case LP_EV_WEBMAIL_LOGIN:
		login(c, ev, 1, 1);
		break;
	case LP_EV_LOGIN_FAILED:
	case LP_EV_SMTP_AUTH_FAILED:
	case LP_EV_WEBMAIL_LOGIN_FAILED:
		login(c, ev, 0, ev->attempts);
		break;
	case LP_EV_SMTPD_CLIENT:
		if (ev->user.len > 0)
			login(c, ev, 1, 1);
		break;
	case LP_EV_SESSION_END:
		mailbox(c, ev, ST_REC_SESSION);
		break;
	case LP_EV_LMTP_SAVED:
		mailbox(c, ev, ST_REC_LMTP);
		break;
	case LP_EV_LMTP_QUOTA_FAILED:
		mailbox(c, ev, ST_REC_QUOTA);
		break;
	default:
		break;
	}
}

void
st_collect_line(struct st_collector *c, const char *line, size_t len)
{
	struct lp_event	ev;

	c->n.lines++;
	if (!lp_parse_line(&c->src, line, len, &ev)) {
		if ((int)ev.skip > LP_SKIP_NONE && ev.skip < LP_SKIP__COUNT)
			st_batch_sample(&c->batch, ev.skip,
			    c->n.skip[ev.skip]++, line, len);
		return;
	}
	c->n.events++;
	c->kinds[ev.kind]++;
	if (ev.time_us > c->n.last_us)
		c->n.last_us = ev.time_us;
	/* The correlator's callbacks add the Postfix records. */
	(void)lp_corr_feed(c->corr, &ev);
	event(c, &ev);
}
