/*
 * `postroom stats status`: where each log source stands (its newest
 * file's position, how far it is behind the file, its newest line's log
 * time), what its lines became, and its last error.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "stats_cli.h"

/* Bytes behind: the file as it is now when it is still there. */
static long long
behind(const char *path, const char *inode, long long offset,
    long long size)
{
	struct stat	st;

	if (stat(path, &st) == 0 &&
	    (unsigned long long)st.st_ino == strtoull(inode, NULL, 10))
		size = (long long)st.st_size;
	return (size > offset ? size - offset : 0);
}

static void
one(PGresult *res, int i)
{
	const char	*v[16];
	int		 k;

	for (k = 0; k < 14; k++)
		v[k] = PQgetisnull(res, i, k) ? NULL : PQgetvalue(res, i, k);
	printf("source %s\n", v[0]);
	if (v[1] != NULL && v[5][0] == 't')
		printf("  file        %s\n  position    %s bytes of its text "
		    "(compressed)\n", v[1], v[2]);
	else if (v[1] != NULL)
		printf("  file        %s\n  position    %s of %s bytes, %lld "
		    "behind\n", v[1], v[2], v[3] ? v[3] : "?",
		    behind(v[1], v[4], atoll(v[2]), v[3] ? atoll(v[3]) : 0));
	else
		printf("  file        none read yet\n");
	printf("  last line   %s (%s ago)\n", v[6] ? v[6] : "none",
	    v[7] ? v[7] : "-");
	printf("  lines       %s (events %s, unparsed %s, unknown users "
	    "%s)\n", v[8], v[9], v[10], v[11]);
	printf("  updated     %s\n", v[12]);
	printf("  last error  %s\n", v[13] ? v[13] : "none");
}

int
stats_status(void)
{
	PGresult	*res;
	PGconn		*db;
	int		 i;

	if ((db = cli_connect()) == NULL)
		return (CLI_FAIL);
	res = cli_query(db, "SELECT s.name, p.path, p.byte_offset, "
	    "p.file_size, p.inode, p.compressed, "
	    "to_char(s.last_line_at AT TIME ZONE 'UTC', "
	    "'YYYY-MM-DD HH24:MI:SS\"Z\"'), "
	    "date_trunc('second', now() - s.last_line_at), s.lines, s.events, "
	    "s.skip_toolong + s.skip_frame + s.skip_program + s.skip_message, "
	    "s.unknown_users, to_char(s.updated_at AT TIME ZONE 'UTC', "
	    "'YYYY-MM-DD HH24:MI:SS\"Z\"'), to_char(s.last_error_at AT TIME "
	    "ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS\"Z\" ') || s.last_error "
	    "FROM stats_sources s LEFT JOIN LATERAL (SELECT * FROM "
	    "stats_positions WHERE source_id = s.id ORDER BY updated_at DESC "
	    "LIMIT 1) p ON true ORDER BY s.name", 0, NULL);
	if (res == NULL) {
		PQfinish(db);
		return (CLI_FAIL);
	}
	if (PQntuples(res) == 0)
		printf("no log sources yet\n");
	for (i = 0; i < PQntuples(res); i++)
		one(res, i);
	PQclear(res);
	PQfinish(db);
	return (CLI_OK);
}
