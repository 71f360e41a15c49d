/*
 * /api/v1/aliases: create, get, list and search, replace the targets,
 * delete; one address registry shared with mailboxes; who may do what;
 * catch-alls; the audit log; and that a refused request changes nothing.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itest.h"
#include "sbuf.h"

static PGconn	*db;

/*
 * Cluster alc.  "Ali One" has one.ali.example (mailboxes alice, bob and
 * gone, deleted yesterday; the alias postmaster), uno.ali.example (the
 * alias info), list.ali.example (aliases a1 to a5) and
 * xn--bcher-kva.ali.example; "Ali Two" has two.ali.example (the alias
 * sales); "Ali Three" has three.ali.example, for suspensions.
 */
static void
fixture(void)
{
	db = it_db();
	if (it_count(db, "SELECT count(*) FROM companies WHERE name = "
	    "'Ali One'", 0, NULL) == 1)
		return;
	it_ok(db, "INSERT INTO clusters (name) VALUES ('alc')", 0, NULL);
	it_ok(db, "INSERT INTO mailstores (cluster_id, name, mail_root, "
	    "capacity_bytes) SELECT id, 'alc1', '/srv/alc1', 1000000000 FROM "
	    "clusters WHERE name = 'alc'", 0, NULL);
	it_ok(db, "INSERT INTO companies (name, cluster_id) SELECT n, id FROM "
	    "clusters, unnest(ARRAY['Ali One', 'Ali Two', 'Ali Three']) n "
	    "WHERE name = 'alc'", 0, NULL);
	it_ok(db, "INSERT INTO domains (company_id, name) SELECT c.id, d FROM "
	    "companies c, unnest(ARRAY['one.ali.example', 'uno.ali.example', "
	    "'list.ali.example', 'xn--bcher-kva.ali.example']) d WHERE "
	    "c.name = 'Ali One' UNION ALL SELECT id, 'two.ali.example' FROM "
	    "companies WHERE name = 'Ali Two' UNION ALL SELECT id, "
	    "'three.ali.example' FROM companies WHERE name = 'Ali Three'",
	    0, NULL);
	it_ok(db, "INSERT INTO mailboxes (company_id, domain_id, local_part, "
	    "password_hash, quota_bytes, cluster_id, mailstore_id, deleted_at) "
	    "SELECT d.company_id, d.id, l, '{SHA512-CRYPT}$6$x$y', 1000, "
	    "s.cluster_id, s.id, CASE WHEN l = 'gone' THEN now() - interval "
	    "'1 day' END FROM domains d, mailstores s, unnest(ARRAY['alice', "
	    "'bob', 'gone']) l WHERE d.name = 'one.ali.example' AND "
	    "s.name = 'alc1'", 0, NULL);
	it_ok(db, "INSERT INTO aliases (company_id, domain_id, local_part, "
	    "targets) SELECT company_id, id, l, t::text[] FROM domains, "
	    "(VALUES "
	    "('one.ali.example', 'postmaster', '{alice@one.ali.example}'), "
	    "('uno.ali.example', 'info', '{bob@one.ali.example}'), "
	    "('two.ali.example', 'sales', '{x@elsewhere.example}'), "
	    "('list.ali.example', 'a1', '{x@elsewhere.example}'), "
	    "('list.ali.example', 'a2', '{x@elsewhere.example}'), "
	    "('list.ali.example', 'a3', '{x@elsewhere.example}'), "
	    "('list.ali.example', 'a4', '{x@elsewhere.example}'), "
	    "('list.ali.example', 'a5', '{x@elsewhere.example}')) "
	    "v(dn, l, t) WHERE name = dn", 0, NULL);
}

static void
done(void)
{
	PQfinish(db);
}

TestSuite(api_aliases, .init = fixture, .fini = done);

static const char *
key(const char *role, const char *company, const char *domain)
{
	return (it_key(db, role, company, domain, 0));
}

/*
 * What a refused request must leave as it was: every alias, the address
 * registry, the domains' catch-alls and the audit log, as one print.
 */
#define STATE								\
	"SELECT concat_ws(' ', (SELECT count(*) FROM aliases), "	\
	"(SELECT count(*) FROM addresses), (SELECT count(*) FROM "	\
	"audit_log), md5(concat((SELECT string_agg(a::text, ',' ORDER BY " \
	"address) FROM aliases a), (SELECT string_agg(name || ':' || "	\
	"coalesce(catchall, ''), ',' ORDER BY name) FROM domains))))"

static void
refused(const char *method, const char *k, const char *path,
    const char *body, long status, const char *expect)
{
	it_refused(db, STATE, method, k, path, body, status, expect);
}

static long long
count(const char *sql, const char *param)
{
	return (it_count1(db, sql, param));
}

Test(api_aliases, create_get_and_audit)
{
	struct it_http	 r;
	const char	*k = key("company_admin", "Ali One", NULL);
	const char	*path = "/api/v1/aliases/sales@one.ali.example";

	cr_assert_eq(it_call(k, "POST", "/api/v1/aliases", "{\"address\": "
	    "\"Sales@One.Ali.Example\", \"targets\": "
	    "[\"alice@one.ali.example\", \"Someone@Example.NET\", "
	    "\"bob@b\\u00fccher.example\"]}", &r), 201, "%s", r.body.data);
	cr_assert_str_eq(r.content_type, "application/json");
	cr_assert_str_eq(r.location, path);
	cr_assert(it_has(&r, "\"address\":\"sales@one.ali.example\""), "%s",
	    r.body.data);
	cr_assert(it_has(&r, "\"domain\":\"one.ali.example\""));
	/* Normalised, in the order given. */
	cr_assert(it_has(&r, "\"targets\":[\"alice@one.ali.example\","
	    "\"someone@example.net\",\"bob@xn--bcher-kva.example\"]"), "%s",
	    r.body.data);
	cr_assert(it_has(&r, "\"created_at\"") && it_has(&r, "\"updated_at\""));
	it_http_free(&r);
	cr_assert_eq(count("SELECT count(*) FROM addresses WHERE address = "
	    "'sales@one.ali.example' AND kind = 'alias'", NULL), 1);
	cr_assert_eq(count("SELECT count(*) FROM audit_log WHERE action = "
	    "'alias.create' AND object_type = 'alias' AND object_id = "
	    "'sales@one.ali.example' AND actor LIKE 'key:%' AND actor_key_id "
	    "IS NOT NULL AND remote_addr = '127.0.0.1' AND before IS NULL AND "
	    "after->'targets' = '[\"alice@one.ali.example\", "
	    "\"someone@example.net\", \"bob@xn--bcher-kva.example\"]' AND "
	    "company_id = (SELECT id FROM companies WHERE name = 'Ali One')",
	    NULL), 1);

	/* The same alias, by its address in any case. */
	cr_assert_eq(it_call(k, "GET", "/api/v1/aliases/SALES@one.ALI.example",
	    NULL, &r), 200, "%s", r.body.data);
	cr_assert(it_has(&r, "\"targets\":[\"alice@one.ali.example\","));
	it_http_free(&r);
	cr_assert_eq(it_call(key("support", NULL, NULL), "GET", path, NULL,
	    &r), 200);
	it_http_free(&r);
	cr_assert_eq(it_call(key("company_viewer", "Ali One", NULL), "GET",
	    path, NULL, &r), 200);
	it_http_free(&r);
	refused("GET", k, "/api/v1/aliases/nobody@one.ali.example", NULL, 404,
	    "urn:postroom:problem:not-found");
	refused("GET", k, "/api/v1/aliases/not%20an%20address", NULL, 404,
	    "no such alias");
	/* A mailbox is not an alias. */
	refused("GET", k, "/api/v1/aliases/alice@one.ali.example", NULL, 404,
	    NULL);
}

Test(api_aliases, idna_and_odd_local_parts)
{
	struct it_http	 r;
	const char	*k = key("company_admin", "Ali One", NULL);

	cr_assert_eq(it_call(k, "POST", "/api/v1/aliases", "{\"address\": "
	    "\"Info@B\\u00fccher.Ali.Example\", \"targets\": "
	    "[\"alice@one.ali.example\"]}", &r), 201, "%s", r.body.data);
	cr_assert_str_eq(r.location,
	    "/api/v1/aliases/info@xn--bcher-kva.ali.example");
	cr_assert(it_has(&r, "\"address\":\"info@xn--bcher-kva.ali.example\""));
	cr_assert(it_has(&r, "\"domain\":\"xn--bcher-kva.ali.example\""));
	it_http_free(&r);
	cr_assert_eq(it_call(k, "GET", "/api/v1/aliases/"
	    "Info@B%C3%BCcher.ali.example", NULL, &r), 200, "%s", r.body.data);
	it_http_free(&r);

	/* '/', '?', '%' are atext: the Location keeps them in one segment. */
	cr_assert_eq(it_call(k, "POST", "/api/v1/aliases", "{\"address\": "
	    "\"a/b?c%d@one.ali.example\", \"targets\": "
	    "[\"alice@one.ali.example\"]}", &r), 201, "%s", r.body.data);
	cr_assert_str_eq(r.location,
	    "/api/v1/aliases/a%2Fb%3Fc%25d@one.ali.example");
	it_http_free(&r);
	cr_assert_eq(it_call(k, "GET", "/api/v1/aliases/"
	    "a%2Fb%3Fc%25d@one.ali.example", NULL, &r), 200, "%s", r.body.data);
	cr_assert(it_has(&r, "\"address\":\"a/b?c%d@one.ali.example\""));
	it_http_free(&r);
	cr_assert_eq(it_call(k, "DELETE", "/api/v1/aliases/"
	    "a%2Fb%3Fc%25d@one.ali.example", NULL, &r), 204, "%s", r.body.data);
	it_http_free(&r);
}

/* many@one.ali.example to n targets, as a request body. */
static void
many_targets(struct sbuf *b, int n)
{
	int	i;

	sbuf_reset(b);
	sbuf_puts(b, "{\"address\": \"many@one.ali.example\", \"targets\": [");
	for (i = 0; i < n; i++)
		sbuf_printf(b, "%s\"t%d@x.example\"", i ? ", " : "", i);
	sbuf_puts(b, "]}");
}

Test(api_aliases, every_field_error_at_once)
{
	struct sbuf	 big;
	struct it_http	 r;
	const char	*k = key("company_admin", "Ali One", NULL);

	refused("POST", k, "/api/v1/aliases", "{\"address\": \"bad address@"
	    "one.ali.example\", \"targets\": [\"a@x.example\", "
	    "\"b@x.example\", \"c@x.example\", \"not an address\", 7, "
	    "\"A@X.Example\", \"d@x..example\"], \"colour\": 1}", 422,
	    "urn:postroom:problem:validation");
	cr_assert_eq(it_call(k, "POST", "/api/v1/aliases", "{\"address\": "
	    "\"bad address@one.ali.example\", \"targets\": [\"a@x.example\", "
	    "\"b@x.example\", \"c@x.example\", \"not an address\", 7, "
	    "\"A@X.Example\", \"d@x..example\"], \"colour\": 1}", &r), 422);
	cr_assert_str_eq(r.content_type, "application/problem+json");
	cr_assert(it_has(&r, "\"detail\":\"6 fields failed\""), "%s",
	    r.body.data);
	cr_assert(it_has(&r, "\"field\":\"address\""));
	cr_assert(it_has(&r, "\"field\":\"targets[3]\""));
	cr_assert(it_has(&r, "\"field\":\"targets[4]\",\"message\":\"must be "
	    "an address, a string\""));
	cr_assert(it_has(&r, "\"field\":\"targets[5]\",\"message\":\"the same "
	    "address as targets[0]\""), "%s", r.body.data);
	cr_assert(it_has(&r, "\"field\":\"targets[6]\""));
	cr_assert(it_has(&r, "\"field\":\"colour\",\"message\":\"unknown "
	    "field\""));
	cr_assert(!it_has(&r, "targets[0]\",") && !it_has(&r, "targets[2]\""));
	it_http_free(&r);

	refused("POST", k, "/api/v1/aliases", "{}", 422,
	    "\"field\":\"targets\",\"message\":\"required");
	refused("POST", k, "/api/v1/aliases", "{}", 422,
	    "\"field\":\"address\",\"message\":\"required");
	refused("POST", k, "/api/v1/aliases", "{\"address\": "
	    "\"x@one.ali.example\", \"targets\": []}", 422,
	    "\"field\":\"targets\",\"message\":\"must be an array of 1 to "
	    "1000");
	refused("POST", k, "/api/v1/aliases", "{\"address\": "
	    "\"x@one.ali.example\", \"targets\": \"a@x.example\"}", 422,
	    "\"field\":\"targets\"");
	refused("POST", k, "/api/v1/aliases", "{\"address\": "
	    "\"x@one.ali.example\", \"targets\": [\"b@x.example\", "
	    "\"X@One.Ali.Example\"]}", 422, "\"field\":\"targets[1]\","
	    "\"message\":\"must not be x@one.ali.example itself\"");
	refused("POST", k, "/api/v1/aliases", "{\"address\": 5, \"targets\": "
	    "[\"b@x.example\"]}", 422, "\"field\":\"address\"");
	refused("POST", k, "/api/v1/aliases", "{\"address\": "
	    "\"x@one.ali.example\",", 400, "line 1");
	refused("POST", k, "/api/v1/aliases", "[1]", 400, NULL);

	/* 1000 targets are the most; 1001 are refused as a whole. */
	sbuf_init(&big);
	many_targets(&big, 1001);
	refused("POST", k, "/api/v1/aliases", big.data, 422,
	    "\"field\":\"targets\",\"message\":\"must be an array of 1 to "
	    "1000");
	many_targets(&big, 1000);
	cr_assert_eq(it_call(k, "POST", "/api/v1/aliases", big.data, &r), 201,
	    "%s", r.body.data);
	it_http_free(&r);
	sbuf_free(&big);
	cr_assert_eq(count("SELECT cardinality(targets) FROM aliases WHERE "
	    "address = 'many@one.ali.example'", NULL), 1000);
	cr_assert_eq(count("SELECT count(*) FROM aliases WHERE address = "
	    "'many@one.ali.example' AND targets[1000] = 't999@x.example'",
	    NULL), 1);
}

Test(api_aliases, one_address_one_thing)
{
	struct it_http	 r, r2;
	const char	*k = key("company_admin", "Ali One", NULL);

	/* A mailbox, a deleted mailbox that can be restored, an alias. */
	refused("POST", k, "/api/v1/aliases", "{\"address\": "
	    "\"Alice@one.ali.example\", \"targets\": [\"x@y.example\"]}", 409,
	    "\"field\":\"address\"");
	refused("POST", k, "/api/v1/aliases", "{\"address\": "
	    "\"gone@one.ali.example\", \"targets\": [\"x@y.example\"]}", 409,
	    "\"field\":\"address\"");
	refused("POST", k, "/api/v1/aliases", "{\"address\": "
	    "\"postmaster@one.ali.example\", \"targets\": [\"x@y.example\"]}",
	    409, "urn:postroom:problem:conflict");
	/* Whose it is, is not said: the same answer for each. */
	cr_assert_eq(it_call(k, "POST", "/api/v1/aliases", "{\"address\": "
	    "\"alice@one.ali.example\", \"targets\": [\"x@y.example\"]}", &r),
	    409);
	cr_assert_eq(it_call(k, "POST", "/api/v1/aliases", "{\"address\": "
	    "\"postmaster@one.ali.example\", \"targets\": [\"x@y.example\"]}",
	    &r2), 409);
	cr_assert_str_eq(r.body.data, r2.body.data);
	it_http_free(&r);
	it_http_free(&r2);

	/* And a mailbox cannot take an alias's address. */
	cr_assert_eq(it_call(k, "POST", "/api/v1/mailboxes", "{\"address\": "
	    "\"postmaster@one.ali.example\", \"password\": \"long enough "
	    "pw\"}", &r), 409, "%s", r.body.data);
	cr_assert(it_has(&r, "\"field\":\"address\""));
	it_http_free(&r);
	cr_assert_eq(count("SELECT count(*) FROM mailboxes WHERE address = "
	    "'postmaster@one.ali.example'", NULL), 0);

	/* Domains that are not this company's, or nobody's. */
	refused("POST", k, "/api/v1/aliases", "{\"address\": "
	    "\"x@two.ali.example\", \"targets\": [\"x@y.example\"]}", 422,
	    "no such domain: two.ali.example");
	refused("POST", k, "/api/v1/aliases", "{\"address\": "
	    "\"x@nowhere.example\", \"targets\": [\"x@y.example\"]}", 422,
	    "no such domain");
}

Test(api_aliases, suspended_company_or_domain)
{
	const char	*k = key("company_admin", "Ali Three", NULL);
	const char	*body = "{\"address\": \"x@three.ali.example\", "
	    "\"targets\": [\"x@y.example\"]}";
	struct it_http	 r;

	it_ok(db, "UPDATE domains SET status = 'suspended' WHERE name = "
	    "'three.ali.example'", 0, NULL);
	refused("POST", k, "/api/v1/aliases", body, 409,
	    "the domain is suspended");
	it_ok(db, "UPDATE companies SET status = 'suspended' WHERE name = "
	    "'Ali Three'", 0, NULL);
	refused("POST", k, "/api/v1/aliases", body, 409,
	    "the company is suspended");
	it_ok(db, "UPDATE domains SET status = 'active' WHERE name = "
	    "'three.ali.example'", 0, NULL);
	it_ok(db, "UPDATE companies SET status = 'active' WHERE name = "
	    "'Ali Three'", 0, NULL);
	cr_assert_eq(it_call(k, "POST", "/api/v1/aliases", body, &r), 201,
	    "%s", r.body.data);
	it_http_free(&r);
}

Test(api_aliases, list_pages_search_and_scope)
{
	struct it_http	 r;
	const char	*one = key("company_admin", "Ali One", NULL);
	const char	*base = "/api/v1/aliases?domain=List.Ali.Example";
	char		 path[256];

	snprintf(path, sizeof(path), "%s&limit=2", base);
	cr_assert_eq(it_call(one, "GET", path, NULL, &r), 200, "%s",
	    r.body.data);
	cr_assert_str_eq(r.content_type, "application/json");
	cr_assert(it_has(&r, "\"a1@list.ali.example\"") &&
	    it_has(&r, "\"a2@list.ali.example\"") &&
	    !it_has(&r, "a3@"), "%s", r.body.data);
	/* hex("a2@list.ali.example") */
	cr_assert(it_has(&r, "\"next_cursor\" : \"6132406c6973742e616c692e"
	    "6578616d706c65\""), "%s", r.body.data);
	it_http_free(&r);
	snprintf(path, sizeof(path), "%s&limit=2&cursor=6132406c6973742e"
	    "616c692e6578616d706c65", base);
	cr_assert_eq(it_call(one, "GET", path, NULL, &r), 200);
	cr_assert(it_has(&r, "a3@") && it_has(&r, "a4@") &&
	    !it_has(&r, "a2@") && !it_has(&r, "a5@"), "%s", r.body.data);
	it_http_free(&r);
	snprintf(path, sizeof(path), "%s&limit=2&cursor=6134406c6973742e"
	    "616c692e6578616d706c65", base);
	cr_assert_eq(it_call(one, "GET", path, NULL, &r), 200);
	cr_assert(it_has(&r, "a5@") && it_has(&r, "\"next_cursor\" : null"),
	    "%s", r.body.data);
	it_http_free(&r);

	/* A prefix of the address, any case. */
	cr_assert_eq(it_call(one, "GET", "/api/v1/aliases?q=A3%40L", NULL, &r),
	    200);
	cr_assert(it_has(&r, "a3@list.ali.example") && !it_has(&r, "a4@"),
	    "%s", r.body.data);
	it_http_free(&r);
	cr_assert_eq(it_call(one, "GET", "/api/v1/aliases?q=a%25", NULL, &r),
	    200);
	cr_assert(it_has(&r, "\"items\" : []"), "%s", r.body.data);
	it_http_free(&r);

	/* Everyone sees their own only. */
	cr_assert_eq(it_call(one, "GET", "/api/v1/aliases?limit=1000", NULL,
	    &r), 200);
	cr_assert(it_has(&r, "postmaster@one.ali.example") &&
	    !it_has(&r, "sales@two.ali.example"), "%s", r.body.data);
	it_http_free(&r);
	cr_assert_eq(it_call(key("company_admin", "Ali Two", NULL), "GET",
	    "/api/v1/aliases?limit=1000", NULL, &r), 200);
	cr_assert(it_has(&r, "sales@two.ali.example") &&
	    !it_has(&r, "one.ali.example") && !it_has(&r, "list.ali"),
	    "%s", r.body.data);
	it_http_free(&r);
	cr_assert_eq(it_call(key("company_admin", "Ali Two", NULL), "GET",
	    base, NULL, &r), 200);
	cr_assert(it_has(&r, "\"items\" : []"), "%s", r.body.data);
	it_http_free(&r);
	cr_assert_eq(it_call(key("domain_admin", "Ali One", "uno.ali.example"),
	    "GET", "/api/v1/aliases?limit=1000", NULL, &r), 200);
	cr_assert(it_has(&r, "info@uno.ali.example") &&
	    !it_has(&r, "postmaster@") && !it_has(&r, "list.ali"), "%s",
	    r.body.data);
	it_http_free(&r);
	cr_assert_eq(it_call(key("support", NULL, NULL), "GET",
	    "/api/v1/aliases?q=sales%40two", NULL, &r), 200);
	cr_assert(it_has(&r, "sales@two.ali.example"), "%s", r.body.data);
	it_http_free(&r);
	cr_assert_eq(it_call(key("company_viewer", "Ali One", NULL), "GET",
	    base, NULL, &r), 200);
	cr_assert(it_has(&r, "a5@list.ali.example"));
	it_http_free(&r);

	refused("GET", one, "/api/v1/aliases?limit=0", NULL, 400, "limit");
	refused("GET", one, "/api/v1/aliases?limit=1001", NULL, 400, "limit");
	refused("GET", one, "/api/v1/aliases?cursor=zz", NULL, 400, "cursor");
	refused("GET", one, "/api/v1/aliases?domain=a..b", NULL, 400,
	    "domain is not a domain name");
}

/* A deleted domain takes its aliases out of sight. */
Test(api_aliases, deleted_domains_hide_their_aliases)
{
	struct it_http	 r;
	const char	*k = key("company_admin", "Ali One", NULL);

	it_ok(db, "INSERT INTO domains (company_id, name, deleted_at) SELECT "
	    "id, 'del.ali.example', now() FROM companies WHERE name = "
	    "'Ali One'", 0, NULL);
	it_ok(db, "INSERT INTO aliases (company_id, domain_id, local_part, "
	    "targets) SELECT company_id, id, 'old', '{x@y.example}' FROM "
	    "domains WHERE name = 'del.ali.example'", 0, NULL);
	refused("GET", k, "/api/v1/aliases/old@del.ali.example", NULL, 404,
	    NULL);
	refused("PATCH", k, "/api/v1/aliases/old@del.ali.example",
	    "{\"targets\": [\"z@y.example\"]}", 404, NULL);
	refused("DELETE", k, "/api/v1/aliases/old@del.ali.example", NULL, 404,
	    NULL);
	refused("POST", k, "/api/v1/aliases", "{\"address\": "
	    "\"new@del.ali.example\", \"targets\": [\"x@y.example\"]}", 422,
	    "no such domain");
	cr_assert_eq(it_call(k, "GET", "/api/v1/aliases?q=old%40", NULL, &r),
	    200);
	cr_assert(it_has(&r, "\"items\" : []"), "%s", r.body.data);
	it_http_free(&r);
}

Test(api_aliases, patch_replaces_targets_and_audits)
{
	struct it_http	 r;
	const char	*k = key("company_admin", "Ali One", NULL);
	const char	*path = "/api/v1/aliases/team@one.ali.example";
	const char	*id = "team@one.ali.example";

	cr_assert_eq(it_call(k, "POST", "/api/v1/aliases", "{\"address\": "
	    "\"team@one.ali.example\", \"targets\": "
	    "[\"alice@one.ali.example\"]}", &r), 201, "%s", r.body.data);
	it_http_free(&r);

	cr_assert_eq(it_call(k, "PATCH", path, "{\"targets\": "
	    "[\"Bob@One.Ali.Example\", \"alice@one.ali.example\", "
	    "\"ext@example.org\"]}", &r), 200, "%s", r.body.data);
	cr_assert(it_has(&r, "\"targets\":[\"bob@one.ali.example\","
	    "\"alice@one.ali.example\",\"ext@example.org\"]"), "%s",
	    r.body.data);
	it_http_free(&r);
	cr_assert_eq(count("SELECT count(*) FROM audit_log WHERE action = "
	    "'alias.update' AND object_type = 'alias' AND object_id = $1 AND "
	    "before->'targets' = '[\"alice@one.ali.example\"]' AND "
	    "after->'targets' = '[\"bob@one.ali.example\", "
	    "\"alice@one.ali.example\", \"ext@example.org\"]' AND "
	    "after->>'updated_at' > before->>'updated_at' AND actor_key_id IS "
	    "NOT NULL", id), 1);

	/* The same list again changes nothing and writes nothing. */
	refused("PATCH", k, path, "{\"targets\": [\"bob@one.ali.example\", "
	    "\"Alice@one.ali.example\", \"ext@example.org\"]}", 200,
	    "\"targets\":[\"bob@one.ali.example\",");

	/* Bad lists: named by index, nothing changed. */
	refused("PATCH", k, path, "{\"targets\": [\"ok@x.example\", "
	    "\"no at sign\"]}", 422, "\"field\":\"targets[1]\"");
	refused("PATCH", k, path, "{\"targets\": [\"team@one.ali.example\"]}",
	    422, "\"field\":\"targets[0]\"");
	refused("PATCH", k, path, "{\"targets\": []}", 422,
	    "\"field\":\"targets\"");
	refused("PATCH", k, path, "{}", 422, "\"field\":\"targets\"");
	refused("PATCH", k, path, "{\"address\": \"other@one.ali.example\", "
	    "\"targets\": [\"x@y.example\"]}", 422, "\"field\":\"address\"");
	refused("PATCH", k, path, "{\"targets\": [\"x@y.example\"], "
	    "\"colour\": 1}", 422, "\"field\":\"colour\"");
	refused("PATCH", k, "/api/v1/aliases/nobody@one.ali.example",
	    "{\"targets\": [\"x@y.example\"]}", 404, NULL);
	refused("PATCH", k, path, "{\"targets\": [\"x@y.example\"", 400, NULL);
	cr_assert_eq(count("SELECT count(*) FROM audit_log WHERE object_id = "
	    "$1", id), 2);
}

Test(api_aliases, delete_frees_the_address)
{
	struct it_http	 r;
	const char	*k = key("company_admin", "Ali One", NULL);
	const char	*path = "/api/v1/aliases/temp@one.ali.example";

	cr_assert_eq(it_call(k, "POST", "/api/v1/aliases", "{\"address\": "
	    "\"temp@one.ali.example\", \"targets\": [\"x@y.example\"]}", &r),
	    201, "%s", r.body.data);
	it_http_free(&r);
	cr_assert_eq(it_call(k, "DELETE", path, NULL, &r), 204, "%s",
	    r.body.data);
	it_http_free(&r);
	cr_assert_eq(count("SELECT count(*) FROM aliases WHERE address = "
	    "'temp@one.ali.example'", NULL), 0);
	cr_assert_eq(count("SELECT count(*) FROM addresses WHERE address = "
	    "'temp@one.ali.example'", NULL), 0);
	cr_assert_eq(count("SELECT count(*) FROM audit_log WHERE action = "
	    "'alias.delete' AND object_type = 'alias' AND object_id = "
	    "'temp@one.ali.example' AND before->'targets' = "
	    "'[\"x@y.example\"]' AND after IS NULL", NULL), 1);
	refused("GET", k, path, NULL, 404, NULL);
	refused("DELETE", k, path, NULL, 404, NULL);

	/* The address is free: a mailbox may take it. */
	cr_assert_eq(it_call(k, "POST", "/api/v1/mailboxes", "{\"address\": "
	    "\"temp@one.ali.example\", \"password\": \"long enough pw\"}", &r),
	    201, "%s", r.body.data);
	it_http_free(&r);
}

Test(api_aliases, roles_and_scope)
{
	struct it_http	 r;
	const char	*dom = key("domain_admin", "Ali One",
	    "uno.ali.example");
	const char	*two = key("company_admin", "Ali Two", NULL);
	const char	*viewer = key("company_viewer", "Ali One", NULL);
	const char	*support = key("support", NULL, NULL);
	const char	*info = "/api/v1/aliases/info@uno.ali.example";
	const char	*pm = "/api/v1/aliases/postmaster@one.ali.example";
	const char	*body = "{\"address\": \"r@uno.ali.example\", "
	    "\"targets\": [\"x@y.example\"]}";
	const char	*patch = "{\"targets\": [\"z@y.example\"]}";

	/* Viewers and support read, and change nothing. */
	refused("POST", viewer, "/api/v1/aliases", body, 403,
	    "urn:postroom:problem:forbidden");
	refused("PATCH", viewer, info, patch, 403, NULL);
	refused("DELETE", viewer, info, NULL, 403, NULL);
	refused("POST", support, "/api/v1/aliases", body, 403, NULL);
	refused("PATCH", support, info, patch, 403, NULL);
	refused("DELETE", support, info, NULL, 403, NULL);
	refused("POST", NULL, "/api/v1/aliases", body, 401, NULL);

	/* Another company's aliases do not exist for it. */
	refused("GET", two, info, NULL, 404, NULL);
	refused("PATCH", two, info, patch, 404, NULL);
	refused("DELETE", two, info, NULL, 404, NULL);
	refused("POST", two, "/api/v1/aliases", body, 422, "no such domain");

	/* A domain admin: its domains only. */
	refused("GET", dom, pm, NULL, 404, NULL);
	refused("PATCH", dom, pm, patch, 404, NULL);
	refused("DELETE", dom, pm, NULL, 404, NULL);
	refused("POST", dom, "/api/v1/aliases", "{\"address\": "
	    "\"r@one.ali.example\", \"targets\": [\"x@y.example\"]}", 422,
	    "no such domain");
	cr_assert_eq(it_call(dom, "POST", "/api/v1/aliases", body, &r), 201,
	    "%s", r.body.data);
	it_http_free(&r);
	cr_assert_eq(it_call(dom, "PATCH", "/api/v1/aliases/r@uno.ali.example",
	    patch, &r), 200, "%s", r.body.data);
	it_http_free(&r);
	cr_assert_eq(it_call(dom, "DELETE", "/api/v1/aliases/r@uno.ali.example",
	    NULL, &r), 204, "%s", r.body.data);
	it_http_free(&r);

	/* Operators anywhere. */
	cr_assert_eq(it_call(key("operator", NULL, NULL), "POST",
	    "/api/v1/aliases", "{\"address\": \"op@two.ali.example\", "
	    "\"targets\": [\"x@y.example\"]}", &r), 201, "%s", r.body.data);
	it_http_free(&r);
	cr_assert_eq(count("SELECT count(*) FROM aliases a JOIN companies c ON "
	    "c.id = a.company_id WHERE a.address = 'op@two.ali.example' AND "
	    "c.name = 'Ali Two'", NULL), 1);
	refused("GET", key("company_admin", "Ali One", NULL), "/api/v1/aliases/"
	    "op@two.ali.example", NULL, 404, NULL);
}

/*
 * An alias that is a domain's catch-all is not deleted from under it:
 * 409 naming the domain, or, to a domain admin, not naming one it does
 * not manage.
 */
Test(api_aliases, catchall_alias_is_kept)
{
	struct it_http	 r;
	const char	*one = key("company_admin", "Ali One", NULL);
	const char	*dom = key("domain_admin", "Ali One",
	    "one.ali.example");
	const char	*path = "/api/v1/aliases/catch@one.ali.example";

	cr_assert_eq(it_call(one, "POST", "/api/v1/aliases", "{\"address\": "
	    "\"catch@one.ali.example\", \"targets\": [\"x@y.example\"]}", &r),
	    201, "%s", r.body.data);
	it_http_free(&r);
	cr_assert_eq(it_call(one, "PATCH", "/api/v1/domains/one.ali.example",
	    "{\"catchall\": \"catch@one.ali.example\"}", &r), 200, "%s",
	    r.body.data);
	it_http_free(&r);
	cr_assert_eq(it_call(one, "PATCH", "/api/v1/domains/uno.ali.example",
	    "{\"catchall\": \"catch@one.ali.example\"}", &r), 200, "%s",
	    r.body.data);
	it_http_free(&r);

	refused("DELETE", one, path, NULL, 409, "the catch-all of "
	    "one.ali.example, uno.ali.example");
	refused("DELETE", dom, path, NULL, 409, "the catch-all of another "
	    "domain of the company, one.ali.example");
	cr_assert_eq(it_call(dom, "DELETE", path, NULL, &r), 409);
	cr_assert(!it_has(&r, "uno.ali"), "%s", r.body.data);
	it_http_free(&r);

	cr_assert_eq(it_call(one, "PATCH", "/api/v1/domains/one.ali.example",
	    "{\"catchall\": null}", &r), 200);
	it_http_free(&r);
	refused("DELETE", dom, path, NULL, 409, "the catch-all of another "
	    "domain of the company: point");
	cr_assert_eq(it_call(one, "PATCH", "/api/v1/domains/uno.ali.example",
	    "{\"catchall\": null}", &r), 200);
	it_http_free(&r);
	cr_assert_eq(it_call(dom, "DELETE", path, NULL, &r), 204, "%s",
	    r.body.data);
	it_http_free(&r);
}

/*
 * A request sent while another transaction holds what holder_sql did,
 * uncommitted; lock_like is the beginning of the request's statement
 * (pg_stat_activity keeps no more of a long one).
 */
static void
race(struct it_race *rc, const char *k, const char *method,
    const char *path, const char *body, const char *holder_sql,
    const char *lock_like)
{
	PGconn	*holder = it_db();

	memset(rc, 0, sizeof(*rc));
	rc->key = k;
	rc->method = method;
	rc->path = path;
	rc->body = body;
	it_ok(holder, "BEGIN", 0, NULL);
	it_ok(holder, holder_sql, 0, NULL);
	it_race_start(rc, lock_like);
	it_race_finish(rc, holder);
	PQfinish(holder);
}

/*
 * The key of sql/008: a catch-all never points at an address that is
 * gone.  A deleted domain's catch-all is cleared with the alias, as is
 * one set while the delete waited for it; a catch-all set to an alias
 * deleted meanwhile is refused.
 */
Test(api_aliases, catchall_never_dangles)
{
	struct it_race	 rc;
	struct it_http	 r;
	const char	*one = key("company_admin", "Ali One", NULL);

	it_ok(db, "INSERT INTO aliases (company_id, domain_id, local_part, "
	    "targets) SELECT company_id, id, l, '{x@y.example}' FROM domains, "
	    "unnest(ARRAY['c1', 'c2', 'c3']) l WHERE name = 'one.ali.example'",
	    0, NULL);
	it_ok(db, "INSERT INTO domains (company_id, name, catchall, "
	    "deleted_at) SELECT id, 'gonecatch.ali.example', "
	    "'c1@one.ali.example', now() FROM companies WHERE name = "
	    "'Ali One'", 0, NULL);
	cr_assert_eq(it_call(one, "DELETE", "/api/v1/aliases/"
	    "c1@one.ali.example", NULL, &r), 204, "%s", r.body.data);
	it_http_free(&r);
	cr_assert_eq(count("SELECT count(*) FROM domains WHERE name = "
	    "'gonecatch.ali.example' AND catchall IS NULL", NULL), 1);

	/* Set (not yet committed) while the delete looks: cleared. */
	race(&rc, one, "DELETE", "/api/v1/aliases/c2@one.ali.example", NULL,
	    "UPDATE domains SET catchall = 'c2@one.ali.example' WHERE name = "
	    "'list.ali.example'", "WITH cur AS (SELECT a.company_id, %");
	cr_assert_eq(rc.status, 204, "%s", rc.answer);
	cr_assert_eq(count("SELECT count(*) FROM aliases WHERE address = "
	    "'c2@one.ali.example'", NULL), 0);
	cr_assert_eq(count("SELECT count(*) FROM domains WHERE name = "
	    "'list.ali.example' AND catchall IS NULL", NULL), 1);

	/* Deleted (not yet committed) while the domain's patch looks. */
	race(&rc, one, "PATCH", "/api/v1/domains/list.ali.example",
	    "{\"catchall\": \"c3@one.ali.example\"}", "DELETE FROM aliases "
	    "WHERE address = 'c3@one.ali.example'", "WITH old AS (SELECT "
	    "d.company_id, d.id, d.status, %");
	cr_assert_eq(rc.status, 422, "%s", rc.answer);
	cr_assert(strstr(rc.answer, "\"field\":\"catchall\"") != NULL, "%s",
	    rc.answer);
	cr_assert_eq(count("SELECT count(*) FROM domains WHERE name = "
	    "'list.ali.example' AND catchall IS NULL", NULL), 1);
}

/*
 * A mailbox purged for good takes its catch-all with it; nothing points
 * a catch-all at an address that does not exist.
 */
Test(api_aliases, purged_mailbox_clears_its_catchall)
{
	struct sbuf	out;

	it_ok(db, "INSERT INTO mailboxes (company_id, domain_id, local_part, "
	    "password_hash, quota_bytes, cluster_id, mailstore_id, deleted_at) "
	    "SELECT d.company_id, d.id, 'purged', '{SHA512-CRYPT}$6$x$y', "
	    "1000, s.cluster_id, s.id, now() - interval '31 days' FROM "
	    "domains d, mailstores s WHERE d.name = "
	    "'xn--bcher-kva.ali.example' AND s.name = 'alc1'", 0, NULL);
	it_ok(db, "UPDATE domains SET catchall = "
	    "'purged@xn--bcher-kva.ali.example' WHERE name = "
	    "'xn--bcher-kva.ali.example'", 0, NULL);
	sbuf_init(&out);
	cr_assert_eq(it_run("build/postroom-asan purge", &out), 0, "%s",
	    out.data);
	sbuf_free(&out);
	cr_assert_eq(count("SELECT count(*) FROM mailboxes WHERE address = "
	    "'purged@xn--bcher-kva.ali.example'", NULL), 0);
	cr_assert_eq(count("SELECT count(*) FROM domains WHERE name = "
	    "'xn--bcher-kva.ali.example' AND catchall IS NULL", NULL), 1);

	it_ok(db, "BEGIN", 0, NULL);
	cr_expect_str_eq(it_try(db, "UPDATE domains SET catchall = "
	    "'nobody@one.ali.example' WHERE name = 'one.ali.example'", 0,
	    NULL), "23503");
	it_ok(db, "ROLLBACK", 0, NULL);
}
