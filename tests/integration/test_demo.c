/*
 * Demo data, and placement across mailstores as it lands in the database.
 */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "itest.h"
#include "validate.h"

static int
demo_load(const char *conninfo, struct sbuf *out)
{
	struct sbuf	cmd;
	int		rc;

	sbuf_init(&cmd);
	sbuf_printf(&cmd, "POSTROOM_DB='%s' build/postroom-asan demo load",
	    conninfo);
	sbuf_reset(out);
	rc = it_run(cmd.data, out);
	sbuf_free(&cmd);
	return (rc);
}

Test(demo, loads_once_and_places_evenly, .timeout = 120)
{
	struct sbuf	 out;
	PGresult	*res;
	PGconn		*db;
	char		*conninfo, norm[PR_ADDRESS_MAX + 1];
	int		 i;

	conninfo = it_fresh_db("it_demo");
	db = it_connect(conninfo);
	sbuf_init(&out);
	cr_assert_eq(demo_load(conninfo, &out), 0, "%s", out.data);
	cr_assert(strstr(out.data, "operator@postroom.example") != NULL);

	cr_assert_eq(it_count(db, "SELECT count(*) FROM clusters", 0, NULL), 2);
	cr_assert_eq(it_count(db, "SELECT count(*) FROM mailstores", 0, NULL), 6);
	cr_assert_eq(it_count(db, "SELECT count(*) FROM companies", 0, NULL), 3);
	cr_assert_eq(it_count(db, "SELECT count(*) FROM domains", 0, NULL), 20);
	cr_assert_eq(it_count(db, "SELECT count(*) FROM mailboxes", 0, NULL),
	    2000);
	cr_assert_eq(it_count(db, "SELECT count(*) FROM admins WHERE role = "
	    "'operator'", 0, NULL), 1);
	cr_assert_eq(it_count(db, "SELECT count(*) FROM admins WHERE role = "
	    "'company_admin'", 0, NULL), 3);
	cr_assert_eq(it_count(db, "SELECT count(DISTINCT company_id) FROM "
	    "admins WHERE role = 'company_admin'", 0, NULL), 3);

	/* Each company is spread within +-1 over its cluster's stores... */
	cr_assert_eq(it_count(db, "SELECT count(*) FROM (SELECT co.id, "
	    "max(n) - min(n) AS spread FROM companies co JOIN mailstores s ON "
	    "s.cluster_id = co.cluster_id, LATERAL (SELECT count(*) AS n FROM "
	    "mailboxes m WHERE m.company_id = co.id AND m.mailstore_id = s.id) "
	    "c GROUP BY co.id) x WHERE spread > 1", 0, NULL), 0);
	/* ...and each cluster's equal stores hold within +-1 of each other. */
	cr_assert_eq(it_count(db, "SELECT count(*) FROM (SELECT cluster_id, "
	    "max(mailbox_count) - min(mailbox_count) AS spread FROM mailstores "
	    "GROUP BY cluster_id) x WHERE spread > 1", 0, NULL), 0);
	/* The counters the placement reads agree with the rows. */
	cr_assert_eq(it_count(db, "SELECT count(*) FROM mailstores s WHERE "
	    "mailbox_count <> (SELECT count(*) FROM mailboxes m WHERE "
	    "m.mailstore_id = s.id)", 0, NULL), 0);

	/* Every demo address is one the validator accepts unchanged. */
	res = PQexec(db, "SELECT address FROM mailboxes");
	for (i = 0; i < PQntuples(res); i++) {
		cr_assert_null(pr_address_check(PQgetvalue(res, i, 0), norm,
		    sizeof(norm)), "%s", PQgetvalue(res, i, 0));
		cr_assert_str_eq(norm, PQgetvalue(res, i, 0));
	}
	PQclear(res);

	/* A second start loads nothing. */
	cr_assert_eq(demo_load(conninfo, &out), 0, "%s", out.data);
	cr_assert(strstr(out.data, "has data already") != NULL, "%s", out.data);
	cr_assert_eq(it_count(db, "SELECT count(*) FROM mailboxes", 0, NULL),
	    2000);
	cr_assert_eq(it_count(db, "SELECT count(*) FROM audit_log WHERE "
	    "action = 'demo.load'", 0, NULL), 1);

	PQfinish(db);
	sbuf_free(&out);
	free(conninfo);
}
