/*
 * /api/v1/audit: scope (provider staff all, a company its own, domain
 * admins none), the filters, paging, and 400 naming a bad parameter.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itest.h"

static PGconn	*db;

/* Entries of "Aud One" and "Aud Two" at known times. */
static void
fixture(void)
{
	db = it_db();
	if (it_count(db, "SELECT count(*) FROM companies WHERE name = "
	    "'Aud One'", 0, NULL) == 1)
		return;
	it_ok(db, "INSERT INTO clusters (name) VALUES ('auc')", 0, NULL);
	it_ok(db, "INSERT INTO companies (name, cluster_id) SELECT n, id FROM "
	    "clusters, unnest(ARRAY['Aud One', 'Aud Two']) n WHERE name = "
	    "'auc'", 0, NULL);
	it_ok(db, "INSERT INTO domains (company_id, name) SELECT id, 'one.aud."
	    "example' FROM companies WHERE name = 'Aud One'", 0, NULL);
	it_ok(db, "INSERT INTO audit_log (company_id, at, actor, action, "
	    "object_type, object_id, after) SELECT c.id, e.at::timestamptz, "
	    "e.actor, e.action, e.type, e.obj, '{}' FROM (VALUES "
	    "('Aud One', '2025-01-01T00:00:00Z', 'cli:aud', 'domain.create', "
	    "'domain', 'one.aud.example'), "
	    "('Aud One', '2025-02-01T00:00:00Z', 'key:audaudaudaudaud1', "
	    "'mailbox.create', 'mailbox', 'a@one.aud.example'), "
	    "('Aud One', '2025-03-01T00:00:00Z', 'key:audaudaudaudaud1', "
	    "'mailbox.delete', 'mailbox', 'a@one.aud.example'), "
	    "('Aud Two', '2025-01-15T00:00:00Z', 'cli:aud', 'domain.create', "
	    "'domain', 'two.aud.example')) e(co, at, actor, action, type, obj) "
	    "JOIN companies c ON c.name = e.co ORDER BY e.at", 0, NULL);
}

static void
done(void)
{
	PQfinish(db);
}

TestSuite(api_audit, .init = fixture, .fini = done);

static const char *
key_op(void)
{
	return (it_key(db, "operator", NULL, NULL, 0));
}

static long
get(const char *k, const char *path, struct it_http *r)
{
	return (it_call(k, "GET", path, NULL, r));
}

Test(api_audit, scope)
{
	struct it_http	 r;
	char		*two, path[128];
	const char	*p[1] = { "Aud Two" };

	two = it_value(db, "SELECT id::text FROM companies WHERE name = $1",
	    1, p);

	cr_assert_eq(get(it_key(db, "company_admin", "Aud One", NULL, 0),
	    "/api/v1/audit?limit=1000", &r), 200, "%s", r.body.data);
	cr_assert(it_has(&r, "one.aud.example") && !it_has(&r, "two.aud.example"));
	it_http_free(&r);
	cr_assert_eq(get(it_key(db, "company_viewer", "Aud One", NULL, 0),
	    "/api/v1/audit?limit=1000", &r), 200);
	cr_assert(it_has(&r, "one.aud.example") && !it_has(&r, "two.aud.example"));
	it_http_free(&r);
	snprintf(path, sizeof(path), "/api/v1/audit?company=%s", two);
	cr_assert_eq(get(it_key(db, "company_admin", "Aud One", NULL, 0), path,
	    &r), 200);
	cr_assert(!it_has(&r, "two.aud.example"));		/* never widens */
	it_http_free(&r);
	cr_assert_eq(get(it_key(db, "domain_admin", "Aud One",
	    "one.aud.example", 0), "/api/v1/audit", &r), 403);
	it_http_free(&r);
	cr_assert_eq(get(NULL, "/api/v1/audit", &r), 401);
	it_http_free(&r);

	cr_assert_eq(get(it_key(db, "support", NULL, NULL, 0), path, &r), 200);
	cr_assert(it_has(&r, "two.aud.example") && !it_has(&r, "one.aud.example"));
	it_http_free(&r);
	free(two);
}

Test(api_audit, filters_and_pages)
{
	struct it_http	 r;
	const char	*op = key_op();
	char		*a, *b;

	cr_assert_eq(get(op, "/api/v1/audit?object_type=mailbox&object_id="
	    "a%40one.aud.example", &r), 200, "%s", r.body.data);
	/* Newest first. */
	cr_assert((a = strstr(r.body.data, "mailbox.delete")) != NULL);
	cr_assert((b = strstr(r.body.data, "mailbox.create")) != NULL);
	cr_assert(a < b);
	cr_assert(!it_has(&r, "domain.create"));
	it_http_free(&r);

	cr_assert_eq(get(op, "/api/v1/audit?actor=cli%3Aaud&action="
	    "domain.create&limit=1000", &r), 200);
	cr_assert(it_has(&r, "one.aud.example") && it_has(&r, "two.aud.example"));
	cr_assert(!it_has(&r, "a@one.aud.example"));
	it_http_free(&r);

	cr_assert_eq(get(op, "/api/v1/audit?actor=cli%3Aaud&from="
	    "2025-01-10T00:00:00Z&to=2025-01-20T00:00:00%2B00:00", &r), 200);
	cr_assert(it_has(&r, "two.aud.example") && !it_has(&r, "one.aud.example"),
	    "%s", r.body.data);
	it_http_free(&r);

	/* Pages of one, through the cursor. */
	cr_assert_eq(get(op, "/api/v1/audit?object_id=a%40one.aud.example"
	    "&limit=1", &r), 200);
	cr_assert(it_has(&r, "mailbox.delete") && !it_has(&r, "mailbox.create"));
	cr_assert((a = strstr(r.body.data, "\"next_cursor\" : \"")) != NULL,
	    "%s", r.body.data);
	a += 17;
	b = strndup(a, strcspn(a, "\""));
	it_http_free(&r);
	{
		char	path[128];

		snprintf(path, sizeof(path), "/api/v1/audit?object_id="
		    "a%%40one.aud.example&limit=1&cursor=%s", b);
		cr_assert_eq(get(op, path, &r), 200);
		cr_assert(it_has(&r, "mailbox.create") &&
		    !it_has(&r, "mailbox.delete"), "%s", r.body.data);
		cr_assert(it_has(&r, "\"next_cursor\" : null"), "%s",
		    r.body.data);
		it_http_free(&r);
	}
	free(b);
}

Test(api_audit, bad_parameters)
{
	static const char *const bad[][2] = {
		{ "from=yesterday", "from" },
		{ "from=2025-02-30T00:00:00Z", "from" },
		{ "to=2025-13-01T00:00:00Z", "to" },
		{ "to=2025-01-01%2000:00:00", "to" },
		{ "to=2025-01-01T00:00:00", "to" },
		{ "limit=0", "limit" },
		{ "limit=x", "limit" },
		{ "cursor=zz", "cursor" },
		{ "cursor=6162", "cursor" },
		{ "company=x", "company" },
		{ "action=a&action=b", "action" },
	};
	struct it_http	 r;
	const char	*op = key_op();
	char		 path[128];
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(path, sizeof(path), "/api/v1/audit?%s", bad[i][0]);
		cr_expect_eq(get(op, path, &r), 400, "%s: %ld", path, r.status);
		cr_expect(it_has(&r, bad[i][1]), "%s: %s", path, r.body.data);
		it_http_free(&r);
	}
}
