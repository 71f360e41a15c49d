/*
 * `postroom purge`: remove for good what was deleted more than 30 days
 * ago.  A deleted mailbox keeps its address and its mail until then, so
 * that it can be restored; run this daily (cron, a systemd timer).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

int
cmd_purge(int argc, char **argv)
{
	const char	*p[1];
	PGresult	*res;
	PGconn		*db;

	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: postroom purge\n");
		return (CLI_USAGE);
	}
	if ((db = cli_connect()) == NULL)
		return (CLI_FAIL);
	p[0] = cli_actor();
	res = cli_query(db, "WITH gone AS (DELETE FROM mailboxes WHERE "
	    "deleted_at < now() - interval '30 days' RETURNING company_id, "
	    "address), a AS (INSERT INTO audit_log (company_id, actor, action, "
	    "object_type, object_id) SELECT company_id, $1, 'mailbox.purge', "
	    "'mailbox', address FROM gone) SELECT count(*) FROM gone", 1, p);
	if (res == NULL) {
		PQfinish(db);
		return (CLI_FAIL);
	}
	printf("purge: %s mailboxes deleted more than 30 days ago removed\n",
	    PQgetvalue(res, 0, 0));
	PQclear(res);
	PQfinish(db);
	return (CLI_OK);
}
