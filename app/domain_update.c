/*
 * PATCH /api/v1/domains/{name}: change a domain's status, default quota,
 * limits or catch-all.
 *
 * The body is checked here and passed on as a normalised JSON object of
 * the members to change (null clears); one statement locks the domain
 * row, checks what needs the database (the catch-all exists, a limit is
 * not below what is used), updates, and writes the audit entry with the
 * domain before and after.  A patch that changes nothing writes nothing.
 */
#include <kore/kore.h>
#include <kore/http.h>

#include <string.h>

#include "domain.h"
#include "fields.h"
#include "validate.h"

#define SEG_DOMAIN	3

static void	update_done(struct pr_api *);
static void	update_failed(struct pr_api *);

static const char *const statuses[] = { "active", "suspended", NULL };

/* Start a member of the patch object. */
static void
patch_key(struct sbuf *patch, const char *name)
{
	sbuf_printf(patch, "%s\"%s\":", patch->len > 1 ? "," : "", name);
}

/* A nullable whole number into the patch. */
static void
patch_int(struct pr_fields *f, const struct pr_json *body, const char *name,
    int64_t min, int64_t max, struct sbuf *patch)
{
	int64_t	v;

	switch (pr_field_int(f, body, name, min, max, 1, &v)) {
	case PR_FIELD_NULL:
		patch_key(patch, name);
		sbuf_puts(patch, "null");
		break;
	case PR_FIELD_SET:
		patch_key(patch, name);
		sbuf_printf(patch, "%lld", (long long)v);
		break;
	}
}

static void
patch_catchall(struct pr_fields *f, const struct pr_json *body,
    struct sbuf *patch)
{
	const struct pr_json	*v;
	const char		*why;
	char			 address[PR_ADDRESS_MAX + 1];

	if ((v = pr_json_get(body, "catchall")) == NULL)
		return;
	if (v->type == PR_JSON_NULL) {
		patch_key(patch, "catchall");
		sbuf_puts(patch, "null");
		return;
	}
	if (v->type != PR_JSON_STRING) {
		pr_fields_add(f, "catchall", "must be an address, or null");
		return;
	}
	if ((why = pr_address_check(v->u.string.s, address,
	    sizeof(address))) != NULL) {
		pr_fields_add(f, "catchall", "%s", why);
		return;
	}
	patch_key(patch, "catchall");
	sbuf_json_str(patch, address);
}

void
pr_domain_update(struct pr_api *api)
{
	static const char *const known[] = { "name", "status",
	    "default_quota_bytes", "max_mailboxes", "max_storage_bytes",
	    "catchall", NULL };
	const struct pr_json	*body;
	const char		*status;
	struct pr_fields	 f;
	struct sbuf		 patch;
	char			 name[PR_DOMAIN_MAX + 1], remote[64];

	if (!pr_domain_writer(api, "domains"))
		return;
	if (!pr_domain_path(api, SEG_DOMAIN, "domain", name, sizeof(name)))
		return;
	if ((body = pr_api_body(api)) == NULL)
		return;
	pr_fields_init(&f);
	sbuf_init(&patch);
	sbuf_puts(&patch, "{");
	pr_fields_known(&f, body, known);
	if (pr_json_get(body, "name") != NULL)
		pr_fields_add(&f, "name", "a domain's name cannot be changed");
	if (pr_field_oneof(&f, body, "status", statuses, 0, &status) ==
	    PR_FIELD_SET) {
		patch_key(&patch, "status");
		sbuf_json_str(&patch, status);
	}
	patch_int(&f, body, "default_quota_bytes", 1, INT64_MAX, &patch);
	patch_int(&f, body, "max_mailboxes", 0, INT32_MAX, &patch);
	patch_int(&f, body, "max_storage_bytes", 0, INT64_MAX, &patch);
	patch_catchall(&f, body, &patch);
	sbuf_puts(&patch, "}");
	if (pr_fields_answer(api, &f)) {
		sbuf_free(&patch);
		return;
	}

	/*
	 * old is locked, so it is the row as it is now; the usage is read
	 * after the lock (sql/004_locked_counts.sql), and only when a limit
	 * changes.  A limit below what the domain uses is refused: limits
	 * hold.
	 */
	pr_remote_addr(api->req, remote, sizeof(remote));
	pr_api_query(api, update_done,
	    "WITH old AS (SELECT d.company_id, d.id, d.status, "
	    "d.default_quota_bytes, d.max_mailboxes, d.max_storage_bytes, "
	    "d.catchall, " DOMAIN_JSON " AS doc " DOMAIN_FROM
	    "WHERE d.name = $3 AND " DOMAIN_SCOPE "FOR UPDATE OF d), "
	    "p AS (SELECT $4::jsonb AS j), "
	    "nv AS (SELECT old.company_id, old.id, "
	    "CASE WHEN j ? 'status' THEN j->>'status' ELSE old.status END "
	    "AS status, "
	    "CASE WHEN j ? 'default_quota_bytes' THEN (j->>"
	    "'default_quota_bytes')::bigint ELSE old.default_quota_bytes END "
	    "AS default_quota_bytes, "
	    "CASE WHEN j ? 'max_mailboxes' THEN (j->>'max_mailboxes')::int "
	    "ELSE old.max_mailboxes END AS max_mailboxes, "
	    "CASE WHEN j ? 'max_storage_bytes' THEN (j->>"
	    "'max_storage_bytes')::bigint ELSE old.max_storage_bytes END "
	    "AS max_storage_bytes, "
	    "CASE WHEN j ? 'catchall' THEN j->>'catchall' ELSE old.catchall "
	    "END AS catchall FROM old, p), "
	    "u AS (SELECT f.* FROM old, pr_domain_usage(old.company_id, "
	    "old.id) f WHERE $4::jsonb ?| ARRAY['max_mailboxes', "
	    "'max_storage_bytes']), "
	    "why AS (SELECT "
	    "CASE WHEN p.j->>'catchall' IS NOT NULL AND NOT EXISTS (SELECT 1 "
	    "FROM mailboxes m WHERE m.company_id = nv.company_id AND "
	    "m.address = nv.catchall AND m.deleted_at IS NULL) AND NOT "
	    "EXISTS (SELECT 1 FROM aliases a WHERE a.company_id = "
	    "nv.company_id AND a.address = nv.catchall) THEN 'no mailbox or "
	    "alias of this company has this address' END AS catchall, "
	    "CASE WHEN nv.max_mailboxes < u.mailboxes THEN 'less than the "
	    "domain''s ' || u.mailboxes || ' mailboxes' END AS max_mailboxes, "
	    "CASE WHEN nv.max_storage_bytes < u.quota_bytes THEN 'less than "
	    "the ' || u.quota_bytes || ' bytes of quota that the domain''s "
	    "mailboxes hold' END AS max_storage_bytes "
	    "FROM nv CROSS JOIN p LEFT JOIN u ON true), "
	    "ok AS (SELECT nv.* FROM nv, old, why WHERE why.catchall IS NULL "
	    "AND why.max_mailboxes IS NULL AND why.max_storage_bytes IS NULL "
	    "AND (nv.status, nv.default_quota_bytes, nv.max_mailboxes, "
	    "nv.max_storage_bytes, nv.catchall) IS DISTINCT FROM "
	    "(old.status, old.default_quota_bytes, old.max_mailboxes, "
	    "old.max_storage_bytes, old.catchall)), "
	    "upd AS (UPDATE domains d SET status = ok.status, "
	    "default_quota_bytes = ok.default_quota_bytes, "
	    "max_mailboxes = ok.max_mailboxes, "
	    "max_storage_bytes = ok.max_storage_bytes, catchall = ok.catchall, "
	    "updated_at = now() FROM ok WHERE d.company_id = ok.company_id "
	    "AND d.id = ok.id RETURNING d.*), "
	    "j AS (SELECT d.company_id, d.name, " DOMAIN_JSON " AS doc "
	    "FROM upd d JOIN companies co ON co.id = d.company_id), "
	    "a AS (INSERT INTO audit_log (company_id, actor, actor_key_id, "
	    "actor_admin_id, remote_addr, action, object_type, object_id, "
	    "before, after) SELECT j.company_id, $5, nullif($6, ''), "
	    "nullif($8, '')::bigint, nullif($7, '')::inet, 'domain.update', "
	    "'domain', j.name, old.doc::jsonb, j.doc::jsonb FROM j, old) "
	    "SELECT coalesce((SELECT doc FROM j), old.doc), why.catchall, "
	    "why.max_mailboxes, why.max_storage_bytes FROM old, why",
	    8, api->actor.company, pr_actor_domains(&api->actor), name,
	    patch.data, api->actor.who, api->actor.key_id, remote,
	    api->actor.admin_id);
	api->on_error = update_failed;
	sbuf_free(&patch);
}

static void
update_done(struct pr_api *api)
{
	static const char *const names[] = { "catchall", "max_mailboxes",
	    "max_storage_bytes", NULL };

	pr_field_answer_row(api, "no such domain", names);
}

/*
 * The catch-all's address was deleted after this statement looked: the
 * key of sql/008 refuses to point at it.
 */
static void
update_failed(struct pr_api *api)
{
	struct pr_fields	f;

	if (strcmp(api->sqlstate, "23503") != 0)
		return;
	pr_fields_init(&f);
	pr_fields_add(&f, "catchall", "no mailbox or alias of this company "
	    "has this address");
	pr_fields_answer(api, &f);
}
