/*
 * /api/v1/admins and /api/v1/login-locks: who creates, reads, changes
 * and deletes which accounts; other companies' accounts are not found;
 * nobody disables, deletes or demotes themselves, and a company's own
 * people never remove its last admin; a new password or a disabled
 * account ends sessions; locks are shown to support, who lifts them.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itest.h"
#include "password.h"

#define PW	"a long admin password"
#define NEWPW	"a brand new passphrase"

static PGconn	*db;

/* "Adm One" has one.adm.example and one2.adm.example, "Adm Two" two. */
static void
fixture(void)
{
	db = it_db();
	if (it_count(db, "SELECT count(*) FROM companies WHERE name = "
	    "'Adm One'", 0, NULL) == 1)
		return;
	it_ok(db, "INSERT INTO clusters (name) VALUES ('adm')", 0, NULL);
	it_ok(db, "INSERT INTO companies (name, cluster_id) SELECT n, id FROM "
	    "clusters, unnest(ARRAY['Adm One', 'Adm Two', 'Adm Last']) n "
	    "WHERE name = 'adm'", 0, NULL);
	it_ok(db, "INSERT INTO domains (company_id, name) SELECT c.id, d.n "
	    "FROM companies c JOIN (VALUES ('Adm One', 'one.adm.example'), "
	    "('Adm One', 'one2.adm.example'), ('Adm Two', 'two.adm.example')) "
	    "d (c, n) ON d.c = c.name", 0, NULL);
}

static void
done(void)
{
	PQfinish(db);
}

TestSuite(api_admins, .init = fixture, .fini = done);

static const char *
key(const char *role, const char *company, const char *domain)
{
	return (it_key(db, role, company, domain, 0));
}

static char *
admin(const char *email, const char *role, const char *company)
{
	return (it_admin(db, email, PW, role, company));
}

static long long
count(const char *sql, const char *param)
{
	return (it_count1(db, sql, param));
}

/* POST /api/v1/admins as k; the new account's id, or NULL. */
static char *
create(const char *k, const char *body, long want)
{
	struct it_http	 r;
	char		*id = NULL;

	cr_assert_eq(it_call(k, "POST", "/api/v1/admins", body, &r), want,
	    "%s: %s", body, r.body.data);
	if (want == 201) {
		cr_assert(strncmp(r.location, "/api/v1/admins/", 15) == 0,
		    "%s", r.location);
		id = strdup(r.location + 15);
		cr_assert(!it_has(&r, "password") && !it_has(&r, "$6$") &&
		    !it_has(&r, "totp_secret"), "%s", r.body.data);
	}
	it_http_free(&r);
	return (id);
}

/* A request on /api/v1/admins/<id><suffix>; the status. */
static long
on(const char *k, const char *method, const char *id, const char *suffix,
    const char *body, struct it_http *r)
{
	char	path[128];

	snprintf(path, sizeof(path), "/api/v1/admins/%s%s", id, suffix);
	return (it_call(k, method, path, body, r));
}

/* The same with a session's credentials. */
static long
on_as(const char *cred, const char *method, const char *id,
    const char *body, struct it_http *r)
{
	char	path[128];

	snprintf(path, sizeof(path), "/api/v1/admins/%s", id);
	return (it_call_as(cred, method, path, body, r));
}

static void
expect(const char *k, const char *method, const char *id, const char *suffix,
    const char *body, long want, const char *has)
{
	struct it_http	r;

	cr_assert_eq(on(k, method, id, suffix, body, &r), want, "%s %s%s %s: "
	    "%s", method, id, suffix, body ? body : "", r.body.data);
	if (has != NULL)
		cr_assert(it_has(&r, has), "want %s in %s", has, r.body.data);
	it_http_free(&r);
}

Test(api_admins, create_rules)
{
	const char	*op = key("operator", NULL, NULL);
	const char	*adm = key("company_admin", "Adm One", NULL);
	char		*one = it_company_id(db, "Adm One"), body[512], *id, *h;
	const char	*p[1];

	snprintf(body, sizeof(body), "{\"email\": \"C1@One.Adm.Example\", "
	    "\"password\": \"" PW "\", \"role\": \"company_admin\", "
	    "\"company_id\": %s, \"display_name\": \"C One\"}", one);
	id = create(op, body, 201);
	p[0] = id;
	/* Only a crypt hash is stored, and it is of the password. */
	h = it_value(db, "SELECT password_hash FROM admins WHERE id = $1::bigint "
	    "AND email = 'c1@one.adm.example' AND display_name = 'C One'",
	    1, p);
	cr_assert(strncmp(h, "{SHA512-CRYPT}$6$", 17) == 0, "%s", h);
	cr_assert_eq(pr_password_verify(PW, h), 1);
	cr_assert_eq(it_count(db, "SELECT count(*) FROM audit_log WHERE "
	    "action = 'admin.create' AND object_id = $1 AND after->>'email' = "
	    "'c1@one.adm.example' AND after::text NOT LIKE '%$6$%' AND "
	    "after::text NOT LIKE '%password%'", 1, p), 1);
	cr_assert_eq(it_login("c1@one.adm.example", PW, NULL, NULL, NULL, 0),
	    200);
	free(h);
	free(id);

	/* Provider staff have no company. */
	free(create(op, "{\"email\": \"s1@provider.adm.example\", "
	    "\"password\": \"" PW "\", \"role\": \"support\"}", 201));
	snprintf(body, sizeof(body), "{\"email\": \"s2@provider.adm.example\", "
	    "\"password\": \"" PW "\", \"role\": \"support\", \"company_id\": "
	    "%s}", one);
	create(op, body, 422);
	create(op, "{\"email\": \"c2@one.adm.example\", \"password\": \"" PW
	    "\", \"role\": \"company_viewer\"}", 422);	/* which company? */
	create(op, "{\"email\": \"c2@one.adm.example\", \"password\": \"" PW
	    "\", \"role\": \"company_viewer\", \"company_id\": 999999999}",
	    422);

	/* A company's admin: its own company's accounts below staff. */
	free(create(adm, "{\"email\": \"v1@one.adm.example\", \"password\": "
	    "\"" PW "\", \"role\": \"company_viewer\"}", 201));
	cr_assert_eq(count("SELECT count(*) FROM admins a JOIN companies c ON "
	    "c.id = a.company_id WHERE a.email = 'v1@one.adm.example' AND "
	    "c.name = 'Adm One'", NULL), 1);
	free(create(adm, "{\"email\": \"d1@one.adm.example\", \"password\": "
	    "\"" PW "\", \"role\": \"domain_admin\", \"domains\": "
	    "[\"One.Adm.Example\"]}", 201));
	create(adm, "{\"email\": \"o1@one.adm.example\", \"password\": \"" PW
	    "\", \"role\": \"operator\"}", 403);
	create(adm, "{\"email\": \"o1@one.adm.example\", \"password\": \"" PW
	    "\", \"role\": \"support\"}", 403);
	snprintf(body, sizeof(body), "{\"email\": \"c2@one.adm.example\", "
	    "\"password\": \"" PW "\", \"role\": \"company_viewer\", "
	    "\"company_id\": %s}", one);
	create(adm, body, 422);				/* not its choice */
	create(adm, "{\"email\": \"d2@one.adm.example\", \"password\": \"" PW
	    "\", \"role\": \"domain_admin\"}", 422);
	create(adm, "{\"email\": \"d2@one.adm.example\", \"password\": \"" PW
	    "\", \"role\": \"domain_admin\", \"domains\": "
	    "[\"two.adm.example\"]}", 422);		/* not its domain */
	create(adm, "{\"email\": \"d2@one.adm.example\", \"password\": \"" PW
	    "\", \"role\": \"company_viewer\", \"domains\": "
	    "[\"one.adm.example\"]}", 422);

	/* Nobody else creates accounts. */
	create(key("company_viewer", "Adm One", NULL), "{\"email\": "
	    "\"x@one.adm.example\", \"password\": \"" PW "\", \"role\": "
	    "\"company_viewer\"}", 403);
	create(key("support", NULL, NULL), "{\"email\": \"x@one.adm.example\", "
	    "\"password\": \"" PW "\", \"role\": \"support\"}", 403);
	create(key("domain_admin", "Adm One", "one.adm.example"), "{\"email\": "
	    "\"x@one.adm.example\", \"password\": \"" PW "\", \"role\": "
	    "\"domain_admin\", \"domains\": [\"one.adm.example\"]}", 403);
	cr_assert_eq(count("SELECT count(*) FROM admins WHERE email IN "
	    "('o1@one.adm.example', 'd2@one.adm.example', 'x@one.adm.example', "
	    "'s2@provider.adm.example', 'c2@one.adm.example')", NULL), 0);
	free(one);
}

Test(api_admins, create_refusals_named)
{
	const char	*adm = key("company_admin", "Adm One", NULL);
	struct it_http	 r;

	/* Every bad field at once, the password's rule named. */
	cr_assert_eq(it_call(adm, "POST", "/api/v1/admins", "{\"email\": "
	    "\"not an address\", \"password\": \"short\", \"role\": \"root\", "
	    "\"display_name\": 5, \"colour\": \"red\"}", &r), 422);
	cr_assert(it_has(&r, "\"field\":\"email\"") &&
	    it_has(&r, "\"field\":\"role\"") &&
	    it_has(&r, "\"field\":\"display_name\"") &&
	    it_has(&r, "\"field\":\"colour\"") &&
	    it_has(&r, "must be at least 10 characters"), "%s", r.body.data);
	it_http_free(&r);
	cr_assert_eq(it_call(adm, "POST", "/api/v1/admins", "{\"email\": "
	    "\"sandra@one.adm.example\", \"password\": \"sandra2024!x\", "
	    "\"role\": \"company_viewer\"}", &r), 422);
	cr_assert(it_has(&r, "must not contain the local part"), "%s",
	    r.body.data);
	it_http_free(&r);
	cr_assert_eq(it_call(adm, "POST", "/api/v1/admins", "{\"email\": "
	    "\"x@one.adm.example\", \"role\": \"company_viewer\"}", &r), 422);
	cr_assert(it_has(&r, "\"field\":\"password\""));
	it_http_free(&r);

	/* An e-mail is one account's, whichever company it is in. */
	free(admin("taken@two.adm.example", "company_viewer", "Adm Two"));
	cr_assert_eq(it_call(adm, "POST", "/api/v1/admins", "{\"email\": "
	    "\"taken@two.adm.example\", \"password\": \"" PW "\", \"role\": "
	    "\"company_viewer\"}", &r), 409);
	cr_assert(it_has(&r, "\"field\":\"email\"") &&
	    it_has(&r, "exists already"), "%s", r.body.data);
	it_http_free(&r);
}

Test(api_admins, list_and_get_scope)
{
	struct it_http	 r;
	const char	*op = key("operator", NULL, NULL);
	const char	*adm1 = key("company_admin", "Adm One", NULL);
	const char	*adm2 = key("company_admin", "Adm Two", NULL);
	const char	*view1 = key("company_viewer", "Adm One", NULL);
	char		*a1, *a2, *staff, *two, path[128], *next;

	a1 = admin("list-a@one.adm.example", "company_admin", "Adm One");
	free(admin("list-b@one.adm.example", "company_viewer", "Adm One"));
	a2 = admin("list-c@two.adm.example", "company_admin", "Adm Two");
	staff = admin("list-s@provider.adm.example", "support", NULL);
	two = it_company_id(db, "Adm Two");

	cr_assert_eq(it_call(adm1, "GET", "/api/v1/admins?q=list-&limit=1000",
	    NULL, &r), 200);
	cr_assert(it_has(&r, "list-a@one") && it_has(&r, "list-b@one") &&
	    !it_has(&r, "list-c@two") && !it_has(&r, "list-s@provider"),
	    "%s", r.body.data);
	cr_assert(it_has(&r, "\"failed_logins\":0"), "%s", r.body.data);
	cr_assert(!it_has(&r, "password") && !it_has(&r, "totp_secret"));
	it_http_free(&r);
	/* Viewers read the accounts, not their failures. */
	cr_assert_eq(it_call(view1, "GET", "/api/v1/admins?q=list-", NULL,
	    &r), 200);
	cr_assert(it_has(&r, "list-a@one") && !it_has(&r, "failed_logins"),
	    "%s", r.body.data);
	it_http_free(&r);
	cr_assert_eq(it_call(key("domain_admin", "Adm One", "one.adm.example"),
	    "GET", "/api/v1/admins", NULL, &r), 403);
	it_http_free(&r);

	/* Provider staff: all, narrowed by company, role, prefix. */
	cr_assert_eq(it_call(op, "GET", "/api/v1/admins?q=list-&limit=1000",
	    NULL, &r), 200);
	cr_assert(it_has(&r, "list-a@one") && it_has(&r, "list-c@two") &&
	    it_has(&r, "list-s@provider"), "%s", r.body.data);
	it_http_free(&r);
	snprintf(path, sizeof(path), "/api/v1/admins?q=LIST-&company=%s", two);
	cr_assert_eq(it_call(op, "GET", path, NULL, &r), 200);
	cr_assert(!it_has(&r, "list-a@one") && it_has(&r, "list-c@two"));
	it_http_free(&r);
	cr_assert_eq(it_call(adm1, "GET", path, NULL, &r), 200);
	cr_assert(!it_has(&r, "list-c@two"));		/* never widens */
	it_http_free(&r);
	cr_assert_eq(it_call(key("support", NULL, NULL), "GET",
	    "/api/v1/admins?q=list-&role=support", NULL, &r), 200);
	cr_assert(it_has(&r, "list-s@provider") && !it_has(&r, "list-a@one"));
	it_http_free(&r);

	/* Pages of one, in e-mail order. */
	cr_assert_eq(it_call(adm1, "GET", "/api/v1/admins?q=list-&limit=1",
	    NULL, &r), 200);
	cr_assert(it_has(&r, "list-a@one") && !it_has(&r, "list-b@one"));
	cr_assert((next = strstr(r.body.data, "\"next_cursor\" : \"")) !=
	    NULL, "%s", r.body.data);
	next += strlen("\"next_cursor\" : \"");
	snprintf(path, sizeof(path), "/api/v1/admins?q=list-&limit=1&"
	    "cursor=%.*s", (int)strcspn(next, "\""), next);
	it_http_free(&r);
	cr_assert_eq(it_call(adm1, "GET", path, NULL, &r), 200);
	cr_assert(it_has(&r, "list-b@one") && !it_has(&r, "list-a@one") &&
	    it_has(&r, "\"next_cursor\" : null"), "%s", r.body.data);
	it_http_free(&r);

	/* Malformed parameters are named. */
	cr_assert_eq(it_call(op, "GET", "/api/v1/admins?role=root", NULL, &r),
	    400);
	cr_assert(it_has(&r, "role"));
	it_http_free(&r);
	cr_assert_eq(it_call(op, "GET", "/api/v1/admins?company=x", NULL, &r),
	    400);
	cr_assert(it_has(&r, "company"));
	it_http_free(&r);
	cr_assert_eq(it_call(op, "GET", "/api/v1/admins?locked=maybe", NULL,
	    &r), 400);
	cr_assert(it_has(&r, "locked"));
	it_http_free(&r);

	/* One: another company's, or staff, are not found. */
	expect(adm1, "GET", a1, "", NULL, 200, "\"email\":\"list-a@one");
	expect(adm2, "GET", a1, "", NULL, 404, "no such admin account");
	expect(adm1, "GET", staff, "", NULL, 404, NULL);
	expect(adm1, "GET", "99999999", "", NULL, 404, NULL);
	expect(op, "GET", a2, "", NULL, 200, "\"failed_logins\":0");
	expect(view1, "GET", a1, "", NULL, 200, "\"role\":\"company_admin\"");
	expect(key("domain_admin", "Adm One", "one.adm.example"), "GET", a1,
	    "", NULL, 403, NULL);
	free(a1);
	free(a2);
	free(staff);
	free(two);
}

Test(api_admins, update_rules)
{
	const char	*op = key("operator", NULL, NULL);
	const char	*adm = key("company_admin", "Adm One", NULL);
	const char	*adm2 = key("company_admin", "Adm Two", NULL);
	char		*u, *c;
	const char	*p[1];

	u = admin("upd-u@one.adm.example", "company_viewer", "Adm One");
	c = admin("upd-c@one.adm.example", "company_admin", "Adm One");
	p[0] = u;

	expect(adm, "PATCH", u, "", "{\"display_name\": \"Ulla\"}", 200,
	    "\"display_name\":\"Ulla\"");
	cr_assert_eq(it_count(db, "SELECT count(*) FROM audit_log WHERE "
	    "action = 'admin.update' AND object_id = $1 AND "
	    "before->>'display_name' = '' AND after->>'display_name' = 'Ulla' "
	    "AND after->>'password_changed' = 'false'", 1, p), 1);
	/* Nothing to change writes nothing. */
	expect(adm, "PATCH", u, "", "{\"display_name\": \"Ulla\"}", 200, NULL);
	expect(adm, "PATCH", u, "", "{}", 200, "Ulla");
	cr_assert_eq(it_count(db, "SELECT count(*) FROM audit_log WHERE "
	    "action = 'admin.update' AND object_id = $1", 1, p), 1);

	/* Domains for, and only for, domain admins. */
	expect(adm, "PATCH", u, "", "{\"role\": \"domain_admin\"}", 422,
	    "\"field\":\"domains\"");
	expect(adm, "PATCH", u, "", "{\"domains\": [\"one.adm.example\"]}",
	    422, "only domain_admin");
	expect(adm, "PATCH", u, "", "{\"role\": \"domain_admin\", \"domains\": "
	    "[\"two.adm.example\"]}", 422, "no such domain");
	expect(adm, "PATCH", u, "", "{\"role\": \"domain_admin\", \"domains\": "
	    "[\"one.adm.example\", \"one2.adm.example\"]}", 200,
	    "\"domains\":[\"one.adm.example\",\"one2.adm.example\"]");
	expect(adm, "PATCH", u, "", "{\"domains\": [\"one2.adm.example\"]}",
	    200, "\"domains\":[\"one2.adm.example\"]");
	cr_assert_eq(it_count(db, "SELECT count(*) FROM admin_domains WHERE "
	    "admin_id = $1::bigint", 1, p), 1);
	expect(adm, "PATCH", u, "", "{\"role\": \"company_viewer\"}", 200,
	    "\"domains\":[]");
	cr_assert_eq(it_count(db, "SELECT count(*) FROM admin_domains WHERE "
	    "admin_id = $1::bigint", 1, p), 0);

	/* Roles: no provider staff from a company, nor across the line. */
	expect(adm, "PATCH", u, "", "{\"role\": \"operator\"}", 403, NULL);
	expect(op, "PATCH", u, "", "{\"role\": \"support\"}", 422,
	    "\"field\":\"role\"");
	expect(adm, "PATCH", u, "", "{\"status\": \"gone\", \"password\": "
	    "\"short\", \"email\": \"x@y.example\"}", 422,
	    "must be at least 10 characters");

	/* Who may: operators and the company's admins; others are 403/404. */
	expect(adm2, "PATCH", u, "", "{\"display_name\": \"Mallory\"}", 404,
	    NULL);
	expect(adm2, "DELETE", u, "", NULL, 404, NULL);
	expect(key("company_viewer", "Adm One", NULL), "PATCH", u, "",
	    "{\"display_name\": \"V\"}", 403, NULL);
	expect(key("support", NULL, NULL), "PATCH", u, "",
	    "{\"display_name\": \"S\"}", 403, NULL);
	expect(key("support", NULL, NULL), "DELETE", u, "", NULL, 403, NULL);
	expect(key("domain_admin", "Adm One", "one.adm.example"), "DELETE", u,
	    "", NULL, 403, NULL);
	expect(op, "PATCH", c, "", "{\"display_name\": \"By Ops\", "
	    "\"role\": \"company_viewer\"}", 200, "\"role\":\"company_viewer\"");
	cr_assert_eq(count("SELECT count(*) FROM admins WHERE display_name IN "
	    "('Mallory', 'V', 'S')", NULL), 0);

	/* TOTP is reset by operators only. */
	expect(adm, "PATCH", u, "", "{\"totp\": null}", 403, NULL);
	expect(op, "PATCH", u, "", "{\"totp\": \"123456\"}", 422,
	    "\"field\":\"totp\"");

	/* Deleted, audited, gone. */
	expect(adm, "DELETE", u, "", NULL, 204, NULL);
	expect(adm, "GET", u, "", NULL, 404, NULL);
	cr_assert_eq(it_count(db, "SELECT count(*) FROM audit_log WHERE "
	    "action = 'admin.delete' AND object_id = $1 AND before->>'email' = "
	    "'upd-u@one.adm.example' AND after IS NULL", 1, p), 1);
	expect(adm, "DELETE", u, "", NULL, 404, NULL);
	free(u);
	free(c);
}

Test(api_admins, nobody_removes_themselves)
{
	char		 cred[300], *me;
	struct it_http	 r;

	me = admin("self@one.adm.example", "company_admin", "Adm One");
	cr_assert_eq(it_login("self@one.adm.example", PW, NULL, NULL, cred,
	    sizeof(cred)), 200);
	cr_assert_eq(on_as(cred, "PATCH", me, "{\"status\": \"disabled\"}",
	    &r), 409);
	cr_assert(it_has(&r, "you cannot disable your own account"));
	it_http_free(&r);
	cr_assert_eq(on_as(cred, "PATCH", me, "{\"role\": \"company_viewer\"}",
	    &r), 409);
	cr_assert(it_has(&r, "you cannot change your own role"));
	it_http_free(&r);
	cr_assert_eq(on_as(cred, "DELETE", me, NULL, &r), 409);
	cr_assert(it_has(&r, "you cannot delete your own account"));
	it_http_free(&r);
	/* The rest of one's own account is one's own to change. */
	cr_assert_eq(on_as(cred, "PATCH", me, "{\"display_name\": \"Me\", "
	    "\"role\": \"company_admin\", \"status\": \"active\"}", &r), 200,
	    "%s", r.body.data);
	it_http_free(&r);
	cr_assert_eq(count("SELECT count(*) FROM admins WHERE email = "
	    "'self@one.adm.example' AND status = 'active' AND role = "
	    "'company_admin'", NULL), 1);
	free(me);
}

/* A company's own people never remove its last active company admin. */
Test(api_admins, last_company_admin_stays)
{
	const char	*k = key("company_admin", "Adm Last", NULL);
	char		*l, *m;

	l = admin("l@last.adm.example", "company_admin", "Adm Last");
	expect(k, "DELETE", l, "", NULL, 409, "last active company_admin");
	expect(k, "PATCH", l, "", "{\"status\": \"disabled\"}", 409,
	    "last active company_admin");
	expect(k, "PATCH", l, "", "{\"role\": \"company_viewer\"}", 409, NULL);
	expect(k, "PATCH", l, "", "{\"display_name\": \"L\"}", 200, NULL);
	m = admin("m@last.adm.example", "company_admin", "Adm Last");
	expect(k, "PATCH", m, "", "{\"status\": \"disabled\"}", 200, NULL);
	expect(k, "DELETE", l, "", NULL, 409, NULL);	/* m is disabled */
	expect(k, "PATCH", m, "", "{\"status\": \"active\"}", 200, NULL);
	expect(k, "DELETE", l, "", NULL, 204, NULL);
	expect(k, "DELETE", m, "", NULL, 409, NULL);
	cr_assert_eq(count("SELECT count(*) FROM admins a JOIN companies c ON "
	    "c.id = a.company_id WHERE c.name = 'Adm Last' AND a.status = "
	    "'active' AND a.role = 'company_admin'", NULL), 1);
	free(l);
	free(m);
}

/*
 * Another transaction holds the company row and demotes one of its two
 * admins; deleting the other waits for the lock and must then refuse.
 */
Test(api_admins, last_admin_counted_after_the_lock)
{
	struct it_race	 rc;
	PGconn		*other = it_db();
	char		*x, path[80];

	it_ok(db, "INSERT INTO companies (name, cluster_id) SELECT "
	    "'Adm Race', id FROM clusters WHERE name = 'adm'", 0, NULL);
	x = admin("x@race.adm.example", "company_admin", "Adm Race");
	free(admin("y@race.adm.example", "company_admin", "Adm Race"));
	snprintf(path, sizeof(path), "/api/v1/admins/%s", x);
	memset(&rc, 0, sizeof(rc));
	rc.key = key("company_admin", "Adm Race", NULL);
	rc.method = "DELETE";
	rc.path = path;
	it_ok(other, "BEGIN", 0, NULL);
	it_ok(other, "SELECT id FROM companies WHERE name = 'Adm Race' "
	    "FOR UPDATE", 0, NULL);
	it_ok(other, "UPDATE admins SET role = 'company_viewer' WHERE email = "
	    "'y@race.adm.example'", 0, NULL);
	it_race_start(&rc, "%last active company_admin%");
	it_race_finish(&rc, other);
	PQfinish(other);
	cr_assert_eq(rc.status, 409, "%s", rc.answer);
	cr_assert_eq(count("SELECT count(*) FROM admins WHERE id = $1::bigint",
	    x), 1);
	free(x);
}

Test(api_admins, new_password_or_disabled_ends_sessions)
{
	const char	*adm = key("company_admin", "Adm One", NULL);
	char		*b, *a, cred_b[300], cred_a[300], cred_a2[300];
	struct it_http	 r;

	b = admin("pw-b@one.adm.example", "company_viewer", "Adm One");
	cr_assert_eq(it_login("pw-b@one.adm.example", PW, NULL, NULL, cred_b,
	    sizeof(cred_b)), 200);
	cr_assert_eq(it_call_as(cred_b, "GET", "/api/v1/session", NULL, &r),
	    200);
	it_http_free(&r);
	expect(adm, "PATCH", b, "", "{\"password\": \"" NEWPW "\"}", 200,
	    NULL);
	cr_assert_eq(it_call_as(cred_b, "GET", "/api/v1/session", NULL, &r),
	    401);
	it_http_free(&r);
	cr_assert_eq(count("SELECT count(*) FROM audit_log WHERE action = "
	    "'admin.update' AND after->>'password_changed' = 'true' AND "
	    "after::text NOT LIKE '%$6$%' AND before::text NOT LIKE '%$6$%' "
	    "AND object_id = $1", b), 1);
	cr_assert_eq(it_login("pw-b@one.adm.example", PW, NULL, NULL, NULL, 0),
	    401);
	cr_assert_eq(it_login("pw-b@one.adm.example", NEWPW, NULL, NULL,
	    cred_b, sizeof(cred_b)), 200);

	/* Disabled: its sessions end and it logs in no more. */
	expect(adm, "PATCH", b, "", "{\"status\": \"disabled\"}", 200,
	    "\"status\":\"disabled\"");
	cr_assert_eq(count("SELECT count(*) FROM sessions WHERE admin_id = "
	    "$1::bigint", b), 0);
	cr_assert_eq(it_call_as(cred_b, "GET", "/api/v1/session", NULL, &r),
	    401);
	it_http_free(&r);
	cr_assert_eq(it_login("pw-b@one.adm.example", NEWPW, NULL, NULL, NULL,
	    0), 401);

	/* One's own new password ends one's other sessions, not this one. */
	a = admin("pw-a@one.adm.example", "company_admin", "Adm One");
	cr_assert_eq(it_login("pw-a@one.adm.example", PW, NULL, NULL, cred_a,
	    sizeof(cred_a)), 200);
	cr_assert_eq(it_login("pw-a@one.adm.example", PW, NULL, NULL, cred_a2,
	    sizeof(cred_a2)), 200);
	cr_assert_eq(on_as(cred_a, "PATCH", a, "{\"password\": \"" NEWPW "\"}",
	    &r), 200, "%s", r.body.data);
	it_http_free(&r);
	cr_assert_eq(it_call_as(cred_a, "GET", "/api/v1/session", NULL, &r),
	    200);
	it_http_free(&r);
	cr_assert_eq(it_call_as(cred_a2, "GET", "/api/v1/session", NULL, &r),
	    401);
	it_http_free(&r);
	free(a);
	free(b);
}

/* An account with audit entries of its own is deleted; they stay. */
Test(api_admins, delete_keeps_the_audit_log)
{
	char	*d = admin("del@two.adm.example", "company_viewer", "Adm Two");

	cr_assert_eq(it_login("del@two.adm.example", PW, NULL, NULL, NULL, 0),
	    200);
	cr_assert_eq(count("SELECT count(*) FROM audit_log WHERE "
	    "actor_admin_id = $1::bigint", d), 1);
	expect(key("operator", NULL, NULL), "DELETE", d, "", NULL, 204, NULL);
	cr_assert_eq(count("SELECT count(*) FROM admins WHERE id = $1::bigint",
	    d), 0);
	cr_assert_eq(count("SELECT count(*) FROM audit_log WHERE actor = "
	    "'del@two.adm.example' AND action = 'session.create' AND "
	    "actor_admin_id IS NULL", NULL), 1);
	free(d);
}

Test(api_admins, support_lifts_an_account_lock)
{
	const char	*sup = key("support", NULL, NULL);
	struct it_http	 r;
	char		*u;
	const char	*p[1];

	u = admin("lock-u@one.adm.example", "company_viewer", "Adm One");
	p[0] = u;
	/* The tenth failure in a row locks the account for 15 minutes. */
	it_ok(db, "UPDATE admins SET failed_logins = 9 WHERE id = $1::bigint",
	    1, p);
	cr_assert_eq(it_login("lock-u@one.adm.example", "not the password",
	    NULL, "192.0.2.31", NULL, 0), 401);
	cr_assert_eq(it_login("lock-u@one.adm.example", PW, NULL, "192.0.2.31",
	    NULL, 0), 429);

	/* Shown to staff and the company's admins, not to viewers. */
	expect(sup, "GET", u, "", NULL, 200, "\"failed_logins\":10");
	expect(sup, "GET", u, "", NULL, 200, "\"locked_until\":\"");
	expect(key("company_admin", "Adm One", NULL), "GET", u, "", NULL, 200,
	    "\"locked_until\":\"");
	cr_assert_eq(on(key("company_viewer", "Adm One", NULL), "GET", u, "",
	    NULL, &r), 200);
	cr_assert(!it_has(&r, "failed_logins") && !it_has(&r, "locked_until"),
	    "%s", r.body.data);
	it_http_free(&r);
	cr_assert_eq(it_call(sup, "GET", "/api/v1/admins?locked=true&q=lock-",
	    NULL, &r), 200);
	cr_assert(it_has(&r, "lock-u@one.adm.example"), "%s", r.body.data);
	it_http_free(&r);

	/* Lifted by support only, or the company's admins; audited. */
	expect(key("company_viewer", "Adm One", NULL), "POST", u, "/unlock",
	    NULL, 403, NULL);
	expect(key("domain_admin", "Adm One", "one.adm.example"), "POST", u,
	    "/unlock", NULL, 403, NULL);
	expect(key("company_admin", "Adm Two", NULL), "POST", u, "/unlock",
	    NULL, 404, NULL);
	cr_assert_eq(it_login("lock-u@one.adm.example", PW, NULL, "192.0.2.31",
	    NULL, 0), 429);
	expect(sup, "POST", u, "/unlock", NULL, 200, "\"failed_logins\":0");
	cr_assert_eq(it_count(db, "SELECT count(*) FROM audit_log WHERE "
	    "action = 'admin.unlock' AND object_id = $1 AND "
	    "(before->>'failed_logins')::int = 10 AND before ? 'locked_until' "
	    "AND (after->>'failed_logins')::int = 0 AND NOT after ? "
	    "'locked_until'", 1, p), 1);
	cr_assert_eq(it_login("lock-u@one.adm.example", PW, NULL, "192.0.2.31",
	    NULL, 0), 200);
	cr_assert_eq(it_call(sup, "GET", "/api/v1/admins?locked=true&q=lock-",
	    NULL, &r), 200);
	cr_assert(!it_has(&r, "lock-u@one.adm.example"), "%s", r.body.data);
	it_http_free(&r);
	free(u);
}

/* Addresses locked out (sql/002): seen and lifted by provider staff. */
Test(api_admins, support_lifts_an_address_lock)
{
	const char	*sup = key("support", NULL, NULL);
	const char	*adm = key("company_admin", "Adm One", NULL);
	struct it_http	 r;
	char		*next, path[160];

	free(admin("addr@one.adm.example", "company_viewer", "Adm One"));
	it_ok(db, "INSERT INTO login_throttle (remote_addr, failures, "
	    "locked_until) VALUES ('192.0.2.41', 30, now() + interval "
	    "'15 minutes'), ('2001:db8::41', 31, now() + interval "
	    "'10 minutes'), ('192.0.2.42', 3, NULL)", 0, NULL);
	cr_assert_eq(it_login("addr@one.adm.example", PW, NULL, "192.0.2.41",
	    NULL, 0), 429);

	cr_assert_eq(it_call(sup, "GET", "/api/v1/login-locks?limit=1000",
	    NULL, &r), 200);
	cr_assert(it_has(&r, "\"remote_addr\" : \"192.0.2.41\"") &&
	    it_has(&r, "\"failures\" : 30") && it_has(&r, "2001:db8::41") &&
	    !it_has(&r, "192.0.2.42"), "%s", r.body.data);
	it_http_free(&r);
	/* Pages of one, by address. */
	cr_assert_eq(it_call(sup, "GET", "/api/v1/login-locks?limit=1", NULL,
	    &r), 200);
	cr_assert((next = strstr(r.body.data, "\"next_cursor\" : \"")) !=
	    NULL, "%s", r.body.data);
	next += strlen("\"next_cursor\" : \"");
	snprintf(path, sizeof(path), "/api/v1/login-locks?limit=1000&"
	    "cursor=%.*s", (int)strcspn(next, "\""), next);
	it_http_free(&r);
	cr_assert_eq(it_call(sup, "GET", path, NULL, &r), 200);
	cr_assert(it_has(&r, "2001:db8::41"), "%s", r.body.data);
	it_http_free(&r);
	cr_assert_eq(it_call(sup, "GET", "/api/v1/login-locks?cursor=7a7a",
	    NULL, &r), 400);
	it_http_free(&r);

	/* Nobody of a company sees or lifts them. */
	cr_assert_eq(it_call(adm, "GET", "/api/v1/login-locks", NULL, &r),
	    403);
	it_http_free(&r);
	cr_assert_eq(it_call(adm, "DELETE", "/api/v1/login-locks/192.0.2.41",
	    NULL, &r), 403);
	it_http_free(&r);

	cr_assert_eq(it_call(sup, "DELETE", "/api/v1/login-locks/192.0.2.41",
	    NULL, &r), 204, "%s", r.body.data);
	it_http_free(&r);
	cr_assert_eq(count("SELECT count(*) FROM audit_log WHERE action = "
	    "'login_lock.delete' AND object_id = '192.0.2.41' AND "
	    "(before->>'failures')::int = 30", NULL), 1);
	cr_assert_eq(it_login("addr@one.adm.example", PW, NULL, "192.0.2.41",
	    NULL, 0), 200);
	cr_assert_eq(it_call(sup, "DELETE", "/api/v1/login-locks/192.0.2.41",
	    NULL, &r), 404);
	it_http_free(&r);
	cr_assert_eq(it_call(sup, "DELETE", "/api/v1/login-locks/2001:db8::41",
	    NULL, &r), 204);
	it_http_free(&r);
	cr_assert_eq(it_call(sup, "DELETE", "/api/v1/login-locks/nowhere",
	    NULL, &r), 404);
	it_http_free(&r);
	cr_assert_eq(count("SELECT count(*) FROM login_throttle WHERE "
	    "remote_addr IN ('192.0.2.41', '2001:db8::41')", NULL), 0);
	it_ok(db, "DELETE FROM login_throttle WHERE remote_addr = "
	    "'192.0.2.42'", 0, NULL);
}
