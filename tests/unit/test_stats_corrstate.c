/*
 * The correlator's saved state: a run cut anywhere, saved, restored into a
 * new table and continued reports exactly what the uncut run reports
 * (recipients, messages, in the same order), evictions and expiry
 * included.  Malformed bytes are refused.
 */

#include <criterion/criterion.h>

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "correlate.h"
#include "sbuf.h"
#include "stats_support.h"

#define DATA	"../shared/testdata/maillogs-public/lightmeter-controlcenter/"

struct lines {
	char	**v;
	size_t	  n;
	size_t	  cap;
};

static struct lines	 lines;
static struct sbuf	 out;

static void
on_rcpt(void *arg, const struct lp_msg *m, const struct lp_rcpt *r)
{
	(void)arg;
	sbuf_printf(&out, "R %s %s <%s> <%s> %s %s %d %lld %s\n", m->qid,
	    m->parent_qid, r->addr, r->orig_to, r->relay, r->dsn,
	    r->deferrals, (long long)r->time_us, lp_outcome_name(r->outcome));
}

static void
on_msg(void *arg, const struct lp_msg *m)
{
	(void)arg;
	sbuf_printf(&out, "M %s %s %s <%s> %s %s %s %d %lld %lld %lld "
	    "%d %d %d %d %d %d %d %d %s %s\n", m->qid, m->parent_qid, m->host,
	    m->sender, m->sasl_user, m->client_ip, m->origin_ip, m->flags,
	    (long long)m->first_us, (long long)m->last_us, (long long)m->size,
	    m->nrcpt, m->sent, m->bounced, m->expired, m->deferred,
	    m->forwarded, m->deferrals, m->rejected, m->sasl_method,
	    lp_end_name(m->end));
}

static int
keep_line(const char *p, size_t len)
{
	if (lines.n == lines.cap) {
		lines.cap = lines.cap ? lines.cap * 2 : 256;
		lines.v = realloc(lines.v, lines.cap * sizeof(*lines.v));
	}
	lines.v[lines.n++] = strndup(p, len);
	return (0);
}

static void
load_file(const char *path)
{
	lines.n = 0;
	if (lpt_file_lines(path, keep_line) < 0)
		cr_skip_test("test data %s missing", path);
}

static void
free_lines(void)
{
	while (lines.n > 0)
		free(lines.v[--lines.n]);
}

static struct lp_corr *
fresh(size_t cap, size_t dmax)
{
	struct lp_corr_config	 cfg;
	struct lp_corr_cb	 cb = { on_rcpt, on_msg, NULL };
	struct lp_corr		*c;

	memset(&cfg, 0, sizeof(cfg));
	cfg.capacity = cap;
	cfg.deferred_max = dmax;
	cfg.unqueued_age_us = 600LL * 1000000;
	cr_assert_not_null(c = lp_corr_new(&cfg, &cb));
	return (c);
}

static void
feed(struct lp_corr *c, size_t from, size_t to)
{
	struct lp_event	ev;
	size_t		i;

	for (i = from; i < to; i++) {
		if (lp_parse_line(&lpt_src, lines.v[i], strlen(lines.v[i]),
		    &ev))
			(void)lp_corr_feed(c, &ev);
	}
}

/* A new table holding what c held; c is freed. */
static struct lp_corr *
reload(struct lp_corr *c, size_t cap, size_t dmax)
{
	struct sbuf	st;

	sbuf_init(&st);
	lp_corr_save(c, &st);
	lp_corr_free(c);
	c = fresh(cap, dmax);
	cr_assert_eq(lp_corr_load(c, st.data, st.len), 0);
	sbuf_free(&st);
	return (c);
}

/* The reports of the file cut at `cuts` evenly spread places. */
static char *
run(size_t cap, size_t dmax, size_t cuts)
{
	struct lp_corr	*c = fresh(cap, dmax);
	size_t		 i, at = 0, next;

	sbuf_reset(&out);
	for (i = 1; i <= cuts; i++) {
		next = lines.n * i / (cuts + 1);
		feed(c, at, next);
		c = reload(c, cap, dmax);
		at = next;
	}
	feed(c, at, lines.n);
	lp_corr_flush(c);
	lp_corr_free(c);
	return (strdup(out.data));
}

static void
same_as_uncut(const char *path, size_t cap, size_t dmax, size_t cuts)
{
	char	*whole, *cut;

	load_file(path);
	whole = run(cap, dmax, 0);
	cut = run(cap, dmax, cuts);
	cr_assert_str_eq(cut, whole, "%s cut %zu times (capacity %zu)", path,
	    cuts, cap);
	free(whole);
	free(cut);
	free_lines();
}

static void
setup(void)
{
	lpt_setup();
	sbuf_init(&out);
	memset(&lines, 0, sizeof(lines));
}

static void
teardown(void)
{
	free_lines();
	free(lines.v);
	sbuf_free(&out);
}

TestSuite(stats_corrstate, .init = setup, .fini = teardown);

/* Every trace, cut after every line. */
Test(stats_corrstate, every_cut_of_every_trace, .timeout = 120)
{
	glob_t	g;
	size_t	i, n, reported = 0;

	if (glob(DATA "*.log", 0, NULL, &g) != 0)
		cr_skip_test("no traces in " DATA);
	for (i = 0; i < g.gl_pathc; i++) {
		load_file(g.gl_pathv[i]);
		n = lines.n;
		free_lines();
		if (n > 400)
			n = 400;
		same_as_uncut(g.gl_pathv[i], 512, 64, n);
		reported += strlen(out.data);
	}
	globfree(&g);
	cr_assert_gt(reported, 10000);
}

/* A small table: evictions and a full deferred pool must replay too. */
Test(stats_corrstate, small_table_evicts_the_same, .timeout = 120)
{
	same_as_uncut(DATA "complete_logs_sample/mail.log", 6, 2, 150);
	same_as_uncut(DATA "14_reuse_of_queueid.log", 4, 1, 100);
	same_as_uncut(DATA "6_deferred_message_retry.log", 4, 1, 40);
}

Test(stats_corrstate, empty_and_malformed)
{
	struct lp_corr	*c = fresh(8, 4);
	struct lp_event	 ev;
	struct sbuf	 st;
	char		 line[256];
	size_t		 i;

	sbuf_init(&st);
	lp_corr_save(c, &st);
	lp_corr_free(c);
	c = fresh(8, 4);
	cr_assert_eq(lp_corr_load(c, st.data, st.len), 0);
	cr_assert_eq(lp_corr_load(c, NULL, 0), 0);

	load_file(DATA "2_multiple_recipients_some_bounces_no_last_remove.log");
	feed(c, 0, lines.n);
	sbuf_reset(&st);
	lp_corr_save(c, &st);
	lp_corr_free(c);
	cr_assert_gt(st.len, 16);

	/* Every truncation, and a byte too many, are refused. */
	for (i = 0; i < st.len; i++) {
		c = fresh(8, 4);
		cr_assert_eq(lp_corr_load(c, st.data, i), i == 0 ? 0 : -1,
		    "cut at %zu", i);
		lp_corr_free(c);
	}
	sbuf_append(&st, "x", 1);
	c = fresh(8, 4);
	cr_assert_eq(lp_corr_load(c, st.data, st.len), -1);
	lp_corr_free(c);
	st.data[0] = 'X';
	c = fresh(8, 4);
	cr_assert_eq(lp_corr_load(c, st.data, st.len - 1), -1);
	lp_corr_free(c);

	/* More live messages than the new table holds. */
	c = fresh(64, 64);
	for (i = 0; i < 5; i++) {
		snprintf(line, sizeof(line), "Dec  9 10:18:23 mail postfix/qmgr"
		    "[3398]: ABCDE%zu: from=<a@b.example>, size=5, nrcpt=1 "
		    "(queue active)", i);
		if (lp_parse_line(&lpt_src, line, strlen(line), &ev))
			(void)lp_corr_feed(c, &ev);
	}
	sbuf_reset(&st);
	lp_corr_save(c, &st);
	lp_corr_free(c);
	c = fresh(4, 64);
	cr_assert_eq(lp_corr_load(c, st.data, st.len), -1);
	lp_corr_free(c);
	sbuf_free(&st);
}
