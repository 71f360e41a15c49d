/*
 * PATCH /api/v1/companies/{id}: change a company's name, status (suspend
 * and reactivate), limits, default quota or time zone (operators only).
 *
 * The body is checked here and passed on as a normalised JSON object of
 * the members to change (null clears a limit); one statement locks the
 * company row, checks what needs the database (the time zone exists, a
 * limit is not below what is used, read after the lock as
 * sql/004_locked_counts.sql explains), updates, and writes the audit
 * entry with the company before and after.  A patch that changes nothing
 * writes nothing.  The cluster is not changed here: moving a company
 * moves its mail, which is a migration.
 */
#include <kore/kore.h>
#include <kore/http.h>

#include <string.h>

#include "company.h"
#include "fields.h"

static void	update_done(struct pr_api *);
static void	update_failed(struct pr_api *);

static const char *const statuses[] = { "active", "suspended", NULL };

static void
patch_key(struct sbuf *patch, const char *name)
{
	sbuf_printf(patch, "%s\"%s\":", patch->len > 1 ? "," : "", name);
}

static void
patch_int(struct pr_fields *f, const struct pr_json *body, const char *name,
    int64_t min, int64_t max, int nullable, struct sbuf *patch)
{
	int64_t	v;

	switch (pr_field_int(f, body, name, min, max, nullable, &v)) {
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

/* A string member; check says why a value is bad, or NULL. */
static void
patch_string(struct pr_fields *f, const struct pr_json *body,
    const char *name, const char *(*check)(const char *),
    struct sbuf *patch)
{
	const struct pr_json	*v;
	const char		*why;

	if ((v = pr_json_get(body, name)) == NULL)
		return;
	if (v->type != PR_JSON_STRING) {
		pr_fields_add(f, name, "must be a string");
		return;
	}
	if (check != NULL && (why = check(v->u.string.s)) != NULL) {
		pr_fields_add(f, name, "%s", why);
		return;
	}
	patch_key(patch, name);
	sbuf_json_str(patch, v->u.string.s);
}

static int
patch_build(struct pr_api *api, const struct pr_json *body,
    struct sbuf *patch)
{
	static const char *const known[] = { "name", "status", "cluster",
	    "time_zone", "max_domains", "max_mailboxes", "max_storage_bytes",
	    "default_quota_bytes", NULL };
	struct pr_fields	 f;
	const char		*status;

	pr_fields_init(&f);
	sbuf_puts(patch, "{");
	pr_fields_known(&f, body, known);
	if (pr_json_get(body, "cluster") != NULL)
		pr_fields_add(&f, "cluster", "moving a company is a migration");
	patch_string(&f, body, "name", pr_company_name_check, patch);
	if (pr_field_oneof(&f, body, "status", statuses, 0, &status) ==
	    PR_FIELD_SET) {
		patch_key(patch, "status");
		sbuf_json_str(patch, status);
	}
	patch_string(&f, body, "time_zone", NULL, patch);
	patch_int(&f, body, "max_domains", 0, INT32_MAX, 1, patch);
	patch_int(&f, body, "max_mailboxes", 0, INT32_MAX, 1, patch);
	patch_int(&f, body, "max_storage_bytes", 0, INT64_MAX, 1, patch);
	patch_int(&f, body, "default_quota_bytes", 1, INT64_MAX, 0, patch);
	sbuf_puts(patch, "}");
	return (!pr_fields_answer(api, &f));
}

#define NEW(col, cast)							\
	"CASE WHEN j ? '" col "' THEN (j->>'" col "')" cast " "	\
	"ELSE old." col " END AS " col ", "

void
pr_company_update(struct pr_api *api)
{
	const struct pr_json	*body;
	struct sbuf		 patch;
	char			 id[24], remote[64];

	if (!pr_company_operator(api, "change companies"))
		return;
	if (!pr_company_path(api, id, sizeof(id)))
		return;
	if ((body = pr_api_body(api)) == NULL)
		return;
	sbuf_init(&patch);
	if (!patch_build(api, body, &patch)) {
		sbuf_free(&patch);
		return;
	}

	pr_remote_addr(api->req, remote, sizeof(remote));
	pr_api_query(api, update_done,
	    "WITH old AS (SELECT c.*, " COMPANY_JSON " AS doc " COMPANY_FROM
	    "WHERE c.id = $2 AND " COMPANY_SCOPE "FOR UPDATE OF c), "
	    "p AS (SELECT $3::jsonb AS j), "
	    "nv AS (SELECT old.id, " NEW("name", "") NEW("status", "")
	    NEW("time_zone", "") NEW("max_domains", "::int")
	    NEW("max_mailboxes", "::int") NEW("max_storage_bytes", "::bigint")
	    NEW("default_quota_bytes", "::bigint") "1 FROM old, p), "
	    "u AS (SELECT pr_company_domains(old.id) AS domains, f.* "
	    "FROM old, pr_company_usage(old.id) f WHERE $3::jsonb ?| "
	    "ARRAY['max_domains', 'max_mailboxes', 'max_storage_bytes']), "
	    "why AS (SELECT "
	    "CASE WHEN NOT pr_valid_tz(nv.time_zone) THEN 'must be a time "
	    "zone of the IANA database, such as \"Europe/Berlin\"' END "
	    "AS time_zone, "
	    "CASE WHEN nv.max_domains < u.domains THEN 'less than the "
	    "company''s ' || u.domains || ' domains' END AS max_domains, "
	    "CASE WHEN nv.max_mailboxes < u.mailboxes THEN 'less than the "
	    "company''s ' || u.mailboxes || ' mailboxes' END "
	    "AS max_mailboxes, "
	    "CASE WHEN nv.max_storage_bytes < u.quota_bytes THEN 'less than "
	    "the ' || u.quota_bytes || ' bytes of quota that the company''s "
	    "mailboxes hold' END AS max_storage_bytes "
	    "FROM nv LEFT JOIN u ON true), "
	    "ok AS (SELECT nv.* FROM nv, old, why WHERE why.time_zone IS NULL "
	    "AND why.max_domains IS NULL AND why.max_mailboxes IS NULL "
	    "AND why.max_storage_bytes IS NULL "
	    "AND (nv.name, nv.status, nv.time_zone, nv.max_domains, "
	    "nv.max_mailboxes, nv.max_storage_bytes, nv.default_quota_bytes) "
	    "IS DISTINCT FROM (old.name, old.status, old.time_zone, "
	    "old.max_domains, old.max_mailboxes, old.max_storage_bytes, "
	    "old.default_quota_bytes)), "
	    "upd AS (UPDATE companies c SET name = ok.name, "
	    "status = ok.status, time_zone = ok.time_zone, "
	    "max_domains = ok.max_domains, max_mailboxes = ok.max_mailboxes, "
	    "max_storage_bytes = ok.max_storage_bytes, "
	    "default_quota_bytes = ok.default_quota_bytes, "
	    "updated_at = now() FROM ok WHERE c.id = ok.id RETURNING c.*), "
	    "j AS (SELECT c.id, " COMPANY_JSON " AS doc FROM upd c "
	    "JOIN clusters cl ON cl.id = c.cluster_id), "
	    "a AS (INSERT INTO audit_log (company_id, actor, actor_key_id, "
	    "actor_admin_id, remote_addr, action, object_type, object_id, "
	    "before, after) SELECT j.id, $4, nullif($5, ''), "
	    "nullif($7, '')::bigint, nullif($6, '')::inet, 'company.update', "
	    "'company', j.id::text, old.doc::jsonb, j.doc::jsonb "
	    "FROM j, old) "
	    "SELECT coalesce((SELECT doc FROM j), old.doc), why.time_zone, "
	    "why.max_domains, why.max_mailboxes, why.max_storage_bytes "
	    "FROM old, why",
	    7, api->actor.company, id, patch.data, api->actor.who,
	    api->actor.key_id, remote, api->actor.admin_id);
	api->on_error = update_failed;
	sbuf_free(&patch);
}

static void
update_done(struct pr_api *api)
{
	static const char *const names[] = { "time_zone", "max_domains",
	    "max_mailboxes", "max_storage_bytes", NULL };

	pr_field_answer_row(api, "no such company", names);
}

/* Company names are unique. */
static void
update_failed(struct pr_api *api)
{
	pr_fields_taken(api, "name", "exists already");
}
