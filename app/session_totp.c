/*
 * TOTP for the logged-in admin's own account (RFC 6238, app/lib/totp.c):
 *
 *   POST /api/v1/session/totp           start: a new secret, shown once
 *   POST /api/v1/session/totp/confirm   {"code"}: a code of it turns TOTP on
 *   POST /api/v1/session/totp/disable   {"code"}: a current code turns it off
 *
 * Turning off is a POST because Kore 4.1 reads no body with a DELETE.
 * The secret is stored (it must be, to check codes) and shown only in the
 * answer that starts enrolment: never again, never in the audit log.  A
 * wrong code counts as a failed login of the account, throttled the same
 * way (sql/009's pr_login_lock_until); a code is taken once (the account
 * keeps the last step accepted).  API keys have no account: 409.
 */
#include <kore/kore.h>
#include <kore/http.h>

#include <openssl/crypto.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"
#include "totp.h"

int	pr_session_totp(struct http_request *);
int	pr_session_totp_confirm(struct http_request *);
int	pr_session_totp_disable(struct http_request *);

struct tcode {
	int	turn_on;
	char	code[PR_TOTP_DIGITS + 1];
	char	secret[PR_TOTP_SECRET_LEN + 1];
	char	step[24];
	char	remote[64];
};

static void	started(struct pr_api *);
static void	code_read(struct pr_api *);
static void	code_done(struct pr_api *);
static void	code_wrong(struct pr_api *);

static int
has_account(struct pr_api *api)
{
	if (api->actor.admin_id[0] != '\0')
		return (1);
	pr_api_problem(api, HTTP_STATUS_CONFLICT, PR_PROBLEM_CONFLICT,
	    "Conflict", "an API key has no admin account: log in");
	return (0);
}

static void
conflict(struct pr_api *api, const char *detail)
{
	pr_api_problem(api, HTTP_STATUS_CONFLICT, PR_PROBLEM_CONFLICT,
	    "Conflict", detail);
}

#define TOTP_AUDIT							\
	"INSERT INTO audit_log (company_id, actor, actor_admin_id, "	\
	"remote_addr, action, object_type, object_id, before, after) "

/* A new secret replaces one not confirmed; one in use stays. */
static void
totp_start(struct pr_api *api)
{
	char	remote[64], *secret;

	if (!has_account(api))
		return;
	secret = api->data = kore_calloc(1, PR_TOTP_SECRET_LEN + 1);
	if (pr_totp_secret_new(secret) == -1) {
		pr_api_problem(api, HTTP_STATUS_INTERNAL_ERROR,
		    PR_PROBLEM_INTERNAL, "Internal error", NULL);
		return;
	}
	pr_remote_addr(api->req, remote, sizeof(remote));
	pr_api_query(api, started,
	    "WITH a AS (UPDATE admins SET totp_secret = $2, "
	    "totp_confirmed_at = NULL, totp_last_step = NULL, updated_at = "
	    "now() WHERE id = $1 AND totp_confirmed_at IS NULL RETURNING id, "
	    "company_id, email), "
	    "l AS (" TOTP_AUDIT "SELECT company_id, $3, id, nullif($4, "
	    "'')::inet, 'admin.totp.start', 'admin', id::text, NULL, NULL "
	    "FROM a) "
	    "SELECT (SELECT email FROM a)",
	    4, api->actor.admin_id, secret, api->actor.who, remote);
}

static void
started(struct pr_api *api)
{
	char		*secret = api->data, uri[512];
	struct sbuf	 b;

	if (pr_api_rows(api) != 1 || pr_api_isnull(api, 0, 0)) {
		conflict(api, "TOTP is on already: turn it off first (POST "
		    "/api/v1/session/totp/disable with a current code)");
		return;
	}
	if (pr_totp_uri(PR_TOTP_ISSUER, pr_api_value(api, 0, 0), secret, uri,
	    sizeof(uri)) == -1) {
		pr_api_problem(api, HTTP_STATUS_INTERNAL_ERROR,
		    PR_PROBLEM_INTERNAL, "Internal error", NULL);
		return;
	}
	sbuf_init(&b);
	sbuf_puts(&b, "{\"secret\":");
	sbuf_json_str(&b, secret);
	sbuf_puts(&b, ",\"uri\":");
	sbuf_json_str(&b, uri);
	sbuf_puts(&b, "}");
	pr_api_json(api, HTTP_STATUS_OK, b.data, b.len);
	OPENSSL_cleanse(b.data, b.len);
	OPENSSL_cleanse(uri, sizeof(uri));
	OPENSSL_cleanse(secret, PR_TOTP_SECRET_LEN);
	sbuf_free(&b);
}

/* Confirm and disable: the body's code, then the account's TOTP. */
static void
code_start(struct pr_api *api, int turn_on)
{
	static const char *const known[] = { "code", NULL };
	const struct pr_json	*body, *v;
	struct pr_fields	 f;
	struct tcode		*t;

	if (!has_account(api) || (body = pr_api_body(api)) == NULL)
		return;
	t = api->data = kore_calloc(1, sizeof(*t));
	t->turn_on = turn_on;
	pr_fields_init(&f);
	pr_fields_known(&f, body, known);
	v = pr_json_get(body, "code");
	if (v == NULL || v->type != PR_JSON_STRING ||
	    v->u.string.len != PR_TOTP_DIGITS ||
	    strspn(v->u.string.s, "0123456789") != PR_TOTP_DIGITS)
		pr_fields_add(&f, "code", "required: the 6 digits the "
		    "authenticator app shows now");
	if (pr_fields_answer(api, &f))
		return;
	snprintf(t->code, sizeof(t->code), "%s", v->u.string.s);
	pr_remote_addr(api->req, t->remote, sizeof(t->remote));
	pr_api_query(api, code_read,
	    "SELECT totp_secret, totp_confirmed_at IS NOT NULL, "
	    "coalesce(totp_last_step, -1), coalesce(locked_until > now(), "
	    "false), ceil(extract(epoch FROM locked_until - now()))::bigint "
	    "FROM admins WHERE id = $1", 1, api->actor.admin_id);
}

static void
code_read(struct pr_api *api)
{
	struct tcode	*t = api->data;
	int64_t		 step;
	int		 on;

	if (pr_api_rows(api) != 1)
		return;
	if (pr_api_value(api, 0, 3)[0] == 't') {
		pr_api_throttled(api, pr_api_value(api, 0, 4));
		return;
	}
	on = pr_api_value(api, 0, 1)[0] == 't';
	if (t->turn_on && on) {
		conflict(api, "TOTP is on already");
		return;
	}
	if (t->turn_on && pr_api_isnull(api, 0, 0)) {
		conflict(api, "no enrolment under way: start one with POST "
		    "/api/v1/session/totp");
		return;
	}
	if (!t->turn_on && !on) {
		conflict(api, "TOTP is off");
		return;
	}
	snprintf(t->secret, sizeof(t->secret), "%s", pr_api_value(api, 0, 0));
	step = pr_totp_check(t->secret, t->code, time(NULL),
	    strtoll(pr_api_value(api, 0, 2), NULL, 10));
	if (step == -1) {
		code_wrong(api);
		return;
	}
	snprintf(t->step, sizeof(t->step), "%lld", (long long)step);
	/* Only if nobody changed the account's TOTP meanwhile. */
	pr_api_query(api, code_done,
	    "WITH a AS (UPDATE admins SET "
	    "totp_secret = CASE WHEN $3::bool THEN totp_secret END, "
	    "totp_confirmed_at = CASE WHEN $3::bool THEN now() END, "
	    "totp_last_step = CASE WHEN $3::bool THEN $4::bigint END, "
	    "updated_at = now() WHERE id = $1 AND totp_secret = $2 AND "
	    "(totp_confirmed_at IS NULL) = $3::bool AND "
	    "coalesce(totp_last_step, -1) < $4::bigint "
	    "RETURNING id, company_id), "
	    "l AS (" TOTP_AUDIT "SELECT company_id, $5, id, nullif($6, "
	    "'')::inet, CASE WHEN $3::bool THEN 'admin.totp.enable' ELSE "
	    "'admin.totp.disable' END, 'admin', id::text, "
	    "jsonb_build_object('totp_enabled', NOT $3::bool), "
	    "jsonb_build_object('totp_enabled', $3::bool) FROM a) "
	    "SELECT count(*) FROM a",
	    6, api->actor.admin_id, t->secret, t->turn_on ? "t" : "f", t->step,
	    api->actor.who, t->remote);
	OPENSSL_cleanse(t->secret, sizeof(t->secret));
}

static void
code_done(struct pr_api *api)
{
	if (strcmp(pr_api_value(api, 0, 0), "1") != 0) {
		conflict(api, "the account's TOTP changed meanwhile: try "
		    "again");
		return;
	}
	pr_api_empty(api, HTTP_STATUS_NO_CONTENT);
}

static void
code_refused(struct pr_api *api)
{
	struct pr_fields	f;

	pr_fields_init(&f);
	pr_fields_add(&f, "code", "wrong, or used already");
	pr_fields_answer(api, &f);
}

/* A wrong code is a failed login: counted, locked as logins are. */
static void
code_wrong(struct pr_api *api)
{
	struct tcode	*t = api->data;

	OPENSSL_cleanse(t->secret, sizeof(t->secret));
	pr_api_query(api, code_refused,
	    "WITH a AS (UPDATE admins SET failed_logins = failed_logins + 1, "
	    "locked_until = pr_login_lock_until(failed_logins + 1) WHERE id = "
	    "$1 RETURNING id, company_id) "
	    TOTP_AUDIT "SELECT company_id, $2, id, nullif($3, '')::inet, "
	    "'admin.totp.failed', 'admin', id::text, NULL, NULL FROM a",
	    3, api->actor.admin_id, api->actor.who, t->remote);
}

static void
totp_confirm(struct pr_api *api)
{
	code_start(api, 1);
}

static void
totp_disable(struct pr_api *api)
{
	code_start(api, 0);
}

int
pr_session_totp(struct http_request *req)
{
	return (pr_api_run(req, PR_POST, totp_start));
}

int
pr_session_totp_confirm(struct http_request *req)
{
	return (pr_api_run(req, PR_POST, totp_confirm));
}

int
pr_session_totp_disable(struct http_request *req)
{
	return (pr_api_run(req, PR_POST, totp_disable));
}
