/*
 * /api/v1/companies and their contacts: create, list, get, update,
 * suspend, replace the contacts; who sees and changes what; the audit
 * log; and that a refused request changes nothing.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "itest.h"

static PGconn	*db;

/*
 * Cluster cmc.  "Com One" has one.com.example with two mailboxes and a
 * limit of 3 domains; "Com Two" has one billing contact.
 */
static void
fixture(void)
{
	db = it_db();
	if (it_count(db, "SELECT count(*) FROM companies WHERE name = "
	    "'Com One'", 0, NULL) == 1)
		return;
	it_ok(db, "INSERT INTO clusters (name) VALUES ('cmc')", 0, NULL);
	it_ok(db, "INSERT INTO mailstores (cluster_id, name, mail_root, "
	    "capacity_bytes) SELECT id, 'cmc1', '/srv/cmc1', 1000000000 FROM "
	    "clusters WHERE name = 'cmc'", 0, NULL);
	it_ok(db, "INSERT INTO companies (name, cluster_id, max_domains) "
	    "SELECT n, id, 3 FROM clusters, unnest(ARRAY['Com One', "
	    "'Com Two']) n WHERE name = 'cmc'", 0, NULL);
	it_ok(db, "INSERT INTO domains (company_id, name) SELECT id, "
	    "'one.com.example' FROM companies WHERE name = 'Com One'", 0, NULL);
	it_ok(db, "INSERT INTO mailboxes (company_id, domain_id, local_part, "
	    "password_hash, quota_bytes, cluster_id, mailstore_id) SELECT "
	    "d.company_id, d.id, l, '{SHA512-CRYPT}$6$x$y', 1000, "
	    "s.cluster_id, s.id FROM domains d, mailstores s, "
	    "unnest(ARRAY['alice', 'bob']) l "
	    "WHERE d.name = 'one.com.example' AND s.name = 'cmc1'", 0, NULL);
	it_ok(db, "INSERT INTO contacts (company_id, kind, name, email) "
	    "SELECT id, 'billing', 'Bill', 'bill@two.com.example' FROM "
	    "companies WHERE name = 'Com Two'", 0, NULL);
}

static void
done(void)
{
	PQfinish(db);
}

TestSuite(api_companies, .init = fixture, .fini = done);

static const char *
key(const char *role, const char *company, const char *domain)
{
	return (it_key(db, role, company, domain, 0));
}

/* Companies, contacts and the audit log, as one fingerprint. */
#define STATE								\
	"SELECT md5(concat((SELECT string_agg(c::text, ',' ORDER BY id) " \
	"FROM companies c), (SELECT string_agg(k::text, ',' ORDER BY id) " \
	"FROM contacts k), (SELECT count(*) FROM audit_log)))"

/* A request that must be answered with status and change nothing. */
static void
refused(const char *method, const char *k, const char *path,
    const char *body, long status, const char *expect)
{
	it_refused(db, STATE, method, k, path, body, status, expect);
}

Test(api_companies, create_validation_listed_together)
{
	const char	*op = key("operator", NULL, NULL);

	refused("POST", op, "/api/v1/companies", "{\"name\": \"Com Bad\", "
	    "\"cluster\": \"nowhere\", \"time_zone\": \"Mars/Olympus\", "
	    "\"max_domains\": -1, \"max_mailboxes\": -2, "
	    "\"max_storage_bytes\": -3, \"colour\": \"red\"}", 422,
	    "6 fields failed");
	refused("POST", op, "/api/v1/companies", "{\"name\": \"Com Bad\", "
	    "\"cluster\": \"nowhere\", \"time_zone\": \"Mars/Olympus\"}", 422,
	    "\"field\":\"time_zone\"");
	refused("POST", op, "/api/v1/companies", "{\"name\": \"Com Bad\", "
	    "\"cluster\": \"nowhere\"}", 422, "no such cluster");
	refused("POST", op, "/api/v1/companies", "{\"cluster\": \"cmc\", "
	    "\"default_quota_bytes\": 0}", 422, "2 fields failed");
	refused("POST", op, "/api/v1/companies", "{\"name\": \"Com One\", "
	    "\"cluster\": \"cmc\"}", 409, "exists already");
	refused("POST", key("support", NULL, NULL), "/api/v1/companies",
	    "{\"name\": \"Com Bad\", \"cluster\": \"cmc\"}", 403, NULL);
	refused("POST", key("company_admin", "Com One", NULL),
	    "/api/v1/companies", "{\"name\": \"Com Bad\", \"cluster\": "
	    "\"cmc\"}", 403, NULL);
}

Test(api_companies, create)
{
	struct it_http	 r;
	char		*id, location[64];

	cr_assert_eq(it_call(key("operator", NULL, NULL), "POST",
	    "/api/v1/companies", "{\"name\": \"Com New\", \"cluster\": "
	    "\"cmc\", \"time_zone\": \"Europe/Berlin\", \"max_domains\": 10, "
	    "\"max_mailboxes\": null, \"default_quota_bytes\": 5000000}", &r),
	    201, "%s", r.body.data);
	cr_assert(it_has(&r, "\"name\":\"Com New\""), "%s", r.body.data);
	cr_assert(it_has(&r, "\"cluster\":\"cmc\""));
	cr_assert(it_has(&r, "\"time_zone\":\"Europe/Berlin\""));
	cr_assert(it_has(&r, "\"max_domains\":10"));
	cr_assert(it_has(&r, "\"status\":\"active\""));
	cr_assert(it_has(&r, "\"default_quota_bytes\":5000000"));
	cr_assert(!it_has(&r, "max_mailboxes"));	/* null: unlimited */
	id = it_company_id(db, "Com New");
	snprintf(location, sizeof(location), "/api/v1/companies/%s", id);
	cr_assert_str_eq(r.location, location);
	it_http_free(&r);
	cr_assert_eq(it_count(db, "SELECT count(*) FROM audit_log WHERE "
	    "action = 'company.create' AND object_id = $1 AND company_id = "
	    "$1::bigint AND before IS NULL AND after->>'name' = 'Com New'",
	    1, (const char *const *)&id), 1);
	free(id);
}

/* GET /api/v1/companies as k: whether each company is listed. */
static void
listed(const char *k, int one, int two)
{
	struct it_http	r;

	cr_assert_eq(it_call(k, "GET", "/api/v1/companies?q=com&limit=1000",
	    NULL, &r), 200, "%s", r.body.data);
	cr_expect_eq(it_has(&r, "\"Com One\""), one, "%s", r.body.data);
	cr_expect_eq(it_has(&r, "\"Com Two\""), two, "%s", r.body.data);
	it_http_free(&r);
}

Test(api_companies, list_scope_and_pages)
{
	struct it_http	 r;
	char		 path[128], *p;

	listed(key("operator", NULL, NULL), 1, 1);
	listed(key("support", NULL, NULL), 1, 1);
	listed(key("company_admin", "Com One", NULL), 1, 0);
	listed(key("company_viewer", "Com Two", NULL), 0, 1);
	listed(key("domain_admin", "Com One", "one.com.example"), 1, 0);

	/* Pages of one, by id; q is a prefix of the name, any case. */
	cr_assert_eq(it_call(key("operator", NULL, NULL), "GET",
	    "/api/v1/companies?q=COM%20&limit=1", NULL, &r), 200);
	cr_assert(it_has(&r, "\"Com One\"") && !it_has(&r, "\"Com Two\""), "%s",
	    r.body.data);
	cr_assert((p = strstr(r.body.data, "\"next_cursor\" : \"")) != NULL,
	    "%s", r.body.data);
	p += strlen("\"next_cursor\" : \"");
	snprintf(path, sizeof(path), "/api/v1/companies?q=com%%20&limit=1&"
	    "cursor=%.*s", (int)strcspn(p, "\""), p);
	it_http_free(&r);
	cr_assert_eq(it_call(key("operator", NULL, NULL), "GET", path, NULL,
	    &r), 200);
	cr_assert(it_has(&r, "\"Com Two\"") && !it_has(&r, "\"Com One\""), "%s",
	    r.body.data);
	it_http_free(&r);
	cr_assert_eq(it_call(key("operator", NULL, NULL), "GET",
	    "/api/v1/companies?status=paused", NULL, &r), 400);
	it_http_free(&r);
	cr_assert_eq(it_call(key("operator", NULL, NULL), "GET",
	    "/api/v1/companies?cursor=7a", NULL, &r), 400);
	it_http_free(&r);
}

Test(api_companies, get_scope_and_not_found)
{
	struct it_http	 r, missing;
	char		*one = it_company_id(db, "Com One");
	char		*two = it_company_id(db, "Com Two");
	char		 p1[64], p2[64];

	snprintf(p1, sizeof(p1), "/api/v1/companies/%s", one);
	snprintf(p2, sizeof(p2), "/api/v1/companies/%s", two);
	cr_assert_eq(it_call(key("support", NULL, NULL), "GET", p2, NULL,
	    &r), 200);
	cr_assert(it_has(&r, "\"Com Two\""));
	it_http_free(&r);
	cr_assert_eq(it_call(key("domain_admin", "Com One",
	    "one.com.example"), "GET", p1, NULL, &r), 200);
	it_http_free(&r);

	/* Another company's id is answered as one that does not exist. */
	cr_assert_eq(it_call(key("company_admin", "Com One", NULL), "GET", p2,
	    NULL, &r), 404);
	cr_assert_eq(it_call(key("company_admin", "Com One", NULL), "GET",
	    "/api/v1/companies/999999999", NULL, &missing), 404);
	cr_assert(it_has(&r, "\"detail\":\"no such company\""), "%s",
	    r.body.data);
	cr_assert(it_has(&missing, "\"detail\":\"no such company\""));
	it_http_free(&r);
	it_http_free(&missing);
	cr_assert_eq(it_call(key("company_admin", "Com One", NULL), "GET",
	    "/api/v1/companies/x1", NULL, &r), 404);
	it_http_free(&r);
	free(one);
	free(two);
}

Test(api_companies, patch_with_audit)
{
	struct it_http	 r;
	const char	*op = key("operator", NULL, NULL);
	char		*id = it_company_id(db, "Com One"), path[64];

	snprintf(path, sizeof(path), "/api/v1/companies/%s", id);
	refused("PATCH", op, path, "{\"cluster\": \"cmc\"}", 422,
	    "moving a company is a migration");
	refused("PATCH", op, path, "{\"time_zone\": \"Europe/Nowhere\", "
	    "\"max_domains\": 0, \"max_mailboxes\": 1}", 422,
	    "3 fields failed");
	refused("PATCH", op, path, "{\"max_storage_bytes\": 1999}", 422,
	    "2000 bytes");
	refused("PATCH", op, path, "{\"max_domains\": -1, \"shoe\": 1}", 422,
	    "2 fields failed");
	refused("PATCH", op, path, "{\"name\": \"Com Two\"}", 409,
	    "exists already");
	refused("PATCH", key("company_admin", "Com One", NULL), path,
	    "{\"max_domains\": 5}", 403, NULL);
	refused("PATCH", key("support", NULL, NULL), path,
	    "{\"max_domains\": 5}", 403, NULL);
	refused("PATCH", op, "/api/v1/companies/999999999",
	    "{\"max_domains\": 5}", 404, NULL);

	cr_assert_eq(it_call(op, "PATCH", path, "{\"max_domains\": 5, "
	    "\"time_zone\": \"America/New_York\", \"max_storage_bytes\": "
	    "2000}", &r), 200, "%s", r.body.data);
	cr_assert(it_has(&r, "\"max_domains\":5"));
	cr_assert(it_has(&r, "\"time_zone\":\"America/New_York\""));
	it_http_free(&r);
	cr_assert_eq(it_count(db, "SELECT count(*) FROM audit_log WHERE "
	    "action = 'company.update' AND object_id = $1 AND "
	    "before->>'max_domains' = '3' AND after->>'max_domains' = '5' AND "
	    "before->>'time_zone' = 'UTC' AND after->>'time_zone' = "
	    "'America/New_York'", 1, (const char *const *)&id), 1);

	/* Unchanged: no audit entry.  null lifts a limit. */
	refused("PATCH", op, path, "{\"max_domains\": 5}", 200, NULL);
	cr_assert_eq(it_call(op, "PATCH", path, "{\"max_storage_bytes\": "
	    "null}", &r), 200);
	cr_assert(!it_has(&r, "max_storage_bytes"), "%s", r.body.data);
	it_http_free(&r);
	free(id);
}

Test(api_companies, suspend)
{
	struct it_http	 r;
	char		*id, path[64];

	it_ok(db, "INSERT INTO companies (name, cluster_id) SELECT "
	    "'Com Susp', id FROM clusters WHERE name = 'cmc'", 0, NULL);
	id = it_company_id(db, "Com Susp");
	snprintf(path, sizeof(path), "/api/v1/companies/%s", id);
	cr_assert_eq(it_call(key("operator", NULL, NULL), "PATCH", path,
	    "{\"status\": \"suspended\"}", &r), 200, "%s", r.body.data);
	cr_assert(it_has(&r, "\"status\":\"suspended\""));
	it_http_free(&r);
	cr_assert_eq(it_count(db, "SELECT count(*) FROM companies c JOIN "
	    "audit_log a ON a.object_id = c.id::text AND a.action = "
	    "'company.update' WHERE c.id = $1::bigint AND c.status = "
	    "'suspended' AND a.before->>'status' = 'active' AND "
	    "a.after->>'status' = 'suspended'", 1,
	    (const char *const *)&id), 1);
	refused("PATCH", key("operator", NULL, NULL), path,
	    "{\"status\": \"paused\"}", 422, "\"field\":\"status\"");
	free(id);
}

#define GOOD_CONTACTS							\
	"{\"contacts\": [{\"kind\": \"technical\", \"name\": \"Tech\", "\
	"\"email\": \"Tech@One.Com.Example\", \"phone\": \"+49 30 1234\"}, " \
	"{\"kind\": \"abuse\", \"name\": \"Abuse desk\", "		\
	"\"email\": \"abuse@one.com.example\"}"

Test(api_companies, contacts_replace_all_or_nothing)
{
	struct it_http	 r;
	const char	*admin = key("company_admin", "Com One", NULL);
	char		*one = it_company_id(db, "Com One");
	char		*two = it_company_id(db, "Com Two");
	char		 path[80], other[80];

	snprintf(path, sizeof(path), "/api/v1/companies/%s/contacts", one);
	snprintf(other, sizeof(other), "/api/v1/companies/%s/contacts", two);

	refused("PUT", admin, path, GOOD_CONTACTS ", {\"kind\": \"stats\", "
	    "\"name\": \"Stats\", \"email\": \"not an address\"}]}", 422,
	    "\"field\":\"contacts[2].email\"");
	refused("PUT", admin, path, "{\"contacts\": [{\"kind\": \"sales\", "
	    "\"name\": \"\", \"email\": \"a@b.example\", \"phone\": \"x\", "
	    "\"fax\": 1}, 7]}", 422, "5 fields failed");
	refused("PUT", admin, path, "{\"contacts\": {}}", 422, "contacts");
	refused("PUT", admin, other, GOOD_CONTACTS "]}", 404, NULL);
	refused("PUT", key("company_viewer", "Com One", NULL), path,
	    GOOD_CONTACTS "]}", 403, NULL);
	refused("PUT", key("support", NULL, NULL), path, GOOD_CONTACTS "]}",
	    403, NULL);
	refused("GET", key("domain_admin", "Com One", "one.com.example"),
	    path, NULL, 403, NULL);
	refused("GET", admin, other, NULL, 404, NULL);

	cr_assert_eq(it_call(admin, "PUT", path, GOOD_CONTACTS "]}", &r), 200,
	    "%s", r.body.data);
	cr_assert(it_has(&r, "\"email\":\"tech@one.com.example\""), "%s",
	    r.body.data);
	it_http_free(&r);
	cr_assert_eq(it_call(key("company_viewer", "Com One", NULL), "GET",
	    path, NULL, &r), 200);
	cr_assert(it_has(&r, "\"kind\":\"technical\"") &&
	    it_has(&r, "\"phone\":\"+49 30 1234\"") &&
	    it_has(&r, "\"kind\":\"abuse\""), "%s", r.body.data);
	it_http_free(&r);

	/* The operator replaces it by one: the audit has both lists. */
	cr_assert_eq(it_call(key("operator", NULL, NULL), "PUT", path,
	    "{\"contacts\": [{\"kind\": \"stats\", \"name\": \"Stats\", "
	    "\"email\": \"stats@one.com.example\"}]}", &r), 200, "%s",
	    r.body.data);
	it_http_free(&r);
	cr_assert_eq(it_count(db, "SELECT count(*) FROM contacts WHERE "
	    "company_id = $1::bigint", 1, (const char *const *)&one), 1);
	cr_assert_eq(it_count(db, "SELECT count(*) FROM audit_log WHERE "
	    "action = 'company.contacts.replace' AND object_id = $1 AND "
	    "jsonb_array_length(before->'contacts') = 2 AND "
	    "after->'contacts'->0->>'kind' = 'stats'", 1,
	    (const char *const *)&one), 1);
	free(one);
	free(two);
}

/*
 * Another transaction holds the company row and adds a contact; the
 * replacement waits for the lock and must then replace that one too.
 */
Test(api_companies, contacts_replace_after_a_concurrent_change)
{
	struct it_race	 rc;
	PGconn		*other = it_db();
	char		*id, path[80];

	it_ok(db, "INSERT INTO companies (name, cluster_id) SELECT "
	    "'Com Race', id FROM clusters WHERE name = 'cmc'", 0, NULL);
	id = it_company_id(db, "Com Race");
	snprintf(path, sizeof(path), "/api/v1/companies/%s/contacts", id);
	memset(&rc, 0, sizeof(rc));
	rc.key = key("operator", NULL, NULL);
	rc.method = "PUT";
	rc.path = path;
	rc.body = "{\"contacts\": [{\"kind\": \"stats\", \"name\": \"Late\", "
	    "\"email\": \"late@race.com.example\"}]}";
	it_ok(other, "BEGIN", 0, NULL);
	it_ok(other, "SELECT id FROM companies WHERE name = 'Com Race' "
	    "FOR UPDATE", 0, NULL);
	it_ok(other, "INSERT INTO contacts (company_id, kind, name, email) "
	    "SELECT id, 'abuse', 'Early', 'early@race.com.example' FROM "
	    "companies WHERE name = 'Com Race'", 0, NULL);
	it_race_start(&rc, "%pr_company_contacts_take%");
	it_race_finish(&rc, other);
	PQfinish(other);
	cr_assert_eq(rc.status, 200, "%s", rc.answer);
	cr_assert_eq(it_count(db, "SELECT count(*) FROM contacts WHERE "
	    "company_id = $1::bigint", 1, (const char *const *)&id), 1);
	cr_assert_eq(it_count(db, "SELECT count(*) FROM audit_log WHERE "
	    "action = 'company.contacts.replace' AND object_id = $1 AND "
	    "before->'contacts'->0->>'name' = 'Early'", 1,
	    (const char *const *)&id), 1);
	free(id);
}
