/*
 * API keys and the mailbox read endpoints: who may see what.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apikey.h"
#include "itest.h"

static PGconn	*db;

/* Two companies on one cluster; company one has two domains. */
static void
fixture(void)
{
	db = it_db();
	it_ok(db, "INSERT INTO clusters (name) VALUES ('api') "
	    "ON CONFLICT DO NOTHING", 0, NULL);
	if (it_count(db, "SELECT count(*) FROM companies WHERE name = "
	    "'Api One'", 0, NULL) == 1)
		return;
	it_ok(db, "INSERT INTO mailstores (cluster_id, name, mail_root, "
	    "capacity_bytes) SELECT id, 'api1', '/srv/api1', 1000000 FROM "
	    "clusters WHERE name = 'api'", 0, NULL);
	it_ok(db, "INSERT INTO companies (name, cluster_id) SELECT n, id FROM "
	    "clusters, unnest(ARRAY['Api One', 'Api Two']) n WHERE "
	    "name = 'api'", 0, NULL);
	it_ok(db, "INSERT INTO domains (company_id, name) SELECT c.id, d FROM "
	    "companies c, unnest(ARRAY['one.api.example', 'uno.api.example']) d "
	    "WHERE c.name = 'Api One' UNION ALL SELECT id, 'two.api.example' "
	    "FROM companies WHERE name = 'Api Two'", 0, NULL);
	it_ok(db, "INSERT INTO mailboxes (company_id, domain_id, local_part, "
	    "display_name, password_hash, quota_bytes, cluster_id, mailstore_id, "
	    "status) SELECT d.company_id, d.id, l, initcap(l) || ' Tester', "
	    "'{SHA512-CRYPT}$6$x$y', 1000, c.cluster_id, s.id, CASE WHEN "
	    "l = 'eve' THEN 'suspended' ELSE 'active' END FROM domains d "
	    "JOIN companies c ON c.id = d.company_id JOIN mailstores s ON "
	    "s.name = 'api1', unnest(ARRAY['alice', 'bob', 'carol', 'dave', "
	    "'eve', 'al_x']) l WHERE d.name LIKE '%.api.example'", 0, NULL);
}

static void
done(void)
{
	PQfinish(db);
}

TestSuite(api_mailboxes, .init = fixture, .fini = done);

static const char *
key(const char *role, const char *company, const char *domain, int revoked)
{
	return (it_key(db, role, company, domain, revoked));
}

static long
get(const char *key_full, const char *path, struct it_http *r)
{
	return (it_call(key_full, "GET", path, NULL, r));
}

Test(api_mailboxes, keys_are_checked)
{
	struct it_http	 r;
	const char	*k = key("company_admin", "Api One", NULL, 0);
	char		 bad[PR_KEY_MAX];
	const char	*path = "/api/v1/mailboxes/alice@one.api.example";

	cr_assert_eq(get(NULL, path, &r), 401);
	cr_assert_str_eq(r.content_type, "application/problem+json");
	cr_assert(it_has(&r, "urn:postroom:problem:unauthorized"));
	it_http_free(&r);
	cr_assert_eq(get("pr_short", path, &r), 401);
	it_http_free(&r);
	/* Right id, wrong secret. */
	snprintf(bad, sizeof(bad), "%s", k);
	bad[strlen(bad) - 1] = bad[strlen(bad) - 1] == 'a' ? 'b' : 'a';
	cr_assert_eq(get(bad, path, &r), 401);
	it_http_free(&r);
	cr_assert_eq(get(key("company_admin", "Api One", NULL, 1), path, &r),
	    401);
	it_http_free(&r);
	cr_assert_eq(get(k, path, &r), 200);
	it_http_free(&r);
	/* A second request is served from the worker's cache, same answer. */
	cr_assert_eq(get(k, path, &r), 200);
	it_http_free(&r);
	cr_assert_eq(get(bad, path, &r), 401);
	it_http_free(&r);
}

Test(api_mailboxes, get_one_within_scope)
{
	struct it_http	 r;
	const char	*one = key("company_admin", "Api One", NULL, 0);
	const char	*two = key("company_viewer", "Api Two", NULL, 0);
	const char	*dom = key("domain_admin", "Api One", "uno.api.example", 0);
	const char	*op = key("operator", NULL, NULL, 0);

	cr_assert_eq(get(one, "/api/v1/mailboxes/Alice@One.Api.Example", &r),
	    200);
	cr_assert_str_eq(r.content_type, "application/json");
	cr_assert(it_has(&r, "\"address\":\"alice@one.api.example\""));
	cr_assert(it_has(&r, "\"display_name\":\"Alice Tester\""));
	cr_assert(it_has(&r, "\"cluster\":\"api\""));
	cr_assert(!it_has(&r, "mailstore"), "%s", r.body.data);
	it_http_free(&r);

	/* Another company's mailbox is not found, like one that is not. */
	cr_assert_eq(get(two, "/api/v1/mailboxes/alice@one.api.example", &r),
	    404);
	cr_assert(it_has(&r, "no such mailbox"));
	it_http_free(&r);
	cr_assert_eq(get(two, "/api/v1/mailboxes/nobody@two.api.example", &r),
	    404);
	it_http_free(&r);
	cr_assert_eq(get(two, "/api/v1/mailboxes/alice@two.api.example", &r),
	    200);
	it_http_free(&r);

	cr_assert_eq(get(dom, "/api/v1/mailboxes/alice@uno.api.example", &r),
	    200);
	it_http_free(&r);
	cr_assert_eq(get(dom, "/api/v1/mailboxes/alice@one.api.example", &r),
	    404);
	it_http_free(&r);

	cr_assert_eq(get(op, "/api/v1/mailboxes/alice%40two.api.example", &r),
	    200);
	cr_assert(it_has(&r, "\"mailstore\":\"api1\""));
	it_http_free(&r);
	cr_assert_eq(get(op, "/api/v1/mailboxes/not-an-address", &r), 404);
	it_http_free(&r);
}

/* Walk every page; returns how many mailboxes the pages held. */
static int
walk(const char *k, const char *filter, int limit)
{
	struct it_http	 r;
	char		 path[512], cursor[600] = "", *c, *e;
	int		 total = 0, pages = 0;
	char		*p;

	for (;;) {
		snprintf(path, sizeof(path), "/api/v1/mailboxes?limit=%d%s%s%s",
		    limit, filter, cursor[0] ? "&cursor=" : "", cursor);
		cr_assert_eq(get(k, path, &r), 200, "%s: %s", path,
		    r.body.data);
		for (p = r.body.data; (p = strstr(p, "\"address\":")); p++)
			total++;
		c = strstr(r.body.data, "\"next_cursor\" : \"");
		cr_assert(pages++ < 100);
		if (c == NULL) {
			cr_assert(it_has(&r, "\"next_cursor\" : null"), "%s",
			    r.body.data);
			it_http_free(&r);
			return (total);
		}
		c += strlen("\"next_cursor\" : \"");
		e = strchr(c, '"');
		snprintf(cursor, sizeof(cursor), "%.*s", (int)(e - c), c);
		it_http_free(&r);
	}
}

Test(api_mailboxes, list_pages_and_filters)
{
	struct it_http	 r;
	const char	*one = key("company_admin", "Api One", NULL, 0);
	const char	*dom = key("domain_admin", "Api One", "uno.api.example", 0);

	/* No query string at all: the defaults. */
	cr_assert_eq(get(one, "/api/v1/mailboxes", &r), 200, "%s", r.body.data);
	it_http_free(&r);
	cr_assert_eq(walk(one, "", 5), 12);
	cr_assert_eq(walk(one, "", 1000), 12);
	cr_assert_eq(walk(one, "", 12), 12);
	cr_assert_eq(walk(dom, "", 4), 6);
	cr_assert_eq(walk(one, "&domain=uno.api.example", 2), 6);
	cr_assert_eq(walk(one, "&status=suspended", 2), 2);
	cr_assert_eq(walk(one, "&q=al", 3), 4);
	/* Display names too, case-insensitively; _ is not a wildcard. */
	cr_assert_eq(walk(one, "&q=Bob%20T", 3), 2);
	cr_assert_eq(walk(one, "&q=al_", 3), 2);
	cr_assert_eq(walk(one, "&q=a%25", 3), 0);
	/*
	 * Three letters or more are looked up among the names that share
	 * the first three (sql/030): the rest of the prefix still counts,
	 * and pages follow each other.
	 */
	cr_assert_eq(walk(one, "&q=alice%20t", 1), 2);
	cr_assert_eq(walk(one, "&q=aliz", 1), 0);
	cr_assert_eq(walk(one, "&q=bob%20", 1), 2);
	cr_assert_eq(walk(one, "&q=CAROL%20TESTER", 5), 2);
	/* A prefix with a filter, and provider staff across companies. */
	cr_assert_eq(walk(one, "&q=al&domain=uno.api.example", 1), 2);
	cr_assert_eq(walk(key("operator", NULL, NULL, 0), "&q=al_x", 1), 3);
	cr_assert_eq(walk(key("company_admin", "Api Two", NULL, 0), "&q=al",
	    1), 2);
}

Test(api_mailboxes, list_refuses_bad_parameters)
{
	static const char *bad[][2] = {
		{ "limit=0", "limit" },
		{ "limit=1001", "limit" },
		{ "limit=ten", "limit" },
		{ "cursor=xyz", "cursor" },
		{ "domain=not_a_domain", "domain" },
		{ "q=%zz", "'q'" },
		{ "status=a&status=b", "'status'" },
		{ "status=gone", "status must be one of active, suspended" },
		{ "imap=off", "imap must be one of enabled, disabled, " },
		{ "receive=1", "receive must be one of" },
	};
	struct it_http	 r;
	const char	*one = key("company_admin", "Api One", NULL, 0);
	char		 path[256];
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(path, sizeof(path), "/api/v1/mailboxes?%s", bad[i][0]);
		cr_expect_eq(get(one, path, &r), 400, "%s", path);
		cr_expect(it_has(&r, bad[i][1]), "%s: %s", path, r.body.data);
		cr_expect(it_has(&r, "urn:postroom:problem:bad-request"));
		it_http_free(&r);
	}
}

/* Service states and mailstores; the mailstore is provider staff's. */
Test(api_mailboxes, list_filters_by_service_and_mailstore)
{
	struct it_http	 r;
	const char	*one = key("company_admin", "Api One", NULL, 0);
	const char	*op = key("operator", NULL, NULL, 0);

	it_ok(db, "UPDATE mailboxes SET pop3 = 'disabled' WHERE address IN "
	    "('bob@one.api.example', 'carol@uno.api.example')", 0, NULL);
	it_ok(db, "UPDATE mailboxes SET imap = 'suspended', imap_suspended_by "
	    "= 'support' WHERE address = 'dave@one.api.example'", 0, NULL);
	cr_assert_eq(walk(one, "&pop3=disabled", 1), 2);
	cr_assert_eq(walk(one, "&pop3=disabled&q=bob", 1), 1);
	cr_assert_eq(walk(one, "&imap=suspended", 5), 1);
	cr_assert_eq(walk(one, "&imap=enabled&pop3=enabled", 5), 9);
	cr_assert_eq(walk(key("company_admin", "Api Two", NULL, 0),
	    "&pop3=disabled", 1), 0);
	cr_assert_eq(walk(op, "&mailstore=api1&imap=suspended", 5), 1);
	cr_assert_eq(walk(op, "&mailstore=no-such-store", 5), 0);

	cr_assert_eq(get(one, "/api/v1/mailboxes?mailstore=api1", &r), 403);
	cr_assert(it_has(&r, "mailstore is a filter for provider staff"));
	it_http_free(&r);
	it_ok(db, "UPDATE mailboxes SET pop3 = 'enabled' WHERE address IN "
	    "('bob@one.api.example', 'carol@uno.api.example')", 0, NULL);
	it_ok(db, "UPDATE mailboxes SET imap = 'enabled', imap_suspended_by "
	    "= NULL WHERE address = 'dave@one.api.example'", 0, NULL);
}

/* A domain scope too long to hold in memory is refused, not cut short. */
Test(api_mailboxes, oversized_domain_scope_is_refused)
{
	struct it_http	 r;
	const char	*k, *p[1];
	char		 id[PR_KEY_ID_LEN + 1];

	it_ok(db, "INSERT INTO companies (name, cluster_id) SELECT 'Wide Co', "
	    "id FROM clusters WHERE name = 'api' ON CONFLICT DO NOTHING",
	    0, NULL);
	it_ok(db, "INSERT INTO domains (company_id, name) SELECT c.id, 'w' || "
	    "n || '.wide.example' FROM companies c, generate_series(1, 200) n "
	    "WHERE c.name = 'Wide Co' ON CONFLICT DO NOTHING", 0, NULL);
	k = key("domain_admin", "Wide Co", "w1.wide.example", 0);
	snprintf(id, sizeof(id), "%s", k + 3);	/* pr_<id>_<secret> */
	p[0] = id;
	it_ok(db, "INSERT INTO api_key_domains (company_id, key_id, domain_id) "
	    "SELECT company_id, $1, id FROM domains WHERE name LIKE "
	    "'w%.wide.example' AND name <> 'w1.wide.example'", 1, p);
	cr_assert_eq(get(k, "/api/v1/mailboxes", &r), 401, "%s", r.body.data);
	it_http_free(&r);
}
