/*
 * libFuzzer target for the log line parser and the queue-id correlator.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Iapp/lib -Istats \
 *	tests/fuzz/fuzz_logline.c stats/[a-z]*.c -o /tmp/fuzz
 *   /tmp/fuzz -max_total_time=20
 *
 * The first byte picks the format hint, the zone and the webmail setting;
 * the rest is parsed once whole, then line by line into a small correlator
 * (fresh per input, so that every crash reproduces from its input alone).
 * The whole input is also read as a saved correlator state, and the state
 * the lines left is saved and read back.
 */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "correlate.h"
#include "logparse.h"
#include "sbuf.h"

#define REF	1798761610	/* 2027-01-01T00:00:10Z */

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
on_rcpt(void *arg, const struct lp_msg *m, const struct lp_rcpt *r)
{
	size_t	*n = arg;

	/* Touch every string: they must be NUL-terminated in bounds. */
	*n += strlen(m->qid) + strlen(r->addr) + strlen(r->orig_to) +
	    strlen(r->relay) + strlen(r->dsn) + strlen(r->queued_as);
}

static void
on_msg(void *arg, const struct lp_msg *m)
{
	size_t	*n = arg;

	*n += strlen(m->qid) + strlen(m->parent_qid) + strlen(m->host) +
	    strlen(m->sender) + strlen(lp_msg_account(m)) +
	    strlen(m->sasl_method) + strlen(m->client_ip) +
	    strlen(m->origin_ip);
}

/* Every string of an event must lie inside the line. */
static void
check(const struct lp_event *ev, const char *line, size_t len)
{
	const struct lp_str	*s[] = {
		&ev->host, &ev->program, &ev->instance, &ev->service,
		&ev->user, &ev->method, &ev->remote_ip, &ev->remote_host,
		&ev->session, &ev->qid, &ev->sender, &ev->recipient,
		&ev->orig_to, &ev->relay, &ev->dsn, &ev->queued_as,
		&ev->orig_qid, &ev->orig_ip, &ev->stage, &ev->mailbox,
		&ev->reason
	};
	size_t			 i;

	for (i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		if (s[i]->len == 0)
			continue;
		/* The program names of own logs are static strings. */
		if (s[i] == &ev->program &&
		    (s[i]->p < line || s[i]->p > line + len))
			continue;
		if (s[i]->p < line || s[i]->p + s[i]->len > line + len)
			__builtin_trap();
	}
}

/* Any bytes as a state; the live state saved and restored. */
static void
saved(const struct lp_corr *c, const uint8_t *data, size_t size)
{
	struct lp_corr_config	 cfg;
	struct lp_corr		*d;
	struct sbuf		 b;

	memset(&cfg, 0, sizeof(cfg));
	cfg.capacity = 64;
	cfg.deferred_max = 64;
	if ((d = lp_corr_new(&cfg, NULL)) == NULL)
		return;
	(void)lp_corr_load(d, data, size);
	lp_corr_free(d);
	if ((d = lp_corr_new(&cfg, NULL)) == NULL)
		return;
	sbuf_init(&b);
	lp_corr_save(c, &b);
	if (lp_corr_load(d, b.data, b.len) != 0)
		__builtin_trap();
	sbuf_free(&b);
	lp_corr_free(d);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char	*zones[] = { "UTC", "Europe/Amsterdam" };
	struct lp_corr_config	 cfg;
	struct lp_corr_cb	 cb;
	struct lp_source	 src;
	struct lp_event		 ev;
	struct lp_corr		*c;
	const char		*p, *end, *nl;
	size_t			 sink = 0;
	uint8_t			 ctl;

	if (size == 0)
		return (0);
	ctl = data[0];
	p = (const char *)data + 1;
	end = (const char *)data + size;
	if (lp_source_init(&src, (enum lp_format)(ctl % LP_FMT__COUNT),
	    zones[(ctl >> 3) & 1], REF) != 0)
		return (0);
	if (ctl & 0x10)
		(void)lp_source_add_webmail(&src, "127.0.0.1");

	if (lp_parse_line(&src, p, end - p, &ev))
		check(&ev, p, end - p);

	memset(&cfg, 0, sizeof(cfg));
	cfg.capacity = 4 + (ctl >> 5);
	cfg.deferred_max = 2;
	cb.rcpt = on_rcpt;
	cb.msg = on_msg;
	cb.arg = &sink;
	if ((c = lp_corr_new(&cfg, &cb)) == NULL)
		return (0);
	while (p < end) {
		if ((nl = memchr(p, '\n', end - p)) == NULL)
			nl = end;
		if (lp_parse_line(&src, p, nl - p, &ev)) {
			check(&ev, p, nl - p);
			(void)lp_corr_feed(c, &ev);
		}
		p = nl + 1;
	}
	saved(c, data, size);
	lp_corr_flush(c);
	lp_corr_free(c);
	return (sink == (size_t)-1);
}
