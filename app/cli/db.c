/*
 * Database access for the CLI, and `postroom db migrate`.
 */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "embed.h"

/* Notices ("already exists, skipping") are not news to the user. */
static void
quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

PGconn *
cli_connect(void)
{
	const char	*conninfo;
	PGconn		*db;

	if ((conninfo = getenv("POSTROOM_DB")) == NULL || *conninfo == '\0') {
		fprintf(stderr, "postroom: POSTROOM_DB is not set (a libpq "
		    "conninfo string, e.g. \"host=/run/postgresql "
		    "dbname=postroom\")\n");
		return (NULL);
	}
	db = PQconnectdb(conninfo);
	if (PQstatus(db) != CONNECTION_OK) {
		fprintf(stderr, "postroom: cannot connect to the database: %s",
		    PQerrorMessage(db));
		PQfinish(db);
		return (NULL);
	}
	PQsetNoticeProcessor(db, quiet, NULL);
	return (db);
}

int
cli_exec(PGconn *db, const char *sql)
{
	PGresult	*res;
	int		 ok;

	res = PQexec(db, sql);
	ok = PQresultStatus(res) == PGRES_COMMAND_OK ||
	    PQresultStatus(res) == PGRES_TUPLES_OK;
	if (!ok)
		fprintf(stderr, "postroom: %s", PQerrorMessage(db));
	PQclear(res);
	return (ok);
}

/* Run a parameterised statement; NULL (and a message) on failure. */
PGresult *
cli_query(PGconn *db, const char *sql, int n, const char *const *params)
{
	PGresult	*res;

	res = PQexecParams(db, sql, n, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_COMMAND_OK &&
	    PQresultStatus(res) != PGRES_TUPLES_OK) {
		fprintf(stderr, "postroom: %s", PQerrorMessage(db));
		PQclear(res);
		return (NULL);
	}
	return (res);
}

/*
 * The first value of a one-row query into out: 1 found, 0 no row (no
 * message: the caller knows what a missing row means), -1 on error.
 */
int
cli_value(PGconn *db, const char *sql, int n, const char *const *params,
    char *out, size_t outlen)
{
	PGresult	*res;
	int		 found;

	if ((res = cli_query(db, sql, n, params)) == NULL)
		return (-1);
	if ((found = PQntuples(res) > 0))
		snprintf(out, outlen, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	return (found);
}

int
cli_begin(PGconn *db)
{
	return (cli_exec(db, "BEGIN"));
}

int
cli_commit(PGconn *db)
{
	return (cli_exec(db, "COMMIT"));
}

void
cli_rollback(PGconn *db)
{
	PQclear(PQexec(db, "ROLLBACK"));
}

/* Who acts, for the audit log: "cli:<login user>". */
const char *
cli_actor(void)
{
	static char	 actor[128];
	struct passwd	*pw;
	const char	*name = "unknown";

	if ((pw = getpwuid(getuid())) != NULL)
		name = pw->pw_name;
	snprintf(actor, sizeof(actor), "cli:%s", name);
	return (actor);
}

int
cli_audit(PGconn *db, const char *company_id, const char *action,
    const char *object_type, const char *object_id, const char *after_json)
{
	const char	*p[6];
	PGresult	*res;

	p[0] = company_id;
	p[1] = cli_actor();
	p[2] = action;
	p[3] = object_type;
	p[4] = object_id;
	p[5] = after_json;
	res = cli_query(db, "INSERT INTO audit_log (company_id, actor, action, "
	    "object_type, object_id, after) VALUES ($1, $2, $3, $4, $5, $6)",
	    6, p);
	if (res == NULL)
		return (0);
	PQclear(res);
	return (1);
}

/*
 * Apply one migration and record it, in one transaction, so that a
 * failure leaves the schema as it was.
 */
static int
migrate_one(PGconn *db, const struct pr_embedded *m, const char *version)
{
	const char	*p[3];
	PGresult	*res;

	if (!cli_begin(db))
		return (0);
	if (!cli_exec(db, (const char *)m->data)) {
		fprintf(stderr, "postroom: migration %s failed\n", m->name);
		cli_rollback(db);
		return (0);
	}
	p[0] = version;
	p[1] = m->name;
	p[2] = m->etag;
	res = cli_query(db, "INSERT INTO schema_migrations (version, name, "
	    "checksum) VALUES ($1, $2, $3)", 3, p);
	if (res == NULL) {
		cli_rollback(db);
		return (0);
	}
	PQclear(res);
	return (cli_commit(db));
}

/* Returns 1 applied, 0 not applied, -1 applied with another checksum. */
static int
migration_state(PGconn *db, const struct pr_embedded *m, const char *version)
{
	const char	*p[1] = { version };
	PGresult	*res;
	int		 state;

	res = cli_query(db, "SELECT checksum FROM schema_migrations "
	    "WHERE version = $1", 1, p);
	if (res == NULL)
		return (-2);
	if (PQntuples(res) == 0)
		state = 0;
	else if (strcmp(PQgetvalue(res, 0, 0), m->etag) == 0)
		state = 1;
	else
		state = -1;
	PQclear(res);
	return (state);
}

static int
migrate(PGconn *db)
{
	const struct pr_embedded	*m;
	char				 version[4];
	int				 applied = 0, state;

	if (!cli_exec(db, "CREATE TABLE IF NOT EXISTS schema_migrations ("
	    "version integer PRIMARY KEY, name text NOT NULL, "
	    "checksum text NOT NULL, "
	    "applied_at timestamptz NOT NULL DEFAULT now())"))
		return (CLI_FAIL);
	/* Two instances starting at once must not both migrate. */
	if (!cli_exec(db, "SELECT pg_advisory_lock(7355608)"))
		return (CLI_FAIL);

	for (m = pr_migrations; m->name != NULL; m++) {
		memcpy(version, m->name, 3);
		version[3] = '\0';
		if ((state = migration_state(db, m, version)) == -2)
			return (CLI_FAIL);
		if (state == -1) {
			fprintf(stderr, "postroom: migration %s was changed "
			    "after it was applied; migrations are forward-only: "
			    "add a new one instead\n", m->name);
			return (CLI_FAIL);
		}
		if (state == 1)
			continue;
		if (!migrate_one(db, m, version))
			return (CLI_FAIL);
		printf("migrated: %s\n", m->name);
		applied++;
	}
	if (applied == 0)
		printf("migrations: up to date\n");
	return (CLI_OK);
}

int
cmd_db(int argc, char **argv)
{
	PGconn	*db;
	int	 rc;

	if (argc != 2 || strcmp(argv[1], "migrate") != 0) {
		fprintf(stderr, "usage: postroom db migrate\n");
		return (CLI_USAGE);
	}
	if ((db = cli_connect()) == NULL)
		return (CLI_FAIL);
	rc = migrate(db);
	PQfinish(db);
	return (rc);
}
