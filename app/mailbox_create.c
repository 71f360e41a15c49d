/*
 * POST /api/v1/mailboxes: create a mailbox.
 *
 * Three steps: check the body; read the domain (within the actor's scope)
 * and its cluster's mailstores, and place the mailbox (placement.c); then
 * one statement that checks the limits under a lock on the company row,
 * inserts, and writes the audit entry: all of it or nothing.
 */
#include <kore/kore.h>
#include <kore/http.h>

#include <openssl/crypto.h>

#include <string.h>

#include "api.h"
#include "mailbox.h"
#include "password.h"
#include "path.h"
#include "validate.h"

struct mbnew {
	char	address[PR_ADDRESS_MAX + 1];
	char	local[PR_LOCAL_MAX + 1];
	char	domain[PR_DOMAIN_MAX + 1];
	char	display_name[PR_MB_DISPLAY_BYTES + 1];
	char	hash[PR_PW_HASH_MAX];
	char	quota[24];			/* "" : the default */
	char	service[PR_MB_NSERVICES][PR_MB_STATE_LEN];
	char	send_limit[16];
	char	company[24];
	char	domain_id[24];
	char	cluster[24];
	char	store[24];
};

static void	create_placed(struct pr_api *);
static void	create_insert(struct pr_api *);
static void	create_done(struct pr_api *);
static void	create_failed(struct pr_api *);

static void
check_address(struct pr_fields *f, const struct pr_json *v, struct mbnew *n)
{
	const char	*why;
	char		*at;

	if (v == NULL || v->type != PR_JSON_STRING) {
		pr_fields_add(f, "address", "required, a string");
		return;
	}
	if ((why = pr_address_check(v->u.string.s, n->address,
	    sizeof(n->address))) != NULL) {
		pr_fields_add(f, "address", "%s", why);
		return;
	}
	at = strchr(n->address, '@');
	snprintf(n->local, sizeof(n->local), "%.*s",
	    (int)(at - n->address), n->address);
	snprintf(n->domain, sizeof(n->domain), "%s", at + 1);
}

void
pr_mailbox_create(struct pr_api *api)
{
	static const char *const known[] = { "address", "password",
	    "display_name", "quota_bytes", "services", "send_limit_24h", NULL };
	const struct pr_json	*body;
	struct pr_fields	 f;
	struct mbnew		*n;
	int			 i;

	if (!pr_mb_may_create(api) || (body = pr_api_body(api)) == NULL)
		return;
	n = api->data = kore_calloc(1, sizeof(*n));
	pr_fields_init(&f);
	pr_fields_known(&f, body, known);
	check_address(&f, pr_json_get(body, "address"), n);
	pr_mb_display_name(&f, pr_json_get(body, "display_name"),
	    n->display_name, sizeof(n->display_name));
	pr_mb_integer(&f, body, "quota_bytes", PR_MB_QUOTA_MIN, INT64_MAX,
	    n->quota, sizeof(n->quota));
	pr_mb_integer(&f, body, "send_limit_24h", 0, PR_MB_SEND_LIMIT_MAX,
	    n->send_limit, sizeof(n->send_limit));
	for (i = 0; i < PR_MB_NSERVICES; i++)
		snprintf(n->service[i], sizeof(n->service[i]), "enabled");
	pr_mb_services(&f, pr_json_get(body, "services"), 0, n->service);
	if (pr_json_get(body, "password") == NULL)
		pr_fields_add(&f, "password", "required, a string");
	/* Last: it hashes only when everything else is right. */
	pr_mb_password(&f, pr_json_get(body, "password"), n->local, n->hash,
	    sizeof(n->hash));
	if (pr_fields_answer(api, &f))
		return;

	pr_mb_place_query(api, create_placed, n->domain);
}

static void
create_placed(struct pr_api *api)
{
	struct mbnew		*n = api->data;
	struct pr_mb_place	 p;
	struct pr_fields	 f;
	int			 pick;

	if (!pr_mb_place_read(api, &p)) {
		pr_fields_init(&f);
		pr_fields_add(&f, "address", "no such domain: %s", n->domain);
		pr_fields_answer(api, &f);
		return;
	}
	snprintf(n->company, sizeof(n->company), "%s", p.company);
	snprintf(n->domain_id, sizeof(n->domain_id), "%s", p.domain_id);
	snprintf(n->cluster, sizeof(n->cluster), "%s", p.cluster);
	if ((pick = pr_place(p.stores, p.nstores)) == -1) {
		pr_api_problem(api, HTTP_STATUS_CONFLICT, PR_PROBLEM_CONFLICT,
		    "No mailstore", "no mailstore of this company's cluster "
		    "takes new mailboxes");
		return;
	}
	snprintf(n->store, sizeof(n->store), "%lld",
	    (long long)p.stores[pick].id);
	create_insert(api);
}

/*
 * Limits are read under a lock on the company row, and counted after it
 * (sql/004), so two creates at once cannot both take the last place;
 * storage limits count allocated quota.
 */
static void
create_insert(struct pr_api *api)
{
	struct mbnew	*n = api->data;
	char		 remote[64];

	pr_remote_addr(api->req, remote, sizeof(remote));
	pr_api_query(api, create_done,
	    "WITH co AS (SELECT id, status, max_mailboxes, max_storage_bytes, "
	    "default_quota_bytes FROM companies WHERE id = $1 FOR UPDATE), "
	    "dom AS (SELECT status, max_mailboxes, max_storage_bytes, "
	    "default_quota_bytes FROM domains WHERE company_id = $1 AND id = $2 "
	    "AND deleted_at IS NULL FOR SHARE), "
	    /* Counted after the lock: see sql/004 and 005. */
	    "used AS (SELECT c.mailboxes AS n, c.quota_bytes AS b, "
	    "d.mailboxes AS dn, d.quota_bytes AS db FROM co, "
	    "pr_company_usage(co.id) c, pr_domain_usage(co.id, $2) d), "
	    "q AS (SELECT coalesce(nullif($6, '')::bigint, "
	    "dom.default_quota_bytes, co.default_quota_bytes) AS quota "
	    "FROM co, dom), "
	    "why AS (SELECT q.quota, CASE "
	    "WHEN co.status <> 'active' THEN 'the company is suspended' "
	    "WHEN dom.status <> 'active' THEN 'the domain is suspended' "
	    "WHEN used.n >= co.max_mailboxes THEN 'the company has its "
	    "maximum of ' || co.max_mailboxes || ' mailboxes' "
	    "WHEN used.dn >= dom.max_mailboxes THEN 'the domain has its "
	    "maximum of ' || dom.max_mailboxes || ' mailboxes' "
	    "WHEN used.b + q.quota > co.max_storage_bytes THEN 'quota_bytes: "
	    "more than the company''s remaining storage of ' || "
	    "greatest(co.max_storage_bytes - used.b, 0) || ' bytes' "
	    "WHEN used.db + q.quota > dom.max_storage_bytes THEN 'quota_bytes: "
	    "more than the domain''s remaining storage of ' || "
	    "greatest(dom.max_storage_bytes - used.db, 0) || ' bytes' "
	    "END AS reason FROM co, dom, used, q), "
	    "m AS (INSERT INTO mailboxes (company_id, domain_id, local_part, "
	    "display_name, password_hash, quota_bytes, cluster_id, "
	    "mailstore_id, imap, pop3, webmail, send, receive, send_limit_24h) "
	    "SELECT $1, $2, $3, $4, $5, quota, $7, $8, $9, $10, $11, $12, $13, "
	    "coalesce(nullif($14, '')::int, "
	    PR_SQL_NUM(PR_MB_SEND_LIMIT_DEFAULT) ") FROM why "
	    "WHERE reason IS NULL RETURNING *), "
	    "j AS (SELECT m.company_id, m.address, " MAILBOX_JSON("$18")
	    " AS doc FROM m " MAILBOX_JOINS "), "
	    "a AS (INSERT INTO audit_log (company_id, actor, actor_key_id, "
	    "actor_admin_id, remote_addr, action, object_type, object_id, "
	    "after) SELECT company_id, $15, nullif($16, ''), "
	    "nullif($19, '')::bigint, nullif($17, '')::inet, "
	    "'mailbox.create', 'mailbox', address, doc::jsonb FROM j) "
	    "SELECT (SELECT doc FROM j), (SELECT reason FROM why), "
	    "(SELECT address FROM j)",
	    19, n->company, n->domain_id, n->local, n->display_name, n->hash,
	    n->quota, n->cluster, n->store, n->service[0], n->service[1],
	    n->service[2], n->service[3], n->service[4], n->send_limit,
	    api->actor.who, api->actor.key_id, remote,
	    pr_role_at_least(&api->actor, PR_ROLE_SUPPORT) ? "t" : "f",
	    api->actor.admin_id);
	OPENSSL_cleanse(n->hash, sizeof(n->hash));
	api->on_error = create_failed;
}

static void
create_done(struct pr_api *api)
{
	struct pr_fields	 f;
	const char		*doc, *reason;
	char			 escaped[3 * PR_ADDRESS_MAX + 1];

	if (pr_api_rows(api) != 1 || pr_api_isnull(api, 0, 0)) {
		reason = pr_api_rows(api) == 1 && !pr_api_isnull(api, 0, 1) ?
		    pr_api_value(api, 0, 1) : "the domain went away";
		if (strncmp(reason, "quota_bytes: ", 13) == 0) {
			pr_fields_init(&f);
			pr_fields_add(&f, "quota_bytes", "%s", reason + 13);
			pr_fields_answer(api, &f);
			return;
		}
		pr_api_problem(api, HTTP_STATUS_CONFLICT, PR_PROBLEM_CONFLICT,
		    "Conflict", reason);
		return;
	}
	doc = pr_api_value(api, 0, 0);
	/* A local part may hold '/', '?' or '%': one path segment. */
	pr_path_escape(pr_api_value(api, 0, 2), escaped, sizeof(escaped));
	pr_api_created(api, doc, strlen(doc), "/api/v1/mailboxes/%s",
	    escaped);
}

static void
create_failed(struct pr_api *api)
{
	pr_fields_taken(api, "address", "exists already, as a mailbox or an "
	    "alias");
}
