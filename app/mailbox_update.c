/*
 * PATCH, DELETE /api/v1/mailboxes/{address} and POST .../restore.
 *
 * Each is one statement: it locks the mailbox, checks the rules (storage
 * limits; a suspended service is lifted only by a role at least as high as
 * the one that suspended it), changes it, and writes the audit entry with
 * the mailbox before and after.
 */
#include <kore/kore.h>
#include <kore/http.h>

#include <openssl/crypto.h>

#include <string.h>

#include "api.h"
#include "fields.h"
#include "mailbox.h"
#include "password.h"
#include "validate.h"

#define MAILBOX_LOCKED							\
	"cur AS (SELECT m.* FROM mailboxes m WHERE m.address = $1 AND "	\
	"($3::bigint = 0 OR m.company_id = $3) AND ($4::bigint[] IS NULL " \
	"OR m.domain_id = ANY($4::bigint[])) AND "

#define AUDIT_INSERT							\
	"INSERT INTO audit_log (company_id, actor, actor_key_id, "	\
	"actor_admin_id, remote_addr, action, object_type, object_id, "	\
	"before, after) "

struct mbupd {
	char	address[PR_ADDRESS_MAX + 1];
	char	display_name[PR_MB_DISPLAY_BYTES + 1];
	int	has_display_name;
	char	hash[PR_PW_HASH_MAX];
	char	quota[24];
	char	status[16];
	char	service[PR_MB_NSERVICES][PR_MB_STATE_LEN];
	char	keep[8];
	char	send_limit[16];
	struct sbuf forward;		/* JSON array, or empty */
	char	remote[64];
};

static void	updated(struct pr_api *);
static void	deleted(struct pr_api *);
static void	restored(struct pr_api *);

static const char *
opt(const char *s)
{
	return (s[0] != '\0' ? s : NULL);
}

static int
writer(struct pr_api *api)
{
	if (api->actor.role == PR_ROLE_COMPANY_VIEWER) {
		pr_api_problem(api, HTTP_STATUS_FORBIDDEN, PR_PROBLEM_FORBIDDEN,
		    "Forbidden", "a viewer changes nothing");
		return (0);
	}
	return (1);
}

static void
check_status(struct pr_api *api, struct pr_fields *f, const struct pr_json *v,
    struct mbupd *u)
{
	const char	*s;

	if (v == NULL)
		return;
	s = v->type == PR_JSON_STRING ? v->u.string.s : "";
	if (strcmp(s, "active") == 0 || strcmp(s, "suspended") == 0 ||
	    (api->actor.role == PR_ROLE_OPERATOR &&
	    (strcmp(s, "maintenance") == 0 || strcmp(s, "migrating") == 0))) {
		snprintf(u->status, sizeof(u->status), "%s", s);
		return;
	}
	pr_fields_add(f, "status", api->actor.role == PR_ROLE_OPERATOR ?
	    "must be active, suspended, maintenance or migrating" :
	    "must be active or suspended");
}

static void
check_keep(struct pr_fields *f, const struct pr_json *v, struct mbupd *u)
{
	if (v == NULL)
		return;
	if (v->type != PR_JSON_BOOL) {
		pr_fields_add(f, "forward_keep_copy", "must be true or false");
		return;
	}
	snprintf(u->keep, sizeof(u->keep), "%s", v->u.boolean ? "t" : "f");
}

/* Support may reset a password, and do nothing else here. */
static int
check_body(struct pr_api *api, const struct pr_json *body, struct mbupd *u)
{
	static const char *const known[] = { "password", "display_name",
	    "quota_bytes", "status", "services", "forward_to",
	    "forward_keep_copy", "send_limit_24h", NULL };
	struct pr_fields	 f;
	char			 local[PR_LOCAL_MAX + 1];

	if (api->actor.role == PR_ROLE_SUPPORT && (body->u.children.count != 1 ||
	    pr_json_get(body, "password") == NULL)) {
		pr_api_problem(api, HTTP_STATUS_FORBIDDEN, PR_PROBLEM_FORBIDDEN,
		    "Forbidden", "support may change a password and nothing "
		    "else");
		return (0);
	}
	pr_fields_init(&f);
	if (body->u.children.count == 0)
		pr_fields_add(&f, "", "nothing to change");
	pr_fields_known(&f, body, known);
	u->has_display_name = pr_json_get(body, "display_name") != NULL;
	pr_mb_display_name(&f, pr_json_get(body, "display_name"),
	    u->display_name, sizeof(u->display_name));
	pr_mb_integer(&f, body, "quota_bytes", PR_MB_QUOTA_MIN, INT64_MAX,
	    u->quota, sizeof(u->quota));
	pr_mb_integer(&f, body, "send_limit_24h", 0, PR_MB_SEND_LIMIT_MAX,
	    u->send_limit, sizeof(u->send_limit));
	check_status(api, &f, pr_json_get(body, "status"), u);
	pr_mb_services(&f, pr_json_get(body, "services"), 1, u->service);
	pr_field_addresses(&f, body, "forward_to", 0, 100, u->address,
	    &u->forward);
	check_keep(&f, pr_json_get(body, "forward_keep_copy"), u);
	snprintf(local, sizeof(local), "%.*s",
	    (int)strcspn(u->address, "@"), u->address);
	pr_mb_password(&f, pr_json_get(body, "password"), local, u->hash,
	    sizeof(u->hash));
	return (!pr_fields_answer(api, &f));
}

/* One WHEN per service: refused when a higher role suspended it. */
#define RANK_RULE(S, P)							\
	"WHEN " P "::text IS NOT NULL AND cur." S " = 'suspended' AND "	\
	"pr_role_rank(cur." S "_suspended_by) > pr_role_rank($17) THEN " \
	"'services." S ": suspended by ' || cur." S "_suspended_by || " \
	"'; only that role or a higher one may change it' "

#define SERVICE_SET(S, P)						\
	S " = coalesce(" P ", m." S "), " S "_suspended_by = CASE WHEN " \
	P " IS NULL THEN m." S "_suspended_by WHEN " P " = 'suspended' "	\
	"THEN $17 END, "

void
pr_mailbox_update(struct pr_api *api)
{
	const struct pr_json	*body;
	struct mbupd		*u;

	if (!writer(api))
		return;
	u = api->data = kore_calloc(1, sizeof(*u));
	sbuf_init(&u->forward);
	if (!pr_mailbox_path_address(api, "", u->address,
	    sizeof(u->address))) {
		sbuf_free(&u->forward);
		pr_api_problem(api, HTTP_STATUS_NOT_FOUND, PR_PROBLEM_NOT_FOUND,
		    "Not found", "no such mailbox");
		return;
	}
	if ((body = pr_api_body(api)) == NULL || !check_body(api, body, u)) {
		sbuf_free(&u->forward);
		return;
	}
	pr_remote_addr(api->req, u->remote, sizeof(u->remote));

	pr_api_query(api, updated,
	    "WITH " MAILBOX_LOCKED "m.deleted_at IS NULL FOR UPDATE), "
	    "co AS (SELECT id, max_storage_bytes FROM companies WHERE id = "
	    "(SELECT company_id FROM cur) FOR UPDATE), "
	    /* Counted after the lock (sql/004, 005), less this mailbox. */
	    "lim AS (SELECT co.max_storage_bytes AS cmax, d.max_storage_bytes "
	    "AS dmax, cu.quota_bytes - cur.quota_bytes AS cused, "
	    "du.quota_bytes - cur.quota_bytes AS dused FROM cur, co, domains d, "
	    "pr_company_usage(co.id) cu, pr_domain_usage(co.id, "
	    "cur.domain_id) du WHERE d.company_id = cur.company_id AND "
	    "d.id = cur.domain_id), "
	    "why AS (SELECT CASE "
	    RANK_RULE("imap", "$9") RANK_RULE("pop3", "$10")
	    RANK_RULE("webmail", "$11") RANK_RULE("send", "$12")
	    RANK_RULE("receive", "$13")
	    "WHEN $7::bigint + lim.cused > lim.cmax THEN 'quota_bytes: more "
	    "than the company''s remaining storage of ' || greatest(lim.cmax - "
	    "lim.cused, 0) || ' bytes' "
	    "WHEN $7::bigint + lim.dused > lim.dmax THEN 'quota_bytes: more "
	    "than the domain''s remaining storage of ' || greatest(lim.dmax - "
	    "lim.dused, 0) || ' bytes' "
	    "END AS reason FROM cur, lim), "
	    "upd AS (UPDATE mailboxes m SET display_name = coalesce($5, "
	    "m.display_name), password_hash = coalesce($6, m.password_hash), "
	    "quota_bytes = coalesce($7::bigint, m.quota_bytes), status = "
	    "coalesce($8, m.status), "
	    SERVICE_SET("imap", "$9") SERVICE_SET("pop3", "$10")
	    SERVICE_SET("webmail", "$11") SERVICE_SET("send", "$12")
	    SERVICE_SET("receive", "$13")
	    "forward_to = CASE WHEN $14::jsonb IS NULL THEN m.forward_to ELSE "
	    "ARRAY(SELECT jsonb_array_elements_text($14::jsonb)) END, "
	    "forward_keep_copy = coalesce($15::bool, m.forward_keep_copy), "
	    "send_limit_24h = coalesce($16::int, m.send_limit_24h), "
	    "updated_at = now() FROM cur, why WHERE m.company_id = "
	    "cur.company_id AND m.id = cur.id AND why.reason IS NULL "
	    "RETURNING m.*), "
	    "b AS (SELECT " MAILBOX_JSON("$2") " AS doc FROM cur m "
	    MAILBOX_JOINS "), "
	    "n AS (SELECT m.company_id, m.address, " MAILBOX_JSON("$2")
	    " AS doc FROM upd m " MAILBOX_JOINS "), "
	    "a AS (" AUDIT_INSERT "SELECT n.company_id, $18, "
	    "nullif($19, ''), nullif($20, '')::bigint, nullif($21, '')::inet, "
	    "'mailbox.update', 'mailbox', n.address, b.doc::jsonb, "
	    "n.doc::jsonb || jsonb_build_object('password_changed', "
	    "$6::text IS NOT NULL) FROM n, b) "
	    "SELECT (SELECT doc FROM n), (SELECT reason FROM why), "
	    "(SELECT count(*) FROM cur)",
	    21, u->address, pr_role_at_least(&api->actor, PR_ROLE_SUPPORT) ?
	    "t" : "f", api->actor.company, pr_actor_domains(&api->actor),
	    u->has_display_name ? u->display_name : NULL, opt(u->hash),
	    opt(u->quota), opt(u->status), opt(u->service[0]),
	    opt(u->service[1]), opt(u->service[2]), opt(u->service[3]),
	    opt(u->service[4]), u->forward.len ? u->forward.data : NULL,
	    opt(u->keep), opt(u->send_limit), pr_role_name(api->actor.role),
	    api->actor.who, api->actor.key_id, api->actor.admin_id, u->remote);
	OPENSSL_cleanse(u->hash, sizeof(u->hash));
	sbuf_free(&u->forward);
}

static void
updated(struct pr_api *api)
{
	struct pr_fields	 f;
	const char		*reason, *doc;
	char			 field[32];

	if (pr_api_value(api, 0, 2)[0] == '0') {
		pr_api_problem(api, HTTP_STATUS_NOT_FOUND, PR_PROBLEM_NOT_FOUND,
		    "Not found", "no such mailbox");
		return;
	}
	if (pr_api_isnull(api, 0, 0)) {
		reason = pr_api_isnull(api, 0, 1) ? "quota_bytes: refused" :
		    pr_api_value(api, 0, 1);
		/* A higher role's suspension: not this actor's to lift. */
		if (strncmp(reason, "services.", 9) == 0) {
			pr_api_problem(api, HTTP_STATUS_FORBIDDEN,
			    PR_PROBLEM_FORBIDDEN, "Forbidden", reason);
			return;
		}
		snprintf(field, sizeof(field), "%.*s", (int)strcspn(reason, ":"),
		    reason);
		pr_fields_init(&f);
		pr_fields_add(&f, field, "%s", reason + strlen(field) +
		    (reason[strlen(field)] == ':' ? 2 : 0));
		pr_fields_answer(api, &f);
		return;
	}
	doc = pr_api_value(api, 0, 0);
	pr_api_json(api, HTTP_STATUS_OK, doc, strlen(doc));
}

static int
lookup(struct pr_api *api, const char *suffix)
{
	struct mbupd	*u;

	if (!writer(api))
		return (0);
	u = api->data = kore_calloc(1, sizeof(*u));
	if (!pr_mailbox_path_address(api, suffix, u->address,
	    sizeof(u->address))) {
		pr_api_problem(api, HTTP_STATUS_NOT_FOUND, PR_PROBLEM_NOT_FOUND,
		    "Not found", "no such mailbox");
		return (0);
	}
	if (api->actor.role == PR_ROLE_SUPPORT) {
		pr_api_problem(api, HTTP_STATUS_FORBIDDEN, PR_PROBLEM_FORBIDDEN,
		    "Forbidden", "support deletes and restores nothing");
		return (0);
	}
	pr_remote_addr(api->req, u->remote, sizeof(u->remote));
	return (1);
}

/* Soft: the mailbox and its mail stay for 30 days, restorable. */
void
pr_mailbox_delete(struct pr_api *api)
{
	struct mbupd	*u;

	if (!lookup(api, ""))
		return;
	u = api->data;
	pr_api_query(api, deleted,
	    "WITH " MAILBOX_LOCKED "m.deleted_at IS NULL FOR UPDATE), "
	    "upd AS (UPDATE mailboxes m SET deleted_at = now(), updated_at = "
	    "now() FROM cur WHERE m.company_id = cur.company_id AND m.id = "
	    "cur.id RETURNING m.*), "
	    "b AS (SELECT m.company_id, m.address, " MAILBOX_JSON("$2")
	    " AS doc FROM cur m " MAILBOX_JOINS "), "
	    "a AS (" AUDIT_INSERT "SELECT b.company_id, $5, nullif($6, ''), "
	    "nullif($7, '')::bigint, nullif($8, '')::inet, 'mailbox.delete', "
	    "'mailbox', b.address, b.doc::jsonb, NULL FROM b, upd) "
	    "SELECT count(*) FROM upd",
	    8, u->address, "t", api->actor.company,
	    pr_actor_domains(&api->actor), api->actor.who, api->actor.key_id,
	    api->actor.admin_id, u->remote);
}

static void
deleted(struct pr_api *api)
{
	if (strcmp(pr_api_value(api, 0, 0), "1") != 0) {
		pr_api_problem(api, HTTP_STATUS_NOT_FOUND, PR_PROBLEM_NOT_FOUND,
		    "Not found", "no such mailbox");
		return;
	}
	api->responded = 1;
	http_response(api->req, HTTP_STATUS_NO_CONTENT, NULL, 0);
}

void
pr_mailbox_restore(struct pr_api *api)
{
	struct mbupd	*u;

	if (!lookup(api, "/restore"))
		return;
	u = api->data;
	pr_api_query(api, restored,
	    "WITH " MAILBOX_LOCKED "m.deleted_at > now() - interval '30 days' "
	    "FOR UPDATE), "
	    "upd AS (UPDATE mailboxes m SET deleted_at = NULL, updated_at = "
	    "now() FROM cur WHERE m.company_id = cur.company_id AND m.id = "
	    "cur.id RETURNING m.*), "
	    "n AS (SELECT m.company_id, m.address, " MAILBOX_JSON("$2")
	    " AS doc FROM upd m " MAILBOX_JOINS "), "
	    "a AS (" AUDIT_INSERT "SELECT n.company_id, $5, nullif($6, ''), "
	    "nullif($7, '')::bigint, nullif($8, '')::inet, 'mailbox.restore', "
	    "'mailbox', n.address, NULL, n.doc::jsonb FROM n) "
	    "SELECT (SELECT doc FROM n)",
	    8, u->address, pr_role_at_least(&api->actor, PR_ROLE_SUPPORT) ?
	    "t" : "f", api->actor.company, pr_actor_domains(&api->actor),
	    api->actor.who, api->actor.key_id, api->actor.admin_id, u->remote);
}

static void
restored(struct pr_api *api)
{
	const char	*doc;

	if (pr_api_isnull(api, 0, 0)) {
		pr_api_problem(api, HTTP_STATUS_NOT_FOUND, PR_PROBLEM_NOT_FOUND,
		    "Not found", "no deleted mailbox of the last 30 days has "
		    "this address");
		return;
	}
	doc = pr_api_value(api, 0, 0);
	pr_api_json(api, HTTP_STATUS_OK, doc, strlen(doc));
}
