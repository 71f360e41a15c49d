/*
 * /api/v1/domains/{name}/aliases[/{alias}]: the names under which a
 * domain also receives mail (alias.example -> example.com).
 *
 * An alias name shares one registry with domain names (domain_names):
 * it exists nowhere else, in no company.  Whoever may see the domain may
 * list its aliases; operators and company admins add and remove them,
 * with an audit entry in the same statement.  The domain row is locked
 * FOR SHARE, so a change cannot slip past a concurrent delete.
 */
#include <kore/kore.h>
#include <kore/http.h>

#include <string.h>

#include "domain.h"
#include "params.h"
#include "validate.h"

int	pr_domain_aliases(struct http_request *);
int	pr_domain_alias(struct http_request *);

#define SEG_DOMAIN	3	/* /api/v1/domains/<name>/aliases/<alias> */
#define SEG_ALIAS	5

/* The domain in scope; $3 is its name. */
#define ALIAS_DOMAIN							\
	"dom AS (SELECT d.company_id, d.id, d.name FROM domains d "	\
	"WHERE d.name = $3 AND " DOMAIN_SCOPE

struct anew {
	char	domain[PR_DOMAIN_MAX + 1];
	char	name[PR_DOMAIN_MAX + 1];
};

static void
no_domain(struct pr_api *api)
{
	pr_api_problem(api, HTTP_STATUS_NOT_FOUND, PR_PROBLEM_NOT_FOUND,
	    "Not found", "no such domain");
}

static void
aliases_listed(struct pr_api *api)
{
	const char	*json;

	if (pr_api_rows(api) != 1) {
		no_domain(api);
		return;
	}
	json = pr_api_value(api, 0, 0);
	pr_api_json(api, HTTP_STATUS_OK, json, strlen(json));
}

static void
aliases_list(struct pr_api *api)
{
	struct pr_page	page;
	char		domain[PR_DOMAIN_MAX + 1];

	if (!pr_domain_path(api, SEG_DOMAIN, "domain", domain, sizeof(domain)))
		return;
	if (!pr_param_page(api, &page))
		return;
	pr_api_query_custom(api, aliases_listed,
	    "WITH " ALIAS_DOMAIN "), "
	    "page AS (SELECT a.name, " DOMAIN_ALIAS_JSON " AS j FROM dom d "
	    "JOIN domain_aliases a ON a.company_id = d.company_id AND "
	    "a.domain_id = d.id WHERE ($4 = '' OR a.name > $4) "
	    "ORDER BY a.name LIMIT $5::int + 1) "
	    PR_PAGE_JSON("name", "name", "$5::int") " FROM dom",
	    5, api->actor.company, pr_actor_domains(&api->actor), domain,
	    page.after, page.limit);
}

static void
alias_created(struct pr_api *api)
{
	struct anew		*n = api->data;
	struct pr_fields	 f;
	const char		*doc;

	if (pr_api_rows(api) != 1) {
		no_domain(api);
		return;
	}
	if (pr_api_isnull(api, 0, 0)) {
		pr_fields_init(&f);
		pr_fields_add(&f, "name", "exists already");
		pr_fields_conflict(api, &f);
		return;
	}
	doc = pr_api_value(api, 0, 0);
	pr_api_created(api, doc, strlen(doc), "/api/v1/domains/%s/aliases/%s",
	    n->domain, n->name);
}

/* Another request registered the name since this one looked. */
static void
alias_failed(struct pr_api *api)
{
	pr_fields_taken(api, "name", "exists already");
}

static void
alias_create(struct pr_api *api)
{
	static const char *const known[] = { "name", NULL };
	const struct pr_json	*body, *v;
	const char		*why;
	struct pr_fields	 f;
	struct anew		*n;
	char			 remote[64];

	if (!pr_domain_writer(api, "domain aliases"))
		return;
	n = api->data = kore_calloc(1, sizeof(*n));
	if (!pr_domain_path(api, SEG_DOMAIN, "domain", n->domain,
	    sizeof(n->domain)))
		return;
	if ((body = pr_api_body(api)) == NULL)
		return;
	pr_fields_init(&f);
	pr_fields_known(&f, body, known);
	if ((v = pr_json_get(body, "name")) == NULL ||
	    v->type != PR_JSON_STRING)
		pr_fields_add(&f, "name", "required, a string");
	else if ((why = pr_domain_check(v->u.string.s, n->name,
	    sizeof(n->name))) != NULL)
		pr_fields_add(&f, "name", "%s", why);
	if (pr_fields_answer(api, &f))
		return;

	pr_remote_addr(api->req, remote, sizeof(remote));
	pr_api_query(api, alias_created,
	    "WITH " ALIAS_DOMAIN "FOR SHARE), "
	    "a AS (INSERT INTO domain_aliases (company_id, domain_id, name) "
	    "SELECT company_id, id, $4 FROM dom WHERE NOT EXISTS (SELECT 1 "
	    "FROM domain_names WHERE name = $4) RETURNING *), "
	    "j AS (SELECT a.company_id, a.name, " DOMAIN_ALIAS_JSON " AS doc "
	    "FROM a JOIN dom d ON d.id = a.domain_id), "
	    "au AS (INSERT INTO audit_log (company_id, actor, actor_key_id, "
	    "actor_admin_id, remote_addr, action, object_type, object_id, "
	    "after) SELECT company_id, $5, nullif($6, ''), nullif($8, "
	    "'')::bigint, nullif($7, '')::inet, 'domain_alias.create', "
	    "'domain_alias', name, doc::jsonb FROM j) "
	    "SELECT (SELECT doc FROM j) FROM dom",
	    8, api->actor.company, pr_actor_domains(&api->actor), n->domain,
	    n->name, api->actor.who, api->actor.key_id, remote,
	    api->actor.admin_id);
	api->on_error = alias_failed;
}

int
pr_domain_aliases(struct http_request *req)
{
	return (pr_api_run(req, PR_GET | PR_POST,
	    req->method == HTTP_METHOD_POST ? alias_create : aliases_list));
}

static void
alias_deleted(struct pr_api *api)
{
	if (pr_api_rows(api) != 1) {
		no_domain(api);
		return;
	}
	if (pr_api_value(api, 0, 0)[0] == '0') {
		pr_api_problem(api, HTTP_STATUS_NOT_FOUND, PR_PROBLEM_NOT_FOUND,
		    "Not found", "no such domain alias");
		return;
	}
	pr_api_empty(api, HTTP_STATUS_NO_CONTENT);
}

static void
alias_delete(struct pr_api *api)
{
	char	domain[PR_DOMAIN_MAX + 1], name[PR_DOMAIN_MAX + 1];
	char	remote[64];

	if (!pr_domain_writer(api, "domain aliases"))
		return;
	if (!pr_domain_path(api, SEG_DOMAIN, "domain", domain,
	    sizeof(domain)) ||
	    !pr_domain_path(api, SEG_ALIAS, "domain alias", name,
	    sizeof(name)))
		return;
	pr_remote_addr(api->req, remote, sizeof(remote));
	pr_api_query(api, alias_deleted,
	    "WITH " ALIAS_DOMAIN "FOR SHARE), "
	    "old AS (SELECT a.company_id, a.id, a.name, " DOMAIN_ALIAS_JSON
	    " AS doc FROM dom d JOIN domain_aliases a ON a.company_id = "
	    "d.company_id AND a.domain_id = d.id WHERE a.name = $4), "
	    "del AS (DELETE FROM domain_aliases a USING old WHERE "
	    "a.company_id = old.company_id AND a.id = old.id RETURNING a.id), "
	    "au AS (INSERT INTO audit_log (company_id, actor, actor_key_id, "
	    "actor_admin_id, remote_addr, action, object_type, object_id, "
	    "before) SELECT old.company_id, $5, nullif($6, ''), nullif($8, "
	    "'')::bigint, nullif($7, '')::inet, 'domain_alias.delete', "
	    "'domain_alias', old.name, old.doc::jsonb FROM old JOIN del ON "
	    "del.id = old.id) "
	    "SELECT (SELECT count(*) FROM del) FROM dom",
	    8, api->actor.company, pr_actor_domains(&api->actor), domain, name,
	    api->actor.who, api->actor.key_id, remote, api->actor.admin_id);
}

int
pr_domain_alias(struct http_request *req)
{
	return (pr_api_run(req, PR_DELETE, alias_delete));
}
