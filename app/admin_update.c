/*
 * PATCH and DELETE /api/v1/admins/{id}.
 *
 * Operators change and delete any account; a company's admins their
 * company's.  Nobody disables, deletes or changes the role of their own
 * account (409), and a company's own people never remove its last active
 * company_admin: the count is read after the company row is locked
 * (sql/009).  A new password or a disabled account ends the account's
 * sessions (but the one asking); only operators reset TOTP ("totp":
 * null), never their own.  Each change is one statement with its audit
 * entry, the account before and after, never a hash or a secret.
 */
#include <kore/kore.h>
#include <kore/http.h>

#include <openssl/crypto.h>

#include <string.h>

#include "admin.h"
#include "fields.h"
#include "mailbox.h"
#include "password.h"
#include "scope.h"
#include "validate.h"

#define LAST_ADMIN							\
	"this is the company''s last active company_admin: make "	\
	"another one first"

struct aupd {
	char		 id[24];
	const char	*role;
	const char	*status;
	char		 display_name[801];
	int		 has_display_name;
	int		 totp_reset;
	char		 hash[PR_PW_HASH_MAX];
	struct pr_scope	 scope;
};

static void	update_read(struct pr_api *);
static void	update_done(struct pr_api *);
static void	delete_done(struct pr_api *);

static int
refuse(struct pr_api *api, int status, const char *type, const char *title,
    const char *detail)
{
	pr_api_problem(api, status, type, title, detail);
	return (0);
}

static int
conflict(struct pr_api *api, const char *detail)
{
	return (refuse(api, HTTP_STATUS_CONFLICT, PR_PROBLEM_CONFLICT,
	    "Conflict", detail));
}

static int
forbidden(struct pr_api *api, const char *detail)
{
	return (refuse(api, HTTP_STATUS_FORBIDDEN, PR_PROBLEM_FORBIDDEN,
	    "Forbidden", detail));
}

/* The account's id from the path; 0 when answered. */
static int
writer(struct pr_api *api, char *id, size_t idlen)
{
	if (api->actor.role != PR_ROLE_OPERATOR &&
	    api->actor.role != PR_ROLE_COMPANY_ADMIN)
		return (forbidden(api, "this role cannot change admin "
		    "accounts"));
	return (pr_admin_path(api, id, idlen));
}

static int
is_self(struct pr_api *api, const char *id)
{
	return (strcmp(api->actor.admin_id, id) == 0);
}

/* What one's own account may not do to itself: answered as 409. */
static int
self_checks(struct pr_api *api, const struct aupd *u)
{
	if (!is_self(api, u->id))
		return (1);
	if (u->status != NULL && strcmp(u->status, "disabled") == 0)
		return (conflict(api, "you cannot disable your own account"));
	if (u->role != NULL && strcmp(u->role, pr_role_name(api->actor.role)))
		return (conflict(api, "you cannot change your own role"));
	if (u->totp_reset)
		return (conflict(api, "turn your own TOTP off with POST "
		    "/api/v1/session/totp/disable and a current code"));
	return (1);
}

void
pr_admin_update(struct pr_api *api)
{
	struct aupd	*u;

	u = api->data = kore_calloc(1, sizeof(*u));
	if (!writer(api, u->id, sizeof(u->id)) || pr_api_body(api) == NULL)
		return;
	/* The password's rule needs the account's e-mail: read it first. */
	pr_api_query(api, update_read, "SELECT a.email FROM admins a WHERE "
	    "a.id = $2 AND " ADMIN_SCOPE, 2, api->actor.company, u->id);
}

static void
check_totp(struct pr_fields *f, const struct pr_json *body, struct aupd *u)
{
	const struct pr_json	*v = pr_json_get(body, "totp");

	if (v == NULL)
		return;
	if (v->type != PR_JSON_NULL)
		pr_fields_add(f, "totp", "only null, which turns TOTP off: "
		    "its owner turns it on");
	else
		u->totp_reset = 1;
}

/* Every field; 0 when answered (403, 409 or 422). */
static int
check_body(struct pr_api *api, const char *email, struct aupd *u)
{
	static const char *const known[] = { "display_name", "password",
	    "role", "status", "domains", "totp", NULL };
	static const char *const statuses[] = { "active", "disabled", NULL };
	const struct pr_json	*body = api->body.root;
	struct pr_fields	 f;
	char			 local[PR_LOCAL_MAX + 1];

	pr_fields_init(&f);
	pr_fields_known(&f, body, known);
	pr_field_oneof(&f, body, "role", pr_scope_roles, 0, &u->role);
	pr_field_oneof(&f, body, "status", statuses, 0, &u->status);
	check_totp(&f, body, u);
	u->has_display_name = pr_json_get(body, "display_name") != NULL;
	pr_mb_display_name(&f, pr_json_get(body, "display_name"),
	    u->display_name, sizeof(u->display_name));
	pr_scope_domain_list(&f, pr_json_get(body, "domains"), &u->scope);
	if ((u->role != NULL && pr_scope_provider(u->role) &&
	    api->actor.role != PR_ROLE_OPERATOR && !forbidden(api,
	    "a company admin cannot grant a provider staff role")) ||
	    (u->totp_reset && api->actor.role != PR_ROLE_OPERATOR &&
	    !forbidden(api, "only operators reset another account's TOTP")) ||
	    !self_checks(api, u)) {
		pr_fields_answer(api, &f);
		return (0);
	}
	snprintf(local, sizeof(local), "%.*s", (int)strcspn(email, "@"),
	    email);
	pr_mb_password(&f, pr_json_get(body, "password"), local, u->hash,
	    sizeof(u->hash));
	return (!pr_fields_answer(api, &f));
}

static const char *
opt(const char *s)
{
	return (s != NULL && s[0] != '\0' ? s : NULL);
}

/*
 * The company row is locked before the count of its admins is read
 * (sql/009); $3 says that a company's own actor asks, for whom that
 * count guards.
 */
#define COMPANY_LOCKED							\
	"co AS (SELECT c.id FROM companies c JOIN admins a ON "		\
	"a.company_id = c.id WHERE a.id = $2 AND " ADMIN_SCOPE		\
	"FOR UPDATE OF c), "						\
	"cur AS (SELECT a.* FROM admins a WHERE a.id = $2 AND "		\
	ADMIN_SCOPE "FOR UPDATE), "

#define LAST_ADMIN_GUARD(NEWROLE, NEWSTATUS)				\
	"CASE WHEN $3::bool AND cur.role = 'company_admin' AND "	\
	"cur.status = 'active' AND (" NEWROLE " <> 'company_admin' OR "	\
	NEWSTATUS " <> 'active') AND pr_company_admins_but("		\
	"cur.company_id, cur.id) = 0 THEN '" LAST_ADMIN "' END"

static void
update_read(struct pr_api *api)
{
	struct aupd	*u = api->data;
	char		 remote[64];

	if (pr_api_rows(api) != 1) {
		pr_api_problem(api, HTTP_STATUS_NOT_FOUND, PR_PROBLEM_NOT_FOUND,
		    "Not found", "no such admin account");
		return;
	}
	pr_scope_init(&u->scope);
	if (!check_body(api, pr_api_value(api, 0, 0), u)) {
		pr_scope_free(&u->scope);
		return;
	}
	pr_remote_addr(api->req, remote, sizeof(remote));
	pr_api_query(api, update_done,
	    "WITH " COMPANY_LOCKED
	    "dn AS (SELECT d.id, d.name FROM domains d, cur WHERE "
	    "d.company_id = cur.company_id AND d.name = ANY($8::text[]) AND "
	    "d.deleted_at IS NULL), "
	    "nv AS (SELECT cur.id, coalesce($4, cur.role) AS role, "
	    "coalesce($5, cur.status) AS status, coalesce($6, "
	    "cur.display_name) AS display_name FROM cur), "
	    "why AS (SELECT "
	    "CASE WHEN (nv.role IN ('operator', 'support')) <> "
	    "(cur.company_id IS NULL) THEN 'a company''s account cannot "
	    "become provider staff, nor the reverse: make a new account' END "
	    "AS role, "
	    "CASE WHEN nv.role <> 'domain_admin' AND $8::text[] IS NOT NULL "
	    "THEN 'only domain_admin accounts have domains' "
	    "WHEN nv.role = 'domain_admin' AND $8::text[] IS NOT NULL AND "
	    "(SELECT count(*) FROM dn) <> (SELECT count(DISTINCT x) FROM "
	    "unnest($8::text[]) x) THEN 'the company has no such domain' "
	    "WHEN nv.role = 'domain_admin' AND $8::text[] IS NULL AND NOT "
	    "EXISTS (SELECT 1 FROM admin_domains x WHERE x.company_id = "
	    "cur.company_id AND x.admin_id = cur.id) THEN 'required for a "
	    "domain_admin: an array of 1 to 64 domain names' END AS domains, "
	    LAST_ADMIN_GUARD("nv.role", "nv.status") " AS last "
	    "FROM cur JOIN nv ON nv.id = cur.id LEFT JOIN co ON true), "
	    "ok AS (SELECT nv.* FROM nv, cur, why WHERE why.role IS NULL AND "
	    "why.domains IS NULL AND why.last IS NULL AND ((nv.role, "
	    "nv.status, nv.display_name) IS DISTINCT FROM (cur.role, "
	    "cur.status, cur.display_name) OR $7::text IS NOT NULL OR "
	    "($9::bool AND cur.totp_secret IS NOT NULL) OR ($8::text[] IS "
	    "NOT NULL AND ARRAY(SELECT id FROM dn ORDER BY id) IS DISTINCT "
	    "FROM ARRAY(SELECT domain_id FROM admin_domains x WHERE "
	    "x.company_id = cur.company_id AND x.admin_id = cur.id ORDER BY "
	    "domain_id)))), "
	    "upd AS (UPDATE admins x SET role = ok.role, status = ok.status, "
	    "display_name = ok.display_name, password_hash = coalesce($7, "
	    "x.password_hash), totp_secret = CASE WHEN $9::bool THEN NULL "
	    "ELSE x.totp_secret END, totp_confirmed_at = CASE WHEN $9::bool "
	    "THEN NULL ELSE x.totp_confirmed_at END, totp_last_step = CASE "
	    "WHEN $9::bool THEN NULL ELSE x.totp_last_step END, updated_at = "
	    "now() FROM ok WHERE x.id = ok.id RETURNING x.*), "
	    "dd AS (DELETE FROM admin_domains x USING upd WHERE x.company_id = "
	    "upd.company_id AND x.admin_id = upd.id AND (upd.role <> "
	    "'domain_admin' OR ($8::text[] IS NOT NULL AND x.domain_id NOT IN "
	    "(SELECT id FROM dn)))), "
	    "di AS (INSERT INTO admin_domains (company_id, admin_id, "
	    "domain_id) SELECT upd.company_id, upd.id, dn.id FROM upd, dn "
	    "WHERE upd.role = 'domain_admin' ON CONFLICT DO NOTHING), "
	    /* Sessions end with a new password or a disabled account. */
	    "s AS (DELETE FROM sessions s USING upd WHERE s.admin_id = upd.id "
	    "AND ($7::text IS NOT NULL OR upd.status = 'disabled') AND "
	    "s.token_hash <> $13), "
	    "b AS (SELECT " ADMIN_JSON(ADMIN_DOMAINS, "true") " AS doc "
	    "FROM cur a), "
	    "n AS (SELECT a.id, a.company_id, " ADMIN_JSON("CASE WHEN a.role "
	    "<> 'domain_admin' THEN '[]'::json WHEN $8::text[] IS NOT NULL "
	    "THEN (SELECT coalesce(json_agg(name ORDER BY name), '[]') FROM "
	    "dn) ELSE " ADMIN_DOMAINS " END", "true") " AS doc FROM upd a), "
	    "l AS (" ADMIN_AUDIT "SELECT n.company_id, $10, nullif($11, ''), "
	    "nullif($12, '')::bigint, nullif($14, '')::inet, 'admin.update', "
	    "'admin', n.id::text, b.doc::jsonb, n.doc::jsonb || "
	    "jsonb_build_object('password_changed', $7::text IS NOT NULL) "
	    "FROM n, b) "
	    "SELECT coalesce((SELECT doc FROM n), (SELECT doc FROM b)), "
	    "why.role, why.domains, why.last FROM why",
	    14, api->actor.company, u->id, api->actor.company_id != 0 ? "t" :
	    "f", u->role, u->status, u->has_display_name ? u->display_name :
	    NULL, opt(u->hash), u->scope.ndomains > 0 ? u->scope.domains.data :
	    NULL, u->totp_reset ? "t" : "f", api->actor.who,
	    api->actor.key_id, api->actor.admin_id, api->actor.token_hash,
	    remote);
	OPENSSL_cleanse(u->hash, sizeof(u->hash));
	pr_scope_free(&u->scope);
}

static void
update_done(struct pr_api *api)
{
	static const char *const names[] = { "role", "domains", NULL };

	if (pr_api_rows(api) == 1 && !pr_api_isnull(api, 0, 3)) {
		conflict(api, pr_api_value(api, 0, 3));
		return;
	}
	pr_field_answer_row(api, "no such admin account", names);
}

void
pr_admin_delete(struct pr_api *api)
{
	char	id[24], remote[64];

	if (!writer(api, id, sizeof(id)))
		return;
	if (is_self(api, id)) {
		conflict(api, "you cannot delete your own account");
		return;
	}
	pr_remote_addr(api->req, remote, sizeof(remote));
	pr_api_query(api, delete_done,
	    "WITH " COMPANY_LOCKED
	    "why AS (SELECT " LAST_ADMIN_GUARD("''", "''") " AS last "
	    "FROM cur LEFT JOIN co ON true), "
	    "b AS (SELECT a.id, a.company_id, " ADMIN_JSON(ADMIN_DOMAINS,
	    "true") " AS doc FROM cur a), "
	    "del AS (DELETE FROM admins x USING why WHERE x.id = $2 AND "
	    "why.last IS NULL RETURNING x.id), "
	    "l AS (" ADMIN_AUDIT "SELECT b.company_id, $4, nullif($5, ''), "
	    "nullif($6, '')::bigint, nullif($7, '')::inet, 'admin.delete', "
	    "'admin', b.id::text, b.doc::jsonb, NULL FROM b, del) "
	    "SELECT why.last FROM why",
	    7, api->actor.company, id, api->actor.company_id != 0 ? "t" : "f",
	    api->actor.who, api->actor.key_id, api->actor.admin_id, remote);
}

static void
delete_done(struct pr_api *api)
{
	if (pr_api_rows(api) != 1) {
		pr_api_problem(api, HTTP_STATUS_NOT_FOUND, PR_PROBLEM_NOT_FOUND,
		    "Not found", "no such admin account");
		return;
	}
	if (!pr_api_isnull(api, 0, 0)) {
		conflict(api, pr_api_value(api, 0, 0));
		return;
	}
	pr_api_empty(api, HTTP_STATUS_NO_CONTENT);
}
