/*
 * PATCH, DELETE and restore of mailboxes: rules, ranks, audit.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apikey.h"
#include "itest.h"
#include "password.h"

static PGconn	*db;

static void
fixture(void)
{
	db = it_db();
	if (it_count(db, "SELECT count(*) FROM companies WHERE name = "
	    "'Upd Co'", 0, NULL) == 1)
		return;
	it_ok(db, "INSERT INTO clusters (name) VALUES ('updc')", 0, NULL);
	it_ok(db, "INSERT INTO mailstores (cluster_id, name, mail_root, "
	    "capacity_bytes) SELECT id, 'updc1', '/srv/updc1', 1000000000 FROM "
	    "clusters WHERE name = 'updc'", 0, NULL);
	it_ok(db, "INSERT INTO companies (name, cluster_id, max_storage_bytes, "
	    "default_quota_bytes) SELECT n, id, 100000, 1000 FROM clusters, "
	    "unnest(ARRAY['Upd Co', 'Upd Other']) n WHERE name = 'updc'",
	    0, NULL);
	it_ok(db, "INSERT INTO domains (company_id, name) SELECT id, "
	    "CASE name WHEN 'Upd Co' THEN 'upd.example' ELSE "
	    "'other.upd.example' END FROM companies WHERE name LIKE 'Upd %'",
	    0, NULL);
}

static void
done(void)
{
	PQfinish(db);
}

TestSuite(api_update, .init = fixture, .fini = done);

static const char *
key(const char *role, const char *company)
{
	return (it_key(db, role, company, NULL, 0));
}

static void
mailbox(const char *local)
{
	const char	*p[1] = { local };

	it_ok(db, "INSERT INTO mailboxes (company_id, domain_id, local_part, "
	    "password_hash, quota_bytes, cluster_id, mailstore_id) SELECT "
	    "d.company_id, d.id, $1, '{SHA512-CRYPT}$6$x$y', 1000, c.cluster_id, "
	    "s.id FROM domains d JOIN companies c ON c.id = d.company_id JOIN "
	    "mailstores s ON s.name = 'updc1' WHERE d.name = 'upd.example'",
	    1, p);
}

static long
call(const char *k, const char *method, const char *path, const char *body,
    struct it_http *r)
{
	return (it_call(k, method, path, body, r));
}

Test(api_update, patch_fields_and_audit)
{
	struct it_http	 r;
	const char	*k = key("company_admin", "Upd Co");
	const char	*p[1] = { "pat1@upd.example" };
	char		*hash;

	mailbox("pat1");
	cr_assert_eq(call(k, "PATCH", "/api/v1/mailboxes/pat1@upd.example",
	    "{\"display_name\": \"Pat One\", \"quota_bytes\": 5000, "
	    "\"services\": {\"pop3\": \"disabled\"}, \"forward_to\": "
	    "[\"Elsewhere@Example.COM\"], \"forward_keep_copy\": false, "
	    "\"password\": \"a brand new secret\"}", &r), 200, "%s",
	    r.body.data);
	cr_assert(it_has(&r, "\"display_name\":\"Pat One\""));
	cr_assert(it_has(&r, "\"quota_bytes\":5000"));
	cr_assert(it_has(&r, "\"pop3\":\"disabled\""));
	cr_assert(it_has(&r, "\"forward_to\":[\"elsewhere@example.com\"]"));
	cr_assert(it_has(&r, "\"forward_keep_copy\":false"));
	it_http_free(&r);
	hash = it_value(db, "SELECT password_hash FROM mailboxes WHERE "
	    "address = $1", 1, p);
	cr_assert_eq(pr_password_verify("a brand new secret", hash), 1);
	free(hash);
	cr_assert_eq(it_count(db, "SELECT count(*) FROM audit_log WHERE action "
	    "= 'mailbox.update' AND object_id = $1 AND before->>'quota_bytes' = "
	    "'1000' AND after->>'quota_bytes' = '5000' AND "
	    "after->>'password_changed' = 'true' AND after::text NOT LIKE "
	    "'%CRYPT%'", 1, p), 1);

	/* Storage: 100000 for the company, counted in allocated quota. */
	cr_assert_eq(call(k, "PATCH", "/api/v1/mailboxes/pat1@upd.example",
	    "{\"quota_bytes\": 200000}", &r), 422);
	cr_assert(it_has(&r, "\"field\":\"quota_bytes\""));
	cr_assert(it_has(&r, "remaining storage"), "%s", r.body.data);
	it_http_free(&r);

	cr_assert_eq(call(k, "PATCH", "/api/v1/mailboxes/pat1@upd.example",
	    "{\"status\": \"maintenance\", \"forward_to\": "
	    "[\"pat1@upd.example\"], \"colour\": 1}", &r), 422);
	cr_assert(it_has(&r, "\"field\":\"status\""));
	cr_assert(it_has(&r, "\"field\":\"forward_to[0]\",\"message\":"
	    "\"must not be pat1@upd.example itself\""), "%s", r.body.data);
	cr_assert(it_has(&r, "\"field\":\"colour\""));
	it_http_free(&r);
	cr_assert_eq(call(k, "PATCH", "/api/v1/mailboxes/pat1@upd.example",
	    "{}", &r), 422);
	it_http_free(&r);
	cr_assert_eq(it_count(db, "SELECT count(*) FROM audit_log WHERE "
	    "object_id = $1", 1, p), 1);
}

Test(api_update, suspensions_follow_rank)
{
	struct it_http	 r;
	const char	*admin = key("company_admin", "Upd Co");
	const char	*op = key("operator", NULL);
	const char	*sup = key("support", NULL);
	const char	*p[1] = { "pat2@upd.example" };

	mailbox("pat2");
	cr_assert_eq(call(op, "PATCH", "/api/v1/mailboxes/pat2@upd.example",
	    "{\"services\": {\"send\": \"suspended\"}}", &r), 200);
	it_http_free(&r);
	cr_assert_eq(it_count(db, "SELECT count(*) FROM mailboxes WHERE "
	    "address = $1 AND send = 'suspended' AND send_suspended_by = "
	    "'operator'", 1, p), 1);
	/* The company admin cannot lift what an operator suspended. */
	cr_assert_eq(call(admin, "PATCH", "/api/v1/mailboxes/pat2@upd.example",
	    "{\"services\": {\"send\": \"enabled\"}}", &r), 403);
	cr_assert(it_has(&r, "suspended by operator"), "%s", r.body.data);
	it_http_free(&r);
	/* Support may only reset the password. */
	cr_assert_eq(call(sup, "PATCH", "/api/v1/mailboxes/pat2@upd.example",
	    "{\"services\": {\"send\": \"enabled\"}}", &r), 403);
	it_http_free(&r);
	cr_assert_eq(call(sup, "PATCH", "/api/v1/mailboxes/pat2@upd.example",
	    "{\"password\": \"support chose this\"}", &r), 200);
	it_http_free(&r);
	cr_assert_eq(call(op, "PATCH", "/api/v1/mailboxes/pat2@upd.example",
	    "{\"services\": {\"send\": \"enabled\"}}", &r), 200);
	it_http_free(&r);
	/* What the company admin suspends, it may lift. */
	cr_assert_eq(call(admin, "PATCH", "/api/v1/mailboxes/pat2@upd.example",
	    "{\"services\": {\"imap\": \"suspended\"}}", &r), 200);
	it_http_free(&r);
	cr_assert_eq(call(admin, "PATCH", "/api/v1/mailboxes/pat2@upd.example",
	    "{\"services\": {\"imap\": \"enabled\"}}", &r), 200);
	it_http_free(&r);
	cr_assert_eq(it_count(db, "SELECT count(*) FROM mailboxes WHERE "
	    "address = $1 AND imap = 'enabled' AND imap_suspended_by IS NULL "
	    "AND send = 'enabled'", 1, p), 1);
}

Test(api_update, delete_and_restore)
{
	struct it_http	 r;
	const char	*k = key("company_admin", "Upd Co");
	const char	*other = key("company_admin", "Upd Other");
	const char	*viewer = key("company_viewer", "Upd Co");
	const char	*p[1] = { "pat3@upd.example" };

	mailbox("pat3");
	cr_assert_eq(call(other, "DELETE", "/api/v1/mailboxes/pat3@upd.example",
	    NULL, &r), 404);
	it_http_free(&r);
	cr_assert_eq(call(viewer, "DELETE", "/api/v1/mailboxes/pat3@upd.example",
	    NULL, &r), 403);
	it_http_free(&r);
	cr_assert_eq(call(k, "DELETE", "/api/v1/mailboxes/pat3@upd.example",
	    NULL, &r), 204);
	it_http_free(&r);
	cr_assert_eq(call(k, "GET", "/api/v1/mailboxes/pat3@upd.example",
	    NULL, &r), 404);
	it_http_free(&r);
	cr_assert_eq(call(k, "DELETE", "/api/v1/mailboxes/pat3@upd.example",
	    NULL, &r), 404);
	it_http_free(&r);
	/* The address stays taken while the mailbox can come back. */
	cr_assert_eq(call(k, "POST", "/api/v1/mailboxes", "{\"address\": "
	    "\"pat3@upd.example\", \"password\": \"long enough pw\"}", &r), 409);
	it_http_free(&r);
	cr_assert_eq(call(other, "POST",
	    "/api/v1/mailboxes/pat3@upd.example/restore", "", &r), 404);
	it_http_free(&r);
	cr_assert_eq(call(k, "POST", "/api/v1/mailboxes/pat3@upd.example/restore",
	    "", &r), 200, "%s", r.body.data);
	cr_assert(it_has(&r, "\"address\":\"pat3@upd.example\""));
	it_http_free(&r);
	cr_assert_eq(call(k, "GET", "/api/v1/mailboxes/pat3@upd.example",
	    NULL, &r), 200);
	it_http_free(&r);
	cr_assert_eq(it_count(db, "SELECT count(*) FROM audit_log WHERE "
	    "object_id = $1 AND action IN ('mailbox.delete', "
	    "'mailbox.restore')", 1, p), 2);

	/* After 30 days it is gone for good (the purge job's business). */
	it_ok(db, "UPDATE mailboxes SET deleted_at = now() - interval "
	    "'31 days' WHERE address = $1", 1, p);
	cr_assert_eq(call(k, "POST", "/api/v1/mailboxes/pat3@upd.example/restore",
	    "", &r), 404);
	it_http_free(&r);
}
