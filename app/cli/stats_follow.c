/*
 * `postroom stats follow CONFIG`: follow every source of a configuration
 * file until SIGTERM or SIGINT (stats/follow.h).  It stays in the
 * foreground, for systemd or a supervisor to run and restart: after a
 * database failure it exits 1, and a restart goes on from the committed
 * positions.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "config.h"
#include "follow.h"
#include "stats_cli.h"
#include "store.h"

static void
note(void *arg, const char *source, const char *msg)
{
	char		stamp[32];
	struct tm	tm;
	time_t		t = time(NULL);

	(void)arg;
	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(stderr, "%s postroom stats: %s: %s\n", stamp, source, msg);
}

int
stats_follow(const char *path)
{
	struct st_follow_opts	 o;
	struct st_config	 conf;
	struct st_store		 s;
	PGconn			*db;
	char			 err[512];
	int			 rc;

	if (st_config_load(&conf, path, err, sizeof(err)) == -1) {
		fprintf(stderr, "postroom: %s\n", err);
		return (CLI_USAGE);
	}
	if ((db = cli_connect()) == NULL) {
		st_config_free(&conf);
		return (CLI_FAIL);
	}
	memset(&o, 0, sizeof(o));
	o.stop = stats_stop_flag();
	o.note = note;
	stats_signals();
	if ((rc = st_store_init(&s, db)) == 0 && (rc = st_store_prune(&s)) >= 0)
		rc = st_follow(&s, &conf, &o);
	if (rc == -1)
		fprintf(stderr, "postroom: %s\n", s.err);
	st_store_free(&s);
	PQfinish(db);
	st_config_free(&conf);
	return (rc == -1 ? CLI_FAIL : CLI_OK);
}
