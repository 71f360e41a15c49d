/*
 * POST /api/v1/domains: create a domain.
 *
 * Two steps: check the body; then one statement that locks the company
 * row, checks the name and the company's domain limit, inserts, and
 * writes the audit entry: all of it or nothing.
 */
#include <kore/kore.h>
#include <kore/http.h>

#include <string.h>

#include "domain.h"
#include "fields.h"
#include "validate.h"

struct dnew {
	char		 name[PR_DOMAIN_MAX + 1];
	char		 company[24];
	char		 quota[24];	/* "": the company's default */
	char		 max_mailboxes[24];	/* "": no limit */
	char		 max_storage[24];	/* "": no limit */
	const char	*status;
};

static void	create_done(struct pr_api *);
static void	create_failed(struct pr_api *);

static const char *const statuses[] = { "active", "suspended", NULL };

static void
check_name(struct pr_fields *f, const struct pr_json *body, struct dnew *n)
{
	const struct pr_json	*v = pr_json_get(body, "name");
	const char		*why;

	if (v == NULL || v->type != PR_JSON_STRING) {
		pr_fields_add(f, "name", "required, a string");
		return;
	}
	if ((why = pr_domain_check(v->u.string.s, n->name,
	    sizeof(n->name))) != NULL)
		pr_fields_add(f, "name", "%s", why);
}

/* Provider staff name the company; a company's key creates in its own. */
static void
check_company(struct pr_api *api, struct pr_fields *f,
    const struct pr_json *body, struct dnew *n)
{
	int64_t	id;

	if (api->actor.company_id != 0) {
		if (pr_json_get(body, "company_id") != NULL)
			pr_fields_add(f, "company_id", "only provider staff "
			    "choose the company: this key creates domains in "
			    "its own");
		snprintf(n->company, sizeof(n->company), "%s",
		    api->actor.company);
		return;
	}
	switch (pr_field_int(f, body, "company_id", 1, INT64_MAX, 0, &id)) {
	case PR_FIELD_ABSENT:
		pr_fields_add(f, "company_id", "required for provider staff");
		break;
	case PR_FIELD_SET:
		snprintf(n->company, sizeof(n->company), "%lld",
		    (long long)id);
		break;
	}
}

/* An optional limit: null or absent is none. */
static void
check_limit(struct pr_fields *f, const struct pr_json *body, const char *name,
    int64_t min, int64_t max, char *out, size_t outlen)
{
	int64_t	v;

	if (pr_field_int(f, body, name, min, max, 1, &v) == PR_FIELD_SET)
		snprintf(out, outlen, "%lld", (long long)v);
}

void
pr_domain_create(struct pr_api *api)
{
	static const char *const known[] = { "name", "company_id",
	    "default_quota_bytes", "max_mailboxes", "max_storage_bytes",
	    "status", NULL };
	const struct pr_json	*body;
	struct pr_fields	 f;
	struct dnew		*n;
	char			 remote[64];

	if (!pr_domain_writer(api, "domains"))
		return;
	if ((body = pr_api_body(api)) == NULL)
		return;
	n = api->data = kore_calloc(1, sizeof(*n));
	n->status = statuses[0];
	pr_fields_init(&f);
	pr_fields_known(&f, body, known);
	check_name(&f, body, n);
	check_company(api, &f, body, n);
	check_limit(&f, body, "default_quota_bytes", 1, INT64_MAX, n->quota,
	    sizeof(n->quota));
	check_limit(&f, body, "max_mailboxes", 0, INT32_MAX, n->max_mailboxes,
	    sizeof(n->max_mailboxes));
	check_limit(&f, body, "max_storage_bytes", 0, INT64_MAX,
	    n->max_storage, sizeof(n->max_storage));
	pr_field_oneof(&f, body, "status", statuses, 0, &n->status);
	if (pr_fields_answer(api, &f))
		return;

	/*
	 * The domain count is read after the lock on the company row, by a
	 * function that sees what the lock's last holder committed
	 * (sql/004_locked_counts.sql): two creates at once cannot both take
	 * the last place.
	 */
	pr_remote_addr(api->req, remote, sizeof(remote));
	pr_api_query(api, create_done,
	    "WITH co AS (SELECT id, name, status, max_domains FROM companies "
	    "WHERE id = $1 FOR UPDATE), "
	    "used AS (SELECT pr_company_domains(co.id) AS n FROM co), "
	    "why AS (SELECT CASE "
	    "WHEN EXISTS (SELECT 1 FROM domain_names WHERE name = $2) "
	    "THEN 'name' "
	    "WHEN co.status <> 'active' THEN 'the company is suspended' "
	    "WHEN used.n >= co.max_domains THEN 'the company has its maximum "
	    "of ' || co.max_domains || ' domains' "
	    "END AS reason FROM co, used), "
	    "d AS (INSERT INTO domains (company_id, name, status, "
	    "default_quota_bytes, max_mailboxes, max_storage_bytes) "
	    "SELECT $1, $2, $3, $4::bigint, $5::int, $6::bigint FROM why "
	    "WHERE reason IS NULL RETURNING *), "
	    "j AS (SELECT d.company_id, d.name, " DOMAIN_JSON " AS doc "
	    "FROM d JOIN co ON co.id = d.company_id), "
	    "a AS (INSERT INTO audit_log (company_id, actor, actor_key_id, "
	    "actor_admin_id, remote_addr, action, object_type, object_id, "
	    "after) SELECT company_id, $7, nullif($8, ''), nullif($10, "
	    "'')::bigint, nullif($9, '')::inet, 'domain.create', 'domain', "
	    "name, doc::jsonb FROM j) "
	    "SELECT (SELECT doc FROM j), (SELECT reason FROM why), "
	    "(SELECT count(*) FROM co)",
	    10, n->company, n->name, n->status,
	    n->quota[0] != '\0' ? n->quota : NULL,
	    n->max_mailboxes[0] != '\0' ? n->max_mailboxes : NULL,
	    n->max_storage[0] != '\0' ? n->max_storage : NULL,
	    api->actor.who, api->actor.key_id, remote, api->actor.admin_id);
	api->on_error = create_failed;
}

/* The name exists, as a domain or a domain alias: whose is not said. */
static void
name_taken(struct pr_api *api)
{
	struct pr_fields	f;

	pr_fields_init(&f);
	pr_fields_add(&f, "name", "exists already");
	pr_fields_conflict(api, &f);
}

static void
create_done(struct pr_api *api)
{
	struct dnew		*n = api->data;
	struct pr_fields	 f;
	const char		*doc;

	if (pr_api_rows(api) != 1)
		return;
	if (pr_api_value(api, 0, 2)[0] == '0') {
		pr_fields_init(&f);
		pr_fields_add(&f, "company_id", "no such company");
		pr_fields_answer(api, &f);
		return;
	}
	if (pr_api_isnull(api, 0, 0)) {
		if (strcmp(pr_api_value(api, 0, 1), "name") == 0) {
			name_taken(api);
			return;
		}
		pr_api_problem(api, HTTP_STATUS_CONFLICT, PR_PROBLEM_CONFLICT,
		    "Conflict", pr_api_value(api, 0, 1));
		return;
	}
	doc = pr_api_value(api, 0, 0);
	pr_api_created(api, doc, strlen(doc), "/api/v1/domains/%s", n->name);
}

/* Another request registered the name since this one looked. */
static void
create_failed(struct pr_api *api)
{
	if (strcmp(api->sqlstate, "23505") == 0)
		name_taken(api);
}
