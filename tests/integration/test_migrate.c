/*
 * `postroom db migrate`: from empty, idempotent, forward-only.
 */
#include <criterion/criterion.h>

#include <glob.h>
#include <stdlib.h>
#include <string.h>

#include "itest.h"

static size_t
migration_files(void)
{
	glob_t	g;
	size_t	n;

	cr_assert_eq(glob("sql/[0-9][0-9][0-9]_*.sql", 0, NULL, &g), 0);
	n = g.gl_pathc;
	globfree(&g);
	return (n);
}

Test(migrate, from_empty_then_nothing_new, .timeout = 60)
{
	static const char *tables[] = { "clusters", "mailstores", "companies",
	    "contacts", "domains", "domain_aliases", "mailboxes", "aliases",
	    "admins", "api_keys", "sessions", "audit_log", NULL };
	struct sbuf	 cmd, out;
	const char	*p[1];
	char		*conninfo;
	PGconn		*db;
	int		 i;

	conninfo = it_fresh_db("it_migrate");
	db = it_connect(conninfo);
	cr_assert_eq(it_count(db, "SELECT count(*) FROM schema_migrations",
	    0, NULL), (long long)migration_files());
	for (i = 0; tables[i] != NULL; i++) {
		p[0] = tables[i];
		cr_expect_eq(it_count(db, "SELECT count(*) FROM "
		    "information_schema.tables WHERE table_schema = 'public' "
		    "AND table_name = $1", 1, p), 1,
		    "table %s", tables[i]);
	}

	sbuf_init(&cmd);
	sbuf_init(&out);
	sbuf_printf(&cmd, "POSTROOM_DB='%s' build/postroom-asan db migrate",
	    conninfo);
	cr_assert_eq(it_run(cmd.data, &out), 0, "%s", out.data);
	cr_assert(strstr(out.data, "up to date") != NULL, "%s", out.data);
	cr_assert_eq(it_count(db, "SELECT count(*) FROM schema_migrations",
	    0, NULL), (long long)migration_files());

	/* An applied migration that changed is refused, not re-run. */
	it_ok(db, "UPDATE schema_migrations SET checksum = 'x' WHERE "
	    "version = 1", 0, NULL);
	sbuf_reset(&out);
	cr_assert_eq(it_run(cmd.data, &out), 1, "%s", out.data);
	cr_assert(strstr(out.data, "forward-only") != NULL, "%s", out.data);

	PQfinish(db);
	sbuf_free(&cmd);
	sbuf_free(&out);
	free(conninfo);
}

Test(migrate, needs_a_database)
{
	struct sbuf	out;

	sbuf_init(&out);
	cr_assert_eq(it_run("POSTROOM_DB= build/postroom-asan db migrate",
	    &out), 1);
	cr_assert(strstr(out.data, "POSTROOM_DB is not set") != NULL, "%s",
	    out.data);
	sbuf_reset(&out);
	cr_assert_eq(it_run("POSTROOM_DB='host=/nonexistent dbname=x' "
	    "build/postroom-asan db migrate", &out), 1);
	cr_assert(strstr(out.data, "cannot connect") != NULL, "%s", out.data);
	sbuf_free(&out);
}
