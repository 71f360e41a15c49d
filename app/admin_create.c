/*
 * POST /api/v1/admins: create an admin account.
 *
 * Operators create any account; a company's admins company_admin,
 * company_viewer and domain_admin accounts of their company.  The body is
 * checked at once, every error together; then one statement inserts the
 * account (with its password's crypt hash only), its domains (all of them
 * the company's, live) and the audit entry, without secrets.  An e-mail
 * taken is a 409 on "email".
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

struct anew {
	char		email[PR_ADDRESS_MAX + 1];
	char		display_name[801];
	char		hash[PR_PW_HASH_MAX];
	struct pr_scope	scope;
};

static void	create_done(struct pr_api *);
static void	create_failed(struct pr_api *);

static void
check_email(struct pr_fields *f, const struct pr_json *body, struct anew *n)
{
	const struct pr_json	*v = pr_json_get(body, "email");
	const char		*why;

	if (v == NULL || v->type != PR_JSON_STRING) {
		pr_fields_add(f, "email", "required, an e-mail address");
		return;
	}
	if ((why = pr_address_check(v->u.string.s, n->email,
	    sizeof(n->email))) != NULL)
		pr_fields_add(f, "email", "%s", why);
}

/* Every field; 0 when answered (403 or 422). */
static int
check_body(struct pr_api *api, const struct pr_json *body, struct anew *n)
{
	static const char *const known[] = { "email", "password", "role",
	    "display_name", "domains", "company_id", NULL };
	struct pr_fields	 f;
	char			 local[PR_LOCAL_MAX + 1];

	pr_fields_init(&f);
	pr_fields_known(&f, body, known);
	if (!pr_scope_role(api, &f, body, &n->scope, "account")) {
		pr_fields_answer(api, &f);
		return (0);
	}
	check_email(&f, body, n);
	pr_scope_company(api, &f, body, &n->scope, "account");
	pr_scope_domains(&f, body, &n->scope, "account");
	pr_mb_display_name(&f, pr_json_get(body, "display_name"),
	    n->display_name, sizeof(n->display_name));
	if (pr_json_get(body, "password") == NULL)
		pr_fields_add(&f, "password", "required, a string");
	/* Last: it hashes only when everything else is right. */
	snprintf(local, sizeof(local), "%.*s", (int)strcspn(n->email, "@"),
	    n->email);
	pr_mb_password(&f, pr_json_get(body, "password"),
	    local[0] != '\0' ? local : NULL, n->hash, sizeof(n->hash));
	return (!pr_fields_answer(api, &f));
}

void
pr_admin_create(struct pr_api *api)
{
	const struct pr_json	*body;
	struct anew		 n;
	char			 remote[64];

	if (!pr_scope_maker(api, "account") ||
	    (body = pr_api_body(api)) == NULL)
		return;
	memset(&n, 0, sizeof(n));
	pr_scope_init(&n.scope);
	if (!check_body(api, body, &n)) {
		pr_scope_free(&n.scope);
		return;
	}

	pr_remote_addr(api->req, remote, sizeof(remote));
	pr_api_query(api, create_done,
	    "WITH co AS (SELECT id FROM companies WHERE id = $2::bigint), "
	    "dn AS (SELECT d.id, d.name FROM domains d WHERE d.company_id = "
	    "$2::bigint AND d.name = ANY($6::text[]) AND d.deleted_at IS "
	    "NULL), "
	    "ok AS (SELECT ($2::bigint IS NULL OR EXISTS (SELECT 1 FROM co)) "
	    "AS company_ok, (SELECT count(*) FROM dn) = (SELECT count("
	    "DISTINCT x) FROM unnest(coalesce($6::text[], '{}')) x) AS "
	    "domains_ok), "
	    "a AS (INSERT INTO admins (company_id, email, password_hash, role, "
	    "display_name) SELECT $2::bigint, $1, $3, $4, $5 FROM ok WHERE "
	    "company_ok AND domains_ok RETURNING *), "
	    "ad AS (INSERT INTO admin_domains (company_id, admin_id, "
	    "domain_id) SELECT a.company_id, a.id, dn.id FROM a, dn), "
	    "j AS (SELECT a.id, a.company_id, " ADMIN_JSON("coalesce((SELECT "
	    "json_agg(name ORDER BY name) FROM dn), '[]')", "true") " AS doc "
	    "FROM a), "
	    "l AS (" ADMIN_AUDIT "SELECT company_id, $7, nullif($8, ''), "
	    "nullif($9, '')::bigint, nullif($10, '')::inet, 'admin.create', "
	    "'admin', id::text, NULL, doc::jsonb FROM j) "
	    "SELECT (SELECT id FROM j), (SELECT doc FROM j), company_ok, "
	    "domains_ok FROM ok",
	    10, n.email, n.scope.company[0] != '\0' ? n.scope.company : NULL,
	    n.hash, n.scope.role, n.display_name, n.scope.ndomains > 0 ?
	    n.scope.domains.data : NULL, api->actor.who, api->actor.key_id,
	    api->actor.admin_id, remote);
	api->on_error = create_failed;
	OPENSSL_cleanse(n.hash, sizeof(n.hash));
	pr_scope_free(&n.scope);
}

static void
create_done(struct pr_api *api)
{
	struct pr_fields	 f;
	const char		*doc;

	if (pr_api_rows(api) != 1)
		return;
	pr_fields_init(&f);
	if (pr_api_value(api, 0, 2)[0] != 't')
		pr_fields_add(&f, "company_id", "no such company");
	else if (pr_api_value(api, 0, 3)[0] != 't')
		pr_fields_add(&f, "domains", "the company has no such domain");
	if (pr_fields_answer(api, &f))
		return;
	doc = pr_api_value(api, 0, 1);
	pr_api_created(api, doc, strlen(doc), "/api/v1/admins/%s",
	    pr_api_value(api, 0, 0));
}

/* E-mail addresses are unique: they are the login. */
static void
create_failed(struct pr_api *api)
{
	pr_fields_taken(api, "email", "exists already");
}
