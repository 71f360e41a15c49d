/*
 * /api/v1/admins: the list and one admin account, lifting an account's
 * login lock, and the routes of the admin handlers.
 *
 * Accounts are named by their id in URLs.  Provider staff see every
 * account; a company's admins and viewers their company's (never provider
 * staff); domain admins none.  Every query carries the actor's company
 * (admin.h), so another company's account is not found.  Failed logins
 * and locks are shown to provider staff and the company's admins, who
 * may lift a lock, as support may.
 */
#include <kore/kore.h>
#include <kore/http.h>

#include <string.h>

#include "admin.h"
#include "fields.h"
#include "params.h"

int	pr_admins(struct http_request *);
int	pr_admin(struct http_request *);
int	pr_admin_unlock(struct http_request *);

#define SEG_ADMIN	3	/* /api/v1/admins/<id> */

int
pr_admin_path(struct pr_api *api, char *id, size_t idlen)
{
	return (pr_param_path_id(api, SEG_ADMIN, "admin account", id, idlen));
}

const char *
pr_admin_sees_locks(const struct pr_api *api)
{
	return (pr_role_at_least(&api->actor, PR_ROLE_COMPANY_ADMIN) ? "t" :
	    "f");
}

/* Domain admins manage mailboxes, not accounts. */
static int
reader(struct pr_api *api)
{
	if (api->actor.role != PR_ROLE_DOMAIN_ADMIN)
		return (1);
	pr_api_problem(api, HTTP_STATUS_FORBIDDEN, PR_PROBLEM_FORBIDDEN,
	    "Forbidden", "this role cannot read admin accounts");
	return (0);
}

static void
admin_found(struct pr_api *api)
{
	static const char *const none[] = { NULL };

	pr_field_answer_row(api, "no such admin account", none);
}

static void
admin_get(struct pr_api *api)
{
	char	id[24];

	if (!reader(api) || !pr_admin_path(api, id, sizeof(id)))
		return;
	pr_api_query(api, admin_found, "SELECT " ADMIN_JSON(ADMIN_DOMAINS,
	    "$3::bool") " FROM admins a WHERE a.id = $2 AND " ADMIN_SCOPE,
	    3, api->actor.company, id, pr_admin_sees_locks(api));
}

static int
bad(struct pr_api *api, const char *detail)
{
	pr_api_problem(api, HTTP_STATUS_BAD_REQUEST, PR_PROBLEM_BAD_REQUEST,
	    "Bad request", detail);
	return (0);
}

struct filter {
	char	like[3 * PR_ADDRESS_MAX + 2];
	char	company[24];
	char	role[24];
	char	locked[8];
};

static int
filters(struct pr_api *api, struct filter *f)
{
	if (!pr_param_prefix(api, "q", f->like, sizeof(f->like)) ||
	    !pr_param_id(api, "company", "a company's id", f->company,
	    sizeof(f->company)) ||
	    !pr_param(api, "role", f->role, sizeof(f->role)) ||
	    !pr_param(api, "locked", f->locked, sizeof(f->locked)))
		return (0);
	if (f->role[0] != '\0' && pr_role_parse(f->role) == PR_ROLE_NONE)
		return (bad(api, "role must be operator, support, "
		    "company_admin, company_viewer or domain_admin"));
	if (f->locked[0] != '\0' && strcmp(f->locked, "true") != 0 &&
	    strcmp(f->locked, "false") != 0)
		return (bad(api, "locked must be true or false"));
	return (1);
}

#define OR_NULL(s)	((s)[0] != '\0' ? (s) : NULL)

/*
 * By e-mail in byte order (sql/009's indexes); the cursor is the last
 * address shown, in hex, as the other lists give it.
 */
static void
admins_list(struct pr_api *api)
{
	struct pr_page	page;
	struct filter	f;

	if (!reader(api) || !pr_param_page(api, &page) || !filters(api, &f))
		return;
	pr_api_query_custom(api, pr_api_json_row,
	    "WITH page AS (SELECT a.email COLLATE \"C\" AS k, "
	    ADMIN_JSON(ADMIN_DOMAINS, "$7::bool") " AS j FROM admins a "
	    "WHERE " ADMIN_SCOPE "AND ($2 = '' OR a.email COLLATE \"C\" > $2) "
	    "AND ($3::bigint IS NULL OR a.company_id = $3) "
	    "AND ($4 = '%' OR a.email COLLATE \"C\" LIKE $4) "
	    "AND ($5::text IS NULL OR a.role = $5) "
	    "AND ($6::bool IS NULL OR coalesce(a.locked_until > now(), false) "
	    "= $6) "
	    "ORDER BY a.email COLLATE \"C\" LIMIT $8::int + 1) "
	    PR_PAGE_JSON("k", "k", "$8::int"),
	    8, api->actor.company, page.after, OR_NULL(f.company), f.like,
	    OR_NULL(f.role), OR_NULL(f.locked), pr_admin_sees_locks(api),
	    page.limit);
}

/*
 * Operators and support lift any account's lock, a company's admins
 * their company's: failed logins back to 0, the lock gone, audited with
 * both.
 */
static void
admin_unlock(struct pr_api *api)
{
	char	id[24], remote[64];

	if (!pr_role_at_least(&api->actor, PR_ROLE_COMPANY_ADMIN)) {
		pr_api_problem(api, HTTP_STATUS_FORBIDDEN,
		    PR_PROBLEM_FORBIDDEN, "Forbidden",
		    "this role cannot lift a lock");
		return;
	}
	if (!pr_admin_path(api, id, sizeof(id)))
		return;
	pr_remote_addr(api->req, remote, sizeof(remote));
	pr_api_query(api, admin_found,
	    "WITH cur AS (SELECT a.* FROM admins a WHERE a.id = $2 AND "
	    ADMIN_SCOPE "FOR UPDATE), "
	    "u AS (UPDATE admins x SET failed_logins = 0, locked_until = NULL, "
	    "updated_at = now() FROM cur WHERE x.id = cur.id RETURNING x.*), "
	    "b AS (SELECT a.id, a.company_id, " ADMIN_JSON(ADMIN_DOMAINS,
	    "true") " AS doc FROM cur a), "
	    "n AS (SELECT " ADMIN_JSON(ADMIN_DOMAINS, "true") " AS doc "
	    "FROM u a), "
	    "l AS (" ADMIN_AUDIT "SELECT b.company_id, $3, nullif($4, ''), "
	    "nullif($5, '')::bigint, nullif($6, '')::inet, 'admin.unlock', "
	    "'admin', b.id::text, b.doc::jsonb, n.doc::jsonb FROM b, n) "
	    "SELECT doc FROM n",
	    6, api->actor.company, id, api->actor.who, api->actor.key_id,
	    api->actor.admin_id, remote);
}

int
pr_admins(struct http_request *req)
{
	return (pr_api_run(req, PR_GET | PR_POST,
	    req->method == HTTP_METHOD_POST ? pr_admin_create : admins_list));
}

int
pr_admin(struct http_request *req)
{
	pr_api_fn	fn = admin_get;

	if (req->method == HTTP_METHOD_PATCH)
		fn = pr_admin_update;
	else if (req->method == HTTP_METHOD_DELETE)
		fn = pr_admin_delete;
	return (pr_api_run(req, PR_GET | PR_PATCH | PR_DELETE, fn));
}

int
pr_admin_unlock(struct http_request *req)
{
	return (pr_api_run(req, PR_POST, admin_unlock));
}
