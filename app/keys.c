/*
 * /api/v1/keys: API keys over HTTP.  A key is shown once, in the answer
 * that creates it; lists never carry its secret or hash, and neither
 * does the audit log.  A revocation reaches other workers when their
 * cache entry expires (auth.c, 10 s); the revoking worker forgets the
 * key at once.
 */
#include <kore/kore.h>
#include <kore/http.h>

#include <openssl/crypto.h>

#include <string.h>

#include "api.h"
#include "fields.h"
#include "params.h"
#include "path.h"
#include "sbuf.h"
#include "scope.h"

int	pr_keys(struct http_request *);
int	pr_key(struct http_request *);

#define SEG_KEY		3	/* /api/v1/keys/<id> */
#define KEY_NAME_MAX	200

/* A key as the API shows it; the row is k. */
#define KEY_JSON							\
	"json_build_object('key_id', k.key_id, 'name', k.name, "	\
	"'role', k.role, 'company_id', k.company_id, 'domains', "	\
	"coalesce((SELECT json_agg(d.name ORDER BY d.name) FROM "	\
	"api_key_domains kd JOIN domains d ON d.company_id = "		\
	"kd.company_id AND d.id = kd.domain_id WHERE kd.company_id = "	\
	"k.company_id AND kd.key_id = k.key_id), '[]'), "		\
	"'created_by', k.created_by, 'created_at', k.created_at, "	\
	"'last_used_at', k.last_used_at, 'revoked_at', k.revoked_at)"

struct knew {
	struct pr_apikey	 key;
	struct pr_scope		 scope;
	char			 name[KEY_NAME_MAX + 1];
};

static void	create_done(struct pr_api *);

/* Domain admins manage mailboxes, not keys: they list none. */
static void
keys_list(struct pr_api *api)
{
	struct pr_page	page;
	char		company[24];

	if (api->actor.role == PR_ROLE_DOMAIN_ADMIN) {
		pr_api_problem(api, HTTP_STATUS_FORBIDDEN, PR_PROBLEM_FORBIDDEN,
		    "Forbidden", "this role cannot list keys");
		return;
	}
	if (!pr_param_page(api, &page) ||
	    !pr_param_id(api, "company", "a company's id", company,
	    sizeof(company)))
		return;
	pr_api_query_custom(api, pr_api_json_row,
	    "WITH page AS (SELECT k.key_id, " KEY_JSON " AS j FROM api_keys k "
	    "WHERE ($1::bigint = 0 OR k.company_id = $1) "
	    "AND ($2 = '' OR k.key_id > $2) "
	    "AND ($3::bigint IS NULL OR k.company_id = $3) "
	    "ORDER BY k.key_id LIMIT $4::int + 1) "
	    PR_PAGE_JSON("key_id", "key_id", "$4::int"),
	    4, api->actor.company, page.after,
	    company[0] != '\0' ? company : NULL, page.limit);
}

static void
check_name(struct pr_fields *f, const struct pr_json *body, struct knew *n)
{
	const struct pr_json	*v = pr_json_get(body, "name");

	if (v == NULL)
		return;
	if (v->type != PR_JSON_STRING || v->u.string.len > KEY_NAME_MAX ||
	    strlen(v->u.string.s) != v->u.string.len)
		pr_fields_add(f, "name", "a string of at most %d octets",
		    KEY_NAME_MAX);
	else
		snprintf(n->name, sizeof(n->name), "%s", v->u.string.s);
}

static void
knew_free(struct knew *n)
{
	pr_scope_free(&n->scope);
	OPENSSL_cleanse(&n->key, sizeof(n->key));
}

static void
keys_create(struct pr_api *api)
{
	static const char *const known[] = { "role", "name", "domains",
	    "company_id", NULL };
	const struct pr_json	*body;
	struct pr_fields	 f;
	struct knew		 n;
	char			 remote[64];

	if (!pr_scope_maker(api, "key") || (body = pr_api_body(api)) == NULL)
		return;
	memset(&n, 0, sizeof(n));
	pr_scope_init(&n.scope);
	pr_fields_init(&f);
	pr_fields_known(&f, body, known);
	if (!pr_scope_role(api, &f, body, &n.scope, "key")) {
		pr_fields_answer(api, &f);
		knew_free(&n);
		return;
	}
	pr_scope_company(api, &f, body, &n.scope, "key");
	check_name(&f, body, &n);
	pr_scope_domains(&f, body, &n.scope, "key");
	if (pr_fields_answer(api, &f) || pr_apikey_new(&n.key) == -1) {
		knew_free(&n);
		return;
	}

	/*
	 * The key, its domains (all of them the company's, live) and its
	 * audit entry: one statement.  Only the secret's hash goes in.
	 */
	pr_remote_addr(api->req, remote, sizeof(remote));
	pr_api_query(api, create_done,
	    "WITH co AS (SELECT id FROM companies WHERE id = $2::bigint), "
	    "dn AS (SELECT d.id, d.name FROM domains d WHERE d.company_id = "
	    "$2::bigint AND d.name = ANY($5::text[]) AND d.deleted_at IS "
	    "NULL), "
	    "ok AS (SELECT ($2::bigint IS NULL OR EXISTS (SELECT 1 FROM co)) "
	    "AS company_ok, (SELECT count(*) FROM dn) = (SELECT count("
	    "DISTINCT x) FROM unnest(coalesce($5::text[], '{}')) x) AS "
	    "domains_ok), "
	    "k AS (INSERT INTO api_keys (key_id, company_id, role, "
	    "secret_hash, name, created_by) SELECT $1, $2::bigint, $3, $4, "
	    "$6, $7 FROM ok WHERE company_ok AND domains_ok RETURNING *), "
	    "kd AS (INSERT INTO api_key_domains (company_id, key_id, "
	    "domain_id) SELECT k.company_id, k.key_id, dn.id FROM k, dn), "
	    "j AS (SELECT k.company_id, k.key_id, json_build_object("
	    "'key_id', k.key_id, 'name', k.name, 'role', k.role, "
	    "'company_id', k.company_id, 'domains', coalesce((SELECT "
	    "json_agg(name ORDER BY name) FROM dn), '[]'), 'created_by', "
	    "k.created_by, 'created_at', k.created_at, 'last_used_at', "
	    "k.last_used_at, 'revoked_at', k.revoked_at) AS doc FROM k), "
	    "a AS (INSERT INTO audit_log (company_id, actor, actor_key_id, "
	    "actor_admin_id, remote_addr, action, object_type, object_id, "
	    "after) SELECT company_id, $7, nullif($8, ''), nullif($10, "
	    "'')::bigint, nullif($9, '')::inet, 'key.create', 'api_key', "
	    "key_id, doc::jsonb FROM j) "
	    "SELECT (SELECT doc FROM j), company_ok, domains_ok FROM ok",
	    10, n.key.id, n.scope.company[0] != '\0' ? n.scope.company : NULL,
	    n.scope.role, n.key.hash, n.scope.ndomains > 0 ?
	    n.scope.domains.data : NULL, n.name,
	    api->actor.who, api->actor.key_id, remote, api->actor.admin_id);

	/* The full key waits for the answer; nothing else keeps it. */
	api->data = kore_strdup(n.key.full);
	knew_free(&n);
}

static void
create_done(struct pr_api *api)
{
	struct pr_fields	 f;
	struct sbuf		 out;
	const char		*doc;
	char			*full = api->data;

	if (pr_api_rows(api) != 1)
		return;
	pr_fields_init(&f);
	if (pr_api_value(api, 0, 1)[0] != 't')
		pr_fields_add(&f, "company_id", "no such company");
	else if (pr_api_value(api, 0, 2)[0] != 't')
		pr_fields_add(&f, "domains", "the company has no such domain");
	if (pr_fields_answer(api, &f))
		return;

	/* The document, with the key added: shown this once. */
	doc = pr_api_value(api, 0, 0);
	sbuf_init(&out);
	sbuf_append(&out, doc, strlen(doc) - 1);
	sbuf_puts(&out, ", \"key\" : ");
	sbuf_json_str(&out, full);
	sbuf_puts(&out, "}");
	pr_api_created(api, out.data, out.len, "/api/v1/keys/%.*s",
	    PR_KEY_ID_LEN, full + 3);
	OPENSSL_cleanse(out.data, out.len);
	sbuf_free(&out);
	OPENSSL_cleanse(full, strlen(full));
}

static void
revoke_done(struct pr_api *api)
{
	if (pr_api_rows(api) != 1)
		return;
	if (pr_api_value(api, 0, 0)[0] == '0') {
		pr_api_problem(api, HTTP_STATUS_NOT_FOUND, PR_PROBLEM_NOT_FOUND,
		    "Not found", "no such key");
		return;
	}
	if (pr_api_value(api, 0, 1)[0] == '0') {
		pr_api_problem(api, HTTP_STATUS_FORBIDDEN, PR_PROBLEM_FORBIDDEN,
		    "Forbidden", "this role can revoke only its own key");
		return;
	}
	pr_auth_forget(api->data);
	pr_api_empty(api, HTTP_STATUS_NO_CONTENT);
}

/*
 * Operators revoke any key, company admins their company's, anyone its
 * own.  Another company's key is not found; revoking twice is no error.
 */
static void
key_revoke(struct pr_api *api)
{
	char	id[PR_KEY_ID_LEN + 1], remote[64];
	int	admin;

	if (pr_path_segment(api->req->path, SEG_KEY, id, sizeof(id)) != 1) {
		pr_api_problem(api, HTTP_STATUS_NOT_FOUND, PR_PROBLEM_NOT_FOUND,
		    "Not found", "no such key");
		return;
	}
	admin = api->actor.role == PR_ROLE_OPERATOR ||
	    api->actor.role == PR_ROLE_COMPANY_ADMIN;
	api->data = kore_strdup(id);
	pr_remote_addr(api->req, remote, sizeof(remote));
	pr_api_query(api, revoke_done,
	    "WITH k AS (SELECT * FROM api_keys k WHERE k.key_id = $2 AND "
	    "($1::bigint = 0 OR k.company_id = $1) FOR UPDATE), "
	    "may AS (SELECT k.key_id FROM k WHERE $3::bool OR k.key_id = $4), "
	    "u AS (UPDATE api_keys x SET revoked_at = now() FROM may WHERE "
	    "x.key_id = may.key_id AND x.revoked_at IS NULL RETURNING "
	    "x.key_id, x.revoked_at), "
	    "a AS (INSERT INTO audit_log (company_id, actor, actor_key_id, "
	    "actor_admin_id, remote_addr, action, object_type, object_id, "
	    "before, after) SELECT k.company_id, $5, nullif($6, ''), "
	    "nullif($8, '')::bigint, nullif($7, '')::inet, 'key.revoke', "
	    "'api_key', k.key_id, " KEY_JSON "::jsonb, " KEY_JSON "::jsonb || "
	    "jsonb_build_object('revoked_at', u.revoked_at) FROM k JOIN u ON "
	    "u.key_id = k.key_id) "
	    "SELECT (SELECT count(*) FROM k), (SELECT count(*) FROM may)",
	    8, api->actor.company, id, admin ? "true" : "false",
	    api->actor.key_id, api->actor.who, api->actor.key_id, remote,
	    api->actor.admin_id);
}

int
pr_keys(struct http_request *req)
{
	return (pr_api_run(req, PR_GET | PR_POST,
	    req->method == HTTP_METHOD_POST ? keys_create : keys_list));
}

int
pr_key(struct http_request *req)
{
	return (pr_api_run(req, PR_DELETE, key_revoke));
}
