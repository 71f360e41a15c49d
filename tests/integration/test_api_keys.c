/*
 * /api/v1/keys: a created key is shown once and works at once; lists
 * never carry a secret or a hash; a revoked key is refused; who may
 * create and revoke what.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apikey.h"
#include "itest.h"

static PGconn	*db;

/* "Key One" has one.key.example, "Key Two" two.key.example. */
static void
fixture(void)
{
	db = it_db();
	if (it_count(db, "SELECT count(*) FROM companies WHERE name = "
	    "'Key One'", 0, NULL) == 1)
		return;
	it_ok(db, "INSERT INTO clusters (name) VALUES ('kyc')", 0, NULL);
	it_ok(db, "INSERT INTO companies (name, cluster_id) SELECT n, id FROM "
	    "clusters, unnest(ARRAY['Key One', 'Key Two']) n WHERE name = "
	    "'kyc'", 0, NULL);
	it_ok(db, "INSERT INTO domains (company_id, name) SELECT id, CASE name "
	    "WHEN 'Key One' THEN 'one.key.example' ELSE 'two.key.example' END "
	    "FROM companies WHERE name IN ('Key One', 'Key Two')", 0, NULL);
}

static void
done(void)
{
	PQfinish(db);
}

TestSuite(api_keys, .init = fixture, .fini = done);

static const char *
key(const char *role, const char *company, const char *domain)
{
	return (it_key(db, role, company, domain, 0));
}

/* POST /api/v1/keys as k; the new key, or NULL when not 201. */
static char *
create(const char *k, const char *body, long want)
{
	struct it_http	 r;
	char		*full = NULL, *p;

	cr_assert_eq(it_call(k, "POST", "/api/v1/keys", body, &r), want,
	    "%s: %s", body, r.body.data);
	if (want == 201) {
		cr_assert((p = strstr(r.body.data, "\"key\"")) != NULL);
		cr_assert((p = strstr(p, "pr_")) != NULL);
		full = strndup(p, strcspn(p, "\""));
		cr_assert_eq(strlen(full), PR_KEY_MAX - 1, "%s", full);
		cr_assert(strncmp(r.location, "/api/v1/keys/", 13) == 0);
		cr_assert(strncmp(r.location + 13, full + 3,
		    PR_KEY_ID_LEN) == 0);
	}
	it_http_free(&r);
	return (full);
}

static long
call(const char *k, const char *method, const char *path, struct it_http *r)
{
	long	status = it_call(k, method, path, NULL, r);

	return (status);
}

/* A key refused within the cache's 10 s (other workers may hold it). */
static void
refused_soon(const char *k)
{
	struct it_http	r;
	long		status = 0;
	int		i;

	for (i = 0; i < 60; i++) {
		status = call(k, "GET", "/api/v1/domains", &r);
		it_http_free(&r);
		if (status == 401)
			break;
		usleep(200000);
	}
	cr_assert_eq(status, 401, "a revoked key still works after 12 s");
}

Test(api_keys, create_shown_once_works_at_once, .timeout = 30)
{
	struct it_http	 r;
	const char	*op = key("operator", NULL, NULL);
	char		*one = it_company_id(db, "Key One"), body[256], *full, *hash;
	char		 id[PR_KEY_ID_LEN + 1], path[64];
	struct pr_apikey k;
	const char	*p[1] = { id };

	snprintf(body, sizeof(body), "{\"role\": \"company_admin\", "
	    "\"company_id\": %s, \"name\": \"provisioning\"}", one);
	full = create(op, body, 201);
	cr_assert_eq(pr_apikey_parse(full, &k), 0);
	snprintf(id, sizeof(id), "%s", k.id);

	/* Works at once, in its company's scope. */
	cr_assert_eq(call(full, "GET", "/api/v1/domains", &r), 200);
	cr_assert(it_has(&r, "one.key.example") && !it_has(&r, "two.key.example"));
	it_http_free(&r);

	/* Only the hash of the secret is stored. */
	hash = it_value(db, "SELECT secret_hash FROM api_keys WHERE key_id = "
	    "$1", 1, p);
	cr_assert_str_eq(hash, k.hash);

	/* Lists show the key, never its secret or hash. */
	cr_assert_eq(call(full, "GET", "/api/v1/keys", &r), 200, "%s",
	    r.body.data);
	cr_assert(it_has(&r, id) && it_has(&r, "provisioning"), "%s", r.body.data);
	cr_assert(!it_has(&r, k.secret) && !it_has(&r, k.hash) &&
	    !it_has(&r, "secret_hash"), "%s", r.body.data);
	it_http_free(&r);
	cr_assert_eq(call(op, "GET", "/api/v1/keys?limit=1000", &r), 200);
	cr_assert(!it_has(&r, k.secret) && !it_has(&r, k.hash));
	it_http_free(&r);
	snprintf(path, sizeof(path), "/api/v1/audit?object_id=%s", id);
	cr_assert_eq(call(op, "GET", path, &r), 200);
	cr_assert(it_has(&r, "key.create") && !it_has(&r, k.secret) &&
	    !it_has(&r, k.hash), "%s", r.body.data);
	it_http_free(&r);
	cr_assert_eq(it_count(db, "SELECT count(*) FROM audit_log WHERE "
	    "object_id = $1 AND action = 'key.create' AND after::text NOT LIKE "
	    "'%' || (SELECT secret_hash FROM api_keys WHERE key_id = $1) || "
	    "'%'", 1, p), 1);
	free(one);
	free(full);
	free(hash);
}

Test(api_keys, who_creates_what)
{
	const char	*op = key("operator", NULL, NULL);
	const char	*adm = key("company_admin", "Key One", NULL);
	char		*two = it_company_id(db, "Key Two"), body[256], *k;

	create(adm, "{\"role\": \"operator\"}", 403);
	create(adm, "{\"role\": \"support\"}", 403);
	create(key("company_viewer", "Key One", NULL),
	    "{\"role\": \"company_viewer\"}", 403);
	create(key("domain_admin", "Key One", "one.key.example"),
	    "{\"role\": \"domain_admin\", \"domains\": [\"one.key.example\"]}",
	    403);
	create(key("support", NULL, NULL), "{\"role\": \"support\"}", 403);
	snprintf(body, sizeof(body), "{\"role\": \"company_viewer\", "
	    "\"company_id\": %s}", two);
	create(adm, body, 422);				/* not its choice */
	create(adm, "{\"role\": \"domain_admin\", \"domains\": "
	    "[\"two.key.example\"]}", 422);		/* not its domain */
	create(adm, "{\"role\": \"domain_admin\"}", 422);
	create(adm, "{\"role\": \"company_viewer\", \"domains\": "
	    "[\"one.key.example\"]}", 422);
	create(adm, "{\"name\": \"no role\"}", 422);
	create(adm, "{\"role\": \"root\"}", 422);
	create(op, "{\"role\": \"company_admin\"}", 422);	/* company? */
	free(create(op, body, 201));
	snprintf(body, sizeof(body), "{\"role\": \"support\", "
	    "\"company_id\": %s}", two);
	create(op, body, 422);
	create(op, "{\"role\": \"company_admin\", \"company_id\": 999999999}",
	    422);

	k = create(adm, "{\"role\": \"domain_admin\", \"domains\": "
	    "[\"One.Key.Example\"]}", 201);
	free(k);
	k = create(adm, "{\"role\": \"company_viewer\", \"name\": \"v\"}", 201);
	free(k);
	k = create(op, "{\"role\": \"support\"}", 201);
	free(k);
	free(two);
}

Test(api_keys, list_scope_and_parameters)
{
	struct it_http	 r;
	const char	*op = key("operator", NULL, NULL);
	char		*one = it_company_id(db, "Key One"), path[128], *k1, *k2;

	k1 = create(key("company_admin", "Key One", NULL),
	    "{\"role\": \"company_viewer\", \"name\": \"list-one\"}", 201);
	k2 = create(key("company_admin", "Key Two", NULL),
	    "{\"role\": \"company_viewer\", \"name\": \"list-two\"}", 201);
	cr_assert_eq(call(k1, "GET", "/api/v1/keys?limit=1000", &r), 200);
	cr_assert(it_has(&r, "list-one") && !it_has(&r, "list-two"));
	it_http_free(&r);
	snprintf(path, sizeof(path), "/api/v1/keys?limit=1000&company=%s",
	    one);
	cr_assert_eq(call(op, "GET", path, &r), 200);
	cr_assert(it_has(&r, "list-one") && !it_has(&r, "list-two"));
	it_http_free(&r);
	cr_assert_eq(call(k2, "GET", path, &r), 200);	/* never widens */
	cr_assert(!it_has(&r, "list-one"));
	it_http_free(&r);
	cr_assert_eq(call(key("domain_admin", "Key One", "one.key.example"),
	    "GET", "/api/v1/keys", &r), 403);
	it_http_free(&r);
	cr_assert_eq(call(op, "GET", "/api/v1/keys?limit=0", &r), 400);
	cr_assert(it_has(&r, "limit"));
	it_http_free(&r);
	cr_assert_eq(call(op, "GET", "/api/v1/keys?company=x", &r), 400);
	cr_assert(it_has(&r, "company"));
	it_http_free(&r);
	cr_assert_eq(call(op, "GET", "/api/v1/keys?cursor=zz", &r), 400);
	cr_assert(it_has(&r, "cursor"));
	it_http_free(&r);

	/* Pages of one. */
	cr_assert_eq(call(op, "GET", "/api/v1/keys?limit=1", &r), 200);
	cr_assert(it_has(&r, "\"next_cursor\" : \""), "%s", r.body.data);
	it_http_free(&r);
	free(one);
	free(k1);
	free(k2);
}

Test(api_keys, revoke, .timeout = 60)
{
	struct it_http	 r;
	const char	*adm = key("company_admin", "Key One", NULL);
	char		*k, *self, path[64];
	const char	*p[1];

	k = create(adm, "{\"role\": \"company_viewer\", \"name\": \"rv\"}",
	    201);
	cr_assert_eq(call(k, "GET", "/api/v1/domains", &r), 200);
	it_http_free(&r);
	snprintf(path, sizeof(path), "/api/v1/keys/%.*s", PR_KEY_ID_LEN,
	    k + 3);

	/* Another company's key is not found; a viewer may not. */
	cr_assert_eq(call(key("company_admin", "Key Two", NULL), "DELETE",
	    path, &r), 404);
	it_http_free(&r);
	cr_assert_eq(call(key("company_viewer", "Key One", NULL), "DELETE",
	    path, &r), 403);
	it_http_free(&r);
	cr_assert_eq(call(key("support", NULL, NULL), "DELETE", path, &r),
	    403);
	it_http_free(&r);
	cr_assert_eq(call(k, "GET", "/api/v1/domains", &r), 200);
	it_http_free(&r);
	cr_assert_eq(call(adm, "DELETE", "/api/v1/keys/0000000000000000", &r),
	    404);
	it_http_free(&r);

	cr_assert_eq(call(adm, "DELETE", path, &r), 204, "%s", r.body.data);
	it_http_free(&r);
	cr_assert_eq(call(adm, "DELETE", path, &r), 204);	/* again */
	it_http_free(&r);
	refused_soon(k);
	p[0] = path + 13;
	cr_assert_eq(it_count(db, "SELECT count(*) FROM audit_log WHERE "
	    "object_id = $1 AND action = 'key.revoke'", 1, p), 1);
	cr_assert_eq(it_count(db, "SELECT count(*) FROM api_keys WHERE "
	    "key_id = $1 AND revoked_at IS NOT NULL", 1, p), 1);

	/* A key may revoke itself, whatever its role. */
	self = create(adm, "{\"role\": \"company_viewer\"}", 201);
	snprintf(path, sizeof(path), "/api/v1/keys/%.*s", PR_KEY_ID_LEN,
	    self + 3);
	cr_assert_eq(call(self, "DELETE", path, &r), 204, "%s", r.body.data);
	it_http_free(&r);
	refused_soon(self);
	free(k);
	free(self);
}
