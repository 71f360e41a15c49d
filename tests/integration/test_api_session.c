/*
 * Browser sessions: log in, cookie, CSRF, log out, throttling.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itest.h"
#include "password.h"

static PGconn	*db;

#define PW	"a long admin password"

/* Company "Sess Co" with a domain and an admin per test (email given). */
static void
fixture(void)
{
	db = it_db();
	it_ok(db, "INSERT INTO clusters (name) VALUES ('sess') ON CONFLICT "
	    "DO NOTHING", 0, NULL);
	if (it_count(db, "SELECT count(*) FROM companies WHERE name = "
	    "'Sess Co'", 0, NULL) == 1)
		return;
	it_ok(db, "INSERT INTO mailstores (cluster_id, name, mail_root, "
	    "capacity_bytes) SELECT id, 'sess1', '/srv/sess1', 1000000000 FROM "
	    "clusters WHERE name = 'sess'", 0, NULL);
	it_ok(db, "INSERT INTO companies (name, cluster_id) SELECT 'Sess Co', "
	    "id FROM clusters WHERE name = 'sess'", 0, NULL);
	it_ok(db, "INSERT INTO domains (company_id, name) SELECT id, "
	    "'sess.example' FROM companies WHERE name = 'Sess Co'", 0, NULL);
}

static void
done(void)
{
	PQfinish(db);
}

TestSuite(api_session, .init = fixture, .fini = done);

static void
admin(const char *email)
{
	char		 hash[PR_PW_HASH_MAX];
	const char	*p[2] = { email, hash };

	cr_assert_eq(pr_password_hash(PW, PR_PW_SHA512_CRYPT, hash,
	    sizeof(hash)), 0);
	it_ok(db, "INSERT INTO admins (company_id, email, password_hash, role) "
	    "SELECT id, $1, $2, 'company_admin' FROM companies WHERE name = "
	    "'Sess Co'", 2, p);
}

static long
call(const char *method, const char *path, const char *hdrs, const char *body,
    struct it_http *r)
{
	char	url[256];

	snprintf(url, sizeof(url), "%s%s", it_env("PR_TEST_URL"), path);
	cr_assert_eq(it_http_body(method, url, hdrs, body ?
	    "Content-Type: application/json" : NULL, body, r), 0);
	return (r->status);
}

static long
login(const char *email, const char *pw, const char *hdrs, struct it_http *r)
{
	char	body[256];

	snprintf(body, sizeof(body), "{\"email\": \"%s\", \"password\": "
	    "\"%s\"}", email, pw);
	return (call("POST", "/api/v1/session", hdrs, body, r));
}

/* "Cookie: pr_session=...\nX-CSRF-Token: ..." from a login answer. */
static void
credentials(struct it_http *r, char *out, size_t outlen)
{
	char	*c, *t;

	c = strstr(r->cookie, "pr_session=");
	t = strstr(r->body.data, "\"csrf_token\" : \"");
	cr_assert(c != NULL && t != NULL, "%s / %s", r->cookie, r->body.data);
	t += strlen("\"csrf_token\" : \"");
	snprintf(out, outlen, "Cookie: %.*s\nX-CSRF-Token: %.*s",
	    (int)strcspn(c, ";"), c, (int)strcspn(t, "\""), t);
}

Test(api_session, login_use_logout)
{
	struct it_http	 r;
	char		 cred[300], nocsrf[200];
	const char	*p[1] = { "s1@sess.example" };

	admin("s1@sess.example");
	cr_assert_eq(login("S1@Sess.Example", "wrong password", NULL, &r), 401);
	cr_assert(strstr(r.body.data, "wrong e-mail or password") != NULL);
	cr_assert_str_eq(r.cookie, "");
	it_http_free(&r);

	cr_assert_eq(login("s1@sess.example", PW, NULL, &r), 200, "%s",
	    r.body.data);
	cr_assert(strstr(r.cookie, "HttpOnly") != NULL);
	cr_assert(strstr(r.cookie, "SameSite=Strict") != NULL);
	cr_assert(strstr(r.cookie, "Secure") == NULL);	/* plain HTTP */
	cr_assert(strstr(r.body.data, "\"role\" : \"company_admin\"") != NULL,
	    "%s", r.body.data);
	credentials(&r, cred, sizeof(cred));
	it_http_free(&r);
	/* Only the token's hash is stored. */
	cr_assert_eq(it_count(db, "SELECT count(*) FROM sessions s JOIN admins "
	    "a ON a.id = s.admin_id WHERE a.email = $1 AND length("
	    "s.token_hash) = 64", 1, p), 1);

	cr_assert_eq(call("GET", "/api/v1/session", cred, NULL, &r), 200);
	cr_assert(strstr(r.body.data, "\"authenticated_by\":\"session\""));
	cr_assert(strstr(r.body.data, "\"actor\":\"s1@sess.example\""));
	it_http_free(&r);

	/* Changes need the CSRF token; reads do not. */
	snprintf(nocsrf, sizeof(nocsrf), "%.*s", (int)strcspn(cred, "\n"),
	    cred);
	cr_assert_eq(call("GET", "/api/v1/mailboxes", nocsrf, NULL, &r), 200,
	    "%s", r.body.data);
	it_http_free(&r);
	cr_assert_eq(call("POST", "/api/v1/mailboxes", nocsrf, "{\"address\": "
	    "\"viasession@sess.example\", \"password\": \"long enough pw\"}",
	    &r), 403);
	cr_assert(strstr(r.body.data, "urn:postroom:problem:csrf") != NULL);
	it_http_free(&r);
	cr_assert_eq(call("POST", "/api/v1/mailboxes", cred, "{\"address\": "
	    "\"viasession@sess.example\", \"password\": \"long enough pw\"}",
	    &r), 201, "%s", r.body.data);
	it_http_free(&r);
	cr_assert_eq(it_count(db, "SELECT count(*) FROM audit_log l JOIN "
	    "admins a ON a.id = l.actor_admin_id WHERE l.action = "
	    "'mailbox.create' AND l.actor = $1 AND a.email = $1", 1, p), 1);

	cr_assert_eq(call("DELETE", "/api/v1/session", cred, NULL, &r), 204);
	cr_assert(strstr(r.cookie, "Max-Age=0") != NULL);
	it_http_free(&r);
	cr_assert_eq(call("GET", "/api/v1/session", cred, NULL, &r), 401);
	it_http_free(&r);
	cr_assert_eq(it_count(db, "SELECT count(*) FROM audit_log WHERE actor "
	    "= $1 AND action IN ('session.create', 'session.delete', "
	    "'session.failed')", 1, p), 3);
}

Test(api_session, idle_sessions_end)
{
	struct it_http	 r;
	char		 cred[300];
	const char	*p[1] = { "s2@sess.example" };

	admin("s2@sess.example");
	cr_assert_eq(login("s2@sess.example", PW, NULL, &r), 200);
	credentials(&r, cred, sizeof(cred));
	it_http_free(&r);
	it_ok(db, "UPDATE sessions SET last_seen_at = now() - interval "
	    "'31 minutes' WHERE admin_id = (SELECT id FROM admins WHERE "
	    "email = $1)", 1, p);
	cr_assert_eq(call("GET", "/api/v1/session", cred, NULL, &r), 401);
	cr_assert(strstr(r.body.data, "log in again") != NULL);
	it_http_free(&r);
}

Test(api_session, failures_slow_then_lock)
{
	struct it_http	 r;
	const char	*p[1] = { "s3@sess.example" };
	int		 i;

	admin("s3@sess.example");
	for (i = 0; i < 3; i++) {
		cr_assert_eq(login("s3@sess.example", "nope nope", NULL, &r),
		    401);
		it_http_free(&r);
	}
	/* Slowed: even the right password waits. */
	cr_assert_eq(login("s3@sess.example", PW, NULL, &r), 429);
	cr_assert(strstr(r.body.data, "urn:postroom:problem:throttled"));
	it_http_free(&r);
	it_ok(db, "UPDATE admins SET locked_until = now() - interval '1 s' "
	    "WHERE email = $1", 1, p);
	cr_assert_eq(login("s3@sess.example", PW, NULL, &r), 200);
	it_http_free(&r);
	cr_assert_eq(it_count(db, "SELECT failed_logins FROM admins WHERE "
	    "email = $1", 1, p), 0);

	/* Ten failures in a row lock the account for 15 minutes. */
	it_ok(db, "UPDATE admins SET failed_logins = 9 WHERE email = $1", 1, p);
	cr_assert_eq(login("s3@sess.example", "nope nope", NULL, &r), 401);
	it_http_free(&r);
	cr_assert_eq(it_count(db, "SELECT count(*) FROM admins WHERE email = $1 "
	    "AND locked_until > now() + interval '14 minutes'", 1, p), 1);
	cr_assert_eq(login("s3@sess.example", PW, NULL, &r), 429);
	it_http_free(&r);
	it_ok(db, "UPDATE admins SET locked_until = NULL, failed_logins = 0 "
	    "WHERE email = $1", 1, p);
}

Test(api_session, unknown_accounts_and_https)
{
	struct it_http	 r;

	cr_assert_eq(login("nobody@sess.example", PW, NULL, &r), 401);
	cr_assert(strstr(r.body.data, "wrong e-mail or password") != NULL);
	it_http_free(&r);
	cr_assert_eq(it_count(db, "SELECT count(*) FROM audit_log WHERE "
	    "action = 'session.failed' AND object_id = "
	    "'nobody@sess.example'", 0, NULL), 1);
	cr_assert_eq(call("POST", "/api/v1/session", NULL, "{\"email\": 5}",
	    &r), 422);
	it_http_free(&r);

	/* Behind the proxy, over HTTPS, the cookie is Secure. */
	admin("s4@sess.example");
	cr_assert_eq(login("s4@sess.example", PW, "X-Forwarded-Proto: https\n"
	    "X-Forwarded-For: 192.0.2.7", &r), 200);
	cr_assert(strstr(r.cookie, "; Secure") != NULL, "%s", r.cookie);
	it_http_free(&r);
	cr_assert_eq(it_count(db, "SELECT count(*) FROM sessions s JOIN admins "
	    "a ON a.id = s.admin_id WHERE a.email = 's4@sess.example' AND "
	    "s.remote_addr = '192.0.2.7'", 0, NULL), 1);
	/* The login from the proxied client was audited with its address. */
	cr_assert_eq(it_count(db, "SELECT count(*) FROM audit_log WHERE actor "
	    "= 's4@sess.example' AND remote_addr = '192.0.2.7'", 0, NULL), 1);
}
