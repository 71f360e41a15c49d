/*
 * /api/v1/session: browsers log in, ask who they are, and log out.
 *
 * Failed logins are counted per account and per client address: from the
 * third failure on an account the next attempt must wait 1, 2, 4 ... s,
 * from the tenth it is locked for 15 minutes; an address with 30 failures
 * in 15 minutes is locked for 15 minutes.  Locked attempts answer 429 with
 * Retry-After and are not checked at all.
 *
 * An account with TOTP on (session_totp.c) also needs "totp", a current
 * code: without one the right password answers 401 totp-required and
 * counts as no failure; a wrong code, or one used already, is a failed
 * login.
 */
#include <kore/kore.h>
#include <kore/http.h>

#include <openssl/crypto.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"
#include "password.h"
#include "totp.h"
#include "validate.h"

int	pr_session(struct http_request *);

#define CSRF_LEN	32
#define SESSION_MAX_AGE	"43200"		/* 12 hours, as in the query */

struct login {
	char	email[PR_ADDRESS_MAX + 1];
	char	password[1025];
	char	remote[64];
	char	totp[PR_TOTP_DIGITS + 1];	/* "": none sent */
	char	step[24];			/* its step, once checked */
	char	token[PR_KEY_SECRET_LEN + 1];
	char	csrf[CSRF_LEN + 1];
};

static void	login_checked(struct pr_api *);
static void	login_failed(struct pr_api *);
static void	login_done(struct pr_api *);
static void	login_refused(struct pr_api *);

/*
 * Verified against when the account does not exist, so that the answer
 * takes as long as for a real one: made once per worker.
 */
static const char *
dummy_hash(void)
{
	static char	hash[PR_PW_HASH_MAX];
	char		pw[17];

	if (hash[0] == '\0' &&
	    (pr_random_string(pw, sizeof(pw), 16) == -1 ||
	    pr_password_hash(pw, PR_PW_SHA512_CRYPT, hash, sizeof(hash)) == -1))
		hash[0] = '\0';
	return (hash);
}

static void
check_totp(struct pr_fields *f, const struct pr_json *v, struct login *l)
{
	if (v == NULL)
		return;
	if (v->type != PR_JSON_STRING || v->u.string.len != PR_TOTP_DIGITS ||
	    strspn(v->u.string.s, "0123456789") != PR_TOTP_DIGITS) {
		pr_fields_add(f, "totp", "the 6 digits the authenticator app "
		    "shows now");
		return;
	}
	snprintf(l->totp, sizeof(l->totp), "%s", v->u.string.s);
}

static void
login_start(struct pr_api *api)
{
	const struct pr_json	*body, *email, *pw;
	struct pr_fields	 f;
	struct login		*l;

	if ((body = pr_api_body(api)) == NULL)
		return;
	l = api->data = kore_calloc(1, sizeof(*l));
	pr_fields_init(&f);
	email = pr_json_get(body, "email");
	pw = pr_json_get(body, "password");
	if (email == NULL || email->type != PR_JSON_STRING ||
	    pr_address_check(email->u.string.s, l->email,
	    sizeof(l->email)) != NULL)
		pr_fields_add(&f, "email", "required, an e-mail address");
	if (pw == NULL || pw->type != PR_JSON_STRING ||
	    pw->u.string.len >= sizeof(l->password))
		pr_fields_add(&f, "password", "required, a string");
	check_totp(&f, pr_json_get(body, "totp"), l);
	if (pr_fields_answer(api, &f))
		return;
	snprintf(l->password, sizeof(l->password), "%s", pw->u.string.s);
	pr_remote_addr(api->req, l->remote, sizeof(l->remote));

	pr_api_query(api, login_checked,
	    "SELECT a.id, a.password_hash, a.status = 'active', "
	    "greatest(a.locked_until, t.locked_until) > now(), "
	    "ceil(extract(epoch FROM greatest(a.locked_until, t.locked_until) "
	    "- now()))::bigint, CASE WHEN a.totp_confirmed_at IS NOT NULL "
	    "THEN a.totp_secret END, coalesce(a.totp_last_step, -1) "
	    "FROM (SELECT 1) x LEFT JOIN admins a ON "
	    "a.email = $1 LEFT JOIN login_throttle t ON t.remote_addr = "
	    "nullif($2, '')::inet", 2, l->email, l->remote);
}

void
pr_api_throttled(struct pr_api *api, const char *retry_after)
{
	http_response_header(api->req, "retry-after", retry_after);
	pr_api_problem(api, PR_HTTP_TOO_MANY_REQUESTS, PR_PROBLEM_THROTTLED,
	    "Too many failed logins", "wait as long as Retry-After says");
}

/*
 * The password was right: with TOTP on, the code must be too.  1 to go
 * on, 0 when answered or counted as a failure.
 */
static int
login_totp(struct pr_api *api, struct login *l)
{
	int64_t	step;

	if (pr_api_isnull(api, 0, 5))
		return (1);
	if (l->totp[0] == '\0') {
		pr_api_problem(api, HTTP_STATUS_UNAUTHORIZED,
		    PR_PROBLEM_TOTP_REQUIRED, "TOTP code required",
		    "this account has TOTP on: send \"totp\", the code its "
		    "authenticator app shows now, with the e-mail and "
		    "password");
		return (0);
	}
	step = pr_totp_check(pr_api_value(api, 0, 5), l->totp, time(NULL),
	    strtoll(pr_api_value(api, 0, 6), NULL, 10));
	if (step == -1) {
		login_failed(api);
		return (0);
	}
	snprintf(l->step, sizeof(l->step), "%lld", (long long)step);
	return (1);
}

static void
login_checked(struct pr_api *api)
{
	struct login	*l = api->data;
	const char	*hash;
	int		 known, ok;

	if (pr_api_value(api, 0, 3)[0] == 't') {
		pr_api_throttled(api, pr_api_value(api, 0, 4));
		return;
	}
	known = !pr_api_isnull(api, 0, 0);
	hash = known ? pr_api_value(api, 0, 1) : dummy_hash();
	ok = pr_password_verify(l->password, hash) == 1 && known &&
	    pr_api_value(api, 0, 2)[0] == 't';
	OPENSSL_cleanse(l->password, sizeof(l->password));
	if (!ok) {
		login_failed(api);
		return;
	}
	if (!login_totp(api, l))
		return;
	if (pr_random_string(l->token, sizeof(l->token),
	    PR_KEY_SECRET_LEN) == -1 ||
	    pr_random_string(l->csrf, sizeof(l->csrf), CSRF_LEN) == -1) {
		pr_api_problem(api, HTTP_STATUS_INTERNAL_ERROR,
		    PR_PROBLEM_INTERNAL, "Internal error", NULL);
		return;
	}
	{
		char	hash_hex[PR_KEY_HASH_HEX + 1];

		pr_token_hash(l->token, hash_hex);
		pr_api_query(api, login_done,
		    /* A code is taken once, even by two logins at once. */
		    "WITH a AS (UPDATE admins SET failed_logins = 0, "
		    "locked_until = NULL, last_login_at = now(), "
		    "totp_last_step = coalesce($5::bigint, totp_last_step) "
		    "WHERE id = $1 AND (totp_confirmed_at IS NULL) = "
		    "($5::bigint IS NULL) AND ($5::bigint IS NULL OR "
		    "coalesce(totp_last_step, -1) < $5::bigint) "
		    "RETURNING id, company_id, email, role), "
		    "s AS (INSERT INTO sessions (token_hash, admin_id, "
		    "csrf_token, remote_addr, expires_at) SELECT $2, id, $3, "
		    "nullif($4, '')::inet, now() + interval '12 hours' FROM a "
		    "RETURNING expires_at), "
		    "l AS (INSERT INTO audit_log (company_id, actor_admin_id, "
		    "actor, remote_addr, action, object_type, object_id) SELECT "
		    "company_id, id, email, nullif($4, '')::inet, "
		    "'session.create', 'admin', id::text FROM a) "
		    "SELECT json_build_object('email', a.email, 'role', a.role, "
		    "'company_id', a.company_id, 'csrf_token', $3::text, "
		    "'expires_at', s.expires_at) FROM a, s",
		    5, pr_api_value(api, 0, 0), hash_hex, l->csrf, l->remote,
		    l->step[0] != '\0' ? l->step : NULL);
	}
}

/* Count the failure against the account and the address; then 401. */
static void
login_failed(struct pr_api *api)
{
	struct login	*l = api->data;

	pr_api_query(api, login_refused,
	    "WITH a AS (UPDATE admins SET failed_logins = failed_logins + 1, "
	    "locked_until = pr_login_lock_until(failed_logins + 1) "
	    "WHERE email = $1 RETURNING company_id), "
	    "t AS (INSERT INTO login_throttle AS t (remote_addr, failures) "
	    "SELECT nullif($2, '')::inet, 1 WHERE $2 <> '' ON CONFLICT "
	    "(remote_addr) DO "
	    "UPDATE SET failures = CASE WHEN t.first_failure_at < now() - "
	    "interval '15 minutes' THEN 1 ELSE t.failures + 1 END, "
	    "first_failure_at = CASE WHEN t.first_failure_at < now() - "
	    "interval '15 minutes' THEN now() ELSE t.first_failure_at END, "
	    "locked_until = CASE WHEN t.failures + 1 >= 30 AND "
	    "t.first_failure_at >= now() - interval '15 minutes' THEN now() + "
	    "interval '15 minutes' END) "
	    "INSERT INTO audit_log (company_id, actor, remote_addr, action, "
	    "object_type, object_id) SELECT (SELECT company_id FROM a), $1, "
	    "nullif($2, '')::inet, 'session.failed', 'admin', $1",
	    2, l->email, l->remote);
}

static void
login_refused(struct pr_api *api)
{
	struct login	*l = api->data;

	pr_api_problem(api, HTTP_STATUS_UNAUTHORIZED, PR_PROBLEM_UNAUTHORIZED,
	    "Unauthorized", l->totp[0] != '\0' ?
	    "wrong e-mail, password or TOTP code" : "wrong e-mail or password");
}

static void
login_done(struct pr_api *api)
{
	struct login	*l = api->data;
	struct sbuf	 cookie;
	const char	*json;

	if (pr_api_rows(api) != 1) {
		pr_api_problem(api, HTTP_STATUS_UNAUTHORIZED,
		    PR_PROBLEM_UNAUTHORIZED, "Unauthorized",
		    "wrong e-mail or password");
		return;
	}
	sbuf_init(&cookie);
	sbuf_printf(&cookie, PR_SESSION_COOKIE "=%s; Path=/; HttpOnly; "
	    "SameSite=Strict; Max-Age=" SESSION_MAX_AGE "%s", l->token,
	    pr_remote_https(api->req) ? "; Secure" : "");
	http_response_header(api->req, "set-cookie", cookie.data);
	OPENSSL_cleanse(cookie.data, cookie.len);
	sbuf_free(&cookie);
	OPENSSL_cleanse(l->token, sizeof(l->token));
	json = pr_api_value(api, 0, 0);
	pr_api_json(api, HTTP_STATUS_OK, json, strlen(json));
}

static void
whoami(struct pr_api *api)
{
	struct sbuf	b;

	sbuf_init(&b);
	sbuf_printf(&b, "{\"authenticated_by\":\"%s\",\"actor\":",
	    api->actor.admin_id[0] ? "session" : "key");
	sbuf_json_str(&b, api->actor.who);
	sbuf_printf(&b, ",\"role\":\"%s\",\"company_id\":%s}",
	    pr_role_name(api->actor.role),
	    api->actor.company_id ? api->actor.company : "null");
	pr_api_json(api, HTTP_STATUS_OK, b.data, b.len);
	sbuf_free(&b);
}

static void
logged_out(struct pr_api *api)
{
	http_response_header(api->req, "set-cookie", PR_SESSION_COOKIE
	    "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
	http_response(api->req, HTTP_STATUS_NO_CONTENT, NULL, 0);
	api->responded = 1;
}

static void
logout(struct pr_api *api)
{
	char	remote[64];

	if (api->actor.admin_id[0] == '\0') {
		pr_api_problem(api, HTTP_STATUS_CONFLICT, PR_PROBLEM_CONFLICT,
		    "Conflict", "an API key has no session to end");
		return;
	}
	pr_remote_addr(api->req, remote, sizeof(remote));
	pr_api_query(api, logged_out,
	    "WITH s AS (DELETE FROM sessions WHERE token_hash = $1 "
	    "RETURNING admin_id) INSERT INTO audit_log (company_id, "
	    "actor_admin_id, actor, remote_addr, action, object_type, "
	    "object_id) SELECT a.company_id, a.id, a.email, "
	    "nullif($2, '')::inet, 'session.delete', 'admin', a.id::text "
	    "FROM s JOIN admins a ON a.id = s.admin_id",
	    2, api->actor.token_hash, remote);
}

int
pr_session(struct http_request *req)
{
	if (req->method == HTTP_METHOD_POST)
		return (pr_api_run_public(req, PR_POST, login_start));
	return (pr_api_run(req, PR_GET | PR_POST | PR_DELETE,
	    req->method == HTTP_METHOD_DELETE ? logout : whoami));
}
