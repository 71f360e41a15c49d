/*
 * POST /api/v1/companies: create a company (operators only).
 *
 * Three steps: ask the database whether the cluster and the time zone
 * exist; check the whole body with those answers, so that every error is
 * listed together; then one statement that inserts the company and writes
 * the audit entry.  A name taken meanwhile is a 409 on "name".
 */
#include <kore/kore.h>
#include <kore/http.h>

#include <string.h>

#include "company.h"
#include "fields.h"

/* The schema's default quota, 1 GiB, when the body names none. */
#define DEFAULT_QUOTA	"1073741824"

struct cnew {
	char		 cluster_id[24];
	char		 quota[24];
	char		 max_domains[24];	/* "": no limit */
	char		 max_mailboxes[24];
	char		 max_storage[24];
	const char	*name;
	const char	*time_zone;
	const char	*status;
};

static void	create_check(struct pr_api *);
static void	create_done(struct pr_api *);
static void	create_failed(struct pr_api *);

static const char *const statuses[] = { "active", "suspended", NULL };

/* A member as a string, or NULL when absent or not a string. */
static const char *
string_of(const struct pr_json *body, const char *name)
{
	const struct pr_json	*v = pr_json_get(body, name);

	return (v != NULL && v->type == PR_JSON_STRING ? v->u.string.s : NULL);
}

void
pr_company_create(struct pr_api *api)
{
	const struct pr_json	*body;
	const char		*tz;

	if (!pr_company_operator(api, "create companies"))
		return;
	if ((body = pr_api_body(api)) == NULL)
		return;
	tz = string_of(body, "time_zone");
	pr_api_query(api, create_check, "SELECT (SELECT id FROM clusters "
	    "WHERE name = $1), $2::text IS NULL OR pr_valid_tz($2)",
	    2, string_of(body, "cluster"), tz != NULL ? tz : "UTC");
}

/* An optional limit: null or absent is none. */
static void
check_limit(struct pr_fields *f, const struct pr_json *body, const char *name,
    int64_t max, char *out, size_t outlen)
{
	int64_t	v;

	if (pr_field_int(f, body, name, 0, max, 1, &v) == PR_FIELD_SET)
		snprintf(out, outlen, "%lld", (long long)v);
}

static void
check_strings(struct pr_api *api, struct pr_fields *f,
    const struct pr_json *body, struct cnew *n)
{
	const struct pr_json	*v;
	const char		*why;

	if ((n->name = string_of(body, "name")) == NULL)
		pr_fields_add(f, "name", "required, a string");
	else if ((why = pr_company_name_check(n->name)) != NULL)
		pr_fields_add(f, "name", "%s", why);

	if (string_of(body, "cluster") == NULL)
		pr_fields_add(f, "cluster", "required, a cluster's name");
	else if (pr_api_isnull(api, 0, 0))
		pr_fields_add(f, "cluster", "no such cluster");
	else
		snprintf(n->cluster_id, sizeof(n->cluster_id), "%s",
		    pr_api_value(api, 0, 0));

	n->time_zone = "UTC";
	if ((v = pr_json_get(body, "time_zone")) != NULL) {
		if (v->type != PR_JSON_STRING ||
		    strcmp(pr_api_value(api, 0, 1), "t") != 0)
			pr_fields_add(f, "time_zone", "must be a time zone of "
			    "the IANA database, such as \"Europe/Berlin\"");
		else
			n->time_zone = v->u.string.s;
	}
}

static void
create_check(struct pr_api *api)
{
	static const char *const known[] = { "name", "cluster", "time_zone",
	    "max_domains", "max_mailboxes", "max_storage_bytes",
	    "default_quota_bytes", "status", NULL };
	const struct pr_json	*body = api->body.root;
	struct pr_fields	 f;
	struct cnew		*n;
	int64_t			 quota;
	char			 remote[64];

	if (pr_api_rows(api) != 1)
		return;
	n = api->data = kore_calloc(1, sizeof(*n));
	n->status = statuses[0];
	snprintf(n->quota, sizeof(n->quota), "%s", DEFAULT_QUOTA);
	pr_fields_init(&f);
	pr_fields_known(&f, body, known);
	check_strings(api, &f, body, n);
	check_limit(&f, body, "max_domains", INT32_MAX, n->max_domains,
	    sizeof(n->max_domains));
	check_limit(&f, body, "max_mailboxes", INT32_MAX, n->max_mailboxes,
	    sizeof(n->max_mailboxes));
	check_limit(&f, body, "max_storage_bytes", INT64_MAX, n->max_storage,
	    sizeof(n->max_storage));
	if (pr_field_int(&f, body, "default_quota_bytes", 1, INT64_MAX, 0,
	    &quota) == PR_FIELD_SET)
		snprintf(n->quota, sizeof(n->quota), "%lld", (long long)quota);
	pr_field_oneof(&f, body, "status", statuses, 0, &n->status);
	if (pr_fields_answer(api, &f))
		return;

	pr_remote_addr(api->req, remote, sizeof(remote));
	pr_api_query(api, create_done,
	    "WITH c AS (INSERT INTO companies (name, status, cluster_id, "
	    "time_zone, max_domains, max_mailboxes, max_storage_bytes, "
	    "default_quota_bytes) VALUES ($1, $2, $3::bigint, $4, $5::int, "
	    "$6::int, $7::bigint, $8::bigint) RETURNING *), "
	    "j AS (SELECT c.id, " COMPANY_JSON " AS doc FROM c "
	    "JOIN clusters cl ON cl.id = c.cluster_id), "
	    "a AS (INSERT INTO audit_log (company_id, actor, actor_key_id, "
	    "actor_admin_id, remote_addr, action, object_type, object_id, "
	    "after) SELECT id, $9, nullif($10, ''), nullif($12, '')::bigint, "
	    "nullif($11, '')::inet, 'company.create', 'company', id::text, "
	    "doc::jsonb FROM j) "
	    "SELECT id, doc FROM j",
	    12, n->name, n->status, n->cluster_id, n->time_zone,
	    n->max_domains[0] != '\0' ? n->max_domains : NULL,
	    n->max_mailboxes[0] != '\0' ? n->max_mailboxes : NULL,
	    n->max_storage[0] != '\0' ? n->max_storage : NULL, n->quota,
	    api->actor.who, api->actor.key_id, remote, api->actor.admin_id);
	api->on_error = create_failed;
}

static void
create_done(struct pr_api *api)
{
	const char	*doc;

	if (pr_api_rows(api) != 1)
		return;
	doc = pr_api_value(api, 0, 1);
	pr_api_created(api, doc, strlen(doc), "/api/v1/companies/%s",
	    pr_api_value(api, 0, 0));
}

/* Company names are unique: whose it is, the operator can look up. */
static void
create_failed(struct pr_api *api)
{
	pr_fields_taken(api, "name", "exists already");
}
