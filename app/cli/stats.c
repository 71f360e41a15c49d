/*
 * `postroom stats ...`: the log collector's commands.  The collector itself
 * lives in stats/ (parsing, batches, roll-ups; its database side in
 * stats/db_*.c); this file reads the options and talks to the terminal.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "dryrun.h"
#include "ingest.h"
#include "stats_cli.h"
#include "store.h"

#define FLAGS_MAX	64

static volatile sig_atomic_t	stop;

struct ingest_args {
	const char	*config;
	const char	*source;
	const char	*keys[FLAGS_MAX];	/* settings, in order */
	const char	*vals[FLAGS_MAX];
	int		 nflags;
	size_t		 batch_lines;
	int		 flush;
	int		 quiet;
	char		**files;
	int		 nfiles;
};

struct ui {
	int		 bar;		/* drawing a progress bar */
	double		 start;
	double		 last;
};

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

void
stats_signals(void)
{
	struct sigaction	sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

volatile sig_atomic_t *
stats_stop_flag(void)
{
	return (&stop);
}

static void
stats_usage(void)
{
	fprintf(stderr,
	    "usage: postroom stats ingest [OPTIONS] FILE...\n"
	    "       postroom stats parse [OPTIONS] FILE...   (no database)\n"
	    "       postroom stats follow CONFIG\n"
	    "       postroom stats status\n"
	    "\n"
	    "ingest options (the settings of a [source NAME] section):\n"
	    "  --config FILE            read the source's settings from FILE\n"
	    "  --source NAME            which source (default: the config's "
	    "only one,\n"
	    "                           else \"default\")\n"
	    "  --format F               auto syslog rfc3339 dovecot roundcube\n"
	    "  --time-zone ZONE         of timestamps without one (default "
	    "UTC)\n"
	    "  --webmail-host IP        IMAP logins from IP are webmail "
	    "(repeat)\n"
	    "  --webmail-backend count|ignore\n"
	    "                           ignore them when Roundcube's log is "
	    "read too\n"
	    "  --capacity N             Postfix messages open at once\n"
	    "  --batch-lines N          lines per transaction (default %d)\n"
	    "  --flush                  the log is finished: count the "
	    "messages still open\n"
	    "  --quiet                  no progress bar\n", ST_BATCH_LINES);
}

static double
now_s(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec + ts.tv_nsec / 1e9);
}

static const char *
flag_key(const char *flag)
{
	static const char	*map[][2] = {
		{ "--format", "format" },
		{ "--time-zone", "time_zone" },
		{ "--webmail-host", "webmail_hosts" },
		{ "--webmail-backend", "webmail_backend" },
		{ "--capacity", "capacity" },
	};
	size_t			 i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (strcmp(flag, map[i][0]) == 0)
			return (map[i][1]);
	}
	return (NULL);
}

static int
ingest_parse(int argc, char **argv, struct ingest_args *a)
{
	const char	*key;
	int		 i;

	memset(a, 0, sizeof(*a));
	a->batch_lines = ST_BATCH_LINES;
	for (i = 1; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
		if (!strcmp(argv[i], "--flush")) {
			a->flush = 1;
			continue;
		}
		if (!strcmp(argv[i], "--quiet")) {
			a->quiet = 1;
			continue;
		}
		if (i + 1 >= argc) {
			fprintf(stderr, "postroom: %s needs a value\n", argv[i]);
			return (0);
		}
		if (!strcmp(argv[i], "--config"))
			a->config = argv[++i];
		else if (!strcmp(argv[i], "--source"))
			a->source = argv[++i];
		else if (!strcmp(argv[i], "--batch-lines"))
			a->batch_lines = strtoul(argv[++i], NULL, 10);
		else if ((key = flag_key(argv[i])) != NULL &&
		    a->nflags < FLAGS_MAX) {
			a->keys[a->nflags] = key;
			a->vals[a->nflags++] = argv[++i];
		} else {
			fprintf(stderr, "postroom: unknown option '%s'\n",
			    argv[i]);
			return (0);
		}
	}
	a->files = argv + i;
	a->nfiles = argc - i;
	if (a->nfiles == 0 || a->batch_lines == 0) {
		fprintf(stderr, "postroom: %s\n", a->nfiles == 0 ?
		    "no FILE to ingest" : "--batch-lines must be positive");
		return (0);
	}
	return (1);
}

/* The source's settings: its config section, then the flags. */
static int
ingest_source(const struct ingest_args *a, struct st_source_cfg *out)
{
	struct st_config	 conf;
	struct st_source_cfg	*src;
	char			 err[512];
	int			 i;

	if (a->config == NULL) {
		st_source_defaults(out, a->source ? a->source : "default");
	} else {
		if (st_config_load(&conf, a->config, err, sizeof(err)) == -1) {
			fprintf(stderr, "postroom: %s\n", err);
			return (0);
		}
		src = a->source ? st_config_source(&conf, a->source) :
		    conf.n == 1 ? &conf.src[0] : NULL;
		if (src == NULL) {
			fprintf(stderr, "postroom: %s: %s\n", a->config,
			    a->source ? "no such [source]" :
			    "several sources: say which with --source");
			st_config_free(&conf);
			return (0);
		}
		*out = *src;
		st_config_free(&conf);
	}
	if (!st_source_name_ok(out->name)) {
		fprintf(stderr, "postroom: bad source name '%s'\n", out->name);
		return (0);
	}
	for (i = 0; i < a->nflags; i++) {
		if (st_source_set(out, a->keys[i], a->vals[i], err,
		    sizeof(err)) == -1) {
			fprintf(stderr, "postroom: %s\n", err);
			return (0);
		}
	}
	return (1);
}

static void
human(char *buf, size_t len, double bytes)
{
	static const char	*unit[] = { "B", "kB", "MB", "GB", "TB" };
	int			 u = 0;

	while (bytes >= 1000 && u < 4) {
		bytes /= 1000;
		u++;
	}
	snprintf(buf, len, u ? "%.1f %s" : "%.0f %s", bytes, unit[u]);
}

/* bytes, lines/s, ETA on one line of the terminal, 5 times a second. */
static void
bar(void *arg, const struct st_progress *p)
{
	struct ui	*u = arg;
	char		 done[16], total[16], eta[32] = "--:--";
	double		 t = now_s(), el, frac, left;

	if (!u->bar || (t - u->last < 0.2 && p->done < p->total))
		return;
	u->last = t;
	el = t - u->start > 1e-3 ? t - u->start : 1e-3;
	frac = p->total ? (double)p->done / p->total : 1;
	if (frac > 0 && frac < 1) {
		left = el / frac - el;
		snprintf(eta, sizeof(eta), "%d:%02d", (int)(left / 60),
		    (int)left % 60);
	}
	human(done, sizeof(done), p->done);
	human(total, sizeof(total), p->total);
	fprintf(stderr, "\r%3.0f%% %s / %s  %.0f lines/s  ETA %s   ",
	    100 * frac, done, total, p->lines / el, eta);
}

static void
note(void *arg, const char *path, const char *msg)
{
	struct ui	*u = arg;

	fprintf(stderr, "%spostroom: %s: %s\n", u->bar ? "\n" : "", path,
	    msg);
}

/* What the lines became, since the counters stood at before. */
static void
print_counts(const struct st_collector *c, const struct st_counts *before)
{
	const char	*sep = "";
	uint64_t	 skipped = 0;
	int		 i;

	printf("events:");
	for (i = 1; i < LP_EV__COUNT; i++) {
		if (c->kinds[i] == 0)
			continue;
		printf("%s %s %llu", sep, lp_kind_name(i),
		    (unsigned long long)c->kinds[i]);
		sep = ",";
	}
	printf("%s\n", *sep ? "" : " none");
	for (i = LP_SKIP_TOOLONG; i < LP_SKIP__COUNT; i++)
		skipped += c->n.skip[i] - before->skip[i];
	printf("unparsed: %llu (", (unsigned long long)skipped);
	for (i = LP_SKIP_TOOLONG; i < LP_SKIP__COUNT; i++)
		printf("%s%s %llu", i > LP_SKIP_TOOLONG ? ", " : "",
		    lp_skip_name(i),
		    (unsigned long long)(c->n.skip[i] - before->skip[i]));
	printf(")\n");
	if (c->backend > 0)
		printf("webmail backend logins not counted: %llu\n",
		    (unsigned long long)c->backend);
}

static void
print_lines(uint64_t lines, double secs)
{
	printf("lines: %llu in %.2f s (%.0f lines/s)\n",
	    (unsigned long long)lines, secs, secs > 0 ? lines / secs : 0);
}

static void
summary(const struct st_collector *c, const struct st_store *s,
    const struct st_source_row *row, const struct st_ingest_result *r,
    double secs)
{
	printf("source: %s\n", c->cfg.name);
	printf("files: %llu read, %llu already read before, %llu failed\n",
	    (unsigned long long)r->files, (unsigned long long)r->done_before,
	    (unsigned long long)r->failed);
	print_lines(r->lines, secs);
	print_counts(c, &row->n);
	printf("stored: %llu login events, %llu delivery events\n",
	    (unsigned long long)s->login_rows,
	    (unsigned long long)s->delivery_rows);
	printf("unknown users: %llu events\n", (unsigned long long)s->unknown);
	if (s->out_of_range > 0)
		printf("out of range (in the future): %llu\n",
		    (unsigned long long)s->out_of_range);
	if (r->partial > 0)
		printf("waiting for a newline: %llu bytes\n",
		    (unsigned long long)r->partial);
	if (r->stopped)
		printf("stopped: the rest is read by the next run\n");
}

static int
ingest_run(const struct ingest_args *a, struct st_collector *c)
{
	struct st_ingest_opts	 o;
	struct st_ingest_result	 r;
	struct st_source_row	 row;
	struct st_store		 s;
	struct ui		 u;
	PGconn			*db;
	int			 rc;

	if ((db = cli_connect()) == NULL)
		return (CLI_FAIL);
	if (st_store_init(&s, db) == -1 || st_store_source(&s, c, &row,
	    10) == -1 || st_store_prune(&s) == -1) {
		fprintf(stderr, "postroom: %s\n", s.err);
		st_store_free(&s);
		PQfinish(db);
		return (CLI_FAIL);
	}
	memset(&u, 0, sizeof(u));
	u.bar = !a->quiet && isatty(STDERR_FILENO);
	u.start = now_s();
	memset(&o, 0, sizeof(o));
	o.batch_lines = a->batch_lines;
	o.flush_end = a->flush;
	o.stop = stats_stop_flag();
	o.progress = bar;
	o.note = note;
	o.arg = &u;
	stats_signals();
	rc = st_ingest(&s, c, &row, a->files, a->nfiles, &o, &r);
	if (u.bar)
		fprintf(stderr, "\n");
	if (rc == -1)
		fprintf(stderr, "postroom: %s\n", s.err);
	summary(c, &s, &row, &r, now_s() - u.start);
	st_store_free(&s);
	PQfinish(db);
	return (rc == -1 || r.failed > 0 ? CLI_FAIL : CLI_OK);
}

/* `stats parse`: the same, without a database. */
static int
parse_run(const struct ingest_args *a, struct st_collector *c)
{
	struct st_counts	before;
	uint64_t		lines;
	double			t = now_s();
	char			err[512];

	memset(&before, 0, sizeof(before));
	if (st_dry_run(c, a->files, a->nfiles, &lines, err, sizeof(err)) ==
	    -1) {
		fprintf(stderr, "postroom: %s\n", err);
		return (CLI_FAIL);
	}
	print_lines(lines, now_s() - t);
	print_counts(c, &before);
	return (CLI_OK);
}

static int
stats_ingest(int argc, char **argv)
{
	struct ingest_args	 a;
	struct st_source_cfg	 cfg;
	struct st_collector	 c;
	char			 err[512];
	int			 rc;

	if (!ingest_parse(argc, argv, &a)) {
		stats_usage();
		return (CLI_USAGE);
	}
	if (!ingest_source(&a, &cfg))
		return (CLI_USAGE);
	if (st_collector_init(&c, &cfg, err, sizeof(err)) == -1) {
		fprintf(stderr, "postroom: %s\n", err);
		st_collector_free(&c);
		return (CLI_USAGE);
	}
	rc = strcmp(argv[0], "parse") == 0 ? parse_run(&a, &c) :
	    ingest_run(&a, &c);
	st_collector_free(&c);
	return (rc);
}

int
cmd_stats(int argc, char **argv)
{
	if (argc >= 2 && (strcmp(argv[1], "ingest") == 0 ||
	    strcmp(argv[1], "parse") == 0))
		return (stats_ingest(argc - 1, argv + 1));
	if (argc == 2 && strcmp(argv[1], "status") == 0)
		return (stats_status());
	if (argc == 3 && strcmp(argv[1], "follow") == 0)
		return (stats_follow(argv[2]));
	stats_usage();
	return (CLI_USAGE);
}
