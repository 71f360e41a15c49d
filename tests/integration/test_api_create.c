/*
 * POST /api/v1/mailboxes: validation, scope, limits, placement, audit,
 * and hashes that Dovecot itself accepts.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apikey.h"
#include "itest.h"
#include "password.h"

static PGconn	*db;

/* Company "New One" (cluster newc, three stores) and "New Two". */
static void
fixture(void)
{
	db = it_db();
	if (it_count(db, "SELECT count(*) FROM companies WHERE name = "
	    "'New One'", 0, NULL) == 1)
		return;
	it_ok(db, "INSERT INTO clusters (name) VALUES ('newc')", 0, NULL);
	it_ok(db, "INSERT INTO mailstores (cluster_id, name, mail_root, "
	    "capacity_bytes) SELECT id, 'newc' || n, '/srv/newc' || n, "
	    "1000000000 FROM clusters, generate_series(1, 3) n WHERE "
	    "name = 'newc'", 0, NULL);
	it_ok(db, "INSERT INTO companies (name, cluster_id, max_mailboxes, "
	    "max_storage_bytes, default_quota_bytes) SELECT n, id, 40, "
	    "100000000, 1000000 FROM clusters, unnest(ARRAY['New One', "
	    "'New Two']) n WHERE name = 'newc'", 0, NULL);
	it_ok(db, "INSERT INTO companies (name, cluster_id, max_mailboxes) "
	    "SELECT 'New Race', id, 1 FROM clusters WHERE name = 'newc'",
	    0, NULL);
	it_ok(db, "INSERT INTO domains (company_id, name) SELECT c.id, d FROM "
	    "companies c, unnest(ARRAY['one.new.example', 'uno.new.example']) d "
	    "WHERE c.name = 'New One' UNION ALL SELECT id, 'two.new.example' "
	    "FROM companies WHERE name = 'New Two' UNION ALL SELECT id, "
	    "'race.new.example' FROM companies WHERE name = 'New Race'",
	    0, NULL);
}

static void
done(void)
{
	PQfinish(db);
}

TestSuite(api_create, .init = fixture, .fini = done);

static const char *
key(const char *role, const char *company, const char *domain)
{
	return (it_key(db, role, company, domain, 0));
}

/* POST a body; the answer in r. */
static long
post(const char *k, const char *body, const char *ctype, struct it_http *r)
{
	char	url[256], auth[160], ct[80];

	snprintf(url, sizeof(url), "%s/api/v1/mailboxes", it_env("PR_TEST_URL"));
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", k);
	snprintf(ct, sizeof(ct), "Content-Type: %s", ctype);
	cr_assert_eq(it_http_body("POST", url, auth, ct, body, r), 0);
	return (r->status);
}

static long long
count(const char *what)
{
	char	sql[256];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", what);
	return (it_count(db, sql, 0, NULL));
}

Test(api_create, creates_places_audits)
{
	struct it_http	 r;
	struct sbuf	 cmd, out;
	const char	*p[1] = { "new.user@one.new.example" };
	const char	*k = key("company_admin", "New One", NULL);
	char		*hash, *store;

	cr_assert_eq(post(k, "{\"address\": \"New.User@One.New.Example\", "
	    "\"password\": \"correct horse battery\", \"display_name\": "
	    "\"J\\u00f6rg \\\"Nu\\\" User\", \"services\": {\"pop3\": "
	    "\"disabled\"}, \"send_limit_24h\": 500}", "application/json",
	    &r), 201, "%s", r.body.data);
	cr_assert_str_eq(r.location, "/api/v1/mailboxes/new.user@one.new.example");
	cr_assert(it_has(&r, "\"address\":\"new.user@one.new.example\""));
	cr_assert(it_has(&r, "\"display_name\":\"J\xc3\xb6rg \\\"Nu\\\" User\""),
	    "%s", r.body.data);
	cr_assert(it_has(&r, "\"pop3\":\"disabled\""));
	cr_assert(it_has(&r, "\"quota_bytes\":1000000"));	/* the default */
	cr_assert(it_has(&r, "\"send_limit_24h\":500"));
	cr_assert(!it_has(&r, "password") && !it_has(&r, "CRYPT"));
	it_http_free(&r);

	/* Stored as a crypt hash that this code and Dovecot both verify. */
	hash = it_value(db, "SELECT password_hash FROM mailboxes WHERE "
	    "address = $1", 1, p);
	cr_assert_eq(pr_password_verify("correct horse battery", hash), 1);
	sbuf_init(&cmd);
	sbuf_init(&out);
	sbuf_printf(&cmd, "doveadm pw -t '%s' -p 'correct horse battery'",
	    hash);
	cr_assert_eq(it_run(cmd.data, &out), 0, "%s", out.data);
	cr_assert(strstr(out.data, "(verified)") != NULL, "%s", out.data);
	sbuf_reset(&cmd);
	sbuf_reset(&out);
	sbuf_printf(&cmd, "doveadm pw -t '%s' -p 'wrong horse battery'", hash);
	cr_assert_neq(it_run(cmd.data, &out), 0, "%s", out.data);
	sbuf_free(&cmd);
	sbuf_free(&out);
	free(hash);

	store = it_value(db, "SELECT s.name FROM mailboxes m JOIN mailstores s "
	    "ON s.id = m.mailstore_id WHERE m.address = $1", 1, p);
	cr_assert(strncmp(store, "newc", 4) == 0, "%s", store);
	free(store);
	cr_assert_eq(it_count(db, "SELECT count(*) FROM audit_log WHERE "
	    "action = 'mailbox.create' AND object_id = $1 AND actor LIKE "
	    "'key:%' AND actor_key_id IS NOT NULL AND remote_addr = "
	    "'127.0.0.1' AND after->>'address' = $1 AND after::text NOT "
	    "LIKE '%CRYPT%'", 1, p), 1);

	/* The same address again: a conflict, nothing added. */
	cr_assert_eq(post(k, "{\"address\": \"new.user@one.new.example\", "
	    "\"password\": \"another long one\"}", "application/json", &r),
	    409);
	cr_assert(it_has(&r, "\"field\":\"address\""));
	it_http_free(&r);
	cr_assert_eq(it_count(db, "SELECT count(*) FROM audit_log WHERE "
	    "object_id = $1", 1, p), 1);
}

Test(api_create, new_mailboxes_spread_over_stores)
{
	struct it_http	 r;
	const char	*k = key("company_admin", "New Two", NULL);
	char		 body[256];
	int		 i;

	for (i = 0; i < 9; i++) {
		snprintf(body, sizeof(body), "{\"address\": \"spread%d@two.new."
		    "example\", \"password\": \"long enough pw\"}", i);
		cr_assert_eq(post(k, body, "application/json", &r), 201, "%s",
		    r.body.data);
		it_http_free(&r);
	}
	cr_assert_eq(it_count(db, "SELECT max(n) - min(n) FROM (SELECT "
	    "count(*) n FROM mailboxes WHERE local_part LIKE 'spread%' GROUP BY "
	    "mailstore_id) x", 0, NULL), 0);
	cr_assert_eq(it_count(db, "SELECT count(DISTINCT mailstore_id) FROM "
	    "mailboxes WHERE local_part LIKE 'spread%'", 0, NULL), 3);
}

Test(api_create, every_field_error_at_once)
{
	struct it_http	 r;
	const char	*k = key("company_admin", "New One", NULL);
	long long	 before = count("mailboxes"), audit = count("audit_log");

	cr_assert_eq(post(k, "{\"address\": \"bad address@one.new.example\", "
	    "\"password\": \"short\", \"display_name\": 7, \"quota_bytes\": "
	    "-1, \"send_limit_24h\": 1.5, \"services\": {\"imap\": "
	    "\"suspended\", \"fax\": \"enabled\"}, \"colour\": \"red\"}",
	    "application/json", &r), 422);
	cr_assert_str_eq(r.content_type, "application/problem+json");
	cr_assert(it_has(&r, "urn:postroom:problem:validation"));
	cr_assert(it_has(&r, "\"field\":\"address\""));
	cr_assert(it_has(&r, "\"field\":\"display_name\""));
	cr_assert(it_has(&r, "\"field\":\"quota_bytes\""));
	cr_assert(it_has(&r, "\"field\":\"send_limit_24h\""));
	cr_assert(it_has(&r, "\"field\":\"services.imap\""));
	cr_assert(it_has(&r, "\"field\":\"fax\""));
	cr_assert(it_has(&r, "\"field\":\"colour\",\"message\":\"unknown field\""));
	it_http_free(&r);

	cr_assert_eq(post(k, "{\"address\": \"pat@one.new.example\", "
	    "\"password\": \"pat-is-my-password\"}", "application/json", &r),
	    422);
	cr_assert(it_has(&r, "must not contain the local part"), "%s",
	    r.body.data);
	it_http_free(&r);
	cr_assert_eq(post(k, "{}", "application/json", &r), 422);
	cr_assert(it_has(&r, "\"field\":\"address\",\"message\":\"required"));
	cr_assert(it_has(&r, "\"field\":\"password\",\"message\":\"required"));
	it_http_free(&r);

	cr_assert_eq(post(k, "{\"address\": \"x@one.new.example\",\n \"pass",
	    "application/json", &r), 400);
	cr_assert(it_has(&r, "line 2"), "%s", r.body.data);
	it_http_free(&r);
	cr_assert_eq(post(k, "[1, 2]", "application/json", &r), 400);
	it_http_free(&r);
	cr_assert_eq(post(k, "{\"address\": \"x@one.new.example\"}",
	    "text/plain", &r), 415);
	it_http_free(&r);

	cr_assert_eq(count("mailboxes"), before);
	cr_assert_eq(count("audit_log"), audit);
}

Test(api_create, scope_and_roles)
{
	struct it_http	 r;
	const char	*body = "{\"address\": \"scoped@one.new.example\", "
	    "\"password\": \"long enough pw\"}";

	/* Another company's domain does not exist for this key. */
	cr_assert_eq(post(key("company_admin", "New Two", NULL), body,
	    "application/json", &r), 422);
	cr_assert(it_has(&r, "no such domain"));
	it_http_free(&r);
	cr_assert_eq(post(key("company_viewer", "New One", NULL), body,
	    "application/json", &r), 403);
	it_http_free(&r);
	cr_assert_eq(post(key("support", NULL, NULL), body, "application/json",
	    &r), 403);
	it_http_free(&r);
	cr_assert_eq(post(key("domain_admin", "New One", "uno.new.example"),
	    body, "application/json", &r), 422);
	it_http_free(&r);
	cr_assert_eq(post(key("domain_admin", "New One", "one.new.example"),
	    body, "application/json", &r), 201, "%s", r.body.data);
	it_http_free(&r);
	cr_assert_eq(post(key("operator", NULL, NULL), "{\"address\": "
	    "\"byop@uno.new.example\", \"password\": \"long enough pw\"}",
	    "application/json", &r), 201);
	cr_assert(it_has(&r, "\"mailstore\":\"newc"));
	it_http_free(&r);
}

Test(api_create, limits_hold)
{
	struct it_http	 r;
	const char	*k = key("company_admin", "New One", NULL);
	long long	 before;

	/* 100 MB of storage, 1 MB each by default: 99 MB is too much now. */
	cr_assert_eq(post(k, "{\"address\": \"big@uno.new.example\", "
	    "\"password\": \"long enough pw\", \"quota_bytes\": 99500000}",
	    "application/json", &r), 422, "%s", r.body.data);
	cr_assert(it_has(&r, "\"field\":\"quota_bytes\""));
	cr_assert(it_has(&r, "remaining storage"));
	it_http_free(&r);

	it_ok(db, "UPDATE companies SET max_mailboxes = (SELECT count(*) FROM "
	    "mailboxes m JOIN companies c ON c.id = m.company_id WHERE "
	    "c.name = 'New One') WHERE name = 'New One'", 0, NULL);
	before = count("mailboxes");
	cr_assert_eq(post(k, "{\"address\": \"onemore@uno.new.example\", "
	    "\"password\": \"long enough pw\"}", "application/json", &r), 409);
	cr_assert(it_has(&r, "maximum of"), "%s", r.body.data);
	it_http_free(&r);
	cr_assert_eq(count("mailboxes"), before);
	it_ok(db, "UPDATE companies SET max_mailboxes = 40 WHERE name = "
	    "'New One'", 0, NULL);

	it_ok(db, "UPDATE companies SET status = 'suspended' WHERE name = "
	    "'New One'", 0, NULL);
	cr_assert_eq(post(k, "{\"address\": \"onemore@uno.new.example\", "
	    "\"password\": \"long enough pw\"}", "application/json", &r), 409);
	cr_assert(it_has(&r, "suspended"));
	it_http_free(&r);
	it_ok(db, "UPDATE companies SET status = 'active' WHERE name = "
	    "'New One'", 0, NULL);
}

/*
 * Another transaction holds the company row and adds the last mailbox
 * allowed; the request waits for the lock and must then count it.
 */
Test(api_create, limit_holds_against_a_concurrent_create)
{
	struct it_race	 rc;
	PGconn		*other = it_db();

	memset(&rc, 0, sizeof(rc));
	rc.key = key("company_admin", "New Race", NULL);
	rc.method = "POST";
	rc.path = "/api/v1/mailboxes";
	rc.body = "{\"address\": \"second@race.new.example\", \"password\": "
	    "\"long enough pw\"}";
	it_ok(other, "BEGIN", 0, NULL);
	it_ok(other, "SELECT id FROM companies WHERE name = 'New Race' "
	    "FOR UPDATE", 0, NULL);
	it_ok(other, "INSERT INTO mailboxes (company_id, domain_id, local_part, "
	    "password_hash, quota_bytes, cluster_id, mailstore_id) SELECT "
	    "d.company_id, d.id, 'first', '{SHA512-CRYPT}$6$x$y', 1000, "
	    "c.cluster_id, s.id FROM domains d JOIN companies c ON c.id = "
	    "d.company_id JOIN mailstores s ON s.name = 'newc1' WHERE d.name = "
	    "'race.new.example'", 0, NULL);
	it_race_start(&rc, "%default_quota_bytes FROM companies WHERE id = $1 "
	    "FOR UPDATE%");
	it_race_finish(&rc, other);
	PQfinish(other);
	cr_assert_eq(rc.status, 409, "%s", rc.answer);
	cr_assert(strstr(rc.answer, "maximum of 1 mailboxes") != NULL, "%s",
	    rc.answer);
	cr_assert_eq(it_count(db, "SELECT count(*) FROM mailboxes WHERE "
	    "address LIKE '%@race.new.example'", 0, NULL), 1);
}

/* A local part with '/', '?' and '%' stays one segment of the Location. */
Test(api_create, location_is_one_segment)
{
	struct it_http	 r;
	const char	*k = key("company_admin", "New One", NULL);

	cr_assert_eq(post(k, "{\"address\": \"a/b?c%d@one.new.example\", "
	    "\"password\": \"correct horse battery\"}", "application/json",
	    &r), 201, "%s", r.body.data);
	cr_assert_str_eq(r.location,
	    "/api/v1/mailboxes/a%2Fb%3Fc%25d@one.new.example");
	it_http_free(&r);
	cr_assert_eq(it_call(k, "GET",
	    "/api/v1/mailboxes/a%2Fb%3Fc%25d@one.new.example", NULL, &r), 200,
	    "%s", r.body.data);
	cr_assert(it_has(&r, "\"address\":\"a/b?c%d@one.new.example\""));
	it_http_free(&r);
}
