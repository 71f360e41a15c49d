/*
 * TOTP for admin accounts: enrolment, confirmation, logins with and
 * without a code, a code refused the second time, turning it off, an
 * operator's reset; the secret never leaves the enrolment answer.  Codes
 * are made here with the server's own pure app/lib/totp.c.
 *
 * Tests never wait for the clock: a code is the current step's or the
 * next one's, both inside the server's window of one step either side;
 * when both were used, the account's last step is set back, as a minute
 * passing would leave it.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "itest.h"
#include "totp.h"

#define PW	"a long admin password"
#define ADDR	"192.0.2.51"	/* failures here spare the tests' own */

static PGconn	*db;

static void
fixture(void)
{
	db = it_db();
	if (it_count(db, "SELECT count(*) FROM companies WHERE name = "
	    "'Totp Co'", 0, NULL) == 1)
		return;
	it_ok(db, "INSERT INTO clusters (name) VALUES ('totp')", 0, NULL);
	it_ok(db, "INSERT INTO companies (name, cluster_id) SELECT 'Totp Co', "
	    "id FROM clusters WHERE name = 'totp'", 0, NULL);
}

static void
done(void)
{
	PQfinish(db);
}

TestSuite(api_totp, .init = fixture, .fini = done);

static long long
count(const char *sql, const char *email)
{
	const char	*p[1] = { email };

	return (it_count(db, sql, 1, p));
}

/* A code the server takes now, of a step after the last one used. */
static void
fresh_code(const char *secret, const char *email, char code[7])
{
	int64_t		 now = pr_totp_step(time(NULL)), last, step;
	char		 back[24];
	const char	*p[2] = { email, back };

	last = count("SELECT coalesce(totp_last_step, -1) FROM admins WHERE "
	    "email = $1", email);
	if (last > now) {
		snprintf(back, sizeof(back), "%lld", (long long)now - 1);
		it_ok(db, "UPDATE admins SET totp_last_step = $2::bigint WHERE "
		    "email = $1", 2, p);
		last = now - 1;
	}
	step = last >= now ? now + 1 : now;
	cr_assert_eq(pr_totp_code(secret, step, code), 0);
}

/* The code of the step used last: refused as a second use. */
static void
used_code(const char *secret, const char *email, char code[7])
{
	cr_assert_eq(pr_totp_code(secret, count("SELECT totp_last_step FROM "
	    "admins WHERE email = $1", email), code), 0);
}

/* A code of no step near now. */
static void
wrong_code(const char *secret, char code[7])
{
	int64_t	now = pr_totp_step(time(NULL));
	char	c[7];
	int	n, d, clash;

	for (n = 0;; n++) {
		snprintf(code, 7, "%06d", n);
		for (clash = 0, d = -3; d <= 3; d++) {
			cr_assert_eq(pr_totp_code(secret, now + d, c), 0);
			clash |= strcmp(c, code) == 0;
		}
		if (!clash)
			return;
	}
}

/* An account, logged in; its credentials. */
static void
account(const char *email, char *cred, size_t credlen)
{
	free(it_admin(db, email, PW, "company_admin", "Totp Co"));
	cr_assert_eq(it_login(email, PW, NULL, ADDR, cred, credlen), 200);
}

/* POST /api/v1/session/totp: the secret, checked against the URI. */
static void
start(const char *cred, const char *email, char secret[33])
{
	struct it_http	 r;
	char		 uri[256];
	const char	*s;

	cr_assert_eq(it_call_as(cred, "POST", "/api/v1/session/totp", NULL,
	    &r), 200, "%s", r.body.data);
	cr_assert((s = strstr(r.body.data, "\"secret\":\"")) != NULL);
	snprintf(secret, 33, "%.32s", s + 10);
	cr_assert_eq(strspn(secret, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"), 32);
	/* The JSON writer escapes '&' (as \u0026), as it may. */
	snprintf(uri, sizeof(uri), "\"uri\":\"otpauth://totp/Postroom:%s?"
	    "secret=%s\\u0026issuer=Postroom\"", email, secret);
	cr_assert(it_has(&r, uri), "%s", r.body.data);
	it_http_free(&r);
}

static long
send_code(const char *cred, const char *what, const char *code,
    struct it_http *r)
{
	char	path[64], body[64];

	snprintf(path, sizeof(path), "/api/v1/session/totp/%s", what);
	snprintf(body, sizeof(body), "{\"code\": \"%s\"}", code);
	return (it_call_as(cred, "POST", path, body, r));
}

static void
expect_code(const char *cred, const char *what, const char *code, long want)
{
	struct it_http	r;

	cr_assert_eq(send_code(cred, what, code, &r), want, "%s %s: %s", what,
	    code, r.body.data);
	it_http_free(&r);
}

/* Nowhere but in the enrolment answer: not shown, logged or audited. */
static void
secret_kept(const char *secret, const char *email)
{
	const char	*p[1] = { secret };
	struct it_http	 r;
	struct sbuf	 out;
	char		 path[256];

	cr_assert_eq(it_count(db, "SELECT count(*) FROM audit_log WHERE "
	    "concat(actor, object_id, before, after) LIKE '%' || $1 || '%'",
	    1, p), 0);
	snprintf(path, sizeof(path), "/api/v1/admins?q=%s", email);
	cr_assert_eq(it_call(it_key(db, "operator", NULL, NULL, 0), "GET",
	    path, NULL, &r), 200);
	cr_assert(it_has(&r, email) && !it_has(&r, secret), "%s", r.body.data);
	it_http_free(&r);
	snprintf(path, sizeof(path), "grep -c %s %s/var/log/postroom.log",
	    secret, it_env("PR_TEST_TMP"));
	sbuf_init(&out);
	cr_assert_eq(it_run(path, &out), 1, "the server logged it: %s",
	    out.data);
	sbuf_free(&out);
}

Test(api_totp, enrol_confirm_login_reuse_disable)
{
	const char	*email = "t1@totp.example";
	char		 cred[300], secret[33], code[7], other[33];
	struct it_http	 r;

	account(email, cred, sizeof(cred));
	start(cred, email, secret);
	/* Not on before it is confirmed: logins need no code yet. */
	cr_assert_eq(it_login(email, PW, NULL, ADDR, NULL, 0), 200);
	cr_assert_eq(count("SELECT count(*) FROM admins WHERE email = $1 AND "
	    "totp_secret IS NOT NULL AND totp_confirmed_at IS NULL", email),
	    1);

	/* A wrong code is refused and counted as a failed login. */
	wrong_code(secret, code);
	cr_assert_eq(send_code(cred, "confirm", code, &r), 422);
	cr_assert(it_has(&r, "\"field\":\"code\""), "%s", r.body.data);
	it_http_free(&r);
	cr_assert_eq(count("SELECT failed_logins FROM admins WHERE email = $1",
	    email), 1);
	expect_code(cred, "confirm", "12345", 422);	/* not 6 digits */

	/* A second start before confirming replaces the secret. */
	start(cred, email, other);
	cr_assert_str_neq(secret, other);
	fresh_code(secret, email, code);
	expect_code(cred, "confirm", code, 422);
	memcpy(secret, other, sizeof(secret));
	fresh_code(secret, email, code);
	expect_code(cred, "confirm", code, 204);
	cr_assert_eq(count("SELECT count(*) FROM admins WHERE email = $1 AND "
	    "totp_confirmed_at IS NOT NULL AND totp_last_step IS NOT NULL",
	    email), 1);
	cr_assert_eq(it_call_as(cred, "POST", "/api/v1/session/totp", NULL,
	    &r), 409);
	it_http_free(&r);
	expect_code(cred, "confirm", code, 409);

	/* A login now needs a code: without one, 401 and no failure. */
	it_ok(db, "UPDATE admins SET failed_logins = 0 WHERE email = $1", 1,
	    &email);
	cr_assert_eq(it_call_as("X-Forwarded-For: " ADDR, "POST",
	    "/api/v1/session", "{\"email\": \"t1@totp.example\", "
	    "\"password\": \"" PW "\"}", &r), 401);
	cr_assert(it_has(&r, "urn:postroom:problem:totp-required") &&
	    it_has(&r, "TOTP code"), "%s", r.body.data);
	cr_assert_str_eq(r.cookie, "");
	it_http_free(&r);
	cr_assert_eq(count("SELECT failed_logins FROM admins WHERE email = $1",
	    email), 0);
	/* Without the right password the code is never asked for. */
	cr_assert_eq(it_login(email, "not the password", NULL, ADDR, NULL, 0),
	    401);
	/* A wrong code, or one used already, is a failed login. */
	wrong_code(secret, code);
	cr_assert_eq(it_login(email, PW, code, ADDR, NULL, 0), 401);
	used_code(secret, email, code);
	cr_assert_eq(it_login(email, PW, code, ADDR, NULL, 0), 401);
	cr_assert_eq(count("SELECT failed_logins FROM admins WHERE email = $1",
	    email), 3);
	it_ok(db, "UPDATE admins SET failed_logins = 0, locked_until = NULL "
	    "WHERE email = $1", 1, &email);
	fresh_code(secret, email, code);
	cr_assert_eq(it_login(email, PW, code, ADDR, cred, sizeof(cred)), 200);
	cr_assert_eq(it_login(email, PW, code, ADDR, NULL, 0), 401);
	it_ok(db, "UPDATE admins SET failed_logins = 0, locked_until = NULL "
	    "WHERE email = $1", 1, &email);

	/* Off with a current code only. */
	wrong_code(secret, code);
	expect_code(cred, "disable", code, 422);
	used_code(secret, email, code);
	expect_code(cred, "disable", code, 422);
	fresh_code(secret, email, code);
	expect_code(cred, "disable", code, 204);
	expect_code(cred, "disable", code, 409);
	cr_assert_eq(it_login(email, PW, NULL, ADDR, NULL, 0), 200);
	cr_assert_eq(count("SELECT count(*) FROM audit_log WHERE actor = $1 AND "
	    "action IN ('admin.totp.start', 'admin.totp.enable', "
	    "'admin.totp.disable', 'admin.totp.failed')", email), 8);
	secret_kept(secret, email);
	secret_kept(other, email);
	it_ok(db, "UPDATE admins SET failed_logins = 0, locked_until = NULL "
	    "WHERE email = $1", 1, &email);
}

Test(api_totp, operators_reset_it)
{
	const char	*email = "t2@totp.example";
	char		 cred[300], secret[33], code[7], *id;
	const char	*op = it_key(db, "operator", NULL, NULL, 0);
	struct it_http	 r;
	char		 path[64];

	account(email, cred, sizeof(cred));
	start(cred, email, secret);
	fresh_code(secret, email, code);
	expect_code(cred, "confirm", code, 204);
	id = it_value(db, "SELECT id::text FROM admins WHERE email = $1", 1,
	    &email);
	snprintf(path, sizeof(path), "/api/v1/admins/%s", id);
	cr_assert_eq(it_call(op, "GET", path, NULL, &r), 200);
	cr_assert(it_has(&r, "\"totp_enabled\":true") && !it_has(&r, secret),
	    "%s", r.body.data);
	it_http_free(&r);

	/* A company's admin may not; the account itself must use a code. */
	cr_assert_eq(it_call(it_key(db, "company_admin", "Totp Co", NULL, 0),
	    "PATCH", path, "{\"totp\": null}", &r), 403);
	it_http_free(&r);
	cr_assert_eq(it_call_as(cred, "PATCH", path, "{\"totp\": null}", &r),
	    403);
	it_http_free(&r);

	cr_assert_eq(it_call(op, "PATCH", path, "{\"totp\": null}", &r), 200);
	cr_assert(it_has(&r, "\"totp_enabled\":false"), "%s", r.body.data);
	it_http_free(&r);
	cr_assert_eq(count("SELECT count(*) FROM audit_log WHERE action = "
	    "'admin.update' AND object_id = (SELECT id::text FROM admins WHERE "
	    "email = $1) AND before->>'totp_enabled' = 'true' AND "
	    "after->>'totp_enabled' = 'false'", email), 1);
	cr_assert_eq(count("SELECT count(*) FROM admins WHERE email = $1 AND "
	    "totp_secret IS NULL AND totp_confirmed_at IS NULL", email), 1);
	cr_assert_eq(it_login(email, PW, NULL, ADDR, NULL, 0), 200);
	secret_kept(secret, email);
	free(id);
}

/* An operator turns their own TOTP off with a code, like anyone. */
Test(api_totp, own_reset_needs_a_code)
{
	const char	*email = "t3@totp.example";
	char		 cred[300], secret[33], code[7], *id, path[64];
	struct it_http	 r;

	id = it_admin(db, email, PW, "operator", NULL);
	cr_assert_eq(it_login(email, PW, NULL, ADDR, cred, sizeof(cred)), 200);
	start(cred, email, secret);
	fresh_code(secret, email, code);
	expect_code(cred, "confirm", code, 204);
	snprintf(path, sizeof(path), "/api/v1/admins/%s", id);
	cr_assert_eq(it_call_as(cred, "PATCH", path, "{\"totp\": null}", &r),
	    409);
	cr_assert(it_has(&r, "/api/v1/session/totp/disable"), "%s",
	    r.body.data);
	it_http_free(&r);
	free(id);
}

Test(api_totp, keys_have_no_account)
{
	struct it_http	r;

	cr_assert_eq(it_call(it_key(db, "company_admin", "Totp Co", NULL, 0),
	    "POST", "/api/v1/session/totp", NULL, &r), 409);
	cr_assert(it_has(&r, "no admin account"));
	it_http_free(&r);
	cr_assert_eq(it_call(it_key(db, "operator", NULL, NULL, 0), "POST",
	    "/api/v1/session/totp/disable", "{\"code\": \"123456\"}", &r), 409);
	it_http_free(&r);
	cr_assert_eq(it_call(NULL, "POST", "/api/v1/session/totp", NULL, &r),
	    401);
	it_http_free(&r);
	cr_assert_eq(it_call(NULL, "DELETE", "/api/v1/session/totp", NULL, &r),
	    405);
	it_http_free(&r);
}
